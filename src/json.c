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
 * The bounded JSON reader (json.h), from RFC 8259: section 2 (the
 * structural characters, white space), 7 (strings and their escapes).
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "json.h"

/* Text written into a buffer of max bytes (and a NUL), cut when full. */
struct text_out {
	char		*p;
	size_t		len, max;
	int		cut;
};

static int
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t
skip_space(const uint8_t *p, size_t n, size_t pos)
{
	while (pos < n && is_space(p[pos]))
		pos++;
	return pos;
}

/* --- framing ----------------------------------------------------------- */

/*
 * A byte of an object outside its strings: JSON_MORE to go on, 1 when
 * it closes the object, or JSON_BAD.
 */
static int
scan_structure(struct json_scan *s, uint8_t c)
{
	switch (c) {
	case '{':
	case '[':
		if (s->depth >= JSON_DEPTH_MAX)
			return JSON_BAD;
		s->kinds = (s->kinds << 1) | (c == '{');
		s->depth++;
		return JSON_MORE;
	case '}':
	case ']':
		if (s->depth == 0 || (s->kinds & 1) != (c == '}'))
			return JSON_BAD;
		s->kinds >>= 1;
		return --s->depth == 0 ? 1 : JSON_MORE;
	case '"':
	case '\'':
		s->quote = c;
		return JSON_MORE;
	}
	if (c == 0xff || (c < 0x20 && !is_space(c)))
		return JSON_BAD;
	return JSON_MORE;
}

int64_t
json_object_len(struct json_scan *s, const uint8_t *p, size_t n)
{
	size_t i;
	int r;

	if (s->off == 0 && n > 0 && p[0] != '{')
		return JSON_BAD;
	for (i = s->off; i < n; i++) {
		if (s->quote == 0) {
			if ((r = scan_structure(s, p[i])) == JSON_BAD)
				return JSON_BAD;
			if (r == 1) {
				s->off = i + 1;
				return (int64_t)(i + 1);
			}
		} else if (p[i] == 0xff)
			return JSON_BAD;
		else if (s->escaped)
			s->escaped = 0;
		else if (p[i] == '\\')
			s->escaped = 1;
		else if (p[i] == s->quote)
			s->quote = 0;
	}
	s->off = n;
	return JSON_MORE;
}

/* --- values ------------------------------------------------------------ */

/* Past the string whose quote is at p[pos]; n and *cut if it runs on. */
static size_t
string_end(const uint8_t *p, size_t n, size_t pos, int *cut)
{
	uint8_t quote = p[pos];
	size_t i;

	for (i = pos + 1; i < n; i++) {
		if (p[i] == '\\')
			i++;
		else if (p[i] == quote)
			return i + 1;
	}
	*cut = 1;
	return n;
}

/* Past the object or array at p[pos] (no bound on nesting: a count). */
static size_t
container_end(const uint8_t *p, size_t n, size_t pos, int *cut)
{
	size_t depth = 0, i;

	for (i = pos; i < n; i++) {
		switch (p[i]) {
		case '"':
		case '\'':
			i = string_end(p, n, i, cut) - 1;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return i + 1;
			break;
		}
	}
	*cut = 1;
	return n;
}

/* Past the value at p[pos]: pos itself if none starts there. */
static size_t
value_end(const uint8_t *p, size_t n, size_t pos, int *cut)
{
	static const char delimiters[] = ",:{}[]\"'";
	size_t i;

	if (p[pos] == '"' || p[pos] == '\'')
		return string_end(p, n, pos, cut);
	if (p[pos] == '{' || p[pos] == '[')
		return container_end(p, n, pos, cut);
	for (i = pos; i < n; i++)
		if (is_space(p[i]) ||
		    memchr(delimiters, p[i], sizeof(delimiters) - 1) != NULL)
			return i;
	*cut = 1;
	return n;
}

int
json_type(const struct json_value *v)
{
	if (v->p == NULL || v->n == 0)
		return JSON_NONE;
	switch (v->p[0]) {
	case '{':
		return JSON_OBJECT;
	case '[':
		return JSON_ARRAY;
	case '"':
	case '\'':
		return JSON_STRING;
	}
	return JSON_SCALAR;
}

void
json_members(struct json_iter *it, const struct json_value *obj)
{
	it->p = obj->p;
	it->n = obj->n;
	it->pos = json_type(obj) == JSON_OBJECT ? 1 : obj->n;
}

int
json_next(struct json_iter *it, struct json_value *key,
    struct json_value *value)
{
	const uint8_t *p = it->p;
	size_t n = it->n, pos = skip_space(p, n, it->pos), end;
	int cut = 0;

	if (pos < n && p[pos] == ',')
		pos = skip_space(p, n, pos + 1);
	if (pos >= n || (p[pos] != '"' && p[pos] != '\''))
		return 0;
	end = string_end(p, n, pos, &cut);
	key->p = p + pos;
	key->n = end - pos;
	key->cut = cut;
	pos = skip_space(p, n, end);
	if (cut || pos >= n || p[pos] != ':')
		return 0;
	pos = skip_space(p, n, pos + 1);
	if (pos >= n || (end = value_end(p, n, pos, &cut)) == pos)
		return 0;
	value->p = p + pos;
	value->n = end - pos;
	value->cut = cut;
	it->pos = end;
	return 1;
}

int
json_key_is(const struct json_value *key, const char *name)
{
	char text[64];
	size_t len;
	int cut = 0;

	len = json_string(key, text, sizeof(text), &cut);
	return !cut && len == strlen(name) && memcmp(text, name, len) == 0;
}

int
json_member(const struct json_value *obj, const char *name,
    struct json_value *value)
{
	struct json_value key, v;
	struct json_iter it;

	json_members(&it, obj);
	while (json_next(&it, &key, &v))
		if (json_key_is(&key, name)) {
			*value = v;
			return 1;
		}
	memset(value, 0, sizeof(*value));
	return 0;
}

/* --- text -------------------------------------------------------------- */

static void
out_byte(struct text_out *o, uint8_t c)
{
	if (o->len < o->max)
		o->p[o->len++] = (char)c;
	else
		o->cut = 1;
}

static void
out_utf8(struct text_out *o, uint32_t u)
{
	if (u < 0x80)
		out_byte(o, (uint8_t)u);
	else if (u < 0x800) {
		out_byte(o, (uint8_t)(0xc0 | u >> 6));
		out_byte(o, (uint8_t)(0x80 | (u & 0x3f)));
	} else if (u < 0x10000) {
		out_byte(o, (uint8_t)(0xe0 | u >> 12));
		out_byte(o, (uint8_t)(0x80 | (u >> 6 & 0x3f)));
		out_byte(o, (uint8_t)(0x80 | (u & 0x3f)));
	} else {
		out_byte(o, (uint8_t)(0xf0 | u >> 18));
		out_byte(o, (uint8_t)(0x80 | (u >> 12 & 0x3f)));
		out_byte(o, (uint8_t)(0x80 | (u >> 6 & 0x3f)));
		out_byte(o, (uint8_t)(0x80 | (u & 0x3f)));
	}
}

/* The four hex digits at p[pos]: 0 and *u, or -1. */
static int
hex4(const uint8_t *p, size_t n, size_t pos, uint32_t *u)
{
	size_t i;
	uint8_t c;

	if (pos + 4 > n)
		return -1;
	*u = 0;
	for (i = pos; i < pos + 4; i++) {
		c = p[i];
		if (c >= '0' && c <= '9')
			*u = *u << 4 | (uint32_t)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*u = *u << 4 | (uint32_t)((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	return 0;
}

/*
 * The escape at p[i] (a backslash), as UTF-8 (RFC 8259 section 7: a
 * pair of \u escapes for a character beyond the BMP).  Returns the
 * index of its last byte.
 */
static size_t
unescape(const uint8_t *p, size_t n, size_t i, struct text_out *o)
{
	static const char from[] = "\"\\/bfnrt'", to[] = "\"\\/\b\f\n\r\t'";
	const char *c;
	uint32_t u, low;

	if (i + 1 >= n)
		return i;
	if (p[i + 1] != 'u') {
		c = memchr(from, p[i + 1], sizeof(from) - 1);
		out_byte(o, c != NULL ? (uint8_t)to[c - from] : p[i + 1]);
		return i + 1;
	}
	if (hex4(p, n, i + 2, &u) < 0) {
		out_byte(o, 'u');	/* not an escape: as it is */
		return i + 1;
	}
	i += 5;
	if (u >= 0xd800 && u < 0xdc00 && i + 2 < n && p[i + 1] == '\\' &&
	    p[i + 2] == 'u' && hex4(p, n, i + 3, &low) == 0 &&
	    low >= 0xdc00 && low < 0xe000) {
		u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
		i += 6;
	}
	out_utf8(o, u);
	return i;
}

size_t
json_string(const struct json_value *v, char *dst, size_t size, int *cut)
{
	struct text_out o = { dst, 0, size - 1, 0 };
	size_t i;

	dst[0] = '\0';
	if (cut != NULL)
		*cut = 0;
	if (json_type(v) != JSON_STRING)
		return 0;
	for (i = 1; i < v->n && v->p[i] != v->p[0] && !o.cut; i++) {
		if (v->p[i] == '\\')
			i = unescape(v->p, v->n, i, &o);
		else
			out_byte(&o, v->p[i]);
	}
	dst[o.len] = '\0';
	if (cut != NULL)
		*cut = o.cut || v->cut || i >= v->n;
	return o.len;
}

size_t
json_compact(const struct json_value *v, char *dst, size_t size, int *cut)
{
	struct text_out o = { dst, 0, size - 1, 0 };
	uint8_t quote = 0, c;
	int escaped = 0;
	size_t i;

	for (i = 0; i < v->n && !o.cut; i++) {
		c = v->p[i];
		if (quote != 0) {
			if (escaped)
				escaped = 0;
			else if (c == '\\')
				escaped = 1;
			else if (c == quote)
				quote = 0;
		} else if (is_space(c))
			continue;
		else if (c == '"' || c == '\'')
			quote = c;
		out_byte(&o, c);
	}
	dst[o.len] = '\0';
	if (cut != NULL)
		*cut = o.cut || v->cut;
	return o.len;
}
