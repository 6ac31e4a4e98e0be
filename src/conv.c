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
 * The vsock connection tracker (see vsock-conv.h).
 *
 * Credit (virtio specification, socket device, "Buffer Space
 * Management"): a sender may have at most
 *	peer_buf_alloc - (tx_cnt - peer_fwd_cnt)
 * bytes in flight, where tx_cnt counts the bytes it has sent and
 * peer_fwd_cnt is the latest fwd_cnt (bytes consumed) its peer
 * advertised.  Every virtio header carries its sender's buf_alloc and
 * fwd_cnt; tx_cnt is never on the wire.  Both counters start at 0 with
 * the connection and are 32 bits wide: they are compared here modulo
 * 2^32 (the difference as a signed 32-bit value), as the peers do,
 * while the byte figures are counted in 64 bits.
 *
 * When the capture saw the connection start (its REQUEST or RESPONSE),
 * tx_cnt is known exactly: the payload bytes seen.  Otherwise only a
 * lower bound is: a receiver cannot have consumed more than it was sent,
 * so each fwd_cnt it advertises raises the bound to at least that, and
 * the bytes in flight computed from the bound are a lower bound of the
 * real ones.  Only what holds for every possible value is reported:
 * data beyond credit when even the lower bound exceeds it; a zero
 * window when the lower bound reaches the peer's buffer exactly, which
 * a sender that respects credit can only be at with the bound exact,
 * so from then on the count is taken as exact.
 *
 * The position of the kernel's tap: every packet is handed to vsockmon
 * before its receiver processes it, and a side's own packets are handed
 * over in the order it sends them.  So what a side sends is seen in
 * order, and a packet a side sends after learning something is seen
 * after what taught it.  But packets of the two sides may cross: a side
 * may send data or a credit request before it has received the other
 * side's RST or SHUTDOWN, or a RST before it received the last data.
 * Only what a side did after its own packets is reported (data after
 * its own SHUTDOWN or RST, a message left open by its own SHUTDOWN or
 * RST); what it sent after the other side's packets is not.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "extract.h"
#include "wire.h"

static const char *const note_keywords[VSOCK_NOTE_COUNT] = {
	[VSOCK_NOTE_REFUSED]		= "refused",
	[VSOCK_NOTE_NO_RESPONSE]	= "no-response",
	[VSOCK_NOTE_DATA_BEFORE_RESPONSE] = "data-before-response",
	[VSOCK_NOTE_ZERO_WINDOW]	= "zero-window",
	[VSOCK_NOTE_WINDOW_REOPENED]	= "window-reopened",
	[VSOCK_NOTE_STALL]		= "stall",
	[VSOCK_NOTE_BEYOND_CREDIT]	= "beyond-credit",
	[VSOCK_NOTE_CREDIT_REQUEST_UNANSWERED] = "credit-request-unanswered",
	[VSOCK_NOTE_UNANNOUNCED_DRAIN]	= "unannounced-drain",
	[VSOCK_NOTE_FWD_CNT_BACKWARDS]	= "fwd-cnt-backwards",
	[VSOCK_NOTE_FWD_CNT_BEYOND_SENT] = "fwd-cnt-beyond-sent",
	[VSOCK_NOTE_BUF_ALLOC_BELOW_IN_FLIGHT] = "buf-alloc-below-in-flight",
	[VSOCK_NOTE_DATA_AFTER_SHUTDOWN] = "data-after-shutdown",
	[VSOCK_NOTE_DATA_AFTER_RST]	= "data-after-rst",
	[VSOCK_NOTE_AFTER_CLOSE]	= "after-close",
	[VSOCK_NOTE_UNTERMINATED_MESSAGE] = "unterminated-message",
};

static const char *const state_names[VSOCK_CONV_STATE_COUNT] = {
	[VSOCK_CONV_REQUESTED]		= "requested",
	[VSOCK_CONV_NO_RESPONSE]	= "no-response",
	[VSOCK_CONV_REFUSED]		= "refused",
	[VSOCK_CONV_OPEN]		= "open",
	[VSOCK_CONV_SHUTDOWN]		= "shutdown",
	[VSOCK_CONV_CLOSED]		= "closed",
	[VSOCK_CONV_RESET]		= "reset",
};

const char *
vsock_conv_note_keyword(enum vsock_conv_note n)
{
	return (unsigned)n < VSOCK_NOTE_COUNT ? note_keywords[n] : "?";
}

const char *
vsock_conv_state_name(enum vsock_conv_state s)
{
	return (unsigned)s < VSOCK_CONV_STATE_COUNT ? state_names[s] : "?";
}

/* What a side's tx_cnt is known as. */
enum tx_mode { TX_UNKNOWN, TX_LOWER, TX_EXACT };

/* Things that are reported when a time has passed without an answer. */
enum timer_kind { T_NO_RESPONSE, T_STALL, T_CREDIT_REQUEST };

struct conv;

struct timer {
	struct timer	*prev, *next;	/* by due time */
	struct conv	*conv;
	int64_t		 start_ns, due_ns;
	uint32_t	 pkt;
	uint8_t		 kind;		/* enum timer_kind */
	uint8_t		 side;
};

/* Tracking state of one side: what it sends and what it advertises. */
struct side {
	uint32_t	 buf_alloc;	/* its latest advertisement as a */
	uint32_t	 fwd_cnt;	/* receiver (if adv_known) */
	uint32_t	 tx;		/* its tx_cnt, or a lower bound */
	uint8_t		 adv_known;
	uint8_t		 tx_mode;	/* enum tx_mode */
	uint8_t		 stalled;	/* no credit to send with */
	uint8_t		 stall_alerted;	/* ... past the threshold */
	uint8_t		 creq_pending;	/* CREDIT_REQUEST not answered */
	uint8_t		 creq_in_stall;	/* ... sent while stalled */
	uint8_t		 rst;		/* it sent a RST */
	uint32_t	 shut_pkt;	/* its SHUTDOWN with SEND */
	uint32_t	 rst_pkt;	/* its first RST */
	int64_t		 stall_ns;	/* when its window closed */
	uint32_t	 stall_pkt;
	uint32_t	 stall_fwd;	/* peer's fwd_cnt then */
	uint32_t	 msg_frags;	/* pieces of the SEQPACKET message
					   without EOM yet; 0: none open */
	uint64_t	 msg_bytes;
	struct timer	*stall_timer;
	struct timer	*creq_timer;
};

struct conv {
	struct vsock_conv_summary s;
	struct conv	*hnext;		/* hash chain */
	struct conv	*prev, *next;	/* live list (least recently seen
					   first) or ended list */
	uint32_t	 hash;
	uint8_t		 ended;		/* closed by a RST */
	uint8_t		 unanswered;	/* no-response was reported */
	int64_t		 ended_ns;
	struct timer	*nores_timer;
	struct side	 side[2];
	void		*user;		/* the caller's, see conv.h */
};

struct list {
	struct conv	*head, *tail;
};

struct vsock_conv_tracker {
	struct vsock_conv_config cfg;
	struct conv	**bucket;
	uint32_t	 nbuckets;	/* a power of 2 */
	struct list	 live;		/* open, least recently seen first */
	struct list	 ended;		/* closed, first closed first */
	struct timer	*thead, *ttail;	/* pending, by due time */
	struct conv	*free_convs;	/* for reuse, through hnext */
	struct timer	*free_timers;	/* through next */
	uint32_t	 next_index;
	struct vsock_conv_summary *sums;
	size_t		 nsums, sumcap;
	int		 finished;
	struct vsock_conv_totals tot;
};

/* ---- small helpers ---------------------------------------------------- */

/* a - b of two 32-bit wire counters, as the peers compute it. */
static int32_t
cdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static void
list_unlink(struct list *l, struct conv *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		l->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		l->tail = c->prev;
	c->prev = c->next = NULL;
}

static void
list_append(struct list *l, struct conv *c)
{
	c->next = NULL;
	c->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
}

/* ---- the packet ------------------------------------------------------- */

struct pkt {
	uint64_t	 cid[2];	/* sender, receiver */
	uint32_t	 port[2];
	uint16_t	 type, op;
	uint32_t	 flags, buf_alloc, fwd_cnt;
	uint32_t	 plen;		/* payload length on the wire */
	uint32_t	 pcaplen;	/* of which captured */
	const uint8_t	*payload;
};

/*
 * The vsock packet in a frame of the capture's link type, or 0 if it
 * is none this tracker follows: not a vsockmon frame, not the virtio
 * transport, a type other than STREAM and SEQPACKET, or headers that
 * were not captured whole or do not fit the wire length.
 */
static int
parse(int dlt, uint32_t len, const uint8_t *p, uint32_t caplen,
    struct pkt *k)
{
	const uint8_t *v;
	uint32_t hdr_len;

	if (caplen > len)
		return 0;
	switch (dlt) {
	case DLT_VSOCK:
		break;
	case DLT_LINUX_SLL:
		if (caplen < SLL_HDR_LEN ||
		    EXTRACT_BE_U_2(p + SLL_OFF_HATYPE) != ARPHRD_VSOCKMON)
			return 0;
		p += SLL_HDR_LEN;
		len -= SLL_HDR_LEN;
		caplen -= SLL_HDR_LEN;
		break;
	case DLT_LINUX_SLL2:
		if (caplen < SLL2_HDR_LEN ||
		    EXTRACT_BE_U_2(p + SLL2_OFF_HATYPE) != ARPHRD_VSOCKMON)
			return 0;
		p += SLL2_HDR_LEN;
		len -= SLL2_HDR_LEN;
		caplen -= SLL2_HDR_LEN;
		break;
	default:
		return 0;
	}
	if (caplen < VSOCK_MON_HDR_LEN + VSOCK_VIRTIO_HDR_LEN ||
	    EXTRACT_LE_U_2(p + VSOCK_MON_OFF_TRANSPORT) !=
	    VSOCK_TRANSPORT_VIRTIO)
		return 0;
	hdr_len = EXTRACT_LE_U_2(p + VSOCK_MON_OFF_THDR_LEN);
	if (hdr_len < VSOCK_VIRTIO_HDR_LEN || len < VSOCK_MON_HDR_LEN + hdr_len)
		return 0;
	v = p + VSOCK_MON_HDR_LEN;
	k->type = EXTRACT_LE_U_2(v + VSOCK_VIRTIO_OFF_TYPE);
	if (k->type != VSOCK_TYPE_STREAM &&
	    k->type != VSOCK_TYPE_SEQPACKET)
		return 0;
	k->cid[0] = EXTRACT_LE_U_8(p + VSOCK_MON_OFF_SRC_CID);
	k->cid[1] = EXTRACT_LE_U_8(p + VSOCK_MON_OFF_DST_CID);
	k->port[0] = EXTRACT_LE_U_4(p + VSOCK_MON_OFF_SRC_PORT);
	k->port[1] = EXTRACT_LE_U_4(p + VSOCK_MON_OFF_DST_PORT);
	k->op = EXTRACT_LE_U_2(v + VSOCK_VIRTIO_OFF_OP);
	k->flags = EXTRACT_LE_U_4(v + VSOCK_VIRTIO_OFF_FLAGS);
	k->buf_alloc = EXTRACT_LE_U_4(v + VSOCK_VIRTIO_OFF_BUF_ALLOC);
	k->fwd_cnt = EXTRACT_LE_U_4(v + VSOCK_VIRTIO_OFF_FWD_CNT);
	/*
	 * The payload is what the virtio header's len says, as the peer
	 * counts it for credit, within what is on the wire: a tap may copy
	 * more after it (Linux before 5f344d809e01 did, for the pieces
	 * vhost-vsock splits a packet into), or less.
	 */
	k->plen = len - VSOCK_MON_HDR_LEN - hdr_len;
	if (EXTRACT_LE_U_4(v + VSOCK_VIRTIO_OFF_LEN) < k->plen)
		k->plen = EXTRACT_LE_U_4(v + VSOCK_VIRTIO_OFF_LEN);
	k->payload = p + VSOCK_MON_HDR_LEN + hdr_len;
	k->pcaplen = caplen > VSOCK_MON_HDR_LEN + hdr_len ?
	    caplen - VSOCK_MON_HDR_LEN - hdr_len : 0;
	if (k->pcaplen > k->plen)
		k->pcaplen = k->plen;
	return 1;
}

/* ---- the table -------------------------------------------------------- */

/* Of an endpoint; summed, so that the pair hashes alike both ways. */
static uint64_t
ep_hash(uint64_t cid, uint32_t port)
{
	uint64_t h = (cid ^ 0x9e3779b97f4a7c15ULL) * 0xff51afd7ed558ccdULL;

	h ^= (uint64_t)port * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

static uint32_t
pair_hash(const struct pkt *k)
{
	uint64_t h = ep_hash(k->cid[0], k->port[0]) +
	    ep_hash(k->cid[1], k->port[1]) + k->type;

	h *= 0x94d049bb133111ebULL;
	return (uint32_t)(h >> 32);
}

/* The conversation of k's pair and type, and which side sent k. */
static struct conv *
lookup(struct vsock_conv_tracker *t, const struct pkt *k, uint32_t h,
    int *side)
{
	struct conv *c;

	for (c = t->bucket[h & (t->nbuckets - 1)]; c != NULL; c = c->hnext) {
		if (c->hash != h || c->s.type != k->type)
			continue;
		if (c->s.cid[0] == k->cid[0] && c->s.port[0] == k->port[0] &&
		    c->s.cid[1] == k->cid[1] && c->s.port[1] == k->port[1]) {
			*side = 0;
			return c;
		}
		if (c->s.cid[0] == k->cid[1] && c->s.port[0] == k->port[1] &&
		    c->s.cid[1] == k->cid[0] && c->s.port[1] == k->port[0]) {
			*side = 1;
			return c;
		}
	}
	return NULL;
}

static void
hash_remove(struct vsock_conv_tracker *t, struct conv *c)
{
	struct conv **pp = &t->bucket[c->hash & (t->nbuckets - 1)];

	while (*pp != c)
		pp = &(*pp)->hnext;
	*pp = c->hnext;
	c->hnext = NULL;
}

/* Doubles the buckets; on failure the table stays as it was. */
static void
hash_grow(struct vsock_conv_tracker *t)
{
	struct conv **nb, *c, *next;
	uint32_t n = t->nbuckets * 2, i;

	nb = calloc(n, sizeof(*nb));
	if (nb == NULL)
		return;
	for (i = 0; i < t->nbuckets; i++)
		for (c = t->bucket[i]; c != NULL; c = next) {
			next = c->hnext;
			c->hnext = nb[c->hash & (n - 1)];
			nb[c->hash & (n - 1)] = c;
		}
	free(t->bucket);
	t->bucket = nb;
	t->nbuckets = n;
}

/* A time stamp within the range the tracker computes with. */
static int64_t
clamp_ns(int64_t ns)
{
	if (ns > VSOCK_CONV_NS_MAX)
		return VSOCK_CONV_NS_MAX;
	if (ns < -VSOCK_CONV_NS_MAX)
		return -VSOCK_CONV_NS_MAX;
	return ns;
}

/* ---- timers ----------------------------------------------------------- */

static struct timer *
timer_arm(struct vsock_conv_tracker *t, struct conv *c, int kind, int side,
    int64_t ns, uint32_t pkt)
{
	struct timer *tm, *at;

	if ((tm = t->free_timers) != NULL)
		t->free_timers = tm->next;
	else if ((tm = malloc(sizeof(*tm))) == NULL)
		return NULL;		/* no alert then; figures still kept */
	tm->conv = c;
	tm->kind = (uint8_t)kind;
	tm->side = (uint8_t)side;
	tm->start_ns = ns;
	tm->due_ns = ns + t->cfg.stall_ns;
	tm->pkt = pkt;
	/* Time stamps mostly grow: look from the end. */
	for (at = t->ttail; at != NULL && at->due_ns > tm->due_ns;
	    at = at->prev)
		continue;
	tm->prev = at;
	tm->next = at != NULL ? at->next : t->thead;
	if (tm->next != NULL)
		tm->next->prev = tm;
	else
		t->ttail = tm;
	if (at != NULL)
		at->next = tm;
	else
		t->thead = tm;
	return tm;
}

static void
timer_cancel(struct vsock_conv_tracker *t, struct timer **tp)
{
	struct timer *tm = *tp;

	if (tm == NULL)
		return;
	if (tm->prev != NULL)
		tm->prev->next = tm->next;
	else
		t->thead = tm->next;
	if (tm->next != NULL)
		tm->next->prev = tm->prev;
	else
		t->ttail = tm->prev;
	tm->next = t->free_timers;
	t->free_timers = tm;
	*tp = NULL;
}

/* Where conversation c keeps its pointer to timer tm. */
static struct timer **
timer_slot(struct timer *tm)
{
	struct conv *c = tm->conv;

	switch (tm->kind) {
	case T_NO_RESPONSE:
		return &c->nores_timer;
	case T_STALL:
		return &c->side[tm->side].stall_timer;
	default:
		return &c->side[tm->side].creq_timer;
	}
}

static void
timers_cancel_all(struct vsock_conv_tracker *t, struct conv *c)
{
	int i;

	timer_cancel(t, &c->nores_timer);
	for (i = 0; i < 2; i++) {
		timer_cancel(t, &c->side[i].stall_timer);
		timer_cancel(t, &c->side[i].creq_timer);
	}
}

/* ---- notes ------------------------------------------------------------ */

static void
count_note(struct vsock_conv_tracker *t, struct conv *c,
    enum vsock_conv_note n)
{
	if (c->s.notes == NULL)
		c->s.notes = calloc(VSOCK_NOTE_COUNT, sizeof(*c->s.notes));
	if (c->s.notes != NULL)
		c->s.notes[n]++;
	c->s.nnotes++;
	t->tot.notes[n]++;
}

/* Counts note n and adds it to the events of res. */
static struct vsock_conv_event *
note(struct vsock_conv_tracker *t, struct conv *c,
    struct vsock_conv_result *res, enum vsock_conv_note n, int side,
    uint32_t pkt)
{
	static struct vsock_conv_event dropped;
	struct vsock_conv_event *e;

	count_note(t, c, n);
	if (res == NULL || res->nevents >= VSOCK_CONV_MAX_EVENTS) {
		memset(&dropped, 0, sizeof(dropped));
		return &dropped;	/* counted, not shown */
	}
	e = &res->events[res->nevents++];
	memset(e, 0, sizeof(*e));
	e->note = n;
	e->side = side;
	e->pkt = pkt;
	e->conv = &c->s;
	return e;
}

/* ---- stalls ----------------------------------------------------------- */

static void
stall_begin(struct vsock_conv_tracker *t, struct conv *c, int d,
    int64_t ns, uint32_t pkt)
{
	struct side *s = &c->side[d];

	s->stalled = 1;
	s->stall_ns = ns;
	s->stall_pkt = pkt;
	s->stall_fwd = c->side[!d].fwd_cnt;
	s->stall_timer = timer_arm(t, c, T_STALL, d, ns, pkt);
}

/*
 * Side d's zero window ends at ns; returns how long it lasted.  A
 * stall is one that reached the threshold: its alert went out when the
 * threshold passed (vsock_conv_tick()); if the caller skipped that, it
 * is counted here.  So every stall is counted once as a "stall" note.
 */
static int64_t
stall_end(struct vsock_conv_tracker *t, struct conv *c, int d, int64_t ns)
{
	struct side *s = &c->side[d];
	int64_t dur = ns - s->stall_ns;

	if (dur < 0)
		dur = 0;
	if (dur >= t->cfg.stall_ns || s->stall_alerted) {
		c->s.stalls++;
		/* dur < 2^63: a sum of many may not be. */
		if (c->s.stalled_ns > INT64_MAX - dur)
			c->s.stalled_ns = INT64_MAX;
		else
			c->s.stalled_ns += dur;
		if (dur > c->s.longest_stall_ns)
			c->s.longest_stall_ns = dur;
		if (!s->stall_alerted)
			count_note(t, c, VSOCK_NOTE_STALL);
	}
	timer_cancel(t, &s->stall_timer);
	s->stalled = 0;
	s->stall_alerted = 0;
	return dur;
}

/* ---- conversations ---------------------------------------------------- */

/* Moves c out of the table, keeping its summary if there is room. */
static void
retire(struct vsock_conv_tracker *t, struct conv *c)
{
	struct vsock_conv_summary *ns;
	size_t cap;

	hash_remove(t, c);
	list_unlink(c->ended ? &t->ended : &t->live, c);
	timers_cancel_all(t, c);
	if (c->user != NULL && t->cfg.retired != NULL)
		t->cfg.retired(t->cfg.retired_arg, c->user);
	c->user = NULL;
	t->tot.open--;
	if (c->s.state == VSOCK_CONV_REQUESTED && c->unanswered)
		c->s.state = VSOCK_CONV_NO_RESPONSE;
	if (t->nsums == t->sumcap && t->sumcap < t->cfg.max_summaries) {
		cap = t->sumcap == 0 ? 256 : t->sumcap * 2;
		if (cap > t->cfg.max_summaries)
			cap = t->cfg.max_summaries;
		if ((ns = realloc(t->sums, cap * sizeof(*ns))) != NULL) {
			t->sums = ns;
			t->sumcap = cap;
		}
	}
	if (t->nsums < t->sumcap)
		t->sums[t->nsums++] = c->s;
	else {
		free(c->s.notes);
		if (t->cfg.max_summaries > 0)
			t->tot.unlisted++;
	}
	c->hnext = t->free_convs;
	t->free_convs = c;
}

/* Ends c at ns: a RST was sent, or it is dropped from tracking. */
static void
conv_end(struct vsock_conv_tracker *t, struct conv *c, int64_t ns)
{
	int d;

	for (d = 0; d < 2; d++)
		if (c->side[d].stalled)
			(void)stall_end(t, c, d, ns);
	timers_cancel_all(t, c);
	list_unlink(&t->live, c);
	c->ended = 1;
	c->ended_ns = ns;
	list_append(&t->ended, c);
}

/* Retires the ended conversations that have lingered long enough. */
static void
retire_lingering(struct vsock_conv_tracker *t, int64_t now)
{
	while (t->ended.head != NULL &&
	    now - t->ended.head->ended_ns >= t->cfg.linger_ns)
		retire(t, t->ended.head);
}

/* Makes room for one more conversation; 0 if there is none. */
static int
make_room(struct vsock_conv_tracker *t)
{
	struct conv *c;

	if (t->tot.open < t->cfg.max_open)
		return 1;
	if (t->ended.head != NULL) {
		retire(t, t->ended.head);
		return 1;
	}
	if ((c = t->live.head) == NULL)
		return 0;
	c->s.evicted = 1;
	t->tot.evicted++;
	conv_end(t, c, c->s.last_ns);
	retire(t, c);
	return 1;
}

/*
 * A new conversation for k (whose sender becomes side 0), or NULL if
 * there is no memory for it.
 */
static struct conv *
conv_new(struct vsock_conv_tracker *t, const struct pkt *k, uint32_t h,
    uint32_t pkt, int64_t ns)
{
	struct conv *c;

	if (!make_room(t))
		return NULL;
	if ((c = t->free_convs) != NULL)
		t->free_convs = c->hnext;
	else if ((c = malloc(sizeof(*c))) == NULL)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->s.cid[0] = k->cid[0];
	c->s.cid[1] = k->cid[1];
	c->s.port[0] = k->port[0];
	c->s.port[1] = k->port[1];
	c->s.type = k->type;
	c->s.index = t->next_index++;
	c->s.rst_by = -1;
	c->s.first_pkt = pkt;
	c->s.first_ns = ns;
	c->s.state = VSOCK_CONV_OPEN;
	c->hash = h;
	c->hnext = t->bucket[h & (t->nbuckets - 1)];
	t->bucket[h & (t->nbuckets - 1)] = c;
	list_append(&t->live, c);
	t->tot.conversations++;
	if (++t->tot.open > t->tot.open_peak)
		t->tot.open_peak = t->tot.open;
	if (t->tot.open > t->nbuckets)
		hash_grow(t);
	return c;
}

/*
 * Side r advertised buf_alloc and fwd_cnt (every packet does): for the
 * data that the other side, d, sends to it.
 */
static void
advertise(struct vsock_conv_tracker *t, struct conv *c, int r,
    const struct pkt *k, uint32_t pkt, int64_t ns,
    struct vsock_conv_result *res)
{
	struct side *rs = &c->side[r], *ds = &c->side[!r];
	struct vsock_conv_event *e;
	uint32_t old_buf = rs->buf_alloc;
	int had = rs->adv_known, d = !r;
	int64_t in_flight, dur;

	if (had && cdiff(k->fwd_cnt, rs->fwd_cnt) < 0) {
		e = note(t, c, res, VSOCK_NOTE_FWD_CNT_BACKWARDS, r, pkt);
		e->a = k->fwd_cnt;
		e->b = rs->fwd_cnt;
	}
	switch (ds->tx_mode) {
	case TX_EXACT:
		if (cdiff(ds->tx, k->fwd_cnt) < 0) {
			e = note(t, c, res, VSOCK_NOTE_FWD_CNT_BEYOND_SENT, r,
			    pkt);
			e->a = k->fwd_cnt;
			e->b = ds->tx;
			/*
			 * Once: from here count as if the bytes it says it
			 * had were sent (the capture may have missed them).
			 */
			ds->tx = k->fwd_cnt;
		}
		break;
	case TX_LOWER:
		if (cdiff(k->fwd_cnt, ds->tx) > 0)
			ds->tx = k->fwd_cnt;
		break;
	default:
		ds->tx = k->fwd_cnt;
		ds->tx_mode = TX_LOWER;
		break;
	}
	rs->fwd_cnt = k->fwd_cnt;
	rs->buf_alloc = k->buf_alloc;
	rs->adv_known = 1;

	in_flight = cdiff(ds->tx, rs->fwd_cnt);
	if (had && rs->buf_alloc < old_buf && in_flight > rs->buf_alloc) {
		e = note(t, c, res, VSOCK_NOTE_BUF_ALLOC_BELOW_IN_FLIGHT, r,
		    pkt);
		e->a = rs->buf_alloc;
		e->b = (uint64_t)in_flight;
	}
	/* Windows open and close only where the count is exact. */
	if (ds->tx_mode != TX_EXACT)
		return;
	if (ds->stalled && in_flight < (int64_t)rs->buf_alloc) {
		dur = stall_end(t, c, d, ns);
		e = note(t, c, res, VSOCK_NOTE_WINDOW_REOPENED, d, pkt);
		e->duration_ns = dur;
		e->a = ds->stall_pkt;
		if (ds->creq_in_stall && ds->creq_pending &&
		    k->op == VSOCK_OP_CREDIT_UPDATE &&
		    rs->fwd_cnt != ds->stall_fwd) {
			e = note(t, c, res, VSOCK_NOTE_UNANNOUNCED_DRAIN, r,
			    pkt);
			e->a = (uint32_t)(rs->fwd_cnt - ds->stall_fwd);
			e->duration_ns = dur;
		}
	} else if (!ds->stalled && had && in_flight > 0 &&
	    in_flight >= (int64_t)rs->buf_alloc) {
		/* The receiver shrank its buffer to nothing left. */
		e = note(t, c, res, VSOCK_NOTE_ZERO_WINDOW, d, pkt);
		e->a = (uint64_t)in_flight;
		e->b = rs->buf_alloc;
		stall_begin(t, c, d, ns, pkt);
	}
}

/* Side d sent k->plen bytes of data: its credit. */
static void
spend_credit(struct vsock_conv_tracker *t, struct conv *c, int d,
    const struct pkt *k, uint32_t pkt, int64_t ns,
    struct vsock_conv_result *res)
{
	struct side *ds = &c->side[d], *rs = &c->side[!d];
	struct vsock_conv_event *e;
	int64_t after;

	if (ds->tx_mode == TX_UNKNOWN)
		return;		/* learned at the peer's next packet */
	ds->tx += k->plen;
	if (!rs->adv_known || k->plen == 0)
		return;
	after = cdiff(ds->tx, rs->fwd_cnt);
	if (after > (int64_t)rs->buf_alloc) {
		e = note(t, c, res, VSOCK_NOTE_BEYOND_CREDIT, d, pkt);
		e->a = (uint64_t)after;
		e->b = rs->buf_alloc;
	} else if (after == (int64_t)rs->buf_alloc) {
		e = note(t, c, res, VSOCK_NOTE_ZERO_WINDOW, d, pkt);
		e->a = (uint64_t)after;
		e->b = rs->buf_alloc;
		ds->tx_mode = TX_EXACT;		/* see the top of the file */
	} else
		return;
	if (!ds->stalled && ds->tx_mode == TX_EXACT)
		stall_begin(t, c, d, ns, pkt);
}

/*
 * Side d can send no more (its SHUTDOWN SEND or RST, packet pkt): a
 * SEQPACKET message it left without EOM is reported, and forgotten.
 */
static void
end_message(struct vsock_conv_tracker *t, struct conv *c, int d,
    uint32_t pkt, struct vsock_conv_result *res)
{
	struct side *ds = &c->side[d];
	struct vsock_conv_event *e;

	if (ds->msg_frags == 0)
		return;
	e = note(t, c, res, VSOCK_NOTE_UNTERMINATED_MESSAGE, d, pkt);
	e->a = ds->msg_frags;
	e->b = ds->msg_bytes;
	ds->msg_frags = 0;
	ds->msg_bytes = 0;
}

/* Side d sent its RST: c ends. */
static void
got_rst(struct vsock_conv_tracker *t, struct conv *c, int d, uint32_t pkt,
    int64_t ns, struct vsock_conv_result *res)
{
	struct side *ds = &c->side[d];

	ds->rst = 1;
	ds->rst_pkt = pkt;
	c->s.rst_by = (int8_t)d;
	if (c->s.state == VSOCK_CONV_REQUESTED && d == 1) {
		c->s.state = VSOCK_CONV_REFUSED;
		(void)note(t, c, res, VSOCK_NOTE_REFUSED, d, pkt);
	} else if (c->s.shut[0] != 0 || c->s.shut[1] != 0)
		c->s.state = VSOCK_CONV_CLOSED;
	else
		c->s.state = VSOCK_CONV_RESET;
	end_message(t, c, d, pkt, res);
	conv_end(t, c, ns);
}

/* A packet of a conversation that a RST has ended. */
static void
after_end(struct vsock_conv_tracker *t, struct conv *c, int d,
    const struct pkt *k, uint32_t pkt, struct vsock_conv_result *res)
{
	struct side *ds = &c->side[d];
	struct vsock_conv_event *e;

	if (k->op == VSOCK_OP_RST) {
		if (!ds->rst) {
			ds->rst = 1;
			ds->rst_pkt = pkt;
			/* the other side's came first */
			c->s.rst_by = 2;
		}
		return;
	}
	/* The other side may not have had the RST yet when it sent this. */
	if (!ds->rst)
		return;
	e = note(t, c, res, k->op == VSOCK_OP_RW ? VSOCK_NOTE_DATA_AFTER_RST :
	    VSOCK_NOTE_AFTER_CLOSE, d, pkt);
	e->a = ds->rst_pkt;
}

static void
count_packet(struct conv *c, int d, const struct pkt *k, uint32_t pkt,
    int64_t ns)
{
	struct vsock_conv_dir_stats *st = &c->s.dir[d];

	st->packets++;
	c->s.last_pkt = pkt;
	c->s.last_ns = ns;
	if (k->op != VSOCK_OP_RW)
		return;
	st->data_packets++;
	st->bytes += k->plen;
	if (k->type != VSOCK_TYPE_SEQPACKET)
		return;
	if (k->flags & VSOCK_SEQ_EOR)
		st->records++;
	if (k->flags & VSOCK_SEQ_EOM) {
		st->messages++;
		c->side[d].msg_frags = 0;
		c->side[d].msg_bytes = 0;
	} else {
		c->side[d].msg_frags++;
		c->side[d].msg_bytes += k->plen;
	}
}

/* What each virtio op does to a live conversation, sent by side d. */
static void
live_packet(struct vsock_conv_tracker *t, struct conv *c, int d,
    const struct pkt *k, uint32_t pkt, int64_t ns,
    struct vsock_conv_result *res)
{
	struct side *ds = &c->side[d];
	struct vsock_conv_event *e;

	switch (k->op) {
	case VSOCK_OP_RESPONSE:
		if (c->s.state == VSOCK_CONV_REQUESTED && d == 1) {
			c->s.state = VSOCK_CONV_OPEN;
			timer_cancel(t, &c->nores_timer);
		}
		break;
	case VSOCK_OP_SHUTDOWN:
		c->s.shut[d] |= (uint8_t)(k->flags &
		    (VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND));
		if (c->s.state == VSOCK_CONV_OPEN ||
		    c->s.state == VSOCK_CONV_REQUESTED)
			c->s.state = VSOCK_CONV_SHUTDOWN;
		if ((k->flags & VSOCK_SHUTDOWN_SEND) && ds->shut_pkt == 0)
			ds->shut_pkt = pkt;
		if (k->flags & VSOCK_SHUTDOWN_SEND)
			end_message(t, c, d, pkt, res);
		break;
	case VSOCK_OP_RW:
		if (c->s.state == VSOCK_CONV_REQUESTED)
			(void)note(t, c, res, VSOCK_NOTE_DATA_BEFORE_RESPONSE,
			    d, pkt);
		if (ds->shut_pkt != 0) {
			e = note(t, c, res, VSOCK_NOTE_DATA_AFTER_SHUTDOWN, d,
			    pkt);
			e->a = ds->shut_pkt;
		}
		spend_credit(t, c, d, k, pkt, ns, res);
		break;
	case VSOCK_OP_CREDIT_REQUEST:
		ds->creq_pending = 1;
		ds->creq_in_stall = ds->stalled;
		if (ds->creq_timer == NULL)
			ds->creq_timer = timer_arm(t, c, T_CREDIT_REQUEST, d,
			    ns, pkt);
		break;
	}
	/*
	 * Every header carries its sender's buffer figures, but a RST: the
	 * kernel answers a packet for no socket with a RST whose figures
	 * are 0 (virtio_transport_reset_no_sock()).
	 */
	if (k->op != VSOCK_OP_RST)
		advertise(t, c, d, k, pkt, ns, res);
	if (k->op == VSOCK_OP_CREDIT_UPDATE) {
		c->side[!d].creq_pending = 0;
		c->side[!d].creq_in_stall = 0;
		timer_cancel(t, &c->side[!d].creq_timer);
	}
	if (k->op == VSOCK_OP_RST)
		got_rst(t, c, d, pkt, ns, res);
}

int
vsock_conv_known(struct vsock_conv_tracker *t, uint32_t len,
    const uint8_t *p, uint32_t caplen)
{
	struct pkt k;
	int side;

	if (!parse(t->cfg.dlt, len, p, caplen, &k))
		return 0;
	return lookup(t, &k, pair_hash(&k), &side) != NULL;
}

void
vsock_conv_packet(struct vsock_conv_tracker *t, uint32_t pkt, int64_t ns,
    uint32_t len, const uint8_t *p, uint32_t caplen,
    struct vsock_conv_result *res)
{
	struct pkt k;
	struct conv *c;
	uint32_t h;
	int d = 0, fresh = 0;

	memset(res, 0, sizeof(*res));
	ns = clamp_ns(ns);
	t->tot.packets++;
	if (t->finished || !parse(t->cfg.dlt, len, p, caplen, &k)) {
		t->tot.untracked++;
		return;
	}
	retire_lingering(t, ns);
	h = pair_hash(&k);
	c = lookup(t, &k, h, &d);
	if (c != NULL && k.op == VSOCK_OP_REQUEST &&
	    (c->ended || c->s.state != VSOCK_CONV_REQUESTED)) {
		/* A new connection on the same pair. */
		if (!c->ended)
			conv_end(t, c, ns);
		retire(t, c);
		c = NULL;
	}
	if (c == NULL) {
		/* The receiver of a first RESPONSE is the one that asked. */
		if (k.op == VSOCK_OP_RESPONSE) {
			uint64_t cid = k.cid[0];
			uint32_t port = k.port[0];

			k.cid[0] = k.cid[1];
			k.port[0] = k.port[1];
			k.cid[1] = cid;
			k.port[1] = port;
		}
		if ((c = conv_new(t, &k, h, pkt, ns)) == NULL) {
			t->tot.untracked++;
			return;
		}
		d = k.op == VSOCK_OP_RESPONSE;
		fresh = 1;
		if (k.op == VSOCK_OP_REQUEST || k.op == VSOCK_OP_RESPONSE) {
			/* Nothing was sent before: counts are exact. */
			c->side[0].tx_mode = c->side[1].tx_mode = TX_EXACT;
			c->s.start_seen = k.op == VSOCK_OP_REQUEST;
		}
		if (k.op == VSOCK_OP_REQUEST) {
			c->s.state = VSOCK_CONV_REQUESTED;
			c->nores_timer = timer_arm(t, c, T_NO_RESPONSE, 0, ns,
			    pkt);
		}
	}
	res->conv = &c->s;
	res->user = &c->user;
	res->side = d;
	res->op = k.op;
	res->flags = k.flags;
	res->payload_len = k.plen;
	res->payload_caplen = k.pcaplen < k.plen ? k.pcaplen : k.plen;
	res->payload = k.payload;
	count_packet(c, d, &k, pkt, ns);
	if (c->ended) {
		after_end(t, c, d, &k, pkt, res);
		return;
	}
	if (!fresh) {
		list_unlink(&t->live, c);
		list_append(&t->live, c);
	}
	live_packet(t, c, d, &k, pkt, ns, res);
}

/* ---- absences --------------------------------------------------------- */

static void
absence(struct vsock_conv_tracker *t, struct timer *tm,
    struct vsock_conv_event *e)
{
	struct conv *c = tm->conv;

	memset(e, 0, sizeof(*e));
	switch (tm->kind) {
	case T_NO_RESPONSE:
		e->note = VSOCK_NOTE_NO_RESPONSE;
		c->unanswered = 1;
		break;
	case T_STALL:
		e->note = VSOCK_NOTE_STALL;
		c->side[tm->side].stall_alerted = 1;
		break;
	default:
		e->note = VSOCK_NOTE_CREDIT_REQUEST_UNANSWERED;
		break;
	}
	e->side = tm->side;
	e->pkt = tm->pkt;
	e->ns = tm->due_ns;
	e->duration_ns = tm->due_ns - tm->start_ns;
	e->conv = &c->s;
	count_note(t, c, e->note);
	timer_cancel(t, timer_slot(tm));
}

unsigned
vsock_conv_tick(struct vsock_conv_tracker *t, int64_t now,
    struct vsock_conv_event *ev, unsigned max)
{
	unsigned n = 0;

	now = clamp_ns(now);
	retire_lingering(t, now);
	while (n < max && t->thead != NULL && t->thead->due_ns <= now)
		absence(t, t->thead, &ev[n++]);
	return n;
}

static int
by_index(const void *a, const void *b)
{
	const struct vsock_conv_summary *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

unsigned
vsock_conv_finish(struct vsock_conv_tracker *t, int64_t now,
    struct vsock_conv_event *ev, unsigned max)
{
	struct conv *c;
	unsigned n;
	int d;

	if (t->finished)
		return 0;
	now = clamp_ns(now);
	if ((n = vsock_conv_tick(t, now, ev, max)) > 0)
		return n;
	/*
	 * What has waited less than the threshold when the capture ends
	 * is not reported: its answer may just not have been captured.
	 */
	while ((c = t->live.head) != NULL) {
		for (d = 0; d < 2; d++)
			if (c->side[d].stalled)
				(void)stall_end(t, c, d, now);
		retire(t, c);
	}
	while (t->ended.head != NULL)
		retire(t, t->ended.head);
	if (t->nsums > 1)
		qsort(t->sums, t->nsums, sizeof(*t->sums), by_index);
	t->finished = 1;
	return 0;
}

const struct vsock_conv_summary *
vsock_conv_summaries(struct vsock_conv_tracker *t, size_t *n)
{
	*n = t->nsums;
	return t->sums;
}

const struct vsock_conv_totals *
vsock_conv_totals(const struct vsock_conv_tracker *t)
{
	return &t->tot;
}

/* ---- life ------------------------------------------------------------- */

struct vsock_conv_tracker *
vsock_conv_new(const struct vsock_conv_config *cfg)
{
	struct vsock_conv_tracker *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->cfg = *cfg;
	if (t->cfg.stall_ns <= 0)
		t->cfg.stall_ns = 1;
	else if (t->cfg.stall_ns > VSOCK_CONV_SPAN_MAX)
		t->cfg.stall_ns = VSOCK_CONV_SPAN_MAX;
	if (t->cfg.linger_ns < 0)
		t->cfg.linger_ns = 0;
	else if (t->cfg.linger_ns > VSOCK_CONV_SPAN_MAX)
		t->cfg.linger_ns = VSOCK_CONV_SPAN_MAX;
	if (t->cfg.max_open == 0)
		t->cfg.max_open = 1;
	t->nbuckets = 1024;
	if ((t->bucket = calloc(t->nbuckets, sizeof(*t->bucket))) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void
vsock_conv_free(struct vsock_conv_tracker *t)
{
	struct conv *c;
	struct timer *tm;
	size_t i;

	if (t == NULL)
		return;
	while ((c = t->live.head) != NULL)
		retire(t, c);
	while ((c = t->ended.head) != NULL)
		retire(t, c);
	while ((c = t->free_convs) != NULL) {
		t->free_convs = c->hnext;
		free(c);
	}
	while ((tm = t->free_timers) != NULL) {
		t->free_timers = tm->next;
		free(tm);
	}
	for (i = 0; i < t->nsums; i++)
		free(t->sums[i].notes);
	free(t->sums);
	free(t->bucket);
	free(t);
}
