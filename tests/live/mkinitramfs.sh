#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Builds the live-test initramfs (cpio newc, gzip): busybox-static with
# its applets, the vsock modules and their dependencies from the
# unpacked kernel package, our programs, /init and a scenario script.
#
# Usage: mkinitramfs.sh OUTPUT.cpio.gz
# Environment:
#	LIVE_KROOT, LIVE_KVER	unpacked kernel package (fetch-kernel.sh)
#	LIVE_TRAFFIC		vsock-traffic, static (required)
#	LIVE_VSOCKDUMP		vsockdump (optional; dynamic ones get their
#				libraries copied along)
#	LIVE_TCPDUMP		tcpdump (default /usr/bin/tcpdump if present;
#				"none" for no tcpdump)
#	LIVE_TCPDUMP_PATCHED	a second tcpdump, as /bin/tcpdump-patched
#	LIVE_VSOCKDUMP_STOCK	vsockdump on Debian's unpatched libpcap
#				(static), as /bin/vsockdump-stock, with its
#				stages (scenarios/stock.sh); with
#				LIVE_TCPDUMP_PATCHED too, the stage "caps"
#				(scenarios/caps.sh), and setcap and getcap
#	LIVE_SCENARIO		scenario script (default scenarios/capture.sh)
#	LIVE_STAGES		stage script, run by /init before vsockmon is
#				loaded, before vsockmon0 exists and after the
#				scenario (see init); none if unset or "none"
#	LIVE_FAULTS		fault stage script (scenarios/faults.sh),
#				run by /init last; none if unset or "none"
#	LIVE_EXTRA_BINS		more programs to copy into /bin
#	LIVE_EXTRA_FILES	more files, as SRC=DEST (an absolute path
#				in the initramfs), with their libraries
#	LIVE_MODULES		the modules to load, instead of the
#				loopback set (their dependencies are added)
#	LIVE_LATE_MODULES	modules the scenario loads, not /init
#				(default vsock_diag: phase N first runs
#				without it), listed in /etc/live/late-modules
#	LIVE_OWNERS		vsock-owners (static), for phase N
#	LIVE_PROTOCOLS		the protocol stage (protocols/stage.sh), run
#				by /init after stage "main", as
#				/etc/live/protocols.sh; with it:
#	LIVE_PROTO_BINS		its programs (dynamic ones with their
#				libraries), into /bin
#	LIVE_PROTO_TREE		a directory copied over the root (keys,
#				certificates, files the programs use)
#	LIVE_PROTO_MODULES	more modules to load (9P)
#	LIVE_STRIP		1: strip the programs (a smaller initramfs
#				unpacks faster in a nested guest)
#	LIVE_TRAFFIC_ARGS LIVE_BURST_ARGS LIVE_IFACE LIVE_CAPTURES LIVE_FUNC_ARGS
#	LIVE_DFLT_CAPTURES LIVE_BURST_CAPTURES LIVE_STAGE_TIMEOUT
#	LIVE_NO_BURST LIVE_GUEST_TIMEOUT LIVE_CAPCMD_* LIVE_HG_* LIVE_NO_ANALYSIS
#	LIVE_STALL_PAUSE LIVE_STALL_THRESHOLD LIVE_PROTO_TIMEOUT LIVE_COST_*
#				written to /etc/live/env for the scenario
#				(see scenarios/capture.sh)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: mkinitramfs.sh OUTPUT.cpio.gz}
: "${LIVE_KROOT:?}" "${LIVE_KVER:?}" "${LIVE_TRAFFIC:?}"
scenario=${LIVE_SCENARIO:-$here/scenarios/capture.sh}
stages=${LIVE_STAGES:-}
[ "$stages" = none ] && stages=
tcpdump=${LIVE_TCPDUMP:-}
if [ -z "$tcpdump" ] && [ -x /usr/bin/tcpdump ]; then
	tcpdump=/usr/bin/tcpdump
fi
[ "$tcpdump" = none ] && tcpdump=
# Load order: each module after what it depends on.
MODULES=${LIVE_MODULES:-vsock vmw_vsock_virtio_transport_common vsock_loopback vsockmon}

log() {
	echo "mkinitramfs: $*" >&2
}

root=$(mktemp -d "${TMPDIR:-/tmp}/live-initramfs.XXXXXX")
chmod 755 "$root"	# mktemp makes it 700: "/" for the unprivileged runs
trap 'rm -rf "$root"' EXIT INT TERM
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" \
    "$root/out" "$root/etc/live" "$root/lib/modules" "$root/root"

# busybox and its applets.
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
ln -s bin "$root/sbin"
mkdir -p "$root/usr"
ln -s ../bin "$root/usr/bin"
ln -s ../bin "$root/usr/sbin"

# Modules, dependencies first, as modules.dep lists them.
moddir=$LIVE_KROOT/lib/modules/$LIVE_KVER
loaded=
modlist=$root/etc/live/modules
add_module() {
	# dash, bash and busybox sh all have "local"; the recursion needs it.
	local name line path deps d dn
	name=$1
	case " $loaded " in *" $name "*) return 0 ;; esac
	line=$(grep -E "(^|/)$name\.ko(\.[a-z]+)?:" "$moddir/modules.dep" |
	    head -n 1) || true
	if [ -z "$line" ]; then
		log "module $name not in modules.dep"
		exit 1
	fi
	path=${line%%:*}
	deps=${line#*:}
	for d in $deps; do
		dn=$(basename "$d")
		add_module "${dn%%.ko*}"
	done
	case "$path" in
	*.ko)	cp "$moddir/$path" "$root/lib/modules/$name.ko" ;;
	*.ko.xz) xz -dc "$moddir/$path" >"$root/lib/modules/$name.ko" ;;
	*.ko.zst) zstd -dcq "$moddir/$path" >"$root/lib/modules/$name.ko" ;;
	*.ko.gz) gzip -dc "$moddir/$path" >"$root/lib/modules/$name.ko" ;;
	*)	log "unknown module file $path"; exit 1 ;;
	esac
	loaded="$loaded $name"
	echo "$name" >>"$modlist"
}
for m in $MODULES; do
	add_module "$m"
done
# Loaded by the scenario, with what they need that /init has not loaded.
modlist=$root/etc/live/late-modules
: >"$modlist"
for m in ${LIVE_LATE_MODULES-vsock_diag}; do
	add_module "$m"
done
modlist=$root/etc/live/modules
if [ -n "${LIVE_PROTOCOLS:-}" ]; then
	for m in ${LIVE_PROTO_MODULES:-}; do
		add_module "$m"
	done
fi

# The shared libraries ldd lists for a file, at the same paths as on
# the host; false if it has none (static, or not a program).
add_libs() {
	ldd "$1" >/dev/null 2>&1 || return 1
	for lib in $(ldd "$1" | awk '
	    $2 == "=>" && $3 ~ /^\// { print $3 }
	    $1 ~ /^\// { print $1 }'); do
		mkdir -p "$root$(dirname "$lib")"
		[ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
	done
}

# A program, with its shared libraries.
add_program() {
	src=$1
	name=${2:-$(basename "$1")}
	cp -L "$src" "$root/bin/$name"
	[ "${LIVE_STRIP:-0}" = 1 ] && strip "$root/bin/$name"
	if add_libs "$src"; then
		log "$name is dynamic: copied its libraries"
	fi
}
add_program "$LIVE_TRAFFIC" vsock-traffic
if [ -n "${LIVE_OWNERS:-}" ]; then
	add_program "$LIVE_OWNERS" vsock-owners
fi
if [ -n "${LIVE_VSOCKDUMP:-}" ]; then
	add_program "$LIVE_VSOCKDUMP" vsockdump
fi
# vsockdump on Debian's unpatched libpcap, and its stages.
if [ -n "${LIVE_VSOCKDUMP_STOCK:-}" ]; then
	add_program "$LIVE_VSOCKDUMP_STOCK" vsockdump-stock
	cp "$here/scenarios/stock.sh" "$root/etc/live/stages-stock.sh"
fi
if [ -n "$tcpdump" ]; then
	add_program "$tcpdump" tcpdump
fi
if [ -n "${LIVE_TCPDUMP_PATCHED:-}" ]; then
	add_program "$LIVE_TCPDUMP_PATCHED" tcpdump-patched
fi
# Both captures with CAP_NET_ADMIN and CAP_NET_RAW only: setcap at run
# time (a cpio archive carries no file capabilities).
if [ -n "${LIVE_TCPDUMP_PATCHED:-}" ] && [ -n "${LIVE_VSOCKDUMP_STOCK:-}" ]
then
	for p in setcap getcap; do
		add_program "$(command -v "$p" || echo "/usr/sbin/$p")"
	done
	cp "$here/scenarios/caps.sh" "$root/etc/live/stages-caps.sh"
fi
for p in ${LIVE_EXTRA_BINS:-}; do
	add_program "$p"
done
if [ -n "${LIVE_PROTOCOLS:-}" ]; then
	cp "$LIVE_PROTOCOLS" "$root/etc/live/protocols.sh"
	for p in ${LIVE_PROTO_BINS:-}; do
		add_program "$p"
	done
	if [ -n "${LIVE_PROTO_TREE:-}" ]; then
		cp -a "$LIVE_PROTO_TREE/." "$root/"
	fi
fi
for f in ${LIVE_EXTRA_FILES:-}; do
	mkdir -p "$root$(dirname "${f#*=}")"
	cp -L "${f%%=*}" "$root${f#*=}"
	add_libs "${f%%=*}" || true
done
# usrmerge: dynamic programs find their loader under /lib64.
if [ -d "$root/usr/lib" ] || [ -d "$root/usr/lib64" ]; then
	log "unexpected /usr/lib in the initramfs"
fi

# Users, for programs that look up root or drop privileges.
# "nobody" runs the captures that must fail for lack of privileges.
printf 'root:x:0:0:root:/root:/bin/sh\ntcpdump:x:104:110::/nonexistent:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' \
    >"$root/etc/passwd"
printf 'root:x:0:\ntcpdump:x:110:\nnogroup:x:65534:\n' >"$root/etc/group"

cp "$here/init" "$root/init"
chmod 755 "$root/init"
cp "$scenario" "$root/etc/live/scenario.sh"
if [ -n "$stages" ]; then
	cp "$stages" "$root/etc/live/stages.sh"
fi
# The helpers of the stage scripts (patched.sh, faults.sh).
cp "$here/scenarios/stage-lib.sh" "$root/etc/live/stage-lib.sh"
if [ -n "${LIVE_FAULTS:-}" ] && [ "$LIVE_FAULTS" != none ]; then
	cp "$LIVE_FAULTS" "$root/etc/live/faults.sh"
fi
for v in LIVE_TRAFFIC_ARGS LIVE_BURST_ARGS LIVE_IFACE LIVE_CAPTURES \
    LIVE_FUNC_ARGS LIVE_DFLT_CAPTURES LIVE_BURST_CAPTURES \
    LIVE_NO_BURST LIVE_GUEST_TIMEOUT LIVE_STAGE_TIMEOUT \
    LIVE_NO_ANALYSIS LIVE_STALL_PAUSE LIVE_STALL_THRESHOLD LIVE_NO_NAMES \
    LIVE_PROTO_TIMEOUT \
    $(env | sed -n 's/^\(LIVE_\(CAPCMD\|HG\|COST\)_[A-Za-z0-9_]*\)=.*/\1/p'); do
	eval "isset=\${$v+x} val=\${$v:-}"
	[ -n "$isset" ] || continue
	printf "%s='%s'\n" "$v" "$(printf '%s' "$val" | sed "s/'/'\\\\''/g")"
done >"$root/etc/live/env"

(cd "$root" && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet) |
    gzip -1 >"$out"
log "$(du -k "$out" | cut -f1) KiB in $out"
