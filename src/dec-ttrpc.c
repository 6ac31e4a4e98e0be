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
 * ttrpc, the RPC of containerd's shims and of the Kata Containers
 * agent (port 1024 of the guest), as containerd/ttrpc's PROTOCOL.md
 * describes it: each message a 10-byte header (the data length and the
 * stream id, 32 bits big-endian; the message type, 1 request, 2
 * response, 3 data; flags) and at most 4 MB of data.  The data of a
 * request is the Request of the library's request.proto {service 1,
 * method 2, payload 3, timeout_nano 4, metadata 5 (KeyValue {key 1,
 * value 2})}, of a response its Response {status 1 (google.rpc.Status
 * {code 1, message 2}), payload 2}, both protobuf (protobuf.h); a data
 * message carries the payload of a streaming call.
 *
 * Calls are keyed by stream id: a call ends with its response, or
 * with the data message by which the server closes a streaming call
 * ("remote closed"); a status code other than 0 (OK) is an error.
 *
 * A message longer than 4 MB is refused by its receiver, which passes
 * its bytes (and answers RESOURCE_EXHAUSTED): it is marked and passed
 * too.  The first byte of a header is reserved, zero (lengths stay
 * below 16 MB): a header without it, or of an unknown type, means the
 * direction is out of step.  Over SEQPACKET (ttrpc runs over streams),
 * a message is taken to hold whole ttrpc messages.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "extract.h"
#include "protobuf.h"
#include "text.h"

#define TTRPC_HDR_LEN		10
#define TTRPC_DATA_MAX		(UINT32_C(4) << 20)

#define TTRPC_REQUEST		1
#define TTRPC_RESPONSE		2
#define TTRPC_DATA		3

#define TTRPC_REMOTE_CLOSED	0x01
#define TTRPC_REMOTE_OPEN	0x02	/* requests */
#define TTRPC_NO_DATA		0x04	/* data */

/* Fields of request.proto and of google/rpc/status.proto. */
#define REQUEST_SERVICE		1
#define REQUEST_METHOD		2
#define REQUEST_PAYLOAD		3
#define REQUEST_TIMEOUT		4
#define REQUEST_METADATA	5
#define KEYVALUE_KEY		1
#define KEYVALUE_VALUE		2
#define RESPONSE_STATUS		1
#define RESPONSE_PAYLOAD	2
#define STATUS_CODE		1
#define STATUS_MESSAGE		2

#define TTRPC_NAME_MAX		256	/* bytes of "service/method" */
#define TTRPC_META_SHOWN	8	/* metadata pairs shown */
#define TTRPC_TEXT_MAX		80	/* a key, value, message shown */
/* A resync checks the protobuf of a frame it finds this far. */
#define TTRPC_RESYNC_CHECK	256

struct ttrpc_state {
	uint8_t		requests[2];	/* the directions of requests */
};

struct ttrpc_hdr {
	uint32_t	len;
	uint32_t	stream;
	uint8_t		type;
	uint8_t		flags;
};

struct ttrpc_request {
	struct pb_field	service, method;
	int		payload_seen;
	uint64_t	payload;
	int64_t		timeout_ns;
	int		pb;		/* PB_END, PB_CUT, PB_BAD */
};

struct ttrpc_response {
	int		status_known;
	int64_t		code;
	struct pb_field	message;
	int		payload_seen;
	uint64_t	payload;
	int		pb;
};

/* The codes of google.rpc.Code, as gRPC names them (statuscodes.md). */
static const char *const code_names[] = {
	"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
	"DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
	"PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
	"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
	"UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"
};

#define NCODES	(sizeof(code_names) / sizeof(code_names[0]))

/* The flags each type may have. */
static const uint8_t flags_defined[] = {
	[TTRPC_REQUEST] = TTRPC_REMOTE_CLOSED | TTRPC_REMOTE_OPEN,
	[TTRPC_RESPONSE] = 0,
	[TTRPC_DATA] = TTRPC_REMOTE_CLOSED | TTRPC_NO_DATA
};

static int
type_known(uint8_t type)
{
	return type >= TTRPC_REQUEST && type <= TTRPC_DATA;
}

/* --- framing ------------------------------------------------------------ */

static int64_t
ttrpc_frame_len(void *state, int dir, const uint8_t *p, size_t n)
{
	(void)state;
	(void)dir;
	if (n >= 1 && p[0] != 0)
		return DECODE_NOT_FRAME;
	if (n >= 9 && !type_known(p[8]))
		return DECODE_NOT_FRAME;
	if (n < TTRPC_HDR_LEN)
		return DECODE_MORE;
	return TTRPC_HDR_LEN + (int64_t)EXTRACT_BE_U_4(p);
}

/*
 * Whether a frame can start at p (n bytes at hand, at least a header):
 * a length of at most 4 MB, a known type with its own flags, an odd
 * stream id (streams are the client's); a request's protobuf begins
 * with its service, a response's with its status or payload (fields
 * go out in order), and neither is malformed as far as it is checked.
 */
static int
frame_starts(const uint8_t *p, size_t n)
{
	uint32_t len = EXTRACT_BE_U_4(p);
	uint8_t type = p[8];
	struct pb_msg m;
	size_t have;

	if (len > TTRPC_DATA_MAX || !type_known(type) ||
	    (EXTRACT_BE_U_4(p + 4) & 1) == 0 ||
	    (p[9] & ~flags_defined[type]) != 0)
		return 0;
	if (type == TTRPC_DATA)
		return 1;
	if (type == TTRPC_REQUEST && len == 0)
		return 0;
	have = n - TTRPC_HDR_LEN;
	if (have > len)
		have = len;
	if (have > TTRPC_RESYNC_CHECK)
		have = TTRPC_RESYNC_CHECK;
	if (have > 0 && p[TTRPC_HDR_LEN] != 0x0a &&
	    (type == TTRPC_REQUEST || p[TTRPC_HDR_LEN] != 0x12))
		return 0;
	pb_init(&m, p + TTRPC_HDR_LEN, have, len - have);
	return pb_check(&m) != PB_BAD;
}

static int64_t
ttrpc_resync(void *state, int dir, const uint8_t *p, size_t n)
{
	size_t i;

	(void)state;
	(void)dir;
	for (i = 0; i + TTRPC_HDR_LEN <= n; i++)
		if (p[i] == 0 && frame_starts(p + i, n - i))
			return (int64_t)i;
	return -1;
}

/* --- text --------------------------------------------------------------- */

/* Appends to buf (of size bytes, *len used), as far as it fits. */
static void
add(char *buf, size_t size, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
add(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= size - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n < size - *len ? (size_t)n : size - 1 - *len;
}

/* The marks of a frame, each " [...]", or "". */
static const char *
marks(char *buf, size_t size, const struct decode_frame *f,
    const struct ttrpc_hdr *h, int pb)
{
	size_t len = 0;

	buf[0] = '\0';
	if (h->len > TTRPC_DATA_MAX)
		add(buf, size, &len, " [%" PRIu32 "-byte message, more than %"
		    PRIu32 "]", h->len, TTRPC_DATA_MAX);
	if (f->n < f->total)
		add(buf, size, &len, " [truncated]");
	if (pb == PB_BAD)
		add(buf, size, &len, " [bad protobuf]");
	return buf;
}

/* A field's bytes at hand, escaped, with "..." if it is cut. */
static const char *
field_text(char *buf, size_t size, const struct pb_field *fl)
{
	size_t len = text_escape(buf, size, fl->p, fl->n);

	if (fl->n < fl->v && len + 4 <= size)
		memcpy(buf + len, "...", 4);
	return buf;
}

/* A time in seconds, as few digits as it needs: "1.5s". */
static const char *
secs_text(char *buf, size_t size, int64_t ns)
{
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	uint64_t frac = u % 1000000000;
	int digits = 9;

	while (digits > 0 && frac % 10 == 0 && frac != 0) {
		frac /= 10;
		digits--;
	}
	if (frac == 0)
		(void)snprintf(buf, size, "%s%" PRIu64 "s", ns < 0 ? "-" : "",
		    u / 1000000000);
	else
		(void)snprintf(buf, size, "%s%" PRIu64 ".%0*" PRIu64 "s",
		    ns < 0 ? "-" : "", u / 1000000000, digits, frac);
	return buf;
}

/*
 * The length of a payload: "N bytes"; none is 0 bytes if the message
 * was read to its end, else not known, "?".
 */
static const char *
payload_text(char *buf, size_t size, int seen, uint64_t len, int pb)
{
	if (!seen && pb != PB_END)
		return "?";
	(void)snprintf(buf, size, "%" PRIu64 " bytes", seen ? len : 0);
	return buf;
}

/* The names of a message's flags: "remote closed|no data", "0x80". */
static const char *
flags_text(char *buf, size_t size, uint8_t type, uint8_t flags)
{
	size_t len = 0;
	uint8_t rest = flags;

	buf[0] = '\0';
	if (flags & TTRPC_REMOTE_CLOSED) {
		add(buf, size, &len, "remote closed");
		rest &= (uint8_t)~TTRPC_REMOTE_CLOSED;
	}
	if (type == TTRPC_REQUEST && (flags & TTRPC_REMOTE_OPEN)) {
		add(buf, size, &len, "%sremote open", len > 0 ? "|" : "");
		rest &= (uint8_t)~TTRPC_REMOTE_OPEN;
	}
	if (type == TTRPC_DATA && (flags & TTRPC_NO_DATA)) {
		add(buf, size, &len, "%sno data", len > 0 ? "|" : "");
		rest &= (uint8_t)~TTRPC_NO_DATA;
	}
	if (rest != 0)
		add(buf, size, &len, "%s0x%02x", len > 0 ? "|" : "", rest);
	return buf;
}

/* A varint as the int64 or int32 it encodes (two's complement). */
static int64_t
int64_of(uint64_t v)
{
	return v > INT64_MAX ? -(int64_t)(~v) - 1 : (int64_t)v;
}

static int64_t
int32_of(uint64_t v)
{
	uint32_t u = (uint32_t)v;

	return u > INT32_MAX ? (int64_t)u - (INT64_C(1) << 32) : (int64_t)u;
}

/* --- requests ----------------------------------------------------------- */

static void
request_read(const uint8_t *p, size_t have, uint64_t missing,
    struct ttrpc_request *r)
{
	struct pb_field fl;
	struct pb_msg m;

	memset(r, 0, sizeof(*r));
	pb_init(&m, p, have, missing);
	while ((r->pb = pb_next(&m, &fl)) == PB_FIELD) {
		if (fl.num == REQUEST_TIMEOUT && fl.type == PB_VARINT)
			r->timeout_ns = int64_of(fl.v);
		if (fl.type != PB_LEN)
			continue;
		if (fl.num == REQUEST_SERVICE)
			r->service = fl;
		else if (fl.num == REQUEST_METHOD)
			r->method = fl;
		else if (fl.num == REQUEST_PAYLOAD) {
			r->payload_seen = 1;
			r->payload = fl.v;
		}
	}
}

/*
 * "service/method", at most TTRPC_NAME_MAX bytes, in buf (the service
 * alone if the capture cut it); its length.  *whole: both parts were
 * read whole, or are absent from a message read to its end; *longer:
 * buf holds only the start of the name.
 */
static size_t
request_name(char *buf, const struct ttrpc_request *r, int *whole,
    int *longer)
{
	size_t len, n;

	*whole = r->service.n == r->service.v &&
	    r->method.n == r->method.v && (r->pb == PB_END ||
	    (r->service.p != NULL && r->method.p != NULL));
	*longer = r->service.n + 1 + r->method.n > TTRPC_NAME_MAX;
	len = r->service.n < TTRPC_NAME_MAX - 1 ? r->service.n :
	    TTRPC_NAME_MAX - 1;
	if (len > 0)
		memcpy(buf, r->service.p, len);
	if (r->service.n < r->service.v)
		return len;
	buf[len++] = '/';
	n = r->method.n < TTRPC_NAME_MAX - len ? r->method.n :
	    TTRPC_NAME_MAX - len;
	if (n > 0)
		memcpy(buf + len, r->method.p, n);
	return len + n;
}

/* At -v: a request's metadata, up to TTRPC_META_SHOWN pairs. */
static void
request_metadata(struct decode_frame *f, const struct ttrpc_hdr *h)
{
	char line[TTRPC_META_SHOWN * (2 * TTRPC_TEXT_MAX + 4) + 32];
	char key[TTRPC_TEXT_MAX], value[TTRPC_TEXT_MAX];
	struct pb_field fl, kv, k, v;
	struct pb_msg m, sub;
	unsigned count = 0;
	size_t len = 0;

	pb_init(&m, f->p + TTRPC_HDR_LEN, f->n - TTRPC_HDR_LEN,
	    f->total - f->n);
	while (pb_next(&m, &fl) == PB_FIELD) {
		if (fl.num != REQUEST_METADATA || fl.type != PB_LEN)
			continue;
		if (count++ >= TTRPC_META_SHOWN || pb_sub(&m, &fl, &sub) != 0)
			continue;
		memset(&k, 0, sizeof(k));
		memset(&v, 0, sizeof(v));
		while (pb_next(&sub, &kv) == PB_FIELD)
			if (kv.num == KEYVALUE_KEY && kv.type == PB_LEN)
				k = kv;
			else if (kv.num == KEYVALUE_VALUE && kv.type == PB_LEN)
				v = kv;
		add(line, sizeof(line), &len, "%s%s=%s", len > 0 ? ", " : "",
		    field_text(key, sizeof(key), &k),
		    field_text(value, sizeof(value), &v));
	}
	if (count == 0)
		return;
	if (count > TTRPC_META_SHOWN)
		add(line, sizeof(line), &len, ", and %u more",
		    count - TTRPC_META_SHOWN);
	decode_detail(f, "stream %" PRIu32 " metadata: %s", h->stream, line);
}

static void
request(struct ttrpc_state *st, struct decode_frame *f,
    const struct ttrpc_hdr *h)
{
	char raw[TTRPC_NAME_MAX], name[4 * TTRPC_NAME_MAX + 4], mark[96];
	char timeout[32], flags[64], payload[32];
	struct ttrpc_request r;
	const char *more;
	size_t len;
	int whole, longer;

	st->requests[f->dir] = 1;
	request_read(f->p + TTRPC_HDR_LEN, f->n - TTRPC_HDR_LEN,
	    f->total - f->n, &r);
	len = request_name(raw, &r, &whole, &longer);
	(void)text_escape(name, sizeof(name), raw, len);
	more = whole && !longer ? "" : "...";
	/* Nothing of a name ("/..."): none. */
	if (!whole && r.service.p == NULL && r.method.p == NULL)
		name[0] = '\0', more = "";
	decode_summary(f, "request %s%s%sstream %" PRIu32 "%s", name, more,
	    name[0] != '\0' ? " " : "", h->stream, marks(mark, sizeof(mark),
	    f, h, r.pb));
	if (whole)
		decode_request(f, h->stream, raw, len);
	if (f->verbose == 0)
		return;
	decode_detail(f, "stream %" PRIu32 " request: payload %s%s%s%s%s",
	    h->stream, payload_text(payload, sizeof(payload), r.payload_seen,
	    r.payload, r.pb),
	    r.timeout_ns != 0 ? ", timeout " : "",
	    r.timeout_ns != 0 ? secs_text(timeout, sizeof(timeout),
	    r.timeout_ns) : "", h->flags != 0 ? ", flags " : "",
	    h->flags != 0 ? flags_text(flags, sizeof(flags), h->type,
	    h->flags) : "");
	request_metadata(f, h);
}

/* --- responses and data ------------------------------------------------- */

/* The google.rpc.Status of a response, into r; how its message ends. */
static int
status_read(struct pb_msg *m, const struct pb_field *fl,
    struct ttrpc_response *r)
{
	struct pb_field sf;
	struct pb_msg sub;
	int pb;

	if (pb_sub(m, fl, &sub) != 0)
		return PB_BAD;
	r->code = 0;
	memset(&r->message, 0, sizeof(r->message));
	r->status_known = 0;
	while ((pb = pb_next(&sub, &sf)) == PB_FIELD)
		if (sf.num == STATUS_CODE && sf.type == PB_VARINT) {
			r->code = int32_of(sf.v);
			r->status_known = 1;
		} else if (sf.num == STATUS_MESSAGE && sf.type == PB_LEN)
			r->message = sf;
	/* Without a code, the code is 0, if the status ends here. */
	if (pb == PB_END)
		r->status_known = 1;
	return pb;
}

static void
response_read(const uint8_t *p, size_t have, uint64_t missing,
    struct ttrpc_response *r)
{
	struct pb_field fl;
	struct pb_msg m;
	int status = 0;

	memset(r, 0, sizeof(*r));
	pb_init(&m, p, have, missing);
	while ((r->pb = pb_next(&m, &fl)) == PB_FIELD) {
		if (fl.type != PB_LEN)
			continue;
		if (fl.num == RESPONSE_PAYLOAD) {
			r->payload_seen = 1;
			r->payload = fl.v;
		}
		else if (fl.num == RESPONSE_STATUS) {
			status = 1;
			if (status_read(&m, &fl, r) == PB_BAD) {
				r->pb = PB_BAD;
				return;
			}
		}
	}
	/* Without a status, the call succeeded. */
	if (!status && r->pb == PB_END)
		r->status_known = 1;
}

static void
response(struct decode_frame *f, const struct ttrpc_hdr *h)
{
	char code[48], number[24], mark[96], text[TTRPC_TEXT_MAX];
	char flags[64], payload[32];
	struct ttrpc_response r;
	const char *method;

	response_read(f->p + TTRPC_HDR_LEN, f->n - TTRPC_HDR_LEN,
	    f->total - f->n, &r);
	method = decode_response(f, h->stream, r.pb == PB_BAD ||
	    (r.status_known && r.code != 0));
	(void)snprintf(number, sizeof(number), "%" PRId64, r.code);
	(void)snprintf(code, sizeof(code), " status %s", r.code >= 0 &&
	    (uint64_t)r.code < NCODES ? code_names[r.code] : number);
	decode_summary(f, "response stream %" PRIu32 "%s%s%s%s%s", h->stream,
	    r.status_known ? code : "", method != NULL ? " (" : "",
	    method != NULL ? method : "", method != NULL ? ")" : "",
	    marks(mark, sizeof(mark), f, h, r.pb));
	if (f->verbose == 0)
		return;
	decode_detail(f, "stream %" PRIu32 " response: status %s%s%s%s, "
	    "payload %s%s%s", h->stream,
	    r.status_known ? number : "?",
	    r.message.v > 0 ? ", message \"" : "",
	    field_text(text, sizeof(text), &r.message),
	    r.message.v > 0 ? "\"" : "", payload_text(payload,
	    sizeof(payload), r.payload_seen, r.payload, r.pb),
	    h->flags != 0 ? ", flags " : "", h->flags != 0 ?
	    flags_text(flags, sizeof(flags), h->type, h->flags) : "");
}

/*
 * A data message; the server's last one ("remote closed") ends a
 * streaming call, as its response would.
 */
static void
data(struct ttrpc_state *st, struct decode_frame *f,
    const struct ttrpc_hdr *h)
{
	const char *method = NULL;
	char mark[96], flags[64];

	if ((h->flags & TTRPC_REMOTE_CLOSED) && st->requests[!f->dir] &&
	    !st->requests[f->dir])
		method = decode_response(f, h->stream, 0);
	decode_summary(f, "data stream %" PRIu32 "%s%s%s%s", h->stream,
	    method != NULL ? " (" : "", method != NULL ? method : "",
	    method != NULL ? ")" : "", marks(mark, sizeof(mark), f, h,
	    PB_END));
	if (f->verbose > 0)
		decode_detail(f, "stream %" PRIu32 " data: %" PRIu32
		    " bytes%s%s", h->stream, h->len, h->flags != 0 ?
		    ", flags " : "", h->flags != 0 ? flags_text(flags,
		    sizeof(flags), h->type, h->flags) : "");
}

static void
message(void *state, struct decode_frame *f)
{
	struct ttrpc_hdr h;

	h.len = EXTRACT_BE_U_4(f->p);
	h.stream = EXTRACT_BE_U_4(f->p + 4);
	h.type = f->p[8];
	h.flags = f->p[9];
	switch (h.type) {
	case TTRPC_REQUEST:
		request(state, f, &h);
		break;
	case TTRPC_RESPONSE:
		response(f, &h);
		break;
	default:
		data(state, f, &h);
		break;
	}
}

/*
 * A frame: one message of a STREAM (frame_len() cut it), or what a
 * SEQPACKET message holds, one message or several, or other bytes.
 */
static void
ttrpc_frame(void *state, struct decode_frame *f)
{
	struct decode_frame g = *f;
	uint64_t off = 0, len;

	while (off < f->n) {
		if (f->n - off < TTRPC_HDR_LEN &&
		    f->total - off >= TTRPC_HDR_LEN) {
			decode_summary(f, "[truncated]");
			return;
		}
		if (f->n - off < TTRPC_HDR_LEN || f->p[off] != 0 ||
		    !type_known(f->p[off + 8])) {
			decode_summary(f, "[%" PRIu64 " bytes not ttrpc]",
			    f->total - off);
			return;
		}
		len = TTRPC_HDR_LEN + (uint64_t)EXTRACT_BE_U_4(f->p + off);
		g.p = f->p + off;
		g.n = len < f->n - off ? (size_t)len : f->n - off;
		g.total = len;
		message(state, &g);
		off += len;
	}
	if (off == f->n && f->n < f->total)
		decode_summary(f, "[truncated]");
}

const struct decoder decoder_ttrpc = {
	.name = "ttrpc",
	.label = "TTRPC",
	.rpc = RPC_TTRPC,
	.state_size = sizeof(struct ttrpc_state),
	.frame_len = ttrpc_frame_len,
	.resync = ttrpc_resync,
	.frame = ttrpc_frame,
};
