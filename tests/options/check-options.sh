#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# tcpdump's options for long-running captures and filters, on files (the
# live ones are in tests/live): -C, -G, -W (rotation), -F (filter from a
# file), -V (list of files), -y and -d/-dd/-ddd (compiled program), -Z
# (privileges dropped, files given to the user), and their messages on
# bad arguments, as tcpdump words them.
#
# Usage: sh tests/options/check-options.sh
# Environment: VSOCKDUMP (default build/werror/vsockdump), VSOCKGEN
# (default next to it, tools/vsockgen), WORKDIR (default
# ${TMPDIR:-/tmp}/vsockdump-options, wiped first), VERBOSE=1.
# The last line is "N passed, N failed".
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
V=${VSOCKDUMP:-$top/build/werror/vsockdump}
G=${VSOCKGEN:-$(dirname "$V")/tools/vsockgen}
W=${WORKDIR:-${TMPDIR:-/tmp}/vsockdump-options}
verbose=${VERBOSE:-0}
res=$W
. "$top/tests/live/check-lib.sh"

rm -rf "$W"
mkdir -p "$W" || exit 2
W=$(cd "$W" && pwd)
cap=$top/tests/captures/linux61-loopback-stream-seqpacket.pcap
sll2=$top/tests/captures/linux61-loopback-any-sll2.pcap
export TZ=GMT0

# decode FILE...: the packets of the files, one line each, as -n prints.
decode() {
	for f in "$@"; do
		"$V" -n -r "$f" 2>/dev/null
	done
}
npackets() {
	decode "$@" | wc -l
}
ref=$(decode "$cap")
nref=$(npackets "$cap")

# expect_error NAME MESSAGE ARGS...: status 1 and exactly that message.
expect_error() {
	name=$1 msg=$2
	shift 2
	"$V" "$@" >/dev/null 2>"$W/err"
	rc=$?
	got=$(grep -v '^reading from file' "$W/err" | head -n 1)
	[ "$rc" = 1 ] && [ "$got" = "vsockdump: $msg" ]
	ck $? "$name: status 1, \"$msg\"" -- "status $rc, \"$got\""
}

# --- -C: by size ---------------------------------------------------------------
mkdir "$W/c"
"$V" -r "$cap" -w "$W/c/out" -C 20k 2>"$W/c.err"
ck $? "-C 20k: status 0" -- "$(cat "$W/c.err")"
files=$(cd "$W/c" && ls | sort -V | tr '\n' ' ')
[ "$files" = "out out1 out2 out3 out4 out5 " ]
ck $? "-C 20k: files out, out1 .. out5 (tcpdump's names)" -- "$files"
set -- $(for f in $files; do echo "$W/c/$f"; done)
[ "$(decode "$@")" = "$ref" ]
ck $? "-C 20k: the files, in order, hold the capture's $nref packets"
ok=0
for f in $files; do
	[ "$f" = out5 ] && continue
	size=$(stat -c %s "$W/c/$f")
	[ "$size" -gt 20480 ] || ok=1
done
ck $ok "-C 20k: each file but the last grew past 20 KiB before the next began"

# -C with -W: the names wrap around, the oldest are overwritten.
mkdir "$W/cw"
"$V" -r "$cap" -w "$W/cw/out" -C 20k -W 3 2>"$W/cw.err"
ck $? "-C 20k -W 3: status 0" -- "$(cat "$W/cw.err")"
files=$(cd "$W/cw" && ls | sort | tr '\n' ' ')
[ "$files" = "out0 out1 out2 " ]
ck $? "-C 20k -W 3: files out0, out1, out2" -- "$files"
# 6 files of -C 20k: out0 out1 out2 out0 out1 out2, so the last three.
[ "$(decode "$W/cw/out0" "$W/cw/out1" "$W/cw/out2")" = \
    "$(decode "$W/c/out3" "$W/c/out4" "$W/c/out5")" ]
ck $? "-C 20k -W 3: they hold the last three files' packets"

mkdir "$W/cw10"
"$V" -r "$cap" -w "$W/cw10/out" -C 20k -W 10 2>/dev/null
files=$(cd "$W/cw10" && ls | sort | tr '\n' ' ')
[ "$files" = "out0 out1 out2 out3 out4 out5 " ]
ck $? "-C 20k -W 10: one digit (0 to 9)" -- "$files"
mkdir "$W/cw11"
"$V" -r "$cap" -w "$W/cw11/out" -C 20k -W 11 2>/dev/null
files=$(cd "$W/cw11" && ls | sort | tr '\n' ' ')
[ "$files" = "out00 out01 out02 out03 out04 out05 " ]
ck $? "-C 20k -W 11: two digits (00 to 10)" -- "$files"

# --- -G: by time ----------------------------------------------------------------
# Two parts of a capture, 2.5 s apart on a pipe: -G 1 begins a new file
# on the first packet a second or more after the current file began.
"$G" -o "$W/a.pcap" "$top/tests/captures/session.txt"
"$G" -o "$W/b.pcap" "$top/tests/captures/flags.txt"
na=$(npackets "$W/a.pcap")
nb=$(npackets "$W/b.pcap")
mkdir "$W/g"
{ cat "$W/a.pcap"; sleep 2.5; tail -c +25 "$W/b.pcap"; } |
    "$V" -r - -w "$W/g/out-%Y%m%d%H%M%S" -G 1 2>"$W/g.err"
ck $? "-G 1: status 0" -- "$(cat "$W/g.err")"
set -- $(ls "$W"/g/out-* | sort)
[ $# = 2 ]
ck $? "-G 1: two files, named by the strftime pattern" -- "$*"
if [ $# = 2 ]; then
	[ "$(npackets "$1")" = "$na" ] && [ "$(npackets "$2")" = "$nb" ]
	ck $? "-G 1: the first file has the first part ($na), the second" \
	    "the rest ($nb)" -- "$(npackets "$1") and $(npackets "$2")"
	t1=${1##*out-}
	t2=${2##*out-}
	[ "$t2" -gt "$t1" ]
	ck $? "-G 1: the second file's name is a later time" -- "$t1 $t2"
fi

# -G with -W and no -C: the capture ends after W files.
mkdir "$W/gw"
{ cat "$W/a.pcap"; sleep 2.5; tail -c +25 "$W/b.pcap"; } |
    "$V" -r - -w "$W/gw/out-%s" -G 1 -W 1 2>"$W/gw.err"
rc=$?
[ "$rc" = 0 ] && grep -qx 'Maximum file limit reached: 1' "$W/gw.err"
ck $? "-G 1 -W 1: \"Maximum file limit reached: 1\", status 0" -- \
    "status $rc, $(cat "$W/gw.err")"
set -- $(ls "$W"/gw/out-*)
[ $# = 1 ] && [ "$(npackets "$1")" = "$na" ]
ck $? "-G 1 -W 1: one file, with the first part's $na packets" -- "$*"

# --- -F ---------------------------------------------------------------------------
printf '# SEQPACKET data\nvsock type seqpacket # the type\n  and vsock vop rw\n' \
    >"$W/filter"
"$V" -n -r "$cap" -F "$W/filter" >"$W/f.out" 2>"$W/f.err"
ck $? "-F: status 0" -- "$(cat "$W/f.err")"
"$V" -n -r "$cap" vsock type seqpacket and vsock vop rw >"$W/f.want" 2>/dev/null
[ -s "$W/f.out" ] && cmp -s "$W/f.out" "$W/f.want"
ck $? "-F: the file's expression, comments ignored, as on the command line"
"$V" -n -r "$cap" -F "$W/filter" vsock port 1 >"$W/f2.out" 2>"$W/f2.err"
cmp -s "$W/f2.out" "$W/f.want" && grep -q 'expression on the command line is ignored' "$W/f2.err"
ck $? "-F with an expression too: a warning, the file's is used"
expect_error "-F missing file" "can't open $W/nofile: No such file or directory" \
    -r "$cap" -F "$W/nofile"

# --- -V -----------------------------------------------------------------------------
printf '%s\n%s\n' "$cap" "$W/a.pcap" >"$W/list"
"$V" -n -V "$W/list" >"$W/v.out" 2>"$W/v.err"
ck $? "-V: status 0" -- "$(cat "$W/v.err")"
decode "$cap" "$W/a.pcap" >"$W/v.want"
cmp -s "$W/v.out" "$W/v.want"
ck $? "-V: the files' packets, one file after the other"
[ "$(grep -c '^reading from file' "$W/v.err")" = 2 ]
ck $? "-V: a \"reading from file\" line for each"
printf '%s\n%s\n' "$cap" "$sll2" >"$W/list2"
"$V" -n -V "$W/list2" >"$W/v2.out" 2>/dev/null
ck $? "-V: files of different link types, printed"
decode "$cap" "$sll2" >"$W/v2.want"
cmp -s "$W/v2.out" "$W/v2.want"
ck $? "-V: each file decoded with its own link type"
expect_error "-V -w, different link types" \
    "$sll2: new dlt does not match original" -V "$W/list2" -w "$W/v2.pcap"
"$V" -n -V "$W/list" -w "$W/v.pcap" 2>/dev/null
[ "$(decode "$W/v.pcap")" = "$(cat "$W/v.want")" ]
ck $? "-V -w: one file with the packets of both"
"$V" -n -V "$W/list2" 'vsock dst port 5000' >"$W/v3.out" 2>/dev/null
{ "$V" -n -r "$cap" 'vsock dst port 5000'
  "$V" -n -r "$sll2" 'vsock dst port 5000'; } >"$W/v3.want" 2>/dev/null
[ -s "$W/v3.out" ] && cmp -s "$W/v3.out" "$W/v3.want"
ck $? "-V: the filter compiled again for the second link type"
printf '' >"$W/empty"
expect_error "-V empty list" "Nothing in $W/empty" -V "$W/empty"
expect_error "-V with -r" "-V and -r are mutually exclusive." -V "$W/list" -r "$cap"

# --- -d, -dd, -ddd, -y --------------------------------------------------------------
"$V" -d 'vsock port 22' >"$W/d.out" 2>"$W/d.err"
grep -qx 'Warning: assuming VSOCK' "$W/d.err" &&
    grep -q '^(000) ld       \[16\]$' "$W/d.out" &&
    grep -q 'jeq      #0x16000000' "$W/d.out"
ck $? "-d: the program, as tcpdump -d lists it (VSOCK assumed)" -- "$(cat "$W/d.out")"
"$V" -dd -y LINUX_SLL2 'vsock' >"$W/dd.out" 2>"$W/dd.err"
head -n 1 "$W/dd.out" | grep -q '^{ 0x28, 0, 0, 0x00000008 },$' &&
    ! grep -q assuming "$W/dd.err"
ck $? "-dd -y LINUX_SLL2: C array, the ARPHRD type at offset 8" -- "$(cat "$W/dd.out")"
"$V" -ddd -r "$cap" 'vsock op connect' >"$W/ddd.out" 2>/dev/null
[ "$(head -n 1 "$W/ddd.out")" = "$(($(wc -l <"$W/ddd.out") - 1))" ]
ck $? "-ddd: the count, then one decimal instruction a line"
expect_error "-y unknown" "invalid data link type FOO" -d -y FOO vsock

# --- -Z -----------------------------------------------------------------------------
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	mkdir "$W/z"
	chmod 777 "$W/z"
	"$V" -r "$cap" -w "$W/z/out.pcap" -Z nobody 2>"$W/z.err"
	ck $? "-Z nobody -w: status 0" -- "$(cat "$W/z.err")"
	[ "$(stat -c %U "$W/z/out.pcap")" = nobody ]
	ck $? "-Z nobody -w: the file is given to nobody" -- \
	    "$(stat -c %U "$W/z/out.pcap")"
	"$V" -r "$cap" -w "$W/z/rot" -C 100k -Z nobody 2>/dev/null
	[ "$(stat -c %U "$W/z/rot")" = nobody ] &&
	    [ "$(stat -c %U "$W/z/rot1")" = nobody ]
	ck $? "-Z nobody -C: every file made by nobody"
	expect_error "-Z unknown user" "Couldn't find user 'no-such-user-x'" \
	    -r "$cap" -w "$W/z/x.pcap" -Z no-such-user-x
fi

# --- bad arguments, as tcpdump words them ---------------------------------------------
expect_error "-C without -w" "-C cannot be used without -w." -r "$cap" -C 1
expect_error "-G without -w" "-G cannot be used without -w." -r "$cap" -G 1
expect_error "-C 0" "invalid file size 0" -r "$cap" -w "$W/x" -C 0
expect_error "-C 1x" "invalid file size 1x (invalid units)" -r "$cap" -w "$W/x" -C 1x
expect_error "-C too large" "file size 9223372036854775807g is too large" \
    -r "$cap" -w "$W/x" -C 9223372036854775807g
expect_error "-W 0" "invalid number of output files 0" -r "$cap" -w "$W/x" -W 0
expect_error "-G -1" "invalid number of seconds -1" -r "$cap" -w "$W/x" -G -1
expect_error "-C -w -" "-C and -G need a file name for -w, not the standard output" \
    -r "$cap" -w - -C 1

# --- protocol decoding's options -------------------------------------------------
names="ttrpc, grpc, http, qmp, notify, ssh, 9p, tls, ready, none"
expect_error "--decode-as unknown protocol" \
    "invalid --decode-as 99=foo (PORT=PROTOCOL, the protocol one of $names)" \
    -r "$cap" --decode-as 99=foo
expect_error "--decode-as without a port" \
    "invalid --decode-as =ttrpc (PORT=PROTOCOL, the protocol one of $names)" \
    -r "$cap" --decode-as =ttrpc
expect_error "--decode-as without =" \
    "invalid --decode-as 1024 (PORT=PROTOCOL, the protocol one of $names)" \
    -r "$cap" --decode-as 1024
expect_error "--decode-as port beyond 32 bits" \
    "invalid --decode-as 4294967296=ttrpc (PORT=PROTOCOL, the protocol one of $names)" \
    -r "$cap" --decode-as 4294967296=ttrpc
expect_error "--decode-buffer below its least" \
    "invalid decode buffer 63 (bytes, at least 64)" -r "$cap" --decode-buffer 63
expect_error "--decode-buffer not a number" \
    "invalid decode buffer 1k (bytes, at least 64)" -r "$cap" --decode-buffer 1k
# On a capture no decoder follows, the output is the same with and
# without decoders (and with every decoder forced on no port).
ready=$top/tests/captures/linux61-proto-ready.pcap
[ "$("$V" -n -r "$cap" 2>/dev/null)" = "$("$V" -n --no-decode -r "$cap" 2>/dev/null)" ]
ck $? "no port decoded: the output is the same as with --no-decode"
"$V" -n -r "$ready" 2>/dev/null | grep -q ': READY: ready 0xb7$'
ck $? "the ready byte on port 9000 is decoded"
[ "$("$V" -n --decode-as 9000=none -r "$ready" 2>/dev/null)" = \
    "$("$V" -n --no-decode -r "$ready" 2>/dev/null)" ]
ck $? "--decode-as 9000=none: the lines of --no-decode"
[ "$("$V" -n --decode-as 9000=ready --decode-as 9000=none -r "$ready" 2>/dev/null)" = \
    "$("$V" -n --no-decode -r "$ready" 2>/dev/null)" ]
ck $? "--decode-as: the last one for a port counts"

echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
