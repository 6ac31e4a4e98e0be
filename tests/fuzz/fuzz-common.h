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
 * Small helpers shared by the fuzz harnesses.
 */

#ifndef vsockdump_fuzz_common_h
#define vsockdump_fuzz_common_h

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "netdissect.h"

static inline unsigned
fuzz_le16(const uint8_t *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static inline uint32_t
fuzz_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/* The output is formatted (so every argument is read), then dropped. */
static inline int
fuzz_discard_printf(netdissect_options *ndo _U_, const char *fmt, ...)
{
	static char sink[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sink, sizeof(sink), fmt, ap);
	va_end(ap);
	return n;
}

static inline ND_ATTR_NORETURN void
fuzz_abort_error(netdissect_options *ndo _U_, int status, const char *fmt,
    ...)
{
	/* The printer must never give up on a packet: treat it as a bug. */
	(void)fprintf(stderr, "ndo_error(%d, \"%s\") called\n", status, fmt);
	abort();
}

static inline void
fuzz_quiet_warning(netdissect_options *ndo _U_, const char *fmt _U_, ...)
{
}

/* Printed output goes nowhere; ndo_error() is a finding. */
static inline void
fuzz_quiet_output(netdissect_options *ndo)
{
	ndo->ndo_printf = fuzz_discard_printf;
	ndo->ndo_error = fuzz_abort_error;
	ndo->ndo_warning = fuzz_quiet_warning;
}

#endif /* vsockdump_fuzz_common_h */
