// Copyright (c) 2026 The vsockdump authors
// SPDX-License-Identifier: BSD-3-Clause

// ttrpc: containerd's library on both ends, service
// vsockdump.test.Echo with methods Fast (echo), Slow (echo after
// slowDelay), Fail (status NotFound) and Hang (never answered); the
// client also calls a method the server does not have (the library
// answers Unimplemented), and writes three requests in one write() on
// a second connection, framed by hand with the library's own message
// types, to put several frames in one packet.
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/containerd/ttrpc"
	"github.com/gogo/protobuf/proto"
	"github.com/gogo/protobuf/types"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

const (
	echoService = "vsockdump.test.Echo"
	slowDelay   = 300 * time.Millisecond
	// How long a client waits for the call that is never answered.
	hangTimeout = time.Second
	// A payload larger than ttrpc's 4096-byte write buffer: the
	// library writes its frame in two write() calls, so the frame
	// spans two packets (one RW packet per write).
	splitSize = 6000
)

func ttrpcServer(port uint32) {
	logged := func(ctx context.Context, unmarshal ttrpc.Unmarshaler,
		info *ttrpc.UnaryServerInfo, m ttrpc.Method) (interface{}, error) {
		start := time.Now()
		resp, err := m(ctx, unmarshal)
		st, _ := status.FromError(err)
		logServe("ttrpc", info.FullMethod, start, time.Now(),
			strconv.Itoa(int(st.Code())), st.Message())
		return resp, err
	}
	s, err := ttrpc.NewServer(ttrpc.WithUnaryServerInterceptor(logged))
	if err != nil {
		fatal("ttrpc server: %v", err)
	}
	echo := func(ctx context.Context, unmarshal func(interface{}) error) (interface{}, error) {
		var v types.BytesValue
		if err := unmarshal(&v); err != nil {
			return nil, err
		}
		return &v, nil
	}
	s.Register(echoService, map[string]ttrpc.Method{
		"Fast": echo,
		"Slow": func(ctx context.Context, u func(interface{}) error) (interface{}, error) {
			time.Sleep(slowDelay)
			return echo(ctx, u)
		},
		"Fail": func(ctx context.Context, u func(interface{}) error) (interface{}, error) {
			return nil, status.Error(codes.NotFound, "no such widget: 42")
		},
		"Hang": func(ctx context.Context, u func(interface{}) error) (interface{}, error) {
			logEvent("hang", "proto=ttrpc", "method=/"+echoService+"/Hang",
				kv("start", now()))
			hangForever()
			return nil, nil
		},
	})
	l := listen("ttrpc", port)
	serveUntilSignal(func() error { return s.Serve(context.Background(), l) })
}

// ttrpcStatus is a call's status as the library reports it: the
// response's status code and message, or "none" and the client's
// error when no response came.
func ttrpcStatus(resp *ttrpc.Response, err error) (string, string) {
	if err != nil {
		return "none", err.Error()
	}
	if resp.Status == nil {
		return "0", ""
	}
	return strconv.Itoa(int(resp.Status.Code)), resp.Status.Message
}

func ttrpcClient(port uint32) {
	conn, err := dial("ttrpc", port)
	if err != nil {
		fatal("dial: %v", err)
	}
	// The library numbers its streams 1, 3, 5, ... in the order of the
	// calls, which this client makes one at a time.
	stream := uint32(1)
	codesSeen := map[string]string{}
	logged := func(ctx context.Context, req *ttrpc.Request, resp *ttrpc.Response,
		info *ttrpc.UnaryClientInfo, invoke ttrpc.Invoker) error {
		sent := time.Now()
		err := invoke(ctx, req, resp)
		recv := time.Now()
		if err != nil {
			recv = time.Time{}
		}
		code, msg := ttrpcStatus(resp, err)
		logCall("ttrpc", conn.id, stream, info.FullMethod, sent, recv, code, msg)
		codesSeen[info.FullMethod] = code
		stream += 2
		return err
	}
	c := ttrpc.NewClient(conn, ttrpc.WithUnaryClientInterceptor(logged))

	call := func(method string, payload []byte, timeout time.Duration) (*types.BytesValue, error) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		var out types.BytesValue
		err := c.Call(ctx, echoService, method, &types.BytesValue{Value: payload}, &out)
		return &out, err
	}
	full := func(m string) string { return "/" + echoService + "/" + m }

	out, err := call("Fast", []byte("ping"), 10*time.Second)
	expect(err == nil && string(out.Value) == "ping", "Fast echoes ping")
	big := bytes.Repeat([]byte("0123456789abcdef"), splitSize/16)
	out, err = call("Fast", big, 10*time.Second)
	expect(err == nil && bytes.Equal(out.Value, big), "Fast echoes the split payload")
	t0 := time.Now()
	out, err = call("Slow", []byte("slow"), 10*time.Second)
	expect(err == nil && time.Since(t0) >= slowDelay, "Slow answers after its delay")
	_, err = call("Fail", []byte("fail"), 10*time.Second)
	expect(status.Code(err) == codes.NotFound && codesSeen[full("Fail")] == "5",
		"Fail answers NotFound")
	_, err = call("Missing", []byte("x"), 10*time.Second)
	expect(status.Code(err) == codes.Unimplemented, "Missing answers Unimplemented")
	_, err = call("Hang", []byte("hang"), hangTimeout)
	expect(err == context.DeadlineExceeded && codesSeen[full("Hang")] == "none",
		"Hang is never answered")
	c.Close()

	ttrpcCoalesced(port)
	clientExit()
}

// ttrpcCoalesced writes three Fast requests in one write() (streams 1,
// 3 and 5 of a new connection) and reads the three responses.
func ttrpcCoalesced(port uint32) {
	conn, err := dial("ttrpc", port)
	if err != nil {
		fatal("dial: %v", err)
	}
	defer conn.Close()
	var buf bytes.Buffer
	words := []string{"one", "two", "three"}
	for i, w := range words {
		payload, _ := proto.Marshal(&types.BytesValue{Value: []byte(w)})
		req, _ := proto.Marshal(&ttrpc.Request{Service: echoService,
			Method: "Fast", Payload: payload,
			TimeoutNano: int64(10 * time.Second)})
		var hdr [10]byte
		binary.BigEndian.PutUint32(hdr[0:4], uint32(len(req)))
		binary.BigEndian.PutUint32(hdr[4:8], uint32(2*i+1))
		hdr[8] = 1 // request
		buf.Write(hdr[:])
		buf.Write(req)
	}
	sent := time.Now()
	if _, err := conn.Write(buf.Bytes()); err != nil {
		fatal("write: %v", err)
	}
	logWrite("ttrpc", conn.id, buf.Len(), len(words))
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := map[uint32]bool{}
	for range words {
		var hdr [10]byte
		if _, err := io.ReadFull(conn, hdr[:]); err != nil {
			expect(false, "coalesced: a response for each request: "+err.Error())
			return
		}
		body := make([]byte, binary.BigEndian.Uint32(hdr[0:4]))
		if _, err := io.ReadFull(conn, body); err != nil {
			expect(false, "coalesced: whole response: "+err.Error())
			return
		}
		recv := time.Now()
		id := binary.BigEndian.Uint32(hdr[4:8])
		var resp ttrpc.Response
		err := proto.Unmarshal(body, &resp)
		code, msg := ttrpcStatus(&resp, err)
		logCall("ttrpc", conn.id, id, "/"+echoService+"/Fast", sent, recv, code, msg)
		var v types.BytesValue
		proto.Unmarshal(resp.Payload, &v)
		ok := hdr[8] == 2 && id%2 == 1 && id <= 5 && code == "0" &&
			string(v.Value) == words[id/2]
		expect(ok, fmt.Sprintf("coalesced: stream %d echoed", id))
		got[id] = true
	}
	expect(len(got) == 3, "coalesced: three distinct streams answered")
}
