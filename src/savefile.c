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
 * The -w output of vsockdump, with tcpdump's rotation:
 *
 *  -C SIZE  before a packet is written, a file already larger than SIZE
 *	     is closed and the next one opened: FILE, FILE1, FILE2, ...
 *	     (with -W N: FILE0 .. FILE(N-1), numbered with as many digits
 *	     as N - 1 has, then FILE0 again);
 *  -G SECS  on the first packet SECS seconds or more after the current
 *	     file was begun, the next file is begun; FILE is a strftime(3)
 *	     pattern, expanded with the local time the file was begun;
 *	     with -W N and no -C, the capture ends after N files.
 *
 * A file is flushed and checked before it is closed.  The first write
 * that fails ends the capture: the file is cut back to its last whole
 * packet (savefile-trim.c), and the failure is reported.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "savefile.h"
#include "savefile-trim.h"

/* Sets sf->msg; returns -1. */
static int
fail(struct savefile *sf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(sf->msg, sizeof(sf->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Digits of the largest -C file number, N - 1 for -W N. */
static int
number_width(int max_files)
{
	int n = max_files - 1, digits = 0;

	while (n > 0) {
		digits++;
		n /= 10;
	}
	return digits;
}

/*
 * The name of a file into *namep: the pattern (expanded by strftime(3)
 * with the time the -G period began), then, with -C, the file number.
 * Returns 0, or -1 with msg set.
 */
static int
file_name(struct savefile *sf, int number, int numbered, char **namep)
{
	char base[PATH_MAX + 1], name[PATH_MAX + 1];
	struct tm *tm;

	if (sf->set->seconds != 0) {
		tm = localtime(&sf->period_start);
		if (tm == NULL)
			return fail(sf, "localtime failed: %s",
			    strerror(errno));
		if (strftime(base, sizeof(base), sf->pattern, tm) == 0)
			return fail(sf, "-w pattern \"%s\" expands to nothing "
			    "or to more than %d characters", sf->pattern,
			    PATH_MAX);
	} else if (snprintf(base, sizeof(base), "%s", sf->pattern) >=
	    (int)sizeof(base))
		return fail(sf, "file name %s is too long (> %d)",
		    sf->pattern, PATH_MAX);
	if (!numbered || (number == 0 && sf->digits == 0))
		(void)snprintf(name, sizeof(name), "%s", base);
	else if (snprintf(name, sizeof(name), "%s%0*d", base, sf->digits,
	    number) > PATH_MAX)
		return fail(sf, "too many output files or filename is too "
		    "long (> %d)", PATH_MAX);
	*namep = strdup(name);
	if (*namep == NULL)
		return fail(sf, "out of memory");
	return 0;
}

/* Begin file number "number"; returns 0, or -1 with msg set. */
static int
open_file(struct savefile *sf, int number, int numbered)
{
	char *name;

	if (file_name(sf, number, numbered, &name) < 0)
		return -1;
	free(sf->name);
	sf->name = name;
	sf->pdd = pcap_dump_open(sf->pd, name);
	if (sf->pdd == NULL)
		return fail(sf, "%s", pcap_geterr(sf->pd));
	if (sf->set->flush)
		(void)pcap_dump_flush(sf->pdd);
	return 0;
}

/*
 * Flush and close the current file.  If that or an earlier write
 * failed, sf->err says why.
 */
static void
close_file(struct savefile *sf)
{
	errno = 0;
	if (sf->err == 0 && (pcap_dump_flush(sf->pdd) < 0 ||
	    ferror(pcap_dump_file(sf->pdd))))
		sf->err = errno != 0 ? errno : EIO;
	pcap_dump_close(sf->pdd);
	sf->pdd = NULL;
}

int
savefile_open(struct savefile *sf, const struct savefile_settings *set,
    pcap_t *pd, const char *pattern)
{
	memset(sf, 0, sizeof(*sf));
	sf->set = set;
	sf->pd = pd;
	sf->pattern = pattern;
	sf->digits = set->max_files > 0 ? number_width(set->max_files) : 0;
	if (time(&sf->period_start) == (time_t)-1)
		return fail(sf, "can't get current time: %s",
		    strerror(errno));
	return open_file(sf, 0, set->max_size != 0);
}

/* -G: begin the next file if the period is over. */
static int
rotate_by_time(struct savefile *sf)
{
	time_t now;

	if (time(&now) == (time_t)-1) {
		(void)fail(sf, "can't get current time: %s", strerror(errno));
		return SAVEFILE_ERROR;
	}
	if (now - sf->period_start < sf->set->seconds)
		return SAVEFILE_OK;
	close_file(sf);
	if (sf->err != 0)
		return SAVEFILE_FAILED;
	sf->periods++;
	if (sf->set->max_size == 0 && sf->set->max_files > 0 &&
	    sf->periods >= sf->set->max_files)
		return SAVEFILE_LIMIT;
	sf->period_start = now;
	sf->size_index = 0;
	return open_file(sf, 0, sf->set->max_size != 0) < 0 ?
	    SAVEFILE_ERROR : SAVEFILE_OK;
}

/* -C: begin the next file if this one is over the size. */
static int
rotate_by_size(struct savefile *sf)
{
	int64_t size;

	size = pcap_dump_ftell64(sf->pdd);
	if (size == -1) {
		(void)fail(sf, "ftell fails on output file %s: %s", sf->name,
		    strerror(errno));
		return SAVEFILE_ERROR;
	}
	if (size <= sf->set->max_size)
		return SAVEFILE_OK;
	close_file(sf);
	if (sf->err != 0)
		return SAVEFILE_FAILED;
	sf->size_index++;
	if (sf->set->max_files > 0 && sf->size_index >= sf->set->max_files)
		sf->size_index = 0;
	return open_file(sf, sf->size_index, 1) < 0 ? SAVEFILE_ERROR :
	    SAVEFILE_OK;
}

int
savefile_write(struct savefile *sf, const struct pcap_pkthdr *h,
    const u_char *sp)
{
	int status;

	if (sf->err != 0)
		return SAVEFILE_FAILED;
	if (sf->set->seconds != 0 &&
	    (status = rotate_by_time(sf)) != SAVEFILE_OK)
		return status;
	if (sf->set->max_size != 0 &&
	    (status = rotate_by_size(sf)) != SAVEFILE_OK)
		return status;
	errno = 0;
	pcap_dump((u_char *)sf->pdd, h, sp);
	if (sf->set->flush)
		(void)pcap_dump_flush(sf->pdd);
	if (ferror(pcap_dump_file(sf->pdd))) {
		/* Nothing more can reach the file. */
		sf->err = errno != 0 ? errno : EIO;
		return SAVEFILE_FAILED;
	}
	return SAVEFILE_OK;
}

int
savefile_close(struct savefile *sf, const char *program)
{
	if (sf->pdd != NULL)
		close_file(sf);
	if (sf->err != 0)
		savefile_write_failed(program, sf->name, sf->err);
	free(sf->name);
	sf->name = NULL;
	return sf->err != 0 ? -1 : 0;
}
