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
 * vsockdump's connection analysis: the options (-z, --notes,
 * --stall-threshold, --conv-limit), the per-packet notes, the live
 * stall alerts and the summaries at the end (conversation table, JSON
 * lines, stream following, expert summary), on top of the tracker of
 * src/conv.c.  Everything goes to the standard output.
 */

#ifndef vsockdump_analysis_h
#define vsockdump_analysis_h

#include "netdissect.h"

/*
 * Options.  Each returns 0 if the argument is good, -1 if not (the
 * caller says so and exits); analysis_opt_z() returns 1 for "-z help",
 * which it has printed.
 */
extern int analysis_opt_z(const char *arg);
extern void analysis_opt_notes(void);
extern int analysis_opt_stall_threshold(const char *arg);
extern int analysis_opt_conv_limit(const char *arg);

/* Whether an analysis option was given. */
extern int analysis_wanted(void);

/* Whether -q means "no per-packet lines" (it does with -z, as in tshark). */
extern int analysis_quiet(int qflag);

/*
 * Starts the analysis (if wanted) of a capture of link type dlt, after
 * the options: nano for nanosecond time stamps; live with the buffer
 * timeout the capture was opened with (0 for a file).  With --notes the
 * printer of ndo gets the notes appended.  Returns -1 if out of memory
 * or if the link type carries no vsock packets.
 */
extern int analysis_begin(netdissect_options *ndo, int dlt, int nano,
    int live, int timeout_ms, int immediate);

/* Each packet, after the filter, before it is printed. */
extern void analysis_packet(const struct pcap_pkthdr *h, const u_char *sp,
    u_int number);

/*
 * Live captures: how often (milliseconds) analysis_tick() should run
 * while no packet comes, 0 if never; analysis_tick() reports the stalls
 * that have lasted past the threshold by now.
 */
extern int analysis_tick_interval(void);
extern void analysis_tick(void);

/* The end of the capture: notes left, then the summaries asked for. */
extern void analysis_end(void);

#endif /* vsockdump_analysis_h */
