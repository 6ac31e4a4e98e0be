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
 * The filter expression (expression.h): read from the command line or
 * -F, given -Q's terms on a vsockmon device, compiled, and rewritten
 * first where libpcap has no vsock primitives.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "diag.h"
#include "expression.h"
#include "filter-rewrite.h"
#include "vsockmon.h"

/* The longest "or vsock dst cid N" term -Q adds, N of 20 digits. */
#define CID_TERM_MAX	48

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
	buf = xrealloc(NULL, len);
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
char *
with_direction(const char *filter, int direction)
{
	uint64_t cids[VSOCKMON_MAX_CIDS];
	char *buf;
	size_t len;
	int n, i;

	n = vsockmon_local_cids(cids, VSOCKMON_MAX_CIDS);
	len = strlen(filter) + sizeof("() and ()") + (size_t)n * CID_TERM_MAX;
	buf = xrealloc(NULL, len);
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
int
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

char *
filter_text(const char *ffile, char **args)
{
	if (ffile == NULL)
		return join_args(args);
	if (args[0] != NULL)
		warning("-F given: the expression on the command line is "
		    "ignored");
	return read_infile(ffile);
}
