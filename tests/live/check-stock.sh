#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks of the stages of vsockdump on Debian's unpatched libpcap
# (scenarios/stock.sh, "vsockdump-stock" in the VM): the same behaviour
# as our libpcap's vsockmon module.  Run by check.sh; prints "ok" (with
# -v), "FAIL" and "info" lines, and last "result PASSED FAILED".  The
# content of the vs-create and vs-vanish captures (every packet of their
# traffic) is checked by check.sh through their .meta files; here:
#   nomod	-D lists no vsockmon entry; opening "vsockmon" and
#		"vsockmon0" fails saying 'modprobe vsockmon'
#   nodev	-D lists the pseudo-device once; as nobody, opening it
#		fails naming CAP_NET_ADMIN and leaves no device; "-i
#		vsockmon" creates one device, up, in a namespace of its own
#		(none appears here; the vsockmon module's references go
#		0, 1), with no process beside vsockdump, and it is gone
#		(references back to 0) after SIGINT, after SIGTERM with -Z
#		nobody (the capture really ran as nobody), and after
#		SIGKILL
#   main	-D lists vsockmon0 once as "Linux vsock monitor", no
#		pseudo-device; -L lists VSOCK; as nobody, opening vsockmon0
#		fails naming CAP_NET_RAW; a deleted device ends the capture
#		with a message and a valid pcap; -Q in/out/inout capture
#		exactly the crafted frames whose destination/source CID is
#		local, the test in the kernel (received == captured, the
#		kernel holds the program that -ddd prints); "vsock port
#		7000" on vsockmon0 and on "any" captures exactly the port
#		7000 packets of the unfiltered capture, the kernel holds
#		the program -ddd prints (on "any", with the ARPHRD test on
#		the kernel's field), and counts nothing else
#
# Usage: check-stock.sh [-v] RESULTDIR
# Environment: LIVE_FLOWS (vsock-pcap-flows, required).
set -u

verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
res=${1:?usage: check-stock.sh [-v] RESULTDIR}
flows=${LIVE_FLOWS:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/live-cs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$(dirname "$0")/check-lib.sh"

V="vsockdump on Debian's libpcap"

# kernel_view DDD: the program of a -ddd listing on LINUX_SLL2 as the
# kernel must hold it (src/kernel-socket.c): a load past the 20-byte
# cooked header moves back by 20; the ARPHRD type (offset 8) is the
# kernel's SKF_AD_OFF + SKF_AD_HATYPE (4294963200 + 28).
kernel_view() {
	awk 'NR == 1 { print; next }
	    ($1 == 32 || $1 == 40 || $1 == 48 || $1 == 64 || $1 == 72 ||
	     $1 == 80 || $1 == 177) && $4 < 4294963200 {
		if ($4 >= 20) $4 -= 20
		else if ($4 == 8 && $1 == 40) $4 = "4294963228" }
	    { print }' "$1"
}
pseudo='vsockmon (Linux vsock monitor (a vsockmon device is created when opened))'

# refs STEP: the vsockmon module's reference count at STEP; uid NAME,
# children NAME: the user capture NAME ran as, the processes it had
refs() {
	sed -n "s/^$1: //p" "$res/refcnt.txt" 2>/dev/null | head -n 1
}
uid() {
	sed -n "s/^$1: //p" "$res/uids.txt" 2>/dev/null | head -n 1
}
children() {
	sed -n "s/^$1://p" "$res/children.txt" 2>/dev/null | head -n 1
}

# --- nomod -------------------------------------------------------------
if [ -f "$res/vs-nomod-open.rc" ]; then
	failed_with vs-nomod-open "modprobe vsockmon" \
	    "no vsockmon module: $V -i vsockmon"
	failed_with vs-nomod-open0 "modprobe vsockmon" \
	    "no vsockmon module: $V -i vsockmon0"
	! grep -q vsockmon "$res/vs-nomod-D.out"
	ck $? "no vsockmon module: $V -D lists no vsockmon entry" \
	    -- "$(grep vsockmon "$res/vs-nomod-D.out" | tr '\n' ' ')"
	[ -z "$(links vs-nomod-after)" ]
	ck $? "no vsockmon module: no device afterwards" -- \
	    "$(links vs-nomod-after)"
else
	ck 1 "stock stage nomod ran" -- "no vs-nomod-open.rc"
fi

# --- nodev -------------------------------------------------------------
if [ -f "$res/vs-nodev-D.out" ]; then
	f=$res/vs-nodev-D.out
	n=$(grep -c '^\([0-9]*\.\)\{0,1\}vsockmon ' "$f")
	[ "$n" = 1 ] && grep -qF "$pseudo" "$f"
	ck $? "vsockmon loaded, no device: $V -D lists the pseudo-device" \
	    "once as \"$pseudo\"" -- "$n entries: $(tr '\n' ' ' <"$f")"
	failed_with vs-nodev-perm CAP_NET_ADMIN \
	    "as nobody, no device: $V -i vsockmon"
	grep -q 'whoami: 65534' "$res/vs-nodev-perm.out"
	ck $? "the unprivileged run was really uid 65534"
	[ -z "$(links vs-nodev-after-perm)" ]
	ck $? "a refused open leaves no vsockmon device" \
	    -- "$(links vs-nodev-after-perm)"

	b=$(links vs-create-before) d=$(links vs-create-during)
	a=$(links vs-create-after)
	rb=$(refs vs-create-before) rd=$(refs vs-create-during)
	ra=$(refs vs-create-after)
	info "$V -i vsockmon: vsockmon devices here before '$b', during" \
	    "'$d', after '$a'; the module's references $rb, $rd, $ra;" \
	    "vsockdump's child processes: '$(children vs-create)'"
	[ -z "$b$d$a" ]
	ck $? "$V -i vsockmon: the device it creates is in a namespace of" \
	    "its own (none appears here)" -- "$b|$d|$a"
	[ "$rb" = 0 ] && [ "$rd" = 1 ]
	ck $? "$V -i vsockmon: created one device, up, while capturing" \
	    "(the vsockmon module's references: 0, then 1)" -- "$rb, $rd"
	grep -q '^vs-create:$' "$res/children.txt" 2>/dev/null
	ck $? "$V -i vsockmon: no helper process (vsockdump has no child)" \
	    -- "children:$(children vs-create)"
	[ "$rd" = 1 ] && [ "$ra" = 0 ]
	ck $? "$V -i vsockmon: the device is gone after exit (SIGINT;" \
	    "references back to 0)" -- "$rd, then $ra"
	[ "$(rcof vs-create)" = 0 ]
	ck $? "$V -i vsockmon: exit status 0 after SIGINT" -- "$(rcof vs-create)"

	d=$(links vs-createz-during) a=$(links vs-createz-after)
	rd=$(refs vs-createz-during) ra=$(refs vs-createz-after)
	[ -z "$d$a" ] && [ "$rd" = 1 ] && [ "$ra" = 0 ]
	ck $? "$V -i vsockmon -Z nobody: created, and gone after SIGTERM" \
	    "although the capture had dropped to nobody" \
	    -- "devices here '$d' then '$a', references $rd then $ra"
	[ "$(uid vs-createz)" = 65534 ]
	ck $? "$V -Z nobody: the capturing process ran as uid 65534" \
	    -- "uid $(uid vs-createz)"
	[ "$(rcof vs-createz)" = 0 ]
	ck $? "$V -Z nobody: exit status 0 after SIGTERM" \
	    -- "$(rcof vs-createz)"
	nz=$("$flows" "$res/vs-createz.pcap" 2>/dev/null |
	    sed -n 's/^file .*packets=\([0-9]*\).*/\1/p')
	[ "${nz:-0}" -gt 0 ]
	ck $? "$V -Z nobody: its pcap holds the traffic" -- "${nz:-no} packets"

	d=$(links vs-kill-during) a=$(links vs-kill-after)
	rd=$(refs vs-kill-during) ra=$(refs vs-kill-after)
	[ -z "$d$a" ] && [ "$rd" = 1 ] && [ "$ra" = 0 ]
	ck $? "$V -i vsockmon killed (SIGKILL): the device is gone all" \
	    "the same" -- "devices here '$d' then '$a', references $rd then $ra"
else
	ck 1 "stock stage nodev ran" -- "no vs-nodev-D.out"
fi

# --- main --------------------------------------------------------------
if [ -f "$res/vs-main-D.out" ]; then
	f=$res/vs-main-D.out
	n=$(grep -c '^\([0-9]*\.\)\{0,1\}vsockmon0 ' "$f")
	[ "$n" = 1 ] && grep '^\([0-9]*\.\)\{0,1\}vsockmon0 ' "$f" |
	    grep -qF '(Linux vsock monitor)' &&
	    ! grep -q '^\([0-9]*\.\)\{0,1\}vsockmon ' "$f"
	ck $? "vsockmon0 up: $V -D lists it once as \"Linux vsock" \
	    "monitor\", and no pseudo-device" -- "$(tr '\n' ' ' <"$f")"
	grep -q 'Data link types for vsockmon0' "$res/vs-main-L.stderr" &&
	    grep -q '^  VSOCK (Linux vsock)$' "$res/vs-main-L.stderr" &&
	    [ "$(rcof vs-main-L)" = 0 ]
	ck $? "$V -L -i vsockmon0 lists VSOCK" \
	    -- "$(tr '\n' ' ' <"$res/vs-main-L.stderr")"
	grep -q 'data link type LINUX_SLL$' "$res/vs-any-y.stderr" &&
	    grep -q '^(000) ldh      \[2\]$' "$res/vs-any-y.out" &&
	    grep -q 'jeq      #0x33a' "$res/vs-any-y.out"
	ck $? "$V -y LINUX_SLL -i any: the link type is set, the" \
	    "program tests the ARPHRD type of the LINUX_SLL header" \
	    -- "$(tr '\n' ' ' <"$res/vs-any-y.stderr") $(head -n 1 "$res/vs-any-y.out")"
	failed_with vs-main-perm CAP_NET_RAW "as nobody: $V -i vsockmon0"

	r=$(rcof vs-vanish)
	[ "$r" != hung ] && [ "$r" != 0 ]
	ck $? "vs-vanish: the capture ends by itself, non-zero, when its" \
	    "device is deleted" -- "status $r"
	msg=$(grep -v -e '^$' -e 'listening on' -e '^[0-9]* packets\{0,1\} ' \
	    "$res/vs-vanish.stderr" | head -n 2 | tr '\n' ' ')
	[ -n "$msg" ]
	ck $? "vs-vanish: with a message" -- "$msg"
	info "vs-vanish: $msg"
	"$flows" "$res/vs-vanish.pcap" >"$tmp/f" 2>&1 &&
	    ! grep -q '^error' "$tmp/f" &&
	    grep -q '^file linktype=271 packets=[1-9]' "$tmp/f"
	ck $? "vs-vanish: the pcap is valid and holds packets" \
	    -- "$(tail -n 1 "$tmp/f")"

	# -Q by CID, in the kernel.
	[ "$(cat "$res/vs-dir.inject.rc" 2>/dev/null)" = 0 ]
	ck $? "crafted frames injected" -- \
	    "$(cat "$res/vs-dir.inject.log" 2>/dev/null)"
	dir_expect "$res/vs-dir.inject.log"
	for d in in out inout; do
		n=vs-dir-$d
		dir_got "$res/$n.pcap"
		cmp -s "$tmp/got" "$tmp/$d.s"
		ck $? "$n: $V -Q $d captures exactly the" \
		    "$(wc -l <"$tmp/$d.s") crafted frames it must" \
		    -- "got $(wc -l <"$tmp/got")"
		r=$(figure "$n" received)
		w=$(figure "$n" captured)
		[ -n "$r" ] && [ "$r" = "$w" ]
		ck $? "$n: received by filter == captured (the direction" \
		    "test rejects in the kernel)" -- "received $r, captured $w"
	done
	kprog "$res/vs-dir-in.kfilter" >"$tmp/k"
	cmp -s "$tmp/k" "$res/vs-dir-in-ddd.out" && [ "$(head -n 1 "$tmp/k")" -gt 1 ]
	ck $? "vs-dir-in: the kernel holds the direction test that -ddd" \
	    "prints ($(head -n 1 "$res/vs-dir-in-ddd.out") instructions)" \
	    -- "kernel: $(head -n 1 "$tmp/k") instructions"

	# Filters, in the kernel.
	pkts "$res/vs-flt-all.pcap" >"$tmp/all"
	awk '{ s = $3; d = $4; sub(/.*\./, "", s); sub(/.*\./, "", d);
	    if (s == 7000 || d == 7000) print }' "$tmp/all" >"$tmp/want"
	na=$(wc -l <"$tmp/all") nw=$(wc -l <"$tmp/want")
	info "$V 'vsock port 7000': the unfiltered capture has $na" \
	    "packets, $nw of them on port 7000"
	[ "$(figure vs-flt-all dropped)" = 0 ] && [ "$nw" -gt 0 ] &&
	    [ "$na" -gt "$nw" ]
	ck $? "vs-flt-all: complete (no drop), with packets of port 7000" \
	    "and of other flows" -- "dropped $(figure vs-flt-all dropped)"
	for n in vs-flt-vd vs-flt-any; do
		pkts "$res/$n.pcap" >"$tmp/got"
		cmp -s "$tmp/got" "$tmp/want"
		ck $? "$n: 'vsock port 7000' captures exactly the $nw" \
		    "packets of port 7000, in order" -- "got $(wc -l <"$tmp/got")"
		[ "$(figure "$n" dropped)" = 0 ]
		ck $? "$n: no packet dropped by kernel" -- "$(figure "$n" dropped)"
		kprog "$res/$n.kfilter" >"$tmp/k"
		if [ "$n" = vs-flt-any ]; then
			kernel_view "$res/$n-ddd.out" >"$tmp/want-k"
		else
			cp "$res/$n-ddd.out" "$tmp/want-k"
		fi
		cmp -s "$tmp/k" "$tmp/want-k" && [ "$(head -n 1 "$tmp/k")" -gt 1 ]
		ck $? "$n: the kernel holds the whole program -ddd prints" \
		    "($(head -n 1 "$res/$n-ddd.out") instructions; SO_GET_FILTER)" \
		    -- "kernel: $(head -n 1 "$tmp/k") instructions"
		r=$(figure "$n" received)
		w=$(figure "$n" captured)
		ra=$(figure vs-flt-all received)
		[ -n "$r" ] && [ "$r" = "$w" ] && [ "$r" -lt "$ra" ]
		ck $? "$n: received by filter == captured < the unfiltered" \
		    "capture's (the kernel drops the rest)" \
		    -- "received $r, captured $w, unfiltered $ra"
	done
	kprog "$res/vs-flt-all.kfilter" >"$tmp/k"
	cmp -s "$tmp/k" "$res/vs-flt-none-ddd.out"
	ck $? "vs-flt-all: the kernel holds the unfiltered program"
	lt=$("$flows" "$res/vs-flt-any.pcap" 2>/dev/null |
	    sed -n 's/^file linktype=\([0-9]*\).*/\1/p')
	[ "$lt" = 276 ]
	ck $? "vs-flt-any: -i any gives LINUX_SLL2 frames" -- "linktype $lt"
else
	ck 1 "stock stage main ran" -- "no vs-main-D.out"
fi

echo "result $npass $nfail"
