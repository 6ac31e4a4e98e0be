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

#ifndef VSOCKDUMP_FILTER_REWRITE_H
#define VSOCKDUMP_FILTER_REWRITE_H

#include <stddef.h>

/*
 * The vsock filter primitives ("vsock", "vsock [src|dst] port N", "vsock
 * cid N", "vsock op|type|vop X", plain "port"/"portrange" on DLT_VSOCK)
 * for a libpcap that has none (src/filter-rewrite.c): the expression is
 * rewritten into one that any libpcap from 1.10 on compiles, with the
 * vsock primitives turned into loads and comparisons of the
 * little-endian header fields, with the verdicts of libpcap's own vsock
 * primitives (gencode-vsock.frag, as our patch series adds them).
 */

/*
 * Non-zero if the expression uses a vsock primitive (a word "vsock", or
 * "port"/"portrange" on DLT_VSOCK), i.e. needs the rewrite.
 */
extern int vsock_filter_uses_vsock(const char *, int);

/*
 * The rewritten expression (malloc'd), or NULL with a message in ebuf
 * naming the offending part, as libpcap's compiler would.
 */
extern char *vsock_filter_rewrite(const char *, int, char *, size_t);

/* Non-zero if this libpcap compiles the vsock primitives itself. */
extern int vsock_filter_native(void);

#endif /* VSOCKDUMP_FILTER_REWRITE_H */
