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
 * HPACK's decoder (src/hpack.c) against the examples of RFC 7541
 * Appendix C: integers (C.1), requests with Huffman strings (C.4),
 * responses with Huffman strings and evictions (C.6); symbols of every
 * code length of Appendix B, with their codes as the table gives them;
 * and the errors: integer overflow, bad padding, EOS, an index beyond
 * the table, a table size over the limit, a block cut short.
 *
 * Prints each failure and "hpack: N passed, N failed"; exit status 1
 * if any failed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpack.h"

static int passed, failed;

static void
check(int ok, const char *what)
{
	if (ok)
		passed++;
	else {
		failed++;
		printf("FAIL: %s\n", what);
	}
}

/* Hex digits (spaces ignored) to bytes; returns the count. */
static size_t
unhex(const char *s, uint8_t *out, size_t size)
{
	size_t n = 0;
	unsigned v;

	while (*s != '\0' && n < size) {
		if (*s == ' ') {
			s++;
			continue;
		}
		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* --- integers ---------------------------------------------------------- */

static void
integer(const char *hex, int prefix, int want_r, uint32_t want,
    const char *what)
{
	uint8_t b[16];
	const uint8_t *p = b;
	size_t n = unhex(hex, b, sizeof(b));
	uint32_t v = 0;
	int r;

	r = hpack_integer(&p, b + n, prefix, &v);
	check(r == want_r && (r != HPACK_OK ||
	    (v == want && p == b + n)), what);
}

static void
integers(void)
{
	/* C.1.1, C.1.2, C.1.3 */
	integer("0a", 5, HPACK_OK, 10, "C.1.1: 10, 5-bit prefix");
	integer("1f9a0a", 5, HPACK_OK, 1337, "C.1.2: 1337, 5-bit prefix");
	integer("2a", 8, HPACK_OK, 42, "C.1.3: 42, 8-bit prefix");
	/* The prefix's other bits are not the integer's. */
	integer("ea", 5, HPACK_OK, 10, "10 after 3 flag bits");
	integer("1fe0ffffff0f", 5, HPACK_OK, UINT32_MAX, "2^32-1");
	integer("1fe1ffffff0f", 5, HPACK_OVERFLOW, 0, "2^32: overflow");
	integer("1fffffffffffffff7f", 5, HPACK_OVERFLOW, 0,
	    "9 continuation bytes: overflow");
	integer("1f808080808000", 5, HPACK_OVERFLOW, 0,
	    "6 continuation bytes of 0: overflow");
	integer("1f9a", 5, HPACK_SHORT, 0, "cut in a continuation");
	integer("", 5, HPACK_SHORT, 0, "no byte");
}

/* --- Huffman ------------------------------------------------------------ */

static void
huffman(const char *hex, const char *want, int want_r, const char *what)
{
	uint8_t in[256], out[256];
	size_t n = unhex(hex, in, sizeof(in)), len = 0;
	int r;

	r = hpack_huffman(in, n, out, sizeof(out), &len);
	check(r == want_r && (r != HPACK_OK || (len == strlen(want) &&
	    memcmp(out, want, len) == 0)), what);
}

/* Symbols and their codes as Appendix B lists them: a length of each. */
static const struct {
	uint8_t sym;
	uint32_t code;
	int len;
} codes[] = {
	{ '0', 0x0, 5 }, { 't', 0x9, 5 }, { ' ', 0x14, 6 },
	{ 'u', 0x2d, 6 }, { ':', 0x5c, 7 }, { 'z', 0x7b, 7 },
	{ '&', 0xf8, 8 }, { 'Z', 0xfd, 8 }, { '!', 0x3f8, 10 },
	{ '\'', 0x7fa, 11 }, { '#', 0xffa, 12 }, { 0, 0x1ff8, 13 },
	{ '~', 0x1ffd, 13 }, { '^', 0x3ffc, 14 }, { '<', 0x7ffc, 15 },
	{ '{', 0x7ffe, 15 }, { '\\', 0x7fff0, 19 }, { 128, 0xfffe6, 20 },
	{ 153, 0x1fffdc, 21 }, { 129, 0x3fffd2, 22 }, { 1, 0x7fffd8, 23 },
	{ 135, 0x7fffd9, 23 }, { 9, 0xffffea, 24 }, { 142, 0xffffeb, 24 },
	{ 199, 0x1ffffec, 25 }, { 192, 0x3ffffe0, 26 },
	{ 255, 0x3ffffee, 26 }, { 203, 0x7ffffde, 27 },
	{ 127, 0xffffffc, 28 }, { 249, 0xffffffe, 28 },
	{ 10, 0x3ffffffc, 30 }, { 13, 0x3ffffffd, 30 },
	{ 22, 0x3ffffffe, 30 }
};

#define NCODES	(sizeof(codes) / sizeof(codes[0]))

/* All the codes above in one string, padded with 1s. */
static void
every_length(void)
{
	uint8_t in[256], out[256], want[NCODES];
	size_t n = 0, len = 0, i;
	unsigned used = 0;	/* bits in the last byte */
	int b, r;

	memset(in, 0, sizeof(in));
	for (i = 0; i < NCODES; i++) {
		want[i] = codes[i].sym;
		for (b = codes[i].len - 1; b >= 0; b--) {
			if (used == 8) {
				n++;
				used = 0;
			}
			in[n] |= (uint8_t)(((codes[i].code >> b) & 1) <<
			    (7 - used));
			used++;
		}
	}
	for (; used < 8; used++)
		in[n] |= (uint8_t)(1 << (7 - used));
	n++;
	r = hpack_huffman(in, n, out, sizeof(out), &len);
	check(r == HPACK_OK && len == NCODES && memcmp(out, want, len) == 0,
	    "Appendix B: a symbol of each code length");
	/* Room for fewer: the length is still the whole one. */
	r = hpack_huffman(in, n, out, 4, &len);
	check(r == HPACK_OK && len == NCODES && memcmp(out, want, 4) == 0,
	    "Huffman: cut to the room, length kept");
}

static void
huffmans(void)
{
	/* C.4.1 - C.4.3, C.6.1 - C.6.3: the strings. */
	huffman("f1e3c2e5f23a6ba0ab90f4ff", "www.example.com", HPACK_OK,
	    "C.4.1: www.example.com");
	huffman("a8eb10649cbf", "no-cache", HPACK_OK, "C.4.2: no-cache");
	huffman("25a849e95ba97d7f", "custom-key", HPACK_OK,
	    "C.4.3: custom-key");
	huffman("25a849e95bb8e8b4bf", "custom-value", HPACK_OK,
	    "C.4.3: custom-value");
	huffman("6402", "302", HPACK_OK, "C.6.1: 302");
	huffman("aec3771a4b", "private", HPACK_OK, "C.6.1: private");
	huffman("d07abe941054d444a8200595040b8166e082a62d1bff",
	    "Mon, 21 Oct 2013 20:13:21 GMT", HPACK_OK, "C.6.1: date");
	huffman("9d29ad171863c78f0b97c8e9ae82ae43d3",
	    "https://www.example.com", HPACK_OK, "C.6.1: location");
	huffman("640eff", "307", HPACK_OK, "C.6.2: 307");
	huffman("9bd9ab", "gzip", HPACK_OK, "C.6.3: gzip");
	huffman("94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5"
	    "291f9587316065c003ed4ee5b1063d5007",
	    "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
	    HPACK_OK, "C.6.3: set-cookie");
	huffman("", "", HPACK_OK, "empty string");
	every_length();
	/* 5.2: padding longer than 7 bits, not 1s, and EOS. */
	huffman("f1e3c2e5f23a6ba0ab90f4ffff", "", HPACK_PADDING,
	    "padding of 8 bits or more");
	huffman("18", "", HPACK_PADDING, "padding of 0s ('a' then 000)");
	huffman("ffffffff", "", HPACK_EOS, "EOS in the string");
	huffman("ff", "", HPACK_PADDING, "8 bits of 1s, no symbol");
}

/* --- header blocks ------------------------------------------------------ */

/* The fields of a block, as "name: value\n" lines. */
struct list {
	char	text[1024];
	size_t	len;
};

static void
collect(void *arg, const struct hpack_field *f)
{
	struct list *l = arg;
	int n;

	n = snprintf(l->text + l->len, sizeof(l->text) - l->len,
	    "%.*s: %.*s\n", f->name != NULL ? (int)f->nlen : 1,
	    f->name != NULL ? (const char *)f->name : "?",
	    f->value != NULL ? (int)f->vlen : 1,
	    f->value != NULL ? (const char *)f->value : "?");
	if (n > 0 && (size_t)n < sizeof(l->text) - l->len)
		l->len += (size_t)n;
}

/*
 * The block (hex) decoded by h gives the fields want, and leaves a
 * table of size bytes; or fails (want NULL) with the error err.
 */
static void
block(struct hpack *h, const char *hex, const char *want, uint32_t size,
    const char *err, const char *what)
{
	uint8_t b[512];
	size_t n = unhex(hex, b, sizeof(b));
	struct list l;
	int r;

	memset(&l, 0, sizeof(l));
	r = hpack_decode(h, b, n, collect, &l);
	if (want == NULL) {
		check(r < 0 && strcmp(h->error, err) == 0, what);
		if (r == 0 || strcmp(h->error, err) != 0)
			printf("  got %d \"%s\"\n", r, h->error);
		return;
	}
	check(r == 0 && strcmp(l.text, want) == 0 && h->size == size, what);
	if (r != 0 || strcmp(l.text, want) != 0 || h->size != size)
		printf("  got %d \"%s\", size %u:\n%s", r, h->error, h->size,
		    l.text);
}

static void
requests(void)
{
	struct hpack h;

	/* C.4: three requests on one connection. */
	hpack_init(&h);
	block(&h, "828684418cf1e3c2e5f23a6ba0ab90f4ff",
	    ":method: GET\n:scheme: http\n:path: /\n"
	    ":authority: www.example.com\n", 57, NULL, "C.4.1");
	block(&h, "828684be5886a8eb10649cbf",
	    ":method: GET\n:scheme: http\n:path: /\n"
	    ":authority: www.example.com\ncache-control: no-cache\n", 110,
	    NULL, "C.4.2");
	block(&h, "828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf",
	    ":method: GET\n:scheme: https\n:path: /index.html\n"
	    ":authority: www.example.com\ncustom-key: custom-value\n", 164,
	    NULL, "C.4.3");
	check(h.ent_count == 3, "C.4.3: 3 entries");
	hpack_free(&h);
}

static void
responses(void)
{
	struct hpack h;

	/* C.6: a table of 256 bytes, from which entries are evicted. */
	hpack_init(&h);
	hpack_set_limit(&h, 256);
	h.max_size = 256;
	block(&h, "488264025885aec3771a4b6196d07abe941054d444a8200595040b8166"
	    "e082a62d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3",
	    ":status: 302\ncache-control: private\n"
	    "date: Mon, 21 Oct 2013 20:13:21 GMT\n"
	    "location: https://www.example.com\n", 222, NULL, "C.6.1");
	block(&h, "4883640effc1c0bf",
	    ":status: 307\ncache-control: private\n"
	    "date: Mon, 21 Oct 2013 20:13:21 GMT\n"
	    "location: https://www.example.com\n", 222, NULL, "C.6.2");
	block(&h, "88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a83"
	    "9bd9ab77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab27"
	    "0fb5291f9587316065c003ed4ee5b1063d5007",
	    ":status: 200\ncache-control: private\n"
	    "date: Mon, 21 Oct 2013 20:13:22 GMT\n"
	    "location: https://www.example.com\ncontent-encoding: gzip\n"
	    "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; "
	    "version=1\n", 215, NULL, "C.6.3");
	check(h.ent_count == 3, "C.6.3: 3 entries");
	/* C.6.3's table: index 62 is the set-cookie, 64 the date. */
	block(&h, "bebfc0", "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; "
	    "max-age=3600; version=1\ncontent-encoding: gzip\n"
	    "date: Mon, 21 Oct 2013 20:13:22 GMT\n", 215, NULL,
	    "C.6.3's table by index");
	hpack_free(&h);
}

/* Each block on a new decoder, whose limit is limit. */
static void
fresh(const char *hex, uint32_t limit, const char *want, uint32_t size,
    const char *err, const char *what)
{
	struct hpack h;

	hpack_init(&h);
	hpack_set_limit(&h, limit);
	block(&h, hex, want, size, err, what);
	hpack_free(&h);
}

static void
errors(void)
{
	fresh("be", 4096, NULL, 0, "index 62 beyond the table (0 entries)",
	    "an index beyond the table");
	fresh("80", 4096, NULL, 0, "index 0", "index 0");
	fresh("3fe21f", 4096, NULL, 0, "table size 4097 over the limit 4096",
	    "a table size over the limit");
	fresh("3fe11f", 4096, "", 0, NULL, "a table size at the limit");
	fresh("3fd1a204", 1048576, NULL, 0,
	    "table size 70000 over the limit 65536",
	    "a table size over the cap");
	fresh("8220", 4096, NULL, 0, "table size update after a field",
	    "a table size update after a field");
	fresh("2082", 4096, ":method: GET\n", 0, NULL,
	    "a table size update, then a field");
	fresh("418cf1e3", 4096, NULL, 0, "string of 12 bytes beyond the block",
	    "a block cut in a string");
	fresh("7f", 4096, NULL, 0, "block ends inside a field",
	    "a block cut in an integer");
	fresh("407fffffffff0f", 4096, NULL, 0, "integer overflow",
	    "a string length over 2^32");
	fresh("4084ffffffff", 4096, NULL, 0, "EOS in a Huffman string",
	    "EOS in a name");
	fresh("4181ff", 4096, NULL, 0, "bad Huffman padding",
	    "bad padding in a value");
}

static void
evictions(void)
{
	struct hpack h;

	hpack_init(&h);
	/* A table of 64 bytes: one entry of 1 + 1 + 32. */
	block(&h, "3f21" "4001610161", "a: a\n", 34, NULL,
	    "a table of 64 bytes, one entry");
	/* 1 + 40 + 32 bytes: larger than the table, which it empties. */
	block(&h, "40016228" "3031323334353637383930313233343536373839"
	    "3031323334353637383930313233343536373839",
	    "b: 0123456789012345678901234567890123456789\n", 0, NULL,
	    "an entry larger than the table empties it");
	block(&h, "be", NULL, 0, "index 62 beyond the table (0 entries)",
	    "the table emptied");
	/* The second entry evicts the first. */
	block(&h, "4001630163" "4001640164" "be", "c: c\nd: d\nd: d\n", 34,
	    NULL, "the oldest entry evicted");
	block(&h, "bf", NULL, 0, "index 63 beyond the table (1 entries)",
	    "the evicted entry gone");
	hpack_free(&h);
}

static void
gap(void)
{
	struct hpack h;

	hpack_init(&h);
	block(&h, "4001610161", "a: a\n", 34, NULL, "before the gap");
	hpack_lost(&h);
	block(&h, "be", "?: ?\n", 0, NULL, "after a gap: an entry unknown");
	/* A new entry of an unknown name, its value known. */
	block(&h, "7e0178" "be" "bf", "?: x\n?: x\n?: ?\n", 33, NULL,
	    "after a gap: entries added are known");
	/* A table size of 0 empties the table: nothing is unknown. */
	block(&h, "20" "82", ":method: GET\n", 0, NULL,
	    "a table size of 0 after a gap");
	block(&h, "be", NULL, 0, "index 62 beyond the table (0 entries)",
	    "after the table emptied, an index beyond it is an error");
	hpack_free(&h);
}

/* The one field of a block. */
struct one {
	size_t	nlen, vlen;
	int	cut, n;
};

static void
keep_one(void *arg, const struct hpack_field *f)
{
	struct one *o = arg;

	o->nlen = f->nlen;
	o->vlen = f->vlen;
	o->cut = f->cut;
	o->n++;
}

/* A Huffman value of 6000 '0's (5 bits of 0 each) in 3750 bytes. */
static void
long_string(void)
{
	static uint8_t b[6 + 3750];
	struct hpack h;
	struct one o;
	int r;

	memcpy(b, "\x40\x01\x61\xff\xa7\x1c", 6);
	hpack_init(&h);
	memset(&o, 0, sizeof(o));
	r = hpack_decode(&h, b, sizeof(b), keep_one, &o);
	check(r == 0 && o.n == 1 && o.nlen == 1 && o.vlen == 4096 && o.cut,
	    "a string longer than the table: cut to its size");
	check(h.ent_count == 0 && h.size == 0,
	    "a string longer than the table: not added");
	hpack_free(&h);
}

int
main(void)
{
	integers();
	huffmans();
	requests();
	responses();
	errors();
	evictions();
	gap();
	long_string();
	printf("hpack: %d passed, %d failed\n", passed, failed);
	return failed > 0;
}
