#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks vsockdump's protocol decoders on the protocol stage's captures
# against what the real programs logged (check-decoded.awk): each
# call's method, the counts of calls, errors and unanswered requests
# per method, the latencies within the times the client and server
# logged, and for the protocols without calls the texts their logs say
# went over the wire (identification strings, the server name, the
# notify assignments, the ready byte).  Ends with "result PASSED FAILED"
# (for tests/live/check.sh) and "N passed, N failed" (for check-all).
#
# Usage: check-decoded.sh [-v] RESULTDIR
#	the stage's results, RESULTDIR/protocols/NAME.pcap and .log
#        check-decoded.sh [-v] -p PREFIX
#	PREFIXNAME.pcap and .log: the kept fixtures, with PREFIX
#	tests/captures/linux61-proto-
# Environment: LIVE_HOST_VSOCKDUMP (the vsockdump to run; default
# vsockdump in $PATH), LIVE_PROTO_LATENCY_TOLERANCE (milliseconds,
# default 1).
set -u

here=$(cd "$(dirname "$0")" && pwd)
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
if [ "${1:-}" = -p ]; then
	prefix=${2:?usage: check-decoded.sh [-v] -p PREFIX}
else
	prefix=${1:?usage: check-decoded.sh [-v] RESULTDIR}/protocols/
fi
vsockdump=${LIVE_HOST_VSOCKDUMP:-vsockdump}
tol=${LIVE_PROTO_LATENCY_TOLERANCE:-1}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/live-decoded.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# The --decode-as options of NAME's ports that have no default.
decode_as() {
	case $1 in
	http)	echo "--decode-as 8080=http" ;;
	qmp)	echo "--decode-as 4040=qmp" ;;
	notify)	echo "--decode-as 8125=notify --decode-as 8126=notify" ;;
	esac
}

# The -z rpc,vsock name of NAME's calls, "" for none.
rpc_name() {
	case $1 in
	ttrpc|grpc|http|qmp|9p) echo "$1" ;;
	esac
}

# The texts NAME's packet lines must hold, from its log.
texts() {
	case $1 in
	ssh)
		# ssh -E ends some of its lines with CR LF.
		tr -d '\r' <"$2" | sed -n \
		    -e 's/.*Local version string \(SSH-[^ ]*\).*/\1/p' \
		    -e 's/.*remote software version \([^ ]*\).*/SSH-2.0-\1/p'
		;;
	tls)
		sed -n 's/.*Hostname in TLS extension: "\([^"]*\)".*/\1/p' "$2"
		;;
	notify)
		# Each assignment of each message as the client sent it, as
		# the summary shows it: STATUS's value, and one with a space,
		# a comma or a quote, in quotes.
		sed -n '/^message who=notify-client/s/.* msg="\(.*\)"$/\1/p' \
		    "$2" | sed 's/\\n/\n/g' | sed '/^$/d' |
		    awk '{
			k = $0; sub(/=.*/, "", k); v = substr($0, length(k) + 2)
			if (k == "STATUS" || v ~ /[ ,"]/)
				v = "\"" v "\""
			print k "=" v
		    }'
		;;
	ready)
		echo "0xb7"
		;;
	esac
}

npass=0
nfail=0
for name in ttrpc grpc http qmp ssh 9p tls notify ready; do
	pcap=$prefix$name.pcap
	log=$prefix$name.log
	if [ ! -f "$pcap" ] || [ ! -f "$log" ]; then
		echo "FAIL $name: no $pcap or $log"
		nfail=$((nfail + 1))
		continue
	fi
	# shellcheck disable=SC2046
	{
		sed 's/^/L /' "$log"
		"$vsockdump" -n -q -z rpc,vsock,json $(decode_as "$name") \
		    -r "$pcap" 2>/dev/null | sed 's/^/J /'
		"$vsockdump" -n $(decode_as "$name") -r "$pcap" \
		    2>/dev/null | sed 's/^/P /'
		texts "$name" "$log" | sort -u | sed 's/^/S /'
	} | awk -v proto="$name" -v rpc="$(rpc_name "$name")" \
	    -v verbose="$verbose" -v tol="$tol" \
	    -f "$here/check-decoded.awk" >"$tmp/out"
	grep -v '^result ' "$tmp/out"
	set -- $(sed -n 's/^result //p' "$tmp/out")
	npass=$((npass + ${1:-0}))
	nfail=$((nfail + ${2:-1}))
done
echo "result $npass $nfail"
echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
