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
 * -z follow,vsock,...: one conversation's data, both ways (follow.h),
 * as tshark's "Follow Stream" prints it: each chunk of data (an RW
 * packet, or a SEQPACKET message) with the second node's indented by a
 * tab.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include <errno.h>

#include "netdissect.h"
#include "diag.h"
#include "follow.h"
#include "wire.h"

#define FOLLOW_MAX	(256U * 1024 * 1024)	/* bytes kept */

enum follow_mode { F_ASCII, F_HEX, F_RAW };

/* A chunk of followed data: one RW packet, or one SEQPACKET message. */
struct chunk {
	size_t		off, len;	/* in the follow's data */
	uint64_t	missing;	/* bytes not captured */
	uint8_t		node;
	uint8_t		open;		/* SEQPACKET message without EOM */
};

struct follow {
	enum follow_mode mode;
	int		by_index;
	uint32_t	index;
	uint64_t	cid[2];		/* as given */
	uint32_t	port[2];
	int		have_nodes;
	uint64_t	ncid[2];	/* node 0 and node 1 */
	uint32_t	nport[2];
	uint8_t		*data;
	size_t		len, cap;
	struct chunk	*chunks;
	size_t		nchunks, chunkcap;
	uint64_t	dropped;	/* beyond FOLLOW_MAX */
};

/* "CID.PORT", decimal. */
static int
parse_endpoint(const char *s, uint64_t *cid, uint32_t *port)
{
	unsigned long long c;
	unsigned long p;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	c = strtoull(s, &end, 10);
	if (errno != 0 || *end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	p = strtoul(end + 1, &end, 10);
	if (errno != 0 || *end != '\0' || p > 0xffffffffUL)
		return -1;
	*cid = c;
	*port = (uint32_t)p;
	return 0;
}

static int
parse_follow(char *args, struct follow *f)
{
	char *mode, *a, *b, *end;
	unsigned long v;

	mode = strsep(&args, ",");
	if (mode == NULL || args == NULL)
		return -1;
	if (strcmp(mode, "ascii") == 0)
		f->mode = F_ASCII;
	else if (strcmp(mode, "hex") == 0)
		f->mode = F_HEX;
	else if (strcmp(mode, "raw") == 0)
		f->mode = F_RAW;
	else
		return -1;
	a = strsep(&args, ",");
	b = args;
	if (b == NULL) {
		/* A conversation index, as tshark's stream index. */
		if (*a < '0' || *a > '9')
			return -1;
		errno = 0;
		v = strtoul(a, &end, 10);
		if (errno != 0 || *end != '\0' || v > 0xffffffffUL)
			return -1;
		f->by_index = 1;
		f->index = (uint32_t)v;
		return 0;
	}
	if (parse_endpoint(a, &f->cid[0], &f->port[0]) < 0 ||
	    parse_endpoint(b, &f->cid[1], &f->port[1]) < 0)
		return -1;
	return 0;
}


struct follow *
follow_new(const char *spec)
{
	struct follow *f = xrealloc(NULL, sizeof(*f));
	char *copy = xstrdup(spec);

	memset(f, 0, sizeof(*f));
	if (parse_follow(copy, f) < 0) {
		free(f);
		f = NULL;
	}
	free(copy);
	return f;
}

void
follow_free(struct follow *f)
{
	if (f == NULL)
		return;
	free(f->data);
	free(f->chunks);
	free(f);
}

static int
follow_matches(const struct follow *f, const struct vsock_conv_summary *c)
{
	if (f->by_index)
		return c->index == f->index;
	return (c->cid[0] == f->cid[0] && c->port[0] == f->port[0] &&
	    c->cid[1] == f->cid[1] && c->port[1] == f->port[1]) ||
	    (c->cid[0] == f->cid[1] && c->port[0] == f->port[1] &&
	    c->cid[1] == f->cid[0] && c->port[1] == f->port[0]);
}

/* The packet r, if it is a data packet of the conversation followed. */
void
follow_packet(struct follow *f, const struct vsock_conv_result *r)
{
	const struct vsock_conv_summary *c = r->conv;
	struct chunk *ch = NULL;
	uint32_t keep = r->payload_caplen;
	uint8_t node;

	if (c == NULL || r->op != VSOCK_OP_RW || !follow_matches(f, c))
		return;
	if (!f->have_nodes) {
		f->ncid[0] = c->cid[0];
		f->nport[0] = c->port[0];
		f->ncid[1] = c->cid[1];
		f->nport[1] = c->port[1];
		f->have_nodes = 1;
	}
	node = !(c->cid[r->side] == f->ncid[0] &&
	    c->port[r->side] == f->nport[0]);
	if (f->nchunks > 0 && f->chunks[f->nchunks - 1].open &&
	    f->chunks[f->nchunks - 1].node == node)
		ch = &f->chunks[f->nchunks - 1];	/* the same message */
	if (ch == NULL) {
		if (f->nchunks == f->chunkcap) {
			f->chunkcap = f->chunkcap ? f->chunkcap * 2 : 64;
			f->chunks = xrealloc(f->chunks,
			    f->chunkcap * sizeof(*f->chunks));
		}
		ch = &f->chunks[f->nchunks++];
		memset(ch, 0, sizeof(*ch));
		ch->node = node;
		ch->off = f->len;
	}
	ch->open = c->type == VSOCK_TYPE_SEQPACKET &&
	    !(r->flags & VSOCK_SEQ_EOM);
	ch->missing += r->payload_len - r->payload_caplen;
	if (f->len + keep > FOLLOW_MAX) {
		f->dropped += keep;
		keep = 0;
	}
	if (f->len + keep > f->cap) {
		f->cap = f->cap ? f->cap : 4096;
		while (f->cap < f->len + keep)
			f->cap *= 2;
		f->data = xrealloc(f->data, f->cap);
	}
	if (keep > 0)
		memcpy(f->data + f->len, r->payload, keep);
	f->len += keep;
	ch->len += keep;
}

static void
follow_hex(const struct follow *f, const struct chunk *ch, uint64_t *off)
{
	const uint8_t *p;
	size_t i, j, n;

	if (ch->len == 0)
		return;		/* an empty message: f->data may be NULL */
	p = f->data + ch->off;
	for (i = 0; i < ch->len; i += 16) {
		n = ch->len - i < 16 ? ch->len - i : 16;
		printf("%s%08llx  ", ch->node ? "\t" : "",
		    (unsigned long long)(*off + i));
		for (j = 0; j < 16; j++) {
			if (j < n)
				printf("%02x ", p[i + j]);
			else
				printf("   ");
			if (j == 7)
				putchar(' ');
		}
		putchar(' ');
		for (j = 0; j < n; j++) {
			putchar(ND_ASCII_ISPRINT(p[i + j]) ? p[i + j] : '.');
			if (j == 7 && n > 8)
				putchar(' ');
		}
		putchar('\n');
	}
	*off += ch->len;
}

void
follow_print(const struct follow *f)
{
	static const char *const modes[] = { "ascii", "hex", "raw" };
	const struct chunk *ch;
	uint64_t off[2] = { 0, 0 };
	size_t i, j;

	printf("\n==================================================="
	    "================\n");
	printf("Follow: vsock,%s\n", modes[f->mode]);
	if (f->by_index)
		printf("Filter: conversation %u\n", f->index);
	else
		printf("Filter: %" PRIu64 ".%u <-> %" PRIu64 ".%u\n",
		    f->cid[0], f->port[0], f->cid[1], f->port[1]);
	if (f->have_nodes) {
		printf("Node 0: %" PRIu64 ".%u\n", f->ncid[0], f->nport[0]);
		printf("Node 1: %" PRIu64 ".%u\n", f->ncid[1], f->nport[1]);
	}
	for (i = 0; i < f->nchunks; i++) {
		ch = &f->chunks[i];
		switch (f->mode) {
		case F_ASCII:
			printf("%s%zu\n", ch->node ? "\t" : "", ch->len);
			for (j = 0; j < ch->len; j++) {
				uint8_t b = f->data[ch->off + j];

				putchar(ND_ASCII_ISPRINT(b) || b == '\n' ?
				    b : '.');
			}
			putchar('\n');
			break;
		case F_HEX:
			follow_hex(f, ch, &off[ch->node]);
			break;
		case F_RAW:
			if (ch->node)
				putchar('\t');
			for (j = 0; j < ch->len; j++)
				printf("%02x", f->data[ch->off + j]);
			putchar('\n');
			break;
		}
		if (ch->missing > 0)
			printf("%s[%llu bytes missing in capture file]\n",
			    ch->node ? "\t" : "",
			    (unsigned long long)ch->missing);
	}
	if (f->dropped > 0)
		printf("[%llu bytes beyond the %u kept not shown]\n",
		    (unsigned long long)f->dropped, FOLLOW_MAX);
	printf("==================================================="
	    "================\n");
}
