#!/bin/sh
# check-handoff.sh: Wireshark's own SSH, HTTP and HTTP/2 + gRPC
# dissectors decode the payload of real vsock connections, through the
# plugin's hand-off (the vsock.port table, reassembly as over TCP).
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage: check-handoff.sh DIR
# DIR holds linux61-proto-ssh.pcap, linux61-proto-http.pcap and
# linux61-proto-grpc.pcap: SSH, HTTP and gRPC connections over vsock,
# captured on a vsockmon device by the live test (tests/live) with the
# real servers and clients of Debian's packages.  A capture that is
# missing is a failure.
#
# For each, the server's port is the destination of the first REQUEST;
# SSH is found on port 22 by default and elsewhere through Decode As,
# HTTP and HTTP/2 through Decode As.  Each is dissected in one pass and
# in two (-2, as Wireshark's GUI does: the second pass replays the
# reassembly the first one planned), and both must show the fields:
#   ssh   ssh.protocol: both banners ("SSH-2.0-...")
#   http  http.request.uri: at least one request; http.response.code
#   grpc  http2.header.value: a path "/package.Service/Method" and the
#         content-type "application/grpc"; and in one pass, the gRPC
#         protocol in frames (Wireshark 4.0's HTTP/2 dissector hands a
#         DATA frame to gRPC in the first pass only, over TCP too)
# Then each capture's data again, the payload of each RW packet of 64
# bytes or more cut in three (a vsockgen description written from
# tshark's vsock.payload).  Two things must hold:
#  - the same values (ssh.protocol and ssh.message_code,
#    http.request.uri, http2.header.value) come out of the reassembly,
#    in the same order, as from the capture.  Compared value by value,
#    not frame by frame: a PDU is dissected in the frame that completes
#    it, which moves when the packets are cut (the server's banner and
#    its KEXINIT, sent in one packet, end in different pieces);
#  - each frame gives the same values as the frame of the same bytes in
#    TCP: the re-split payloads written again as TCP segments
#    (text2pcap -T), one segment a packet, and dissected by the same
#    dissector.  Our reassembly must hand over the same PDUs in the same
#    frames as TCP's.
# (A shorter payload, such as an SSH banner, stays whole: Wireshark's
# SSH dissector does not reassemble a banner line cut in pieces, over
# TCP either; packet-ssh.c says so.)
# Environment: WS_HOME, WORK, RESULTS, VSOCKGEN (run.sh sets them).

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

dir=$1

# server_port CAPTURE: the destination port of the first REQUEST
server_port() {
	ws_tshark -n -r "$1" -Y 'vsock.virtio.op == 1' -T fields -e vsock.dst_port \
	    2>/dev/null | head -n 1
}

# fields NAME CAPTURE DECODE-AS FIELD...: tshark -T fields, one pass and
# two; fails unless both give the same lines.
fields() {
	n=$1
	c=$2
	d=$3
	shift 3
	set -- -T fields -E separator='|' -E occurrence=a -E aggregator='~' \
	    $(for f in "$@"; do printf ' -e %s' "$f"; done)
	# shellcheck disable=SC2086
	ws_tshark -n -r "$c" $d "$@" >"$WORK/handoff-$n.1" 2>"$WORK/handoff-$n.err"
	# shellcheck disable=SC2086
	ws_tshark -2 -n -r "$c" $d "$@" >"$WORK/handoff-$n.2" 2>>"$WORK/handoff-$n.err"
	if ! cmp -s "$WORK/handoff-$n.1" "$WORK/handoff-$n.2"; then
		echo "one pass and two passes differ: $(diff "$WORK/handoff-$n.1" \
		    "$WORK/handoff-$n.2" | head -n 3 | tr '\n' ' ')"
		return 1
	fi
}

# resplit CAPTURE PORT OUT: CAPTURE's STREAM connection to PORT again,
# the payload of every RW packet of 64 bytes or more in three packets (a
# third each, in the same order).
resplit() {
	ws_tshark -n -r "$1" -Y "vsock.virtio.op == 5 && vsock.port == $2 && vsock.payload" \
	    -T fields -E separator='|' -e vsock.src_cid -e vsock.dst_cid -e vsock.src_port \
	    -e vsock.dst_port -e vsock.payload 2>/dev/null |
	awk -F'|' -v port="$2" '
		NR == 1 {
			c = $4 == port ? 1 : 2
			print "set type=stream"
			printf("packet src_cid=%s dst_cid=%s src_port=%s dst_port=%s vop=request\n",
			    $c, $(3 - c), $(c + 2), $(5 - c))
			printf("packet src_cid=%s dst_cid=%s src_port=%s dst_port=%s vop=response\n",
			    $(3 - c), $c, $(5 - c), $(c + 2))
		}
		{
			hex = $5
			third = length(hex) >= 128 ? int(length(hex) / 6) * 2 : 0
			for (i = 0; i < 3 && hex != ""; i++) {
				n = i < 2 && third > 0 ? third : length(hex)
				printf("packet src_cid=%s dst_cid=%s src_port=%s dst_port=%s vop=rw hex=%s\n",
				    $1, $2, $3, $4, substr(hex, 1, n))
				hex = substr(hex, n + 1)
			}
		}' >"$3.txt" 2>/dev/null
	"$VSOCKGEN" -o "$3" "$3.txt" && chmod a+r "$3"
}

# tcp_twin DESCRIPTION PORT TCP-PORT OUT: the RW packets of a resplit
# description, each as a TCP segment between port 40000 (or 40001) and
# TCP-PORT, sequence numbers following on in each direction.  (text2pcap
# writes an "I" packet from the first -T port to the second, an "O"
# packet the other way.)
tcp_twin() {
	cport=40000
	[ "$3" != "$cport" ] || cport=40001
	awk -v port="$2" '
		/ vop=rw / {
			dir = ""; hex = ""
			for (i = 1; i <= NF; i++) {
				if ($i == "dst_port=" port) dir = "I"
				if (substr($i, 1, 4) == "hex=") hex = substr($i, 5)
			}
			print (dir == "" ? "O" : dir), hex
		}' "$1" >"$4.txt" || return 1
	text2pcap -q -F pcap -D -r '^(?<dir>[IO]) (?<data>[0-9a-fA-F]+)$' \
	    -T "$cport,$3" "$4.txt" "$4" && chmod a+r "$4"
}

for proto in ssh http grpc; do
	cap=$dir/linux61-proto-$proto.pcap
	if [ ! -s "$cap" ]; then
		fail "handoff $proto: $cap is missing (the live test's SSH, HTTP and gRPC captures over vsock)"
		continue
	fi
	port=$(server_port "$cap")
	if [ -z "$port" ]; then
		fail "handoff $proto: no REQUEST in $cap"
		continue
	fi
	case $proto in
	ssh)
		da=
		[ "$port" = 22 ] || da="-d vsock.port==$port,ssh"
		if why=$(fields ssh "$cap" "$da" ssh.protocol); then
			n=$(grep -c '^SSH-2\.0-' "$WORK/handoff-ssh.1")
			if [ "$n" -ge 2 ]; then
				pass "handoff ssh: port $port${da:+ (Decode As)}, $n banners: $(grep '^SSH-2\.0-' "$WORK/handoff-ssh.1" | head -n 2 | tr '\r\n' '  ')"
			else
				fail "handoff ssh: port $port, $n ssh.protocol banners (2 expected)"
			fi
		else
			fail "handoff ssh: $why"
		fi
		;;
	http)
		if why=$(fields http "$cap" "-d vsock.port==$port,http" \
		    http.request.uri http.response.code); then
			n=$(awk -F'|' '$1 != ""' "$WORK/handoff-http.1" | wc -l)
			r=$(awk -F'|' '$2 != ""' "$WORK/handoff-http.1" | wc -l)
			if [ "$n" -ge 1 ] && [ "$r" -ge 1 ]; then
				pass "handoff http: port $port, $n requests ($(awk -F'|' '$1 != "" { print $1; exit }' "$WORK/handoff-http.1")), $r responses"
			else
				fail "handoff http: port $port, $n http.request.uri, $r http.response.code"
			fi
		else
			fail "handoff http: $why"
		fi
		;;
	grpc)
		if why=$(fields grpc "$cap" "-d vsock.port==$port,http2" \
		    http2.header.value); then
			path=$(tr '~|' '\n\n' <"$WORK/handoff-grpc.1" |
			    grep -E '^/[A-Za-z0-9_.]+/[A-Za-z0-9_]+$' | head -n 1)
			ct=$(tr '~|' '\n\n' <"$WORK/handoff-grpc.1" | grep -c '^application/grpc')
			g=$(ws_tshark -n -r "$cap" -d "vsock.port==$port,http2" -T fields \
			    -e frame.protocols 2>/dev/null | grep -c ':grpc')
			if [ -n "$path" ] && [ "$ct" -ge 1 ] && [ "$g" -ge 1 ]; then
				pass "handoff grpc: port $port, path $path, $ct application/grpc headers, $g frames with gRPC"
			else
				fail "handoff grpc: port $port, path \"$path\", $ct application/grpc headers, $g gRPC frames"
			fi
		else
			fail "handoff grpc: $why"
		fi
		;;
	esac
	# The same data, the payloads cut in three, over vsock and over TCP.
	[ -f "$WORK/handoff-$proto.1" ] || continue
	case $proto in
	ssh) dis=ssh; f="ssh.protocol -e ssh.message_code" ;;
	http) dis=http; f=http.request.uri ;;
	grpc) dis=http2; f=http2.header.value ;;
	esac
	da="-d vsock.port==$port,$dis"
	[ "$proto:$port" != ssh:22 ] || da=
	tport=$port
	[ "$port" -le 65535 ] || tport=8000
	rs=$WORK/resplit-$proto.pcap
	if ! { resplit "$cap" "$port" "$rs" && tcp_twin "$rs.txt" "$port" "$tport" "$rs.tcp"; } \
	    >"$WORK/resplit-$proto.log" 2>&1; then
		fail "handoff-resplit $proto: $(tail -n 1 "$WORK/resplit-$proto.log")"
		continue
	fi
	# Every value on a line of its own, in order.
	for c in "$cap" "$rs"; do
		# shellcheck disable=SC2086
		ws_tshark -n -r "$c" $da -T fields -E occurrence=a -E 'aggregator=
' -E 'separator=
' -e $f 2>/dev/null | grep -v '^[[:space:]]*$' >"$c.values"
	done
	# Frame by frame, the frames of the protocol: the TCP twin has no
	# REQUEST and RESPONSE, the two first frames of the vsock capture.
	# shellcheck disable=SC2086
	ws_tshark -n -r "$rs" $da -Y "$dis" -T fields -E separator='|' -E occurrence=a \
	    -E aggregator='~' -e frame.number -e $f 2>/dev/null |
	    awk -F'|' -v OFS='|' '{ $1 -= 2; print }' >"$rs.frames"
	# shellcheck disable=SC2086
	ws_tshark -n -r "$rs.tcp" -d "tcp.port==$tport,$dis" -Y "$dis" -T fields -E separator='|' \
	    -E occurrence=a -E aggregator='~' -e frame.number -e $f 2>/dev/null >"$rs.tcp.frames"
	fl=$(echo "$f" | sed "s/ -e /, /g")
	m=$(wc -l <"$cap.values")
	packets=$(grep -c 'vop=rw' "$rs.txt")
	frames=$(wc -l <"$rs.frames")
	if [ "$m" -eq 0 ] || ! cmp -s "$cap.values" "$rs.values"; then
		fail "handoff-resplit $proto: $fl differs when the payloads are cut in three: $(diff "$cap.values" "$rs.values" | head -n 3 | tr '\n' ' ')"
	elif [ "$frames" -eq 0 ] || ! cmp -s "$rs.tcp.frames" "$rs.frames"; then
		fail "handoff-resplit $proto: the payloads cut in three, $fl frame by frame over TCP and over vsock: $(diff "$rs.tcp.frames" "$rs.frames" | head -n 3 | tr '\n' ' ')"
	else
		pass "handoff-resplit $proto: the payloads cut in three ($packets packets) give the same $m values of $fl, in the same $frames frames as over TCP"
	fi
done
