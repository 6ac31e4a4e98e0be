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
 * libFuzzer entry point for protocol decoding (src/decode.c,
 * src/stream.c, src/rpc.c and every src/dec-*.c): the payload of a few
 * connections on one port, cut into packets, with gaps, fed through
 * the analysis and the printer as vsockdump feeds a capture.
 *
 * Input layout:
 *
 *	0	the decoder: --decode-as 5000=NAME for the value modulo the
 *		number of decoders, and for the one after the last no
 *		--decode-as (the signatures choose)
 *	1	bit 0 SEQPACKET; bits 1-2 -v count; bit 3 the handshake
 *		(REQUEST, RESPONSE) before each connection's data; bit 4
 *		--decode-buffer 64 + 16 * byte 2; bit 5 --notes with -z
 *		rpc,vsock and -z rpc,vsock,json; bit 6 the decoders make no
 *		summaries, as when no packet line is printed (-q -z)
 *	2	see byte 1, bit 4
 *	3-	records, each a tag byte T, then two bytes N (little-endian),
 *		then with T bit 2 two bytes M, then N bytes of payload:
 *		T bit 0 sent by the server; bit 1 EOM; bit 2 M more bytes
 *		on the wire than captured (a snaplen, a drop); bit 3 an RST
 *		before it, after which a new connection begins; bits 4-7
 *		time step: value^2 milliseconds
 *
 * Beyond memory errors (ASan, UBSan) and hangs, every byte of the
 * printed text must be printable ASCII, a tab or a newline: text from
 * the wire is escaped.
 */

#include "netdissect-stdinc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netdissect.h"
#include "analysis.h"
#include "capture.h"
#include "fuzz-common.h"
#include "wire.h"

#define SERVER_PORT	5000
#define FRAME_MAX	(VSOCK_MON_HDR_LEN + VSOCK_VIRTIO_HDR_LEN + 65535)

struct conn {
	uint32_t	port;		/* the client's */
	uint16_t	type;
	uint32_t	number;		/* packets so far */
	int64_t		usec;
	struct capture	*cap;
	uint8_t		frame[FRAME_MAX];
};

static void
put_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Printed text must be escaped: no control bytes but tab and newline. */
static int
checked_printf(netdissect_options *ndo _U_, const char *fmt, ...)
{
	static char text[65536];
	va_list ap;
	int n, i;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	for (i = 0; i < n && i < (int)sizeof(text) - 1; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && c != '\t' && c != '\n') || c >= 0x7f) {
			(void)fprintf(stderr, "unescaped byte 0x%02x in "
			    "\"%s\"\n", c, text);
			abort();
		}
	}
	return n;
}

/* One packet of the connection: its vsockmon and virtio headers, data. */
static void
send_packet(struct conn *c, int from_server, uint16_t op, uint32_t flags,
    const uint8_t *data, uint32_t n, uint32_t missing)
{
	uint8_t *f = c->frame, *v = f + VSOCK_MON_HDR_LEN;
	uint64_t cid[2] = { 3, 2 };
	uint32_t port[2] = { c->port, SERVER_PORT };
	struct pcap_pkthdr h;
	int s = from_server, d = !from_server;

	memset(f, 0, VSOCK_MON_HDR_LEN + VSOCK_VIRTIO_HDR_LEN);
	put_le(f + VSOCK_MON_OFF_SRC_CID, cid[s], 8);
	put_le(f + VSOCK_MON_OFF_DST_CID, cid[d], 8);
	put_le(f + VSOCK_MON_OFF_SRC_PORT, port[s], 4);
	put_le(f + VSOCK_MON_OFF_DST_PORT, port[d], 4);
	put_le(f + VSOCK_MON_OFF_OP, op == VSOCK_OP_RW ?
	    VSOCK_MON_OP_PAYLOAD : VSOCK_MON_OP_CONTROL, 2);
	put_le(f + VSOCK_MON_OFF_TRANSPORT, VSOCK_TRANSPORT_VIRTIO, 2);
	put_le(f + VSOCK_MON_OFF_THDR_LEN, VSOCK_VIRTIO_HDR_LEN, 2);
	memcpy(v, f, 24);		/* the virtio addresses, the same */
	put_le(v + VSOCK_VIRTIO_OFF_LEN, n + missing, 4);
	put_le(v + VSOCK_VIRTIO_OFF_TYPE, c->type, 2);
	put_le(v + VSOCK_VIRTIO_OFF_OP, op, 2);
	put_le(v + VSOCK_VIRTIO_OFF_FLAGS, flags, 4);
	put_le(v + VSOCK_VIRTIO_OFF_BUF_ALLOC, 262144, 4);
	if (n > 0)
		memcpy(v + VSOCK_VIRTIO_HDR_LEN, data, n);
	h.ts.tv_sec = 1767225600 + c->usec / 1000000;
	h.ts.tv_usec = c->usec % 1000000;
	h.caplen = VSOCK_MON_HDR_LEN + VSOCK_VIRTIO_HDR_LEN + n;
	h.len = h.caplen + missing;
	c->number++;
	capture_print_packet(c->cap, &h, f, c->number,
	    analysis_packet(c->cap->an, &h, f, c->number));
}

static void
handshake(struct conn *c)
{
	send_packet(c, 0, VSOCK_OP_REQUEST, 0, NULL, 0, 0);
	send_packet(c, 1, VSOCK_OP_RESPONSE, 0, NULL, 0, 0);
}

/* The records of the input, as packets. */
static void
run(struct conn *c, const uint8_t *p, size_t size, int shake)
{
	uint32_t n, missing;
	unsigned step;
	uint8_t t;

	if (shake)
		handshake(c);
	while (size >= 3) {
		t = p[0];
		n = fuzz_le16(p + 1);
		p += 3;
		size -= 3;
		missing = 0;
		if (t & 4) {
			if (size < 2)
				return;
			missing = fuzz_le16(p);
			p += 2;
			size -= 2;
		}
		if (n > size)
			n = (uint32_t)size;
		step = t >> 4;
		c->usec += (int64_t)step * step * 1000;
		if (t & 8) {
			send_packet(c, t & 1, VSOCK_OP_RST, 0, NULL, 0, 0);
			c->port++;
			if (shake)
				handshake(c);
		}
		send_packet(c, t & 1, VSOCK_OP_RW, (t & 2) ? VSOCK_SEQ_EOM : 0,
		    p, n, missing);
		p += n;
		size -= n;
	}
}

/* The NAME of --decode-as 5000=NAME, i of the decoders; 0 if i is past. */
static int
decoder_arg(unsigned i, char *arg, size_t size)
{
	const char *names = decode_names(), *end;

	while (i-- > 0 && (names = strchr(names, ',')) != NULL)
		names += 2;
	if (names == NULL || strncmp(names, "none", 4) == 0)
		return 0;
	end = strchr(names, ',');
	(void)snprintf(arg, size, "%u=%.*s", SERVER_PORT,
	    (int)(end - names), names);
	return 1;
}

static unsigned
decoder_count(void)
{
	const char *s = decode_names();
	unsigned n = 0;

	while ((s = strchr(s, ',')) != NULL) {
		n++;
		s++;
	}
	return n;		/* the names, without "none" */
}

static void
set_options(struct analysis_options *ao, const uint8_t *cfg)
{
	char arg[64];

	analysis_options_init(ao);
	if (decoder_arg(cfg[0] % (decoder_count() + 1), arg, sizeof(arg)) &&
	    decode_opt_as(&ao->decode, arg) < 0)
		abort();
	if (cfg[1] & 0x10) {
		(void)snprintf(arg, sizeof(arg), "%u", 64 + 16 * cfg[2]);
		if (decode_opt_buffer(&ao->decode, arg) < 0)
			abort();
	}
	if (cfg[1] & 0x20) {
		ao->notes = 1;
		(void)analysis_opt_z(ao, "rpc,vsock");
		(void)analysis_opt_z(ao, "rpc,vsock,json");
	}
	ao->decode.silent = (cfg[1] & 0x40) != 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct capture cap;
	static struct conn c;
	static int quiet;
	struct analysis_options ao;
	int unsupported;

	if (!quiet) {
		/* The tables go to the standard output. */
		if (freopen("/dev/null", "w", stdout) == NULL)
			abort();
		quiet = 1;
	}
	if (size < 3)
		return 0;
	capture_init(&cap);
	cap.ndo.ndo_printf = checked_printf;
	cap.ndo.ndo_error = fuzz_abort_error;
	cap.ndo.ndo_warning = fuzz_quiet_warning;
	cap.ndo.ndo_nflag = 1;
	cap.ndo.ndo_vflag = (data[1] >> 1) & 3;
	set_options(&ao, data);
	if (capture_set_printer(&cap, DLT_VSOCK, 1) < 0)
		abort();
	cap.an = analysis_begin(&ao, &cap.ndo, DLT_VSOCK, 0, 0, 0, 0,
	    &unsupported);
	if (cap.an == NULL)
		abort();
	memset(&c, 0, sizeof(c));
	c.port = 49152;
	c.type = (data[1] & 1) ? VSOCK_TYPE_SEQPACKET : VSOCK_TYPE_STREAM;
	c.cap = &cap;
	run(&c, data + 3, size - 3, (data[1] & 8) != 0);
	analysis_end(cap.an);
	analysis_options_free(&ao);
	return 0;
}
