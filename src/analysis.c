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
 * vsockdump's connection analysis (analysis.h): what the
 * tracker of src/conv.c finds, as text.
 *
 * Output conventions follow tshark's where they fit: -z conv,vsock is a
 * conversation table between "====" rules, -z follow,vsock,... prints
 * each chunk of data with the second node's indented by a tab, and -q
 * with a -z option prints no packet lines.  The notes of a packet are
 * appended to its line in brackets, like the printer's own consistency
 * notes; an absence (a stall, an unanswered REQUEST or CREDIT_REQUEST)
 * is a line of its own, printed when its threshold passes.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include <time.h>

#include "netdissect.h"
#include "analysis.h"
#include "conv.h"
#include "decode.h"
#include "diag.h"
#include "follow.h"
#include "rpc.h"
#include "summaries.h"
#include "text.h"
#include "wire.h"

/* Defaults; the man page gives them too. */
#define DEFAULT_STALL_NS	NS_PER_SEC
#define DEFAULT_CONV_LIMIT	262144
#define MAX_STALL_NS		(86400 * NS_PER_SEC)	/* a day */
#define MAX_CONV_LIMIT		0x3fffffffUL
#define SUMMARIES_PER_OPEN	4	/* ended ones kept per live one */
#define LINGER_NS		(10 * NS_PER_SEC)

/*
 * The live stall alerts: analysis_tick() runs every tenth of the
 * threshold, within these bounds; and a packet whose time stamp is
 * younger than the capture's buffer timeout may still be in the
 * kernel's buffer (in immediate mode, younger than this).
 */
#define TICK_MIN_MS		10
#define TICK_MAX_MS		100
#define TICKS_PER_THRESHOLD	10
#define IMMEDIATE_SLACK_MS	10

#define EVENTS_PER_CALL		16	/* absences fetched at a time */

struct analysis {
	struct analysis_gate gate;	/* first: see analysis_packet() */
	const struct analysis_options *opt;
	netdissect_options *ndo;	/* for the time stamp format */
	struct vsock_conv_tracker *tracker;
	struct rpc	*rpc;
	struct follow	**follows;	/* of opt->z, NULL where not Z_FOLLOW */
	int		live, nano;
	int64_t		slack_ns;
	int64_t		first_ns, last_ns;
	int		seen_packet;
	struct vsock_conv_result cur;	/* the packet being printed */
	struct expert	expert;
};

/* ---- options ---------------------------------------------------------- */

void
analysis_options_init(struct analysis_options *o)
{
	memset(o, 0, sizeof(*o));
	o->stall_ns = DEFAULT_STALL_NS;
	o->conv_limit = DEFAULT_CONV_LIMIT;
	decode_options_init(&o->decode);
}

void
analysis_options_free(struct analysis_options *o)
{
	int i;

	for (i = 0; i < o->nz; i++)
		free(o->z[i].follow);
	free(o->z);
	decode_options_free(&o->decode);
	analysis_options_init(o);
}

void
analysis_z_help(void)
{
	printf("vsockdump: the available -z statistics:\n"
	    "     conv,vsock             conversation table\n"
	    "     conv,vsock,json        the same, one JSON object a line\n"
	    "     follow,vsock,ascii|hex|raw,CID.PORT,CID.PORT\n"
	    "     follow,vsock,ascii|hex|raw,INDEX\n"
	    "                            one conversation's data, both ways\n"
	    "     expert                 notes: counts and first packets\n"
	    "     rpc,vsock              calls of the protocols decoded: "
	    "counts,\n"
	    "                            errors, unanswered, latency\n"
	    "     rpc,vsock,json         the same, one JSON object a line\n");
}

int
analysis_opt_z(struct analysis_options *o, const char *arg)
{
	static const char follow_prefix[] = "follow,vsock,";
	struct follow *check;
	enum analysis_z_kind kind;
	char *follow = NULL;

	if (strcmp(arg, "help") == 0)
		return ANALYSIS_Z_HELP;
	if (strcmp(arg, "conv,vsock") == 0)
		kind = Z_CONV;
	else if (strcmp(arg, "conv,vsock,json") == 0)
		kind = Z_CONV_JSON;
	else if (strcmp(arg, "expert") == 0)
		kind = Z_EXPERT;
	else if (strcmp(arg, "rpc,vsock") == 0)
		kind = Z_RPC;
	else if (strcmp(arg, "rpc,vsock,json") == 0)
		kind = Z_RPC_JSON;
	else if (strncmp(arg, follow_prefix, sizeof(follow_prefix) - 1) == 0) {
		kind = Z_FOLLOW;
		follow = xstrdup(arg + sizeof(follow_prefix) - 1);
		if ((check = follow_new(follow)) == NULL) {
			free(follow);
			return -1;
		}
		follow_free(check);
	} else
		return -1;
	o->z = xrealloc(o->z, (size_t)(o->nz + 1) * sizeof(*o->z));
	o->z[o->nz].kind = kind;
	o->z[o->nz].follow = follow;
	o->nz++;
	return 0;
}

/* Seconds, with a fraction: "1", "0.5", "2.25". */
int
analysis_opt_stall_threshold(struct analysis_options *o, const char *arg)
{
	int64_t ns = 0, scale = NS_PER_SEC / 10;
	const char *s = arg;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		ns = ns * 10 + (*s++ - '0') * NS_PER_SEC;
		if (ns > MAX_STALL_NS)
			return -1;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			ns += (*s - '0') * scale;
			scale /= 10;
		}
	}
	if (*s != '\0' || ns <= 0)
		return -1;
	o->stall_ns = ns;
	return 0;
}

int
analysis_opt_conv_limit(struct analysis_options *o, const char *arg)
{
	unsigned long v;
	char *end;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > MAX_CONV_LIMIT)
		return -1;
	o->conv_limit = (uint32_t)v;
	return 0;
}

int
analysis_wanted(const struct analysis_options *o)
{
	return o->notes || o->nz > 0;
}

int
analysis_quiet(const struct analysis_options *o, int qflag)
{
	return qflag && o->nz > 0;
}

int
analysis_annotates(const struct analysis_options *o)
{
	return o->notes || !o->decode.off;
}

/*
 * Whether the tracker must see every packet: for the notes and the
 * summaries of conversations; the rpc table and the decoders need only
 * the conversations a decoder follows.
 */
static int
needs_every_packet(const struct analysis_options *o)
{
	int i;

	if (o->notes)
		return 1;
	for (i = 0; i < o->nz; i++)
		if (o->z[i].kind != Z_RPC && o->z[i].kind != Z_RPC_JSON)
			return 1;
	return 0;
}

/* ---- notes ------------------------------------------------------------ */

/*
 * A time as the packet lines show it (-t, -tt, -tttt; the relative
 * styles -ttt and -ttttt show the time of day).
 */
static void
time_print(const struct analysis *an, int64_t ns)
{
	char buf[32];
	time_t t = (time_t)(ns / NS_PER_SEC);
	struct tm tm;
	int64_t frac = an->nano ? ns % NS_PER_SEC :
	    ns % NS_PER_SEC / NS_PER_US;
	int digits = an->nano ? 9 : 6;

	switch (an->ndo->ndo_tflag) {
	case 1:
		return;
	case 2:
		printf("%" PRId64 ".%0*" PRId64 " ", (int64_t)t, digits, frac);
		return;
	}
	if (localtime_r(&t, &tm) == NULL) {
		printf("[Error converting time] ");
		return;
	}
	strftime(buf, sizeof(buf), an->ndo->ndo_tflag == 4 ?
	    "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm);
	printf("%s.%0*" PRId64 " ", buf, digits, frac);
}

static int64_t
wall_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

static void
expert_record(struct expert *ex, const struct vsock_conv_event *e)
{
	uint64_t n = ex->count[e->note]++;

	if (n < EXPERT_FIRST_PACKETS)
		ex->first[e->note][n] = e->pkt;
}

/* The bracketed text of a packet's note. */
static void
note_text(char *buf, size_t size, const struct vsock_conv_event *e,
    int nano)
{
	const struct vsock_conv_summary *c = e->conv;
	const char *kw = vsock_conv_note_keyword(e->note);
	const char *s = text_endpoint(c->cid[e->side], c->port[e->side]);
	const char *o = text_endpoint(c->cid[!e->side], c->port[!e->side]);
	unsigned long long a = e->a, b = e->b;

	switch (e->note) {
	case VSOCK_NOTE_ZERO_WINDOW:
		(void)snprintf(buf, size, "[%s: %llu bytes in flight fill "
		    "%s's buf_alloc %llu]", kw, a, o, b);
		break;
	case VSOCK_NOTE_WINDOW_REOPENED:
		(void)snprintf(buf, size, "[%s: %s had no credit for %s s "
		    "since packet %llu]", kw, s,
		    text_secs(e->duration_ns, nano), a);
		break;
	case VSOCK_NOTE_BEYOND_CREDIT:
		(void)snprintf(buf, size, "[%s: %llu bytes in flight > %s's "
		    "buf_alloc %llu]", kw, a, o, b);
		break;
	case VSOCK_NOTE_UNANNOUNCED_DRAIN:
		(void)snprintf(buf, size, "[%s: %s had consumed %llu bytes of "
		    "a stalled sender and told it only when asked]", kw, s, a);
		break;
	case VSOCK_NOTE_FWD_CNT_BACKWARDS:
		(void)snprintf(buf, size, "[%s: fwd_cnt %llu after %llu]", kw,
		    a, b);
		break;
	case VSOCK_NOTE_FWD_CNT_BEYOND_SENT:
		(void)snprintf(buf, size, "[%s: fwd_cnt %llu, but %llu bytes "
		    "were sent to %s]", kw, a, b, s);
		break;
	case VSOCK_NOTE_BUF_ALLOC_BELOW_IN_FLIGHT:
		(void)snprintf(buf, size, "[%s: buf_alloc %llu < %llu bytes "
		    "in flight]", kw, a, b);
		break;
	case VSOCK_NOTE_DATA_AFTER_SHUTDOWN:
		(void)snprintf(buf, size, "[%s: %s shut down SEND at packet "
		    "%llu]", kw, s, a);
		break;
	case VSOCK_NOTE_DATA_AFTER_RST:
	case VSOCK_NOTE_AFTER_CLOSE:
		(void)snprintf(buf, size, "[%s: %s sent RST at packet %llu]",
		    kw, s, a);
		break;
	case VSOCK_NOTE_UNTERMINATED_MESSAGE:
		(void)snprintf(buf, size, "[%s: %llu bytes in %llu piece%s "
		    "without EOM]", kw, b, a, a == 1 ? "" : "s");
		break;
	case VSOCK_NOTE_REFUSED:
		(void)snprintf(buf, size, "[%s: REQUEST answered by RST]", kw);
		break;
	default:
		(void)snprintf(buf, size, "[%s]", kw);
		break;
	}
}

/* An absence, on a line of its own. */
static void
absence_print(const struct analysis *an, const struct vsock_conv_event *e)
{
	const struct vsock_conv_summary *c = e->conv;
	const char *what;

	time_print(an, an->live ? wall_ns() : e->ns);
	printf("[%s] conv %u %s %s > %s: ", vsock_conv_note_keyword(e->note),
	    c->index, vsock_type_name(c->type),
	    text_endpoint(c->cid[e->side], c->port[e->side]),
	    text_endpoint(c->cid[!e->side], c->port[!e->side]));
	if (e->note == VSOCK_NOTE_STALL) {
		printf("no credit for %s s since packet %u\n",
		    text_secs(e->duration_ns, an->nano), e->pkt);
		return;
	}
	what = e->note == VSOCK_NOTE_NO_RESPONSE ? "REQUEST" : "CREDIT_REQUEST";
	printf("%s of packet %u unanswered for %s s\n", what, e->pkt,
	    text_secs(e->duration_ns, an->nano));
}

static void
absences(struct analysis *an, const struct vsock_conv_event *ev, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		expert_record(&an->expert, &ev[i]);
		if (an->opt->notes)
			absence_print(an, &ev[i]);
	}
}

/* With --notes, the packet's notes. */
static void
print_notes(struct analysis *an, netdissect_options *ndo, const char *sep)
{
	char buf[256];
	unsigned i;

	if (!an->opt->notes || an->cur.conv == NULL || an->cur.nevents == 0)
		return;
	for (i = 0; i < an->cur.nevents; i++) {
		note_text(buf, sizeof(buf), &an->cur.events[i], an->nano);
		ND_PRINT("%s%s", i == 0 ? sep : " ", buf);
	}
}

void
analysis_print_annotations(struct analysis *an, netdissect_options *ndo)
{
	const char *summary, *sep = " ";

	if (an == NULL)
		return;
	summary = decode_text(an->gate.dec);
	if (ndo->ndo_vflag > 1 && an->cur.payload_len > 0) {
		/* At -vv the payload's hex lines end the text: go below. */
		sep = "\n\t";
		if (*summary != '\0') {
			/* ": LABEL: ..." */
			ND_PRINT("\n\t%s", summary + 2);
			sep = " ";
		}
	} else if (*summary != '\0')
		ND_PRINT("%s", summary);
	print_notes(an, ndo, sep);
}

void
analysis_print_details(struct analysis *an, netdissect_options *ndo)
{
	const char *details;

	if (an == NULL)
		return;
	details = decode_details(an->gate.dec);
	if (*details != '\0')
		ND_PRINT("%s", details);
}

/* An rpc alert, as a line of its own. */
static void
rpc_alert_print(const struct analysis *an, const struct rpc_alert *a)
{
	time_print(an, an->live ? wall_ns() : a->ns);
	printf("[unanswered] conv %u %s %s > %s: %s request %s of packet %u "
	    "unanswered for %s s\n", a->conv, vsock_type_name(a->type),
	    text_endpoint(a->cid[0], a->port[0]),
	    text_endpoint(a->cid[1], a->port[1]),
	    rpc_protocol_name(a->protocol), a->method, a->pkt,
	    text_secs(a->waited_ns, an->nano));
}

/* ---- the capture ------------------------------------------------------ */

static int
wants_summaries(const struct analysis_options *o)
{
	int i;

	for (i = 0; i < o->nz; i++)
		if (o->z[i].kind == Z_CONV || o->z[i].kind == Z_CONV_JSON)
			return 1;
	return 0;
}

struct analysis *
analysis_begin(const struct analysis_options *o, netdissect_options *ndo,
    int dlt, int nano, int live, int timeout_ms, int immediate,
    int *unsupported)
{
	struct vsock_conv_config cfg;
	struct analysis *an;
	int i;

	*unsupported = 0;
	if (!analysis_wanted(o) && o->decode.off)
		return NULL;
	if (dlt != DLT_VSOCK && dlt != DLT_LINUX_SLL && dlt != DLT_LINUX_SLL2) {
		/* Only an analysis option makes that an error. */
		*unsupported = analysis_wanted(o);
		return NULL;
	}
	an = xrealloc(NULL, sizeof(*an));
	memset(an, 0, sizeof(*an));
	an->rpc = rpc_new(o->stall_ns);
	an->gate.dec = decode_new(&o->decode, dlt, an->rpc);
	an->gate.decode = decode_gate(an->gate.dec);
	memset(&cfg, 0, sizeof(cfg));
	cfg.dlt = dlt;
	cfg.stall_ns = o->stall_ns;
	cfg.max_open = o->conv_limit;
	cfg.max_summaries = wants_summaries(o) ?
	    o->conv_limit * SUMMARIES_PER_OPEN : 0;
	cfg.linger_ns = LINGER_NS;
	cfg.retired = decode_retired;
	cfg.retired_arg = an->gate.dec;
	if ((an->tracker = vsock_conv_new(&cfg)) == NULL)
		error("out of memory");
	an->opt = o;
	an->ndo = ndo;
	an->nano = nano;
	an->live = live;
	an->gate.all = needs_every_packet(o);
	an->slack_ns = (immediate ? IMMEDIATE_SLACK_MS : timeout_ms) *
	    NS_PER_MS;
	an->follows = xrealloc(NULL, (size_t)(o->nz + 1) *
	    sizeof(*an->follows));
	for (i = 0; i < o->nz; i++)
		an->follows[i] = o->z[i].kind == Z_FOLLOW ?
		    follow_new(o->z[i].follow) : NULL;
	return an;
}

/* Reports the absences and the requests unanswered by now. */
static void
run_ticks(struct analysis *an, int64_t now)
{
	struct vsock_conv_event ev[EVENTS_PER_CALL];
	struct rpc_alert al[EVENTS_PER_CALL];
	unsigned n, i;

	while ((n = vsock_conv_tick(an->tracker, now, ev,
	    EVENTS_PER_CALL)) > 0)
		absences(an, ev, n);
	while ((n = rpc_tick(an->rpc, now, al, EVENTS_PER_CALL)) > 0)
		for (i = 0; i < n && an->opt->notes; i++)
			rpc_alert_print(an, &al[i]);
}

/*
 * A packet's time stamp in nanoseconds.  A file can say any time: the
 * seconds are kept within the tracker's range (VSOCK_CONV_NS_MAX, some
 * 146 years either side of 1970), so that the differences taken of
 * time stamps here and in src/conv.c cannot overflow.
 */
static int64_t
packet_ns(const struct timeval *tv, int nano)
{
	int64_t s = (int64_t)tv->tv_sec;
	const int64_t max = VSOCK_CONV_NS_MAX / NS_PER_SEC - 1;

	if (s > max)
		s = max;
	else if (s < -max)
		s = -max;
	if (nano)
		return s * NS_PER_SEC + (int64_t)tv->tv_usec % NS_PER_SEC;
	return s * NS_PER_SEC + (int64_t)tv->tv_usec % 1000000 * 1000;
}

void
analysis_track(struct analysis *an, const struct pcap_pkthdr *h,
    const u_char *sp, u_int number)
{
	int64_t ns;
	unsigned i;
	int k;

	ns = packet_ns(&h->ts, an->nano);
	if (!an->seen_packet || ns < an->first_ns)
		an->first_ns = ns;
	if (!an->seen_packet || ns > an->last_ns)
		an->last_ns = ns;
	an->seen_packet = 1;
	run_ticks(an, ns);
	vsock_conv_packet(an->tracker, number, ns, h->len, sp, h->caplen,
	    &an->cur);
	for (i = 0; i < an->cur.nevents; i++)
		expert_record(&an->expert, &an->cur.events[i]);
	for (k = 0; k < an->opt->nz; k++)
		if (an->follows[k] != NULL)
			follow_packet(an->follows[k], &an->cur);
	decode_packet(an->gate.dec, &an->cur, number, ns,
	    an->ndo->ndo_vflag);
}

int
analysis_track_if_known(struct analysis *an, const struct pcap_pkthdr *h,
    const u_char *sp, u_int number)
{
	if (!vsock_conv_known(an->tracker, h->len, sp, h->caplen))
		return 0;
	analysis_track(an, h, sp, number);
	return 1;
}

int
analysis_tick_interval(const struct analysis *an)
{
	int64_t ms;

	if (an == NULL || !an->live)
		return 0;
	ms = an->opt->stall_ns / NS_PER_MS / TICKS_PER_THRESHOLD;
	return ms < TICK_MIN_MS ? TICK_MIN_MS :
	    ms > TICK_MAX_MS ? TICK_MAX_MS : (int)ms;
}

void
analysis_tick(struct analysis *an)
{
	if (an != NULL)
		run_ticks(an, wall_ns() - an->slack_ns);
}

/* The summaries asked for, in the order asked. */
static void
print_summaries(const struct analysis *an)
{
	const struct vsock_conv_summary *s;
	const struct vsock_conv_totals *tot;
	struct summary_context sc;
	size_t n;
	int i;

	s = vsock_conv_summaries(an->tracker, &n);
	tot = vsock_conv_totals(an->tracker);
	if (tot->evicted > 0 || tot->unlisted > 0)
		(void)fprintf(stderr, "vsockdump: connection tracking "
		    "incomplete: %llu conversations dropped while open, %llu "
		    "not listed (see --conv-limit)\n",
		    (unsigned long long)tot->evicted,
		    (unsigned long long)tot->unlisted);
	sc.stall_ns = an->opt->stall_ns;
	sc.conv_limit = an->opt->conv_limit;
	sc.summaries_kept = (uint64_t)an->opt->conv_limit * SUMMARIES_PER_OPEN;
	sc.first_ns = an->first_ns;
	sc.nano = an->nano;
	for (i = 0; i < an->opt->nz; i++) {
		switch (an->opt->z[i].kind) {
		case Z_CONV:
			summary_conv_table(&sc, s, n, tot);
			break;
		case Z_CONV_JSON:
			summary_conv_json(&sc, s, n);
			break;
		case Z_FOLLOW:
			follow_print(an->follows[i]);
			break;
		case Z_EXPERT:
			summary_expert(&sc, &an->expert, tot);
			break;
		case Z_RPC:
			rpc_table(an->rpc, an->nano);
			break;
		case Z_RPC_JSON:
			rpc_json(an->rpc);
			break;
		}
	}
}

void
analysis_end(struct analysis *an)
{
	struct vsock_conv_event ev[EVENTS_PER_CALL];
	int64_t now;
	unsigned k;
	int i;

	if (an == NULL)
		return;
	/* The end of a file is its last packet; of a live capture, now. */
	now = an->live ? wall_ns() : an->last_ns;
	while ((k = vsock_conv_finish(an->tracker, now, ev,
	    EVENTS_PER_CALL)) > 0)
		absences(an, ev, k);
	run_ticks(an, now);
	print_summaries(an);
	for (i = 0; i < an->opt->nz; i++)
		follow_free(an->follows[i]);
	free(an->follows);
	/* The tracker hands its conversations' streams back to decode. */
	vsock_conv_free(an->tracker);
	decode_free(an->gate.dec);
	rpc_free(an->rpc);
	free(an);
}
