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

#ifndef VSOCKDUMP_FIELDS_H
#define VSOCKDUMP_FIELDS_H

/*
 * For decoders: a frame's fields read without ever going past the bytes
 * at hand (a frame can be cut by a snaplen, a gap or the reassembly
 * bound: a read beyond them reads nothing and says so), and the line of
 * text they are written into, cut with "..." when it is full.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netdissect-stdinc.h"
#include "extract.h"
#include "text.h"

struct fields {
	const uint8_t	*p;
	size_t		n;		/* bytes at hand */
	size_t		off;		/* read so far */
	int		cut;		/* a read went past n */
};

static inline void
fields_init(struct fields *r, const uint8_t *p, size_t n)
{
	r->p = p;
	r->n = n;
	r->off = 0;
	r->cut = 0;
}

static inline size_t
fields_left(const struct fields *r)
{
	return r->n - r->off;
}

/* The next len bytes, or NULL (and r->cut) if they are not all there. */
static inline const uint8_t *
fields_take(struct fields *r, size_t len)
{
	const uint8_t *q;

	if (r->cut || len > r->n - r->off) {
		r->cut = 1;
		r->off = r->n;
		return NULL;
	}
	q = r->p + r->off;
	r->off += len;
	return q;
}

static inline uint8_t
fields_u8(struct fields *r)
{
	const uint8_t *q = fields_take(r, 1);

	return q == NULL ? 0 : q[0];
}

static inline uint16_t
fields_be16(struct fields *r)
{
	const uint8_t *q = fields_take(r, 2);

	return q == NULL ? 0 : EXTRACT_BE_U_2(q);
}

static inline uint32_t
fields_be24(struct fields *r)
{
	const uint8_t *q = fields_take(r, 3);

	return q == NULL ? 0 : EXTRACT_BE_U_3(q);
}

static inline uint32_t
fields_be32(struct fields *r)
{
	const uint8_t *q = fields_take(r, 4);

	return q == NULL ? 0 : EXTRACT_BE_U_4(q);
}

static inline uint16_t
fields_le16(struct fields *r)
{
	const uint8_t *q = fields_take(r, 2);

	return q == NULL ? 0 : EXTRACT_LE_U_2(q);
}

static inline uint32_t
fields_le32(struct fields *r)
{
	const uint8_t *q = fields_take(r, 4);

	return q == NULL ? 0 : EXTRACT_LE_U_4(q);
}

static inline uint64_t
fields_le64(struct fields *r)
{
	uint64_t lo = fields_le32(r);

	return (uint64_t)fields_le32(r) << 32 | lo;
}

/* A line of text: buf of size bytes, len used. */
struct line {
	char		*buf;
	size_t		size, len;
};

static inline void
line_init(struct line *l, char *buf, size_t size)
{
	l->buf = buf;
	l->size = size;
	l->len = 0;
	buf[0] = '\0';
}

static inline void
line_add(struct line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline void
line_add(struct line *l, const char *fmt, ...)
{
	size_t room = l->size - l->len;
	va_list ap;
	int n;

	if (room <= 4)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= room) {
		/* Full: end it with "...", once. */
		memcpy(l->buf + l->size - 4, "...", 4);
		l->len = l->size;
		return;
	}
	l->len += (size_t)n;
}

/*
 * n bytes from the wire as text (text_escape()), at most max
 * characters, after sep, in double quotes if quote.
 */
static inline void
line_text(struct line *l, const char *sep, const void *s, size_t n,
    size_t max, int quote)
{
	char t[256];

	if (max >= sizeof(t))
		max = sizeof(t) - 1;
	(void)text_escape(t, max + 1, s, n);
	line_add(l, quote ? "%s\"%s\"" : "%s%s", sep, t);
}

#endif /* VSOCKDUMP_FIELDS_H */
