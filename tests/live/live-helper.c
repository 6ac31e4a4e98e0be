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
 * live-helper: three small tools for the live test's scenarios, run in
 * the VM (statically linked).
 *
 *   live-helper inject IFACE SRC_CID.PORT DST_CID.PORT COUNT ...
 *	Sends COUNT crafted vsockmon frames per (SRC, DST) triple on IFACE
 *	with an AF_PACKET socket: a vsockmon header (op PAYLOAD, transport
 *	VIRTIO, len 44), a virtio header (STREAM, RW, 8 payload bytes)
 *	with the same addresses, and 8 payload bytes.  The kernel hands a
 *	frame sent on a device to every packet socket bound to it as
 *	PACKET_OUTGOING, as vsockmon's taps do with real traffic, and
 *	vsockmon's transmit routine counts and frees it.  CIDs are 64-bit
 *	decimal numbers.  Prints "inject src=... dst=... count=N sent=M".
 *
 *   live-helper sockfilter PID
 *	For every AF_PACKET socket of process PID, the classic BPF program
 *	the kernel holds for it (SO_GET_FILTER on a copy of the descriptor
 *	obtained with pidfd_getfd(2), Linux 5.6 or later, root): a line
 *	"socket fd=N len=L" and then the program as "tcpdump -ddd" prints
 *	it (its length, then "code jt jf k" per instruction, decimal);
 *	len=0 and no program when no filter is attached.
 *
 *   live-helper rusage FILE CMD [ARG...]
 *	Runs CMD as a child and passes SIGINT, SIGTERM and SIGHUP on to
 *	it, so that a script stops it as it would stop CMD itself.  Writes
 *	"pid=PID" to FILE once CMD runs (for a script to read its
 *	/proc/PID/schedstat meanwhile) and, once it has exited, the CPU
 *	time it used (wait4(2); the sum of user and system time is the
 *	kernel's exact run time) and its context switches: "pid=PID
 *	user=SECONDS sys=SECONDS nvcsw=N nivcsw=N status=N", times in
 *	microseconds, nvcsw the times it waited (for packets), nivcsw the
 *	times it was preempted.  Exits with CMD's status (128 + the
 *	signal if a signal ended it).
 *
 * Exit status 0 on success, 1 on error (message on stderr).
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd	438
#endif
#ifndef SO_GET_FILTER
#define SO_GET_FILTER	SO_ATTACH_FILTER
#endif

#define MONHDR		32
#define VIRTIOHDR	44
#define PAYLOAD		8

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* "CID.PORT" into its parts; -1 if malformed. */
static int
parse_addr(const char *s, uint64_t *cid, uint32_t *port)
{
	char *end;
	unsigned long long c;
	unsigned long p;

	errno = 0;
	c = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '.')
		return (-1);
	s = end + 1;
	p = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || p > UINT32_MAX)
		return (-1);
	*cid = c;
	*port = (uint32_t)p;
	return (0);
}

static int
inject(int argc, char *argv[])
{
	unsigned char frame[MONHDR + VIRTIOHDR + PAYLOAD];
	struct sockaddr_ll sll;
	uint64_t scid, dcid;
	uint32_t sport, dport;
	unsigned long count, i, sent;
	unsigned int ifindex;
	int fd, a, status = 0;

	if (argc < 4 || (argc - 1) % 3 != 0) {
		fprintf(stderr, "usage: live-helper inject IFACE "
		    "SRC_CID.PORT DST_CID.PORT COUNT ...\n");
		return (2);
	}
	if ((ifindex = if_nametoindex(argv[0])) == 0) {
		fprintf(stderr, "live-helper: %s: %s\n", argv[0],
		    strerror(errno));
		return (1);
	}
	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) == -1) {
		perror("live-helper: socket");
		return (1);
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)ifindex;
	sll.sll_protocol = htons(ETH_P_ALL);
	for (a = 1; a + 2 < argc; a += 3) {
		if (parse_addr(argv[a], &scid, &sport) == -1 ||
		    parse_addr(argv[a + 1], &dcid, &dport) == -1) {
			fprintf(stderr, "live-helper: bad address in %s %s\n",
			    argv[a], argv[a + 1]);
			return (2);
		}
		count = strtoul(argv[a + 2], NULL, 10);
		memset(frame, 0, sizeof(frame));
		/* struct af_vsockmon_hdr */
		put64(frame, scid);
		put64(frame + 8, dcid);
		put32(frame + 16, sport);
		put32(frame + 20, dport);
		put16(frame + 24, 4);		/* AF_VSOCK_OP_PAYLOAD */
		put16(frame + 26, 2);		/* AF_VSOCK_TRANSPORT_VIRTIO */
		put16(frame + 28, VIRTIOHDR);
		/* struct virtio_vsock_hdr */
		put64(frame + 32, scid);
		put64(frame + 40, dcid);
		put32(frame + 48, sport);
		put32(frame + 52, dport);
		put32(frame + 56, PAYLOAD);
		put16(frame + 60, 1);		/* VIRTIO_VSOCK_TYPE_STREAM */
		put16(frame + 62, 5);		/* VIRTIO_VSOCK_OP_RW */
		put32(frame + 68, 262144);	/* buf_alloc */
		memcpy(frame + MONHDR + VIRTIOHDR, "injected", PAYLOAD);
		sent = 0;
		for (i = 0; i < count; i++) {
			if (sendto(fd, frame, sizeof(frame), 0,
			    (struct sockaddr *)&sll, sizeof(sll)) !=
			    (ssize_t)sizeof(frame)) {
				fprintf(stderr, "live-helper: sendto: %s\n",
				    strerror(errno));
				status = 1;
				break;
			}
			sent++;
		}
		printf("inject src=%s dst=%s count=%lu sent=%lu\n", argv[a],
		    argv[a + 1], count, sent);
	}
	close(fd);
	return (status);
}

static int
sockfilter(const char *pidstr)
{
	char dir[64], path[PATH_MAX], link[128];
	struct sock_filter *insns;
	struct dirent *de;
	socklen_t optlen;
	ssize_t n;
	long pid;
	int pidfd, fd, myfd, domain, nsock = 0;
	unsigned int i;
	DIR *d;

	pid = strtol(pidstr, NULL, 10);
	snprintf(dir, sizeof(dir), "/proc/%ld/fd", pid);
	if ((pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0)) == -1) {
		fprintf(stderr, "live-helper: pidfd_open %ld: %s\n", pid,
		    strerror(errno));
		return (1);
	}
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "live-helper: %s: %s\n", dir, strerror(errno));
		return (1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strncmp(link, "socket:", 7) != 0)
			continue;
		fd = atoi(de->d_name);
		myfd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
		if (myfd == -1) {
			fprintf(stderr, "live-helper: pidfd_getfd %ld/%d: %s\n",
			    pid, fd, strerror(errno));
			continue;
		}
		optlen = sizeof(domain);
		if (getsockopt(myfd, SOL_SOCKET, SO_DOMAIN, &domain,
		    &optlen) == -1 || domain != AF_PACKET) {
			close(myfd);
			continue;
		}
		nsock++;
		/* optlen 0: the kernel answers with the number of insns. */
		optlen = 0;
		if (getsockopt(myfd, SOL_SOCKET, SO_GET_FILTER, NULL,
		    &optlen) == -1) {
			fprintf(stderr, "live-helper: SO_GET_FILTER: %s\n",
			    strerror(errno));
			close(myfd);
			continue;
		}
		printf("socket fd=%d len=%u\n", fd, (unsigned int)optlen);
		if (optlen > 0) {
			insns = calloc(optlen, sizeof(*insns));
			if (insns == NULL ||
			    getsockopt(myfd, SOL_SOCKET, SO_GET_FILTER, insns,
			    &optlen) == -1) {
				fprintf(stderr, "live-helper: SO_GET_FILTER: "
				    "%s\n", strerror(errno));
				free(insns);
				close(myfd);
				continue;
			}
			printf("%u\n", (unsigned int)optlen);
			for (i = 0; i < optlen; i++)
				printf("%u %u %u %u\n", insns[i].code,
				    insns[i].jt, insns[i].jf, insns[i].k);
			free(insns);
		}
		close(myfd);
	}
	closedir(d);
	close(pidfd);
	if (nsock == 0) {
		fprintf(stderr, "live-helper: process %ld has no packet "
		    "socket\n", pid);
		return (1);
	}
	return (0);
}

static const int passed_on[] = { SIGINT, SIGTERM, SIGHUP };
static volatile sig_atomic_t child;

static void
pass_on(int sig)
{
	if (child > 0)
		(void)kill((pid_t)child, sig);
}

static int
rusage(const char *file, char *argv[])
{
	struct sigaction sa;
	struct rusage ru;
	sigset_t set, old;
	FILE *f;
	pid_t pid;
	size_t i;
	int status, rc;

	/* Blocked until the child's pid is known. */
	sigemptyset(&set);
	for (i = 0; i < sizeof(passed_on) / sizeof(passed_on[0]); i++)
		sigaddset(&set, passed_on[i]);
	(void)sigprocmask(SIG_BLOCK, &set, &old);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pass_on;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof(passed_on) / sizeof(passed_on[0]); i++)
		(void)sigaction(passed_on[i], &sa, NULL);
	if ((pid = fork()) == -1) {
		perror("live-helper: fork");
		return (1);
	}
	if (pid == 0) {
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "live-helper: %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	child = pid;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	if ((f = fopen(file, "w")) != NULL) {
		fprintf(f, "pid=%ld\n", (long)pid);
		(void)fclose(f);
	}
	while (wait4(pid, &status, 0, &ru) == -1) {
		if (errno != EINTR) {
			perror("live-helper: wait4");
			return (1);
		}
	}
	if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else
		rc = 128 + WTERMSIG(status);
	if ((f = fopen(file, "w")) == NULL) {
		fprintf(stderr, "live-helper: %s: %s\n", file,
		    strerror(errno));
		return (1);
	}
	fprintf(f, "pid=%ld user=%ld.%06ld sys=%ld.%06ld nvcsw=%ld "
	    "nivcsw=%ld status=%d\n", (long)pid, (long)ru.ru_utime.tv_sec,
	    (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec,
	    (long)ru.ru_stime.tv_usec, ru.ru_nvcsw, ru.ru_nivcsw, rc);
	if (fclose(f) != 0) {
		fprintf(stderr, "live-helper: %s: %s\n", file,
		    strerror(errno));
		return (1);
	}
	return (rc);
}

int
main(int argc, char *argv[])
{
	if (argc >= 2 && strcmp(argv[1], "inject") == 0)
		return (inject(argc - 2, argv + 2));
	if (argc == 3 && strcmp(argv[1], "sockfilter") == 0)
		return (sockfilter(argv[2]));
	if (argc >= 4 && strcmp(argv[1], "rusage") == 0)
		return (rusage(argv[2], argv + 3));
	fprintf(stderr, "usage: live-helper inject IFACE SRC_CID.PORT "
	    "DST_CID.PORT COUNT ...\n"
	    "       live-helper sockfilter PID\n"
	    "       live-helper rusage FILE CMD [ARG...]\n");
	return (2);
}
