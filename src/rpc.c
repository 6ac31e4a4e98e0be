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
 * Calls over a vsock (rpc.h): the rows of the rpc table, one per
 * protocol and method, and the requests waiting for their response.
 * Both are bounded: RPC_ROWS_MAX methods (others are counted in one
 * row, "(other methods)"), RPC_PENDING_MAX requests waiting (beyond,
 * the oldest is counted unanswered and forgotten).
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "rpc.h"
#include "text.h"

#define RPC_ROWS_MAX		4096
#define RPC_PENDING_MAX		65536
#define RPC_METHOD_MAX		255	/* a method's text, escaped */
#define RPC_OTHER_METHODS	"(other methods)"
#define RPC_ROW_BUCKETS		256	/* powers of 2 */
#define RPC_PENDING_BUCKETS	4096

struct row {
	enum rpc_protocol protocol;
	char		*method;
	uint64_t	calls, errors, unanswered, answered;
	int64_t		min_ns, max_ns, sum_ns;
	struct row	*hnext;
};

struct pending {
	enum rpc_protocol protocol;
	uint32_t	conv;
	uint64_t	cid[2];
	uint32_t	port[2];
	uint16_t	type;
	uint64_t	key;
	struct row	*row;
	uint32_t	pkt;
	int64_t		ns;
	int		alerted;
	struct pending	*hnext;		/* hash chain */
	struct pending	*prev, *next;	/* by time of request */
};

struct rpc {
	int64_t		threshold_ns;
	struct row	**rows;		/* hash of rows */
	size_t		nrows, rows_cap;
	struct pending	**pend;		/* hash of pending requests */
	size_t		npending;
	struct pending	*head, *tail;	/* pending, oldest first */
	struct pending	*due;		/* first not yet alerted */
};

static const char *const protocol_names[RPC_PROTOCOLS] = {
	[RPC_NONE] = "none", [RPC_TTRPC] = "ttrpc", [RPC_GRPC] = "grpc",
	[RPC_HTTP] = "http", [RPC_QMP] = "qmp", [RPC_9P] = "9p"
};

const char *
rpc_protocol_name(enum rpc_protocol p)
{
	return p < RPC_PROTOCOLS ? protocol_names[p] : "?";
}

/* FNV-1a over the bytes, for the hashes. */
static uint32_t
hash_bytes(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 16777619U;
	return h;
}

#define HASH_SEED	2166136261U

struct rpc *
rpc_new(int64_t threshold_ns)
{
	struct rpc *r = xrealloc(NULL, sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->threshold_ns = threshold_ns;
	r->rows = xrealloc(NULL, RPC_ROW_BUCKETS * sizeof(*r->rows));
	memset(r->rows, 0, RPC_ROW_BUCKETS * sizeof(*r->rows));
	r->rows_cap = RPC_ROW_BUCKETS;
	r->pend = xrealloc(NULL, RPC_PENDING_BUCKETS * sizeof(*r->pend));
	memset(r->pend, 0, RPC_PENDING_BUCKETS * sizeof(*r->pend));
	return r;
}

void
rpc_free(struct rpc *r)
{
	struct row *w, *next;
	struct pending *p;
	size_t i;

	if (r == NULL)
		return;
	while ((p = r->head) != NULL) {
		r->head = p->next;
		free(p);
	}
	for (i = 0; i < r->rows_cap; i++)
		for (w = r->rows[i]; w != NULL; w = next) {
			next = w->hnext;
			free(w->method);
			free(w);
		}
	free(r->rows);
	free(r->pend);
	free(r);
}

/* --- rows ------------------------------------------------------------- */

static uint32_t
row_hash(enum rpc_protocol p, const char *m, size_t len)
{
	return hash_bytes(hash_bytes(HASH_SEED, &p, sizeof(p)), m, len);
}

static struct row *
row_find(struct rpc *r, enum rpc_protocol p, const char *m, size_t len)
{
	struct row *w;
	uint32_t h;

	h = row_hash(p, m, len) & (uint32_t)(r->rows_cap - 1);
	for (w = r->rows[h]; w != NULL; w = w->hnext)
		if (w->protocol == p && strlen(w->method) == len &&
		    memcmp(w->method, m, len) == 0)
			return w;
	if (r->nrows >= RPC_ROWS_MAX) {
		if (strcmp(m, RPC_OTHER_METHODS) == 0)
			return NULL;	/* cannot happen: it is one row */
		return row_find(r, p, RPC_OTHER_METHODS,
		    sizeof(RPC_OTHER_METHODS) - 1);
	}
	w = xrealloc(NULL, sizeof(*w));
	memset(w, 0, sizeof(*w));
	w->protocol = p;
	w->method = xrealloc(NULL, len + 1);
	memcpy(w->method, m, len);
	w->method[len] = '\0';
	w->hnext = r->rows[h];
	r->rows[h] = w;
	r->nrows++;
	return w;
}

/* --- pending requests ------------------------------------------------- */

static uint32_t
pending_hash(enum rpc_protocol p, uint32_t conv, uint64_t key)
{
	uint32_t h = hash_bytes(HASH_SEED, &p, sizeof(p));

	h = hash_bytes(h, &conv, sizeof(conv));
	return hash_bytes(h, &key, sizeof(key)) & (RPC_PENDING_BUCKETS - 1);
}

static struct pending **
pending_slot(struct rpc *r, enum rpc_protocol p, uint32_t conv,
    uint64_t key)
{
	struct pending **pp;

	for (pp = &r->pend[pending_hash(p, conv, key)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if ((*pp)->protocol == p && (*pp)->conv == conv &&
		    (*pp)->key == key)
			break;
	return pp;
}

/* Removes the request from both lists; does not free it. */
static void
pending_unlink(struct rpc *r, struct pending *q)
{
	struct pending **pp = pending_slot(r, q->protocol, q->conv, q->key);

	if (*pp == q)
		*pp = q->hnext;
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		r->head = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	else
		r->tail = q->prev;
	if (r->due == q)
		r->due = q->next;
	r->npending--;
}

/* A request that will get no answer: counted, forgotten. */
static void
pending_drop(struct rpc *r, struct pending *q)
{
	q->row->unanswered++;
	pending_unlink(r, q);
	free(q);
}

void
rpc_request(struct rpc *r, enum rpc_protocol p,
    const struct vsock_conv_summary *c, uint64_t key, const char *method,
    size_t len, uint32_t pkt, int64_t ns)
{
	char text[RPC_METHOD_MAX + 1];
	struct pending **pp, *q;
	struct row *w;
	uint32_t conv = c->index;

	len = text_escape(text, sizeof(text), method, len);
	if ((w = row_find(r, p, text, len)) == NULL)
		return;
	w->calls++;
	pp = pending_slot(r, p, conv, key);
	if (*pp != NULL)
		pending_drop(r, *pp);	/* its key was used again */
	if (r->npending >= RPC_PENDING_MAX)
		pending_drop(r, r->head);
	q = xrealloc(NULL, sizeof(*q));
	memset(q, 0, sizeof(*q));
	q->protocol = p;
	q->conv = conv;
	memcpy(q->cid, c->cid, sizeof(q->cid));
	memcpy(q->port, c->port, sizeof(q->port));
	q->type = c->type;
	q->key = key;
	q->row = w;
	q->pkt = pkt;
	q->ns = ns;
	pp = pending_slot(r, p, conv, key);
	*pp = q;
	q->prev = r->tail;
	if (r->tail != NULL)
		r->tail->next = q;
	else
		r->head = q;
	r->tail = q;
	if (r->due == NULL)
		r->due = q;
	r->npending++;
}

const char *
rpc_response(struct rpc *r, enum rpc_protocol p,
    const struct vsock_conv_summary *c, uint64_t key, int error,
    uint32_t pkt, int64_t ns)
{
	struct pending *q = *pending_slot(r, p, c->index, key);
	struct row *w;
	int64_t lat;

	(void)pkt;
	if (q == NULL)
		return NULL;
	w = q->row;
	lat = ns - q->ns;
	if (lat < 0)
		lat = 0;
	if (w->answered == 0 || lat < w->min_ns)
		w->min_ns = lat;
	if (w->answered == 0 || lat > w->max_ns)
		w->max_ns = lat;
	w->sum_ns += lat;
	w->answered++;
	if (error)
		w->errors++;
	pending_unlink(r, q);
	free(q);
	return w->method;
}

unsigned
rpc_tick(struct rpc *r, int64_t now, struct rpc_alert *a, unsigned max)
{
	struct pending *q;
	unsigned n = 0;

	while (n < max && (q = r->due) != NULL &&
	    now - q->ns >= r->threshold_ns) {
		q->alerted = 1;
		r->due = q->next;
		a[n].protocol = q->protocol;
		a[n].conv = q->conv;
		memcpy(a[n].cid, q->cid, sizeof(a[n].cid));
		memcpy(a[n].port, q->port, sizeof(a[n].port));
		a[n].type = q->type;
		a[n].key = q->key;
		a[n].method = q->row->method;
		a[n].pkt = q->pkt;
		a[n].ns = q->ns + r->threshold_ns;
		a[n].waited_ns = r->threshold_ns;
		n++;
	}
	return n;
}

/* --- the table ---------------------------------------------------------- */

static int
row_order(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a;
	const struct row *y = *(const struct row *const *)b;

	if (x->protocol != y->protocol)
		return x->protocol < y->protocol ? -1 : 1;
	return strcmp(x->method, y->method);
}

/* The rows, sorted, with what is still pending counted unanswered. */
static struct row **
sorted_rows(struct rpc *r)
{
	struct row **v, *w;
	size_t i, n = 0;

	while (r->head != NULL)
		pending_drop(r, r->head);
	v = xrealloc(NULL, (r->nrows + 1) * sizeof(*v));
	for (i = 0; i < r->rows_cap; i++)
		for (w = r->rows[i]; w != NULL; w = w->hnext)
			v[n++] = w;
	qsort(v, n, sizeof(*v), row_order);
	return v;
}

/* The table's columns, and a rule as wide as they are. */
#define RPC_HEADER	"%-8s %-40s %7s %7s %10s %10s %10s %10s\n"
#define RPC_WIDTH	(8 + 1 + 40 + 1 + 7 + 1 + 7 + 4 * (1 + 10))

static void
rule(void)
{
	char line[RPC_WIDTH + 2];

	memset(line, '=', RPC_WIDTH);
	line[RPC_WIDTH] = '\n';
	line[RPC_WIDTH + 1] = '\0';
	fputs(line, stdout);
}

void
rpc_table(struct rpc *r, int nano)
{
	struct row **v = sorted_rows(r), *w;
	size_t i;

	rule();
	printf("vsock RPC Statistics\n");
	printf("Filter:<No Filter>\n");
	printf("Unanswered after: %s s\n", text_secs(r->threshold_ns, nano));
	printf(RPC_HEADER, "Protocol", "Method", "Calls", "Errors",
	    "Unanswered", "Min(ms)", "Avg(ms)", "Max(ms)");
	for (i = 0; i < r->nrows; i++) {
		w = v[i];
		printf("%-8s %-40s %7" PRIu64 " %7" PRIu64 " %10" PRIu64,
		    rpc_protocol_name(w->protocol), w->method, w->calls,
		    w->errors, w->unanswered);
		if (w->answered == 0)
			printf(" %10s %10s %10s\n", "-", "-", "-");
		else
			printf(" %10s %10s %10s\n", text_msecs(w->min_ns),
			    text_msecs(w->sum_ns / (int64_t)w->answered),
			    text_msecs(w->max_ns));
	}
	rule();
	free(v);
}

/* s as a JSON string. */
static void
json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

void
rpc_json(struct rpc *r)
{
	struct row **v = sorted_rows(r), *w;
	size_t i;

	for (i = 0; i < r->nrows; i++) {
		w = v[i];
		printf("{\"protocol\":\"%s\",\"method\":",
		    rpc_protocol_name(w->protocol));
		json_string(w->method);
		printf(",\"calls\":%" PRIu64 ",\"errors\":%" PRIu64
		    ",\"unanswered\":%" PRIu64 ",", w->calls, w->errors,
		    w->unanswered);
		if (w->answered == 0)
			printf("\"min_ms\":null,\"avg_ms\":null,"
			    "\"max_ms\":null}\n");
		else {
			printf("\"min_ms\":%s,", text_msecs(w->min_ns));
			printf("\"avg_ms\":%s,",
			    text_msecs(w->sum_ns / (int64_t)w->answered));
			printf("\"max_ms\":%s}\n", text_msecs(w->max_ns));
		}
	}
	free(v);
}
