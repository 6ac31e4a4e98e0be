// Copyright (c) 2026 The vsockdump authors
// SPDX-License-Identifier: BSD-3-Clause

// vsproto: the Go side of the live tier's protocol stage.  Clients and
// servers of real libraries (containerd's ttrpc, grpc-go, net/http) and
// small senders of documented messages (sd_notify, the Nitro Enclaves
// ready signal), all over AF_VSOCK, each writing the event log that
// tests/live/protocols/README describes.
//
// Usage:
//
//	vsproto [-log FILE] server PROTO PORT
//	vsproto [-log FILE] client PROTO PORT
//	vsproto [-log FILE] qmp PORT
//	vsproto [-log FILE] mount9p PORT DIR ANAME
//	vsproto [-log FILE] run LABEL CMD [ARG...]
//	vsproto waitport PORT
//
// PROTO is ttrpc, grpc, http, notify or ready.  A server runs until
// SIGTERM or SIGINT, then logs "exit" and ends with status 0.  A
// client runs its fixed plan and ends with status 0 only if every call
// had the outcome the plan expects.
package main

import (
	"fmt"
	"hash"
	"hash/fnv"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mdlayher/vsock"
)

// The CID every connection of the stage uses: the loopback transport.
const localCID = 1

var (
	logMu   sync.Mutex
	logFile = os.Stdout
	who     = "vsproto"
)

// stamp is a CLOCK_REALTIME time in seconds with microseconds, as
// pcap's -tt time stamps print.
func stamp(t time.Time) string {
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1000000, us%1000000)
}

func now() string {
	return stamp(time.Now())
}

// logEvent writes one line: the event, who wrote it, then the fields.
// A field "msg=..." must come last: its value runs to the end of the
// line and may hold spaces (newlines become spaces).
func logEvent(event string, fields ...string) {
	var b strings.Builder
	b.WriteString(event)
	b.WriteString(" who=")
	b.WriteString(who)
	for _, f := range fields {
		b.WriteByte(' ')
		b.WriteString(strings.NewReplacer("\n", " ", "\r", " ").Replace(f))
	}
	b.WriteByte('\n')
	logMu.Lock()
	logFile.WriteString(b.String())
	logMu.Unlock()
}

func kv(k string, v interface{}) string {
	return fmt.Sprintf("%s=%v", k, v)
}

func fatal(format string, args ...interface{}) {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(os.Stderr, "vsproto: %s\n", msg)
	logEvent("exit", "rc=2", "msg="+msg)
	os.Exit(2)
}

// addrString gives a vsock address as "CID.PORT", the form
// vsock-pcap-flows prints.
func addrString(a net.Addr) string {
	if va, ok := a.(*vsock.Addr); ok {
		return fmt.Sprintf("%d.%d", va.ContextID, va.Port)
	}
	return a.String()
}

// countConn counts the bytes and their FNV-1a hash each way, as the
// checker compares them with the capture's RW payloads, and logs
// "conn" when made and "close" when closed.
type countConn struct {
	net.Conn
	proto, role, id string
	mu              sync.Mutex
	tx, rx          int64
	txh, rxh        hash.Hash32
	closeOnce       sync.Once
}

var connSeq struct {
	sync.Mutex
	n int
}

func nextConnID(role string) string {
	connSeq.Lock()
	defer connSeq.Unlock()
	connSeq.n++
	return fmt.Sprintf("%s%d", role[:1], connSeq.n)
}

func wrapConn(c net.Conn, proto, role string) *countConn {
	cc := &countConn{Conn: c, proto: proto, role: role,
		id: nextConnID(role), txh: fnv.New32a(), rxh: fnv.New32a()}
	logEvent("conn", kv("proto", proto), kv("role", role), kv("conn", cc.id),
		"type=stream", kv("local", addrString(c.LocalAddr())),
		kv("remote", addrString(c.RemoteAddr())), kv("t", now()))
	return cc
}

func (c *countConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.rx += int64(n)
	c.rxh.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

func (c *countConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	c.tx += int64(n)
	c.txh.Write(p[:n])
	c.mu.Unlock()
	return n, err
}

func (c *countConn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		logEvent("close", kv("proto", c.proto), kv("conn", c.id),
			kv("tx", c.tx), fmt.Sprintf("txfnv=%08x", c.txh.Sum32()),
			kv("rx", c.rx), fmt.Sprintf("rxfnv=%08x", c.rxh.Sum32()),
			kv("t", now()))
	})
	return err
}

// countListener wraps every accepted connection.
type countListener struct {
	net.Listener
	proto string
}

func (l countListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return wrapConn(c, l.proto, "server"), nil
}

func listen(proto string, port uint32) net.Listener {
	l, err := vsock.ListenContextID(localCID, port, nil)
	if err != nil {
		fatal("listen on %d.%d: %v", localCID, port, err)
	}
	logEvent("listen", kv("proto", proto), kv("local", addrString(l.Addr())),
		kv("t", now()))
	return countListener{Listener: l, proto: proto}
}

func dial(proto string, port uint32) (*countConn, error) {
	c, err := vsock.Dial(localCID, port, nil)
	if err != nil {
		return nil, err
	}
	return wrapConn(c, proto, "client"), nil
}

// logCall is a client's line for one call.  recv is the zero time for
// a call that got no answer.
func logCall(proto, conn string, stream interface{}, method string,
	sent, recv time.Time, status, msg string) {
	r := "-"
	if !recv.IsZero() {
		r = stamp(recv)
	}
	logEvent("call", kv("proto", proto), kv("conn", conn),
		kv("stream", stream), kv("method", method), kv("sent", stamp(sent)),
		kv("recv", r), kv("status", status), "msg="+msg)
}

// logWrite is a client's line for one write() that carries several
// protocol messages (requests or commands), which the capture must
// show as one RW packet of that size.
func logWrite(proto, conn string, bytes, messages int) {
	logEvent("write", kv("proto", proto), kv("conn", conn),
		kv("bytes", bytes), kv("messages", messages), kv("t", now()))
}

// logServe is a server's line for one request it handled.
func logServe(proto, method string, start, end time.Time, status, msg string) {
	logEvent("serve", kv("proto", proto), kv("method", method),
		kv("start", stamp(start)), kv("end", stamp(end)),
		kv("status", status), "msg="+msg)
}

// expectations of a client's plan: each unmet one makes the exit
// status 1 and is logged as "unexpected".
var unmet int

func expect(ok bool, what string) {
	if !ok {
		unmet++
		logEvent("unexpected", "msg="+what)
	}
}

func clientExit() {
	rc := 0
	if unmet > 0 {
		rc = 1
	}
	logEvent("exit", kv("rc", rc))
	os.Exit(rc)
}

// serveUntilSignal runs serve in the background and returns (logging
// "exit") on SIGTERM or SIGINT, or exits 2 if serve fails first.
func serveUntilSignal(serve func() error) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	errc := make(chan error, 1)
	go func() { errc <- serve() }()
	select {
	case s := <-sig:
		logEvent("exit", "rc=0", kv("signal", s))
		os.Exit(0)
	case err := <-errc:
		fatal("server: %v", err)
	}
}

// hangForever blocks a handler that must never answer; the server is
// ended by a signal with the call still pending.
func hangForever() {
	select {}
}

func parsePort(s string) uint32 {
	p, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		fatal("bad port %q", s)
	}
	return uint32(p)
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage: vsproto [-log FILE] server|client ttrpc|grpc|http|notify|ready PORT
       vsproto [-log FILE] qmp PORT
       vsproto [-log FILE] mount9p PORT DIR ANAME
       vsproto [-log FILE] run LABEL CMD [ARG...]
       vsproto waitport PORT`)
	os.Exit(2)
}

func main() {
	args := os.Args[1:]
	if len(args) >= 2 && args[0] == "-log" {
		f, err := os.OpenFile(args[1], os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0644)
		if err != nil {
			fmt.Fprintf(os.Stderr, "vsproto: %v\n", err)
			os.Exit(2)
		}
		logFile = f
		args = args[2:]
	}
	if len(args) < 2 {
		usage()
	}
	switch args[0] {
	case "server", "client":
		if len(args) != 3 {
			usage()
		}
		who = args[1] + "-" + args[0]
		port := parsePort(args[2])
		runRole(args[1], args[0], port)
	case "qmp":
		who = "qmp-client"
		qmpClient(parsePort(args[1]))
	case "mount9p":
		if len(args) != 4 {
			usage()
		}
		who = "9p-mount"
		mount9p(parsePort(args[1]), args[2], args[3])
	case "waitport":
		waitPort(parsePort(args[1]))
	case "run":
		if len(args) < 3 {
			usage()
		}
		who = "run"
		runCommand(args[1], args[2:])
	default:
		usage()
	}
}

func runRole(proto, role string, port uint32) {
	type pair struct{ server, client func(uint32) }
	roles := map[string]pair{
		"ttrpc":  {ttrpcServer, ttrpcClient},
		"grpc":   {grpcServer, grpcClient},
		"http":   {httpServer, httpClient},
		"notify": {notifyServer, notifyClient},
		"ready":  {readyServer, readyClient},
	}
	p, ok := roles[proto]
	if !ok {
		usage()
	}
	if role == "server" {
		p.server(port)
	} else {
		p.client(port)
	}
}

// waitPort connects to PORT every 100 ms until a server accepts (10 s
// at most), then closes: for a server that says nothing when it
// listens (qemu-ga), before the capture starts.
func waitPort(port uint32) {
	for i := 0; i < 100; i++ {
		c, err := vsock.Dial(localCID, port, nil)
		if err == nil {
			c.Close()
			os.Exit(0)
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Fprintf(os.Stderr, "vsproto: nothing listens on %d.%d\n", localCID, port)
	os.Exit(1)
}
