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

#ifndef VSOCKDUMP_OPTIONS_H
#define VSOCKDUMP_OPTIONS_H

/*
 * vsockdump's command line, read into one struct by options_parse();
 * nothing else is done while reading it.
 */

#include <pcap/pcap.h>

#include "analysis.h"
#include "names.h"
#include "netdissect.h"
#include "savefile.h"

/* What the command line asks for besides a capture. */
enum options_action {
	ACTION_CAPTURE,		/* read or capture packets */
	ACTION_LIST_DEVICES,	/* -D */
	ACTION_HELP,		/* -h */
	ACTION_VERSION,		/* --version */
	ACTION_Z_HELP		/* -z help */
};

/*
 * How packets are printed: netdissect's flags, as tcpdump's options set
 * them.
 */
struct print_settings {
	int		Aflag, eflag, nflag, qflag, tflag, vflag, xflag, Xflag;
	int		packet_number;		/* -# */
	int		suppress_default_print;	/* -q, -x, -X */
	int		snaplen;		/* -s, 0 if not given */
	int		tstamp_precision;	/* PCAP_TSTAMP_PRECISION_ */
};

struct options {
	enum options_action action;
	const char	*rfile;		/* -r */
	const char	*vfile;		/* -V */
	const char	*wfile;		/* -w */
	const char	*ffile;		/* -F */
	const char	*device;	/* -i */
	const char	*user;		/* -Z */
	int		cnt;		/* -c, -1 for no limit */
	int		bufsize;	/* -B, bytes; 0 for libpcap's */
	int		direction;	/* -Q, -1 if not given */
	int		immediate;	/* --immediate-mode */
	int		promisc;	/* not -p */
	int		lflag;		/* -l */
	int		dflag;		/* -d, -dd, -ddd */
	int		list_dlts;	/* -L */
	int		dlt;		/* -y, -1 if not given */
	int		force_print;	/* --print */
	char		**args;		/* the words after the options */
	struct print_settings print;
	struct savefile_settings out;	/* -C, -G, -W, -U */
	struct analysis_options analysis;
	struct names_options names;	/* --names-file, --services-file */
};

/* Reads the command line into o; exits with a message if it is wrong. */
extern void options_parse(int argc, char **argv, struct options *o);
extern void options_free(struct options *o);

/* The printing settings into ndo. */
extern void options_apply_print(const struct print_settings *,
    netdissect_options *ndo);

extern void options_print_version(FILE *);
extern void options_print_usage(FILE *);

#endif /* VSOCKDUMP_OPTIONS_H */
