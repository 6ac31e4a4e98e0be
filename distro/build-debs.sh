#!/bin/bash
# Build Debian binary packages of libpcap and tcpdump carrying our series,
# for one distribution (default bookworm, the one this machine runs), and
# check that the packaged tcpdump prints our decoding:
#   - dpkg-source -x the source packages;
#   - copy patches/<pkg>/*.patch to debian/patches/vsockdump-*.patch and
#     append them to debian/patches/series (dpkg-source applies them);
#   - add a debian/changelog entry with the local version suffix +vsockdump1;
#   - apt-get build-dep, then dpkg-buildpackage -b -uc -us (this also runs
#     tcpdump's test suite, ours included, through dh_auto_test);
#   - dpkg-deb -x the .debs (no system install) and run the packaged tcpdump
#     on tests/captures/linux61-loopback-stream-seqpacket.pcap with
#     LD_LIBRARY_PATH at the packaged libpcap;
#   - check that the packaged libpcap carries the capture module (configure
#     result in the build log, vsockmon_create in libpcap.a of
#     libpcap0.8-dev, its device description in libpcap.so) and the vsock
#     filters (the packaged tcpdump -d -r on a DLT_VSOCK savefile compiles
#     'vsock port 22', and 'vsock type seqpacket' selects the SEQPACKET
#     packets of the sample).  Debian's build runs dh_autoreconf, so the
#     configure.ac hunk takes effect there.
#
# usage: distro/build-debs.sh [DIST]
# Work trees: $VSOCKDUMP_DISTRO_CACHE/work/debs-DIST/ (outside the clone),
# or /var/tmp/vsockdump-distro/debs-DIST/ when run as root with the cache
# under a directory the tcpdump user cannot enter (see below).
set -eu
. "$(dirname "$0")/common.sh"

DIST=${1:-bookworm}
SUFFIX=+vsockdump1
SAMPLE=$TOP_SRCDIR/tests/captures/linux61-loopback-stream-seqpacket.pcap
JOBS=${JOBS:-$(nproc)}

ensure_packages dpkg-dev devscripts build-essential quilt fakeroot
"$DISTRO_DIR/fetch-upstream.sh" "$DIST" > "$CACHE/fetch-debs-$DIST.log" 2>&1 || true
for pkg in libpcap tcpdump; do
	pkg_available "$DIST" "$pkg" ||
		die "$DIST $pkg $(pkg_version "$DIST" "$pkg") is UNAVAILABLE: $(pkg_status "$DIST" "$pkg")"
done

# Debian's tcpdump is configured --with-user=tcpdump: run as root (as here),
# it drops to that user, and dh_auto_test's crypto tests (esp*, ikev2*,
# isakmp4) then cannot read their secrets files unless that user can reach
# the build tree.  A cache under /root cannot be reached: build under
# /var/tmp then (VSOCKDUMP_DEBS_DIR overrides).
DEBS_BASE=${VSOCKDUMP_DEBS_DIR:-$WORKDIR}
if [ -z "${VSOCKDUMP_DEBS_DIR:-}" ] && [ "$(id -u)" = 0 ] && id tcpdump >/dev/null 2>&1; then
	mkdir -p "$WORKDIR"
	if ! runuser -u tcpdump -- test -x "$WORKDIR" 2>/dev/null; then
		DEBS_BASE=/var/tmp/vsockdump-distro
		log "user tcpdump cannot reach $WORKDIR: building the packages in $DEBS_BASE"
	fi
fi
W=$DEBS_BASE/debs-$DIST
rm -rf "$W"
mkdir -p "$W/root"
chmod 755 "$DEBS_BASE" "$W"
SUMMARY=$WORKDIR/debs-$DIST.summary.txt
: > "$SUMMARY"
sum() { printf '%s\n' "$*" | tee -a "$SUMMARY"; }
die() { sum "RESULT debs $DIST: FAILED ($*)"; exit 1; }
sum "== build-debs $DIST (in $W)"

export DEBFULLNAME="vsockdump distro build" DEBEMAIL="vsockdump@localhost"
for pkg in libpcap tcpdump; do
	ver=$(pkg_version "$DIST" "$pkg")
	# Each package in a directory of its own: tcpdump's configure would
	# otherwise find a sibling libpcap-X.Y tree and link it statically.
	src=$W/$pkg/$pkg-$(upstream_version "$ver")
	unpack_source "$pkg" "$ver" "$src"
	sd=$TOP_SRCDIR/patches/$pkg
	[ -f "$sd/$ver/series" ] && sd=$sd/$ver
	n=0
	while read -r p; do
		case "$p" in ''|'#'*) continue;; esac
		cp "$sd/$p" "$src/debian/patches/vsockdump-$p"
		echo "vsockdump-$p" >> "$src/debian/patches/series"
		n=$((n + 1))
	done < "$sd/series"
	(cd "$src" && dch --newversion "$ver$SUFFIX" --distribution "$DIST" --force-distribution \
		"Add vsockdump's patch series ($n patches from ${sd#"$TOP_SRCDIR"/})." >/dev/null 2>&1) ||
		die "$pkg: dch failed"
	log "$pkg $ver$SUFFIX: $n vsockdump patches; installing build dependencies"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -q "$src" > "$W/$pkg-build-dep.log" 2>&1 ||
		{ tail -n 20 "$W/$pkg-build-dep.log"; die "$pkg: apt-get build-dep failed"; }
	t0=$(now_s)
	if ! (cd "$src" && timeout 3600 dpkg-buildpackage -b -uc -us -j"$JOBS") > "$W/$pkg-build.log" 2>&1; then
		tail -n 40 "$W/$pkg-build.log"
		die "$pkg: dpkg-buildpackage failed (log: $W/$pkg-build.log)"
	fi
	t1=$(now_s)
	applied=$(grep -o 'info: applying vsockdump-[^ ]*' "$W/$pkg-build.log" | sort -u | wc -l)
	sum "   $pkg $ver$SUFFIX: dpkg-buildpackage -b $((t1 - t0)) s, $applied/$n vsockdump patches applied by dpkg-source"
	[ "$applied" = "$n" ] || die "$pkg: dpkg-source applied $applied of $n patches"
	if [ "$pkg" = tcpdump ]; then
		res=$(grep -E '^ *[0-9]+ tests (passed|failed)' "$W/$pkg-build.log" | tr -s ' ' | tr '\n' ',' | sed 's/,$//; s/^ //')
		case " ${DEB_BUILD_OPTIONS:-} " in
		*" nocheck "*) sum "   tcpdump test suite in dh_auto_test: NOT RUN (DEB_BUILD_OPTIONS=nocheck)";;
		*) sum "   tcpdump test suite in dh_auto_test:${res:+ $res}";;
		esac
	fi
done

sum "   packages: $(cd "$W" && ls ./*/*.deb | sed 's|^.*/||' | tr '\n' ' ')"
for deb in "$W"/*/*.deb; do dpkg-deb -x "$deb" "$W/root"; done
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
LIBDIR=$W/root/usr/lib/$MA
TCPDUMP_BIN=$(ls "$W"/root/usr/bin/tcpdump "$W"/root/usr/sbin/tcpdump 2>/dev/null | head -n 1)
[ -x "$TCPDUMP_BIN" ] || die "no tcpdump in the packages"
[ -e "$LIBDIR/libpcap.so.0.8" ] || die "no libpcap.so.0.8 in the packages"
resolved=$(LD_LIBRARY_PATH=$LIBDIR ldd "$TCPDUMP_BIN" | awk '/libpcap/ { print $3 }')
sum "   packaged tcpdump: ${TCPDUMP_BIN#"$W"/root}; libpcap resolves to $resolved"
[ "$resolved" = "$LIBDIR/libpcap.so.0.8" ] || die "the packaged tcpdump does not use the packaged libpcap"
LD_LIBRARY_PATH=$LIBDIR "$TCPDUMP_BIN" --version 2>&1 | sed 's/^/     /' | tee -a "$SUMMARY"

out=$W/sample-v.txt
LD_LIBRARY_PATH=$LIBDIR "$TCPDUMP_BIN" -Z root -n -v -r "$SAMPLE" > "$out" 2> "$W/sample-v.err" ||
	{ cat "$W/sample-v.err"; die "the packaged tcpdump failed on $SAMPLE"; }
sum "   packaged tcpdump -n -v -r $(basename "$SAMPLE"): $(wc -l < "$out") lines, $(grep -c 'type SEQPACKET' "$out" || true) with 'type SEQPACKET', $(grep -c 'flags \[[^]]*EOM' "$out" || true) with decoded EOM flags"
sed -n '1,4p' "$out" | sed 's/^/     /' | tee -a "$SUMMARY"
grep -m 1 'type SEQPACKET.*flags \[[^]]*EOM' "$out" | sed 's/^/     /' | tee -a "$SUMMARY" || true
ok=1
grep -q 'type SEQPACKET' "$out" || ok=0
grep -q 'flags \[[^]]*EOM' "$out" || ok=0
[ "$ok" = 1 ] || sum "   FAIL: our decoding is missing from the packaged tcpdump's output"

# The capture module and the filters in the packaged libpcap.
cres=$(grep -o 'checking whether we can compile the vsockmon support\.\.\. [a-z]*' "$W/libpcap-build.log" | tail -n 1 | sed 's/.*\.\.\. //')
LIBA=$LIBDIR/libpcap.a
nma=$(nm "$LIBA" 2>/dev/null | grep -c ' T vsockmon_create$' || true)
nso=$(grep -c 'Linux vsock monitor' "$LIBDIR/libpcap.so.0.8" || true)
sum "   capture module: configure (dh_autoreconf'd) says \"${cres:-no result}\"; vsockmon_create in packaged libpcap.a: $nma; description string in libpcap.so.0.8: $nso"
if [ "$cres" != yes ] || [ "$nma" = 0 ] || [ "$nso" = 0 ]; then
	sum "   FAIL: the packaged libpcap lacks the capture module"
	ok=0
fi
LD_LIBRARY_PATH=$LIBDIR "$TCPDUMP_BIN" -d -r "$SAMPLE" 'vsock port 22' > "$W/vsock-port-22.d" 2> "$W/vsock-port-22.err" || true
nsp=$(LD_LIBRARY_PATH=$LIBDIR "$TCPDUMP_BIN" -Z root -n -v -r "$SAMPLE" 'vsock type seqpacket' 2>/dev/null | grep -c 'type SEQPACKET' || true)
nsq=$(grep -c 'type SEQPACKET' "$out" || true)
sum "   packaged tcpdump -d -r $(basename "$SAMPLE") 'vsock port 22': $(wc -l < "$W/vsock-port-22.d") instructions$(head -n 1 "$W/vsock-port-22.err" | sed 's/^/ (/; s/$/)/'); 'vsock type seqpacket' selects $nsp packets (the sample has $nsq SEQPACKET packets)"
sed 's/^/     /' "$W/vsock-port-22.d" | tee -a "$SUMMARY"
if ! grep -q 'ret' "$W/vsock-port-22.d" || [ "$nsp" = 0 ] || [ "$nsp" != "$nsq" ]; then
	sum "   FAIL: the packaged libpcap lacks the vsock filters"
	ok=0
fi

if [ "$ok" = 1 ]; then
	sum "RESULT debs $DIST: PASSED (the packaged tcpdump prints our decoding; the packaged libpcap has the capture module and the vsock filters)"
else
	sum "RESULT debs $DIST: FAILED"
	exit 1
fi
