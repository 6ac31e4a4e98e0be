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
 * sd_notify: what a service tells its manager, here a guest's systemd
 * telling the VMM on the host (systemd-vmspawn passes the guest
 * NOTIFY_SOCKET=vsock:CID:PORT): newline-separated assignments,
 * KEY=VALUE, a trailing newline implied (sd_notify(3)): READY=1,
 * STATUS=..., and the X_SYSTEMD_* fields systemd sends its supervisor
 * (X_SYSTEMD_UNIT_ACTIVE=, X_SYSTEMD_SHUTDOWN=, ...; systemd(1)).
 *
 * Over AF_VSOCK (systemd 254 and later, sd-daemon.c), the sender opens a
 * datagram socket, or where the transport has none (virtio) a SEQPACKET
 * one, or failing that a STREAM one (vsock-dgram:, vsock-seqpacket: and
 * vsock-stream: force one), writes one message, and shuts down its
 * side: a message is one datagram, one SEQPACKET message, or what one
 * direction of a STREAM carries to its end.  No default port (the VMM
 * chooses it): --decode-as PORT=notify.
 *
 * The stream layer does not tell a decoder where a direction ends, so
 * on a STREAM each packet's payload is decoded as the assignments it
 * holds, cut at its newlines; an assignment that a packet boundary
 * splits shows in two pieces, the second marked "[continued]".
 * File descriptors cannot cross a vsock: the assignments that need one
 * (FDSTORE=1, BARRIER=1, MAINPIDFD=1) are marked.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "text.h"
#include "wire.h"

#define NOTIFY_SHOWN		8	/* assignments in a summary, */
#define NOTIFY_SUMMARY_MAX	256	/* while it is shorter than this */
#define NOTIFY_KEY_MAX		40	/* a key's text, escaped */
#define NOTIFY_VALUE_SHORT	48	/* a value's, in a summary */
#define NOTIFY_VALUE_MAX	256	/* a value's, at -v */

struct notify_state {
	uint8_t		midline[2];	/* STREAM: a direction's last packet
					   ended inside an assignment */
};

/* What is known of an assignment. */
#define PIECE_CONTINUED	0x1		/* the rest of one begun before */
#define PIECE_CUT	0x2		/* its bytes end before it does */

/* The assignments that pass file descriptors. */
static int
needs_fds(const char *key)
{
	return strcmp(key, "FDSTORE") == 0 || strcmp(key, "BARRIER") == 0 ||
	    strcmp(key, "MAINPIDFD") == 0;
}

/* A value in quotes: STATUS's free text, or one that would read wrong. */
static int
needs_quotes(const char *key, const uint8_t *v, size_t n)
{
	size_t i;

	if (n == 0 || strcmp(key, "STATUS") == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (v[i] == ' ' || v[i] == ',' || v[i] == '"')
			return 1;
	return 0;
}

/*
 * An assignment (a line without its newline) as text in buf: KEY=VALUE,
 * the value escaped and cut at about max characters.
 */
static void
notify_text(const uint8_t *p, size_t n, size_t max, int how, char *buf,
    size_t size)
{
	const uint8_t *eq = memchr(p, '=', n);
	char key[NOTIFY_KEY_MAX + 4], value[NOTIFY_VALUE_MAX + 4];
	const char *q, *mark = how & PIECE_CUT ? " [truncated]" : "";

	if ((how & PIECE_CONTINUED) || eq == NULL) {
		(void)text_escape(value, max + 4, p, n);
		(void)snprintf(buf, size, "[%s] \"%s\"%s", how &
		    PIECE_CONTINUED ? "continued" : "not an assignment",
		    value, mark);
		return;
	}
	(void)text_escape(key, sizeof(key), p, (size_t)(eq - p));
	(void)text_escape(value, max + 4, eq + 1, n - (size_t)(eq - p) - 1);
	q = needs_quotes(key, eq + 1, n - (size_t)(eq - p) - 1) ? "\"" : "";
	(void)snprintf(buf, size, "%s=%s%s%s%s%s", key, q, value, q, mark,
	    needs_fds(key) ? " [no file descriptors over a vsock]" : "");
}

/*
 * One line: in the summary while it is short (*shown assignments,
 * *used characters), and at -v.
 */
static void
notify_line(struct decode_frame *f, const uint8_t *p, size_t n, int how,
    unsigned *shown, size_t *used)
{
	char text[NOTIFY_KEY_MAX + 4 * NOTIFY_VALUE_MAX + 128];

	if (*shown < NOTIFY_SHOWN && *used < NOTIFY_SUMMARY_MAX) {
		notify_text(p, n, NOTIFY_VALUE_SHORT, how, text, sizeof(text));
		decode_summary(f, "%s", text);
		*used += strlen(text) + 2;
		(*shown)++;
	}
	if (f->verbose > 0) {
		notify_text(p, n, NOTIFY_VALUE_MAX, how, text, sizeof(text));
		decode_detail(f, "%s", text);
	}
}

static void
notify_frame(void *state, struct decode_frame *f)
{
	struct notify_state *st = state;
	const uint8_t *p, *end, *nl;
	int stream = f->conv->type == VSOCK_TYPE_STREAM;
	int how = stream && st->midline[f->dir] ? PIECE_CONTINUED : 0;
	unsigned count = 0, shown = 0;
	size_t used = 0;

	if (f->n == 0) {
		/* An empty message, or none of it captured (f->p NULL). */
		if (f->total == 0)
			decode_summary(f, "[empty message]");
		else
			decode_summary(f, "[%llu bytes not captured]",
			    (unsigned long long)f->total);
		if (stream)
			st->midline[f->dir] = f->total > 0;
		return;
	}
	for (p = f->p, end = f->p + f->n; p < end; p = nl + 1, how = 0) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			nl = end;
			if (f->n < f->total)
				how |= PIECE_CUT;
		}
		if (nl > p) {
			notify_line(f, p, (size_t)(nl - p), how, &shown,
			    &used);
			count++;
		}
	}
	if (count > shown)
		decode_summary(f, "[%u more]", count - shown);
	if (count == 0)
		decode_summary(f, "[no assignment]");
	if (stream)
		st->midline[f->dir] = f->n < f->total ||
		    f->p[f->n - 1] != '\n';
}

const struct decoder decoder_notify = {
	.name = "notify",
	.label = "NOTIFY",
	.rpc = RPC_NONE,
	.state_size = sizeof(struct notify_state),
	.frame = notify_frame,
};
