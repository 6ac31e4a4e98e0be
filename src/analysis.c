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
 * vsockdump's connection analysis (see vsockdump-analysis.h): what the
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
#include "conv.h"
#include "analysis.h"
#include "wire.h"

#define NS_PER_SEC	((int64_t)1000000000)
#define NS_PER_MS	((int64_t)1000000)

/* Defaults; the man page gives them too. */
#define DEFAULT_STALL_NS	NS_PER_SEC
#define DEFAULT_CONV_LIMIT	262144
#define SUMMARIES_PER_OPEN	4	/* ended ones kept per live one */
#define LINGER_NS		(10 * NS_PER_SEC)
#define EXPERT_FIRST		5	/* packet numbers listed per note */
#define FOLLOW_MAX		(256U * 1024 * 1024)	/* bytes kept */

enum z_kind { Z_CONV, Z_CONV_JSON, Z_FOLLOW, Z_EXPERT };
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

struct zopt {
	enum z_kind	kind;
	struct follow	*follow;
};

static struct zopt *zopts;
static int nzopts;
static int print_notes;
static int64_t stall_ns = DEFAULT_STALL_NS;
static uint32_t conv_limit = DEFAULT_CONV_LIMIT;
static int nfollows;

static struct vsock_conv_tracker *tracker;
static netdissect_options *ando;
static if_printer real_printer;
static int live, nano;
static int64_t slack_ns;
static int64_t first_ns, last_ns;
static int seen_packet;

/* The notes of the packet being printed. */
static struct vsock_conv_result cur;

/* Expert summary. */
static uint64_t expert_count[VSOCK_NOTE_COUNT];
static uint32_t expert_first[VSOCK_NOTE_COUNT][EXPERT_FIRST];


/* ---- options ---------------------------------------------------------- */

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		(void)fprintf(stderr, "vsockdump: out of memory\n");
		exit(1);
	}
	return q;
}

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

static void
z_help(void)
{
	printf("vsockdump: the available -z statistics:\n"
	    "     conv,vsock             conversation table\n"
	    "     conv,vsock,json        the same, one JSON object a line\n"
	    "     follow,vsock,ascii|hex|raw,CID.PORT,CID.PORT\n"
	    "     follow,vsock,ascii|hex|raw,INDEX\n"
	    "                            one conversation's data, both ways\n"
	    "     expert                 notes: counts and first packets\n");
}

int
analysis_opt_z(const char *arg)
{
	struct follow *f = NULL;
	enum z_kind kind;
	char *copy;

	if (strcmp(arg, "help") == 0) {
		z_help();
		return 1;
	}
	if (strcmp(arg, "conv,vsock") == 0)
		kind = Z_CONV;
	else if (strcmp(arg, "conv,vsock,json") == 0)
		kind = Z_CONV_JSON;
	else if (strcmp(arg, "expert") == 0)
		kind = Z_EXPERT;
	else if (strncmp(arg, "follow,vsock,", 13) == 0) {
		kind = Z_FOLLOW;
		f = calloc(1, sizeof(*f));
		copy = strdup(arg + 13);
		if (f == NULL || copy == NULL) {
			(void)fprintf(stderr, "vsockdump: out of memory\n");
			exit(1);
		}
		if (parse_follow(copy, f) < 0) {
			free(copy);
			free(f);
			return -1;
		}
		free(copy);
		nfollows++;
	} else
		return -1;
	zopts = xrealloc(zopts, (size_t)(nzopts + 1) * sizeof(*zopts));
	zopts[nzopts].kind = kind;
	zopts[nzopts].follow = f;
	nzopts++;
	return 0;
}

void
analysis_opt_notes(void)
{
	print_notes = 1;
}

/* Seconds, with a fraction: "1", "0.5", "2.25". */
int
analysis_opt_stall_threshold(const char *arg)
{
	int64_t ns = 0, scale = NS_PER_SEC / 10;
	const char *s = arg;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		ns = ns * 10 + (*s++ - '0') * NS_PER_SEC;
		if (ns > 86400 * NS_PER_SEC)
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
	stall_ns = ns;
	return 0;
}

int
analysis_opt_conv_limit(const char *arg)
{
	unsigned long v;
	char *end;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 0x3fffffffUL)
		return -1;
	conv_limit = (uint32_t)v;
	return 0;
}

int
analysis_wanted(void)
{
	return print_notes || nzopts > 0;
}

int
analysis_quiet(int qflag)
{
	return qflag && nzopts > 0;
}

/* ---- text helpers ----------------------------------------------------- */

/*
 * Decimal and column writers for the summaries: a table of 100,000
 * conversations through printf() costs more than tracking them did.
 * Each writes at p and returns the end of what it wrote.
 */
static char *
put_u64(char *p, uint64_t v)
{
	char digits[20];
	int n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		*p++ = digits[--n];
	return p;
}

/* v as exactly width digits, with leading zeros. */
static char *
put_frac(char *p, uint64_t v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + width;
}

/* s in a column of width characters, left- or right-aligned. */
static char *
put_col(char *p, const char *s, int width, int left)
{
	size_t len = strlen(s);
	int pad = (size_t)width > len ? width - (int)len : 0;

	if (!left)
		for (; pad > 0; pad--)
			*p++ = ' ';
	memcpy(p, s, len);
	p += len;
	for (; pad > 0; pad--)
		*p++ = ' ';
	return p;
}

static char *
put_col_u64(char *p, uint64_t v, int width)
{
	char num[24];

	*put_u64(num, v) = '\0';
	return put_col(p, num, width, 0);
}

/* Seconds with microsecond (or nanosecond) digits; ns < 0 as 0. */
static char *
put_secs(char *p, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	p = put_u64(p, (uint64_t)(ns / NS_PER_SEC));
	*p++ = '.';
	if (nano)
		return put_frac(p, (uint64_t)(ns % NS_PER_SEC), 9);
	return put_frac(p, (uint64_t)(ns % NS_PER_SEC / 1000), 6);
}

/* "CID.PORT" of side d of c, in one of eight rotating buffers. */
static const char *
ep(const struct vsock_conv_summary *c, int d)
{
	static char buf[8][32];
	static unsigned i;
	char *p;

	i = (i + 1) % 8;
	p = put_u64(buf[i], c->cid[d]);
	*p++ = '.';
	*put_u64(p, c->port[d]) = '\0';
	return buf[i];
}

/* put_secs() in one of eight rotating buffers. */
static const char *
secs(int64_t ns)
{
	static char buf[8][32];
	static unsigned i;

	i = (i + 1) % 8;
	*put_secs(buf[i], ns) = '\0';
	return buf[i];
}

/*
 * A time as the packet lines show it (-t, -tt, -tttt; the relative
 * styles -ttt and -ttttt show the time of day).
 */
static void
time_print(int64_t ns)
{
	char buf[32];
	time_t t = (time_t)(ns / NS_PER_SEC);
	struct tm tm;
	int64_t frac = nano ? ns % NS_PER_SEC : ns % NS_PER_SEC / 1000;
	int digits = nano ? 9 : 6;

	switch (ando->ndo_tflag) {
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
	strftime(buf, sizeof(buf), ando->ndo_tflag == 4 ?
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

/* ---- notes ------------------------------------------------------------ */

static void
expert_record(const struct vsock_conv_event *e)
{
	uint64_t n = expert_count[e->note]++;

	if (n < EXPERT_FIRST)
		expert_first[e->note][n] = e->pkt;
}

/* The bracketed text of a packet's note. */
static void
note_text(char *buf, size_t size, const struct vsock_conv_event *e)
{
	const struct vsock_conv_summary *c = e->conv;
	const char *kw = vsock_conv_note_keyword(e->note);
	const char *s = ep(c, e->side), *o = ep(c, !e->side);
	unsigned long long a = e->a, b = e->b;

	switch (e->note) {
	case VSOCK_NOTE_ZERO_WINDOW:
		(void)snprintf(buf, size, "[%s: %llu bytes in flight fill "
		    "%s's buf_alloc %llu]", kw, a, o, b);
		break;
	case VSOCK_NOTE_WINDOW_REOPENED:
		(void)snprintf(buf, size, "[%s: %s had no credit for %s s "
		    "since packet %llu]", kw, s, secs(e->duration_ns), a);
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
absence_print(const struct vsock_conv_event *e)
{
	const struct vsock_conv_summary *c = e->conv;
	const char *what;

	time_print(live ? wall_ns() : e->ns);
	printf("[%s] conv %u %s %s > %s: ", vsock_conv_note_keyword(e->note),
	    c->index, vsock_type_name(c->type), ep(c, e->side), ep(c, !e->side));
	if (e->note == VSOCK_NOTE_STALL) {
		printf("no credit for %s s since packet %u\n",
		    secs(e->duration_ns), e->pkt);
		return;
	}
	what = e->note == VSOCK_NOTE_NO_RESPONSE ? "REQUEST" : "CREDIT_REQUEST";
	printf("%s of packet %u unanswered for %s s\n", what, e->pkt,
	    secs(e->duration_ns));
}

static void
absences(const struct vsock_conv_event *ev, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		expert_record(&ev[i]);
		if (print_notes)
			absence_print(&ev[i]);
	}
}

/* The printer, then the notes of the packet at the end of its text. */
static void
notes_if_printer(netdissect_options *ndo, const struct pcap_pkthdr *h,
    const u_char *p)
{
	char buf[256];
	const char *sep;
	unsigned i;

	(*real_printer)(ndo, h, p);
	if (cur.conv == NULL || cur.nevents == 0)
		return;
	/* At -vv the payload's hex lines end the text: go below them. */
	sep = ndo->ndo_vflag > 1 && cur.payload_len > 0 ? "\n\t" : " ";
	for (i = 0; i < cur.nevents; i++) {
		note_text(buf, sizeof(buf), &cur.events[i]);
		ND_PRINT("%s%s", i == 0 ? sep : " ", buf);
	}
}

/* ---- following -------------------------------------------------------- */

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

static void
follow_packet(struct follow *f, const struct vsock_conv_result *r)
{
	const struct vsock_conv_summary *c = r->conv;
	struct chunk *ch = NULL;
	uint32_t keep = r->payload_caplen;
	uint8_t node;

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
	ch->open = c->type == 2 && !(r->flags & 0x1);
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

static void
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

/* ---- the capture ------------------------------------------------------ */

int
analysis_begin(netdissect_options *ndo, int dlt, int nano_ts, int is_live,
    int timeout_ms, int immediate)
{
	struct vsock_conv_config cfg;
	int i, want_sums = 0;

	if (!analysis_wanted())
		return 0;
	if (dlt != DLT_VSOCK && dlt != DLT_LINUX_SLL && dlt != DLT_LINUX_SLL2)
		return -1;
	for (i = 0; i < nzopts; i++)
		if (zopts[i].kind == Z_CONV || zopts[i].kind == Z_CONV_JSON)
			want_sums = 1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.dlt = dlt;
	cfg.stall_ns = stall_ns;
	cfg.max_open = conv_limit;
	cfg.max_summaries = want_sums ? conv_limit * SUMMARIES_PER_OPEN : 0;
	cfg.linger_ns = LINGER_NS;
	if ((tracker = vsock_conv_new(&cfg)) == NULL)
		return -1;
	ando = ndo;
	nano = nano_ts;
	live = is_live;
	/* Packets younger than this may still be in the kernel's buffer. */
	slack_ns = (immediate ? 10 : timeout_ms) * NS_PER_MS;
	if (print_notes && ndo->ndo_if_printer != NULL) {
		real_printer = ndo->ndo_if_printer;
		ndo->ndo_if_printer = notes_if_printer;
	}
	return 0;
}

/* Reports the absences due by now. */
static void
run_ticks(int64_t now)
{
	struct vsock_conv_event ev[16];
	unsigned n;

	while ((n = vsock_conv_tick(tracker, now, ev, 16)) > 0)
		absences(ev, n);
}

/*
 * A packet's time stamp in nanoseconds.  A file can say any time: the
 * seconds are kept within the tracker's range (VSOCK_CONV_NS_MAX, some
 * 146 years either side of 1970), so that the differences taken of
 * time stamps here and in src/conv.c cannot overflow.
 */
static int64_t
packet_ns(const struct timeval *tv)
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
analysis_packet(const struct pcap_pkthdr *h, const u_char *sp, u_int number)
{
	int64_t ns;
	unsigned i;
	int k;

	if (tracker == NULL)
		return;
	ns = packet_ns(&h->ts);
	if (!seen_packet || ns < first_ns)
		first_ns = ns;
	if (!seen_packet || ns > last_ns)
		last_ns = ns;
	seen_packet = 1;
	run_ticks(ns);
	vsock_conv_packet(tracker, number, ns, h->len, sp,
	    h->caplen, &cur);
	for (i = 0; i < cur.nevents; i++)
		expert_record(&cur.events[i]);
	if (nfollows == 0 || cur.conv == NULL || cur.op != 5)
		return;
	for (k = 0; k < nzopts; k++)
		if (zopts[k].kind == Z_FOLLOW &&
		    follow_matches(zopts[k].follow, cur.conv))
			follow_packet(zopts[k].follow, &cur);
}

int
analysis_tick_interval(void)
{
	int64_t ms;

	if (tracker == NULL || !live)
		return 0;
	ms = stall_ns / NS_PER_MS / 10;
	return ms < 10 ? 10 : ms > 100 ? 100 : (int)ms;
}

void
analysis_tick(void)
{
	if (tracker != NULL)
		run_ticks(wall_ns() - slack_ns);
}

/* ---- summaries -------------------------------------------------------- */

/* "RCV,SEND", or "" for no flag. */
static const char *
shut_flags(unsigned f)
{
	static const char *const names[] = { "", "RCV", "SEND", "RCV,SEND" };

	return names[f & 3];
}

/*
 * How c ended and by whom: "closed (src SHUTDOWN[RCV,SEND], dst RST)".
 * buf has room for END_TEXT_MAX characters and the NUL.
 */
#define END_TEXT_MAX	127

static void
end_text(char *buf, const struct vsock_conv_summary *c)
{
	char *p = buf;
	const char *sep = " (";
	int d;

	p = stpcpy(p, vsock_conv_state_name((enum vsock_conv_state)c->state));
	for (d = 0; d < 2; d++)
		if (c->shut[d]) {
			p = stpcpy(stpcpy(p, sep), d ? "dst" : "src");
			p = stpcpy(stpcpy(stpcpy(p, " SHUTDOWN["),
			    shut_flags(c->shut[d])), "]");
			sep = ", ";
		}
	if (c->rst_by == 0 || c->rst_by == 2) {
		p = stpcpy(stpcpy(p, sep), "src RST");
		sep = ", ";
	}
	if (c->rst_by == 1 || c->rst_by == 2)
		p = stpcpy(stpcpy(p, sep), "dst RST");
	if (c->shut[0] || c->shut[1] || c->rst_by >= 0)
		p = stpcpy(p, ")");
	if (c->evicted)
		(void)stpcpy(p, " [evicted: incomplete]");
}

static void
incomplete_print(const struct vsock_conv_totals *tot, int want_unlisted)
{
	if (tot->evicted > 0)
		printf("Tracking incomplete: %llu conversation%s dropped "
		    "while still open (more than %u at once, see "
		    "--conv-limit); their figures stop there\n",
		    (unsigned long long)tot->evicted,
		    tot->evicted == 1 ? "" : "s", conv_limit);
	if (want_unlisted && tot->unlisted > 0)
		printf("Tracking incomplete: %llu ended conversation%s not "
		    "listed (more than %llu kept)\n",
		    (unsigned long long)tot->unlisted,
		    tot->unlisted == 1 ? "" : "s",
		    (unsigned long long)conv_limit * SUMMARIES_PER_OPEN);
}

static void
conv_table(const struct vsock_conv_summary *s, size_t n,
    const struct vsock_conv_totals *tot)
{
	/*
	 * The widest row: 10 numbers of up to 20 digits, 4 times of up to
	 * 20 characters, 2 endpoints of up to 31, the type, the end and
	 * the spaces: under 460 characters.
	 */
	char line[512], *p;
	const struct vsock_conv_summary *c;
	size_t i;
	int d;

	printf("================================================="
	    "===============================\n");
	printf("vsock Conversations\n");
	printf("Filter:<No Filter>\n");
	printf("Stall threshold: %s s\n", secs(stall_ns));
	printf("%5s %-9s %-22s %-22s %8s %12s %7s %8s %12s %7s %12s %12s "
	    "%6s %12s %12s %5s  %s\n", "Conv", "Type", "Source",
	    "Destination", "->Pkts", "->Bytes", "->Msgs", "<-Pkts",
	    "<-Bytes", "<-Msgs", "Rel Start", "Duration", "Stalls",
	    "Stalled", "Longest", "Notes", "End");
	for (i = 0; i < n; i++) {
		c = &s[i];
		p = put_col_u64(line, c->index, 5);
		*p++ = ' ';
		p = put_col(p, vsock_type_name(c->type), 9, 1);
		*p++ = ' ';
		p = put_col(p, ep(c, 0), 22, 1);
		*p++ = ' ';
		p = put_col(p, ep(c, 1), 22, 1);
		for (d = 0; d < 2; d++) {
			*p++ = ' ';
			p = put_col_u64(p, c->dir[d].packets, 8);
			*p++ = ' ';
			p = put_col_u64(p, c->dir[d].bytes, 12);
			*p++ = ' ';
			if (c->type == 2)
				p = put_col_u64(p, c->dir[d].messages, 7);
			else
				p = put_col(p, "-", 7, 0);
		}
		*p++ = ' ';
		p = put_col(p, secs(c->first_ns - first_ns), 12, 0);
		*p++ = ' ';
		p = put_col(p, secs(c->last_ns - c->first_ns), 12, 0);
		*p++ = ' ';
		p = put_col_u64(p, c->stalls, 6);
		*p++ = ' ';
		p = put_col(p, secs(c->stalled_ns), 12, 0);
		*p++ = ' ';
		p = put_col(p, secs(c->longest_stall_ns), 12, 0);
		*p++ = ' ';
		p = put_col_u64(p, c->nnotes, 5);
		*p++ = ' ';
		*p++ = ' ';
		end_text(p, c);
		p += strlen(p);
		*p++ = '\n';
		(void)fwrite(line, 1, (size_t)(p - line), stdout);
	}
	printf("Conversations: %llu, at most %u tracked at once\n",
	    (unsigned long long)tot->conversations, tot->open_peak);
	incomplete_print(tot, 1);
	printf("================================================="
	    "===============================\n");
}

static const char *
rst_by_json(int rst_by)
{
	static const char *const names[] = { "\"src\"", "\"dst\"",
	    "\"both\"" };

	return rst_by >= 0 && rst_by <= 2 ? names[rst_by] : "null";
}

static void
json_dir(const char *name, const struct vsock_conv_dir_stats *d)
{
	printf("\"%s\":{\"packets\":%llu,\"bytes\":%llu,\"data_packets\":%llu,"
	    "\"messages\":%llu,\"records\":%llu}", name,
	    (unsigned long long)d->packets, (unsigned long long)d->bytes,
	    (unsigned long long)d->data_packets,
	    (unsigned long long)d->messages, (unsigned long long)d->records);
}

/* Milliseconds with microsecond digits; ns < 0 as 0. */
static const char *
msecs(int64_t ns)
{
	static char buf[32];
	char *p;

	if (ns < 0)
		ns = 0;
	p = put_u64(buf, (uint64_t)(ns / NS_PER_MS));
	*p++ = '.';
	*put_frac(p, (uint64_t)(ns % NS_PER_MS / 1000), 3) = '\0';
	return buf;
}

static void
conv_json(const struct vsock_conv_summary *s, size_t n)
{
	const struct vsock_conv_summary *c;
	const char *sep;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c = &s[i];
		printf("{\"index\":%u,\"type\":\"%s\",\"src\":\"%s\","
		    "\"dst\":\"%s\",\"start_seen\":%s,", c->index,
		    vsock_type_name(c->type), ep(c, 0), ep(c, 1),
		    c->start_seen ? "true" : "false");
		json_dir("src_to_dst", &c->dir[0]);
		putchar(',');
		json_dir("dst_to_src", &c->dir[1]);
		printf(",\"messages\":%llu,\"first_packet\":%u,"
		    "\"last_packet\":%u,\"rel_start\":%s,",
		    (unsigned long long)(c->dir[0].messages +
		    c->dir[1].messages), c->first_pkt, c->last_pkt,
		    secs(c->first_ns - first_ns));
		printf("\"duration\":%s,\"state\":\"%s\","
		    "\"src_shutdown\":\"%s\",\"dst_shutdown\":\"%s\","
		    "\"rst_by\":%s,\"evicted\":%s,\"stalls\":%u,",
		    secs(c->last_ns - c->first_ns),
		    vsock_conv_state_name((enum vsock_conv_state)c->state),
		    shut_flags(c->shut[0]), shut_flags(c->shut[1]),
		    rst_by_json(c->rst_by),
		    c->evicted ? "true" : "false", c->stalls);
		printf("\"stalled_ms\":%s,", msecs(c->stalled_ns));
		printf("\"longest_stall_ms\":%s,\"notes\":{",
		    msecs(c->longest_stall_ns));
		sep = "";
		for (k = 0; c->notes != NULL && k < VSOCK_NOTE_COUNT; k++)
			if (c->notes[k] > 0) {
				printf("%s\"%s\":%u", sep,
				    vsock_conv_note_keyword(
				    (enum vsock_conv_note)k), c->notes[k]);
				sep = ",";
			}
		printf("}}\n");
	}
}

static void
expert_print(const struct vsock_conv_totals *tot)
{
	uint64_t total = 0;
	unsigned k, i;

	for (k = 0; k < VSOCK_NOTE_COUNT; k++)
		total += expert_count[k];
	printf("\n==================================================="
	    "================\n");
	printf("vsock Expert Information\n");
	printf("Stall threshold: %s s\n", secs(stall_ns));
	if (total == 0)
		printf("No notes\n");
	else {
		printf("Notes: %llu\n", (unsigned long long)total);
		printf("%8s  %-26s %s\n", "Count", "Keyword", "First packets");
	}
	for (k = 0; k < VSOCK_NOTE_COUNT; k++) {
		if (expert_count[k] == 0)
			continue;
		printf("%8llu  %-26s", (unsigned long long)expert_count[k],
		    vsock_conv_note_keyword((enum vsock_conv_note)k));
		for (i = 0; i < EXPERT_FIRST && i < expert_count[k]; i++)
			printf("%s%u", i ? ", " : " ", expert_first[k][i]);
		if (expert_count[k] > EXPERT_FIRST)
			printf(", ...");
		putchar('\n');
	}
	printf("Packets: %llu, not vsock over virtio or cut short: %llu\n",
	    (unsigned long long)tot->packets,
	    (unsigned long long)tot->untracked);
	printf("Conversations: %llu, at most %u tracked at once\n",
	    (unsigned long long)tot->conversations, tot->open_peak);
	incomplete_print(tot, 0);
	printf("==================================================="
	    "================\n");
}

void
analysis_end(void)
{
	struct vsock_conv_event ev[16];
	const struct vsock_conv_summary *s;
	const struct vsock_conv_totals *tot;
	int64_t now;
	size_t n;
	unsigned k;
	int i;

	if (tracker == NULL)
		return;
	if (ando->ndo_if_printer == notes_if_printer)
		ando->ndo_if_printer = real_printer;
	/* The end of a file is its last packet; of a live capture, now. */
	now = live ? wall_ns() : last_ns;
	while ((k = vsock_conv_finish(tracker, now, ev, 16)) > 0)
		absences(ev, k);
	s = vsock_conv_summaries(tracker, &n);
	tot = vsock_conv_totals(tracker);
	if (tot->evicted > 0 || tot->unlisted > 0)
		(void)fprintf(stderr, "vsockdump: connection tracking "
		    "incomplete: %llu conversations dropped while open, %llu "
		    "not listed (see --conv-limit)\n",
		    (unsigned long long)tot->evicted,
		    (unsigned long long)tot->unlisted);
	for (i = 0; i < nzopts; i++) {
		switch (zopts[i].kind) {
		case Z_CONV:
			conv_table(s, n, tot);
			break;
		case Z_CONV_JSON:
			conv_json(s, n);
			break;
		case Z_FOLLOW:
			follow_print(zopts[i].follow);
			break;
		case Z_EXPERT:
			expert_print(tot);
			break;
		}
	}
	for (i = 0; i < nzopts; i++)
		if (zopts[i].follow != NULL) {
			free(zopts[i].follow->data);
			free(zopts[i].follow->chunks);
			free(zopts[i].follow);
		}
	free(zopts);
	vsock_conv_free(tracker);
	/* As at the start, for a program (or a test) that runs again. */
	zopts = NULL;
	nzopts = nfollows = 0;
	tracker = NULL;
	print_notes = 0;
	stall_ns = DEFAULT_STALL_NS;
	conv_limit = DEFAULT_CONV_LIMIT;
	seen_packet = 0;
	memset(expert_count, 0, sizeof(expert_count));
	ando = NULL;
	real_printer = NULL;
}
