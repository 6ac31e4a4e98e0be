#!/bin/sh
# Installs the Debian packages vsockdump needs to build and test: the
# build, the sanitizer and fuzz tiers, the distribution checks (which
# also install each source package's Build-Depends), vsockdump's own
# Debian package, the Wireshark plugin and the qemu live test (with its
# protocol stage's Go packages and programs; tests/live/protocols/build.sh
# unpacks qemu-guest-agent and diod itself: their packages start
# services).
# Runs apt-get only for what is missing, so a second run costs nothing.
set -eu

PACKAGES="autoconf automake libtool pkg-config make gcc clang libc6-dev
libpcap-dev tcpdump tshark valgrind util-linux time
libwireshark-dev wireshark-dev
libclang-rt-14-dev afl++
quilt flex bison dpkg-dev devscripts iproute2 debhelper lintian
qemu-system-x86 busybox-static cpio kmod xz-utils
golang-go golang-github-containerd-ttrpc-dev golang-github-mdlayher-vsock-dev
golang-google-grpc-dev socat dropbear-bin openssh-client openssl"

missing=
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q '^install ok installed$' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing; run as root or install them" >&2
	exit 1
fi
echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
