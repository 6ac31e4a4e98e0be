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
 * filtersweep: compile many filter expressions, each in a process of
 * its own, as "tcpdump -d" compiles one (pcap_open_dead(), then
 * pcap_compile() with the optimizer), and say how each ended: compiled,
 * refused with a message, or killed by a signal.  A compiler that
 * aborts takes only its own process down, so one run covers them all.
 *
 * Usage: filtersweep [-R] < LIST
 *	LIST has lines "LINKTYPE<TAB>EXPRESSION"; -R compiles each as
 *	vsockdump does on a libpcap without vsock primitives
 *	(src/filter-rewrite.c).
 * Prints "LINKTYPE<TAB>EXPRESSION<TAB>RESULT" for each, RESULT being
 * "ok", "error: MESSAGE", "killed by signal N" or "exit N" (a process
 * that exited neither 0 nor 1).
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "filter-rewrite.h"

#define SWEEP_SNAPLEN	262144
#define SWEEP_LINE_MAX	4096

/* In the child: compile, write the message (if any) to fd, exit 0 or 1. */
static void
compile_one(int dlt, const char *expr, int rewrite, int fd)
{
	char ebuf[PCAP_ERRBUF_SIZE], *rewritten = NULL;
	struct bpf_program prog;
	pcap_t *p;
	FILE *out = fdopen(fd, "w");

	if (out == NULL)
		_exit(2);
	if (rewrite) {
		rewritten = vsock_filter_rewrite(expr, dlt, ebuf, sizeof(ebuf));
		if (rewritten == NULL) {
			fputs(ebuf, out);
			fclose(out);
			_exit(1);
		}
		expr = rewritten;
	}
	p = pcap_open_dead(dlt, SWEEP_SNAPLEN);
	if (p == NULL)
		_exit(2);
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		fputs(pcap_geterr(p), out);
		fclose(out);
		_exit(1);
	}
	pcap_freecode(&prog);
	pcap_close(p);
	free(rewritten);
	fclose(out);
	_exit(0);
}

/* Run one expression in a child; print its line. */
static void
sweep_one(const char *link, const char *expr, int rewrite)
{
	char msg[PCAP_ERRBUF_SIZE + 1];
	size_t n = 0;
	ssize_t r;
	int fds[2], status, dlt;
	pid_t pid;

	dlt = pcap_datalink_name_to_val(link);
	if (dlt < 0) {
		printf("%s\t%s\tunknown link type\n", link, expr);
		return;
	}
	if (pipe(fds) < 0) {
		perror("filtersweep: pipe");
		exit(2);
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("filtersweep: fork");
		exit(2);
	}
	if (pid == 0) {
		close(fds[0]);
		compile_one(dlt, expr, rewrite, fds[1]);
	}
	close(fds[1]);
	while (n < sizeof(msg) - 1 &&
	    ((r = read(fds[0], msg + n, sizeof(msg) - 1 - n)) > 0 ||
	    (r < 0 && errno == EINTR)))
		if (r > 0)
			n += (size_t)r;
	msg[n] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("filtersweep: waitpid");
			exit(2);
		}
	printf("%s\t%s\t", link, expr);
	if (WIFSIGNALED(status))
		printf("killed by signal %d\n", WTERMSIG(status));
	else if (WEXITSTATUS(status) == 0)
		printf("ok\n");
	else if (WEXITSTATUS(status) == 1)
		printf("error: %s\n", msg);
	else
		printf("exit %d\n", WEXITSTATUS(status));
}

int
main(int argc, char **argv)
{
	char line[SWEEP_LINE_MAX], *tab, *nl;
	int rewrite = 0;

	if (argc == 2 && strcmp(argv[1], "-R") == 0)
		rewrite = 1;
	else if (argc != 1) {
		fprintf(stderr, "usage: filtersweep [-R] < LIST\n");
		return (2);
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		tab = strchr(line, '\t');
		if (tab == NULL) {
			fprintf(stderr, "filtersweep: no tab in '%s'\n", line);
			return (2);
		}
		*tab = '\0';
		sweep_one(line, tab + 1, rewrite);
	}
	return (0);
}
