// Copyright (c) 2026 The vsockdump authors
// SPDX-License-Identifier: BSD-3-Clause

// gRPC: grpc-go on both ends over one HTTP/2 connection, the service
// vsockdump.test.Echo declared by hand (no generated code) with
// protobuf's BytesValue as request and response: Fast, Slow, Fail and
// Hang as for ttrpc, a method the server does not have (grpc answers
// Unimplemented), and a payload larger than both ends' write buffer,
// set to grpcWriteBuffer (grpc's WriteBufferSize options; 32 KiB by
// default), so that a DATA frame spans packets (one write() is one
// packet) without a large capture.  grpc's writer puts several HTTP/2
// frames (HEADERS, DATA, trailers, SETTINGS, WINDOW_UPDATE, PING) in
// one write() by itself.
package main

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"time"

	"github.com/golang/protobuf/ptypes/wrappers"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

const (
	grpcBigSize     = 10000
	grpcWriteBuffer = 4096
)

type echoFunc func(context.Context, *wrappers.BytesValue) (*wrappers.BytesValue, error)

func grpcMethod(name string, fn echoFunc) grpc.MethodDesc {
	return grpc.MethodDesc{
		MethodName: name,
		Handler: func(srv interface{}, ctx context.Context, dec func(interface{}) error,
			ic grpc.UnaryServerInterceptor) (interface{}, error) {
			in := new(wrappers.BytesValue)
			if err := dec(in); err != nil {
				return nil, err
			}
			h := func(ctx context.Context, req interface{}) (interface{}, error) {
				return fn(ctx, req.(*wrappers.BytesValue))
			}
			if ic == nil {
				return h(ctx, in)
			}
			return ic(ctx, in, &grpc.UnaryServerInfo{Server: srv,
				FullMethod: "/" + echoService + "/" + name}, h)
		},
	}
}

func grpcServer(port uint32) {
	logged := func(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo,
		h grpc.UnaryHandler) (interface{}, error) {
		start := time.Now()
		// A trailer of our own on every answer of a handler: the
		// client tells it from the end of its own deadline.
		grpc.SetTrailer(ctx, metadata.Pairs("x-vsproto", "served"))
		resp, err := h(ctx, req)
		st, _ := status.FromError(err)
		logServe("grpc", info.FullMethod, start, time.Now(),
			strconv.Itoa(int(st.Code())), st.Message())
		return resp, err
	}
	s := grpc.NewServer(grpc.UnaryInterceptor(logged),
		grpc.WriteBufferSize(grpcWriteBuffer))
	echo := func(ctx context.Context, in *wrappers.BytesValue) (*wrappers.BytesValue, error) {
		return in, nil
	}
	s.RegisterService(&grpc.ServiceDesc{
		ServiceName: echoService,
		HandlerType: (*interface{})(nil),
		Methods: []grpc.MethodDesc{
			grpcMethod("Fast", echo),
			grpcMethod("Slow", func(ctx context.Context, in *wrappers.BytesValue) (*wrappers.BytesValue, error) {
				time.Sleep(slowDelay)
				return in, nil
			}),
			grpcMethod("Fail", func(context.Context, *wrappers.BytesValue) (*wrappers.BytesValue, error) {
				return nil, status.Error(codes.NotFound, "no such widget: 42")
			}),
			grpcMethod("Hang", func(context.Context, *wrappers.BytesValue) (*wrappers.BytesValue, error) {
				logEvent("hang", "proto=grpc", "method=/"+echoService+"/Hang",
					kv("start", now()))
				hangForever()
				return nil, nil
			}),
		},
	}, struct{}{})
	l := listen("grpc", port)
	serveUntilSignal(func() error { return s.Serve(l) })
}

func grpcClient(port uint32) {
	var connID string
	dialer := func(ctx context.Context, _ string) (net.Conn, error) {
		c, err := dial("grpc", port)
		if err != nil {
			return nil, err
		}
		connID = c.id
		return c, nil
	}
	// HTTP/2 numbers client streams 1, 3, 5, ... in the order they
	// open; the calls are made one at a time.
	stream := 1
	codesSeen := map[string]string{}
	logged := func(ctx context.Context, method string, req, reply interface{},
		cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		var trailer metadata.MD
		opts = append(opts, grpc.Trailer(&trailer))
		sent := time.Now()
		err := invoker(ctx, method, req, reply, cc, opts...)
		recv := time.Now()
		st, _ := status.FromError(err)
		code, msg := strconv.Itoa(int(st.Code())), st.Message()
		// Unanswered: the client's own deadline ended the call and
		// no trailer of the server's came.
		if ctx.Err() != nil && len(trailer.Get("x-vsproto")) == 0 {
			recv = time.Time{}
			code = "none"
		}
		logCall("grpc", connID, stream, method, sent, recv, code, msg)
		codesSeen[method] = code
		stream += 2
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cc, err := grpc.DialContext(ctx, "passthrough:///vsock", grpc.WithInsecure(),
		grpc.WithBlock(), grpc.WithContextDialer(dialer),
		grpc.WithWriteBufferSize(grpcWriteBuffer),
		grpc.WithUnaryInterceptor(logged))
	if err != nil {
		fatal("grpc dial: %v", err)
	}
	call := func(method string, payload []byte, timeout time.Duration) (*wrappers.BytesValue, error) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		out := new(wrappers.BytesValue)
		err := cc.Invoke(ctx, "/"+echoService+"/"+method,
			&wrappers.BytesValue{Value: payload}, out)
		return out, err
	}
	full := func(m string) string { return "/" + echoService + "/" + m }

	out, err := call("Fast", []byte("ping"), 10*time.Second)
	expect(err == nil && string(out.Value) == "ping", "Fast echoes ping")
	big := bytes.Repeat([]byte("0123456789abcdef"), grpcBigSize/16)
	out, err = call("Fast", big, 10*time.Second)
	expect(err == nil && bytes.Equal(out.Value, big), "Fast echoes the large payload")
	t0 := time.Now()
	_, err = call("Slow", []byte("slow"), 10*time.Second)
	expect(err == nil && time.Since(t0) >= slowDelay, "Slow answers after its delay")
	_, err = call("Fail", []byte("fail"), 10*time.Second)
	expect(status.Code(err) == codes.NotFound && codesSeen[full("Fail")] == "5",
		"Fail answers NotFound")
	_, err = call("Missing", []byte("x"), 10*time.Second)
	expect(status.Code(err) == codes.Unimplemented, "Missing answers Unimplemented")
	_, err = call("Hang", []byte("hang"), hangTimeout)
	expect(status.Code(err) == codes.DeadlineExceeded && codesSeen[full("Hang")] == "none",
		"Hang is never answered")
	cc.Close()
	clientExit()
}
