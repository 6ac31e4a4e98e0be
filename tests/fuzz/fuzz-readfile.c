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
 * libFuzzer entry point for vsockdump's capture-file path: the input is
 * a whole pcap or pcapng file.  It is read as "vsockdump -r FILE -w
 * /dev/null --print" reads one, through the capture loop of vsockdump's
 * internal library (capture.c: each packet written with savefile.c,
 * analysed, printed):
 *
 *	pcap_fopen_offline_with_tstamp_precision() (on fmemopen() of the
 *	input rather than a named file: libpcap reads both through a
 *	FILE), the printer capture_set_printer() picks (files of any
 *	other link type are refused, as vsockdump refuses them),
 *	pcap_compile() and pcap_setfilter() of the empty expression,
 *	savefile_open() on /dev/null, then capture_loop().
 *
 * Each file is read twice: once at -n -e -vv -X with microsecond time
 * stamps and -tttt, once at -A with nanosecond time stamps and -ttt and
 * the connection analysis (--notes -z conv,vsock,json -z expert), so
 * that one input covers the decoder, both dumps, the time-stamp code
 * and the analysis.  Output goes through ndo_printf into a buffer that
 * is thrown away; the analysis's summaries to /dev/null.
 */

#include "netdissect-stdinc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <pcap/pcap.h>

#include "netdissect.h"
#include "analysis.h"
#include "capture.h"
#include "savefile.h"

#include "fuzz-common.h"

struct pass {
	int vflag, eflag, Xflag, Aflag, tflag, precision, analysis;
};

static const struct pass passes[] = {
	{ 2, 1, 1, 0, 4, PCAP_TSTAMP_PRECISION_MICRO, 0 },
	{ 0, 0, 0, 1, 3, PCAP_TSTAMP_PRECISION_NANO, 1 },
};

static void
set_up(struct capture *cap, const struct pass *p)
{
	netdissect_options *ndo = &cap->ndo;

	capture_init(cap);
	fuzz_quiet_output(ndo);
	ndo->ndo_nflag = 1;
	ndo->ndo_vflag = p->vflag;
	ndo->ndo_eflag = p->eflag;
	ndo->ndo_Xflag = p->Xflag;
	ndo->ndo_Aflag = p->Aflag;
	if (p->Xflag)
		ndo->ndo_suppress_default_print++;
	ndo->ndo_tflag = p->tflag;
	ndo->ndo_tstamp_precision = p->precision;
	ndo->ndo_packet_number = 1;
	cap->printing = 1;
}

static void
read_once(const uint8_t *data, size_t size, const struct pass *p)
{
	static const struct savefile_settings out_settings;
	char ebuf[PCAP_ERRBUF_SIZE];
	struct analysis_options ao;
	struct bpf_program fcode;
	struct capture cap;
	pcap_t *pd;
	FILE *fp;
	int unsupported;

	/* fmemopen() may refuse 0 bytes: an empty file is /dev/null. */
	if (size == 0)
		fp = fopen("/dev/null", "rb");
	else
		fp = fmemopen((void *)(uintptr_t)data, size, "rb");
	if (fp == NULL)
		return;
	ebuf[0] = '\0';
	pd = pcap_fopen_offline_with_tstamp_precision(fp,
	    (u_int)p->precision, ebuf);
	if (pd == NULL) {
		/* vsockdump: error("%s", ebuf); the message must be set. */
		if (ebuf[0] == '\0')
			abort();
		(void)fclose(fp);
		return;
	}
	set_up(&cap, p);
	analysis_options_init(&ao);
	if (p->analysis) {
		ao.notes = 1;
		(void)analysis_opt_z(&ao, "conv,vsock,json");
		(void)analysis_opt_z(&ao, "expert");
	}
	if (capture_set_printer(&cap, pcap_datalink(pd),
	    analysis_annotates(&ao)) < 0) {
		/* vsockdump refuses the file before reading a packet. */
		pcap_close(pd);
		analysis_options_free(&ao);
		return;
	}
	cap.an = analysis_begin(&ao, &cap.ndo, pcap_datalink(pd),
	    p->precision == PCAP_TSTAMP_PRECISION_NANO, 0, 0, 0,
	    &unsupported);
	if (unsupported)
		abort();	/* the printer accepted the link type */
	if (pcap_compile(pd, &fcode, "", 1, 0) < 0 ||
	    pcap_setfilter(pd, &fcode) < 0)
		abort();
	pcap_freecode(&fcode);

	cap.pd = pd;
	cap.writing = savefile_open(&cap.out, &out_settings, pd,
	    "/dev/null") == 0;
	(void)capture_loop(&cap, -1);
	analysis_end(cap.an);
	if (cap.writing)
		(void)savefile_close(&cap.out, "vsockdump");
	pcap_close(pd);
	analysis_options_free(&ao);
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	size_t i;

	if (!quiet) {
		/* The analysis prints its summaries on the standard output. */
		if (freopen("/dev/null", "w", stdout) == NULL)
			abort();
		quiet = 1;
	}
	for (i = 0; i < sizeof(passes) / sizeof(passes[0]); i++)
		read_once(data, size, &passes[i]);
	return 0;
}
