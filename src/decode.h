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

#ifndef VSOCKDUMP_DECODE_H
#define VSOCKDUMP_DECODE_H

/*
 * What is said over a vsock: the protocols that run on it, decoded
 * from the payload of the conversations the tracker follows (conv.h),
 * reassembled per direction (stream.c).  A decoder is chosen for a
 * conversation by its ports (the port table, --decode-as), or by a
 * signature its first payload bytes cannot be mistaken for; its frames
 * give each packet line a summary, and its calls the rpc table.
 */

#include <stddef.h>
#include <stdint.h>

#include "conv.h"
#include "extract.h"
#include "rpc.h"
#include "wire.h"

struct decode;
struct decode_frame;

/* A probe's and a frame_len()'s answers. */
#define DECODE_NO		0
#define DECODE_YES		1
#define DECODE_MORE		(-2)	/* not enough bytes to tell */
#define DECODE_NOT_FRAME	(-1)	/* frame_len(): out of step */

/* A protocol decoder. */
struct decoder {
	const char	*name;		/* as --decode-as and rpc name it */
	const char	*label;		/* as packet lines name it */
	enum rpc_protocol rpc;		/* RPC_NONE if it makes no calls */
	size_t		state_size;	/* of a conversation's state */
	/*
	 * The signature of a conversation's first payload bytes (either
	 * way): DECODE_YES, DECODE_NO or DECODE_MORE; NULL for none.  It
	 * is asked only of payloads whose byte sig_off is sig_byte, a
	 * test every packet can afford.
	 */
	int		(*probe)(const uint8_t *p, size_t n);
	size_t		sig_off;
	uint8_t		sig_byte;
	/*
	 * STREAM: the length of the frame at p, of which n bytes are at
	 * hand, in direction dir (0 the conversation's src side); or
	 * DECODE_MORE, or DECODE_NOT_FRAME if p cannot start a frame.
	 * NULL: a SEQPACKET message, or a whole packet's payload, is a
	 * frame.
	 */
	int64_t		(*frame_len)(void *state, int dir, const uint8_t *p,
			    size_t n);
	/*
	 * Out of step (a gap, a capture begun mid-stream): the offset of
	 * the first place in p where a frame can be recognised, or -1.
	 */
	int64_t		(*resync)(void *state, int dir, const uint8_t *p,
			    size_t n);
	/* A frame: its summary, its calls. */
	void		(*frame)(void *state, struct decode_frame *f);
	/* Frees what the state holds (not the state). */
	void		(*release)(void *state);
};

/* A frame, as a decoder gets it, and what it says of it. */
struct decode_frame {
	int		dir;		/* 0: the src side sent it */
	const uint8_t	*p;		/* its bytes */
	size_t		n;		/* at hand, at most total */
	uint64_t	total;		/* its length on the wire, or: */
#define DECODE_LEN_UNKNOWN	UINT64_MAX	/* no end was found within
						   --decode-buffer bytes */
	int		verbose;	/* -v count */
	/*
	 * 0 when no packet line prints the frame's summary (-q -z, -w):
	 * a decoder need not put together its texts, only its calls.
	 */
	int		texts;
	struct decode	*dec;
	const struct vsock_conv_summary *conv;
	uint32_t	pkt;		/* the packet that completes it */
	int64_t		ns;
};

/*
 * For decoders: the summary of this frame, in the packet line (several
 * frames' summaries are joined by ", ").  Text from the wire goes
 * through text_escape() (text.h) first.
 */
extern void decode_summary(struct decode_frame *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* At -v: a detail, on a line of its own below the packet's. */
extern void decode_detail(struct decode_frame *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * The conversation is not the decoder's protocol (its bytes cannot be
 * one of its frames): it is marked, and not decoded further.
 */
extern void decode_not_mine(struct decode_frame *);
/* Calls: a request and its answer (rpc.h). */
extern void decode_request(struct decode_frame *, uint64_t key,
    const char *method, size_t len);
/* The method of the request answered, or NULL if none was seen. */
extern const char *decode_response(struct decode_frame *, uint64_t key,
    int error);

/* The decoders (dec-*.c). */
extern const struct decoder decoder_ttrpc;
extern const struct decoder decoder_grpc;
extern const struct decoder decoder_http;
extern const struct decoder decoder_qmp;
extern const struct decoder decoder_notify;
extern const struct decoder decoder_ssh;
extern const struct decoder decoder_9p;
extern const struct decoder decoder_tls;
extern const struct decoder decoder_ready;

/* --- for the analysis -------------------------------------------------- */

/* --decode-buffer: bytes kept per direction of a conversation. */
#define DECODE_BUFFER_DEFAULT	(256 * 1024)
#define DECODE_BUFFER_MIN	64

/* The decoding options of the command line. */
struct decode_options {
	int		off;		/* --no-decode */
	int		silent;		/* no packet lines: no summaries */
	size_t		buffer_max;	/* --decode-buffer, per direction */
	int		ndecode_as;
	struct {
		uint32_t port;
		const struct decoder *decoder;	/* NULL: none */
	}		*decode_as;
};

extern void decode_options_init(struct decode_options *);
extern void decode_options_free(struct decode_options *);
/* --decode-as PORT=PROTO; 0, or -1 if it is not one. */
extern int decode_opt_as(struct decode_options *, const char *arg);
extern int decode_opt_buffer(struct decode_options *, const char *arg);
/* The names --decode-as takes, for its message. */
extern const char *decode_names(void);

extern struct decode *decode_new(const struct decode_options *, int dlt,
    struct rpc *);
extern void decode_free(struct decode *);

/*
 * Whether the tracker must see a frame for the decoders: DECODE_NO;
 * DECODE_YES, it may belong to a conversation a decoder follows; or
 * DECODE_IF_KNOWN, if it belongs to a conversation of the tracker (one
 * chosen by its signature may be open).  Only needed where the tracker
 * does not see every frame anyway.  Every packet takes this test, so
 * its common answer is found inline (decode_wants()): on a port the
 * decoders follow (a bitmap of the ports modulo DECODE_PORT_BITS), or
 * data with a signature byte in place (a bitmap of the bytes at each
 * offset the probes test), decode_wants_more() decides.
 */
#define DECODE_IF_KNOWN		2
#define DECODE_PORT_BITS	1024
#define DECODE_SIG_SLOTS	2	/* payload offsets of signature bytes */

struct decode_gate {
	uint64_t	port_bits[DECODE_PORT_BITS / 64];
	uint32_t	base;		/* where the vsockmon header starts */
	unsigned	heuristic;	/* conversations chosen by signature */
	int		nsig;		/* slots in use */
	uint32_t	sig_off[DECODE_SIG_SLOTS];
	uint64_t	sig_map[DECODE_SIG_SLOTS][4];	/* the bytes there */
};

#define DECODE_BIT(map, v) \
	(((map)[(v) / 64] >> ((v) & 63)) & 1)
#define DECODE_PORT_LISTED(g, port) \
	DECODE_BIT((g)->port_bits, (port) % DECODE_PORT_BITS)
/* Payload pl of n bytes: a signature byte in place at slot k? */
#define DECODE_SIG_AT(g, k, pl, n) \
	((n) > (g)->sig_off[k] && DECODE_BIT((g)->sig_map[k], \
	(pl)[(g)->sig_off[k]]))

/* The gate of dec, NULL if dec is. */
extern const struct decode_gate *decode_gate(const struct decode *);
extern int decode_wants_more(struct decode *, const uint8_t *p,
    uint32_t caplen);

static inline int
decode_wants(struct decode *dec, const struct decode_gate *g,
    const uint8_t *p, uint32_t caplen)
{
	const uint8_t *pl;
	uint32_t hdr_len, n;

	if (g == NULL || caplen < g->base + VSOCK_MON_HDR_LEN)
		return DECODE_NO;
	p += g->base;
	caplen -= g->base;
	if (DECODE_PORT_LISTED(g, EXTRACT_LE_U_4(p + VSOCK_MON_OFF_DST_PORT)) ||
	    DECODE_PORT_LISTED(g, EXTRACT_LE_U_4(p + VSOCK_MON_OFF_SRC_PORT)))
		return decode_wants_more(dec, p, caplen);
	/*
	 * Payload bytes: a signature byte in place?  (An unused slot's map
	 * is empty; decode_wants_more() checks the rest: the op, the
	 * header.)
	 */
	hdr_len = EXTRACT_LE_U_2(p + VSOCK_MON_OFF_THDR_LEN);
	if (caplen > VSOCK_MON_HDR_LEN + hdr_len) {
		pl = p + VSOCK_MON_HDR_LEN + hdr_len;
		n = caplen - VSOCK_MON_HDR_LEN - hdr_len;
		if (DECODE_SIG_AT(g, 0, pl, n) || DECODE_SIG_AT(g, 1, pl, n))
			return decode_wants_more(dec, p, caplen);
	}
	return g->heuristic > 0 ? DECODE_IF_KNOWN : DECODE_NO;
}

/*
 * The packet the tracker has just followed (res): reassembled, decoded.
 * The tracker's retired callback must be decode_retired().
 */
extern void decode_packet(struct decode *, const struct vsock_conv_result *,
    uint32_t pkt, int64_t ns, int verbose);
extern void decode_retired(void *decode, void *stream);

/*
 * The text the packet gave: its summary (": LABEL: ...") and, at -v,
 * its details (each line begun by a newline and a tab); "" if none.
 * Valid until the next packet.
 */
extern const char *decode_text(const struct decode *);
extern const char *decode_details(const struct decode *);

#endif /* VSOCKDUMP_DECODE_H */
