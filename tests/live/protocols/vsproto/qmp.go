// Copyright (c) 2026 The vsockdump authors
// SPDX-License-Identifier: BSD-3-Clause

// QMP: a client of qemu-guest-agent (qemu-ga -m vsock-listen).  One
// connection, one JSON object per command, answers read in order:
// guest-sync, guest-ping, guest-info, guest-get-time, an unknown
// command (CommandNotFound), guest-file-open of a missing file
// (GenericError), a slow guest-fsfreeze-freeze (the agent waits for
// its fsfreeze hook) with its status and thaw, two commands in one
// write(), and guest-shutdown, which the agent by design does not
// answer when the shutdown command it runs succeeds.
package main

import (
	"encoding/json"
	"time"
)

type qmpReply struct {
	Return json.RawMessage `json:"return"`
	Error  *struct {
		Class string `json:"class"`
		Desc  string `json:"desc"`
	} `json:"error"`
}

func qmpClient(port uint32) {
	conn, err := dial("qmp", port)
	if err != nil {
		fatal("dial: %v", err)
	}
	dec := json.NewDecoder(conn)
	// The n-th command of the connection is its "stream".
	n := 0
	// send writes the commands in one write(); read gets one answer
	// per command, logged as a call.  It returns the answers, nil for
	// one that did not come within wait.
	exchange := func(wait time.Duration, cmds ...string) []*qmpReply {
		var buf []byte
		for _, c := range cmds {
			buf = append(buf, c...)
			buf = append(buf, '\n')
		}
		sent := time.Now()
		if _, err := conn.Write(buf); err != nil {
			fatal("write: %v", err)
		}
		if len(cmds) > 1 {
			logWrite("qmp", conn.id, len(buf), len(cmds))
		}
		conn.SetReadDeadline(time.Now().Add(wait))
		replies := make([]*qmpReply, len(cmds))
		for i, c := range cmds {
			n++
			var probe struct {
				Execute string `json:"execute"`
			}
			json.Unmarshal([]byte(c), &probe)
			var r qmpReply
			if err := dec.Decode(&r); err != nil {
				logCall("qmp", conn.id, n, probe.Execute, sent, time.Time{},
					"none", err.Error())
				continue
			}
			recv := time.Now()
			switch {
			case r.Error != nil:
				logCall("qmp", conn.id, n, probe.Execute, sent, recv,
					"error:"+r.Error.Class, r.Error.Desc)
			default:
				msg := string(r.Return)
				if len(msg) > 60 {
					msg = msg[:60] + "..."
				}
				logCall("qmp", conn.id, n, probe.Execute, sent, recv,
					"return", msg)
			}
			replies[i] = &r
		}
		return replies
	}
	ok := func(r *qmpReply) bool { return r != nil && r.Error == nil && r.Return != nil }
	errClass := func(r *qmpReply) string {
		if r == nil || r.Error == nil {
			return ""
		}
		return r.Error.Class
	}
	const wait = 10 * time.Second

	r := exchange(wait, `{"execute":"guest-sync","arguments":{"id":4242}}`)
	expect(ok(r[0]) && string(r[0].Return) == "4242", "guest-sync returns its id")
	r = exchange(wait, `{"execute":"guest-ping"}`)
	expect(ok(r[0]), "guest-ping returns")
	r = exchange(wait, `{"execute":"guest-info"}`)
	expect(ok(r[0]), "guest-info returns")
	r = exchange(wait, `{"execute":"guest-get-time"}`)
	expect(ok(r[0]), "guest-get-time returns")
	r = exchange(wait, `{"execute":"guest-frobnicate"}`)
	expect(errClass(r[0]) == "CommandNotFound", "an unknown command is CommandNotFound")
	r = exchange(wait, `{"execute":"guest-file-open","arguments":{"path":"/nonexistent/file","mode":"r"}}`)
	expect(errClass(r[0]) == "GenericError", "opening a missing file is GenericError")

	// Slow: the agent runs its fsfreeze hook (given with -F; the
	// stage's sleeps slowDelay on "freeze") before it freezes, and
	// answers after it.  Nothing in the VM can be frozen (ramfs,
	// tmpfs, proc): the agent skips such file systems, freezes none
	// and thaws at once ("thawed" from then on).
	t0 := time.Now()
	r = exchange(wait, `{"execute":"guest-fsfreeze-freeze"}`)
	expect(ok(r[0]) && time.Since(t0) >= slowDelay, "guest-fsfreeze-freeze answers after its hook")
	r = exchange(wait, `{"execute":"guest-fsfreeze-status"}`)
	expect(ok(r[0]), "guest-fsfreeze-status returns")
	r = exchange(wait, `{"execute":"guest-fsfreeze-thaw"}`)
	expect(ok(r[0]), "guest-fsfreeze-thaw returns")

	r = exchange(wait, `{"execute":"guest-ping"}`, `{"execute":"guest-get-time"}`)
	expect(ok(r[0]) && ok(r[1]), "two commands in one write both return")

	r = exchange(hangTimeout, `{"execute":"guest-shutdown","arguments":{"mode":"powerdown"}}`)
	expect(r[0] == nil, "guest-shutdown is not answered")
	conn.Close()
	clientExit()
}
