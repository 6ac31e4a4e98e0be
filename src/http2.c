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
 * HTTP/2 framing (http2.h), from RFC 9113: 3.4 (the preface), 4.1 (the
 * frame header), 6 (frame types, their flags and fields), 6.5.2
 * (settings), 7 (error codes); RFC 8441 and RFC 9218 for the settings
 * they add.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <string.h>

#include "extract.h"
#include "http2.h"

void
http2_hdr(const uint8_t *p, struct http2_hdr *h)
{
	h->len = EXTRACT_BE_U_3(p);
	h->type = p[3];
	h->flags = p[4];
	h->stream = EXTRACT_BE_U_4(p + 5) & 0x7fffffff;
}

static const char *const type_names[] = {
	"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS",
	"PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"
};

#define NTYPES	(sizeof(type_names) / sizeof(type_names[0]))

/* The flags each type defines (6.1 - 6.10). */
static const uint8_t type_flags[NTYPES] = {
	HTTP2_END_STREAM | HTTP2_PADDED,
	HTTP2_END_STREAM | HTTP2_END_HEADERS | HTTP2_PADDED |
	    HTTP2_PRIORITY_FLAG,
	0, 0, HTTP2_ACK, HTTP2_END_HEADERS | HTTP2_PADDED, HTTP2_ACK, 0, 0,
	HTTP2_END_HEADERS
};

const char *
http2_type_name(uint8_t type)
{
	return type < NTYPES ? type_names[type] : NULL;
}

static const char *const error_names[] = {
	"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
	"SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR",
	"REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
	"ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"
};

const char *
http2_error_name(uint32_t code)
{
	return code < sizeof(error_names) / sizeof(error_names[0]) ?
	    error_names[code] : NULL;
}

const char *
http2_setting_name(uint16_t id)
{
	static const char *const names[] = {
		NULL, "HEADER_TABLE_SIZE", "ENABLE_PUSH",
		"MAX_CONCURRENT_STREAMS", "INITIAL_WINDOW_SIZE",
		"MAX_FRAME_SIZE", "MAX_HEADER_LIST_SIZE", NULL,
		"ENABLE_CONNECT_PROTOCOL", "NO_RFC7540_PRIORITIES"
	};

	return id < sizeof(names) / sizeof(names[0]) ? names[id] : NULL;
}

void
http2_flags_text(char *buf, size_t size, uint8_t type, uint8_t flags)
{
	static const struct {
		uint8_t bit;
		const char *name, *ack;
	} bits[] = {
		{ HTTP2_END_STREAM, "END_STREAM", "ACK" },
		{ HTTP2_END_HEADERS, "END_HEADERS", NULL },
		{ HTTP2_PADDED, "PADDED", NULL },
		{ HTTP2_PRIORITY_FLAG, "PRIORITY", NULL }
	};
	uint8_t known = type < NTYPES ? type_flags[type] : 0;
	size_t len = 0, i;
	int ack = type == HTTP2_SETTINGS || type == HTTP2_PING;

	buf[0] = '\0';
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if ((flags & bits[i].bit & known) == 0)
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    len > 0 ? ", " : "", ack && bits[i].ack != NULL ?
		    bits[i].ack : bits[i].name);
		if (len >= size)
			return;
	}
	if ((flags & ~known) != 0)
		(void)snprintf(buf + len, size - len, "%s0x%02x",
		    len > 0 ? ", " : "", flags & ~known);
	else if (len == 0)
		(void)snprintf(buf, size, "none");
}

int
http2_plausible(const uint8_t *p, uint32_t max_frame)
{
	struct http2_hdr h;

	http2_hdr(p, &h);
	if (h.type >= NTYPES || (h.flags & ~type_flags[h.type]) != 0 ||
	    (p[5] & 0x80) != 0 || h.len > max_frame)
		return 0;
	switch (h.type) {
	case HTTP2_SETTINGS:
		return h.stream == 0 && h.len % 6 == 0 &&
		    (h.len == 0 || (h.flags & HTTP2_ACK) == 0);
	case HTTP2_PING:
		return h.stream == 0 && h.len == 8;
	case HTTP2_GOAWAY:
		return h.stream == 0 && h.len >= 8;
	case HTTP2_WINDOW_UPDATE:
	case HTTP2_RST_STREAM:
		return h.len == 4 && (h.type == HTTP2_WINDOW_UPDATE ||
		    h.stream != 0);
	case HTTP2_PRIORITY:
		return h.stream != 0 && h.len == 5;
	case HTTP2_PUSH_PROMISE:
		return h.stream != 0 && h.len >= 4;
	default:
		return h.stream != 0 &&
		    ((h.flags & HTTP2_PADDED) == 0 || h.len >= 1);
	}
}

int
http2_content(const struct http2_hdr *h, const uint8_t *payload, size_t n,
    struct http2_content *c)
{
	uint32_t off = 0, pad = 0;

	memset(c, 0, sizeof(*c));
	if (h->flags & HTTP2_PADDED & type_flags[h->type < NTYPES ?
	    h->type : 0]) {
		if (n < 1 || h->len < 1)
			return -1;
		pad = payload[0];
		off = 1;
	}
	if (h->type == HTTP2_HEADERS && (h->flags & HTTP2_PRIORITY_FLAG)) {
		if (n < off + 5 || h->len < off + 5)
			return -1;
		c->priority = 1;
		c->exclusive = payload[off] >> 7;
		c->depends = EXTRACT_BE_U_4(payload + off) & 0x7fffffff;
		c->weight = payload[off + 4] + 1U;
		off += 5;
	} else if (h->type == HTTP2_PUSH_PROMISE) {
		if (n < off + 4 || h->len < off + 4)
			return -1;
		c->promised = EXTRACT_BE_U_4(payload + off) & 0x7fffffff;
		off += 4;
	}
	if ((uint64_t)off + pad > h->len)
		return -1;
	c->p = payload + off;
	c->len = h->len - off - pad;
	c->n = n - off < c->len ? n - off : c->len;
	return 0;
}
