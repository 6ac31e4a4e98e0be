# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# run-lib.sh: the start that the live tier's drivers (run.sh and
# hostguest/run.sh) share, sourced by them.  The caller sets "live"
# (the tests/live folder), "tag" (the prefix of its messages) and
# LIVE_WORK (the work folder, wiped by live_prepare).

now() {
	date +%s.%N
}

elapsed() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}

# A failure before any check ran still ends as the test runner's line.
die() {
	echo "$tag: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

# Wipes LIVE_WORK and fetches Debian's kernel (its variables are set
# here: LIVE_VMLINUZ, LIVE_KVER, ...).  Sets t_fetch, the kernel's time
# in seconds.
live_prepare() {
	rm -rf "$LIVE_WORK"
	mkdir -p "$LIVE_WORK" || die "cannot make $LIVE_WORK"
	_t0=$(now)
	_kenv=$(sh "$live/fetch-kernel.sh") || die "fetching the kernel failed"
	eval "$_kenv"
	t_fetch=$(elapsed "$_t0" "$(now)")
	echo "$tag: kernel $LIVE_KVER ready in $t_fetch s"
}

# The build's own dependencies (compiler, autotools, libpcap-dev,
# tcpdump, tshark), installed only if missing.
live_install_deps() {
	if [ -f "$live/../../tools/install-deps.sh" ]; then
		sh "$live/../../tools/install-deps.sh" ||
		    echo "$tag: installing the build dependencies failed" >&2
	fi
}
