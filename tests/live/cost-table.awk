# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The table of a capture-cost benchmark (check-cost.sh, and the
# host-guest stage's bulk runs): per configuration, the median and the
# range (min to max) of the throughput and of the capture's CPU time
# over the rounds.  The comparisons with the runs without capture and
# with stock tcpdump are paired: the ratio of the two throughputs in each
# round, then the median of those ratios, so that a drift of the
# machine's speed between rounds, which the two runs of a round share,
# cancels out.
#
# Input, one line per run: "run CONF ROUND MBPS XCPU_MS CPU_MS BYTES
# GIVEN": the capture's CPU time during the transfer and in all, and
# the number of times it was given the CPU during the transfer, "-"
# without capture or when not measured.  The configurations are listed in the order of their first
# run.
# Variables: tag (the prefix after "info ", e.g. "cost"), base (the
# configuration without capture, default "none"), ref (stock tcpdump,
# default "stock").

BEGIN {
	if (base == "")
		base = "none"
	if (ref == "")
		ref = "stock"
}

$1 == "run" {
	c = $2
	if (!(c in nrun))
		order[nconf++] = c
	k = nrun[c]++
	mbps[c, k] = $4
	xcpu[c, k] = $5
	cpu[c, k] = $6
	given[c, k] = NF >= 8 ? $8 : "-"
	if ($5 != "-" && $7 > 0)
		cpumb[c, k] = $5 / ($7 / 1e6)
	else
		cpumb[c, k] = "-"
	tput[c, $3] = $4
	rounds[$3] = 1
}

# median and range of v[c, 0..n-1] (numbers, or "-" for none): sets
# med, lo, hi; returns the count of numbers.
function stats(v, c, n,    a, m, i, j, x) {
	m = 0
	for (i = 0; i < n; i++)
		if (v[c, i] != "-")
			a[m++] = v[c, i] + 0
	for (i = 1; i < m; i++) {
		x = a[i]
		for (j = i - 1; j >= 0 && a[j] > x; j--)
			a[j + 1] = a[j]
		a[j + 1] = x
	}
	if (m == 0)
		return 0
	lo = a[0]
	hi = a[m - 1]
	med = m % 2 ? a[(m - 1) / 2] : (a[m / 2 - 1] + a[m / 2]) / 2
	return m
}

# The median over the rounds of (throughput of c / that of o) - 1, in
# percent, or "-".
function paired(c, o,    r, v, n) {
	n = 0
	for (r in rounds)
		if ((c, r) in tput && (o, r) in tput && tput[o, r] > 0)
			v["x", n++] = tput[c, r] / tput[o, r] - 1
	if (c == o || stats(v, "x", n) == 0)
		return "-"
	return sprintf("%+.1f%%", 100 * med)
}

# "median [min-max]" of v[c, ...], or "-".
function cell(v, c, n, fmt) {
	if (stats(v, c, n) == 0)
		return "-"
	return sprintf(fmt " [" fmt "-" fmt "]", med, lo, hi)
}

END {
	printf "info %s: %-8s %4s %20s %8s %8s %20s %6s %6s %18s\n", tag,
	    "capture", "runs", "MB/s med [min-max]", "vs " base, "vs " ref,
	    "CPU ms in transfer", "ms/MB", "given", "CPU ms in all"
	for (i = 0; i < nconf; i++) {
		c = order[i]
		n = nrun[c]
		w = stats(cpumb, c, n) > 0 ? sprintf("%.2f", med) : "-"
		g = stats(given, c, n) > 0 ? sprintf("%.0f", med) : "-"
		printf "info %s: %-8s %4d %20s %8s %8s %20s %6s %6s %18s\n",
		    tag, c, n, cell(mbps, c, n, "%.2f"), paired(c, base),
		    paired(c, ref), cell(xcpu, c, n, "%.1f"), w, g,
		    cell(cpu, c, n, "%.0f")
	}
}
