#!/bin/sh
# run.sh: the Wireshark tier.  Builds the vsock plugin against the
# system's Wireshark (Debian's wireshark-dev), installs it in the
# personal plugin folder of a new, empty HOME, and checks what tshark
# then says of every capture of tests/ against vsockdump.
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage, from anywhere:  sh wireshark/tests/run.sh
# Environment:
#   VSOCKDUMP, VSOCKGEN  built vsockdump and tools/vsockgen (default:
#                        configured and built here)
#   WORKDIR              logs and outputs (default build/wireshark.d)
#   PROTO_CAPTURES       where linux61-proto-{ssh,http,grpc}.pcap are
#                        (default tests/captures)
#   FUZZ_ROUNDS          editcap -E seeds per capture (default 3)
#   SERIES=0             skip the upstream series check (it downloads
#                        Debian's wireshark source package, 47 MB)
#
# Tests (one PASS or FAIL line each, then "N passed, N failed"):
#   plugin-build    the plugin builds with -Wall -Wextra -Werror
#   plugin-install  "make install" puts it in $HOME/.local/lib/wireshark/
#                   plugins/4.0/epan, tshark loads it from there and it
#                   takes the VSOCK encapsulation over from the built-in
#                   dissector
#   fields NAME     every vsock field of every packet of every capture,
#                   against vsockdump -e -vv (check-capture.sh)
#   conv, conv-exact, expert, follow NAME   the connection analysis of
#                   the analysis captures (conv-*, linux61-analysis at
#                   1 s and 0.5 s, the real and the random captures)
#   names           SEQPACKET, the flags by name, op 7 "Credit request"
#   deprecated      vsock.virtio.src_prot/dst_prot still filter
#   handoff ssh|http|grpc   (check-handoff.sh)
#   robust hostile|truncation|fuzz   (check-robust.sh)
#   series          the upstream series is what mkseries.sh generates,
#                   applies to Debian's source, and passes checkAPIs.pl
#                   and checkhf.pl (wireshark/upstream/check-series.sh)

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
WORKDIR=${WORKDIR:-$top/build/wireshark.d}
t0=$(date +%s)

PACKAGES="tshark wireshark-common libwireshark-dev wireshark-dev gcc make
pkg-config libc6-dev util-linux autoconf automake libtool libpcap-dev"
missing=
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q '^install ok installed$' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages:$missing (run as root, or install them)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    $missing >/dev/null 2>&1 || {
		echo "apt-get install$missing failed"
		echo "0 passed, 1 failed"
		exit 1
	}
fi

rm -rf "$WORKDIR"
mkdir -p "$WORKDIR" || exit 2
WORKDIR=$(cd "$WORKDIR" && pwd)
RESULTS=$WORKDIR/results
: >"$RESULTS"
# What tshark reads must be readable by the user it runs as (nobody,
# when we are root, see lib.sh): captures, outputs to compare and the
# HOME holding the plugin live in a directory of their own under /tmp.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vsock-wireshark.XXXXXX") || exit 2
chmod 755 "$WORK"
WS_HOME=$WORK/home
mkdir -p "$WS_HOME"
chmod 755 "$WS_HOME"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
SRCDIR=$top
export WORK WS_HOME RESULTS SRCDIR
. "$here/lib.sh"

# vsockdump and vsockgen, from the tree.
if [ -z "${VSOCKDUMP:-}" ] || [ -z "${VSOCKGEN:-}" ]; then
	mkdir -p "$WORKDIR/build"
	if [ ! -x "$top/configure" ]; then
		(cd "$top" && autoreconf -fi) >"$WORKDIR/build.log" 2>&1
	fi
	if (cd "$WORKDIR/build" && "$top/configure" -q && make -s vsockdump tools/vsockgen) \
	    >>"$WORKDIR/build.log" 2>&1; then
		VSOCKDUMP=$WORKDIR/build/vsockdump
		VSOCKGEN=$WORKDIR/build/tools/vsockgen
	else
		echo "vsockdump build failed (see $WORKDIR/build.log)"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi
VSOCKDUMP=$(cd "$(dirname "$VSOCKDUMP")" && pwd)/$(basename "$VSOCKDUMP")
FOLLOW_HASH=$WORKDIR/follow-hash
${CC:-cc} -O2 -o "$FOLLOW_HASH" "$top/tests/live/follow-hash.c" || exit 2
export VSOCKDUMP VSOCKGEN FOLLOW_HASH

# The plugin: built, then installed as a user installs it.
if make -s -f "$top/wireshark/plugin/Makefile" BUILDDIR="$WORKDIR/plugin" \
    CFLAGS="-O2 -g" >"$WORKDIR/plugin-build.log" 2>&1; then
	pass "plugin-build: -Wall -Wextra -Werror, $(pkg-config --modversion wireshark)"
else
	fail "plugin-build: $(grep -m 2 -E 'error|warning' "$WORKDIR/plugin-build.log" | tr '\n' ' ')"
fi
plugin_installed() {
	make -s -f "$top/wireshark/plugin/Makefile" BUILDDIR="$WORKDIR/plugin" \
	    HOME="$WS_HOME" install || return 1
	chmod -R a+rX "$WS_HOME"
	loaded=$(ws_tshark -G plugins 2>/dev/null | awk '$1 == "vsock.so" { print $NF }')
	echo "loaded from: $loaded"
	case $loaded in
	"$WS_HOME"/.local/lib/wireshark/plugins/*/epan/vsock.so) ;;
	*) echo "tshark does not load the plugin from $WS_HOME"; return 1 ;;
	esac
	ws_tshark -G fields 2>/dev/null | grep -q '	vsock\.stream	' || {
		echo "no vsock.stream field"; return 1; }
}
check plugin-install plugin_installed

# The captures: the descriptions built, the real ones copied.
mkdir -p "$WORK/caps"
for t in "$top"/tests/captures/*.txt; do
	"$VSOCKGEN" -o "$WORK/caps/$(basename "$t" .txt).pcap" "$t" ||
	    fail "vsockgen $(basename "$t")"
done
cp "$top"/tests/captures/*.pcap "$WORK/caps/"
# Random traffic: mixed STREAM and SEQPACKET connections, odd packets.
"$VSOCKGEN" --random 20000 --seed 7 -o "$WORK/caps/random-7.pcap"
chmod a+r "$WORK"/caps/*

check takeover sh -c '. "$1/lib.sh"; ws_tshark -n -r "$2" -c 1 2>&1 |
    tee /dev/stderr | grep -q "\[REQUEST\] STREAM"' sh "$here" "$WORK/caps/session.pcap"

for cap in "$WORK"/caps/*.pcap; do
	sh "$here/check-capture.sh" "$cap"
done
for cap in "$WORK"/caps/conv-*.pcap "$WORK"/caps/linux61-*.pcap \
    "$WORK"/caps/session.pcap "$WORK"/caps/seqpacket-frag.pcap "$WORK"/caps/random-7.pcap; do
	case $cap in */linux61-proto-*) continue ;; esac
	sh "$here/check-capture.sh" "$cap" analysis
done
STALL_MS=500 sh "$here/check-capture.sh" "$WORK/caps/linux61-analysis.pcap" analysis

# SEQPACKET, the flags and op 7 by name: tshark's display filters on
# the names against vsockdump's -v text, on the captures that have them.
names() {
	for c in flags seqpacket-frag linux61-loopback-stream-seqpacket virtio-ops conv-order; do
		f=$WORK/caps/$c.pcap
		TZ=GMT0 "$VSOCKDUMP" -n -v -r "$f" 2>/dev/null >"$WORK/names.txt"
		for pair in 'type SEQPACKET|vsock.virtio.type == "Seqpacket"' \
		    'op CREDIT REQUEST|vsock.virtio.op == "Credit request"' \
		    'flags \[EOM|vsock.virtio.flags.eom == 1' \
		    'flags \[[^]]*EOR|vsock.virtio.flags.eor == 1' \
		    'flags \[RCV|vsock.virtio.flags.shutdown_rcv == 1' \
		    'flags \[[^]]*SEND|vsock.virtio.flags.shutdown_send == 1'; do
			ours=$(grep -c -E "${pair%%|*}" "$WORK/names.txt")
			theirs=$(ws_tshark -n -r "$f" -Y "${pair#*|}" 2>/dev/null | wc -l)
			echo "$c: ${pair#*|}: vsockdump $ours, tshark $theirs"
			[ "$ours" -eq "$theirs" ] || return 1
		done
	done
	# In the tree, by name.
	ws_tshark -n -r "$WORK/caps/seqpacket-frag.pcap" -V 2>/dev/null |
	    grep -q '= EOM: Set' || { echo "no \"EOM: Set\" in the tree"; return 1; }
	ws_tshark -n -r "$WORK/caps/virtio-ops.pcap" -V 2>/dev/null |
	    grep -q 'Operation: Credit request (7)' || { echo "no \"Credit request (7)\""; return 1; }
}
check names names

# The misspelled names of Wireshark's built-in dissector still filter.
deprecated() {
	f=$WORK/caps/session.pcap
	for pair in 'src_prot == 49152|src_port == 49152' 'dst_prot == 22|dst_port == 22'; do
		old=$(ws_tshark -n -r "$f" -Y "vsock.virtio.${pair%%|*}" 2>/dev/null | wc -l)
		new=$(ws_tshark -n -r "$f" -Y "vsock.virtio.${pair#*|}" 2>/dev/null | wc -l)
		echo "vsock.virtio.${pair%%|*}: $old packets, vsock.virtio.${pair#*|}: $new"
		[ "$old" -gt 0 ] && [ "$old" -eq "$new" ] || return 1
	done
	ws_tshark -G fields 2>/dev/null | grep -q '	vsock\.virtio\.src_prot	.*Deprecated' ||
	    { echo "vsock.virtio.src_prot is not marked deprecated"; return 1; }
}
check deprecated deprecated

# Hand-off to SSH, HTTP, HTTP/2 and gRPC.
mkdir -p "$WORK/proto"
for p in ssh http grpc; do
	src=${PROTO_CAPTURES:-$top/tests/captures}/linux61-proto-$p.pcap
	[ -f "$src" ] && cp "$src" "$WORK/proto/"
done
chmod -R a+rX "$WORK/proto"
sh "$here/check-handoff.sh" "$WORK/proto"

# Bad input.
robust=
for cap in "$WORK"/caps/*.pcap; do
	case $cap in */conv-wrap.pcap|*/random-7.pcap) continue ;; esac
	robust="$robust $cap"
done
# shellcheck disable=SC2086
sh "$here/check-robust.sh" $robust

# The upstream series.
if [ "${SERIES:-1}" != 0 ]; then
	check series bash "$top/wireshark/upstream/check-series.sh"
fi

cp "$WORK"/*.log "$WORKDIR/" 2>/dev/null
grep '^FAIL' "$RESULTS" >"$WORKDIR/failures" || true
p=$(grep -c '^PASS' "$RESULTS")
f=$(grep -c '^FAIL' "$RESULTS")
echo "wireshark tier: $(($(date +%s) - t0)) s"
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
