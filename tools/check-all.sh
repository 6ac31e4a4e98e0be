#!/bin/sh
# The whole test suite, from a fresh clone: installs what is needed, then
# runs every tier and ends with one line "N passed, N failed" that sums
# them.  Tiers:
#   werror   gcc -Wall -Wextra -Werror build, TESTLIST through vsockdump
#   asan     clang ASan+UBSan build (also -Werror), whole TESTLIST
#   tshark   our decoding of the well-formed captures agrees with tshark's
#   decoders the protocol decoders on the real protocol captures of
#            tests/captures: calls, errors, unanswered requests and
#            latencies per method as the programs' logs have them
#   wireshark  the vsock dissector as a plugin for the system's Wireshark,
#            installed in a new HOME: every field, the conversations, the
#            expert infos and Follow of tshark against vsockdump, the
#            hand-off to SSH/HTTP/gRPC, bad input, and the upstream series
#            (wireshark/tests/run.sh)
#   wireshark-upstream  opt-in (VSOCKDUMP_WIRESHARK_BUILD=1): libwireshark
#            and tshark built from Debian's source with the series, their
#            tests (wireshark/upstream/build-series.sh)
#   distcheck  make distcheck, offline (no network namespace)
#   truncation  every prefix of every test packet through the printer
#            (ASan+UBSan): a complete decode or " [|vsock]", never garbage
#   hostile  malformed capture files: clear error or clean skip
#   memcheck valgrind over every capture and option set: no error, no leak
#   options  tcpdump's options on files: -C/-G/-W rotation, -F, -V, -y,
#            -d/-dd/-ddd, -Z, and their messages on bad arguments
#   filter-stock  the vsock filter primitives on the system's libpcap
#            (vsockdump's rewrite): the semantic suite against its
#            reference evaluator, the reject tests with their messages
#   static   make vsockdump-static: no interpreter, no shared library, runs
#            in an empty root on the sample capture
#   deb      vsockdump's Debian package: dpkg-buildpackage (runs the
#            TESTLIST), lintian without error, apt-get install of the .deb,
#            the installed binary and man page used
#   distro   the quilt series is what "make patches" generates; it applies
#            to Debian's tcpdump and libpcap of bookworm, trixie and sid,
#            whose own test suites, our TESTLIST, the filter tests (with
#            the comparison of vsockdump's filter rewrite against the
#            patched libpcap's primitives on every packet), the capture
#            module's API test and the stub-fidelity check pass; the
#            bookworm .debs build and print our decoding (distro/README)
#   masters  the git series for tcpdump and libpcap master apply to
#            the snapshots of ../shared/upstream; every commit builds
#            with upstream's warnings and -Werror; libpcap's TESTrun,
#            tcpdump's make check and our TESTLIST pass on the last one;
#            CMake builds of both (distro/check-masters.sh)
#   write-errors  -w to a full file system, output to /dev/full or a
#            closed pipe, by vsockdump and the patched tcpdump: a message,
#            status 1, the file cut back to its last whole packet
#   fuzz     the printer, file-reading, tracker, decoder and
#            filter-compiler harnesses,
#            60 s each under libFuzzer (ASan+UBSan) and 20 s under
#            AFL++, and the names harness 15 s under libFuzzer: no
#            finding
#   live     Debian's 6.1 kernel under qemu: real vsock traffic captured
#            by stock and patched tcpdump, vsockdump on our libpcap and
#            the static vsockdump on Debian's own libpcap, on a real
#            vsockmon device; the capture module, vsockdump's own vsockmon
#            support and the filters checked (tests/live)
#   live-hostguest  that kernel as a host with vhost_vsock, a nested
#            guest on QEMU's vhost-vsock-pci: traffic both ways captured
#            on both sides at once (tests/live/hostguest)
# A tier that cannot build counts as one failure.  Each tier's result
# line ends with its duration.
#
# Cold by default: every download and build cache of the run (the distro
# sources, the kernel, the patched and fuzzing libpcap builds) starts
# empty, in a new HOME and XDG_CACHE_HOME under ${TMPDIR:-/tmp} that is
# removed at the end, so that a step that only works on a warm machine
# fails here as it would on a new one.  --warm keeps the caller's HOME
# and caches instead (faster when iterating).
#
# Usage: sh tools/check-all.sh [--warm]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

case "${1:-}" in
--warm)	warm=1 ;;
"")	warm=0 ;;
*)	echo "usage: sh tools/check-all.sh [--warm]" >&2; exit 2 ;;
esac

sh tools/install-deps.sh || exit 1
if [ ! -x configure ] || [ configure.ac -nt configure ] ||
   [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi >/dev/null 2>&1 || { echo "autoreconf failed"; exit 1; }
fi

if [ "$warm" = 0 ]; then
	cold_home=$(mktemp -d "${TMPDIR:-/tmp}/vsockdump-check.XXXXXX") ||
	    exit 1
	trap 'rm -rf "$cold_home"' EXIT
	trap 'exit 130' INT TERM
	HOME=$cold_home
	XDG_CACHE_HOME=$cold_home/.cache
	export HOME XDG_CACHE_HOME
	unset VSOCKDUMP_DISTRO_CACHE LIVE_CACHE LIVE_PATCHED_BUILD \
	    LIVE_DISTRO_SRC FUZZ_LIBPCAP_CACHE
	echo "cold run: empty HOME and caches in $cold_home"
else
	echo "warm run: caches of $HOME kept"
fi
distro_cache=${VSOCKDUMP_DISTRO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-distro}

passed=0
failed=0
jobs=$(nproc 2>/dev/null || echo 2)
t_all=$(date +%s)

# Seconds since tier_start was called.
tier_start() {
	t_tier=$(date +%s)
}
tier_time() {
	echo "($(($(date +%s) - t_tier)) s)"
}

# Add the "N passed, N failed" counts of a tier's log to the totals.
count() {
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$2: no result line (see $1) $(tier_time)"
		failed=$((failed + 1))
		return
	fi
	echo "$2: $line $(tier_time)"
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
	passed=$((passed + p))
	failed=$((failed + f))
}

# single NAME CMD...: a tier that is one test, passed or failed by its
# exit status.
single() {
	name=$1
	shift
	tier_start
	if "$@" >"build/$name.log" 2>&1; then
		echo "$name: passed $(tier_time)"
		passed=$((passed + 1))
	else
		echo "$name: FAILED (see build/$name.log) $(tier_time)"
		tail -n 20 "build/$name.log"
		failed=$((failed + 1))
	fi
}

# tier NAME LOG CMD...: a tier whose last line is "N passed, N failed".
tier() {
	name=$1
	log=$2
	shift 2
	tier_start
	"$@" >"$log" 2>&1
	grep -E ': failed|^FAIL' "$log" | head -n 20
	count "$log" "$name"
}

# build_and_check DIR CC CFLAGS: configure out of tree, build, make check.
build_and_check() {
	dir=build/$1
	tier_start
	mkdir -p "$dir"
	if ! (cd "$dir" && "$top/configure" -q CC="$2" CFLAGS="$3" &&
	      make -s -j"$jobs") >"build/$1-build.log" 2>&1; then
		echo "$1: build FAILED (see build/$1-build.log) $(tier_time)"
		tail -n 30 "build/$1-build.log"
		failed=$((failed + 1))
		return 1
	fi
	(cd "$dir" && make -s check) >"build/$1-check.log" 2>&1
	grep -E ': failed' "build/$1-check.log" | head -n 20
	count "build/$1-check.log" "$1"
}

mkdir -p build
build_and_check werror gcc "-O2 -g -Wall -Wextra -Werror"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    build_and_check asan clang \
    "-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra -Werror"
if [ -x build/werror/vsockdump ]; then
	tier tshark build/tshark.log env VSOCKDUMP=build/werror/vsockdump \
	    VSOCKGEN=build/werror/tools/vsockgen sh tests/tshark-crosscheck.sh
fi
# The protocol decoders on the real captures kept in tests/captures,
# against the programs' logs (the live tier checks fresh ones).
if [ -x build/werror/vsockdump ]; then
	tier decoders build/decoders.log \
	    env LIVE_HOST_VSOCKDUMP=build/werror/vsockdump \
	    sh tests/live/protocols/check-decoded.sh -p tests/captures/linux61-proto-
fi
if [ -x build/werror/vsockdump ]; then
	tier wireshark build/wireshark.log env WORKDIR="$top/build/wireshark.d" \
	    VSOCKDUMP="$top/build/werror/vsockdump" \
	    VSOCKGEN="$top/build/werror/tools/vsockgen" \
	    sh wireshark/tests/run.sh
	grep -E '^wireshark tier:' build/wireshark.log
fi
# Some 8 minutes on 2 cores with a cold cache (about 1975 compiled
# files), which would take the whole run too near CI's hour: opt-in.
if [ "${VSOCKDUMP_WIRESHARK_BUILD:-0}" = 1 ] && [ -x build/werror/vsockdump ]; then
	tier wireshark-upstream build/wireshark-upstream.log \
	    env VSOCKDUMP="$top/build/werror/vsockdump" \
	    VSOCKGEN="$top/build/werror/tools/vsockgen" \
	    bash wireshark/upstream/build-series.sh
else
	echo "wireshark-upstream: skipped (opt-in: VSOCKDUMP_WIRESHARK_BUILD=1)"
fi
# A release tarball is made from the tree alone: no network.
single distcheck sh -c "cd build/werror && unshare -n make -s distcheck"

tier truncation build/truncation.log \
    env WORKDIR=build/truncation-sweep.d sh tests/hardening/truncation-sweep.sh
tier hostile build/hostile.log \
    env WORKDIR=build/hostile.d sh tests/hardening/hostile.sh
tier memcheck build/memcheck.log \
    env WORKDIR=build/memcheck.d sh tests/hardening/memcheck.sh
tier options build/options.log env WORKDIR=build/options.d \
    VSOCKDUMP=build/werror/vsockdump sh tests/options/check-options.sh
tier filter-stock build/filter-stock.log \
    env VSOCKDUMP_BUILD="$top/build/werror" sh tests/filter/run-stock.sh
tier static build/static.log \
    env WORKDIR=build/static.d sh tests/package/check-static.sh build/werror
tier deb build/deb.log env WORKDIR=build/deb.d sh tests/package/check-deb.sh

if [ -x build/werror/vsockdump ]; then
	tier_start
	(cd build/werror && make -s check-distro-all) >build/distro.log 2>&1
	grep -E '^(RESULT|   UNAVAILABLE)' build/distro.log | sort -u
	count build/distro.log distro
fi
# The git series for upstream master on the snapshots of
# ../shared/upstream: git am, every commit built (-Werror), libpcap's
# filter tests, tcpdump's suite, CMake builds (distro/check-masters.sh).
tier masters build/masters.log env VSOCKGEN=build/werror/tools/vsockgen \
    VSOCKDUMP_BUILD="$top/build/werror" bash distro/check-masters.sh
# The patched tcpdump that the distro tier built (bookworm).
patched_tcpdump=$distro_cache/work/check-bookworm/patched/tcpdump/tcpdump
[ -x "$patched_tcpdump" ] || patched_tcpdump=
tier write-errors build/write-errors.log \
    env WORKDIR=build/write-errors.d VSOCKDUMP=build/werror/vsockdump \
    TCPDUMP="$patched_tcpdump" sh tests/hardening/write-errors.sh

# fuzz-filter lets through what is libpcap's own optimizer going wrong
# (tests/hardening/findings/libpcap-optimizer-repeated-tests.txt) and
# logs it; run-smoke.sh prints how many.
tier fuzz build/fuzz.log env WORKDIR=build/fuzz-smoke sh tests/fuzz/run-smoke.sh
grep -E 'optimizer divergences logged' build/fuzz.log
tier live build/live.log sh tests/live/run.sh
grep -E '^live: (timings|whole run)|^info cost: [a-z]+ +[0-9]+ |^info cost: (capture|VM) ' build/live.log
tier live-hostguest build/live-hostguest.log sh tests/live/run.sh --host-guest
grep -E '^hostguest: (host: timings|whole run)|^info (bulk|both sides)' \
    build/live-hostguest.log

echo "whole run: $(($(date +%s) - t_all)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
