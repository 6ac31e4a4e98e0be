/*
 * Copyright (c) 2026 The vsockdump authors
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 *
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
 * Code generation for the vsock filter primitives ("vsock", "vsock port",
 * "vsock cid", "vsock op", ...) on DLT_VSOCK links and on Linux cooked
 * (DLT_LINUX_SLL, DLT_LINUX_SLL2) captures of vsockmon devices.
 *
 * This is the private interface between gencode.c and gencode-vsock.c;
 * the grammar and the scanner only see the declarations in gencode.h.
 */

#ifndef gencode_vsock_h
#define gencode_vsock_h

/*
 * Implemented in gencode-vsock.c.  gencode.c calls them only after it
 * has set up cstate->top_ctx, so a failed allocation can longjmp out of
 * them; every other error is reported with bpf_set_error() and a NULL
 * return.
 */

/* Non-zero if gen_ncode()/gen_scode() must hand "q" to us. */
int vsock_handles_qual(compiler_state_t *, struct qual);

struct block *vsock_gen_present(compiler_state_t *);
struct block *vsock_gen_ncode(compiler_state_t *, const char *, bpf_u_int32,
    struct qual);
struct block *vsock_gen_scode(compiler_state_t *, const char *, struct qual);
struct block *vsock_gen_bignum(compiler_state_t *, const char *, struct qual);

/*
 * Implemented in gencode.c, for gencode-vsock.c: the link-layer type
 * being compiled for, and the allocators for statements and blocks
 * (the memory belongs to the compiler state).
 */
int vsock_cstate_linktype(compiler_state_t *);
struct slist *vsock_new_stmt(compiler_state_t *, int, bpf_u_int32);
struct block *vsock_new_block(compiler_state_t *, struct slist *, int,
    bpf_u_int32);

#endif /* gencode_vsock_h */
