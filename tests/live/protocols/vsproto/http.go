// Copyright (c) 2026 The vsockdump authors
// SPDX-License-Identifier: BSD-3-Clause

// HTTP/1.1: Go's net/http server and client, one keep-alive connection
// for the plain requests (200, 404, 500, a slow 200, a POST whose body
// spans packets: the client writes through a 4096-byte buffer), a
// second connection on which two pipelined requests go out in one
// write(), and a request the server never answers, on a third (the
// client gives up and closes it).
package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"time"
)

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

func httpServer(port uint32) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "hello over vsock\n")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(slowDelay)
		io.WriteString(w, "slow hello\n")
	})
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "widget exploded", http.StatusInternalServerError)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		logEvent("hang", "proto=http", "method=GET_/hang", kv("start", now()))
		hangForever()
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		// HTTP/1 handlers read the whole body before they answer.
		body, _ := io.ReadAll(r.Body)
		w.Write(body)
	})
	logged := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		mux.ServeHTTP(sw, r)
		logServe("http", r.Method+"_"+r.URL.Path, start, time.Now(),
			strconv.Itoa(sw.code), http.StatusText(sw.code))
	})
	l := listen("http", port)
	srv := &http.Server{Handler: logged}
	serveUntilSignal(func() error { return srv.Serve(l) })
}

func httpClient(port uint32) {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			c, err := dial("http", port)
			if err != nil {
				return nil, err
			}
			return c, nil
		},
		MaxIdleConnsPerHost: 1,
	}
	client := &http.Client{Transport: tr}
	// The n-th request on its connection is its "stream".
	nth := map[string]int{}
	do := func(method, path string, body []byte, timeout time.Duration) (int, []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		var connID string
		trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
			if c, ok := i.Conn.(*countConn); ok {
				connID = c.id
			}
		}}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace),
			method, "http://vsock"+path, bytes.NewReader(body))
		if body == nil {
			req.Body = nil
		}
		sent := time.Now()
		resp, err := client.Do(req)
		var data []byte
		if err == nil {
			data, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		recv := time.Now()
		nth[connID]++
		if resp == nil {
			logCall("http", connID, nth[connID], method+"_"+path, sent,
				time.Time{}, "none", err.Error())
			return 0, nil
		}
		logCall("http", connID, nth[connID], method+"_"+path, sent, recv,
			strconv.Itoa(resp.StatusCode), resp.Status)
		return resp.StatusCode, data
	}

	code, _ := do("GET", "/", nil, 10*time.Second)
	expect(code == 200, "GET / is 200")
	code, _ = do("GET", "/missing", nil, 10*time.Second)
	expect(code == 404, "GET /missing is 404")
	code, _ = do("GET", "/fail", nil, 10*time.Second)
	expect(code == 500, "GET /fail is 500")
	t0 := time.Now()
	code, _ = do("GET", "/slow", nil, 10*time.Second)
	expect(code == 200 && time.Since(t0) >= slowDelay, "GET /slow is 200 after its delay")
	big := bytes.Repeat([]byte("0123456789abcdef"), splitSize/16)
	code, data := do("POST", "/echo", big, 10*time.Second)
	expect(code == 200 && bytes.Equal(data, big), "POST /echo echoes the body")
	tr.CloseIdleConnections()

	httpPipelined(port)

	code, _ = do("GET", "/hang", nil, hangTimeout)
	expect(code == 0, "GET /hang is never answered")
	tr.CloseIdleConnections()
	clientExit()
}

// httpPipelined sends two requests in one write() and reads both
// responses, in order.
func httpPipelined(port uint32) {
	conn, err := dial("http", port)
	if err != nil {
		fatal("dial: %v", err)
	}
	defer conn.Close()
	paths := []string{"/", "/missing"}
	var buf bytes.Buffer
	for i, p := range paths {
		buf.WriteString("GET " + p + " HTTP/1.1\r\nHost: vsock\r\n")
		if i == len(paths)-1 {
			buf.WriteString("Connection: close\r\n")
		}
		buf.WriteString("\r\n")
	}
	sent := time.Now()
	if _, err := conn.Write(buf.Bytes()); err != nil {
		fatal("write: %v", err)
	}
	logWrite("http", conn.id, buf.Len(), len(paths))
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	want := []int{200, 404}
	for i, p := range paths {
		resp, err := http.ReadResponse(br, &http.Request{Method: "GET"})
		if err != nil {
			expect(false, "pipelined: response to GET "+p+": "+err.Error())
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		logCall("http", conn.id, i+1, "GET_"+p, sent, time.Now(),
			strconv.Itoa(resp.StatusCode), resp.Status)
		expect(resp.StatusCode == want[i], "pipelined: GET "+p+" status")
	}
}
