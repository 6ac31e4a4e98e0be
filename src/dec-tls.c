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
 * TLS (RFC 8446 for 1.3, RFC 5246 for 1.2): records of type[1]
 * legacy_record_version[2] length[2], at most 2^14 + 2048 bytes (RFC
 * 5246 6.2.3).  A side's handshake records are in the clear until its
 * ChangeCipherSpec in TLS 1.2, or until a ServerHello (not a
 * HelloRetryRequest, RFC 8446 4.1.4) chose TLS 1.3, from when every
 * protected record is application_data on the wire (RFC 8446 5.2):
 * those are only counted.  Alerts are read where they are the 2 bytes
 * of one in the clear.
 *
 * The handshake messages are a stream of their own, which records cut
 * as they please: several messages in a record, a message over several
 * records.  Messages are named as their headers go by; ClientHello and
 * ServerHello, whose extensions say the server name (RFC 6066 3), ALPN
 * (RFC 7301) and the version (RFC 8446 4.2.1), are gathered across
 * records, up to TLS_HELLO_MAX bytes, and decoded.  Where bytes of the
 * stream were not captured, it is decoded again from a record that
 * begins with the header of a known message.  Over SEQPACKET (TLS runs
 * over streams), a message is taken to hold whole records.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "diag.h"
#include "extract.h"
#include "fields.h"
#include "wire.h"

#define TLS_RECORD_MAX	(16384 + 2048)	/* a record's length */
#define TLS_HELLO_MAX	16384	/* a hello's bytes gathered */
#define TLS_NAME_SHOW	255	/* characters of a host name shown */

#define TLS_CHANGE_CIPHER_SPEC	20
#define TLS_ALERT		21
#define TLS_HANDSHAKE		22
#define TLS_APPLICATION_DATA	23
#define TLS_HEARTBEAT		24

#define TLS_CLIENT_HELLO	1
#define TLS_SERVER_HELLO	2

#define EXT_SERVER_NAME		0
#define EXT_ALPN		16
#define EXT_SUPPORTED_VERSIONS	43

/* A direction's handshake stream. */
struct tls_dir {
	uint8_t		encrypted;	/* its handshake records are */
	uint8_t		lost;		/* bytes of it were not captured */
	uint8_t		hdr[4];		/* a message header being read */
	uint8_t		hdr_have;
	uint8_t		in_body;	/* hdr read: type, len, got */
	uint8_t		type;
	uint32_t	len, got;
	unsigned	records;	/* that the message spans so far */
	uint8_t		*buf;		/* a hello gathered across records */
	size_t		have;
};

struct tls_state {
	struct tls_dir	d[2];
	uint8_t		tls13;		/* a ServerHello chose TLS 1.3 */
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const hs_names[] = {
	[0] = "HelloRequest", [1] = "ClientHello", [2] = "ServerHello",
	[4] = "NewSessionTicket", [5] = "EndOfEarlyData",
	[8] = "EncryptedExtensions", [11] = "Certificate",
	[12] = "ServerKeyExchange", [13] = "CertificateRequest",
	[14] = "ServerHelloDone", [15] = "CertificateVerify",
	[16] = "ClientKeyExchange", [20] = "Finished",
	[21] = "CertificateURL", [22] = "CertificateStatus",
	[24] = "KeyUpdate"
};

/* RFC 8446 6 and RFC 5246 7.2. */
static const char *const alert_names[] = {
	[0] = "close_notify", [10] = "unexpected_message",
	[20] = "bad_record_mac", [21] = "decryption_failed",
	[22] = "record_overflow", [30] = "decompression_failure",
	[40] = "handshake_failure", [41] = "no_certificate",
	[42] = "bad_certificate", [43] = "unsupported_certificate",
	[44] = "certificate_revoked", [45] = "certificate_expired",
	[46] = "certificate_unknown", [47] = "illegal_parameter",
	[48] = "unknown_ca", [49] = "access_denied", [50] = "decode_error",
	[51] = "decrypt_error", [60] = "export_restriction",
	[70] = "protocol_version", [71] = "insufficient_security",
	[80] = "internal_error", [86] = "inappropriate_fallback",
	[90] = "user_canceled", [100] = "no_renegotiation",
	[109] = "missing_extension", [110] = "unsupported_extension",
	[111] = "certificate_unobtainable", [112] = "unrecognized_name",
	[113] = "bad_certificate_status_response",
	[114] = "bad_certificate_hash_value", [115] = "unknown_psk_identity",
	[116] = "certificate_required", [120] = "no_application_protocol"
};

/* ServerHello's random when it is a HelloRetryRequest (RFC 8446 4.1.3). */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
	0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
	0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c
};

/* --- framing ----------------------------------------------------------- */

/* Whether the 5 bytes at p can be a record header. */
static int
record_ok(const uint8_t *p)
{
	return p[0] >= TLS_CHANGE_CIPHER_SPEC && p[0] <= TLS_HEARTBEAT &&
	    p[1] == 3 && p[2] <= 4 && EXTRACT_BE_U_2(p + 3) <= TLS_RECORD_MAX;
}

/* A handshake record whose first message is a ClientHello. */
static int
tls_probe(const uint8_t *p, size_t n)
{
	if (n < 11 || !record_ok(p) || p[0] != TLS_HANDSHAKE)
		return DECODE_NO;
	return p[5] == TLS_CLIENT_HELLO && p[9] == 3 &&
	    EXTRACT_BE_U_3(p + 6) >= 2 + 32 + 1 + 2 + 1 &&
	    EXTRACT_BE_U_2(p + 3) >= 4 ? DECODE_YES : DECODE_NO;
}

static int64_t
tls_frame_len(void *state, int dir, const uint8_t *p, size_t n)
{
	(void)state;
	(void)dir;
	if (n < 5)
		return DECODE_MORE;
	if (!record_ok(p))
		return DECODE_NOT_FRAME;
	return 5 + (int64_t)EXTRACT_BE_U_2(p + 3);
}

/* Out of step: a record header, and the next one where it is at hand. */
static int64_t
tls_resync(void *state, int dir, const uint8_t *p, size_t n)
{
	struct tls_dir *d = &((struct tls_state *)state)->d[dir];
	size_t i, next;

	/* Bytes of the handshake stream may be among those lost. */
	free(d->buf);
	d->buf = NULL;
	d->lost = 1;
	for (i = 0; i + 5 <= n; i++) {
		if (!record_ok(p + i))
			continue;
		next = i + 5 + EXTRACT_BE_U_2(p + i + 3);
		if (next + 5 <= n && !record_ok(p + next))
			continue;
		return (int64_t)i;
	}
	return -1;
}

/* --- hellos ------------------------------------------------------------ */

static void
version_text(struct line *l, const char *sep, unsigned v)
{
	static const char *const names[] = { "SSL 3.0", "TLS 1.0",
	    "TLS 1.1", "TLS 1.2", "TLS 1.3" };

	if (v >= 0x0300 && v <= 0x0304)
		line_add(l, "%s%s", sep, names[v - 0x0300]);
	else
		line_add(l, "%s0x%04x", sep, v);
}

/*
 * A vector of a 1- or 2-byte length: a reader over its bytes, as many
 * as there are (r->cut if fewer).
 */
static int
vector(struct fields *r, int lenlen, struct fields *v)
{
	size_t len = lenlen == 1 ? fields_u8(r) : fields_be16(r);
	size_t have = fields_left(r);

	if (r->cut)
		return 0;
	fields_init(v, fields_take(r, len < have ? len : have),
	    len < have ? len : have);
	if (len > have)
		r->cut = 1;
	return 1;
}

/* server_name (RFC 6066 3): its first host_name, in the summary. */
static void
ext_server_name(struct fields *e, struct line *sum)
{
	struct fields list, name;

	if (!vector(e, 2, &list))
		return;
	while (fields_left(&list) > 0) {
		uint8_t type = fields_u8(&list);

		if (!vector(&list, 2, &name))
			return;
		if (type == 0) {
			line_text(sum, " SNI ", name.p, name.n,
			    TLS_NAME_SHOW, 0);
			break;
		}
	}
	e->cut |= list.cut;
}

/* ALPN (RFC 7301 3.1): the protocols, joined by commas. */
static void
ext_alpn(struct fields *e, struct line *det)
{
	struct fields list, name;
	const char *sep = ", ALPN ";

	if (!vector(e, 2, &list))
		return;
	while (fields_left(&list) > 0 && vector(&list, 1, &name)) {
		line_text(det, sep, name.p, name.n, 64, 0);
		sep = ",";
	}
	e->cut |= list.cut;
}

/* supported_versions (RFC 8446 4.2.1): a list, or the one chosen. */
static unsigned
ext_versions(struct fields *e, int hello, struct line *det)
{
	struct fields list;
	const char *sep = ", versions ";
	unsigned v = 0;

	if (hello == TLS_SERVER_HELLO)
		return fields_be16(e);
	if (!vector(e, 1, &list))
		return 0;
	while (fields_left(&list) >= 2) {
		v = fields_be16(&list);
		version_text(det, sep, v);
		sep = ",";
	}
	e->cut |= list.cut;
	return 0;
}

/*
 * The extensions of a hello; the version ServerHello chose, or 0.
 * r->cut if one of them runs past its bounds.
 */
static unsigned
hello_extensions(struct fields *r, int hello, struct line *sum,
    struct line *det)
{
	struct fields exts, e;
	unsigned type, chosen = 0;

	if (!vector(r, 2, &exts))
		return 0;
	while (fields_left(&exts) >= 4) {
		type = fields_be16(&exts);
		if (!vector(&exts, 2, &e))
			break;
		if (type == EXT_SERVER_NAME && hello == TLS_CLIENT_HELLO)
			ext_server_name(&e, sum);
		else if (type == EXT_ALPN)
			ext_alpn(&e, det);
		else if (type == EXT_SUPPORTED_VERSIONS)
			chosen = ext_versions(&e, hello, det);
		exts.cut |= e.cut;
	}
	r->cut |= exts.cut;
	return chosen;
}

/* A cipher suite: TLS 1.3's by name (RFC 8446 B.4), others by number. */
static void
suite_text(struct line *l, unsigned suite)
{
	static const char *const names[] = { "TLS_AES_128_GCM_SHA256",
	    "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
	    "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256" };

	if (suite >= 0x1301 && suite <= 0x1305)
		line_add(l, ", cipher suite %s", names[suite - 0x1301]);
	else
		line_add(l, ", cipher suite 0x%04x", suite);
}

/*
 * ClientHello or ServerHello (RFC 8446 4.1.2, 4.1.3): the n bytes of
 * its body at p.  A ServerHello of TLS 1.3 (not a HelloRetryRequest)
 * says that all that follows, both ways, is protected.  Returns 1 if a
 * length in it runs past the bytes.
 */
static int
tls_hello(struct tls_state *st, int hello, const uint8_t *p, size_t n,
    struct line *sum, struct decode_frame *f)
{
	char dbuf[512];
	struct line det;
	struct fields r, v;
	const uint8_t *random;
	unsigned legacy, suite = 0, chosen;
	int hrr;

	line_init(&det, dbuf, sizeof(dbuf));
	fields_init(&r, p, n);
	legacy = fields_be16(&r);
	random = fields_take(&r, 32);
	(void)vector(&r, 1, &v);
	hrr = hello == TLS_SERVER_HELLO && random != NULL &&
	    memcmp(random, hrr_random, sizeof(hrr_random)) == 0;
	line_add(sum, "%s", hrr ? "HelloRetryRequest" : hs_names[hello]);
	version_text(&det, ", version ", legacy);
	if (hello == TLS_CLIENT_HELLO) {
		if (vector(&r, 2, &v))
			line_add(&det, ", %zu cipher suite%s", v.n / 2,
			    v.n / 2 == 1 ? "" : "s");
		(void)vector(&r, 1, &v);
	} else {
		suite = fields_be16(&r);
		(void)fields_u8(&r);
		if (!r.cut)
			suite_text(&det, suite);
	}
	chosen = hello_extensions(&r, hello, sum, &det);
	if (chosen != 0)
		version_text(&det, ", chosen ", chosen);
	if (chosen == 0x0304)
		st->tls13 = 1;
	if (chosen == 0x0304 && !hrr)
		st->d[0].encrypted = st->d[1].encrypted = 1;
	if (det.len > 0)
		decode_detail(f, "%s: %s", hrr ? "HelloRetryRequest" :
		    hs_names[hello], dbuf + 2);
	return r.cut;
}

/* --- the handshake stream ---------------------------------------------- */

static const char *
hs_name(unsigned type, char *buf, size_t size)
{
	if (type < NELEM(hs_names) && hs_names[type] != NULL)
		return hs_names[type];
	(void)snprintf(buf, size, "handshake type %u", type);
	return buf;
}

/* A message of len bytes, n of them at p: its name, a hello decoded. */
static void
hs_message(struct tls_state *st, struct decode_frame *f, unsigned type,
    const uint8_t *p, size_t n, uint32_t len, struct line *sum)
{
	char name[32];
	int bad = 0;

	if (type == TLS_CLIENT_HELLO || type == TLS_SERVER_HELLO)
		bad = tls_hello(st, (int)type, p, n, sum, f);
	else
		line_add(sum, "%s", hs_name(type, name, sizeof(name)));
	if (n < len)
		line_add(sum, " [truncated]");
	else if (bad)
		line_add(sum, " [malformed]");
}

/* A hello's bytes, kept until the record that ends it. */
static void
hs_gather(struct tls_dir *d, const uint8_t *p, size_t k)
{
	size_t room;

	if (d->type != TLS_CLIENT_HELLO && d->type != TLS_SERVER_HELLO)
		return;
	if (d->buf == NULL) {
		d->buf = xrealloc(NULL, d->len < TLS_HELLO_MAX ? d->len :
		    TLS_HELLO_MAX);
		d->have = 0;
	}
	room = (d->len < TLS_HELLO_MAX ? d->len : TLS_HELLO_MAX) - d->have;
	if (k > room)
		k = room;
	memcpy(d->buf + d->have, p, k);
	d->have += k;
}

/*
 * A message header from the record: 1 when it is read, its body next.
 * After lost bytes, only the header of a known message is believed.
 */
static int
hs_header(struct tls_dir *d, const uint8_t *p, size_t n, size_t *off,
    struct line *sum)
{
	size_t k = 4 - d->hdr_have;

	if (k > n - *off)
		k = n - *off;
	memcpy(d->hdr + d->hdr_have, p + *off, k);
	d->hdr_have += (uint8_t)k;
	*off += k;
	if (d->hdr_have < 4)
		return 0;
	d->hdr_have = 0;
	d->type = d->hdr[0];
	d->len = EXTRACT_BE_U_3(d->hdr + 1);
	if (d->lost && (d->type >= NELEM(hs_names) ||
	    hs_names[d->type] == NULL || d->len > TLS_RECORD_MAX)) {
		line_add(sum, "%llu bytes [not decoded: bytes were lost]",
		    (unsigned long long)n);
		*off = n;
		return 0;
	}
	d->lost = 0;
	d->in_body = 1;
	d->got = 0;
	d->records = 1;
	return 1;
}

/* The end of a message that began in an earlier record. */
static void
hs_end(struct tls_state *st, struct tls_dir *d, struct decode_frame *f,
    struct line *sum)
{
	char name[32];

	if (d->buf != NULL) {
		hs_message(st, f, d->type, d->buf, d->have, d->len, sum);
		line_add(sum, " [reassembled from %u records]", d->records);
	} else
		line_add(sum, "[end of %s]", hs_name(d->type, name,
		    sizeof(name)));
	free(d->buf);
	d->buf = NULL;
	d->in_body = 0;
}

/*
 * The n bytes of a handshake record in the clear; cut if the record
 * was not all captured, which loses the rest of its message.
 */
static void
hs_feed(struct tls_state *st, struct decode_frame *f, const uint8_t *p,
    size_t n, int cut, struct line *sum)
{
	struct tls_dir *d = &st->d[f->dir];
	const char *sep = "";
	char name[32];
	size_t off = 0, k;
	int started, marked = 0;

	while (off < n) {
		started = !d->in_body;
		if (started && !hs_header(d, p, n, &off, sum))
			break;
		k = d->len - d->got < n - off ? d->len - d->got : n - off;
		line_add(sum, "%s", sep);
		sep = ", ";
		if (started && (k == d->len || (cut && off + k == n))) {
			/* Whole in this record, or all there is of it. */
			hs_message(st, f, d->type, p + off, k, d->len, sum);
			d->in_body = k < d->len;
			marked = k < d->len;
		} else {
			hs_gather(d, p + off, k);
			d->got += (uint32_t)k;
			if (d->got == d->len)
				hs_end(st, d, f, sum);
			else if (cut && d->buf != NULL) {
				hs_message(st, f, d->type, d->buf, d->have,
				    d->len, sum);
				marked = 1;
			} else
				line_add(sum, started ? "%s [continues]" :
				    "[more of %s]", hs_name(d->type, name,
				    sizeof(name)));
		}
		off += k;
	}
	if (d->in_body)
		d->records++;
	if (cut) {
		if (!marked)
			line_add(sum, " [truncated]");
		free(d->buf);
		d->buf = NULL;
		d->in_body = 0;
		d->hdr_have = 0;
		d->lost = 1;
	}
}

/* --- records ----------------------------------------------------------- */

/* An alert: level and description, 2 bytes in the clear. */
static void
tls_alert(struct tls_dir *d, const uint8_t *p, size_t n, uint16_t len,
    struct line *sum)
{
	if (len != 2 || n < 2) {
		if (d->encrypted)
			line_add(sum, "encrypted alert %u bytes", len);
		else
			line_add(sum, "alert %u bytes%s", len,
			    len != 2 ? " [malformed]" : "");
		return;
	}
	line_add(sum, "alert %s", p[0] == 1 ? "warning" : p[0] == 2 ?
	    "fatal" : "level");
	if (p[0] != 1 && p[0] != 2)
		line_add(sum, " %u", p[0]);
	if (p[1] < NELEM(alert_names) && alert_names[p[1]] != NULL)
		line_add(sum, " %s", alert_names[p[1]]);
	else
		line_add(sum, " %u", p[1]);
}

static void
tls_record(void *state, struct decode_frame *f)
{
	struct tls_state *st = state;
	struct tls_dir *d = &st->d[f->dir];
	char buf[512];
	struct line sum;
	uint16_t len;
	size_t n;
	int cut = f->n < f->total;

	if (f->n < 5) {
		decode_summary(f, "[truncated]");
		return;
	}
	len = EXTRACT_BE_U_2(f->p + 3);
	n = f->n - 5;
	line_init(&sum, buf, sizeof(buf));
	switch (f->p[0]) {
	case TLS_CHANGE_CIPHER_SPEC:
		/* In TLS 1.3 only for middleboxes' sake (RFC 8446 D.4). */
		line_add(&sum, "change cipher spec");
		if (!st->tls13)
			d->encrypted = 1;
		break;
	case TLS_ALERT:
		tls_alert(d, f->p + 5, n, len, &sum);
		break;
	case TLS_HANDSHAKE:
		if (d->encrypted) {
			line_add(&sum, "encrypted handshake %u bytes", len);
			break;
		}
		line_add(&sum, "handshake ");
		hs_feed(st, f, f->p + 5, n, cut, &sum);
		break;
	case TLS_APPLICATION_DATA:
		line_add(&sum, "application data %u bytes", len);
		break;
	default:
		line_add(&sum, "heartbeat %u bytes", len);
	}
	if (cut && f->p[0] != TLS_HANDSHAKE)
		line_add(&sum, " [truncated]");
	decode_summary(f, "%s", buf);
}

/*
 * A frame: a record of a STREAM (tls_frame_len() cut it), or what a
 * SEQPACKET message holds: records, or other bytes.
 */
static void
tls_frame(void *state, struct decode_frame *f)
{
	struct decode_frame g = *f;
	uint64_t off = 0, len;

	if (f->conv->type != VSOCK_TYPE_SEQPACKET) {
		tls_record(state, f);
		return;
	}
	while (off < f->n) {
		if (f->n - off < 5 && f->total - off >= 5) {
			decode_summary(f, "[truncated]");
			return;
		}
		if (f->n - off < 5 || !record_ok(f->p + off) ||
		    (len = 5 + (uint64_t)EXTRACT_BE_U_2(f->p + off + 3)) >
		    f->total - off) {
			decode_summary(f, "[%llu bytes not tls]",
			    (unsigned long long)(f->total - off));
			return;
		}
		g.p = f->p + off;
		g.n = len < f->n - off ? (size_t)len : f->n - off;
		g.total = len;
		tls_record(state, &g);
		off += len;
	}
}

static void
tls_release(void *state)
{
	struct tls_state *st = state;

	free(st->d[0].buf);
	free(st->d[1].buf);
}

const struct decoder decoder_tls = {
	.name = "tls",
	.label = "TLS",
	.rpc = RPC_NONE,
	.state_size = sizeof(struct tls_state),
	.probe = tls_probe,
	.sig_off = 0,
	.sig_byte = TLS_HANDSHAKE,
	.frame_len = tls_frame_len,
	.resync = tls_resync,
	.frame = tls_frame,
	.release = tls_release,
};
