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
 * a whole pcap or pcapng file.  It is read as "vsockdump -r FILE" reads
 * one (vsockdump.c's main() and handle_packet(), which are static and
 * so are replicated here, minimally):
 *
 *	pcap_fopen_offline_with_tstamp_precision() (on fmemopen() of the
 *	input rather than a named file: libpcap reads both through a
 *	FILE), pcap_datalink(), the printer vsockdump_printer_for()
 *	picks (files of any other link type are refused, as vsockdump
 *	refuses them), pcap_compile() and pcap_setfilter() of the empty
 *	expression, then pcap_loop() with a callback that writes each
 *	packet to a dump file (the -w path, to /dev/null) and prints it
 *	with pretty_print_packet().
 *
 * Each file is read twice: once at -n -e -vv -X with microsecond time
 * stamps and -tttt, once at -A with nanosecond time stamps and -ttt and
 * the connection analysis (--notes -z conv,vsock,json -z expert: in
 * handle_packet(), analysis_packet() before the printer), so that one
 * input covers the decoder, both dumps, the time-stamp code and the
 * analysis.  Output goes through ndo_printf into a buffer that is thrown
 * away; the analysis's summaries to /dev/null.
 */

#include "netdissect-stdinc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <pcap/pcap.h>

#include "netdissect.h"
#include "vsockdump.h"
#include "analysis.h"

#include "fuzz-common.h"

struct pass {
	int vflag, eflag, Xflag, Aflag, tflag, precision, analysis;
};

static const struct pass passes[] = {
	{ 2, 1, 1, 0, 4, PCAP_TSTAMP_PRECISION_MICRO, 0 },
	{ 0, 0, 0, 1, 3, PCAP_TSTAMP_PRECISION_NANO, 1 },
};

struct run {
	netdissect_options *ndo;
	pcap_dumper_t *pdd;
	u_int count;
};

/* vsockdump.c's handle_packet(), with -w and --print. */
static void
handle_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *sp)
{
	struct run *r = (struct run *)user;

	r->count++;
	if (r->pdd != NULL)
		pcap_dump((u_char *)r->pdd, h, sp);
	analysis_packet(h, sp, r->count);
	pretty_print_packet(r->ndo, h, sp, r->count);
}

static void
read_once(const uint8_t *data, size_t size, const struct pass *p)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	netdissect_options nd, *ndo = &nd;
	struct bpf_program fcode;
	struct run r;
	pcap_t *pd;
	FILE *fp;

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

	memset(&nd, 0, sizeof(nd));
	ndo_set_function_pointers(ndo);
	fuzz_quiet_output(ndo);
	ndo->program_name = "vsockdump";
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

	ndo->ndo_if_printer = vsockdump_printer_for(pcap_datalink(pd));
	if (ndo->ndo_if_printer == NULL) {
		/* vsockdump refuses the file before reading a packet. */
		pcap_close(pd);
		return;
	}
	if (p->analysis) {
		analysis_opt_notes();
		(void)analysis_opt_z("conv,vsock,json");
		(void)analysis_opt_z("expert");
		if (analysis_begin(ndo, pcap_datalink(pd),
		    p->precision == PCAP_TSTAMP_PRECISION_NANO, 0, 0, 0) < 0)
			abort();	/* the printer accepted the link type */
	}
	if (pcap_compile(pd, &fcode, "", 1, 0) < 0 ||
	    pcap_setfilter(pd, &fcode) < 0)
		abort();
	pcap_freecode(&fcode);

	memset(&r, 0, sizeof(r));
	r.ndo = ndo;
	r.pdd = pcap_dump_open(pd, "/dev/null");
	(void)pcap_loop(pd, -1, handle_packet, (u_char *)&r);
	analysis_end();
	if (r.pdd != NULL)
		pcap_dump_close(r.pdd);
	pcap_close(pd);
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
