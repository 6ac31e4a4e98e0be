#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The vsock filter primitives on the system's own libpcap, which has
# none: vsockdump's rewrite (src/filter-rewrite.c) compiled by it.
#
#   semantic	vsock-filter-semantic -R: every expression of its table on
#		DLT_VSOCK, LINUX_SLL and LINUX_SLL2 against the reference
#		evaluator, on tests/captures and 100,000 random packets;
#		1,500 random port ranges; the kernel's verifier
#   reject	every expression of reject-tests refused, with the message
#		libpcap's own primitives give (a "~" message is matched as
#		a substring; for a syntax error the rewrite names the
#		offending word, libpcap does not: "syntax error" is enough)
#   sweep	every vsock qualifier with every id shape (sweep.sh): the
#		results of sweep-expected, which libpcap with our series
#		gives too
#
# The comparison with a libpcap that has the primitives (the same
# verdicts on every packet) is in run.sh, against our patched builds.
#
# Usage: tests/filter/run-stock.sh
# Environment: VSOCKDUMP_BUILD, a vsockdump build directory whose
# internal library to link (else it is built here); CC.
# The last line is "N passed, N failed"; the exit status is 1 on failure.

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CC=${CC:-cc}
LIBS=$(pkg-config --libs libpcap 2>/dev/null || echo -lpcap)

W=$(mktemp -d "${TMPDIR:-/tmp}/vsock-filter-stock.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT INT TERM

# vsockdump's internal library (the filter rewrite): a build directory's,
# or built here.
if [ -n "${VSOCKDUMP_BUILD:-}" ] && [ -f "$VSOCKDUMP_BUILD/libvsockdump.a" ]; then
	VDLIB="$VSOCKDUMP_BUILD/libvsockdump.a $VSOCKDUMP_BUILD/libnetdissect-stubs.a"
else
	VDLIB=$(sh "$top/tools/internal-lib.sh" "$W/lib" "$CC" -O2) || exit 2
fi
for prog in vsock-filter-semantic filtercomp filtersweep; do
	# shellcheck disable=SC2086
	$CC -O2 -Wall -Wextra -I"$top/src" -o "$W/$prog" \
	    "$here/$prog.c" $VDLIB $LIBS || {
		echo "FAIL build $prog against the system's libpcap"
		echo "0 passed, 1 failed"
		exit 1
	}
done
$CC -O2 -o "$W/vsockgen" "$top/tools/vsockgen.c" || exit 2

passed=0
failed=0
tab=$(printf '\t')

# The system's libpcap must not know the primitives, or this tests
# nothing.
if "$W/filtercomp" VSOCK vsock >/dev/null 2>&1; then
	echo "FAIL the system's libpcap compiles 'vsock' itself"
	failed=$((failed + 1))
else
	passed=$((passed + 1))
fi

while IFS="$tab" read -r link expr msg; do
	case "$link" in
	''|\#*) continue ;;
	esac
	out=$("$W/filtercomp" -R "$link" "$expr" 2>&1)
	status=$?
	case "$msg" in
	~*)	want=${msg#\~} ;;
	"can't parse filter expression: syntax error")
		want=$msg ;;
	*)	want="error: $msg" ;;
	esac
	case "$msg" in
	~*|"can't parse"*)
		case "$out" in
		error:*"$want"*) ok=1 ;;
		*) ok=0 ;;
		esac ;;
	*)	[ "$out" = "$want" ] && ok=1 || ok=0 ;;
	esac
	if [ $status = 1 ] && [ $ok = 1 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL reject: $link [$expr]: want \"$msg\", got \"$out\""
	fi
done < "$here/reject-tests"
echo "reject tests: $passed passed, $failed failed"

# The qualifier sweep through the rewrite: the same results as libpcap's
# own primitives give (sweep-expected).
sh "$here/sweep.sh" "$W/filtersweep" -R > "$W/sweep" 2>&1
cat "$W/sweep"
set -- $(tail -n 1 "$W/sweep")
passed=$((passed + ${1:-0}))
failed=$((failed + ${3:-1}))

for f in "$top"/tests/captures/*.txt; do
	"$W/vsockgen" -o "$W/$(basename "$f" .txt).pcap" "$f" || {
		echo "FAIL vsockgen $f"
		failed=$((failed + 1))
	}
done
"$W/vsock-filter-semantic" -R -n "${VSOCK_FILTER_CORPUS:-100000}" \
    "$W"/*.pcap "$top"/tests/captures/*.pcap > "$W/sem" 2>&1
status=$?
cat "$W/sem"
set -- $(tail -n 1 "$W/sem")
p=${1:-0}
f=${3:-1}
if [ $status != 0 ] && [ "$f" = 0 ]; then
	f=1
fi
passed=$((passed + p))
failed=$((failed + f))

echo "$passed passed, $failed failed"
[ $failed = 0 ]
