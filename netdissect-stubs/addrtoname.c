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
 * Names of vsock addresses (addrtoname.h): the numbers, as tcpdump
 * prints them, or the names of vsockdump's sources.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include "netdissect.h"
#include "addrtoname.h"

/* Strings handed out at a time by each function: one packet's four. */
#define ROTATING	4

static const struct vsock_namer *namer;

void
nd_set_vsock_namer(const struct vsock_namer *n)
{
	namer = n;
}

const char *
vsockcid_string(netdissect_options *ndo _U_, uint64_t cid)
{
	static char buf[ROTATING][sizeof("18446744073709551615")];
	static u_int i;
	const char *name;

	if (namer != NULL && (name = (*namer->cid)(cid)) != NULL)
		return name;
	i = (i + 1) % ROTATING;
	(void)snprintf(buf[i], sizeof(buf[i]), "%" PRIu64, cid);
	return buf[i];
}

const char *
vsockport_string(netdissect_options *ndo _U_, uint32_t port)
{
	static char buf[ROTATING][sizeof("4294967295")];
	static u_int i;
	const char *name;

	if (namer != NULL && (name = (*namer->port)(port)) != NULL)
		return name;
	i = (i + 1) % ROTATING;
	(void)snprintf(buf[i], sizeof(buf[i]), "%u", port);
	return buf[i];
}
