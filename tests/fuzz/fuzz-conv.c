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
 * libFuzzer entry point for the connection tracker (src/conv.c): a
 * random sequence of packets of a few connections, fed in order with
 * the absences ticked before each one, then the end of the capture.
 *
 * Input layout:
 *
 *	0	bits 0-1 link type (0 and 3 VSOCK, 1 LINUX_SLL, 2 SLL2);
 *		bits 2-4: table size 1 + value (0: 4096), so that
 *		eviction is reached; bit 5: at most 4 summaries kept;
 *		bit 6: through src/analysis.c (--notes and every -z
 *		summary, printed to /dev/null) instead of the tracker
 *		alone; bit 7: time stamps may go backwards
 *	1	stall threshold: 1 + value milliseconds
 *	2-	records, each starting with a tag byte T:
 *	    T bit 7 set (raw): one byte N, two bytes E (little-endian),
 *		then N bytes: a frame of N captured bytes and N + E wire
 *		bytes, fed as it is (any link-layer bytes, any vsock
 *		header)
 *	    otherwise (structured), 10 more bytes:
 *		T bits 0-2 connection (8 endpoint pairs), bit 3 sent by
 *		its second side, bits 4-6 virtio op
 *		b1 bits 0-1 type (STREAM, SEQPACKET, STREAM, 7), bits 2-3
 *		flags, bits 4-5 captured (whole, headers only, 40 bytes,
 *		whole), bits 6-7 fwd_cnt (the side's last one, last +
 *		value, value, all the bytes the side was sent)
 *		b2-3 payload length (wire); at most 256 bytes are built
 *		b4-5 buf_alloc / 4
 *		b6-9 fwd_cnt value
 *		b10 time step: value^2 * 20 us (253 and 254: 2^62 ns,
 *		beyond any real time, which the tracker must bring into
 *		its range; 255: 3 s); backwards by that much if byte 0
 *		bit 7 and the step is odd
 *
 * Beyond memory errors (ASan, UBSan), the tracker's figures must hold
 * together: every packet counted once, at most the table size of
 * conversations at once, per conversation the notes adding up, every
 * stall counted as one "stall" note, messages and data packets within
 * the packets, summaries in index order, and the totals of the notes
 * equal to those of the conversations when all were kept.
 */

#include "netdissect-stdinc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "netdissect.h"
#include "conv.h"
#include "print-cooked.h"
#include "analysis.h"
#include "capture.h"

#include "fuzz-common.h"

#define MAX_FRAME	(20 + 32 + 44 + 256)
#define NPAIRS		8

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct pair {
	uint64_t	cid[2];
	uint32_t	port[2];
	uint32_t	fwd[2];		/* last fwd_cnt each side sent */
	uint32_t	rcvd[2];	/* bytes each side was sent */
};

static void
put_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
check(int ok, const char *what)
{
	if (!ok) {
		(void)fprintf(stderr, "fuzz-conv: invariant broken: %s\n",
		    what);
		abort();
	}
}

/* A structured record into a frame; returns its captured length. */
static uint32_t
build(const uint8_t *r, struct pair *pairs, int dlt, uint8_t *f,
    uint32_t *wire)
{
	struct pair *pr = &pairs[r[0] & 7];
	int s = (r[0] >> 3) & 1;
	uint16_t op = (r[0] >> 4) & 7;
	static const uint16_t types[4] = { 1, 2, 1, 7 };
	uint32_t plen = fuzz_le16(r + 2), built, fwd, v = fuzz_le32(r + 6);
	size_t hl = dlt == DLT_LINUX_SLL ? 16 : dlt == DLT_LINUX_SLL2 ? 20 : 0;
	uint8_t *m = f + hl, *vh = m + 32;
	uint32_t i, cap;

	switch (r[1] >> 6) {
	case 0:
		fwd = pr->fwd[s];
		break;
	case 1:
		fwd = pr->fwd[s] + (v & 0xffff);
		break;
	case 2:
		fwd = v;
		break;
	default:
		fwd = pr->rcvd[s];
		break;
	}
	pr->fwd[s] = fwd;
	if (op == 5)
		pr->rcvd[!s] += plen;
	memset(f, 0, hl);
	if (dlt == DLT_LINUX_SLL)
		f[2] = 826 >> 8, f[3] = 826 & 0xff;
	else if (dlt == DLT_LINUX_SLL2)
		f[8] = 826 >> 8, f[9] = 826 & 0xff;
	put_le(m, pr->cid[s], 8);
	put_le(m + 8, pr->cid[!s], 8);
	put_le(m + 16, pr->port[s], 4);
	put_le(m + 20, pr->port[!s], 4);
	put_le(m + 24, op == 5 ? 4 : op == 6 || op == 7 ? 3 : op > 2 ? 2 : 1,
	    2);
	put_le(m + 26, 2, 2);
	put_le(m + 28, 44, 2);
	put_le(m + 30, 0, 2);
	memcpy(vh, m, 24);
	put_le(vh + 24, plen, 4);
	put_le(vh + 28, types[r[1] & 3], 2);
	put_le(vh + 30, op, 2);
	put_le(vh + 32, (r[1] >> 2) & 3, 4);
	put_le(vh + 36, (uint32_t)fuzz_le16(r + 4) << 2, 4);
	put_le(vh + 40, fwd, 4);
	built = plen < 256 ? plen : 256;
	for (i = 0; i < built; i++)
		vh[44 + i] = (uint8_t)i;
	*wire = (uint32_t)hl + 76 + plen;
	cap = (uint32_t)hl + 76 + built;
	switch ((r[1] >> 4) & 3) {
	case 1:
		cap = (uint32_t)hl + 76;
		break;
	case 2:
		cap = (uint32_t)hl + 40;
		break;
	}
	return cap;
}

/*
 * The next record at *off into a new frame (freed by the caller), its
 * captured and wire lengths and the time step (odd ones negative if
 * backwards); NULL at the end.
 */
static uint8_t *
next_record(const uint8_t *data, size_t size, size_t *off,
    struct pair *pairs, int dlt, int backwards, uint32_t *cap,
    uint32_t *wire, int64_t *step_ns)
{
	const uint8_t *r = data + *off;
	uint8_t *frame;

	if (*off >= size)
		return NULL;
	if (r[0] & 0x80) {
		if (size - *off < 4 || size - *off - 4 < r[1])
			return NULL;
		*cap = r[1];
		*wire = *cap + fuzz_le16(r + 2);
		frame = malloc(*cap != 0 ? *cap : 1);
		memcpy(frame, r + 4, *cap);
		*off += 4 + (size_t)*cap;
		*step_ns = 1000000;
		return frame;
	}
	if (size - *off < 11)
		return NULL;
	frame = malloc(MAX_FRAME);
	*cap = build(r, pairs, dlt, frame, wire);
	*off += 11;
	*step_ns = r[10] == 255 ? 3000000000LL :
	    r[10] >= 253 ? INT64_C(1) << 62 :
	    (int64_t)r[10] * r[10] * 20000;
	if (backwards && (r[10] & 1))
		*step_ns = -*step_ns;
	return frame;
}

/* The figures of the whole capture must hold together. */
static void
check_summaries(struct vsock_conv_tracker *t, uint64_t fed)
{
	const struct vsock_conv_totals *tot = vsock_conv_totals(t);
	const struct vsock_conv_summary *s;
	uint64_t notes[VSOCK_NOTE_COUNT], pk = 0;
	size_t n, i;
	uint32_t sum;
	int k;

	s = vsock_conv_summaries(t, &n);
	check(tot->packets == fed, "every packet counted");
	check(tot->open == 0, "nothing left open after the end");
	check(n + tot->unlisted == tot->conversations,
	    "each conversation kept or counted as not listed");
	memset(notes, 0, sizeof(notes));
	for (i = 0; i < n; i++) {
		check(i == 0 || s[i - 1].index < s[i].index,
		    "summaries in index order");
		sum = 0;
		for (k = 0; k < 2; k++) {
			check(s[i].dir[k].data_packets <= s[i].dir[k].packets,
			    "data packets within packets");
			check(s[i].dir[k].messages <=
			    s[i].dir[k].data_packets, "messages within data");
			pk += s[i].dir[k].packets;
		}
		check(s[i].dir[0].packets + s[i].dir[1].packets > 0,
		    "a conversation has a packet");
		check(s[i].last_pkt >= s[i].first_pkt, "packet numbers");
		for (k = 0; s[i].notes != NULL && k < VSOCK_NOTE_COUNT; k++) {
			sum += s[i].notes[k];
			notes[k] += s[i].notes[k];
		}
		check(sum == s[i].nnotes, "notes add up");
		check(s[i].stalls == (s[i].notes != NULL ?
		    s[i].notes[VSOCK_NOTE_STALL] : 0),
		    "each stall is one stall note");
		check(s[i].longest_stall_ns <= s[i].stalled_ns,
		    "longest stall within the total");
	}
	check(pk + tot->untracked <= fed, "packets of conversations");
	if (tot->unlisted == 0) {
		check(pk + tot->untracked == fed, "all packets in summaries");
		for (k = 0; k < VSOCK_NOTE_COUNT; k++)
			check(notes[k] == tot->notes[k], "note totals");
	}
}

static void
run_tracker(const uint8_t *cfg, const uint8_t *data, size_t size,
    struct pair *pairs, int dlt)
{
	struct vsock_conv_config c;
	struct vsock_conv_tracker *t;
	struct vsock_conv_result res;
	struct vsock_conv_event ev[4];
	uint8_t *frame;
	uint32_t cap, wire, num = 0;
	int64_t ns = 1767225600LL * 1000000000, step;
	size_t off = 0;
	unsigned e;

	memset(&c, 0, sizeof(c));
	c.dlt = dlt;
	c.stall_ns = ((int64_t)cfg[1] + 1) * 1000000;
	c.max_open = ((cfg[0] >> 2) & 7) != 0 ? 1 + ((cfg[0] >> 2) & 7) : 4096;
	c.max_summaries = (cfg[0] & 0x20) ? 4 : 1 << 20;
	c.linger_ns = 10 * c.stall_ns;
	if ((t = vsock_conv_new(&c)) == NULL)
		return;
	while ((frame = next_record(data, size, &off, pairs, dlt,
	    cfg[0] & 0x80, &cap, &wire, &step)) != NULL) {
		/* The harness's own clock saturates; the tracker's clamps. */
		if (step > 0 && ns > INT64_MAX - step)
			ns = INT64_MAX;
		else if (step < 0 && ns < INT64_MIN - step)
			ns = INT64_MIN;
		else
			ns += step;
		while ((e = vsock_conv_tick(t, ns, ev, 4)) > 0)
			check(e <= 4, "tick within bounds");
		vsock_conv_packet(t, ++num, ns, wire, frame, cap, &res);
		check(res.nevents <= VSOCK_CONV_MAX_EVENTS, "events bounded");
		check(vsock_conv_totals(t)->open <= c.max_open,
		    "table within its size");
		if (res.conv != NULL)
			check(res.payload_caplen <= res.payload_len &&
			    res.payload_caplen <= cap, "payload captured");
		free(frame);
	}
	while (vsock_conv_finish(t, ns, ev, 4) > 0)
		continue;
	check_summaries(t, num);
	vsock_conv_free(t);
}

/* The options of the analysis run: --notes and every -z summary. */
static void
analysis_options(struct analysis_options *ao, const uint8_t *cfg)
{
	char arg[32];

	analysis_options_init(ao);
	ao->notes = 1;
	(void)snprintf(arg, sizeof(arg), "0.%03u", 1 + cfg[1] % 999);
	(void)analysis_opt_stall_threshold(ao, arg);
	(void)snprintf(arg, sizeof(arg), "%u", 1 + ((cfg[0] >> 2) & 7));
	if ((cfg[0] >> 2) & 7)
		(void)analysis_opt_conv_limit(ao, arg);
	(void)analysis_opt_z(ao, "conv,vsock");
	(void)analysis_opt_z(ao, "conv,vsock,json");
	(void)analysis_opt_z(ao, "expert");
	(void)analysis_opt_z(ao, "rpc,vsock");
	(void)analysis_opt_z(ao, "rpc,vsock,json");
	(void)analysis_opt_z(ao, "follow,vsock,hex,0");
	(void)analysis_opt_z(ao, "follow,vsock,ascii,3.1000,2.5000");
	(void)analysis_opt_z(ao, "follow,vsock,raw,1");
}

/* The same packets through vsockdump's analysis and printer. */
static void
run_analysis(const uint8_t *cfg, const uint8_t *data, size_t size,
    struct pair *pairs, int dlt)
{
	struct analysis_options ao;
	struct capture cap;
	netdissect_options *ndo = &cap.ndo;
	struct pcap_pkthdr h;
	uint8_t *frame;
	uint32_t caplen, wire, num = 0;
	int64_t step, usec = 0;
	size_t off = 0;
	int unsupported;

	capture_init(&cap);
	ndo->ndo_printf = fuzz_discard_printf;
	ndo->ndo_error = fuzz_abort_error;
	ndo->ndo_warning = fuzz_quiet_warning;
	ndo->ndo_nflag = 1;
	ndo->ndo_vflag = cfg[1] & 3;
	analysis_options(&ao, cfg);
	if (capture_set_printer(&cap, dlt, 1) < 0)
		abort();
	cap.an = analysis_begin(&ao, ndo, dlt, 0, 0, 0, 0, &unsupported);
	if (cap.an == NULL)
		abort();
	while ((frame = next_record(data, size, &off, pairs, dlt, 0, &caplen,
	    &wire, &step)) != NULL) {
		usec += step / 1000;
		h.ts.tv_sec = 1767225600 + usec / 1000000;
		h.ts.tv_usec = usec % 1000000;
		h.caplen = caplen;
		h.len = wire;
		num++;
		capture_print_packet(&cap, &h, frame, num,
		    analysis_packet(cap.an, &h, frame, num));
		free(frame);
	}
	analysis_end(cap.an);
	analysis_options_free(&ao);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int dlts[4] = {
		DLT_VSOCK, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_VSOCK
	};
	static int quiet;
	struct pair pairs[NPAIRS];
	int i, dlt;

	if (!quiet) {
		/* The analysis prints its summaries on the standard output. */
		if (freopen("/dev/null", "w", stdout) == NULL)
			abort();
		quiet = 1;
	}
	if (size < 2)
		return 0;
	memset(pairs, 0, sizeof(pairs));
	for (i = 0; i < NPAIRS; i++) {
		/* Ports repeat every 4 pairs; pair 7 is CID 2^64 - 1. */
		pairs[i].cid[0] = i == 7 ? UINT64_MAX : 3 + (uint64_t)(i % 3);
		pairs[i].cid[1] = 2;
		pairs[i].port[0] = 1000 + (uint32_t)(i % 4);
		pairs[i].port[1] = 5000 + (uint32_t)i;
	}
	dlt = dlts[data[0] & 3];
	if (data[0] & 0x40)
		run_analysis(data, data + 2, size - 2, pairs, dlt);
	else
		run_tracker(data, data + 2, size - 2, pairs, dlt);
	return 0;
}
