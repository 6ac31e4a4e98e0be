#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Cross-checks vsockdump against Wireshark's vsock dissector (tshark) on
# the well-formed DLT_VSOCK test captures: for every fully captured packet,
# the vsockmon CIDs, ports, op and length, and the virtio len, type, op,
# flags, buf_alloc and fwd_cnt must agree.  Fields tshark leaves empty
# are skipped (it decodes no vsock inside LINUX_SLL/SLL2 frames, so those
# captures are not used).
#
# Usage, from the build directory:
#	sh SRCDIR/tests/tshark-crosscheck.sh
# Environment: VSOCKDUMP (default ./vsockdump), VSOCKGEN (default
# ./tools/vsockgen), TSHARK (default tshark).
#
# Prints "tshark cross-check: A/T fields agree", then one capture a
# test: "N passed, N failed"; exits 1 on any
# disagreement, 77 (skipped) if tshark is missing.

testsdir=$(cd "$(dirname "$0")" && pwd) || exit 2
prog=${VSOCKDUMP:-./vsockdump}
gen=${VSOCKGEN:-./tools/vsockgen}
tshark=${TSHARK:-tshark}

if ! command -v "$tshark" >/dev/null 2>&1; then
	echo "tshark cross-check: skipped (no tshark)"
	exit 77
fi

work=tests/tshark-crosscheck
rm -rf "$work"
mkdir -p "$work" || exit 2

descriptions="session vsockmon-ops transports virtio-ops virtio-types flags
cids-ports truncated snaplen seqpacket-empty seqpacket-frag payload-64k pcapng"
captures=
for d in $descriptions; do
	if ! "$gen" -o "$work/$d.cap" "$testsdir/captures/$d.txt"; then
		echo "tshark cross-check: vsockgen failed on $d.txt"
		exit 2
	fi
	captures="$captures $work/$d.cap"
done
captures="$captures $testsdir/captures/linux61-loopback-stream-seqpacket.pcap"

total_agree=0
total_fields=0
ok=0
bad=0
TZ=GMT0
export TZ

for cap in $captures; do
	base=$(basename "$cap")
	base=${base%.*}
	# Our default line: number, addresses, op, length.
	"$prog" -# -n -t -r "$cap" 2>/dev/null |
	    sed -n 's/^ *\([0-9][0-9]*\)  .* \([0-9][0-9]*\)\.\([0-9][0-9]*\) > \([0-9][0-9]*\)\.\([0-9][0-9]*\) \(.*\), length \([0-9][0-9]*\).*$/\1|\2|\4|\3|\5|\6|\7/p' \
	    >"$work/$base.ours"
	# Our -v first line: the virtio header, when whole.
	"$prog" -# -n -t -v -r "$cap" 2>/dev/null |
	    sed -n 's/^ *\([0-9][0-9]*\)  VIRTIO (len \([0-9]*\), type \([^,]*\), op \([^,]*\), flags \[\([^]]*\)\], buf_alloc \([0-9]*\), fwd_cnt \([0-9]*\))$/\1|\2|\3|\4|\5|\6|\7/p' \
	    >"$work/$base.oursv"
	"$tshark" -n -r "$cap" -T fields -E separator='|' \
	    -e frame.number -e frame.len -e frame.cap_len \
	    -e vsock.src_cid -e vsock.dst_cid -e vsock.src_port \
	    -e vsock.dst_port -e vsock.op \
	    -e vsock.virtio.len -e vsock.virtio.type -e vsock.virtio.op \
	    -e vsock.virtio.flags -e vsock.virtio.buf_alloc \
	    -e vsock.virtio.fwd_cnt \
	    >"$work/$base.tshark" 2>/dev/null

	result=$(awk -F'|' -v name="$base" '
	function hexval(s,    i, c, v) {
		v = 0
		s = tolower(s)
		sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++) {
			c = index("0123456789abcdef", substr(s, i, 1)) - 1
			v = v * 16 + c
		}
		return v
	}
	function opnum(s) {
		if (s in ops) return ops[s]
		sub(/^op /, "", s)
		return s + 0
	}
	function flagnum(s,    n, parts, i, v) {
		if (s == "none") return 0
		n = split(s, parts, /, /)
		v = 0
		for (i = 1; i <= n; i++) {
			if (parts[i] == "RCV" || parts[i] == "EOM") v += 1
			else if (parts[i] == "SEND" || parts[i] == "EOR") v += 2
			else v += hexval(parts[i])
		}
		return v
	}
	function check(pkt, what, ours, theirs) {
		if (theirs == "") return
		fields++
		if (ours "" == theirs "") { agree++; return }
		printf("%s #%s %s: vsockdump %s, tshark %s\n", name, pkt, what, ours, theirs) > "/dev/stderr"
	}
	BEGIN {
		ops["UNKNOWN"] = 0; ops["CONNECT"] = 1; ops["DISCONNECT"] = 2
		ops["CONTROL"] = 3; ops["PAYLOAD"] = 4
		vops["INVALID"] = 0; vops["REQUEST"] = 1; vops["RESPONSE"] = 2
		vops["RST"] = 3; vops["SHUTDOWN"] = 4; vops["RW"] = 5
		vops["CREDIT UPDATE"] = 6; vops["CREDIT REQUEST"] = 7
		types["STREAM"] = 1; types["SEQPACKET"] = 2
	}
	FILENAME ~ /\.ours$/ { d[$1] = $0; next }
	FILENAME ~ /\.oursv$/ { v[$1] = $0; next }
	{
		# tshark: only whole packets, and a vsock line of ours to match.
		if ($3 != $2 || $4 == "") next
		if (!($1 in d)) {
			fields++
			printf("%s #%s: no vsockdump line\n", name, $1) > "/dev/stderr"
			next
		}
		split(d[$1], o, "|")
		check($1, "src_cid", o[2], $4)
		check($1, "dst_cid", o[3], $5)
		check($1, "src_port", o[4], $6)
		check($1, "dst_port", o[5], $7)
		check($1, "op", opnum(o[6]), $8)
		check($1, "length", o[7], $2)
		if (!($1 in v)) next
		split(v[$1], w, "|")
		check($1, "virtio len", w[2], $9)
		check($1, "virtio type", (w[3] in types) ? types[w[3]] : w[3], $10)
		check($1, "virtio op", (w[4] in vops) ? vops[w[4]] : w[4], $11)
		check($1, "virtio flags", flagnum(w[5]), $12 == "" ? "" : hexval($12))
		check($1, "buf_alloc", w[6], $13)
		check($1, "fwd_cnt", w[7], $14)
	}
	END { print agree + 0, fields + 0 }
	' "$work/$base.ours" "$work/$base.oursv" "$work/$base.tshark")
	# shellcheck disable=SC2086
	set -- $result
	echo "$base: $1/$2"
	total_agree=$((total_agree + $1))
	total_fields=$((total_fields + $2))
	if [ "$1" -eq "$2" ] && [ "$2" -gt 0 ]; then
		ok=$((ok + 1))
	else
		bad=$((bad + 1))
	fi
done

echo "tshark cross-check: $total_agree/$total_fields fields agree"
echo "$ok passed, $bad failed"
[ $bad -eq 0 ] && [ "$total_fields" -gt 0 ]
