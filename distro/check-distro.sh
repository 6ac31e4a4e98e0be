#!/bin/bash
# Verify the patch series on one Debian distribution's tcpdump and libpcap:
#   1. unpack the source packages (dpkg-source -x) twice: unpatched, patched;
#   2. patched: `quilt push -a` of patches/libpcap and patches/tcpdump
#      (fails on any fuzz or offset);
#   3. build libpcap, then tcpdump against it (tcpdump's configure finds the
#      sibling ../libpcap), both trees; in the patched tree, configure is
#      first regenerated with `autoreconf -fi` when the series changes
#      configure.ac (as Debian's dh_autoreconf does), and the capture module
#      must be compiled in (configure result, config.h, nm libpcap.a);
#   4. libpcap's own tests: make testprogs, then the ones that run
#      non-interactively (filtertest on a fixed set of filters and link
#      types, findalldevstest), results compared with the unpatched build;
#   5. tcpdump's own suite (make check) in both trees: all must pass in the
#      patched tree and nothing that passes unpatched may be skipped or fail;
#   6. our tests/TESTLIST through the patched tcpdump (TCPDUMP=... TESTrun);
#   7. stub fidelity: vsockdump's output for every TESTLIST case must be
#      byte-identical to the patched tcpdump's (needs VSOCKDUMP); and the
#      patched tcpdump prints every DLT_VSOCK capture of ours the same
#      without -n as with it (it has no names for vsock addresses);
#   8. the vsock filters: tests/filter/run.sh against the patched libpcap,
#      and `vsock port 22` compiled by filtertest and by the patched tcpdump
#      (-d -r) on VSOCK, LINUX_SLL and LINUX_SLL2 savefiles, then applied;
#   9. the capture module's API test (tests/module/vsockmon-api-test.c)
#      linked with the patched libpcap.a, the very one tcpdump uses (the
#      module has no test hooks: the test's stand-in.c, linked with
#      -Wl,--wrap=sendto, and mounts in the test's own namespaces stand in
#      for a kernel with vsockmon), as root, in network and mount
#      namespaces of its own; SKIPPED (and said so) when not root or the
#      kernel has no ifb devices.
#
# The patched build trees are left for other tools (tests/live) at
#   $VSOCKDUMP_DISTRO_CACHE/work/check-DIST/patched/libpcap   (libpcap.a)
#   $VSOCKDUMP_DISTRO_CACHE/work/check-DIST/patched/tcpdump   (tcpdump)
#
# usage: distro/check-distro.sh DIST          (bookworm, trixie or sid)
# env:   VSOCKDUMP  built vsockdump (default ./vsockdump, else $TOP_SRCDIR/vsockdump)
#        VSOCKGEN   built tools/vsockgen (default: next to VSOCKDUMP, else compiled)
#        JOBS       parallel make jobs (default nproc)
# Work trees: $VSOCKDUMP_DISTRO_CACHE/work/check-DIST/ (outside the clone).
# A package version that cannot be downloaded here is reported as UNAVAILABLE
# and replaced by the nearest available version of the same package, which
# the summary names.  Exit status 0 only if every check passed.
set -eu
. "$(dirname "$0")/common.sh"
# linktype_of
. "$(dirname "$0")/series-lib.sh"

DIST=${1:-}
[ -n "$DIST" ] && [ -n "$(dists_conf_lines "$DIST")" ] || { echo "usage: $0 bookworm|trixie|sid" >&2; exit 2; }
JOBS=${JOBS:-$(nproc)}

ensure_packages flex bison quilt dpkg-dev devscripts build-essential pkg-config perl \
	autoconf automake libtool iproute2 util-linux
"$DISTRO_DIR/fetch-upstream.sh" >"$CACHE/fetch-$DIST.log" 2>&1 || true
sed -n '/^Upstream source packages/,$p' "$CACHE/fetch-$DIST.log"
pkg_available bookworm tcpdump || die "bookworm tcpdump is not available: cannot verify anything"

W=$WORKDIR/check-$DIST
rm -rf "$W"
mkdir -p "$W"
SUMMARY=$W/summary.txt
: > "$SUMMARY"
sum() { printf '%s\n' "$*" | tee -a "$SUMMARY"; }
failures=0
bad() { sum "FAIL: $*"; failures=$((failures + 1)); }

# --- which versions ------------------------------------------------------------
# pick <pkg>: the configured version if available, else the nearest available
# one in dists.conf (later distributions first); sets VER_<pkg> and NOTE_<pkg>.
pick() {
	local pkg=$1 want d v found=
	want=$(pkg_version "$DIST" "$pkg")
	if pkg_available "$DIST" "$pkg"; then
		eval "VER_$pkg=\$want; NOTE_$pkg="
		return
	fi
	local order
	order=$(dists_conf_lines "" "$pkg" | awk -v d="$DIST" '
		{ n++; name[n] = $1; if ($1 == d) me = n }
		END { for (i = me + 1; i <= n; i++) print name[i]; for (i = me - 1; i >= 1; i--) print name[i] }')
	for d in $order; do
		if pkg_available "$d" "$pkg"; then found=$d; break; fi
	done
	[ -n "$found" ] || die "$pkg: no version available at all"
	v=$(pkg_version "$found" "$pkg")
	eval "VER_$pkg=\$v; NOTE_$pkg=\"UNAVAILABLE: $DIST's $pkg $want ($(pkg_status "$DIST" "$pkg" | cut -d: -f2- | sed 's/^ //')); verified with $found's $v instead\""
}
pick libpcap
pick tcpdump
sum "== check-distro $DIST: libpcap $VER_libpcap, tcpdump $VER_tcpdump"
[ -z "$NOTE_libpcap" ] || sum "   $NOTE_libpcap"
[ -z "$NOTE_tcpdump" ] || sum "   $NOTE_tcpdump"

# series_dir <pkg> <debver>: the variant series for that version, if any
series_dir() {
	if [ -f "$TOP_SRCDIR/patches/$1/$2/series" ]; then
		printf '%s\n' "$TOP_SRCDIR/patches/$1/$2"
	else
		printf '%s\n' "$TOP_SRCDIR/patches/$1"
	fi
}
has_patches() { grep -qv -e '^#' -e '^[[:space:]]*$' "$1/series" 2>/dev/null; }

# --- build dependencies, from the .dsc files -------------------------------------
builddeps() {
	local dsc=$1
	sed -n '/^Build-Depends:/,/^[^ ]/p' "$dsc" | sed '$d' | sed 's/^Build-Depends://' |
		tr ',' '\n' | sed 's/|.*//; s/([^)]*)//g; s/\[[^]]*\]//g; s/<[^>]*>//g; s/:any//' |
		awk 'NF { print $1 }' |
		sed 's/^debhelper-compat$/debhelper/' |
		while read -r p; do
			if apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]'; then echo "$p"; fi
		done
}
deps=$( { builddeps "$(dsc_path libpcap "$VER_libpcap")"; builddeps "$(dsc_path tcpdump "$VER_tcpdump")"; } | sort -u)
# shellcheck disable=SC2086
ensure_packages $deps

# --- unpack, patch, build ----------------------------------------------------------
# prepare <variant> (patched|unpatched)
prepare() {
	local var=$1 pkg ver sd log
	for pkg in libpcap tcpdump; do
		eval "ver=\$VER_$pkg"
		unpack_source "$pkg" "$ver" "$W/$var/$pkg"
		rm -rf "$W/$var/$pkg/.pc"
		[ "$var" = patched ] || continue
		sd=$(series_dir "$pkg" "$ver")
		if ! has_patches "$sd"; then
			sum "   $pkg: series ${sd#"$TOP_SRCDIR"/} is empty: nothing to apply"
			continue
		fi
		log=$W/quilt-$pkg.log
		if (cd "$W/$var/$pkg" && QUILT_PATCHES=$sd QUILT_PC=.pc $QUILT push -a) > "$log" 2>&1; then
			if grep -Ei 'fuzz|offset' "$log"; then
				bad "$pkg $ver: quilt push -a applied ${sd#"$TOP_SRCDIR"/} with fuzz or offset"
			else
				sum "   $pkg: quilt push -a ${sd#"$TOP_SRCDIR"/}: $(grep -c '^Applying patch' "$log") patches, no fuzz, no offset"
			fi
		else
			cat "$log"
			bad "$pkg $ver: quilt push -a ${sd#"$TOP_SRCDIR"/} failed"
			return 1
		fi
	done
}

# build <variant>: libpcap, testprogs, tcpdump; records times
build() {
	local var=$1 t0 t1 t2 t3 ta=
	t0=$(now_s)
	# The series changes configure.ac: regenerate configure (and config.h.in)
	# as dh_autoreconf does in Debian's build.
	if [ "$var" = patched ] && grep -q '^+++ b/configure.ac' "$(series_dir libpcap "$VER_libpcap")"/*.patch 2>/dev/null; then
		(cd "$W/$var/libpcap" && autoreconf -fi) > "$W/$var/libpcap-autoreconf.log" 2>&1 ||
			{ tail -n 30 "$W/$var/libpcap-autoreconf.log"; bad "$var libpcap autoreconf failed"; return 1; }
		ta=$(( $(now_s) - t0 ))
	fi
	(cd "$W/$var/libpcap" && ./configure --disable-dbus --disable-rdma > ../libpcap-configure.log 2>&1 &&
	 make -j"$JOBS" > ../libpcap-build.log 2>&1) ||
		{ tail -n 30 "$W/$var/libpcap-build.log" "$W/$var/libpcap-configure.log"; bad "$var libpcap build failed"; return 1; }
	t1=$(now_s)
	(cd "$W/$var/libpcap" && make -j"$JOBS" testprogs > ../libpcap-testprogs.log 2>&1) ||
		{ tail -n 30 "$W/$var/libpcap-testprogs.log"; bad "$var libpcap make testprogs failed"; return 1; }
	t2=$(now_s)
	(cd "$W/$var/tcpdump" && ./configure --quiet > ../tcpdump-configure.log 2>&1 &&
	 make -j"$JOBS" > ../tcpdump-build.log 2>&1) ||
		{ tail -n 30 "$W/$var/tcpdump-build.log" "$W/$var/tcpdump-configure.log"; bad "$var tcpdump build failed"; return 1; }
	t3=$(now_s)
	grep -q -- '\.\./libpcap' "$W/$var/tcpdump/Makefile" ||
		bad "$var tcpdump was not configured against ../libpcap"
	sum "   $var build: libpcap $((t1 - t0)) s${ta:+ (autoreconf $ta s)}, libpcap testprogs $((t2 - t1)) s, tcpdump $((t3 - t2)) s"
}

# module_check: the capture module is compiled into the patched libpcap and
# into the tcpdump linked with it
module_check() {
	local d=$W/patched/libpcap cres
	cres=$(sed -n 's/^checking whether we can compile the vsockmon support\.\.\. //p' "$W/patched/libpcap-configure.log")
	if [ "$cres" = yes ] && grep -q '^#define PCAP_SUPPORT_VSOCKMON 1' "$d/config.h" &&
	   nm "$d/libpcap.a" 2>/dev/null | grep -q ' T vsockmon_create$' &&
	   nm "$W/patched/tcpdump/tcpdump" 2>/dev/null | grep -q ' vsockmon_create$'; then
		sum "   capture module: configure says \"$cres\", PCAP_SUPPORT_VSOCKMON in config.h, vsockmon_create in libpcap.a and in tcpdump"
	else
		bad "capture module not compiled in (configure: \"${cres:-no result}\"; see $W/patched/libpcap-configure.log)"
	fi
}

# libpcap_tests <variant>: prints "name: result" lines to $W/<variant>/libpcap-tests.txt
libpcap_tests() {
	local var=$1 d=$W/$1/libpcap/testprogs out=$W/$1/libpcap-tests.txt dlt expr r
	: > "$out"
	for dlt in EN10MB LINUX_SLL LINUX_SLL2 VSOCK RAW; do
		for expr in "" "len > 100" "link[0] = 1" "ip" "port 22" "vsock" "tcp port 80 and not host 10.0.0.1"; do
			if r=$("$d/filtertest" -O "$dlt" "$expr" 2>&1); then
				echo "filtertest $dlt '$expr': passed $(printf '%s' "$r" | md5sum | cut -c1-8)"
			else
				echo "filtertest $dlt '$expr': error $(printf '%s' "$r" | tail -n 1)"
			fi
		done
	done >> "$out"
	if "$d/findalldevstest" > "$W/$var/findalldevstest.log" 2>&1; then
		echo "findalldevstest: passed" >> "$out"
	else
		echo "findalldevstest: failed" >> "$out"
	fi
	# libpcap's own test captures: malformed files must be rejected cleanly.
	local f
	for f in "$W/$var/libpcap"/tests/*.pcap "$W/$var/libpcap"/tests/*.pcapng; do
		[ -e "$f" ] || continue
		r=$("$W/$var/tcpdump/tcpdump" -n -r "$f" 2>&1 >/dev/null; echo "rc=$?")
		case "$r" in
		*rc=1) echo "read $(basename "$f"): passed (rejected: $(printf '%s' "$r" | head -n 1 | sed 's/.*: //'))";;
		*) echo "read $(basename "$f"): unexpected ($r)";;
		esac
	done >> "$out"
}

# tcpdump_check <variant>: make check; results to $W/<variant>/tcpdump-check.txt
tcpdump_check() {
	local var=$1 t0 t1
	t0=$(now_s)
	(cd "$W/$var/tcpdump" && timeout 1800 make check) > "$W/$var/tcpdump-check.log" 2>&1 || true
	t1=$(now_s)
	sed -nE 's/^ +([^ ]+) *: (passed|skipped|TEST FAILED).*/\1 \2/p' "$W/$var/tcpdump-check.log" |
		sed 's/TEST FAILED/failed/' | sort > "$W/$var/tcpdump-check.txt"
	echo $((t1 - t0)) > "$W/$var/tcpdump-check.time"
}
count() { awk -v r="$2" '$NF == r { n++ } END { print n + 0 }' "$1"; }

for var in unpatched patched; do
	prepare "$var" || { sum "RESULT $DIST: FAILED ($failures failures)"; exit 1; }
done
# Build both variants in parallel would halve wall time but skew timings;
# build them one after the other.
for var in unpatched patched; do
	build "$var" || { sum "RESULT $DIST: FAILED ($failures failures)"; exit 1; }
done
module_check

# --- libpcap's tests ------------------------------------------------------------------
for var in unpatched patched; do libpcap_tests "$var"; done
lt=$W/patched/libpcap-tests.txt
n=$(wc -l < "$lt"); np=$(grep -c ': passed' "$lt" || true)
sum "   libpcap tests (make testprogs; filtertest x$(grep -c '^filtertest' "$lt"), findalldevstest, $(grep -c '^read' "$lt") malformed captures): $n run, $np passed or compiled, $(grep -c ': error' "$lt" || true) filters rejected"
# The series changes exactly these results: "vsock" is a primitive now
# (compiled on VSOCK, LINUX_SLL and LINUX_SLL2, rejected with our message
# elsewhere) and plain "port" means the vsock port on DLT_VSOCK.  Every other
# line must be identical to the unpatched build's.
intended() { grep -E ${2:-} "^filtertest [A-Z0-9_]+ 'vsock'|^filtertest VSOCK 'port 22'" "$1" || true; }
if ! diff -u <(intended "$W/unpatched/libpcap-tests.txt" -v) <(intended "$lt" -v) > "$W/libpcap-tests.diff"; then
	cat "$W/libpcap-tests.diff"
	bad "libpcap tests: the patched results differ from the unpatched ones"
fi
nint=$(intended "$lt" | wc -l)
nok=$(intended "$lt" | grep -cE "^filtertest (VSOCK|LINUX_SLL|LINUX_SLL2) '.*': passed|^filtertest (EN10MB|RAW) 'vsock': error .*'vsock' supported only on" || true)
sum "   libpcap tests: $((n - nint)) results identical to the unpatched build; $nint changed as intended ('vsock' everywhere, 'port 22' on VSOCK), $nok of them right"
[ "$nok" = "$nint" ] || bad "libpcap tests: $((nint - nok)) of the intended changes are wrong: $(intended "$lt" | tr '\n' ';')"
if grep -q ': failed\|: unexpected' "$lt"; then bad "libpcap tests: $(grep ': failed\|: unexpected' "$lt" | tr '\n' ';')"; fi

# --- tcpdump's own suite -------------------------------------------------------------
for var in unpatched patched; do tcpdump_check "$var"; done
for var in unpatched patched; do
	r=$W/$var/tcpdump-check.txt
	sum "   tcpdump make check, $var: $(wc -l < "$r") run, $(count "$r" passed) passed, $(count "$r" skipped) skipped, $(count "$r" failed) failed ($(cat "$W/$var/tcpdump-check.time") s)"
done
if [ "$(count "$W/patched/tcpdump-check.txt" failed)" != 0 ]; then
	bad "tcpdump make check (patched): $(awk '$2 == "failed" { printf "%s ", $1 }' "$W/patched/tcpdump-check.txt")"
fi
[ -s "$W/patched/tcpdump-check.txt" ] || bad "tcpdump make check (patched): no results (see $W/patched/tcpdump-check.log)"
# Nothing that passes unpatched may be skipped, fail or vanish when patched.
lost=$(join -a 1 -e missing -o 1.1,1.2,2.2 "$W/unpatched/tcpdump-check.txt" "$W/patched/tcpdump-check.txt" |
	awk '$2 == "passed" && $3 != "passed" { printf "%s(%s) ", $1, $3 }')
[ -z "$lost" ] || bad "tests passing unpatched but not patched: $lost"
added=$(join -v 2 "$W/unpatched/tcpdump-check.txt" "$W/patched/tcpdump-check.txt" | wc -l)
sum "   tcpdump make check: $added tests added by the series; none lost${lost:+ (EXCEPT: $lost)}"

# --- our TESTLIST through the patched tcpdump ------------------------------------------
TCPDUMP_BIN=$W/patched/tcpdump/tcpdump
if [ -z "${VSOCKDUMP:-}" ]; then
	for c in ./vsockdump "$TOP_SRCDIR/vsockdump"; do [ -x "$c" ] && { VSOCKDUMP=$(cd "$(dirname "$c")" && pwd)/vsockdump; break; }; done
fi
if [ -z "${VSOCKGEN:-}" ]; then
	if [ -n "${VSOCKDUMP:-}" ] && [ -x "$(dirname "$VSOCKDUMP")/tools/vsockgen" ]; then
		VSOCKGEN=$(dirname "$VSOCKDUMP")/tools/vsockgen
	else
		VSOCKGEN=$WORKDIR/vsockgen
		cc -O2 -o "$VSOCKGEN" "$TOP_SRCDIR/tools/vsockgen.c"
	fi
fi
export VSOCKGEN
mkdir -p "$W/ours-tcpdump" "$W/ours-vsockdump"
(cd "$W/ours-tcpdump" && TCPDUMP=$TCPDUMP_BIN sh "$TOP_SRCDIR/tests/TESTrun") > "$W/ours-tcpdump.log" 2>&1 || true
res=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$W/ours-tcpdump.log" | tail -n 1)
sum "   our TESTLIST through the patched tcpdump: ${res:-no result line}"
case "$res" in
*" 0 failed"*) ;;
*) grep ': failed' "$W/ours-tcpdump.log" | head -n 20; bad "our TESTLIST through the patched tcpdump (see $W/ours-tcpdump.log)";;
esac
case "$res" in *skipped*) bad "our TESTLIST: tests were skipped (no network namespace?)";; esac

# --- stub fidelity ------------------------------------------------------------------------
if [ -n "${VSOCKDUMP:-}" ] && [ -x "$VSOCKDUMP" ]; then
	(cd "$W/ours-vsockdump" && TCPDUMP= TESTLISTS=TESTLIST VSOCKDUMP=$VSOCKDUMP sh "$TOP_SRCDIR/tests/TESTrun") > "$W/ours-vsockdump.log" 2>&1 || true
	ncases=$(find "$W/ours-tcpdump/tests/NEW" -type f ! -name '*.stderr' | wc -l)
	if diff -r "$W/ours-tcpdump/tests/NEW" "$W/ours-vsockdump/tests/NEW" > "$W/fidelity.diff"; then
		sum "   stub fidelity: $ncases of $ncases TESTLIST outputs (stdout and stderr) of vsockdump byte-identical to the patched tcpdump's"
	else
		ndiff=$(grep -c '^diff ' "$W/fidelity.diff" || true)
		head -n 40 "$W/fidelity.diff"
		bad "stub fidelity: $ndiff of $ncases outputs differ between vsockdump and the patched tcpdump (bug in netdissect-stubs; $W/fidelity.diff)"
	fi
else
	bad "stub fidelity not checked: no vsockdump binary (build it, or set VSOCKDUMP)"
fi

# --- tcpdump without -n ----------------------------------------------------------------------
# tcpdump has no names for vsock addresses: without -n it prints every
# DLT_VSOCK capture of ours exactly as with -n.
nsame=0 nall=0
for cap in "$W"/ours-tcpdump/tests/build/*.cap "$TOP_SRCDIR"/tests/captures/*.pcap; do
	[ "$(linktype_of "$cap")" = 271 ] || continue
	nall=$((nall + 1))
	TZ=GMT0 "$TCPDUMP_BIN" -# -n -v -r "$cap" > "$W/with-n.out" 2>/dev/null
	TZ=GMT0 "$TCPDUMP_BIN" -# -v -r "$cap" > "$W/without-n.out" 2>/dev/null
	if [ -s "$W/with-n.out" ] && cmp -s "$W/with-n.out" "$W/without-n.out"; then
		nsame=$((nsame + 1))
	else
		echo "differs without -n: $cap"
	fi
done
if [ "$nall" -gt 0 ] && [ "$nsame" = "$nall" ]; then
	sum "   tcpdump without -n: $nsame of $nall DLT_VSOCK captures printed as with -n (vsock addresses as numbers)"
else
	bad "tcpdump without -n: $nsame of $nall DLT_VSOCK captures printed as with -n"
fi

# --- the vsock filters ----------------------------------------------------------------------
t0=$(now_s)
CC=${CC:-cc} sh "$TOP_SRCDIR/tests/filter/run.sh" "$W/patched/libpcap" > "$W/filter-tests.log" 2>&1 && frc=0 || frc=$?
res=$(tail -n 1 "$W/filter-tests.log")
sum "   filter tests (tests/filter/run.sh, $(( $(now_s) - t0 )) s): $(grep '^compile and reject tests:' "$W/filter-tests.log" | sed 's/^compile and reject tests: //') compile/reject; $(sed -n 's/^semantic: \([0-9]*\/[0-9]*\) verdicts agree.*/\1/p' "$W/filter-tests.log") semantic verdicts agree; $(sed -n 's/^ranges: \([0-9]*\/[0-9]*\).*/\1/p' "$W/filter-tests.log") range verdicts; $(sed -n 's/^verifier: //p' "$W/filter-tests.log"); total: $res"
case "$frc:$res" in
0:*" 0 failed") ;;
*) grep '^FAIL' "$W/filter-tests.log" | head -n 20; bad "filter tests (see $W/filter-tests.log)";;
esac

# "vsock port 22" through filtertest and the patched tcpdump, on savefiles of
# each link type: the same program, and the filter selects packets.
mkdir -p "$W/savefiles"
"$VSOCKGEN" -o "$W/savefiles/sll.pcap" "$TOP_SRCDIR/tests/captures/sll.txt"
cp "$TOP_SRCDIR/tests/captures/linux61-loopback-stream-seqpacket.pcap" "$W/savefiles/vsock.pcap"
cp "$TOP_SRCDIR/tests/captures/linux61-loopback-any-sll2.pcap" "$W/savefiles/sll2.pcap"
ndl=0
for lt in VSOCK:vsock LINUX_SLL:sll LINUX_SLL2:sll2; do
	f=$W/savefiles/${lt#*:}.pcap
	"$W/patched/libpcap/testprogs/filtertest" -s 262144 "${lt%:*}" 'vsock port 22' > "$W/savefiles/${lt#*:}.filtertest" 2>&1 ||
		bad "filtertest ${lt%:*} 'vsock port 22' failed: $(tail -n 1 "$W/savefiles/${lt#*:}.filtertest")"
	"$TCPDUMP_BIN" -d -r "$f" 'vsock port 22' > "$W/savefiles/${lt#*:}.tcpdump-d" 2>/dev/null ||
		bad "tcpdump -d -r ${lt#*:}.pcap 'vsock port 22' failed"
	# the savefile's snaplen is in the final "ret"
	if cmp -s <(sed -E 's/ret +#[1-9][0-9]*$/ret #SNAPLEN/' "$W/savefiles/${lt#*:}.filtertest") \
	          <(sed -E 's/ret +#[1-9][0-9]*$/ret #SNAPLEN/' "$W/savefiles/${lt#*:}.tcpdump-d") &&
	   [ -s "$W/savefiles/${lt#*:}.tcpdump-d" ]; then
		ndl=$((ndl + 1))
	else
		bad "${lt%:*}: tcpdump -d and filtertest give different programs for 'vsock port 22'"
	fi
done
total=$("$TCPDUMP_BIN" -r "$W/savefiles/vsock.pcap" 2>/dev/null | wc -l)
nvs=$("$TCPDUMP_BIN" -r "$W/savefiles/vsock.pcap" vsock 2>/dev/null | wc -l)
nsp=$("$TCPDUMP_BIN" -n -v -r "$W/savefiles/vsock.pcap" 'vsock type seqpacket' 2>/dev/null | grep -c 'type SEQPACKET' || true)
nst=$("$TCPDUMP_BIN" -n -v -r "$W/savefiles/vsock.pcap" 'vsock type stream' 2>/dev/null | grep -c 'type STREAM' || true)
nsq=$("$TCPDUMP_BIN" -n -v -r "$W/savefiles/vsock.pcap" 2>/dev/null | grep -c 'type SEQPACKET' || true)
n2=$("$TCPDUMP_BIN" -r "$W/savefiles/sll2.pcap" 2>/dev/null | wc -l)
n2v=$("$TCPDUMP_BIN" -r "$W/savefiles/sll2.pcap" vsock 2>/dev/null | wc -l)
sum "   tcpdump -d 'vsock port 22' = filtertest on $ndl of 3 links (VSOCK, LINUX_SLL, LINUX_SLL2); on $(basename "$TOP_SRCDIR/tests/captures/linux61-loopback-stream-seqpacket.pcap"): 'vsock' $nvs of $total, 'vsock type seqpacket' $nsp (of $nsq SEQPACKET), 'vsock type stream' $nst; on the LINUX_SLL2 capture: 'vsock' $n2v of $n2"
if [ "$nvs" != "$total" ] || [ "$total" = 0 ] || [ "$nsp" != "$nsq" ] || [ "$nsp" = 0 ] ||
   [ $((nsp + nst)) -gt "$total" ] || [ "$n2v" = 0 ]; then
	bad "the patched tcpdump's vsock filters select the wrong packets"
fi

# --- the capture module's API test -----------------------------------------------------------
# It creates ifb stand-ins named vsockmon0..63: run it in a network (and
# mount) namespace of its own, with /sys remounted there, so that the host's
# devices are neither seen nor touched.
module_api_test() {
	local T=$W/module-test t0 t1 ok
	if [ "$(id -u)" != 0 ]; then sum "   module API test: SKIPPED (needs root)"; return; fi
	if ! unshare -nm sh -c 'ip link add vsmprobe0 type ifb' 2>/dev/null; then
		sum "   module API test: SKIPPED (no network namespace or no ifb devices here)"; return
	fi
	rm -rf "$T"
	mkdir -p "$T"
	t0=$(now_s)
	${CC:-cc} -g -O1 -I"$W/patched/libpcap" -I"$TOP_SRCDIR/tests/module" -o "$T/vsockmon-api-test" \
		"$TOP_SRCDIR/tests/module/vsockmon-api-test.c" "$TOP_SRCDIR/tests/module/stand-in.c" \
		"$W/patched/libpcap/libpcap.a" -Wl,--wrap=sendto -lpthread \
		$(sed -n 's/^LIBS[ 	]*=[ 	]*//p' "$W/patched/libpcap/Makefile") > "$T/build.log" 2>&1 ||
		{ tail -n 20 "$T/build.log"; bad "module API test: build failed"; return; }
	t1=$(now_s)
	(cd "$T" && timeout 300 unshare -nm sh -c 'mount -t sysfs sysfs /sys && ip link set lo up && exec ./vsockmon-api-test -r') > "$T/api-test.log" 2>&1 && ok=1 || ok=0
	res=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$T/api-test.log" | tail -n 1)
	sum "   module API test (build $((t1 - t0)) s, run $(( $(now_s) - t1 )) s, the shipped libpcap.a, own netns, ifb stand-ins): ${res:-no result line}"
	case "$ok:$res" in
	1:*" 0 failed") ;;
	*) grep -E '^FAIL' "$T/api-test.log" | head -n 20; bad "module API test (see $T/api-test.log)";;
	esac
}
module_api_test

if [ "$failures" = 0 ]; then
	sum "RESULT $DIST: PASSED${NOTE_libpcap:+ (libpcap substituted)}${NOTE_tcpdump:+ (tcpdump substituted)}"
	exit 0
fi
sum "RESULT $DIST: FAILED ($failures failures)"
exit 1
