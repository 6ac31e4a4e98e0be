// Copyright (c) 2026 The vsockdump authors
// SPDX-License-Identifier: BSD-3-Clause

// The protocols that are bytes we write as their documents say, on raw
// AF_VSOCK sockets (SEQPACKET needs them: the vsock package has only
// STREAM): sd_notify's messages, the Nitro Enclaves ready signal; and
// the connection that the kernel's 9P client is given (mount9p), and
// "run", which times a command of the stage.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// What sd_notify(3) senders say: newline-separated assignments, one
// message per connection (as systemd's sender does on vsock).
var notifyMessages = []struct {
	typ int
	msg string
}{
	{unix.SOCK_SEQPACKET, "X_SYSTEMD_UNIT_ACTIVE=sockets.target"},
	{unix.SOCK_SEQPACKET, "READY=1\nSTATUS=Up and running"},
	{unix.SOCK_STREAM, "READY=1\nSTATUS=Up and running (stream)\nX_SYSTEMD_UNIT_ACTIVE=multi-user.target\n"},
}

// FNV-1a's offset basis: the hash of nothing.
const fnvBasis = 2166136261

// The ready signal's byte (Nitro Enclaves' init, port 9000).
const readyByte = 0xB7

func typeName(typ int) string {
	if typ == unix.SOCK_SEQPACKET {
		return "seqpacket"
	}
	return "stream"
}

func vmAddr(sa unix.Sockaddr) string {
	if v, ok := sa.(*unix.SockaddrVM); ok {
		return fmt.Sprintf("%d.%d", v.CID, v.Port)
	}
	return "?"
}

// rawConn is a connected AF_VSOCK socket with the same "conn" and
// "close" lines as countConn.
type rawConn struct {
	fd             int
	proto, id, typ string
	tx, rx         int64
	txh, rxh       uint32
}

func logRawConn(fd int, proto, role string, typ int) *rawConn {
	c := &rawConn{fd: fd, proto: proto, id: nextConnID(role), typ: typeName(typ),
		txh: fnvBasis, rxh: fnvBasis}
	la, _ := unix.Getsockname(fd)
	ra, _ := unix.Getpeername(fd)
	logEvent("conn", kv("proto", proto), kv("role", role), kv("conn", c.id),
		kv("type", c.typ), kv("local", vmAddr(la)), kv("remote", vmAddr(ra)),
		kv("t", now()))
	return c
}

// fnvMore continues an FNV-1a hash (its state is the hash itself).
func fnvMore(h uint32, p []byte) uint32 {
	for _, b := range p {
		h ^= uint32(b)
		h *= 16777619
	}
	return h
}

func (c *rawConn) write(p []byte) error {
	for len(p) > 0 {
		n, err := unix.Write(c.fd, p)
		if n > 0 {
			c.txh = fnvMore(c.txh, p[:n])
			c.tx += int64(n)
			p = p[n:]
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// read returns one recv()'s bytes: one message on SEQPACKET.
func (c *rawConn) read(buf []byte) (int, error) {
	n, err := unix.Read(c.fd, buf)
	if n > 0 {
		c.rxh = fnvMore(c.rxh, buf[:n])
		c.rx += int64(n)
	}
	return n, err
}

func (c *rawConn) close() {
	unix.Close(c.fd)
	logEvent("close", kv("proto", c.proto), kv("conn", c.id), kv("tx", c.tx),
		fmt.Sprintf("txfnv=%08x", c.txh), kv("rx", c.rx),
		fmt.Sprintf("rxfnv=%08x", c.rxh),
		kv("t", now()))
}

func rawDial(typ int, port uint32) (int, error) {
	fd, err := unix.Socket(unix.AF_VSOCK, typ|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	if err := unix.Connect(fd, &unix.SockaddrVM{CID: localCID, Port: port}); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

func rawListen(proto string, typ int, port uint32) int {
	fd, err := unix.Socket(unix.AF_VSOCK, typ|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		fatal("socket: %v", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrVM{CID: localCID, Port: port}); err != nil {
		fatal("bind %d.%d: %v", localCID, port, err)
	}
	if err := unix.Listen(fd, 16); err != nil {
		fatal("listen: %v", err)
	}
	logEvent("listen", kv("proto", proto), kv("type", typeName(typ)),
		kv("local", fmt.Sprintf("%d.%d", localCID, port)), kv("t", now()))
	return fd
}

// acceptLoop serves each connection of a listening socket with fn, in
// a goroutine of its own: a connection still open does not hold back
// the next one.
func acceptLoop(proto string, typ, lfd int, fn func(*rawConn)) error {
	for {
		fd, _, err := unix.Accept(lfd)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		c := logRawConn(fd, proto, "server", typ)
		go func() {
			fn(c)
			c.close()
		}()
	}
}

// notifyServer receives on PORT (SEQPACKET) and PORT+1 (STREAM): one
// "message" line per message, a SEQPACKET message being one recv() and
// a STREAM one everything up to end of file.
func notifyServer(port uint32) {
	seq := rawListen("notify", unix.SOCK_SEQPACKET, port)
	str := rawListen("notify", unix.SOCK_STREAM, port+1)
	logMsg := func(c *rawConn, msg []byte) {
		logEvent("message", "proto=notify", kv("conn", c.id), kv("type", c.typ),
			kv("bytes", len(msg)), kv("t", now()), "msg="+strconv.Quote(string(msg)))
	}
	go acceptLoop("notify", unix.SOCK_STREAM, str, func(c *rawConn) {
		var all []byte
		buf := make([]byte, 4096)
		for {
			n, err := c.read(buf)
			if n <= 0 || err != nil {
				break
			}
			all = append(all, buf[:n]...)
		}
		logMsg(c, all)
	})
	serveUntilSignal(func() error {
		return acceptLoop("notify", unix.SOCK_SEQPACKET, seq, func(c *rawConn) {
			buf := make([]byte, 4096)
			for {
				n, err := c.read(buf)
				if n <= 0 || err != nil {
					return
				}
				logMsg(c, buf[:n])
			}
		})
	})
}

func notifyClient(port uint32) {
	for _, m := range notifyMessages {
		p := port
		if m.typ == unix.SOCK_STREAM {
			p = port + 1
		}
		fd, err := rawDial(m.typ, p)
		if err != nil {
			expect(false, fmt.Sprintf("connect %s %d: %v", typeName(m.typ), p, err))
			continue
		}
		c := logRawConn(fd, "notify", "client", m.typ)
		sent := time.Now()
		err = c.write([]byte(m.msg))
		expect(err == nil, "message sent whole")
		logEvent("message", "proto=notify", kv("conn", c.id), kv("type", c.typ),
			kv("bytes", len(m.msg)), kv("t", stamp(sent)),
			"msg="+strconv.Quote(m.msg))
		c.close()
	}
	clientExit()
}

func readyServer(port uint32) {
	lfd := rawListen("ready", unix.SOCK_STREAM, port)
	serveUntilSignal(func() error {
		return acceptLoop("ready", unix.SOCK_STREAM, lfd, func(c *rawConn) {
			start := time.Now()
			b := make([]byte, 1)
			n, _ := c.read(b)
			if n == 1 {
				c.write(b)
				logServe("ready", "signal", start, time.Now(),
					fmt.Sprintf("0x%02x", b[0]), "echoed")
			}
			// Until the enclave side closes.
			c.read(b)
		})
	})
}

func readyClient(port uint32) {
	fd, err := rawDial(unix.SOCK_STREAM, port)
	if err != nil {
		fatal("connect: %v", err)
	}
	c := logRawConn(fd, "ready", "client", unix.SOCK_STREAM)
	sent := time.Now()
	err = c.write([]byte{readyByte})
	expect(err == nil, "ready byte sent")
	b := make([]byte, 1)
	n, _ := c.read(b)
	recv := time.Now()
	if n == 1 {
		logCall("ready", c.id, 1, "signal", sent, recv,
			fmt.Sprintf("0x%02x", b[0]), "echoed")
	} else {
		logCall("ready", c.id, 1, "signal", sent, time.Time{}, "none", "no echo")
	}
	expect(n == 1 && b[0] == readyByte, "the ready byte is echoed")
	c.close()
	clientExit()
}

// mount9p connects to a 9P server and hands the socket to the
// kernel's 9P client (the fd transport: trans=fd,rfdno,wfdno) by
// mounting DIR.
func mount9p(port uint32, dir, aname string) {
	start := time.Now()
	fd, err := rawDial(unix.SOCK_STREAM, port)
	if err != nil {
		fatal("connect: %v", err)
	}
	c := logRawConn(fd, "9p", "client", unix.SOCK_STREAM)
	opts := fmt.Sprintf("trans=fd,rfdno=%d,wfdno=%d,version=9p2000.L,aname=%s,uname=root,access=user,cache=none",
		fd, fd, aname)
	err = unix.Mount("vsock9p", dir, "9p", 0, opts)
	rc := 0
	msg := "ok"
	if err != nil {
		rc = 1
		msg = err.Error()
	}
	logEvent("run", "label=mount", kv("conn", c.id), kv("start", stamp(start)),
		kv("end", now()), kv("rc", rc), "msg="+opts+": "+msg)
	// The kernel holds the socket as long as the mount lives.
	unix.Close(fd)
	logEvent("exit", kv("rc", rc))
	os.Exit(rc)
}

// runCommand runs a command of the stage (a real program's client
// side), with its standard streams, and logs when it ran and its exit
// status, which it exits with.
func runCommand(label string, argv []string) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	end := time.Now()
	rc := 0
	msg := "exit 0"
	if err != nil {
		msg = err.Error()
		rc = 127
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			rc = ee.ExitCode()
			if rc < 0 {
				rc = 128
			}
		}
	}
	logEvent("run", kv("label", label), kv("start", stamp(start)),
		kv("end", stamp(end)), kv("rc", rc), "msg="+msg)
	os.Exit(rc)
}
