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
 * vsockdump: capture and print Linux AF_VSOCK traffic, from a vsockmon
 * device (DLT_VSOCK) or the "any" device (LINUX_SLL/LINUX_SLL2), or
 * from capture files.  Options, messages and output follow tcpdump.
 *
 * On a libpcap that has no vsock support of its own (as distributions
 * ship it), vsockdump brings it: the vsock filter primitives, rewritten
 * into expressions that libpcap compiles and the kernel runs
 * (filter-rewrite.c); the "vsockmon" device, found or created
 * (vsockmon.c); -Q by CID; and a stop that first delivers what the
 * kernel still holds, with filters on "any" that the kernel runs
 * (kernel-socket.c).  On a libpcap that has them (our patch series),
 * libpcap's own are used.
 *
 * main() runs the stages of a capture in order: the options; the
 * input opened (input.c); the filter compiled, and with -d printed;
 * the analysis started and the filter attached; privileges dropped and
 * the output opened; the capture loop (capture.c), with the drain after
 * a stop and -V's next files; the end.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include <unistd.h>

#include <pcap/pcap.h>

#include "netdissect.h"
#include "analysis.h"
#include "capture.h"
#include "devices.h"
#include "diag.h"
#include "expression.h"
#include "filter-rewrite.h"
#include "input.h"
#include "kernel-socket.h"
#include "names.h"
#include "options.h"
#include "privileges.h"
#include "procs.h"
#include "vsockmon.h"

/* The filter of the capture. */
struct filter {
	char		*text;
	int		native;		/* libpcap has vsock primitives */
	int		rewritten;	/* by filter-rewrite.c */
	struct bpf_program code;
};

/* -D, -h, --version, -z help: done, and exit. */
static void
run_action(const struct options *o)
{
	switch (o->action) {
	case ACTION_CAPTURE:
		return;
	case ACTION_LIST_DEVICES:
		list_devices();
		break;
	case ACTION_HELP:
		options_print_usage(stdout);
		break;
	case ACTION_VERSION:
		options_print_version(stdout);
		break;
	case ACTION_Z_HELP:
		analysis_z_help();
		break;
	}
	exit(0);
}

/* What to print and where, from the options. */
static void
set_up_output(struct capture *cap, const struct options *o)
{
	capture_init(cap);
	options_apply_print(&o->print, &cap->ndo);
	if (o->lflag)
		setvbuf(stdout, NULL, _IOLBF, 0);
	cap->writing = o->wfile != NULL;
	cap->printing = (o->wfile == NULL || o->force_print) &&
	    !analysis_quiet(&o->analysis, o->print.qflag);
	if (o->wfile != NULL && strcmp(o->wfile, "-") == 0 &&
	    analysis_wanted(&o->analysis))
		error("-z and --notes print on the standard output, which "
		    "-w - writes the capture to");
}

/* Whether the output shows processes: -v packet lines, -z conv tables. */
static int
shows_processes(const struct options *o, int printing)
{
	int i;

	if (printing && o->print.vflag > 0)
		return 1;
	for (i = 0; i < o->analysis.nz; i++)
		if (o->analysis.z[i].kind == Z_CONV ||
		    o->analysis.z[i].kind == Z_CONV_JSON)
			return 1;
	return 0;
}

/*
 * Without -n, where something is printed: the names of CIDs and ports;
 * on a live capture, the processes of the local endpoints too, where
 * the output shows them.  Before the device is opened: the sock_diag
 * socket lists the sockets of its own network namespace, and the names
 * files are read before privileges are dropped.
 */
static void
names_stage(const struct options *o, int printing)
{
	int live = o->rfile == NULL && o->vfile == NULL;

	if (o->print.nflag || o->dflag || o->list_dlts ||
	    (!printing && !analysis_wanted(&o->analysis)))
		return;
	names_start(&o->names, live);
	if (live && shows_processes(o, printing))
		(void)procs_start();
}

/*
 * Compile the filter: with -Q on vsockdump's own vsockmon device, the
 * direction is a filter term (the kernel shows every packet as sent).
 */
static void
compile_stage(struct filter *f, const struct input *in,
    const struct options *o)
{
	char *directed;

	if (in->vsockmon_own && o->direction != -1 &&
	    o->direction != PCAP_D_INOUT) {
		directed = with_direction(f->text, o->direction);
		free(f->text);
		f->text = directed;
	}
	f->rewritten = compile_filter(in->pd, &f->code, f->text, f->native);
}

/* -d: the program, as tcpdump prints it. */
static ND_ATTR_NORETURN void
dump_stage(struct filter *f, struct input *in, int dflag)
{
	bpf_dump(&f->code, dflag);
	pcap_freecode(&f->code);
	input_close(in);
	free(f->text);
	exit(0);
}

/*
 * The analysis, and the filter attached.  libpcap filters "vsock" on
 * "any" in userland (it cannot map the ARPHRD test for the kernel): the
 * kernel gets the program that it can run.
 */
static void
start_stage(struct capture *cap, struct input *in, struct filter *f,
    struct options *o)
{
	int unsupported;

	/* Nothing printed, nothing asked: nothing to decode. */
	if (!cap->printing && !analysis_wanted(&o->analysis))
		o->analysis.decode.off = 1;
	o->analysis.decode.silent = !cap->printing;
	cap->an = analysis_begin(&o->analysis, &cap->ndo, in->dlt,
	    cap->ndo.ndo_tstamp_precision == PCAP_TSTAMP_PRECISION_NANO,
	    in->live, in->timeout, o->immediate, &unsupported);
	if (unsupported) {
		input_close(in);
		unsupported_link_type(in->dlt);
	}
	if (pcap_setfilter(in->pd, &f->code) < 0)
		error("%s", pcap_geterr(in->pd));
	if (in->live && f->rewritten &&
	    kernel_cooked_filter(in->pd, &f->code) < 0)
		warning("%s: the kernel cannot run this filter; it runs in "
		    "userland", in->device);
}

/*
 * -Z, as tcpdump: with -C or -G the files are made by the user;
 * otherwise the file is made first, then given to the user.  Only root
 * drops privileges.
 */
static void
output_stage(struct capture *cap, struct input *in, struct options *o)
{
	const char *user = geteuid() == 0 ? o->user : NULL;
	int rotating = o->out.max_size != 0 || o->out.seconds != 0;

	if (user != NULL && (o->wfile == NULL || rotating))
		drop_privileges(user);
	if (o->wfile == NULL)
		return;
	if (savefile_open(&cap->out, &o->out, in->pd, o->wfile) < 0)
		error("%s", cap->out.msg);
	if (user != NULL && !rotating) {
		give_file(cap->out.name, user);
		drop_privileges(user);
	}
}

/* -V: the next file, with the same output and filter; 0 at the end. */
static int
next_file_stage(struct capture *cap, struct input *in, struct filter *f,
    const struct options *o)
{
	if (!input_next_file(in, &cap->ndo))
		return 0;
	if (pcap_datalink(in->pd) != in->dlt) {
		if (o->wfile != NULL || analysis_wanted(&o->analysis))
			error("%s: new dlt does not match original",
			    in->rfile);
		in->dlt = pcap_datalink(in->pd);
		if (capture_set_printer(cap, in->dlt, 0) < 0)
			unsupported_link_type(in->dlt);
		pcap_freecode(&f->code);
		(void)compile_filter(in->pd, &f->code, f->text, f->native);
	}
	if (pcap_setfilter(in->pd, &f->code) < 0)
		error("%s", pcap_geterr(in->pd));
	cap->pd = in->pd;
	cap->out.pd = in->pd;
	return 1;
}

/* What tcpdump says when a capture or a file ends. */
static void
report_stop(const struct capture *cap, const struct input *in,
    const struct options *o, int status, const char *why)
{
	/* Finish a line a signal may have cut short. */
	if (o->wfile == NULL && status == PCAP_ERROR_BREAK)
		putchar('\n');
	if (status == PCAP_ERROR)
		(void)fprintf(stderr, "%s: pcap_loop: %s\n", program_name,
		    why);
	if (cap->limit_reached)
		(void)fprintf(stderr, "Maximum file limit reached: %d\n",
		    o->out.max_files);
	if (in->live)
		capture_print_stats(cap);
}

/*
 * The capture, or the files, until the end.  A stop by signal, or the
 * device gone, on libpcap's generic path (not libpcap's own vsockmon
 * module) first hands over what the kernel still holds; decided before
 * the capture, as a device that goes away takes its sysfs entry with
 * it.  Returns non-zero if it failed.
 */
static int
loop_stage(struct capture *cap, struct input *in, struct filter *f,
    const struct options *o)
{
	char why[PCAP_ERRBUF_SIZE];
	int drain, status, failed = 0;

	drain = in->live && !(in->native && (vsockmon_is_device(in->device) ||
	    strcmp(in->device, VSOCKMON_PSEUDO) == 0));
	cap->pd = in->pd;
	capture_catch_signals(cap);
	if (in->live)
		input_print_listening(in, &cap->ndo, o->wfile != NULL);
	for (;;) {
		status = capture_loop(cap, o->cnt);
		if (status == PCAP_ERROR) {
			(void)snprintf(why, sizeof(why), "%s",
			    pcap_geterr(in->pd));
			failed = 1;
		}
		if (drain && ((status == PCAP_ERROR_BREAK &&
		    capture_stopped_by_signal()) || status == PCAP_ERROR))
			capture_drain(cap, o->immediate ? 1 : in->timeout,
			    o->cnt);
		report_stop(cap, in, o, status, why);
		if (status != 0 || cap->out.err != 0 || cap->limit_reached ||
		    !next_file_stage(cap, in, f, o))
			return failed;
	}
}

/*
 * The end: the analysis's summaries, the output closed.  Returns
 * non-zero if something failed.
 */
static int
finish_stage(struct capture *cap, struct input *in, struct filter *f,
    const struct options *o)
{
	int failed = 0;

	procs_finish();
	analysis_end(cap->an);
	procs_stop();
	names_stop();
	if ((cap->printing || analysis_wanted(&o->analysis)) &&
	    capture_check_stdout() < 0)
		failed = 1;
	if (o->wfile != NULL && savefile_close(&cap->out, program_name) < 0)
		failed = 1;
	pcap_freecode(&f->code);
	input_close(in);
	free(f->text);
	return failed;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct capture cap;
	struct input in;
	struct filter f;
	int failed;

	options_parse(argc, argv, &o);
	run_action(&o);
	set_up_output(&cap, &o);
	memset(&f, 0, sizeof(f));
	f.text = filter_text(o.ffile, o.args);
	f.native = vsock_filter_native();

	names_stage(&o, cap.printing);
	input_open(&in, &o, &cap.ndo, f.native, cap.printing);
	procs_link_type(in.dlt);
	if (cap.printing && !o.dflag && capture_set_printer(&cap, in.dlt,
	    analysis_annotates(&o.analysis)) < 0) {
		input_close(&in);
		unsupported_link_type(in.dlt);
	}
	compile_stage(&f, &in, &o);
	if (o.dflag)
		dump_stage(&f, &in, o.dflag);
	start_stage(&cap, &in, &f, &o);
	output_stage(&cap, &in, &o);
	failed = loop_stage(&cap, &in, &f, &o);
	failed |= finish_stage(&cap, &in, &f, &o);
	options_free(&o);
	return failed ? 1 : 0;
}
