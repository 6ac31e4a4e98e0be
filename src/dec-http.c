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
 * HTTP/1.x (RFC 9112, with RFC 9110 for the semantics): request and
 * status lines, header fields, and the framing of message bodies
 * (RFC 9112 6.3): Content-Length, the chunked coding (7.1) with its
 * trailer section, a response with neither read until the connection
 * closes, no body for HEAD, 1xx, 204 and 304, and a tunnel after 101
 * (Switching Protocols) or a 2xx to CONNECT.  Bodies are framed in
 * pieces so that a long one costs bounded memory, and pipelined
 * requests each get their line.
 *
 * Calls: responses answer requests in order (RFC 9112 9.3.2), so a
 * request's key is its rank on the connection.  A request is made by
 * the frame that ends its head (the server may act on it from there,
 * as a gRPC call is counted from its request's header block), and
 * answered by the frame that ends its final response, body included
 * (interim 1xx responses do not answer; one read until the close is
 * counted at its head); an error is a status of 500 or more.  A response seen before
 * any request (a capture begun mid-exchange) answers none.  Bytes lost
 * in a gap leave the requests waiting when the direction is in step
 * again unanswered, so that later responses are not matched to the
 * wrong ones (requests lost while earlier ones wait are beyond what
 * the order can tell).
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "text.h"

#define HTTP_HEAD_MAX	65536	/* a start line and its header fields */
#define HTTP_LINE_MAX	8192	/* a start line, a chunk-size line */
#define HTTP_PIECE	65536	/* of a body, framed at a time */
#define HTTP_TEXT_MAX	256	/* a line, escaped, in a summary or detail */
#define HTTP_KINDS	64	/* requests waiting whose kind is kept */
#define HTTP_CHUNK_DIGITS 15	/* of a chunk size: under 2^60 */

#define STR_(x)		#x
#define STR(x)		STR_(x)
#define PLURAL(n)	((n) == 1 ? "" : "s")

/* Where a direction is in its messages. */
enum http_phase {
	PHASE_HEAD,		/* at a start line */
	PHASE_BODY,		/* in a body of a known length */
	PHASE_CHUNK_LINE,	/* at a chunk-size line */
	PHASE_CHUNK_DATA,	/* in a chunk */
	PHASE_TRAILERS,		/* after the last chunk */
	PHASE_CLOSE,		/* a body that ends with the connection */
	PHASE_TUNNEL,		/* no longer HTTP */
	PHASE_LOST		/* out of step until a start line */
};

/* What a request is, for the framing of its response. */
#define KIND_HEAD	0x1
#define KIND_CONNECT	0x2

struct http_dir {
	enum http_phase	phase;
	int		seen;		/* a frame of it was decoded */
	uint64_t	left;		/* of the body or chunk */
	uint64_t	body;		/* bytes of the body so far */
	unsigned	chunks;
	int		need_crlf;	/* the CRLF that ends a chunk's data */
	/* The search for an empty line or an LF, carried over. */
	size_t		scanned, line_start, first_line;
	/* The call a response's end answers. */
	int		answers;
	uint64_t	rank;
	int		error;
};

struct http_state {
	struct http_dir	dir[2];
	uint64_t	requests, responses;	/* ranks given */
	uint8_t		kinds[HTTP_KINDS];	/* KIND_ by rank */
};

/* --- lines ------------------------------------------------------------- */

static void
scan_reset(struct http_dir *d)
{
	d->scanned = d->line_start = d->first_line = 0;
}

/*
 * The end (past its LF) of the first empty line in p, searched up to
 * limit, or 0 if there is none yet; first_line is set to the end of
 * the first line.  A search goes on where the last one stopped.
 */
static size_t
empty_line_end(struct http_dir *d, const uint8_t *p, size_t limit)
{
	const uint8_t *q;
	size_t i;

	while (d->scanned < limit) {
		q = memchr(p + d->scanned, '\n', limit - d->scanned);
		if (q == NULL) {
			d->scanned = limit;
			break;
		}
		i = (size_t)(q - p);
		if (i == d->line_start ||
		    (i == d->line_start + 1 && p[d->line_start] == '\r'))
			return i + 1;
		if (d->first_line == 0)
			d->first_line = i + 1;
		d->line_start = d->scanned = i + 1;
	}
	return 0;
}

/* RFC 9110 5.6.2: a token's characters. */
static int
is_tchar(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* A line's length without its CRLF (or LF). */
static size_t
line_len(const uint8_t *p, size_t n)
{
	if (n > 0 && p[n - 1] == '\n')
		n--;
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return n;
}

/* "HTTP/" DIGIT "." DIGIT at p (n bytes at hand). */
static int
is_version(const uint8_t *p, size_t n)
{
	return n >= 8 && memcmp(p, "HTTP/", 5) == 0 && is_digit(p[5]) &&
	    p[6] == '.' && is_digit(p[7]);
}

/* A start line (RFC 9112 3, 4), without its CRLF. */
struct start_line {
	int		request;
	const uint8_t	*method, *target;
	size_t		mlen, tlen;
	int		status;
};

static int
parse_start(const uint8_t *p, size_t n, struct start_line *s)
{
	size_t i = 0, t;

	memset(s, 0, sizeof(*s));
	if (is_version(p, n) && n >= 12 && p[8] == ' ' && is_digit(p[9]) &&
	    is_digit(p[10]) && is_digit(p[11]) && (n == 12 || p[12] == ' ')) {
		s->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 +
		    (p[11] - '0');
		return 1;
	}
	while (i < n && is_tchar(p[i]))
		i++;
	if (i == 0 || i >= n || p[i] != ' ')
		return 0;
	s->request = 1;
	s->method = p;
	s->mlen = i;
	t = ++i;
	while (i < n && p[i] != ' ' && p[i] != '\r')
		i++;
	if (i == t || i >= n || p[i] != ' ' || n - i - 1 != 8 ||
	    !is_version(p + i + 1, 8))
		return 0;
	s->target = p + t;
	s->tlen = i - t;
	return 1;
}

/* A chunk-size line (RFC 9112 7.1) without its CRLF: 0, or -1. */
static int
chunk_size(const uint8_t *p, size_t n, uint64_t *size)
{
	size_t i;
	int v;

	*size = 0;
	for (i = 0; i < n && i <= HTTP_CHUNK_DIGITS; i++) {
		if (is_digit(p[i]))
			v = p[i] - '0';
		else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')
			v = (p[i] | 0x20) - 'a' + 10;
		else
			break;
		*size = *size << 4 | (uint64_t)v;
	}
	if (i == 0 || i > HTTP_CHUNK_DIGITS)
		return -1;
	/* Then nothing, or whitespace and a chunk extension. */
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i == n || p[i] == ';' ? 0 : -1;
}

/*
 * The start of a message, out of step: a status line, or the request
 * line of a method RFC 9110 defines.  At the start of a line its first
 * bytes are enough; elsewhere (after the remains of a message cut
 * short) the line must be whole and well formed, unless what is at
 * hand ends first.
 */
static int
starts_message(const uint8_t *p, size_t n, int line_start)
{
	static const char *const methods[] = {
		"GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "CONNECT ",
		"OPTIONS ", "TRACE ", "PATCH ", "HTTP/1."
	};
	struct start_line s;
	const uint8_t *eol;
	size_t i, len;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		len = strlen(methods[i]);
		if (n < len || memcmp(p, methods[i], len) != 0)
			continue;
		if (line_start || (eol = memchr(p, '\n', n)) == NULL)
			return 1;
		return parse_start(p, line_len(p, (size_t)(eol - p) + 1), &s);
	}
	return 0;
}

/* --- framing ----------------------------------------------------------- */

static int64_t
not_frame(struct http_dir *d)
{
	scan_reset(d);
	return DECODE_NOT_FRAME;
}

/*
 * A message's head: its start line and header fields, up to the empty
 * line (or an empty line alone, which may come before a request).
 */
static int64_t
head_len(struct http_dir *d, const uint8_t *p, size_t n)
{
	size_t limit = n < HTTP_HEAD_MAX ? n : HTTP_HEAD_MAX, end, known;
	struct start_line s;

	if (!is_tchar(p[0]) && p[0] != '\r' && p[0] != '\n')
		return not_frame(d);
	known = d->first_line;
	end = empty_line_end(d, p, limit);
	/* The start line, checked once it is whole. */
	if (known == 0 && d->first_line > 0 &&
	    !parse_start(p, line_len(p, d->first_line), &s))
		return not_frame(d);
	if (end > 0) {
		scan_reset(d);
		return (int64_t)end;
	}
	if (d->first_line == 0 && d->scanned >= HTTP_LINE_MAX)
		return not_frame(d);
	if (n >= HTTP_HEAD_MAX) {
		scan_reset(d);
		return HTTP_HEAD_MAX;	/* the frame says it is too long */
	}
	return DECODE_MORE;
}

/* A chunk-size line, after the CRLF that ends the chunk before. */
static int64_t
chunk_line_len(struct http_dir *d, const uint8_t *p, size_t n)
{
	const uint8_t *q = NULL;
	size_t off = 0, limit;
	uint64_t size;

	if (d->need_crlf) {
		if (p[0] == '\r' && n < 2)
			return DECODE_MORE;
		off = p[0] == '\n' ? 1 : p[0] == '\r' && p[1] == '\n' ? 2 : 0;
		if (off == 0)
			return not_frame(d);
	}
	limit = n < off + HTTP_LINE_MAX ? n : off + HTTP_LINE_MAX;
	if (d->scanned < off)
		d->scanned = off;
	if (d->scanned < limit)
		q = memchr(p + d->scanned, '\n', limit - d->scanned);
	if (q == NULL) {
		d->scanned = limit;
		return limit - off >= HTTP_LINE_MAX ? not_frame(d) :
		    DECODE_MORE;
	}
	if (chunk_size(p + off, line_len(p + off, (size_t)(q - p) + 1 - off),
	    &size) < 0)
		return not_frame(d);
	scan_reset(d);
	return q - p + 1;
}

static int64_t
http_frame_len(void *state, int dir, const uint8_t *p, size_t n)
{
	struct http_dir *d = &((struct http_state *)state)->dir[dir];
	size_t end;

	switch (d->phase) {
	case PHASE_HEAD:
		return head_len(d, p, n);
	case PHASE_BODY:
	case PHASE_CHUNK_DATA:
		return d->left < HTTP_PIECE ? (int64_t)d->left : HTTP_PIECE;
	case PHASE_CHUNK_LINE:
		return chunk_line_len(d, p, n);
	case PHASE_TRAILERS:
		end = empty_line_end(d, p, n < HTTP_HEAD_MAX ? n :
		    HTTP_HEAD_MAX);
		if (end > 0 || n >= HTTP_HEAD_MAX) {
			scan_reset(d);
			return end > 0 ? (int64_t)end : HTTP_HEAD_MAX;
		}
		return DECODE_MORE;
	case PHASE_CLOSE:
	case PHASE_TUNNEL:
		return (int64_t)n;
	default:
		return not_frame(d);
	}
}

/*
 * Out of step: the next start line at the start of a line.  A body
 * read until the close, or a tunnel, goes on as it was.
 */
static int64_t
http_resync(void *state, int dir, const uint8_t *p, size_t n)
{
	struct http_state *st = state;
	struct http_dir *d = &st->dir[dir];
	size_t i;

	if (d->phase == PHASE_CLOSE || d->phase == PHASE_TUNNEL)
		return 0;
	d->phase = PHASE_HEAD;
	d->answers = 0;
	d->need_crlf = 0;
	scan_reset(d);
	/*
	 * Responses lost, or requests: those waiting stay unanswered.  (Not
	 * at a capture's start: the first response seen answers the first
	 * request seen, if it came before.)
	 */
	if (d->seen)
		st->responses = st->requests;
	for (i = 0; i < n; i++)
		if (starts_message(p + i, n - i, i == 0 || p[i - 1] == '\n'))
			return (int64_t)i;
	return -1;
}

/* --- messages ---------------------------------------------------------- */

/* What a head's fields say of its body (RFC 9112 6). */
struct body_info {
	int		chunked;	/* Transfer-Encoding ending in chunked */
	int		coded;		/* Transfer-Encoding, another */
	int		has_length, bad_length;
	uint64_t	length;
	int		unknown;	/* the head is not whole */
};

static int
name_is(const uint8_t *p, size_t n, const char *name)
{
	size_t i;

	if (n != strlen(name))
		return 0;
	for (i = 0; i < n; i++)
		if ((p[i] | 0x20) != name[i])
			return 0;
	return 1;
}

/* The value of a field line, without the whitespace around it. */
static void
field_value(const uint8_t **v, size_t *n)
{
	while (*n > 0 && (**v == ' ' || **v == '\t')) {
		(*v)++;
		(*n)--;
	}
	while (*n > 0 && ((*v)[*n - 1] == ' ' || (*v)[*n - 1] == '\t'))
		(*n)--;
}

static void
content_length(struct body_info *b, const uint8_t *v, size_t n)
{
	uint64_t len = 0;
	size_t i;

	for (i = 0; i < n && is_digit(v[i]) && i < 18; i++)
		len = len * 10 + (uint64_t)(v[i] - '0');
	if (i == 0 || i < n || (b->has_length && len != b->length))
		b->bad_length = 1;
	b->has_length = 1;
	b->length = len;
}

static void
transfer_encoding(struct body_info *b, const uint8_t *v, size_t n)
{
	size_t i = n;

	/* The last coding is the one that frames the body. */
	while (i > 0 && v[i - 1] != ',')
		i--;
	v += i;
	n -= i;
	field_value(&v, &n);
	b->chunked = name_is(v, n, "chunked");
	b->coded = !b->chunked;
}

/* The field lines of a head (or trailer section) of n bytes at p. */
static void
fields(struct decode_frame *f, const uint8_t *p, size_t n,
    struct body_info *b)
{
	char text[HTTP_TEXT_MAX];
	const uint8_t *eol, *colon, *v;
	size_t len, vlen;

	for (; n > 0; n -= (size_t)(eol - p) + 1, p = eol + 1) {
		if ((eol = memchr(p, '\n', n)) == NULL)
			eol = p + n - 1;	/* cut: the last line */
		len = line_len(p, (size_t)(eol - p) + 1);
		if (len == 0)
			break;
		if (f->verbose > 0) {
			(void)text_escape(text, sizeof(text), p, len);
			decode_detail(f, "  %s", text);
		}
		if (b == NULL || (colon = memchr(p, ':', len)) == NULL)
			continue;
		v = colon + 1;
		vlen = len - (size_t)(v - p);
		field_value(&v, &vlen);
		if (name_is(p, (size_t)(colon - p), "content-length"))
			content_length(b, v, vlen);
		else if (name_is(p, (size_t)(colon - p), "transfer-encoding"))
			transfer_encoding(b, v, vlen);
	}
}

/* The end of a message: the method of the call it answers, or NULL. */
static const char *
end_message(struct http_dir *d, struct decode_frame *f)
{
	if (!d->answers)
		return NULL;
	d->answers = 0;
	return decode_response(f, d->rank, d->error);
}

/* The phase a message's body puts its direction in. */
static enum http_phase
body_phase(struct http_dir *d, const struct body_info *b)
{
	d->body = 0;
	d->chunks = 0;
	d->need_crlf = 0;
	if (b->chunked)
		return PHASE_CHUNK_LINE;
	if (b->has_length && b->length > 0) {
		d->left = b->length;
		return PHASE_BODY;
	}
	return PHASE_HEAD;
}

/* Why a head's fields leave no length to go by, or NULL. */
static const char *
body_mark(const struct body_info *b, int request)
{
	if (b->chunked || b->unknown)
		return NULL;
	if (b->coded && request)
		return " [Transfer-Encoding not chunked]";
	if (b->bad_length && !b->coded)
		return " [bad Content-Length]";
	return NULL;
}

static void
request_head(struct http_state *st, struct http_dir *d,
    struct decode_frame *f, const struct start_line *s,
    const struct body_info *b)
{
	uint64_t rank = st->requests++;
	uint8_t kind = 0;

	if (s->mlen == 4 && memcmp(s->method, "HEAD", 4) == 0)
		kind = KIND_HEAD;
	else if (s->mlen == 7 && memcmp(s->method, "CONNECT", 7) == 0)
		kind = KIND_CONNECT;
	st->kinds[rank % HTTP_KINDS] = kind;
	/* "METHOD target", as the request line has them. */
	decode_request(f, rank, (const char *)s->method,
	    s->mlen + 1 + s->tlen);
	if (b->unknown || body_mark(b, 1) != NULL)
		d->phase = PHASE_LOST;		/* 6.3: no length to go by */
	else
		d->phase = body_phase(d, b);
}

/* The kind of the request of a rank, 0 if not kept. */
static uint8_t
kind_of(const struct http_state *st, uint64_t rank)
{
	return st->requests - rank <= HTTP_KINDS ?
	    st->kinds[rank % HTTP_KINDS] : 0;
}

/* A status line's head; returns the method answered, if any. */
static const char *
response_head(struct http_state *st, struct http_dir *d,
    struct decode_frame *f, int status, const struct body_info *b)
{
	uint8_t kind = 0;

	if (status >= 100 && status < 200 && status != 101) {
		d->phase = PHASE_HEAD;	/* interim (15.2): no answer yet */
		return NULL;
	}
	d->answers = st->responses < st->requests;
	if (d->answers) {
		d->rank = st->responses++;
		kind = kind_of(st, d->rank);
		d->error = status >= 500;
	}
	if (status == 101 || ((kind & KIND_CONNECT) && status / 100 == 2))
		st->dir[0].phase = st->dir[1].phase = PHASE_TUNNEL;
	else if ((kind & KIND_HEAD) || status == 204 || status == 304)
		d->phase = PHASE_HEAD;
	else if (b->unknown || body_mark(b, 0) != NULL)
		d->phase = PHASE_LOST;
	else if (b->coded || (!b->chunked && !b->has_length))
		d->phase = PHASE_CLOSE;		/* 6.3: until the close */
	else
		d->phase = body_phase(d, b);
	if (d->phase == PHASE_BODY || d->phase == PHASE_CHUNK_LINE)
		return NULL;
	return end_message(d, f);
}

/* Whether the n bytes at p end with an empty line. */
static int
ends_empty(const uint8_t *p, size_t n)
{
	if (n == 0 || p[n - 1] != '\n')
		return 0;
	if (n == 1 || p[n - 2] == '\n')
		return 1;
	return p[n - 2] == '\r' && (n == 2 || p[n - 3] == '\n');
}

static void
head_frame(struct http_state *st, struct http_dir *d, struct decode_frame *f)
{
	const uint8_t *p = f->p, *eol;
	size_t n = f->n, first;
	struct start_line s;
	struct body_info b;
	char line[HTTP_TEXT_MAX];
	const char *answered = NULL, *mark = "";

	if (f->total <= 2 && line_len(p, n) == 0)
		return;		/* an empty line before a message (2.2) */
	eol = n > 0 ? memchr(p, '\n', n) : NULL;
	first = eol != NULL ? (size_t)(eol - p) + 1 : n;
	(void)text_escape(line, sizeof(line), p, line_len(p, first));
	if (eol == NULL || !parse_start(p, line_len(p, first), &s)) {
		decode_summary(f, "%s [truncated]", line);
		d->phase = PHASE_LOST;
		return;
	}
	decode_detail(f, "%s", line);
	memset(&b, 0, sizeof(b));
	fields(f, p + first, n - first, &b);
	if (f->n < f->total || !ends_empty(p, n)) {
		b.unknown = 1;
		mark = f->n < f->total ? " [truncated]" :
		    " [header block over " STR(HTTP_HEAD_MAX) " bytes]";
	} else if (body_mark(&b, s.request) != NULL)
		mark = body_mark(&b, s.request);
	if (s.request)
		request_head(st, d, f, &s, &b);
	else
		answered = response_head(st, d, f, s.status, &b);
	decode_summary(f, "%s%s%s%s%s", line, answered != NULL ? " (" : "",
	    answered != NULL ? answered : "", answered != NULL ? ")" : "",
	    mark);
}

/* The summary of a body's end, with the method a response answers. */
static void
body_summary(struct decode_frame *f, struct http_dir *d, const char *chunks,
    const char *mark)
{
	const char *answered = end_message(d, f);

	decode_summary(f, "body %llu byte%s%s%s%s%s%s",
	    (unsigned long long)d->body, PLURAL(d->body), chunks, answered != NULL ? " (" : "",
	    answered != NULL ? answered : "", answered != NULL ? ")" : "",
	    mark);
}

/* A piece of a body, or of a chunk's data. */
static void
piece_frame(struct http_dir *d, struct decode_frame *f)
{
	d->left -= f->total < d->left ? f->total : d->left;
	d->body += f->total;
	if (d->left > 0)
		return;
	if (d->phase == PHASE_CHUNK_DATA) {
		d->phase = PHASE_CHUNK_LINE;
		d->need_crlf = 1;
		return;
	}
	d->phase = PHASE_HEAD;
	body_summary(f, d, "", "");
}

static void
chunk_line_frame(struct http_dir *d, struct decode_frame *f)
{
	size_t off = d->need_crlf && f->n > 0 ? (f->p[0] == '\n' ? 1 : 2) : 0;
	const uint8_t *eol = NULL;
	uint64_t size;

	if (off < f->n)
		eol = memchr(f->p + off, '\n', f->n - off);
	if (eol == NULL || chunk_size(f->p + off, line_len(f->p + off,
	    (size_t)(eol - f->p) + 1 - off), &size) < 0) {
		decode_summary(f, "[truncated chunk-size line]");
		d->phase = PHASE_LOST;
		return;
	}
	decode_detail(f, "chunk %llu byte%s", (unsigned long long)size,
	    PLURAL(size));
	d->need_crlf = 0;
	if (size == 0) {
		d->phase = PHASE_TRAILERS;
		return;
	}
	d->chunks++;
	d->left = size;
	d->phase = PHASE_CHUNK_DATA;
}

/* The trailer section (7.1.2), which ends a chunked body. */
static void
trailers_frame(struct http_dir *d, struct decode_frame *f)
{
	char chunks[48];
	int whole = f->n == f->total && ends_empty(f->p, f->n);

	fields(f, f->p, f->n, NULL);
	d->phase = whole ? PHASE_HEAD : PHASE_LOST;
	(void)snprintf(chunks, sizeof(chunks), " in %u chunk%s", d->chunks,
	    d->chunks == 1 ? "" : "s");
	body_summary(f, d, chunks, whole ? "" : f->n < f->total ?
	    " [truncated]" : " [trailer section over " STR(HTTP_HEAD_MAX)
	    " bytes]");
}

static void
http_frame(void *state, struct decode_frame *f)
{
	struct http_state *st = state;
	struct http_dir *d = &st->dir[f->dir];

	if (f->conv->type != VSOCK_TYPE_STREAM) {
		/* HTTP runs over byte streams: a SEQPACKET is another's. */
		decode_not_mine(f);
		return;
	}
	d->seen = 1;
	switch (d->phase) {
	case PHASE_HEAD:
		head_frame(st, d, f);
		break;
	case PHASE_BODY:
	case PHASE_CHUNK_DATA:
		piece_frame(d, f);
		break;
	case PHASE_CHUNK_LINE:
		chunk_line_frame(d, f);
		break;
	case PHASE_TRAILERS:
		trailers_frame(d, f);
		break;
	case PHASE_CLOSE:
		decode_summary(f, "body %llu byte%s",
		    (unsigned long long)f->total, PLURAL(f->total));
		break;
	case PHASE_TUNNEL:
		decode_summary(f, "tunnel %llu byte%s",
		    (unsigned long long)f->total, PLURAL(f->total));
		break;
	default:
		break;
	}
}

/* No port of its own, no signature: --decode-as PORT=http. */
const struct decoder decoder_http = {
	.name = "http",
	.label = "HTTP",
	.rpc = RPC_HTTP,
	.state_size = sizeof(struct http_state),
	.frame_len = http_frame_len,
	.resync = http_resync,
	.frame = http_frame
};
