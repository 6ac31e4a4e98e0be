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
 * The devices of -D, and a device given by its number in that list
 * (devices.h).
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include <pcap/pcap.h>

#include "netdissect.h"
#include "devices.h"
#include "diag.h"
#include "vsockmon.h"

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
		if (desc == NULL &&
		    (desc = vsockmon_description(d->name)) != NULL)
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
	b->name = xstrdup(name);
	return 1;
}

/*
 * An interface given as a number: the device of that 1-based position
 * in the -D list.  Returns NULL if the name is not a number.
 */
char *
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
char *
first_device(void)
{
	struct by_number b = { 1, NULL };

	(void)for_each_device(match_number, &b);
	if (b.name == NULL)
		error("no interfaces available for capture");
	return b.name;
}

void
list_devices(void)
{
	(void)for_each_device(list_one, NULL);
}
