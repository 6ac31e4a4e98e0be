#!/bin/bash
# build-series.sh: builds libwireshark and tshark from the upstream
# tarball that patches/wireshark/BASE names (Debian's source package)
# with the series applied, then checks the result:
#   build       cmake and ninja: libwireshark and tshark, every warning
#               of Wireshark's own build (its C flags) and -Werror on
#               packet-vsock.c
#   suite       Wireshark's own test suite, the vsock tests the series
#               adds (test/test.py suite_dissection.case_dissect_vsock)
#   captures    the Wireshark tier's checks (wireshark/tests/
#               check-capture.sh) with this tshark instead of the plugin:
#               fields, conversations, expert infos and follow against
#               vsockdump, and the hand-off
# It compiles some 2000 files, about 8 minutes on 2 cores: an opt-in
# tier of tools/check-all.sh (VSOCKDUMP_WIRESHARK_BUILD=1).
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage: wireshark/upstream/build-series.sh
# Environment: VSOCKDUMP, VSOCKGEN (built ones; default: built here),
#   WS_BUILD_DIR (default: $CACHE/work/wireshark-series-build; a tree
#   and build of the same base left there by an earlier run are reused),
#   JOBS (default: the number of processors), PROTO_CAPTURES (see
#   wireshark/tests/run.sh).
# Ends with "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../distro/common.sh
. "$top/distro/common.sh"
series=$top/patches/wireshark
W=${WS_BUILD_DIR:-$WORKDIR/wireshark-series-build}
jobs=${JOBS:-$(nproc)}
passed=0
failed=0
t0=$(now_s)

result() {
	if [ "$1" = 0 ]; then
		echo "PASS $2"
		passed=$((passed + 1))
	else
		echo "FAIL $2"
		failed=$((failed + 1))
	fi
}
finish() {
	echo "wireshark-upstream: $(($(now_s) - t0)) s"
	echo "$passed passed, $failed failed"
	exit $((failed > 0))
}

# What Wireshark's CMake needs for libwireshark and tshark (not the Qt
# GUI): a subset of the source package's Build-Depends.
ensure_packages cmake ninja-build flex bison perl python3 \
    libglib2.0-dev libgcrypt20-dev libc-ares-dev libpcap-dev libnghttp2-dev \
    zlib1g-dev gcc g++ git || { result 1 "build: packages"; finish; }

read -r version name sum <"$series/BASE"
if ! read -r tarball fetched < <("$top/wireshark/upstream/fetch-source.sh" "$version"); then
	result 1 "build: wireshark $version cannot be downloaded"
	finish
fi
# A tree of the same base from an earlier run is reset to the tarball's
# state and patched again: git rewrites only the files the series
# changes, so ninja rebuilds only those.
if [ -d "$W/src/.git" ] && cmp -s "$series/BASE" "$W/BASE"; then
	(cd "$W/src" && git am --abort >/dev/null 2>&1
	    git reset -q --hard "$(git rev-list --max-parents=0 HEAD)") || exit 2
	log "reusing the tree and build of $W"
else
	rm -rf "$W"
	mkdir -p "$W/src" "$W/build" || exit 2
	tar -xf "$tarball" -C "$W/src" --strip-components=1
	(cd "$W/src" && git -c init.defaultBranch=master init -q && git add -A &&
	    git -c user.name=build -c user.email=build@invalid commit -q -m upstream) || exit 2
	cp "$series/BASE" "$W/BASE"
fi
(cd "$W/src" && git -c user.name=build -c user.email=build@invalid am -q "$series"/*.patch) \
    >"$W/am.log" 2>&1
result $? "apply: $(ls "$series"/*.patch | wc -l) patches on wireshark $fetched"

t=$(now_s)
(cd "$W/build" && cmake -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBUILD_wireshark=OFF -DBUILD_logray=OFF -DENABLE_LUA=OFF -DENABLE_PLUGINS=OFF \
    -DBUILD_sharkd=OFF -DBUILD_rawshark=OFF -DBUILD_dumpcap=OFF \
    -DBUILD_text2pcap=OFF -DBUILD_mergecap=OFF -DBUILD_reordercap=OFF \
    -DBUILD_editcap=OFF -DBUILD_capinfos=OFF -DBUILD_captype=OFF \
    -DBUILD_randpkt=OFF -DBUILD_dftest=OFF -DBUILD_tfshark=OFF \
    -DBUILD_sdjournal=OFF -DBUILD_udpdump=OFF -DBUILD_sshdump=OFF \
    -DBUILD_ciscodump=OFF -DBUILD_androiddump=OFF -DBUILD_randpktdump=OFF \
    -DBUILD_dpauxmon=OFF -DBUILD_wifidump=OFF "$W/src" &&
    ninja -j"$jobs" tshark &&
    # packet-vsock.c once more, with Wireshark's flags and -Werror.
    cc_line=$(ninja -t commands tshark | grep ' -c .*/packet-vsock\.c$' | tail -n 1) &&
    [ -n "$cc_line" ] && eval "${cc_line/ -c / -Werror -c }") >"$W/build.log" 2>&1
rc=$?
result $rc "build: libwireshark and tshark of wireshark $fetched with the series, on $jobs cores: $(($(now_s) - t)) s"
[ $rc = 0 ] || { tail -n 30 "$W/build.log"; finish; }
tshark=$W/build/run/tshark

# Wireshark's own tests of the series, with its own runner (4.0's
# harness fails every test under pytest with Python 3.11, bookworm's).
(cd "$W/build" && /usr/bin/python3 "$W/src/test/test.py" --program-path "$W/build/run" \
    suite_dissection.case_dissect_vsock) >"$W/suite.log" 2>&1
rc=$?
result $rc "suite: suite_dissection.case_dissect_vsock: $(grep -E '^Ran [0-9]+ test' "$W/suite.log") $(tail -n 1 "$W/suite.log")"

# The tier's checks, with this tshark.
if [ -z "${VSOCKDUMP:-}" ] || [ -z "${VSOCKGEN:-}" ]; then
	mkdir -p "$W/vsockdump"
	(cd "$W/vsockdump" && "$top/configure" -q && make -s vsockdump tools/vsockgen) \
	    >"$W/vsockdump.log" 2>&1 || { result 1 "vsockdump build"; finish; }
	VSOCKDUMP=$W/vsockdump/vsockdump
	VSOCKGEN=$W/vsockdump/tools/vsockgen
fi
rm -rf "$W/check"
WORK=$W/check
WS_HOME=$W/check/home
RESULTS=$W/check/results
FOLLOW_HASH=$W/check/follow-hash
SRCDIR=$top
mkdir -p "$WS_HOME" "$WORK/caps" "$WORK/proto"
: >"$RESULTS"
cc -O2 -o "$FOLLOW_HASH" "$top/tests/live/follow-hash.c" || exit 2
for t in "$top"/tests/captures/*.txt; do
	"$VSOCKGEN" -o "$WORK/caps/$(basename "$t" .txt).pcap" "$t"
done
cp "$top"/tests/captures/*.pcap "$WORK/caps/"
for p in ssh http grpc; do
	src=${PROTO_CAPTURES:-$top/tests/captures}/linux61-proto-$p.pcap
	[ -f "$src" ] && cp "$src" "$WORK/proto/"
done
TSHARK=$tshark WS_DIRECT=1
export VSOCKDUMP VSOCKGEN WORK WS_HOME RESULTS FOLLOW_HASH SRCDIR TSHARK WS_DIRECT
for cap in "$WORK"/caps/*.pcap; do
	case $cap in */linux61-proto-*) continue ;; esac
	sh "$top/wireshark/tests/check-capture.sh" "$cap" >/dev/null
	case $cap in
	*/conv-*|*/linux61-*|*/session.pcap)
		sh "$top/wireshark/tests/check-capture.sh" "$cap" analysis >/dev/null ;;
	esac
done
sh "$top/wireshark/tests/check-handoff.sh" "$WORK/proto" >/dev/null
p=$(grep -c '^PASS' "$RESULTS")
f=$(grep -c '^FAIL' "$RESULTS")
grep '^FAIL' "$RESULTS" | head -n 10
result $((f > 0)) "captures: $p checks passed, $f failed with the built tshark"
finish
