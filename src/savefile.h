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

#ifndef VSOCKDUMP_SAVEFILE_H
#define VSOCKDUMP_SAVEFILE_H

#include <stdint.h>
#include <time.h>

#include <pcap/pcap.h>

/*
 * vsockdump's -w output: one savefile, or a rotation of them by size
 * (-C), by time (-G) and by number (-W), with tcpdump's file names and
 * rules.  A write that fails stops the capture and leaves the file
 * being written cut back to its last whole packet.
 */

/* The options. */
struct savefile_settings {
	int64_t		max_size;	/* -C, in bytes; 0 for no limit */
	int		seconds;	/* -G; 0 for no time rotation */
	int		max_files;	/* -W; 0 for no limit */
	int		flush;		/* -U */
};

#define SAVEFILE_MSG_MAX	512

struct savefile {
	const struct savefile_settings *set;
	const char	*pattern;	/* -w name (strftime pattern with -G) */
	pcap_t		*pd;
	pcap_dumper_t	*pdd;
	char		*name;		/* the file being written */
	int		digits;		/* width of the -C file number */
	int		size_index;	/* number of the -C file */
	int		periods;	/* -G periods begun after the first */
	time_t		period_start;	/* when the current -G period began */
	int		err;		/* errno of the failed write, or 0 */
	char		msg[SAVEFILE_MSG_MAX];	/* of SAVEFILE_ERROR */
};

/* The results of savefile_write(). */
#define SAVEFILE_OK		0
#define SAVEFILE_FAILED		1	/* a write failed: stop */
#define SAVEFILE_LIMIT		2	/* -G with -W: the last file is done */
#define SAVEFILE_ERROR		3	/* no file could be made: see msg */

/* Returns 0, or -1 with msg set. */
extern int savefile_open(struct savefile *, const struct savefile_settings *,
    pcap_t *, const char *pattern);
extern int savefile_write(struct savefile *, const struct pcap_pkthdr *,
    const u_char *);
/*
 * The end of the output.  If a write failed, the file is cut back to
 * its last whole record and the failure reported (as program).
 * Returns 0 or -1.
 */
extern int savefile_close(struct savefile *, const char *program);

#endif /* VSOCKDUMP_SAVEFILE_H */
