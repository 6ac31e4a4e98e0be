# lib.sh: helpers of the Wireshark tier's checks.  Sourced, not run.
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The caller sets:
#   WS_HOME   the HOME whose personal plugin folder holds the plugin
#   RESULTS   the file that collects "PASS name" and "FAIL name: why" lines
#   WORK      a scratch directory readable by every user
# shellcheck shell=sh

# Wireshark loads no personal plugin when run by root (wsutil/plugins.c:
# "plugins aren't safe unless we've *permanently* relinquished" the
# privileges), so as root tshark runs as the unprivileged user nobody.
# TSHARK names another tshark (default: the system's); with WS_DIRECT=1
# it runs as the caller (a tshark built with the dissector in, which
# needs no plugin).
ws_tshark() {
	if [ "$(id -u)" = 0 ] && [ "${WS_DIRECT:-0}" != 1 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		    env HOME="$WS_HOME" LC_ALL=C TZ=UTC "${TSHARK:-tshark}" "$@"
	else
		env HOME="$WS_HOME" LC_ALL=C TZ=UTC "${TSHARK:-tshark}" "$@"
	fi
}

pass() {
	echo "PASS $*" >>"$RESULTS"
	echo "PASS $*"
}

fail() {
	echo "FAIL $*" >>"$RESULTS"
	echo "FAIL $*"
}

# check NAME CMD...: a test that passes when CMD exits 0; CMD's output
# goes to $WORK/NAME.log.
check() {
	name=$1
	shift
	if "$@" >"$WORK/$name.log" 2>&1; then
		pass "$name"
	else
		fail "$name: $(tail -n 3 "$WORK/$name.log" | tr '\n' ' ')"
	fi
}
