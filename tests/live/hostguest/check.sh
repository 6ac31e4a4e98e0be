#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks of the host-guest stage (run.sh): RESULTDIR holds the host's
# results, RESULTDIR/guest the guest's.  Prints "ok" (with -v), "FAIL"
# and "info" lines and ends with "N passed, N failed".
#
# Usage: check.sh [-v] RESULTDIR
# Environment: LIVE_FLOWS (vsock-pcap-flows, required),
# LIVE_TCPDUMP_PATCHED and LIVE_HOST_VSOCKDUMP (our tcpdump and
# vsockdump, to filter the captures in userland), LIVE_TSHARK (see
# ../check.sh).
#
#   each side	../check.sh on the side's captures against the logs of
#		both generators of every part: CIDs 2 and 3, ports,
#		types, SHUTDOWN flags, RST, refused connects, payload
#		bytes and hash per direction, RW packets (64 KiB to the
#		host; to the guest each 64 KiB packet cut into pieces of
#		the guest's receive buffers: the largest piece seen, at
#		most 4096 bytes, 3732 with Debian's 6.1), EOM on the last
#		piece only, virtio len equal to the captured payload (on
#		the host but for the kernel bug of ../check.awk's
#		tapbug_ok(), checked to have exactly its shape), the pcap
#		holds what the device counted, vsockdump and tshark agree
#		on every packet
#   generators	every vsock-traffic process ended with status 0
#   both sides	each direction's packets in the same order with every
#		header field equal, and the same payload per connection
#		and direction (same_on_both: the hook for more per-side
#		comparisons); how the interleaving of the two directions
#		and the timestamps differ is reported (info)
#   -Q		in: exactly the packets to the local CID (2 on the host,
#		3 in the guest), out: exactly those from it
#   filters	each capture filtered in the kernel holds exactly what
#		the same filter selects in userland from the unfiltered
#		capture (tcpdump and vsockdump -r), and what the fields
#		say; "received by filter" counts only those
#   probe	what a side cannot see: the host's connect to CID 4 (no
#		such guest) fails with ENODEV and no tap shows it; the
#		guest's times out, and both taps show its REQUEST only
#   bulk	the bytes the sender sent arrived; when nothing was
#		dropped, the capture (but stock tcpdump's) holds them,
#		intact; a table of figures per run (info: bytes/s, packets
#		the device saw, captured, received by filter, dropped by
#		the kernel, lost uncounted = seen - captured - dropped,
#		bytes in the pcap, the capture's CPU time during the
#		transfer and in all), and per capture path over the
#		rounds (../cost-table.awk)
#   agent	vsockdump without -n (names.live.txt) on each side of the
#		connection from the host's vsock-owners client to the
#		guest's server on port 1024: the host names CID 3 as QEMU's
#		-name (LIVE_HG_NAME), the guest as its host name
#		(LIVE_HG_GUEST_HOSTNAME), both name port 1024 kata-agent;
#		the JSON line and the -v lines give the local end's pid and
#		command name as agent.log has them, null or nothing for the
#		other end
set -u

here=$(cd "$(dirname "$0")" && pwd)
live=$(cd "$here/.." && pwd)
verbose=0
vflag=
if [ "${1:-}" = -v ]; then
	verbose=1
	vflag=-v
	shift
fi
res=${1:?usage: check.sh [-v] RESULTDIR}
flows=${LIVE_FLOWS:?}
td=${LIVE_TCPDUMP_PATCHED:-}
vd=${LIVE_HOST_VSOCKDUMP:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/live-hg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$live/check-lib.sh"

# ---- each side, against the generators' logs --------------------------
for side in host guest; do
	dir=$res
	[ "$side" = guest ] && dir=$res/guest
	# vhost cuts what it sends into the guest's receive buffers; the
	# host's tap may show the kernel bug of check.awk's tapbug_ok().
	bug=
	[ "$side" = host ] && bug=3
	LIVE_CHECK_CIDS="2 3" LIVE_CHECK_SPLIT="3:auto" \
	LIVE_CHECK_TAPBUG=$bug LIVE_FLOWS=$flows \
	    sh "$live/check.sh" $vflag "$dir" >"$tmp/side" 2>&1
	grep -v ' passed, .* failed$' "$tmp/side" | sed "s/^\([a-zA-Z]*\) */&$side: /"
	# shellcheck disable=SC2046
	set -- $(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp/side" | tail -n 1)
	npass=$((npass + ${1:-0}))
	nfail=$((nfail + ${3:-1}))
done

# ---- the generators ----------------------------------------------------
for log in "$res"/*.server.log "$res"/*.client.log "$res"/guest/*.server.log \
    "$res"/guest/*.client.log; do
	[ -e "$log" ] || continue
	name=${log#"$res"/}
	rc=$(cat "${log%.log}.rc" 2>/dev/null || echo missing)
	[ "$rc" = 0 ] && tail -n 1 "$log" | grep -qx 'done status=0'
	ck $? "generator ${name%.log}: status 0, no error" -- "status $rc," \
	    "$(grep '^error' "$log" | head -n 3 | tr '\n' ' ')"
done

# ---- both sides --------------------------------------------------------
# pkts PCAP: every field of every packet, without its number.
pkts() {
	"$flows" "$1" 2>/dev/null | sed -n 's/^pkt n=[0-9]* //p'
}

# from CID PCAP: the packets whose source CID is CID: every header field
# and the hash of the payload the virtio len covers (not the captured
# lengths: see check.awk's tapbug_ok()).
from() {
	pkts "$2" | awk -v c="$1" '{ s = $3; sub(/^src=/, "", s)
	    sub(/\..*/, "", s) } s == c' |
	    sed 's/^caplen=[0-9]* len=[0-9]* //; s/ paylen=[0-9]*//'
}

# payloads PCAP: the payload bytes and hash per connection and direction,
# of what the headers' len covers.
payloads() {
	"$flows" "$1" 2>/dev/null | sed -n \
	    's/^flow \(.* rw=[0-9]*\) bytes=.* fnv=.* \(lbytes=.*\)/\1 \2/p'
}

# same_on_both LABEL CMD...: "CMD PCAP" prints the same for the host's
# and the guest's main capture (patched.pcap).  Any analysis that must
# agree on both sides of the device goes here, as one line.
same_on_both() {
	_label=$1
	shift
	"$@" "$res/patched.pcap" >"$tmp/both.host" 2>&1
	"$@" "$res/guest/patched.pcap" >"$tmp/both.guest" 2>&1
	[ -s "$tmp/both.host" ] && cmp -s "$tmp/both.host" "$tmp/both.guest"
	ck $? "both sides: $_label" -- "host $(wc -l <"$tmp/both.host")" \
	    "lines, guest $(wc -l <"$tmp/both.guest"), first difference:" \
	    "$(diff "$tmp/both.host" "$tmp/both.guest" | grep '^[<>]' |
	    head -n 2 | tr '\n' ' ')"
}

same_on_both "guest-to-host packets in the same order, every header field" \
    from 3
same_on_both "host-to-guest packets in the same order, every header field" \
    from 2
same_on_both "payload bytes and hash per connection and direction" payloads

# conversations PCAP: vsockdump's connection analysis (-z conv,vsock,json),
# what must be the same on both sides of the device: each conversation's
# endpoints, type, packets, payload bytes and messages each way, and how
# it ended; not its times (two clocks) or notes (a tap sees a crossing
# differently).  Sorted: concurrent ones may start in another order.
conversations() {
	"$vd" -q -z conv,vsock,json -r "$1" 2>/dev/null | awk '{
		line = $0
		sub(/"start_seen".*"src_to_dst"/, "\"src_to_dst\"", line)
		sub(/,"first_packet".*"state"/, ",\"state\"", line)
		sub(/,"evicted".*/, "}", line)
		sub(/^\{"index":[0-9]*,/, "{", line)
		print line }' | LC_ALL=C sort
}
if [ -n "$vd" ]; then
	same_on_both "vsockdump -z conv,vsock: the same conversations, packets, bytes and messages each way, and endings" \
	    conversations
fi

# How the two taps differ: each direction's packets are the same (above),
# but each side taps what it sends before the other side taps it on
# receipt, so packets crossing in flight are interleaved differently,
# and the two machines' clocks differ.  Timestamps from vsockdump -tt.
if [ -n "$vd" ]; then
	for side in host guest; do
		f=$res/patched.pcap
		[ "$side" = guest ] && f=$res/guest/patched.pcap
		"$vd" -tt -n -r "$f" 2>/dev/null |
		    awk -v side="$side" '{ print side, $1, $3 }'
	done | awk '
	{
		s = $3
		sub(/\..*/, "", s)
		d = s == 3 ? "g2h" : "h2g"
		k = $1 SUBSEP d
		n[k]++
		ts[$1, d, n[k]] = $2
		# packets of the other direction seen before this one
		opp = ($1 SUBSEP (d == "g2h" ? "h2g" : "g2h"))
		before[$1, d, n[k]] = n[opp] + 0
		if ($1 == "host") {
			hord[++nh] = d
			hidx[nh] = n[k]
		}
	}
	function median(a, m,    i, j, t) {
		for (i = 2; i <= m; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	function off(d, i) {
		return ts["host", d, i] - ts["guest", d, i]
	}
	END {
		for (di = 1; di <= 2; di++) {
			d = di == 1 ? "g2h" : "h2g"
			m = n["host", d] < n["guest", d] ? n["host", d] : \
			    n["guest", d]
			diff = 0
			late = 0
			for (i = 1; i <= m; i++) {
				if (before["host", d, i] != before["guest", d, i])
					diff++
				# seen later by the receiving side: more of
				# the other direction before it there
				if (d == "g2h" && before["host", d, i] > \
				    before["guest", d, i])
					late++
				if (d == "h2g" && before["guest", d, i] > \
				    before["host", d, i])
					late++
			}
			printf "info both sides: %s: %d packets, %d placed " \
			    "differently among the other direction'"'"'s " \
			    "(%d of them later on the receiving side: " \
			    "crossed in flight)\n", d, m, diff, late
		}
		# A guest-to-host packet followed (on the host) by a
		# host-to-guest one: host-minus-guest time is clock offset
		# plus latency for the first, offset minus latency for the
		# second; the guest clock drifts, so only such close pairs
		# are compared.
		np = 0
		for (i = 2; i <= nh; i++) {
			if (hord[i - 1] != "g2h" || hord[i] != "h2g" ||
			    hidx[i - 1] > n["guest", "g2h"] ||
			    hidx[i] > n["guest", "h2g"])
				continue
			a = off("g2h", hidx[i - 1])
			b = off("h2g", hidx[i])
			lat[++np] = (a - b) / 2
			skew[np] = (a + b) / 2
		}
		if (np > 0)
			printf "info both sides: host clock minus guest clock " \
			    "%.3f s at the first exchange, %.3f s at the " \
			    "last (the nested guest'"'"'s clock drifts); " \
			    "one-way latency, median of %d exchanges: %.2f ms\n",
			    skew[1], skew[np], np, median(lat, np) * 1000
	}'
fi

# ---- -Q in / -Q out ----------------------------------------------------
# Local CIDs: 1 and 2 on the host, 1 and 3 in the guest; no packet of
# this stage is to or from CID 1.
for side in host guest; do
	dir=$res
	lc=2
	if [ "$side" = guest ]; then
		dir=$res/guest
		lc=3
	fi
	pkts "$dir/patched.pcap" >"$tmp/all"
	for q in in out; do
		fld=dst
		[ "$q" = out ] && fld=src
		awk -v f="$fld=$lc." 'index($0, " " f) || index($0, f) == 1' \
		    "$tmp/all" >"$tmp/want"
		pkts "$dir/q-$q.pcap" >"$tmp/got"
		[ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"
		ck $? "$side: -Q $q captures exactly the $(wc -l <"$tmp/want")" \
		    "packets whose $fld CID is $lc (local)" -- \
		    "$(wc -l <"$tmp/got") captured"
	done
done

# ---- filters: in the kernel, in userland, by the fields ----------------
# select EXPR: the packets (pkts lines, stdin) that "vsock [src|dst]
# cid|port N" selects, read from their fields.
select_by_fields() {
	awk -v expr="$1" '
	BEGIN {
		n = split(expr, w, " ")
		dir = w[2] == "src" || w[2] == "dst" ? w[2] : ""
		what = w[n - 1]
		val = w[n]
	}
	function part(a) {
		sub(/^[a-z]*=/, "", a)
		if (what == "cid")
			sub(/\..*/, "", a)
		else
			sub(/^[0-9]*\./, "", a)
		return a
	}
	{
		s = part($3)
		d = part($4)
		if ((dir != "dst" && s == val) || (dir != "src" && d == val))
			print
	}'
}

for side in host guest; do
	dir=$res
	[ "$side" = guest ] && dir=$res/guest
	pkts "$dir/patched.pcap" >"$tmp/all"
	for f in "$dir"/f-*.pcap; do
		[ -e "$f" ] || continue
		fcap=$(basename "$f" .pcap)
		expr=$(cat "$dir/$fcap.filter" 2>/dev/null)
		pkts "$f" >"$tmp/kernel"
		select_by_fields "$expr" <"$tmp/all" >"$tmp/want"
		nwant=$(wc -l <"$tmp/want" | tr -d ' ')
		[ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/kernel"
		ck $? "$side: $fcap: \"$expr\" in the kernel captures the" \
		    "$nwant packets its fields select" -- \
		    "$(wc -l <"$tmp/kernel") captured"
		# Userland: libpcap's filter on the unfiltered capture.  Our
		# static tcpdump must not drop privileges here (glibc's NSS
		# modules do not load into a static program).
		for prog in ${td:+td} ${vd:+vd}; do
			if [ "$prog" = td ]; then
				set -- "$td" -Z root
			else
				set -- "$vd"
			fi
			rm -f "$tmp/u.pcap"
			# shellcheck disable=SC2086
			"$@" -r "$dir/patched.pcap" -w "$tmp/u.pcap" $expr \
			    2>/dev/null
			pkts "$tmp/u.pcap" >"$tmp/user"
			[ -s "$tmp/user" ] && cmp -s "$tmp/user" "$tmp/kernel"
			ck $? "$side: $fcap: \"$expr\" selects the same packets" \
			    "in the kernel as in userland ($(basename "$1") -r)" \
			    -- "$(wc -l <"$tmp/user") in userland"
		done
		got=$(awk '$2 ~ /^packets?$/ && $3 == "received" { print $1 }' \
		    "$dir/$fcap.stderr")
		[ "$got" = "$nwant" ]
		ck $? "$side: $fcap: \"received by filter\" counts only the" \
		    "$nwant packets that passed the filter in the kernel" -- \
		    "$got"
	done
done

# kv KEY LINE...: the value of KEY=... in a log line.
kv() {
	_k=$1
	shift
	echo "$*" | tr ' ' '\n' | sed -n "s/^$_k=//p" | head -n 1
}

# ---- what a side cannot see: connects to CID 4, where no guest is -----
# probe.log: "probe dst=4.9999 lport=N errno=E"; probe.pcap: both taps
# meanwhile.  to4 PCAP: the packets to or from CID 4 (CID.PORT pairs and
# virtio op).
to4() {
	pkts "$1" | awk '{ s = $3; d = $4; sub(/^src=/, "", s)
	    sub(/^dst=/, "", d) }
	    s ~ /^4\./ || d ~ /^4\./ { print s, d, $9 }'
}
if [ -f "$res/probe.log" ] || [ -f "$res/guest/probe.log" ]; then
	hl=$(cat "$res/probe.log" 2>/dev/null)
	gl=$(cat "$res/guest/probe.log" 2>/dev/null)
	hp=$(kv lport "$hl")
	gp=$(kv lport "$gl")
	to4 "$res/probe.pcap" >"$tmp/h4"
	to4 "$res/guest/probe.pcap" >"$tmp/g4"
	[ "$(kv errno "$hl")" = ENODEV ] && ! grep -q "^2\.$hp " "$tmp/h4" &&
	    ! grep -q "^2\.$hp " "$tmp/g4"
	ck $? "host: a connect to CID 4 (no such guest) fails with ENODEV," \
	    "and neither tap shows it (vhost drops it before its tap)" -- \
	    "$hl; host tap: $(tr '\n' ';' <"$tmp/h4")"
	want="3.$gp 4.9999 op=1"
	[ "$(kv errno "$gl")" = ETIMEDOUT ] &&
	    [ "$(cat "$tmp/g4")" = "$want" ] && [ "$(cat "$tmp/h4")" = "$want" ]
	ck $? "guest: a connect to CID 4 times out (ETIMEDOUT); both taps" \
	    "show its REQUEST and nothing else (vhost taps what the guest" \
	    "sends, then drops what is not for the host)" -- "$gl;" \
	    "guest tap: $(tr '\n' ';' <"$tmp/g4") host tap:" \
	    "$(tr '\n' ';' <"$tmp/h4")"
fi

# ---- bulk: figures per capture path -------------------------------------
# counter STEP: the device packets (rx + tx) at STEP of the host.
counter() {
	awk -v s="$1" '$1 == s { r = $2; t = $3; sub(/.*=/, "", r)
	    sub(/.*=/, "", t); print r + t }' "$res/stats.txt"
}

# ms A B: (B - A) nanoseconds in milliseconds, or "-".
ms() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "-";
	    else printf "%.1f", (b - a) / 1e6 }'
}

first=1
: >"$tmp/bulkrows"
# In the order they ran: bulk-ROUND-CAPTURE.
for n in $(sed -n 's/^\(bulk-[0-9]*-[a-z]*\)-start .*/\1/p' "$res/stats.txt"); do
	c=${n#bulk-*-} r=${n#bulk-}
	r=${r%%-*}
	slog=$res/$n.server.log
	clog=$res/guest/$n.client.log
	rline=$(grep '^recv ' "$slog" | tail -n 1)
	bline=$(grep '^burst ' "$clog" 2>/dev/null | tail -n 1)
	sent=$(kv bytes "$bline")
	got=$(kv bytes "$rline")
	secs=$(kv seconds "$bline")
	[ -n "$sent" ] && [ "$sent" = "$got" ] && [ "$sent" -gt 0 ]
	ck $? "$n: all $sent bytes sent crossed to the host" -- \
	    "received $got"
	dev=$(( $(counter "$n-stopped") - $(counter "$n-start") ))
	if [ "$first" = 1 ]; then
		printf 'info bulk: %-14s %7s %6s %10s %8s %8s %8s %7s %5s %10s %7s %7s\n' \
		    run seconds MB/s bytes dev-pkts captured received \
		    dropped lost "pcap bytes" "CPU ms" "in all"
		first=0
	fi
	capd=- recv=- drop=- pbytes=- xcpu=- cpu=- given=-
	if [ -f "$res/$n.rusage" ]; then
		e=$res/$n.stderr
		capd=$(awk '$2 ~ /^packets?$/ && $3 == "captured" { print $1 }' "$e")
		recv=$(awk '$2 ~ /^packets?$/ && $3 == "received" { print $1 }' "$e")
		drop=$(awk '$2 ~ /^packets?$/ && $3 == "dropped" { print $1 }' "$e")
		fl=$(grep '^flow ' "$res/$n.flows" 2>/dev/null | head -n 1)
		pbytes=$(kv bytes "$fl")
		if [ "$drop" = 0 ] && [ "$c" != stock ]; then
			[ "$pbytes" = "$got" ] &&
			    [ "$(kv fnv "$fl")" = "$(kv fnv "$rline")" ]
			ck $? "$n: nothing dropped, the capture holds the" \
			    "$got bytes received, intact" -- "$pbytes bytes"
		fi
		ru=$(cat "$res/$n.rusage")
		cpu=$(awk -v u="$(kv user "$ru")" -v s="$(kv sys "$ru")" \
		    'BEGIN { printf "%.1f", (u + s) * 1000 }')
		sc=$(cat "$res/$n.sched" 2>/dev/null)
		xcpu=$(ms "$(kv start "$sc")" "$(kv stop "$sc")")
		given=$(awk -v a="$(kv startn "$sc")" -v b="$(kv stopn "$sc")" \
		    'BEGIN { print (a == "" || b == "") ? "-" : b - a }')
	fi
	lost=-
	[ "$capd" != - ] && lost=$((dev - ${capd:-0} - ${drop:-0}))
	mbps=$(awk -v b="${got:-0}" -v s="${secs:-1}" \
	    'BEGIN { printf "%.2f", (s > 0 ? b / s / 1e6 : 0) }')
	printf 'info bulk: %-14s %7.2f %6.2f %10s %8s %8s %8s %7s %5s %10s %7s %7s\n' \
	    "$n" "${secs:-0}" "$mbps" "$got" "$dev" "$capd" "$recv" "$drop" \
	    "$lost" "${pbytes:--}" "$xcpu" "$cpu"
	echo "run $c $r $mbps $xcpu $cpu ${got:-0} $given" >>"$tmp/bulkrows"
done
if [ -s "$tmp/bulkrows" ]; then
	awk -v tag=bulk -f "$live/cost-table.awk" "$tmp/bulkrows"
	info "bulk: MB/s: bytes received / the sender's seconds; CPU ms:" \
	    "the host's capture during the transfer, and in all (start to" \
	    "exit); vs none, vs stock: the median over the rounds of the" \
	    "throughput against the run without capture and stock" \
	    "tcpdump's run of the same round"
fi

# ---- names and processes (the agent step) -----------------------------
# agent_side SIDE DIR CIDNAME LOGLINE: the connection of agent.log's
# client to 3.1024, as SIDE's vsockdump without -n printed it (DIR's
# names.live.txt): named CIDNAME.kata-agent and host.LPORT; on the JSON
# line and on the -v lines, the local end (the host's client, the
# guest's server) owned by the logged process, the other side not local.
qname=${LIVE_HG_NAME:-hg-nested}
gname=${LIVE_HG_GUEST_HOSTNAME:-hg-inside}
lport=$(sed -n 's/^client .*lport=\([0-9]*\) port=1024 .*/\1/p' \
    "$res/agent.log" 2>/dev/null | tail -n 1)
cpid=$(sed -n 's/^client pid=\([0-9]*\) comm=own-cli .*/\1/p' \
    "$res/agent.log" 2>/dev/null | tail -n 1)
spid=$(sed -n 's/^server pid=\([0-9]*\) comm=own-srv .*/\1/p' \
    "$res/guest/agent.log" 2>/dev/null)
[ "$(cat "$res/agent.rc" 2>/dev/null)" = 0 ] &&
    [ "$(cat "$res/guest/agent.rc" 2>/dev/null)" = 0 ] &&
    [ -n "$lport" ] && [ -n "$cpid" ] && [ -n "$spid" ]
ck $? "agent: the host's client ($cpid) connected to the guest's server" \
    "($spid) on port 1024" -- "$(cat "$res/agent.log" \
    "$res/guest/agent.log" 2>/dev/null | tr '\n' ' ')"
agent_side() {
	_side=$1 _dir=$2 _cname=$3
	if [ "$_side" = host ]; then
		_src="$cpid/own-cli" _dst=null _spid=$cpid _scomm=own-cli \
		    _dpid=null _dcomm=null
	else
		_src=null _dst="$spid/own-srv" _spid=null _scomm=null \
		    _dpid=$spid _dcomm=own-srv
	fi
	grep -q 'process attribution' "$_dir/names.stderr" 2>/dev/null
	[ $? != 0 ] && [ "$(cat "$_dir/names.rc" 2>/dev/null)" = 0 ]
	ck $? "agent, $_side: vsockdump without -n ran, no note" -- \
	    "status $(cat "$_dir/names.rc" 2>/dev/null);" \
	    "$(grep -v '^[0-9]* packets\? \|^listening' \
	    "$_dir/names.stderr" 2>/dev/null | tr '\n' ' ')"
	_j=$(grep "\"src\":\"2\.$lport\",\"dst\":\"3\.1024\"" \
	    "$_dir/names.live.txt" 2>/dev/null)
	_want="\"src_name\":\"host.$lport\",\"dst_name\":\"$_cname.kata-agent\","
	_want="$_want\"src_pid\":$_spid,\"src_comm\":"
	[ "$_scomm" = null ] && _want="${_want}null," ||
	    _want="$_want\"$_scomm\","
	_want="$_want\"dst_pid\":$_dpid,\"dst_comm\":"
	[ "$_dcomm" = null ] && _want="${_want}null" ||
	    _want="$_want\"$_dcomm\""
	printf '%s\n' "$_j" | grep -qF "$_want"
	ck $? "agent, $_side: JSON: host.$lport > $_cname.kata-agent, the" \
	    "local end's process ($_src > $_dst)" -- "want $_want; got" \
	    "$(printf '%s' "$_j" | grep -o '"src_name.*dst_comm":[^,]*')"
	# The -v lines of the connection, both ways: the local end's
	# process or "?", never another; at least one shows it.
	awk -v l="host.$lport" -v c="$_cname.kata-agent" -v side="$_side" \
	    -v own="$([ "$_side" = host ] && echo "$cpid/own-cli" ||
	    echo "$spid/own-srv")" '
	$1 == l && $2 == ">" && $3 == c { fwd = 1 }
	$1 == c && $2 == ">" && $3 == l { fwd = 0 }
	($1 == l && $3 == c) || ($1 == c && $3 == l) {
		n++
		# The host owns the source going to the guest, the guest
		# the destination.
		want = ((side == "host") == fwd) ? "src" : "dst"
		if (!match($0, /\[(src|dst) [^]]*\]$/)) { bad++; next }
		t = substr($0, RSTART + 1, RLENGTH - 2)
		split(t, w, " ")
		if (w[1] != want || (w[2] != "?" && w[2] != own)) bad++
		if (w[2] == own) shown++
	}
	END { printf "%d %d %d\n", n, shown, bad }' \
	    "$_dir/names.live.txt" >"$tmp/agent" 2>/dev/null
	read -r _n _shown _bad <"$tmp/agent"
	[ "${_n:-0}" -gt 0 ] && [ "${_shown:-0}" -gt 0 ] && [ "${_bad:-1}" = 0 ]
	ck $? "agent, $_side: -v lines: host.$lport <> $_cname.kata-agent," \
	    "the local end's process shown, never another" -- \
	    "${_n:-0} lines, ${_shown:-0} show it, ${_bad:-?} wrong"
}
agent_side host "$res" "$qname"
agent_side guest "$res/guest" "$gname"
# The host names CID 3 only as QEMU's -name does.
! grep -q '^	3\.\|> 3\.' "$res/names.live.txt" 2>/dev/null &&
    grep -q "$qname\." "$res/names.live.txt" 2>/dev/null
ck $? "agent, host: CID 3 always named $qname (QEMU's -name), never a" \
    "number" -- "$(grep -m 2 '^	3\.\|> 3\.' "$res/names.live.txt" 2>/dev/null |
    tr '\n' ' ')"

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
