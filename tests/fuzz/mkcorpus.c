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
 * Builds seed inputs for the fuzz harnesses from capture files.
 *
 *	mkcorpus printer OUTDIR FILE...
 *		one input for fuzz-printer.c per packet (at most MAXPKTS
 *		per file): the 14-byte option prefix, then the packet's
 *		first MAXCAP captured bytes.  The options cycle through a
 *		set of verbosities and dumps; the link type is the file's.
 *	mkcorpus readfile OUTDIR FILE...
 *		one input for fuzz-readfile.c per file: the file itself if
 *		it is at most MAXFILE bytes, otherwise a pcap of its first
 *		MAXPKTS packets cut at MAXCAP bytes each.
 *
 * Inputs are named after the capture file and the packet number.
 */

#include <errno.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#define MAXPKTS	32
#define MAXCAP	512
#define MAXFILE	(16 * 1024)

/* Option byte A (verbosity, -e, -n, -#) and B (dump, -t) pairs. */
static const uint8_t option_sets[][2] = {
	{ 0x08, 0x00 },		/* -n */
	{ 0x09, 0x00 },		/* -n -v */
	{ 0x0e, 0x00 },		/* -n -vv -e */
	{ 0x0b, 0x03 },		/* -n -vvv -X */
	{ 0x08, 0x04 },		/* -n -XX */
	{ 0x4a, 0x05 },		/* -n -vv -A -# */
	{ 0x00, 0x1a },		/* -xx -ttt */
	{ 0x09, 0x66 },		/* -n -v -AA -tttt, nanoseconds */
};

static int
link_code(int dlt)
{
	switch (dlt) {
	case DLT_LINUX_SLL:
		return 1;
	case DLT_LINUX_SLL2:
		return 2;
	default:
		return 0;
	}
}

static void
put_le16(uint8_t *p, unsigned v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, v & 0xffff);
	put_le16(p + 2, v >> 16);
}

static int
write_file(const char *path, const void *a, size_t alen, const void *b,
    size_t blen)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(a, 1, alen, f) != alen ||
	    (blen != 0 && fwrite(b, 1, blen, f) != blen) || fclose(f) != 0) {
		fprintf(stderr, "mkcorpus: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
printer_inputs(const char *outdir, const char *file)
{
	char ebuf[PCAP_ERRBUF_SIZE], path[4096], *base, *copy;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t hdr[14];
	unsigned caplen, extra;
	pcap_t *pd;
	int n = 0, link;

	pd = pcap_open_offline(file, ebuf);
	if (pd == NULL) {
		fprintf(stderr, "mkcorpus: %s\n", ebuf);
		return -1;
	}
	link = link_code(pcap_datalink(pd));
	copy = strdup(file);
	base = basename(copy);
	while (n < MAXPKTS && pcap_next_ex(pd, &h, &data) == 1) {
		caplen = h->caplen < MAXCAP ? h->caplen : MAXCAP;
		extra = h->len > caplen ? h->len - caplen : 0;
		if (extra > 0xffff)
			extra = 0xffff;
		hdr[0] = option_sets[n % 8][0] | (uint8_t)(link << 4);
		hdr[1] = option_sets[n % 8][1];
		put_le16(hdr + 2, caplen);
		put_le16(hdr + 4, extra);
		put_le32(hdr + 6, (uint32_t)h->ts.tv_sec);
		put_le32(hdr + 10, (uint32_t)h->ts.tv_usec);
		(void)snprintf(path, sizeof(path), "%s/%s-%03d", outdir, base,
		    n + 1);
		if (write_file(path, hdr, sizeof(hdr), data, caplen) < 0)
			return -1;
		n++;
	}
	free(copy);
	pcap_close(pd);
	return 0;
}

static int
readfile_input(const char *outdir, const char *file)
{
	char ebuf[PCAP_ERRBUF_SIZE], path[4096], *base, *copy;
	struct pcap_pkthdr *h, ch;
	const u_char *data;
	pcap_dumper_t *pdd;
	pcap_t *pd;
	FILE *f;
	long size;
	char *buf;
	int n = 0;

	f = fopen(file, "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0) {
		fprintf(stderr, "mkcorpus: %s: %s\n", file, strerror(errno));
		return -1;
	}
	copy = strdup(file);
	base = basename(copy);
	(void)snprintf(path, sizeof(path), "%s/%s", outdir, base);
	if (size <= MAXFILE) {
		buf = malloc(size != 0 ? (size_t)size : 1);
		rewind(f);
		if (buf == NULL || fread(buf, 1, (size_t)size, f) !=
		    (size_t)size) {
			fprintf(stderr, "mkcorpus: %s: read error\n", file);
			return -1;
		}
		(void)fclose(f);
		free(copy);
		n = write_file(path, buf, (size_t)size, NULL, 0);
		free(buf);
		return n;
	}
	(void)fclose(f);
	pd = pcap_open_offline(file, ebuf);
	if (pd == NULL) {
		fprintf(stderr, "mkcorpus: %s\n", ebuf);
		return -1;
	}
	pdd = pcap_dump_open(pd, path);
	if (pdd == NULL) {
		fprintf(stderr, "mkcorpus: %s\n", pcap_geterr(pd));
		return -1;
	}
	while (n < MAXPKTS && pcap_next_ex(pd, &h, &data) == 1) {
		ch = *h;
		if (ch.caplen > MAXCAP)
			ch.caplen = MAXCAP;
		pcap_dump((u_char *)pdd, &ch, data);
		n++;
	}
	pcap_dump_close(pdd);
	pcap_close(pd);
	free(copy);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, status = 0;

	if (argc < 4 || (strcmp(argv[1], "printer") != 0 &&
	    strcmp(argv[1], "readfile") != 0)) {
		fprintf(stderr, "usage: mkcorpus printer|readfile OUTDIR "
		    "FILE...\n");
		return 2;
	}
	for (i = 3; i < argc; i++) {
		if (argv[1][0] == 'p') {
			if (printer_inputs(argv[2], argv[i]) < 0)
				status = 1;
		} else if (readfile_input(argv[2], argv[i]) < 0)
			status = 1;
	}
	return status;
}
