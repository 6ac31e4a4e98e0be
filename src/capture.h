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

#ifndef VSOCKDUMP_CAPTURE_H
#define VSOCKDUMP_CAPTURE_H

/*
 * The capture loop: each packet written (-w), analysed and printed; the
 * signals that stop it; the counts at the end.
 */

#include <pcap/pcap.h>

#include "netdissect.h"
#include "analysis.h"
#include "savefile.h"

struct capture {
	netdissect_options ndo;		/* first: see annotated_printer() */
	if_printer	link_printer;	/* the printer of the link type */
	pcap_t		*pd;
	struct analysis	*an;		/* NULL without analysis */
	int		annotating;	/* lines may end with annotations */
	int		owners;		/* lines may end with processes */
	struct savefile	out;
	int		writing;	/* to out (-w) */
	int		printing;	/* to the standard output */
	u_int		packets;	/* captured */
	int		limit_reached;	/* -G with -W: the last file done */
};

/* ndo set up for printing, from the options; nothing captured yet. */
extern void capture_init(struct capture *);

/*
 * The printer for link type dlt (with annotate, each packet's line
 * ends with the analysis's annotations); -1 if vsockdump has none for
 * it.
 */
extern int capture_set_printer(struct capture *, int dlt, int annotate);

/*
 * Print a packet: with annotated (analysis_packet()'s answer), its
 * line may end with the analysis's annotations.
 */
extern void capture_print_packet(struct capture *, const struct pcap_pkthdr *,
    const u_char *, u_int number, int annotated);

/* SIGINT, SIGTERM and SIGHUP stop the capture; SIGPIPE too, quietly. */
extern void capture_catch_signals(struct capture *);
extern int capture_stopped_by_signal(void);

/*
 * Capture cnt packets (-1: no limit), as pcap_loop() does, with the
 * analysis's live alerts while no packet comes.  Returns as
 * pcap_loop().
 */
extern int capture_loop(struct capture *, int cnt);

/*
 * After a stop by signal, or the device gone, on libpcap's generic
 * path: hand over what the kernel still holds (kernel-socket.c).
 */
extern void capture_drain(struct capture *, int timeout_ms, int cnt);

/* The end-of-capture counts, as tcpdump prints them. */
extern void capture_print_stats(const struct capture *);

/* Whether the decoded output was written whole; 0, or -1 if not. */
extern int capture_check_stdout(void);

#endif /* VSOCKDUMP_CAPTURE_H */
