#!/bin/sh
# check-robust.sh: tshark with the plugin on bad input: no crash, no
# dissector bug, no hang.
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage: check-robust.sh CAPTURE...
#   hostile     the malformed capture files of tests/hardening/hostile
#               (mkhostile.c writes them)
#   truncation  every capture cut to every length from 1 to 100 bytes and
#               to 128 and 200 (editcap -s), all prefixes in one file
#   fuzz        every capture with 2% of its bytes changed (editcap -E
#               0.02), FUZZ_ROUNDS seeds (default 3)
# Each file is read with -V, in one pass and in two, with the
# conversation, expert and follow statistics, under a time limit
# (TIMEOUT seconds, default 60), with WIRESHARK_ABORT_ON_DISSECTOR_BUG
# set: a run passes if tshark is not killed by a signal, does not time
# out and reports no dissector bug.  tshark may refuse a file it cannot
# read (exit status 2): that is not a crash.
# Environment: WS_HOME, WORK, RESULTS, SRCDIR (top of the tree), CC.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

timeout_s=${TIMEOUT:-60}
rounds=${FUZZ_ROUNDS:-3}
rob=$WORK/robust
rm -rf "$rob"
mkdir -p "$rob/hostile" "$rob/trunc" "$rob/fuzz"
chmod 755 "$rob" "$rob/hostile" "$rob/trunc" "$rob/fuzz"

# run_one FILE: 0 if tshark survived every way of reading FILE
run_one() {
	for two in "" -2; do
		WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 timeout "$timeout_s" \
		    sh -c '. "$1/lib.sh"; shift; ws_tshark "$@"' sh "$here" \
		    $two -n -V -r "$1" -z conv,vsock -z expert \
		    -z follow,vsock,raw,0 -z follow,vsock,ascii,1 \
		    >"$rob/out" 2>"$rob/err"
		rc=$?
		if [ "$rc" -ge 124 ]; then
			echo "$(basename "$1")${two:+ (-2)}: exit status $rc$( [ "$rc" = 124 ] && echo ' (timeout)'): $(tail -n 2 "$rob/err" | tr '\n' ' ')"
			return 1
		fi
		if grep -qi 'dissector bug' "$rob/out" "$rob/err"; then
			echo "$(basename "$1")${two:+ (-2)}: $(grep -i -m 1 'dissector bug' "$rob/out" "$rob/err")"
			return 1
		fi
	done
	return 0
}

# run_set NAME FILE...: one test for a set of files
run_set() {
	name=$1
	shift
	n=0
	bad=0
	: >"$rob/$name.log"
	for f in "$@"; do
		n=$((n + 1))
		run_one "$f" >>"$rob/$name.log" || bad=$((bad + 1))
	done
	if [ "$bad" -eq 0 ] && [ "$n" -gt 0 ]; then
		pass "robust $name: $n files, no crash, no dissector bug"
	else
		fail "robust $name: $bad of $n files: $(head -n 2 "$rob/$name.log" | tr '\n' ' ')"
	fi
}

# Hostile capture files
if ${CC:-cc} -O1 -o "$rob/mkhostile" "$SRCDIR/tests/hardening/hostile/mkhostile.c" \
    >"$rob/mkhostile.log" 2>&1 && "$rob/mkhostile" "$rob/hostile" >>"$rob/mkhostile.log" 2>&1; then
	chmod a+r "$rob"/hostile/*
	# shellcheck disable=SC2046
	run_set hostile $(ls "$rob"/hostile/*)
else
	fail "robust hostile: mkhostile failed: $(tail -n 2 "$rob/mkhostile.log" | tr '\n' ' ')"
fi

# Truncation: every prefix length of every packet, one file a capture
files=
for cap in "$@"; do
	b=$(basename "$cap")
	b=${b%.*}
	parts=
	s=1
	while [ "$s" -le 200 ]; do
		editcap -F pcapng -s "$s" "$cap" "$rob/trunc/$b.$s" 2>/dev/null && parts="$parts $rob/trunc/$b.$s"
		if [ "$s" -lt 100 ]; then s=$((s + 1)); elif [ "$s" = 100 ]; then s=128; else s=$((s + 72)); fi
	done
	# shellcheck disable=SC2086
	mergecap -a -w "$rob/trunc/$b.pcapng" $parts 2>/dev/null && files="$files $rob/trunc/$b.pcapng"
	# shellcheck disable=SC2086
	rm -f $parts
done
chmod a+r "$rob"/trunc/* 2>/dev/null
# shellcheck disable=SC2086
run_set truncation $files

# Fuzzing: random byte changes
files=
r=1
while [ "$r" -le "$rounds" ]; do
	for cap in "$@"; do
		b=$(basename "$cap")
		b=${b%.*}
		editcap -E 0.02 --seed "$r" "$cap" "$rob/fuzz/$b.$r.pcapng" 2>/dev/null &&
		    files="$files $rob/fuzz/$b.$r.pcapng"
	done
	r=$((r + 1))
done
chmod a+r "$rob"/fuzz/* 2>/dev/null
# shellcheck disable=SC2086
run_set fuzz $files
