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

#ifndef VSOCKDUMP_STREAM_H
#define VSOCKDUMP_STREAM_H

/*
 * Reassembly, per direction of a conversation: a STREAM's bytes cut
 * into its protocol's frames (however the packets cut them), a
 * SEQPACKET's messages (up to EOM).  Memory is bounded per direction:
 * a frame longer than the bound is decoded from its first bytes, the
 * rest passed over, with the packet that ends it.  Bytes not captured
 * (a snaplen, a drop, a capture begun mid-stream) leave a direction out
 * of step until the decoder recognises the start of a frame again.
 */

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

struct stream_dir {
	uint8_t		*buf;		/* the frame or message gathered */
	size_t		len, cap;
	uint64_t	skip;		/* bytes of a long frame to pass */
	uint64_t	held;		/* its length; buf holds its start */
	uint64_t	lost;		/* message: bytes not captured */
	uint64_t	msg_total;	/* message: its length so far */
	int		synced;		/* at the start of a frame */
	uint64_t	unsynced;	/* bytes passed while out of step */
	uint64_t	searched;	/* of which seen, with no frame */
};

struct stream {
	const struct decoder *dec;
	void		*state;
	int		seqpacket;
	int		by_signature;	/* chosen by its first bytes */
	int		gave_up;	/* no frame of its decoder found */
	struct stream_dir dir[2];
};

/* A stream for decoder dec; synced if the conversation's start was seen. */
extern struct stream *stream_new(const struct decoder *, int seqpacket,
    int synced);
extern void stream_free(struct stream *);

/*
 * The payload of a packet of direction f->dir: caplen captured bytes
 * at p of len on the wire; eom, for SEQPACKET, ends a message.  Each
 * frame it completes is decoded (f says the packet and time); at most
 * max bytes a direction are kept.
 */
extern void stream_data(struct stream *, struct decode_frame *f,
    const uint8_t *p, uint32_t caplen, uint32_t len, int eom, size_t max);

#endif /* VSOCKDUMP_STREAM_H */
