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

#ifndef VSOCKDUMP_DIAG_H
#define VSOCKDUMP_DIAG_H

/*
 * vsockdump's messages, as tcpdump words them, and allocation that
 * gives up with a message.
 */

#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define VD_NORETURN	__attribute__((noreturn))
#define VD_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#else
#define VD_NORETURN
#define VD_PRINTF(f, a)
#endif

extern const char program_name[];

/* "vsockdump: MESSAGE" on the standard error, then exit(1). */
extern VD_NORETURN VD_PRINTF(1, 2) void error(const char *, ...);
/* "vsockdump: WARNING: MESSAGE" on the standard error. */
extern VD_PRINTF(1, 2) void warning(const char *, ...);

/* realloc() and strdup() that exit with "out of memory" on failure. */
extern void *xrealloc(void *, size_t);
extern char *xstrdup(const char *);

#endif /* VSOCKDUMP_DIAG_H */
