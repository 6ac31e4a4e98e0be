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
 * vsock connection tracker: follows the conversations of a vsock
 * capture (virtio transport) and says where they break the rules of
 * the virtio socket device's buffer space management.
 *
 * It is a pure function of the packets it is fed: time stamp, wire
 * length and captured bytes of each frame, in capture order, plus the
 * current time when the caller wants absences (a stall, an unanswered
 * REQUEST) reported while they last.  It does no I/O and prints
 * nothing; src/analysis.c turns its results into text.
 *
 * A conversation is a pair of endpoints (CID.PORT) and a socket type;
 * a REQUEST on a pair whose conversation has ended starts a new one.
 * Conversations are numbered from 0 in the order they start.  Side 0
 * ("src") is the side that sent the REQUEST or, when the capture
 * missed it, the side that sent the first packet seen (the receiver of
 * a RESPONSE if that came first); side 1 is "dst".
 */

#ifndef vsock_conv_h
#define vsock_conv_h

#include <stddef.h>
#include <stdint.h>

/* What the tracker can say, in the order the man page lists it. */
enum vsock_conv_note {
	VSOCK_NOTE_REFUSED,		/* REQUEST answered by RST */
	VSOCK_NOTE_NO_RESPONSE,		/* REQUEST never answered (absence) */
	VSOCK_NOTE_DATA_BEFORE_RESPONSE,
	VSOCK_NOTE_ZERO_WINDOW,		/* sender used all of its credit */
	VSOCK_NOTE_WINDOW_REOPENED,	/* ... and got credit again */
	VSOCK_NOTE_STALL,		/* zero window past the threshold */
	VSOCK_NOTE_BEYOND_CREDIT,	/* data beyond the peer's credit */
	VSOCK_NOTE_CREDIT_REQUEST_UNANSWERED,	/* (absence) */
	VSOCK_NOTE_UNANNOUNCED_DRAIN,	/* drained, told only when asked */
	VSOCK_NOTE_FWD_CNT_BACKWARDS,
	VSOCK_NOTE_FWD_CNT_BEYOND_SENT,
	VSOCK_NOTE_BUF_ALLOC_BELOW_IN_FLIGHT,
	VSOCK_NOTE_DATA_AFTER_SHUTDOWN,	/* after the sender's SHUTDOWN SEND */
	VSOCK_NOTE_DATA_AFTER_RST,	/* after the sender's own RST */
	VSOCK_NOTE_AFTER_CLOSE,		/* other packets of a closed one */
	VSOCK_NOTE_UNTERMINATED_MESSAGE, /* SEQPACKET message without EOM */
	VSOCK_NOTE_COUNT
};

/* The stable keyword of a note, as vsockdump.1 lists it. */
extern const char *vsock_conv_note_keyword(enum vsock_conv_note);

/* How a conversation stands (or ended). */
enum vsock_conv_state {
	VSOCK_CONV_REQUESTED,		/* REQUEST seen, no answer yet */
	VSOCK_CONV_NO_RESPONSE,		/* ... none for the threshold */
	VSOCK_CONV_REFUSED,		/* REQUEST answered by RST */
	VSOCK_CONV_OPEN,		/* established (or seen mid-way) */
	VSOCK_CONV_SHUTDOWN,		/* a side sent SHUTDOWN, no RST yet */
	VSOCK_CONV_CLOSED,		/* RST after SHUTDOWN */
	VSOCK_CONV_RESET,		/* RST without SHUTDOWN */
	VSOCK_CONV_STATE_COUNT
};

extern const char *vsock_conv_state_name(enum vsock_conv_state);

/* One direction of a conversation: what side d sent. */
struct vsock_conv_dir_stats {
	uint64_t	packets;	/* every packet side d sent */
	uint64_t	bytes;		/* payload bytes of its RW packets */
	uint64_t	data_packets;	/* its RW packets */
	uint64_t	messages;	/* SEQPACKET: RW packets with EOM */
	uint64_t	records;	/* SEQPACKET: RW packets with EOR */
};

/*
 * What is kept of a conversation, also once it has left the table of
 * live conversations (vsock_conv_summaries()).
 */
struct vsock_conv_summary {
	uint64_t	cid[2];		/* [0] src, [1] dst */
	uint32_t	port[2];
	uint32_t	index;		/* from 0, in order of start */
	uint16_t	type;		/* 1 STREAM, 2 SEQPACKET */
	uint8_t		state;		/* enum vsock_conv_state */
	uint8_t		start_seen;	/* the REQUEST was captured */
	uint8_t		shut[2];	/* SHUTDOWN flags each side sent */
	int8_t		rst_by;		/* side that sent a RST: 0 src, 1 dst,
					   2 both (a tap's order of the two
					   is not the peers'), -1 none */
	uint8_t		evicted;	/* dropped from tracking: incomplete */
	uint32_t	first_pkt, last_pkt;	/* packet numbers */
	int64_t		first_ns, last_ns;	/* time stamps */
	struct vsock_conv_dir_stats dir[2];
	uint32_t	stalls;		/* zero windows that reached the
					   stall threshold */
	int64_t		stalled_ns;	/* their total duration */
	int64_t		longest_stall_ns;
	uint32_t	nnotes;		/* notes of every kind */
	uint32_t	*notes;		/* count per kind, NULL if none */
};

/* One note, with what the text needs. */
struct vsock_conv_event {
	enum vsock_conv_note note;
	int		side;		/* side it is about (sender of the data
					   or of the packet) */
	uint32_t	pkt;		/* packet it is about; for absences,
					   the one that began the wait */
	int64_t		ns;		/* absences: when the threshold passed
					   (or the capture ended) */
	int64_t		duration_ns;	/* reopened window, absences */
	uint64_t	a, b;		/* figures, see src/analysis.c */
	const struct vsock_conv_summary *conv;
};

#define VSOCK_CONV_MAX_EVENTS	8

/* What one packet was, for the caller. */
struct vsock_conv_result {
	const struct vsock_conv_summary *conv;	/* NULL: not tracked */
	/*
	 * The caller's pointer for the conversation, NULL at its start;
	 * the tracker hands it to cfg.retired when the conversation
	 * leaves the table.
	 */
	void		**user;
	int		side;		/* sender: 0 src, 1 dst */
	uint16_t	op;		/* virtio op */
	uint32_t	flags;		/* virtio flags */
	uint32_t	payload_len;	/* wire payload length */
	uint32_t	payload_caplen;	/* of which captured */
	const uint8_t	*payload;	/* its first captured byte */
	unsigned	nevents;
	struct vsock_conv_event events[VSOCK_CONV_MAX_EVENTS];
};

/*
 * The tracker takes time stamps within +/- VSOCK_CONV_NS_MAX (about
 * 146 years either side of the epoch) and thresholds up to
 * VSOCK_CONV_SPAN_MAX, and brings others into those ranges, so that no
 * sum or difference of them can overflow, whatever a file holds.
 */
#define VSOCK_CONV_NS_MAX	((INT64_C(1) << 62) - 1)
#define VSOCK_CONV_SPAN_MAX	(INT64_C(1) << 60)

struct vsock_conv_config {
	int		dlt;		/* DLT_VSOCK, DLT_LINUX_SLL, _SLL2 */
	int64_t		stall_ns;	/* threshold of stalls and absences */
	uint32_t	max_open;	/* conversations tracked at once */
	uint32_t	max_summaries;	/* kept once ended; 0: none kept */
	int64_t		linger_ns;	/* how long an ended conversation
					   stays to catch late packets */
	/* Called with a conversation's user pointer when it retires. */
	void		(*retired)(void *arg, void *user);
	void		*retired_arg;
};

struct vsock_conv_tracker;

/* A tracker, or NULL if out of memory. */
extern struct vsock_conv_tracker *vsock_conv_new(
    const struct vsock_conv_config *);
extern void vsock_conv_free(struct vsock_conv_tracker *);

/*
 * Feed packet number pkt: time stamp ns, wire length len, caplen
 * captured bytes at p.  Fills *res; the conversation it points to
 * stays valid until the next call.  Absences due by ns are NOT
 * reported here: call vsock_conv_tick(ns) first.
 */
extern void vsock_conv_packet(struct vsock_conv_tracker *, uint32_t pkt,
    int64_t ns, uint32_t len, const uint8_t *p, uint32_t caplen,
    struct vsock_conv_result *res);

/* Whether the frame belongs to a conversation in the table. */
extern int vsock_conv_known(struct vsock_conv_tracker *, uint32_t len,
    const uint8_t *p, uint32_t caplen);

/*
 * Absences whose threshold has passed by time now: fills ev (at most
 * max) and returns how many; call again until it returns 0.
 */
extern unsigned vsock_conv_tick(struct vsock_conv_tracker *, int64_t now,
    struct vsock_conv_event *ev, unsigned max);

/*
 * The end of the capture at time now: the absences due by now, as
 * vsock_conv_tick() gives them (what has waited less than the threshold
 * is not one); returns 0 once all are out and every conversation has
 * been made a summary.
 */
extern unsigned vsock_conv_finish(struct vsock_conv_tracker *, int64_t now,
    struct vsock_conv_event *ev, unsigned max);

/* After vsock_conv_finish(): the summaries kept, by index. */
extern const struct vsock_conv_summary *vsock_conv_summaries(
    struct vsock_conv_tracker *, size_t *n);

/* Figures of the whole capture. */
struct vsock_conv_totals {
	uint64_t	packets;	/* fed */
	/* not vsock over virtio, or cut short */
	uint64_t	untracked;
	uint64_t	conversations;	/* started */
	uint64_t	evicted;	/* dropped while live: table full */
	uint64_t	unlisted;	/* ended beyond max_summaries */
	uint32_t	open;		/* in the table now */
	uint32_t	open_peak;
	uint64_t	notes[VSOCK_NOTE_COUNT];
};

extern const struct vsock_conv_totals *vsock_conv_totals(
    const struct vsock_conv_tracker *);

#endif /* vsock_conv_h */
