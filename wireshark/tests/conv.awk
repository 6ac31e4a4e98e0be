# conv.awk: what vsockdump's and tshark's conversation tables say, as
# comparable lines.
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage:
#   awk -v mode=json -f conv.awk   < vsockdump -q -z conv,vsock,json
#   awk -v mode=table -f conv.awk  < tshark -q -z conv,vsock
#   awk -v mode=fields -f conv.awk < tshark -T fields (see check-analysis.sh)
#   awk -v mode=jsonexact -f conv.awk < vsockdump -q -z conv,vsock,json
#
# json and table print one line per conversation:
#	CID CID START | PACKETS BYTES | PACKETS BYTES
# with the CIDs in increasing order, the start (seconds from the first
# packet) with 6 decimals, the two directions in increasing order, and
# the bytes as tshark prints them (format_size(): "N bytes" below 10000,
# then "N kB", "N MB", ... in powers of 1000); the caller sorts them.
# tshark's table shows no ports for vsock (its Wireshark 4.0 shows them
# for TCP, UDP and SCTP only), so a direction is told by its numbers.
#
# fields and jsonexact print, for every conversation and direction:
#	INDEX SENDER PACKETS BYTES DATA_PACKETS MESSAGES RECORDS FIRST LAST
# where SENDER is CID.PORT, and FIRST and LAST are the conversation's
# first and last packet.

function size(b,    p) {
	if (int(b / 1e12) >= 10)
		return int(b / 1e12) " TB"
	if (int(b / 1e9) >= 10)
		return int(b / 1e9) " GB"
	if (int(b / 1e6) >= 10)
		return int(b / 1e6) " MB"
	if (int(b / 1e3) >= 10)
		return int(b / 1e3) " kB"
	return b " bytes"
}

function row(c1, c2, start, p1, b1, p2, b2,    x, y) {
	if (c1 + 0 > c2 + 0) {
		x = c1; c1 = c2; c2 = x
	}
	x = p1 " " b1
	y = p2 " " b2
	if (x > y) {
		p1 = x; x = y; y = p1
	}
	print c1, c2, start, "|", x, "|", y
}

# The number after "key": in a JSON line (or in its object "obj").
function jnum(s, key,    r) {
	if (!match(s, "\"" key "\":[0-9.]+"))
		return ""
	r = substr(s, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
	return r
}

function jstr(s, key) {
	if (!match(s, "\"" key "\":\"[^\"]*\""))
		return ""
	return substr(s, RSTART + length(key) + 4, RLENGTH - length(key) - 5)
}

function jobj(s, key) {
	if (!match(s, "\"" key "\":\\{[^}]*\\}"))
		return ""
	return substr(s, RSTART, RLENGTH)
}

mode == "json" && /^\{/ {
	split(jstr($0, "src"), s, /\./)
	split(jstr($0, "dst"), d, /\./)
	a = jobj($0, "src_to_dst")
	b = jobj($0, "dst_to_src")
	row(s[1], d[1], sprintf("%.6f", jnum($0, "rel_start")),
	    jnum(a, "packets"), size(jnum(a, "bytes")),
	    jnum(b, "packets"), size(jnum(b, "bytes")))
}

mode == "jsonexact" && /^\{/ {
	a = jobj($0, "src_to_dst")
	b = jobj($0, "dst_to_src")
	i = jnum($0, "index")
	fp = jnum($0, "first_packet")
	lp = jnum($0, "last_packet")
	print i, jstr($0, "src"), jnum(a, "packets"), jnum(a, "bytes"), jnum(a, "data_packets"),
	    jnum(a, "messages"), jnum(a, "records"), fp, lp
	print i, jstr($0, "dst"), jnum(b, "packets"), jnum(b, "bytes"), jnum(b, "data_packets"),
	    jnum(b, "messages"), jnum(b, "records"), fp, lp
}

# tshark: "A <-> B  RXF RXB unit  TXF TXB unit  TOTF TOT unit  START DUR"
mode == "table" && $2 == "<->" && NF >= 14 {
	start = $13
	sub(/[0-9][0-9][0-9]$/, "", start)
	row($1, $3, start, $4, $5 " " $6, $7, $8 " " $9)
}

# tshark -T fields -E separator='|': stream, src_cid, src_port, dst_cid,
# dst_port, virtio op, virtio type, virtio flags, payload_len, frame.
mode == "fields" {
	split($0, f, /\|/)
	if (f[1] == "")
		next
	i = f[1]
	src = f[2] "." f[3]
	dst = f[4] "." f[5]
	k = i SUBSEP src
	if (!(i in first)) {
		first[i] = f[10]
		order[++n] = i
		ep[i, 0] = src
		ep[i, 1] = dst
	}
	last[i] = f[10]
	pk[k]++
	if (f[6] == 5) {
		by[k] += f[9]
		dp[k]++
		if (f[7] == 2) {
			fl = f[8]
			sub(/^0x/, "", fl)
			fl = substr(fl, length(fl))
			# The two low bits: EOM and EOR.
			v = index("0123456789abcdef", tolower(fl)) - 1
			if (v % 2 == 1)
				ms[k]++
			if (int(v / 2) % 2 == 1)
				rc[k]++
		}
	}
}

END {
	if (mode != "fields")
		exit
	for (j = 1; j <= n; j++) {
		i = order[j]
		for (e = 0; e < 2; e++) {
			k = i SUBSEP ep[i, e]
			printf("%s %s %d %.0f %d %d %d %s %s\n", i, ep[i, e], pk[k], by[k], dp[k],
			    ms[k], rc[k], first[i], last[i])
		}
	}
}
