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

#ifndef VSOCKDUMP_ANALYSIS_H
#define VSOCKDUMP_ANALYSIS_H

/*
 * vsockdump's connection analysis: the options (-z, --notes,
 * --stall-threshold, --conv-limit), the per-packet notes, the live
 * stall alerts and the summaries at the end (conversation table, JSON
 * lines, stream following, expert summary), on top of the tracker of
 * conv.c.  Everything goes to the standard output.
 */

#include <stdint.h>

#include "netdissect.h"
#include "decode.h"

enum analysis_z_kind {
	Z_CONV, Z_CONV_JSON, Z_FOLLOW, Z_EXPERT, Z_RPC, Z_RPC_JSON
};

/* A -z option: what to print at the end. */
struct analysis_z {
	enum analysis_z_kind kind;
	char		*follow;	/* Z_FOLLOW: "MODE,..." */
};

/* The analysis options of the command line. */
struct analysis_options {
	struct analysis_z *z;
	int		nz;
	int		notes;		/* --notes */
	int64_t		stall_ns;	/* --stall-threshold */
	uint32_t	conv_limit;	/* --conv-limit */
	struct decode_options decode;	/* --decode-as, --no-decode, ... */
};

extern void analysis_options_init(struct analysis_options *);
extern void analysis_options_free(struct analysis_options *);

/*
 * Each returns 0 if the argument is good, -1 if not (the caller says so
 * and exits); analysis_opt_z() returns 1 for "help".
 */
#define ANALYSIS_Z_HELP		1
extern int analysis_opt_z(struct analysis_options *, const char *arg);
extern int analysis_opt_stall_threshold(struct analysis_options *,
    const char *arg);
extern int analysis_opt_conv_limit(struct analysis_options *,
    const char *arg);
extern void analysis_z_help(void);

/* Whether an analysis option was given. */
extern int analysis_wanted(const struct analysis_options *);
/*
 * Whether each packet's line may end with more than the printer's text:
 * a decoded protocol's summary, the notes.
 */
extern int analysis_annotates(const struct analysis_options *);
/* Whether -q means "no packet lines" (it does with -z, as in tshark). */
extern int analysis_quiet(const struct analysis_options *, int qflag);

struct analysis;

/*
 * The analysis of a capture of link type dlt, printing with ndo (its
 * time stamp format): nano for nanosecond time stamps; live with the
 * buffer timeout the capture was opened with (0 for a file).  Returns
 * NULL if no analysis is wanted nor decoding on, or (with *unsupported
 * set, if an analysis option was given) if the link type carries no
 * vsock packets.
 */
extern struct analysis *analysis_begin(const struct analysis_options *,
    netdissect_options *ndo, int dlt, int nano, int live, int timeout_ms,
    int immediate, int *unsupported);

/*
 * What analysis_packet() reads of every packet, inline: most packets
 * end there when only the decoders need the tracker.  The first member
 * of struct analysis.
 */
struct analysis_gate {
	int		all;		/* the tracker sees every packet */
	struct decode	*dec;		/* NULL: --no-decode */
	const struct decode_gate *decode;	/* its test */
};

extern void analysis_track(struct analysis *, const struct pcap_pkthdr *,
    const u_char *, u_int number);
extern int analysis_track_if_known(struct analysis *,
    const struct pcap_pkthdr *, const u_char *, u_int number);

/*
 * Each packet, after the filter, before it is printed.  Returns whether
 * its line may have annotations (analysis_print_annotations()).
 */
static inline int
analysis_packet(struct analysis *an, const struct pcap_pkthdr *h,
    const u_char *sp, u_int number)
{
	const struct analysis_gate *g = (const struct analysis_gate *)an;

	if (an == NULL)
		return 0;
	if (!g->all)
		switch (decode_wants(g->dec, g->decode, sp, h->caplen)) {
		case DECODE_NO:
			return 0;
		case DECODE_IF_KNOWN:
			return analysis_track_if_known(an, h, sp, number);
		}
	analysis_track(an, h, sp, number);
	return 1;
}

/*
 * The end of that packet's line: its protocol's summary and, with
 * --notes, its notes; then, at -v, the protocol's details on lines of
 * their own.
 */
extern void analysis_print_annotations(struct analysis *,
    netdissect_options *);
extern void analysis_print_details(struct analysis *, netdissect_options *);

/*
 * Live captures: how often (milliseconds) analysis_tick() should run
 * while no packet comes, 0 if never; analysis_tick() reports the stalls
 * that have lasted past the threshold by now.
 */
extern int analysis_tick_interval(const struct analysis *);
extern void analysis_tick(struct analysis *);

/* The end of the capture: notes left, then the summaries; frees it. */
extern void analysis_end(struct analysis *);

#endif /* VSOCKDUMP_ANALYSIS_H */
