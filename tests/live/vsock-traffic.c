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
 * vsock-traffic: known AF_VSOCK traffic for the live capture test.
 *
 * Both ends run here: the client in the main process, one forked server
 * per socket type.  Every connection carries exactly one message of a
 * planned size, client to server, optionally echoed back, then the
 * client shuts down both directions (SHUT_WR first or SHUT_RD first,
 * alternating) and both sides close.  One connection per message keeps
 * every message on its own port pair, so a capture can be checked
 * against the log message by message.  The server tells the client over
 * a pipe when it has closed, so connections never overlap.
 *
 * Everything done is logged on stdout, one line per event, as
 * "event key=value ...":
 *
 *	listen type=T addr=CID.PORT
 *	connect type=T conn=N src=CID.PORT dst=CID.PORT echo=0|1
 *	accept type=T conn=N src=CID.PORT dst=CID.PORT
 *	send type=T conn=N src=CID.PORT dst=CID.PORT bytes=B fnv=H [noop=1]
 *	recv type=T conn=N src=CID.PORT dst=CID.PORT bytes=B fnv=H
 *	shutdown type=T conn=N src=CID.PORT dst=CID.PORT how=wr|rd
 *	close type=T conn=N src=CID.PORT dst=CID.PORT
 *	refused type=T src=CID.PORT dst=CID.PORT errno=NAME
 *	burst type=T conn=N src=CID.PORT dst=CID.PORT count=N size=S
 *	    bytes=B fnv=H seconds=S rate=R
 *	error what=TEXT errno=NAME
 *	done status=0|1
 *
 * Mode "analysis" (the connection analysis's live test) runs its
 * connections at the same time instead: ANA_STREAMS STREAM and ANA_SEQS
 * SEQPACKET connections, each exchanging ANA_ROUNDS messages both ways
 * (each side sends, then receives the other's; a few milliseconds
 * apart, so that the connections interleave), closed by the client; a
 * refused connect; and a stalled one: a server whose listening socket
 * has a small SO_VM_SOCKETS_BUFFER_SIZE (-b, default 4096) accepts, then
 * reads nothing for -P seconds (default 2) while the client sends
 * -B bytes (default 32768) without blocking, waiting in poll() when it
 * has no credit.  Its own lines (times are CLOCK_REALTIME seconds, the
 * clock of the capture's time stamps):
 *
 *	send type=T conn=N src=CID.PORT dst=CID.PORT bytes=B fnv=H count=C
 *	    (the totals of one side; count: send() calls)
 *	recv type=T conn=N src=CID.PORT dst=CID.PORT bytes=B fnv=H
 *	accept type=T conn=0 src=CID.PORT dst=CID.PORT
 *	stall type=stream conn=N src=CID.PORT dst=CID.PORT buffer=B
 *	    pause_start=T pause_end=T pause=S
 *	stall-send type=stream conn=N src=CID.PORT dst=CID.PORT
 *	    blocked_at=T unblocked_at=T
 *
 * (a server does not know the client's conn number: it logs conn=0).
 *
 * src and dst of send and recv are those of the data on the wire (recv:
 * src is the peer).  fnv is the 32-bit FNV-1a hash of the bytes, in hex.
 * A zero-byte STREAM send puts nothing on the wire: it is logged with
 * noop=1.
 *
 * Split roles (-r): the client and the server run as two processes,
 * possibly on two machines (a host and its guest), each logging its own
 * events with its own local CID (-l, default the one /dev/vsock gives).
 * Run with the same plan (modes, -z, -p, -C) on both sides, they pace
 * each other through a sync channel (-S) that carries no vsock traffic:
 * a unix stream socket (QEMU's "-chardev socket" end) or a tty (the
 * guest's end of that serial line, put in raw mode).  One byte per
 * event: the tty side sends 'H' (hello) once a second until the socket
 * side answers 'H'; then the server sends 'R' when it listens for a
 * socket type (or the burst), 'E' when it has sent an empty echo, 'C'
 * when it has closed a connection.
 */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/vm_sockets.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAXMSG		200000
#define NSIZES_MAX	32
#define RCVTIMEO_SEC	30
#define ALARM_SEC	300

/* Sync channel bytes (see above). */
#define SYNC_HELLO	'H'
#define SYNC_READY	'R'
#define SYNC_ECHOED	'E'
#define SYNC_CLOSED	'C'

enum role { ROLE_BOTH, ROLE_CLIENT, ROLE_SERVER };

struct plan {
	int		 type;		/* SOCK_STREAM or SOCK_SEQPACKET */
	unsigned int	 conn;		/* connection number, from 1 */
	size_t		 size;		/* message size */
	int		 echo;		/* server echoes the message */
	int		 wrfirst;	/* client: SHUT_WR before SHUT_RD */
};

static unsigned int	 cid = VMADDR_CID_LOCAL;	/* the peer's */
static unsigned int	 lcid = VMADDR_CID_ANY;	/* ours, for the log */
static unsigned int	 baseport = 5000;
static size_t		 sizes[NSIZES_MAX] = {
	0, 1, 100, 4096, 65536, 70000, 200000
};
static int		 nsizes = 7;
static unsigned long	 burstcount = 5000;
static size_t		 burstsize = 64;
static int		 bursttype = SOCK_STREAM;
static unsigned int	 burstsecs;	/* burst for this long instead */
static int		 failed;

/* Mode "analysis". */
#define ANA_STREAMS	3
#define ANA_SEQS	2
#define ANA_ROUNDS	6
static const size_t	 ana_client_sizes[ANA_ROUNDS] = {
	100, 3000, 20000, 60000, 1, 4096
};
static const size_t	 ana_server_sizes[ANA_ROUNDS] = {
	4096, 1, 60000, 20000, 3000, 100
};
static double		 stall_pause = 2.0;
static unsigned long	 stall_buffer = 4096;
static size_t		 stall_bytes = 32768;

static unsigned char	 txbuf[MAXMSG + 1];
static unsigned char	 rxbuf[MAXMSG + 1];

static const char *
typename(int type)
{
	return (type == SOCK_STREAM ? "stream" : "seqpacket");
}

static const char *
errname(int e)
{
	switch (e) {
	case 0:			return ("0");
	case ECONNRESET:	return ("ECONNRESET");
	case ECONNREFUSED:	return ("ECONNREFUSED");
	case ETIMEDOUT:		return ("ETIMEDOUT");
	case EAGAIN:		return ("EAGAIN");
	case EINTR:		return ("EINTR");
	case EPIPE:		return ("EPIPE");
	case ENOTCONN:		return ("ENOTCONN");
	case EMSGSIZE:		return ("EMSGSIZE");
	case EAFNOSUPPORT:	return ("EAFNOSUPPORT");
	case ENODEV:		return ("ENODEV");
	case EADDRINUSE:	return ("EADDRINUSE");
	case EINVAL:		return ("EINVAL");
	case EPERM:		return ("EPERM");
	case ESOCKTNOSUPPORT:	return ("ESOCKTNOSUPPORT");
	case EOPNOTSUPP:	return ("EOPNOTSUPP");
	default:		break;
	}
	return ("other");
}

/* One line, one write(2), so the server's and client's lines never mix. */
static void
logline(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	(void)write(STDOUT_FILENO, line, (size_t)n);
}

static void
fail(const char *what, int e)
{
	logline("error what=%s errno=%s", what, errname(e));
	fprintf(stderr, "vsock-traffic: %s: %s\n", what, strerror(e));
	failed = 1;
}

/* One byte on the sync channel (a pipe, or the one of a split run). */
static void
token(int syncfd, char c)
{
	while (write(syncfd, &c, 1) == -1 && errno == EINTR)
		continue;
}

static uint32_t
fnv1a(const unsigned char *p, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return (h);
}

/* Message contents: different for every connection, easy to recompute. */
static void
fill(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 7 + seed * 13 + (i >> 8));
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
set_timeout(int fd)
{
	struct timeval tv;

	tv.tv_sec = RCVTIMEO_SEC;
	tv.tv_usec = 0;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static unsigned int
localport(int fd)
{
	struct sockaddr_vm svm;
	socklen_t len = sizeof(svm);

	memset(&svm, 0, sizeof(svm));
	if (getsockname(fd, (struct sockaddr *)&svm, &len) == -1)
		return (VMADDR_PORT_ANY);
	return (svm.svm_port);
}

static void
vmaddr(struct sockaddr_vm *svm, unsigned int c, unsigned int port)
{
	memset(svm, 0, sizeof(*svm));
	svm->svm_family = AF_VSOCK;
	svm->svm_cid = c;
	svm->svm_port = port;
}

static int
listen_on(int type, unsigned int port)
{
	struct sockaddr_vm svm;
	int fd;

	if ((fd = socket(AF_VSOCK, type, 0)) == -1) {
		fail("socket", errno);
		return (-1);
	}
	vmaddr(&svm, VMADDR_CID_ANY, port);
	if (bind(fd, (struct sockaddr *)&svm, sizeof(svm)) == -1 ||
	    listen(fd, 16) == -1) {
		fail("listen", errno);
		close(fd);
		return (-1);
	}
	logline("listen type=%s addr=%u.%u", typename(type), lcid, port);
	return (fd);
}

/* Sends len bytes: STREAM may need several calls, SEQPACKET takes one. */
static ssize_t
send_msg(int fd, int type, const unsigned char *p, size_t len)
{
	size_t done = 0;
	ssize_t n;

	if (type == SOCK_SEQPACKET || len == 0)
		return (send(fd, p, len, MSG_NOSIGNAL));
	while (done < len) {
		n = send(fd, p + done, len - done, MSG_NOSIGNAL);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		done += (size_t)n;
	}
	return ((ssize_t)done);
}

/* Receives one message of len bytes (STREAM: exactly len bytes). */
static ssize_t
recv_msg(int fd, int type, unsigned char *p, size_t len)
{
	size_t done = 0;
	ssize_t n;

	if (type == SOCK_SEQPACKET)
		return (recv(fd, p, MAXMSG + 1, MSG_TRUNC));
	while (done < len) {
		n = recv(fd, p + done, len - done, 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return ((ssize_t)done);
}

/* Waits until the peer has shut down its sending side. */
static void
drain_eof(int fd)
{
	unsigned char b[256];
	ssize_t n;

	while ((n = recv(fd, b, sizeof(b), 0)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fail("recv-eof", errno);
			return;
		}
		logline("error what=unexpected-data bytes=%zd", n);
		failed = 1;
	}
}

static void
serve(int lfd, int type, const struct plan *plan, int nplan, int syncfd)
{
	struct sockaddr_vm peer;
	socklen_t plen;
	unsigned int lport;
	ssize_t n;
	int i, fd;

	lport = localport(lfd);
	for (i = 0; i < nplan; i++) {
		if (plan[i].type != type)
			continue;
		plen = sizeof(peer);
		if ((fd = accept(lfd, (struct sockaddr *)&peer, &plen)) == -1) {
			fail("accept", errno);
			break;
		}
		set_timeout(fd);
		logline("accept type=%s conn=%u src=%u.%u dst=%u.%u",
		    typename(type), plan[i].conn, peer.svm_cid, peer.svm_port,
		    lcid, lport);
		n = 0;
		if (plan[i].size > 0) {
			n = recv_msg(fd, type, rxbuf, plan[i].size);
			if (n == -1)
				fail("recv", errno);
			else {
				if ((size_t)n > MAXMSG)
					n = MAXMSG;
				logline("recv type=%s conn=%u src=%u.%u "
				    "dst=%u.%u bytes=%zd fnv=%08x",
				    typename(type), plan[i].conn,
				    peer.svm_cid, peer.svm_port, lcid, lport,
				    n, fnv1a(rxbuf, (size_t)n));
			}
		}
		if (plan[i].echo && n >= 0) {
			n = send_msg(fd, type, rxbuf, (size_t)n);
			/* An empty echo: the client waits for this token. */
			if (plan[i].size == 0)
				token(syncfd, SYNC_ECHOED);
			if (n == -1)
				fail("echo", errno);
			else
				logline("send type=%s conn=%u src=%u.%u "
				    "dst=%u.%u bytes=%zd fnv=%08x%s",
				    typename(type), plan[i].conn, lcid, lport,
				    peer.svm_cid, peer.svm_port, n,
				    fnv1a(rxbuf, (size_t)n),
				    n == 0 && type == SOCK_STREAM ?
				    " noop=1" : "");
		}
		drain_eof(fd);
		close(fd);
		logline("close type=%s conn=%u src=%u.%u dst=%u.%u",
		    typename(type), plan[i].conn, lcid, lport,
		    peer.svm_cid, peer.svm_port);
		token(syncfd, SYNC_CLOSED);
	}
}

/* Serves the burst connection: reads to end of file, logs the total. */
static void
serve_burst(int lfd, int type, unsigned int conn, int syncfd)
{
	struct sockaddr_vm peer;
	socklen_t plen = sizeof(peer);
	unsigned long long total = 0;
	uint32_t h = 2166136261u;
	unsigned int lport;
	ssize_t n, j;
	int fd;

	lport = localport(lfd);
	if ((fd = accept(lfd, (struct sockaddr *)&peer, &plen)) == -1) {
		fail("accept", errno);
		return;
	}
	set_timeout(fd);
	logline("accept type=%s conn=%u src=%u.%u dst=%u.%u", typename(type),
	    conn, peer.svm_cid, peer.svm_port, lcid, lport);
	for (;;) {
		n = recv(fd, rxbuf, sizeof(rxbuf), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fail("recv", errno);
			break;
		}
		if (n == 0)
			break;
		for (j = 0; j < n; j++) {
			h ^= rxbuf[j];
			h *= 16777619u;
		}
		total += (unsigned long long)n;
	}
	logline("recv type=%s conn=%u src=%u.%u dst=%u.%u bytes=%llu fnv=%08x",
	    typename(type), conn, peer.svm_cid, peer.svm_port, lcid, lport,
	    total, h);
	close(fd);
	logline("close type=%s conn=%u src=%u.%u dst=%u.%u", typename(type),
	    conn, lcid, lport, peer.svm_cid, peer.svm_port);
	token(syncfd, SYNC_CLOSED);
}

static int
dial(int type, unsigned int port, unsigned int *lport)
{
	struct sockaddr_vm svm;
	int fd;

	if ((fd = socket(AF_VSOCK, type, 0)) == -1)
		return (-1);
	set_timeout(fd);
	vmaddr(&svm, cid, port);
	if (connect(fd, (struct sockaddr *)&svm, sizeof(svm)) == -1) {
		int e = errno;

		*lport = localport(fd);
		close(fd);
		errno = e;
		return (-1);
	}
	*lport = localport(fd);
	return (fd);
}

/* Waits for byte want on the sync channel; -1 if it ends first. */
static int
waitsync(int syncfd, char want)
{
	ssize_t n;
	char b;

	for (;;) {
		n = read(syncfd, &b, 1);
		if (n == 1 && b == want)
			return (0);
		if (n == 1 && b == SYNC_HELLO)
			continue;	/* a late repeat of the tty's hello */
		if (n == 1) {
			logline("error what=sync-got-%c-for-%c errno=0", b,
			    want);
			failed = 1;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		return (-1);
	}
}

static int
client(const struct plan *p, unsigned int port, int syncfd)
{
	const char *t = typename(p->type);
	unsigned int lport;
	ssize_t n;
	int fd, i, how;

	if ((fd = dial(p->type, port, &lport)) == -1) {
		fail("connect", errno);
		return (-1);
	}
	logline("connect type=%s conn=%u src=%u.%u dst=%u.%u echo=%d", t,
	    p->conn, lcid, lport, cid, port, p->echo);
	fill(txbuf, p->size, p->conn);
	n = send_msg(fd, p->type, txbuf, p->size);
	if (n == -1)
		fail("send", errno);
	else
		logline("send type=%s conn=%u src=%u.%u dst=%u.%u bytes=%zd "
		    "fnv=%08x%s", t, p->conn, lcid, lport, cid, port, n,
		    fnv1a(txbuf, (size_t)n),
		    n == 0 && p->type == SOCK_STREAM ? " noop=1" : "");
	if (p->echo && p->size == 0)
		/* nothing to receive: wait for the echo */
		(void)waitsync(syncfd, SYNC_ECHOED);
	if (p->echo && p->size > 0) {
		n = recv_msg(fd, p->type, rxbuf, p->size);
		if (n == -1)
			fail("recv", errno);
		else {
			if ((size_t)n > MAXMSG)
				n = MAXMSG;
			logline("recv type=%s conn=%u src=%u.%u dst=%u.%u "
			    "bytes=%zd fnv=%08x", t, p->conn, cid, port, lcid,
			    lport, n, fnv1a(rxbuf, (size_t)n));
		}
	}
	for (i = 0; i < 2; i++) {
		how = (p->wrfirst == (i == 0)) ? SHUT_WR : SHUT_RD;
		if (shutdown(fd, how) == -1)
			fail("shutdown", errno);
		else
			logline("shutdown type=%s conn=%u src=%u.%u dst=%u.%u "
			    "how=%s", t, p->conn, lcid, lport, cid, port,
			    how == SHUT_WR ? "wr" : "rd");
	}
	/* The server closes after seeing our SHUT_WR; then we close. */
	(void)waitsync(syncfd, SYNC_CLOSED);
	close(fd);
	logline("close type=%s conn=%u src=%u.%u dst=%u.%u", t, p->conn, lcid,
	    lport, cid, port);
	return (0);
}

static void
refused(int type, unsigned int port)
{
	unsigned int lport = VMADDR_PORT_ANY;
	int fd;

	fd = dial(type, port, &lport);
	if (fd != -1) {
		logline("error what=connect-to-closed-port-succeeded "
		    "errno=0");
		failed = 1;
		close(fd);
		return;
	}
	logline("refused type=%s src=%u.%u dst=%u.%u errno=%s",
	    typename(type), lcid, lport, cid, port, errname(errno));
	if (errno != ECONNRESET && errno != ECONNREFUSED)
		fail("refused-connect", errno);
}

static int
burst(int type, unsigned int port, unsigned int conn, int syncfd)
{
	const char *t = typename(type);
	unsigned int lport;
	unsigned long i;
	uint32_t h = 2166136261u;
	double t0, t1;
	size_t j;
	int fd;

	if ((fd = dial(type, port, &lport)) == -1) {
		fail("connect", errno);
		return (-1);
	}
	logline("connect type=%s conn=%u src=%u.%u dst=%u.%u echo=0", t, conn,
	    lcid, lport, cid, port);
	fill(txbuf, burstsize, conn);
	/* Timed (-T): no hash here, the receiver's is checked instead. */
	for (i = 0; burstsecs == 0 && i < burstcount; i++)
		for (j = 0; j < burstsize; j++) {
			h ^= txbuf[j];
			h *= 16777619u;
		}
	t0 = now();
	for (i = 0; burstsecs > 0 ? now() - t0 < burstsecs : i < burstcount;
	    i++)
		if (send_msg(fd, type, txbuf, burstsize) != (ssize_t)burstsize) {
			fail("burst-send", errno);
			break;
		}
	t1 = now();
	if (shutdown(fd, SHUT_WR) == -1)
		fail("shutdown", errno);
	else
		logline("shutdown type=%s conn=%u src=%u.%u dst=%u.%u how=wr",
		    t, conn, lcid, lport, cid, port);
	(void)waitsync(syncfd, SYNC_CLOSED);
	close(fd);
	logline("close type=%s conn=%u src=%u.%u dst=%u.%u", t, conn, lcid,
	    lport, cid, port);
	logline("burst type=%s conn=%u src=%u.%u dst=%u.%u count=%lu size=%zu "
	    "bytes=%llu fnv=%08x seconds=%.6f rate=%.0f", t, conn, lcid, lport,
	    cid, port, i, burstsize, (unsigned long long)i * burstsize, h,
	    t1 - t0, t1 > t0 ? (double)i / (t1 - t0) : 0.0);
	return (0);
}

/*
 * Forks a server on a listening socket made here (so no connect can come
 * before the listen); returns its pid and the read end of its sync pipe.
 */
static pid_t
start_server(int type, unsigned int port, const struct plan *plan,
    int nplan, int isburst, unsigned int burstconn, int *syncrd)
{
	int lfd, pfd[2];
	pid_t pid;

	if ((lfd = listen_on(type, port)) == -1)
		return (-1);
	if (pipe(pfd) == -1) {
		fail("pipe", errno);
		close(lfd);
		return (-1);
	}
	if ((pid = fork()) == -1) {
		fail("fork", errno);
		close(lfd);
		return (-1);
	}
	if (pid == 0) {
		close(pfd[0]);
		if (isburst)
			serve_burst(lfd, type, burstconn, pfd[1]);
		else
			serve(lfd, type, plan, nplan, pfd[1]);
		close(lfd);
		_exit(failed);
	}
	close(pfd[1]);
	close(lfd);
	*syncrd = pfd[0];
	return (pid);
}

/* Waits for a server; kills it first if the client gave up early. */
static void
reap(pid_t pid, int kill_it)
{
	int status;

	if (pid <= 0)
		return;
	if (kill_it)
		(void)kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			fail("waitpid", errno);
			return;
		}
	if (!kill_it && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		logline("error what=server-failed errno=0");
		failed = 1;
	}
}

static int
parse_sizes(const char *s)
{
	char *end;
	unsigned long v;

	nsizes = 0;
	while (*s != '\0') {
		if (nsizes == NSIZES_MAX)
			return (-1);
		v = strtoul(s, &end, 10);
		if (end == s || v > MAXMSG)
			return (-1);
		sizes[nsizes++] = v;
		s = end;
		if (*s == ',')
			s++;
		else if (*s != '\0')
			return (-1);
	}
	return (nsizes > 0 ? 0 : -1);
}

/* CLOCK_REALTIME, the clock of the capture's time stamps. */
static double
realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
fnv_update(uint32_t *h, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		*h ^= p[i];
		*h *= 16777619u;
	}
}

/* A side's totals, both ways. */
struct tally {
	unsigned long long sent, rcvd;
	uint32_t	 sfnv, rfnv;
	unsigned long	 sends;
};

/*
 * One side of an analysis connection: ANA_ROUNDS times, send our
 * message, then receive the peer's.  The client's last SEQPACKET
 * message ends a record (MSG_EOR).
 */
static int
ana_exchange(int fd, int type, int client, unsigned int seed,
    struct tally *t)
{
	const size_t *out = client ? ana_client_sizes : ana_server_sizes;
	const size_t *in = client ? ana_server_sizes : ana_client_sizes;
	ssize_t n;
	int r, flags;

	t->sfnv = t->rfnv = 2166136261u;
	for (r = 0; r < ANA_ROUNDS; r++) {
		fill(txbuf, out[r], seed * 16 + (unsigned int)r);
		flags = MSG_NOSIGNAL;
		if (client && type == SOCK_SEQPACKET && r == ANA_ROUNDS - 1)
			flags |= MSG_EOR;
		if (type == SOCK_SEQPACKET)
			n = send(fd, txbuf, out[r], flags);
		else
			n = send_msg(fd, type, txbuf, out[r]);
		if (n != (ssize_t)out[r]) {
			fail("ana-send", errno);
			return (-1);
		}
		fnv_update(&t->sfnv, txbuf, out[r]);
		t->sent += out[r];
		t->sends++;
		n = recv_msg(fd, type, rxbuf, in[r]);
		if (n != (ssize_t)in[r]) {
			fail("ana-recv", n == -1 ? errno : EMSGSIZE);
			return (-1);
		}
		fnv_update(&t->rfnv, rxbuf, in[r]);
		t->rcvd += in[r];
		usleep((useconds_t)(1000 + (seed * 7 + r * 13) % 4000));
	}
	return (0);
}

static void
ana_log(const char *t, unsigned int conn, const char *me, const char *peer,
    const struct tally *ty)
{
	logline("send type=%s conn=%u src=%s dst=%s bytes=%llu fnv=%08x "
	    "count=%lu", t, conn, me, peer, ty->sent, ty->sfnv, ty->sends);
	logline("recv type=%s conn=%u src=%s dst=%s bytes=%llu fnv=%08x", t,
	    conn, peer, me, ty->rcvd, ty->rfnv);
}

/* Serves n analysis connections on lfd at once, one process each. */
static void
ana_serve(int lfd, int type, int n)
{
	struct sockaddr_vm peer;
	socklen_t plen;
	struct tally ty;
	char me[32], them[32];
	pid_t pid;
	int i, fd, st;

	for (i = 0; i < n; i++) {
		plen = sizeof(peer);
		if ((fd = accept(lfd, (struct sockaddr *)&peer, &plen)) == -1) {
			fail("accept", errno);
			break;
		}
		if ((pid = fork()) == -1) {
			fail("fork", errno);
			close(fd);
			continue;
		}
		if (pid != 0) {
			close(fd);
			continue;
		}
		close(lfd);
		set_timeout(fd);
		snprintf(me, sizeof(me), "%u.%u", cid, localport(fd));
		snprintf(them, sizeof(them), "%u.%u", peer.svm_cid,
		    peer.svm_port);
		logline("accept type=%s conn=0 src=%s dst=%s", typename(type),
		    them, me);
		memset(&ty, 0, sizeof(ty));
		if (ana_exchange(fd, type, 0, peer.svm_port, &ty) == 0)
			ana_log(typename(type), 0, me, them, &ty);
		drain_eof(fd);
		close(fd);
		logline("close type=%s conn=0 src=%s dst=%s", typename(type),
		    me, them);
		_exit(failed);
	}
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed = 1;
}

static void
ana_client(int type, unsigned int port, unsigned int conn)
{
	struct tally ty;
	char me[32], them[32];
	unsigned int lport;
	int fd;

	if ((fd = dial(type, port, &lport)) == -1) {
		fail("connect", errno);
		return;
	}
	snprintf(me, sizeof(me), "%u.%u", cid, lport);
	snprintf(them, sizeof(them), "%u.%u", cid, port);
	logline("connect type=%s conn=%u src=%s dst=%s echo=0", typename(type),
	    conn, me, them);
	memset(&ty, 0, sizeof(ty));
	if (ana_exchange(fd, type, 1, lport, &ty) == 0)
		ana_log(typename(type), conn, me, them, &ty);
	close(fd);
	logline("close type=%s conn=%u src=%s dst=%s", typename(type), conn, me,
	    them);
}

/* The stalled server: accept, read nothing for stall_pause s, drain. */
static void
stall_serve(int lfd)
{
	struct sockaddr_vm peer;
	socklen_t plen = sizeof(peer);
	struct tally ty;
	struct timespec ts;
	double t0, t1;
	ssize_t n;
	int fd;

	if ((fd = accept(lfd, (struct sockaddr *)&peer, &plen)) == -1) {
		fail("accept", errno);
		return;
	}
	t0 = realtime();
	logline("accept type=stream conn=0 src=%u.%u dst=%u.%u", peer.svm_cid,
	    peer.svm_port, cid, localport(fd));
	ts.tv_sec = (time_t)stall_pause;
	ts.tv_nsec = (long)((stall_pause - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
	t1 = realtime();
	logline("stall type=stream conn=0 src=%u.%u dst=%u.%u buffer=%lu "
	    "pause_start=%.6f pause_end=%.6f pause=%.6f", peer.svm_cid,
	    peer.svm_port, cid, localport(fd), stall_buffer, t0, t1, t1 - t0);
	set_timeout(fd);
	memset(&ty, 0, sizeof(ty));
	ty.rfnv = 2166136261u;
	while ((n = recv(fd, rxbuf, sizeof(rxbuf), 0)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fail("stall-recv", errno);
			break;
		}
		fnv_update(&ty.rfnv, rxbuf, (size_t)n);
		ty.rcvd += (unsigned long long)n;
	}
	logline("recv type=stream conn=0 src=%u.%u dst=%u.%u bytes=%llu "
	    "fnv=%08x", peer.svm_cid, peer.svm_port, cid, localport(fd),
	    ty.rcvd, ty.rfnv);
	close(fd);
}

/* The stalled client: sends stall_bytes without blocking, in poll(). */
static void
stall_client(unsigned int port, unsigned int conn)
{
	struct pollfd pfd;
	unsigned int lport;
	uint32_t h = 2166136261u;
	double tb = 0, tu = 0;
	size_t done = 0, chunk;
	unsigned long sends = 0;
	ssize_t n;
	int fd;

	if ((fd = dial(SOCK_STREAM, port, &lport)) == -1) {
		fail("connect", errno);
		return;
	}
	logline("connect type=stream conn=%u src=%u.%u dst=%u.%u echo=0", conn,
	    cid, lport, cid, port);
	fill(txbuf, stall_bytes, conn);
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (done < stall_bytes) {
		chunk = stall_bytes - done < 8192 ? stall_bytes - done : 8192;
		n = send(fd, txbuf + done, chunk, MSG_NOSIGNAL);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (tb == 0)
				tb = realtime();
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, RCVTIMEO_SEC * 1000) != 1) {
				fail("stall-poll", errno);
				break;
			}
			if (tu == 0)
				tu = realtime();
			continue;
		}
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fail("stall-send", errno);
			break;
		}
		fnv_update(&h, txbuf + done, (size_t)n);
		done += (size_t)n;
		sends++;
	}
	logline("stall-send type=stream conn=%u src=%u.%u dst=%u.%u "
	    "blocked_at=%.6f unblocked_at=%.6f", conn, cid, lport, cid, port,
	    tb, tu);
	logline("send type=stream conn=%u src=%u.%u dst=%u.%u bytes=%zu "
	    "fnv=%08x count=%lu", conn, cid, lport, cid, port, done, h, sends);
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	close(fd);
	logline("close type=stream conn=%u src=%u.%u dst=%u.%u", conn, cid,
	    lport, cid, port);
}

/* Runs call in a child that exits with the failure status; its pid
   goes to pids[np++]. */
#define CHILD(call) do {						\
	pid_t child_ = fork();						\
									\
	if (child_ == 0) {						\
		call;							\
		_exit(failed);						\
	}								\
	if (child_ == -1)						\
		fail("fork", errno);					\
	pids[np++] = child_;						\
} while (0)

static void
analysis(void)
{
	unsigned long long bs = stall_buffer;
	pid_t pids[3 + ANA_STREAMS + ANA_SEQS];
	int lfd[3], np = 0, i, st;
	unsigned int conn = 1;

	lfd[0] = listen_on(SOCK_STREAM, baseport + 10);
	lfd[1] = listen_on(SOCK_SEQPACKET, baseport + 11);
	if ((lfd[2] = socket(AF_VSOCK, SOCK_STREAM, 0)) != -1) {
		struct sockaddr_vm svm;

		/* Inherited by the accepted socket: its buf_alloc. */
		if (setsockopt(lfd[2], AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE,
		    &bs, sizeof(bs)) == -1)
			fail("buffer-size", errno);
		vmaddr(&svm, VMADDR_CID_ANY, baseport + 12);
		if (bind(lfd[2], (struct sockaddr *)&svm, sizeof(svm)) == -1 ||
		    listen(lfd[2], 4) == -1) {
			fail("listen", errno);
			close(lfd[2]);
			lfd[2] = -1;
		} else
			logline("listen type=stream addr=%u.%u", cid,
			    baseport + 12);
	} else
		fail("socket", errno);
	if (lfd[0] == -1 || lfd[1] == -1 || lfd[2] == -1)
		return;
	CHILD(ana_serve(lfd[0], SOCK_STREAM, ANA_STREAMS));
	CHILD(ana_serve(lfd[1], SOCK_SEQPACKET, ANA_SEQS));
	CHILD(stall_serve(lfd[2]));
	for (i = 0; i < 3; i++)
		close(lfd[i]);
	/* The stall first, so that the others run while it lasts. */
	CHILD(stall_client(baseport + 12, conn));
	conn++;
	for (i = 0; i < ANA_STREAMS; i++, conn++)
		CHILD(ana_client(SOCK_STREAM, baseport + 10,
		    conn));
	for (i = 0; i < ANA_SEQS; i++, conn++)
		CHILD(ana_client(SOCK_SEQPACKET, baseport + 11,
		    conn));
	refused(SOCK_STREAM, baseport + 99);
	for (i = 0; i < np; i++)
		if (pids[i] > 0 && (waitpid(pids[i], &st, 0) == -1 ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
			logline("error what=analysis-process-failed errno=0");
			failed = 1;
		}
}

/* The local CID the kernel reports, for the log of a split run. */
static unsigned int
local_cid(void)
{
	unsigned int c = VMADDR_CID_ANY;
	int fd;

	if ((fd = open("/dev/vsock", O_RDONLY)) == -1)
		return (c);
	if (ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &c) == -1)
		c = VMADDR_CID_ANY;
	close(fd);
	return (c);
}

/* Socket side of the sync channel: waits for the hello, answers it. */
static int
sync_socket(const char *path)
{
	struct sockaddr_un sun;
	ssize_t n;
	int fd;
	char b = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return (-1);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return (-1);
	}
	while (b != SYNC_HELLO) {
		n = read(fd, &b, 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n != 1) {
			close(fd);
			errno = n == 0 ? ECONNRESET : errno;
			return (-1);
		}
	}
	token(fd, SYNC_HELLO);
	return (fd);
}

/*
 * Device side (a tty, in raw mode, no modem control): says hello once a
 * second until the answer comes, since what it sends while the socket
 * side is not connected is lost.
 */
static int
sync_device(const char *path)
{
	struct termios tio;
	struct pollfd pfd;
	int fd;
	char b;

	if ((fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK)) == -1)
		return (-1);
	if (tcgetattr(fd, &tio) == 0) {
		cfmakeraw(&tio);
		tio.c_cflag |= CLOCAL;
		(void)tcsetattr(fd, TCSANOW, &tio);
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		token(fd, SYNC_HELLO);
		if (poll(&pfd, 1, 1000) == 1 && read(fd, &b, 1) == 1 &&
		    b == SYNC_HELLO)
			return (fd);
	}
}

static int
open_sync(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return (-1);
	return (S_ISSOCK(st.st_mode) ? sync_socket(path) : sync_device(path));
}

/* The client side of one part (see run_part); 1 if it gave up. */
static int
client_part(int type, unsigned int port, const struct plan *plan,
    int nplan, unsigned int burstconn, int syncfd)
{
	int i;

	if (plan == NULL)
		return (burst(type, port, burstconn, syncfd) == -1);
	for (i = 0; i < nplan; i++)
		if (plan[i].type == type &&
		    client(&plan[i], port, syncfd) == -1)
			return (1);
	return (0);
}

/*
 * One part of the run: the connections of one socket type, or the burst
 * (plan NULL).  Both roles: a forked server and the client here, paced
 * through a pipe.  One role: that side only, paced through the sync
 * channel of a split run.
 */
static void
run_part(enum role role, int type, unsigned int port,
    const struct plan *plan, int nplan, unsigned int burstconn, int syncfd)
{
	pid_t pid;
	int lfd, rd, gaveup;

	switch (role) {
	case ROLE_BOTH:
		pid = start_server(type, port, plan, nplan, plan == NULL,
		    burstconn, &rd);
		if (pid == -1)
			return;
		gaveup = client_part(type, port, plan, nplan, burstconn, rd);
		close(rd);
		reap(pid, gaveup);
		break;
	case ROLE_SERVER:
		if ((lfd = listen_on(type, port)) == -1)
			return;
		token(syncfd, SYNC_READY);
		if (plan == NULL)
			serve_burst(lfd, type, burstconn, syncfd);
		else
			serve(lfd, type, plan, nplan, syncfd);
		close(lfd);
		break;
	case ROLE_CLIENT:
		if (waitsync(syncfd, SYNC_READY) == -1)
			fail("sync-ready", ECONNRESET);
		else
			(void)client_part(type, port, plan, nplan, burstconn,
			    syncfd);
		break;
	}
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: vsock-traffic [-c cid] [-p baseport] [-z size,size,...]\n"
	    "                     [-n burstcount] [-s burstsize]"
	    " [-t stream|seqpacket]\n"
	    "                     [-P pause] [-b buffer] [-B bytes]\n"
	    "                     [-T burstseconds] [-C firstconn]\n"
	    "                     [-r client|server -S syncpath [-l localcid]]\n"
	    "                     [mode ...]\n"
	    "modes: stream seqpacket refused burst (default: all four),\n"
	    "       analysis\n"
	    "ports: stream baseport, seqpacket baseport+1, burst baseport+2,\n"
	    "       refused baseport+99 (nothing listens there); analysis:\n"
	    "       baseport+10 (stream), +11 (seqpacket), +12 (stall)\n"
	    "-r: one side of a run split over two machines, -c the peer's\n"
	    "    CID, paced through -S (a unix socket or a tty)\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static struct plan plan[2 * NSIZES_MAX * 2];
	int do_stream = 0, do_seq = 0, do_refused = 0, do_burst = 0;
	int do_analysis = 0;
	int nplan = 0, ti, si, e, c, syncfd = -1;
	unsigned int conn = 1;
	const int types[2] = { SOCK_STREAM, SOCK_SEQPACKET };
	enum role role = ROLE_BOTH;
	const char *syncpath = NULL;

	while ((c = getopt(argc, argv, "c:p:z:n:s:t:T:C:r:S:l:P:b:B:h")) != -1) {
		switch (c) {
		case 'c':
			cid = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'l':
			lcid = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'C':
			conn = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'T':
			burstsecs = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'r':
			if (strcmp(optarg, "client") == 0)
				role = ROLE_CLIENT;
			else if (strcmp(optarg, "server") == 0)
				role = ROLE_SERVER;
			else
				usage();
			break;
		case 'S':
			syncpath = optarg;
			break;
		case 'p':
			baseport = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'z':
			if (parse_sizes(optarg) == -1)
				usage();
			break;
		case 'n':
			burstcount = strtoul(optarg, NULL, 0);
			break;
		case 's':
			burstsize = strtoul(optarg, NULL, 0);
			if (burstsize == 0 || burstsize > MAXMSG)
				usage();
			break;
		case 'P':
			stall_pause = strtod(optarg, NULL);
			if (stall_pause <= 0 || stall_pause > 60)
				usage();
			break;
		case 'b':
			stall_buffer = strtoul(optarg, NULL, 0);
			break;
		case 'B':
			stall_bytes = strtoul(optarg, NULL, 0);
			if (stall_bytes == 0 || stall_bytes > MAXMSG)
				usage();
			break;
		case 't':
			if (strcmp(optarg, "stream") == 0)
				bursttype = SOCK_STREAM;
			else if (strcmp(optarg, "seqpacket") == 0)
				bursttype = SOCK_SEQPACKET;
			else
				usage();
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		do_stream = do_seq = do_refused = do_burst = 1;
	for (; argc > 0; argc--, argv++) {
		if (strcmp(*argv, "stream") == 0)
			do_stream = 1;
		else if (strcmp(*argv, "seqpacket") == 0)
			do_seq = 1;
		else if (strcmp(*argv, "refused") == 0)
			do_refused = 1;
		else if (strcmp(*argv, "burst") == 0)
			do_burst = 1;
		else if (strcmp(*argv, "analysis") == 0)
			do_analysis = 1;
		else
			usage();
	}
	if ((role == ROLE_BOTH) != (syncpath == NULL))
		usage();
	signal(SIGPIPE, SIG_IGN);
	alarm(ALARM_SEC);
	if (lcid == VMADDR_CID_ANY)
		lcid = role == ROLE_BOTH ? cid : local_cid();
	if (syncpath != NULL && (syncfd = open_sync(syncpath)) == -1) {
		fail("sync-open", errno);
		logline("done status=%d", failed);
		return (failed);
	}

	for (ti = 0; ti < 2; ti++) {
		if ((ti == 0 && !do_stream) || (ti == 1 && !do_seq))
			continue;
		for (si = 0; si < nsizes; si++)
			for (e = 0; e < 2; e++) {
				plan[nplan].type = types[ti];
				plan[nplan].conn = conn++;
				plan[nplan].size = sizes[si];
				plan[nplan].echo = e;
				plan[nplan].wrfirst = (si + e) % 2 == 0;
				nplan++;
			}
	}

	for (ti = 0; ti < 2; ti++) {
		int any = 0, i;

		for (i = 0; i < nplan; i++)
			if (plan[i].type == types[ti])
				any = 1;
		if (any)
			run_part(role, types[ti], baseport + ti, plan, nplan, 0,
			    syncfd);
	}

	if (do_refused && role != ROLE_SERVER) {
		refused(SOCK_STREAM, baseport + 99);
		refused(SOCK_SEQPACKET, baseport + 99);
	}

	if (do_burst)
		run_part(role, bursttype, baseport + 2, NULL, 0, conn, syncfd);

	if (do_analysis)
		analysis();

	logline("done status=%d", failed);
	return (failed);
}
