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
 * Protocol decoding (decode.h): which decoder follows a conversation,
 * the text a packet's frames give, the calls they make.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "diag.h"
#include "extract.h"
#include "stream.h"
#include "wire.h"

#define DECODE_TEXT_MAX		4096	/* a packet's text, then "..." */

static const struct decoder *const decoders[] = {
	&decoder_ttrpc,
	&decoder_grpc,
	&decoder_http,
	&decoder_qmp,
	&decoder_notify,
	&decoder_ssh,
	&decoder_9p,
	&decoder_tls,
	&decoder_ready, NULL
};

/*
 * The port table: the ports public projects document for a protocol
 * over vsock.  A conversation is decoded by the decoder of either of
 * its ports (--decode-as first).
 */
static const struct {
	uint32_t port;
	const struct decoder *decoder;
} port_table[] = {
	{ 22, &decoder_ssh },		/* sshd over vsock (systemd) */
	{ 564, &decoder_9p },		/* 9P's registered port */
	{ 1024, &decoder_ttrpc },	/* the Kata Containers agent */
	{ 8000, &decoder_tls },		/* Nitro Enclaves' vsock-proxy */
	{ 9000, &decoder_ready },	/* the Nitro Enclaves ready signal */
};

#define NPORTS	(sizeof(port_table) / sizeof(port_table[0]))

#define SET_BIT(map, v)	((map)[(v) / 64] |= UINT64_C(1) << ((v) & 63))

struct decode {
	struct decode_gate gate;	/* the test of every packet */
	const struct decode_options *opt;
	struct rpc	*rpc;
	const struct decoder *cur;	/* of the packet being decoded */
	struct stream	*stream;	/* its stream */
	/* The packet's text: its summary, its details (-v). */
	char		summary[DECODE_TEXT_MAX];
	char		detail[DECODE_TEXT_MAX];
	size_t		slen, dlen;
};

/* A conversation no decoder follows (its user pointer). */
static char not_decoded;

/* --- options ----------------------------------------------------------- */

void
decode_options_init(struct decode_options *o)
{
	memset(o, 0, sizeof(*o));
	o->buffer_max = DECODE_BUFFER_DEFAULT;
}

void
decode_options_free(struct decode_options *o)
{
	free(o->decode_as);
	decode_options_init(o);
}

static const struct decoder *
decoder_named(const char *name)
{
	int i;

	for (i = 0; decoders[i] != NULL; i++)
		if (strcmp(decoders[i]->name, name) == 0)
			return decoders[i];
	return NULL;
}

const char *
decode_names(void)
{
	static char names[256];
	size_t len = 0;
	int i;

	if (names[0] != '\0')
		return names;
	for (i = 0; decoders[i] != NULL; i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len,
		    "%s, ", decoders[i]->name);
	(void)snprintf(names + len, sizeof(names) - len, "none");
	return names;
}

int
decode_opt_as(struct decode_options *o, const char *arg)
{
	const struct decoder *d = NULL;
	const char *eq = strchr(arg, '=');
	unsigned long port;
	char *end;

	if (eq == NULL || eq == arg || *arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	port = strtoul(arg, &end, 10);
	if (errno != 0 || end != eq || port > 0xffffffffUL)
		return -1;
	if (strcmp(eq + 1, "none") != 0 &&
	    (d = decoder_named(eq + 1)) == NULL)
		return -1;
	o->decode_as = xrealloc(o->decode_as,
	    (size_t)(o->ndecode_as + 1) * sizeof(*o->decode_as));
	o->decode_as[o->ndecode_as].port = (uint32_t)port;
	o->decode_as[o->ndecode_as].decoder = d;
	o->ndecode_as++;
	return 0;
}

int
decode_opt_buffer(struct decode_options *o, const char *arg)
{
	unsigned long long v;
	char *end;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < DECODE_BUFFER_MIN ||
	    v > SIZE_MAX / 4)
		return -1;
	o->buffer_max = (size_t)v;
	return 0;
}

/* --- choosing a decoder ------------------------------------------------ */

/*
 * A probe's signature byte in the gate's map for its offset.  Were
 * there more offsets than slots, the last slot would pass every byte:
 * slower, still right.
 */
static void
gate_add_signature(struct decode_gate *g, const struct decoder *d)
{
	int k;

	for (k = 0; k < g->nsig; k++)
		if (g->sig_off[k] == d->sig_off)
			break;
	if (k == g->nsig && g->nsig < DECODE_SIG_SLOTS)
		g->sig_off[g->nsig++] = (uint32_t)d->sig_off;
	if (k == DECODE_SIG_SLOTS) {
		memset(g->sig_map[k - 1], 0xff, sizeof(g->sig_map[k - 1]));
		g->sig_off[k - 1] = 0;
		return;
	}
	SET_BIT(g->sig_map[k], d->sig_byte);
}

struct decode *
decode_new(const struct decode_options *o, int dlt, struct rpc *rpc)
{
	struct decode *dec;
	size_t i;
	int k;

	if (o->off)
		return NULL;
	dec = xrealloc(NULL, sizeof(*dec));
	memset(dec, 0, sizeof(*dec));
	dec->opt = o;
	dec->rpc = rpc;
	dec->gate.base = dlt == DLT_LINUX_SLL ? SLL_HDR_LEN :
	    dlt == DLT_LINUX_SLL2 ? SLL2_HDR_LEN : 0;
	for (i = 0; i < NPORTS; i++)
		SET_BIT(dec->gate.port_bits,
		    port_table[i].port % DECODE_PORT_BITS);
	for (k = 0; k < o->ndecode_as; k++)
		SET_BIT(dec->gate.port_bits,
		    o->decode_as[k].port % DECODE_PORT_BITS);
	for (k = 0; decoders[k] != NULL; k++)
		if (decoders[k]->probe != NULL)
			gate_add_signature(&dec->gate, decoders[k]);
	return dec;
}

void
decode_free(struct decode *dec)
{
	free(dec);
}

/*
 * The decoder of a port: 1 and *d (NULL for "none") if the port is in
 * --decode-as or the table, else 0.
 */
static int
port_decoder(const struct decode *dec, uint32_t port,
    const struct decoder **d)
{
	size_t i;
	int k;

	if (!DECODE_PORT_LISTED(&dec->gate, port))
		return 0;
	for (k = dec->opt->ndecode_as - 1; k >= 0; k--)
		if (dec->opt->decode_as[k].port == port) {
			*d = dec->opt->decode_as[k].decoder;
			return 1;
		}
	for (i = 0; i < NPORTS; i++)
		if (port_table[i].port == port) {
			*d = port_table[i].decoder;
			return 1;
		}
	return 0;
}

/* The decoder whose signature the payload's first bytes have. */
static const struct decoder *
signature(const uint8_t *p, size_t n)
{
	int i;

	for (i = 0; decoders[i] != NULL; i++)
		if (decoders[i]->probe != NULL && n > decoders[i]->sig_off &&
		    p[decoders[i]->sig_off] == decoders[i]->sig_byte &&
		    decoders[i]->probe(p, n) == DECODE_YES)
			return decoders[i];
	return NULL;
}

/*
 * The decoder of a conversation: by its ports (the destination's
 * first: a client's port is ephemeral), or by the signature of its
 * first payload (*by_signature set); NULL for none.
 */
static const struct decoder *
choose(const struct decode *dec, const struct vsock_conv_result *res,
    int *by_signature)
{
	const struct vsock_conv_summary *c = res->conv;
	const struct decoder *d = NULL;

	*by_signature = 0;
	if (port_decoder(dec, c->port[1], &d) ||
	    port_decoder(dec, c->port[0], &d))
		return d;
	if (res->op != VSOCK_OP_RW || res->payload_caplen == 0)
		return NULL;
	*by_signature = 1;
	return signature(res->payload, res->payload_caplen);
}

const struct decode_gate *
decode_gate(const struct decode *dec)
{
	return dec == NULL ? NULL : &dec->gate;
}

/*
 * Past the gate (decode_wants()): p is the vsockmon header, of caplen
 * bytes, on a port of the table or with a signature byte in place.
 */
int
decode_wants_more(struct decode *dec, const uint8_t *p, uint32_t caplen)
{
	const struct decoder *d;
	uint32_t hdr_len, dport, sport;

	dport = EXTRACT_LE_U_4(p + VSOCK_MON_OFF_DST_PORT);
	sport = EXTRACT_LE_U_4(p + VSOCK_MON_OFF_SRC_PORT);
	if (port_decoder(dec, dport, &d) || port_decoder(dec, sport, &d))
		return d != NULL;	/* NULL: --decode-as PORT=none */
	hdr_len = EXTRACT_LE_U_2(p + VSOCK_MON_OFF_THDR_LEN);
	if (hdr_len >= VSOCK_VIRTIO_HDR_LEN &&
	    caplen > VSOCK_MON_HDR_LEN + hdr_len &&
	    EXTRACT_LE_U_2(p + VSOCK_MON_HDR_LEN + VSOCK_VIRTIO_OFF_OP) ==
	    VSOCK_OP_RW &&
	    signature(p + VSOCK_MON_HDR_LEN + hdr_len,
	    caplen - VSOCK_MON_HDR_LEN - hdr_len) != NULL)
		return DECODE_YES;
	return dec->gate.heuristic > 0 ? DECODE_IF_KNOWN : DECODE_NO;
}

/* --- a packet ---------------------------------------------------------- */

/* buf (of DECODE_TEXT_MAX bytes, *len used) cut with "...". */
static void
text_cut(char *buf, size_t *len)
{
	static const char more[] = "...";

	/* The cut text ends before its NUL, the last byte of room. */
	*len = DECODE_TEXT_MAX - sizeof(more) - 1;
	memcpy(buf + *len, more, sizeof(more));
	*len += sizeof(more) - 1;
}

/* Appends s to buf; -1 if it was cut. */
static int
text_put(char *buf, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n >= DECODE_TEXT_MAX - sizeof("...")) {
		text_cut(buf, len);
		return -1;
	}
	memcpy(buf + *len, s, n + 1);
	*len += n;
	return 0;
}

/* Appends fmt's text to buf; -1 if it was cut. */
static int
text_vput(char *buf, size_t *len, const char *fmt, va_list ap)
{
	size_t room = DECODE_TEXT_MAX - sizeof("...") - *len;
	int n;

	n = vsnprintf(buf + *len, room, fmt, ap);
	if (n < 0 || (size_t)n >= room) {
		text_cut(buf, len);
		return -1;
	}
	*len += (size_t)n;
	return 0;
}

/* A full buffer holds "..." at its end: nothing more goes in. */
static int
text_full(size_t len)
{
	return len >= DECODE_TEXT_MAX - sizeof("...");
}

void
decode_summary(struct decode_frame *f, const char *fmt, ...)
{
	struct decode *dec = f->dec;
	va_list ap;

	if (!f->texts || text_full(dec->slen))
		return;
	if (dec->slen == 0) {
		if (text_put(dec->summary, &dec->slen, ": ") < 0 ||
		    text_put(dec->summary, &dec->slen, dec->cur->label) < 0 ||
		    text_put(dec->summary, &dec->slen, ": ") < 0)
			return;
	} else if (text_put(dec->summary, &dec->slen, ", ") < 0)
		return;
	va_start(ap, fmt);
	(void)text_vput(dec->summary, &dec->slen, fmt, ap);
	va_end(ap);
}

void
decode_detail(struct decode_frame *f, const char *fmt, ...)
{
	struct decode *dec = f->dec;
	va_list ap;

	if (f->verbose == 0 || text_full(dec->dlen) ||
	    text_put(dec->detail, &dec->dlen, "\n\t") < 0)
		return;
	va_start(ap, fmt);
	(void)text_vput(dec->detail, &dec->dlen, fmt, ap);
	va_end(ap);
}

void
decode_not_mine(struct decode_frame *f)
{
	struct decode *dec = f->dec;

	if (dec->stream->gave_up)
		return;
	dec->stream->gave_up = 1;
	decode_summary(f, "[not %s: not decoded further]", dec->cur->name);
}

void
decode_request(struct decode_frame *f, uint64_t key, const char *method,
    size_t len)
{
	if (f->dec->rpc != NULL && f->dec->cur->rpc != RPC_NONE)
		rpc_request(f->dec->rpc, f->dec->cur->rpc, f->conv, key,
		    method, len, f->pkt, f->ns);
}

const char *
decode_response(struct decode_frame *f, uint64_t key, int error)
{
	if (f->dec->rpc == NULL || f->dec->cur->rpc == RPC_NONE)
		return NULL;
	return rpc_response(f->dec->rpc, f->dec->cur->rpc, f->conv, key,
	    error, f->pkt, f->ns);
}

/* The stream of the packet's conversation, made at its first packet. */
static struct stream *
stream_of(struct decode *dec, const struct vsock_conv_result *res)
{
	const struct decoder *d;
	struct stream *s;
	int by_signature;

	if (*res->user != NULL)
		return *res->user == &not_decoded ? NULL : *res->user;
	d = choose(dec, res, &by_signature);
	if (d == NULL) {
		/* Undecided until its first payload has been probed. */
		if (res->op == VSOCK_OP_RW && res->payload_caplen > 0)
			*res->user = &not_decoded;
		return NULL;
	}
	/*
	 * In step from the start if the capture saw it begin, or where
	 * the signature is (the first bytes of a direction).
	 */
	s = stream_new(d, res->conv->type == VSOCK_TYPE_SEQPACKET,
	    res->conv->start_seen || by_signature);
	s->by_signature = by_signature;
	if (by_signature)
		dec->gate.heuristic++;
	*res->user = s;
	return s;
}

void
decode_packet(struct decode *dec, const struct vsock_conv_result *res,
    uint32_t pkt, int64_t ns, int verbose)
{
	struct decode_frame f;
	struct stream *s;

	if (dec == NULL)
		return;
	dec->slen = dec->dlen = 0;
	dec->summary[0] = dec->detail[0] = '\0';
	if (res->conv == NULL || res->user == NULL ||
	    (s = stream_of(dec, res)) == NULL || res->op != VSOCK_OP_RW)
		return;
	memset(&f, 0, sizeof(f));
	f.dir = res->side;
	f.texts = !dec->opt->silent;
	f.verbose = f.texts ? verbose : 0;
	f.dec = dec;
	f.conv = res->conv;
	f.pkt = pkt;
	f.ns = ns;
	dec->cur = s->dec;
	dec->stream = s;
	stream_data(s, &f, res->payload, res->payload_caplen,
	    res->payload_len, (res->flags & VSOCK_SEQ_EOM) != 0,
	    dec->opt->buffer_max);
}

void
decode_retired(void *arg, void *user)
{
	struct decode *dec = arg;
	struct stream *s = user;

	if (user == &not_decoded)
		return;
	if (s->by_signature)
		dec->gate.heuristic--;
	stream_free(s);
}

const char *
decode_text(const struct decode *dec)
{
	return dec == NULL ? "" : dec->summary;
}

const char *
decode_details(const struct decode *dec)
{
	return dec == NULL ? "" : dec->detail;
}
