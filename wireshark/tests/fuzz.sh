#!/bin/sh
# fuzz.sh: a fuzzing campaign of the vsock plugin, built with AddressSanitizer
# and UndefinedBehaviorSanitizer and loaded into the system's tshark:
# random byte changes (editcap -E) in the test captures and in random
# vsock traffic (vsockgen --random), read with -V in one pass and two,
# with the conversation, expert and follow statistics.
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage: sh wireshark/tests/fuzz.sh [SECONDS]   (default 300)
# Environment: VSOCKGEN (built tools/vsockgen; default: compiled here),
#   WORKDIR (default build/wireshark-fuzz.d), CC (default gcc).
# A finding is a run killed by a signal, a sanitizer report or a
# dissector bug; its input is kept in WORKDIR/findings.  Ends with the
# figures and "N passed, N failed" (one test: no finding).

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
duration=${1:-300}
WORKDIR=${WORKDIR:-$top/build/wireshark-fuzz.d}
CC=${CC:-gcc}
rm -rf "$WORKDIR"
mkdir -p "$WORKDIR/findings" || exit 2
WORKDIR=$(cd "$WORKDIR" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vsock-fuzz.XXXXXX") || exit 2
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
WS_HOME=$WORK/home
mkdir -p "$WS_HOME" "$WORK/in"
chmod 755 "$WS_HOME" "$WORK/in"
export WS_HOME WORK
. "$here/lib.sh"

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if ! make -s -f "$top/wireshark/plugin/Makefile" BUILDDIR="$WORK/plugin" CC="$CC" \
    CFLAGS="-O1 -g $san" LDFLAGS="$san" HOME="$WS_HOME" install >"$WORKDIR/build.log" 2>&1; then
	echo "plugin build failed (see $WORKDIR/build.log)"
	echo "0 passed, 1 failed"
	exit 1
fi
chmod -R a+rX "$WS_HOME"
preload="$($CC -print-file-name=libasan.so):$($CC -print-file-name=libubsan.so)"

if [ -z "${VSOCKGEN:-}" ]; then
	VSOCKGEN=$WORK/vsockgen
	cc -O2 -o "$VSOCKGEN" "$top/tools/vsockgen.c" || exit 2
fi
for t in "$top"/tests/captures/*.txt; do
	case $t in */conv-wrap.txt) continue ;; esac
	"$VSOCKGEN" -o "$WORK/in/$(basename "$t" .txt).pcap" "$t"
done
cp "$top"/tests/captures/*.pcap "$WORK/in/"
s=1
while [ "$s" -le 4 ]; do
	"$VSOCKGEN" --random 3000 --seed "$s" -o "$WORK/in/random-$s.pcap"
	s=$((s + 1))
done
chmod a+r "$WORK"/in/*
set -- "$WORK"/in/*.pcap
ncaps=$#

runs=0
files=0
findings=0
seed=0
t0=$(date +%s)
while [ $(($(date +%s) - t0)) -lt "$duration" ]; do
	seed=$((seed + 1))
	i=$((seed % ncaps + 1))
	eval "cap=\${$i}"
	# Error probabilities from 0.2% to 5% of the bytes.
	p=$(awk -v s="$seed" 'BEGIN { printf("%.3f", 0.002 * (1 + s % 25)) }')
	f=$WORK/fuzz.pcapng
	editcap -E "$p" --seed "$seed" "$cap" "$f" 2>/dev/null || continue
	chmod a+r "$f"
	files=$((files + 1))
	for two in "" -2; do
		runs=$((runs + 1))
		WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 LD_PRELOAD=$preload \
		ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		    timeout 120 sh -c '. "$1/lib.sh"; shift; ws_tshark "$@"' sh "$here" \
		    $two -n -V -r "$f" -z conv,vsock -z expert -z follow,vsock,raw,0 \
		    >/dev/null 2>"$WORK/err"
		rc=$?
		if [ "$rc" -ge 124 ] || grep -q -i -E 'AddressSanitizer|runtime error|dissector bug' "$WORK/err"; then
			findings=$((findings + 1))
			cp "$f" "$WORKDIR/findings/$(basename "$cap" .pcap)-E$p-seed$seed.pcapng"
			cp "$WORK/err" "$WORKDIR/findings/$(basename "$cap" .pcap)-E$p-seed$seed${two}.txt"
			echo "finding: $(basename "$cap") -E $p --seed $seed $two: exit $rc"
			head -n 5 "$WORK/err"
		fi
	done
done
secs=$(($(date +%s) - t0))
echo "fuzz: $ncaps captures, $files fuzzed files, $runs tshark runs (ASan+UBSan plugin) in $secs s, $findings findings"
if [ "$findings" -eq 0 ]; then
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed"
	exit 1
fi
