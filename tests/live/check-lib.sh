# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Shared by the checkers (sourced): counting and printing checks, and
# reading the stages' results.  The sourcing script sets verbose (0 or
# 1) and res (the result directory), and, for the readers of captures,
# flows (vsock-pcap-flows) and tmp (a scratch directory).

npass=0
nfail=0

# ck_exit: for a checker run on its own (not summed by check.sh): the
# line "N passed, N failed", and the exit status 1 if any failed.
ck_exit() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
	exit
}

# ck OK WORDS... [-- DETAIL...]: OK is a shell status (0 = pass); the
# words make the check's name, the detail is shown when it fails.
ck() {
	ok=$1
	shift
	name='' detail='' indetail=0
	for w in "$@"; do
		if [ "$indetail" = 0 ] && [ "$w" = -- ]; then
			indetail=1
		elif [ "$indetail" = 0 ]; then
			name="$name${name:+ }$w"
		else
			detail="$detail${detail:+ }$w"
		fi
	done
	if [ "$ok" -eq 0 ]; then
		npass=$((npass + 1))
		[ "$verbose" = 1 ] && echo "ok   $name"
	else
		nfail=$((nfail + 1))
		echo "FAIL $name${detail:+ ($detail)}"
	fi
	return 0
}

info() {
	echo "info $*"
}

# rcof NAME: the exit status recorded for NAME, or "missing".
rcof() {
	cat "$res/$1.rc" 2>/dev/null || echo missing
}

# failed_with NAME TEXT LABEL: command NAME exited non-zero, and its
# stderr contains TEXT.
failed_with() {
	r=$(rcof "$1")
	msg=$(grep -v '^$' "$res/$1.stderr" 2>/dev/null | head -n 3 |
	    tr '\n' ' ')
	[ "$r" != 0 ] && [ "$r" != missing ] &&
	    grep -qF -- "$2" "$res/$1.stderr" 2>/dev/null
	ck $? "$3: exits non-zero with a message naming '$2'" \
	    -- "status $r: $msg"
}

# links STEP: the vsockmon devices recorded at STEP.
links() {
	sed -n "s/^$1://p" "$res/links.txt" 2>/dev/null | head -n 1
}

# pkts PCAP: the packet lines of vsock-pcap-flows, without "n=".
pkts() {
	"$flows" "$1" 2>/dev/null | sed -n 's/^pkt n=[0-9]* //p'
}

# kprog FILE: the first non-empty kernel program in a sockfilter dump.
kprog() {
	awk '/^socket / { if (got) exit; n = 0; next }
	    { print; got = 1 }' "$1" 2>/dev/null
}

# The "N packets xxx" figures of a capture's stderr.
figure() {
	awk -v w="$2" '$2 ~ /^packets?$/ && $3 == w { print $1 }' \
	    "$res/$1.stderr" 2>/dev/null | tail -n 1
}

# dir_expect INJECTLOG: from live-helper's log of crafted frames, the
# "SRC DST" lines that -Q in, out and inout must capture, sorted, in
# $tmp/in.s, $tmp/out.s, $tmp/inout.s (CID 1 is the only local CID).
dir_expect() {
	rm -f "$tmp/in" "$tmp/out" "$tmp/inout"
	awk '{ s = $2; d = $3; c = $5; sub(/^src=/, "", s);
	    sub(/^dst=/, "", d); sub(/^sent=/, "", c);
	    split(s, a, "."); split(d, b, ".");
	    for (i = 0; i < c + 0; i++) {
		if (b[1] == "1") print s " " d > "'"$tmp"'/in"
		if (a[1] == "1") print s " " d > "'"$tmp"'/out"
		print s " " d > "'"$tmp"'/inout"
	    } }' "$1"
	touch "$tmp/in" "$tmp/out" "$tmp/inout"
	for _d in in out inout; do
		LC_ALL=C sort "$tmp/$_d" >"$tmp/$_d.s"
	done
}

# dir_got PCAP: its "SRC DST" lines, sorted, in $tmp/got.
dir_got() {
	pkts "$1" | awk '{ s = $3; d = $4; sub(/^src=/, "", s);
	    sub(/^dst=/, "", d); print s " " d }' | LC_ALL=C sort >"$tmp/got"
}
