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
 * The analysis's summaries at the end (summaries.h), in tshark's style
 * where it fits: the conversation table between "====" rules, its
 * JSON lines, the expert summary.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include "names.h"
#include "procs.h"
#include "summaries.h"
#include "text.h"
#include "wire.h"

/* "RCV,SEND", or "" for no flag. */
static const char *
shut_flags(unsigned f)
{
	static const char *const names[] = { "", "RCV", "SEND", "RCV,SEND" };

	return names[f & (VSOCK_SHUTDOWN_RCV | VSOCK_SHUTDOWN_SEND)];
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
incomplete_print(const struct summary_context *sc,
    const struct vsock_conv_totals *tot, int want_unlisted)
{
	if (tot->evicted > 0)
		printf("Tracking incomplete: %llu conversation%s dropped "
		    "while still open (more than %u at once, see "
		    "--conv-limit); their figures stop there\n",
		    (unsigned long long)tot->evicted,
		    tot->evicted == 1 ? "" : "s", sc->conv_limit);
	if (want_unlisted && tot->unlisted > 0)
		printf("Tracking incomplete: %llu ended conversation%s not "
		    "listed (more than %llu kept)\n",
		    (unsigned long long)tot->unlisted,
		    tot->unlisted == 1 ? "" : "s",
		    (unsigned long long)sc->summaries_kept);
}

void
summary_conv_table(const struct summary_context *sc,
    const struct vsock_conv_summary *s, size_t n,
    const struct vsock_conv_totals *tot)
{
	/*
	 * The widest row: 10 numbers of up to 20 digits, 4 times of up to
	 * 20 characters, 2 endpoints of up to 127 (named), 2 processes of
	 * up to PROCS_TEXT_MAX, the type, the end and the spaces: under
	 * 900 characters.
	 */
	char line[1024], *p, pbuf[PROCS_TEXT_MAX];
	const struct vsock_conv_summary *c;
	struct procs_owner o;
	int names = names_enabled();
	/* Named endpoints are wider. */
	int ew = names ? 30 : 22;
	size_t i;
	int d;

	printf("================================================="
	    "===============================\n");
	printf("vsock Conversations\n");
	printf("Filter:<No Filter>\n");
	printf("Stall threshold: %s s\n", text_secs(sc->stall_ns, sc->nano));
	printf("%5s %-9s %-*s %-*s %8s %12s %7s %8s %12s %7s %12s %12s "
	    "%6s %12s %12s %5s", "Conv", "Type", ew, "Source",
	    ew, "Destination", "->Pkts", "->Bytes", "->Msgs", "<-Pkts",
	    "<-Bytes", "<-Msgs", "Rel Start", "Duration", "Stalls",
	    "Stalled", "Longest", "Notes");
	/* Without -n: the processes of the endpoints ("PID/COMM"). */
	if (names)
		printf(" %-22s %-22s", "Src Process", "Dst Process");
	printf("  %s\n", "End");
	for (i = 0; i < n; i++) {
		c = &s[i];
		p = put_col_u64(line, c->index, 5);
		*p++ = ' ';
		p = put_col(p, vsock_type_name(c->type), 9, 1);
		*p++ = ' ';
		p = put_col(p, text_endpoint(c->cid[0], c->port[0]), ew, 1);
		*p++ = ' ';
		p = put_col(p, text_endpoint(c->cid[1], c->port[1]), ew, 1);
		for (d = 0; d < 2; d++) {
			*p++ = ' ';
			p = put_col_u64(p, c->dir[d].packets, 8);
			*p++ = ' ';
			p = put_col_u64(p, c->dir[d].bytes, 12);
			*p++ = ' ';
			if (c->type == VSOCK_TYPE_SEQPACKET)
				p = put_col_u64(p, c->dir[d].messages, 7);
			else
				p = put_col(p, "-", 7, 0);
		}
		*p++ = ' ';
		p = put_col(p, text_secs(c->first_ns - sc->first_ns, sc->nano),
		    12, 0);
		*p++ = ' ';
		p = put_col(p, text_secs(c->last_ns - c->first_ns, sc->nano),
		    12, 0);
		*p++ = ' ';
		p = put_col_u64(p, c->stalls, 6);
		*p++ = ' ';
		p = put_col(p, text_secs(c->stalled_ns, sc->nano), 12, 0);
		*p++ = ' ';
		p = put_col(p, text_secs(c->longest_stall_ns, sc->nano), 12,
		    0);
		*p++ = ' ';
		p = put_col_u64(p, c->nnotes, 5);
		for (d = 0; names && d < 2; d++) {
			procs_conv_owner(c, d, &o);
			*p++ = ' ';
			p = put_col(p, procs_owner_text(&o, pbuf), 22, 1);
		}
		*p++ = ' ';
		*p++ = ' ';
		end_text(p, c);
		p += strlen(p);
		*p++ = '\n';
		(void)fwrite(line, 1, (size_t)(p - line), stdout);
	}
	printf("Conversations: %llu, at most %u tracked at once\n",
	    (unsigned long long)tot->conversations, tot->open_peak);
	incomplete_print(sc, tot, 1);
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

void
summary_conv_json(const struct summary_context *sc,
    const struct vsock_conv_summary *s, size_t n)
{
	const struct vsock_conv_summary *c;
	struct procs_owner o;
	const char *sep;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c = &s[i];
		printf("{\"index\":%u,\"type\":\"%s\",\"src\":\"%s\","
		    "\"dst\":\"%s\",", c->index, vsock_type_name(c->type),
		    text_endpoint_number(c->cid[0], c->port[0]),
		    text_endpoint_number(c->cid[1], c->port[1]));
		/* Without -n: the names, and the processes (or nulls). */
		if (names_enabled()) {
			printf("\"src_name\":\"%s\",\"dst_name\":\"%s\",",
			    names_endpoint(c->cid[0], c->port[0]),
			    names_endpoint(c->cid[1], c->port[1]));
			for (k = 0; k < 2; k++) {
				procs_conv_owner(c, k, &o);
				procs_owner_json(&o, k == 0 ? "src" : "dst");
				putchar(',');
			}
		}
		printf("\"start_seen\":%s,", c->start_seen ? "true" : "false");
		json_dir("src_to_dst", &c->dir[0]);
		putchar(',');
		json_dir("dst_to_src", &c->dir[1]);
		printf(",\"messages\":%llu,\"first_packet\":%u,"
		    "\"last_packet\":%u,\"rel_start\":%s,",
		    (unsigned long long)(c->dir[0].messages +
		    c->dir[1].messages), c->first_pkt, c->last_pkt,
		    text_secs(c->first_ns - sc->first_ns, sc->nano));
		printf("\"duration\":%s,\"state\":\"%s\","
		    "\"src_shutdown\":\"%s\",\"dst_shutdown\":\"%s\","
		    "\"rst_by\":%s,\"evicted\":%s,\"stalls\":%u,",
		    text_secs(c->last_ns - c->first_ns, sc->nano),
		    vsock_conv_state_name((enum vsock_conv_state)c->state),
		    shut_flags(c->shut[0]), shut_flags(c->shut[1]),
		    rst_by_json(c->rst_by),
		    c->evicted ? "true" : "false", c->stalls);
		printf("\"stalled_ms\":%s,", text_msecs(c->stalled_ns));
		printf("\"longest_stall_ms\":%s,\"notes\":{",
		    text_msecs(c->longest_stall_ns));
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

void
summary_expert(const struct summary_context *sc, const struct expert *ex,
    const struct vsock_conv_totals *tot)
{
	uint64_t total = 0;
	unsigned k, i;

	for (k = 0; k < VSOCK_NOTE_COUNT; k++)
		total += ex->count[k];
	printf("\n==================================================="
	    "================\n");
	printf("vsock Expert Information\n");
	printf("Stall threshold: %s s\n", text_secs(sc->stall_ns, sc->nano));
	if (total == 0)
		printf("No notes\n");
	else {
		printf("Notes: %llu\n", (unsigned long long)total);
		printf("%8s  %-26s %s\n", "Count", "Keyword", "First packets");
	}
	for (k = 0; k < VSOCK_NOTE_COUNT; k++) {
		if (ex->count[k] == 0)
			continue;
		printf("%8llu  %-26s", (unsigned long long)ex->count[k],
		    vsock_conv_note_keyword((enum vsock_conv_note)k));
		for (i = 0; i < EXPERT_FIRST_PACKETS && i < ex->count[k]; i++)
			printf("%s%u", i ? ", " : " ", ex->first[k][i]);
		if (ex->count[k] > EXPERT_FIRST_PACKETS)
			printf(", ...");
		putchar('\n');
	}
	printf("Packets: %llu, not vsock over virtio or cut short: %llu\n",
	    (unsigned long long)tot->packets,
	    (unsigned long long)tot->untracked);
	printf("Conversations: %llu, at most %u tracked at once\n",
	    (unsigned long long)tot->conversations, tot->open_peak);
	incomplete_print(sc, tot, 0);
	printf("==================================================="
	    "================\n");
}
