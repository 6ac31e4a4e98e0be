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
 * vsock-cat: copies its standard input to one vsock STREAM connection,
 * or one connection's data to its standard output.  The host-guest stage
 * brings the guest's results out this way, once its captures are done:
 * through the nested guest's emulated serial port they take minutes.
 *
 *	vsock-cat -l PORT		accept one connection, copy it to
 *					stdout, exit
 *	vsock-cat CID PORT [SECONDS]	connect (again every second while
 *					refused, for SECONDS, default 120),
 *					copy stdin to it, exit
 *	vsock-cat -n CID PORT		connect once to where nothing can
 *					answer; print "probe dst=CID.PORT
 *					lport=N errno=NAME"
 *
 * Exit status 0 once everything is copied and the connection closed
 * (-n: once the connect failed).
 */

#include <sys/socket.h>
#include <linux/vm_sockets.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char	buf[65536];

/* Copies in to out until the end of in; -1 on an error. */
static int
copy(int in, int out)
{
	ssize_t n, w, done;

	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (n == 0 ? 0 : -1);
		for (done = 0; done < n; done += w) {
			w = write(out, buf + done, (size_t)(n - done));
			if (w == -1 && errno == EINTR)
				w = 0;
			else if (w == -1)
				return (-1);
		}
	}
}

static void
vmaddr(struct sockaddr_vm *svm, unsigned int cid, unsigned int port)
{
	memset(svm, 0, sizeof(*svm));
	svm->svm_family = AF_VSOCK;
	svm->svm_cid = cid;
	svm->svm_port = port;
}

static int
receive(unsigned int port)
{
	struct sockaddr_vm svm;
	int lfd, fd;

	vmaddr(&svm, VMADDR_CID_ANY, port);
	if ((lfd = socket(AF_VSOCK, SOCK_STREAM, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&svm, sizeof(svm)) == -1 ||
	    listen(lfd, 1) == -1 || (fd = accept(lfd, NULL, NULL)) == -1) {
		perror("vsock-cat: listen");
		return (1);
	}
	close(lfd);
	if (copy(fd, STDOUT_FILENO) == -1) {
		perror("vsock-cat: receive");
		return (1);
	}
	close(fd);
	return (0);
}

static const char *
errname(int e)
{
	switch (e) {
	case ENODEV:		return ("ENODEV");
	case ETIMEDOUT:		return ("ETIMEDOUT");
	case ECONNRESET:	return ("ECONNRESET");
	case ECONNREFUSED:	return ("ECONNREFUSED");
	case EHOSTUNREACH:	return ("EHOSTUNREACH");
	case ENETUNREACH:	return ("ENETUNREACH");
	default:		return ("other");
	}
}

static int
probe(unsigned int cid, unsigned int port)
{
	struct sockaddr_vm svm;
	socklen_t len = sizeof(svm);
	int fd, e;

	vmaddr(&svm, cid, port);
	if ((fd = socket(AF_VSOCK, SOCK_STREAM, 0)) == -1) {
		perror("vsock-cat: socket");
		return (1);
	}
	e = connect(fd, (struct sockaddr *)&svm, sizeof(svm)) == 0 ? 0 : errno;
	memset(&svm, 0, sizeof(svm));
	(void)getsockname(fd, (struct sockaddr *)&svm, &len);
	printf("probe dst=%u.%u lport=%u errno=%s\n", cid, port, svm.svm_port,
	    e == 0 ? "0" : errname(e));
	close(fd);
	return (e == 0);
}

static int
send_to(unsigned int cid, unsigned int port, unsigned int secs)
{
	struct sockaddr_vm svm;
	unsigned int tries = 0;
	int fd;

	vmaddr(&svm, cid, port);
	for (;;) {
		if ((fd = socket(AF_VSOCK, SOCK_STREAM, 0)) == -1) {
			perror("vsock-cat: socket");
			return (1);
		}
		if (connect(fd, (struct sockaddr *)&svm, sizeof(svm)) == 0)
			break;
		if ((errno != ECONNRESET && errno != ECONNREFUSED) ||
		    ++tries > secs) {
			perror("vsock-cat: connect");
			return (1);
		}
		close(fd);
		sleep(1);
	}
	if (copy(STDIN_FILENO, fd) == -1 || shutdown(fd, SHUT_WR) == -1) {
		perror("vsock-cat: send");
		return (1);
	}
	/* Wait for the receiver to close: it has everything then. */
	while (read(fd, buf, sizeof(buf)) > 0)
		continue;
	close(fd);
	return (0);
}

int
main(int argc, char *argv[])
{
	if (argc == 4 && strcmp(argv[1], "-n") == 0)
		return (probe((unsigned int)strtoul(argv[2], NULL, 0),
		    (unsigned int)strtoul(argv[3], NULL, 0)));
	if (argc == 3 && strcmp(argv[1], "-l") == 0)
		return (receive((unsigned int)strtoul(argv[2], NULL, 0)));
	if (argc == 3 || argc == 4)
		return (send_to((unsigned int)strtoul(argv[1], NULL, 0),
		    (unsigned int)strtoul(argv[2], NULL, 0),
		    argc == 4 ? (unsigned int)strtoul(argv[3], NULL, 0) :
		    120));
	fprintf(stderr, "usage: vsock-cat -l port | vsock-cat cid port "
	    "[seconds] | vsock-cat -n cid port\n");
	return (2);
}
