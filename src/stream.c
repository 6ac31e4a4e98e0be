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
 * Reassembly (stream.h).
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "stream.h"

/*
 * Out of step, the bytes kept of what the decoder could not recognise:
 * the start of a frame may straddle two packets.
 */
#define RESYNC_KEEP	64

/*
 * Bytes out of step after which a conversation is not the decoder's
 * (random bytes on its port, another protocol): it is no longer
 * decoded, which bounds the cost of looking.
 */
#define RESYNC_GIVE_UP	(64 * 1024)

struct stream *
stream_new(const struct decoder *dec, int seqpacket, int synced)
{
	struct stream *s = xrealloc(NULL, sizeof(*s));

	memset(s, 0, sizeof(*s));
	s->dec = dec;
	s->seqpacket = seqpacket;
	s->dir[0].synced = s->dir[1].synced = synced;
	if (dec->state_size > 0) {
		s->state = xrealloc(NULL, dec->state_size);
		memset(s->state, 0, dec->state_size);
	}
	return s;
}

void
stream_free(struct stream *s)
{
	if (s == NULL)
		return;
	if (s->state != NULL && s->dec->release != NULL)
		s->dec->release(s->state);
	free(s->state);
	free(s->dir[0].buf);
	free(s->dir[1].buf);
	free(s);
}

static void
append(struct stream_dir *sd, const uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	if (sd->len + n > sd->cap) {
		sd->cap = sd->cap == 0 ? 4096 : sd->cap;
		while (sd->cap < sd->len + n)
			sd->cap *= 2;
		sd->buf = xrealloc(sd->buf, sd->cap);
	}
	memcpy(sd->buf + sd->len, p, n);
	sd->len += n;
}

static void
consume(struct stream_dir *sd, size_t n)
{
	memmove(sd->buf, sd->buf + n, sd->len - n);
	sd->len -= n;
}

/* Decode the frame of total bytes whose first n are at p. */
static void
emit(struct stream *s, struct decode_frame *f, const uint8_t *p, size_t n,
    uint64_t total)
{
	f->p = p;
	f->n = n;
	f->total = total;
	if (!s->gave_up)
		s->dec->frame(s->state, f);
}

/* Out of step: to the next frame the decoder recognises; 0 if none yet. */
static int
resync(struct stream *s, struct decode_frame *f)
{
	struct stream_dir *sd = &s->dir[f->dir];
	int64_t off = -1;
	size_t drop;

	if (sd->len > 0 && s->dec->resync != NULL)
		off = s->dec->resync(s->state, f->dir, sd->buf, sd->len);
	if (off < 0 || (uint64_t)off > sd->len) {
		drop = s->dec->resync == NULL ? sd->len :
		    sd->len > RESYNC_KEEP ? sd->len - RESYNC_KEEP : 0;
		sd->unsynced += drop;
		sd->searched += drop;
		consume(sd, drop);
		if (sd->searched >= RESYNC_GIVE_UP) {
			s->gave_up = 1;
			decode_summary(f, "[no %s frame in %llu bytes: not "
			    "decoded further]", s->dec->name,
			    (unsigned long long)sd->searched);
		}
		return 0;
	}
	sd->unsynced += (uint64_t)off;
	consume(sd, (size_t)off);
	sd->synced = 1;
	if (sd->unsynced > 0)
		decode_summary(f, "[in step again after %llu bytes]",
		    (unsigned long long)sd->unsynced);
	sd->unsynced = 0;
	sd->searched = 0;
	return 1;
}

/* The frames the gathered bytes hold. */
static void
cut_frames(struct stream *s, struct decode_frame *f, size_t max)
{
	struct stream_dir *sd = &s->dir[f->dir];
	int64_t t;

	for (;;) {
		if (s->gave_up) {
			sd->len = 0;
			return;
		}
		if (!sd->synced && !resync(s, f))
			return;
		if (sd->len == 0)
			return;
		t = s->dec->frame_len(s->state, f->dir, sd->buf, sd->len);
		if (t == DECODE_MORE && sd->len < max)
			return;
		if (t == DECODE_MORE) {
			/*
			 * No end within the bound: its first bytes, then the
			 * next frame the decoder recognises.
			 */
			emit(s, f, sd->buf, sd->len, DECODE_LEN_UNKNOWN);
			sd->len = 0;
			sd->synced = 0;
			continue;
		}
		if (t <= 0) {
			/*
			 * Not a frame (or a header beyond the bound): look
			 * for the next one after this byte.
			 */
			sd->synced = 0;
			sd->unsynced++;
			consume(sd, 1);
			decode_summary(f, "[out of step]");
			continue;
		}
		if ((uint64_t)t <= sd->len) {
			emit(s, f, sd->buf, (size_t)t, (uint64_t)t);
			consume(sd, (size_t)t);
			continue;
		}
		if ((uint64_t)t > max && sd->len >= max) {
			/*
			 * Longer than the bound: its first bytes are held,
			 * the rest passed, and it is decoded with the packet
			 * that ends it.
			 */
			sd->held = (uint64_t)t;
			sd->skip = (uint64_t)t - sd->len;
		}
		return;
	}
}

/* A held frame whose last byte has passed: decoded now. */
static void
release_held(struct stream *s, struct decode_frame *f)
{
	struct stream_dir *sd = &s->dir[f->dir];

	if (sd->held == 0 || sd->skip > 0)
		return;
	emit(s, f, sd->buf, sd->len, sd->held);
	sd->len = 0;
	sd->held = 0;
}

/*
 * missing bytes not captured after the gathered ones: the frame they
 * fall in is decoded from what there is, and the direction stays in
 * step if they end within it.
 */
static void
gap(struct stream *s, struct decode_frame *f, uint64_t missing)
{
	struct stream_dir *sd = &s->dir[f->dir];
	int64_t t = DECODE_NOT_FRAME;

	decode_summary(f, "[%llu bytes not captured]",
	    (unsigned long long)missing);
	if (sd->synced && sd->len > 0)
		t = s->dec->frame_len(s->state, f->dir, sd->buf, sd->len);
	if (t > 0 && (uint64_t)t >= sd->len &&
	    (uint64_t)t - sd->len >= missing) {
		/* Held until the packet that ends it, as a long frame. */
		sd->held = (uint64_t)t;
		sd->skip = (uint64_t)t - sd->len - missing;
		release_held(s, f);
		return;
	}
	if (t == DECODE_MORE) {
		/* Its end unknown: what there is, then out of step. */
		emit(s, f, sd->buf, sd->len, DECODE_LEN_UNKNOWN);
		sd->unsynced += missing;
	} else
		sd->unsynced += sd->len + missing;
	sd->len = 0;
	sd->synced = 0;
}

static void
stream_bytes(struct stream *s, struct decode_frame *f, const uint8_t *p,
    uint64_t have, uint64_t missing, size_t max)
{
	struct stream_dir *sd = &s->dir[f->dir];
	uint64_t pass;

	pass = sd->skip < have ? sd->skip : have;
	p += pass;
	have -= pass;
	sd->skip -= pass;
	pass = sd->skip < missing ? sd->skip : missing;
	sd->skip -= pass;
	missing -= pass;
	release_held(s, f);
	if (s->dec->frame_len == NULL) {
		/* Each packet's payload is a frame. */
		if (have > 0 || missing > 0)
			emit(s, f, p, (size_t)have, have + missing);
		return;
	}
	if (have > 0) {
		append(sd, p, (size_t)have);
		cut_frames(s, f, max);
	}
	if (missing > 0)
		gap(s, f, missing);
}

/*
 * SEQPACKET: the pieces of a message, then the message at its EOM.  Out
 * of step (the capture began inside a message), the rest of that
 * message is passed.
 */
static void
stream_message(struct stream *s, struct decode_frame *f, const uint8_t *p,
    uint32_t caplen, uint32_t len, int eom, size_t max)
{
	struct stream_dir *sd = &s->dir[f->dir];
	size_t keep = sd->len < max ? max - sd->len : 0;

	if (!sd->synced) {
		if (eom) {
			sd->synced = 1;
			decode_summary(f, "[the end of a message begun "
			    "before the capture]");
		}
		return;
	}
	if (keep > caplen)
		keep = caplen;
	append(sd, p, keep);
	sd->lost += len - caplen;
	sd->msg_total += len;
	if (!eom)
		return;
	if (sd->lost > 0)
		decode_summary(f, "[%llu bytes of the message not captured]",
		    (unsigned long long)sd->lost);
	emit(s, f, sd->buf, sd->len, sd->msg_total);
	sd->len = 0;
	sd->lost = 0;
	sd->msg_total = 0;
}

void
stream_data(struct stream *s, struct decode_frame *f, const uint8_t *p,
    uint32_t caplen, uint32_t len, int eom, size_t max)
{
	if (s->gave_up)
		return;
	if (s->seqpacket)
		stream_message(s, f, p, caplen, len, eom, max);
	else
		stream_bytes(s, f, p, caplen, len - caplen, max);
}
