#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks phase N of the live scenario (names and processes, vsockdump
# without -n) and the burst captured with attribution on (vd-attr),
# against what the programs logged: vsock-owners' pids and command
# names, the stand-in hypervisors' pids (vmnames.pids).  Ends with
# "result PASSED FAILED" (run by check.sh).
#
#   nodiag	without vsock_diag in the kernel (lsmod): one line says
#		so, the capture goes on (its packets printed, status 0)
#   owners	each connection of vsock-owners, in the JSON lines: the
#		client's side owned by the client's pid and "own-cli",
#		the server's by the server's and "own-srv"; the client
#		that exits right after connecting ("own-quick") exactly
#		so or null, never another; on the -v lines, every
#		process shown is the one that owns that side ("?" until
#		known), and each held connection shows both; the names
#		"local.PORT"; read back on this machine, no process
#   vmnames	each stand-in VM's frames named as its command line (or
#		libvirt's state) names it, or after its hypervisor and
#		pid; a CID of no VM as a number; a VM started during the
#		capture named once looked up again, never otherwise
#   burst	vd-attr's JSON line of the burst: both ends owned by
#		vsock-traffic (two processes); its lost count is
#		check.sh's
#
# Usage: check-names.sh [-v] RESULTDIR
# Environment: LIVE_HOST_VSOCKDUMP (to read owners.pcap back).
set -u

here=$(cd "$(dirname "$0")" && pwd)
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
res=${1:?usage: check-names.sh [-v] RESULTDIR}
vd=${LIVE_HOST_VSOCKDUMP:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/live-names.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$here/check-lib.sh"

# ---- without vsock_diag ------------------------------------------------
if [ -f "$res/names-nodiag.rc" ]; then
	! grep -q '^vsock_diag' "$res/names-nodiag.lsmod"
	ck $? "nodiag: vsock_diag not loaded (lsmod)" -- \
	    "$(grep '^vsock_diag' "$res/names-nodiag.lsmod")"
	n=$(grep -c 'process attribution' "$res/names-nodiag.stderr")
	grep -qx "vsockdump: process attribution off: the kernel has no vsock_diag ('modprobe vsock_diag')" \
	    "$res/names-nodiag.stderr" && [ "$n" = 1 ]
	ck $? "nodiag: one line says the kernel has no vsock_diag" -- \
	    "$(grep -v '^[0-9]* packets\? \|^listening on' \
	    "$res/names-nodiag.stderr" | tr '\n' ' ')"
	n=$(grep -c 'local\.7000' "$res/names-nodiag.txt")
	[ "$(rcof names-nodiag)" = 0 ] && [ "$n" -ge 4 ] &&
	    grep -q '^done status=0' "$res/names-nodiag.log"
	ck $? "nodiag: the capture goes on (status 0, the connection's" \
	    "packets printed)" -- "status $(rcof names-nodiag), $n lines"
fi

# ---- processes ---------------------------------------------------------
if [ -f "$res/owners.log" ]; then
	grep -q '^done status=0' "$res/owners.log"
	ck $? "owners: vsock-owners ran to its end" -- \
	    "$(grep '^error\|^done' "$res/owners.log" | tr '\n' ' ')"
	[ "$(rcof owners)" = 0 ]
	ck $? "owners: capture status 0" -- "$(rcof owners)"
	! grep -q 'process attribution' "$res/owners.stderr"
	ck $? "owners: no note on attribution (vsock_diag loaded)" -- \
	    "$(grep 'process attribution' "$res/owners.stderr")"
	{
		sed 's/^/L /' "$res/owners.log"
		sed 's/^/O /' "$res/owners.live.txt"
	} | awk -v verbose="$verbose" '
	function kv(k,    i) {
		for (i = 2; i <= NF; i++)
			if (index($i, k "=") == 1)
				return substr($i, length(k) + 2)
		return ""
	}
	function js(k,    r) {
		if (match($0, "\"" k "\":(null|[0-9]+|\"[^\"]*\")")) {
			r = substr($0, RSTART + length(k) + 3,
			    RLENGTH - length(k) - 3)
			gsub(/"/, "", r)
			return r
		}
		return "absent"
	}
	function check(ok, what, detail) {
		if (ok) {
			pass++
			if (verbose) print "ok   owners: " what
		} else {
			fail++
			print "FAIL owners: " what " (" detail ")"
		}
	}
	$1 == "L" && $2 == "server" {
		spid = kv("pid"); scomm = kv("comm"); port = kv("port")
	}
	$1 == "L" && $2 == "client" {
		n++
		cpid[n] = kv("pid"); ccomm[n] = kv("comm")
		lport[n] = kv("lport"); quick[n] = kv("quick")
		byport[lport[n]] = n
	}
	$1 == "O" && $2 ~ /^\{/ {
		sub(/^O /, "")
		src = js("src"); dst = js("dst")
		split(src, a, "."); split(dst, b, ".")
		if (b[2] != port || !(a[2] in byport))
			next
		k = byport[a[2]]
		seen[k] = 1
		j_spid[k] = js("src_pid"); j_scomm[k] = js("src_comm")
		j_dpid[k] = js("dst_pid"); j_dcomm[k] = js("dst_comm")
		j_sname[k] = js("src_name"); j_dname[k] = js("dst_name")
		next
	}
	# The second line of a packet at -v: "\tSRC > DST OP, length N [...]".
	$1 == "O" && $2 ~ /^local\./ {
		s = $2; d = $4; sub(/:$/, "", d)
		split(s, a, "."); split(d, b, ".")
		if (b[2] == port && (a[2] in byport)) {
			k = byport[a[2]]; from_client = 1
		} else if (a[2] == port && (b[2] in byport)) {
			k = byport[b[2]]; from_client = 0
		} else
			next
		lines[k]++
		if (!match($0, /\[src [^],]*, dst [^]]*\]$/)) {
			bad[k] = bad[k] " no-owners:" $0
			next
		}
		t = substr($0, RSTART + 5, RLENGTH - 6)
		split(t, p, ", dst ")
		want_s = from_client ? cpid[k] "/" ccomm[k] : spid "/" scomm
		want_d = from_client ? spid "/" scomm : cpid[k] "/" ccomm[k]
		if ((p[1] != "?" && p[1] != want_s) ||
		    (p[2] != "?" && p[2] != want_d))
			bad[k] = bad[k] " [" t "] for [" want_s ", " want_d "]"
		if (p[1] == want_s && p[2] == want_d)
			both[k]++
	}
	END {
		check(spid != "" && n >= 2, "the log names the server and " \
		    "the clients", n " clients")
		for (k = 1; k <= n; k++) {
			c = "connection " k " (" ccomm[k] " " cpid[k] ", lport " \
			    lport[k] ")"
			check(seen[k], c ": in the JSON lines", "missing")
			if (!seen[k])
				continue
			check(j_sname[k] == "local." lport[k] &&
			    j_dname[k] == "local." port, c ": named local." \
			    lport[k] " > local." port,
			    j_sname[k] " > " j_dname[k])
			if (quick[k] == 1) {
				check((j_spid[k] == cpid[k] &&
				    j_scomm[k] == ccomm[k]) ||
				    (j_spid[k] == "null" &&
				    j_scomm[k] == "null"), c ": the client " \
				    "that exited at once is itself or unknown",
				    j_spid[k] "/" j_scomm[k])
				check((j_dpid[k] == spid && j_dcomm[k] == scomm) ||
				    (j_dpid[k] == "null" && j_dcomm[k] == "null"),
				    c ": its server side is the server or unknown",
				    j_dpid[k] "/" j_dcomm[k])
				printf "info owners: %s: src %s/%s, dst %s/%s\n",
				    c, j_spid[k], j_scomm[k], j_dpid[k], j_dcomm[k]
			} else {
				check(j_spid[k] == cpid[k] && j_scomm[k] == ccomm[k],
				    c ": src is the client, " cpid[k] "/" ccomm[k],
				    j_spid[k] "/" j_scomm[k])
				check(j_dpid[k] == spid && j_dcomm[k] == scomm,
				    c ": dst is the server, " spid "/" scomm,
				    j_dpid[k] "/" j_dcomm[k])
				check(both[k] > 0, c ": a -v line shows both " \
				    "processes", both[k] + 0 " of " lines[k] + 0)
			}
			check(lines[k] > 0 && bad[k] == "", c ": every -v line " \
			    "shows the true owner or \"?\" (" lines[k] + 0 \
			    " lines)", bad[k])
		}
		print "result " pass + 0 " " fail + 0
	}' >"$tmp/owners" 2>&1
	grep -v '^result ' "$tmp/owners"
	# shellcheck disable=SC2046
	set -- $(sed -n 's/^result //p' "$tmp/owners")
	npass=$((npass + ${1:-0}))
	nfail=$((nfail + ${2:-1}))
	# Read back here: never this machine's processes.
	if [ -n "$vd" ] && [ -x "$vd" ]; then
		out=$("$vd" -r "$res/owners.pcap" -q -z conv,vsock,json \
		    2>/dev/null)
		n=$(printf '%s\n' "$out" | grep -c '^{')
		m=$(printf '%s\n' "$out" | grep -c \
		    '"src_pid":null,"src_comm":null,"dst_pid":null,"dst_comm":null')
		[ "$n" -gt 0 ] && [ "$n" = "$m" ]
		ck $? "owners: read back (-r, without -n), no process is" \
		    "named ($n conversations)" -- "$m of $n with nulls"
	fi
fi

# ---- VM names ----------------------------------------------------------
if [ -f "$res/vmnames.pids" ]; then
	[ "$(rcof vmnames)" = 0 ]
	ck $? "vmnames: capture status 0" -- "$(rcof vmnames)"
	pid() {
		awk -v c="$1" '$1 == c { print $2 }' "$res/vmnames.pids"
	}
	# expect SRC DST LABEL: one line, exactly, of a frame SRC > DST.
	expect() {
		n=$(grep -c "VIRTIO $1 > $2 PAYLOAD" "$res/vmnames.txt")
		[ "$n" = 1 ]
		ck $? "vmnames: $3: $1 > $2" -- "$n such lines; the frames:" \
		    "$(grep -v '^ *$' "$res/vmnames.txt" | head -n 10 |
		    tr '\n' ' ')"
	}
	expect fake-qemu.kata-agent host.5000 "QEMU's -name guest=NAME,..."
	expect my_vm_example.kata-agent host.5000 \
	    "QEMU's -name, JSON -device, the name made a name"
	expect "qemu-$(pid 9).kata-agent" host.5000 "QEMU without -name"
	expect "cloud-hypervisor-$(pid 10).kata-agent" host.5000 \
	    "cloud-hypervisor --vsock cid=N"
	expect "crosvm-$(pid 11).kata-agent" host.5000 "crosvm --cid N"
	expect lv_domain.ssh host.5000 "libvirt's state, <cid address='N'/>"
	expect vm-host.1 host.2 "a VM called as a reserved CID is"
	expect 15.1 host.2 "a CID of no VM"
	# The late VM: a number until looked up again, then its name.
	awk '/VIRTIO (14|late-vm)\.kata-agent > host\.5000 PAYLOAD/ {
		n++
		if ($3 == "late-vm.kata-agent") named++
		else if (named) back++
	}
	END { printf "%d %d %d\n", n, named, back }' "$res/vmnames.txt" \
	    >"$tmp/late"
	read -r n named back <"$tmp/late"
	[ "$n" = 8 ] && [ "$named" -ge 1 ] && [ "$back" = 0 ] &&
	    [ "$(grep -c 'kata-agent > host\.5000 PAYLOAD' "$res/vmnames.txt")" \
	    = 13 ]
	ck $? "vmnames: a VM started during the capture: its 8 frames" \
	    "named late-vm once looked up again ($named of them), none" \
	    "otherwise" -- "$n frames, $named named, $back back to numbers"
fi

# ---- the burst with attribution on ------------------------------------
if [ -f "$res/burst-vd-attr.log" ]; then
	set -- $(sed -n 's/^burst .*src=\([0-9.]*\) dst=\([0-9.]*\).*/\1 \2/p' \
	    "$res/burst-vd-attr.log")
	line=$(grep "\"src\":\"${1:-x}\",\"dst\":\"${2:-x}\"" \
	    "$res/burst-vd-attr.stdout" 2>/dev/null)
	sp=$(printf '%s' "$line" | sed -n 's/.*"src_pid":\([0-9]*\),"src_comm":"vsock-traffic".*/\1/p')
	dp=$(printf '%s' "$line" | sed -n 's/.*"dst_pid":\([0-9]*\),"dst_comm":"vsock-traffic".*/\1/p')
	[ -n "$sp" ] && [ -n "$dp" ] && [ "$sp" != "$dp" ]
	ck $? "burst vd-attr: both ends owned by vsock-traffic (client" \
	    "${sp:-?}, server ${dp:-?})" -- "$(printf '%s' "$line" |
	    grep -o '"src_pid.*dst_comm":[^,]*')"
fi

echo "result $npass $nfail"
