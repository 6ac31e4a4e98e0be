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
 * The protocol buffers wire format (protobuf.h), as the Protocol
 * Buffers "Encoding" guide describes it: a message is a sequence of
 * fields, each a key (a varint: the field number, shifted left by 3,
 * and the wire type) and a value (a varint, 8 bytes, a varint length
 * and that many bytes, or 4 bytes).  Groups (wire types 3 and 4) are
 * proto2's, deprecated, and not read: they are malformed here.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "protobuf.h"

#define PB_VARINT_MAX	10	/* bytes of a 64-bit varint */
#define PB_NUM_MAX	((UINT32_C(1) << 29) - 1)

void
pb_init(struct pb_msg *m, const uint8_t *p, size_t have, uint64_t missing)
{
	m->p = p;
	m->have = have;
	m->missing = missing;
	m->depth = 0;
	m->status = PB_END;
}

/* Stops the message: PB_CUT if it goes on beyond the bytes at hand. */
static int
stop(struct pb_msg *m, int status)
{
	m->status = status;
	return status;
}

/* Passes n bytes at hand. */
static void
pass(struct pb_msg *m, size_t n)
{
	m->p += n;
	m->have -= n;
}

/* A varint; PB_FIELD, or PB_CUT or PB_BAD. */
static int
varint(struct pb_msg *m, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < PB_VARINT_MAX; i++) {
		if (i == m->have)
			return stop(m, m->missing > 0 ? PB_CUT : PB_BAD);
		/* The tenth byte holds the 64th bit, and no more. */
		if (i == PB_VARINT_MAX - 1 && m->p[i] > 1)
			break;
		x |= (uint64_t)(m->p[i] & 0x7f) << (7 * i);
		if ((m->p[i] & 0x80) == 0) {
			pass(m, i + 1);
			*v = x;
			return PB_FIELD;
		}
	}
	return stop(m, PB_BAD);
}

/*
 * A value of len bytes: f->p and f->n say what of it is at hand.
 * Longer than what is left of the message, it is malformed; cut by the
 * end of the bytes at hand, it is given as far as it goes.
 */
static int
bytes(struct pb_msg *m, struct pb_field *f, uint64_t len)
{
	if (len > m->have && len - m->have > m->missing)
		return stop(m, PB_BAD);
	f->p = m->p;
	if (len > m->have) {
		f->n = m->have;
		m->missing -= len - m->have;
		pass(m, m->have);
		m->status = PB_CUT;
		return PB_FIELD;
	}
	f->n = (size_t)len;
	pass(m, (size_t)len);
	return PB_FIELD;
}

static uint64_t
little_endian(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

int
pb_next(struct pb_msg *m, struct pb_field *f)
{
	uint64_t key;
	int r;

	if (m->status != PB_END)
		return m->status;
	if (m->have == 0)
		return stop(m, m->missing > 0 ? PB_CUT : PB_END);
	if ((r = varint(m, &key)) != PB_FIELD)
		return r;
	if (key >> 3 == 0 || key >> 3 > PB_NUM_MAX)
		return stop(m, PB_BAD);
	f->num = (uint32_t)(key >> 3);
	f->type = (int)(key & 7);
	f->p = NULL;
	f->n = 0;
	switch (f->type) {
	case PB_VARINT:
		return varint(m, &f->v);
	case PB_I64:
	case PB_I32:
		if ((r = bytes(m, f, f->type == PB_I64 ? 8 : 4)) != PB_FIELD)
			return r;
		if (m->status == PB_CUT)
			return PB_CUT;	/* a number is no use cut */
		f->v = little_endian(f->p, f->n);
		return PB_FIELD;
	case PB_LEN:
		if ((r = varint(m, &f->v)) != PB_FIELD)
			return r;
		return bytes(m, f, f->v);
	}
	return stop(m, PB_BAD);
}

int
pb_sub(const struct pb_msg *m, const struct pb_field *f, struct pb_msg *sub)
{
	if (m->depth >= PB_DEPTH_MAX)
		return PB_BAD;
	pb_init(sub, f->p, f->n, f->v - f->n);
	sub->depth = m->depth + 1;
	return 0;
}

int
pb_check(struct pb_msg *m)
{
	struct pb_field f;
	int r;

	while ((r = pb_next(m, &f)) == PB_FIELD)
		continue;
	return r;
}
