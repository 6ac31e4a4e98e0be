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
 * The Nitro Enclaves ready signal: an enclave tells its parent it has
 * booted by sending one byte, 0xB7, to port 9000 of CID 3's parent,
 * which echoes it (aws-nitro-enclaves-sdk-c, nitro-cli's
 * "enclave_ready" handshake).
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "decode.h"

#define READY_BYTE	0xb7

static void
ready_frame(void *state, struct decode_frame *f)
{
	(void)state;
	if (f->n == 1 && f->total == 1 && f->p[0] == READY_BYTE) {
		decode_summary(f, "%s 0xb7", f->dir == 0 ? "ready" :
		    "ready echoed");
		return;
	}
	/* Anything else on the port is another protocol. */
	decode_not_mine(f);
	decode_detail(f, "%llu bytes, not the ready byte",
	    (unsigned long long)f->total);
}

const struct decoder decoder_ready = {
	.name = "ready",
	.label = "READY",
	.rpc = RPC_NONE,
	.frame = ready_frame,
};
