# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks vsockdump's decoding of one protocol of the protocol stage
# against what the programs logged (check-decoded.sh runs it per
# protocol).  Input lines, by their first word:
#	L ...	NAME.log (see README: call, serve, text, message lines)
#	J ...	vsockdump -q -z rpc,vsock,json of NAME.pcap: one row a line
#	P ...	vsockdump -n of NAME.pcap: the packet lines
#	S TEXT	a text the packet lines must hold (check-decoded.sh's)
# Variables: proto, rpc (the name -z rpc,vsock gives the protocol, ""
# if it makes no calls), verbose, tol (milliseconds: see below).
#
# The calls: for each method the log's client made (its "call" lines;
# for 9p, the requests diod logged), the row of the same method has the
# same number of calls, errors and unanswered requests, and no other
# row is there; the packet lines show each answer with the status the
# client logged (ttrpc and QMP: the summaries name the method answered).  The latency: vsockdump counts from the packet that
# completes a request to the one that completes its answer, which lie
# between the client's write and read (its sent= and recv=) and
# enclose the server's handling (serve start= and end=, where the
# server logs it).  So each method's min_ms and max_ms must lie within
# [the least server time - tol, the least client time + tol] and
# [the greatest server time - tol, the greatest client time + tol];
# with no server log, the lower bound is 0.  tol covers the kernel
# stamping a packet before or after the program reads the clock.
# Prints "ok"/"FAIL" lines and "result PASSED FAILED".

function ck(ok, what, detail) {
	if (ok) {
		npass++
		if (verbose)
			print "ok   " proto ": " what
	} else {
		nfail++
		print "FAIL " proto ": " what (detail != "" ? " (" detail ")" : "")
	}
}

# The value of field KEY= of the current line; "msg" runs to the end.
function val(key,    i, rest) {
	if (key == "msg") {
		i = index($0, " msg=")
		return i ? substr($0, i + 5) : ""
	}
	rest = " " $0 " "
	i = index(rest, " " key "=")
	if (i == 0)
		return ""
	rest = substr(rest, i + length(key) + 2)
	return substr(rest, 1, index(rest, " ") - 1)
}

# A number of a JSON row ("null" as -1).
function jnum(key,    i, rest) {
	i = index($0, "\"" key "\":")
	if (i == 0)
		return -1
	rest = substr($0, i + length(key) + 3)
	sub(/[,}].*/, "", rest)
	return rest == "null" ? -1 : rest + 0
}

function jstr(key,    i, rest) {
	i = index($0, "\"" key "\":\"")
	if (i == 0)
		return ""
	rest = substr($0, i + length(key) + 4)
	sub(/".*/, "", rest)
	return rest
}

# The method as -z rpc,vsock names it, from the log's.
function method_of(m) {
	if (proto == "ttrpc")
		sub(/^\//, "", m)
	else if (proto == "http")
		sub(/_/, " ", m)
	return m
}

function is_error(status) {
	if (status == "none")
		return 0
	if (proto == "http")
		return status + 0 >= 500
	if (proto == "qmp")
		return status ~ /^error/
	return status != "0" && status != "return"
}

# ttrpc's and gRPC's status codes, by the names the summaries give them.
BEGIN {
	n = split("OK CANCELLED UNKNOWN INVALID_ARGUMENT DEADLINE_EXCEEDED " \
	    "NOT_FOUND ALREADY_EXISTS PERMISSION_DENIED RESOURCE_EXHAUSTED " \
	    "FAILED_PRECONDITION ABORTED OUT_OF_RANGE UNIMPLEMENTED INTERNAL " \
	    "UNAVAILABLE DATA_LOSS UNAUTHENTICATED", names, " ")
	for (i = 1; i <= n; i++)
		code[names[i]] = i - 1
}

# The status an answer's summary gives, as the log writes it; "" if the
# text is no answer.
function answer_status(seg,    w) {
	if (proto == "ttrpc" && match(seg, /status [A-Z_0-9]+$/)) {
		w = substr(seg, RSTART + 7, RLENGTH - 7)
		return w in code ? code[w] : w
	}
	if (proto == "qmp" && match(seg, /error [A-Za-z]+ /))
		return "error:" substr(seg, RSTART + 6, RLENGTH - 7)
	if (proto == "qmp" && seg ~ /(^|, )return /)
		return "return"
	return ""
}

# The answers a packet line shows: each ends with its method in
# parentheses, "... status NOT_FOUND (service/Method)".
function answers_of(line,    i, seg, st, m) {
	i = index(line, ": " toupper(proto) ": ")
	if (i == 0)
		return
	line = substr(line, i + length(proto) + 4)
	while (match(line, / \([^()]*\)/)) {
		seg = substr(line, 1, RSTART - 1)
		m = substr(line, RSTART + 2, RLENGTH - 3)
		line = substr(line, RSTART + RLENGTH)
		st = answer_status(seg)
		if (st != "")
			got_status[m SUBSEP st]++
	}
}

function add_time(tab, m, ms) {
	if (!((m, "n") in tab) || ms < tab[m, "min"])
		tab[m, "min"] = ms
	if (!((m, "n") in tab) || ms > tab[m, "max"])
		tab[m, "max"] = ms
	tab[m, "n"]++
}

# diod's debug lines: "P9_TWALK tag 1 ...", "P9_RLERROR tag 1 ...".
function p9_line(msg,    name, tag) {
	if (match(msg, /P9_[TR][A-Z]+ tag [0-9]+/) == 0)
		return
	split(substr(msg, RSTART, RLENGTH), f, " ")
	name = tolower(substr(f[1], 5))
	tag = f[3]
	if (substr(f[1], 4, 1) == "T") {
		if (tag in p9_pending)
			unanswered[p9_pending[tag]]++
		p9_pending[tag] = name
		calls[name]++
		return
	}
	if (!(tag in p9_pending))
		return
	if (name == "lerror" || name == "error")
		errors[p9_pending[tag]]++
	delete p9_pending[tag]
}

$1 == "L" {
	sub(/^L /, "")
	if ($1 == "call" && val("who") ~ /-client$/) {
		m = method_of(val("method"))
		calls[m]++
		st = val("status")
		if (st == "none" || val("recv") == "-")
			unanswered[m]++
		else {
			want_status[m SUBSEP st]++
			errors[m] += is_error(st)
			add_time(client, m, (val("recv") - val("sent")) * 1000)
		}
	} else if ($1 == "serve") {
		add_time(server, method_of(val("method")),
		    (val("end") - val("start")) * 1000)
	} else if ($1 == "text" && proto == "9p")
		p9_line(val("msg"))
	next
}
$1 == "J" {
	sub(/^J /, "")
	if (jstr("protocol") != rpc)
		next
	m = jstr("method")
	rows[m] = 1
	got_calls[m] = jnum("calls")
	got_errors[m] = jnum("errors")
	got_unanswered[m] = jnum("unanswered")
	got_min[m] = jnum("min_ms")
	got_max[m] = jnum("max_ms")
	next
}
$1 == "P" {
	packets = packets substr($0, 3) "\n"
	answers_of(substr($0, 3))
	next
}
$1 == "S" {
	want[++nwant] = substr($0, 3)
	next
}

function check_times(m,    lo, hi) {
	if (!((m, "n") in client)) {
		ck(got_min[m] == -1, m ": no latency (none answered)",
		    "min_ms " got_min[m])
		return
	}
	lo = 0
	if ((m, "n") in server && server[m, "min"] > tol)
		lo = server[m, "min"] - tol
	hi = client[m, "min"] + tol
	ck(got_min[m] >= lo && got_min[m] <= hi,
	    sprintf("%s: min %.3f ms within [%.3f, %.3f]", m, got_min[m], lo,
	    hi))
	lo = 0
	if ((m, "n") in server && server[m, "max"] > tol)
		lo = server[m, "max"] - tol
	hi = client[m, "max"] + tol
	ck(got_max[m] >= lo && got_max[m] <= hi,
	    sprintf("%s: max %.3f ms within [%.3f, %.3f]", m, got_max[m], lo,
	    hi))
}

END {
	if (rpc != "") {
		for (t in p9_pending)
			unanswered[p9_pending[t]]++
		n = 0
		for (m in calls) {
			n++
			ck(m in rows, m ": a row", "no row of " rpc " " m)
			if (!(m in rows))
				continue
			ck(got_calls[m] == calls[m] &&
			    got_errors[m] == errors[m] + 0 &&
			    got_unanswered[m] == unanswered[m] + 0,
			    sprintf("%s: %d calls, %d errors, %d unanswered", m,
			    calls[m], errors[m], unanswered[m]),
			    sprintf("vsockdump: %d, %d, %d", got_calls[m],
			    got_errors[m], got_unanswered[m]))
			if (proto != "9p")
				check_times(m)
		}
		for (m in rows)
			ck(m in calls, m ": a method of the log",
			    "vsockdump has a row the log has not")
		ck(n > 0, "the log has calls")
	}
	if (proto == "ttrpc" || proto == "qmp") {
		for (k in want_status) {
			split(k, kk, SUBSEP)
			ck(got_status[k] == want_status[k],
			    sprintf("%s: %d answers with status %s", kk[1],
			    want_status[k], kk[2]),
			    sprintf("vsockdump: %d", got_status[k]))
		}
		for (k in got_status)
			if (!(k in want_status)) {
				split(k, kk, SUBSEP)
				ck(0, sprintf("%s: no answer with status %s",
				    kk[1], kk[2]), got_status[k] " in vsockdump")
			}
	}
	for (i = 1; i <= nwant; i++)
		ck(index(packets, want[i]) > 0, "decoded: " want[i])
	print "result " npass + 0 " " nfail + 0
}
