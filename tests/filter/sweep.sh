#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The qualifier sweep: every vsock qualifier (vsock, with each
# direction, then each address qualifier) with every id of sweep-ids,
# compiled on VSOCK, LINUX_SLL, LINUX_SLL2 and EN10MB, and plain "port"
# and "portrange" (vsock's on DLT_VSOCK) with every id on VSOCK.  Each
# expression runs in a process of its own (filtersweep.c), so that a
# compiler that aborts shows as such.  Every expression must compile
# or be refused (exit 1), never be killed by a signal; and what each
# gives must equal sweep-expected, the same file for every path:
# libpcap with our series (1.10.x and master) and vsockdump's rewrite on
# a libpcap without the primitives.
#
# The results are compared as libpcap words them, with three
# exceptions where upstream's own words differ between its versions
# (and a path's message is not ours to choose):
#  - a syntax error is "syntax error", whatever detail follows;
#  - a number the scanner cannot read in 32 bits, where no vsock field
#    takes it, is "a number overflows 32 bits (libpcap's scanner)";
#  - a plain port or portrange is checked by libpcap's grammar before
#    vsock's code sees it: only "ok" or "refused" is compared.
# VSOCK, LINUX_SLL and LINUX_SLL2 must agree on every expression;
# EN10MB gets the link-type refusal, except where the expression fails
# before its code is generated (an "EN10MB" line then says what it
# gives).
#
# Usage: sweep.sh [-u] FILTERSWEEP [-R]
#	FILTERSWEEP is a built filtersweep; -R after it: vsockdump's
#	rewrite.  -u rewrites sweep-expected from this run.
# Prints "sweep: N expressions, N compiled, N refused, N killed by a
# signal", then "FAIL" lines, then "N passed, N failed" (one test per
# line of sweep-expected).

update=0
if [ "${1:-}" = -u ]; then
	update=1
	shift
fi
sweep=${1:?usage: sweep.sh [-u] FILTERSWEEP [-R]}
shift
here=$(cd "$(dirname "$0")" && pwd)
tab=$(printf '\t')

W=$(mktemp -d "${TMPDIR:-/tmp}/vsock-sweep.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT INT TERM

# The expressions, with the links to compile each on.
dirs="/src /dst /src or dst /src and dst /addr1 "
quals="/host /net /port /portrange /cid /op /type /vop /gateway /proto /foo "
grep -v '^#' "$here/sweep-ids" >"$W/ids"
{
	old_ifs=$IFS
	IFS=/
	for dir in $dirs; do
		for q in $quals; do
			while IFS= read -r id; do
				for link in VSOCK LINUX_SLL LINUX_SLL2 EN10MB; do
					echo "$link${tab}vsock $dir$q$id"
				done
			done <"$W/ids"
		done
	done
	for q in "port " "portrange " "src port " "dst portrange "; do
		while IFS= read -r id; do
			echo "VSOCK${tab}$q$id"
		done <"$W/ids"
	done
	IFS=$old_ifs
} >"$W/list"

"$sweep" "$@" <"$W/list" >"$W/raw" 2>"$W/err" || {
	cat "$W/err"
	echo "FAIL filtersweep did not run"
	echo "0 passed, 1 failed"
	exit 1
}

# One line per expression, as described above; links that disagree
# give a line of their own each, which matches nothing.
awk -F"$tab" '
function canon(r) {
	if (r ~ /^error: can.t parse filter expression: syntax error/)
		return "error: can'"'"'t parse filter expression: syntax error"
	if (r ~ /^error: (decimal )?number .* overflows 32 bits$/)
		return "error: a number overflows 32 bits (libpcap'"'"'s scanner)"
	return r
}
{
	r = canon($3)
	if ($2 !~ /^vsock/) {
		print "VSOCK\t" $2 "\t" (r == "ok" ? "ok" : r ~ /^error: / ? "refused" : r)
		next
	}
	if ($1 == "EN10MB") {
		if (r != "error: '"'"'vsock'"'"' supported only on VSOCK, LINUX_SLL and LINUX_SLL2 links, not on EN10MB")
			print "EN10MB\t" $2 "\t" r
		next
	}
	if (!($2 in first)) {
		first[$2] = r
		order[++n] = $2
	} else if (first[$2] != r)
		print $1 "\t" $2 "\t" r "\t(differs from VSOCK)"
}
END {
	for (i = 1; i <= n; i++)
		print "*\t" order[i] "\t" first[order[i]]
}' "$W/raw" | sort >"$W/got"

total=$(wc -l <"$W/list")
nok=$(grep -c "${tab}ok\$" "$W/raw")
nerr=$(grep -c "${tab}error: " "$W/raw")
nsig=$(grep -c "${tab}killed by signal " "$W/raw")
echo "sweep: $total expressions, $nok compiled, $nerr refused, $nsig killed by a signal"
grep -v "${tab}ok\$\|${tab}error: " "$W/raw" | head -n 20 | sed 's/^/FAIL /'
nbad=$(grep -vc "${tab}ok\$\|${tab}error: " "$W/raw")

if [ $update = 1 ]; then
	{
		echo "# Results of tests/filter/sweep.sh (sweep.sh -u writes it):"
		echo "# LINKS<TAB>EXPRESSION<TAB>RESULT, LINKS \"*\" for VSOCK,"
		echo "# LINUX_SLL and LINUX_SLL2.  Generated; do not edit."
		cat "$W/got"
	} >"$here/sweep-expected"
fi
grep -v '^#' "$here/sweep-expected" >"$W/want"
passed=$(comm -12 "$W/want" "$W/got" | wc -l)
failed=$(comm -3 "$W/want" "$W/got" | wc -l)
comm -3 "$W/want" "$W/got" | head -n 40 |
    sed -e 's/^\t/FAIL got:  /' -e 's/^\([^F]\)/FAIL want: \1/'
failed=$((failed + nbad))
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
