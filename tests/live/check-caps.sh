#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks of the stage "caps" (scenarios/caps.sh): libpcap's vsockmon
# module (tcpdump-patched) and vsockdump's own vsockmon support
# (vsockdump-stock), each run as nobody with CAP_NET_ADMIN and
# CAP_NET_RAW only.  Run by check.sh; prints "ok" (with -v), "FAIL" and
# "info" lines, and last "result PASSED FAILED".  The content of the
# caps-main-* captures is checked by check.sh through their .meta files;
# here:
#   the setup	both copies carry exactly cap_net_admin,cap_net_raw=ep;
#		a program so given runs with just those (CapEff 0x3000)
#		and may not make a network namespace (unshare -n fails)
#   nodev	"-i vsockmon" with no device: both fail with exit status
#		1 and the same message (less the program's name), which
#		names CAP_SYS_ADMIN and says how to create a device by
#		hand; no device before or after, here or in any namespace
#		(the vsockmon module's reference count stays 0)
#   main	"-i vsockmon" with vsockmon0 up: both capture on it
#		(the module's reference count shows no other device), as
#		uid 65534 with CapEff 0x3000, and exit with status 0
#
# Usage: check-caps.sh [-v] RESULTDIR
set -u

verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
res=${1:?usage: check-caps.sh [-v] RESULTDIR}
. "$(dirname "$0")/check-lib.sh"

# refs STEP, who NAME: the module's reference count at STEP; the user
# and capabilities capture NAME ran with
refs() {
	sed -n "s/^$1: //p" "$res/refcnt.txt" 2>/dev/null | head -n 1
}
who() {
	sed -n "s/^$1: //p" "$res/caps-who.txt" 2>/dev/null | head -n 1
}
# message NAME: the error message of NAME, without the program's name
message() {
	sed '1s/^[a-z]*: //' "$res/$1.stderr" 2>/dev/null
}

TD="tcpdump (our libpcap's module)"
VS="vsockdump on Debian's libpcap"
CAPS="cap_net_admin,cap_net_raw=ep"

if [ -f "$res/caps-getcap.txt" ]; then
	for p in tcpdump vsockdump busybox-caps; do
		grep -q "^/tmp/caps/$p $CAPS\$" "$res/caps-getcap.txt"
		ck $? "setcap gave /tmp/caps/$p $CAPS" \
		    -- "$(tr '\n' ' ' <"$res/caps-getcap.txt")"
	done
	grep -qx 'CapEff:[[:space:]]*0000000000003000' \
	    "$res/caps-probe-capeff.out"
	ck $? "a program so given runs, as nobody, with CAP_NET_ADMIN and" \
	    "CAP_NET_RAW only (CapEff 0x3000)" \
	    -- "$(cat "$res/caps-probe-capeff.out" 2>/dev/null)"
	[ "$(rcof caps-probe-unshare)" != 0 ] &&
	    grep -q 'Operation not permitted' "$res/caps-probe-unshare.stderr"
	ck $? "with those it may not make a network namespace (unshare -n:" \
	    "EPERM)" -- "status $(rcof caps-probe-unshare):" \
	    "$(cat "$res/caps-probe-unshare.stderr" 2>/dev/null)"

	# --- no device -----------------------------------------------------
	mt=$(message caps-nodev-td) mv=$(message caps-nodev-vs)
	rt=$(rcof caps-nodev-td) rv=$(rcof caps-nodev-vs)
	info "caps only, no device: $TD: status $rt:" \
	    "$(tr '\n' ' ' <"$res/caps-nodev-td.stderr")"
	info "caps only, no device: $VS: status $rv:" \
	    "$(tr '\n' ' ' <"$res/caps-nodev-vs.stderr")"
	[ "$rt" = 1 ]
	ck $? "caps only, no device: $TD -i vsockmon exits with status 1" \
	    -- "status $rt"
	[ "$rv" = 1 ]
	ck $? "caps only, no device: $VS -i vsockmon exits with status 1" \
	    -- "status $rv"
	[ -n "$mt" ] && [ "$mt" = "$mv" ]
	ck $? "caps only, no device: both say the same" \
	    -- "tcpdump '$mt', vsockdump '$mv'"
	echo "$mt" | grep -q 'CAP_SYS_ADMIN' &&
	    echo "$mt" | grep -qF "ip link add name vsockmon0 type vsockmon"
	ck $? "caps only, no device: the message names CAP_SYS_ADMIN and" \
	    "says how to create a device by hand" -- "$mt"
	b=$(links caps-nodev-before) a=$(links caps-nodev-after)
	rb=$(refs caps-nodev-before) ra=$(refs caps-nodev-after)
	[ -z "$b$a" ] && [ "$rb" = 0 ] && [ "$ra" = 0 ]
	ck $? "caps only, no device: no device is left, here or in any" \
	    "namespace (the vsockmon module's references: 0, then 0)" \
	    -- "devices '$b' then '$a', references $rb then $ra"
else
	ck 1 "caps stage nodev ran" -- "no caps-getcap.txt"
fi

# --- a device made beforehand ----------------------------------------------
if [ -f "$res/caps-who.txt" ]; then
	for n in caps-main-td caps-main-vs; do
		case $n in *-td) what=$TD ;; *) what=$VS ;; esac
		[ "$(who "$n")" = "uid 65534 capeff 0000000000003000" ]
		ck $? "caps only, vsockmon0 up: $what captured as nobody with" \
		    "CAP_NET_ADMIN and CAP_NET_RAW only" -- "$(who "$n")"
		[ "$(rcof "$n")" = 0 ]
		ck $? "caps only, vsockmon0 up: $what exits with status 0" \
		    "after SIGINT" -- "status $(rcof "$n")"
		grep -q 'listening on vsockmon0\{0,1\},' "$res/$n.stderr" \
		    2>/dev/null
		ck $? "caps only, vsockmon0 up: $what listened" \
		    -- "$(head -n 2 "$res/$n.stderr" 2>/dev/null | tr '\n' ' ')"
	done
	rb=$(refs caps-main-before) rd=$(refs caps-main-during)
	[ -n "$rb" ] && [ "$rb" = "$rd" ]
	ck $? "caps only, vsockmon0 up: both use vsockmon0, none makes a" \
	    "device (the module's references stay $rb)" -- "$rb, then $rd"
	[ "$(links caps-main-after)" = "$(links caps-main-before)" ]
	ck $? "caps only, vsockmon0 up: the devices are as before" \
	    -- "'$(links caps-main-before)' then '$(links caps-main-after)'"
else
	ck 1 "caps stage main ran" -- "no caps-who.txt"
fi

echo "result $npass $nfail"
