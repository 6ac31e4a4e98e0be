#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The live tier's protocol stage, run by /init as "protocols.sh
# protocols OUTDIR" after the other stages (vsockmon0 up): real
# implementations talk over the loopback transport (CID 1), one
# protocol at a time, each captured alone on vsockmon0 by vsockdump
# (tcpdump -Z root without it).  See README beside this file for the
# programs, the ports, what each one does and the log format.
#
# Results in OUTDIR/protocols:
#	NAME.pcap	the capture of protocol NAME, NAME.cap.stderr and
#			NAME.cap.rc its capture program's
#	NAME.log	the events of our programs (vsproto), then each
#			real program's own log as "text" lines
#	NAME.rc		"ROLE STATUS" lines: each program's exit status
#	NAME.out	what the clients printed (ssh's command, TLS
#			reply, 9P file contents)
#	ports.txt	"NAME PORT" per protocol
out=${2:-/out}/protocols
mkdir -p "$out"
PATH=/bin:/sbin
export PATH HOME=/root

# Ports of the protocols: their usual ones where they have one.
P_TTRPC=1024 P_GRPC=50051 P_HTTP=8080 P_QMP=4040 P_SSH=22 P_9P=564
P_TLS=8000 P_NOTIFY=8125 P_READY=9000
# Loopback TCP ports of dropbear and the TLS programs, bridged to vsock
# by socat.
T_SSH=2222 T_SERVER=4433 T_CLIENT=4434

cat >"$out/ports.txt" <<EOF
ttrpc $P_TTRPC
grpc $P_GRPC
http $P_HTTP
qmp $P_QMP
ssh $P_SSH
9p $P_9P
tls $P_TLS
notify $P_NOTIFY
notify $((P_NOTIFY + 1))
ready $P_READY
EOF

if command -v vsockdump >/dev/null; then
	CAPTURE="vsockdump --immediate-mode"
else
	CAPTURE="tcpdump -Z root --immediate-mode"
fi

say() {
	echo "protocols: $*"
}

# rc NAME ROLE STATUS: one line of NAME.rc.
rc() {
	echo "$2 $3" >>"$out/$1.rc"
}

# waitfor FILE TEXT [PID]: until FILE holds TEXT (10 s at most; gives
# up early if PID has exited).
waitfor() {
	_i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then
			say "$1: no '$2', and process $3 has exited"
			return 1
		fi
		_i=$((_i + 1))
		if [ "$_i" -gt 100 ]; then
			say "$1: no '$2' after 10 s"
			return 1
		fi
		usleep 100000
	done
}

# capture_start NAME / capture_stop NAME: NAME.pcap, with all of
# NAME's traffic.
capture_start() {
	# shellcheck disable=SC2086
	$CAPTURE -i vsockmon0 -w "$out/$1.pcap" 2>"$out/$1.cap.stderr" &
	cap_pid=$!
	waitfor "$out/$1.cap.stderr" "listening on" "$cap_pid"
}

capture_stop() {
	kill -INT "$cap_pid" 2>/dev/null
	wait "$cap_pid"
	echo $? >"$out/$1.cap.rc"
}

# stop_server NAME ROLE PID: SIGTERM, and its status in NAME.rc.
stop_server() {
	kill -TERM "$3" 2>/dev/null
	wait "$3"
	rc "$1" "$2" $?
}

# text NAME PROG FILE: FILE's lines, as "text" events, at the end of
# NAME.log.
text() {
	[ -f "$3" ] || return 0
	sed "s/^/text who=$2 msg=/" "$3" >>"$out/$1.log"
}

# waitlines FILE PATTERN N: until FILE has N lines matching PATTERN
# (10 s at most).
waitlines() {
	_i=0
	while [ "$(grep -c "$2" "$1" 2>/dev/null)" -lt "$3" ]; do
		_i=$((_i + 1))
		if [ "$_i" -gt 100 ]; then
			say "$1: fewer than $3 lines '$2' after 10 s"
			return 1
		fi
		usleep 100000
	done
}

# go_pair NAME PORT [PATTERN N]: vsproto's server and client of
# protocol NAME; the server is stopped once the client has exited and
# the server's log has N lines matching PATTERN (what it must have
# logged by then: a loaded VM can leave the server behind the client).
go_pair() {
	log=$out/$1.log
	capture_start "$1"
	vsproto -log "$log" server "$1" "$2" 2>>"$out/$1.stderr" &
	spid=$!
	waitfor "$log" "^listen " "$spid"
	vsproto -log "$log" client "$1" "$2" >>"$out/$1.out" 2>>"$out/$1.stderr"
	rc "$1" client $?
	[ -n "${3:-}" ] && waitlines "$log" "$3" "$4"
	stop_server "$1" server "$spid"
	capture_stop "$1"
}

t0=$(cut -d' ' -f1 /proc/uptime)
say "start at ${t0}s"

go_pair ttrpc "$P_TTRPC" "^hang who=ttrpc-server" 1
go_pair grpc "$P_GRPC" "^hang who=grpc-server" 1
go_pair http "$P_HTTP" "^hang who=http-server" 1
go_pair notify "$P_NOTIFY" "^message who=notify-server" 3
go_pair ready "$P_READY" "^close who=ready-server" 1

# QMP: qemu-ga listening on vsock; guest-shutdown runs /sbin/shutdown,
# a stub that only records its arguments (the stage must go on); the
# fsfreeze hook sleeps on "freeze" (the slow call).
mkdir -p /tmp/qga
qemu-ga -m vsock-listen -p "1:$P_QMP" -t /tmp/qga -f /tmp/qga/pid -v \
    -F/etc/live/proto/fsfreeze-hook \
    -l "$out/qmp.qga.log" 2>>"$out/qmp.stderr" &
qpid=$!
# The agent says nothing when it listens: a connection made and closed
# before the capture starts tells.
vsproto waitport "$P_QMP" 2>>"$out/qmp.stderr"
capture_start qmp
vsproto -log "$out/qmp.log" qmp "$P_QMP" >>"$out/qmp.out" 2>>"$out/qmp.stderr"
rc qmp client $?
stop_server qmp qemu-ga "$qpid"
capture_stop qmp
text qmp qemu-ga "$out/qmp.qga.log"
text qmp fsfreeze-hook /tmp/fsfreeze-hook.args
text qmp shutdown /tmp/shutdown.args

# SSH: dropbear on loopback TCP behind socat's VSOCK-LISTEN (in inetd
# mode, on the vsock itself, dropbear gives up: getnameinfo() has no
# AF_VSOCK); OpenSSH's client through socat's VSOCK-CONNECT as its
# ProxyCommand.
capture_start ssh
dropbear -F -E -s -p "127.0.0.1:$T_SSH" \
    -r /etc/live/proto/dropbear_ed25519_host_key 2>"$out/ssh.dropbear.log" &
dbpid=$!
waitfor "$out/ssh.dropbear.log" "Not backgrounding" "$dbpid"
socat -d -d "VSOCK-LISTEN:$P_SSH" "TCP:127.0.0.1:$T_SSH" \
    2>"$out/ssh.server.log" &
spid=$!
waitfor "$out/ssh.server.log" "listening on" "$spid"
vsproto -log "$out/ssh.log" run ssh ssh -F /dev/null -v \
    -E "$out/ssh.client.log" -i /root/.ssh/id_ed25519 \
    -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null \
    -o "ProxyCommand=socat -d -d - VSOCK-CONNECT:1:$P_SSH" \
    root@vsock 'echo hello over ssh; uname -r' \
    >>"$out/ssh.out" 2>>"$out/ssh.stderr"
rc ssh client $?
wait "$spid"
rc ssh server $?
stop_server ssh dropbear "$dbpid"
capture_stop ssh
text ssh socat "$out/ssh.server.log"
text ssh dropbear "$out/ssh.dropbear.log"
text ssh ssh "$out/ssh.client.log"

# 9P: diod serving one connection on socat's descriptors; the kernel's
# 9P client (the fd transport) mounts it.
mkdir -p /srv/9p /mnt/9p
echo "hello over 9p" >/srv/9p/hello.txt
capture_start 9p
socat -d -d "VSOCK-LISTEN:$P_9P" \
    EXEC:"diod -f -n -c /dev/null --rfdno 0 --wfdno 1 -e /srv/9p -L stderr -d 1",nofork \
    2>"$out/9p.server.log" &
spid=$!
waitfor "$out/9p.server.log" "listening on" "$spid"
vsproto -log "$out/9p.log" mount9p "$P_9P" /mnt/9p /srv/9p \
    >>"$out/9p.out" 2>>"$out/9p.stderr"
rc 9p mount $?
vsproto -log "$out/9p.log" run ls ls /mnt/9p >>"$out/9p.out" 2>&1
rc 9p ls $?
vsproto -log "$out/9p.log" run cat cat /mnt/9p/hello.txt >>"$out/9p.out" 2>&1
rc 9p cat $?
vsproto -log "$out/9p.log" run missing cat /mnt/9p/missing >>"$out/9p.out" 2>&1
rc 9p missing $?
vsproto -log "$out/9p.log" run umount umount /mnt/9p >>"$out/9p.out" 2>&1
rc 9p umount $?
wait "$spid"
rc 9p server $?
capture_stop 9p
text 9p socat+diod "$out/9p.server.log"

# TLS: openssl s_server and s_client on loopback TCP, bridged over
# vsock by socat; the client gives a server name (SNI) that selects
# the server's second certificate; s_server -rev answers each line
# reversed and closes on "CLOSE".
capture_start tls
openssl s_server -accept "127.0.0.1:$T_SERVER" -naccept 1 -rev \
    -cert /etc/live/proto/tls-default.pem -key /etc/live/proto/tls-default.key \
    -servername kms.vsock.test \
    -cert2 /etc/live/proto/tls-kms.pem -key2 /etc/live/proto/tls-kms.key \
    >"$out/tls.server.log" 2>&1 &
tspid=$!
waitfor "$out/tls.server.log" "ACCEPT" "$tspid"
socat -d -d "VSOCK-LISTEN:$P_TLS" "TCP:127.0.0.1:$T_SERVER" \
    2>"$out/tls.vsock-server.log" &
vspid=$!
socat -d -d "TCP-LISTEN:$T_CLIENT,bind=127.0.0.1" "VSOCK-CONNECT:1:$P_TLS" \
    2>"$out/tls.vsock-client.log" &
vcpid=$!
waitfor "$out/tls.vsock-server.log" "listening on" "$vspid"
waitfor "$out/tls.vsock-client.log" "listening on" "$vcpid"
{ printf 'hello over tls\nCLOSE\n'; sleep 2; } |
    vsproto -log "$out/tls.log" run s_client openssl s_client \
    -connect "127.0.0.1:$T_CLIENT" -servername kms.vsock.test -ign_eof \
    -brief >>"$out/tls.out" 2>"$out/tls.client.log"
rc tls s_client $?
wait "$tspid"
rc tls s_server $?
wait "$vspid"
rc tls socat-server $?
wait "$vcpid"
rc tls socat-client $?
capture_stop tls
text tls s_server "$out/tls.server.log"
text tls s_client "$out/tls.client.log"
text tls socat-server "$out/tls.vsock-server.log"
text tls socat-client "$out/tls.vsock-client.log"

t1=$(cut -d' ' -f1 /proc/uptime)
say "end at ${t1}s ($(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s)"
