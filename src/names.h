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

#ifndef VSOCKDUMP_NAMES_H
#define VSOCKDUMP_NAMES_H

/*
 * Names of vsock CIDs and ports, printed unless -n is given, as
 * tcpdump names hosts and ports.  A CID's name comes from, in this
 * order: the names file; on a live capture, the running VMs (vms.c)
 * and this guest's own CID (named after the host name); the reserved
 * CIDs (0 hypervisor, 1 local, 2 host, 4294967295 any).  A port's
 * from the services file, then the built-in list (data/vsock-services).
 * A file read back (-r, -V) is named from the files and the reserved
 * CIDs only, never from the reading machine's VMs.
 *
 * A name starts with a letter and holds letters, digits, '-' and '_',
 * up to NAME_MAX_LEN of them: it is never taken for a number, and
 * "CID.PORT" keeps one dot, which splits it.
 */

#include <stdint.h>

#define NAMES_FILE	"/etc/vsockdump/names"
#define SERVICES_FILE	"/etc/vsockdump/services"
#define NAME_MAX_LEN	63

struct names_options {
	const char	*names_file;	/* --names-file; NULL: NAMES_FILE */
	const char	*services_file;	/* --services-file; NULL:
					   SERVICES_FILE */
};

/*
 * Names on: the files read (the default ones need not exist; a bad
 * line, or a file given by an option that cannot be read, is an error
 * that exits), the printer given them (addrtoname.h).  With live, the
 * running VMs are looked up now and again, by a thread of their own,
 * every NAMES_RESCAN_S seconds and when an unnamed CID shows up (at
 * most every NAMES_MISS_RESCAN_S seconds): the capture never waits for
 * them.
 */
#define NAMES_RESCAN_S		10
#define NAMES_MISS_RESCAN_S	2
extern void names_start(const struct names_options *, int live);
extern void names_stop(void);
extern int names_enabled(void);

/* The name of a CID or a port, or NULL. */
extern const char *names_cid(uint64_t);
extern const char *names_port(uint32_t);

/*
 * "CID.PORT", each part named if it has a name; one of 8 buffers used
 * in turn.
 */
extern const char *names_endpoint(uint64_t cid, uint32_t port);

/* Whether s is a name (see above). */
extern int names_valid(const char *s);

/*
 * A name made of what a VM's configuration calls it: other characters
 * as '_', cut at NAME_MAX_LEN, "vm-" before it when it does not start
 * with a letter or is a reserved CID's name.  buf has room for
 * NAME_MAX_LEN + 1 characters; returns 0 (and no name) if raw is empty.
 */
extern int names_from_raw(char *buf, const char *raw);

/*
 * A line of a names file, "CID NAME [ALIAS...]", or of a services file,
 * "NAME PORT/vsock [ALIAS...]", up to a '#', parsed (and cut into its
 * words in place): 1 if it names a number, 0 if it names none (no
 * words; another protocol's port), -1 if it is not right.
 */
struct names_line {
	uint64_t	number;		/* the CID or the port */
	const char	*name;		/* in the line */
	const char	*bad;		/* the word that is not right, or NULL
					   (the line) */
	const char	*why;		/* what is not right about it */
};
extern int names_parse_cid_line(char *line, struct names_line *);
extern int names_parse_service_line(char *line, struct names_line *);

#endif /* VSOCKDUMP_NAMES_H */
