#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Keeps a live run's protocol captures and logs as the test fixtures
# tests/captures/linux61-proto-NAME.pcap and .log, after checking them
# (check.sh): a run whose checks fail is not kept.
#
# Usage: keep-fixtures.sh RESULTDIR	(tests/live/run.sh's results,
#					by default in /tmp/vsockdump-live)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
caps=$(cd "$here/../../captures" && pwd)
res=${1:?usage: keep-fixtures.sh RESULTDIR}

sh "$here/check.sh" "$res" >"${TMPDIR:-/tmp}/keep-fixtures.$$" 2>&1 || true
set -- $(sed -n 's/^result //p' "${TMPDIR:-/tmp}/keep-fixtures.$$")
rm -f "${TMPDIR:-/tmp}/keep-fixtures.$$"
if [ "${2:-1}" != 0 ]; then
	echo "keep-fixtures: the checks of $res fail; nothing kept" >&2
	exit 1
fi
for name in ttrpc grpc http qmp ssh 9p tls notify ready; do
	cp "$res/protocols/$name.pcap" "$caps/linux61-proto-$name.pcap"
	cp "$res/protocols/$name.log" "$caps/linux61-proto-$name.log"
	echo "linux61-proto-$name: $(wc -c <"$caps/linux61-proto-$name.pcap")" \
	    "bytes, log $(wc -l <"$caps/linux61-proto-$name.log") lines"
done
