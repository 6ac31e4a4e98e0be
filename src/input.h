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

#ifndef VSOCKDUMP_INPUT_H
#define VSOCKDUMP_INPUT_H

#include <limits.h>
#include <stdio.h>

#include <pcap/pcap.h>

#include "netdissect.h"
#include "options.h"
#include "vsockmon.h"

/* Where the packets come from. */
struct input {
	pcap_t		*pd;
	int		dlt;
	int		live;		/* a capture, not a file */
	int		native;		/* libpcap has vsock support */
	int		timeout;	/* live: the buffer timeout, ms */
	char		*device;	/* live: the device captured on */
	int		vsockmon_own;	/* vsockdump's own vsockmon support */
	struct vsockmon_dev vdev;
	const char	*rfile;		/* the file being read */
	FILE		*vlist;		/* -V */
	char		vline[PATH_MAX + 1];
};

/*
 * Open what the options name: the file of -r (or the first of -V's
 * list), a dead handle for -d alone, or the device, with -y and -L
 * applied; printing tells whether packets are printed (a terminal
 * gets a shorter buffer timeout).  An error if that fails.
 */
extern void input_open(struct input *, struct options *,
    netdissect_options *, int native, int printing);
/* -V: the next file of the list; 0 at its end. */
extern int input_next_file(struct input *, const netdissect_options *);
/* "listening on DEVICE, link-type ..., snapshot length N bytes" */
extern void input_print_listening(const struct input *,
    const netdissect_options *, int writing);
extern void input_close(struct input *);

extern void print_link_type(int dlt);
extern ND_ATTR_NORETURN void unsupported_link_type(int dlt);

#endif /* VSOCKDUMP_INPUT_H */
