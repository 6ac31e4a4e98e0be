#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# vsockdump's internal library (libvsockdump.a, libnetdissect-stubs.a)
# for programs built outside the tree's Makefile: the fuzz harnesses and
# the test programs.  It is built by that Makefile, in a build directory
# configured with the compiler and flags given (again only when they
# change), so that no script lists the library's sources.
#
# Usage: sh tools/internal-lib.sh DIR CC CFLAGS
# Prints the two archives to link, on one line; exit status 1 (with the
# log's end on the standard error) if configure or make fails.

srcdir=$(cd "$(dirname "$0")/.." && pwd) || exit 2
dir=${1:?usage: internal-lib.sh DIR CC CFLAGS}
cc=${2:?usage: internal-lib.sh DIR CC CFLAGS}
cflags=${3-}

mkdir -p "$dir" || exit 1
dir=$(cd "$dir" && pwd) || exit 1
if [ ! -x "$srcdir/configure" ]; then
	(cd "$srcdir" && autoreconf -fi) >"$dir/autoreconf.log" 2>&1 || {
		tail -n 20 "$dir/autoreconf.log" >&2
		exit 1
	}
fi
if [ ! -f "$dir/Makefile" ] ||
    [ "$(cat "$dir/flags" 2>/dev/null)" != "$cc $cflags" ]; then
	(cd "$dir" && "$srcdir/configure" -q CC="$cc" CFLAGS="$cflags") \
	    >"$dir/configure.log" 2>&1 || {
		tail -n 20 "$dir/configure.log" >&2
		exit 1
	}
	echo "$cc $cflags" >"$dir/flags"
fi
make -C "$dir" -s libvsockdump.a libnetdissect-stubs.a \
    >"$dir/make.log" 2>&1 || {
	tail -n 20 "$dir/make.log" >&2
	exit 1
}
echo "$dir/libvsockdump.a $dir/libnetdissect-stubs.a"
