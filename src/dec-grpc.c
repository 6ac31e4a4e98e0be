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
 * gRPC over HTTP/2: the frames of RFC 9113 (through http2.c), their
 * header blocks decoded with HPACK (RFC 7541, hpack.c), and the calls
 * gRPC makes of them (PROTOCOL-HTTP2.md of grpc/grpc): a request is a
 * stream's HEADERS with :method POST and the method as :path, then
 * DATA of length-prefixed messages (a compressed flag, a 32-bit
 * length); its response ends with trailers carrying grpc-status and
 * grpc-message (or is Trailers-Only, with :status in the same block).
 *
 * A call is matched by its stream id.  It is made by the frame that
 * ends the request's header block (as tshark counts from the request),
 * answered by the header block that carries grpc-status, an error if
 * that is not 0, or that ends the stream without it (gRPC then makes
 * the status up from :status: an error).  An RST_STREAM is not an
 * answer: the call stays unanswered.
 *
 * Each direction has its HPACK decoder.  Bytes lost (a gap, a frame
 * cut, a header block not continued) may have added entries to its
 * table: those it had become unknown, and fields that refer to them
 * show "?".  An HPACK error leaves the table out of step: that
 * direction's headers are no longer decoded, its frames still are.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "diag.h"
#include "extract.h"
#include "hpack.h"
#include "http2.h"
#include "text.h"

/* A header block continued in CONTINUATION frames: its bytes kept. */
#define GRPC_BLOCK_MAX		65536
/* Streams whose message boundaries are followed, per direction. */
#define GRPC_STREAMS		16
#define GRPC_MSG_HDR		5	/* compressed flag, length */
#define GRPC_PATH_MAX		256	/* of a :path, for the call */
#define GRPC_VALUE_MAX		64	/* of a value, in a summary */
#define GRPC_DETAIL_MAX		256	/* of a value, in a detail */

/* Where a stream's messages begin in its DATA. */
struct grpc_msgs {
	uint32_t	stream;		/* 0: the slot is free */
	uint8_t		hdr[GRPC_MSG_HDR];
	uint8_t		have;		/* bytes of hdr */
	uint64_t	left;		/* of the message after hdr */
};

struct grpc_dir {
	struct hpack	hpack;		/* of the blocks this side sends */
	int		started;	/* a frame seen: no preface now */
	int		hpack_off;	/* an HPACK error: no more headers */
	uint32_t	max_frame;	/* what the peer takes, for resync */
	/* A header block to be continued. */
	int		open;
	uint8_t		open_type;	/* HEADERS or PUSH_PROMISE */
	uint8_t		open_flags;
	uint32_t	open_stream, open_promised;
	int		open_cut;	/* some of it not captured */
	int		open_over;	/* some of it over the bound */
	uint8_t		*block;
	size_t		blen, bcap;
	struct grpc_msgs msgs[GRPC_STREAMS];
	unsigned	msgs_next;	/* the slot to take when none is free */
};

struct grpc_state {
	int		ready;
	struct grpc_dir	dir[2];
};

/* What a header block says, gathered field by field. */
struct grpc_headers {
	struct decode_frame *f;
	char		method[24];	/* escaped */
	uint8_t		path[GRPC_PATH_MAX];
	size_t		plen;
	char		status[16];	/* escaped */
	char		grpc_status[16];
	char		message[GRPC_VALUE_MAX];
	int		has_method, has_path, path_known, has_status;
	int		has_grpc_status;
};

static const char *const grpc_status_names[] = {
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
	"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
	"RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
	"OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE",
	"DATA_LOSS", "UNAUTHENTICATED"
};

#define STR_(x)		#x
#define STR(x)		STR_(x)
#define PLURAL(n)	((n) == 1 ? "" : "s")

#define GRPC_STATUSES	(sizeof(grpc_status_names) / \
			    sizeof(grpc_status_names[0]))

static void
grpc_ready(struct grpc_state *st)
{
	int i;

	if (st->ready)
		return;
	for (i = 0; i < 2; i++) {
		hpack_init(&st->dir[i].hpack);
		st->dir[i].max_frame = HTTP2_MAX_FRAME_DEFAULT;
	}
	st->ready = 1;
}

static void
grpc_release(void *state)
{
	struct grpc_state *st = state;
	int i;

	if (!st->ready)
		return;
	for (i = 0; i < 2; i++) {
		hpack_free(&st->dir[i].hpack);
		free(st->dir[i].block);
	}
}

/* Whether the n bytes at p begin with the whole preface. */
static int
is_preface(const uint8_t *p, size_t n)
{
	return n >= HTTP2_PREFACE_LEN &&
	    memcmp(p, HTTP2_PREFACE, HTTP2_PREFACE_LEN) == 0;
}

static int
grpc_probe(const uint8_t *p, size_t n)
{
	if (memcmp(p, HTTP2_PREFACE, n < HTTP2_PREFACE_LEN ? n :
	    HTTP2_PREFACE_LEN) != 0)
		return DECODE_NO;
	return n < HTTP2_PREFACE_LEN ? DECODE_MORE : DECODE_YES;
}

/* The preface is a frame of its own, at the start of a direction. */
static int64_t
grpc_frame_len(void *state, int dir, const uint8_t *p, size_t n)
{
	struct grpc_state *st = state;

	grpc_ready(st);
	if (!st->dir[dir].started && n > 0 && p[0] == HTTP2_PREFACE[0] &&
	    memcmp(p, HTTP2_PREFACE, n < HTTP2_PREFACE_LEN ? n :
	    HTTP2_PREFACE_LEN) == 0)
		return n < HTTP2_PREFACE_LEN ? DECODE_MORE : HTTP2_PREFACE_LEN;
	if (n < HTTP2_HDR_LEN)
		return DECODE_MORE;
	return HTTP2_HDR_LEN + (int64_t)EXTRACT_BE_U_3(p);
}

/* --- message boundaries in DATA ---------------------------------------- */

static struct grpc_msgs *
msgs_find(struct grpc_dir *d, uint32_t stream)
{
	unsigned i;

	for (i = 0; i < GRPC_STREAMS; i++)
		if (d->msgs[i].stream == stream && stream != 0)
			return &d->msgs[i];
	return NULL;
}

/* A stream's DATA begins with a message (its HEADERS were seen). */
static void
msgs_begin(struct grpc_dir *d, uint32_t stream)
{
	struct grpc_msgs *m = msgs_find(d, stream);
	unsigned i;

	for (i = 0; m == NULL && i < GRPC_STREAMS; i++)
		if (d->msgs[i].stream == 0)
			m = &d->msgs[i];
	if (m == NULL) {
		m = &d->msgs[d->msgs_next];
		d->msgs_next = (d->msgs_next + 1) % GRPC_STREAMS;
	}
	memset(m, 0, sizeof(*m));
	m->stream = stream;
}

static void
msgs_end(struct grpc_dir *d, uint32_t stream)
{
	struct grpc_msgs *m = msgs_find(d, stream);

	if (m != NULL)
		m->stream = 0;
}

/*
 * Bytes lost (a gap, a block cut): the table's entries so far become
 * unknown, a block being continued is dropped, and no stream's message
 * boundaries are known.
 */
static void
grpc_lost(struct grpc_dir *d)
{
	if (!d->hpack_off)
		hpack_lost(&d->hpack);
	d->open = 0;
	memset(d->msgs, 0, sizeof(d->msgs));
}

/*
 * The messages that begin in a DATA frame's data (c): a detail each,
 * and a note for the summary: the first one's length, or their count.
 */
static void
messages(struct grpc_dir *d, struct decode_frame *f, uint32_t stream,
    const struct http2_content *c, char *note, size_t size)
{
	struct grpc_msgs *m = msgs_find(d, stream);
	uint32_t first = 0, len;
	unsigned starts = 0;
	uint8_t flag = 0;
	size_t off = 0, k;

	note[0] = '\0';
	if (m == NULL)
		return;
	while (off < c->n) {
		if (m->left > 0) {
			k = m->left < c->n - off ? (size_t)m->left :
			    c->n - off;
			off += k;
			m->left -= k;
			continue;
		}
		k = (size_t)(GRPC_MSG_HDR - m->have);
		if (k > c->n - off)
			k = c->n - off;
		memcpy(m->hdr + m->have, c->p + off, k);
		m->have += (uint8_t)k;
		off += k;
		if (m->have < GRPC_MSG_HDR)
			break;
		m->have = 0;
		len = EXTRACT_BE_U_4(m->hdr + 1);
		m->left = len;
		decode_detail(f, "  message: %u byte%s%s", len, PLURAL(len),
		    m->hdr[0] == 0 ? "" : m->hdr[0] == 1 ? ", compressed" :
		    ", bad compressed flag");
		if (starts++ == 0) {
			first = len;
			flag = m->hdr[0];
		}
	}
	/* Data not at hand: followed only if it falls in a message. */
	if (c->n < c->len) {
		if (m->have == 0 && m->left >= c->len - c->n)
			m->left -= c->len - c->n;
		else
			m->stream = 0;
	}
	if (starts == 1)
		(void)snprintf(note, size, " (%smessage %u byte%s%s)",
		    flag == 1 ? "compressed " : "", first, PLURAL(first),
		    flag > 1 ? ", bad compressed flag" : "");
	else if (starts > 1)
		(void)snprintf(note, size, " (%u messages)", starts);
}

/* --- header blocks ------------------------------------------------------ */

static int
name_is(const struct hpack_field *h, const char *name)
{
	return h->name != NULL && h->nlen == strlen(name) &&
	    memcmp(h->name, name, h->nlen) == 0;
}

/* Escaped, or "?" for a value lost in a gap. */
static void
value_text(char *buf, size_t size, const struct hpack_field *h)
{
	if (h->value == NULL)
		(void)snprintf(buf, size, "?");
	else
		(void)text_escape(buf, size, h->value, h->vlen);
}

static void
grpc_field(void *arg, const struct hpack_field *h)
{
	struct grpc_headers *hd = arg;
	char name[GRPC_DETAIL_MAX], value[GRPC_DETAIL_MAX];

	if (hd->f->verbose > 0) {
		if (h->name == NULL)
			(void)snprintf(name, sizeof(name), "?");
		else
			(void)text_escape(name, sizeof(name), h->name,
			    h->nlen);
		value_text(value, sizeof(value), h);
		decode_detail(hd->f, "  %s: %s", name, value);
	}
	if (name_is(h, ":method")) {
		hd->has_method = 1;
		value_text(hd->method, sizeof(hd->method), h);
	} else if (name_is(h, ":path")) {
		hd->has_path = 1;
		hd->path_known = h->value != NULL;
		hd->plen = h->vlen < sizeof(hd->path) ? h->vlen :
		    sizeof(hd->path);
		if (h->value != NULL)
			memcpy(hd->path, h->value, hd->plen);
	} else if (name_is(h, ":status")) {
		hd->has_status = 1;
		value_text(hd->status, sizeof(hd->status), h);
	} else if (name_is(h, "grpc-status")) {
		hd->has_grpc_status = 1;
		value_text(hd->grpc_status, sizeof(hd->grpc_status), h);
	} else if (name_is(h, "grpc-message")) {
		value_text(hd->message, sizeof(hd->message), h);
	}
}

/* grpc-status: its code, or -1 if it is not a number. */
static long
grpc_status_code(const char *s)
{
	long v = 0;
	int i;

	for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 9; i++)
		v = v * 10 + (s[i] - '0');
	return i > 0 && s[i] == '\0' ? v : -1;
}

/*
 * The gRPC part of a block's summary: grpc-status, its name, and
 * grpc-message unless empty.
 */
static void
grpc_status_text(char *buf, size_t size, const struct grpc_headers *hd)
{
	long code = grpc_status_code(hd->grpc_status);
	int known = code >= 0 && (size_t)code < GRPC_STATUSES;

	(void)snprintf(buf, size, " grpc-status %s%s%s%s%s%s",
	    hd->grpc_status, known ? " " : "",
	    known ? grpc_status_names[code] : "",
	    hd->message[0] != '\0' ? " \"" : "", hd->message,
	    hd->message[0] != '\0' ? "\"" : "");
}

/*
 * The calls of a block: a request (it has :path), or the answer of one
 * (grpc-status, or the end of the stream without it).  Returns the
 * method answered, or NULL.
 */
static const char *
block_calls(struct decode_frame *f, uint32_t stream,
    const struct grpc_headers *hd, int end_stream)
{
	if (hd->has_path || hd->has_method) {
		if (hd->path_known)
			decode_request(f, stream, (const char *)hd->path,
			    hd->plen);
		return NULL;
	}
	if (hd->has_grpc_status)
		return decode_response(f, stream,
		    grpc_status_code(hd->grpc_status) != 0);
	if (end_stream && hd->has_status)
		return decode_response(f, stream, 1);
	return NULL;
}

/* A summary put together, cut at its size. */
struct text {
	char	buf[512];
	size_t	len;
};

static void
put(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (n > sizeof(t->buf) - 1 - t->len)
		n = sizeof(t->buf) - 1 - t->len;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

/*
 * A header block of stream, or its first n bytes (cut says why, NULL
 * if it is whole): the frame's summary, begun by head, says what it
 * holds; its call.
 */
static void
header_block(struct grpc_dir *d, struct decode_frame *f, const char *head,
    uint32_t stream, const uint8_t *p, size_t n, const char *cut,
    int end_stream, int push)
{
	struct grpc_headers hd;
	struct text t = { "", 0 };
	char path[160] = "?", status[128] = "";
	const char *answered = NULL, *mark = "", *why = "";
	int r, req;

	if (d->hpack_off) {
		decode_summary(f, "%s [headers not decoded]", head);
		return;
	}
	memset(&hd, 0, sizeof(hd));
	hd.f = f;
	r = hpack_decode(&d->hpack, p, n, grpc_field, &hd);
	if (cut != NULL) {
		/* What the rest added to the table is not known. */
		mark = " [";
		why = cut;
		hpack_lost(&d->hpack);
	} else if (r < 0) {
		mark = " [HPACK: ";
		why = d->hpack.error;
		d->hpack_off = 1;
	}
	req = hd.has_method || hd.has_path;
	if (hd.path_known)
		(void)text_escape(path, sizeof(path), hd.path, hd.plen);
	if (hd.has_grpc_status)
		grpc_status_text(status, sizeof(status), &hd);
	if (!push)
		answered = block_calls(f, stream, &hd, end_stream);
	/* Put together here: a format of many parts costs more. */
	put(&t, head);
	if (req) {
		put(&t, " ");
		put(&t, hd.has_method ? hd.method : "?");
		put(&t, " ");
		put(&t, path);
	}
	if (hd.has_status) {
		put(&t, " :status ");
		put(&t, hd.status);
	}
	put(&t, status);
	if (answered != NULL) {
		put(&t, " (");
		put(&t, answered);
		put(&t, ")");
	}
	if (*mark != '\0') {
		put(&t, mark);
		put(&t, why);
		put(&t, "]");
	}
	decode_summary(f, "%s", t.buf);
}

/* A block begun, to be continued: its fragment kept, up to the bound. */
static void
block_keep(struct grpc_dir *d, const uint8_t *p, size_t n, int cut)
{
	size_t room = GRPC_BLOCK_MAX - d->blen;

	if (n > room) {
		n = room;
		d->open_over = 1;
	}
	if (d->blen + n > d->bcap) {
		d->bcap = d->bcap == 0 ? 4096 : d->bcap;
		while (d->bcap < d->blen + n)
			d->bcap *= 2;
		d->block = xrealloc(d->block, d->bcap);
	}
	if (n > 0)
		memcpy(d->block + d->blen, p, n);
	d->blen += n;
	d->open_cut |= cut;
}

/* A frame came where a CONTINUATION was due: the block is lost. */
static void
not_continued(struct grpc_dir *d, struct decode_frame *f)
{
	decode_summary(f, "[header block of stream %u not continued]",
	    d->open_stream);
	d->open = 0;
	if (!d->hpack_off)
		hpack_lost(&d->hpack);
}

/* HEADERS and PUSH_PROMISE. */
static void
headers_frame(struct grpc_dir *d, struct decode_frame *f,
    const struct http2_hdr *h)
{
	struct http2_content c;
	char head[64];
	int push = h->type == HTTP2_PUSH_PROMISE;

	if (http2_content(h, f->p + HTTP2_HDR_LEN, f->n - HTTP2_HDR_LEN,
	    &c) < 0) {
		decode_summary(f, "%s stream %u [%s]", http2_type_name(h->type),
		    h->stream, f->n < f->total ? "truncated" :
		    "padding beyond the frame");
		grpc_lost(d);
		return;
	}
	if (c.priority)
		decode_detail(f, "  depends on %u%s, weight %u", c.depends,
		    c.exclusive ? " (exclusive)" : "", c.weight);
	if (push)
		(void)snprintf(head, sizeof(head), "PUSH_PROMISE stream %u "
		    "promised %u", h->stream, c.promised);
	else
		(void)snprintf(head, sizeof(head), "HEADERS stream %u",
		    h->stream);
	if (h->flags & HTTP2_END_STREAM)
		msgs_end(d, h->stream);
	else if (!push)
		msgs_begin(d, h->stream);
	if ((h->flags & HTTP2_END_HEADERS) == 0) {
		d->open = 1;
		d->open_type = h->type;
		d->open_flags = h->flags;
		d->open_stream = h->stream;
		d->open_promised = c.promised;
		d->open_cut = d->open_over = 0;
		d->blen = 0;
		block_keep(d, c.p, c.n, c.n < c.len);
		decode_summary(f, "%s (block continues)", head);
		return;
	}
	header_block(d, f, head, h->stream, c.p, c.n,
	    c.n == c.len ? NULL : "truncated", h->flags & HTTP2_END_STREAM,
	    push);
}

static void
continuation_frame(struct grpc_dir *d, struct decode_frame *f,
    const struct http2_hdr *h)
{
	size_t n = f->n - HTTP2_HDR_LEN;
	char head[64];

	(void)snprintf(head, sizeof(head), "CONTINUATION stream %u",
	    h->stream);
	if (!d->open || d->open_stream != h->stream) {
		/* Its block began before a gap, or never. */
		decode_summary(f, "%s [no header block to continue]", head);
		grpc_lost(d);
		return;
	}
	block_keep(d, f->p + HTTP2_HDR_LEN, n, n < h->len);
	if ((h->flags & HTTP2_END_HEADERS) == 0) {
		decode_summary(f, "%s (block continues)", head);
		return;
	}
	d->open = 0;
	if (d->open_type == HTTP2_PUSH_PROMISE)
		(void)snprintf(head, sizeof(head), "CONTINUATION stream %u "
		    "promised %u", h->stream, d->open_promised);
	header_block(d, f, head, h->stream, d->block, d->blen,
	    d->open_over ? "header block over " STR(GRPC_BLOCK_MAX) " bytes" :
	    d->open_cut ? "truncated" : NULL, d->open_flags & HTTP2_END_STREAM,
	    d->open_type == HTTP2_PUSH_PROMISE);
}

/* --- other frames ------------------------------------------------------- */

static void
data_frame(struct grpc_dir *d, struct decode_frame *f,
    const struct http2_hdr *h)
{
	struct http2_content c;
	char note[64];

	if (http2_content(h, f->p + HTTP2_HDR_LEN, f->n - HTTP2_HDR_LEN,
	    &c) < 0) {
		decode_summary(f, "DATA stream %u [%s]", h->stream,
		    f->n < f->total ? "truncated" : "padding beyond the frame");
		msgs_end(d, h->stream);
		return;
	}
	messages(d, f, h->stream, &c, note, sizeof(note));
	decode_summary(f, "DATA stream %u %u byte%s%s", h->stream, c.len,
	    PLURAL(c.len), note);
	if (h->flags & HTTP2_END_STREAM)
		msgs_end(d, h->stream);
}

/*
 * SETTINGS (6.5): those that bound what the peer sends are kept for
 * the peer's direction.
 */
static void
settings_frame(struct grpc_state *st, struct decode_frame *f,
    const struct http2_hdr *h)
{
	struct grpc_dir *peer = &st->dir[!f->dir];
	const uint8_t *p = f->p + HTTP2_HDR_LEN;
	size_t n = f->n - HTTP2_HDR_LEN, i;
	const char *name;
	uint32_t v;
	uint16_t id;

	for (i = 0; i + 6 <= n && i + 6 <= h->len; i += 6) {
		id = EXTRACT_BE_U_2(p + i);
		v = EXTRACT_BE_U_4(p + i + 2);
		if ((name = http2_setting_name(id)) != NULL)
			decode_detail(f, "  %s %u", name, v);
		else
			decode_detail(f, "  setting 0x%04x %u", id, v);
		if (id == HTTP2_SETTINGS_HEADER_TABLE_SIZE)
			hpack_set_limit(&peer->hpack, v);
		else if (id == HTTP2_SETTINGS_MAX_FRAME_SIZE && v > 0 &&
		    v < (1U << 24))
			peer->max_frame = v;
	}
	decode_summary(f, "SETTINGS%s%s", h->flags & HTTP2_ACK ? " ack" : "",
	    h->len % 6 != 0 ? " [length not a multiple of 6]" :
	    n < h->len ? " [truncated]" : "");
}

static void
ping_frame(struct decode_frame *f, const struct http2_hdr *h)
{
	const uint8_t *p = f->p + HTTP2_HDR_LEN;

	if (h->len == 8 && f->n - HTTP2_HDR_LEN >= 8)
		decode_detail(f, "  opaque data 0x%08x%08x",
		    EXTRACT_BE_U_4(p), EXTRACT_BE_U_4(p + 4));
	decode_summary(f, "PING%s%s", h->flags & HTTP2_ACK ? " ack" : "",
	    h->len != 8 ? " [length not 8]" :
	    f->n < f->total ? " [truncated]" : "");
}

/* An error code, by name. */
static const char *
error_text(char *buf, size_t size, uint32_t code)
{
	const char *name = http2_error_name(code);

	if (name != NULL)
		return name;
	(void)snprintf(buf, size, "error 0x%x", code);
	return buf;
}

static void
goaway_frame(struct decode_frame *f, const struct http2_hdr *h)
{
	const uint8_t *p = f->p + HTTP2_HDR_LEN;
	size_t n = f->n - HTTP2_HDR_LEN;
	char buf[32], debug[GRPC_DETAIL_MAX];

	if (h->len < 8 || n < 8) {
		decode_summary(f, "GOAWAY [%s]", h->len < 8 ?
		    "length under 8" : "truncated");
		return;
	}
	if (n > 8) {
		(void)text_escape(debug, sizeof(debug), p + 8, n - 8);
		decode_detail(f, "  debug data \"%s\"", debug);
	}
	decode_summary(f, "GOAWAY last stream %u %s",
	    EXTRACT_BE_U_4(p) & 0x7fffffff,
	    error_text(buf, sizeof(buf), EXTRACT_BE_U_4(p + 4)));
}

/* RST_STREAM: the stream ends, unanswered if it was a call. */
static void
rst_frame(struct grpc_state *st, struct decode_frame *f,
    const struct http2_hdr *h)
{
	char buf[32];

	msgs_end(&st->dir[0], h->stream);
	msgs_end(&st->dir[1], h->stream);
	if (h->len != 4 || f->n - HTTP2_HDR_LEN < 4) {
		decode_summary(f, "RST_STREAM stream %u [%s]", h->stream,
		    h->len != 4 ? "length not 4" : "truncated");
		return;
	}
	decode_summary(f, "RST_STREAM stream %u %s", h->stream,
	    error_text(buf, sizeof(buf),
	    EXTRACT_BE_U_4(f->p + HTTP2_HDR_LEN)));
}

static void
window_frame(struct decode_frame *f, const struct http2_hdr *h)
{
	if (h->len != 4 || f->n - HTTP2_HDR_LEN < 4) {
		decode_summary(f, "WINDOW_UPDATE stream %u [%s]", h->stream,
		    h->len != 4 ? "length not 4" : "truncated");
		return;
	}
	decode_summary(f, "WINDOW_UPDATE stream %u increment %u", h->stream,
	    EXTRACT_BE_U_4(f->p + HTTP2_HDR_LEN) & 0x7fffffff);
}

static void
priority_frame(struct decode_frame *f, const struct http2_hdr *h)
{
	const uint8_t *p = f->p + HTTP2_HDR_LEN;

	if (h->len != 5 || f->n - HTTP2_HDR_LEN < 5) {
		decode_summary(f, "PRIORITY stream %u [%s]", h->stream,
		    h->len != 5 ? "length not 5" : "truncated");
		return;
	}
	decode_detail(f, "  depends on %u%s, weight %u",
	    EXTRACT_BE_U_4(p) & 0x7fffffff, p[0] & 0x80 ? " (exclusive)" : "",
	    p[4] + 1U);
	decode_summary(f, "PRIORITY stream %u", h->stream);
}

/* --- the decoder -------------------------------------------------------- */

static void
frame_detail(struct decode_frame *f, const struct http2_hdr *h)
{
	const char *name = http2_type_name(h->type);
	char flags[96], type[16];

	if (f->verbose == 0)
		return;
	http2_flags_text(flags, sizeof(flags), h->type, h->flags);
	if (name == NULL) {
		(void)snprintf(type, sizeof(type), "type 0x%02x", h->type);
		name = type;
	}
	decode_detail(f, "%s (length %u, flags [%s], stream %u)", name, h->len,
	    flags, h->stream);
}

/* A frame by its type. */
static void
dispatch(struct grpc_state *st, struct grpc_dir *d, struct decode_frame *f,
    const struct http2_hdr *h)
{
	switch (h->type) {
	case HTTP2_DATA:
		data_frame(d, f, h);
		break;
	case HTTP2_HEADERS:
	case HTTP2_PUSH_PROMISE:
		headers_frame(d, f, h);
		break;
	case HTTP2_CONTINUATION:
		continuation_frame(d, f, h);
		break;
	case HTTP2_SETTINGS:
		settings_frame(st, f, h);
		break;
	case HTTP2_PING:
		ping_frame(f, h);
		break;
	case HTTP2_GOAWAY:
		goaway_frame(f, h);
		break;
	case HTTP2_RST_STREAM:
		rst_frame(st, f, h);
		break;
	case HTTP2_WINDOW_UPDATE:
		window_frame(f, h);
		break;
	case HTTP2_PRIORITY:
		priority_frame(f, h);
		break;
	default:
		/* Extensions' frames are passed over (RFC 9113 5.5). */
		decode_summary(f, "frame type 0x%02x stream %u", h->type,
		    h->stream);
		break;
	}
}

static void
grpc_frame(void *state, struct decode_frame *f)
{
	struct grpc_state *st = state;
	struct grpc_dir *d;
	struct http2_hdr h;

	if (f->conv->type != VSOCK_TYPE_STREAM) {
		/* HTTP/2 runs over byte streams: a SEQPACKET is another's. */
		decode_not_mine(f);
		return;
	}
	grpc_ready(st);
	d = &st->dir[f->dir];
	if (!d->started && f->total == HTTP2_PREFACE_LEN &&
	    is_preface(f->p, f->n)) {
		d->started = 1;
		decode_summary(f, "connection preface");
		return;
	}
	d->started = 1;
	if (f->n < HTTP2_HDR_LEN) {
		decode_summary(f, "[frame header truncated]");
		grpc_lost(d);
		return;
	}
	http2_hdr(f->p, &h);
	frame_detail(f, &h);
	if (d->open && h.type != HTTP2_CONTINUATION)
		not_continued(d, f);
	dispatch(st, d, f, &h);
}

/*
 * Out of step: the next preface, or frame header that is plausible and
 * is followed by another (or by the end of what is at hand).
 */
static int64_t
grpc_resync(void *state, int dir, const uint8_t *p, size_t n)
{
	struct grpc_state *st = state;
	struct grpc_dir *d;
	uint64_t next;
	size_t i;

	grpc_ready(st);
	d = &st->dir[dir];
	grpc_lost(d);
	for (i = 0; i < n; i++) {
		if (is_preface(p + i, n - i)) {
			d->started = 0;
			return (int64_t)i;
		}
		if (n - i < HTTP2_HDR_LEN)
			break;
		if (!http2_plausible(p + i, d->max_frame))
			continue;
		next = i + HTTP2_HDR_LEN + (uint64_t)EXTRACT_BE_U_3(p + i);
		if (next + HTTP2_HDR_LEN <= n &&
		    !http2_plausible(p + next, d->max_frame))
			continue;
		d->started = 1;
		return (int64_t)i;
	}
	return -1;
}

const struct decoder decoder_grpc = {
	.name = "grpc",
	.label = "GRPC",
	.rpc = RPC_GRPC,
	.state_size = sizeof(struct grpc_state),
	.probe = grpc_probe,
	.sig_off = 0,
	.sig_byte = 'P',		/* of the preface, "PRI * HTTP/2.0" */
	.frame_len = grpc_frame_len,
	.resync = grpc_resync,
	.frame = grpc_frame,
	.release = grpc_release
};
