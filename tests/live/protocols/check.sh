#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks the protocol stage's results (RESULTDIR/protocols, see
# stage.sh) with check.awk, one protocol at a time: the capture is
# whole; every program exited as the stage expects; every connection
# the logs name is in the capture and the capture has no other; the
# bytes each of our programs counted both ways are the capture's RW
# payloads (count and FNV-1a); the client's calls are the plan's, with
# the statuses the implementations reported, each between its
# request and answer packets in time (unanswered ones: request only),
# the slow ones slow; our servers logged the same calls; the real
# programs' own logs say what they did.  Ends with "result PASSED
# FAILED" (run by tests/live/check.sh).
#
# Usage: check.sh [-v] RESULTDIR
# Environment: LIVE_FLOWS (vsock-pcap-flows; built if unset),
# LIVE_PROTO_TOLERANCE (seconds, default 0.001, see check.awk).
set -u

here=$(cd "$(dirname "$0")" && pwd)
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
res=${1:?usage: check.sh [-v] RESULTDIR}/protocols
tol=${LIVE_PROTO_TOLERANCE:-0.001}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/live-proto.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
flows=${LIVE_FLOWS:-}
if [ -z "$flows" ]; then
	flows=$tmp/vsock-pcap-flows
	${CC:-cc} -O2 -o "$flows" "$here/../vsock-pcap-flows.c" || exit 1
fi

E=/vsockdump.test.Echo

# want NAME: the W lines (exit statuses) and X lines (calls) of NAME,
# and, in $want_text, what its programs' own logs must say.
want() {
	want_text=
	slowre=
	srvlog=0
	case $1 in
	ttrpc|grpc)
		srvlog=1
		slowre=/Slow$
		echo "W client 0"
		echo "W server 0"
		echo "X $E/Fast 0 $([ "$1" = ttrpc ] && echo 5 || echo 2)"
		echo "X $E/Slow 0 1"
		echo "X $E/Fail 5 1"
		echo "X $E/Missing 12 1"
		echo "X $E/Hang none 1"
		;;
	http)
		srvlog=1
		slowre=/slow$
		echo "W client 0"
		echo "W server 0"
		echo "X GET_/ 200 2"
		echo "X GET_/missing 404 2"
		echo "X GET_/fail 500 1"
		echo "X GET_/slow 200 1"
		echo "X POST_/echo 200 1"
		echo "X GET_/hang none 1"
		;;
	qmp)
		slowre=fsfreeze-freeze
		echo "W client 0"
		echo "W qemu-ga 0"
		for m in guest-sync guest-info guest-fsfreeze-freeze \
		    guest-fsfreeze-status guest-fsfreeze-thaw; do
			echo "X $m return 1"
		done
		echo "X guest-ping return 2"
		echo "X guest-get-time return 2"
		echo "X guest-frobnicate error:CommandNotFound 1"
		echo "X guest-file-open error:GenericError 1"
		echo "X guest-shutdown none 1"
		want_text='data: {"execute":"guest-shutdown"|disabling logging due to filesystem freeze|fsfreeze-hook freeze|fsfreeze-hook thaw|shutdown -h -P +0 hypervisor initiated shutdown'
		;;
	notify)
		echo "W client 0"
		echo "W server 0"
		;;
	ready)
		srvlog=1
		echo "W client 0"
		echo "W server 0"
		echo "X signal 0xb7 1"
		;;
	ssh)
		echo "W client 0"
		echo "W server 0"
		# dropbear's listener, ended by SIGTERM, says "Early exit:
		# Terminated by signal" and exits 1.
		echo "W dropbear 1"
		want_text="Pubkey auth succeeded for 'root'|Authenticated to vsock|Exit (root)"
		;;
	9p)
		echo "W mount 0"
		echo "W ls 0"
		echo "W cat 0"
		echo "W missing 1"
		echo "W umount 0"
		echo "W server 0"
		want_text="P9_TVERSION|P9_TATTACH|P9_RATTACH|P9_TWALK|P9_TLOPEN|P9_RREAD|nwname 1 'missing'|ecode 2|P9_TCLUNK"
		;;
	tls)
		echo "W s_client 0"
		echo "W s_server 0"
		echo "W socat-server 0"
		echo "W socat-client 0"
		want_text='Hostname in TLS extension: "kms.vsock.test"|Switching server context.|Peer certificate: CN = kms.vsock.test'
		;;
	esac
}

npass=0
nfail=0
for name in ttrpc grpc http qmp ssh 9p tls notify ready; do
	want "$name" >"$tmp/want"
	{
		if [ -f "$res/$name.pcap" ]; then
			"$flows" -t "$res/$name.pcap" 2>/dev/null | sed 's/^/F /'
		fi
		sed 's/^/L /' "$res/$name.log" 2>/dev/null
		sed 's/^/R /' "$res/$name.rc" 2>/dev/null
		cat "$tmp/want"
		echo "C $(cat "$res/$name.cap.rc" 2>/dev/null)"
		sed 's/^/E /' "$res/$name.cap.stderr" 2>/dev/null
	} | awk -v proto="$name" -v verbose="$verbose" -v tol="$tol" \
	    -v slow=0.3 -v slowre="$slowre" -v srvlog="$srvlog" \
	    -v want_text="$want_text" -f "$here/check.awk" >"$tmp/out"
	grep -v '^result ' "$tmp/out"
	set -- $(sed -n 's/^result //p' "$tmp/out")
	npass=$((npass + ${1:-0}))
	nfail=$((nfail + ${2:-1}))
done

# Content the clients received, and sd_notify's messages as received.
ckc() {
	if [ "$1" -eq 0 ]; then
		npass=$((npass + 1))
		[ "$verbose" = 1 ] && echo "ok   $2"
	else
		nfail=$((nfail + 1))
		echo "FAIL $2"
	fi
}
grep -qx 'hello over ssh' "$res/ssh.out" 2>/dev/null
ckc $? "ssh: the remote command's output came back"
grep -qx 'hello over 9p' "$res/9p.out" 2>/dev/null
ckc $? "9p: the file's contents were read through the mount"
grep -qx 'slt revo olleh' "$res/tls.out" 2>/dev/null
ckc $? "tls: s_server's reversed line came back"
for w in client server; do
	sed -n "s/^message who=notify-$w .* type=\([a-z]*\) bytes=\([0-9]*\) .* msg=/\1 \2 /p" \
	    "$res/notify.log" 2>/dev/null | sort >"$tmp/notify-$w"
done
[ -s "$tmp/notify-client" ] && [ "$(wc -l <"$tmp/notify-client")" -eq 3 ] &&
    cmp -s "$tmp/notify-client" "$tmp/notify-server"
ckc $? "notify: the server received each of the 3 messages as sent"

echo "result $npass $nfail"
