# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The checks of phase A (connection analysis), run by check-analysis.sh.
# Input lines, tagged by their first field:
#	L ...	vsock-traffic's analysis.log
#	R what rc	exit statuses: traffic, capture, json (host analysis)
#	J ...	host: vsockdump -r analysis.pcap -q -z conv,vsock,json
#	V ...	the JSON lines vsockdump printed at the end of the live capture
#	T ...	the rest of its live output (packets, notes, alerts)
#	P ...	vsock-pcap-flows' reading of analysis.pcap
#	F SRC DST node0=ADDR node0 bytes=.. fnv=.. chunks=.. missing=..
#	    node1 ...	-z follow,vsock,raw of each connection, hashed
#	E ...	the capture's stderr
#	S ...	stats.txt (vsockmon0's counters)
# Variables: verbose, thr (stall threshold, seconds), tol (stall
# duration tolerance, ms).
#
# The stall's duration.  vsockdump measures from the RW packet that
# leaves the client no credit (tap time t_fill) to the CREDIT_UPDATE
# that gives it some back (t_update); the server logs the pause from
# after accept() (t0) to before its first recv() (t1).  Both ends are
# scheduling delays of the guest: t_update - t1 is the recv() system
# call, the credit update it sends and the loopback worker that hands it
# to vsockmon; t_fill - t0 is how far the client's first send() and the
# worker are from the server's return from accept() (either may come
# first: the connection is established before both).  So
#	stall - pause = (t_update - t1) - (t_fill - t0)
# and the checks are |stall - pause| <= tol, with the two terms printed,
# t_update > t1 (the window cannot reopen before the receiver reads)
# and t_update - t1 <= tol.  tol defaults to 100 ms: the terms measured
# under TCG on two shared cores are a few milliseconds (see the info
# line), an order of magnitude below, and 100 ms is still a fifth of
# the 0.5 s threshold, so a stall of the wrong length still fails.

function kv(k,    i) {
	for (i = 3; i <= NF; i++)
		if (index($i, k "=") == 1)
			return substr($i, length(k) + 2)
	return ""
}

function check(ok, name, detail) {
	if (ok) {
		npass++
		if (verbose)
			print "ok   analysis: " name
	} else {
		nfail++
		print "FAIL analysis: " name (detail != "" ? " (" detail ")" : "")
	}
}

# A number or string member of a JSON line (flat, as vsockdump writes).
function jval(s, key,    m) {
	if (match(s, "\"" key "\":(\"[^\"]*\"|[-0-9.]+|true|false|null)")) {
		m = substr(s, RSTART + length(key) + 3,
		    RLENGTH - length(key) - 3)
		gsub(/"/, "", m)
		return m
	}
	return ""
}

# A member of the object member obj ("src_to_dst", "dst_to_src").
function jdir(s, obj, key,    i, rest) {
	i = index(s, "\"" obj "\":{")
	if (i == 0)
		return ""
	rest = substr(s, i)
	rest = substr(rest, 1, index(rest, "}"))
	return jval(rest, key)
}

function jnotes(s) {
	if (match(s, /"notes":\{[^}]*\}/))
		return substr(s, RSTART + 8, RLENGTH - 8)
	return "?"
}

# The host JSON line of the conversation src -> dst of type t, or "".
function conv_of(src, dst, t,    i, n, found) {
	n = 0
	for (i = 1; i <= nj; i++)
		if (jval(json[i], "src") == src && jval(json[i], "dst") == dst &&
		    jval(json[i], "type") == toupper(t)) {
			found = json[i]
			n++
		}
	return n == 1 ? found : ""
}

# The bytes a logged send line says src sent to dst (0 if none; never
# sbytes[d, s] where there may be none: that makes the element).
function sent(src, dst,    k) {
	k = src SUBSEP dst
	if (k in sbytes)
		return sbytes[k]
	return 0
}

function counter(step) {
	return (step in st) ? st[step] : -1
}

$1 == "L" && $2 == "connect" {
	nc++
	c_type[nc] = kv("type")
	c_src[nc] = kv("src")
	c_dst[nc] = kv("dst")
	c_conn[nc] = kv("conn")
	next
}
$1 == "L" && $2 == "send" {
	sbytes[kv("src"), kv("dst")] = kv("bytes")
	sfnv[kv("src"), kv("dst")] = kv("fnv")
	scount[kv("src"), kv("dst")] = kv("count")
	next
}
$1 == "L" && $2 == "recv" {
	rbytes[kv("src"), kv("dst")] = kv("bytes")
	rfnv[kv("src"), kv("dst")] = kv("fnv")
	next
}
$1 == "L" && $2 == "stall" {
	stall_src = kv("src")
	stall_dst = kv("dst")
	pause0 = kv("pause_start")
	pause1 = kv("pause_end")
	pause = kv("pause")
	next
}
$1 == "L" && $2 == "refused" {
	nref++
	ref_src[nref] = kv("src")
	ref_dst[nref] = kv("dst")
	next
}
$1 == "L" && $2 == "error" {
	nerr++
	errs = errs " " $0
	next
}
$1 == "L" && $2 == "done" {
	done_status = kv("status")
	next
}
$1 == "R" {
	rc[$2] = $3
	next
}
$1 == "J" {
	json[++nj] = substr($0, 3)
	next
}
$1 == "V" {
	live[++nv] = substr($0, 3)
	next
}
$1 == "T" && /\[stall\]/ {
	nalert++
	alert = $0
	next
}
$1 == "T" {
	# "T    N  TIME ..." packet lines, by number
	if ($2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+\.[0-9]+$/) {
		pkt_time[$2] = $3
		pkt_line[$2] = $0
	}
	next
}
$1 == "P" && $2 == "pkt" {
	np++
	ppk[kv("src"), kv("dst")]++
	next
}
$1 == "F" {
	fol[$2, $3] = $0
	next
}
$1 == "E" && / packets? captured/ {
	e_captured = $2
	next
}
$1 == "E" && / dropped by kernel/ {
	e_dropped = $2
	next
}
$1 == "S" {
	st[$2] = substr($3, 12) + substr($4, 12)
	next
}

# The follow line's figure key of node n ("node0 bytes=1 fnv=..").
function fol_get(line, n, key,    w, i, cur) {
	split(line, w, " ")
	cur = -1
	for (i = 1; i in w; i++) {
		if (w[i] == "node0")
			cur = 0
		else if (w[i] == "node1")
			cur = 1
		else if (cur == n && index(w[i], key "=") == 1)
			return substr(w[i], length(key) + 2)
	}
	return ""
}

END {
	check(rc["traffic"] == "0" && done_status == "0" && nerr == 0,
	    "generator finished without error",
	    "status " rc["traffic"] ", errors:" errs)
	check(rc["capture"] == "0", "live capture exited with status 0",
	    "status " rc["capture"])
	check(rc["json"] == "0" && nj > 0, "host vsockdump analysed the pcap",
	    "status " rc["json"] ", " nj " conversations")
	check(e_dropped == "0", "no packet dropped by the kernel",
	    e_dropped " dropped")
	delta = counter("analysis-stopped") - counter("analysis-start")
	check(delta >= 0 && np == delta, "the pcap holds all " delta \
	    " packets vsockmon0 saw", np " in the pcap")

	healthy = 0
	for (i = 1; i <= nc; i++) {
		s = c_src[i]
		d = c_dst[i]
		t = c_type[i]
		name = t " " s " > " d
		is_stall = s == stall_src && d == stall_dst
		j = conv_of(s, d, t)
		check(j != "", name ": one conversation, src the client", "")
		if (j == "")
			continue
		check(jdir(j, "src_to_dst", "bytes") == sent(s, d) &&
		    jdir(j, "dst_to_src", "bytes") == sent(d, s),
		    name ": payload bytes each way as sent",
		    jdir(j, "src_to_dst", "bytes") "/" \
		    jdir(j, "dst_to_src", "bytes") " != " sent(s, d) "/" \
		    sent(d, s))
		check(jdir(j, "src_to_dst", "packets") == ppk[s, d] + 0 &&
		    jdir(j, "dst_to_src", "packets") == ppk[d, s] + 0,
		    name ": packets each way as vsock-pcap-flows counts them",
		    jdir(j, "src_to_dst", "packets") "/" \
		    jdir(j, "dst_to_src", "packets") " != " ppk[s, d] + 0 "/" \
		    ppk[d, s] + 0)
		check(jval(j, "state") == "closed" && jval(j, "rst_by") != "",
		    name ": closed", jval(j, "state"))
		f = fol[s, d]
		check(f != "" && index(f, "node0=" s " ") > 0 &&
		    fol_get(f, 0, "bytes") == sent(s, d) &&
		    fol_get(f, 0, "fnv") == sfnv[s, d] &&
		    fol_get(f, 0, "missing") == "0" &&
		    fol_get(f, 1, "bytes") == sent(d, s) &&
		    (sent(d, s) == 0 || fol_get(f, 1, "fnv") == sfnv[d, s]),
		    name ": -z follow,vsock,raw reproduces the bytes sent " \
		    "both ways (FNV-1a)", f)
		if (is_stall) {
			stall_json = j
			continue
		}
		healthy++
		check(jdir(j, "src_to_dst", "data_packets") == scount[s, d] &&
		    jdir(j, "dst_to_src", "data_packets") == scount[d, s],
		    name ": one RW packet per send() each way",
		    jdir(j, "src_to_dst", "data_packets") "/" \
		    jdir(j, "dst_to_src", "data_packets") " != " \
		    scount[s, d] "/" scount[d, s])
		if (t == "seqpacket")
			check(jdir(j, "src_to_dst", "messages") == \
			    scount[s, d] &&
			    jdir(j, "dst_to_src", "messages") == scount[d, s] &&
			    jdir(j, "src_to_dst", "records") == 1 &&
			    jdir(j, "dst_to_src", "records") == 0,
			    name ": messages each way, one record (MSG_EOR)",
			    jdir(j, "src_to_dst", "messages") "/" \
			    jdir(j, "dst_to_src", "messages") " messages, " \
			    jdir(j, "src_to_dst", "records") " records")
		check(jnotes(j) == "{}" && jval(j, "stalls") == "0",
		    name ": healthy: no note, no stall", jnotes(j))
	}
	check(healthy == 5, "five healthy connections logged", healthy)

	for (i = 1; i <= nref; i++) {
		j = conv_of(ref_src[i], ref_dst[i], "stream")
		check(j != "" && jval(j, "state") == "refused" &&
		    jnotes(j) == "{\"refused\":1}", "refused connect " \
		    ref_src[i] " > " ref_dst[i] ": reported as refused",
		    jval(j, "state") " " jnotes(j))
	}
	check(nref == 1, "one refused connect logged", nref + 0)

	# The stall: on its connection and no other.
	check(stall_src != "" && stall_json != "" &&
	    jval(stall_json, "stalls") == "1" &&
	    index(jnotes(stall_json), "\"stall\":1") > 0,
	    "stall " stall_src " > " stall_dst ": one stall reported",
	    jval(stall_json, "stalls") " stalls, " jnotes(stall_json))
	others = 0
	for (i = 1; i <= nj; i++) {
		if (jval(json[i], "src") == stall_src &&
		    jval(json[i], "dst") == stall_dst)
			continue
		if (jval(json[i], "stalls") != "0" ||
		    index(jnotes(json[i]), "stall") > 0)
			others++
	}
	check(others == 0, "no stall on any other conversation", others)
	longest = jval(stall_json, "longest_stall_ms")
	diff = longest - pause * 1000
	check(longest != "" && (diff < 0 ? -diff : diff) <= tol,
	    "stall duration " longest " ms = the receiver's pause " \
	    pause * 1000 " ms within " tol " ms", "differs by " diff " ms")

	# The live alert, while the stall lasted.
	n = split(alert, w, " ")
	t_alert = w[2]
	p = w[n]
	t_fill = pkt_time[p]
	t_upd = ""
	for (k in pkt_line)
		if (index(pkt_line[k], "[window-reopened: " stall_src \
		    " had no credit for ") > 0 &&
		    index(pkt_line[k], " since packet " p "]") > 0)
			t_upd = pkt_time[k]
	check(nalert == 1 && index(alert, "STREAM " stall_src " > " \
	    stall_dst ":") > 0, "one live stall alert, for " stall_src \
	    " > " stall_dst, nalert " alerts: " alert)
	check(t_fill != "" && t_upd != "" && t_alert - t_fill >= thr &&
	    t_alert < t_upd && t_alert < pause1,
	    "the live alert fired while the stall lasted: threshold " thr \
	    " s after the window closed, before it reopened and before " \
	    "the receiver resumed", "closed " t_fill ", alert " t_alert \
	    ", reopened " t_upd ", resumed " pause1)
	check(t_upd > pause1 && (t_upd - pause1) * 1000 <= tol,
	    "the window reopened after the receiver resumed, within " tol \
	    " ms", "resumed " pause1 ", reopened " t_upd)
	printf "info analysis: stall: receiver paused %.3f ms; vsockdump " \
	    "measured %.3f ms (from live packet times %.3f ms); window " \
	    "closed %+.3f ms from the pause's start, reopened %+.3f ms " \
	    "after its end; live alert %.3f ms after the threshold\n",
	    pause * 1000, longest, (t_upd - t_fill) * 1000,
	    (t_fill - pause0) * 1000, (t_upd - pause1) * 1000,
	    (t_alert - t_fill - thr) * 1000

	# The live analysis is the offline one.
	same = nv == nj
	for (i = 1; i <= nj && same; i++)
		if (live[i] != json[i])
			same = 0
	check(same, "the live capture's JSON equals the offline analysis " \
	    "of its pcap (" nj " conversations)", nv " live lines, " nj \
	    " offline; first difference at " i - 1)
	print "result " npass + 0 " " nfail + 0
}
