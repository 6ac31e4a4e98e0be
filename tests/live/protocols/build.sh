#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Prepares the protocol stage of the live tier (stage.sh): builds
# vsproto (Go, static, from Debian's Go packages in GOPATH mode),
# unpacks the daemons that must not be installed on the host (their
# packages start services: qemu-guest-agent, diod) and makes the keys
# and certificates of the run.
#
# Usage: build.sh CACHEDIR WORKDIR
#	CACHEDIR  kept between runs: vsproto and Go's build cache, keyed
#		  by a hash of every input (sources, Go and the Go
#		  packages' versions); the daemons' packages, unpacked
#	WORKDIR	  this run's files: the tree copied into the initramfs
#		  (keys, certificates, the export of 9P, the shutdown
#		  stub of qemu-ga)
# Prints shell assignments on stdout:
#	LIVE_PROTO_BINS="..."	programs for the VM's /bin
#	LIVE_PROTO_TREE=...	a directory copied over the VM's root
#	LIVE_PROTO_MODULES="..."  kernel modules the stage needs
# Needs (tools/install-deps.sh installs them): golang-go,
# golang-github-containerd-ttrpc-dev, golang-github-mdlayher-vsock-dev,
# golang-google-grpc-dev, socat, dropbear-bin, openssh-client, openssl.
# The daemons' own library dependencies are installed if missing.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${1:?usage: build.sh CACHEDIR WORKDIR}
work=${2:?usage: build.sh CACHEDIR WORKDIR}
export DEBIAN_FRONTEND=noninteractive

log() {
	echo "protocols-build: $*" >&2
}

die() {
	log "$*"
	exit 1
}

mkdir -p "$cache" "$work"
cache=$(cd "$cache" && pwd)
work=$(cd "$work" && pwd)

# --- vsproto -------------------------------------------------------------
GOPKGS="golang-go golang-github-containerd-ttrpc-dev
golang-github-mdlayher-vsock-dev golang-google-grpc-dev
golang-github-gogo-protobuf-dev golang-github-golang-protobuf-1-3-dev
golang-golang-x-sys-dev"
command -v go >/dev/null || die "no go (apt-get install golang-go)"
inputs() {
	cat "$here/build.sh" "$here"/vsproto/*.go
	go version
	dpkg-query -W -f='${Package} ${Version}\n' $GOPKGS 2>&1
}
stamp=$(inputs | sha256sum | cut -d' ' -f1)
vb=$cache/vsproto
if [ -x "$vb/vsproto" ] && [ "$(cat "$vb/stamp" 2>/dev/null)" = "$stamp" ]
then
	log "vsproto up to date"
else
	mkdir -p "$vb/gocache"
	rm -f "$vb/vsproto" "$vb/stamp"
	t0=$(date +%s)
	# GOPATH mode on Debian's Go sources: no module download.  The
	# build cache is ours, whatever HOME is.  No -trimpath: it would
	# rebuild the whole standard library that Go ships built.
	(cd "$here/vsproto" && env GO111MODULE=off GOFLAGS= \
	    GOPATH=/usr/share/gocode GOCACHE="$vb/gocache" CGO_ENABLED=0 \
	    go build -ldflags "-s -w" -o "$vb/vsproto" .) \
	    >"$vb/build.log" 2>&1 ||
	    die "go build of vsproto failed (see $vb/build.log)"
	echo "$stamp" >"$vb/stamp"
	log "vsproto built in $(($(date +%s) - t0)) s"
fi

# --- daemons, unpacked ---------------------------------------------------
# Installing them would start their services on the host.
# unpack PKG: the package's files under $cache/PKG-VERSION/root, and
# its dependencies (libraries) installed on the host for ldd.
unpack() {
	ver=$(apt-cache policy "$1" 2>/dev/null |
	    awk '$1 == "Candidate:" { print $2 }')
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		apt-get update -q >/dev/null
		ver=$(apt-cache policy "$1" | awk '$1 == "Candidate:" { print $2 }')
	fi
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no package $1"
	d=$cache/$1-$(echo "$ver" | tr ':' '_')
	if [ ! -f "$d/.unpacked" ]; then
		rm -rf "$d"
		mkdir -p "$d"
		# apt-get download writes into the current directory.
		(cd "$d" && apt-get download -q "$1=$ver" >/dev/null 2>&1) ||
		    die "apt-get download $1=$ver failed"
		dpkg-deb -x "$d"/*.deb "$d/root"
		dpkg-deb -f "$d"/*.deb Depends >"$d/depends"
		touch "$d/.unpacked"
	fi
	# "a (>= 1), b | c": the first of each alternative; lsb-base is
	# for the init script only.
	missing=
	for p in $(tr ',' '\n' <"$d/depends" | sed 's/|.*//; s/(.*)//' |
	    tr -d ' '); do
		[ "$p" = lsb-base ] && continue
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q '^install ok installed$' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		log "installing$missing (libraries of $1)"
		apt-get install -y -q --no-install-recommends $missing \
		    >/dev/null 2>&1 || {
			apt-get update -q >/dev/null
			apt-get install -y -q --no-install-recommends \
			    $missing >/dev/null
		}
	fi
	echo "$d/root"
}
qga_root=$(unpack qemu-guest-agent)
diod_root=$(unpack diod)

# --- this run's tree -----------------------------------------------------
tree=$work/tree
rm -rf "$tree"
mkdir -p "$tree/etc/live/proto" "$tree/root/.ssh" "$tree/bin"
chmod 700 "$tree/root/.ssh"
p=$tree/etc/live/proto
dropbearkey -t ed25519 -f "$p/dropbear_ed25519_host_key" >/dev/null 2>&1 ||
    die "dropbearkey failed"
ssh-keygen -q -t ed25519 -N '' -C vsockdump-live -f "$tree/root/.ssh/id_ed25519" ||
    die "ssh-keygen failed"
cp "$tree/root/.ssh/id_ed25519.pub" "$tree/root/.ssh/authorized_keys"
chmod 600 "$tree/root/.ssh/authorized_keys"
for c in default kms; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -days 3650 -subj "/CN=$c.vsock.test" -keyout "$p/tls-$c.key" \
	    -out "$p/tls-$c.pem" >/dev/null 2>&1 || die "openssl req failed"
done
# dropbear checks a user's shell against /etc/shells.
printf '/bin/sh\n' >"$tree/etc/shells"
# qemu-ga's guest-shutdown runs /sbin/shutdown (/sbin is /bin in the
# VM); this one records its arguments and succeeds without shutting
# down, so that the agent, as documented, sends no answer.
cat >"$tree/bin/shutdown" <<'EOF'
#!/bin/sh
echo "shutdown $*" >>/tmp/shutdown.args
exit 0
EOF
chmod 755 "$tree/bin/shutdown"
# qemu-ga's fsfreeze hook (-F): guest-fsfreeze-freeze waits for it.
cat >"$p/fsfreeze-hook" <<'EOF'
#!/bin/sh
echo "fsfreeze-hook $*" >>/tmp/fsfreeze-hook.args
[ "$1" = freeze ] && usleep 300000
exit 0
EOF
chmod 755 "$p/fsfreeze-hook"

echo "LIVE_PROTO_BINS=\"$vb/vsproto $qga_root/usr/sbin/qemu-ga" \
    "$diod_root/usr/sbin/diod $(command -v socat) $(command -v ssh)" \
    "$(command -v dropbear || echo /usr/sbin/dropbear)" \
    "$(command -v openssl)\""
echo "LIVE_PROTO_TREE=$tree"
echo "LIVE_PROTO_MODULES=\"9p 9pnet_fd\""
