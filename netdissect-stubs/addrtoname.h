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
 * The part of tcpdump's addrtoname.h that print-vsock.c uses: the names
 * of vsock CIDs and ports.  tcpdump has no name source for them and
 * returns their numbers; vsockdump gives these functions its own
 * sources (nd_set_vsock_namer(), which tcpdump does not have).
 */

#ifndef vsockdump_addrtoname_h
#define vsockdump_addrtoname_h

#include "netdissect.h"

/*
 * A vsock CID or port as printed without -n: its name, or its decimal
 * number.  The string stays valid until the fourth call after it.
 */
extern const char *vsockcid_string(netdissect_options *, uint64_t);
extern const char *vsockport_string(netdissect_options *, uint32_t);

/*
 * vsockdump's name sources: each returns the name of a CID or port,
 * or NULL for none, and is called only without -n.  A NULL namer, or
 * none set, gives the numbers, as tcpdump prints them.
 */
struct vsock_namer {
	const char	*(*cid)(uint64_t);
	const char	*(*port)(uint32_t);
};

extern void nd_set_vsock_namer(const struct vsock_namer *);

#endif /* vsockdump_addrtoname_h */
