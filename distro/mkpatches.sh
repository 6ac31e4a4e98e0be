#!/bin/bash
# Generate the quilt series patches/tcpdump/ and patches/libpcap/ from our
# top-level sources (print-vsock.c, savefile-trim.[ch], tests/,
# distro/tcpdump-vsock.1.in, distro/tcpdump-addrtoname-vsock.c,
# distro/tcpdump-hunks/; pcap-vsockmon.[ch] with vsockmon-device.frag
# folded in, doc/README.vsockmon.md, gencode-vsock.frag,
# distro/libpcap-hunks/) against Debian's source packages
# (distro/dists.conf), deterministically:
# the same inputs give byte-identical patches (no timestamps, no Index:
# lines, files sorted, Last-Update read from distro/PATCH_DATE).
#
# patches/upstream/<pkg>-master/  git format-patch series for upstream
#                           tcpdump and libpcap master (distro/upstream-series.sh);
# patches/<pkg>/            the series made against the bookworm package;
# patches/<pkg>/<debver>/   a complete variant series for another Debian
#                           version of the package, written only when the
#                           bookworm series would not apply to it without
#                           fuzz or offset (patch(1) reports any line shift).
#
# usage: distro/mkpatches.sh            rewrite patches/
#        distro/mkpatches.sh --check    exit 1 if patches/ differs from what
#                                       would be generated (CI staleness check)
# env:   VSOCKGEN  path of a built tools/vsockgen (default: compiled here)
set -eu
. "$(dirname "$0")/common.sh"

mode=write
case "${1:-}" in
--check) mode=check;;
"") ;;
*) echo "usage: $0 [--check]" >&2; exit 2;;
esac

PATCH_DATE=$(tr -d ' \n' < "$DISTRO_DIR/PATCH_DATE")
AUTHOR="vsockdump authors"
FORWARDED="no"

ensure_packages quilt dpkg-dev devscripts build-essential libpcap-dev
"$DISTRO_DIR/fetch-upstream.sh" >/dev/null 2>"$CACHE/fetch.log" || {
	cat "$CACHE/fetch.log" >&2; die "fetch-upstream.sh failed"; }

mkdir -p "$WORKDIR"
tmp=$(mktemp -d "$WORKDIR/mkpatches.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
gen=$tmp/patches
mkdir -p "$gen"

# --- our test captures, as pcap files -----------------------------------------
if [ -z "${VSOCKGEN:-}" ]; then
	VSOCKGEN=$WORKDIR/vsockgen
	if [ ! -x "$VSOCKGEN" ] || [ "$TOP_SRCDIR/tools/vsockgen.c" -nt "$VSOCKGEN" ]; then
		cc -O2 -o "$VSOCKGEN" "$TOP_SRCDIR/tools/vsockgen.c" || die "cannot build vsockgen"
	fi
fi
mkdir -p "$tmp/captures"
for t in "$TOP_SRCDIR"/tests/captures/*.txt; do
	[ -e "$t" ] || continue
	n=$(basename "$t" .txt)
	"$VSOCKGEN" -o "$tmp/captures/$n.pcap" "$t" || die "vsockgen failed on $t"
done

. "$DISTRO_DIR/series-lib.sh"

# --- quilt helpers -------------------------------------------------------------
# The patch header (DEP-3), written by `quilt header -r`.
dep3() {
	printf 'Description: %s\n' "$1"
	shift
	local l
	for l in "$@"; do printf ' %s\n' "$l"; done
	printf 'Author: %s\nForwarded: %s\nLast-Update: %s\n' "$AUTHOR" "$FORWARDED" "$PATCH_DATE"
}
q() { $QUILT "$@" >/dev/null; }
refresh() {
	q refresh -p ab --no-timestamps --no-index --sort
	[ -s "$QUILT_PATCHES/$($QUILT top)" ] || die "$($QUILT top) is empty"
}

# --- the tcpdump series ---------------------------------------------------------
# gen_tcpdump <debian-version> <output dir>
gen_tcpdump() {
	local ver=$1 out=$2 w=$tmp/tcpdump-$1 uver
	PKG=tcpdump
	uver=$(upstream_version "$ver")
	unpack_source tcpdump "$ver" "$w/tree"
	# Debian's own patches are applied by dpkg-source; forget their quilt state
	# so that ours starts from the Debian-patched tree.
	rm -rf "$w/tree/.pc"
	mkdir -p "$out"
	export QUILT_PATCHES=$out QUILT_PC=.pc QUILT_NO_DIFF_TIMESTAMPS=1
	cd "$w/tree"

	# 1. the printer
	q new 0001-print-vsock-rewrite-the-vsock-printer.patch
	q add print-vsock.c netdissect.h addrtoname.c addrtoname.h
	cp "$TOP_SRCDIR/print-vsock.c" print-vsock.c
	netdissect_add_vsock_print || die "tcpdump $ver: no vtp_print declaration in netdissect.h"
	addrtoname_add_vsock || die "tcpdump $ver: no udpport_string() or ipxsap_string() in addrtoname.[ch]"
	refresh
	dep3 "Rewrite the Linux vsock printer" \
	     "print-vsock.c becomes vsockdump's printer (its copyright notices kept)," \
	     "which decodes the vsockmon and virtio headers completely: SEQPACKET" \
	     "sockets, SHUTDOWN and EOM/EOR flags by name, the transport-header" \
	     "length, the wire length, credit fields and header inconsistencies.  It" \
	     "also exports vsock_print(), which prints a vsockmon packet found inside" \
	     "another link layer.  Without -n it prints CIDs and ports as the new" \
	     "addrtoname.c functions vsockcid_string() and vsockport_string() give" \
	     "them, as the IP printers do with theirs: vsock addresses have no name" \
	     "service, so these give the numbers, and the output is the same with" \
	     "and without -n." |
		q header -r

	# 2. vsock inside Linux cooked captures
	q new 0002-print-sll-decode-vsock-in-cooked-captures.patch
	q add print-sll.c
	sll_add_vsock || die "tcpdump $ver: print-sll.c: no LINUX_SLL_P_802_2 anchor, or not two \"case 803\" blocks"
	refresh
	dep3 "Decode vsock inside Linux cooked captures" \
	     "On Linux, \"tcpdump -i any\" captures vsockmon devices as LINUX_SLL or" \
	     "LINUX_SLL2 frames whose ARPHRD type is 826 (ARPHRD_VSOCKMON).  Print the" \
	     "vsockmon packet they carry with vsock_print(), as is done for radiotap." |
		q header -r

	# A tcpdump built from patches 1-2, for the expected outputs of patch 5.
	local b hash
	hash=$(cat "$out"/0001-*.patch "$out"/0002-*.patch | sha256sum | cut -c1-16)
	b=$WORKDIR/mkpatches-build/tcpdump-$ver-$hash
	if [ ! -x "$b/tcpdump" ]; then
		log "tcpdump $ver: building a patched tcpdump for the expected outputs (cached in $b)"
		rm -rf "$WORKDIR/mkpatches-build/tcpdump-$ver-"*
		mkdir -p "$b.tmp"
		cp -a . "$b.tmp/"
		(cd "$b.tmp" && rm -rf .pc && ./configure -q >/dev/null &&
		 make -s -j"$(nproc)" tcpdump >/dev/null 2>"$b.tmp/build.log") ||
			{ tail -n 30 "$b.tmp/build.log" >&2; die "tcpdump $ver: build failed"; }
		mv "$b.tmp" "$b"
	fi

	# 3. man page
	q new 0003-tcpdump.1-document-vsock-output.patch
	q add tcpdump.1.in
	man_add_vsock '^\.SH "SEE ALSO"' || die "tcpdump $ver: man page anchor missing"
	refresh
	dep3 "Document the vsock output in the man page" |
		q header -r

	# 4. our test cases
	local special_t=0
	grep -q SPECIAL_t tests/TESTrun && special_t=1
	q new 0004-tests-add-vsockdump-test-cases.patch
	q add tests/TESTLIST Makefile.in
	local name input output opts pcap files=() f
	while read -r name input output opts; do
		pcap=$(capture_file "$input")
		[ -s "$pcap" ] || die "test $name: no capture for $input"
		[ -s "$(expected_file "$output")" ] || die "test $name: no expected output $output"
		files+=("tests/$(tcpdump_input "$input").b64" "tests/$P$output")
		if [ -e "$(expected_file "$output").stderr" ]; then files+=("tests/$P$output.stderr"); fi
		if grep -q "^$P$name[[:space:]]" tests/TESTLIST; then die "tcpdump $ver: test name $P$name already exists"; fi
	done < <(tcpdump_tests)
	if [ ${#files[@]} -gt 0 ]; then
		mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u)
		for f in "${files[@]}"; do
			[ -e "$f" ] && die "tcpdump $ver: $f already exists upstream"
			[ -e "${f%.b64}" ] && die "tcpdump $ver: ${f%.b64} already exists upstream"
			q add "$f"
		done
		{
			echo ""
			echo "# vsockdump: Linux vsock (vsockmon) captures.  The captures are stored"
			echo "# base64-encoded as tests/vsockdump-*.pcap.b64; \"make check\" decodes them."
			echo "# Left out: $(( $(our_tests | wc -l) - $(tcpdump_tests | wc -l) )) cases: LINUX_SLL2 ones, whose output names a local"
			echo "# interface, and filter-* ones, which need vsockdump's libpcap patches."
			while read -r name input output opts; do
				if [ "$special_t" = 1 ]; then
					# Keep the default timestamp format that our expected
					# outputs use (this TESTrun adds -tttt otherwise).
					opts="${opts:--n} SPECIAL_t"
				fi
				echo "$P$name $(tcpdump_input "$input") $P$output${opts:+ $opts}"
			done < <(tcpdump_tests)
		} >> tests/TESTLIST
		while read -r name input output opts; do
			base64 -w 76 "$(capture_file "$input")" > "tests/$(tcpdump_input "$input").b64"
			cp "$(expected_file "$output")" "tests/$P$output"
			if [ -e "$(expected_file "$output").stderr" ]; then
				# tcpdump's TESTrun keeps the base name of the file read.
				sed "s/^reading from file [^,]*,/reading from file $(tcpdump_input "$input"),/" \
					"$(expected_file "$output").stderr" > "tests/$P$output.stderr"
			fi
		done < <(tcpdump_tests)
	fi
	grep -q '^check: tcpdump$' Makefile.in || die "tcpdump $ver: Makefile.in check rule missing"
	awk '
		/^\trm -rf autom4te.cache tests\/DIFF tests\/NEW$/ {
			print
			print "\tfor f in tests/*.pcap.b64; do rm -f \"$${f%.b64}\"; done"
			next
		}
		/^check: tcpdump$/ {
			print
			print "\tfor f in $(srcdir)/tests/*.pcap.b64; do \\"
			print "\t\ttest -e \"$$f\" || continue; \\"
			print "\t\tbase64 -d \"$$f\" > \"$${f%.b64}\" || exit 1; \\"
			print "\tdone"
			next
		}
		{ print }' Makefile.in > Makefile.in.new
	mv Makefile.in.new Makefile.in
	refresh
	dep3 "Add vsockdump's vsock test cases" \
	     "The captures are carried as base64 text (tests/*.pcap.b64), since a" \
	     "quilt patch cannot carry binary files; \"make check\" decodes them into" \
	     "tests/*.pcap before running tests/TESTrun, and \"make distclean\"" \
	     "removes the decoded files." |
		q header -r

	# 5. expected outputs of tcpdump's own vsock tests, from the patched tcpdump
	q new 0005-tests-update-vsock-1-expected-outputs.patch
	local changed=0 newout
	while read -r name input output opts; do
		case "$name" in vsock-1|vsock-1-*) ;; *) continue;; esac
		case "$opts" in *SPECIAL_t*) opts=${opts% SPECIAL_t};; *) [ "$special_t" = 1 ] && opts="$opts -tttt";; esac
		newout=$w/$output
		# shellcheck disable=SC2086  # options are words, as in TESTrun
		TZ=GMT0 "$b/tcpdump" -# -n -r "tests/$input" $opts > "$newout" 2>/dev/null ||
			die "tcpdump $ver: patched tcpdump failed on $name"
		if ! cmp -s "$newout" "tests/$output"; then
			# The description of this patch says that only the flags
			# change: keep it true, or stop for a human to review.
			if ! cmp -s <(sed -E 's/flags (\[[^]]*\]|[0-9a-f]+)/flags F/g' "tests/$output") \
			            <(sed -E 's/flags (\[[^]]*\]|[0-9a-f]+)/flags F/g' "$newout"); then
				diff -u "tests/$output" "$newout" | head -n 40 >&2
				die "tcpdump $ver: $output changes beyond the flags: review the differences and update patch 0005's description in distro/mkpatches.sh"
			fi
			q add "tests/$output"
			cp "$newout" "tests/$output"
			changed=1
		fi
	done < <(grep -v -e '^#' -e '^[[:space:]]*$' tests/TESTLIST)
	if [ "$changed" = 1 ]; then
		refresh
		local stats
		stats=$(awk '/^\+\+\+ b\// { f = substr($2, 3) } /^-/ && !/^---/ { n[f]++ }
			END { for (f in n) printf "%s %d\n", f, n[f] }' "$QUILT_PATCHES/$($QUILT top)" | sort |
			awk '{ printf "%s%s: %d lines", sep, $1, $2; sep = ", " }')
		dep3 "Update the expected outputs of tcpdump's own vsock tests" \
		     "The new printer prints the virtio flags by name (\"flags [none]\"," \
		     "\"flags [RCV, SEND]\") where the old one printed bare hex; nothing else" \
		     "in these outputs changes.  Regenerated with the patched tcpdump." \
		     "Changed: $stats." |
			q header -r
	else
		q delete -r
	fi

	# 6. write errors on the -w file
	q new 0006-tcpdump-report-write-errors-on-the-w-file.patch
	new_files "write errors" savefile-trim.c savefile-trim.h
	apply_hunks "$uver" "write errors" savefile-trim-build.diff write-errors.diff
	refresh
	dep3 "Report write errors on the -w file and keep it readable" \
	     "A write to the -w file that failed (a full file system, an I/O error)" \
	     "went unnoticed: tcpdump went on, exited with status 0, and left a file" \
	     "ending in a cut packet that readers reject.  Now the first failed write" \
	     "stops the capture; at the end tcpdump says what failed, cuts the file" \
	     "back to its last whole packet (savefile-trim.c), says how many packets" \
	     "it keeps, and exits with status 1.  A file rotated by -C or -G is" \
	     "flushed and checked before it is closed." |
		q header -r

	finish_series "$ver" "$out" "$w"
}

# --- the libpcap series ----------------------------------------------------------
# gen_libpcap <debian-version> <output dir>
gen_libpcap() {
	local ver=$1 out=$2 w=$tmp/libpcap-$1 uver
	PKG=libpcap
	uver=$(upstream_version "$ver")
	unpack_source libpcap "$ver" "$w/tree"
	rm -rf "$w/tree/.pc"
	mkdir -p "$out"
	export QUILT_PATCHES=$out QUILT_PC=.pc QUILT_NO_DIFF_TIMESTAMPS=1
	cd "$w/tree"

	# 1. the optimizer
	q new 0001-optimize-keep-dominator-sets-valid.patch
	apply_hunks "$uver" "optimizer" optimizer.diff
	refresh
	dep3 "Optimizer: do not use dominator sets that no longer describe the graph" \
	     "Two miscompilations, both of filters whose unoptimized programs are right." \
	     "(1) opt_j() made an edge skip a block, then or_pullup()/and_pullup() moved" \
	     "tests by the dominators computed before that move: \"(A and B or C) and" \
	     "C and A and B\" accepted A, not B, C.  (2) opt_peep() turned \"and #k; jeq" \
	     "#0\" into \"jset #k\" and swapped the branches, then opt_j() read the" \
	     "edge dominators computed before the swap, with the edges' meanings" \
	     "reversed: \"vsock src portrange 0-3 and vsock src portrange 0-3\" rejected" \
	     "every packet.  The levels, dominators and in-edges are now recomputed" \
	     "before the pullups, at most one pullup is done per pass, and a pass in" \
	     "which opt_blk() changed branches leaves the branch optimizations to the" \
	     "next pass." |
		q header -r

	# 2. the capture module
	q new 0002-pcap-vsockmon-capture-module-for-Linux-vsockmon-devices.patch
	new_files "capture module" pcap-vsockmon.c pcap-vsockmon.h doc/README.vsockmon.md
	apply_version_hunks "$uver" "capture module" compat-pcapint-names.diff
	apply_hunks "$uver" "capture module" vsockmon-build.diff vsockmon-register.diff vsockmon-doc.diff
	refresh
	dep3 "Add a capture module for Linux vsockmon devices" \
	     "pcap-vsockmon.c claims the network devices whose ARPHRD type is 826" \
	     "(ARPHRD_VSOCKMON) and leaves every other device to pcap-linux.c." \
	     "pcap_findalldevs() gives them the description \"Linux vsock monitor\"," \
	     "or lists a \"vsockmon\" pseudo-device when none exists but the kernel" \
	     "can make one; opening \"vsockmon\" uses a vsockmon device that is up, or" \
	     "creates one for the capture alone in a network namespace of its own," \
	     "which the kernel deletes when the capture's socket is closed, even after" \
	     "the program has dropped its privileges.  Capture is a TPACKET_V3 ring" \
	     "(DLT_VSOCK) with kernel filters, exact statistics, a break that first" \
	     "delivers what is in the ring, and a direction (pcap_setdirection)" \
	     "relative to the local CIDs, since the kernel shows every vsockmon packet" \
	     "as outgoing.  configure.ac (--disable-vsockmon) and CMakeLists.txt" \
	     "(DISABLE_VSOCKMON) build it on Linux when the headers have what it" \
	     "needs; pcap.c registers it in capture_source_types[].  configure must be" \
	     "regenerated (autoreconf, as dh_autoreconf does).  doc/README.vsockmon.md" \
	     "describes the module's behaviour and the reasons for it." |
		q header -r

	# 3. the filter primitives, in gencode.c
	q new 0003-gencode-vsock-filter-primitives.patch
	apply_version_hunks "$uver" "vsock filters" compat-gencode-returns.diff
	apply_hunks "$uver" "vsock filters" vsock-filter-gencode.diff vsock-filter-grammar.diff
	append_fragment gencode-vsock.frag gencode.c
	refresh
	dep3 "Add vsock filter primitives" \
	     "\"vsock\", \"vsock [src|dst] port N\", \"vsock [src|dst] portrange N-M\"," \
	     "\"vsock [src|dst] cid N\" (64-bit), \"vsock op OP\", \"vsock type TYPE\" and" \
	     "\"vsock vop OP\", on DLT_VSOCK and on Linux cooked links (LINUX_SLL," \
	     "LINUX_SLL2) whose ARPHRD type is 826; plain \"port\" and \"portrange\" mean" \
	     "vsock ports on DLT_VSOCK.  The fields are compared as the little-endian" \
	     "numbers they are; a virtio field is tested only when the transport is" \
	     "virtio and the transport header length covers that field.  The code is" \
	     "in gencode.c, with gen_cmp() and friends on the link-layer header (or" \
	     "payload, for cooked frames); grammar.y.in and scanner.l get the keyword," \
	     "the qualifiers and 64-bit CID numbers." |
		q header -r

	# 4. their documentation
	q new 0004-pcap-filter-document-the-vsock-primitives.patch
	apply_hunks "$uver" "vsock filter man page" vsock-filter-man.diff
	refresh
	dep3 "Document the vsock filter primitives in pcap-filter(7)" |
		q header -r

	# 5. kernel filtering of the cooked header's ARPHRD type (-i any)
	q new 0005-pcap-linux-run-cooked-hatype-tests-in-the-kernel.patch
	apply_hunks "$uver" "cooked hatype" linux-cooked-hatype.diff
	refresh
	dep3 "Run filters on the cooked header's ARPHRD type in the kernel" \
	     "On the \"any\" device, a filter that loads the ARPHRD type field of" \
	     "the LINUX_SLL (offset 2) or LINUX_SLL2 (offset 8) header, as \"vsock\"" \
	     "does to find vsockmon frames (ARPHRD type 826), could not be given to" \
	     "the kernel, which builds no cooked header, so the whole filter ran in" \
	     "userland.  Map that load to the kernel's SKF_AD_HATYPE ancillary field," \
	     "as is done for the packet type, protocol and interface index." |
		q header -r

	finish_series "$ver" "$out" "$w"
}

# finish_series <debian-version> <output dir> <work dir>: check that the
# series of $PKG applies with neither fuzz nor offset, then write its
# series file
finish_series() {
	local ver=$1 out=$2 pushlog=$3/push.log
	q pop -a
	$QUILT push -a > "$pushlog" 2>&1 || { cat "$pushlog" >&2; die "$PKG $ver: quilt push -a failed"; }
	if grep -Ei 'fuzz|offset' "$pushlog" >&2; then die "$PKG $ver: fuzz or offset"; fi
	cd "$TOP_SRCDIR"
	write_series "$out" "$PKG" "$ver"
	unset QUILT_PATCHES QUILT_PC
}

# write_series <dir> <pkg> <debver>: series file with a header comment
write_series() {
	local dir=$1 names
	names=$(grep -v '^#' "$dir/series" 2>/dev/null || true)
	{
		echo "# vsockdump patch series for $2, made against Debian's $2 $3."
		echo "# Generated by distro/mkpatches.sh (make patches): do not edit."
		[ -n "$names" ] && printf '%s\n' "$names"
		[ -n "$names" ] || echo "# (no patches needed yet)"
	} > "$dir/series.new"
	mv "$dir/series.new" "$dir/series"
}

for pkg in tcpdump libpcap; do
	base=$(pkg_version bookworm "$pkg")
	pkg_available bookworm "$pkg" || die "bookworm $pkg $base is not available: $(pkg_status bookworm "$pkg")"
	log "$pkg: series against bookworm $base"
	"gen_$pkg" "$base" "$gen/$pkg"
	while read -r dist _ ver; do
		[ "$dist" = bookworm ] && continue
		[ "$ver" = "$base" ] && continue
		[ -d "$gen/$pkg/$ver" ] && continue
		if ! pkg_available "$dist" "$pkg"; then
			log "$pkg $ver ($dist): UNAVAILABLE, no variant made ($(pkg_status "$dist" "$pkg"))"
			continue
		fi
		log "$pkg: series against $dist $ver"
		"gen_$pkg" "$ver" "$tmp/variant-$pkg-$ver"
		# Only the series line of the header names the version.
		if diff -q <(grep -v '^#' "$tmp/variant-$pkg-$ver/series") <(grep -v '^#' "$gen/$pkg/series") >/dev/null &&
		   (cd "$tmp/variant-$pkg-$ver" && for p in $(grep -v '^#' series); do cmp -s "$p" "$gen/$pkg/$p" || exit 1; done); then
			log "$pkg $ver: the bookworm series applies as is"
		else
			log "$pkg $ver: needs its own variant series ($pkg/$ver/)"
			mv "$tmp/variant-$pkg-$ver" "$gen/$pkg/$ver"
		fi
	done < <(dists_conf_lines "" "$pkg")
done

# The git series for upstream master, from the same sources.
. "$DISTRO_DIR/upstream-series.sh"
log "tcpdump: series against master ($(basename "$(snapshot tcpdump)"))"
gen_master_tcpdump "$gen/upstream/tcpdump-master"
log "libpcap: series against master ($(basename "$(snapshot libpcap)"))"
gen_master_libpcap "$gen/upstream/libpcap-master"

if [ "$mode" = check ]; then
	# patches/wireshark is wireshark/upstream/mkseries.sh's.
	if diff -r -x wireshark "$gen" "$TOP_SRCDIR/patches" > "$tmp/stale.diff"; then
		echo "patches/ is up to date"
		exit 0
	fi
	head -n 60 "$tmp/stale.diff"
	echo "error: patches/ is stale: run \"make patches\" and commit the result" >&2
	exit 1
fi
rm -rf "$TOP_SRCDIR/patches.new"
cp -a "$gen" "$TOP_SRCDIR/patches.new"
if [ -d "$TOP_SRCDIR/patches/wireshark" ]; then
	cp -a "$TOP_SRCDIR/patches/wireshark" "$TOP_SRCDIR/patches.new/"
fi
rm -rf "$TOP_SRCDIR/patches"
mv "$TOP_SRCDIR/patches.new" "$TOP_SRCDIR/patches"
echo "patches/ written:"
(cd "$TOP_SRCDIR" && find patches -type f | sort | sed 's/^/  /')
