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
 * SSH (RFC 4253, the transport layer): each side's identification
 * string ("SSH-2.0-softwareversion comments", section 4.2, up to 255
 * bytes; a server may send other lines before it), then binary packets
 * (section 6: packet_length[4] padding_length[1] payload padding MAC),
 * in the clear until that side's NEWKEYS (section 7.3).  From then on
 * even packet_length is encrypted (chacha20-poly1305, aes-ctr with a
 * MAC over the plaintext): a direction is no longer cut into packets,
 * and each packet of it is only counted.  Message numbers and their
 * names are RFC 4250's (section 4.1), with RFC 8308's EXT_INFO; those
 * of key exchange, 30 to 49, depend on the method both sides chose from
 * their KEXINITs (section 7.1): RFC 4253's KEXDH_*, RFC 4419's
 * KEX_DH_GEX_*, RFC 5656's KEX_ECDH_* (which curve25519, RFC 8731, and
 * the hybrid methods use too).
 *
 * A capture begun mid-session sees encrypted packets: a direction out
 * of step is taken as encrypted, unless an identification string, or a
 * key exchange packet in the clear, starts where its bytes do.  Over
 * SEQPACKET (SSH runs over streams), a message is taken to hold whole
 * lines or packets.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "decode.h"
#include "extract.h"
#include "fields.h"
#include "wire.h"

#define SSH_LINE_MAX	1024	/* an identification or banner line */
#define SSH_BANNER_MAX	8192	/* lines before the identification */
/*
 * packet_length: RFC 4253 section 6.1 asks implementations to take
 * 35000 bytes; past 256 KiB it is not a packet.  The least is a
 * padding_length byte and 4 bytes of padding.
 */
#define SSH_PACKET_MIN	5
#define SSH_PACKET_MAX	(256 * 1024)
#define SSH_KEX_KEEP	512	/* of a side's kex_algorithms */
#define SSH_LIST_SHOW	200	/* characters of a name-list shown (-v) */

#define SSH_MSG_DISCONNECT	1
#define SSH_MSG_IGNORE		2
#define SSH_MSG_UNIMPLEMENTED	3
#define SSH_MSG_DEBUG		4
#define SSH_MSG_SERVICE_REQUEST	5
#define SSH_MSG_SERVICE_ACCEPT	6
#define SSH_MSG_KEXINIT		20
#define SSH_MSG_NEWKEYS		21
#define SSH_MSG_KEX_FIRST	30
#define SSH_MSG_KEX_LAST	49

/* What a direction's bytes are. */
enum ssh_phase {
	SSH_IDENT,		/* lines, up to the identification string */
	SSH_CLEAR,		/* binary packets, in the clear */
	SSH_OPAQUE		/* encrypted (or not SSH-2): not cut */
};

/* The key exchange method chosen, which names messages 30 to 49. */
enum ssh_kex {
	KEX_UNKNOWN, KEX_DH, KEX_GEX, KEX_ECDH
};

struct ssh_dir {
	uint8_t		phase;
	uint8_t		framed;		/* in step once: its start was seen */
	uint8_t		marked;		/* the mark of SSH_OPAQUE given */
	uint8_t		v1;		/* not SSH-2: not known encrypted */
	const char	*why;		/* that mark */
	uint8_t		kexinit;	/* its KEXINIT seen */
	uint16_t	kexlen;
	char		kex[SSH_KEX_KEEP];	/* its kex_algorithms */
};

struct ssh_state {
	struct ssh_dir	d[2];
	uint8_t		kex;		/* enum ssh_kex */
};

static const char *const msg_names[] = {
	[1] = "DISCONNECT", [2] = "IGNORE", [3] = "UNIMPLEMENTED",
	[4] = "DEBUG", [5] = "SERVICE_REQUEST", [6] = "SERVICE_ACCEPT",
	[7] = "EXT_INFO", [8] = "NEWCOMPRESS",
	[20] = "KEXINIT", [21] = "NEWKEYS",
	[50] = "USERAUTH_REQUEST", [51] = "USERAUTH_FAILURE",
	[52] = "USERAUTH_SUCCESS", [53] = "USERAUTH_BANNER",
	[80] = "GLOBAL_REQUEST", [81] = "REQUEST_SUCCESS",
	[82] = "REQUEST_FAILURE", [90] = "CHANNEL_OPEN",
	[91] = "CHANNEL_OPEN_CONFIRMATION", [92] = "CHANNEL_OPEN_FAILURE",
	[93] = "CHANNEL_WINDOW_ADJUST", [94] = "CHANNEL_DATA",
	[95] = "CHANNEL_EXTENDED_DATA", [96] = "CHANNEL_EOF",
	[97] = "CHANNEL_CLOSE", [98] = "CHANNEL_REQUEST",
	[99] = "CHANNEL_SUCCESS", [100] = "CHANNEL_FAILURE"
};

/* Messages 30 to 34 by method (RFC 4253 8, RFC 4419 5, RFC 5656 7.1). */
static const char *const kex_names[][5] = {
	[KEX_UNKNOWN] = { "KEXDH_INIT", "KEXDH_REPLY" },
	[KEX_DH] = { "KEXDH_INIT", "KEXDH_REPLY" },
	[KEX_GEX] = { "KEX_DH_GEX_REQUEST_OLD", "KEX_DH_GEX_GROUP",
	    "KEX_DH_GEX_INIT", "KEX_DH_GEX_REPLY", "KEX_DH_GEX_REQUEST" },
	[KEX_ECDH] = { "KEX_ECDH_INIT", "KEX_ECDH_REPLY" }
};

/* RFC 4250 section 4.2.2. */
static const char *const disconnect_names[] = {
	[1] = "HOST_NOT_ALLOWED_TO_CONNECT", [2] = "PROTOCOL_ERROR",
	[3] = "KEY_EXCHANGE_FAILED", [4] = "RESERVED", [5] = "MAC_ERROR",
	[6] = "COMPRESSION_ERROR", [7] = "SERVICE_NOT_AVAILABLE",
	[8] = "PROTOCOL_VERSION_NOT_SUPPORTED",
	[9] = "HOST_KEY_NOT_VERIFIABLE", [10] = "CONNECTION_LOST",
	[11] = "BY_APPLICATION", [12] = "TOO_MANY_CONNECTIONS",
	[13] = "AUTH_CANCELLED_BY_USER",
	[14] = "NO_MORE_AUTH_METHODS_AVAILABLE", [15] = "ILLEGAL_USER_NAME"
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* --- framing ----------------------------------------------------------- */

static int
ssh_probe(const uint8_t *p, size_t n)
{
	static const char v2[] = "SSH-2.0-", v199[] = "SSH-1.99-";

	if (n >= sizeof(v2) - 1 && memcmp(p, v2, sizeof(v2) - 1) == 0)
		return DECODE_YES;
	if (n >= sizeof(v199) - 1 && memcmp(p, v199, sizeof(v199) - 1) == 0)
		return DECODE_YES;
	return DECODE_NO;
}

/*
 * The identification string, or a line before it (RFC 4253 4.2: text
 * lines ended by CR LF, which a server may send first): its length up
 * to its LF.  A line before it is taken only once the identification
 * string is at hand too (so that random bytes on the port are not
 * taken for lines), in the first SSH_BANNER_MAX bytes; a control
 * character, or a line longer than SSH_LINE_MAX, is not a frame.
 */
static int64_t
line_len(const uint8_t *p, size_t n)
{
	size_t i, start = 0, first = 0;
	int ident = n >= 4 && memcmp(p, "SSH-", 4) == 0;

	for (i = 0; i < n && i < SSH_BANNER_MAX; i++) {
		if (i == start && start > 0 && n - i >= 4 &&
		    memcmp(p + i, "SSH-", 4) == 0)
			return (int64_t)first;
		if (p[i] == '\n') {
			if (ident)
				return (int64_t)i + 1;
			if (first == 0)
				first = i + 1;
			start = i + 1;
		} else if ((p[i] < 0x20 && p[i] != '\r' && p[i] != '\t') ||
		    p[i] == 0x7f || i - start >= SSH_LINE_MAX)
			return DECODE_NOT_FRAME;
	}
	return i < SSH_BANNER_MAX ? DECODE_MORE : DECODE_NOT_FRAME;
}

static int64_t
ssh_frame_len(void *state, int dir, const uint8_t *p, size_t n)
{
	struct ssh_dir *d = &((struct ssh_state *)state)->d[dir];
	uint32_t len;

	d->framed = 1;
	switch (d->phase) {
	case SSH_IDENT:
		return line_len(p, n);
	case SSH_CLEAR:
		if (n < 4)
			return DECODE_MORE;
		len = EXTRACT_BE_U_4(p);
		if (len < SSH_PACKET_MIN || len > SSH_PACKET_MAX)
			return DECODE_NOT_FRAME;
		return (int64_t)len + 4;
	default:
		/* Not cut: what there is, a packet's payload at a time. */
		return (int64_t)n;
	}
}

/* The offset of an identification string at the start of a line, or -1. */
static int64_t
ident_at(const uint8_t *p, size_t n)
{
	const uint8_t *q = p, *end = p + n, *nl;

	while (end - q >= 4) {
		if (memcmp(q, "SSH-", 4) == 0)
			return q - p;
		if ((nl = memchr(q, '\n', (size_t)(end - q))) == NULL)
			break;
		q = nl + 1;
	}
	return -1;
}

/*
 * Whether p starts a binary packet in the clear that key exchange
 * sends: its padding as section 6 asks (at least 4 bytes, the whole a
 * multiple of 8, the block size of no cipher) and a message of the
 * transport layer.
 */
static int
clear_packet_at(const uint8_t *p, size_t n)
{
	uint32_t len;

	if (n < 6)
		return 0;
	len = EXTRACT_BE_U_4(p);
	return len >= 12 && len <= SSH_PACKET_MAX && (len + 4) % 8 == 0 &&
	    p[4] >= 4 && p[4] < len && p[5] >= SSH_MSG_DISCONNECT &&
	    p[5] <= SSH_MSG_KEX_LAST;
}

/*
 * Out of step: the capture began mid-session, or bytes were lost, or
 * they were not SSH's.  An identification string, or a packet in the
 * clear where the bytes after the gap begin, is in step again.  Where
 * the capture saw the session begin, bytes that are no lines are not
 * SSH: an identification string is looked for (until the stream gives
 * up).  Otherwise the session is past its NEWKEYS (by far its longest
 * part), and taken as encrypted.
 */
static int64_t
ssh_resync(void *state, int dir, const uint8_t *p, size_t n)
{
	struct ssh_dir *d = &((struct ssh_state *)state)->d[dir];
	int64_t off;

	if (d->phase == SSH_OPAQUE)
		return 0;
	if ((off = ident_at(p, n)) >= 0) {
		d->phase = SSH_IDENT;
		return off;
	}
	if (n < 6)
		return -1;	/* too few bytes to tell */
	if (clear_packet_at(p, n)) {
		d->phase = SSH_CLEAR;
		return 0;
	}
	if (d->phase == SSH_IDENT && d->framed)
		return -1;
	d->phase = SSH_OPAQUE;
	d->why = "[no NEWKEYS seen: taken as encrypted]";
	return 0;
}

/* --- lines ------------------------------------------------------------- */

static void
ssh_line(struct ssh_dir *d, struct decode_frame *f)
{
	char buf[512];
	struct line l;
	size_t n = f->n;

	line_init(&l, buf, sizeof(buf));
	if (n > 0 && f->p[n - 1] == '\n' && f->n == f->total)
		n--;
	if (n > 0 && f->p[n - 1] == '\r' && f->n == f->total)
		n--;
	if (n >= 4 && memcmp(f->p, "SSH-", 4) == 0) {
		line_text(&l, "", f->p, n, 255, 0);
		if (ssh_probe(f->p, f->n) == DECODE_YES)
			d->phase = SSH_CLEAR;
		else {
			/* SSH-1's packets are another format. */
			d->phase = SSH_OPAQUE;
			d->v1 = d->marked = 1;
			line_add(&l, " [not SSH-2: not decoded]");
		}
	} else
		line_text(&l, "banner ", f->p, n, 80, 1);
	if (f->n < f->total)
		line_add(&l, " [truncated]");
	decode_summary(f, "%s", buf);
}

/* After NEWKEYS: how much, not what. */
static void
ssh_opaque(struct ssh_dir *d, struct decode_frame *f)
{
	if (!d->marked && d->why != NULL)
		decode_summary(f, "%s", d->why);
	d->marked = 1;
	decode_summary(f, "%s%llu bytes", d->v1 ? "" : "encrypted ",
	    (unsigned long long)f->total);
}

/* --- key exchange ------------------------------------------------------ */

static enum ssh_kex
kex_kind(const char *name, size_t len)
{
	static const struct {
		const char *prefix;
		enum ssh_kex kind;
	} kinds[] = {
		{ "diffie-hellman-group-exchange-", KEX_GEX },
		{ "diffie-hellman-", KEX_DH },
		{ "ecdh-sha2-", KEX_ECDH },
		{ "curve25519-", KEX_ECDH },
		{ "curve448-", KEX_ECDH },
		{ "sntrup761x25519-", KEX_ECDH },
		{ "mlkem768x25519-", KEX_ECDH },
	};
	size_t i, k;

	for (i = 0; i < NELEM(kinds); i++) {
		k = strlen(kinds[i].prefix);
		if (len >= k && memcmp(name, kinds[i].prefix, k) == 0)
			return kinds[i].kind;
	}
	return KEX_UNKNOWN;
}

/* Whether the name-list list (of len bytes) has the name. */
static int
list_has(const char *list, size_t len, const char *name, size_t nlen)
{
	const char *p = list, *end = list + len, *comma;

	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (comma == NULL)
			comma = end;
		if ((size_t)(comma - p) == nlen && memcmp(p, name, nlen) == 0)
			return 1;
		p = comma + 1;
	}
	return 0;
}

/*
 * Both KEXINITs seen: the method is the first of the client's that the
 * server has (RFC 4253 7.1).  The client is the side that connected,
 * known only if the capture saw the connection begin.
 */
static void
kex_choose(struct ssh_state *st, struct decode_frame *f)
{
	const struct ssh_dir *c = &st->d[0], *s = &st->d[1];
	const char *p = c->kex, *end = c->kex + c->kexlen, *comma;
	char name[SSH_KEX_KEEP * 4 + 4];

	if (!f->conv->start_seen)
		return;
	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (comma == NULL)
			comma = end;
		if (list_has(s->kex, s->kexlen, p, (size_t)(comma - p))) {
			st->kex = (uint8_t)kex_kind(p, (size_t)(comma - p));
			(void)text_escape(name, sizeof(name), p,
			    (size_t)(comma - p));
			decode_detail(f, "kex chosen %s", name);
			return;
		}
		p = comma + 1;
	}
}

/*
 * A string or name-list (RFC 4251 section 5), its bytes at *s, cut to
 * what there is; -1 if not even its length is there.
 */
static int64_t
ssh_string(struct fields *r, const uint8_t **s)
{
	uint32_t len = fields_be32(r);
	size_t have = fields_left(r);

	if (r->cut)
		return -1;
	*s = fields_take(r, len < have ? len : have);
	if (len > have)
		r->cut = 1;
	return len < have ? (int64_t)len : (int64_t)have;
}

/* At -v: a name-list, or (quoted) a text. */
static void
show_list(struct decode_frame *f, const char *what, const char *way,
    const uint8_t *s, int64_t len)
{
	char buf[SSH_LIST_SHOW + 64];
	struct line l;

	line_init(&l, buf, sizeof(buf));
	line_add(&l, "%s%s", what, way);
	line_text(&l, " ", s, (size_t)len, SSH_LIST_SHOW, 0);
	decode_detail(f, "%s", buf);
}

static void
show_text(struct decode_frame *f, const char *what, const uint8_t *s,
    int64_t len)
{
	char buf[SSH_LIST_SHOW + 64];
	struct line l;

	line_init(&l, buf, sizeof(buf));
	line_text(&l, what, s, (size_t)len, SSH_LIST_SHOW, 1);
	decode_detail(f, "%s", buf);
}

/* The kex_algorithms of a side's first KEXINIT, for kex_choose(). */
static void
kex_keep(struct ssh_state *st, struct decode_frame *f, const uint8_t *s,
    int64_t len)
{
	struct ssh_dir *d = &st->d[f->dir];

	if (d->kexinit)
		return;
	d->kexinit = 1;
	d->kexlen = (uint16_t)(len < SSH_KEX_KEEP ? len : SSH_KEX_KEEP);
	memcpy(d->kex, s, d->kexlen);
	if (st->d[!f->dir].kexinit)
		kex_choose(st, f);
}

/*
 * KEXINIT (section 7.1): a cookie, then ten name-lists: kex, host key,
 * then ciphers, MACs, compression and languages, each client to server
 * then server to client (one line at -v where both are the same).
 */
static void
ssh_kexinit(struct ssh_state *st, struct decode_frame *f, struct fields *r)
{
	static const char *const what[] = { "kex", "host key", "ciphers",
	    "MACs", "compression", "languages" };
	const uint8_t *s[10];
	int64_t len[10];
	int i, k;

	(void)fields_take(r, 16);
	for (i = 0; i < 10 && (len[i] = ssh_string(r, &s[i])) >= 0; i++)
		;
	for (k = 0; k < 2 && k < i; k++)
		show_list(f, what[k], "", s[k], len[k]);
	for (k = 2; k < i; k += 2) {
		if (k + 1 < i && len[k] == len[k + 1] &&
		    memcmp(s[k], s[k + 1], (size_t)len[k]) == 0) {
			if (len[k] > 0 || k < 8)
				show_list(f, what[k / 2 + 1], "", s[k],
				    len[k]);
			continue;
		}
		show_list(f, what[k / 2 + 1], " client to server", s[k],
		    len[k]);
		if (k + 1 < i)
			show_list(f, what[k / 2 + 1], " server to client",
			    s[k + 1], len[k + 1]);
	}
	if (i > 0)
		kex_keep(st, f, s[0], len[0]);
}

/*
 * The messages of the key exchange method (30 to 49): the host key's
 * and the signature's algorithms of the reply, the group's bounds of a
 * group exchange request.
 */
static void
ssh_kex_msg(struct ssh_state *st, struct decode_frame *f, unsigned msg,
    struct fields *r)
{
	struct fields blob;
	const uint8_t *s, *t;
	int64_t len, tlen;
	uint32_t lo, want, hi;
	unsigned reply = st->kex == KEX_GEX ? 33 : 31;

	if (st->kex == KEX_GEX && msg == 34) {
		lo = fields_be32(r);
		want = fields_be32(r);
		hi = fields_be32(r);
		if (!r->cut)
			decode_detail(f, "group bits min %u n %u max %u", lo,
			    want, hi);
	} else if (st->kex != KEX_GEX && msg == 30) {
		if ((len = ssh_string(r, &s)) >= 0)
			decode_detail(f, "public value %lld bytes",
			    (long long)len);
	} else if (msg == reply) {
		/* K_S, f or Q_S, then the signature, each a string. */
		if ((len = ssh_string(r, &s)) < 0)
			return;
		fields_init(&blob, s, (size_t)len);
		if ((tlen = ssh_string(&blob, &t)) >= 0)
			show_list(f, "host key", "", t, tlen);
		if (ssh_string(r, &s) < 0 || (len = ssh_string(r, &s)) < 0)
			return;
		fields_init(&blob, s, (size_t)len);
		if ((tlen = ssh_string(&blob, &t)) >= 0)
			show_list(f, "signature", "", t, tlen);
	}
}

static void
ssh_disconnect(struct line *l, struct decode_frame *f, struct fields *r)
{
	uint32_t reason = fields_be32(r);
	const uint8_t *s;
	int64_t len;

	if (r->cut)
		return;
	if (reason < NELEM(disconnect_names) &&
	    disconnect_names[reason] != NULL)
		line_add(l, " %s", disconnect_names[reason]);
	else
		line_add(l, " reason %u", reason);
	if ((len = ssh_string(r, &s)) >= 0)
		show_text(f, "description ", s, len);
}

static const char *
msg_name(const struct ssh_state *st, unsigned msg, char *buf, size_t size)
{
	if (msg >= SSH_MSG_KEX_FIRST && msg < SSH_MSG_KEX_FIRST + 5 &&
	    kex_names[st->kex][msg - SSH_MSG_KEX_FIRST] != NULL)
		return kex_names[st->kex][msg - SSH_MSG_KEX_FIRST];
	if (msg < NELEM(msg_names) && msg_names[msg] != NULL)
		return msg_names[msg];
	(void)snprintf(buf, size, "message %u", msg);
	return buf;
}

/* What a message says beyond its name. */
static void
ssh_message(struct ssh_state *st, struct decode_frame *f, unsigned msg,
    struct line *l, struct fields *r)
{
	const uint8_t *s;
	int64_t len;

	switch (msg) {
	case SSH_MSG_KEXINIT:
		ssh_kexinit(st, f, r);
		break;
	case SSH_MSG_NEWKEYS:
		st->d[f->dir].phase = SSH_OPAQUE;
		st->d[f->dir].marked = 1;
		line_add(l, " [encrypted from here]");
		break;
	case SSH_MSG_DISCONNECT:
		ssh_disconnect(l, f, r);
		break;
	case SSH_MSG_UNIMPLEMENTED:
		len = fields_be32(r);
		if (!r->cut)
			line_add(l, " seq %lld", (long long)len);
		break;
	case SSH_MSG_DEBUG:
		(void)fields_u8(r);
		if ((len = ssh_string(r, &s)) >= 0)
			show_text(f, "message ", s, len);
		break;
	case SSH_MSG_SERVICE_REQUEST:
	case SSH_MSG_SERVICE_ACCEPT:
		if ((len = ssh_string(r, &s)) >= 0)
			line_text(l, " ", s, (size_t)len, 64, 0);
		break;
	default:
		if (msg >= SSH_MSG_KEX_FIRST && msg <= SSH_MSG_KEX_LAST)
			ssh_kex_msg(st, f, msg, r);
	}
}

/* A binary packet in the clear (section 6; no MAC before NEWKEYS). */
static void
ssh_packet(struct ssh_state *st, struct decode_frame *f)
{
	char buf[512], name[32];
	struct fields r;
	struct line l;
	uint32_t len;
	unsigned pad, msg;

	fields_init(&r, f->p, f->n);
	len = fields_be32(&r);
	pad = fields_u8(&r);
	msg = fields_u8(&r);
	if (r.cut) {
		decode_summary(f, "[truncated]");
		return;
	}
	if (pad + 1 >= len) {
		decode_summary(f, "[padding_length %u in a packet of %u]", pad,
		    len);
		return;
	}
	/* The payload ends where the padding begins. */
	if (r.n > 4 + len - pad)
		r.n = 4 + len - pad;
	line_init(&l, buf, sizeof(buf));
	line_add(&l, "%s", msg_name(st, msg, name, sizeof(name)));
	ssh_message(st, f, msg, &l, &r);
	if (f->n < f->total)
		line_add(&l, " [truncated]");
	else if (r.cut)
		line_add(&l, " [malformed]");
	decode_summary(f, "%s", buf);
}

static void
ssh_one(struct ssh_state *st, struct decode_frame *f)
{
	struct ssh_dir *d = &st->d[f->dir];

	switch (d->phase) {
	case SSH_IDENT:
		ssh_line(d, f);
		break;
	case SSH_CLEAR:
		ssh_packet(st, f);
		break;
	default:
		ssh_opaque(d, f);
	}
}

/*
 * A frame: a line or packet of a STREAM (ssh_frame_len() cut it), or
 * what a SEQPACKET message holds: lines and packets, or other bytes.
 */
static void
ssh_frame(void *state, struct decode_frame *f)
{
	struct decode_frame g = *f;
	uint64_t off = 0;
	int64_t t;

	if (f->conv->type != VSOCK_TYPE_SEQPACKET) {
		ssh_one(state, f);
		return;
	}
	while (off < f->n) {
		t = ssh_frame_len(state, f->dir, f->p + off, f->n - off);
		if (t == DECODE_MORE && f->n < f->total) {
			decode_summary(f, "[truncated]");
			return;
		}
		if (t <= 0 || (uint64_t)t > f->total - off) {
			decode_summary(f, "[%llu bytes not ssh]",
			    (unsigned long long)(f->total - off));
			return;
		}
		g.p = f->p + off;
		g.n = (uint64_t)t < f->n - off ? (size_t)t : f->n - off;
		g.total = (uint64_t)t;
		ssh_one(state, &g);
		off += (uint64_t)t;
	}
}

const struct decoder decoder_ssh = {
	.name = "ssh",
	.label = "SSH",
	.rpc = RPC_NONE,
	.state_size = sizeof(struct ssh_state),
	.probe = ssh_probe,
	.sig_off = 0,
	.sig_byte = 'S',
	.frame_len = ssh_frame_len,
	.resync = ssh_resync,
	.frame = ssh_frame,
};
