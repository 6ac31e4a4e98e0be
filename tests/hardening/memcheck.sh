#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Valgrind memcheck of vsockdump over every test capture (each
# tests/captures/*.txt built by tools/vsockgen, and the two real
# captures) with every option set tests/TESTLIST uses, run as TESTrun
# runs them (TZ=GMT0 vsockdump -# -n -r CAPTURE OPTIONS); then, for each
# capture, "-w FILE" (checked by reading FILE back), "-r -" from the
# standard input, and the whole connection analysis (--notes and every
# -z summary); then every case of tests/TESTLIST-vsockdump, through
# TESTrun.
# The analysis captures (conv-*) run with their own cases and the
# analysis set only; the decoders' captures (dec-*, linux61-proto-*)
# with their own cases and the option sets that change what the
# decoders do.  Each run must exit 0 with no memcheck error and
# no byte definitely or indirectly lost.
#
# vsockdump is built here with gcc -O1 -g (valgrind 3.19 cannot read the
# DWARF 5 that clang 14 writes), unless VSOCKDUMP names a program.
#
# Usage:	sh tests/hardening/memcheck.sh
# Environment:	VSOCKDUMP, CC (default gcc), WORKDIR (default ./memcheck.d)
#
# Ends with "N passed, N failed".

srcdir=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
CC=${CC:-gcc}
WORKDIR=${WORKDIR:-memcheck.d}

command -v valgrind >/dev/null 2>&1 ||
    { echo "memcheck.sh: valgrind not installed"; echo "0 passed, 1 failed"; exit 1; }

rm -rf "$WORKDIR"
mkdir -p "$WORKDIR/caps" "$WORKDIR/logs" || exit 2
WORKDIR=$(cd "$WORKDIR" && pwd)
libs=$(pkg-config --libs libpcap 2>/dev/null || echo -lpcap)

if [ -z "$VSOCKDUMP" ]; then
	# The project's own build, without optimizations that hide errors.
	mkdir -p "$WORKDIR/build"
	(cd "$WORKDIR/build" && "$srcdir/configure" -q CC="$CC" \
	    CFLAGS="-O1 -g -Wall" && make -s vsockdump) \
	    >"$WORKDIR/build.log" 2>&1 ||
	    { echo "memcheck.sh: build failed (see $WORKDIR/build.log)"
	      echo "0 passed, 1 failed"; exit 1; }
	VSOCKDUMP=$WORKDIR/build/vsockdump
fi
cc -O1 -o "$WORKDIR/vsockgen" "$srcdir/tools/vsockgen.c" ||
    { echo "memcheck.sh: vsockgen build failed"; echo "0 passed, 1 failed"; exit 1; }

for t in "$srcdir"/tests/captures/*.txt; do
	"$WORKDIR/vsockgen" -o "$WORKDIR/caps/$(basename "$t" .txt).cap" "$t" ||
	    { echo "memcheck.sh: vsockgen $t failed"; exit 1; }
done
cp "$srcdir"/tests/captures/*.pcap "$WORKDIR/caps/"

# The distinct option sets of TESTLIST (its fourth field onwards).
grep -v '^#' "$srcdir/tests/TESTLIST" | awk 'NF >= 3 {
	s = ""; for (i = 4; i <= NF; i++) s = s (i > 4 ? " " : "") $i
	if (!(s in seen)) { seen[s] = 1; print (s == "" ? "-" : s) }
}' >"$WORKDIR/optsets"

# The decoders' captures under what changes what the decoders do
# (verbosity, the rpc tables, --notes), not under the printer's every
# option set: their headers are the usual ones, and valgrind runs of
# their large payloads took most of the tier.
printf '%s\n' - -v -vv "-q -z rpc,vsock -z rpc,vsock,json --notes" \
    >"$WORKDIR/optsets-decode"

TZ=GMT0
export TZ
vg="valgrind -q --error-exitcode=99 --leak-check=full
	--errors-for-leak-kinds=definite,indirect
	--show-leak-kinds=definite,indirect --track-origins=yes"

pass=0
fail=0
n=0
slot=0
# run NAME CMD...: memcheck of one vsockdump run; stdin is the caller's.
run() {
	name=$1
	shift
	n=$((n + 1))
	log=$WORKDIR/logs/$slot-$n.log
	# shellcheck disable=SC2086
	$vg --log-file="$log" "$@" >"$WORKDIR/out$slot" 2>"$WORKDIR/err$slot"
	st=$?
	if [ $st -eq 0 ] && [ ! -s "$log" ]; then
		pass=$((pass + 1))
		return 0
	fi
	fail=$((fail + 1))
	echo "FAIL: $name: exit $st (memcheck log $log)"
	head -30 "$log"
	tail -3 "$WORKDIR/err$slot"
	return 1
}

analysis="--notes -z conv,vsock -z conv,vsock,json -z expert
	-z follow,vsock,hex,0 -z follow,vsock,raw,1"
# check_caps SLOT: the captures of that slot (every JOBS-th one), each
# under every option set; its counts go to slot-SLOT.count.  The slots
# run side by side, one a core.
check_caps() {
	slot=$1
	i=0
	for cap in "$WORKDIR"/caps/*; do
		i=$((i + 1))
		[ $(((i - 1) % jobs)) = "$slot" ] || continue
		c=$(basename "$cap")
		before=$fail
		# shellcheck disable=SC2086
		run "$c (analysis)" "$VSOCKDUMP" -# -n -r "$cap" $analysis </dev/null
		sets=$WORKDIR/optsets
		case $c in
		conv-*)
			[ $fail -eq $before ] && echo "PASS: $c (analysis)"
			continue
			;;
		dec-*|linux61-proto-*)
			sets=$WORKDIR/optsets-decode
			;;
		esac
		while read -r opts; do
			[ "$opts" = - ] && opts=
			# shellcheck disable=SC2086
			run "$c $opts" "$VSOCKDUMP" -# -n -r "$cap" $opts </dev/null
		done <"$sets"
		run "$c -w" "$VSOCKDUMP" -n -r "$cap" -w "$WORKDIR/w$slot.pcap" </dev/null &&
		    { "$VSOCKDUMP" -n -r "$WORKDIR/w$slot.pcap" >/dev/null 2>&1 ||
		    { echo "FAIL: $c -w: the written file cannot be read back";
		      pass=$((pass - 1)); fail=$((fail + 1)); }; }
		run "$c -w --print -v" "$VSOCKDUMP" -n -v --print -r "$cap" \
		    -w "$WORKDIR/w2-$slot.pcap" </dev/null
		run "$c -r -" "$VSOCKDUMP" -n -vv -r - <"$cap"
		[ $fail -eq $before ] && echo "PASS: $c ($(wc -l <"$sets") option sets, -w, -w --print, -r -, analysis)"
	done
	echo "$pass $fail" >"$WORKDIR/slot-$slot.count"
}
jobs=$(nproc 2>/dev/null || echo 1)
[ "$jobs" -gt 4 ] && jobs=4
s_=0
while [ "$s_" -lt "$jobs" ]; do
	check_caps "$s_" >"$WORKDIR/slot-$s_.out" 2>&1 &
	s_=$((s_ + 1))
done
wait
s_=0
while [ "$s_" -lt "$jobs" ]; do
	cat "$WORKDIR/slot-$s_.out"
	read -r p_ f_ <"$WORKDIR/slot-$s_.count" || { p_=0 f_=1; }
	pass=$((pass + p_))
	fail=$((fail + f_))
	s_=$((s_ + 1))
done
slot=main

# The cases of TESTLIST-vsockdump, run by TESTrun itself (so with its
# options and against its expected outputs) through valgrind: a memcheck
# error makes the run exit 99, which TESTrun's output check fails; any
# other line valgrind logs fails here.
mkdir -p "$WORKDIR/testrun" "$WORKDIR/logs/testrun" || exit 2
# ($vg on one line.)
# shellcheck disable=SC2086,SC2116
cat >"$WORKDIR/vsockdump-memcheck" <<EOF
#!/bin/sh
exec $(echo $vg) --log-file="$WORKDIR/logs/testrun/%p.log" "$VSOCKDUMP" "\$@"
EOF
chmod +x "$WORKDIR/vsockdump-memcheck"
(cd "$WORKDIR/testrun" && VSOCKDUMP=$WORKDIR/vsockdump-memcheck \
    VSOCKGEN=$WORKDIR/vsockgen TESTLISTS=TESTLIST-vsockdump \
    sh "$srcdir/tests/TESTrun") >"$WORKDIR/testrun.out" 2>&1 </dev/null
grep -v -e '^Running tests ' -e ': passed$' -e '^    stderr: ' \
    "$WORKDIR/testrun.out" | sed '$d'
# shellcheck disable=SC2046
set -- $(tail -n 1 "$WORKDIR/testrun.out")
case "$2 $4" in
"passed, failed"|"passed, failed,")
	pass=$((pass + $1))
	fail=$((fail + $3))
	[ "$3" -eq 0 ] && echo "PASS: TESTLIST-vsockdump ($1 cases)"
	;;
*)
	fail=$((fail + 1))
	echo "FAIL: TESTrun did not finish (see $WORKDIR/testrun.out)"
	;;
esac
# A case whose error made it exit 99 has failed above already: the
# logs count once, together.
logs=$(find "$WORKDIR/logs/testrun" -type f -size +0)
if [ -n "$logs" ]; then
	fail=$((fail + 1))
	echo "FAIL: TESTLIST-vsockdump: $(echo "$logs" | wc -l) memcheck logs not empty, the first:"
	head -30 "$(echo "$logs" | head -n 1)"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
