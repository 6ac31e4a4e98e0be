# Shared settings for the distro/ scripts.  Sourced, not run.
# shellcheck shell=bash

DISTRO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_SRCDIR=$(cd "$DISTRO_DIR/.." && pwd)

# Everything we download or build lives outside the clone.
VSOCKDUMP_DISTRO_CACHE=${VSOCKDUMP_DISTRO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-distro}
case "$VSOCKDUMP_DISTRO_CACHE" in
"$TOP_SRCDIR"|"$TOP_SRCDIR"/*)
	echo "error: VSOCKDUMP_DISTRO_CACHE ($VSOCKDUMP_DISTRO_CACHE) must be outside the source tree" >&2
	exit 1;;
esac
CACHE=$VSOCKDUMP_DISTRO_CACHE
# Made here, before any script sends a log into it: a new machine has no
# cache directory (and no ~/.cache) yet.
mkdir -p "$CACHE" || { echo "error: cannot create $CACHE" >&2; exit 1; }
APTDIR=$CACHE/apt
SRCDIR=$CACHE/src		# downloaded .dsc/.orig/.debian files
STATUSDIR=$CACHE/status		# <dist>-<pkg>: "available <version>" or "unavailable ..."
WORKDIR=$CACHE/work		# unpacked and built trees

export LC_ALL=C
export TZ=UTC
# quilt, when run by the scripts, must not read the user's ~/.quiltrc.
QUILT="quilt --quiltrc=-"

log() { printf '%s\n' "== $*" >&2; }
die() { printf '%s\n' "error: $*" >&2; exit 1; }

# dists_conf_lines [dist] [pkg]: matching "dist pkg version" lines of dists.conf
dists_conf_lines() {
	awk -v d="${1:-}" -v p="${2:-}" '
		/^[ \t]*(#|$)/ { next }
		(d == "" || $1 == d) && (p == "" || $2 == p) { print $1, $2, $3 }
	' "$DISTRO_DIR/dists.conf"
}

# pkg_version <dist> <pkg>: Debian version configured for the pair
pkg_version() { dists_conf_lines "$1" "$2" | awk '{ print $3; exit }'; }

# upstream_version <debian-version>: strip epoch and Debian revision
upstream_version() { local v=${1#*:}; printf '%s\n' "${v%-*}"; }

# pkg_status <dist> <pkg>: the status line fetch-upstream.sh recorded
pkg_status() { cat "$STATUSDIR/$1-$2" 2>/dev/null || echo "unknown (run distro/fetch-upstream.sh)"; }

# pkg_available <dist> <pkg>: true if fetch-upstream.sh downloaded it
pkg_available() { case "$(pkg_status "$1" "$2")" in available*) return 0;; esac; return 1; }

# dsc_path <pkg> <version>
dsc_path() { printf '%s\n' "$SRCDIR/$1_${2#*:}.dsc"; }

# unpack_source <pkg> <version> <destdir>: dpkg-source -x into destdir (fresh)
unpack_source() {
	local pkg=$1 ver=$2 dest=$3
	rm -rf "$dest"
	mkdir -p "$(dirname "$dest")"
	dpkg-source -x "$(dsc_path "$pkg" "$ver")" "$dest" >/dev/null ||
		die "dpkg-source -x failed for $pkg $ver"
}

# Run apt-get with root privileges if we are not root.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ensure_packages pkg...: install the missing ones with the system's apt.
ensure_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	mkdir -p "$CACHE"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
		> "$CACHE/apt-install.log" 2>&1 || { tail -n 20 "$CACHE/apt-install.log" >&2; return 1; }
}

# now_s: seconds since the epoch, for build timings
now_s() { date +%s; }
