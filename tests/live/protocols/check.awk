# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks one protocol of the live tier's protocol stage (check.sh runs
# it per protocol): its programs' event log against the capture, read
# independently by vsock-pcap-flows -t.  Input lines, by their first
# word:
#	F ...	vsock-pcap-flows -t of NAME.pcap (pkt, flow, file lines)
#	L ...	NAME.log (see README: conn, call, serve, close, run, ...)
#	R ROLE STATUS	the programs' exit statuses (NAME.rc)
#	W ROLE STATUS	the statuses expected of them
#	X METHOD STATUS COUNT	the calls the client's plan makes
#	C STATUS	the capture program's exit status
#	E ...	the capture program's stderr
# Variables: proto (the name), verbose, tol (seconds: how far a time
# stamp of the log may lie outside the packets it must enclose; the
# log and the capture read the same clock, CLOCK_REALTIME, so only the
# kernel's time stamping of a packet after or before the program's
# clock reading separates them), slow (the slow calls' delay) and
# slowre (a pattern of their methods), srvlog (1: the server logs its
# calls, "serve" and "hang" lines), want_text (texts the programs' own
# logs must hold, separated by "|").
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

# The value of field KEY= of the current line, "" if absent; "msg"
# runs to the end of the line.
function val(key,    i, n) {
	if (key == "msg") {
		i = index($0, " msg=")
		return i ? substr($0, i + 5) : ""
	}
	for (i = 2; i <= NF; i++)
		if (index($i, key "=") == 1)
			return substr($i, length(key) + 2)
	return ""
}

# A socket that was bound implicitly says CID -1 (VMADDR_CID_ANY) for
# its own address; on the loopback transport its packets carry CID 1.
function norm(a) {
	sub(/^4294967295\./, "1.", a)
	return a
}

# A connection the logs know, client address first.
function know(cli, srv, how) {
	cli = norm(cli)
	srv = norm(srv)
	if (!((cli, srv) in logged)) {
		logged[cli, srv] = how
		nlogged++
		lcli[nlogged] = cli
		lsrv[nlogged] = srv
	}
}

# The time stamp of the first RW packet from S to D in [A, B], or -1.
function rw_first(s, d, a, b,    n, i, ts) {
	n = split(rwtimes[s ">" d], ts, " ")
	for (i = 1; i <= n; i++)
		if (ts[i] + 0 >= a && ts[i] + 0 <= b)
			return ts[i] + 0
	return -1
}

$1 == "F" && $2 == "file" {
	linktype = substr($3, 10)
	npkts = substr($4, 9)
	next
}

$1 == "F" && $2 == "pkt" {
	src = dst = op = plen = t = ""
	for (i = 3; i <= NF; i++) {
		if ($i ~ /^src=/) src = substr($i, 5)
		else if ($i ~ /^dst=/) dst = substr($i, 5)
		else if ($i ~ /^op=/) op = substr($i, 4)
		else if ($i ~ /^plen=/) plen = substr($i, 6)
		else if ($i ~ /^t=/) t = substr($i, 3)
	}
	if (t == "")
		next
	if (first == "")
		first = t
	last = t
	if (op == 1 && !((src, dst) in req)) {
		req[src, dst] = t
		nreq++
		rsrc[nreq] = src
		rdst[nreq] = dst
	}
	if (op == 2)
		resp[dst, src] = t
	if (op == 5) {
		rwtimes[src ">" dst] = rwtimes[src ">" dst] " " t
		rwlens[src ">" dst] = rwlens[src ">" dst] " " plen
	}
	lastpkt[src, dst] = t
	lastpkt[dst, src] = t
	next
}

$1 == "F" && $2 == "flow" {
	s = substr($4, 5)
	d = substr($5, 5)
	fbytes[s, d] = substr($7, 7)
	ffnv[s, d] = substr($8, 5)
	next
}

$1 == "R" {
	rcs[$2] = $3
	next
}

$1 == "W" {
	nwant++
	wrole[nwant] = $2
	wrc[nwant] = $3
	next
}

$1 == "X" {
	nexp++
	xm[nexp] = $2
	xs[nexp] = $3
	xn[nexp] = $4
	next
}

$1 == "C" {
	caprc = $2
	next
}

$1 == "E" {
	if ($0 ~ /packets dropped by kernel/)
		capdrop = $2
	next
}

# The programs' log, without its leading "L ".
$1 == "L" {
	$0 = substr($0, 3)
}

$1 == "conn" {
	if (val("role") == "client")
		know(val("local"), val("remote"), "conn " val("who"))
	else
		know(val("remote"), val("local"), "conn " val("who"))
	connaddr[val("who"), val("conn")] = norm(val("local")) " " norm(val("remote"))
	connrole[val("who"), val("conn")] = val("role")
	next
}

$1 == "close" {
	nclose++
	split(connaddr[val("who"), val("conn")], ab, " ")
	cl_who[nclose] = val("who") " " val("conn")
	cl_l[nclose] = ab[1]
	cl_r[nclose] = ab[2]
	cl_tx[nclose] = val("tx")
	cl_txf[nclose] = val("txfnv")
	cl_rx[nclose] = val("rx")
	cl_rxf[nclose] = val("rxfnv")
	next
}

$1 == "call" {
	ncall++
	split(connaddr[val("who"), val("conn")], ab, " ")
	c_cli[ncall] = ab[1]
	c_srv[ncall] = ab[2]
	c_m[ncall] = val("method")
	c_st[ncall] = val("status")
	c_sent[ncall] = val("sent")
	c_recv[ncall] = val("recv")
	c_id[ncall] = val("conn") " stream " val("stream") " " val("method")
	calls[val("method"), val("status")]++
	next
}

$1 == "write" {
	nwrite++
	split(connaddr[val("who"), val("conn")], ab, " ")
	w_dir[nwrite] = ab[1] ">" ab[2]
	w_bytes[nwrite] = val("bytes")
	w_what[nwrite] = val("conn") ": " val("messages") " messages in one write() of " val("bytes") " bytes"
	next
}

$1 == "serve" {
	served[val("method"), val("status")]++
	next
}

$1 == "hang" {
	hung[val("method")]++
	next
}

$1 == "run" {
	nrun++
	run_label[nrun] = val("label")
	run_start[nrun] = val("start")
	run_end[nrun] = val("end")
	next
}

# socat's notices name the connections it made or accepted.
$1 == "text" && /socat\[[0-9]+\] N accepting connection from AF=40/ {
	m = $0
	sub(/.*accepting connection from AF=40 cid:/, "", m)
	split(m, w, /[ :]/)
	# w: CID "port" PORT "on" "AF=40" "cid" CID "port" PORT
	know(w[1] "." w[3], w[7] "." w[9], "socat accept")
	next
}
$1 == "text" && /socat\[[0-9]+\] N opening connection to AF=40/ {
	m = $0
	sub(/.*opening connection to AF=40 cid:/, "", m)
	split(m, w, /[ :]/)
	socat_to = w[1] "." w[3]
	next
}
$1 == "text" && /socat\[[0-9]+\] N successfully connected from local address AF=40/ {
	m = $0
	sub(/.*local address AF=40 cid:/, "", m)
	split(m, w, /[ :]/)
	if (socat_to != "")
		know(w[1] "." w[3], socat_to, "socat connect")
	next
}

$1 == "text" {
	texts = texts "\n" substr($0, index($0, " msg=") + 5)
	next
}

END {
	ck(linktype == 271, "the capture is DLT_VSOCK", "linktype " linktype)
	ck(npkts > 0, "the capture holds packets", npkts " packets")
	ck(caprc == "0" && capdrop == "0",
	    "the capture program exited with status 0 and dropped nothing",
	    "status " caprc ", dropped " capdrop)

	# Every program ended as the stage expects.
	for (i = 1; i <= nwant; i++)
		ck(rcs[wrole[i]] == wrc[i], wrole[i] " exited with status " wrc[i],
		    "status " (wrole[i] in rcs ? rcs[wrole[i]] : "missing"))

	# Every connection of the logs is in the capture, made and
	# accepted; and the capture has no other.
	ck(nlogged > 0, "the logs name connections", nlogged)
	for (i = 1; i <= nlogged; i++) {
		c = lcli[i]
		s = lsrv[i]
		ck(((c, s) in req) && ((c, s) in resp),
		    "connection " c " -> " s " (" logged[c, s] ") is in the capture: REQUEST and RESPONSE")
	}
	for (i = 1; i <= nreq; i++)
		ck((rsrc[i], rdst[i]) in logged,
		    "connection " rsrc[i] " -> " rdst[i] " of the capture is in the logs")

	# The bytes each program counted on each socket, both ways, are
	# the RW payloads of the capture (count and FNV-1a).
	for (i = 1; i <= nclose; i++) {
		l = cl_l[i]
		r = cl_r[i]
		b = ((l, r) in fbytes) ? fbytes[l, r] : 0
		f = ((l, r) in ffnv) ? ffnv[l, r] : "811c9dc5"
		ck(b == cl_tx[i] && f == cl_txf[i],
		    cl_who[i] " " l " -> " r ": the capture carries the " cl_tx[i] " bytes it wrote",
		    b " bytes, fnv " f " against " cl_txf[i])
		b = ((r, l) in fbytes) ? fbytes[r, l] : 0
		f = ((r, l) in ffnv) ? ffnv[r, l] : "811c9dc5"
		ck(b == cl_rx[i] && f == cl_rxf[i],
		    cl_who[i] " " r " -> " l ": the capture carries the " cl_rx[i] " bytes it read",
		    b " bytes, fnv " f " against " cl_rxf[i])
	}

	# The client's calls: the plan's methods and statuses, as many
	# as it makes.
	for (i = 1; i <= nexp; i++)
		ck(calls[xm[i], xs[i]] == xn[i],
		    xn[i] " call(s) of " xm[i] " logged with status " xs[i],
		    (calls[xm[i], xs[i]] + 0) " logged")
	nx = 0
	for (i = 1; i <= nexp; i++)
		nx += xn[i]
	if (nexp > 0)
		ck(ncall == nx, "the client logged " nx " calls", ncall)

	# Each call lies where the capture has it: an answered one has a
	# request packet (client to server) between its "sent" and
	# "recv", and after that request an answer packet (server to
	# client) no later than "recv"; one that is not answered has its
	# request after "sent".  (A client takes "sent" before it writes
	# and "recv" after it has read; the kernel stamps each packet
	# between the two.)
	for (i = 1; i <= ncall; i++) {
		c = c_cli[i]
		s = c_srv[i]
		a = c_sent[i] - tol
		if (c_recv[i] == "-") {
			ck(rw_first(c, s, a, last + tol) >= 0 && c_st[i] == "none",
			    c_id[i] ": unanswered, its request in the capture after it was sent")
			continue
		}
		b = c_recv[i] + tol
		rq = rw_first(c, s, a, b)
		ck(c_recv[i] + 0 >= c_sent[i] + 0 && rq >= 0 &&
		    rw_first(s, c, rq, b) >= 0,
		    c_id[i] ": request, then answer, in the capture between sent and recv",
		    "sent " c_sent[i] " recv " c_recv[i])
	}

	# Messages written together went out in one packet.
	for (i = 1; i <= nwrite; i++)
		ck(index(rwlens[w_dir[i]] " ", " " w_bytes[i] " ") > 0,
		    w_what[i] ": one RW packet of the capture carries them")

	# The slow calls took at least the delay the server adds.
	for (i = 1; i <= ncall; i++)
		if (slowre != "" && c_m[i] ~ slowre)
			ck(c_recv[i] != "-" && c_recv[i] - c_sent[i] >= slow + 0,
			    c_id[i] ": slow, answered at least " slow " s after it was sent",
			    "sent " c_sent[i] " recv " c_recv[i])

	# The servers' own view (vsproto's servers log each call they
	# answer): every answered call that reached a handler is there
	# with its status; a hanging handler says so.
	for (i = 1; i <= nexp; i++) {
		if (xm[i] ~ /Missing$/ || xs[i] == "none")
			continue
		if (!srvlog)
			continue
		ck(served[xm[i], xs[i]] == xn[i],
		    "the server logged " xn[i] " call(s) of " xm[i] " with status " xs[i],
		    (served[xm[i], xs[i]] + 0) " logged")
	}
	for (i = 1; i <= nexp; i++)
		if (xs[i] == "none" && srvlog)
			ck(hung[xm[i]] == xn[i], "the server logged " xm[i] " as left pending",
			    (hung[xm[i]] + 0) " logged")

	# Each client command of the stage made its connection while it
	# ran.
	for (i = 1; i <= nrun; i++) {
		if (run_label[i] !~ /^(ssh|s_client|mount)$/)
			continue
		found = 0
		for (j = 1; j <= nreq; j++)
			if (req[rsrc[j], rdst[j]] + 0 >= run_start[i] - tol &&
			    req[rsrc[j], rdst[j]] + 0 <= run_end[i] + tol)
				found = 1
		ck(found, run_label[i] ": its connection was made while it ran",
		    run_start[i] " to " run_end[i])
	}

	# What the real programs themselves logged.
	n = split(want_text, wt, "|")
	for (i = 1; i <= n; i++)
		ck(index(texts, wt[i]) > 0, "the programs' own logs say: " wt[i])

	print "result " npass + 0 " " nfail + 0
}
