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
 * The VMs running on this machine (vms.h), from /proc/PID/cmdline and
 * libvirt's state files.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vms.h"

#define CMDLINE_MAX	(128 * 1024)	/* libvirt's QEMU lines run to 20 KiB */
#define ARGS_MAX	4096
#define STATE_MAX	(1024 * 1024)	/* a libvirt domain's state file */

static const char *const libvirt_state_dirs[] = {
	"/run/libvirt/qemu",
	"/run/libvirt/ch",
};

/* A decimal number at s (no sign), up to UINT64_MAX; -1 if none. */
static int
parse_u64(const char *s, uint64_t *v)
{
	uint64_t n = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	return 0;
}

/*
 * Whether a guest can have cid: the kernel gives none the reserved CIDs
 * (0 hypervisor, 1 local, 2 host, 2^32 - 1 any) or one past 32 bits, so
 * a process that says otherwise runs no VM, whatever its name.
 */
static int
guest_cid(uint64_t cid)
{
	return cid > 2 && cid < UINT32_MAX;
}

/*
 * A number of QEMU's option lists, the whole of s up to e, as QEMU
 * reads it (strtoull() in base 0): "0x" then hex digits, '0' then
 * octal ones, or decimal.
 */
static int
parse_qemu_number(const char *s, const char *e, uint64_t *v)
{
	uint64_t n = 0, base = 10, d;

	if (s == e)
		return -1;
	if (e - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0')
		base = 8;
	for (; s < e; s++) {
		if (*s >= '0' && *s <= '9')
			d = (uint64_t)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (uint64_t)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (uint64_t)(*s - 'A' + 10);
		else
			return -1;
		if (d >= base || n > (UINT64_MAX - d) / base)
			return -1;
		n = n * base + d;
	}
	*v = n;
	return 0;
}

/*
 * The guest-cid of a QEMU -device argument of a vhost-vsock device,
 * read as QEMU reads it: JSON if it starts with '{' ({"driver":
 * "vhost-vsock-pci","guest-cid":3}), otherwise an option list
 * ("vhost-vsock-pci,id=v0,guest-cid=3", where ",," is a comma within a
 * value).
 */
static int
qemu_vsock_cid(const char *arg, uint64_t *cid)
{
	const char *p = arg, *e;

	if (strstr(arg, "vhost-vsock") == NULL ||
	    strstr(arg, "vhost-user") != NULL)
		return -1;
	if (arg[0] == '{') {
		while ((p = strstr(p, "\"guest-cid\"")) != NULL) {
			p += strlen("\"guest-cid\"");
			p += strspn(p, " \t\r\n");
			if (*p != ':')
				continue;
			p++;
			return parse_u64(p + strspn(p, " \t\r\n"), cid);
		}
		return -1;
	}
	for (;;) {
		for (e = p; *e != '\0' && (*e != ',' || e[1] == ','); e++)
			if (*e == ',')
				e++;
		if (strncmp(p, "guest-cid=", 10) == 0)
			return parse_qemu_number(p + 10, e, cid);
		if (*e == '\0')
			return -1;
		p = e + 1;
	}
}

/* Whether arg is QEMU's option opt ("-opt", or "--opt"). */
static int
qemu_option(const char *arg, const char *opt)
{
	if (arg[0] != '-')
		return 0;
	arg += arg[1] == '-' ? 2 : 1;
	return strcmp(arg, opt) == 0;
}

/*
 * The name in QEMU's "-name" argument: "NAME[,process=...]" or
 * "guest=NAME[,...]", where ",," stands for a comma.
 */
static void
qemu_name(const char *arg, char *name, size_t size)
{
	char tok[VM_RAW_NAME_MAX];
	const char *p = arg;
	size_t n;
	int first = 1;

	name[0] = '\0';
	while (*p != '\0') {
		for (n = 0; *p != '\0'; p++) {
			if (*p == ',' && p[1] == ',')
				p++;
			else if (*p == ',')
				break;
			if (n + 1 < sizeof(tok))
				tok[n++] = *p;
		}
		tok[n] = '\0';
		if (*p == ',')
			p++;
		if (strncmp(tok, "guest=", 6) == 0)
			(void)snprintf(name, size, "%s", tok + 6);
		else if (first && strchr(tok, '=') == NULL)
			(void)snprintf(name, size, "%s", tok);
		first = 0;
	}
}

/* "cid=N" in a list of options ("cid=3,socket=/run/v.sock"). */
static int
option_cid(const char *arg, uint64_t *cid)
{
	const char *p = arg;

	for (;;) {
		if (strncmp(p, "cid=", 4) == 0)
			return parse_u64(p + 4, cid);
		if ((p = strchr(p, ',')) == NULL)
			return -1;
		p++;
	}
}

/*
 * The value of option opt ("--cid") at argv[i]: "--cid=V", or "--cid"
 * and V; NULL if argv[i] is not that option.
 */
static const char *
option_value(char *const *argv, int argc, int i, const char *opt)
{
	size_t n = strlen(opt);

	if (strncmp(argv[i], opt, n) != 0)
		return NULL;
	if (argv[i][n] == '=')
		return argv[i] + n + 1;
	if (argv[i][n] == '\0' && i + 1 < argc)
		return argv[i + 1];
	return NULL;
}

int
vm_from_argv(char *const *argv, int argc, pid_t pid, struct vm *vm)
{
	const char *base, *v;
	int i, found = 0;

	if (argc < 1)
		return 0;
	base = strrchr(argv[0], '/');
	base = base != NULL ? base + 1 : argv[0];
	memset(vm, 0, sizeof(*vm));
	vm->pid = pid;
	if (strncmp(base, "cloud-hypervisor", 16) == 0) {
		vm->hypervisor = "cloud-hypervisor";
		for (i = 1; i < argc && !found; i++)
			if ((v = option_value(argv, argc, i, "--vsock")) != NULL)
				found = option_cid(v, &vm->cid) == 0;
		return found && guest_cid(vm->cid);
	}
	if (strcmp(base, "crosvm") == 0) {
		vm->hypervisor = "crosvm";
		for (i = 1; i < argc && !found; i++) {
			if ((v = option_value(argv, argc, i, "--cid")) != NULL)
				found = parse_u64(v, &vm->cid) == 0 &&
				    v[strspn(v, "0123456789")] == '\0';
			else if ((v = option_value(argv, argc, i, "--vsock")) !=
			    NULL)
				found = option_cid(v, &vm->cid) == 0 ||
				    (parse_u64(v, &vm->cid) == 0 &&
				    v[strspn(v, "0123456789")] == '\0');
		}
		return found && guest_cid(vm->cid);
	}
	vm->hypervisor = "qemu";
	/*
	 * The values of -name and -device alone: those of other options
	 * (-append, -fw_cfg, ...) may hold any text, and so may a name.
	 */
	for (i = 1; i + 1 < argc; i++) {
		if (qemu_option(argv[i], "name"))
			qemu_name(argv[++i], vm->name, sizeof(vm->name));
		else if (qemu_option(argv[i], "device")) {
			i++;
			if (!found)
				found = qemu_vsock_cid(argv[i], &vm->cid) == 0;
		}
	}
	return found && guest_cid(vm->cid);
}

/* The text between <tag> and </tag> after p, entities decoded. */
static int
xml_text(const char *p, const char *tag, char *out, size_t size)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	char open[32], close[32];
	const char *s, *e;
	size_t n = 0, k;

	(void)snprintf(open, sizeof(open), "<%s>", tag);
	(void)snprintf(close, sizeof(close), "</%s>", tag);
	if ((s = strstr(p, open)) == NULL)
		return -1;
	s += strlen(open);
	if ((e = strstr(s, close)) == NULL)
		return -1;
	while (s < e && n + 1 < size) {
		for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
			if (strncmp(s, ents[k].ent, strlen(ents[k].ent)) == 0)
				break;
		if (k < sizeof(ents) / sizeof(ents[0])) {
			out[n++] = ents[k].c;
			s += strlen(ents[k].ent);
		} else
			out[n++] = *s++;
	}
	out[n] = '\0';
	return 0;
}

int
vm_from_libvirt(const char *xml, struct vm *vm)
{
	const char *dom, *vsock, *end, *cid, *addr;

	memset(vm, 0, sizeof(*vm));
	vm->hypervisor = "libvirt";
	if ((dom = strstr(xml, "<domain")) == NULL ||
	    xml_text(dom, "name", vm->name, sizeof(vm->name)) < 0)
		return 0;
	if ((vsock = strstr(dom, "<vsock")) == NULL)
		return 0;
	end = strstr(vsock, "</vsock>");
	if ((cid = strstr(vsock, "<cid")) == NULL ||
	    (end != NULL && cid > end))
		return 0;
	if ((addr = strstr(cid, "address=")) == NULL ||
	    (end != NULL && addr > end))
		return 0;
	addr += strlen("address=");
	if (*addr != '\'' && *addr != '"')
		return 0;
	return parse_u64(addr + 1, &vm->cid) == 0 && guest_cid(vm->cid);
}

/* Reads at most max - 1 bytes of path, NUL-terminated; -1 if it cannot. */
static ssize_t
read_file(const char *path, char *buf, size_t max)
{
	ssize_t n, got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while ((size_t)got < max - 1) {
		n = read(fd, buf + got, max - 1 - (size_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	(void)close(fd);
	buf[got] = '\0';
	return got;
}

/* The VM process pid runs, if any. */
static int
vm_of_process(const char *pid, char *buf, char **argv, struct vm *vm)
{
	char path[sizeof("/proc//cmdline") + NAME_MAX];
	ssize_t n, i;
	int argc = 0, vsock = 0;

	(void)snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
	if ((n = read_file(path, buf, CMDLINE_MAX)) <= 0)
		return 0;
	for (i = 0; i < n && argc < ARGS_MAX; i += (ssize_t)strlen(buf + i) + 1) {
		argv[argc++] = buf + i;
		if (strstr(buf + i, "vsock") != NULL ||
		    strncmp(buf + i, "--cid", 5) == 0)
			vsock = 1;
	}
	/* Most processes: nothing of a vsock device in their arguments. */
	return vsock && vm_from_argv(argv, argc, (pid_t)atoi(pid), vm);
}

static int
scan_libvirt(struct vm *vms, int n, int max, char *buf)
{
	char path[sizeof("/run/libvirt/qemu/") + NAME_MAX];
	struct dirent *de;
	size_t d, len;
	DIR *dir;

	for (d = 0; d < sizeof(libvirt_state_dirs) /
	    sizeof(libvirt_state_dirs[0]); d++) {
		if ((dir = opendir(libvirt_state_dirs[d])) == NULL)
			continue;
		while (n < max && (de = readdir(dir)) != NULL) {
			len = strlen(de->d_name);
			if (len < 5 || strcmp(de->d_name + len - 4, ".xml") != 0)
				continue;
			(void)snprintf(path, sizeof(path), "%s/%s",
			    libvirt_state_dirs[d], de->d_name);
			if (read_file(path, buf, STATE_MAX) > 0 &&
			    vm_from_libvirt(buf, &vms[n]))
				n++;
		}
		(void)closedir(dir);
	}
	return n;
}

int
vms_scan(struct vm *vms, int max)
{
	char *buf, **argv;
	struct dirent *de;
	DIR *proc;
	int n = 0;

	buf = malloc(STATE_MAX > CMDLINE_MAX ? STATE_MAX : CMDLINE_MAX);
	argv = malloc(ARGS_MAX * sizeof(*argv));
	if (buf == NULL || argv == NULL) {
		free(buf);
		free(argv);
		return 0;
	}
	/* libvirt's domains first: their names are what users call them. */
	n = scan_libvirt(vms, n, max, buf);
	if ((proc = opendir("/proc")) != NULL) {
		while (n < max && (de = readdir(proc)) != NULL)
			if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
			    vm_of_process(de->d_name, buf, argv, &vms[n]))
				n++;
		(void)closedir(proc);
	}
	free(buf);
	free(argv);
	return n;
}
