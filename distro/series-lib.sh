# Helpers shared by distro/mkpatches.sh (the Debian quilt series) and
# distro/upstream-series.sh (the git series for upstream master): our
# test cases, and the application of hunk fragments and new files to an
# upstream tree.  Sourced, not run; uses TOP_SRCDIR and DISTRO_DIR
# (common.sh), $tmp/captures (the test captures, built by the caller),
# PKG (the package being patched) and, for the quilt series,
# QUILT_PATCHES.
# shellcheck shell=bash

# our_tests: "name input output options..." lines of tests/TESTLIST
# (tests/TESTLIST-vsockdump, whose cases use options tcpdump does not have,
# is vsockdump's alone and stays out)
our_tests() {
	[ -r "$TOP_SRCDIR/tests/TESTLIST" ] || return 0
	grep -v -e '^#' -e '^[[:space:]]*$' "$TOP_SRCDIR/tests/TESTLIST"
}
# capture_file <input field of TESTLIST>: the pcap file it names (a .txt
# description is built by vsockgen above, other inputs are used as they are)
capture_file() {
	case "$1" in
	*.txt) printf '%s\n' "$tmp/captures/$(basename "$1" .txt).pcap";;
	*) printf '%s\n' "$TOP_SRCDIR/tests/captures/$1";;
	esac
}
# expected_file <output field of TESTLIST>
expected_file() { printf '%s\n' "$TOP_SRCDIR/tests/expected/$1"; }
# In tcpdump's tests/ directory every file and test name of ours gets this
# prefix, so that nothing collides with tcpdump's own tests.
P=vsockdump-
# tcpdump_input <input field>: the capture's name in tcpdump's tests/
tcpdump_input() { local n; n=$(basename "$(capture_file "$1")"); printf '%s\n' "$P$n"; }

# linktype_of <capture>: link-layer type of a pcap or pcapng file (as
# tests/TESTrun reads it)
linktype_of() {
	local magic shblen
	magic=$(od -An -tx4 -N4 "$1" | tr -d ' ')
	case $magic in
	a1b2c3d4|a1b23c4d) od -An -tu4 -j20 -N4 "$1" | tr -d ' ';;
	0a0d0d0a) shblen=$(od -An -tu4 -j4 -N4 "$1" | tr -d ' '); od -An -tu2 -j$((shblen + 8)) -N2 "$1" | tr -d ' ';;
	*) echo unknown;;
	esac
}
# tcpdump_tests: the lines of our_tests that go into tcpdump's TESTLIST.
# LINUX_SLL2 captures are left out: tcpdump prints the name of the interface
# whose index the frame carries, which depends on the machine the suite
# runs on (our TESTrun runs them in a network namespace of their own).
# So are the filter-* cases: their vsock filters need the libpcap series,
# which a tcpdump built on another libpcap (Debian's package build,
# upstream's CI) lacks; check-distro.sh runs them through the patched
# tcpdump all the same.
tcpdump_tests() {
	local name input output opts
	while read -r name input output opts; do
		case $name in filter-*) continue ;; esac
		[ "$(linktype_of "$(capture_file "$input")")" = 276 ] && continue
		printf '%s %s %s %s\n' "$name" "$input" "$output" "$opts"
	done < <(our_tests)
}

# --- hunks and new files -----------------------------------------------------
# The hunks for files that exist upstream are kept as fragments in
# distro/<pkg>-hunks/NAME.diff; distro/<pkg>-hunks/<upstream-version>/NAME.diff,
# when it exists, replaces it for that version (its context differs).  They
# are applied with patch(1), with no fuzz (an offset is fine: quilt refresh
# rewrites every hunk at the exact lines), on top of the previous patches, so
# the build hunks of one patch land after those of the one before.  New files
# are copied from the top-level sources.  PKG names the package being patched.

# hunk <name> <upstream-version>: the fragment to use for that version
hunk() {
	local d=$DISTRO_DIR/$PKG-hunks
	if [ -f "$d/$2/$1" ]; then printf '%s\n' "$d/$2/$1"; else printf '%s\n' "$d/$1"; fi
}
# track <file>: a file the current patch changes (quilt add, once; nothing
# for the git series, where the commit takes whatever changed)
track() {
	[ -n "${QUILT_PATCHES:-}" ] || return 0
	$QUILT files 2>/dev/null | grep -qxF "$1" || q add "$1"
}
# apply_hunks <upstream-version> <label> <fragment>...: quilt add the files
# each fragment touches, then apply it
apply_hunks() {
	local uver=$1 label=$2 h f
	shift 2
	for h in "$@"; do
		h=$(hunk "$h" "$uver")
		[ -s "$h" ] || die "$PKG $uver: no hunk fragment $h"
		for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$h"); do
			[ -e "$f" ] || die "$PKG $uver: $label: $f does not exist upstream"
			track "$f"
		done
		patch -p1 -s --fuzz=0 --no-backup-if-mismatch < "$h" > "$tmp/patch.log" 2>&1 ||
			{ cat "$tmp/patch.log" >&2; die "$PKG $uver: $label: ${h#"$TOP_SRCDIR"/} does not apply"; }
	done
}
# apply_version_hunks <upstream-version> <label> <fragment>...: the fragments
# that exist only for some versions (distro/<pkg>-hunks/<version>/NAME):
# applied where they exist, skipped elsewhere (compatibility with an older
# release's internal API, which the master series does not need)
apply_version_hunks() {
	local uver=$1 label=$2 h
	shift 2
	for h in "$@"; do
		[ -f "$DISTRO_DIR/$PKG-hunks/$uver/$h" ] || continue
		apply_hunks "$uver" "$label" "$h"
	done
}
# append_fragment <fragment> <file>: add a source fragment of ours (less its
# first two comments: the license and the note on where it goes) at the end
# of an upstream file
append_fragment() {
	[ -e "$2" ] || die "$PKG: $2 does not exist upstream"
	track "$2"
	{ echo; fragment_body "$TOP_SRCDIR/$1"; } >> "$2"
}
fragment_body() {
	awk 'n >= 2 { print; next } /^ \*\/$/ { n++; if (n == 2) getline; next }' "$1"
}
# new_files <label> <file>...: files of ours that the package does not have,
# with their fragments folded in (fold_fragments)
new_files() {
	local label=$1 f
	shift
	for f in "$@"; do
		[ -e "$f" ] && die "$PKG: $label: $f already exists upstream"
		track "$f"
		fold_fragments "$TOP_SRCDIR/$f" > "$f" || die "$PKG: $label: $f: a fragment it includes is missing"
	done
}
# fold_fragments <file>: the file with each line '#include "NAME.frag"'
# replaced by that fragment of ours (less its first two comments, as
# append_fragment does): vsockmon-device.frag, the device code that
# pcap-vsockmon.c shares with vsockdump, so that the file upstream gets
# is self-contained
fold_fragments() {
	local line frag
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		'#include "'*'.frag"')
			frag=${line#'#include "'}
			frag=${frag%'"'}
			[ -f "$TOP_SRCDIR/$frag" ] || return 1
			fragment_body "$TOP_SRCDIR/$frag"
			;;
		*)
			printf '%s\n' "$line"
			;;
		esac
	done < "$1"
}


# --- tcpdump: vsock in cooked captures, and the man page ---------------------------
# sll_add_vsock: in print-sll.c, print LINUX_SLL and LINUX_SLL2 frames of
# ARPHRD type 826 with vsock_print(), in a case beside each "case 803"
# (radiotap) block; fails if the anchors are not where expected
sll_add_vsock() {
	grep -q 'LINUX_SLL_P_802_2' print-sll.c || return 1
	awk '
		/^#define[ \t]+LINUX_SLL_P_802_2[ \t]/ {
			print
			print ""
			print "/* ARPHRD type of a Linux vsock monitor (vsockmon) device */"
			print "#ifndef ARPHRD_VSOCKMON"
			print "#define ARPHRD_VSOCKMON\t826"
			print "#endif"
			next
		}
		/ndo->ndo_ll_hdr_len \+= SLL2?_HDR_LEN;/ && in803 { hdr = $0; sub(/^[ \t]*/, "", hdr) }
		/^[ \t]*case 803:/ { in803 = 1 }
		in803 && /^[ \t]*return;/ {
			print
			print ""
			print "\tcase ARPHRD_VSOCKMON:"
			print "\t\t/*"
			print "\t\t * This is a packet from a Linux vsock monitor device;"
			print "\t\t * dissect the vsockmon header and what follows."
			print "\t\t */"
			print "\t\t" hdr
			print "\t\tvsock_print(ndo, p, length);"
			print "\t\treturn;"
			in803 = 0; n++
			next
		}
		{ print }
		END { if (n != 2) exit 1 }
	' print-sll.c > print-sll.c.new || return 1
	mv print-sll.c.new print-sll.c
}

# netdissect_add_vsock_print: declare vsock_print() in netdissect.h, in
# alphabetical order among the printers
netdissect_add_vsock_print() {
	grep -q '^extern void vtp_print(' netdissect.h || return 1
	sed -i '/^extern void vtp_print(/i extern void vsock_print(netdissect_options *, const u_char *, u_int);' netdissect.h
}

# addrtoname_add_vsock: vsockcid_string() and vsockport_string()
# (distro/tcpdump-addrtoname-vsock.c) in addrtoname.c, before
# ipxsap_string(), and declared in addrtoname.h after udpport_string();
# fails if the anchors are not where expected
addrtoname_add_vsock() {
	[ "$(grep -c '^extern const char \*udpport_string(' addrtoname.h)" = 1 ] &&
	    [ "$(grep -c '^ipxsap_string(' addrtoname.c)" = 1 ] || return 1
	sed -i '/^extern const char \*udpport_string(/a extern const char *vsockcid_string(netdissect_options *, uint64_t);\nextern const char *vsockport_string(netdissect_options *, uint32_t);' addrtoname.h
	awk -v snip="$DISTRO_DIR/tcpdump-addrtoname-vsock.c" '
		NR > 1 && /^ipxsap_string\(/ {
			while ((getline l < snip) > 0) print l
		}
		NR > 1 { print prev }
		{ prev = $0 }
		END { print prev }' addrtoname.c > addrtoname.c.new || return 1
	cmp -s addrtoname.c addrtoname.c.new && return 1
	mv addrtoname.c.new addrtoname.c
}

# man_add_vsock <anchor regex>: the "Linux vsock Packets" section of
# tcpdump.1.in (distro/tcpdump-vsock.1.in), before the line that matches
man_add_vsock() {
	[ "$(grep -c "$1" tcpdump.1.in)" = 1 ] || return 1
	awk -v snip="$DISTRO_DIR/tcpdump-vsock.1.in" -v re="$1" '
		$0 ~ re { while ((getline l < snip) > 0) print l }
		{ print }' tcpdump.1.in > tcpdump.1.in.new
	mv tcpdump.1.in.new tcpdump.1.in
}
