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

#ifndef VSOCKDUMP_PROCS_H
#define VSOCKDUMP_PROCS_H

/*
 * Which process owns each local endpoint of a live capture: its pid
 * and command name, found as "ss --vsock -p" finds them.  The kernel's
 * sock_diag for AF_VSOCK (the vsock_diag module) lists the vsock
 * sockets with their addresses and inodes; the process that has that
 * inode open is found in /proc/PID/fd, its name in /proc/PID/comm,
 * both read through one handle on /proc/PID, so that a pid used again
 * by another process is never taken for the one that was gone.
 *
 * An endpoint is local when its CID is (1, this machine's CID, 2 on a
 * host).  Each endpoint of a connection (a new one at each REQUEST) is
 * looked up once, by a thread of its own: the capture never waits.
 * A lookup is tried again a few times when the socket has no inode
 * yet (a connection not yet accepted) or is not listed yet, then the
 * endpoint is unknown, as is one whose process was gone first.  The
 * thread makes at most PROCS_ROUNDS_PER_S rounds a second, each one
 * sock_diag dump and, if needed, one pass over /proc for every
 * endpoint due.
 */

#include <pcap/pcap.h>
#include <sys/types.h>

#include "netdissect.h"
#include "conv.h"

#define PROCS_ROUNDS_PER_S	50
#define PROCS_MAX_ENDPOINTS	262144	/* followed at once; the oldest go */

enum procs_state {
	PROCS_NOT_LOCAL,	/* not this machine's endpoint, or no lookup */
	PROCS_PENDING,		/* being looked up */
	PROCS_UNKNOWN,		/* not found: gone, or not ours to see */
	PROCS_FOUND
};

struct procs_owner {
	enum procs_state state;
	pid_t		pid;
	char		comm[16];	/* as /proc/PID/comm, NUL-terminated */
};

/*
 * Attribution on, for a live capture; returns 0, or -1 with a one-line
 * note on the standard error when it cannot be (no vsock_diag in the
 * kernel, no privilege): the capture goes on without it.  Before the
 * capture device is opened (the sock_diag socket must be in the
 * namespace of the sockets it lists).
 */
extern int procs_start(void);
/* The link-layer type of the capture, once it is open. */
extern void procs_link_type(int dlt);
extern int procs_active(void);

/* Each packet, before it is analysed and printed (number: from 1). */
extern void procs_packet(const struct pcap_pkthdr *, const u_char *,
    u_int number);

/*
 * At -v: " [src PID/COMM, dst PID/COMM]" for the local endpoints of
 * the packet being printed ("?" where not known when printed).
 */
extern void procs_print(netdissect_options *);

/* The owner of a conversation's side (0 src, 1 dst). */
extern void procs_conv_owner(const struct vsock_conv_summary *, int side,
    struct procs_owner *);

/*
 * An owner as text: "PID/COMM", "?" (local, not known) or "-" (not
 * local); as JSON members "NAME_pid":N,"NAME_comm":"COMM" (or nulls).
 * buf holds PROCS_TEXT_MAX characters.
 */
#define PROCS_TEXT_MAX	96
extern const char *procs_owner_text(const struct procs_owner *, char *);
extern void procs_owner_json(const struct procs_owner *, const char *name);

/*
 * The end of the capture: one last round for the endpoints still
 * looked up, then the thread stops (the summaries come after).
 */
extern void procs_finish(void);
extern void procs_stop(void);

#endif /* VSOCKDUMP_PROCS_H */
