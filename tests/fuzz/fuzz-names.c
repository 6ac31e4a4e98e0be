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
 * libFuzzer entry point for the parsers behind the names of CIDs and
 * ports (src/vms.c, src/names.c): the text they read is anyone's.  Any
 * local user can start a process whose command line vms.c reads as a
 * VM's; a libvirt user names a domain; the names and services files are
 * an administrator's, or any file given by option.
 *
 * Input layout: byte 0, modulo 6, picks the parser; the rest is its
 * text.
 *
 *	0	a process's /proc/PID/cmdline, split at its NULs into
 *		arguments as vms.c splits it (at most ARGS_MAX), through
 *		vm_from_argv() (argv[0] picks QEMU, cloud-hypervisor or
 *		crosvm); the pid is taken from the input's length
 *	1	a libvirt domain's state file (up to a NUL), through
 *		vm_from_libvirt()
 *	2	a VM's name as configured (up to a NUL), through
 *		names_from_raw() and names_valid()
 *	3	a names file: each line (with its '\n', as getline() gives
 *		it) through names_parse_cid_line()
 *	4	a services file, each line through names_parse_service_line()
 *	5	a VM written as its hypervisor's users write it: byte 1
 *		bits 0-2 the form (enum form below: QEMU's -device option
 *		list in decimal, hex and octal and its JSON form, -name as
 *		"guest=NAME,..." or "NAME"; cloud-hypervisor's --vsock;
 *		crosvm's --cid and --vsock; a libvirt state file), bit 3
 *		QEMU's -name after its -device, bit 4 QEMU's plain
 *		"-name NAME" (for a name without '='), bit 7 a 32-bit CID;
 *		bytes 2-9 the CID (little-endian; with bit 7 only bytes
 *		2-5 count); from byte 10 (up to a NUL, at most
 *		NAME_WRITTEN bytes) the VM's name, escaped as the form
 *		wants it.  The CID and the name must come back as they
 *		were written, the CID when a guest can have it.
 *
 * Besides memory errors (ASan, UBSan):
 *
 *	- a VM found has a CID a guest can have (3 to 2^32 - 2, as the
 *	  kernel's vhost-vsock allows), and the text said it: after the
 *	  key its hypervisor reads it from (QEMU's guest-cid in a -device
 *	  argument of a vhost-vsock device, in its option-list syntax
 *	  (decimal, 0x hex, 0 octal, the whole value) or in JSON;
 *	  cloud-hypervisor's "cid=" in --vsock; crosvm's --cid, or "cid="
 *	  or the whole of --vsock; libvirt's address= in a <cid>),
 *	  checked with a parse of the harness's own (strtoull());
 *	- the name of a VM is NUL-terminated within its buffer; QEMU's
 *	  comes from a -name argument (its ",," read as ','), libvirt's
 *	  from the file's text (entities decoded); the others have none;
 *	- names_from_raw() of any raw name, and the "HYPERVISOR-PID" name
 *	  of a VM without one, is a valid name (a letter, then letters,
 *	  digits, '-' and '_', at most 63: checked here without
 *	  names_valid()), never a reserved CID's name, and exactly the
 *	  raw name with '_' for other characters, cut at 63, or "vm-"
 *	  and its first 60;
 *	- names_valid() agrees with the harness's own check;
 *	- a names or services line gives what a parse of the harness's
 *	  own says: the same result, number and name, or the same word
 *	  that is not right (every word of the line is checked, however
 *	  many), with a reason; every name it gives is valid.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "names.h"
#include "vms.h"

#define ARGS_MAX	4096		/* as vms.c */
#define NAME_WRITTEN	200		/* a name the forms can carry whole */
#define WORDS		" \t\r\n"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(int ok, const char *what, const char *text)
{
	if (!ok) {
		(void)fprintf(stderr, "fuzz-names: invariant broken: %s "
		    "(\"%s\")\n", what, text != NULL ? text : "");
		abort();
	}
}

/* ---- the harness's own parses ------------------------------------------ */

static int
letter(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The form of a name, as vsockdump.1 says it. */
static int
is_name(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= NAME_MAX_LEN && letter((unsigned char)s[0]) &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_") == n;
}

static int
is_reserved(const char *s)
{
	static const char *const reserved[] = { "hypervisor", "local", "host",
	    "any" };
	size_t i;

	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(s, reserved[i]) == 0)
			return 1;
	return 0;
}

/*
 * The number of the n bytes at s, all of them, in base (0: C's
 * prefixes), up to max; -1 if they are not one.
 */
static int
number(const char *s, size_t n, int base, uint64_t max, uint64_t *v)
{
	char *buf, *end;
	unsigned long long x;
	int ok;

	if (n == 0 || s[0] < '0' || s[0] > '9')
		return -1;
	if ((buf = malloc(n + 1)) == NULL)
		abort();
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	x = strtoull(buf, &end, base);
	ok = errno == 0 && *end == '\0' && x <= max;
	free(buf);
	if (!ok)
		return -1;
	*v = x;
	return 0;
}

/* The decimal digits at s and their value; -1 if none or too many. */
static int
digits(const char *s, uint64_t *v)
{
	return number(s, strspn(s, "0123456789"), 10, UINT64_MAX, v);
}

/* Whether the option list s has an item "key=V" with V that is cid. */
static int
item_says(const char *s, const char *key, int whole, int base, uint64_t cid)
{
	size_t k = strlen(key), n;
	const char *p = s;
	uint64_t v;

	for (;;) {
		if (strncmp(p, key, k) == 0) {
			n = whole ? strcspn(p + k, ",") :
			    strspn(p + k, "0123456789");
			if (number(p + k, n, base, UINT64_MAX, &v) == 0 &&
			    v == cid)
				return 1;
		}
		if ((p = strchr(p, ',')) == NULL)
			return 0;
		p++;
	}
}

/* Whether a QEMU -device argument is a vhost-vsock device of CID cid. */
static int
qemu_device_says(const char *arg, uint64_t cid)
{
	const char *p = arg;
	uint64_t v;

	if (strstr(arg, "vhost-vsock") == NULL ||
	    strstr(arg, "vhost-user") != NULL)
		return 0;
	if (arg[0] != '{')
		return item_says(arg, "guest-cid=", 1, 0, cid);
	while ((p = strstr(p, "\"guest-cid\"")) != NULL) {
		p += strlen("\"guest-cid\"");
		p += strspn(p, WORDS);
		if (*p == ':' && digits(p + 1 + strspn(p + 1, WORDS),
		    &v) == 0 && v == cid)
			return 1;
	}
	return 0;
}

/*
 * The value of option opt at argv[i] ("--opt V", "--opt=V"), or NULL:
 * written apart from vms.c's, as the harness's own reading.
 */
static const char *
value_of(char *const *argv, int argc, int i, const char *opt)
{
	const char *eq = strchr(argv[i], '=');
	size_t n = eq != NULL ? (size_t)(eq - argv[i]) : strlen(argv[i]);

	if (n != strlen(opt) || memcmp(argv[i], opt, n) != 0)
		return NULL;
	if (eq != NULL)
		return eq + 1;
	return i + 1 < argc ? argv[i + 1] : NULL;
}

/* Whether the arguments say cid is the VM's, as its hypervisor reads them. */
static int
argv_says(char *const *argv, int argc, const char *hv, uint64_t cid)
{
	const char *v;
	uint64_t n;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(hv, "qemu") == 0) {
			if ((strcmp(argv[i - 1], "-device") == 0 ||
			    strcmp(argv[i - 1], "--device") == 0) &&
			    qemu_device_says(argv[i], cid))
				return 1;
		} else if (strcmp(hv, "cloud-hypervisor") == 0) {
			if ((v = value_of(argv, argc, i, "--vsock")) != NULL &&
			    item_says(v, "cid=", 0, 10, cid))
				return 1;
		} else {
			if ((v = value_of(argv, argc, i, "--cid")) != NULL &&
			    number(v, strlen(v), 10, UINT64_MAX, &n) == 0 &&
			    n == cid)
				return 1;
			if ((v = value_of(argv, argc, i, "--vsock")) != NULL &&
			    (item_says(v, "cid=", 0, 10, cid) ||
			    (number(v, strlen(v), 10, UINT64_MAX, &n) == 0 &&
			    n == cid)))
				return 1;
		}
	}
	return 0;
}

/* s with QEMU's ",," read as ','. */
static void
unescape_commas(const char *s, char *out)
{
	for (; *s != '\0'; s++) {
		*out++ = *s;
		if (s[0] == ',' && s[1] == ',')
			s++;
	}
	*out = '\0';
}

/* Whether name comes from one of QEMU's -name arguments. */
static int
qemu_name_from(char *const *argv, int argc, const char *name)
{
	char *text;
	int i, found = 0;

	for (i = 1; i + 1 < argc && !found; i++) {
		if (strcmp(argv[i], "-name") != 0 &&
		    strcmp(argv[i], "--name") != 0)
			continue;
		if ((text = malloc(strlen(argv[i + 1]) + 1)) == NULL)
			abort();
		unescape_commas(argv[i + 1], text);
		found = strstr(text, name) != NULL;
		free(text);
	}
	return found;
}

/* s with XML's five entities decoded. */
static void
xml_decode(const char *s, char *out)
{
	static const char *const ents[][2] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&apos;", "'" },
	};
	size_t k;

	while (*s != '\0') {
		for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
			if (strncmp(s, ents[k][0], strlen(ents[k][0])) == 0)
				break;
		if (k < sizeof(ents) / sizeof(ents[0])) {
			*out++ = ents[k][1][0];
			s += strlen(ents[k][0]);
		} else
			*out++ = *s++;
	}
	*out = '\0';
}

/* Whether a <cid> of the state file has address='cid' (or "cid"). */
static int
libvirt_says(const char *xml, uint64_t cid)
{
	const char *p = strstr(xml, "<cid");
	uint64_t v;

	while (p != NULL && (p = strstr(p, "address=")) != NULL) {
		p += strlen("address=");
		if ((*p == '\'' || *p == '"') && digits(p + 1, &v) == 0 &&
		    v == cid)
			return 1;
	}
	return 0;
}

/* ---- the checks -------------------------------------------------------- */

/*
 * names_from_raw() of raw: a valid name, never a reserved one, exactly
 * raw made to fit.
 */
static void
check_from_raw(const char *raw)
{
	char want[NAME_MAX_LEN + 1], *buf;
	size_t n;
	int r;

	/* Exactly the room names.h gives it, for ASan to see past it. */
	if ((buf = malloc(NAME_MAX_LEN + 1)) == NULL)
		abort();
	r = names_from_raw(buf, raw);
	check(r == (raw[0] != '\0'), "names_from_raw() result", raw);
	if (r) {
		check(memchr(buf, '\0', NAME_MAX_LEN + 1) != NULL,
		    "names_from_raw() not NUL-terminated", raw);
		check(is_name(buf), "names_from_raw() gave no name", buf);
		check(names_valid(buf), "names_valid() refuses "
		    "names_from_raw()", buf);
		check(!is_reserved(buf), "names_from_raw() gave a reserved "
		    "CID's name", buf);
		for (n = 0; raw[n] != '\0' && n < NAME_MAX_LEN; n++)
			want[n] = strchr("-_", raw[n]) != NULL ||
			    (raw[n] >= '0' && raw[n] <= '9') ||
			    letter((unsigned char)raw[n]) ? raw[n] : '_';
		want[n] = '\0';
		if (!letter((unsigned char)want[0]) || is_reserved(want)) {
			if (n > NAME_MAX_LEN - 3)
				want[NAME_MAX_LEN - 3] = '\0';
			memmove(want + 3, want, strlen(want) + 1);
			memcpy(want, "vm-", 3);
		}
		check(strcmp(buf, want) == 0, "names_from_raw() is not raw "
		    "made to fit", buf);
	}
	check(names_valid(raw) == is_name(raw), "names_valid() disagrees",
	    raw);
	free(buf);
}

/* What a VM found in a command line or a state file must be. */
static void
check_vm(const struct vm *vm, int found, pid_t pid, const char *hv)
{
	char name[NAME_MAX_LEN + 1];

	check(memchr(vm->name, '\0', sizeof(vm->name)) != NULL,
	    "VM name not NUL-terminated", NULL);
	check(vm->hypervisor != NULL && strcmp(vm->hypervisor, hv) == 0,
	    "hypervisor", vm->hypervisor);
	check(vm->pid == pid, "pid", NULL);
	check_from_raw(vm->name);
	if (!found)
		return;
	check(vm->cid > 2 && vm->cid < UINT32_MAX, "a CID no guest can have",
	    vm->name);
	/* The name rescan() gives a VM without one. */
	(void)snprintf(name, sizeof(name), "%s-%ld", vm->hypervisor,
	    (long)vm->pid);
	if (pid != 0)
		check(is_name(name) && !is_reserved(name), "a VM's name "
		    "after its hypervisor and pid", name);
}

/* The VM of a process's arguments, checked; whether it has one. */
static int
check_argv(char *const *argv, int argc, pid_t pid, struct vm *vmp)
{
	const struct vm *vm = vmp;
	const char *base, *hv;
	int found;

	if (argc < 1) {
		check(vm_from_argv(argv, argc, pid, vmp) == 0,
		    "a VM without arguments", NULL);
		return 0;
	}
	found = vm_from_argv(argv, argc, pid, vmp);
	check(found == 0 || found == 1, "vm_from_argv() result", NULL);
	base = strrchr(argv[0], '/');
	base = base != NULL ? base + 1 : argv[0];
	hv = strncmp(base, "cloud-hypervisor", 16) == 0 ? "cloud-hypervisor" :
	    strcmp(base, "crosvm") == 0 ? "crosvm" : "qemu";
	check_vm(vm, found, pid, hv);
	if (strcmp(hv, "qemu") == 0)
		check(vm->name[0] == '\0' ||
		    qemu_name_from(argv, argc, vm->name),
		    "QEMU's name from no -name argument", vm->name);
	else
		check(vm->name[0] == '\0', "a name where none is read",
		    vm->name);
	if (found)
		check(argv_says(argv, argc, hv, vm->cid),
		    "a CID the command line does not say", vm->name);
	return found;
}

/* The VM of a libvirt state file, checked; whether it has one. */
static int
check_libvirt(const char *xml, struct vm *vm)
{
	char *text;
	int found;

	found = vm_from_libvirt(xml, vm);
	check(found == 0 || found == 1, "vm_from_libvirt() result", NULL);
	check_vm(vm, found, 0, "libvirt");
	if ((text = malloc(strlen(xml) + 1)) == NULL)
		abort();
	xml_decode(xml, text);
	check(strstr(text, vm->name) != NULL, "libvirt's name not from the "
	    "file", vm->name);
	free(text);
	if (found)
		check(libvirt_says(xml, vm->cid), "a CID the state file does "
		    "not say", vm->name);
	return found;
}

/* ---- names and services lines ------------------------------------------ */

/*
 * The words of a line up to a '#', all of them, into a copy; their
 * number.
 */
static int
words_of(const char *line, char *copy, char **w, int max)
{
	char *p;
	int n = 0;

	strcpy(copy, line);
	copy[strcspn(copy, "#")] = '\0';
	for (p = strtok(copy, WORDS); p != NULL && n < max;
	    p = strtok(NULL, WORDS))
		w[n++] = p;
	return n;
}

/* The first of n words that is not a name, or NULL. */
static const char *
first_bad(char **w, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!is_name(w[i]))
			return w[i];
	return NULL;
}

/* One line through its parser, against the harness's parse of it. */
static void
check_line(const char *text, size_t len, int services)
{
	char *line, *copy, **w, *slash;
	const char *bad = NULL, *name = NULL;
	struct names_line l;
	uint64_t num = 0;
	int r, want, n;

	if ((line = malloc(len + 1)) == NULL ||
	    (copy = malloc(len + 1)) == NULL ||
	    (w = malloc((len / 2 + 1) * sizeof(*w))) == NULL)
		abort();
	memcpy(line, text, len);
	line[len] = '\0';
	n = words_of(line, copy, w, (int)(len / 2 + 1));

	if (n == 0)
		want = 0;
	else if (!services) {
		if (n < 2)
			want = -1;
		else if (number(w[0], strlen(w[0]), 10, UINT64_MAX,
		    &num) < 0)
			want = -1, bad = w[0];
		else if ((bad = first_bad(w + 1, n - 1)) != NULL)
			want = -1;
		else
			want = 1, name = w[1];
	} else if (n < 2 || (slash = strchr(w[1], '/')) == NULL)
		want = -1;
	else {
		*slash = '\0';
		if (strcmp(slash + 1, "vsock") != 0)
			want = 0;
		else if (number(w[1], strlen(w[1]), 10, UINT32_MAX, &num) < 0)
			want = -1, bad = w[1];
		else if ((bad = first_bad(w, 1)) != NULL ||
		    (bad = first_bad(w + 2, n - 2)) != NULL)
			want = -1;
		else
			want = 1, name = w[0];
	}

	r = services ? names_parse_service_line(line, &l) :
	    names_parse_cid_line(line, &l);
	check(r == want, services ? "services line: result" :
	    "names line: result", copy);
	if (r == 1) {
		check(l.number == num, "line: number", name);
		check(l.name != NULL && strcmp(l.name, name) == 0 &&
		    l.name >= line && l.name < line + len, "line: name", name);
		check(is_name(l.name) && names_valid(l.name),
		    "line: not a name", l.name);
	}
	if (r < 0) {
		check(l.why != NULL && l.why[0] != '\0', "line: no reason",
		    NULL);
		check((l.bad == NULL) == (bad == NULL) && (bad == NULL ||
		    (strcmp(l.bad, bad) == 0 && l.bad >= line &&
		    l.bad < line + len)), "line: the word that is not right",
		    bad);
	}
	free(w);
	free(copy);
	free(line);
}

/* Each line of a file, '\n' and all, as getline() gives them. */
static void
check_lines(const char *text, size_t size, int services)
{
	const char *nl;
	size_t len;

	while (size > 0) {
		nl = memchr(text, '\n', size);
		len = nl != NULL ? (size_t)(nl - text) + 1 : size;
		check_line(text, len, services);
		text += len;
		size -= len;
	}
}

/* ---- VMs written by their hypervisors' users --------------------------- */

enum form {
	QEMU_DECIMAL, QEMU_HEX, QEMU_OCTAL, QEMU_JSON, CLOUD_HYPERVISOR,
	CROSVM_CID, CROSVM_VSOCK, LIBVIRT
};

/* name escaped: QEMU's commas doubled, or XML's five characters. */
static void
escape(const char *name, char *out, int xml)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;",
	    "&quot;", "&apos;" };
	const char *e;

	for (; *name != '\0'; name++) {
		if (xml && (e = strchr("&<>\"'", *name)) != NULL) {
			strcpy(out, ents[e - "&<>\"'"]);
			out += strlen(out);
			continue;
		}
		if (!xml && *name == ',')
			*out++ = ',';
		*out++ = *name;
	}
	*out = '\0';
}

/* Arguments as /proc/PID/cmdline holds them: each followed by a NUL. */
static size_t
put_args(char *buf, const char *const *args)
{
	size_t n = 0;

	for (; *args != NULL; args++) {
		strcpy(buf + n, *args);
		n += strlen(*args) + 1;
	}
	return n;
}

/* A command line split at its NULs, as vms.c splits it, then checked. */
static int
check_cmdline(char *buf, size_t n, pid_t pid, struct vm *vm)
{
	char **argv;
	size_t i;
	int argc = 0, found;

	if ((argv = malloc(ARGS_MAX * sizeof(*argv))) == NULL)
		abort();
	for (i = 0; i < n && argc < ARGS_MAX; i += strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	found = check_argv(argv, argc, pid, vm);
	free(argv);
	return found;
}

/* A VM written as forms[] says: what comes back is what was written. */
static void
written(const uint8_t *d, size_t size)
{
	char name[NAME_WRITTEN + 1], esc[6 * NAME_WRITTEN + 1];
	char dev[128], num[32], named[6 * NAME_WRITTEN + 64], *buf;
	const char *args[16], *want_name = name, *hv = "qemu";
	enum form form;
	struct vm vm;
	uint64_t cid = 0;
	size_t n = 0, len;
	int i, found;

	if (size < 9)
		return;
	form = (enum form)(d[0] & 7);
	for (i = 0; i < ((d[0] & 0x80) ? 4 : 8); i++)
		cid |= (uint64_t)d[1 + i] << (8 * i);
	len = strnlen((const char *)d + 9, size - 9);
	if (len > NAME_WRITTEN)
		len = NAME_WRITTEN;
	memcpy(name, d + 9, len);
	name[len] = '\0';
	escape(name, esc, form == LIBVIRT);
	(void)snprintf(num, sizeof(num), "%" PRIu64, cid);
	if ((buf = malloc(2 * sizeof(named) + 512)) == NULL)
		abort();

	switch (form) {
	case QEMU_DECIMAL:
	case QEMU_HEX:
	case QEMU_OCTAL:
	case QEMU_JSON:
		if (form == QEMU_DECIMAL)
			(void)snprintf(dev, sizeof(dev), "vhost-vsock-pci,"
			    "id=vsock0,guest-cid=%" PRIu64, cid);
		else if (form == QEMU_HEX)
			(void)snprintf(dev, sizeof(dev), "vhost-vsock-pci,"
			    "guest-cid=0x%" PRIx64 ",id=vsock0", cid);
		else if (form == QEMU_OCTAL)
			(void)snprintf(dev, sizeof(dev), "vhost-vsock-pci,"
			    "guest-cid=0%" PRIo64, cid);
		else
			(void)snprintf(dev, sizeof(dev), "{\"driver\":"
			    "\"vhost-vsock-pci\",\"id\":\"vsock0\","
			    "\"guest-cid\":%" PRIu64 "}", cid);
		if ((d[0] & 0x10) && strchr(name, '=') == NULL)
			(void)snprintf(named, sizeof(named), "%s", esc);
		else
			(void)snprintf(named, sizeof(named),
			    "guest=%s,debug-threads=on", esc);
		args[n++] = "/usr/bin/qemu-system-x86_64";
		args[n++] = "-machine";
		args[n++] = "q35,accel=kvm";
		if (name[0] != '\0' && !(d[0] & 8)) {
			args[n++] = "-name";
			args[n++] = named;
		}
		args[n++] = "-device";
		args[n++] = dev;
		if (name[0] != '\0' && (d[0] & 8)) {
			args[n++] = "-name";
			args[n++] = named;
		}
		args[n++] = "-nographic";
		break;
	case CLOUD_HYPERVISOR:
		hv = "cloud-hypervisor";
		want_name = "";
		(void)snprintf(dev, sizeof(dev), "cid=%" PRIu64
		    ",socket=/run/ch.vsock", cid);
		args[n++] = "/usr/bin/cloud-hypervisor";
		args[n++] = "--kernel";
		args[n++] = "/vmlinux";
		args[n++] = "--vsock";
		args[n++] = dev;
		break;
	case CROSVM_CID:
	case CROSVM_VSOCK:
		hv = "crosvm";
		want_name = "";
		(void)snprintf(dev, sizeof(dev), "cid=%" PRIu64, cid);
		args[n++] = "/usr/bin/crosvm";
		args[n++] = "run";
		args[n++] = form == CROSVM_CID ? "--cid" : "--vsock";
		args[n++] = form == CROSVM_CID ? num : dev;
		args[n++] = "/vmlinux";
		break;
	case LIBVIRT:
		hv = "libvirt";
		(void)snprintf(buf, 2 * sizeof(named) + 512,
		    "<domstatus state='running' reason='booted' pid='4242'>\n"
		    "  <domain type='kvm' id='1'>\n"
		    "    <name>%s</name>\n"
		    "    <devices>\n"
		    "      <vsock model='virtio'>\n"
		    "        <cid auto='no' address='%s'/>\n"
		    "        <alias name='vsock0'/>\n"
		    "      </vsock>\n"
		    "    </devices>\n"
		    "  </domain>\n"
		    "</domstatus>\n", esc, num);
		break;
	}
	args[n] = NULL;

	if (form == LIBVIRT)
		found = check_libvirt(buf, &vm);
	else
		found = check_cmdline(buf, put_args(buf, args), 4242, &vm);
	check(found == (cid > 2 && cid < UINT32_MAX), "a VM written with a "
	    "CID a guest can have is found, no other", num);
	check(strcmp(vm.hypervisor, hv) == 0, "the hypervisor written",
	    vm.hypervisor);
	if (found)
		check(vm.cid == cid, "the CID written", num);
	check(strcmp(vm.name, want_name) == 0, "the name written", name);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm vm;
	char *text;

	if (size < 1)
		return 0;
	/* The text after byte 0, NUL-terminated, in a block of its size. */
	if ((text = malloc(size)) == NULL)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	switch (data[0] % 6) {
	case 0:
		(void)check_cmdline(text, size - 1,
		    (pid_t)(1 + size % 4194304), &vm);
		break;
	case 1:
		(void)check_libvirt(text, &vm);
		break;
	case 2:
		check_from_raw(text);
		break;
	case 3:
	case 4:
		check_lines(text, size - 1, data[0] % 6 == 4);
		break;
	case 5:
		written(data + 1, size - 1);
		break;
	}
	free(text);
	return 0;
}
