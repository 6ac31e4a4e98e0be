#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The stage "caps" of the live test: libpcap's vsockmon module (in
# tcpdump-patched) and vsockdump's own vsockmon support (vsockdump-stock,
# on Debian's libpcap) run with CAP_NET_ADMIN and CAP_NET_RAW only, as a
# user that is not root: copies of both programs given those
# capabilities by setcap, run as nobody.  Without CAP_SYS_ADMIN neither
# may make the network namespace a device of its own lives in, so both
# must refuse to create one, in the same words, with the same status,
# leaving no device behind; with a device made beforehand, both
# capture.  Run by /init as "stages-caps.sh STAGE OUTDIR" at the moments
# of scenarios/patched.sh:
#
#   nodev	vsockmon loaded, no device: a probe shows what the
#		capabilities allow (CapEff, and that unshare -n fails);
#		"-i vsockmon" with each program (caps-nodev-td,
#		caps-nodev-vs); the vsockmon devices and the module's
#		reference count before and after.
#   main	vsockmon0 up: "-i vsockmon" with each program at once
#		(caps-main-td, caps-main-vs) while traffic runs, checked
#		by check.sh like every functional capture; their users
#		and capabilities while they run, and the module's
#		reference count (no device made: the same as before).
#
# The copies are made in /tmp, a tmpfs: the initramfs (cpio) carries no
# extended attributes, so file capabilities are set at run time, where
# tmpfs keeps them (security.capability).  Results in OUTDIR, names
# starting with "caps-"; check-caps.sh checks them.
stage=${1:?usage: stages-caps.sh nodev|main OUTDIR}
out=${2:-/out}
. "$(dirname "$0")/stage-lib.sh"
NEW=
TRAFFIC_STDERR=$out/stages-traffic.stderr
for p in tcpdump-patched vsockdump-stock setcap getcap; do
	command -v "$p" >/dev/null || {
		echo "caps stage $stage: no $p, nothing to do"
		exit 0
	}
done

# The programs, with the two capabilities, and a directory the user
# can write to.
bin=/tmp/caps
w=/tmp/caps/w
if [ ! -d "$bin" ]; then
	mkdir -p "$w"
	chmod 755 "$bin"
	chmod 1777 "$w"
	cp "$(command -v tcpdump-patched)" "$bin/tcpdump"
	cp "$(command -v vsockdump-stock)" "$bin/vsockdump"
	cp /bin/busybox "$bin/busybox-caps"
	for p in tcpdump vsockdump busybox-caps; do
		chmod 755 "$bin/$p"
		setcap cap_net_admin,cap_net_raw=ep "$bin/$p" ||
		    echo "setcap $bin/$p failed"
	done
	getcap "$bin/tcpdump" "$bin/vsockdump" "$bin/busybox-caps" \
	    >"$out/caps-getcap.txt" 2>&1
fi

# asuser NAME CMD: CMD (one string) as nobody, 10 s at most; its
# output, status and the user.
asuser() {
	su -s /bin/sh nobody -c "cd $w && timeout 10 $2" \
	    >"$out/$1.out" 2>"$out/$1.stderr"
	echo $? >"$out/$1.rc"
}

# capture NAME PROG: PROG -i vsockmon as nobody, in the background,
# writing $w/NAME.pcap.
capture() {
	echo "kind=functional log=caps-main.traffic.log step=caps-main" \
	    >"$out/$1.meta"
	su -s /bin/sh nobody -c "exec $bin/$2 -i vsockmon -w $w/$1.pcap" \
	    2>"$w/$1.stderr" &
	eval "$(pidvar "$1")=$!"
	NEW="$NEW $1"
}

# whoruns NAME: the user and the effective capabilities of capture NAME.
whoruns() {
	awk -v n="$1" '/^Uid:/ { u = $2 } /^CapEff:/ { c = $2 }
	    END { print n ": uid " u " capeff " c }' \
	    "/proc/$(pidof_cap "$1")/status" >>"$out/caps-who.txt"
}

case $stage in
nodev)
	links caps-nodev-before
	refs caps-nodev-before
	asuser caps-probe-capeff "$bin/busybox-caps grep CapEff /proc/self/status"
	asuser caps-probe-unshare "$bin/busybox-caps unshare -n true"
	asuser caps-nodev-td "$bin/tcpdump -i vsockmon -w $w/x.pcap"
	asuser caps-nodev-vs "$bin/vsockdump -i vsockmon -w $w/x.pcap"
	links caps-nodev-after
	waitrefs caps-nodev-after 0
	;;

main)
	links caps-main-before
	refs caps-main-before
	capture caps-main-td tcpdump
	capture caps-main-vs vsockdump
	for n in caps-main-td caps-main-vs; do
		# waitlisten reads NAME.stderr in $out.
		_i=0
		while ! grep -q "listening on" "$w/$n.stderr" 2>/dev/null &&
		    [ "$_i" -lt 100 ]; do
			_i=$((_i + 1))
			usleep 100000
		done
		whoruns "$n"
	done
	refs caps-main-during
	counters vsockmon0 caps-main-start
	traffic caps-main -p 5600 -z 1,100,4096,70000 stream seqpacket refused
	counters vsockmon0 caps-main-stop
	stop caps-main-td caps-main-vs
	counters vsockmon0 caps-main-stopped
	for n in caps-main-td caps-main-vs; do
		cp "$w/$n.pcap" "$w/$n.stderr" "$out/" 2>/dev/null
	done
	links caps-main-after
	decode_captures vsockdump-stock
	;;
nomod)
	;;
*)
	echo "unknown stage $stage"
	exit 2
	;;
esac
echo "caps stage $stage done:$NEW"
exit 0
