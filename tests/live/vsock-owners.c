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
 * vsock-owners: processes with known pids and command names on both
 * ends of vsock loopback connections, for the live test of vsockdump's
 * process attribution; and stand-ins for hypervisor processes, for its
 * VM names.
 *
 *   vsock-owners [-p PORT] [-n CLIENTS] [-H HOLD_MS] owners
 *	A server (its own process, command name "own-srv") listens on
 *	VMADDR_CID_ANY.PORT (default 7100) and echoes what each
 *	connection sends; CLIENTS clients (default 4), one process each,
 *	named "own-cli", connect to 1.PORT one after the other, send 100
 *	bytes, read them back, keep the connection HOLD_MS (default 400)
 *	and close it; after the second client, one named "own-quick"
 *	connects and exits at once, without a word or a close.  Logged
 *	on stdout, one line per event:
 *		server pid=P comm=own-srv port=PORT
 *		client pid=P comm=C lport=L port=PORT quick=0|1
 *		done status=0|1
 *
 *   vsock-owners [-p PORT] [-n CLIENTS] serve
 *	The server alone, in the foreground: accepts CLIENTS connections
 *	(default 4), echoes them, and exits once they are closed.
 *
 *   vsock-owners [-c CID] [-p PORT] [-n CLIENTS] [-H HOLD_MS] [-w SECS] connect
 *	The clients alone ("own-cli"), to CID.PORT (CID default 1): each
 *	connects again every second while refused, for SECS (default 0),
 *	then as above.
 *
 *   vsock-owners vm ARG0 [ARG...]
 *	Becomes a process whose command line is ARG0 ARG... (as
 *	/proc/PID/cmdline shows it: a hypervisor's, for vsockdump's VM
 *	names) and sleeps until it is killed; prints its pid first.
 */

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/vm_sockets.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS	64
#define MSG_LEN		100
#define VM_ENV		"VSOCK_OWNERS_VM"

static int	port = 7100;
static unsigned	server_cid = VMADDR_CID_LOCAL;
static int	wait_s;

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
name_self(const char *comm)
{
	(void)prctl(PR_SET_NAME, comm, 0, 0, 0);
}

static void
die(const char *what)
{
	printf("error what=%s errno=%d\n", what, errno);
	fflush(stdout);
	_exit(1);
}

/*
 * The server: accepts and echoes until killed, or (max > 0) until max
 * connections have come and gone.
 */
static void
serve(int lfd, int max)
{
	struct pollfd p[MAX_CONNS + 1];
	char buf[4096];
	ssize_t n;
	int np = 1, i, fd, accepted = 0;

	name_self("own-srv");
	printf("server pid=%ld comm=own-srv port=%d\n", (long)getpid(), port);
	fflush(stdout);
	p[0].fd = lfd;
	p[0].events = POLLIN;
	for (;;) {
		if (poll(p, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if ((p[0].revents & POLLIN) && np <= MAX_CONNS) {
			if ((fd = accept(lfd, NULL, NULL)) >= 0) {
				p[np].fd = fd;
				p[np].events = POLLIN;
				p[np].revents = 0;
				np++;
				accepted++;
			}
		}
		for (i = 1; i < np; i++) {
			if (p[i].revents == 0)
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n > 0 && write(p[i].fd, buf, (size_t)n) == n)
				continue;
			(void)close(p[i].fd);
			p[i] = p[--np];
			i--;
		}
		if (max > 0 && accepted >= max && np == 1)
			_exit(0);
	}
}

/* A client: quick ones exit as soon as connected. */
static void
client(int quick, int hold_ms)
{
	struct sockaddr_vm sa, me;
	socklen_t len = sizeof(me);
	char buf[MSG_LEN];
	const char *comm = quick ? "own-quick" : "own-cli";
	ssize_t n, got = 0;
	int fd;

	name_self(comm);
	if ((fd = socket(AF_VSOCK, SOCK_STREAM, 0)) < 0)
		die("socket");
	memset(&sa, 0, sizeof(sa));
	sa.svm_family = AF_VSOCK;
	sa.svm_cid = server_cid;
	sa.svm_port = (unsigned)port;
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if ((errno != ECONNRESET && errno != ECONNREFUSED) ||
		    wait_s-- <= 0)
			die("connect");
		/* Refused: nothing listens yet.  A new socket, a new try. */
		(void)close(fd);
		sleep_ms(1000);
		if ((fd = socket(AF_VSOCK, SOCK_STREAM, 0)) < 0)
			die("socket");
	}
	if (getsockname(fd, (struct sockaddr *)&me, &len) < 0)
		die("getsockname");
	printf("client pid=%ld comm=%s lport=%u port=%d quick=%d\n",
	    (long)getpid(), comm, me.svm_port, port, quick);
	fflush(stdout);
	if (quick)
		_exit(0);
	memset(buf, 'o', sizeof(buf));
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		die("write");
	while (got < (ssize_t)sizeof(buf)) {
		n = read(fd, buf, sizeof(buf) - (size_t)got);
		if (n <= 0)
			die("read");
		got += n;
	}
	sleep_ms(hold_ms);
	(void)close(fd);
	_exit(0);
}

static int
listener(void)
{
	struct sockaddr_vm sa;
	int lfd;

	if ((lfd = socket(AF_VSOCK, SOCK_STREAM, 0)) < 0)
		die("socket");
	memset(&sa, 0, sizeof(sa));
	sa.svm_family = AF_VSOCK;
	sa.svm_cid = VMADDR_CID_ANY;
	sa.svm_port = (unsigned)port;
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, MAX_CONNS) < 0)
		die("listen");
	return lfd;
}

/*
 * The clients, one after the other; with quick, one that exits at once
 * after the second.  Returns non-zero if one failed.
 */
static int
clients(int nclients, int hold_ms, int quick)
{
	pid_t pid;
	int i, status, failed = 0;

	for (i = 0; i < nclients; i++) {
		if (quick && i == 2) {
			if ((pid = fork()) < 0)
				die("fork");
			if (pid == 0)
				client(1, 0);
			if (waitpid(pid, &status, 0) < 0 || status != 0)
				failed = 1;
			sleep_ms(100);
		}
		if ((pid = fork()) < 0)
			die("fork");
		if (pid == 0)
			client(0, hold_ms);
		/* One connection at a time: each keeps its own pids. */
		if (waitpid(pid, &status, 0) < 0 || status != 0)
			failed = 1;
		sleep_ms(100);
	}
	return failed;
}

static int
owners(int nclients, int hold_ms)
{
	pid_t srv;
	int lfd, status, failed;

	lfd = listener();
	fflush(stdout);
	if ((srv = fork()) < 0)
		die("fork");
	if (srv == 0)
		serve(lfd, 0);
	(void)close(lfd);
	sleep_ms(200);
	failed = clients(nclients, hold_ms, 1);
	sleep_ms(500);
	(void)kill(srv, SIGTERM);
	(void)waitpid(srv, &status, 0);
	printf("done status=%d\n", failed);
	return failed;
}

int
main(int argc, char **argv)
{
	int nclients = 4, hold_ms = 400, c;

	if (getenv(VM_ENV) != NULL) {
		for (;;)
			pause();
	}
	if (argc > 2 && strcmp(argv[1], "vm") == 0) {
		printf("%ld\n", (long)getpid());
		fflush(stdout);
		if (setenv(VM_ENV, "1", 1) < 0)
			die("setenv");
		execv("/proc/self/exe", argv + 2);
		die("execv");
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "c:p:n:H:w:")) != -1) {
		switch (c) {
		case 'c':
			server_cid = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'w':
			wait_s = atoi(optarg);
			break;
		case 'n':
			nclients = atoi(optarg);
			break;
		case 'H':
			hold_ms = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || nclients < 1 || nclients > MAX_CONNS - 1)
		goto usage;
	if (strcmp(argv[optind], "owners") == 0)
		return owners(nclients, hold_ms);
	if (strcmp(argv[optind], "serve") == 0)
		serve(listener(), nclients);
	if (strcmp(argv[optind], "connect") == 0) {
		c = clients(nclients, hold_ms, 0);
		printf("done status=%d\n", c);
		return c;
	}
usage:
	fprintf(stderr, "usage: vsock-owners [-c CID] [-p PORT] [-n N] "
	    "[-H MS] [-w SECS] owners|serve|connect\n"
	    "       vsock-owners vm ARG0 [ARG...]\n");
	return 2;
}
