#!/bin/sh
# Benchmark (prints figures; it is not a test and asserts nothing):
# vsockdump against Debian's stock tcpdump on the same deterministic
# 1,000,000-packet mixed capture, output to /dev/null, at default, -v and
# -vv.  For each it prints wall time per packet (best of BENCH_RUNS runs)
# and instructions per packet counted by callgrind (perf's hardware
# counters are not available on every machine; callgrind's count is
# exact and repeatable).  Instructions per packet are
# (count on N packets - count on 1 packet) / (N - 1), so start-up cost is
# left out.
#
# The capture is recorded with a snapshot length of BENCH_SNAPLEN (default
# 256, as "-s 256" would) so that -vv measures decoding, not megabytes of
# hex.
#
# Then the connection analysis: instructions per packet of vsockdump
# -q -z conv,vsock (no packet lines, the conversation table at the end)
# and -v --notes beside default and -v, on the same capture, with their
# ratios (targets: under half of default decoding; notes at most 25%
# more than -v); and the peak RSS (GNU time's %M) of plain decoding,
# -q -z conv,vsock and -q --notes -z expert on two captures of
# BENCH_PACKETS packets: the same one, where 24 connections at a time
# open and close, and one over BENCH_FLOWS (default 100000) connections
# at a time; with the conversations each has and the most open at once.
# Then protocol decoding: instructions per packet with and without
# decoding on the same capture, and on N packets of real ttrpc and gRPC
# traffic (the captures of tests/captures played again and again) at
# default and with -q -z rpc,vsock, with their ratios (targets: within
# 2% on the first, at most 2x and 1x the first's default on the
# second), and the peak RSS on a tenth and all of the RPC capture.
# Environment: BENCH_PACKETS (default 1000000), BENCH_RUNS (default 3),
# BENCH_CALLGRIND_PACKETS (packets run under callgrind, default 200000:
# callgrind is ~50x slower), TCPDUMP (default /usr/bin/tcpdump),
# BENCH_FLOWS (default 100000).
#
# The printer inside tcpdump: when BENCH_TCPDUMP_STOCK and
# BENCH_TCPDUMP_PATCHED name two tcpdump binaries built with symbols from
# the same source, without and with our series (by default the bookworm
# trees "make check-distro" leaves, if they are there), it also prints
# the instructions per packet spent in vsock_if_print() and below
# (callgrind's inclusive cost, on the same packets) in each, and their
# ratio.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

N=${BENCH_PACKETS:-1000000}
RUNS=${BENCH_RUNS:-3}
CGN=${BENCH_CALLGRIND_PACKETS:-200000}
SNAPLEN=${BENCH_SNAPLEN:-256}
FLOWS=${BENCH_FLOWS:-100000}
TCPDUMP=${TCPDUMP:-/usr/bin/tcpdump}

sh tools/install-deps.sh
[ -x configure ] || autoreconf -fi >/dev/null 2>&1
mkdir -p build/bench
(cd build/bench && { [ -f Makefile ] || ../../configure -q; } &&
    make -s vsockdump tools/vsockgen)
VSOCKDUMP=$top/build/bench/vsockdump
CAP=$top/build/bench/bench-$N-s$SNAPLEN.pcap
[ -f "$CAP" ] || build/bench/tools/vsockgen --random "$N" --seed 1 -s "$SNAPLEN" -o "$CAP"

now_ns() { date +%s%N; }

# wall_ns_per_packet CMD...: best of RUNS, in ns per packet
wall() {
	best=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t0=$(now_ns)
		"$@" >/dev/null 2>&1
		t1=$(now_ns)
		d=$((t1 - t0))
		if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
		i=$((i + 1))
	done
	echo "$best"
}

# instructions CMD...: callgrind's total instruction count
instructions() {
	out=$(mktemp)
	valgrind --tool=callgrind --callgrind-out-file=/dev/null \
	    "$@" >/dev/null 2>"$out" || true
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out" | tail -n 1
	rm -f "$out"
}

echo "capture: $CAP ($N packets, $(wc -c <"$CAP") bytes)"
echo "vsockdump: $VSOCKDUMP"
echo "tcpdump:   $TCPDUMP ($($TCPDUMP --version 2>&1 | head -n 1))"
echo "callgrind on the first $CGN packets"
printf '%-10s %-8s %12s %14s\n' tool flags ns/packet instr/packet
for flags in "" -v -vv; do
	for tool in vsockdump tcpdump; do
		if [ "$tool" = vsockdump ]; then bin=$VSOCKDUMP; else bin=$TCPDUMP; fi
		ns=$(wall "$bin" -n $flags -r "$CAP")
		i1=$(instructions "$bin" -n $flags -c 1 -r "$CAP")
		iN=$(instructions "$bin" -n $flags -c "$CGN" -r "$CAP")
		printf '%-10s %-8s %12s %14s\n' "$tool" "${flags:-default}" \
		    "$(awk "BEGIN { printf \"%.1f\", $ns / $N }")" \
		    "$(awk "BEGIN { printf \"%.1f\", ($iN - $i1) / ($CGN - 1) }")"
	done
done

# The connection analysis.
instr_per_packet() {
	i1=$(instructions "$VSOCKDUMP" -n "$@" -c 1 -r "$CAP")
	iN=$(instructions "$VSOCKDUMP" -n "$@" -c "$CGN" -r "$CAP")
	awk "BEGIN { printf \"%.1f\", ($iN - $i1) / ($CGN - 1) }"
}
echo
echo "connection analysis: vsockdump, callgrind on the first $CGN packets"
printf '%-22s %14s\n' options instr/packet
d=$(instr_per_packet)
v=$(instr_per_packet -v)
z=$(instr_per_packet -q -z conv,vsock)
vn=$(instr_per_packet -v --notes)
printf '%-22s %14s\n' default "$d" -v "$v" "-q -z conv,vsock" "$z" \
    "-v --notes" "$vn"
awk -v d="$d" -v v="$v" -v z="$z" -v vn="$vn" 'BEGIN {
	printf "-q -z conv,vsock / default = %.3f (target < 0.5)\n", z / d
	printf "-v --notes / -v = %.3f (target <= 1.25)\n", vn / v
}'

CAPF=$top/build/bench/bench-$N-flows$FLOWS-s$SNAPLEN.pcap
[ -f "$CAPF" ] || build/bench/tools/vsockgen --random "$N" --seed 1 \
    --flows "$FLOWS" -s "$SNAPLEN" -o "$CAPF"
echo
echo "peak RSS (GNU time %M), $N packets each"
printf '%-34s %-22s %10s\n' capture options "max RSS KiB"
for c in "$CAP" "$CAPF"; do
	case $c in
	"$CAPF") name="$FLOWS connections at a time" ;;
	*) name="24 at a time, open and close" ;;
	esac
	conv=$("$VSOCKDUMP" -n -q -z conv,vsock -r "$c" 2>/dev/null |
	    sed -n 's/^Conversations: \([0-9]*\).*/\1/p')
	peak=$("$VSOCKDUMP" -n -q -z expert -r "$c" 2>/dev/null |
	    sed -n 's/.*at most \([0-9]*\) tracked at once.*/\1/p')
	echo "$name: $conv conversations, at most $peak tracked at once"
	for opts in "" "-q -z conv,vsock" "-q --notes -z expert"; do
		# shellcheck disable=SC2086
		kb=$(/usr/bin/time -f %M "$VSOCKDUMP" -n $opts -r "$c" \
		    2>&1 >/dev/null | tail -n 1)
		printf '%-34s %-22s %10s\n' "$(basename "$c")" \
		    "${opts:-default}" "$kb"
	done
done

# --- protocol decoding ---------------------------------------------------------
# The benchmark capture above has server ports of the port table (22,
# 1024, 9000) with random payloads, where the decoders find no frame
# and give up; the same traffic on ports no decoder follows (vsockgen
# --server-ports) measures what decoding costs where there is nothing
# to decode.  --no-decode is the output without decoding.  The RPC
# capture is the real ttrpc and gRPC captures of tests/captures played
# again and again (vsockgen --repeat) to N packets.
CAPU=$top/build/bench/bench-$N-s$SNAPLEN-undecoded.pcap
[ -f "$CAPU" ] || build/bench/tools/vsockgen --random "$N" --seed 1 \
    -s "$SNAPLEN" --server-ports 23,1027,1025,1026,5000,5001,9001,10789,10809,62373 \
    -o "$CAPU"
CAPR=$top/build/bench/bench-$N-rpc.pcap
[ -f "$CAPR" ] || build/bench/tools/vsockgen --repeat "$N" -o "$CAPR" \
    tests/captures/linux61-proto-ttrpc.pcap \
    tests/captures/linux61-proto-grpc.pcap
# instr_on CAPTURE OPTIONS...: instructions per packet
instr_on() {
	c=$1
	shift
	i1=$(instructions "$VSOCKDUMP" -n "$@" -c 1 -r "$c")
	iN=$(instructions "$VSOCKDUMP" -n "$@" -c "$CGN" -r "$c")
	awk "BEGIN { printf \"%.1f\", ($iN - $i1) / ($CGN - 1) }"
}
echo
echo "protocol decoding: vsockdump, callgrind on the first $CGN packets"
un=$(instr_on "$CAPU" --no-decode)
ud=$(instr_on "$CAPU")
nd=$(instr_on "$CAP" --no-decode)
dd=$(instr_on "$CAP")
rd=$(instr_on "$CAPR")
rq=$(instr_on "$CAPR" -q -z rpc,vsock)
printf '%-34s %-22s %14s\n' capture options instr/packet
printf '%-34s %-22s %14s\n' "$(basename "$CAPU")" --no-decode "$un" \
    "$(basename "$CAPU")" default "$ud" \
    "$(basename "$CAP")" --no-decode "$nd" \
    "$(basename "$CAP")" default "$dd" \
    "$(basename "$CAPR")" default "$rd" \
    "$(basename "$CAPR")" "-q -z rpc,vsock" "$rq"
awk -v un="$un" -v ud="$ud" -v nd="$nd" -v dd="$dd" -v rd="$rd" \
    -v rq="$rq" 'BEGIN {
	printf "no decodable port: default / --no-decode = %.3f (target <= 1.02)\n", ud / un
	printf "benchmark capture: default / --no-decode = %.3f\n", dd / nd
	printf "RPC capture default / benchmark default = %.3f (target <= 2)\n", rd / dd
	printf "RPC capture -q -z rpc,vsock / benchmark default = %.3f (target <= 1)\n", rq / dd
}'
echo "calls: $("$VSOCKDUMP" -n -q -z rpc,vsock,json -r "$CAPR" 2>/dev/null |
    awk -F'"calls":' '{ split($2, a, ","); n += a[1] } END { print n + 0 }') in $N packets"
echo "peak RSS (GNU time %M) on the RPC capture: as many packets, as much memory?"
printf '%-10s %-22s %10s\n' packets options "max RSS KiB"
for n in $((N / 10)) "$N"; do
	for opts in "" "-q -z rpc,vsock"; do
		# shellcheck disable=SC2086
		kb=$(/usr/bin/time -f %M "$VSOCKDUMP" -n -c "$n" $opts \
		    -r "$CAPR" 2>&1 >/dev/null | tail -n 1)
		printf '%-10s %-22s %10s\n' "$n" "${opts:-default}" "$kb"
	done
done

echo
# --- the printer inside tcpdump, stock and patched -----------------------------
cache=${VSOCKDUMP_DISTRO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-distro}
STOCK=${BENCH_TCPDUMP_STOCK:-$cache/work/check-bookworm/unpatched/tcpdump/tcpdump}
PATCHED=${BENCH_TCPDUMP_PATCHED:-$cache/work/check-bookworm/patched/tcpdump/tcpdump}
if [ ! -x "$STOCK" ] || [ ! -x "$PATCHED" ]; then
	echo "printer cost inside tcpdump: skipped (no stock and patched tcpdump built"
	echo "  with symbols: run 'make check-distro DIST=bookworm' first, or set"
	echo "  BENCH_TCPDUMP_STOCK and BENCH_TCPDUMP_PATCHED)"
	exit 0
fi
# printer_ir BIN FLAGS COUNT: inclusive instructions of vsock_if_print
printer_ir() {
	cg=$(mktemp)
	# shellcheck disable=SC2086
	valgrind --tool=callgrind --callgrind-out-file="$cg" "$1" -Z root -n $2 \
	    -c "$3" -r "$CAP" >/dev/null 2>&1 || true
	callgrind_annotate --inclusive=yes --threshold=100 "$cg" 2>/dev/null |
	    awk '/[: ]vsock_if_print[ \[]/ { gsub(/,/, "", $1); print $1; exit }'
	rm -f "$cg"
}
echo "printer cost inside tcpdump (instructions per packet in vsock_if_print,"
echo "  inclusive; callgrind on the first $CGN packets):"
echo "  stock:   $STOCK"
echo "  patched: $PATCHED"
printf '%-8s %14s %14s %8s\n' flags stock patched ratio
for flags in "" -v -vv; do
	s1=$(printer_ir "$STOCK" "$flags" 1)
	sN=$(printer_ir "$STOCK" "$flags" "$CGN")
	p1=$(printer_ir "$PATCHED" "$flags" 1)
	pN=$(printer_ir "$PATCHED" "$flags" "$CGN")
	awk -v f="${flags:-default}" -v s1="${s1:-0}" -v sN="${sN:-0}" \
	    -v p1="${p1:-0}" -v pN="${pN:-0}" -v n="$CGN" 'BEGIN {
		s = (sN - s1) / (n - 1); p = (pN - p1) / (n - 1)
		printf "%-8s %14.1f %14.1f %8.2f\n", f, s, p, (s > 0 ? p / s : 0)
	}'
done
