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
 * Which process owns each local endpoint of a live capture (procs.h).
 *
 * The capture's thread keeps a table of endpoints (one per local side
 * of each connection, by address and the packet that began it) and
 * queues those to look up; the lookup thread takes the queue's due
 * endpoints, asks sock_diag for the vsock sockets, finds the
 * endpoints' inodes among them, then the processes that hold those
 * inodes in /proc, and writes the owners back.  The two share the
 * queue and the owners, under one lock; the table's structure is the
 * capture thread's alone, and an endpoint the lookup thread holds is
 * never freed.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include <sys/socket.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/vm_sockets_diag.h>

#include "netdissect.h"
#include "extract.h"
#include "diag.h"
#include "procs.h"
#include "vsockmon.h"
#include "wire.h"

#ifndef AF_VSOCK
#define AF_VSOCK	40
#endif

#define HASH_SIZE	65536		/* buckets of the endpoint table */
#define BATCH_MAX	1024		/* endpoints looked up in one round */
#define MAX_TRIES	6
#define DIAG_TIMEOUT_S	2

/* When to try again after each try: the socket may not be there yet. */
static const int retry_ms[MAX_TRIES] = { 10, 50, 200, 1000, 3000, 0 };

/* One local endpoint of one connection. */
struct endpoint {
	/* Set once, by the capture thread. */
	uint64_t	cid, peer_cid;
	uint32_t	port, peer_port;
	uint16_t	type;
	uint32_t	pkt;		/* the packet that began it */
	/* The capture thread's. */
	struct endpoint	*hnext;		/* hash chain: each key's newest */
	struct endpoint	*older, *newer;	/* the same key's others */
	struct endpoint	*next_by_age;
	/* Under the lock. */
	struct procs_owner owner;
	int		tries;
	int		busy;		/* in the lookup thread's round */
	int		queued;
	int64_t		due_ms;
	struct endpoint	*qnext;
};

/* A socket sock_diag listed. */
struct sock_info {
	uint32_t	cid, port, peer_cid, peer_port, ino;
	uint16_t	type;		/* virtio's: 1 STREAM, 2 SEQPACKET */
};

/* What a round found of one endpoint. */
struct lookup {
	struct endpoint	*ep;
	uint32_t	ino;		/* 0: none (yet) */
	int		found;
	pid_t		pid;
	char		comm[16];
};

static struct {
	int		active;
	int		dlt;
	int		diag_fd;
	uint32_t	seq;
	uint64_t	local[VSOCKMON_MAX_CIDS];
	int		nlocal;

	/* The capture thread's. */
	struct endpoint	**hash;
	struct endpoint	*oldest, *newest;
	size_t		count;
	struct endpoint	*cur[2];	/* the packet's src and dst, or NULL */
	int		cur_payload;

	/* Under the lock. */
	pthread_mutex_t	lock;
	pthread_cond_t	wake;
	pthread_t	thread;
	int		thread_on, stop;
	struct endpoint	*qhead, *qtail;

	/* The lookup thread's. */
	struct sock_info *socks;
	size_t		nsocks, socks_cap;
	struct lookup	batch[BATCH_MAX];
	int		noted_denied, noted_diag;
} pr = {
	.diag_fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- sock_diag -------------------------------------------------------- */

static void
add_socket(const struct vsock_diag_msg *m)
{
	struct sock_info *s;
	uint16_t type;

	if (m->vdiag_type == SOCK_STREAM)
		type = VSOCK_TYPE_STREAM;
	else if (m->vdiag_type == SOCK_SEQPACKET)
		type = VSOCK_TYPE_SEQPACKET;
	else
		return;
	if (pr.nsocks == pr.socks_cap) {
		pr.socks_cap = pr.socks_cap == 0 ? 256 : pr.socks_cap * 2;
		pr.socks = xrealloc(pr.socks, pr.socks_cap * sizeof(*pr.socks));
	}
	s = &pr.socks[pr.nsocks++];
	s->cid = m->vdiag_src_cid;
	s->port = m->vdiag_src_port;
	s->peer_cid = m->vdiag_dst_cid;
	s->peer_port = m->vdiag_dst_port;
	s->ino = m->vdiag_ino;
	s->type = type;
}

/*
 * Every vsock socket of this network namespace, into pr.socks; 0, or
 * an errno.
 */
static int
diag_dump(void)
{
	struct {
		struct nlmsghdr	nlh;
		struct vsock_diag_req req;
	} msg;
	struct sockaddr_nl sa;
	struct nlmsghdr *h;
	struct nlmsgerr *err;
	static char buf[32768];
	unsigned int len;
	ssize_t n;

	pr.nsocks = 0;
	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nlh.nlmsg_seq = ++pr.seq;
	msg.req.sdiag_family = AF_VSOCK;
	msg.req.vdiag_states = ~0U;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (sendto(pr.diag_fd, &msg, sizeof(msg), 0, (struct sockaddr *)&sa,
	    sizeof(sa)) < 0)
		return errno;
	for (;;) {
		n = recv(pr.diag_fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return EPROTO;
		len = (unsigned int)n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		    h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != pr.seq)
				continue;
			switch (h->nlmsg_type) {
			case NLMSG_DONE:
				return 0;
			case NLMSG_ERROR:
				err = NLMSG_DATA(h);
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*err)))
					return EPROTO;
				return err->error < 0 ? -err->error : EPROTO;
			case SOCK_DIAG_BY_FAMILY:
				if (h->nlmsg_len >= NLMSG_LENGTH(
				    sizeof(struct vsock_diag_msg)))
					add_socket(NLMSG_DATA(h));
				break;
			}
		}
	}
}

/* The socket of an endpoint, or NULL if it is not (or no more) there. */
static const struct sock_info *
socket_of(const struct endpoint *e)
{
	const struct sock_info *s, *best = NULL;
	size_t i;

	for (i = 0; i < pr.nsocks; i++) {
		s = &pr.socks[i];
		/* A connecting socket is bound to VMADDR_CID_ANY. */
		if (s->type != e->type || s->port != e->port ||
		    s->peer_cid != e->peer_cid || s->peer_port != e->peer_port ||
		    (s->cid != e->cid && s->cid != VSOCK_CID_ANY))
			continue;
		if (best == NULL || best->ino == 0)
			best = s;
	}
	return best;
}

/* ---- /proc ------------------------------------------------------------ */

static int
by_ino(const void *a, const void *b)
{
	const struct lookup *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* The command name of the process whose /proc directory is dirfd. */
static int
read_comm(int dirfd, char *comm)
{
	ssize_t n;
	int fd;

	if ((fd = openat(dirfd, "comm", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, comm, 15);
	(void)close(fd);
	if (n <= 0)
		return -1;
	if (comm[n - 1] == '\n')
		n--;
	comm[n] = '\0';
	return 0;
}

/*
 * The processes that hold the inodes of l[0..n-1] (sorted by inode):
 * each found one gets found, pid and comm.  Returns how many were
 * found; *denied counts the processes whose descriptors it may not
 * read.
 */
static int
scan_proc(struct lookup *l, int n, int *denied)
{
	char link[64], comm[16];
	struct lookup key, *hit;
	struct dirent *de, *fe;
	DIR *proc, *fds;
	int pfd, ffd, found = 0, k;
	unsigned long ino;

	*denied = 0;
	if ((proc = opendir("/proc")) == NULL)
		return 0;
	while (found < n && (de = readdir(proc)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pfd = openat(dirfd(proc), de->d_name,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0)
			continue;
		ffd = openat(pfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (ffd < 0) {
			if (errno == EACCES || errno == EPERM)
				(*denied)++;
			(void)close(pfd);
			continue;
		}
		if ((fds = fdopendir(ffd)) == NULL) {
			(void)close(ffd);
			(void)close(pfd);
			continue;
		}
		while ((fe = readdir(fds)) != NULL) {
			k = (int)readlinkat(ffd, fe->d_name, link,
			    sizeof(link) - 1);
			if (k <= 0)
				continue;
			link[k] = '\0';
			if (sscanf(link, "socket:[%lu]", &ino) != 1)
				continue;
			key.ino = (uint32_t)ino;
			hit = bsearch(&key, l, (size_t)n, sizeof(*l), by_ino);
			if (hit == NULL || hit->found)
				continue;
			/* Read through the same handle: this process's. */
			if (read_comm(pfd, comm) < 0)
				break;
			/* Every lookup of that inode (sorted together). */
			while (hit > l && hit[-1].ino == hit->ino)
				hit--;
			for (; hit < l + n && hit->ino == key.ino; hit++) {
				hit->found = 1;
				hit->pid = (pid_t)atoi(de->d_name);
				memcpy(hit->comm, comm, sizeof(comm));
				found++;
			}
		}
		(void)closedir(fds);
		(void)close(pfd);
	}
	(void)closedir(proc);
	return found;
}

/* ---- the lookup thread ------------------------------------------------ */

static void
note(const char *what)
{
	(void)fprintf(stderr, "%s: %s\n", program_name, what);
}

/*
 * One round over l[0..n-1]: their sockets, then their processes.
 * Returns an errno if sock_diag failed.
 */
static int
round_of(struct lookup *l, int n)
{
	const struct sock_info *s;
	int i, err, denied, found, m = 0;

	if ((err = diag_dump()) != 0)
		return err;
	for (i = 0; i < n; i++) {
		l[i].found = 0;
		s = socket_of(l[i].ep);
		l[i].ino = s != NULL ? s->ino : 0;
		if (l[i].ino != 0)
			m++;
	}
	if (m == 0)
		return 0;
	qsort(l, (size_t)n, sizeof(*l), by_ino);
	/* Those without an inode sort first. */
	found = scan_proc(l + (n - m), m, &denied);
	if (found < m && denied > 0 && !pr.noted_denied) {
		pr.noted_denied = 1;
		note("process attribution: no permission to read other "
		    "processes' file descriptors; their endpoints show as "
		    "unknown");
	}
	return 0;
}

/* The results of a round (under the lock); final: no more tries. */
static void
apply(struct lookup *l, int n, int err, int final)
{
	struct endpoint *e;
	int64_t now = mono_ms();
	int i;

	for (i = 0; i < n; i++) {
		e = l[i].ep;
		e->busy = 0;
		if (err == 0 && l[i].found) {
			e->owner.state = PROCS_FOUND;
			e->owner.pid = l[i].pid;
			memcpy(e->owner.comm, l[i].comm, sizeof(e->owner.comm));
			continue;
		}
		if (err != 0 || final || e->tries >= MAX_TRIES ||
		    retry_ms[e->tries] == 0) {
			e->owner.state = PROCS_UNKNOWN;
			continue;
		}
		e->due_ms = now + retry_ms[e->tries++];
		e->queued = 1;
		e->qnext = NULL;
		if (pr.qtail != NULL)
			pr.qtail->qnext = e;
		else
			pr.qhead = e;
		pr.qtail = e;
	}
}

/* The queue's due endpoints (all with final), into the batch. */
static int
take_due(int64_t now, int final, int64_t *next_due)
{
	struct endpoint *e, **pp;
	int n = 0;

	*next_due = INT64_MAX;
	pr.qtail = NULL;
	for (pp = &pr.qhead; (e = *pp) != NULL;) {
		if (n < BATCH_MAX && (final || e->due_ms <= now)) {
			*pp = e->qnext;
			e->queued = 0;
			e->busy = 1;
			pr.batch[n].ep = e;
			n++;
			continue;
		}
		if (e->due_ms < *next_due)
			*next_due = e->due_ms;
		pr.qtail = e;
		pp = &e->qnext;
	}
	return n;
}

static void *
lookup_thread(void *arg)
{
	int64_t last = 0, now, next_due, wait_until;
	struct timespec ts;
	int n, err;

	(void)arg;
	(void)pthread_mutex_lock(&pr.lock);
	while (!pr.stop) {
		now = mono_ms();
		n = now - last >= 1000 / PROCS_ROUNDS_PER_S ?
		    take_due(now, 0, &next_due) : 0;
		if (n == 0) {
			if (now - last < 1000 / PROCS_ROUNDS_PER_S)
				wait_until = last + 1000 / PROCS_ROUNDS_PER_S;
			else
				wait_until = next_due == INT64_MAX ?
				    now + 1000 : next_due;
			ts.tv_sec = (time_t)(wait_until / 1000);
			ts.tv_nsec = (long)(wait_until % 1000) * 1000000;
			(void)pthread_cond_timedwait(&pr.wake, &pr.lock, &ts);
			continue;
		}
		(void)pthread_mutex_unlock(&pr.lock);
		err = round_of(pr.batch, n);
		if (err != 0 && !pr.noted_diag) {
			pr.noted_diag = 1;
			(void)fprintf(stderr, "%s: process attribution: "
			    "sock_diag: %s\n", program_name, strerror(err));
		}
		(void)pthread_mutex_lock(&pr.lock);
		apply(pr.batch, n, err, 0);
		last = mono_ms();
	}
	(void)pthread_mutex_unlock(&pr.lock);
	return NULL;
}

/* ---- the capture thread ----------------------------------------------- */

int
procs_start(void)
{
	pthread_condattr_t ca;
	struct timeval tv;
	int err;

	pr.diag_fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG);
	if (pr.diag_fd < 0) {
		(void)fprintf(stderr, "%s: process attribution off: "
		    "sock_diag: %s\n", program_name, strerror(errno));
		return -1;
	}
	tv.tv_sec = DIAG_TIMEOUT_S;
	tv.tv_usec = 0;
	(void)setsockopt(pr.diag_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if ((err = diag_dump()) != 0) {
		if (err == ENOENT)
			note("process attribution off: the kernel has no "
			    "vsock_diag ('modprobe vsock_diag')");
		else if (err == EPERM || err == EACCES)
			note("process attribution off: sock_diag of vsock "
			    "sockets is not permitted");
		else
			(void)fprintf(stderr, "%s: process attribution off: "
			    "sock_diag: %s\n", program_name, strerror(err));
		(void)close(pr.diag_fd);
		pr.diag_fd = -1;
		return -1;
	}
	pr.nlocal = vsockmon_local_cids(pr.local, VSOCKMON_MAX_CIDS);
	pr.hash = xrealloc(NULL, HASH_SIZE * sizeof(*pr.hash));
	memset(pr.hash, 0, HASH_SIZE * sizeof(*pr.hash));
	(void)pthread_condattr_init(&ca);
	(void)pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	(void)pthread_cond_init(&pr.wake, &ca);
	(void)pthread_condattr_destroy(&ca);
	if (pthread_create(&pr.thread, NULL, lookup_thread, NULL) != 0) {
		note("process attribution off: no thread for it");
		procs_stop();
		return -1;
	}
	pr.thread_on = 1;
	pr.active = 1;
	pr.dlt = DLT_VSOCK;
	return 0;
}

void
procs_link_type(int dlt)
{
	pr.dlt = dlt;
}

int
procs_active(void)
{
	return pr.active;
}

static int
is_local(uint64_t cid)
{
	int i;

	for (i = 0; i < pr.nlocal; i++)
		if (pr.local[i] == cid)
			return 1;
	return 0;
}

static size_t
bucket(uint64_t cid, uint32_t port, uint64_t peer_cid, uint32_t peer_port)
{
	uint64_t h = cid * UINT64_C(0x9e3779b97f4a7c15) ^ port;

	h = (h ^ peer_cid) * UINT64_C(0x9e3779b97f4a7c15) ^ peer_port;
	h *= UINT64_C(0x9e3779b97f4a7c15);
	return (size_t)(h >> 32) & (HASH_SIZE - 1);
}

/* The newest endpoint of an address pair and type, or NULL. */
static struct endpoint *
newest_of(uint64_t cid, uint32_t port, uint64_t peer_cid, uint32_t peer_port,
    uint16_t type)
{
	struct endpoint *e;

	for (e = pr.hash[bucket(cid, port, peer_cid, peer_port)]; e != NULL;
	    e = e->hnext)
		if (e->cid == cid && e->port == port &&
		    e->peer_cid == peer_cid && e->peer_port == peer_port &&
		    e->type == type)
			return e;
	return NULL;
}

/*
 * The oldest endpoint goes, unless the lookup thread holds it; 1 if it
 * went.
 */
static int
evict_oldest(void)
{
	struct endpoint *e = pr.oldest, **pp;
	int busy;

	(void)pthread_mutex_lock(&pr.lock);
	busy = e->busy;
	if (!busy && e->queued) {
		for (pp = &pr.qhead; *pp != e; pp = &(*pp)->qnext)
			;
		*pp = e->qnext;
		if (pr.qtail == e) {
			pr.qtail = NULL;
			for (pp = &pr.qhead; *pp != NULL; pp = &(*pp)->qnext)
				pr.qtail = *pp;
		}
	}
	(void)pthread_mutex_unlock(&pr.lock);
	if (busy)
		return 0;
	pr.oldest = e->next_by_age;
	if (pr.oldest == NULL)
		pr.newest = NULL;
	/* Older ones of its key went before it. */
	if (e->newer != NULL)
		e->newer->older = NULL;
	else {
		pp = &pr.hash[bucket(e->cid, e->port, e->peer_cid,
		    e->peer_port)];
		while (*pp != e)
			pp = &(*pp)->hnext;
		*pp = e->hnext;
	}
	free(e);
	pr.count--;
	return 1;
}

/* The endpoint of this packet's side, a new one at a REQUEST. */
static struct endpoint *
endpoint_for(uint64_t cid, uint32_t port, uint64_t peer_cid,
    uint32_t peer_port, uint16_t type, u_int number, int request)
{
	struct endpoint *old, *e, **head;

	old = newest_of(cid, port, peer_cid, peer_port, type);
	if (old != NULL && !(request && old->pkt != number))
		return old;
	e = xrealloc(NULL, sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->cid = cid;
	e->port = port;
	e->peer_cid = peer_cid;
	e->peer_port = peer_port;
	e->type = type;
	e->pkt = number;
	e->owner.state = PROCS_PENDING;
	head = &pr.hash[bucket(cid, port, peer_cid, peer_port)];
	if (old != NULL) {
		/* It takes the old one's place in the chain. */
		struct endpoint **pp = head;

		while (*pp != old)
			pp = &(*pp)->hnext;
		*pp = old->hnext;
		old->newer = e;
		e->older = old;
	}
	e->hnext = *head;
	*head = e;
	if (pr.newest != NULL)
		pr.newest->next_by_age = e;
	else
		pr.oldest = e;
	pr.newest = e;
	pr.count++;
	(void)pthread_mutex_lock(&pr.lock);
	e->queued = 1;
	e->due_ms = 0;
	if (pr.qtail != NULL)
		pr.qtail->qnext = e;
	else
		pr.qhead = e;
	pr.qtail = e;
	(void)pthread_cond_signal(&pr.wake);
	(void)pthread_mutex_unlock(&pr.lock);
	return e;
}

void
procs_packet(const struct pcap_pkthdr *h, const u_char *p, u_int number)
{
	uint32_t caplen = h->caplen, len = h->len, hdr_len, port[2];
	uint64_t cid[2];
	uint16_t type, op;
	const u_char *v;
	int s;

	if (!pr.active)
		return;
	pr.cur[0] = pr.cur[1] = NULL;
	if (pr.dlt == DLT_LINUX_SLL || pr.dlt == DLT_LINUX_SLL2) {
		u_int hl = pr.dlt == DLT_LINUX_SLL ? SLL_HDR_LEN : SLL2_HDR_LEN;
		u_int off = pr.dlt == DLT_LINUX_SLL ? SLL_OFF_HATYPE :
		    SLL2_OFF_HATYPE;

		if (caplen < hl || len < hl ||
		    EXTRACT_BE_U_2(p + off) != ARPHRD_VSOCKMON)
			return;
		p += hl;
		caplen -= hl;
		len -= hl;
	} else if (pr.dlt != DLT_VSOCK)
		return;
	if (caplen < VSOCK_MON_HDR_LEN + VSOCK_VIRTIO_OP_END ||
	    EXTRACT_LE_U_2(p + VSOCK_MON_OFF_TRANSPORT) !=
	    VSOCK_TRANSPORT_VIRTIO)
		return;
	hdr_len = EXTRACT_LE_U_2(p + VSOCK_MON_OFF_THDR_LEN);
	if (hdr_len < VSOCK_VIRTIO_OP_END)
		return;
	v = p + VSOCK_MON_HDR_LEN;
	type = EXTRACT_LE_U_2(v + VSOCK_VIRTIO_OFF_TYPE);
	if (type != VSOCK_TYPE_STREAM && type != VSOCK_TYPE_SEQPACKET)
		return;
	op = EXTRACT_LE_U_2(v + VSOCK_VIRTIO_OFF_OP);
	cid[0] = EXTRACT_LE_U_8(p + VSOCK_MON_OFF_SRC_CID);
	cid[1] = EXTRACT_LE_U_8(p + VSOCK_MON_OFF_DST_CID);
	port[0] = EXTRACT_LE_U_4(p + VSOCK_MON_OFF_SRC_PORT);
	port[1] = EXTRACT_LE_U_4(p + VSOCK_MON_OFF_DST_PORT);
	pr.cur_payload = len > VSOCK_MON_HDR_LEN + hdr_len;
	while (pr.count >= PROCS_MAX_ENDPOINTS && evict_oldest())
		;
	for (s = 0; s < 2; s++)
		if (is_local(cid[s]))
			pr.cur[s] = endpoint_for(cid[s], port[s], cid[!s],
			    port[!s], type, number, op == VSOCK_OP_REQUEST);
}

/* The owner of e as it stands. */
static void
owner_of(const struct endpoint *e, struct procs_owner *o)
{
	(void)pthread_mutex_lock(&pr.lock);
	*o = e->owner;
	(void)pthread_mutex_unlock(&pr.lock);
}

const char *
procs_owner_text(const struct procs_owner *o, char *buf)
{
	size_t i;
	int n;

	switch (o->state) {
	case PROCS_NOT_LOCAL:
		return "-";
	case PROCS_PENDING:
	case PROCS_UNKNOWN:
		return "?";
	case PROCS_FOUND:
		break;
	}
	n = snprintf(buf, PROCS_TEXT_MAX, "%ld/", (long)o->pid);
	for (i = 0; o->comm[i] != '\0' && i < sizeof(o->comm) - 1; i++)
		buf[n++] = ND_ASCII_ISGRAPH((unsigned char)o->comm[i]) ?
		    o->comm[i] : '?';
	buf[n] = '\0';
	return buf;
}

void
procs_owner_json(const struct procs_owner *o, const char *name)
{
	size_t i;
	unsigned char c;

	if (o->state != PROCS_FOUND) {
		printf("\"%s_pid\":null,\"%s_comm\":null", name, name);
		return;
	}
	printf("\"%s_pid\":%ld,\"%s_comm\":\"", name, (long)o->pid, name);
	for (i = 0; o->comm[i] != '\0' && i < sizeof(o->comm) - 1; i++) {
		c = (unsigned char)o->comm[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

void
procs_print(netdissect_options *ndo)
{
	char buf[2][PROCS_TEXT_MAX];
	struct procs_owner o[2];
	const char *sep;
	int s;

	if (!pr.active || ndo->ndo_vflag == 0 ||
	    (pr.cur[0] == NULL && pr.cur[1] == NULL))
		return;
	/* At -vv the payload's hex lines end the text: go below them. */
	sep = ndo->ndo_vflag > 1 && pr.cur_payload ? "\n\t[" : " [";
	for (s = 0; s < 2; s++) {
		if (pr.cur[s] == NULL)
			continue;
		owner_of(pr.cur[s], &o[s]);
		ND_PRINT("%s%s %s", sep, s == 0 ? "src" : "dst",
		    procs_owner_text(&o[s], buf[s]));
		sep = ", ";
	}
	ND_PRINT("]");
}

void
procs_conv_owner(const struct vsock_conv_summary *c, int side,
    struct procs_owner *o)
{
	const struct endpoint *e;

	memset(o, 0, sizeof(*o));
	o->state = PROCS_NOT_LOCAL;
	if (!pr.active || !is_local(c->cid[side]))
		return;
	e = newest_of(c->cid[side], c->port[side], c->cid[!side],
	    c->port[!side], c->type);
	while (e != NULL && e->pkt > c->first_pkt)
		e = e->older;
	if (e == NULL) {
		o->state = PROCS_UNKNOWN;
		return;
	}
	owner_of(e, o);
	if (o->state == PROCS_PENDING)
		o->state = PROCS_UNKNOWN;
}

void
procs_finish(void)
{
	int64_t next_due;
	int n, err;

	if (!pr.thread_on)
		return;
	(void)pthread_mutex_lock(&pr.lock);
	pr.stop = 1;
	(void)pthread_cond_signal(&pr.wake);
	(void)pthread_mutex_unlock(&pr.lock);
	(void)pthread_join(pr.thread, NULL);
	pr.thread_on = 0;
	/* One last round, for all that wait: the capture is over. */
	do {
		(void)pthread_mutex_lock(&pr.lock);
		n = take_due(0, 1, &next_due);
		(void)pthread_mutex_unlock(&pr.lock);
		if (n == 0)
			break;
		err = round_of(pr.batch, n);
		(void)pthread_mutex_lock(&pr.lock);
		apply(pr.batch, n, err, 1);
		(void)pthread_mutex_unlock(&pr.lock);
	} while (n == BATCH_MAX);
}

void
procs_stop(void)
{
	struct endpoint *e, *next;

	procs_finish();
	for (e = pr.oldest; e != NULL; e = next) {
		next = e->next_by_age;
		free(e);
	}
	pr.oldest = pr.newest = NULL;
	pr.count = 0;
	free(pr.hash);
	pr.hash = NULL;
	free(pr.socks);
	pr.socks = NULL;
	pr.nsocks = pr.socks_cap = 0;
	if (pr.diag_fd >= 0)
		(void)close(pr.diag_fd);
	pr.diag_fd = -1;
	pr.active = 0;
}
