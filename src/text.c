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
 * Text writers for the analysis (text.h).
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "names.h"
#include "text.h"

#define ROTATING	8	/* buffers of each text_ writer */
#define TEXT_MAX	32	/* the longest: 20 digits, '.', 9 digits */

char *
put_u64(char *p, uint64_t v)
{
	char digits[20];
	int n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		*p++ = digits[--n];
	return p;
}

char *
put_frac(char *p, uint64_t v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + width;
}

char *
put_col(char *p, const char *s, int width, int left)
{
	size_t len = strlen(s);
	int pad = (size_t)width > len ? width - (int)len : 0;

	if (!left)
		for (; pad > 0; pad--)
			*p++ = ' ';
	memcpy(p, s, len);
	p += len;
	for (; pad > 0; pad--)
		*p++ = ' ';
	return p;
}

char *
put_col_u64(char *p, uint64_t v, int width)
{
	char num[24];

	*put_u64(num, v) = '\0';
	return put_col(p, num, width, 0);
}

char *
put_secs(char *p, int64_t ns, int nano)
{
	if (ns < 0)
		ns = 0;
	p = put_u64(p, (uint64_t)(ns / NS_PER_SEC));
	*p++ = '.';
	if (nano)
		return put_frac(p, (uint64_t)(ns % NS_PER_SEC), 9);
	return put_frac(p, (uint64_t)(ns % NS_PER_SEC / NS_PER_US), 6);
}

static char *
next_buffer(void)
{
	static char buf[ROTATING][TEXT_MAX];
	static unsigned i;

	i = (i + 1) % ROTATING;
	return buf[i];
}

const char *
text_secs(int64_t ns, int nano)
{
	char *buf = next_buffer();

	*put_secs(buf, ns, nano) = '\0';
	return buf;
}

const char *
text_msecs(int64_t ns)
{
	char *buf = next_buffer(), *p;

	if (ns < 0)
		ns = 0;
	p = put_u64(buf, (uint64_t)(ns / NS_PER_MS));
	*p++ = '.';
	*put_frac(p, (uint64_t)(ns % NS_PER_MS / NS_PER_US), 3) = '\0';
	return buf;
}

size_t
text_escape(char *dst, size_t size, const void *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *b = src;
	size_t i, len = 0, need;

	for (i = 0; i < n; i++) {
		need = b[i] == '\\' ? 2 : b[i] < 0x20 || b[i] >= 0x7f ? 4 : 1;
		/* Room for this, and for "..." should more follow. */
		if (len + need + (i + 1 < n ? 3 : 0) >= size) {
			memcpy(dst + len, "...", 3);
			len += 3;
			break;
		}
		if (need == 1)
			dst[len++] = (char)b[i];
		else if (need == 2) {
			dst[len++] = '\\';
			dst[len++] = '\\';
		} else {
			dst[len++] = '\\';
			dst[len++] = 'x';
			dst[len++] = hex[b[i] >> 4];
			dst[len++] = hex[b[i] & 15];
		}
	}
	dst[len] = '\0';
	return len;
}

const char *
text_endpoint(uint64_t cid, uint32_t port)
{
	if (names_enabled())
		return names_endpoint(cid, port);
	return text_endpoint_number(cid, port);
}

const char *
text_endpoint_number(uint64_t cid, uint32_t port)
{
	char *buf = next_buffer(), *p;

	p = put_u64(buf, cid);
	*p++ = '.';
	*put_u64(p, port) = '\0';
	return buf;
}
