# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Shared by check-patched.sh and check-faults.sh (sourced): counting and
# printing checks.  The sourcing script sets verbose (0 or 1) and res
# (the result directory).

npass=0
nfail=0

# ck OK WORDS... [-- DETAIL...]: OK is a shell status (0 = pass); the
# words make the check's name, the detail is shown when it fails.
ck() {
	ok=$1
	shift
	name='' detail='' indetail=0
	for w in "$@"; do
		if [ "$indetail" = 0 ] && [ "$w" = -- ]; then
			indetail=1
		elif [ "$indetail" = 0 ]; then
			name="$name${name:+ }$w"
		else
			detail="$detail${detail:+ }$w"
		fi
	done
	if [ "$ok" -eq 0 ]; then
		npass=$((npass + 1))
		[ "$verbose" = 1 ] && echo "ok   $name"
	else
		nfail=$((nfail + 1))
		echo "FAIL $name${detail:+ ($detail)}"
	fi
	return 0
}

info() {
	echo "info $*"
}

# rcof NAME: the exit status recorded for NAME, or "missing".
rcof() {
	cat "$res/$1.rc" 2>/dev/null || echo missing
}
