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

#ifndef VSOCKDUMP_PROTOBUF_H
#define VSOCKDUMP_PROTOBUF_H

/*
 * A reader of the protocol buffers wire format (the Protocol Buffers
 * "Encoding" guide), for decoders that need a few fields of a message:
 * the fields come one at a time, in wire order, and a length-delimited
 * one can be read as a message of its own.  Nothing is allocated.
 *
 * A message may be cut short (a frame not captured whole): the reader
 * knows how many of its bytes are at hand and how many are not, tells a
 * field cut by the end of what is at hand (PB_CUT) from a malformed one
 * (PB_BAD), and gives the bytes of a cut length-delimited field that
 * are there.  Every length is checked against what is left of its
 * message, varints longer than 64 bits are malformed, and nesting is
 * bounded (PB_DEPTH_MAX).
 */

#include <stddef.h>
#include <stdint.h>

/* Wire types. */
#define PB_VARINT	0
#define PB_I64		1
#define PB_LEN		2
#define PB_I32		5

/* What pb_next() returns. */
#define PB_FIELD	1	/* a field, in *f */
#define PB_END		0	/* the end of the message */
#define PB_CUT		(-1)	/* the rest is not at hand */
#define PB_BAD		(-2)	/* malformed */

/* Messages within messages, at most. */
#define PB_DEPTH_MAX	16

struct pb_msg {
	const uint8_t	*p;		/* the next field */
	size_t		have;		/* bytes left at hand */
	uint64_t	missing;	/* bytes of it after them */
	int		depth;
	int		status;		/* PB_CUT or PB_BAD once met */
};

struct pb_field {
	uint32_t	num;
	int		type;		/* wire type */
	uint64_t	v;		/* the value; PB_LEN: its length */
	const uint8_t	*p;		/* PB_LEN: its bytes at hand */
	size_t		n;		/* how many (< v: cut) */
};

/*
 * A message of have bytes at p, followed on the wire by missing bytes
 * not at hand.
 */
extern void pb_init(struct pb_msg *, const uint8_t *p, size_t have,
    uint64_t missing);

/* The next field: PB_FIELD, PB_END, PB_CUT or PB_BAD (then again). */
extern int pb_next(struct pb_msg *, struct pb_field *);

/*
 * A length-delimited field f of m, as a message: 0, or PB_BAD if it
 * is nested too deep.
 */
extern int pb_sub(const struct pb_msg *m, const struct pb_field *f,
    struct pb_msg *sub);

/*
 * Reads the whole message: PB_END if it is well formed, PB_CUT if it is
 * so as far as it is at hand, else PB_BAD.
 */
extern int pb_check(struct pb_msg *);

#endif /* VSOCKDUMP_PROTOBUF_H */
