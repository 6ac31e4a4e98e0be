#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# A longer fuzz campaign: the smoke tier's harnesses, each run by
# libFuzzer with -jobs/-workers for a while, optionally followed by
# AFL++, on a corpus kept between campaigns.  Each harness's figures are
# appended to CAMPAIGN_DIR/campaign.log, one line each:
#
#	DATE HARNESS engine=libfuzzer|afl rev=GIT-REV seconds=S workers=W
#	cpu_seconds=C execs=N cov=N ft=N corpus=N findings=N
#
# (cpu_seconds is the user+system time the fuzzer processes used, as the
# shell's "times" reports it for its children.)
#
# (cov and ft are libFuzzer's edge and feature counts for the whole
# corpus after the run, from a -runs=0 pass over it; for AFL++, cov is
# edges_found).  Findings are kept in CAMPAIGN_DIR/artifacts (libFuzzer)
# and CAMPAIGN_DIR/afl-NAME/*/crashes, hangs (AFL++).
#
# Usage:	sh tests/fuzz/run-campaign.sh [HARNESS...]
#		(default: fuzz-printer fuzz-readfile fuzz-conv fuzz-filter
#		fuzz-decode fuzz-names)
# Environment:
#	CAMPAIGN_DIR	corpora, builds, logs (default ./fuzz-campaign)
#	WORKERS		parallel libFuzzer processes (default 1)
#	PRINTER_SECONDS	wall time for fuzz-printer (default 3600)
#	SECONDS_EACH	wall time for each other harness (default 1800)
#	AFL_SECONDS	afl-fuzz wall time per harness after libFuzzer
#			(default 0: no AFL++ run)
#
# The issue asks for 1 CPU-hour of fuzz-printer and 30 CPU-minutes of
# each other harness: seconds x WORKERS of wall time, on cores left to
# the fuzzers, give about that; cpu_seconds says what they got.
# fuzz-filter's optimizer divergences that are not findings (see
# fuzz-filter.c) are logged in CAMPAIGN_DIR/filter-optimizer.log.  Ends with
# "N passed, N failed" (a harness fails if it had any finding).

fuzzdir=$(cd "$(dirname "$0")" && pwd) || exit 2
CAMPAIGN_DIR=${CAMPAIGN_DIR:-fuzz-campaign}
WORKERS=${WORKERS:-1}
PRINTER_SECONDS=${PRINTER_SECONDS:-3600}
SECONDS_EACH=${SECONDS_EACH:-1800}
AFL_SECONDS=${AFL_SECONDS:-0}
harnesses=${*:-fuzz-printer fuzz-readfile fuzz-conv fuzz-filter fuzz-decode fuzz-names}

mkdir -p "$CAMPAIGN_DIR/bin" "$CAMPAIGN_DIR/artifacts" || exit 2
CAMPAIGN_DIR=$(cd "$CAMPAIGN_DIR" && pwd)
log=$CAMPAIGN_DIR/campaign.log
rev=$(git -C "$fuzzdir" describe --always --dirty 2>/dev/null || echo unknown)

kinds="libfuzzer"
[ "$AFL_SECONDS" != 0 ] && kinds="libfuzzer afl"
for k in $kinds; do
	# shellcheck disable=SC2086
	sh "$fuzzdir/build.sh" "$CAMPAIGN_DIR/bin" "$k" $harnesses || exit 1
done

FUZZ_FILTER_OPTIMIZER_LOG=${FUZZ_FILTER_OPTIMIZER_LOG:-$CAMPAIGN_DIR/filter-optimizer.log}
export FUZZ_FILTER_OPTIMIZER_LOG
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

pass=0
fail=0
for h in $harnesses; do
	name=${h#fuzz-}
	secs=$SECONDS_EACH
	[ "$h" = fuzz-printer ] && secs=$PRINTER_SECONDS
	corpus=$CAMPAIGN_DIR/corpus-$name
	jobdir=$CAMPAIGN_DIR/jobs-$name
	maxlen=70000
	dict=
	if [ "$h" = fuzz-filter ]; then
		maxlen=2048
		dict=-dict=$fuzzdir/filter.dict
	fi
	[ "$h" = fuzz-conv ] && maxlen=8192
	[ "$h" = fuzz-decode ] && maxlen=16384
	[ "$h" = fuzz-names ] && maxlen=4096
	mkdir -p "$corpus"
	rm -rf "$jobdir"
	mkdir -p "$jobdir"
	before=$(ls "$CAMPAIGN_DIR/artifacts" | grep -c "^$h-")

	echo "$h: libFuzzer, $WORKERS worker(s), ${secs}s"
	# "times" in the subshell: the CPU time its children (the fuzzers)
	# used, the figure the campaign is measured by.
	(cd "$jobdir" && "$CAMPAIGN_DIR/bin/$h" -jobs="$WORKERS" \
	    -workers="$WORKERS" -max_total_time="$secs" \
	    -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
	    -max_len=$maxlen $dict -use_value_profile=1 \
	    -artifact_prefix="$CAMPAIGN_DIR/artifacts/$h-" \
	    "$corpus" "$fuzzdir/corpus-$name" >"$jobdir/main.log" 2>&1
	    times >"$jobdir/times")
	cpu=$(sed -n 2p "$jobdir/times" | awk '{
	    n = 0
	    for (i = 1; i <= 2; i++) {
		split($i, t, "m"); sub("s", "", t[2]); n += t[1] * 60 + t[2]
	    }
	    printf "%d", n }')
	execs=0
	for l in "$jobdir"/fuzz-*.log; do
		[ -f "$l" ] || continue
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$l")
		execs=$((execs + ${n:-0}))
	done
	# Coverage of the whole corpus, as one pass over it.
	"$CAMPAIGN_DIR/bin/$h" -runs=0 -max_len=$maxlen "$corpus" \
	    >"$jobdir/coverage.log" 2>&1
	line=$(grep -E '^#[0-9]+[[:space:]]+INITED' "$jobdir/coverage.log" |
	    tail -1)
	cov=$(echo "$line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	ncorp=$(ls "$corpus" | wc -l)
	after=$(ls "$CAMPAIGN_DIR/artifacts" | grep -c "^$h-")
	found=$((after - before))
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $h engine=libfuzzer rev=$rev" \
	    "seconds=$secs workers=$WORKERS cpu_seconds=${cpu:-?}" \
	    "execs=$execs cov=${cov:-?} ft=${ft:-?} corpus=$ncorp" \
	    "findings=$found" | tee -a "$log"

	if [ "$AFL_SECONDS" != 0 ]; then
		echo "$h: AFL++, ${AFL_SECONDS}s"
		AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
		AFL_NO_AFFINITY=1 AFL_NO_UI=1 \
		ASAN_OPTIONS="$ASAN_OPTIONS:symbolize=0" \
		    afl-fuzz -V "$AFL_SECONDS" -m none -t 2000 \
		    -i "$fuzzdir/corpus-$name" -o "$CAMPAIGN_DIR/afl-$name" \
		    -- "$CAMPAIGN_DIR/bin/$h.afl" \
		    >"$CAMPAIGN_DIR/$h.afl.log" 2>&1
		st=$CAMPAIGN_DIR/afl-$name/default/fuzzer_stats
		aexecs=$(sed -n 's/^execs_done *: *//p' "$st" 2>/dev/null)
		edges=$(sed -n 's/^edges_found *: *//p' "$st" 2>/dev/null)
		crashes=$(sed -n 's/^saved_crashes *: *//p' "$st" 2>/dev/null)
		hangs=$(sed -n 's/^saved_hangs *: *//p' "$st" 2>/dev/null)
		echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $h engine=afl rev=$rev" \
		    "seconds=$AFL_SECONDS workers=1" \
		    "cpu_seconds=$AFL_SECONDS execs=${aexecs:-0}" \
		    "cov=${edges:-?} ft=- corpus=-" \
		    "findings=$((${crashes:-0} + ${hangs:-0}))" | tee -a "$log"
		[ "${crashes:-0}" = 0 ] && [ "${hangs:-0}" = 0 ] &&
		    [ "${aexecs:-0}" -gt 0 ] || found=$((found + 1))
	fi

	if [ "$found" -eq 0 ]; then
		pass=$((pass + 1))
		echo "PASS: $h"
	else
		fail=$((fail + 1))
		echo "FAIL: $h: $found finding(s); see $CAMPAIGN_DIR/artifacts"
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
