#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Output that cannot be written: vsockdump (and, with TCPDUMP set, a
# tcpdump with our patch 0006) reading a real capture and writing
#	full	-w to a 64 KiB tmpfs that the capture overflows (with and
#		without -U): status 1, "FILE: No space left on device; the
#		file keeps the first N packets", and the file left there is
#		a valid pcap of exactly those N packets, the first N of the
#		capture (read back by the system's tcpdump, which must not
#		report a cut record)
#	devfull	-w - and the decoded output to /dev/full: status 1,
#		"standard output: No space left on device"
#	pipe	decoded output into "head -n 1": status 0, no message (the
#		reader going away is not an error)
#	open	-w into a directory that does not exist: status 1, a message
#	ok	-w to a file system with room: status 0 and a byte-identical
#		copy of the capture (nothing cut when nothing failed)
#	rotate	-C 1 (1 MB files) into a 2.5 MB tmpfs, reading the capture
#		twelve times over (-V): status 1, the message names the file
#		being written, every file reads back without error, and
#		together, in order, they hold the first packets read
# The tmpfs is mounted in a mount namespace of its own (unshare -m), so
# nothing is left mounted.  Needs root.
#
# Usage:	sh tests/hardening/write-errors.sh
# Environment:	VSOCKDUMP (default build/werror/vsockdump), TCPDUMP (a
#		patched tcpdump to check too; unset: vsockdump only),
#		WORKDIR (default ./write-errors.d)
#
# Ends with "N passed, N failed".

srcdir=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
VSOCKDUMP=${VSOCKDUMP:-$srcdir/build/werror/vsockdump}
WORKDIR=${WORKDIR:-write-errors.d}
capture=$srcdir/tests/captures/linux61-loopback-stream-seqpacket.pcap

if [ ! -x "$VSOCKDUMP" ]; then
	echo "write-errors.sh: no vsockdump at $VSOCKDUMP"
	echo "0 passed, 1 failed"
	exit 1
fi
rm -rf "$WORKDIR"
mkdir -p "$WORKDIR" || exit 2
WORKDIR=$(cd "$WORKDIR" && pwd)
# ck, as the live checks count and print them (every check shown).
verbose=1
res=$WORKDIR
. "$srcdir/tests/live/check-lib.sh"
# The reference: the capture as the system's tcpdump prints it.
tcpdump -n -r "$capture" >"$WORKDIR/ref.txt" 2>/dev/null
nref=$(wc -l <"$WORKDIR/ref.txt")


for prog in vsockdump ${TCPDUMP:+tcpdump}; do
	if [ "$prog" = vsockdump ]; then
		P=$VSOCKDUMP
	else
		P="$TCPDUMP -Z root"
	fi

	# --- full: a 64 KiB tmpfs --------------------------------------
	for u in "" -U; do
		n=full-$prog${u:+-U}
		# shellcheck disable=SC2086
		unshare -m sh -c '
			mkdir -p "$1/mnt" && mount -t tmpfs -o size=64k tmpfs "$1/mnt" || exit 99
			shift
			"$@" -w "$0/mnt/f.pcap"
			rc=$?
			cp "$0/mnt/f.pcap" "$0/f.pcap" 2>/dev/null
			exit $rc' "$WORKDIR" "$WORKDIR" $P $u -r "$capture" \
		    >/dev/null 2>"$WORKDIR/$n.err.all"
		rc=$?
		mv "$WORKDIR/f.pcap" "$WORKDIR/$n.pcap" 2>/dev/null
		if [ $rc = 99 ]; then
			ck 1 "$n: mount a tmpfs in a new mount namespace" \
			    -- "unshare -m or mount failed (root needed)"
			continue
		fi
		msg=$(grep -v '^reading from file ' "$WORKDIR/$n.err.all")
		[ $rc = 1 ]
		ck $? "$n: status 1" -- "status $rc"
		kept=$(printf '%s\n' "$msg" | sed -n \
		    's/^[a-z]*: .*\/f\.pcap: No space left on device; the file keeps the first \([0-9]*\) packets*$/\1/p')
		[ -n "$kept" ] && [ "$(printf '%s\n' "$msg" | wc -l)" = 1 ]
		ck $? "$n: one message, 'FILE: No space left on device; the" \
		    "file keeps the first N packets'" \
		    -- "got: $msg"
		tcpdump -n -r "$WORKDIR/$n.pcap" >"$WORKDIR/$n.txt" \
		    2>"$WORKDIR/$n.read.err"
		rrc=$?
		[ $rrc = 0 ] && ! grep -v '^reading from file ' \
		    "$WORKDIR/$n.read.err" >/dev/null
		ck $? "$n: the file reads back without error" \
		    -- "status $rrc: $(grep -v '^reading' "$WORKDIR/$n.read.err")"
		got=$(wc -l <"$WORKDIR/$n.txt")
		head -n "$got" "$WORKDIR/ref.txt" >"$WORKDIR/$n.refk"
		[ -n "$kept" ] && [ "$got" = "$kept" ] && [ "$got" -gt 0 ] &&
		    [ "$got" -lt "$nref" ] &&
		    cmp -s "$WORKDIR/$n.txt" "$WORKDIR/$n.refk"
		ck $? "$n: it holds the $kept packets it says, the first" \
		    "of the capture's $nref" \
		    -- "$got packets; $(diff \
		    "$WORKDIR/$n.refk" "$WORKDIR/$n.txt" | sed -n 2p)"
	done

	# --- devfull: /dev/full ------------------------------------------
	n=devfull-w-$prog
	# shellcheck disable=SC2086
	$P -r "$capture" -w - >/dev/full 2>"$WORKDIR/$n.err.all"
	rc=$?
	msg=$(grep -v '^reading from file ' "$WORKDIR/$n.err.all")
	[ $rc = 1 ] && [ "$msg" = "$prog: standard output: No space left on device" ]
	ck $? "$n: -w - to /dev/full: status 1, 'standard output:" \
	    "No space left on device'" \
	    -- "status $rc, $msg"
	if [ "$prog" = vsockdump ]; then
		n=devfull-print-$prog
		$P -n -r "$capture" >/dev/full 2>"$WORKDIR/$n.err.all"
		rc=$?
		msg=$(grep -v '^reading from file ' "$WORKDIR/$n.err.all")
		[ $rc = 1 ] && [ "$msg" = \
		    "$prog: standard output: No space left on device" ]
		ck $? "$n: decoded output to /dev/full: status 1," \
		    "'standard output: No space left on device'" \
		    -- "status $rc, $msg"

		# --- pipe: the reader goes away ----------------------------
		n=pipe-$prog
		rc=$( { $P -n -r "$capture" 2>"$WORKDIR/$n.err.all"
		    echo $? >"$WORKDIR/$n.rc"; } | head -n 1 >/dev/null
		    cat "$WORKDIR/$n.rc")
		msg=$(grep -v '^reading from file ' "$WORKDIR/$n.err.all")
		[ "$rc" = 0 ] && [ -z "$msg" ]
		ck $? "$n: output into 'head -n 1': status 0, no message" \
		    -- "status $rc, $msg"
	fi

	# --- open: no such directory ---------------------------------------
	n=open-$prog
	# shellcheck disable=SC2086
	$P -r "$capture" -w "$WORKDIR/none/f.pcap" 2>"$WORKDIR/$n.err.all"
	rc=$?
	grep -q "none/f.pcap: No such file or directory" "$WORKDIR/$n.err.all"
	m=$?
	[ $rc = 1 ] && [ $m = 0 ]
	ck $? "$n: -w into a missing directory: status 1 and a message" \
	    -- "status $rc, $(cat "$WORKDIR/$n.err.all")"

	# --- rotate: -C fills the file system ----------------------------------
	n=rotate-$prog
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		echo "$capture"
	done >"$WORKDIR/list12"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		cat "$WORKDIR/ref.txt"
	done >"$WORKDIR/ref12.txt"
	# shellcheck disable=SC2086
	unshare -m sh -c '
		mkdir -p "$1/mnt" && mount -t tmpfs -o size=2560k tmpfs "$1/mnt" || exit 99
		shift
		"$@" -C 1 -w "$0/mnt/r"
		rc=$?
		mkdir -p "$0/rot" && cp "$0"/mnt/r* "$0/rot/" 2>/dev/null
		exit $rc' "$WORKDIR" "$WORKDIR" $P -V "$WORKDIR/list12" \
	    >/dev/null 2>"$WORKDIR/$n.err.all"
	rc=$?
	rm -rf "$WORKDIR/$n.d"
	mv "$WORKDIR/rot" "$WORKDIR/$n.d" 2>/dev/null
	msg=$(grep -v '^reading from file ' "$WORKDIR/$n.err.all")
	last=$(ls "$WORKDIR/$n.d" 2>/dev/null | sort -V | tail -n 1)
	[ $rc = 1 ] && printf '%s\n' "$msg" |
	    grep -q "/mnt/$last: No space left on device; the file keeps the first [0-9]* packets*$"
	ck $? "$n: -C 1 on a full file system: status 1, the message" \
	    "names the file being written ($last)" -- "status $rc, $msg"
	: >"$WORKDIR/$n.txt"
	bad=
	for f in $(ls "$WORKDIR/$n.d" 2>/dev/null | sort -V); do
		tcpdump -n -r "$WORKDIR/$n.d/$f" >>"$WORKDIR/$n.txt" \
		    2>"$WORKDIR/$n.read.err" || bad="$bad $f"
		grep -v '^reading from file ' "$WORKDIR/$n.read.err" \
		    >/dev/null && bad="$bad $f"
	done
	[ -z "$bad" ] && [ -n "$last" ] && [ "$last" != r ]
	ck $? "$n: several files, each reads back without error" \
	    -- "files: $(ls "$WORKDIR/$n.d" | tr '\n' ' ')bad:$bad"
	got=$(wc -l <"$WORKDIR/$n.txt")
	head -n "$got" "$WORKDIR/ref12.txt" >"$WORKDIR/$n.refk"
	[ "$got" -gt 0 ] && [ "$got" -lt "$((12 * nref))" ] &&
	    cmp -s "$WORKDIR/$n.txt" "$WORKDIR/$n.refk"
	ck $? "$n: in order, they hold the first $got packets read"

	# --- ok: room enough -------------------------------------------------
	n=ok-$prog
	# shellcheck disable=SC2086
	$P -r "$capture" -w "$WORKDIR/$n.pcap" 2>"$WORKDIR/$n.err.all"
	rc=$?
	[ $rc = 0 ] && cmp -s "$capture" "$WORKDIR/$n.pcap"
	ck $? "$n: -w with room: status 0, a byte-identical copy" \
	    -- "status $rc, $(cmp "$capture" "$WORKDIR/$n.pcap" 2>&1)"
done

echo "$npass passed, $nfail failed"
[ $nfail -eq 0 ]
