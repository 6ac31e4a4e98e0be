#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Installs what the live test needs on the host (qemu, busybox-static,
# cpio, kmod, libcap2-bin's setcap for the VM) and fetches Debian's current kernel package into the cache
# directory, unpacked, with modules.dep made by depmod.
#
# Prints shell assignments on stdout, to be eval'ed by the caller:
#	LIVE_KVER=6.1.0-NN-amd64
#	LIVE_KROOT=<cache>/<package>/root
#	LIVE_VMLINUZ=<cache>/<package>/root/boot/vmlinuz-6.1.0-NN-amd64
#
# Environment:
#	LIVE_CACHE	cache directory (default
#			${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-live)
#	LIVE_KPKG	kernel package name (default: what linux-image-amd64
#			depends on)
set -eu

LIVE_CACHE=${LIVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-live}
export DEBIAN_FRONTEND=noninteractive

log() {
	echo "fetch-kernel: $*" >&2
}

apt_updated=no
apt_update() {
	if [ "$apt_updated" = no ]; then
		log "apt-get update"
		apt-get update -q >/dev/null
		apt_updated=yes
	fi
}

# Host tools: command name, then the Debian package that provides it.
install_deps() {
	missing=
	while read -r cmd pkg; do
		if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "$cmd" ]; then
			missing="$missing $pkg"
		fi
	done <<EOF
qemu-system-x86_64 qemu-system-x86
/bin/busybox busybox-static
cpio cpio
depmod kmod
gzip gzip
/usr/sbin/setcap libcap2-bin
EOF
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		log "missing packages:$missing; run as root or install them"
		exit 1
	fi
	log "installing$missing"
	if ! apt-get install -y -q --no-install-recommends $missing \
	    >/dev/null 2>&1; then
		apt_update
		apt-get install -y -q --no-install-recommends $missing >/dev/null
	fi
}

resolve_kpkg() {
	if [ -n "${LIVE_KPKG:-}" ]; then
		echo "$LIVE_KPKG"
		return 0
	fi
	name=$(apt-cache depends linux-image-amd64 2>/dev/null |
	    awk '$1 == "Depends:" && $2 ~ /^linux-image-6\.1.*-amd64$/ {
		print $2; exit }')
	if [ -z "$name" ]; then
		apt_update
		name=$(apt-cache depends linux-image-amd64 2>/dev/null |
		    awk '$1 == "Depends:" && $2 ~ /^linux-image-/ {
			print $2; exit }')
	fi
	if [ -z "$name" ]; then
		log "cannot resolve the package behind linux-image-amd64"
		exit 1
	fi
	echo "$name"
}

install_deps
mkdir -p "$LIVE_CACHE"
kpkg=$(resolve_kpkg)
kver=${kpkg#linux-image-}
dir=$LIVE_CACHE/$kpkg
root=$dir/root

if [ ! -f "$dir/.unpacked" ]; then
	mkdir -p "$dir"
	deb=$(ls "$dir"/"${kpkg}"_*.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ]; then
		log "downloading $kpkg"
		# apt-get download writes into the current directory; its
		# sandbox user may not write there, which only warns.
		if ! (cd "$dir" && apt-get download -q "$kpkg" >/dev/null 2>&1)
		then
			apt_update
			(cd "$dir" && apt-get download -q "$kpkg" >/dev/null)
		fi
		deb=$(ls "$dir"/"${kpkg}"_*.deb | head -n 1)
	fi
	log "unpacking $(basename "$deb")"
	rm -rf "$root"
	mkdir -p "$root"
	dpkg-deb -x "$deb" "$root"
	# Debian ships modules under /lib/modules or /usr/lib/modules.
	if [ ! -d "$root/lib/modules/$kver" ] &&
	    [ -d "$root/usr/lib/modules/$kver" ]; then
		mkdir -p "$root/lib/modules"
		ln -s "../../usr/lib/modules/$kver" "$root/lib/modules/$kver"
	fi
	depmod -b "$root" "$kver"
	touch "$dir/.unpacked"
fi

vmlinuz=$root/boot/vmlinuz-$kver
if [ ! -f "$vmlinuz" ]; then
	log "no $vmlinuz in $kpkg"
	exit 1
fi
echo "LIVE_KVER=$kver"
echo "LIVE_KROOT=$root"
echo "LIVE_VMLINUZ=$vmlinuz"
