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

#ifndef VSOCKDUMP_TEXT_H
#define VSOCKDUMP_TEXT_H

/*
 * Text writers for the analysis's lines and summaries: a table of
 * 100,000 conversations through printf() costs more than tracking them
 * did.  The put_ ones write at p and return the end of what they wrote;
 * the text_ ones return one of eight rotating buffers, so that a line
 * can use several.
 */

#include <stddef.h>
#include <stdint.h>

#define NS_PER_SEC	((int64_t)1000000000)
#define NS_PER_MS	((int64_t)1000000)
#define NS_PER_US	((int64_t)1000)

extern char *put_u64(char *p, uint64_t v);
/* v as exactly width digits, with leading zeros. */
extern char *put_frac(char *p, uint64_t v, int width);
/* s in a column of width characters, left- or right-aligned. */
extern char *put_col(char *p, const char *s, int width, int left);
extern char *put_col_u64(char *p, uint64_t v, int width);
/* Seconds with microsecond, or with nano nanosecond, digits; < 0 as 0. */
extern char *put_secs(char *p, int64_t ns, int nano);

extern const char *text_secs(int64_t ns, int nano);
/* Milliseconds with microsecond digits; < 0 as 0. */
extern const char *text_msecs(int64_t ns);
/*
 * n bytes from the wire at src as text in dst (of size bytes, size >
 * 4): printable ASCII as it is, a backslash as two, other bytes as
 * \xHH; cut with "..." if it does not fit.  Returns the length.
 */
extern size_t text_escape(char *dst, size_t size, const void *src,
    size_t n);
/* "CID.PORT", named as the packet lines name it (names.h)... */
extern const char *text_endpoint(uint64_t cid, uint32_t port);
/* ... and always as numbers (for the JSON lines' "src" and "dst"). */
extern const char *text_endpoint_number(uint64_t cid, uint32_t port);

#endif /* VSOCKDUMP_TEXT_H */
