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
 * After a write to a pcap savefile failed (a full file system, an I/O
 * error), cut the file back to its last whole record and say so.
 *
 * pcap_dump() writes through stdio, so when the file system fills up
 * the file may end in the middle of a record: the part of the stdio
 * buffer that fit.  Readers stop at such a cut record with an error,
 * and some refuse the whole file.  Walking the record headers from the
 * start finds the last record that is complete on disk; everything up
 * to it stays, the rest is cut away, so the file is a valid capture of
 * every packet that was written.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "savefile-trim.h"

#ifdef _WIN32
static int
savefile_trim(const char *path, uint64_t *records)
{
	(void)path;
	*records = 0;
	errno = ENOSYS;
	return -1;
}
#else
#include <sys/types.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#define PCAP_FILE_HDR_LEN	24	/* struct pcap_file_header */
#define PCAP_REC_HDR_LEN	16	/* struct pcap_sf_pkthdr */
#define PCAP_MAGIC_USEC		0xa1b2c3d4U
#define PCAP_MAGIC_NSEC		0xa1b23c4dU

static uint32_t
swap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00U) | ((v << 8) & 0xff0000U) |
	    (v << 24);
}

/* pread() of exactly len bytes at off; 0 on success. */
static int
read_at(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n;

	do
		n = pread(fd, buf, len, off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/*
 * Returns 0 and the number of whole records the file keeps, or -1 with
 * errno set: the file could not be opened, read or truncated, or it is
 * not a pcap file (EINVAL).  A file too short for its file header is
 * left as it is, with 0 records.  Not for pipes or other files that
 * are not regular files (ESPIPE).
 */
static int
savefile_trim(const char *path, uint64_t *records)
{
	struct stat st;
	uint32_t word, caplen;
	off_t off;
	int fd, swapped, saved;
	uint64_t n = 0;

	*records = 0;
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = ESPIPE;
		goto fail;
	}
	if (st.st_size < PCAP_FILE_HDR_LEN) {
		(void)close(fd);
		return 0;
	}
	if (read_at(fd, &word, sizeof(word), 0) < 0)
		goto fail;
	if (word == PCAP_MAGIC_USEC || word == PCAP_MAGIC_NSEC)
		swapped = 0;
	else if (swap32(word) == PCAP_MAGIC_USEC ||
	    swap32(word) == PCAP_MAGIC_NSEC)
		swapped = 1;
	else {
		errno = EINVAL;
		goto fail;
	}

	off = PCAP_FILE_HDR_LEN;
	while (st.st_size - off >= PCAP_REC_HDR_LEN) {
		/* caplen is the third 32-bit word of the record header. */
		if (read_at(fd, &caplen, sizeof(caplen), off + 8) < 0)
			goto fail;
		if (swapped)
			caplen = swap32(caplen);
		if ((uint64_t)(st.st_size - off - PCAP_REC_HDR_LEN) < caplen)
			break;
		off += PCAP_REC_HDR_LEN + (off_t)caplen;
		n++;
	}
	if (off < st.st_size && ftruncate(fd, off) < 0)
		goto fail;
	if (close(fd) < 0)
		return -1;
	*records = n;
	return 0;

fail:
	saved = errno;
	(void)close(fd);
	errno = saved;
	return -1;
}
#endif /* _WIN32 */

/*
 * Report on the standard error that writing the savefile PATH ("-" is
 * the standard output) failed with errno ERR, as PROG: and cut the file
 * back to its last whole record, saying how many packets it keeps.
 */
void
savefile_write_failed(const char *prog, const char *path, int err)
{
	uint64_t kept;

	if (strcmp(path, "-") == 0)
		(void)fprintf(stderr, "%s: standard output: %s\n", prog,
		    strerror(err));
	else if (savefile_trim(path, &kept) < 0)
		(void)fprintf(stderr, "%s: %s: %s; cannot cut it back to its "
		    "last whole packet: %s\n", prog, path, strerror(err),
		    strerror(errno));
	else
		(void)fprintf(stderr, "%s: %s: %s; the file keeps the first "
		    "%" PRIu64 " packet%s\n", prog, path, strerror(err), kept,
		    kept == 1 ? "" : "s");
}
