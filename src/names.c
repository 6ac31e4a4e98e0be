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
 * Names of vsock CIDs and ports (names.h).
 *
 * The files' names and the built-in services are read once, into
 * tables that do not change.  The running VMs' names change: a thread
 * looks them up (vms.c) and replaces the table under a lock; the names
 * it hands out are kept until names_stop(), so that a name given to a
 * line stays valid while the table changes.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netdissect.h"
#include "addrtoname.h"
#include "diag.h"
#include "names.h"
#include "vms.h"
#include "vsockmon.h"
#include "wire.h"

#define MAX_VMS		1024
#define ROTATING	8
#define ENDPOINT_MAX	(2 * NAME_MAX_LEN + 2)
#define NAMES_STRING_(x) #x
#define NAMES_STRING(x)	NAMES_STRING_(x)	/* a number macro, as text */

/* data/vsock-services, as a C string (made by the Makefile). */
static const char builtin_services[] =
#include "services-builtin.h"
    ;

/* A table of names by number (CIDs, ports), open addressing. */
struct name_table {
	uint64_t	*keys;
	const char	**names;	/* NULL: a free slot */
	size_t		size;		/* a power of 2, or 0 */
	size_t		count;
};

static struct {
	int		on, live;
	struct name_table cids;		/* the names file */
	struct name_table ports;	/* the services file, the built-in */
	uint64_t	self_cid;	/* this guest's CID, 0 if none */
	char		self[NAME_MAX_LEN + 1];

	/* The running VMs (live), under lock. */
	pthread_mutex_t	lock;
	pthread_cond_t	wake;
	pthread_t	thread;
	int		thread_on, stop, missed;
	struct name_table vms;
	char		**kept;		/* every VM name handed out */
	size_t		nkept;
	struct vm	*scan;		/* the thread's */
} nm = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

/* ---- tables ------------------------------------------------------------ */

static size_t
slot_of(const struct name_table *t, uint64_t key)
{
	uint64_t h = key * UINT64_C(0x9e3779b97f4a7c15);
	size_t i = (size_t)(h >> 32) & (t->size - 1);

	while (t->names[i] != NULL && t->keys[i] != key)
		i = (i + 1) & (t->size - 1);
	return i;
}

static const char *
table_get(const struct name_table *t, uint64_t key)
{
	if (t->size == 0)
		return NULL;
	return t->names[slot_of(t, key)];
}

static int table_add(struct name_table *, uint64_t, const char *);

static void
table_grow(struct name_table *t)
{
	struct name_table old = *t;
	size_t i;

	t->size = old.size == 0 ? 64 : old.size * 2;
	t->count = 0;
	t->keys = xrealloc(NULL, t->size * sizeof(*t->keys));
	t->names = xrealloc(NULL, t->size * sizeof(*t->names));
	memset(t->names, 0, t->size * sizeof(*t->names));
	for (i = 0; i < old.size; i++)
		if (old.names[i] != NULL)
			table_add(t, old.keys[i], old.names[i]);
	free(old.keys);
	free(old.names);
}

/*
 * The first name given to a number is kept, as in /etc/hosts; returns
 * 0 if key had one.
 */
static int
table_add(struct name_table *t, uint64_t key, const char *name)
{
	size_t i;

	if ((t->count + 1) * 2 > t->size)
		table_grow(t);
	i = slot_of(t, key);
	if (t->names[i] != NULL)
		return 0;
	t->keys[i] = key;
	t->names[i] = name;
	t->count++;
	return 1;
}

/* A name of a file's, kept by the table unless the number had one. */
static void
table_add_copy(struct name_table *t, uint64_t key, const char *name)
{
	char *copy = xstrdup(name);

	if (!table_add(t, key, copy))
		free(copy);
}

static void
table_clear(struct name_table *t)
{
	if (t->size != 0)
		memset(t->names, 0, t->size * sizeof(*t->names));
	t->count = 0;
}

/* owned: the table's names are its own copies. */
static void
table_free(struct name_table *t, int owned)
{
	size_t i;

	for (i = 0; owned && i < t->size; i++)
		free((char *)(uintptr_t)t->names[i]);
	free(t->keys);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

/* ---- the name form ---------------------------------------------------- */

static int
is_letter(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_name_char(int c)
{
	return is_letter(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* The reserved CIDs' names. */
static const char *
reserved_name(uint64_t cid)
{
	switch (cid) {
	case 0:
		return "hypervisor";
	case 1:
		return "local";
	case 2:
		return "host";
	case VSOCK_CID_ANY:
		return "any";
	}
	return NULL;
}

static int
is_reserved(const char *s)
{
	return strcmp(s, "hypervisor") == 0 || strcmp(s, "local") == 0 ||
	    strcmp(s, "host") == 0 || strcmp(s, "any") == 0;
}

int
names_valid(const char *s)
{
	size_t n;

	if (!is_letter((unsigned char)s[0]))
		return 0;
	for (n = 1; s[n] != '\0'; n++)
		if (!is_name_char((unsigned char)s[n]))
			return 0;
	return n <= NAME_MAX_LEN;
}

int
names_from_raw(char *buf, const char *raw)
{
	static const char prefix[] = "vm-";
	size_t n;

	for (n = 0; raw[n] != '\0' && n < NAME_MAX_LEN; n++)
		buf[n] = is_name_char((unsigned char)raw[n]) ? raw[n] : '_';
	buf[n] = '\0';
	if (n == 0)
		return 0;
	if (!is_letter((unsigned char)buf[0]) || is_reserved(buf)) {
		/* Cut to leave room for the prefix, then move it all. */
		if (n + sizeof(prefix) - 1 > NAME_MAX_LEN)
			n = NAME_MAX_LEN - (sizeof(prefix) - 1);
		buf[n] = '\0';
		memmove(buf + sizeof(prefix) - 1, buf, n + 1);
		memcpy(buf, prefix, sizeof(prefix) - 1);
	}
	return 1;
}

/* ---- the files -------------------------------------------------------- */

/* A decimal number up to max, the whole of s. */
static int
parse_number(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' ||
		    n > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	return 0;
}

/* The next word at *p, cut off in place (*p goes past it); NULL if none. */
static char *
next_word(char **p)
{
	char *w = *p + strspn(*p, " \t\r\n");

	if (*w == '\0')
		return NULL;
	*p = w + strcspn(w, " \t\r\n");
	if (**p != '\0')
		*(*p)++ = '\0';
	return w;
}

/* The line's parse stopped at word bad (NULL: the line) for why. */
static int
line_error(struct names_line *l, const char *bad, const char *why)
{
	l->bad = bad;
	l->why = why;
	return -1;
}

static int
check_name(const char *w, struct names_line *l)
{
	if (names_valid(w))
		return 0;
	return line_error(l, w, "is not a name (a letter, then letters, "
	    "digits, '-' or '_', at most " NAMES_STRING(NAME_MAX_LEN) ")");
}

/* The aliases, every word left at p, however many: names too. */
static int
check_aliases(char *p, struct names_line *l)
{
	char *w;

	while ((w = next_word(&p)) != NULL)
		if (check_name(w, l) < 0)
			return -1;
	return 0;
}

int
names_parse_cid_line(char *line, struct names_line *l)
{
	char *p = line, *cid, *name;

	memset(l, 0, sizeof(*l));
	line[strcspn(line, "#")] = '\0';
	if ((cid = next_word(&p)) == NULL)
		return 0;
	if ((name = next_word(&p)) == NULL)
		return line_error(l, NULL, "a CID and a name were expected");
	if (parse_number(cid, UINT64_MAX, &l->number) < 0)
		return line_error(l, cid, "is not a CID (a decimal number "
		    "up to 18446744073709551615)");
	if (check_name(name, l) < 0 || check_aliases(p, l) < 0)
		return -1;
	l->name = name;
	return 1;
}

int
names_parse_service_line(char *line, struct names_line *l)
{
	char *p = line, *name, *port, *proto;

	memset(l, 0, sizeof(*l));
	line[strcspn(line, "#")] = '\0';
	if ((name = next_word(&p)) == NULL)
		return 0;
	if ((port = next_word(&p)) == NULL ||
	    (proto = strchr(port, '/')) == NULL)
		return line_error(l, NULL,
		    "a name and PORT/vsock were expected");
	*proto++ = '\0';
	if (strcmp(proto, "vsock") != 0)
		return 0;
	if (parse_number(port, UINT32_MAX, &l->number) < 0)
		return line_error(l, port, "is not a port (a decimal number "
		    "up to 4294967295)");
	if (check_name(name, l) < 0 || check_aliases(p, l) < 0)
		return -1;
	l->name = name;
	return 1;
}

/*
 * Reads a table file into t, each line parsed by parse; a line that is
 * not right is an error naming the file and the line.
 */
static void
read_table(FILE *fp, const char *file, struct name_table *t,
    int (*parse)(char *, struct names_line *))
{
	struct names_line l;
	char *line = NULL;
	size_t cap = 0;
	unsigned n = 0;
	int r;

	while (getline(&line, &cap, fp) != -1) {
		n++;
		if ((r = (*parse)(line, &l)) > 0)
			table_add_copy(t, l.number, l.name);
		else if (r < 0 && l.bad != NULL)
			error("%s:%u: \"%s\" %s", file, n, l.bad, l.why);
		else if (r < 0)
			error("%s:%u: %s", file, n, l.why);
	}
	if (ferror(fp))
		error("%s: %s", file, strerror(errno));
	free(line);
}

/* A missing file is no error unless given by an option (required). */
static void
read_file_table(const char *path, int required, struct name_table *t,
    int (*parse)(char *, struct names_line *))
{
	FILE *fp;

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && !required)
			return;
		error("%s: %s", path, strerror(errno));
	}
	read_table(fp, path, t, parse);
	(void)fclose(fp);
}

static void
read_builtin_services(void)
{
	FILE *fp;

	fp = fmemopen((void *)(uintptr_t)builtin_services,
	    sizeof(builtin_services) - 1, "r");
	if (fp == NULL)
		error("built-in services: %s", strerror(errno));
	read_table(fp, "built-in services", &nm.ports,
	    names_parse_service_line);
	(void)fclose(fp);
}

/* ---- this machine and its VMs ------------------------------------------ */

/* A guest names its own CID after its host name (or "self"). */
static void
find_self(void)
{
	uint64_t cids[VSOCKMON_MAX_CIDS];
	char host[256], *dot;
	int i, n;

	n = vsockmon_local_cids(cids, VSOCKMON_MAX_CIDS);
	for (i = 0; i < n; i++)
		if (cids[i] > 2 && cids[i] != VSOCK_CID_ANY)
			nm.self_cid = cids[i];
	if (nm.self_cid == 0)
		return;
	if (gethostname(host, sizeof(host)) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if ((dot = strchr(host, '.')) != NULL)
		*dot = '\0';
	if (strcmp(host, "(none)") == 0 || strcmp(host, "localhost") == 0 ||
	    !names_from_raw(nm.self, host))
		(void)snprintf(nm.self, sizeof(nm.self), "self");
}

/* A name kept to the end (under lock). */
static const char *
keep(const char *name)
{
	size_t i;

	for (i = 0; i < nm.nkept; i++)
		if (strcmp(nm.kept[i], name) == 0)
			return nm.kept[i];
	nm.kept = xrealloc(nm.kept, (nm.nkept + 1) * sizeof(*nm.kept));
	return nm.kept[nm.nkept++] = xstrdup(name);
}

/*
 * The VMs' table made again: a VM is called by the name its
 * configuration gives it, or by its hypervisor and pid ("qemu-4242").
 * libvirt's names come first (vms_scan() lists them first).
 */
static void
rescan(void)
{
	char name[NAME_MAX_LEN + 1];
	int i, n;

	n = vms_scan(nm.scan, MAX_VMS);
	(void)pthread_mutex_lock(&nm.lock);
	table_clear(&nm.vms);
	for (i = 0; i < n; i++) {
		if (!names_from_raw(name, nm.scan[i].name)) {
			if (nm.scan[i].pid == 0)
				continue;
			(void)snprintf(name, sizeof(name), "%s-%ld",
			    nm.scan[i].hypervisor, (long)nm.scan[i].pid);
		}
		table_add(&nm.vms, nm.scan[i].cid, keep(name));
	}
	(void)pthread_mutex_unlock(&nm.lock);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The VMs looked up every NAMES_RESCAN_S seconds, and after a CID was
 * missed, at most every NAMES_MISS_RESCAN_S seconds.
 */
static void *
rescan_thread(void *arg)
{
	int64_t last = mono_ms(), due;
	struct timespec ts;

	(void)arg;
	(void)pthread_mutex_lock(&nm.lock);
	while (!nm.stop) {
		due = last + (nm.missed ? NAMES_MISS_RESCAN_S :
		    NAMES_RESCAN_S) * 1000;
		if (mono_ms() < due) {
			ts.tv_sec = (time_t)(due / 1000);
			ts.tv_nsec = (long)(due % 1000) * 1000000;
			(void)pthread_cond_timedwait(&nm.wake, &nm.lock, &ts);
			continue;
		}
		nm.missed = 0;
		(void)pthread_mutex_unlock(&nm.lock);
		rescan();
		last = mono_ms();
		(void)pthread_mutex_lock(&nm.lock);
	}
	(void)pthread_mutex_unlock(&nm.lock);
	return NULL;
}

static void
start_rescans(void)
{
	pthread_condattr_t ca;

	nm.scan = xrealloc(NULL, MAX_VMS * sizeof(*nm.scan));
	rescan();
	(void)pthread_condattr_init(&ca);
	(void)pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	(void)pthread_cond_init(&nm.wake, &ca);
	(void)pthread_condattr_destroy(&ca);
	nm.thread_on = pthread_create(&nm.thread, NULL, rescan_thread,
	    NULL) == 0;
}

/* ---- names ------------------------------------------------------------ */

static const struct vsock_namer namer = { names_cid, names_port };

void
names_start(const struct names_options *o, int live)
{
	nm.on = 1;
	nm.live = live;
	read_file_table(o->names_file != NULL ? o->names_file : NAMES_FILE,
	    o->names_file != NULL, &nm.cids, names_parse_cid_line);
	read_file_table(o->services_file != NULL ? o->services_file :
	    SERVICES_FILE, o->services_file != NULL, &nm.ports,
	    names_parse_service_line);
	read_builtin_services();
	if (live) {
		find_self();
		start_rescans();
	}
	nd_set_vsock_namer(&namer);
}

int
names_enabled(void)
{
	return nm.on;
}

const char *
names_cid(uint64_t cid)
{
	const char *name;

	if ((name = table_get(&nm.cids, cid)) != NULL)
		return name;
	if (nm.live) {
		(void)pthread_mutex_lock(&nm.lock);
		name = table_get(&nm.vms, cid);
		if (name == NULL && cid > 2 && cid != VSOCK_CID_ANY &&
		    cid != nm.self_cid && !nm.missed) {
			nm.missed = 1;
			(void)pthread_cond_signal(&nm.wake);
		}
		(void)pthread_mutex_unlock(&nm.lock);
		if (name != NULL)
			return name;
		if (cid == nm.self_cid)
			return nm.self;
	}
	return reserved_name(cid);
}

const char *
names_port(uint32_t port)
{
	return table_get(&nm.ports, port);
}

const char *
names_endpoint(uint64_t cid, uint32_t port)
{
	static char buf[ROTATING][ENDPOINT_MAX];
	static unsigned i;
	const char *c = names_cid(cid), *p = names_port(port);
	char *b;
	int n;

	i = (i + 1) % ROTATING;
	b = buf[i];
	n = c != NULL ? snprintf(b, ENDPOINT_MAX, "%s.", c) :
	    snprintf(b, ENDPOINT_MAX, "%" PRIu64 ".", cid);
	if (p != NULL)
		(void)snprintf(b + n, ENDPOINT_MAX - (size_t)n, "%s", p);
	else
		(void)snprintf(b + n, ENDPOINT_MAX - (size_t)n, "%u", port);
	return b;
}

void
names_stop(void)
{
	size_t i;

	if (!nm.on)
		return;
	nd_set_vsock_namer(NULL);
	if (nm.thread_on) {
		(void)pthread_mutex_lock(&nm.lock);
		nm.stop = 1;
		(void)pthread_cond_signal(&nm.wake);
		(void)pthread_mutex_unlock(&nm.lock);
		(void)pthread_join(nm.thread, NULL);
		nm.thread_on = 0;
	}
	for (i = 0; i < nm.nkept; i++)
		free(nm.kept[i]);
	free(nm.kept);
	free(nm.scan);
	table_free(&nm.vms, 0);
	table_free(&nm.cids, 1);
	table_free(&nm.ports, 1);
	nm.on = 0;
}
