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

#ifndef VSOCKDUMP_RPC_H
#define VSOCKDUMP_RPC_H

/*
 * Calls over a vsock: requests matched to their responses (by ttrpc and
 * HTTP/2 stream id, by order for HTTP/1 and QMP, by tag for 9P), with
 * their latency, from the packet that completes a request to the one
 * that completes its response, as tshark counts service response times;
 * -z rpc,vsock and its JSON, and the alerts of requests unanswered past
 * the threshold.
 */

#include <stddef.h>
#include <stdint.h>

#include "conv.h"

enum rpc_protocol {
	RPC_NONE, RPC_TTRPC, RPC_GRPC, RPC_HTTP, RPC_QMP, RPC_9P,
	RPC_PROTOCOLS
};

extern const char *rpc_protocol_name(enum rpc_protocol);

struct rpc;

extern struct rpc *rpc_new(int64_t threshold_ns);
extern void rpc_free(struct rpc *);

/*
 * A request of conversation c, key its stream id, tag or rank, whose
 * method is the len bytes at method, completed by packet pkt at ns.
 */
extern void rpc_request(struct rpc *, enum rpc_protocol,
    const struct vsock_conv_summary *c, uint64_t key, const char *method,
    size_t len, uint32_t pkt, int64_t ns);

/*
 * Its response, an error or not.  Returns the method of the request it
 * answers, or NULL if the capture has none.
 */
extern const char *rpc_response(struct rpc *, enum rpc_protocol,
    const struct vsock_conv_summary *c, uint64_t key, int error,
    uint32_t pkt, int64_t ns);

/* A request unanswered past the threshold. */
struct rpc_alert {
	enum rpc_protocol protocol;
	uint32_t	conv;		/* its index */
	uint64_t	cid[2];		/* its endpoints, src first */
	uint32_t	port[2];
	uint16_t	type;
	uint64_t	key;
	const char	*method;	/* valid until the next rpc_ call */
	uint32_t	pkt;		/* the request's packet */
	int64_t		ns;		/* when the threshold passed */
	int64_t		waited_ns;
};

/* The alerts due by now, at most max; call again until it returns 0. */
extern unsigned rpc_tick(struct rpc *, int64_t now, struct rpc_alert *,
    unsigned max);

/* The table (-z rpc,vsock) and its JSON lines; what is pending then is
 * unanswered. */
extern void rpc_table(struct rpc *, int nano);
extern void rpc_json(struct rpc *);

#endif /* VSOCKDUMP_RPC_H */
