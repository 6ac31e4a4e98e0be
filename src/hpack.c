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
 * HPACK decoding (hpack.h), from RFC 7541: integers (5.1), string
 * literals and their Huffman code (5.2, Appendix B), the static table
 * (Appendix A), the dynamic table and its size updates (2.3, 4, 6.3),
 * the field representations (6).
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "hpack.h"

/* What an entry costs besides its name and value (4.1). */
#define ENTRY_OVERHEAD	32
/* An integer has at most this many continuation bytes below 2^32. */
#define INTEGER_BYTES	5

struct hpack_entry {
	uint32_t	off;		/* of its name, then its value */
	uint32_t	nlen, vlen;
	int		name_known;
};

/* --- Huffman code (Appendix B) ----------------------------------------- */

/*
 * The code of Appendix B is canonical: the codes of one length are
 * consecutive numbers given in the order of their symbols, and the
 * first code of a length follows the last of the length before,
 * shifted.  So the symbols in that order and the number of codes of
 * each length are the whole table.  EOS (256) is the code of 30 1s.
 */
#define HUFF_EOS	256
#define HUFF_LEN_MAX	30

static const uint8_t huff_count[HUFF_LEN_MAX + 1] = {
	0, 0, 0, 0, 0, 10, 26, 32, 6, 0, 5, 3, 2, 6, 2, 3,	/* 0-15 */
	0, 0, 0, 3, 8, 13, 26, 29, 12, 4, 15, 19, 29, 0, 4	/* 16-30 */
};

static const uint16_t huff_sym[HUFF_EOS + 1] = {
	/* 5 bits */
	'0', '1', '2', 'a', 'c', 'e', 'i', 'o', 's', 't',
	/* 6 bits */
	' ', '%', '-', '.', '/', '3', '4', '5', '6', '7', '8', '9', '=',
	'A', '_', 'b', 'd', 'f', 'g', 'h', 'l', 'm', 'n', 'p', 'r', 'u',
	/* 7 bits */
	':', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M',
	'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'Y', 'j', 'k',
	'q', 'v', 'w', 'x', 'y', 'z',
	/* 8 bits */
	'&', '*', ',', ';', 'X', 'Z',
	/* 10 bits */
	'!', '"', '(', ')', '?',
	/* 11 bits */
	'\'', '+', '|',
	/* 12 bits */
	'#', '>',
	/* 13 bits */
	0, '$', '@', '[', ']', '~',
	/* 14 bits */
	'^', '}',
	/* 15 bits */
	'<', '`', '{',
	/* 19 bits */
	'\\', 195, 208,
	/* 20 bits */
	128, 130, 131, 162, 184, 194, 224, 226,
	/* 21 bits */
	153, 161, 167, 172, 176, 177, 179, 209, 216, 217, 227, 229, 230,
	/* 22 bits */
	129, 132, 133, 134, 136, 146, 154, 156, 160, 163, 164, 169, 170,
	173, 178, 181, 185, 186, 187, 189, 190, 196, 198, 228, 232, 233,
	/* 23 bits */
	1, 135, 137, 138, 139, 140, 141, 143, 147, 149, 150, 151, 152,
	155, 157, 158, 165, 166, 168, 174, 175, 180, 182, 183, 188, 191,
	197, 231, 239,
	/* 24 bits */
	9, 142, 144, 145, 148, 159, 171, 206, 215, 225, 236, 237,
	/* 25 bits */
	199, 207, 234, 235,
	/* 26 bits */
	192, 193, 200, 201, 202, 205, 210, 213, 218, 219, 238, 240, 242,
	243, 255,
	/* 27 bits */
	203, 204, 211, 212, 214, 221, 222, 223, 241, 244, 245, 246, 247,
	248, 250, 251, 252, 253, 254,
	/* 28 bits */
	2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 23,
	24, 25, 26, 27, 28, 29, 30, 31, 127, 220, 249,
	/* 30 bits */
	10, 13, 22, HUFF_EOS
};

/*
 * The codes of at most 8 bits (the 74 commonest symbols) by the byte
 * they begin: the symbol and the code's length, 0 where a longer code
 * begins.  Made from the table above at the first string.
 */
#define HUFF_FAST_BITS	8

static uint16_t huff_fast[1 << HUFF_FAST_BITS];	/* symbol << 4 | length */
static int huff_fast_made;

static void
huff_fast_make(void)
{
	uint32_t code = 0, c, k;
	unsigned len, index = 0, i;

	for (len = 1; len <= HUFF_FAST_BITS; len++) {
		for (i = 0; i < huff_count[len]; i++, code++) {
			c = code << (HUFF_FAST_BITS - len);
			for (k = 0; k < 1U << (HUFF_FAST_BITS - len); k++)
				huff_fast[c + k] = (uint16_t)(huff_sym[index] <<
				    4 | len);
			index++;
		}
		code <<= 1;
	}
	huff_fast_made = 1;
}

/*
 * The symbol whose code begins the have bits of acc (from its top), as
 * symbol << 5 | length; -1 if they hold none.  Bit by bit: code holds
 * the bits read, first the first code of their length, index the place
 * of its symbol.  A code that is not one of this length is at least
 * the first of the next, once shifted, so code - first never wraps.
 */
static int32_t
huff_slow(uint64_t acc, unsigned have)
{
	uint32_t code = 0, first = 0;
	unsigned bits, index = 0;

	for (bits = 1; bits <= have && bits <= HUFF_LEN_MAX; bits++) {
		code = code << 1 | (uint32_t)(acc >> (64 - bits) & 1);
		if (code - first < huff_count[bits])
			return (int32_t)huff_sym[index + code - first] << 5 |
			    (int32_t)bits;
		index += huff_count[bits];
		first = (first + huff_count[bits]) << 1;
	}
	return -1;
}

/*
 * The bits are read from acc, its top first, refilled a byte at a time;
 * a byte that begins with a short code is decoded by one look-up.
 */
int
hpack_huffman(const uint8_t *p, size_t n, uint8_t *out, size_t room,
    size_t *len)
{
	uint64_t acc = 0;
	unsigned have = 0, sym, bits;
	size_t i = 0, k = 0;
	int32_t r;

	if (!huff_fast_made)
		huff_fast_make();
	for (;;) {
		for (; have <= 56 && i < n; have += 8)
			acc |= (uint64_t)p[i++] << (56 - have);
		if (have >= HUFF_FAST_BITS && huff_fast[acc >> 56] != 0) {
			sym = huff_fast[acc >> 56] >> 4;
			bits = huff_fast[acc >> 56] & 15;
		} else if ((r = huff_slow(acc, have)) >= 0) {
			sym = (unsigned)r >> 5;
			bits = (unsigned)r & 31;
		} else
			break;		/* the end: what is left pads */
		if (sym == HUFF_EOS)
			return HPACK_EOS;
		if (k < room)
			out[k] = (uint8_t)sym;
		k++;
		acc <<= bits;
		have -= bits;
	}
	*len = k;
	/* Padding (5.2): the first bits of EOS, fewer than 8. */
	if (have > 7 || (have > 0 && acc >> (64 - have) != (1U << have) - 1))
		return HPACK_PADDING;
	return HPACK_OK;
}

/* --- integers (5.1) --------------------------------------------------- */

int
hpack_integer(const uint8_t **p, const uint8_t *end, int prefix,
    uint32_t *v)
{
	const uint8_t *q = *p;
	uint32_t mask = (1U << prefix) - 1;
	uint64_t value;
	unsigned shift = 0, i;

	if (q >= end)
		return HPACK_SHORT;
	value = *q++ & mask;
	if (value == mask) {
		for (i = 0;; i++) {
			if (q >= end)
				return HPACK_SHORT;
			if (i == INTEGER_BYTES)
				return HPACK_OVERFLOW;
			value += (uint64_t)(*q & 0x7f) << shift;
			shift += 7;
			if ((*q++ & 0x80) == 0)
				break;
		}
		if (value > UINT32_MAX)
			return HPACK_OVERFLOW;
	}
	*v = (uint32_t)value;
	*p = q;
	return HPACK_OK;
}

/* --- the static table (Appendix A) ------------------------------------- */

static const struct {
	const char *name, *value;
} static_table[] = {
	{ ":authority", "" },			/* 1 */
	{ ":method", "GET" },
	{ ":method", "POST" },
	{ ":path", "/" },
	{ ":path", "/index.html" },
	{ ":scheme", "http" },
	{ ":scheme", "https" },
	{ ":status", "200" },
	{ ":status", "204" },
	{ ":status", "206" },			/* 10 */
	{ ":status", "304" },
	{ ":status", "400" },
	{ ":status", "404" },
	{ ":status", "500" },
	{ "accept-charset", "" },
	{ "accept-encoding", "gzip, deflate" },
	{ "accept-language", "" },
	{ "accept-ranges", "" },
	{ "accept", "" },
	{ "access-control-allow-origin", "" },	/* 20 */
	{ "age", "" },
	{ "allow", "" },
	{ "authorization", "" },
	{ "cache-control", "" },
	{ "content-disposition", "" },
	{ "content-encoding", "" },
	{ "content-language", "" },
	{ "content-length", "" },
	{ "content-location", "" },
	{ "content-range", "" },		/* 30 */
	{ "content-type", "" },
	{ "cookie", "" },
	{ "date", "" },
	{ "etag", "" },
	{ "expect", "" },
	{ "expires", "" },
	{ "from", "" },
	{ "host", "" },
	{ "if-match", "" },
	{ "if-modified-since", "" },		/* 40 */
	{ "if-none-match", "" },
	{ "if-range", "" },
	{ "if-unmodified-since", "" },
	{ "last-modified", "" },
	{ "link", "" },
	{ "location", "" },
	{ "max-forwards", "" },
	{ "proxy-authenticate", "" },
	{ "proxy-authorization", "" },
	{ "range", "" },			/* 50 */
	{ "referer", "" },
	{ "refresh", "" },
	{ "retry-after", "" },
	{ "server", "" },
	{ "set-cookie", "" },
	{ "strict-transport-security", "" },
	{ "transfer-encoding", "" },
	{ "user-agent", "" },
	{ "vary", "" },
	{ "via", "" },				/* 60 */
	{ "www-authenticate", "" }
};

#define STATIC_ENTRIES	(sizeof(static_table) / sizeof(static_table[0]))

/* --- the dynamic table (2.3.2, 4) -------------------------------------- */

void
hpack_init(struct hpack *h)
{
	memset(h, 0, sizeof(*h));
	h->limit = HPACK_TABLE_DEFAULT;
	h->max_size = HPACK_TABLE_DEFAULT;
}

void
hpack_free(struct hpack *h)
{
	free(h->arena);
	free(h->ent);
	free(h->scratch);
	hpack_init(h);
}

void
hpack_set_limit(struct hpack *h, uint32_t limit)
{
	h->limit = limit;
}

static void
table_clear(struct hpack *h)
{
	h->ent_first = h->ent_count = 0;
	h->head = h->tail = 0;
	h->size = 0;
}

void
hpack_lost(struct hpack *h)
{
	/* Entries added since would be numbered after the lost ones. */
	table_clear(h);
	h->partial = 1;
}

static struct hpack_entry *
entry(const struct hpack *h, size_t i)	/* 0: the oldest */
{
	return &h->ent[(h->ent_first + i) % h->ent_cap];
}

static void
evict_oldest(struct hpack *h)
{
	struct hpack_entry *e = entry(h, 0);

	h->size -= e->nlen + e->vlen + ENTRY_OVERHEAD;
	h->ent_first = (h->ent_first + 1) % h->ent_cap;
	h->ent_count--;
	h->head = h->ent_count == 0 ? h->tail : entry(h, 0)->off;
}

static void
evict_to(struct hpack *h, uint64_t size)
{
	while (h->ent_count > 0 && h->size > size)
		evict_oldest(h);
}

/* The table's bytes moved to the start of the arena. */
static void
compact(struct hpack *h)
{
	size_t i;

	if (h->head == 0)
		return;
	memmove(h->arena, h->arena + h->head, h->tail - h->head);
	for (i = 0; i < h->ent_count; i++)
		entry(h, i)->off -= (uint32_t)h->head;
	h->tail -= h->head;
	h->head = 0;
}

/*
 * Room for a table of max_size: an arena of twice that, so that its
 * bytes are moved at most once for each max_size bytes added, and a
 * ring of as many entries as fit.
 */
static void
reserve(struct hpack *h)
{
	size_t bytes = 2 * (size_t)h->max_size, n, i;
	struct hpack_entry *ring;

	if (bytes > h->arena_cap) {
		compact(h);
		h->arena = xrealloc(h->arena, bytes);
		h->arena_cap = bytes;
	}
	n = h->max_size / ENTRY_OVERHEAD + 1;
	if (n > h->ent_cap) {
		ring = xrealloc(NULL, n * sizeof(*ring));
		for (i = 0; i < h->ent_count; i++)
			ring[i] = *entry(h, i);
		free(h->ent);
		h->ent = ring;
		h->ent_cap = n;
		h->ent_first = 0;
	}
}

/*
 * Adds an entry (4.4): the oldest go until it fits; one larger than the
 * table empties it.  An unknown name (partial) counts as empty, so that
 * the entries known are not evicted before the encoder's.
 */
static void
insert(struct hpack *h, const uint8_t *name, uint64_t nlen, int name_known,
    const uint8_t *value, uint64_t vlen)
{
	uint64_t esize = nlen + vlen + ENTRY_OVERHEAD;
	struct hpack_entry *e;

	evict_to(h, esize > h->max_size ? 0 : h->max_size - esize);
	if (esize > h->max_size) {
		h->partial = 0;		/* whatever was lost is gone */
		return;
	}
	reserve(h);
	if (h->tail + nlen + vlen > h->arena_cap)
		compact(h);
	e = &h->ent[(h->ent_first + h->ent_count) % h->ent_cap];
	e->off = (uint32_t)h->tail;
	e->nlen = (uint32_t)nlen;
	e->vlen = (uint32_t)vlen;
	e->name_known = name_known;
	if (nlen > 0)
		memcpy(h->arena + h->tail, name, nlen);
	if (vlen > 0)
		memcpy(h->arena + h->tail + nlen, value, vlen);
	h->tail += nlen + vlen;
	h->size += (uint32_t)esize;
	h->ent_count++;
}

/* --- header blocks (3, 6) ---------------------------------------------- */

static int
fail(struct hpack *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct hpack *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(h->error, sizeof(h->error), fmt, ap);
	va_end(ap);
	return -1;
}

static int
fail_code(struct hpack *h, int code)
{
	switch (code) {
	case HPACK_SHORT:
		return fail(h, "block ends inside a field");
	case HPACK_OVERFLOW:
		return fail(h, "integer overflow");
	case HPACK_EOS:
		return fail(h, "EOS in a Huffman string");
	default:
		return fail(h, "bad Huffman padding");
	}
}

/* A string as a field shows it, and its length as the table counts it. */
struct string {
	const uint8_t	*p;
	size_t		n;
	uint64_t	len;
	int		in_table;	/* p is in the dynamic table */
};

/*
 * The name (0) or value (1) of the entry at index, with p NULL if the
 * entry was lost in a gap; -1 if there is none.
 */
static int
lookup(struct hpack *h, uint32_t index, int which, struct string *s)
{
	struct hpack_entry *e;
	const char *t;
	size_t i;

	if (index == 0)
		return fail(h, "index 0");
	if (index <= STATIC_ENTRIES) {
		t = which == 0 ? static_table[index - 1].name :
		    static_table[index - 1].value;
		s->p = (const uint8_t *)t;
		s->n = s->len = strlen(t);
		s->in_table = 0;
		return 0;
	}
	i = index - STATIC_ENTRIES - 1;		/* 0: the newest */
	s->p = NULL;
	s->n = s->len = 0;
	s->in_table = 1;
	if (i >= h->ent_count)
		return h->partial ? 0 : fail(h, "index %u beyond the table "
		    "(%zu entries)", index, h->ent_count);
	e = entry(h, h->ent_count - 1 - i);
	if (which == 1) {
		s->p = h->arena + e->off + e->nlen;
		s->n = s->len = e->vlen;
	} else if (e->name_known) {
		s->p = h->arena + e->off;
		s->n = s->len = e->nlen;
	}
	return 0;
}

/* A string literal (5.2); a Huffman one is decoded at room. */
static int
string(struct hpack *h, const uint8_t **q, const uint8_t *end,
    uint8_t *room, struct string *s)
{
	uint32_t n;
	size_t len;
	int huffman = **q & 0x80, r;

	if ((r = hpack_integer(q, end, 7, &n)) != HPACK_OK)
		return fail_code(h, r);
	if (n > (size_t)(end - *q))
		return fail(h, "string of %u bytes beyond the block", n);
	s->in_table = 0;
	if (!huffman) {
		s->p = *q;
		s->n = s->len = n;
	} else {
		if ((r = hpack_huffman(*q, n, room, h->room, &len)) !=
		    HPACK_OK)
			return fail_code(h, r);
		s->p = room;
		s->len = len;
		s->n = len < h->room ? len : h->room;
	}
	*q += n;
	return 0;
}

/*
 * Adds the field to the table.  A name taken from the table is copied
 * out first: evicting and moving entries may overwrite it.
 */
static void
add(struct hpack *h, struct string *name, const struct string *value)
{
	if (name->in_table && name->p != NULL) {
		name->n = name->n < h->room ? name->n : h->room;
		memcpy(h->scratch, name->p, name->n);
		name->p = h->scratch;
	}
	insert(h, name->p, name->len, name->p != NULL, value->p, value->len);
}

/* A field (6.1, 6.2) at *q. */
static int
field(struct hpack *h, const uint8_t **q, const uint8_t *end,
    struct hpack_field *f)
{
	struct string name, value;
	uint32_t index;
	int prefix, r;

	if (**q & 0x80) {
		f->rep = HPACK_INDEXED;
		prefix = 7;
	} else if (**q & 0x40) {
		f->rep = HPACK_INCREMENTAL;
		prefix = 6;
	} else {
		f->rep = **q & 0x10 ? HPACK_NEVER : HPACK_WITHOUT;
		prefix = 4;
	}
	if ((r = hpack_integer(q, end, prefix, &index)) != HPACK_OK)
		return fail_code(h, r);
	if (f->rep == HPACK_INDEXED) {
		if (lookup(h, index, 0, &name) < 0 ||
		    lookup(h, index, 1, &value) < 0)
			return -1;
	} else {
		if ((index == 0 ? string(h, q, end, h->scratch, &name) :
		    lookup(h, index, 0, &name)) < 0)
			return -1;
		if (string(h, q, end, h->scratch + h->room, &value) < 0)
			return -1;
		if (f->rep == HPACK_INCREMENTAL)
			add(h, &name, &value);
	}
	f->name = name.p;
	f->nlen = name.n;
	f->value = value.p;
	f->vlen = value.n;
	f->cut = name.n < name.len || value.n < value.len;
	return 0;
}

/* A dynamic table size update (6.3) at *q. */
static int
size_update(struct hpack *h, const uint8_t **q, const uint8_t *end)
{
	uint32_t v, cap = h->limit < HPACK_TABLE_CAP ? h->limit :
	    HPACK_TABLE_CAP;
	int r;

	if ((r = hpack_integer(q, end, 5, &v)) != HPACK_OK)
		return fail_code(h, r);
	if (v > cap)
		return fail(h, "table size %u over the limit %u", v, cap);
	h->max_size = v;
	evict_to(h, v);
	if (v == 0)
		h->partial = 0;		/* empty: nothing is unknown */
	return 0;
}

/*
 * Strings are decoded in a room as large as the table can be: one that
 * does not fit would not fit in the table either, and is shown cut.
 */
static void
make_room(struct hpack *h)
{
	size_t need = h->limit < HPACK_TABLE_CAP ? h->limit : HPACK_TABLE_CAP;

	if (need < h->max_size)
		need = h->max_size;
	if (need < HPACK_TABLE_DEFAULT)
		need = HPACK_TABLE_DEFAULT;
	if (need > h->room) {
		h->scratch = xrealloc(h->scratch, 2 * need);
		h->room = need;
	}
}

int
hpack_decode(struct hpack *h, const uint8_t *p, size_t n,
    hpack_field_fn *fn, void *arg)
{
	const uint8_t *q = p, *end = p + n;
	struct hpack_field f;
	int fields = 0;

	h->error[0] = '\0';
	make_room(h);
	while (q < end) {
		if ((*q & 0xe0) == 0x20) {
			/* 4.2: only at the start of a block. */
			if (fields > 0)
				return fail(h, "table size update after a "
				    "field");
			if (size_update(h, &q, end) < 0)
				return -1;
			continue;
		}
		if (field(h, &q, end, &f) < 0)
			return -1;
		fields++;
		fn(arg, &f);
	}
	return 0;
}
