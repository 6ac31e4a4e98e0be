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

#ifndef VSOCKDUMP_JSON_H
#define VSOCKDUMP_JSON_H

/*
 * A small, bounded JSON reader (RFC 8259) for the decoders of JSON
 * protocols: where an object ends in a byte stream (scanned as its
 * bytes arrive, never twice), and the members and values of an object
 * at hand.  Nothing is allocated; nesting is bounded by JSON_DEPTH_MAX
 * when framing; values are slices of the bytes given, and a value that
 * runs past them is marked cut rather than read beyond.
 *
 * QEMU's JSON is accepted too: strings in single quotes (qmp-spec,
 * "Protocol Specification"), with the escape \'.
 */

#include <stddef.h>
#include <stdint.h>

/* Nesting deeper than this is not taken for a frame. */
#define JSON_DEPTH_MAX	64

/* json_object_len()'s answers besides a length. */
#define JSON_MORE	0		/* the object goes on past the bytes */
#define JSON_BAD	(-1)		/* not a JSON object */

/* Where the scan of an object's bytes stands, between calls. */
struct json_scan {
	size_t		off;		/* bytes scanned */
	uint64_t	kinds;		/* per open level, 1: object, 0: array */
	unsigned	depth;
	uint8_t		quote;		/* in a string: its quote, else 0 */
	uint8_t		escaped;	/* after a backslash in a string */
};

/*
 * The length of the object that starts at p[0] ('{'), of which n bytes
 * are at hand: the bytes up to its closing brace; JSON_MORE if it does
 * not end within them; JSON_BAD if the bytes cannot be one (brackets
 * that do not match, nesting beyond JSON_DEPTH_MAX, a control byte
 * outside a string, a 0xff byte, which is never in UTF-8 and resets
 * QEMU's parser).  Called again with more bytes (the same first ones),
 * it goes on from s; a zeroed s starts afresh.
 */
extern int64_t json_object_len(struct json_scan *s, const uint8_t *p,
    size_t n);

/* A value: its bytes, where a JSON text holds it. */
struct json_value {
	const uint8_t	*p;		/* NULL: none */
	size_t		n;
	int		cut;		/* it runs past the bytes at hand */
};

/* The kinds of values, by their first byte. */
#define JSON_NONE	0
#define JSON_OBJECT	'{'
#define JSON_ARRAY	'['
#define JSON_STRING	'"'
#define JSON_SCALAR	'1'		/* a number, true, false or null */

extern int json_type(const struct json_value *);

/* The members of an object, in their order. */
struct json_iter {
	const uint8_t	*p;
	size_t		n, pos;
};

extern void json_members(struct json_iter *, const struct json_value *obj);
/* The next member: 1 and its key and value, or 0 at the end. */
extern int json_next(struct json_iter *, struct json_value *key,
    struct json_value *value);
/* Whether a key (a string) is name. */
extern int json_key_is(const struct json_value *key, const char *name);
/* The value of the member called name of obj: 1, or 0 (and no value). */
extern int json_member(const struct json_value *obj, const char *name,
    struct json_value *value);

/*
 * A string's text, its escapes undone (\uXXXX as UTF-8), in dst: at
 * most size - 1 bytes, then a NUL.  Returns the length; *cut (if not
 * NULL) says whether the text was longer than that or ran past the
 * bytes at hand.
 */
extern size_t json_string(const struct json_value *, char *dst,
    size_t size, int *cut);

/*
 * A value as compact JSON: its text without the white space between
 * tokens, at most size - 1 bytes, then a NUL.  Returns the length;
 * *cut as for json_string().
 */
extern size_t json_compact(const struct json_value *, char *dst,
    size_t size, int *cut);

#endif /* VSOCKDUMP_JSON_H */
