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
 * vsockdump's command line (options.h): tcpdump's options that make
 * sense for vsock, and the connection analysis's.  Each group of
 * options has a function of its own; the checks that combine them come
 * last, as tcpdump makes them.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include <getopt.h>

#include "diag.h"
#include "filter-rewrite.h"
#include "options.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define OPT_IMMEDIATE	256
#define OPT_VERSION	257
#define OPT_PRINT	258
#define OPT_MICRO	259
#define OPT_NANO	260
#define OPT_PRECISION	261
#define OPT_NOTES	262
#define OPT_STALL	263
#define OPT_CONV_LIMIT	264
#define OPT_DECODE_AS	265
#define OPT_NO_DECODE	266
#define OPT_DECODE_BUF	267
#define OPT_NAMES_FILE	268
#define OPT_SERVICES_FILE 269

#define SHORT_OPTIONS	"AB:c:C:dDeF:G:hi:lLnpQ:qr:s:tUvV:w:W:xXy:z:Z:#"
#define MAX_TFLAG	5	/* -ttttt */
#define KIB		1024

static const struct option long_options[] = {
	{ "buffer-size",		required_argument, NULL, 'B' },
	{ "list-interfaces",		no_argument,	   NULL, 'D' },
	{ "help",			no_argument,	   NULL, 'h' },
	{ "interface",			required_argument, NULL, 'i' },
	{ "list-data-link-types",	no_argument,	   NULL, 'L' },
	{ "direction",			required_argument, NULL, 'Q' },
	{ "snapshot-length",		required_argument, NULL, 's' },
	{ "packet-buffered",		no_argument,	   NULL, 'U' },
	{ "linktype",			required_argument, NULL, 'y' },
	{ "relinquish-privileges",	required_argument, NULL, 'Z' },
	{ "no-promiscuous-mode",	no_argument,	   NULL, 'p' },
	{ "number",			no_argument,	   NULL, '#' },
	{ "immediate-mode",		no_argument,	   NULL,
	    OPT_IMMEDIATE },
	{ "print",			no_argument,	   NULL, OPT_PRINT },
	{ "micro",			no_argument,	   NULL, OPT_MICRO },
	{ "nano",			no_argument,	   NULL, OPT_NANO },
	{ "time-stamp-precision",	required_argument, NULL,
	    OPT_PRECISION },
	{ "version",			no_argument,	   NULL, OPT_VERSION },
	{ "notes",			no_argument,	   NULL, OPT_NOTES },
	{ "stall-threshold",		required_argument, NULL, OPT_STALL },
	{ "conv-limit",			required_argument, NULL,
	    OPT_CONV_LIMIT },
	{ "decode-as",			required_argument, NULL,
	    OPT_DECODE_AS },
	{ "no-decode",			no_argument,	   NULL, OPT_NO_DECODE },
	{ "decode-buffer",		required_argument, NULL,
	    OPT_DECODE_BUF },
	{ "names-file",			required_argument, NULL,
	    OPT_NAMES_FILE },
	{ "services-file",		required_argument, NULL,
	    OPT_SERVICES_FILE },
	{ NULL,				0,		   NULL, 0 }
};

void
options_print_version(FILE *f)
{
	(void)fprintf(f, "%s version %s\n", program_name, PACKAGE_VERSION);
	(void)fprintf(f, "%s\n", pcap_lib_version());
	(void)fprintf(f, "vsock filters and vsockmon capture: %s\n",
	    vsock_filter_native() ? "libpcap's own" : "vsockdump's own "
	    "(this libpcap has none)");
}

void
options_print_usage(FILE *f)
{
	options_print_version(f);
	(void)fprintf(f,
"Usage: %s [-AdDehlLnpqUvxX#] [ -B size ] [ -c count ] [ -C file_size ]\n"
"\t\t[ -F file ] [ -G seconds ] [ -i interface ] [ --immediate-mode ]\n"
"\t\t[ -Q in|out|inout ] [ -r file ] [ -s snaplen ]\n"
"\t\t[ -t | -tt | -ttt | -tttt | -ttttt ] [ --micro | --nano ]\n"
"\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]\n"
"\t\t[ -Z user ] [ -z stat ] [ --notes ] [ --stall-threshold seconds ]\n"
"\t\t[ --conv-limit count ] [ --decode-as port=protocol ]\n"
"\t\t[ --no-decode ] [ --decode-buffer bytes ] [ --names-file file ]\n"
"\t\t[ --services-file file ] [ --print ] [ --version ] [ expression ]\n",
	    program_name);
}

/* A decimal number in [min, max], or an error naming what it is. */
static int
parse_int(const char *what, const char *s, int min, int max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		error("invalid %s %s", what, s);
	return (int)v;
}

/* -C: millions of bytes, or KiB, MiB, GiB with k, m, g (tcpdump 4.99.4). */
static int64_t
parse_file_size(const char *s)
{
	int64_t v, mult = 1000000;
	char *end;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || errno != 0 || v <= 0)
		error("invalid file size %s", s);
	if (*end != '\0') {
		switch (*end) {
		case 'k': case 'K':
			mult = KIB;
			break;
		case 'm': case 'M':
			mult = KIB * KIB;
			break;
		case 'g': case 'G':
			mult = KIB * KIB * KIB;
			break;
		default:
			error("invalid file size %s (invalid units)", s);
		}
		if (end[1] != '\0')
			error("invalid file size %s (invalid units)", s);
	}
	if (v > INT64_MAX / mult)
		error("file size %s is too large", s);
	return v * mult;
}

/* -B: KiB. */
static int
parse_buffer_size(const char *s)
{
	char *end;
	long v;

	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || v <= 0)
		error("invalid packet buffer size %s", s);
	if (v > INT_MAX / KIB)
		error("packet buffer size %s is too large", s);
	return (int)v * KIB;
}

static int
parse_snaplen(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (end == s || *end != '\0' || errno != 0 || v < 0 ||
	    v > MAXIMUM_SNAPLEN)
		error("invalid snaplen %s (must be >= 0 and <= %d)", s,
		    MAXIMUM_SNAPLEN);
	return (int)v;
}

static int
parse_direction(const char *s)
{
	if (strcasecmp(s, "in") == 0)
		return PCAP_D_IN;
	if (strcasecmp(s, "out") == 0)
		return PCAP_D_OUT;
	if (strcasecmp(s, "inout") == 0)
		return PCAP_D_INOUT;
	error("unknown capture direction `%s'", s);
}

/* How packets are printed.  Returns 1 if op is one of them. */
static int
print_option(struct print_settings *p, int op)
{
	switch (op) {
	case 'A':
		p->Aflag++;
		break;
	case 'e':
		p->eflag++;
		break;
	case 'n':
		p->nflag++;
		break;
	case 'q':
		p->qflag++;
		p->suppress_default_print++;
		break;
	case 's':
		p->snaplen = parse_snaplen(optarg);
		break;
	case 't':
		p->tflag++;
		break;
	case 'v':
		p->vflag++;
		break;
	case 'x':
		p->xflag++;
		p->suppress_default_print++;
		break;
	case 'X':
		p->Xflag++;
		p->suppress_default_print++;
		break;
	case '#':
		p->packet_number = 1;
		break;
	default:
		return 0;
	}
	return 1;
}

/* Time stamps. */
static int
time_option(struct print_settings *p, int op)
{
	switch (op) {
	case OPT_MICRO:
		p->tstamp_precision = PCAP_TSTAMP_PRECISION_MICRO;
		break;
	case OPT_NANO:
		p->tstamp_precision = PCAP_TSTAMP_PRECISION_NANO;
		break;
	case OPT_PRECISION:
		if (strncmp(optarg, "nano", 4) == 0)
			p->tstamp_precision = PCAP_TSTAMP_PRECISION_NANO;
		else if (strncmp(optarg, "micro", 5) == 0)
			p->tstamp_precision = PCAP_TSTAMP_PRECISION_MICRO;
		else
			error("unsupported time stamp precision");
		break;
	default:
		return 0;
	}
	return 1;
}

/* The capture: where, how much, which way. */
static int
capture_option(struct options *o, int op)
{
	switch (op) {
	case 'B':
		o->bufsize = parse_buffer_size(optarg);
		break;
	case 'c':
		o->cnt = parse_int("packet count", optarg, 1, INT_MAX);
		break;
	case 'd':
		o->dflag++;
		break;
	case 'i':
		o->device = optarg;
		break;
	case 'l':
		o->lflag = 1;
		break;
	case 'L':
		o->list_dlts = 1;
		break;
	case 'p':
		o->promisc = 0;
		break;
	case 'Q':
		o->direction = parse_direction(optarg);
		break;
	case 'y':
		o->dlt = pcap_datalink_name_to_val(optarg);
		if (o->dlt < 0)
			error("invalid data link type %s", optarg);
		break;
	case OPT_IMMEDIATE:
		o->immediate = 1;
		break;
	default:
		return 0;
	}
	return 1;
}

/* Files: read, written, rotated; the filter's; the user to become. */
static int
file_option(struct options *o, int op)
{
	switch (op) {
	case 'C':
		o->out.max_size = parse_file_size(optarg);
		break;
	case 'F':
		o->ffile = optarg;
		break;
	case 'G':
		o->out.seconds = parse_int("number of seconds", optarg, 0,
		    INT_MAX);
		break;
	case 'r':
		o->rfile = optarg;
		break;
	case 'U':
		o->out.flush = 1;
		break;
	case 'V':
		o->vfile = optarg;
		break;
	case 'w':
		o->wfile = optarg;
		break;
	case 'W':
		o->out.max_files = parse_int("number of output files",
		    optarg, 1, INT_MAX);
		break;
	case 'Z':
		o->user = optarg;
		break;
	case OPT_PRINT:
		o->force_print = 1;
		break;
	default:
		return 0;
	}
	return 1;
}

/* The connection analysis. */
static int
analysis_option(struct options *o, int op)
{
	switch (op) {
	case 'z':
		switch (analysis_opt_z(&o->analysis, optarg)) {
		case ANALYSIS_Z_HELP:
			o->action = ACTION_Z_HELP;
			break;
		case -1:
			error("invalid -z argument \"%s\" (-z help lists "
			    "them)", optarg);
		}
		break;
	case OPT_NOTES:
		o->analysis.notes = 1;
		break;
	case OPT_STALL:
		if (analysis_opt_stall_threshold(&o->analysis, optarg) < 0)
			error("invalid stall threshold %s (seconds, more than "
			    "0)", optarg);
		break;
	case OPT_CONV_LIMIT:
		if (analysis_opt_conv_limit(&o->analysis, optarg) < 0)
			error("invalid conversation limit %s", optarg);
		break;
	case OPT_DECODE_AS:
		if (decode_opt_as(&o->analysis.decode, optarg) < 0)
			error("invalid --decode-as %s (PORT=PROTOCOL, the "
			    "protocol one of %s)", optarg, decode_names());
		break;
	case OPT_NO_DECODE:
		o->analysis.decode.off = 1;
		break;
	case OPT_DECODE_BUF:
		if (decode_opt_buffer(&o->analysis.decode, optarg) < 0)
			error("invalid decode buffer %s (bytes, at least %d)",
			    optarg, DECODE_BUFFER_MIN);
		break;
	default:
		return 0;
	}
	return 1;
}

/* Where the names of CIDs and ports come from. */
static int
names_option(struct options *o, int op)
{
	switch (op) {
	case OPT_NAMES_FILE:
		o->names.names_file = optarg;
		break;
	case OPT_SERVICES_FILE:
		o->names.services_file = optarg;
		break;
	default:
		return 0;
	}
	return 1;
}

/* What to do instead of a capture, at once (as tcpdump does). */
static int
action_option(struct options *o, int op)
{
	switch (op) {
	case 'D':
		o->action = ACTION_LIST_DEVICES;
		break;
	case 'h':
		o->action = ACTION_HELP;
		break;
	case OPT_VERSION:
		o->action = ACTION_VERSION;
		break;
	default:
		return 0;
	}
	return 1;
}

/* The combinations tcpdump refuses. */
static void
check_options(const struct options *o)
{
	if (o->print.tflag > MAX_TFLAG)
		error("only -t, -tt, -ttt, -tttt and -ttttt are supported");
	if (o->out.max_size != 0 && o->wfile == NULL)
		error("-C cannot be used without -w.");
	if (o->out.seconds != 0 && o->wfile == NULL)
		error("-G cannot be used without -w.");
	if ((o->out.max_size != 0 || o->out.seconds != 0) &&
	    o->wfile != NULL && strcmp(o->wfile, "-") == 0)
		error("-C and -G need a file name for -w, not the standard "
		    "output");
	if (o->vfile != NULL && o->rfile != NULL)
		error("-V and -r are mutually exclusive.");
}

void
options_parse(int argc, char **argv, struct options *o)
{
	int op;

	memset(o, 0, sizeof(*o));
	o->action = ACTION_CAPTURE;
	o->cnt = -1;
	o->direction = -1;
	o->promisc = 1;
	o->dlt = -1;
	o->print.tstamp_precision = PCAP_TSTAMP_PRECISION_MICRO;
	analysis_options_init(&o->analysis);
	opterr = 1;
	while ((op = getopt_long(argc, argv, SHORT_OPTIONS, long_options,
	    NULL)) != -1) {
		if (print_option(&o->print, op) ||
		    time_option(&o->print, op) || capture_option(o, op) ||
		    file_option(o, op) || analysis_option(o, op) ||
		    names_option(o, op)) {
			if (o->action != ACTION_CAPTURE)
				return;
			continue;
		}
		if (action_option(o, op))
			return;
		options_print_usage(stderr);
		exit(1);
	}
	o->args = argv + optind;
	check_options(o);
}

void
options_free(struct options *o)
{
	analysis_options_free(&o->analysis);
}

void
options_apply_print(const struct print_settings *p, netdissect_options *ndo)
{
	ndo->ndo_Aflag = p->Aflag;
	ndo->ndo_eflag = p->eflag;
	ndo->ndo_nflag = p->nflag;
	ndo->ndo_qflag = p->qflag;
	ndo->ndo_tflag = p->tflag;
	ndo->ndo_vflag = p->vflag;
	ndo->ndo_xflag = p->xflag;
	ndo->ndo_Xflag = p->Xflag;
	ndo->ndo_packet_number = p->packet_number;
	ndo->ndo_suppress_default_print = p->suppress_default_print;
	ndo->ndo_snaplen = p->snaplen;
	ndo->ndo_tstamp_precision = p->tstamp_precision;
}
