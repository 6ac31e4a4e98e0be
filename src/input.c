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
 * Where the packets come from (input.h): a file (-r, -V), nothing (-d
 * alone), or a device, opened as tcpdump opens them; a vsockmon device
 * through vsockdump's own support where libpcap has none.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include <unistd.h>

#include <pcap/pcap.h>

#include "netdissect.h"
#include "devices.h"
#include "diag.h"
#include "input.h"
#include "print-cooked.h"
#include "vsockmon.h"

/*
 * The packet buffer timeout, milliseconds: tcpdump's, and where the
 * packets are printed on a terminal (or -l), a shorter one.
 */
#define TIMEOUT_MS		1000
#define TIMEOUT_TERMINAL_MS	100

void
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
	(void)fprintf(stderr,
	    "Data link types for %s (use option -y to set):\n", device);
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

ND_ATTR_NORETURN void
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

/* -d alone: compile for VSOCK, or the -y link type. */
static void
open_dead(struct input *in, struct options *o, netdissect_options *ndo)
{
	if (ndo->ndo_snaplen == 0)
		ndo->ndo_snaplen = MAXIMUM_SNAPLEN;
	if (o->dlt == -1) {
		(void)fprintf(stderr, "Warning: assuming VSOCK\n");
		o->dlt = DLT_VSOCK;
	}
	in->pd = pcap_open_dead(o->dlt, ndo->ndo_snaplen);
	if (in->pd == NULL)
		error("out of memory");
	in->dlt = o->dlt;
}

/*
 * The device to capture on: -i's, or the first of -D's list; for
 * "vsockmon" (and vsockmon devices) on a libpcap without vsock support,
 * vsockdump's own vsockmon device.  A device made for the capture is in
 * a network namespace of its own, which vsockmon_open() leaves us in
 * until open_device() has opened the capture's socket there.
 */
static void
pick_device(struct input *in, const struct options *o)
{
	char ebuf[PCAP_ERRBUF_SIZE];

	in->device = o->device == NULL ? first_device() :
	    xstrdup(o->device);
	if (!in->native && vsockmon_is_name(in->device)) {
		if (vsockmon_open(in->device, &in->vdev, ebuf,
		    sizeof(ebuf)) < 0)
			error("%s", ebuf);
		free(in->device);
		in->device = xstrdup(in->vdev.name);
	}
	in->vsockmon_own = !in->native && (in->vdev.created ||
	    vsockmon_is_device(in->device));
}

/*
 * Open the device; a name that is no device may be a number of -D's
 * list, as with tcpdump.
 */
static void
open_device(struct input *in, const struct options *o,
    const netdissect_options *ndo)
{
	char ebuf[PCAP_ERRBUF_SIZE], *numbered;

	in->pd = open_live(in->device, ndo, o, in->timeout,
	    !in->vsockmon_own, ebuf);
	if (in->pd != NULL) {
		if (vsockmon_return(&in->vdev, ebuf, sizeof(ebuf)) < 0)
			error("%s", ebuf);
		return;
	}
	numbered = device_by_number(in->device);
	if (numbered == NULL)
		error("%s", ebuf);
	free(in->device);
	in->device = numbered;
	in->vsockmon_own = !in->native && vsockmon_is_device(in->device);
	in->pd = open_live(in->device, ndo, o, in->timeout,
	    !in->vsockmon_own, ebuf);
	if (in->pd == NULL)
		error("%s", ebuf);
}

/* The snaplen the capture has, as tcpdump reports a change. */
static void
settle_snaplen(pcap_t *pd, netdissect_options *ndo)
{
	int snap = pcap_snapshot(pd);

	if (ndo->ndo_snaplen < snap) {
		if (ndo->ndo_snaplen != 0)
			warning("snaplen raised from %d to %d",
			    ndo->ndo_snaplen, snap);
		ndo->ndo_snaplen = snap;
	} else if (ndo->ndo_snaplen > snap) {
		warning("snaplen lowered from %d to %d", ndo->ndo_snaplen,
		    snap);
		ndo->ndo_snaplen = snap;
	}
}

static void
open_capture(struct input *in, struct options *o, netdissect_options *ndo,
    int printing)
{
	pick_device(in, o);
	in->timeout = printing && (isatty(STDOUT_FILENO) || o->lflag) ?
	    TIMEOUT_TERMINAL_MS : TIMEOUT_MS;
	open_device(in, o, ndo);
	if (o->list_dlts)
		show_dlts(in->pd, in->device);
	/* Like tcpdump, use LINUX_SLL2 on the "any" device. */
	if (o->dlt == -1 && strncmp(in->device, "any", 3) == 0)
		o->dlt = DLT_LINUX_SLL2;
	if (o->dlt != -1) {
		if (pcap_set_datalink(in->pd, o->dlt) < 0)
			error("%s", pcap_geterr(in->pd));
		(void)fprintf(stderr, "%s: data link type %s\n",
		    program_name, pcap_datalink_val_to_name(o->dlt));
		(void)fflush(stderr);
	}
	settle_snaplen(in->pd, ndo);
	in->dlt = pcap_datalink(in->pd);
}

void
input_open(struct input *in, struct options *o, netdissect_options *ndo,
    int native, int printing)
{
	memset(in, 0, sizeof(*in));
	in->native = native;
	in->rfile = o->rfile;
	if (o->vfile != NULL) {
		in->vlist = strcmp(o->vfile, "-") == 0 ? stdin :
		    fopen(o->vfile, "r");
		if (in->vlist == NULL)
			error("Unable to open file: %s", strerror(errno));
		in->rfile = next_file(in->vlist, in->vline,
		    sizeof(in->vline));
		if (in->rfile == NULL)
			error("Nothing in %s", o->vfile);
	}
	in->live = in->rfile == NULL && !(o->dflag && o->device == NULL);
	if (in->rfile != NULL) {
		in->pd = open_file(in->rfile, ndo);
		in->dlt = pcap_datalink(in->pd);
		if (in->dlt == DLT_LINUX_SLL2)
			(void)fprintf(stderr,
			    "Warning: interface names might be incorrect\n");
	} else if (!in->live)
		open_dead(in, o, ndo);
	else
		open_capture(in, o, ndo, printing);
}

int
input_next_file(struct input *in, const netdissect_options *ndo)
{
	if (in->vlist == NULL)
		return 0;
	in->rfile = next_file(in->vlist, in->vline, sizeof(in->vline));
	if (in->rfile == NULL)
		return 0;
	pcap_close(in->pd);
	in->pd = open_file(in->rfile, ndo);
	return 1;
}

void
input_print_listening(const struct input *in, const netdissect_options *ndo,
    int writing)
{
	if (!ndo->ndo_vflag && !writing)
		(void)fprintf(stderr, "%s: verbose output suppressed, "
		    "use -v[v]... for full protocol decode\n", program_name);
	else
		(void)fprintf(stderr, "%s: ", program_name);
	(void)fprintf(stderr, "listening on %s", in->device);
	print_link_type(in->dlt);
	(void)fprintf(stderr, ", snapshot length %d bytes\n",
	    ndo->ndo_snaplen);
	(void)fflush(stderr);
}

void
input_close(struct input *in)
{
	if (in->pd != NULL)
		pcap_close(in->pd);
	in->pd = NULL;
	if (in->vlist != NULL && in->vlist != stdin)
		(void)fclose(in->vlist);
	free(in->device);
}
