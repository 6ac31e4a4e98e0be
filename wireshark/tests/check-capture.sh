#!/bin/sh
# check-capture.sh: what tshark with the plugin says of one capture,
# against vsockdump's decoding and analysis of it.
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage: check-capture.sh CAPTURE [analysis]
#   fields    tshark -T fields of every vsock field, packet by packet,
#             against vsockdump -e -vv (fields.awk)
# and with "analysis", for the captures of the connection analysis:
#   conv      tshark -z conv,vsock against vsockdump -z conv,vsock,json:
#             packets and bytes each way (conv.awk); and exactly, from the
#             fields: packets, bytes, RW packets, messages and records each
#             way, first and last packet, of every conversation
#   expert    tshark -z expert against vsockdump -z expert, note by note
#   follow    tshark -z follow,vsock,raw,N against vsockdump's, for every
#             conversation N: the bytes, FNV-1a hash and chunks each way,
#             as the live test's follow-hash reads them
# Environment (run.sh sets them): VSOCKDUMP, FOLLOW_HASH, WS_HOME, WORK,
# RESULTS, STALL_MS (stall threshold in ms, default 1000).
# Prints a "PASS name" or "FAIL name: why" line per check.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

cap=$1
base=$(basename "$cap")
base=${base%.*}
stall_ms=${STALL_MS:-1000}
out=$WORK/$base.$stall_ms
mkdir -p "$out"
stall_s=$(awk -v ms="$stall_ms" 'BEGIN { printf("%d.%03d", ms / 1000, ms % 1000) }')

vd() {
	TZ=GMT0 LC_ALL=C "$VSOCKDUMP" -n -r "$cap" --stall-threshold "$stall_s" "$@" 2>/dev/null
}

ts() {
	ws_tshark -n -r "$cap" -o "vsock.stall_threshold:$stall_ms" "$@" 2>"$out/tshark.err"
}

if [ "${2:-}" != analysis ]; then
	vd -# -t -e -vv >"$out/vsockdump.txt"
	ts -T fields -E separator='|' -E aggregator='~' \
	    -e frame.number -e vsock.src_cid -e vsock.dst_cid -e vsock.src_port \
	    -e vsock.dst_port -e vsock.op -e vsock.trans -e vsock.trans_len \
	    -e vsock.reserved -e vsock.len -e vsock.virtio.len -e vsock.virtio.type \
	    -e vsock.virtio.op -e vsock.virtio.flags -e vsock.virtio.buf_alloc \
	    -e vsock.virtio.fwd_cnt -e vsock.payload -e vsock.extra \
	    -e _ws.expert.message -e _ws.short -e _ws.malformed \
	    -e vsock.virtio.src_cid -e vsock.virtio.src_port -e vsock.virtio.src_prot \
	    -e vsock.virtio.dst_cid -e vsock.virtio.dst_port -e vsock.virtio.dst_prot \
	    >"$out/fields.txt"
	# shellcheck disable=SC2046
	set -- $(awk -v name="$base" -f "$here/fields.awk" "$out/vsockdump.txt" \
	    "$out/fields.txt" 2>"$out/fields.diff")
	if [ "${1:-0}" -eq "${2:-1}" ] && [ "${2:-0}" -gt 0 ]; then
		pass "fields $base: $1/$2 fields agree"
	else
		fail "fields $base: ${1:-0}/${2:-0} fields agree: $(head -n 3 "$out/fields.diff" | tr '\n' ' ')"
	fi
	exit 0
fi

name="$base (stall threshold $stall_ms ms)"

# Conversations: the table, then the exact figures from the fields.
vd -q -z conv,vsock,json >"$out/conv.json"
vd -q -z conv,vsock,json | awk -v mode=json -f "$here/conv.awk" | sort >"$out/conv.vsockdump"
ts -q -z conv,vsock | awk -v mode=table -f "$here/conv.awk" | sort >"$out/conv.tshark"
n=$(wc -l <"$out/conv.vsockdump")
if [ "$n" -gt 0 ] && cmp -s "$out/conv.vsockdump" "$out/conv.tshark"; then
	pass "conv $name: $n conversations, packets and bytes each way"
else
	fail "conv $name: $(diff "$out/conv.vsockdump" "$out/conv.tshark" | head -n 4 | tr '\n' ' ')"
fi
awk -v mode=jsonexact -f "$here/conv.awk" <"$out/conv.json" | sort >"$out/exact.vsockdump"
ts -T fields -E separator='|' -e vsock.stream -e vsock.src_cid -e vsock.src_port \
    -e vsock.dst_cid -e vsock.dst_port -e vsock.virtio.op -e vsock.virtio.type \
    -e vsock.virtio.flags -e vsock.payload_len -e frame.number |
    awk -v mode=fields -f "$here/conv.awk" | sort >"$out/exact.tshark"
if [ "$n" -gt 0 ] && cmp -s "$out/exact.vsockdump" "$out/exact.tshark"; then
	pass "conv-exact $name: $n conversations, figures each way"
else
	fail "conv-exact $name: $(diff "$out/exact.vsockdump" "$out/exact.tshark" | head -n 4 | tr '\n' ' ')"
fi

# Expert infos
vd -q -z expert | awk -v mode=vsockdump -f "$here/expert.awk" >"$out/expert.vsockdump"
ts -q -z expert | awk -v mode=tshark -f "$here/expert.awk" >"$out/expert.tshark"
if cmp -s "$out/expert.vsockdump" "$out/expert.tshark"; then
	pass "expert $name: $(awk '{ n += $2 } END { print n + 0 }' "$out/expert.vsockdump") notes in $(wc -l <"$out/expert.vsockdump") kinds"
else
	fail "expert $name: $(diff "$out/expert.vsockdump" "$out/expert.tshark" | head -n 4 | tr '\n' ' ')"
fi

# Follow: every conversation, in one run of each.
set --
i=0
while [ "$i" -lt "$n" ]; do
	set -- "$@" -z "follow,vsock,raw,$i"
	i=$((i + 1))
done
if [ "$n" -gt 0 ]; then
	vd -q "$@" >"$out/follow.vsockdump"
	ts -q "$@" >"$out/follow.tshark"
fi
# One follow-hash line a node a conversation, without the missing bytes
# (tshark's follow output has no line for them).  The blocks are told
# apart by the conversation number that ends their "Filter:" line
# (tshark prints them in the reverse order of the -z options).
hashes() {
	awk -v dir="$out" -v tag="$1" '
		/^Follow: vsock,raw$/ { head = $0; next }
		/^Filter: / { f = dir "/follow." tag "." $NF; print head > f }
		f != "" { print > f }' "$out/follow.$1"
	k=0
	while [ "$k" -lt "$n" ]; do
		if [ -f "$out/follow.$1.$k" ]; then
			"$FOLLOW_HASH" <"$out/follow.$1.$k" | sed "s/^/$k /; s/ missing=.*//"
		fi
		k=$((k + 1))
	done
}
if [ "$n" -gt 0 ]; then
	rm -f "$out"/follow.vsockdump.* "$out"/follow.tshark.*
	hashes vsockdump >"$out/hash.vsockdump"
	hashes tshark >"$out/hash.tshark"
fi
if [ "$n" -gt 0 ] && [ "$(wc -l <"$out/hash.vsockdump")" -eq $((2 * n)) ] &&
    cmp -s "$out/hash.vsockdump" "$out/hash.tshark"; then
	pass "follow $name: $n conversations, $(awk '{ sub(/bytes=/, "", $3); b += $3 } END { print b + 0 }' "$out/hash.vsockdump") bytes hashed"
else
	fail "follow $name: $(diff "$out/hash.vsockdump" "$out/hash.tshark" 2>&1 | head -n 4 | tr '\n' ' ')"
fi
