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
 * The per-packet driver: packet number, sanity checks of the capture
 * header, time stamp, the link-layer printer (with truncation handled
 * through setjmp/longjmp) and the -x/-X/-A raw dumps, in the order and
 * format of tcpdump 4.99's pretty_print_packet().
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include "netdissect.h"
#include "extract.h"

static int
nd_stdout_printf(netdissect_options *ndo, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfprintf(stdout, fmt, ap);
	va_end(ap);
	if (ret < 0)
		(*ndo->ndo_error)(ndo, 14, "Unable to write output: %s",
		    strerror(errno));
	return ret;
}

static ND_ATTR_NORETURN void
nd_stderr_error(netdissect_options *ndo, int status, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (ndo->program_name != NULL)
		(void)fprintf(stderr, "%s: ", ndo->program_name);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	n = strlen(fmt);
	if (n == 0 || fmt[n - 1] != '\n')
		(void)fputc('\n', stderr);
	exit(status);
}

static void
nd_stderr_warning(netdissect_options *ndo, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (ndo->program_name != NULL)
		(void)fprintf(stderr, "%s: WARNING: ", ndo->program_name);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	n = strlen(fmt);
	if (n == 0 || fmt[n - 1] != '\n')
		(void)fputc('\n', stderr);
}

/* What a printer shows of data it does not decode. */
static void
nd_raw_default_print(netdissect_options *ndo, const u_char *bp, u_int length)
{
	hex_and_ascii_print(ndo, "\n\t", bp, length);
}

void
ndo_set_function_pointers(netdissect_options *ndo)
{
	ndo->ndo_default_print = nd_raw_default_print;
	ndo->ndo_printf = nd_stdout_printf;
	ndo->ndo_error = nd_stderr_error;
	ndo->ndo_warning = nd_stderr_warning;
}

/*
 * Start or continue the "[Invalid header:" note; returns 1 so the
 * caller can record that the header was found invalid.
 */
static int
invalid_note(netdissect_options *ndo, int already)
{
	ND_PRINT("%s", already ? "," : "[Invalid header:");
	return 1;
}

/*
 * Raw dump of the packet for -x/-xx, -X/-XX or -A/-AA: with a single
 * flag the link-layer header (hdrlen bytes) is left out, and nothing is
 * dumped if nothing follows it.
 */
static void
raw_dump(netdissect_options *ndo, const struct pcap_pkthdr *h,
    const u_char *sp, u_int hdrlen)
{
	int count;
	const u_char *start;
	u_int len;

	if (ndo->ndo_Xflag)
		count = ndo->ndo_Xflag;
	else if (ndo->ndo_xflag)
		count = ndo->ndo_xflag;
	else if (ndo->ndo_Aflag)
		count = ndo->ndo_Aflag;
	else
		return;

	if (count > 1) {
		start = sp;
		len = h->caplen;
	} else {
		if (h->caplen <= hdrlen)
			return;
		start = sp + hdrlen;
		len = h->caplen - hdrlen;
	}
	if (ndo->ndo_Xflag)
		hex_and_ascii_print(ndo, "\n\t", start, len);
	else if (ndo->ndo_xflag)
		hex_print(ndo, "\n\t", start, len);
	else
		ascii_print(ndo, start, len);
}

void
pretty_print_packet(netdissect_options *ndo, const struct pcap_pkthdr *h,
    const u_char *sp, u_int packets_captured)
{
	struct timeval tv;
	int bad = 0;
	u_int hdrlen;

	if (ndo->ndo_packet_number)
		ND_PRINT("%5u  ", packets_captured);

	/* A capture header no printer should be handed. */
	if (h->caplen == 0) {
		ND_PRINT("[Invalid header: caplen==0");
		bad = 1;
	}
	if (h->len == 0) {
		bad = invalid_note(ndo, bad);
		ND_PRINT(" len==0");
	} else if (h->len < h->caplen) {
		bad = invalid_note(ndo, bad);
		ND_PRINT(" len(%u) < caplen(%u)", h->len, h->caplen);
	}
	if (h->caplen > MAXIMUM_SNAPLEN) {
		bad = invalid_note(ndo, bad);
		ND_PRINT(" caplen(%u) > %u", h->caplen, MAXIMUM_SNAPLEN);
	}
	if (h->len > MAXIMUM_SNAPLEN) {
		bad = invalid_note(ndo, bad);
		ND_PRINT(" len(%u) > %u", h->len, MAXIMUM_SNAPLEN);
	}
	if (bad) {
		ND_PRINT("]\n");
		return;
	}

	tv.tv_sec = h->ts.tv_sec;
	tv.tv_usec = h->ts.tv_usec;
	ts_print(ndo, &tv);

	ndo->ndo_packetp = sp;
	ndo->ndo_snapend = sp + h->caplen;
	ndo->ndo_protocol = "";
	ndo->ndo_ll_hdr_len = 0;
	if (setjmp(ndo->ndo_early_end) == 0)
		(*ndo->ndo_if_printer)(ndo, h, sp);
	else {
		/* A GET_ macro or a dump found the packet cut short. */
		nd_print_trunc(ndo);
		ndo->ndo_ll_hdr_len = 0;
	}
	hdrlen = (u_int)ndo->ndo_ll_hdr_len;

	/* A printer may have narrowed the captured range; restore it. */
	ndo->ndo_snapend = sp + h->caplen;
	raw_dump(ndo, h, sp, hdrlen);
	ND_PRINT("\n");
}
