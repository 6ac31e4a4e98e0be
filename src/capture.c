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
 * The capture loop (capture.h).
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include <poll.h>
#include <signal.h>

#include <pcap/pcap.h>

#include "netdissect.h"
#include "capture.h"
#include "diag.h"
#include "kernel-socket.h"
#include "print-cooked.h"
#include "procs.h"

/* For the signal handler: the capture to break, and why it stopped. */
static pcap_t *volatile signal_pd;
static volatile sig_atomic_t stop_signal;	/* SIGINT, SIGTERM, SIGHUP */
static volatile sig_atomic_t got_sigpipe;

void
capture_init(struct capture *cap)
{
	memset(cap, 0, sizeof(*cap));
	ndo_set_function_pointers(&cap->ndo);
	cap->ndo.program_name = program_name;
	cap->ndo.ndo_tstamp_precision = PCAP_TSTAMP_PRECISION_MICRO;
}

/*
 * The printer of the link type, then the end of the packet's line: the
 * analysis's annotations, the processes of its endpoints (-v, live),
 * the decoders' details.  ndo is the first member of the capture it
 * prints for.
 */
static void
annotated_printer(netdissect_options *ndo, const struct pcap_pkthdr *h,
    const u_char *p)
{
	struct capture *cap = (struct capture *)ndo;

	(*cap->link_printer)(ndo, h, p);
	analysis_print_annotations(cap->an, ndo);
	procs_print(ndo);
	analysis_print_details(cap->an, ndo);
}

int
capture_set_printer(struct capture *cap, int dlt, int annotate)
{
	cap->link_printer = vsockdump_printer_for(dlt);
	if (cap->link_printer == NULL)
		return -1;
	cap->annotating = annotate;
	cap->owners = procs_active();
	cap->ndo.ndo_if_printer = cap->link_printer;
	return 0;
}

void
capture_print_packet(struct capture *cap, const struct pcap_pkthdr *h,
    const u_char *sp, u_int number, int annotated)
{
	/* The plain printer where nothing can follow it, as most packets. */
	cap->ndo.ndo_if_printer = (annotated && cap->annotating) ||
	    cap->owners ? annotated_printer : cap->link_printer;
	pretty_print_packet(&cap->ndo, h, sp, number);
}

static void
on_signal(int sig)
{
	if (sig == SIGPIPE)
		got_sigpipe = 1;
	else
		stop_signal++;
	if (signal_pd != NULL)
		pcap_breakloop(signal_pd);
}

static void
catch_signal(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	(void)sigaction(sig, &sa, NULL);
}

void
capture_catch_signals(struct capture *cap)
{
	signal_pd = cap->pd;
	catch_signal(SIGINT);
	catch_signal(SIGTERM);
	catch_signal(SIGHUP);
	catch_signal(SIGPIPE);
}

int
capture_stopped_by_signal(void)
{
	return stop_signal != 0;
}

static void
handle_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *sp)
{
	struct capture *cap = (struct capture *)user;
	int annotated;

	cap->packets++;
	if (cap->writing && cap->out.err == 0 && !cap->limit_reached) {
		switch (savefile_write(&cap->out, h, sp)) {
		case SAVEFILE_FAILED:
			/* Stop: nothing more can reach the file. */
			pcap_breakloop(cap->pd);
			return;
		case SAVEFILE_LIMIT:
			cap->limit_reached = 1;
			pcap_breakloop(cap->pd);
			return;
		case SAVEFILE_ERROR:
			error("%s", cap->out.msg);
		}
	}
	procs_packet(h, sp, cap->packets);
	annotated = analysis_packet(cap->an, h, sp, cap->packets);
	if (cap->printing)
		capture_print_packet(cap, h, sp, cap->packets, annotated);
}

/*
 * pcap_loop(); but when the analysis reports stalls of a live capture
 * while they last (a stalled connection sends nothing), a loop of
 * pcap_dispatch() on a non-blocking handle, woken by poll() at least
 * every tick.
 */
int
capture_loop(struct capture *cap, int cnt)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pollfd pfd;
	int tick = analysis_tick_interval(cap->an), n, done = 0;

	signal_pd = cap->pd;
	if (tick == 0 || (pfd.fd = pcap_get_selectable_fd(cap->pd)) < 0 ||
	    pcap_setnonblock(cap->pd, 1, ebuf) < 0)
		return pcap_loop(cap->pd, cnt, handle_packet, (u_char *)cap);
	pfd.events = POLLIN;
	for (;;) {
		n = pcap_dispatch(cap->pd, cnt > 0 ? cnt - done : -1,
		    handle_packet, (u_char *)cap);
		if (n < 0)
			return n;
		done += n;
		if (cnt > 0 && done >= cnt)
			return 0;
		if (stop_signal != 0 || got_sigpipe)
			return PCAP_ERROR_BREAK;
		analysis_tick(cap->an);
		if (n == 0 && poll(&pfd, 1, tick) < 0 && errno != EINTR)
			error("poll: %s", strerror(errno));
	}
}

void
capture_drain(struct capture *cap, int timeout_ms, int cnt)
{
	kernel_drain(cap->pd, handle_packet, (u_char *)cap, timeout_ms,
	    &cap->packets, cnt > 0 ? (u_int)cnt : 0);
}

/*
 * Decoded output that could not be written is data lost: say so.  Not
 * when the reader went away (SIGPIPE, as with "| head"): it wanted no
 * more.
 */
int
capture_check_stdout(void)
{
	errno = 0;
	if ((fflush(stdout) == 0 && !ferror(stdout)) || got_sigpipe)
		return 0;
	(void)fprintf(stderr, "%s: standard output: %s\n", program_name,
	    strerror(errno != 0 ? errno : EIO));
	return -1;
}

void
capture_print_stats(const struct capture *cap)
{
	struct pcap_stat st;

	memset(&st, 0, sizeof(st));
	if (pcap_stats(cap->pd, &st) < 0) {
		(void)fprintf(stderr, "pcap_stats: %s\n",
		    pcap_geterr(cap->pd));
		return;
	}
	(void)fprintf(stderr, "%u packet%s captured\n", cap->packets,
	    PLURAL_SUFFIX(cap->packets));
	(void)fprintf(stderr, "%u packet%s received by filter\n", st.ps_recv,
	    PLURAL_SUFFIX(st.ps_recv));
	(void)fprintf(stderr, "%u packet%s dropped by kernel", st.ps_drop,
	    PLURAL_SUFFIX(st.ps_drop));
	if (st.ps_ifdrop != 0)
		(void)fprintf(stderr, "\n%u packet%s dropped by interface",
		    st.ps_ifdrop, PLURAL_SUFFIX(st.ps_ifdrop));
	(void)fputc('\n', stderr);
}
