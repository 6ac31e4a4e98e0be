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
 * libFuzzer entry point for the packet printer, driven exactly as
 * vsockdump drives it: pretty_print_packet() of netdissect-stubs with
 * the link-layer printer vsockdump.c picks for the capture's link type
 * (vsock_if_print, sll_if_print or sll2_if_print).
 *
 * Input layout (all little-endian):
 *
 *	0	options A: bits 0-1 verbosity (-v count, 0..3), bit 2 -e,
 *		bit 3 -n, bits 4-5 link type (0 VSOCK, 1 LINUX_SLL,
 *		2 LINUX_SLL2, 3 VSOCK), bit 6 -#, bit 7 -q
 *	1	options B: bits 0-2 raw dump (0 none, 1 -x, 2 -xx, 3 -X,
 *		4 -XX, 5 -A, 6 -AA, 7 -X -A), bits 3-5 -t count (0..5; 6
 *		and 7 are read as 0), bit 6 nanosecond precision, bit 7:
 *		wire length taken as is from bytes 4-5 (may then be smaller
 *		than the captured length, a header vsockdump must reject)
 *	2-3	captured length: min(this, packet bytes)
 *	4-5	wire length: captured length + this (or this, see bit 7)
 *	6-9	time stamp seconds (a signed 32-bit value)
 *	10-13	time stamp fraction (micro- or nanoseconds, not checked,
 *		as libpcap hands it over from a file)
 *	14-	the packet
 *
 * The captured bytes are copied into a heap block of exactly the
 * captured length, so that AddressSanitizer reports any read past it.
 * Output goes through ndo_printf into a buffer that is thrown away.
 */

#include "netdissect-stdinc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "netdissect.h"

#include "fuzz-common.h"

#define FUZZ_PRINTER_HDR	14

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const if_printer printers[4] = {
		vsock_if_print, sll_if_print, sll2_if_print, vsock_if_print
	};
	netdissect_options nd, *ndo = &nd;
	struct pcap_pkthdr h;
	u_char *pkt;
	uint8_t a, b;
	size_t n;
	u_int caplen, lsel;

	if (size < FUZZ_PRINTER_HDR)
		return 0;
	a = data[0];
	b = data[1];
	n = size - FUZZ_PRINTER_HDR;
	if (n > MAXIMUM_SNAPLEN)
		n = MAXIMUM_SNAPLEN;

	memset(&nd, 0, sizeof(nd));
	ndo_set_function_pointers(ndo);
	fuzz_quiet_output(ndo);
	ndo->program_name = "vsockdump";
	ndo->ndo_snaplen = MAXIMUM_SNAPLEN;

	/* The flags as vsockdump's option loop sets them. */
	ndo->ndo_vflag = a & 3;
	ndo->ndo_eflag = (a >> 2) & 1;
	ndo->ndo_nflag = (a >> 3) & 1;
	ndo->ndo_if_printer = printers[(a >> 4) & 3];
	ndo->ndo_packet_number = (a >> 6) & 1;
	if (a & 0x80) {
		ndo->ndo_qflag = 1;
		ndo->ndo_suppress_default_print++;
	}
	switch (b & 7) {
	case 1: ndo->ndo_xflag = 1; break;
	case 2: ndo->ndo_xflag = 2; break;
	case 3: ndo->ndo_Xflag = 1; break;
	case 4: ndo->ndo_Xflag = 2; break;
	case 5: ndo->ndo_Aflag = 1; break;
	case 6: ndo->ndo_Aflag = 2; break;
	case 7: ndo->ndo_Xflag = 1; ndo->ndo_Aflag = 1; break;
	}
	if (ndo->ndo_xflag || ndo->ndo_Xflag)
		ndo->ndo_suppress_default_print++;
	ndo->ndo_tflag = (b >> 3) & 7;
	if (ndo->ndo_tflag > 5)
		ndo->ndo_tflag = 0;
	ndo->ndo_tstamp_precision = (b & 0x40) ?
	    PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO;

	caplen = fuzz_le16(data + 2);
	if (caplen > n)
		caplen = (u_int)n;
	lsel = fuzz_le16(data + 4);
	memset(&h, 0, sizeof(h));
	h.caplen = caplen;
	h.len = (b & 0x80) ? lsel : caplen + lsel;
	h.ts.tv_sec = (int32_t)fuzz_le32(data + 6);
	h.ts.tv_usec = (suseconds_t)fuzz_le32(data + 10);

	/* Exactly caplen bytes, so that any over-read is caught. */
	pkt = malloc(caplen);
	if (pkt == NULL && caplen != 0)
		abort();
	if (caplen != 0)
		memcpy(pkt, data + FUZZ_PRINTER_HDR, caplen);

	pretty_print_packet(ndo, &h, pkt, 1);

	free(pkt);
	return 0;
}
