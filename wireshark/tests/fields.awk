# fields.awk: compares, packet by packet and field by field, vsockdump's
# decoding of a capture with the vsock fields tshark gives with the
# plugin.
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage: awk -v name=CAPTURE -f fields.awk VSOCKDUMP_OUTPUT TSHARK_FIELDS
#   VSOCKDUMP_OUTPUT  vsockdump -# -n -t -e -vv -r CAPTURE
#   TSHARK_FIELDS     tshark -T fields -E separator='|' -E aggregator='~'
#                     with the fields in the order of the F_ constants
# Prints each disagreement on stderr and "AGREE TOTAL" on stdout.

BEGIN {
	F_NUM = 1; F_SRC_CID = 2; F_DST_CID = 3; F_SRC_PORT = 4; F_DST_PORT = 5
	F_OP = 6; F_TRANS = 7; F_TRANS_LEN = 8; F_RESERVED = 9; F_LEN = 10
	F_VLEN = 11; F_VTYPE = 12; F_VOP = 13; F_VFLAGS = 14; F_VBUF = 15
	F_VFWD = 16; F_PAYLOAD = 17; F_EXTRA = 18; F_EXPERT = 19; F_SHORT = 20
	F_MALFORMED = 21; F_VSRC_CID = 22; F_VSRC_PORT = 23; F_VSRC_PROT = 24
	F_VDST_CID = 25; F_VDST_PORT = 26; F_VDST_PROT = 27
	FS = "|"
	ops["UNKNOWN"] = 0; ops["CONNECT"] = 1; ops["DISCONNECT"] = 2
	ops["CONTROL"] = 3; ops["PAYLOAD"] = 4
	trans["UNKNOWN"] = 0; trans["NO_INFO"] = 1; trans["VIRTIO"] = 2
	vops["INVALID"] = 0; vops["REQUEST"] = 1; vops["RESPONSE"] = 2
	vops["RST"] = 3; vops["SHUTDOWN"] = 4; vops["RW"] = 5
	vops["CREDIT UPDATE"] = 6; vops["CREDIT REQUEST"] = 7
	types["STREAM"] = 1; types["SEQPACKET"] = 2
	agree = 0; total = 0
}

function hexval(s,    i, c, v) {
	v = 0
	s = tolower(s)
	sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1)) - 1
		if (c < 0)
			return -1
		v = v * 16 + c
	}
	return v
}

function named(s, table) {
	if (s in table)
		return table[s]
	sub(/^(op|transport) /, "", s)
	return s + 0
}

# The flags as a number: names are bits 0 and 1, the rest hex.
function flagnum(s,    n, parts, i, v) {
	if (s == "none")
		return 0
	n = split(s, parts, /, /)
	v = 0
	for (i = 1; i <= n; i++) {
		if (parts[i] == "RCV" || parts[i] == "EOM")
			v += 1
		else if (parts[i] == "SEND" || parts[i] == "EOR")
			v += 2
		else
			v += hexval(parts[i])
	}
	return v
}

# The n strings of a[1..n], sorted and joined by "; ".
function sorted(a, n,    i, j, t, r) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]
			a[j] = a[j - 1]
			a[j - 1] = t
		}
	r = ""
	for (i = 1; i <= n; i++)
		r = r (i > 1 ? "; " : "") a[i]
	return r
}

function check(pkt, what, ours, theirs) {
	total++
	if (ours "" == theirs "") {
		agree++
		return
	}
	printf("%s #%s %s: vsockdump \"%s\", tshark \"%s\"\n", name, pkt, what, ours, theirs) > "/dev/stderr"
}

# The value after "key " up to the next "," or ")" in s, or "".
function after(s, key,    r) {
	if (!match(s, key " [^,)]*"))
		return ""
	r = substr(s, RSTART + length(key) + 1, RLENGTH - length(key) - 1)
	return r
}

# vsockdump's output: one block a packet, its lines joined by "\n".
FNR == NR {
	if ($0 ~ /^ *[0-9]+  /) {
		cur = $0
		sub(/^ */, "", cur)
		sub(/ .*/, "", cur)
		block[cur] = $0
		next
	}
	if (cur != "")
		block[cur] = block[cur] "\n" $0
	next
}

{
	pkt = $F_NUM
	if (!(pkt in block)) {
		check(pkt, "packet", "(none)", "present")
		next
	}
	b = block[pkt]
	seen[pkt] = 1
	is_vsock = $F_LEN != ""
	# vsockdump stops at what is invalid ("(invalid)": tshark's
	# malformed packet) before it looks for the end of the capture
	# ("[|vsock]": tshark's packet size limited during capture).
	invalid = index(b, "(invalid)") > 0
	trunc = index(b, "[|vsock]") > 0
	# A record that libpcap's rules reject (caplen 0, len < caplen).
	if (index(b, "[Invalid header") > 0) {
		check(pkt, "bad record", "yes", $F_SHORT $F_MALFORMED $F_EXPERT != "" ? "yes" : "no")
		next
	}
	# A frame without vsock (a cooked frame of another type).
	if (!is_vsock && !match(b, /[0-9]+\.[0-9]+ > [0-9]+\.[0-9]+ /) && index(b, "VIRTIO") == 0) {
		check(pkt, "not vsock", "not vsock", "not vsock")
		next
	}
	# Only the vsock layer's: a subdissector may find its own part
	# malformed.  A cut short packet is reported by the layer that
	# reached the end of the capture: vsock's, or that of the payload's
	# dissector.
	ts_invalid = $F_EXPERT ~ /(^|~)length [0-9]+ < headers [0-9]+/ || $F_MALFORMED ~ /: vsock\]/
	check(pkt, "invalid", invalid ? "yes" : "no", ts_invalid ? "yes" : "no")
	if (!invalid)
		check(pkt, "truncated", trunc ? "yes" : "no", $F_SHORT != "" ? "yes" : "no")

	if (match(b, /hdr_len [0-9]+, reserved 0x[0-9a-f]+: /)) {
		m = substr(b, RSTART, RLENGTH)
		split(m, w, /[ ,:]+/)
		check(pkt, "trans_len", w[2], $F_TRANS_LEN)
		r = $F_RESERVED
		check(pkt, "reserved", hexval(w[4]),
		    r == "" ? "" : hexval(substr(r, 3, 2) substr(r, 1, 2)))
	}
	if (match(b, /(VIRTIO|NO_INFO|UNKNOWN|transport [0-9]+)/))
		check(pkt, "transport", named(substr(b, RSTART, RLENGTH), trans), $F_TRANS)
	if (match(b, /[0-9]+\.[0-9]+ > [0-9]+\.[0-9]+ (CONNECT|DISCONNECT|CONTROL|PAYLOAD|UNKNOWN|op [0-9]+), length [0-9]+/)) {
		m = substr(b, RSTART, RLENGTH)
		split(m, w, / /)
		split(w[1], s, /\./)
		split(w[3], d, /\./)
		op = w[4]
		if (op == "op") {
			op = w[5]
			sub(/,/, "", op)
		} else
			sub(/,/, "", op)
		check(pkt, "src_cid", s[1], $F_SRC_CID)
		check(pkt, "src_port", s[2], $F_SRC_PORT)
		check(pkt, "dst_cid", d[1], $F_DST_CID)
		check(pkt, "dst_port", d[2], $F_DST_PORT)
		check(pkt, "op", named(op, ops), $F_OP)
		check(pkt, "length", w[length(w)], $F_LEN)
	}
	# The virtio fields, as far as they were printed.
	if (match(b, /\(len [0-9]+[^)\[]*/)) {
		v = substr(b, RSTART, RLENGTH)
		check(pkt, "virtio len", after(v, "len"), $F_VLEN)
		x = after(v, ", type")
		if (x != "")
			check(pkt, "virtio type", named(x, types), $F_VTYPE)
		x = after(v, ", op")
		if (x != "")
			check(pkt, "virtio op", named(x, vops), $F_VOP)
		if (match(v, /, flags \[[^]]*\]/)) {
			x = substr(v, RSTART + 9, RLENGTH - 10)
			check(pkt, "virtio flags", flagnum(x), $F_VFLAGS == "" ? "" : hexval($F_VFLAGS))
		}
		x = after(v, ", buf_alloc")
		if (x != "")
			check(pkt, "buf_alloc", x, $F_VBUF)
		x = after(v, ", fwd_cnt")
		if (x != "")
			check(pkt, "fwd_cnt", x, $F_VFWD)
	}
	# The virtio addresses: the vsockmon ones, unless a note says otherwise.
	if ($F_VDST_PORT != "") {
		vs = $F_SRC_CID "." $F_SRC_PORT
		vd = $F_DST_CID "." $F_DST_PORT
		if (match(b, /\[virtio src [0-9.]+ /))
			vs = substr(b, RSTART + 12, RLENGTH - 13)
		if (match(b, /\[virtio dst [0-9.]+ /))
			vd = substr(b, RSTART + 12, RLENGTH - 13)
		check(pkt, "virtio src", vs, $F_VSRC_CID "." $F_VSRC_PORT)
		check(pkt, "virtio dst", vd, $F_VDST_CID "." $F_VDST_PORT)
		check(pkt, "virtio src_prot (deprecated)", $F_VSRC_PORT, $F_VSRC_PROT)
		check(pkt, "virtio dst_prot (deprecated)", $F_VDST_PORT, $F_VDST_PROT)
	}
	# The notes of -v: the expert infos of the headers.
	nn = 0
	rest = b
	while (match(rest, /\[(virtio hdr_len|virtio src|virtio dst|virtio len|vsockmon op|reserved|length [0-9]+ <)[^]]*\]/)) {
		n = substr(rest, RSTART + 1, RLENGTH - 2)
		gsub(/CREDIT UPDATE/, "CREDIT_UPDATE", n)
		gsub(/CREDIT REQUEST/, "CREDIT_REQUEST", n)
		notes[++nn] = n
		rest = substr(rest, RSTART + RLENGTH)
	}
	ours = sorted(notes, nn)
	nn = 0
	ne = split($F_EXPERT, ex, /~/)
	for (i = 1; i <= ne; i++)
		if (ex[i] ~ /^(virtio hdr_len|virtio src|virtio dst|virtio len|vsockmon op|reserved|length [0-9]+ <)/)
			notes[++nn] = ex[i]
	check(pkt, "notes", ours, sorted(notes, nn))
	# The payload: every byte after the transport header.
	if (!trunc) {
		hex = ""
		nl = split(b, lines, /\n/)
		for (i = 2; i <= nl; i++)
			if (lines[i] ~ /^\t0x[0-9a-f]+:  /) {
				l = lines[i]
				sub(/^\t0x[0-9a-f]+:  /, "", l)
				gsub(/ /, "", l)
				hex = hex l
			}
		check(pkt, "payload", hex, $F_PAYLOAD $F_EXTRA)
	}
}

END {
	for (p in block)
		if (!(p in seen))
			check(p, "packet", "present", "(none)")
	print agree, total
}
