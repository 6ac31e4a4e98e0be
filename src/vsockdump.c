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
 * On a libpcap that has no vsock support of its own (every libpcap a
 * distribution ships today), vsockdump brings it: the vsock filter
 * primitives, rewritten into expressions that libpcap compiles and the
 * kernel runs (src/filter-rewrite.c); the "vsockmon" device, found or
 * created and removed again (src/vsockmon.c); -Q by CID; and a
 * stop that first delivers what the kernel still holds, with filters on
 * "any" that the kernel runs (src/kernel-socket.c).  On a libpcap that
 * has them (our patch series), libpcap's own are used.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "netdissect.h"
#include "vsockdump.h"
#include "analysis.h"
#include "filter-rewrite.h"
#include "kernel-socket.h"
#include "savefile.h"
#include "vsockmon.h"

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

const char program_name[] = "vsockdump";

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
	{ "immediate-mode",		no_argument,	   NULL, OPT_IMMEDIATE },
	{ "print",			no_argument,	   NULL, OPT_PRINT },
	{ "micro",			no_argument,	   NULL, OPT_MICRO },
	{ "nano",			no_argument,	   NULL, OPT_NANO },
	{ "time-stamp-precision",	required_argument, NULL, OPT_PRECISION },
	{ "version",			no_argument,	   NULL, OPT_VERSION },
	{ "notes",			no_argument,	   NULL, OPT_NOTES },
	{ "stall-threshold",		required_argument, NULL, OPT_STALL },
	{ "conv-limit",			required_argument, NULL, OPT_CONV_LIMIT },
	{ NULL,				0,		   NULL, 0 }
};

/* What the command line asks for. */
struct options {
	const char	*rfile;		/* -r */
	const char	*vfile;		/* -V */
	const char	*wfile;		/* -w */
	const char	*ffile;		/* -F */
	const char	*device;	/* -i */
	const char	*user;		/* -Z */
	int		cnt;		/* -c, -1 for no limit */
	int		bufsize;	/* -B, bytes */
	int		direction;	/* -Q, -1 if not given */
	int		immediate;
	int		promisc;
	int		lflag;
	int		dflag;		/* -d, -dd, -ddd */
	int		list_dlts;	/* -L */
	int		dlt;		/* -y, -1 if not given */
	int		force_print;	/* --print */
};

static pcap_t *pd;			/* the capture, for the signal handler */
static struct savefile out;		/* -w */
static u_int packets_captured;
static int print_packets;		/* decode to the standard output */
static volatile sig_atomic_t stop_signal;	/* SIGINT, SIGTERM, SIGHUP */
static volatile sig_atomic_t got_sigpipe;
static int limit_reached;		/* -G with -W: the last file is done */

void
error(const char *fmt, ...)
{
	va_list ap;
	size_t n;

	(void)fflush(stdout);
	(void)fprintf(stderr, "%s: ", program_name);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	n = strlen(fmt);
	if (n == 0 || fmt[n - 1] != '\n')
		(void)fputc('\n', stderr);
	exit(1);
}

void
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
	(void)fprintf(f, "vsock filters and vsockmon capture: %s\n",
	    vsock_filter_native() ? "libpcap's own" : "vsockdump's own "
	    "(this libpcap has none)");
}

static void
print_usage(FILE *f)
{
	print_version(f);
	(void)fprintf(f,
"Usage: %s [-AdDehlLnpqUvxX#] [ -B size ] [ -c count ] [ -C file_size ]\n"
"\t\t[ -F file ] [ -G seconds ] [ -i interface ] [ --immediate-mode ]\n"
"\t\t[ -Q in|out|inout ] [ -r file ] [ -s snaplen ]\n"
"\t\t[ -t | -tt | -ttt | -tttt | -ttttt ] [ --micro | --nano ]\n"
"\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]\n"
"\t\t[ -Z user ] [ -z stat ] [ --notes ] [ --stall-threshold seconds ]\n"
"\t\t[ --conv-limit count ] [ --print ] [ --version ] [ expression ]\n",
	    program_name);
}

/* --- devices ------------------------------------------------------------- */

static const struct tok device_flags[] = {
	{ PCAP_IF_UP,		"Up" },
	{ PCAP_IF_RUNNING,	"Running" },
	{ PCAP_IF_LOOPBACK,	"Loopback" },
	{ PCAP_IF_WIRELESS,	"Wireless" },
	{ 0, NULL }
};

/* One line of -D, as tcpdump prints them. */
static void
print_device(int n, const char *name, const char *description,
    bpf_u_int32 flags)
{
	bpf_u_int32 status = flags & PCAP_IF_CONNECTION_STATUS;

	printf("%d.%s", n, name);
	if (description != NULL)
		printf(" (%s)", description);
	if (flags != 0) {
		printf(" [%s", bittok2str(device_flags, "none", flags));
		if (flags & PCAP_IF_WIRELESS) {
			if (status == PCAP_IF_CONNECTION_STATUS_UNKNOWN)
				printf(", Association status unknown");
			else if (status == PCAP_IF_CONNECTION_STATUS_CONNECTED)
				printf(", Associated");
			else if (status ==
			    PCAP_IF_CONNECTION_STATUS_DISCONNECTED)
				printf(", Not associated");
		} else {
			if (status == PCAP_IF_CONNECTION_STATUS_UNKNOWN)
				printf(", Connection status unknown");
			else if (status == PCAP_IF_CONNECTION_STATUS_CONNECTED)
				printf(", Connected");
			else if (status ==
			    PCAP_IF_CONNECTION_STATUS_DISCONNECTED)
				printf(", Disconnected");
		}
		printf("]");
	}
	printf("\n");
}

/*
 * The devices of -D, numbered from 1: libpcap's, with vsockmon devices
 * described (a vsockmon device has no connection status), then the
 * pseudo-device "vsockmon" when it belongs there.  Calls FN for each;
 * FN returns non-zero to stop.  Returns the number of the last one.
 */
static int
for_each_device(int (*fn)(int, const char *, const char *, bpf_u_int32,
    void *), void *arg)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *devs, *d;
	const char *desc;
	bpf_u_int32 flags;
	int n = 0;

	if (pcap_findalldevs(&devs, ebuf) < 0)
		error("%s", ebuf);
	for (d = devs; d != NULL; d = d->next) {
		desc = d->description;
		flags = d->flags;
		if (desc == NULL && (desc = vsockmon_description(d->name)) != NULL)
			flags = (flags & ~PCAP_IF_CONNECTION_STATUS) |
			    PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE;
		if (fn(++n, d->name, desc, flags, arg) != 0)
			goto done;
	}
	if (vsockmon_pseudo_listed(devs))
		(void)fn(++n, VSOCKMON_PSEUDO, VSOCKMON_PSEUDO_DESCRIPTION,
		    PCAP_IF_CONNECTION_STATUS_NOT_APPLICABLE, arg);
done:
	pcap_freealldevs(devs);
	return n;
}

static int
list_one(int n, const char *name, const char *desc, bpf_u_int32 flags,
    void *arg)
{
	(void)arg;
	print_device(n, name, desc, flags);
	return 0;
}

struct by_number {
	int	n;
	char	*name;
};

static int
match_number(int n, const char *name, const char *desc, bpf_u_int32 flags,
    void *arg)
{
	struct by_number *b = arg;

	(void)desc;
	(void)flags;
	if (n != b->n)
		return 0;
	b->name = strdup(name);
	if (b->name == NULL)
		error("out of memory");
	return 1;
}

/*
 * An interface given as a number: the device of that 1-based position
 * in the -D list.  Returns NULL if the name is not a number.
 */
static char *
device_by_number(const char *name)
{
	struct by_number b;
	char *end;
	long n;

	n = strtol(name, &end, 10);
	if (end == name || *end != '\0')
		return NULL;
	if (n <= 0 || n > INT_MAX)
		error("Invalid adapter index");
	b.n = (int)n;
	b.name = NULL;
	(void)for_each_device(match_number, &b);
	if (b.name == NULL)
		error("Invalid adapter index");
	return b.name;
}

/* Without -i, the first device of the -D list. */
static char *
first_device(void)
{
	struct by_number b = { 1, NULL };

	(void)for_each_device(match_number, &b);
	if (b.name == NULL)
		error("no interfaces available for capture");
	return b.name;
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

/* -L: the link-layer types of the device, as tcpdump lists them. */
static ND_ATTR_NORETURN void
show_dlts(pcap_t *pc, const char *device)
{
	int *dlts = NULL, n, i;
	const char *name;

	n = pcap_list_datalinks(pc, &dlts);
	if (n < 0)
		error("%s", pcap_geterr(pc));
	if (n == 0 || dlts == NULL)
		error("No data link types.");
	(void)fprintf(stderr, "Data link types for %s (use option -y to set):\n",
	    device);
	for (i = 0; i < n; i++) {
		name = pcap_datalink_val_to_name(dlts[i]);
		if (name != NULL)
			(void)fprintf(stderr, "  %s (%s)%s\n", name,
			    pcap_datalink_val_to_description(dlts[i]),
			    vsockdump_printer_for(dlts[i]) == NULL ?
			    " (printing not supported)" : "");
		else
			(void)fprintf(stderr,
			    "  DLT %d (printing not supported)\n", dlts[i]);
	}
	pcap_free_datalinks(dlts);
	pcap_close(pc);
	exit(0);
}

/*
 * Open a live capture with pcap_create()/pcap_activate().  Returns NULL
 * with ebuf set if the device does not exist; other failures are fatal,
 * with vsockmon's advice where there is some.
 */
static pcap_t *
open_live(const char *device, const netdissect_options *ndo,
    const struct options *o, int timeout, int set_direction, char *ebuf)
{
	pcap_t *pc;
	int status;
	const char *why, *advice;

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
	if (o->immediate && (status = pcap_set_immediate_mode(pc, 1)) != 0)
		error("%s: Can't set immediate mode: %s", device,
		    pcap_statustostr(status));
	if (ndo->ndo_snaplen != 0 &&
	    (status = pcap_set_snaplen(pc, ndo->ndo_snaplen)) != 0)
		error("%s: Can't set snapshot length: %s", device,
		    pcap_statustostr(status));
	if ((status = pcap_set_promisc(pc, o->promisc)) != 0)
		error("%s: Can't set promiscuous mode: %s", device,
		    pcap_statustostr(status));
	if ((status = pcap_set_timeout(pc, timeout)) != 0)
		error("%s: pcap_set_timeout failed: %s", device,
		    pcap_statustostr(status));
	if (o->bufsize != 0 &&
	    (status = pcap_set_buffer_size(pc, o->bufsize)) != 0)
		error("%s: Can't set buffer size: %s", device,
		    pcap_statustostr(status));

	status = pcap_activate(pc);
	if (status < 0) {
		why = pcap_geterr(pc);
		advice = vsockmon_advice(device, status);
		if (advice != NULL)
			error("%s", advice);
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
	if (set_direction && o->direction != -1 &&
	    pcap_setdirection(pc, (pcap_direction_t)o->direction) != 0)
		error("%s: pcap_setdirection() failed: %s", device,
		    pcap_geterr(pc));
	return pc;
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

/* --- the filter ------------------------------------------------------------ */

/* -F: the file's text, "#" comments blanked out, as tcpdump reads it. */
static char *
read_infile(const char *fname)
{
	struct stat st;
	ssize_t cc;
	char *cp;
	int fd;
	off_t i;

	fd = open(fname, O_RDONLY);
	if (fd < 0)
		error("can't open %s: %s", fname, strerror(errno));
	if (fstat(fd, &st) < 0)
		error("can't stat %s: %s", fname, strerror(errno));
	if (st.st_size > INT_MAX)
		error("%s is too large", fname);
	cp = malloc((size_t)st.st_size + 1);
	if (cp == NULL)
		error("malloc(%d) for %s: %s", (int)st.st_size + 1, fname,
		    strerror(errno));
	cc = read(fd, cp, (size_t)st.st_size);
	if (cc < 0)
		error("read %s: %s", fname, strerror(errno));
	if (cc != st.st_size)
		error("short read %s (%d != %d)", fname, (int)cc,
		    (int)st.st_size);
	(void)close(fd);
	for (i = 0; i < cc; i++)
		if (cp[i] == '#')
			while (i < cc && cp[i] != '\n')
				cp[i++] = ' ';
	cp[cc] = '\0';
	return cp;
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

/*
 * -Q on a vsockmon device, where libpcap knows no direction (the kernel
 * shows every packet as sent): packets to (in) or from (out) a local CID,
 * as a vsock filter added to the user's.
 */
static char *
with_direction(const char *filter, int direction)
{
	uint64_t cids[VSOCKMON_MAX_CIDS];
	char *buf;
	size_t len;
	int n, i;

	n = vsockmon_local_cids(cids, VSOCKMON_MAX_CIDS);
	len = strlen(filter) + 16 + (size_t)n * 48;
	buf = malloc(len);
	if (buf == NULL)
		error("out of memory");
	buf[0] = '\0';
	if (*filter != '\0')
		(void)snprintf(buf, len, "(%s) and ", filter);
	strcat(buf, "(");
	for (i = 0; i < n; i++)
		(void)snprintf(buf + strlen(buf), len - strlen(buf),
		    "%svsock %s cid %llu", i == 0 ? "" : " or ",
		    direction == PCAP_D_IN ? "dst" : "src",
		    (unsigned long long)cids[i]);
	strcat(buf, ")");
	return buf;
}

/*
 * Compile the filter for pc.  On a libpcap without vsock primitives, an
 * expression that uses them is rewritten first.  Returns non-zero if it
 * was.
 */
static int
compile_filter(pcap_t *pc, struct bpf_program *fcode, const char *filter,
    int native)
{
	char ebuf[PCAP_ERRBUF_SIZE], *rewritten = NULL;
	int dlt = pcap_datalink(pc);

	if (!native && vsock_filter_uses_vsock(filter, dlt)) {
		rewritten = vsock_filter_rewrite(filter, dlt, ebuf,
		    sizeof(ebuf));
		if (rewritten == NULL)
			error("%s", ebuf);
		filter = rewritten;
	}
	if (pcap_compile(pc, fcode, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
		error("%s", pcap_geterr(pc));
	free(rewritten);
	return rewritten != NULL;
}

/* --- privileges ---------------------------------------------------------------- */

/*
 * The user's entry: through NSS, or, where there is no NSS (a static
 * vsockdump in a guest), straight from /etc/passwd.
 */
static struct passwd *
find_user(const char *name)
{
	struct passwd *pw;
	FILE *f;

	pw = getpwnam(name);
	if (pw != NULL)
		return pw;
	f = fopen("/etc/passwd", "r");
	if (f == NULL)
		return NULL;
	while ((pw = fgetpwent(f)) != NULL)
		if (strcmp(pw->pw_name, name) == 0)
			break;
	(void)fclose(f);
	return pw;
}

/* -Z: become the user, as tcpdump does after opening the device. */
static void
drop_privileges(const char *user)
{
	struct passwd *pw;
	gid_t gid;

	pw = find_user(user);
	if (pw == NULL)
		error("Couldn't find user '%.32s'", user);
	gid = pw->pw_gid;
	if ((initgroups(pw->pw_name, gid) != 0 && setgroups(1, &gid) != 0) ||
	    setgid(gid) != 0 || setuid(pw->pw_uid) != 0)
		error("Couldn't change to '%.32s' uid=%lu gid=%lu: %s", user,
		    (unsigned long)pw->pw_uid, (unsigned long)gid,
		    strerror(errno));
}

/* With -w and no rotation, tcpdump makes the file the user's. */
static void
give_file(const char *file, const char *user)
{
	struct passwd *pw;

	if (strcmp(file, "-") == 0)
		return;
	pw = find_user(user);
	if (pw == NULL)
		error("Couldn't find user '%s'", user);
	if (chown(file, pw->pw_uid, pw->pw_gid) < 0)
		error("Couldn't change ownership of savefile");
}

/* --- the capture loop ------------------------------------------------------------ */

static void
on_signal(int sig)
{
	if (sig == SIGPIPE)
		got_sigpipe = 1;
	else
		stop_signal++;
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
	if (out.pattern != NULL && out.err == 0 && !limit_reached) {
		switch (savefile_write(&out, h, sp)) {
		case SAVEFILE_FAILED:
			/* Stop: nothing more can reach the file. */
			pcap_breakloop(pd);
			return;
		case SAVEFILE_LIMIT:
			limit_reached = 1;
			pcap_breakloop(pd);
			return;
		}
	}
	analysis_packet(h, sp, packets_captured);
	if (print_packets)
		pretty_print_packet(ndo, h, sp, packets_captured);
}

/*
 * pcap_loop(); but when the analysis reports stalls of a live capture
 * while they last (a stalled connection sends nothing), a loop of
 * pcap_dispatch() on a non-blocking handle, woken by poll() at least
 * every tick.  Returns as pcap_loop() does.
 */
static int
capture_loop(int cnt, netdissect_options *ndo)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pollfd pfd;
	int tick = analysis_tick_interval(), n, done = 0;

	if (tick == 0 || (pfd.fd = pcap_get_selectable_fd(pd)) < 0 ||
	    pcap_setnonblock(pd, 1, ebuf) < 0)
		return pcap_loop(pd, cnt, handle_packet, (u_char *)ndo);
	pfd.events = POLLIN;
	for (;;) {
		n = pcap_dispatch(pd, cnt > 0 ? cnt - done : -1, handle_packet,
		    (u_char *)ndo);
		if (n < 0)
			return n;
		done += n;
		if (cnt > 0 && done >= cnt)
			return 0;
		if (stop_signal != 0 || got_sigpipe)
			return -2;
		analysis_tick();
		if (n == 0 && poll(&pfd, 1, tick) < 0 && errno != EINTR)
			error("poll: %s", strerror(errno));
	}
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

/* --- options --------------------------------------------------------------------- */

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
			mult = 1024;
			break;
		case 'm': case 'M':
			mult = 1024 * 1024;
			break;
		case 'g': case 'G':
			mult = 1024 * 1024 * 1024;
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

static void
parse_options(int argc, char **argv, netdissect_options *ndo,
    struct options *o)
{
	char *end;
	long v;
	int op;

	memset(o, 0, sizeof(*o));
	o->cnt = -1;
	o->direction = -1;
	o->promisc = 1;
	o->dlt = -1;
	opterr = 1;
	while ((op = getopt_long(argc, argv,
	    "AB:c:C:dDeF:G:hi:lLnpQ:qr:s:tUvV:w:W:xXy:z:Z:#", long_options,
	    NULL)) != -1) {
		switch (op) {
		case 'A':
			ndo->ndo_Aflag++;
			break;
		case 'B':
			v = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || v <= 0)
				error("invalid packet buffer size %s", optarg);
			if (v > INT_MAX / 1024)
				error("packet buffer size %s is too large",
				    optarg);
			o->bufsize = (int)v * 1024;
			break;
		case 'c':
			o->cnt = parse_int("packet count", optarg, 1, INT_MAX);
			break;
		case 'C':
			out.max_size = parse_file_size(optarg);
			break;
		case 'd':
			o->dflag++;
			break;
		case 'D':
			(void)for_each_device(list_one, NULL);
			exit(0);
		case 'e':
			ndo->ndo_eflag++;
			break;
		case 'F':
			o->ffile = optarg;
			break;
		case 'G':
			out.seconds = parse_int("number of seconds", optarg, 0,
			    INT_MAX);
			break;
		case 'h':
			print_usage(stdout);
			exit(0);
		case 'i':
			o->device = optarg;
			break;
		case 'l':
			setvbuf(stdout, NULL, _IOLBF, 0);
			o->lflag = 1;
			break;
		case 'L':
			o->list_dlts = 1;
			break;
		case 'n':
			ndo->ndo_nflag++;
			break;
		case 'p':
			o->promisc = 0;
			break;
		case 'Q':
			if (strcasecmp(optarg, "in") == 0)
				o->direction = PCAP_D_IN;
			else if (strcasecmp(optarg, "out") == 0)
				o->direction = PCAP_D_OUT;
			else if (strcasecmp(optarg, "inout") == 0)
				o->direction = PCAP_D_INOUT;
			else
				error("unknown capture direction `%s'", optarg);
			break;
		case 'q':
			ndo->ndo_qflag++;
			ndo->ndo_suppress_default_print++;
			break;
		case 'r':
			o->rfile = optarg;
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
			out.flush = 1;
			break;
		case 'v':
			ndo->ndo_vflag++;
			break;
		case 'V':
			o->vfile = optarg;
			break;
		case 'w':
			o->wfile = optarg;
			break;
		case 'W':
			out.max_files = parse_int("number of output files",
			    optarg, 1, INT_MAX);
			break;
		case 'x':
			ndo->ndo_xflag++;
			ndo->ndo_suppress_default_print++;
			break;
		case 'X':
			ndo->ndo_Xflag++;
			ndo->ndo_suppress_default_print++;
			break;
		case 'y':
			o->dlt = pcap_datalink_name_to_val(optarg);
			if (o->dlt < 0)
				error("invalid data link type %s", optarg);
			break;
		case 'Z':
			o->user = optarg;
			break;
		case 'z':
			v = analysis_opt_z(optarg);
			if (v > 0)
				exit(0);
			if (v < 0)
				error("invalid -z argument \"%s\" (-z help lists "
				    "them)", optarg);
			break;
		case '#':
			ndo->ndo_packet_number = 1;
			break;
		case OPT_IMMEDIATE:
			o->immediate = 1;
			break;
		case OPT_PRINT:
			o->force_print = 1;
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
		case OPT_NOTES:
			analysis_opt_notes();
			break;
		case OPT_STALL:
			if (analysis_opt_stall_threshold(optarg) < 0)
				error("invalid stall threshold %s (seconds, "
				    "more than 0)", optarg);
			break;
		case OPT_CONV_LIMIT:
			if (analysis_opt_conv_limit(optarg) < 0)
				error("invalid conversation limit %s", optarg);
			break;
		default:
			print_usage(stderr);
			exit(1);
		}
	}
	if (ndo->ndo_tflag > 5)
		error("only -t, -tt, -ttt, -tttt and -ttttt are supported");
	if (out.max_size != 0 && o->wfile == NULL)
		error("-C cannot be used without -w.");
	if (out.seconds != 0 && o->wfile == NULL)
		error("-G cannot be used without -w.");
	if ((out.max_size != 0 || out.seconds != 0) && o->wfile != NULL &&
	    strcmp(o->wfile, "-") == 0)
		error("-C and -G need a file name for -w, not the standard "
		    "output");
	if (o->vfile != NULL && o->rfile != NULL)
		error("-V and -r are mutually exclusive.");
}

/* --- reading files ---------------------------------------------------------------- */

static pcap_t *
open_file(const char *file, const netdissect_options *ndo)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc;
	int dlt;

	pc = pcap_open_offline_with_tstamp_precision(file,
	    (u_int)ndo->ndo_tstamp_precision, ebuf);
	if (pc == NULL)
		error("%s", ebuf);
	dlt = pcap_datalink(pc);
	(void)fprintf(stderr, "reading from file %s", file);
	print_link_type(dlt);
	(void)fprintf(stderr, ", snapshot length %d\n", pcap_snapshot(pc));
	return pc;
}

/* -V: the next name in the list file, or NULL at its end. */
static char *
next_file(FILE *list, char *buf, size_t len)
{
	size_t n;

	if (fgets(buf, (int)len, list) == NULL)
		return NULL;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

/* --- main --------------------------------------------------------------------------- */

int
main(int argc, char **argv)
{
	static netdissect_options nd;
	netdissect_options *ndo = &nd;
	struct options o;
	char ebuf[PCAP_ERRBUF_SIZE], vline[PATH_MAX + 1];
	char *filter, *numbered, *device = NULL, *cmd;
	const char *rfile;
	struct vsockmon_dev vdev;
	struct bpf_program fcode;
	FILE *vlist = NULL;
	int dlt, status, snap, failed = 0, native, timeout = 1000;
	int vsockmon_own = 0, live, rewritten, drain;

	ndo_set_function_pointers(ndo);
	ndo->program_name = program_name;
	ndo->ndo_tstamp_precision = PCAP_TSTAMP_PRECISION_MICRO;
	memset(&vdev, 0, sizeof(vdev));
	ebuf[0] = '\0';

	parse_options(argc, argv, ndo, &o);
	print_packets = (o.wfile == NULL || o.force_print) &&
	    !analysis_quiet(ndo->ndo_qflag);
	if (o.wfile != NULL && strcmp(o.wfile, "-") == 0 && analysis_wanted())
		error("-z and --notes print on the standard output, which "
		    "-w - writes the capture to");
	if (o.ffile != NULL) {
		if (argv[optind] != NULL)
			warning("-F given: the expression on the command line "
			    "is ignored");
		filter = read_infile(o.ffile);
	} else
		filter = join_args(argv + optind);
	native = vsock_filter_native();

	rfile = o.rfile;
	if (o.vfile != NULL) {
		vlist = strcmp(o.vfile, "-") == 0 ? stdin :
		    fopen(o.vfile, "r");
		if (vlist == NULL)
			error("Unable to open file: %s", strerror(errno));
		rfile = next_file(vlist, vline, sizeof(vline));
		if (rfile == NULL)
			error("Nothing in %s", o.vfile);
	}
	live = rfile == NULL && !(o.dflag && o.device == NULL);

	if (rfile != NULL) {
		pd = open_file(rfile, ndo);
		dlt = pcap_datalink(pd);
		if (dlt == DLT_LINUX_SLL2)
			(void)fprintf(stderr,
			    "Warning: interface names might be incorrect\n");
	} else if (!live) {
		/* -d alone: compile for VSOCK, or the -y link type. */
		if (ndo->ndo_snaplen == 0)
			ndo->ndo_snaplen = MAXIMUM_SNAPLEN;
		if (o.dlt == -1) {
			(void)fprintf(stderr, "Warning: assuming VSOCK\n");
			o.dlt = DLT_VSOCK;
		}
		pd = pcap_open_dead(o.dlt, ndo->ndo_snaplen);
		dlt = o.dlt;
	} else {
		if (o.device == NULL)
			device = first_device();
		else
			device = strdup(o.device);
		if (device == NULL)
			error("out of memory");
		/*
		 * "vsockmon" and vsockmon devices: vsockdump's own when
		 * libpcap has no vsockmon module.  A device made for the
		 * capture is in a network namespace of its own, which
		 * vsockmon_open() leaves us in until pcap_activate() has
		 * opened the capture's socket there.
		 */
		if (!native && vsockmon_is_name(device)) {
			if (vsockmon_open(device, &vdev, ebuf,
			    sizeof(ebuf)) < 0)
				error("%s", ebuf);
			free(device);
			device = strdup(vdev.name);
			if (device == NULL)
				error("out of memory");
		}
		vsockmon_own = !native && (vdev.created ||
		    vsockmon_is_device(device));
		if (print_packets && (isatty(STDOUT_FILENO) || o.lflag))
			timeout = 100;
		pd = open_live(device, ndo, &o, timeout, !vsockmon_own, ebuf);
		if (pd != NULL && vsockmon_return(&vdev, ebuf,
		    sizeof(ebuf)) < 0)
			error("%s", ebuf);
		if (pd == NULL) {
			numbered = device_by_number(device);
			if (numbered == NULL)
				error("%s", ebuf);
			free(device);
			device = numbered;
			vsockmon_own = !native && vsockmon_is_device(device);
			pd = open_live(device, ndo, &o, timeout, !vsockmon_own,
			    ebuf);
			if (pd == NULL)
				error("%s", ebuf);
		}
		if (o.list_dlts)
			show_dlts(pd, device);
		/* Like tcpdump, use LINUX_SLL2 on the "any" device. */
		if (o.dlt == -1 && strncmp(device, "any", 3) == 0)
			o.dlt = DLT_LINUX_SLL2;
		if (o.dlt != -1) {
			if (pcap_set_datalink(pd, o.dlt) < 0)
				error("%s", pcap_geterr(pd));
			(void)fprintf(stderr, "%s: data link type %s\n",
			    program_name, pcap_datalink_val_to_name(o.dlt));
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

	if (print_packets && !o.dflag) {
		ndo->ndo_if_printer = vsockdump_printer_for(dlt);
		if (ndo->ndo_if_printer == NULL) {
			pcap_close(pd);
			unsupported_link_type(dlt);
		}
	}
	if (vsockmon_own && o.direction != -1 && o.direction != PCAP_D_INOUT) {
		cmd = with_direction(filter, o.direction);
		free(filter);
		filter = cmd;
	}
	rewritten = compile_filter(pd, &fcode, filter, native);
	if (o.dflag) {
		bpf_dump(&fcode, o.dflag);
		pcap_freecode(&fcode);
		pcap_close(pd);
		free(filter);
		free(device);
		return 0;
	}

	if (analysis_begin(ndo, dlt, ndo->ndo_tstamp_precision ==
	    PCAP_TSTAMP_PRECISION_NANO, live, timeout, o.immediate) < 0) {
		pcap_close(pd);
		unsupported_link_type(dlt);
	}
	if (pcap_setfilter(pd, &fcode) < 0)
		error("%s", pcap_geterr(pd));
	/*
	 * libpcap filters "vsock" on "any" in userland (it cannot map the
	 * ARPHRD test for the kernel): let the kernel run it.
	 */
	if (live && rewritten && kernel_cooked_filter(pd, &fcode) < 0)
		warning("%s: the kernel cannot run this filter; it runs in "
		    "userland", device);

	/*
	 * -Z, as tcpdump: with -C or -G the files are made by the user;
	 * otherwise the file is made first, then given to the user.  Only
	 * root drops privileges.  A vsockmon device made for the capture
	 * goes with the capture's socket, whatever privileges are left.
	 */
	if (o.user != NULL && geteuid() != 0)
		o.user = NULL;
	if (o.user != NULL && (o.wfile == NULL || out.max_size != 0 ||
	    out.seconds != 0))
		drop_privileges(o.user);
	if (o.wfile != NULL) {
		savefile_open(&out, pd, o.wfile);
		if (o.user != NULL && out.max_size == 0 && out.seconds == 0) {
			give_file(out.name, o.user);
			drop_privileges(o.user);
		}
	}

	/*
	 * A stop by signal, or the device gone, on a libpcap without
	 * vsockmon module (or not on a vsockmon device) first hands over
	 * what the kernel still holds.  Decided now: a device that goes
	 * away takes its sysfs entry with it.
	 */
	drain = live && !(native && (vsockmon_is_device(device) ||
	    strcmp(device, VSOCKMON_PSEUDO) == 0));

	catch_signal(SIGINT);
	catch_signal(SIGTERM);
	catch_signal(SIGHUP);
	catch_signal(SIGPIPE);

	if (live) {
		if (!ndo->ndo_vflag && o.wfile == NULL)
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

	for (;;) {
		status = capture_loop(o.cnt, ndo);
		if (status == -1)
			(void)snprintf(ebuf, sizeof(ebuf), "%s",
			    pcap_geterr(pd));
		if (drain && ((status == -2 && stop_signal != 0) ||
		    status == -1))
			kernel_drain(pd, handle_packet, (u_char *)ndo,
			    o.immediate ? 1 : timeout, &packets_captured,
			    o.cnt > 0 ? (u_int)o.cnt : 0);
		/* Finish a line a signal may have cut short. */
		if (o.wfile == NULL && status == -2)
			putchar('\n');
		if (status == -1) {
			(void)fprintf(stderr, "%s: pcap_loop: %s\n",
			    program_name, ebuf);
			failed = 1;
		}
		if (limit_reached)
			(void)fprintf(stderr, "Maximum file limit reached: %d\n",
			    out.max_files);
		if (live)
			print_stats();
		if (vlist == NULL || status != 0 || out.err != 0 ||
		    limit_reached)
			break;
		/* -V: the next file, with the same output and filter. */
		rfile = next_file(vlist, vline, sizeof(vline));
		if (rfile == NULL)
			break;
		pcap_close(pd);
		pd = open_file(rfile, ndo);
		if (pcap_datalink(pd) != dlt) {
			if (o.wfile != NULL || analysis_wanted())
				error("%s: new dlt does not match original",
				    rfile);
			dlt = pcap_datalink(pd);
			ndo->ndo_if_printer = vsockdump_printer_for(dlt);
			if (ndo->ndo_if_printer == NULL)
				unsupported_link_type(dlt);
			pcap_freecode(&fcode);
			(void)compile_filter(pd, &fcode, filter, native);
		}
		if (pcap_setfilter(pd, &fcode) < 0)
			error("%s", pcap_geterr(pd));
		if (o.wfile != NULL)
			out.pd = pd;
	}
	analysis_end();
	if ((print_packets || analysis_wanted()) && check_stdout() < 0)
		failed = 1;
	if (o.wfile != NULL && savefile_close(&out, program_name) < 0)
		failed = 1;
	pcap_freecode(&fcode);
	pcap_close(pd);
	if (vlist != NULL && vlist != stdin)
		(void)fclose(vlist);
	free(filter);
	free(device);
	return failed ? 1 : 0;
}
