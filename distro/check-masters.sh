#!/bin/bash
# Verify the git series for upstream master (patches/upstream/*-master/)
# on the master snapshots of $VSOCKDUMP_UPSTREAM_DIR (default
# ../shared/upstream beside the clone), as upstream's CI builds them:
#
#  libpcap  "git am" of the series on the snapshot; every commit built
#           on its own (autotools, upstream's developer warnings (.devel),
#           -Werror) with its test programs; on the last commit, libpcap's
#           own filter tests (testprogs/TESTrun, every test), ours
#           (tests/filter/run.sh, the qualifier sweep included) and a
#           CMake build (-Werror=dev, -Werror), then installed for
#           tcpdump.
#  tcpdump  "git am" of the series; every commit built on its own against
#           the patched libpcap (../libpcap, autotools, .devel, -Werror)
#           and the vsock test cases of that commit run (tcpdump's
#           tests/TESTLIST lines vsock-*, as tests/TESTrun runs them); on
#           the last commit, tcpdump's whole suite (make check), a CMake
#           build (-Werror=dev, -Werror) against the installed libpcap,
#           and our tests/TESTLIST through the patched tcpdump.
#  both     the last commits built again with Clang (.devel, -Werror).
#
# Each check prints a line; the last line is "N passed, N failed".
# usage: distro/check-masters.sh
# env:   VSOCKGEN (built tools/vsockgen, else compiled), JOBS (default nproc),
#        VSOCKDUMP_UPSTREAM_DIR; work trees in $VSOCKDUMP_DISTRO_CACHE/work/masters.
set -eu
. "$(dirname "$0")/common.sh"
. "$DISTRO_DIR/upstream-series.sh"
PATCH_DATE=$(tr -d ' \n' < "$DISTRO_DIR/PATCH_DATE")
JOBS=${JOBS:-$(nproc)}

ensure_packages git flex bison autoconf automake libtool pkg-config perl cmake make gcc
if [ -z "${VSOCKGEN:-}" ]; then
	VSOCKGEN=$WORKDIR/vsockgen
	cc -O2 -o "$VSOCKGEN" "$TOP_SRCDIR/tools/vsockgen.c" || die "cannot build vsockgen"
fi
# The checks change directory: an absolute path.
VSOCKGEN=$(cd "$(dirname "$VSOCKGEN")" && pwd)/$(basename "$VSOCKGEN")
export VSOCKGEN

W=$WORKDIR/masters
rm -rf "$W"
mkdir -p "$W"
passed=0
failed=0
t_start=$(now_s)
# ok|bad <message>: one check
ok() { echo "PASS: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
# check <message> <log> <command...>: a command that must succeed
check() {
	local msg=$1 logf=$2 t0
	shift 2
	t0=$(now_s)
	if "$@" > "$logf" 2>&1; then
		ok "$msg ($(( $(now_s) - t0 )) s)"
	else
		tail -n 25 "$logf"
		bad "$msg (see $logf)"
		return 1
	fi
}
finish() {
	echo "masters: $(( $(now_s) - t_start )) s"
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

# apply_series <pkg>: the snapshot as a git repository, with the series
# applied by "git am"; prints the commits of the series, oldest first
apply_series() {
	local pkg=$1 d=$TOP_SRCDIR/patches/upstream/$1-master
	[ -f "$d/BASE" ] || { bad "$pkg: no series in patches/upstream/$pkg-master"; return 1; }
	if [ "$(cut -d' ' -f1 "$d/BASE")" != "$(snapshot_commit "$pkg")" ]; then
		bad "$pkg: the series is made for $(cut -d' ' -f2- "$d/BASE"), the snapshot is $(basename "$(snapshot "$pkg")") (make patches)"
		return 1
	fi
	master_repo "$pkg" "$W/$pkg"
	check "$pkg: git am of $(ls "$d"/*.patch | wc -l) patches on $(basename "$(snapshot "$pkg")")" \
		"$W/$pkg-am.log" am_series "$W/$pkg" "$d"
}
am_series() { cd "$1" && ugit am --whitespace=nowarn "$2"/*.patch; }

# series_commits <pkg>: the commits of the series, oldest first
series_commits() {
	(cd "$W/$1" && git rev-list --reverse "$(git rev-list --max-parents=0 HEAD)"..HEAD)
}
# subject <pkg> <commit>
subject() { (cd "$W/$1" && git log -1 --format=%s "$2"); }

# changed <dir> <from> <to> <file...>: did the commits change one of the files
changed() {
	local d=$1 a=$2 b=$3
	shift 3
	! (cd "$d" && git diff --quiet "$a" "$b" -- "$@")
}

# checkout <pkg> <commit> <previous commit or ""> <configure option...>:
# that commit in the tree, configured again (with upstream's developer
# warnings: .devel) when it is the first or changes the build files
checkout() {
	local c=$2 prev=$3
	cd "$W/$1"
	git checkout -q "$c"
	shift 3
	if [ -z "$prev" ] || changed . "$prev" "$c" configure.ac Makefile.in aclocal.m4; then
		touch .devel
		./autogen.sh && ./configure "$@"
	fi
}

# --- libpcap ------------------------------------------------------------------
# build_libpcap <commit> <previous commit or "">: autotools, in the tree
build_libpcap() {
	checkout libpcap "$1" "$2" --disable-dbus --disable-rdma --prefix="$W/prefix" || return 1
	make -j"$JOBS" CFLAGS=-Werror && make -j"$JOBS" CFLAGS=-Werror testprogs
}

apply_series libpcap || finish
prev=
for c in $(series_commits libpcap); do
	check "libpcap: \"$(subject libpcap "$c")\" builds (autotools, .devel, -Werror, testprogs)" \
		"$W/libpcap-build-${c:0:8}.log" build_libpcap "$c" "$prev" || finish
	prev=$c
done
cd "$W/libpcap"
grep -q '^#define PCAP_SUPPORT_VSOCKMON 1' config.h && nm libpcap.a | grep -q ' T vsockmon_create$' &&
	ok "libpcap: the capture module is compiled in" || bad "libpcap: the capture module is not compiled in"
tr_log=$W/libpcap-TESTrun.log
t0=$(now_s)
(cd "$W/libpcap" && TESTRUN_JOBS=$JOBS timeout 1800 perl testprogs/TESTrun) > "$tr_log" 2>&1 || true
tr_fail=$(sed -n 's/^ *\([0-9][0-9]*\) tests failed$/\1/p' "$tr_log" | tail -n 1)
tr_pass=$(sed -n 's/^ *\([0-9][0-9]*\) tests passed$/\1/p' "$tr_log" | tail -n 1)
tr_skip=$(sed -n 's/^ *\([0-9][0-9]*\) tests skipped$/\1/p' "$tr_log" | tail -n 1)
if [ "${tr_fail:-x}" = 0 ] && [ -n "$tr_pass" ]; then
	ok "libpcap: testprogs/TESTrun: $tr_pass passed, ${tr_skip:-0} skipped, 0 failed ($(( $(now_s) - t0 )) s)"
else
	grep -A 20 'Failed tests' "$tr_log" | head -n 25
	bad "libpcap: testprogs/TESTrun: ${tr_pass:-?} passed, ${tr_fail:-?} failed (see $tr_log)"
fi
grep -E '^ +(vsock_|optimizer_)[A-Za-z0-9_]* *: passed' "$tr_log" | sed 's/^ */   /' | head -n 40 || true
# Our filter tests (tests/filter/run.sh): the compile and reject tests,
# the qualifier sweep (the same results as the 1.10 series and
# vsockdump's rewrite), the semantic tests against the reference
# evaluator and the comparison with vsockdump's rewrite.
t0=$(now_s)
if sh "$TOP_SRCDIR/tests/filter/run.sh" "$W/libpcap" > "$W/libpcap-filter.log" 2>&1; then
	ok "libpcap: tests/filter/run.sh: $(sed -n 's/^sweep: //p' "$W/libpcap-filter.log"); $(tail -n 1 "$W/libpcap-filter.log") ($(( $(now_s) - t0 )) s)"
else
	grep '^FAIL' "$W/libpcap-filter.log" | head -n 20
	bad "libpcap: tests/filter/run.sh: $(tail -n 1 "$W/libpcap-filter.log") (see $W/libpcap-filter.log)"
fi
check "libpcap: CMake build (-Werror=dev, EXTRA_CFLAGS=-Werror)" "$W/libpcap-cmake.log" \
	sh -c 'mkdir -p "$1/libpcap-cmake" && cd "$1/libpcap-cmake" &&
	       cmake -Werror=dev -DEXTRA_CFLAGS=-Werror -DDISABLE_DBUS=ON -DDISABLE_RDMA=ON "$1/libpcap" &&
	       make -j"$2" && grep -q "PCAP_SUPPORT_VSOCKMON 1" config.h' _ "$W" "$JOBS" || true
check "libpcap: make install (for tcpdump's CMake build)" "$W/libpcap-install.log" \
	make -C "$W/libpcap" install || true

# --- tcpdump ------------------------------------------------------------------
# build_tcpdump <commit> <previous commit or "">
build_tcpdump() {
	checkout tcpdump "$1" "$2" --quiet || return 1
	grep -q -- '\.\./libpcap' Makefile || { echo "not configured against ../libpcap"; return 1; }
	make -j"$JOBS" CFLAGS=-Werror
}

# vsock_tests: tcpdump's vsock test cases of the commit checked out, run
# as tests/TESTrun runs them; prints "N of M" and fails if any differs
vsock_tests() {
	local name input output opts n=0 m=0 t
	cd "$W/tcpdump"
	while read -r name input output opts; do
		case "$name" in vsock-*) ;; *) continue;; esac
		m=$((m + 1))
		case " $opts" in
		*" SPECIAL_t"*) opts=${opts/ SPECIAL_t/};;
		*) opts="-tttt $opts";;
		esac
		# shellcheck disable=SC2086
		TZ=GMT0 ./tcpdump -# -n -r "tests/$input" $opts > "$W/vt.out" 2>/dev/null
		if cmp -s "$W/vt.out" "tests/$output"; then n=$((n + 1)); else echo "differs: $name"; fi
	done < tests/TESTLIST
	echo "$n of $m vsock tests pass"
	[ "$n" = "$m" ] && [ "$m" -gt 0 ]
}

apply_series tcpdump || finish
prev=
for c in $(series_commits tcpdump); do
	subj=$(subject tcpdump "$c")
	check "tcpdump: \"$subj\" builds (autotools, .devel, -Werror, ../libpcap)" \
		"$W/tcpdump-build-${c:0:8}.log" build_tcpdump "$c" "$prev" || finish
	if vsock_tests > "$W/tcpdump-vsock-${c:0:8}.log" 2>&1; then
		ok "tcpdump: \"$subj\": $(tail -n 1 "$W/tcpdump-vsock-${c:0:8}.log")"
	else
		bad "tcpdump: \"$subj\": $(tail -n 1 "$W/tcpdump-vsock-${c:0:8}.log") (see $W/tcpdump-vsock-${c:0:8}.log)"
	fi
	prev=$c
done
t0=$(now_s)
(cd "$W/tcpdump" && timeout 1800 make check) > "$W/tcpdump-check.log" 2>&1 && mc=0 || mc=$?
res=$(grep -E '^ *[0-9]+ tests? (passed|failed|skipped)' "$W/tcpdump-check.log" | tr -s ' ' | tr '\n' ';')
if [ "$mc" = 0 ]; then
	ok "tcpdump: make check, the whole suite:$res ($(( $(now_s) - t0 )) s)"
else
	grep -A 20 'Failed tests' "$W/tcpdump-check.log" | head -n 25
	bad "tcpdump: make check:$res (see $W/tcpdump-check.log)"
fi
"$VSOCKGEN" -o "$W/session.pcap" "$TOP_SRCDIR/tests/captures/session.txt"
check "tcpdump: CMake build (-Werror=dev, EXTRA_CFLAGS=-Werror) against the installed libpcap, compiling 'vsock port 22'" \
	"$W/tcpdump-cmake.log" \
	sh -c 'mkdir -p "$1/tcpdump-cmake" && cd "$1/tcpdump-cmake" &&
	       cmake -Werror=dev -DEXTRA_CFLAGS=-Werror -DCMAKE_PREFIX_PATH="$1/prefix" "$1/tcpdump" &&
	       make -j"$2" &&
	       LD_LIBRARY_PATH="$1/prefix/lib" ./tcpdump -d -r "$1/session.pcap" "vsock port 22" &&
	       LD_LIBRARY_PATH="$1/prefix/lib" ./tcpdump -n -v -r "$1/session.pcap" | grep -q "flags \[none\]"' \
	       _ "$W" "$JOBS" || true
# No names for vsock addresses: without -n as with it.
if (cd "$W/tcpdump" && TZ=GMT0 ./tcpdump -# -v -r "$W/session.pcap" > "$W/without-n.out" 2>/dev/null &&
    TZ=GMT0 ./tcpdump -# -n -v -r "$W/session.pcap" > "$W/with-n.out" 2>/dev/null) &&
    [ -s "$W/with-n.out" ] && cmp -s "$W/with-n.out" "$W/without-n.out"; then
	ok "tcpdump: without -n, vsock addresses as numbers (the same output as with -n)"
else
	bad "tcpdump: without -n, the output differs from -n's ($W/with-n.out, $W/without-n.out)"
fi
mkdir -p "$W/ours"
(cd "$W/ours" && TCPDUMP=$W/tcpdump/tcpdump sh "$TOP_SRCDIR/tests/TESTrun") > "$W/ours.log" 2>&1 || true
res=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$W/ours.log" | tail -n 1)
case "$res" in
*" 0 failed"*) case "$res" in *skipped*) bad "our TESTLIST through the patched master tcpdump: $res";;
		*) ok "our TESTLIST through the patched master tcpdump: $res";; esac;;
*) grep ': failed' "$W/ours.log" | head -n 20; bad "our TESTLIST through the patched master tcpdump: ${res:-no result} (see $W/ours.log)";;
esac

# Clang, as upstream's CI builds with both compilers: the last commits of
# both, configured again with CC=clang (its developer warnings differ).
clang_build() {
	cd "$W/$1" && make distclean > /dev/null 2>&1
	shift
	CC=clang ./configure "$@" && make -j"$JOBS" CFLAGS=-Werror
}
if command -v clang > /dev/null; then
	check "libpcap: clang build of the last commit (.devel, -Werror)" "$W/libpcap-clang.log" \
		clang_build libpcap --disable-dbus --disable-rdma &&
	check "tcpdump: clang build of the last commit (.devel, -Werror, ../libpcap)" "$W/tcpdump-clang.log" \
		clang_build tcpdump --quiet || true
else
	echo "(no clang: the Clang builds are skipped)"
fi
finish
