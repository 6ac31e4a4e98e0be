# expert.awk: the analysis notes counted by keyword, from vsockdump's
# -z expert or from tshark's -z expert (the vsock expert infos, whose
# summaries begin as below).
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage:
#   awk -v mode=vsockdump -f expert.awk < vsockdump -q -z expert
#   awk -v mode=tshark -f expert.awk    < tshark -q -z expert
# Prints "KEYWORD COUNT" lines, sorted by keyword.

BEGIN {
	prefix["Connection refused:"] = "refused"
	prefix["REQUEST of frame "] = "no-response"
	prefix["Data from "] = "data-before-response"
	prefix["Zero window:"] = "zero-window"
	prefix["Window reopened:"] = "window-reopened"
	prefix["Stall:"] = "stall"
	prefix["Data beyond credit:"] = "beyond-credit"
	prefix["CREDIT_REQUEST of frame "] = "credit-request-unanswered"
	prefix["Unannounced drain:"] = "unannounced-drain"
	prefix["fwd_cnt going backwards:"] = "fwd-cnt-backwards"
	prefix["fwd_cnt beyond the data sent:"] = "fwd-cnt-beyond-sent"
	prefix["buf_alloc "] = "buf-alloc-below-in-flight"
	prefix["Data after shutdown:"] = "data-after-shutdown"
	prefix["Data after close:"] = "data-after-rst"
	prefix["Packet after close:"] = "after-close"
	prefix["Unterminated message:"] = "unterminated-message"
}

mode == "vsockdump" && /^ +[0-9]+  [a-z-]+ / {
	count[$2] += $1
}

# "   FREQUENCY   GROUP   vsock  SUMMARY"
mode == "tshark" && $1 ~ /^[0-9]+$/ && $3 == "vsock" {
	s = $0
	sub(/^ *[0-9]+ +[A-Za-z]+ +vsock  /, "", s)
	for (p in prefix)
		if (substr(s, 1, length(p)) == p) {
			count[prefix[p]] += $1
			break
		}
}

END {
	n = 0
	for (k in count)
		keys[++n] = k
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && keys[j - 1] > keys[j]; j--) {
			t = keys[j]; keys[j] = keys[j - 1]; keys[j - 1] = t
		}
	for (i = 1; i <= n; i++)
		print keys[i], count[keys[i]]
}
