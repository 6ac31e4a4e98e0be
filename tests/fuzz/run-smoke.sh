#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Fuzz smoke tier (CI): builds the harnesses with clang's libFuzzer and
# ASan+UBSan, replays the committed seed corpora, then fuzzes each
# harness for FUZZ_SECONDS (fuzz-names, whose parsers are small and
# fast, for NAMES_SECONDS, and not under AFL++, so that it adds about
# 20 s to the tier).  fuzz-filter (the filter compiler) needs a
# libpcap built from Debian's source package and our series
# (build-libpcap.sh, cached); when that fails it is one failed check
# and the other harnesses still run.  Any crash, sanitizer report, leak, timeout
# or out-of-memory is a failure; its reproducer is kept under WORKDIR.
# With afl-fuzz and afl-clang-fast installed it also builds the AFL++
# harnesses and runs each for AFL_SECONDS (0 skips that part).
#
# Usage:	sh tests/fuzz/run-smoke.sh
# Environment:
#	FUZZ_SECONDS	libFuzzer time per harness (default 60)
#	NAMES_SECONDS	libFuzzer time for fuzz-names (default 15)
#	AFL_SECONDS	afl-fuzz time per harness (default 20; 0: skip)
#	FUZZ_HARNESSES	the harnesses to build and run (default: all six)
#	WORKDIR		build and scratch directory (default ./fuzz-smoke)
#
# Ends with "N passed, N failed"; exits 1 if any check failed.

fuzzdir=$(cd "$(dirname "$0")" && pwd) || exit 2
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
NAMES_SECONDS=${NAMES_SECONDS:-15}
AFL_SECONDS=${AFL_SECONDS:-20}
WORKDIR=${WORKDIR:-fuzz-smoke}
harnesses=${FUZZ_HARNESSES:-"fuzz-printer fuzz-readfile fuzz-conv fuzz-decode fuzz-filter fuzz-names"}
# The harnesses on the system's libpcap (fuzz-filter is built apart).
plain=
for h in $harnesses; do
	[ "$h" = fuzz-filter ] || plain="$plain $h"
done

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

rm -rf "$WORKDIR"
mkdir -p "$WORKDIR/bin" "$WORKDIR/artifacts" || exit 2
WORKDIR=$(cd "$WORKDIR" && pwd)
# fuzz-filter's optimizer divergences that are not findings (see
# fuzz-filter.c, optimizer_divergence()).
FUZZ_FILTER_OPTIMIZER_LOG=$WORKDIR/filter-optimizer.log
export FUZZ_FILTER_OPTIMIZER_LOG

with_afl=no
if [ "$AFL_SECONDS" != 0 ] && command -v afl-fuzz >/dev/null 2>&1 &&
    command -v afl-clang-fast >/dev/null 2>&1; then
	with_afl=yes
fi

# shellcheck disable=SC2086
if [ -z "$plain" ] ||
    { sh "$fuzzdir/build.sh" "$WORKDIR/bin" libfuzzer $plain &&
    sh "$fuzzdir/build.sh" "$WORKDIR/bin" replay $plain; }; then
	ok "build (libFuzzer, replay)"
else
	ko "build (libFuzzer, replay)"
	echo "$pass passed, $fail failed"
	exit 1
fi
case " $harnesses " in
*" fuzz-filter "*)
	if sh "$fuzzdir/build.sh" "$WORKDIR/bin" libfuzzer fuzz-filter &&
	    sh "$fuzzdir/build.sh" "$WORKDIR/bin" replay fuzz-filter; then
		ok "build fuzz-filter (libFuzzer, replay; patched libpcap with ASan+UBSan)"
	else
		ko "build fuzz-filter (libFuzzer, replay; patched libpcap with ASan+UBSan)"
		harnesses=$plain
	fi
	;;
esac
afl_harnesses=
for h in $harnesses; do
	[ "$h" = fuzz-names ] || afl_harnesses="$afl_harnesses $h"
done
[ -n "$afl_harnesses" ] || with_afl=no
if [ $with_afl = yes ]; then
	# shellcheck disable=SC2086
	if sh "$fuzzdir/build.sh" "$WORKDIR/bin" afl $afl_harnesses; then
		ok "build (AFL++)"
	else
		ko "build (AFL++)"
		with_afl=no
	fi
else
	echo "(afl-fuzz or afl-clang-fast missing, AFL_SECONDS=0, or" \
	    "no harness for it: AFL++ part skipped)"
fi

ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

for h in $harnesses; do
	name=${h#fuzz-}
	seeds=$fuzzdir/corpus-$name

	# 1. Every seed, replayed without libFuzzer.
	if "$WORKDIR/bin/$h.replay" "$seeds"/* \
	    >"$WORKDIR/$h.replay.log" 2>&1; then
		ok "$h: replay of $(ls "$seeds" | wc -l) seeds"
	else
		ko "$h: replay of the seeds (see $WORKDIR/$h.replay.log)"
		tail -20 "$WORKDIR/$h.replay.log"
	fi

	# The libpcap optimizer bug this seed found (tests/hardening/
	# findings/libpcap-optimizer-repeated-tests.txt) is fixed by the
	# series' first patch: even strict, where any divergence between
	# the optimized and unoptimized programs fails, the seed passes.
	if [ "$h" = fuzz-filter ]; then
		if FUZZ_FILTER_STRICT=1 "$WORKDIR/bin/$h.replay" \
		    "$seeds/regression-libpcap-optimizer-repeated-tests" \
		    "$seeds/regression-portrange-optimizer" \
		    >"$WORKDIR/$h.strict.log" 2>&1; then
			ok "$h: FUZZ_FILTER_STRICT=1: the optimizer regression" \
			    "seeds pass (libpcap's optimizer fixed by the series)"
		else
			ko "$h: FUZZ_FILTER_STRICT=1: an optimizer regression" \
			    "seed fails (see $WORKDIR/$h.strict.log)"
		fi
	fi

	# 2. libFuzzer for FUZZ_SECONDS, new inputs into a scratch corpus.
	mkdir -p "$WORKDIR/corpus-$name"
	maxlen=70000
	dict=
	if [ "$h" = fuzz-filter ]; then
		maxlen=2048
		dict=-dict=$fuzzdir/filter.dict
	fi
	[ "$h" = fuzz-conv ] && maxlen=8192
	[ "$h" = fuzz-decode ] && maxlen=16384
	secs=$FUZZ_SECONDS
	if [ "$h" = fuzz-names ]; then
		maxlen=4096
		secs=$NAMES_SECONDS
	fi
	# shellcheck disable=SC2086
	"$WORKDIR/bin/$h" -max_total_time="$secs" \
	    -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
	    -max_len=$maxlen $dict \
	    -artifact_prefix="$WORKDIR/artifacts/$h-" \
	    "$WORKDIR/corpus-$name" "$seeds" >"$WORKDIR/$h.log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$WORKDIR/$h.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$WORKDIR/$h.log")
	cov=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|REDUCE|NEW|pulse)' \
	    "$WORKDIR/$h.log" | tail -1 |
	    sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([^ ]*\).*/cov \1, ft \2, corpus \3/p')
	found=$(ls "$WORKDIR/artifacts" | grep -c "^$h-")
	echo "$h: ${execs:-?} execs in ${secs}s (${rate:-?}/s), ${cov:-no coverage line}, $found findings"
	if [ "$h" = fuzz-filter ]; then
		echo "fuzz-filter: $(sed 's/^[^:]*: [^:]*: //' \
		    "$FUZZ_FILTER_OPTIMIZER_LOG" 2>/dev/null | sort -u |
		    wc -l) expressions with optimizer divergences logged," \
		    "not findings (libpcap's optimizer;" \
		    "$FUZZ_FILTER_OPTIMIZER_LOG)"
	fi
	if [ $status -eq 0 ] && [ "$found" -eq 0 ] && [ -n "$execs" ]; then
		ok "$h: libFuzzer ${secs}s"
	else
		ko "$h: libFuzzer ${secs}s (exit $status; log $WORKDIR/$h.log)"
		grep -E 'ERROR|SUMMARY|runtime error|ndo_error' "$WORKDIR/$h.log" |
		    head -10
		ls "$WORKDIR/artifacts"/"$h"-* 2>/dev/null |
		    sed 's/^/  reproducer: /'
	fi

	# 3. AFL++ for AFL_SECONDS (not fuzz-names, see the top).
	if [ $with_afl = no ] || [ "$h" = fuzz-names ]; then
		continue
	fi
	rm -rf "$WORKDIR/afl-$name"
	AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
	AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_QUIET=1 \
	ASAN_OPTIONS="$ASAN_OPTIONS:symbolize=0" \
	    afl-fuzz -V "$AFL_SECONDS" -m none -t 2000 -i "$seeds" \
	    -o "$WORKDIR/afl-$name" -- "$WORKDIR/bin/$h.afl" \
	    >"$WORKDIR/$h.afl.log" 2>&1
	status=$?
	st=$WORKDIR/afl-$name/default/fuzzer_stats
	if [ -f "$st" ]; then
		aexecs=$(sed -n 's/^execs_done *: *//p' "$st")
		edges=$(sed -n 's/^edges_found *: *//p' "$st")
		total=$(sed -n 's/^total_edges *: *//p' "$st")
		crashes=$(sed -n 's/^saved_crashes *: *//p' "$st")
		[ -n "$crashes" ] || crashes=$(sed -n 's/^unique_crashes *: *//p' "$st")
		hangs=$(sed -n 's/^saved_hangs *: *//p' "$st")
		[ -n "$hangs" ] || hangs=$(sed -n 's/^unique_hangs *: *//p' "$st")
		echo "$h (AFL++): $aexecs execs in ${AFL_SECONDS}s, edges $edges/$total, $crashes crashes, $hangs hangs"
		if [ "$crashes" = 0 ] && [ "$hangs" = 0 ] &&
		    [ "${aexecs:-0}" -gt 0 ]; then
			ok "$h: AFL++ ${AFL_SECONDS}s"
		else
			ko "$h: AFL++ ${AFL_SECONDS}s (inputs in $WORKDIR/afl-$name/default/crashes, hangs)"
		fi
	else
		ko "$h: AFL++ did not run (exit $status; log $WORKDIR/$h.afl.log)"
		tail -15 "$WORKDIR/$h.afl.log"
	fi
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
