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
 * from a capture file.  Options, messages and output follow tcpdump.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include <getopt.h>
#include <signal.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "netdissect.h"
#include "savefile-trim.h"
#include "vsockdump.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif


#define OPT_IMMEDIATE	256
#define OPT_VERSION	257
#define OPT_PRINT	258
#define OPT_MICRO	259
#define OPT_NANO	260
#define OPT_PRECISION	261

static const char program_name[] = "vsockdump";

static const struct option long_options[] = {
	{ "buffer-size",		required_argument, NULL, 'B' },
	{ "list-interfaces",		no_argument,	   NULL, 'D' },
	{ "help",			no_argument,	   NULL, 'h' },
	{ "interface",			required_argument, NULL, 'i' },
	{ "direction",			required_argument, NULL, 'Q' },
	{ "snapshot-length",		required_argument, NULL, 's' },
	{ "packet-buffered",		no_argument,	   NULL, 'U' },
	{ "no-promiscuous-mode",	no_argument,	   NULL, 'p' },
	{ "number",			no_argument,	   NULL, '#' },
	{ "immediate-mode",		no_argument,	   NULL, OPT_IMMEDIATE },
	{ "print",			no_argument,	   NULL, OPT_PRINT },
	{ "micro",			no_argument,	   NULL, OPT_MICRO },
	{ "nano",			no_argument,	   NULL, OPT_NANO },
	{ "time-stamp-precision",	required_argument, NULL, OPT_PRECISION },
	{ "version",			no_argument,	   NULL, OPT_VERSION },
	{ NULL,				0,		   NULL, 0 }
};

static pcap_t *pd;			/* the capture, for the signal handler */
static pcap_dumper_t *pdd;		/* -w output */
static int dump_errno;			/* why writing the -w output failed */
static u_int packets_captured;
static int Uflag;			/* flush -w output after each packet */
static int print_packets;		/* decode to the standard output */

static ND_ATTR_NORETURN ND_ATTR_PRINTF(1, 2) void
error(const char *fmt, ...)
{
	va_list ap;
	size_t n;

	(void)fprintf(stderr, "%s: ", program_name);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	n = strlen(fmt);
	if (n == 0 || fmt[n - 1] != '\n')
		(void)fputc('\n', stderr);
	exit(1);
}

static ND_ATTR_PRINTF(1, 2) void
warning(const char *fmt, ...)
{
	va_list ap;

	(void)fprintf(stderr, "%s: WARNING: ", program_name);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
}

static void
print_version(FILE *f)
{
	(void)fprintf(f, "%s version %s\n", program_name, PACKAGE_VERSION);
	(void)fprintf(f, "%s\n", pcap_lib_version());
}

static void
print_usage(FILE *f)
{
	print_version(f);
	(void)fprintf(f,
"Usage: %s [-AehlnpUvxX#] [ -B size ] [ -c count ] [ -D ]\n"
"\t\t[ -i interface ] [ --immediate-mode ] [ -Q in|out|inout ]\n"
"\t\t[ -r file ] [ -s snaplen ] [ -t | -tt | -ttt | -tttt | -ttttt ]\n"
"\t\t[ --micro | --nano ] [ -w file ] [ --print ] [ --version ]\n"
"\t\t[ expression ]\n", program_name);
}

/* One line per capture device, as "tcpdump -D" prints them. */
static const struct tok device_flags[] = {
	{ PCAP_IF_UP,		"Up" },
	{ PCAP_IF_RUNNING,	"Running" },
	{ PCAP_IF_LOOPBACK,	"Loopback" },
	{ PCAP_IF_WIRELESS,	"Wireless" },
	{ 0, NULL }
};

static ND_ATTR_NORETURN void
list_devices(void)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *devs, *d;
	u_int status;
	int n;

	if (pcap_findalldevs(&devs, ebuf) < 0)
		error("%s", ebuf);
	for (n = 1, d = devs; d != NULL; n++, d = d->next) {
		printf("%d.%s", n, d->name);
		if (d->description != NULL)
			printf(" (%s)", d->description);
		if (d->flags != 0) {
			printf(" [%s", bittok2str(device_flags, "none",
			    d->flags));
			status = d->flags & PCAP_IF_CONNECTION_STATUS;
			if (d->flags & PCAP_IF_WIRELESS) {
				if (status == PCAP_IF_CONNECTION_STATUS_UNKNOWN)
					printf(", Association status unknown");
				else if (status ==
				    PCAP_IF_CONNECTION_STATUS_CONNECTED)
					printf(", Associated");
				else if (status ==
				    PCAP_IF_CONNECTION_STATUS_DISCONNECTED)
					printf(", Not associated");
			} else {
				if (status == PCAP_IF_CONNECTION_STATUS_UNKNOWN)
					printf(", Connection status unknown");
				else if (status ==
				    PCAP_IF_CONNECTION_STATUS_CONNECTED)
					printf(", Connected");
				else if (status ==
				    PCAP_IF_CONNECTION_STATUS_DISCONNECTED)
					printf(", Disconnected");
			}
			printf("]");
		}
		printf("\n");
	}
	pcap_freealldevs(devs);
	exit(0);
}

/* The words after the options, joined by spaces; "" if there are none. */
static char *
join_args(char **argv)
{
	size_t len = 1;
	char **ap;
	char *buf;

	for (ap = argv; *ap != NULL; ap++)
		len += strlen(*ap) + 1;
	buf = malloc(len);
	if (buf == NULL)
		error("out of memory");
	buf[0] = '\0';
	for (ap = argv; *ap != NULL; ap++) {
		if (ap != argv)
			strcat(buf, " ");
		strcat(buf, *ap);
	}
	return buf;
}

/* A positive decimal count, or -1. */
static int
parse_count(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v <= 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

/*
 * Open a live capture with pcap_create()/pcap_activate().  Returns NULL
 * with ebuf set if the device does not exist; other failures are fatal.
 */
static pcap_t *
open_live(const char *device, const netdissect_options *ndo, int immediate,
    int promisc, int timeout, int bufsize, int direction, char *ebuf)
{
	pcap_t *pc;
	int status;
	const char *why;

	pc = pcap_create(device, ebuf);
	if (pc == NULL) {
		if (strstr(ebuf, "No such device") != NULL)
			return NULL;
		error("%s", ebuf);
	}
	status = pcap_set_tstamp_precision(pc, ndo->ndo_tstamp_precision);
	if (status != 0)
		error("%s: Can't set %ssecond time stamp precision: %s", device,
		    ndo->ndo_tstamp_precision == PCAP_TSTAMP_PRECISION_NANO ?
		    "nano" : "micro", pcap_statustostr(status));
	if (immediate && (status = pcap_set_immediate_mode(pc, 1)) != 0)
		error("%s: Can't set immediate mode: %s", device,
		    pcap_statustostr(status));
	if (ndo->ndo_snaplen != 0 &&
	    (status = pcap_set_snaplen(pc, ndo->ndo_snaplen)) != 0)
		error("%s: Can't set snapshot length: %s", device,
		    pcap_statustostr(status));
	if ((status = pcap_set_promisc(pc, promisc)) != 0)
		error("%s: Can't set promiscuous mode: %s", device,
		    pcap_statustostr(status));
	if ((status = pcap_set_timeout(pc, timeout)) != 0)
		error("%s: pcap_set_timeout failed: %s", device,
		    pcap_statustostr(status));
	if (bufsize != 0 &&
	    (status = pcap_set_buffer_size(pc, bufsize)) != 0)
		error("%s: Can't set buffer size: %s", device,
		    pcap_statustostr(status));

	status = pcap_activate(pc);
	if (status < 0) {
		why = pcap_geterr(pc);
		if (status == PCAP_ERROR)
			error("%s", why);
		if (status == PCAP_ERROR_NO_SUCH_DEVICE) {
			(void)snprintf(ebuf, PCAP_ERRBUF_SIZE, "%s: %s\n(%s)",
			    device, pcap_statustostr(status), why);
			pcap_close(pc);
			return NULL;
		}
		if (status == PCAP_ERROR_PERM_DENIED && *why != '\0')
			error("%s: %s\n(%s)", device, pcap_statustostr(status),
			    why);
		error("%s: %s", device, pcap_statustostr(status));
	} else if (status > 0) {
		why = pcap_geterr(pc);
		if (status == PCAP_WARNING)
			warning("%s", why);
		else if (status == PCAP_WARNING_PROMISC_NOTSUP && *why != '\0')
			warning("%s: %s\n(%s)", device,
			    pcap_statustostr(status), why);
		else
			warning("%s: %s", device, pcap_statustostr(status));
	}
	if (direction != -1 &&
	    pcap_setdirection(pc, (pcap_direction_t)direction) != 0)
		error("%s: pcap_setdirection() failed: %s", device,
		    pcap_geterr(pc));
	return pc;
}

/*
 * An interface given as a number: the device of that 1-based position
 * in the -D list.  Returns NULL if the name is not a number.
 */
static char *
device_by_number(const char *name)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *devs, *d;
	char *end, *found;
	long n;

	n = strtol(name, &end, 10);
	if (end == name || *end != '\0')
		return NULL;
	if (n <= 0)
		error("Invalid adapter index");
	if (pcap_findalldevs(&devs, ebuf) < 0)
		error("%s", ebuf);
	for (d = devs; d != NULL && n > 1; d = d->next)
		n--;
	if (d == NULL)
		error("Invalid adapter index");
	found = strdup(d->name);
	if (found == NULL)
		error("out of memory");
	pcap_freealldevs(devs);
	return found;
}

static void
print_link_type(int dlt)
{
	const char *name = pcap_datalink_val_to_name(dlt);

	if (name == NULL)
		(void)fprintf(stderr, ", link-type %u", (u_int)dlt);
	else
		(void)fprintf(stderr, ", link-type %s (%s)", name,
		    pcap_datalink_val_to_description(dlt));
}

static ND_ATTR_NORETURN void
unsupported_link_type(int dlt)
{
	const char *name, *desc;

	name = pcap_datalink_val_to_name(dlt);
	desc = pcap_datalink_val_to_description(dlt);
	if (name == NULL)
		error("link-type %d is not supported: vsockdump decodes VSOCK, "
		    "LINUX_SLL and LINUX_SLL2 captures", dlt);
	error("link-type %s (%s) is not supported: vsockdump decodes VSOCK, "
	    "LINUX_SLL and LINUX_SLL2 captures", name,
	    desc != NULL ? desc : "unknown");
}

static volatile sig_atomic_t got_sigpipe;

static void
on_signal(int sig)
{
	if (sig == SIGPIPE)
		got_sigpipe = 1;
	if (pd != NULL)
		pcap_breakloop(pd);
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

static void
handle_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *sp)
{
	netdissect_options *ndo = (netdissect_options *)user;

	packets_captured++;
	if (pdd != NULL && dump_errno == 0) {
		errno = 0;
		pcap_dump((u_char *)pdd, h, sp);
		if (Uflag)
			(void)pcap_dump_flush(pdd);
		if (ferror(pcap_dump_file(pdd))) {
			/* Stop: nothing more can reach the file. */
			dump_errno = errno != 0 ? errno : EIO;
			pcap_breakloop(pd);
		}
	}
	if (print_packets)
		pretty_print_packet(ndo, h, sp, packets_captured);
}

/*
 * Flush and close the -w output.  If a write failed, the file may end
 * in a cut record: savefile_write_failed() cuts it back to its last
 * whole record and says what failed.  Returns 0 or -1.
 */
static int
close_dump(const char *wfile)
{
	errno = 0;
	if (dump_errno == 0 && (pcap_dump_flush(pdd) < 0 ||
	    ferror(pcap_dump_file(pdd))))
		dump_errno = errno != 0 ? errno : EIO;
	pcap_dump_close(pdd);
	pdd = NULL;
	if (dump_errno == 0)
		return 0;
	savefile_write_failed(program_name, wfile, dump_errno);
	return -1;
}

/*
 * Decoded output that could not be written is data lost: say so.  Not
 * when the reader went away (SIGPIPE, as with "| head"): it wanted no
 * more.  Returns 0 or -1.
 */
static int
check_stdout(void)
{
	errno = 0;
	if ((fflush(stdout) == 0 && !ferror(stdout)) || got_sigpipe)
		return 0;
	(void)fprintf(stderr, "%s: standard output: %s\n", program_name,
	    strerror(errno != 0 ? errno : EIO));
	return -1;
}

/* The end-of-capture counts, as tcpdump prints them. */
static void
print_stats(void)
{
	struct pcap_stat st;

	memset(&st, 0, sizeof(st));
	if (pcap_stats(pd, &st) < 0) {
		(void)fprintf(stderr, "pcap_stats: %s\n", pcap_geterr(pd));
		return;
	}
	(void)fprintf(stderr, "%u packet%s captured\n", packets_captured,
	    PLURAL_SUFFIX(packets_captured));
	(void)fprintf(stderr, "%u packet%s received by filter\n", st.ps_recv,
	    PLURAL_SUFFIX(st.ps_recv));
	(void)fprintf(stderr, "%u packet%s dropped by kernel", st.ps_drop,
	    PLURAL_SUFFIX(st.ps_drop));
	if (st.ps_ifdrop != 0)
		(void)fprintf(stderr, "\n%u packet%s dropped by interface",
		    st.ps_ifdrop, PLURAL_SUFFIX(st.ps_ifdrop));
	(void)fputc('\n', stderr);
}

int
main(int argc, char **argv)
{
	static netdissect_options nd;
	netdissect_options *ndo = &nd;
	char ebuf[PCAP_ERRBUF_SIZE];
	const char *rfile = NULL, *wfile = NULL;
	char *device = NULL, *filter, *end;
	int cnt = -1, bufsize = 0, direction = -1, immediate = 0;
	int promisc = 1, lflag = 0, timeout = 1000, force_print = 0;
	int dlt, op, status, snap, failed;
	struct bpf_program fcode;
	pcap_if_t *devs;
	char *numbered;
	long v;

	ndo_set_function_pointers(ndo);
	ndo->program_name = program_name;
	ndo->ndo_tstamp_precision = PCAP_TSTAMP_PRECISION_MICRO;
	ebuf[0] = '\0';

	opterr = 1;
	while ((op = getopt_long(argc, argv, "AB:c:Dehi:lnpQ:qr:s:tUvw:xX#",
	    long_options, NULL)) != -1) {
		switch (op) {
		case 'A':
			ndo->ndo_Aflag++;
			break;
		case 'B':
			v = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v <= 0 ||
			    v > INT_MAX / 1024)
				error("invalid packet buffer size %s", optarg);
			bufsize = (int)v * 1024;
			break;
		case 'c':
			cnt = parse_count(optarg);
			if (cnt <= 0)
				error("invalid packet count %s", optarg);
			break;
		case 'D':
			list_devices();
			/* NOTREACHED */
		case 'e':
			ndo->ndo_eflag++;
			break;
		case 'h':
			print_usage(stdout);
			exit(0);
		case 'i':
			device = optarg;
			break;
		case 'l':
			setvbuf(stdout, NULL, _IOLBF, 0);
			lflag = 1;
			break;
		case 'n':
			ndo->ndo_nflag++;
			break;
		case 'p':
			promisc = 0;
			break;
		case 'Q':
			if (strcasecmp(optarg, "in") == 0)
				direction = PCAP_D_IN;
			else if (strcasecmp(optarg, "out") == 0)
				direction = PCAP_D_OUT;
			else if (strcasecmp(optarg, "inout") == 0)
				direction = PCAP_D_INOUT;
			else
				error("unknown capture direction `%s'", optarg);
			break;
		case 'q':
			ndo->ndo_qflag++;
			ndo->ndo_suppress_default_print++;
			break;
		case 'r':
			rfile = optarg;
			break;
		case 's':
			errno = 0;
			v = strtol(optarg, &end, 0);
			if (end == optarg || *end != '\0' || errno != 0 ||
			    v < 0 || v > MAXIMUM_SNAPLEN)
				error("invalid snaplen %s (must be >= 0 and "
				    "<= %d)", optarg, MAXIMUM_SNAPLEN);
			ndo->ndo_snaplen = (int)v;
			break;
		case 't':
			ndo->ndo_tflag++;
			break;
		case 'U':
			Uflag = 1;
			break;
		case 'v':
			ndo->ndo_vflag++;
			break;
		case 'w':
			wfile = optarg;
			break;
		case 'x':
			ndo->ndo_xflag++;
			ndo->ndo_suppress_default_print++;
			break;
		case 'X':
			ndo->ndo_Xflag++;
			ndo->ndo_suppress_default_print++;
			break;
		case '#':
			ndo->ndo_packet_number = 1;
			break;
		case OPT_IMMEDIATE:
			immediate = 1;
			break;
		case OPT_PRINT:
			force_print = 1;
			break;
		case OPT_MICRO:
			ndo->ndo_tstamp_precision = PCAP_TSTAMP_PRECISION_MICRO;
			break;
		case OPT_NANO:
			ndo->ndo_tstamp_precision = PCAP_TSTAMP_PRECISION_NANO;
			break;
		case OPT_PRECISION:
			if (strncmp(optarg, "nano", 4) == 0)
				ndo->ndo_tstamp_precision =
				    PCAP_TSTAMP_PRECISION_NANO;
			else if (strncmp(optarg, "micro", 5) == 0)
				ndo->ndo_tstamp_precision =
				    PCAP_TSTAMP_PRECISION_MICRO;
			else
				error("unsupported time stamp precision");
			break;
		case OPT_VERSION:
			print_version(stdout);
			exit(0);
		default:
			print_usage(stderr);
			exit(1);
		}
	}

	if (ndo->ndo_tflag > 5)
		error("only -t, -tt, -ttt, -tttt and -ttttt are supported");
	print_packets = wfile == NULL || force_print;
	filter = join_args(argv + optind);

	if (rfile != NULL) {
		pd = pcap_open_offline_with_tstamp_precision(rfile,
		    (u_int)ndo->ndo_tstamp_precision, ebuf);
		if (pd == NULL)
			error("%s", ebuf);
		dlt = pcap_datalink(pd);
		(void)fprintf(stderr, "reading from file %s", rfile);
		print_link_type(dlt);
		(void)fprintf(stderr, ", snapshot length %d\n",
		    pcap_snapshot(pd));
		if (dlt == DLT_LINUX_SLL2)
			(void)fprintf(stderr,
			    "Warning: interface names might be incorrect\n");
	} else {
		if (device == NULL) {
			if (pcap_findalldevs(&devs, ebuf) < 0)
				error("%s", ebuf);
			if (devs == NULL)
				error("no interfaces available for capture");
			device = strdup(devs->name);
			pcap_freealldevs(devs);
			if (device == NULL)
				error("out of memory");
		}
		if (print_packets && (isatty(STDOUT_FILENO) || lflag))
			timeout = 100;
		pd = open_live(device, ndo, immediate, promisc, timeout,
		    bufsize, direction, ebuf);
		if (pd == NULL) {
			numbered = device_by_number(device);
			if (numbered == NULL)
				error("%s", ebuf);
			device = numbered;
			pd = open_live(device, ndo, immediate, promisc,
			    timeout, bufsize, direction, ebuf);
			if (pd == NULL)
				error("%s", ebuf);
		}
		/* Like tcpdump, use LINUX_SLL2 on the "any" device. */
		if (strncmp(device, "any", 3) == 0) {
			if (pcap_set_datalink(pd, DLT_LINUX_SLL2) < 0)
				error("%s", pcap_geterr(pd));
			(void)fprintf(stderr, "%s: data link type %s\n",
			    program_name,
			    pcap_datalink_val_to_name(DLT_LINUX_SLL2));
			(void)fflush(stderr);
		}
		snap = pcap_snapshot(pd);
		if (ndo->ndo_snaplen < snap) {
			if (ndo->ndo_snaplen != 0)
				warning("snaplen raised from %d to %d",
				    ndo->ndo_snaplen, snap);
			ndo->ndo_snaplen = snap;
		} else if (ndo->ndo_snaplen > snap) {
			warning("snaplen lowered from %d to %d",
			    ndo->ndo_snaplen, snap);
			ndo->ndo_snaplen = snap;
		}
		dlt = pcap_datalink(pd);
	}

	if (print_packets) {
		ndo->ndo_if_printer = vsockdump_printer_for(dlt);
		if (ndo->ndo_if_printer == NULL) {
			pcap_close(pd);
			free(filter);
			unsupported_link_type(dlt);
		}
	}

	if (pcap_compile(pd, &fcode, filter, 1, 0) < 0)
		error("%s", pcap_geterr(pd));
	if (pcap_setfilter(pd, &fcode) < 0)
		error("%s", pcap_geterr(pd));
	pcap_freecode(&fcode);

	if (wfile != NULL) {
		pdd = pcap_dump_open(pd, wfile);
		if (pdd == NULL)
			error("%s", pcap_geterr(pd));
		if (Uflag)
			(void)pcap_dump_flush(pdd);
	}

	catch_signal(SIGINT);
	catch_signal(SIGTERM);
	catch_signal(SIGHUP);
	catch_signal(SIGPIPE);

	if (rfile == NULL) {
		if (!ndo->ndo_vflag && wfile == NULL)
			(void)fprintf(stderr, "%s: verbose output suppressed, "
			    "use -v[v]... for full protocol decode\n",
			    program_name);
		else
			(void)fprintf(stderr, "%s: ", program_name);
		(void)fprintf(stderr, "listening on %s", device);
		print_link_type(dlt);
		(void)fprintf(stderr, ", snapshot length %d bytes\n",
		    ndo->ndo_snaplen);
		(void)fflush(stderr);
	}

	status = pcap_loop(pd, cnt, handle_packet, (u_char *)ndo);
	failed = status == -1;
	/* Finish a line a signal may have cut short. */
	if (wfile == NULL && status == -2)
		putchar('\n');
	if (print_packets && check_stdout() < 0)
		failed = 1;
	if (status == -1)
		(void)fprintf(stderr, "%s: pcap_loop: %s\n", program_name,
		    pcap_geterr(pd));
	if (rfile == NULL)
		print_stats();
	if (pdd != NULL && close_dump(wfile) < 0)
		failed = 1;
	pcap_close(pd);
	free(filter);
	return failed ? 1 : 0;
}
