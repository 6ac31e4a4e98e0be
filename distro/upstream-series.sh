# The git format-patch series for upstream tcpdump master and libpcap
# master, made by distro/mkpatches.sh (make patches) beside the Debian
# series, from the same top-level files: print-vsock.c, pcap-vsockmon.[ch]
# (with vsockmon-device.frag folded in), doc/README.vsockmon.md,
# gencode-vsock.frag, our tests, and the hunk fragments of
# distro/<pkg>-hunks/master/.  Sourced by mkpatches.sh, not run.
#
# Each series is made in a git repository initialised from the snapshot
# of the master branch in $VSOCKDUMP_UPSTREAM_DIR (default ../shared/upstream
# beside the clone, else /work/shared/upstream; its README names the
# commits): one commit per
# change, with the message below, then `git format-patch`.  Everything is
# fixed (author, dates from distro/PATCH_DATE, --zero-commit), so the
# same inputs give byte-identical patches.  patches/upstream/<pkg>-master/
# holds the patches and BASE, the upstream commit they apply to.
#
# The tcpdump printer arrives in steps a reviewer can read one at a time:
# distro/tcpdump-hunks/master/vsock-N-*.diff take upstream's print-vsock.c
# through names, lengths, notes and payload; the fifth commit is the
# difference between that and our print-vsock.c without the addrtoname
# functions, the sixth adds those (vsock-6-names.diff, taken back out of
# our file for the fifth), so that the series always ends with our file.
# Steps 1 to 4 are hand-written diffs against upstream's file, step 6 a
# diff of ours: when a change to print-vsock.c belongs to one of them,
# edit that step too (the series checks build every commit).
# shellcheck shell=bash

# The snapshots sit beside the clone (../shared/upstream), or in the
# workplace's shared folder.
if [ -z "${VSOCKDUMP_UPSTREAM_DIR:-}" ]; then
	VSOCKDUMP_UPSTREAM_DIR=$TOP_SRCDIR/../shared/upstream
	[ -d "$VSOCKDUMP_UPSTREAM_DIR" ] ||
		VSOCKDUMP_UPSTREAM_DIR=/work/shared/upstream
fi
UPSTREAM_AUTHOR=${VSOCKDUMP_UPSTREAM_AUTHOR:-vsockdump authors <vsockdump@invalid>}

# snapshot <pkg>: the snapshot tarball of <pkg> master
snapshot() {
	local f
	for f in "$VSOCKDUMP_UPSTREAM_DIR/$1"-master-*.tar.gz; do
		[ -f "$f" ] && { printf '%s\n' "$f"; return 0; }
	done
	die "no $1 master snapshot in $VSOCKDUMP_UPSTREAM_DIR (set VSOCKDUMP_UPSTREAM_DIR)"
}

# snapshot_commit <pkg>: the commit the snapshot was made from, from the
# README table of $VSOCKDUMP_UPSTREAM_DIR ("| <file> | <repo> | ... | <commit> |")
snapshot_commit() {
	local f
	f=$(basename "$(snapshot "$1")")
	awk -F'|' -v f="$f" '{ gsub(/ /, "", $2); gsub(/ /, "", $5) } $2 == f { print $5 }' \
		"$VSOCKDUMP_UPSTREAM_DIR/README.md"
}

# git with a fixed identity and dates
ugit() {
	GIT_AUTHOR_NAME=${UPSTREAM_AUTHOR% <*} GIT_AUTHOR_EMAIL=${UPSTREAM_AUTHOR##*<} \
	GIT_COMMITTER_NAME=${UPSTREAM_AUTHOR% <*} GIT_COMMITTER_EMAIL=${UPSTREAM_AUTHOR##*<} \
	GIT_AUTHOR_DATE="${PATCH_DATE}T00:00:00Z" GIT_COMMITTER_DATE="${PATCH_DATE}T00:00:00Z" \
	git -c core.autocrlf=false -c commit.gpgsign=false -c init.defaultBranch=master "$@"
}

# master_repo <pkg> <dir>: the snapshot, unpacked, as a git repository
# whose single commit is "upstream"
master_repo() {
	rm -rf "$2"
	mkdir -p "$2"
	tar -xzf "$(snapshot "$1")" -C "$2" --strip-components=1 ||
		die "cannot unpack $(snapshot "$1")"
	(cd "$2" && ugit init -q && ugit add -A && ugit commit -q -m upstream) ||
		die "$1 master: git init failed"
}

# commit <message>: commit everything that changed, with that message
# (subject line, blank line, body)
commit() {
	ugit add -A
	ugit diff --cached --quiet && die "$PKG master: nothing to commit for \"${1%%$'\n'*}\""
	printf '%s\n' "$1" | ugit commit -q -F -
}

# format_series <repo> <out>: the commits after "upstream", as patches
format_series() {
	rm -rf "$2"
	mkdir -p "$2"
	(cd "$1" && ugit format-patch -q --zero-commit --no-signature --binary \
		-o "$2" "$(ugit rev-list --max-parents=0 HEAD)") ||
		die "$PKG master: git format-patch failed"
	printf '%s %s\n' "$(snapshot_commit "$PKG")" "$(basename "$(snapshot "$PKG")")" > "$2/BASE"
}

# --- tcpdump master ----------------------------------------------------------
gen_master_tcpdump() {
	local out=$1 r=$tmp/master-tcpdump name input output opts n expected o
	PKG=tcpdump
	master_repo tcpdump "$r"
	cd "$r"

	apply_hunks master "names" vsock-1-names.diff
	# The flags change tcpdump's own vsock-1 outputs: take them from
	# vsockdump, whose printer is this series' last state (the later
	# steps leave these outputs as they are, and the checks run
	# tcpdump's suite on every commit).  --no-decode: tcpdump decodes
	# no protocol over a vsock.
	[ -x "${VSOCKDUMP:-}" ] || die "tcpdump master: VSOCKDUMP is not set (vsockdump makes the vsock-1 outputs)"
	while read -r name input output opts; do
		case "$name" in vsock-1|vsock-1-*) ;; *) continue;; esac
		# shellcheck disable=SC2086
		TZ=GMT0 "$VSOCKDUMP" --no-decode -# -n -tttt -r "tests/$input" $opts > "$tmp/$output" 2>/dev/null ||
			die "tcpdump master: vsockdump failed on $input"
		# Only the flags may change (the commit message says so).
		cmp -s <(sed -E 's/flags (\[[^]]*\]|[0-9a-f]+)/flags F/g' "tests/$output") \
		       <(sed -E 's/flags (\[[^]]*\]|[0-9a-f]+)/flags F/g' "$tmp/$output") ||
			die "tcpdump master: $output changes beyond the flags"
		cp "$tmp/$output" "tests/$output"
	done < <(grep '^vsock-1' tests/TESTLIST)
	commit "vsock: Print SEQPACKET, unknown values and the virtio flags by name

Linux has had SEQPACKET vsock sockets (virtio type 2) since 5.14; they
were printed as \"Invalid type (2)\".  The flags were printed as bare hex,
while the virtio specification gives them a meaning that depends on the
operation: for SHUTDOWN, bit 0 is RCV (no more receives) and bit 1 SEND
(no more sends); for RW on a SEQPACKET socket, bit 0 is EOM (end of
message) and bit 1 EOR (end of record).  Print them as names in
brackets (\"[RCV, SEND]\", \"[EOM]\", \"[none]\"), with any other bit in hex.
Unknown values are printed as numbers (\"transport 9\", \"op 77\"), without
the double space \" invalid op (77)\" had.

The expected outputs of the vsock-1 tests change in the flags only."

	apply_hunks master "lengths" vsock-2-lengths.diff
	commit "vsock: Honour the transport header length, print the wire length

The vsockmon header gives the length of the transport header that
follows it (include/uapi/linux/vsockmon.h), for any transport; the
payload starts after it.  The printer assumed 44 bytes for virtio and 0
for anything else, so a payload dump could include header bytes.  Use
the length the header gives, print it at -v for a non-virtio transport
when it is not 0, and print it with the reserved field at -e.

\"length\" now is the length of the packet on the wire, as in every other
printer, rather than the captured length."

	apply_hunks master "notes" vsock-3-notes.diff
	commit "vsock: Note where the headers disagree (-v)

The vsockmon header repeats the virtio header's addresses, and its op is
derived from the virtio op (virtio_transport_build_skb() in Linux): at
-v, print \" [...]\" notes where the two disagree, where the virtio
payload length differs from the bytes that follow the headers, where the
transport header length is not 44 for virtio, where the reserved field
is not 0, and where the packet is shorter than its headers.  These are
what one looks for when a guest or a hypervisor builds bad packets."

	apply_hunks master "payload" vsock-4-payload.diff
	commit "vsock: Print the payload of every packet at -vv, as hex lines

At -vv the payload of PAYLOAD packets was printed with its lines joined
by tabs (print_unknown_data() with an indent of \"\\t\" and no newline), a
zero-length payload was reported as truncated, and the bytes following
the headers of other packets were not shown.  Print whatever follows
the headers, for any op, with hex_print() as other printers do, and
report truncation only when bytes are missing."

	# Our printer, less the next commit's.
	cp "$TOP_SRCDIR/print-vsock.c" print-vsock.c
	patch -R -p1 -s --fuzz=0 --no-backup-if-mismatch \
	    < "$DISTRO_DIR/tcpdump-hunks/master/vsock-6-names.diff" > "$tmp/patch.log" 2>&1 ||
		{ cat "$tmp/patch.log" >&2; die "tcpdump master: vsock-6-names.diff does not come out of print-vsock.c"; }
	netdissect_add_vsock_print || die "tcpdump master: no vtp_print declaration in netdissect.h"
	commit "vsock: Restructure the printer; export vsock_print()

Split the printer into the vsockmon header, the virtio header, the notes
and the payload printers; name the fields and values as the kernel's
UAPI headers do (struct af_vsockmon_hdr, AF_VSOCK_OP_*,
AF_VSOCK_TRANSPORT_*, VIRTIO_VSOCK_*); fetch every field with GET_
macros and leave on truncation through the longjmp (no trunc: label),
with one invalid: label; read the transport header length once.

A virtio header shorter than 44 bytes (a transport header length below
44, or a packet that ends inside it) is printed as far as it goes,
rather than not at all; a capture that ends in the last four bytes of
the vsockmon header, or inside the virtio header, shows the fields
before the cut, then \"[|vsock]\".

vsock_print() prints a vsockmon packet found inside another link-layer
header, for the cooked-capture printers."

	cp "$TOP_SRCDIR/print-vsock.c" print-vsock.c
	addrtoname_add_vsock || die "tcpdump master: no udpport_string() or ipxsap_string() in addrtoname.[ch]"
	commit "vsock: Print CIDs and ports with vsockcid_string(), vsockport_string()

The printers of other address families print their addresses, unless
-n is given, as the functions of addrtoname.c name them
(ipaddr_string(), tcpport_string(), ...).  Do the same for vsock:
vsockcid_string() and vsockport_string() give a CID and a port as text.
vsock addresses have no name service, so they give the numbers, and
the output is the same with and without -n; a name source for vsock
(a VM's name for its CID, a service's for its port) would be added
there, as for the other families.  The fields are all fetched before
the line is printed, so that a header cut short still prints none of
them."

	sll_add_vsock || die "tcpdump master: print-sll.c: no LINUX_SLL_P_802_2 anchor, or not two \"case 803\" blocks"
	commit "sll: Print vsock in LINUX_SLL and LINUX_SLL2 frames of ARPHRD type 826

On Linux, \"tcpdump -i any\" captures vsockmon devices as cooked frames
whose ARPHRD type is 826 (ARPHRD_VSOCKMON), and nothing of the vsock
header was printed.  Print the vsockmon packet they carry with
vsock_print(), as is done for radiotap (ARPHRD type 803)."

	# Our test cases, binary captures as they are, names prefixed with
	# "vsock-"; the LINUX_SLL2 ones print a local interface's name.
	P=vsock-
	n=0
	{
		echo ""
		echo "# Linux vsock (vsockmon): every field, flag, header length, truncation,"
		echo "# inconsistency and the payload dump; LINUX_SLL; real captures of Linux 6.1."
		while read -r name input output opts; do
			# Outputs of more than 256 KiB (the real capture at -vv)
			# would be the largest files of tcpdump's tests.
			[ "$(wc -c < "$(expected_file "$output")")" -le 262144 ] || continue
			[ -e "tests/$P$output" ] && die "tcpdump master: tests/$P$output exists upstream"
			cp "$(capture_file "$input")" "tests/$(tcpdump_input "$input")"
			cp "$(expected_file "$output")" "tests/$P$output"
			if [ -e "$(expected_file "$output").stderr" ]; then
				sed "s/^reading from file [^,]*,/reading from file $(tcpdump_input "$input"),/" \
					"$(expected_file "$output").stderr" > "tests/$P$output.stderr"
			fi
			# tests/TESTrun drops " SPECIAL_t" and adds no -tttt:
			# the default time stamps of our expected outputs.
			o="${opts:--n} SPECIAL_t"
			printf '%s\t%s\t%s\t%s\n' "$P$name" "$(tcpdump_input "$input")" "$P$output" "$o"
			n=$((n + 1))
		done < <(tcpdump_tests)
	} >> tests/TESTLIST
	commit "tests: Add vsock tests

$n cases of the vsock printer on DLT_VSOCK and LINUX_SLL captures: the
vsockmon ops and transports, the virtio ops, types and flags, CIDs and
ports up to their maximums, transport header lengths other than 44,
inconsistent headers, truncation at every interesting byte, snapshot
lengths, empty and 64 KiB payloads, fragmented SEQPACKET messages,
pcapng, and two captures of real traffic recorded on Linux 6.1 (vsock
loopback, STREAM and SEQPACKET).  The captures were made with the
vsockdump project's capture generator from text descriptions; they are
the ones of its own test suite (less LINUX_SLL2 cases, whose output
names a local interface, filter cases, which need libpcap's vsock
primitives, and outputs of more than 256 KiB)."

	man_add_vsock '^\.SH BACKWARD COMPATIBILITY' || die "tcpdump master: man page anchor missing"
	commit "tcpdump.1: Document the vsock output

A \"Linux vsock Packets\" section in OUTPUT FORMAT: the line, the
virtio fields at -v, the flags, the notes and the payload at -vv."

	format_series "$r" "$out"
	cd "$TOP_SRCDIR"
}

# --- libpcap master ----------------------------------------------------------
gen_master_libpcap() {
	local out=$1 r=$tmp/master-libpcap
	PKG=libpcap
	master_repo libpcap "$r"
	cd "$r"

	apply_hunks master "optimizer" optimizer.diff optimizer-tests.diff
	commit "optimizer: Do not use dominator sets that no longer describe the graph

Two miscompilations, of filters whose unoptimized programs are right:

1. opt_blks() runs opt_j() on every edge, which may make an edge skip a
   block whose test the edge implies, and then or_pullup() and
   and_pullup(), which move a test up a chain only where the chain's
   first block dominates it, by the dominator sets computed at the
   start of the pass; the skipping edge made some of those wrong.
   \"(A and B or C) and C and A and B\" accepted packets with A true, B
   false and C true:

	(ether[26:2] = 0x200 and ether[60:2] = 0x100 or
	 ether[20:4] = 0xecec0000) and ether[20:4] = 0xecec0000 and
	 ether[26:2] = 0x200 and ether[60:2] = 0x100

   tested ether[60:2] on one path only.  Recompute the levels, the
   dominators and the in-edges before the pullups, and do one pullup
   per pass (a pullup changes the graph too; the next pass starts from
   sets computed afresh).

2. opt_peep() turns \"and #k; jeq #0\" into \"jset #k\" and swaps the two
   successors of the block, and opt_j() then decides tests by the edge
   dominators computed before the swap: an edge id that meant \"the
   test was true\" now leads where it was false.  Two identical
   \"x & k == 0 and y <= 3\" tests in a row became \"rejects all packets\"
   (the vsock filters of a later commit show it: \"vsock src portrange
   0-3 and vsock src portrange 0-3\").  When opt_blk() has changed where
   branches go in a pass, leave the branch optimizations to the next
   pass.

Both were found by fuzzing that compares optimized and unoptimized
programs packet by packet.  Add the first as an accept test; the second
needs a shape the grammar alone does not produce, and is tested with
the vsock primitives."

	new_files "capture module" pcap-vsockmon.c pcap-vsockmon.h doc/README.vsockmon.md
	apply_hunks master "capture module" vsockmon-build.diff vsockmon-register.diff vsockmon-doc.diff
	commit "Add a capture module for Linux vsockmon devices

A vsockmon device (ARPHRD_VSOCKMON, 826) receives a copy of every vsock
packet of the virtio guest driver, vhost-vsock and the loopback
transport, as DLT_VSOCK.  pcap-linux.c captures it already, but a user
must first create and bring up a device, and a capture stopped with
pcap_breakloop() loses what is still in the ring.  pcap-vsockmon.c
claims the vsockmon devices (and the name \"vsockmon\") and leaves every
other device to pcap-linux.c:

- pcap_findalldevs() describes them as \"Linux vsock monitor\", or lists
  a \"vsockmon\" pseudo-device when there is none but the kernel can
  make one;
- opening \"vsockmon\" uses a vsockmon device that is up, or creates one
  for the capture alone, in a network namespace of its own (the vsock
  taps are global), which nothing but the capture's socket holds: when
  the socket is closed, by pcap_close() or by the kernel at exit, the
  namespace ends and the kernel deletes the device.  This works after
  the program has dropped its privileges, as tcpdump does by default,
  where a RTM_DELLINK cannot: rtnetlink checks CAP_NET_ADMIN on the
  sending task (netlink_net_capable()), not only on the socket's opener;
  without CAP_SYS_ADMIN, which the namespace needs, the open fails and
  says how to make a device by hand, so that no capture ever leaves a
  device behind;
- a TPACKET_V3 ring, kernel filters (falling back to userland), exact
  statistics, and a pcap_breakloop() that first hands over what the
  ring holds, so that ps_recv == packets delivered + ps_drop;
- pcap_setdirection() by CID, since the kernel shows every vsockmon
  packet as outgoing: \"in\" is traffic to a local CID, \"out\" from one.

configure (--disable-vsockmon) and CMake (DISABLE_VSOCKMON) build it on
Linux when the headers have what it needs.  doc/README.vsockmon.md
describes the module's behaviour and the reasons for it."

	apply_hunks master "vsock filters" vsock-filter-gencode.diff vsock-filter-grammar.diff vsock-filter-tests.diff
	append_fragment gencode-vsock.frag gencode.c
	mkdir -p tests/filter
	"$VSOCKGEN" -o tests/filter/vsock-virtio-ops.pcap "$TOP_SRCDIR/tests/captures/virtio-ops.txt" ||
		die "libpcap master: vsockgen failed"
	commit "Add vsock filter primitives

On DLT_VSOCK every link-layer filter was refused, and a user had to
write \"link[20:4] = 0x16000000\" for \"destination port 22\", byte-swapped
by hand as the vsock fields are little-endian.  Add:

	vsock
	vsock [src|dst] port N          (also \"port N\" on DLT_VSOCK)
	vsock [src|dst] portrange N-M   (also \"portrange N-M\")
	vsock [src|dst] cid N           (64-bit)
	vsock op connect|disconnect|control|payload|unknown|N
	vsock type stream|seqpacket|N
	vsock vop request|response|rst|shutdown|rw|credit_update|
	    credit_request|invalid|N

on DLT_VSOCK and on LINUX_SLL/LINUX_SLL2 frames whose ARPHRD type is 826
(the \"any\" device).  The fields are compared as the little-endian
numbers they are, with gen_cmp() on the link-layer header (or payload,
for cooked frames); a virtio field is tested only when the transport is
virtio and the transport header length covers it; port ranges use the
shortest of byte-wise and whole-value comparisons.  \"cid\", \"op\" and
\"vop\" are qualifiers after \"vsock\" only, and numbers above 32 bits are
accepted as CIDs only."

	apply_hunks master "vsock filter man page" vsock-filter-man.diff
	commit "pcap-filter.7: Document the vsock primitives"

	apply_hunks master "cooked hatype" linux-cooked-hatype.diff
	commit "Linux: Run filters on the cooked header's ARPHRD type in the kernel

On the \"any\" device, a filter that loads the ARPHRD type field of the
LINUX_SLL (offset 2) or LINUX_SLL2 (offset 8) header, as \"vsock\" does
to find vsockmon frames, could not be given to the kernel, which builds
no cooked header, so the whole filter ran in userland.  Map that load to
the SKF_AD_HATYPE ancillary field, as is done for the packet type, the
protocol and the interface index."

	format_series "$r" "$out"
	cd "$TOP_SRCDIR"
}
