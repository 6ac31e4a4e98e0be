#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Tests of libpcap's vsock filter primitives, against a libpcap build
# directory that carries vsockdump's libpcap patches.
#
# Usage: tests/filter/run.sh [-u] [BUILD_DIR]
#	BUILD_DIR (or $LIBPCAP_BUILD) holds libpcap.a; the sources are
#	found from its Makefile (autoconf) or CMakeCache.txt, or are
#	given by $LIBPCAP_SRCDIR.  $LIBPCAP_LIBS adds libraries to link
#	with; $CC picks the compiler.  -u rewrites the expected listings.
#	$VSOCKDUMP_BUILD is a vsockdump build directory whose internal
#	library to link (else it is built here).
#	$VSOCK_FILTER_CORPUS sets the size of the random corpus (100000).
#
# The last line is "N passed, N failed"; the exit status is 1 on failure.

update=0
if [ "$1" = "-u" ]; then
	update=1
	shift
fi
B=${1:-$LIBPCAP_BUILD}
if [ -z "$B" ] || [ ! -f "$B/libpcap.a" ]; then
	echo "usage: $0 [-u] BUILD_DIR (a libpcap build directory with libpcap.a)" >&2
	exit 2
fi
B=$(cd "$B" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

S=$LIBPCAP_SRCDIR
if [ -z "$S" ] && [ -f "$B/Makefile" ]; then
	S=$(sed -n 's/^srcdir[ 	]*=[ 	]*//p' "$B/Makefile" | head -1)
	case "$S" in
	/*) ;;
	*) S="$B/$S" ;;
	esac
fi
if [ -z "$S" ] && [ -f "$B/CMakeCache.txt" ]; then
	S=$(sed -n 's/^pcap_SOURCE_DIR:STATIC=//p' "$B/CMakeCache.txt")
fi
if [ ! -f "$S/pcap/pcap.h" ]; then
	echo "$0: cannot find libpcap's sources (set LIBPCAP_SRCDIR)" >&2
	exit 2
fi
LIBS=$LIBPCAP_LIBS
if [ -f "$B/Makefile" ]; then
	LIBS="$LIBS $(sed -n 's/^LIBS[ 	]*=[ 	]*//p' "$B/Makefile" | head -1)"
fi
CC=${CC:-cc}

W=$(mktemp -d "${TMPDIR:-/tmp}/vsock-filter.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT INT TERM

# vsockdump's internal library (the filter rewrite): a build directory's,
# or built here.
if [ -n "$VSOCKDUMP_BUILD" ] && [ -f "$VSOCKDUMP_BUILD/libvsockdump.a" ]; then
	VDLIB="$VSOCKDUMP_BUILD/libvsockdump.a $VSOCKDUMP_BUILD/libnetdissect-stubs.a"
else
	VDLIB=$(sh "$top/tools/internal-lib.sh" "$W/lib" "$CC" -O2) || exit 2
fi

build() {
	# shellcheck disable=SC2086
	$CC -O2 -I"$S" -I"$top/src" -o "$W/$1" "$here/$1.c" \
	    $VDLIB "$B/libpcap.a" $LIBS || {
		echo "$0: cannot build $1" >&2
		exit 2
	}
}
build filtercomp
build filtersweep
build vsock-filter-semantic
$CC -O2 -o "$W/vsockgen" "$top/tools/vsockgen.c" || exit 2

passed=0
failed=0
tab=$(printf '\t')

# Compile tests.
while IFS="$tab" read -r name link expr; do
	case "$name" in
	''|\#*) continue ;;
	esac
	"$W/filtercomp" "$link" "$expr" > "$W/out" 2>&1
	if [ $update = 1 ]; then
		cp "$W/out" "$here/expected/$name.out"
	fi
	# bpf_image() of libpcap master drops trailing blanks.
	if sed 's/ *$//' "$here/expected/$name.out" | cmp -s - "$W/out" ||
	    cmp -s "$W/out" "$here/expected/$name.out"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL compile $name: $link [$expr]"
		diff -u "$here/expected/$name.out" "$W/out" | sed 's/^/    /'
	fi
done < "$here/compile-tests"

# Reject tests.
while IFS="$tab" read -r link expr msg; do
	case "$link" in
	''|\#*) continue ;;
	esac
	out=$("$W/filtercomp" "$link" "$expr" 2>&1)
	status=$?
	case "$msg" in
	~*)	want=${msg#\~}
		case "$out" in
		error:*"$want"*) ok=1 ;;
		*) ok=0 ;;
		esac ;;
	*)	[ "$out" = "error: $msg" ] && ok=1 || ok=0 ;;
	esac
	if [ $status = 1 ] && [ $ok = 1 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL reject: $link [$expr]: want \"$msg\", got \"$out\""
	fi
done < "$here/reject-tests"
echo "compile and reject tests: $passed passed, $failed failed"

# The qualifier sweep: no signal, the results of sweep-expected.
sh "$here/sweep.sh" "$W/filtersweep" > "$W/sweep" 2>&1
cat "$W/sweep"
set -- $(tail -n 1 "$W/sweep")
passed=$((passed + ${1:-0}))
failed=$((failed + ${3:-1}))

# Semantic tests, on our captures and a random corpus.
for f in "$top"/tests/captures/*.txt; do
	n=$(basename "$f" .txt)
	"$W/vsockgen" -o "$W/$n.pcap" "$f" || {
		echo "FAIL vsockgen $f"
		failed=$((failed + 1))
	}
done
"$W/vsock-filter-semantic" -n "${VSOCK_FILTER_CORPUS:-100000}" \
    "$W"/*.pcap "$top"/tests/captures/*.pcap > "$W/sem" 2>&1
status=$?
cat "$W/sem"
last=$(tail -1 "$W/sem")
p=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$p" ] || [ -z "$f" ]; then
	p=0
	f=1
fi
if [ $status != 0 ] && [ "$f" = 0 ]; then
	f=1
fi
passed=$((passed + p))
failed=$((failed + f))

# vsockdump's rewrite for a libpcap without the primitives, against this
# libpcap's own: the same verdicts on every packet, the same refusals.
grep -v '^#' "$here/compile-tests" | cut -f2- >"$W/compile-exprs"
"$W/vsock-filter-semantic" -C -e "$W/compile-exprs" \
    -e "$here/reject-tests" -n "${VSOCK_FILTER_CORPUS:-100000}" \
    "$W"/*.pcap "$top"/tests/captures/*.pcap > "$W/paths" 2>&1
status=$?
cat "$W/paths"
set -- $(tail -n 1 "$W/paths")
p=${1:-0}
f=${3:-1}
if [ $status != 0 ] && [ "$f" = 0 ]; then
	f=1
fi
passed=$((passed + p))
failed=$((failed + f))

echo "$passed passed, $failed failed"
[ $failed = 0 ]
