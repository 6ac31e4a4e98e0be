#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks of the stages run by scenarios/patched.sh (tcpdump and
# vsockdump on our libpcap), and the burst benchmark table.  Run by
# check.sh; prints "ok" (with -v), "FAIL" and "info" lines, and last
# "result PASSED FAILED".
#
# Usage: check-patched.sh [-v] RESULTDIR
# Environment: LIVE_FLOWS (vsock-pcap-flows, required).
#
# The content of the stages' captures (create-*, vanish-*: every packet
# of the traffic, counts; dir-*, flt-*: valid pcap, host decoders agree)
# is checked by check.sh through their .meta files; here:
#   nomod	opening fails, the message says 'modprobe vsockmon';
#		-D lists no vsockmon entry; no device left behind
#   nodev	-D lists the "vsockmon" pseudo-device once, described;
#		as nobody, opening fails naming CAP_NET_ADMIN, and leaves
#		no device; tcpdump -i vsockmon creates one device, vsockdump
#		-i vsockmon reuses it, it survives vsockdump's exit and is
#		gone after tcpdump's
#   main	-D lists vsockmon0 once, "Linux vsock monitor", and no
#		pseudo-device; as nobody, opening vsockmon0 fails naming
#		CAP_NET_RAW; deleting the device mid-capture ends the
#		capture with a clear error and a non-zero status, the pcap
#		valid; -Q in/out/inout capture exactly the crafted frames
#		whose destination/source CID is local; "vsock port 7000"
#		captures exactly the packets of port 7000 that an
#		unfiltered capture got, on vsockmon0 and on "any", the
#		kernel holds the compiled program (SO_GET_FILTER), and the
#		kernel no longer counts the other packets as received
set -u

verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
res=${1:?usage: check-patched.sh [-v] RESULTDIR}
flows=${LIVE_FLOWS:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/live-cp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$(dirname "$0")/check-lib.sh"

# refs STEP: the vsockmon module's reference count at that step; uid CAP:
# the user a capture ran as
refs() {
	sed -n "s/^$1: //p" "$res/refcnt.txt" 2>/dev/null | head -n 1
}

uid() {
	sed -n "s/^$1: //p" "$res/uids.txt" 2>/dev/null | head -n 1
}

if [ -f "$res/links.txt" ]; then
	# ---- nomod ----------------------------------------------------
	if [ -f "$res/nomod-td-open.rc" ]; then
		failed_with nomod-td-open "modprobe vsockmon" \
		    "no vsockmon module: tcpdump -i vsockmon"
		failed_with nomod-td-open0 "modprobe vsockmon" \
		    "no vsockmon module: tcpdump -i vsockmon0"
		[ -f "$res/nomod-vd-open.rc" ] &&
		    failed_with nomod-vd-open "modprobe vsockmon" \
		    "no vsockmon module: vsockdump -i vsockmon"
		for p in td vd; do
			f=$res/nomod-$p-D.out
			[ -f "$f" ] || continue
			! grep -q 'vsockmon' "$f"
			ck $? "no vsockmon module: $p -D lists no vsockmon" \
			    "entry (the kernel cannot make one)" \
			    -- "$(grep vsockmon "$f" | head -n 2 | tr '\n' ' ')"
		done
		[ -z "$(links nomod-after)" ]
		ck $? "no vsockmon module: no vsockmon device afterwards" \
		    -- "$(links nomod-after)"
	else
		ck 1 "stage nomod ran" -- "no nomod-td-open.rc"
	fi

	# ---- nodev ----------------------------------------------------
	pseudo='vsockmon (Linux vsock monitor (a vsockmon device is created when opened))'
	for p in td vd; do
		f=$res/nodev-$p-D.out
		[ -f "$f" ] || continue
		n=$(grep -c '^\([0-9]*\.\)\{0,1\}vsockmon ' "$f")
		[ "$n" = 1 ] && grep -qF "$pseudo" "$f"
		ck $? "vsockmon loaded, no device: $p -D lists the" \
		    "pseudo-device once as \"$pseudo\"" \
		    -- "$n entries: $(grep vsockmon "$f" | tr '\n' ' ')"
	done
	failed_with nodev-td-perm CAP_NET_ADMIN \
	    "as nobody, no device: tcpdump -i vsockmon"
	[ -f "$res/nodev-vd-perm.rc" ] &&
	    failed_with nodev-vd-perm CAP_NET_ADMIN \
	    "as nobody, no device: vsockdump -i vsockmon"
	grep -q 'whoami: 65534' "$res/nodev-td-perm.out" 2>/dev/null
	ck $? "the unprivileged runs were really uid 65534" \
	    -- "$(cat "$res/nodev-td-perm.out" 2>/dev/null)"
	[ -z "$(links nodev-after-perm)" ]
	ck $? "a refused open leaves no vsockmon device" \
	    -- "$(links nodev-after-perm)"
	b=$(links create-before) d=$(links create-during)
	d2=$(links create-during2) a=$(links create-after)
	rb=$(refs create-before) rd=$(refs create-during)
	rd2=$(refs create-during2) ra1=$(refs create-after-vd)
	ra=$(refs create-after)
	info "tcpdump -i vsockmon: vsockmon devices here before '$b'," \
	    "during '$d', with vsockmon too '$d2', after '$a'; the module's" \
	    "references: $rb, $rd, $rd2, after vsockdump ${ra1:-(none)}," \
	    "after $ra; tcpdump ran as uid $(uid create-td)"
	[ -z "$b$d$d2$a" ]
	ck $? "tcpdump -i vsockmon: the device it creates is in a" \
	    "namespace of its own (none appears here)" -- "$b|$d|$d2|$a"
	[ "$rb" = 0 ] && [ "$rd" = 1 ]
	ck $? "tcpdump -i vsockmon: created one device, up, while" \
	    "capturing (the vsockmon module's references: 0, then 1)" \
	    -- "$rb, $rd"
	[ "$(uid create-td)" = 104 ]
	ck $? "tcpdump dropped its privileges to user tcpdump (uid 104)" \
	    "while capturing" -- "uid $(uid create-td)"
	if [ -f "$res/create-vd.pcap" ]; then
		[ "$rd2" = 2 ] && [ "$ra1" = 1 ]
		ck $? "vsockdump -i vsockmon creates a device of its own," \
		    "gone when it exits (references 2, then 1)" \
		    -- "$rd2, $ra1"
	fi
	[ "$rd" = 1 ] && [ "$ra" = 0 ]
	ck $? "tcpdump -i vsockmon, running as user tcpdump: the device" \
	    "is removed at exit (the module's references back to 0)" \
	    -- "$rd, then $ra"
	[ "$(rcof create-td)" = 0 ]
	ck $? "tcpdump -i vsockmon: exit status 0 after SIGINT" \
	    -- "$(rcof create-td)"

	# ---- main -----------------------------------------------------
	for p in td vd; do
		f=$res/main-$p-D.out
		[ -f "$f" ] || continue
		n=$(grep -c '^\([0-9]*\.\)\{0,1\}vsockmon0 ' "$f")
		[ "$n" = 1 ] &&
		    grep '^\([0-9]*\.\)\{0,1\}vsockmon0 ' "$f" |
		    grep -qF '(Linux vsock monitor)'
		ck $? "vsockmon0 up: $p -D lists it once, as" \
		    "\"Linux vsock monitor\"" \
		    -- "$n entries: $(grep vsockmon "$f" | tr '\n' ' ')"
		! grep -q '^\([0-9]*\.\)\{0,1\}vsockmon ' "$f"
		ck $? "vsockmon0 up: $p -D lists no pseudo-device"
	done
	failed_with main-td-perm CAP_NET_RAW \
	    "as nobody: tcpdump -i vsockmon0"
	[ -f "$res/main-vd-perm.rc" ] &&
	    failed_with main-vd-perm CAP_NET_RAW \
	    "as nobody: vsockdump -i vsockmon0"

	for p in td vd; do
		n=vanish-$p
		[ -f "$res/$n.meta" ] || continue
		r=$(rcof "$n")
		[ "$r" != hung ]
		ck $? "$n: the capture ends by itself when its device is" \
		    "deleted" -- "status $r"
		failed_with "$n" "vsockmon1 was removed during the capture" \
		    "$n: device deleted mid-capture"
		"$flows" "$res/$n.pcap" >"$tmp/f" 2>&1 &&
		    ! grep -q '^error' "$tmp/f" &&
		    grep -q '^file linktype=271 packets=[1-9]' "$tmp/f"
		ck $? "$n: the pcap is valid and holds packets" \
		    -- "$(tail -n 1 "$tmp/f")"
	done

	# -Q: expected from what was injected.
	if [ -f "$res/dir.inject.log" ]; then
		[ "$(cat "$res/dir.inject.rc")" = 0 ]
		ck $? "crafted frames injected" -- "$(cat "$res/dir.inject.log")"
		dir_expect "$res/dir.inject.log"
		info "-Q expectations: in $(wc -l <"$tmp/in"), out" \
		    "$(wc -l <"$tmp/out"), inout $(wc -l <"$tmp/inout")" \
		    "crafted frames (CID 1 is the only local CID here)"
		for c in td-in td-out td-inout vd-in vd-out; do
			n=dir-$c
			[ -f "$res/$n.pcap" ] || continue
			d=${c#*-}
			dir_got "$res/$n.pcap"
			cmp -s "$tmp/got" "$tmp/$d.s"
			case $d in
			in)	what="frames whose destination CID is local" ;;
			out)	what="frames whose source CID is local" ;;
			*)	what="frames" ;;
			esac
			ck $? "$n: -Q $d captures exactly the" \
			    "$(wc -l <"$tmp/$d.s") $what" \
			    -- "got $(wc -l <"$tmp/got")"
			r=$(figure "$n" received)
			w=$(figure "$n" captured)
			[ -n "$r" ] && [ "$r" = "$w" ]
			ck $? "$n: received by filter == captured (the" \
			    "direction test rejects in the kernel)" \
			    -- "received $r, captured $w"
		done
		if [ -f "$res/dir-td-in.kfilter" ]; then
			kprog "$res/dir-td-in.kfilter" >"$tmp/k"
			n=$(head -n 1 "$tmp/k")
			[ "${n:-0}" -ge 5 ] && [ "$(tail -n 1 "$tmp/k")" = "6 0 0 0" ]
			ck $? "dir-td-in: the kernel holds a direction test" \
			    "(SO_GET_FILTER: $n instructions)" \
			    -- "$(cat "$res/dir-td-in.kfilter" | head -n 3 | tr '\n' ' ')"
		fi
		if [ -f "$res/dir-stock-in.pcap" ]; then
			info "stock tcpdump -Q in on vsockmon0 captured" \
			    "$("$flows" "$res/dir-stock-in.pcap" | sed -n \
			    's/^file .*packets=//p') of" \
			    "$(wc -l <"$tmp/inout") frames"
		fi
	fi

	# Filters.
	if [ -f "$res/flt-all.pcap" ]; then
		pkts "$res/flt-all.pcap" >"$tmp/all"
		awk '{ s = $3; d = $4; sub(/.*\./, "", s); sub(/.*\./, "", d);
		    if (s == 7000 || d == 7000) print }' "$tmp/all" >"$tmp/want"
		na=$(wc -l <"$tmp/all") nw=$(wc -l <"$tmp/want")
		info "filter 'vsock port 7000': the unfiltered capture has" \
		    "$na packets, $nw of them on port 7000"
		[ "$(figure flt-all dropped)" = 0 ] && [ "$nw" -gt 0 ] &&
		    [ "$na" -gt "$nw" ]
		ck $? "flt-all: complete (no drop), with packets of port" \
		    "7000 and of other flows" \
		    -- "dropped $(figure flt-all dropped), $na packets, $nw on 7000"
		for n in flt-td flt-vd flt-any; do
			[ -f "$res/$n.pcap" ] || continue
			pkts "$res/$n.pcap" >"$tmp/got"
			cmp -s "$tmp/got" "$tmp/want"
			ck $? "$n: 'vsock port 7000' captures exactly the" \
			    "$nw packets of port 7000, in order" \
			    -- "got $(wc -l <"$tmp/got"); first difference:" \
			    "$(diff "$tmp/want" "$tmp/got" | grep '^[<>]' |
			    head -n 1)"
			[ "$(figure "$n" dropped)" = 0 ]
			ck $? "$n: no packet dropped by kernel" \
			    -- "$(figure "$n" dropped)"
		done
		lt=$("$flows" "$res/flt-any.pcap" 2>/dev/null |
		    sed -n 's/^file linktype=\([0-9]*\).*/\1/p')
		[ "$lt" = 276 ]
		ck $? "flt-any: -i any gives LINUX_SLL2 frames" -- "linktype $lt"
		kprog "$res/flt-all.kfilter" >"$tmp/k"
		cmp -s "$tmp/k" "$res/flt-none-ddd.out"
		ck $? "flt-all: the kernel holds the unfiltered program" \
		    "(tcpdump -ddd with no expression)" \
		    -- "$(tr '\n' ' ' <"$tmp/k")"
		for n in flt-td flt-vd; do
			[ -f "$res/$n.kfilter" ] || continue
			kprog "$res/$n.kfilter" >"$tmp/k"
			cmp -s "$tmp/k" "$res/flt-td-ddd.out" &&
			    [ "$(head -n 1 "$tmp/k")" -gt 1 ]
			ck $? "$n: the kernel holds the compiled 'vsock port" \
			    "7000' ($(head -n 1 "$res/flt-td-ddd.out")" \
			    "instructions, as tcpdump -ddd; SO_GET_FILTER)" \
			    -- "kernel: $(head -n 1 "$tmp/k") instructions"
			r=$(figure "$n" received)
			w=$(figure "$n" captured)
			ra=$(figure flt-all received)
			[ -n "$r" ] && [ "$r" = "$w" ] && [ "$r" -lt "$ra" ]
			ck $? "$n: received by filter == captured < the" \
			    "unfiltered capture's (the kernel drops the rest)" \
			    -- "received $r, captured $w, unfiltered $ra"
		done
		kprog "$res/flt-any.kfilter" >"$tmp/k"
		n=$(head -n 1 "$tmp/k")
		[ "${n:-0}" -gt 1 ]
		ck $? "flt-any: the kernel holds a filter on the -i any" \
		    "socket (SO_GET_FILTER: ${n:-no} instructions;" \
		    "tcpdump -ddd: $(head -n 1 "$res/flt-any-ddd.out"))" \
		    -- "received by filter $(figure flt-any received)," \
		    "captured $(figure flt-any captured): the filter runs in" \
		    "userland; pcap-linux.c fix_offset() maps no load of the" \
		    "SLL2 hatype field (offset 8) or SLL's (offset 2) to" \
		    "SKF_AD_OFF + SKF_AD_HATYPE, so 'vsock' cannot go to the" \
		    "kernel on -i any"
		if [ -f "$res/flt-stock.rc" ]; then
			info "stock tcpdump 'port 7000' on vsockmon0: status" \
			    "$(rcof flt-stock): $(grep -v '^$' \
			    "$res/flt-stock.stderr" | head -n 1)"
		fi
	fi
fi

# ---- benchmark table ------------------------------------------------
if ls "$res"/burst-*.log >/dev/null 2>&1; then
	info "bench: burst of small messages over CID 1, each capture" \
	    "alone, default buffer and snaplen"
	printf 'info bench: %-13s %-26s %6s %9s %7s %8s %8s %7s %7s\n' \
	    capture "libpcap path, mode" sent "msg/s" seen captured \
	    received dropped lost
	for f in "$res"/burst-*.log; do
		n=$(basename "$f" .log)
		c=${n#burst-}
		case $c in
		stock*)	path="stock 1.10.3 generic" ;;
		vs*)	path="stock 1.10.3 + vsockdump" ;;
		*)	path="ours (pcap-vsockmon)" ;;
		esac
		case $c in
		*-dflt)	path="$path, dflt" ;;
		*-attr)	path="$path, imm, owners" ;;
		*)	path="$path, imm" ;;
		esac
		awk -v c="$c" -v path="$path" -v step="$n" '
		function kv(k,    i) {
			for (i = 1; i <= NF; i++)
				if (index($i, k "=") == 1)
					return substr($i, length(k) + 2)
			return ""
		}
		FILENAME ~ /\.log$/ && $1 == "burst" {
			count = kv("count"); rate = kv("rate")
		}
		# The count after the capture stopped: vsock_loopback
		# hands packets to the taps from a work queue.
		FILENAME ~ /stats\.txt$/ && ($1 == step "-start" ||
		    $1 == step "-stopped") {
			v = kv("rx_packets") + kv("tx_packets")
			if ($1 == step "-start") s0 = v; else s1 = v
		}
		FILENAME ~ /\.stderr$/ && $2 ~ /^packets?$/ {
			if ($3 == "captured") cap = $1
			if ($3 == "received") rcv = $1
			if ($3 == "dropped") drp = $1
		}
		END {
			printf "info bench: %-13s %-26s %6s %9d %7d %8s %8s %7s %7d\n",
			    c, path, count, rate, s1 - s0, cap, rcv, drp,
			    s1 - s0 - cap - drp
		}' "$f" "$res/stats.txt" "$res/$n.stderr"
	done
	info "bench: sent = messages, seen = packets vsockmon0 counted" \
	    "(data + control), lost = seen - captured - dropped (lost at" \
	    "stop, uncounted); imm = --immediate-mode, dflt = without;" \
	    "owners = process attribution on (-z conv,vsock,json, no -n)"
fi

echo "result $npass $nfail"
