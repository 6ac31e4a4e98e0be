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

#ifndef VSOCKDUMP_HTTP2_H
#define VSOCKDUMP_HTTP2_H

/*
 * HTTP/2 framing (RFC 9113): the connection preface, the frame header,
 * the names of frame types, flags, error codes and settings, and the
 * header block fragment a HEADERS or PUSH_PROMISE frame carries.
 */

#include <stddef.h>
#include <stdint.h>

/* The client's connection preface (3.4). */
#define HTTP2_PREFACE		"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define HTTP2_PREFACE_LEN	24

#define HTTP2_HDR_LEN		9	/* the frame header (4.1) */
#define HTTP2_MAX_FRAME_DEFAULT	16384	/* SETTINGS_MAX_FRAME_SIZE (6.5.2) */

/* Frame types (6). */
#define HTTP2_DATA		0x0
#define HTTP2_HEADERS		0x1
#define HTTP2_PRIORITY		0x2
#define HTTP2_RST_STREAM	0x3
#define HTTP2_SETTINGS		0x4
#define HTTP2_PUSH_PROMISE	0x5
#define HTTP2_PING		0x6
#define HTTP2_GOAWAY		0x7
#define HTTP2_WINDOW_UPDATE	0x8
#define HTTP2_CONTINUATION	0x9

/* Flags. */
#define HTTP2_END_STREAM	0x01	/* DATA, HEADERS */
#define HTTP2_ACK		0x01	/* SETTINGS, PING */
#define HTTP2_END_HEADERS	0x04	/* HEADERS, PUSH_PROMISE, CONTINUATION */
#define HTTP2_PADDED		0x08	/* DATA, HEADERS, PUSH_PROMISE */
#define HTTP2_PRIORITY_FLAG	0x20	/* HEADERS */

/* Settings (6.5.2). */
#define HTTP2_SETTINGS_HEADER_TABLE_SIZE	0x1
#define HTTP2_SETTINGS_MAX_FRAME_SIZE		0x5

struct http2_hdr {
	uint32_t	len;		/* of the payload */
	uint8_t		type, flags;
	uint32_t	stream;		/* the reserved bit cleared */
};

/* The frame header at p (HTTP2_HDR_LEN bytes). */
extern void http2_hdr(const uint8_t *p, struct http2_hdr *);

/*
 * Whether a frame header could be one a peer sends (out of step,
 * looking for the next frame): a type of RFC 9113 with only its flags,
 * its stream rule, its fixed length, no longer than max_frame.
 */
extern int http2_plausible(const uint8_t *p, uint32_t max_frame);

/* Names: NULL for a value RFC 9113 does not define. */
extern const char *http2_type_name(uint8_t type);
extern const char *http2_error_name(uint32_t code);
extern const char *http2_setting_name(uint16_t id);
/* The frame's flags as "END_STREAM, END_HEADERS", "none" if none. */
extern void http2_flags_text(char *buf, size_t size, uint8_t type,
    uint8_t flags);

/*
 * What a DATA, HEADERS or PUSH_PROMISE frame carries, its padding and
 * other fields taken off (6.1, 6.2, 6.6): the data or the header block
 * fragment.
 */
struct http2_content {
	const uint8_t	*p;
	size_t		n;		/* at hand */
	uint32_t	len;		/* in the frame */
	int		priority;	/* HEADERS with PRIORITY: */
	int		exclusive;
	uint32_t	depends;
	unsigned	weight;		/* 1-256 */
	uint32_t	promised;	/* PUSH_PROMISE */
};

/*
 * The content of the frame whose payload's first n bytes are at
 * payload; 0, or -1 if its padding and fields do not fit in it (or are
 * not at hand).
 */
extern int http2_content(const struct http2_hdr *, const uint8_t *payload,
    size_t n, struct http2_content *);

#endif /* VSOCKDUMP_HTTP2_H */
