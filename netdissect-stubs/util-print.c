/*
 * Copyright (c) 2026 The vsockdump authors
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its
 *    contributors may be used to endorse or promote products derived from
 *    this software without specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
 * "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
 * LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR
 * A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT
 * HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
 * SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT
 * LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
 * DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY
 * THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
 * (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/*
 * Helpers shared by printers: time stamps, value-to-name tables,
 * truncation notes and dumps of undecoded data.  The output of each
 * matches tcpdump 4.99's function of the same name.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include "netdissect.h"
#include "extract.h"

#define USEC_PER_SEC	1000000L
#define NSEC_PER_SEC	1000000000L

/* The fraction of a second, in the precision the capture was opened in. */
static void
frac_print(netdissect_options *ndo, long frac)
{
	if (ndo->ndo_tstamp_precision == PCAP_TSTAMP_PRECISION_MICRO)
		ND_PRINT(".%06u", (unsigned)frac);
	else if (ndo->ndo_tstamp_precision == PCAP_TSTAMP_PRECISION_NANO)
		ND_PRINT(".%09u", (unsigned)frac);
	else
		ND_PRINT(".{unknown}");
}

/*
 * "HH:MM:SS.frac ", optionally preceded by "YYYY-MM-DD ", in local
 * time or in UTC (the separating space is printed here, in the same
 * print as the time: one print less a packet).  Times that do not fit a signed 32-bit count of
 * seconds are reported as an error, as tcpdump does.
 */
static void
clock_print(netdissect_options *ndo, long sec, long frac, int with_date,
    int local)
{
	/*
	 * Packets come many to a second: convert and format a second only
	 * once (localtime() and strftime() cost more than the packet).
	 */
	static long cached_sec = -1;
	static int cached_with_date, cached_local;
	static char buf[32];
	time_t t = (time_t)sec;
	struct tm *tm;

	if (((unsigned)sec & 0x80000000U) != 0) {
		ND_PRINT("[Error converting time] ");
		return;
	}
	if (sec != cached_sec || with_date != cached_with_date ||
	    local != cached_local) {
		tm = local ? localtime(&t) : gmtime(&t);
		if (tm == NULL) {
			cached_sec = -1;
			ND_PRINT("[Error converting time] ");
			return;
		}
		strftime(buf, sizeof(buf),
		    with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", tm);
		cached_sec = sec;
		cached_with_date = with_date;
		cached_local = local;
	}
	if (ndo->ndo_tstamp_precision == PCAP_TSTAMP_PRECISION_MICRO)
		ND_PRINT("%s.%06u ", buf, (unsigned)frac);
	else {
		ND_PRINT("%s", buf);
		frac_print(ndo, frac);
		ND_PRINT(" ");
	}
}

void
ts_print(netdissect_options *ndo, const struct timeval *tvp)
{
	static struct timeval ref;	/* first or previous packet */
	struct timeval d;
	long one_sec;
	int before;

	switch (ndo->ndo_tflag) {
	case 0:		/* time of day */
		clock_print(ndo, (long)tvp->tv_sec, (long)tvp->tv_usec, 0, 1);
		break;

	case 1:		/* -t: none */
		break;

	case 2:		/* -tt: seconds since the epoch */
		if (((unsigned)tvp->tv_sec & 0x80000000U) != 0)
			ND_PRINT("[Error converting time]");
		else {
			ND_PRINT("%u", (unsigned)tvp->tv_sec);
			frac_print(ndo, (long)tvp->tv_usec);
		}
		ND_PRINT(" ");
		break;

	case 3:		/* -ttt: since the previous packet */
	case 5:		/* -ttttt: since the first packet */
		one_sec = ndo->ndo_tstamp_precision ==
		    PCAP_TSTAMP_PRECISION_NANO ? NSEC_PER_SEC : USEC_PER_SEC;
		if (ref.tv_sec == 0 && ref.tv_usec == 0)
			ref = *tvp;
		if (tvp->tv_sec != ref.tv_sec)
			before = tvp->tv_sec < ref.tv_sec;
		else
			before = tvp->tv_usec < ref.tv_usec;
		if (before) {
			d.tv_sec = ref.tv_sec - tvp->tv_sec;
			d.tv_usec = ref.tv_usec - tvp->tv_usec;
		} else {
			d.tv_sec = tvp->tv_sec - ref.tv_sec;
			d.tv_usec = tvp->tv_usec - ref.tv_usec;
		}
		if (d.tv_usec < 0) {
			d.tv_sec--;
			d.tv_usec += one_sec;
		}
		ND_PRINT("%s", before ? "-" : " ");
		clock_print(ndo, (long)d.tv_sec, (long)d.tv_usec, 0, 0);
		if (ndo->ndo_tflag == 3)
			ref = *tvp;
		break;

	case 4:		/* -tttt: date and time of day */
		clock_print(ndo, (long)tvp->tv_sec, (long)tvp->tv_usec, 1, 1);
		break;
	}
}

void
nd_print_trunc(netdissect_options *ndo)
{
	ND_PRINT(" [|%s]", ndo->ndo_protocol);
}

void
nd_print_protocol(netdissect_options *ndo)
{
	ND_PRINT("%s", ndo->ndo_protocol);
}

void
nd_print_invalid(netdissect_options *ndo)
{
	ND_PRINT(" (invalid)");
}

/*
 * Hex dump of data no printer decodes, limited to what was captured.
 * "ident" starts each line.  Returns 0 if cp is already past the end.
 */
int
print_unknown_data(netdissect_options *ndo, const u_char *cp,
    const char *ident, u_int len)
{
	u_int avail;

	if (!ND_TTEST_LEN(cp, 0)) {
		ND_PRINT("%sDissector error: print_unknown_data called with "
		    "pointer past end of packet", ident);
		return 0;
	}
	avail = ND_BYTES_AVAILABLE_AFTER(cp);
	hex_print(ndo, ident, cp, len < avail ? len : avail);
	return 1;
}

/*
 * Name of v in the table lp, or v formatted with fmt ("#%d" if fmt is
 * NULL).  Formatted results rotate through four buffers, so up to four
 * calls can be used in one ND_PRINT().
 */
const char *
tok2str(const struct tok *lp, const char *fmt, u_int v)
{
	static char bufs[4][TOKBUFSIZE];
	static u_int next;
	char *buf;

	for (; lp != NULL && lp->s != NULL; lp++)
		if (lp->v == v)
			return lp->s;
	buf = bufs[next];
	next = (next + 1) % 4;
	(void)snprintf(buf, TOKBUFSIZE, fmt != NULL ? fmt : "#%d", v);
	return buf;
}

/*
 * Names of all table entries whose (non-zero) bits are all set in v,
 * joined with sep; if none matches, v formatted with fmt ("#%08x" if
 * fmt is NULL).  Bits of v that no entry names are not shown.
 */
static char *
bits_to_names(const struct tok *lp, const char *fmt, u_int v,
    const char *sep)
{
	static char buf[1025];
	size_t used = 0, n;
	const char *lead = "";

	buf[0] = '\0';
	for (; lp != NULL && lp->s != NULL; lp++) {
		if (lp->v == 0 || (v & lp->v) != lp->v)
			continue;
		n = strlen(lead) + strlen(lp->s);
		if (used + n >= sizeof(buf))
			break;
		(void)snprintf(buf + used, sizeof(buf) - used, "%s%s", lead,
		    lp->s);
		used += n;
		lead = sep;
	}
	if (used == 0)
		(void)snprintf(buf, sizeof(buf), fmt != NULL ? fmt : "#%08x", v);
	return buf;
}

char *
bittok2str(const struct tok *lp, const char *fmt, u_int v)
{
	return bits_to_names(lp, fmt, v, ", ");
}

char *
bittok2str_nosep(const struct tok *lp, const char *fmt, u_int v)
{
	return bits_to_names(lp, fmt, v, "");
}
