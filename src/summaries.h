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

#ifndef VSOCKDUMP_SUMMARIES_H
#define VSOCKDUMP_SUMMARIES_H

/*
 * The summaries of the connection analysis, printed at the end (-z
 * conv,vsock, conv,vsock,json, expert).
 */

#include <stddef.h>
#include <stdint.h>

#include "conv.h"

#define EXPERT_FIRST_PACKETS	5	/* packet numbers listed per note */

/* The notes counted, with the first packets of each. */
struct expert {
	uint64_t	count[VSOCK_NOTE_COUNT];
	uint32_t	first[VSOCK_NOTE_COUNT][EXPERT_FIRST_PACKETS];
};

/* What the summaries say besides the tracker's figures. */
struct summary_context {
	int64_t		stall_ns;	/* --stall-threshold */
	uint32_t	conv_limit;	/* --conv-limit */
	uint64_t	summaries_kept;	/* ended conversations listed */
	int64_t		first_ns;	/* the first packet's time stamp */
	int		nano;		/* nanosecond time stamps */
};

extern void summary_conv_table(const struct summary_context *,
    const struct vsock_conv_summary *, size_t,
    const struct vsock_conv_totals *);
extern void summary_conv_json(const struct summary_context *,
    const struct vsock_conv_summary *, size_t);
extern void summary_expert(const struct summary_context *,
    const struct expert *, const struct vsock_conv_totals *);

#endif /* VSOCKDUMP_SUMMARIES_H */
