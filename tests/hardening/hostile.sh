#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Hostile capture files: tests/hardening/hostile/mkhostile.c writes each
# (see hostile/README); vsockdump reads each with no options and with
# "-e -vv -X" under a time limit, and each run must:
#	- exit with the status below (1: refused with a message; 0: read,
#	  a bad record shown as tcpdump shows it, or skipped);
#	- print the expected text on stderr (for a refusal) and stdout;
#	- not crash, not trip ASan/UBSan (an ASan build is used), not hang
#	  (TIMEOUT seconds, default 10).
#
# Usage:	sh tests/hardening/hostile.sh
# Environment:	VSOCKDUMP (default: built here with clang ASan+UBSan),
#		CC (default clang), WORKDIR (default ./hostile.d), TIMEOUT
#
# Ends with "N passed, N failed" (one case per file and option set).

srcdir=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
CC=${CC:-clang}
WORKDIR=${WORKDIR:-hostile.d}
TIMEOUT=${TIMEOUT:-10}

rm -rf "$WORKDIR"
mkdir -p "$WORKDIR/files" || exit 2
WORKDIR=$(cd "$WORKDIR" && pwd)
libs=$(pkg-config --libs libpcap 2>/dev/null || echo -lpcap)

if [ -z "$VSOCKDUMP" ]; then
	# shellcheck disable=SC2086
	$CC -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -DHAVE_NET_IF_H=1 \
	    -I"$srcdir/netdissect-stubs" -o "$WORKDIR/vsockdump" \
	    "$srcdir/vsockdump.c" "$srcdir/vsockdump-sll.c" \
	    "$srcdir/savefile-trim.c" "$srcdir/vsock-conv.c" \
	    "$srcdir/vsockdump-analysis.c" \
	    "$srcdir/print-vsock.c" "$srcdir/netdissect-stubs/util-print.c" \
	    "$srcdir/netdissect-stubs/print-ascii.c" \
	    "$srcdir/netdissect-stubs/print.c" $libs ||
	    { echo "hostile.sh: build failed"; echo "0 passed, 1 failed"; exit 1; }
	VSOCKDUMP=$WORKDIR/vsockdump
fi
cc -O1 -o "$WORKDIR/mkhostile" "$srcdir/tests/hardening/hostile/mkhostile.c" &&
    "$WORKDIR/mkhostile" "$WORKDIR/files" ||
    { echo "hostile.sh: mkhostile failed"; echo "0 passed, 1 failed"; exit 1; }

ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
TZ=GMT0
export ASAN_OPTIONS UBSAN_OPTIONS TZ

# file|exit status|text stderr must contain|text stdout must contain
# ("" for stdout: stdout must be empty).  The stdout text is checked
# for the run without options; with "-e -vv -X", stdout must be empty
# exactly when the text is "".
cases='
good.pcap|0||00:00:02.000000 VIRTIO 3.1024 > 2.1234 CONNECT
empty.pcap|1|vsockdump: truncated dump file; tried to read 4 file header bytes, only got 0|
garbage.pcap|1|vsockdump: unknown file format|
short-file-header.pcap|1|vsockdump: truncated dump file; tried to read 24 file header bytes, only got 6|
header-only.pcap|0|reading from file|
version-archaic.pcap|1|vsockdump: archaic pcap savefile format|
bigendian.pcap|0||00:00:01.000000 VIRTIO 3.1024 > 2.1234 CONNECT
caplen-gt-snaplen.pcap|0|snapshot length 64|CONNECT, length 76 [|vsock]
caplen-huge.pcap|1|vsockdump: pcap_loop: invalid packet capture length 2147483647, bigger than snaplen of 262144|00:00:01.000000 VIRTIO 3.1024 > 2.1234 CONNECT
caplen-negative.pcap|1|vsockdump: pcap_loop: invalid packet capture length 4294967295, bigger than snaplen of 262144|00:00:01.000000 VIRTIO 3.1024 > 2.1234 CONNECT
caplen-over-max.pcap|1|vsockdump: pcap_loop: invalid packet capture length 262145, bigger than snaplen of 262144|
len-huge.pcap|0||[Invalid header: len(4294967295) > 262144]
len-lt-caplen.pcap|0||[Invalid header: len(60) < caplen(76)]
caplen-zero.pcap|0||[Invalid header: caplen==0]
time-negative.pcap|0||[Error converting time] VIRTIO 3.1024 > 2.1234 CONNECT
linktype-en10mb.pcap|1|vsockdump: link-type EN10MB (Ethernet) is not supported: vsockdump decodes VSOCK, LINUX_SLL and LINUX_SLL2 captures|
linktype-unknown.pcap|1|vsockdump: link-type 60000 is not supported: vsockdump decodes VSOCK, LINUX_SLL and LINUX_SLL2 captures|
truncated-record-data.pcap|1|vsockdump: pcap_loop: truncated dump file; tried to read 76 captured bytes, only got 40|00:00:01.000000 VIRTIO 3.1024 > 2.1234 CONNECT
truncated-record-header.pcap|1|vsockdump: pcap_loop: truncated dump file; tried to read 16 header bytes, only got 8|00:00:01.000000 VIRTIO 3.1024 > 2.1234 CONNECT
ng-good.pcapng|0||00:00:00.000000 VIRTIO 3.1024 > 2.1234 CONNECT
ng-shb-only.pcapng|1|vsockdump: the capture file has no Interface Description Blocks|
ng-unknown-blocks.pcapng|0||00:00:00.000000 VIRTIO 3.1024 > 2.1234 CONNECT
ng-block-len-odd.pcapng|1|vsockdump: pcap_loop: block in pcapng dump file has a length of 17 that is not a multiple of 4|
ng-block-len-short.pcapng|1|vsockdump: pcap_loop: block in pcapng dump file has a length of 8 < 12|
ng-block-len-huge.pcapng|1|vsockdump: pcap_loop: pcapng block size 2147483632 > maximum 16777216|
ng-block-len-past-eof.pcapng|1|vsockdump: pcap_loop: truncated pcapng dump file; tried to read 1016 bytes, only got 64|
ng-trailer-mismatch.pcapng|1|vsockdump: pcap_loop: block total length in header and trailer don'"'"'t match|
ng-epb-caplen-gt-block.pcapng|1|vsockdump: pcap_loop: block of type 6 in pcapng dump file is too short|
ng-no-idb.pcapng|1|vsockdump: the capture file has a packet block before any Interface Description Blocks|
ng-bad-ifid.pcapng|1|vsockdump: pcap_loop: a packet arrived on interface 5, but there'"'"'s no Interface Description Block for that interface|
ng-linktype-en10mb.pcapng|1|vsockdump: link-type EN10MB (Ethernet) is not supported: vsockdump decodes VSOCK, LINUX_SLL and LINUX_SLL2 captures|
ng-truncated.pcapng|1|vsockdump: pcap_loop: truncated pcapng dump file; tried to read 100 bytes, only got 70|
'

pass=0
fail=0
listed=$WORKDIR/listed
: >"$listed"
echo "$cases" | while IFS='|' read -r file want_st want_err want_out; do
	[ -n "$file" ] || continue
	echo "$file" >>"$listed"
	for opts in "" "-e -vv -X"; do
		# shellcheck disable=SC2086
		timeout "$TIMEOUT" "$VSOCKDUMP" -n $opts \
		    -r "$WORKDIR/files/$file" >"$WORKDIR/out" 2>"$WORKDIR/err"
		st=$?
		why=
		if [ $st -eq 124 ]; then
			why="hung (killed after ${TIMEOUT}s)"
		elif [ $st -gt 1 ]; then
			why="crashed or sanitizer report (exit $st)"
		elif [ $st -ne "$want_st" ]; then
			why="exit $st, expected $want_st"
		elif grep -q -e 'Sanitizer' -e 'runtime error' "$WORKDIR/err"; then
			why="sanitizer report"
		elif [ -n "$want_err" ] && ! grep -qF -- "$want_err" "$WORKDIR/err"; then
			why="stderr lacks: $want_err"
		elif [ -z "$opts" ] && [ -n "$want_out" ] &&
		    ! grep -qF -- "$want_out" "$WORKDIR/out"; then
			why="stdout lacks: $want_out"
		elif [ -n "$opts" ] && [ -n "$want_out" ] &&
		    ! [ -s "$WORKDIR/out" ]; then
			why="nothing on stdout"
		elif [ -z "$want_out" ] && [ -s "$WORKDIR/out" ]; then
			why="unexpected output on stdout"
		fi
		if [ -z "$why" ]; then
			echo "PASS: $file ${opts:-(no options)}"
			echo pass >>"$WORKDIR/tally"
		else
			echo "FAIL: $file ${opts:-(no options)}: $why"
			sed 's/^/	stderr: /' "$WORKDIR/err" | head -12
			sed 's/^/	stdout: /' "$WORKDIR/out" | head -4
			echo fail >>"$WORKDIR/tally"
		fi
	done
done
# Every file mkhostile writes must have a line above.
for f in "$WORKDIR"/files/*; do
	grep -qxF "$(basename "$f")" "$listed" && continue
	echo "FAIL: $(basename "$f"): written by mkhostile but not in the table"
	echo fail >>"$WORKDIR/tally"
done
pass=$(grep -c pass "$WORKDIR/tally" 2>/dev/null)
fail=$(grep -c fail "$WORKDIR/tally" 2>/dev/null)
echo "${pass:-0} passed, ${fail:-0} failed"
[ "${fail:-0}" -eq 0 ]
