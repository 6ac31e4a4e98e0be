# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The live test's checks of one capture against the generator's log; run
# by check.sh.  Input lines, tagged by their first field:
#	L ...	vsock-traffic's log
#	P ...	vsock-pcap-flows' output for the capture
#	S ...	the scenario's stats.txt (vsockmon0 counters)
#	E ...	the capture program's stderr
#	D ...	host vsockdump -t -n -r output for the capture (optional)
#	T ...	tshark's fields for the capture (optional)
# Variables: cap (name printed), phase (functional, burst, plain or
# log), step (stats.txt step prefix), verbose, nostats (1: the capture
# ended by an error and printed no statistics), soft (1: failed checks
# are only reported, as "info": the stock programs' burst figures),
# cids (the CIDs every packet must be between, default "1"), splits
# ("CID:SIZE ...": each packet of up to 64 KiB sent to CID is carried in
# pieces of SIZE bytes, the last one shorter: vhost cuts what it sends
# to fit the guest's receive buffers; SIZE "auto": the largest RW
# payload to CID in the capture, at most 4096), tapbug ("CID ...": RW
# packets to CID may be captured with more payload than their len: the
# rest of the packet they were cut from, see tapbug_ok()).
# Prints "ok ..." (verbose only), "FAIL ...", "info ..." lines and, last,
# "result PASSED FAILED".

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
			print "ok   " cap ": " name
	} else if (soft) {
		print "info " cap ": not so (not a test of ours): " name \
		    (detail != "" ? " (" detail ")" : "")
	} else {
		nfail++
		print "FAIL " cap ": " name (detail != "" ? " (" detail ")" : "")
	}
}

function info(s) {
	print "info " cap ": " s
}

function typenum(t) {
	return t == "stream" ? 1 : t == "seqpacket" ? 2 : -1
}

# vsockmon op expected for a virtio op.
function mopfor(op) {
	if (op == 1 || op == 2)
		return 1
	if (op == 3 || op == 4)
		return 2
	if (op == 5)
		return 4
	if (op == 6 || op == 7)
		return 3
	return 0
}

function cidof(a,    c) {
	c = a
	sub(/\..*/, "", c)
	return c
}

# The RW packets that carry b bytes sent to address dst (CID.PORT):
# 64 KiB packets, each cut into pieces of splitsz bytes.
function npieces(b, dst,    c, s, full) {
	c = cidof(dst)
	s = (c in splitsz) ? splitsz[c] : 65536
	full = int(b / 65536)
	b -= full * 65536
	return full * int((65536 + s - 1) / s) + int((b + s - 1) / s)
}

function cidok(a) {
	return cidof(a) in okcid
}

# Sizes "auto" of splits: the largest RW payload to the CID.
function auto_splits(    c, i) {
	for (c in splitsz) {
		if (splitsz[c] != "auto")
			continue
		splitsz[c] = 0
		for (i = 1; i <= npk; i++)
			if (pk_op[i] == 5 && cidof(pk_dst[i]) == c &&
			    pk_plen[i] + 0 > splitsz[c])
				splitsz[c] = pk_plen[i] + 0
		check(splitsz[c] > 0 && splitsz[c] <= 4096, "RW packets to " \
		    "CID " c " cut into pieces of at most 4096 bytes (the " \
		    "receive buffers): " splitsz[c] " bytes", "")
		if (splitsz[c] == 0)
			splitsz[c] = 65536
	}
}

# Linux 6.3's sk_buff conversion of vsock (71dc9ec9ac7d) made the tap copy
# of a packet that vhost cuts into pieces carry, after each piece, the
# rest of the packet: its payload is the remaining length, not the
# header's len (fixed by 5f344d809e01, "vsock/virtio: fix length and
# offset in tap skb for split packets", 2026).  Packet i shows that bug
# exactly if it goes to a CID of tapbug, its captured payload is longer
# than its len, and the next RW piece of its direction carries what
# remains after this piece.  Its first len bytes are checked with the
# others (lbytes, lfnv).
function tapbug_ok(i,    j) {
	if (!(cidof(pk_dst[i]) in bugcid) || pk_op[i] != 5 ||
	    pk_paylen[i] + 0 <= pk_plen[i] + 0 || pk_caplen[i] != pk_len[i] ||
	    pk_len[i] != 76 + pk_paylen[i])
		return 0
	for (j = i + 1; j <= npk; j++)
		if (pk_op[j] == 5 && pk_src[j] == pk_src[i] &&
		    pk_dst[j] == pk_dst[i])
			return pk_paylen[j] == pk_paylen[i] - pk_plen[i]
	return 0
}

BEGIN {
	if (cids == "")
		cids = "1"
	n = split(cids, a, " ")
	for (i = 1; i <= n; i++)
		okcid[a[i]] = 1
	n = split(splits, a, " ")
	for (i = 1; i <= n; i++) {
		split(a[i], kvp, ":")
		splitsz[kvp[1]] = kvp[2]
	}
	n = split(tapbug, a, " ")
	for (i = 1; i <= n; i++)
		bugcid[a[i]] = 1
}

function desc(c) {
	return "conn " c " " ctype[c] " " csize[c] "B" \
	    (cecho[c] + 0 ? " echo" : "")
}

# The packets of one direction as "n n n"; pair is src SUBSEP dst.
function pkts_of(src, dst,    i, s) {
	s = ""
	for (i = 1; i <= npk; i++)
		if (pk_src[i] == src && pk_dst[i] == dst)
			s = s " " i
	return s
}

# Checks one direction of a connection: payload bytes, hash, pieces, EOM.
function check_dir(c, src, dst, label,    k, eb, ef, nsend, n, a, i, j,
    rw, bytes, bad, eom, last) {
	k = src SUBSEP dst
	eb = (k in sbytes) ? sbytes[k] : 0
	ef = (k in sfnv) ? sfnv[k] : ""
	nsend = (k in scount) ? scount[k] : 0
	n = split(pkts_of(src, dst), a, " ")
	rw = 0
	for (i = 1; i <= n; i++)
		if (pk_op[a[i]] == 5)
			rw++
	# What the headers' len covers (see tapbug_ok()).
	bytes = (k in fl_lbytes) ? fl_lbytes[k] : 0
	if (eb == 0 && ctype[c] == "seqpacket" && nsend > 0 && rw == 1 &&
	    pk_plen[lastrw(a, n)] == 0) {
		# A kernel may carry an empty message as an empty EOM packet.
		check(and1(pk_flags[lastrw(a, n)]), desc(c) " " label \
		    ": empty message as one empty RW with EOM", "")
		return
	}
	check(bytes == eb && (eb == 0 || nsend > 1 || fl_lfnv[k] == ef),
	    desc(c) " " label ": payload " eb " bytes as sent",
	    "captured " bytes " bytes in " rw " RW packets" \
	    (eb > 0 && bytes == eb ? ", hash " fl_lfnv[k] " != " ef : ""))
	if (nsend <= 1)
		check(rw == npieces(eb, dst), desc(c) " " label ": " \
		    npieces(eb, dst) " RW packet(s), split at 64 KiB" \
		    (cidof(dst) in splitsz ? ", cut into pieces of " \
		    splitsz[cidof(dst)] " bytes" : ""), "got " rw)
	if (ctype[c] != "seqpacket" || eb == 0 || nsend > 1)
		return
	bad = 0
	eom = 0
	last = lastrw(a, n)
	for (i = 1; i <= n; i++) {
		j = a[i]
		if (pk_op[j] != 5)
			continue
		if (and1(pk_flags[j])) {
			eom++
			if (j != last)
				bad++
		}
	}
	check(eom == 1 && bad == 0 && and1(pk_flags[last]), desc(c) " " \
	    label ": EOM on the last RW packet only",
	    eom " EOM flags, " bad " not on the last")
}

# A burst among other connections: what the receiver logged, captured.
function burst_payload(c,    k) {
	k = bpair[c]
	check((k in fl_lbytes) && fl_lbytes[k] == rbytes[k] &&
	    fl_lfnv[k] == rfnv[k], desc(c) " burst: the " rbytes[k] " bytes " \
	    "received, captured intact", "captured " fl_lbytes[k] " bytes")
}

function lastrw(a, n,    i, l) {
	l = 0
	for (i = 1; i <= n; i++)
		if (pk_op[a[i]] == 5)
			l = a[i]
	return l
}

function and1(f) {
	return f % 2 == 1
}

# A packet with virtio op OP from SRC to DST?
function has_op(op, src, dst,    i) {
	for (i = 1; i <= npk; i++)
		if (pk_op[i] == op && pk_src[i] == src && pk_dst[i] == dst)
			return 1
	return 0
}

function counter(step,    v) {
	v = (step in st_rx) ? st_rx[step] + st_tx[step] : -1
	return v
}

# ---- input ----

$1 == "L" && $2 == "connect" {
	c = kv("conn")
	conns[++nconn] = c
	ctype[c] = kv("type")
	csrc[c] = kv("src")
	cdst[c] = kv("dst")
	cecho[c] = kv("echo")
	csize[c] = 0
	owner[csrc[c] SUBSEP cdst[c]] = c
	owner[cdst[c] SUBSEP csrc[c]] = c
	next
}
$1 == "L" && $2 == "send" {
	k = kv("src") SUBSEP kv("dst")
	sbytes[k] += kv("bytes")
	sfnv[k] = kv("fnv")
	scount[k]++
	next
}
$1 == "L" && $2 == "recv" {
	k = kv("src") SUBSEP kv("dst")
	rbytes[k] += kv("bytes")
	rfnv[k] = kv("fnv")
	rcount[k]++
	next
}
$1 == "L" && $2 == "shutdown" {
	c = kv("conn")
	shut[c, ++nshut[c]] = kv("how")
	next
}
$1 == "L" && $2 == "close" {
	nclose[kv("conn")]++
	next
}
$1 == "L" && $2 == "refused" {
	nref++
	ref_type[nref] = kv("type")
	ref_src[nref] = kv("src")
	ref_dst[nref] = kv("dst")
	ref_errno[nref] = kv("errno")
	owner[ref_src[nref] SUBSEP ref_dst[nref]] = "refused"
	owner[ref_dst[nref] SUBSEP ref_src[nref]] = "refused"
	next
}
$1 == "L" && $2 == "burst" {
	bconn = kv("conn")
	isburst[bconn] = 1
	bpair[bconn] = kv("src") SUBSEP kv("dst")
	b_count = kv("count")
	b_size = kv("size")
	b_bytes = kv("bytes")
	b_fnv = kv("fnv")
	b_seconds = kv("seconds")
	b_rate = kv("rate")
	b_src = kv("src")
	b_dst = kv("dst")
	next
}
$1 == "L" && $2 == "error" {
	nerr++
	errs = errs " " $3
	next
}
$1 == "L" && $2 == "done" {
	done_status = kv("status")
	next
}
$1 == "P" && $2 == "pkt" {
	npk++
	pk_src[npk] = kv("src")
	pk_dst[npk] = kv("dst")
	pk_caplen[npk] = kv("caplen")
	pk_len[npk] = kv("len")
	pk_mop[npk] = kv("mop")
	pk_trans[npk] = kv("trans")
	pk_hlen[npk] = kv("hlen")
	pk_type[npk] = kv("type")
	pk_op[npk] = kv("op")
	pk_flags[npk] = kv("flags")
	pk_plen[npk] = kv("plen")
	pk_paylen[npk] = kv("paylen")
	pk_vsrc[npk] = kv("vsrc")
	pk_vdst[npk] = kv("vdst")
	pk_short[npk] = kv("short")
	next
}
$1 == "P" && $2 == "flow" {
	k = kv("src") SUBSEP kv("dst")
	fl_rw[k] = kv("rw")
	fl_bytes[k] = kv("bytes")
	fl_fnv[k] = kv("fnv")
	fl_lbytes[k] = kv("lbytes")
	fl_lfnv[k] = kv("lfnv")
	next
}
$1 == "P" && $2 == "file" {
	f_linktype = kv("linktype")
	f_packets = kv("packets")
	next
}
$1 == "P" && $2 == "error" {
	f_error = $0
	next
}
$1 == "S" {
	for (i = 3; i <= NF; i++) {
		if (index($i, "rx_packets=") == 1)
			st_rx[$2] = substr($i, 12)
		if (index($i, "tx_packets=") == 1)
			st_tx[$2] = substr($i, 12)
	}
	next
}
# "N packet(s) captured", "N packet(s) received by filter",
# "N packet(s) dropped by kernel", as tcpdump prints them.
$1 == "E" && $3 ~ /^packets?$/ && $4 == "captured" {
	e_captured = $2
	next
}
$1 == "E" && $3 ~ /^packets?$/ && $4 == "received" && $6 == "filter" {
	e_received = $2
	next
}
$1 == "E" && $3 ~ /^packets?$/ && $4 == "dropped" && $6 == "kernel" {
	e_dropped = $2
	next
}
$1 == "T" {
	# frame.number|frame.len|frame.cap_len|src_cid|dst_cid|src_port|
	# dst_port|vsock.op|virtio.len|virtio.type|virtio.op|virtio.flags
	nt++
	t_line[nt] = substr($0, 3)
	next
}
$1 == "D" {
	nd++
	# "VIRTIO SRC > DST OP, length N" (more words may follow)
	d_line[nd] = $0
	next
}

# ---- checks ----

function log_checks(    i, c, k, nc, ok) {
	check(done_status == "0" && nerr == 0,
	    "generator finished without error",
	    "status " done_status ", errors:" errs)
	ok = 0
	for (i = 1; i <= nconn; i++) {
		c = conns[i]
		if (c in isburst)
			continue
		nc++
		k = csrc[c] SUBSEP cdst[c]
		if (nclose[c] == 2 && nshut[c] == 2)
			ok++
	}
	check(nc > 0 && ok == nc, "every connection shut down both ways and " \
	    "closed at both ends", ok " of " nc)
	ok = 0
	nc = 0
	for (k in sbytes) {
		nc++
		if (sbytes[k] == 0 || (rbytes[k] == sbytes[k] &&
		    (scount[k] > 1 || rfnv[k] == sfnv[k])))
			ok++
	}
	check(nc > 0 && ok == nc, "the receiving end got every message " \
	    "intact (log)", ok " of " nc " directions")
	for (i = 1; i <= nref; i++)
		check(ref_errno[i] == "ECONNRESET" ||
		    ref_errno[i] == "ECONNREFUSED", "refused " ref_type[i] \
		    " connect to " ref_dst[i] " failed with ECONNRESET " \
		    "or ECONNREFUSED", ref_errno[i])
}

function pcap_checks(    i, bad, first, unacc, firstu, c, s, d, t, o, n,
    a, j, nsd, seq, want, delta) {
	check(f_linktype == 271 && f_packets > 0 && f_error == "",
	    "capture is DLT_VSOCK with packets",
	    "linktype " f_linktype ", " f_packets " packets " f_error)
	bad = 0
	for (i = 1; i <= npk; i++) {
		if (pk_short[i] != "" || pk_trans[i] != 2 ||
		    pk_hlen[i] != 44 || pk_src[i] != pk_vsrc[i] ||
		    pk_dst[i] != pk_vdst[i] ||
		    pk_mop[i] != mopfor(pk_op[i]) ||
		    !cidok(pk_src[i]) || !cidok(pk_dst[i])) {
			if (bad++ == 0)
				first = i
		}
	}
	check(bad == 0, "every packet: CIDs " cids ", VIRTIO header of 44, " \
	    "vsockmon op matches virtio op", bad " bad, first #" first)
	bad = 0
	nbug = 0
	for (i = 1; i <= npk; i++) {
		if (pk_caplen[i] == pk_len[i] && pk_len[i] == 76 + pk_plen[i] &&
		    pk_paylen[i] == pk_plen[i])
			continue
		if (tapbug_ok(i))
			nbug++
		else if (bad++ == 0)
			first = i
	}
	check(bad == 0, "every packet: the virtio len equals the payload " \
	    "captured, whole" (nbug ? " (but the " nbug " below)" : ""),
	    bad " bad, first #" first)
	if (nbug > 0)
		info("KNOWN KERNEL BUG: " nbug " RW pieces to CID " tapbug \
		    " carry, after their len bytes, the rest of the packet " \
		    "vhost cut them from (Linux 71dc9ec9ac7d, fixed by " \
		    "5f344d809e01); their first len bytes are checked")
	unacc = 0
	for (i = 1; i <= npk; i++)
		if (!((pk_src[i] SUBSEP pk_dst[i]) in owner)) {
			if (unacc++ == 0)
				firstu = i
		}
	check(unacc == 0, "every captured packet belongs to a logged " \
	    "connection", unacc " unaccounted, first #" firstu)

	for (i = 1; i <= nconn; i++) {
		c = conns[i]
		s = csrc[c]
		d = cdst[c]
		t = typenum(ctype[c])
		csize[c] = ((s SUBSEP d) in sbytes) ? sbytes[s, d] : 0
		check(has_op(1, s, d) && has_op(2, d, s), desc(c) \
		    ": REQUEST " s " > " d " and RESPONSE back", "")
		n = split(pkts_of(s, d) pkts_of(d, s), a, " ")
		bad = 0
		for (j = 1; j <= n; j++)
			if (pk_type[a[j]] != t)
				bad++
		check(n > 0 && bad == 0, desc(c) ": all " n " packets of " \
		    "type " ctype[c], bad " of another type")
		if (c in isburst) {
			burst_payload(c)
			continue
		}
		check_dir(c, s, d, "c>s")
		check_dir(c, d, s, "s>c")
		# SHUTDOWN flags, in order: SHUT_WR sends SEND (2), SHUT_RD
		# sends RCV (1).
		n = split(pkts_of(s, d), a, " ")
		seq = ""
		for (j = 1; j <= n; j++)
			if (pk_op[a[j]] == 4)
				seq = seq " " pk_flags[a[j]]
		want = ""
		for (j = 1; j <= nshut[c]; j++)
			want = want " " (shut[c, j] == "wr" ? 2 : 1)
		check(want != "" && index(seq, want) == 1, desc(c) \
		    ": SHUTDOWN flags" want " from the client, in order",
		    "got" seq)
		check(has_op(3, s, d) || has_op(3, d, s), desc(c) \
		    ": RST closes the connection", "")
	}
	for (i = 1; i <= nref; i++)
		check(has_op(1, ref_src[i], ref_dst[i]) &&
		    has_op(3, ref_dst[i], ref_src[i]), "refused " ref_type[i] \
		    " " ref_src[i] " > " ref_dst[i] ": REQUEST, then RST back",
		    "")
}

# Counts; strict: the capture must hold every packet (phase 1), else
# only when the kernel reported no drop.  The device's counter is read
# after the capture has stopped, and the capture is stopped once that
# counter stands still (settle in scenarios/capture.sh): vsock_loopback
# hands packets to the taps from a work queue, so some are still on
# their way when the traffic generator exits.
function stats_checks(start, stop, strict,    delta) {
	delta = counter(stop) - counter(start)
	if (nostats) {
		# A capture ended by an error: no statistics are printed.
		check(counter(start) >= 0 && counter(stop) >= 0 &&
		    f_packets == delta, "captured == sent + control: the " \
		    "pcap holds all " delta " packets the device saw",
		    f_packets " in the pcap")
		return delta
	}
	if (strict)
		check(e_dropped == "0", "no packet dropped by kernel",
		    e_dropped " dropped")
	if (counter(start) >= 0 && counter(stop) >= 0 &&
	    (strict || e_dropped == "0"))
		check(f_packets == delta, "captured == sent + control: " \
		    "the pcap holds all " delta " packets vsockmon0 saw",
		    f_packets " in the pcap")
	check(e_received != "" && e_captured == f_packets,
	    "\"packets captured\" equals the packets written",
	    e_captured " captured, " f_packets " written")
	check(e_received != "" && e_received == e_captured + e_dropped,
	    "received by filter == written + dropped (nothing lost at stop)",
	    e_received " received, " e_captured " written, " e_dropped \
	    " dropped")
	return delta
}

function burst_checks(    delta, n, a, j, rw) {
	check(done_status == "0" && nerr == 0 && b_count != "",
	    "burst generator finished without error",
	    "status " done_status ", errors:" errs)
	check(f_linktype == 271 && f_packets > 0 && f_error == "",
	    "capture is DLT_VSOCK with packets",
	    "linktype " f_linktype ", " f_packets " packets " f_error)
	delta = stats_checks(step "-start", step "-stopped", 0)
	k = b_src SUBSEP b_dst
	rw = (k in fl_rw) ? fl_rw[k] : 0
	info("burst of " b_count " x " b_size " B in " b_seconds " s (" \
	    b_rate " msg/s): vsockmon0 saw " delta " packets; captured " \
	    f_packets ", received by filter " e_received ", dropped " \
	    e_dropped "; " rw " RW packets, " \
	    ((k in fl_bytes) ? fl_bytes[k] : 0) " of " b_bytes " bytes")
	if (e_dropped == 0 && f_packets == delta)
		check(fl_bytes[k] == b_bytes && fl_fnv[k] == b_fnv &&
		    rw >= b_count, "burst: all " b_bytes " bytes captured " \
		    "intact", fl_bytes[k] " bytes, " rw " RW")
}

# Host vsockdump agrees with the reader on every packet.
function vsockdump_checks(    i, bad, first, w, n, src, dst, len) {
	bad = 0
	for (i = 1; i <= npk && i <= nd; i++) {
		n = split(d_line[i], w, " ")
		# D VIRTIO src > dst OP, length N
		src = w[3]
		dst = w[5]
		sub(/:$/, "", dst)
		len = w[n]
		if (src != pk_src[i] || dst != pk_dst[i] || len != pk_len[i]) {
			if (bad++ == 0)
				first = i ": " d_line[i]
		}
	}
	check(nd == npk && bad == 0, "host vsockdump -n decodes all " npk \
	    " packets with the same CIDs, ports and length",
	    nd " lines, " bad " differ, first #" first)
}

function hex(s,    i, v, c) {
	if (s !~ /^0x/)
		return s + 0
	v = 0
	for (i = 3; i <= length(s); i++) {
		c = index("0123456789abcdef", tolower(substr(s, i, 1)))
		v = v * 16 + c - 1
	}
	return v
}

# tshark agrees with the reader on every packet.
function tshark_checks(    i, bad, first, f, n) {
	bad = 0
	for (i = 1; i <= npk && i <= nt; i++) {
		n = split(t_line[i], f, "|")
		if (n < 12 || f[2] != pk_len[i] ||
		    f[4] "." f[6] != pk_src[i] || f[5] "." f[7] != pk_dst[i] ||
		    f[8] != pk_mop[i] || f[9] != pk_plen[i] ||
		    f[10] != pk_type[i] || f[11] != pk_op[i] ||
		    hex(f[12]) != pk_flags[i]) {
			if (bad++ == 0)
				first = i ": " t_line[i]
		}
	}
	check(nt == npk && bad == 0, "tshark agrees on CIDs, ports, ops, " \
	    "type, flags and lengths of all " npk " packets",
	    nt " packets, " bad " differ, first #" first)
}

END {
	if (phase == "log")
		log_checks()
	else if (phase == "functional") {
		auto_splits()
		pcap_checks()
		stats_checks(step "-start", step "-stopped", 1)
	} else if (phase == "burst")
		burst_checks()
	else if (phase == "plain")
		check(f_linktype == 271 && f_error == "",
		    "capture is a valid DLT_VSOCK pcap",
		    "linktype " f_linktype ", " f_packets " packets " f_error)
	if (nd > 0)
		vsockdump_checks()
	if (nt > 0)
		tshark_checks()
	print "result " npass + 0 " " nfail + 0
}
