/*
 * Copyright (c) 2026 The vsockdump authors
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 *
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
 * filtercomp: compile a filter expression for a link-layer type and
 * print the program, one instruction a line, as bpf_image() formats it
 * (the format of "tcpdump -d"), or the compiler's error message.
 *
 * Usage: filtercomp [-O] [-R] [-s snaplen] LINKTYPE EXPRESSION...
 *	LINKTYPE is a DLT name (VSOCK, LINUX_SLL, EN10MB, ...) or number;
 *	-O disables the optimizer; -R compiles the expression as vsockdump
 *	does on a libpcap without vsock primitives (src/filter-rewrite.c).
 *	Exit status 0 if the expression compiled, 1 if not, 2 on a usage
 *	error.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "filter-rewrite.h"

int
main(int argc, char **argv)
{
	int optimize = 1, snaplen = 262144, dlt, c, rewrite = 0;
	size_t len = 0;
	char *expr, *rewritten, ebuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	pcap_t *p;
	u_int i;

	while ((c = getopt(argc, argv, "ORs:")) != -1) {
		switch (c) {

		case 'O':
			optimize = 0;
			break;

		case 'R':
			rewrite = 1;
			break;

		case 's':
			snaplen = atoi(optarg);
			break;

		default:
			return (2);
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr,
		    "usage: filtercomp [-O] [-R] [-s snaplen] LINKTYPE EXPRESSION...\n");
		return (2);
	}
	dlt = pcap_datalink_name_to_val(argv[optind]);
	if (dlt < 0)
		dlt = atoi(argv[optind]);
	for (c = optind + 1; c < argc; c++)
		len += strlen(argv[c]) + 1;
	expr = calloc(1, len + 1);
	if (expr == NULL)
		return (2);
	for (c = optind + 1; c < argc; c++) {
		if (c > optind + 1)
			strcat(expr, " ");
		strcat(expr, argv[c]);
	}
	if (rewrite) {
		rewritten = vsock_filter_rewrite(expr, dlt,
		    ebuf, sizeof(ebuf));
		if (rewritten == NULL) {
			printf("error: %s\n", ebuf);
			return (1);
		}
		free(expr);
		expr = rewritten;
	}
	p = pcap_open_dead(dlt, snaplen);
	if (p == NULL)
		return (2);
	if (pcap_compile(p, &prog, expr, optimize,
	    PCAP_NETMASK_UNKNOWN) < 0) {
		printf("error: %s\n", pcap_geterr(p));
		return (1);
	}
	for (i = 0; i < prog.bf_len; i++)
		printf("%s\n", bpf_image(&prog.bf_insns[i], (int)i));
	pcap_freecode(&prog);
	pcap_close(p);
	return (0);
}
