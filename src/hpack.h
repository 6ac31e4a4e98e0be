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

#ifndef VSOCKDUMP_HPACK_H
#define VSOCKDUMP_HPACK_H

/*
 * HPACK, the header compression of HTTP/2 (RFC 7541), as a passive
 * decoder: one per direction of a connection, fed the header blocks
 * that direction sends, in order.  Memory is bounded: the dynamic
 * table by the size the peer allows (SETTINGS_HEADER_TABLE_SIZE) and
 * at most HPACK_TABLE_CAP, strings by the table's size.
 */

#include <stddef.h>
#include <stdint.h>

/* SETTINGS_HEADER_TABLE_SIZE's initial value (RFC 9113 6.5.2). */
#define HPACK_TABLE_DEFAULT	4096
/* The largest dynamic table followed; a larger one is an error here. */
#define HPACK_TABLE_CAP		65536

/* How a field was represented (RFC 7541 6). */
enum hpack_rep {
	HPACK_INDEXED,		/* 6.1 */
	HPACK_INCREMENTAL,	/* 6.2.1, added to the table */
	HPACK_WITHOUT,		/* 6.2.2, without indexing */
	HPACK_NEVER		/* 6.2.3, never indexed */
};

/*
 * A header field decoded.  Its name and value are valid until the next
 * field; a string longer than the decoder keeps (a Huffman string of
 * more than the table's size) is cut: nlen, vlen are what is at hand.
 * A field that refers to an entry added before a gap (hpack_lost()) is
 * not known: its name, or both, are NULL.
 */
struct hpack_field {
	const uint8_t	*name, *value;
	size_t		nlen, vlen;
	int		cut;
	enum hpack_rep	rep;
};

struct hpack_entry;

struct hpack {
	uint32_t	limit;		/* the peer's SETTINGS_HEADER_TABLE_SIZE */
	uint32_t	max_size;	/* the table's, as last updated */
	uint32_t	size;		/* of its entries, as 4.1 counts */
	int		partial;	/* older entries lost in a gap */
	/* The entries' names and values: the bytes [head, tail). */
	uint8_t		*arena;
	size_t		arena_cap, head, tail;
	/* The entries, a ring, oldest first. */
	struct hpack_entry *ent;
	size_t		ent_cap, ent_first, ent_count;
	/* Huffman-decoded strings: a name's room, then a value's. */
	uint8_t		*scratch;
	size_t		room;
	char		error[96];	/* why hpack_decode() failed */
};

extern void hpack_init(struct hpack *);
extern void hpack_free(struct hpack *);
/* The peer's SETTINGS_HEADER_TABLE_SIZE. */
extern void hpack_set_limit(struct hpack *, uint32_t);
/* Blocks were lost: entries before now are unknown. */
extern void hpack_lost(struct hpack *);

typedef void hpack_field_fn(void *arg, const struct hpack_field *);

/*
 * The header block of n bytes at p: each field to fn, in order.
 * Returns 0, or -1 with the reason in error: the decoder is then out of
 * step with the encoder, and should be fed no more.
 */
extern int hpack_decode(struct hpack *, const uint8_t *p, size_t n,
    hpack_field_fn *fn, void *arg);

/* The primitives, for tests: their results. */
#define HPACK_OK	0
#define HPACK_SHORT	(-1)	/* the input ends inside it */
#define HPACK_OVERFLOW	(-2)	/* an integer over UINT32_MAX */
#define HPACK_EOS	(-3)	/* Huffman: EOS inside a string */
#define HPACK_PADDING	(-4)	/* Huffman: padding not 1s, or 8 bits or more */

/*
 * An integer with a prefix of prefix bits (5.1) at *p (advanced past
 * it), before end.
 */
extern int hpack_integer(const uint8_t **p, const uint8_t *end, int prefix,
    uint32_t *v);
/*
 * The Huffman string of n bytes at p (5.2, Appendix B): its first room
 * bytes to out, its length to *len.
 */
extern int hpack_huffman(const uint8_t *p, size_t n, uint8_t *out,
    size_t room, size_t *len);

#endif /* VSOCKDUMP_HPACK_H */
