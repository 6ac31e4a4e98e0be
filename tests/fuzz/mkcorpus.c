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
 *	mkcorpus conv OUTDIR FILE...
 *		two inputs for fuzz-conv.c per file, its first MAXCONV
 *		packets as raw records (captured bytes cut at 255), one for
 *		the tracker alone and one through the analysis; and, once,
 *		conv-scenario-*: structured records of a connection that
 *		fills its window, stalls, asks for credit and closes.
 *	mkcorpus decode OUTDIR INDEX FILE...
 *		inputs for fuzz-decode.c, decoder INDEX (its byte 0): one
 *		per connection of each VSOCK file (at most MAXDECODE), its
 *		RW payloads as records (cut at MAXCAP bytes, the rest
 *		counted as not captured), at -v with the rpc tables.
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
#define MAXCONV	64
#define MAXDECODE 4
#define DECODE_SEED_MAX	(64 * 1024)

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

/* fuzz-conv.c inputs of a capture file: raw records. */
static int
conv_inputs(const char *outdir, const char *file)
{
	char ebuf[PCAP_ERRBUF_SIZE], path[4096], *base, *copy;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t *buf, cfg[2];
	size_t len = 0;
	unsigned cap, extra;
	pcap_t *pd;
	int n = 0, link, k;

	pd = pcap_open_offline(file, ebuf);
	if (pd == NULL) {
		fprintf(stderr, "mkcorpus: %s\n", ebuf);
		return -1;
	}
	link = link_code(pcap_datalink(pd));
	buf = malloc(MAXCONV * (4 + 255));
	while (buf != NULL && n < MAXCONV && pcap_next_ex(pd, &h, &data) == 1) {
		cap = h->caplen < 255 ? h->caplen : 255;
		extra = h->len - cap > 0xffff ? 0xffff : h->len - cap;
		buf[len] = 0x80;
		buf[len + 1] = (uint8_t)cap;
		put_le16(buf + len + 2, extra);
		memcpy(buf + len + 4, data, cap);
		len += 4 + cap;
		n++;
	}
	pcap_close(pd);
	copy = strdup(file);
	base = basename(copy);
	for (k = 0; k < 2 && buf != NULL; k++) {
		/* tracker alone / analysis; a 100 ms threshold */
		cfg[0] = (uint8_t)(link | (k ? 0x40 : 0));
		cfg[1] = 99;
		(void)snprintf(path, sizeof(path), "%s/%s-%s", outdir, base,
		    k ? "analysis" : "tracker");
		if (write_file(path, cfg, 2, buf, len) < 0)
			return -1;
	}
	free(copy);
	free(buf);
	return buf != NULL ? 0 : -1;
}

/* One structured record of fuzz-conv.c (see its layout). */
static size_t
rec(uint8_t *p, int pair, int side, int op, int type, int flags,
    unsigned plen, unsigned buf_alloc, int fwdmode, uint32_t fwd,
    int step)
{
	p[0] = (uint8_t)(pair | side << 3 | op << 4);
	p[1] = (uint8_t)(type | flags << 2 | fwdmode << 6);
	put_le16(p + 2, plen);
	put_le16(p + 4, buf_alloc / 4);
	put_le32(p + 6, fwd);
	p[10] = (uint8_t)step;
	return 11;
}

/*
 * A STREAM connection with a 4096-byte buffer that fills its window and
 * stalls past the threshold, a credit request and its answer, and a
 * SEQPACKET one beside it; under four configurations.
 */
static int
conv_scenarios(const char *outdir)
{
	static const uint8_t cfgs[4][2] = {
		{ 0x00, 99 }, { 0x40, 99 }, { 0x06, 9 }, { 0x81, 0 }
	};
	uint8_t buf[512];
	char path[4096];
	size_t n = 2;
	int k;

	n += rec(buf + n, 0, 0, 1, 0, 0, 0, 65536, 0, 0, 1);	/* REQUEST */
	n += rec(buf + n, 0, 1, 2, 0, 0, 0, 4096, 0, 0, 1);	/* RESPONSE */
	n += rec(buf + n, 1, 0, 1, 1, 0, 0, 65536, 0, 0, 1);	/* SEQPACKET */
	n += rec(buf + n, 1, 1, 2, 1, 0, 0, 65536, 0, 0, 1);
	n += rec(buf + n, 0, 0, 5, 0, 0, 4096, 65536, 0, 0, 2);	/* full */
	n += rec(buf + n, 1, 0, 5, 1, 0, 3000, 65536, 0, 0, 2);
	n += rec(buf + n, 1, 0, 5, 1, 1, 1000, 65536, 0, 0, 2);	/* EOM */
	n += rec(buf + n, 0, 0, 7, 0, 0, 0, 65536, 0, 0, 255);	/* CREDIT_REQUEST */
	n += rec(buf + n, 0, 1, 6, 0, 0, 0, 4096, 3, 0, 255);	/* CREDIT_UPDATE */
	n += rec(buf + n, 1, 1, 6, 1, 0, 0, 65536, 3, 0, 30);
	n += rec(buf + n, 0, 0, 4, 0, 3, 0, 65536, 0, 0, 3);	/* SHUTDOWN */
	n += rec(buf + n, 0, 1, 3, 0, 0, 0, 4096, 0, 0, 3);	/* RST */
	n += rec(buf + n, 1, 0, 3, 1, 0, 0, 65536, 0, 0, 3);
	for (k = 0; k < 4; k++) {
		buf[0] = cfgs[k][0];
		buf[1] = cfgs[k][1];
		(void)snprintf(path, sizeof(path), "%s/conv-scenario-%d",
		    outdir, k + 1);
		if (write_file(path, buf, n, NULL, 0) < 0)
			return -1;
	}
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

/* Little-endian fields of a VSOCK frame (vsockmon then virtio header). */
static uint32_t
get_le(const u_char *p, int n)
{
	uint32_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

#define MON_HDR_LEN	32
#define VIRTIO_HDR_LEN	44
#define RW		5

/*
 * The records of connection k of a file (the k-th server port seen): its
 * RW payloads, the side that sent its first packet being the client.
 */
static size_t
decode_records(pcap_t *pd, int k, uint8_t *buf, size_t size, int *seqpacket)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	uint32_t ports[MAXDECODE + 1][2], sp, dp, cap, plen;
	size_t len = 3;
	int nconn = 0, i, dir;

	while (pcap_next_ex(pd, &h, &d) == 1) {
		if (h->caplen < MON_HDR_LEN + VIRTIO_HDR_LEN)
			continue;
		sp = get_le(d + 16, 4);
		dp = get_le(d + 20, 4);
		for (i = 0; i < nconn; i++)
			if ((ports[i][0] == sp && ports[i][1] == dp) ||
			    (ports[i][0] == dp && ports[i][1] == sp))
				break;
		if (i == nconn && nconn <= MAXDECODE) {
			ports[nconn][0] = sp;
			ports[nconn][1] = dp;
			nconn++;
		}
		if (i != k || get_le(d + MON_HDR_LEN + 30, 2) != RW)
			continue;
		*seqpacket = get_le(d + MON_HDR_LEN + 28, 2) == 2;
		dir = sp != ports[i][0];
		cap = h->caplen - MON_HDR_LEN - VIRTIO_HDR_LEN;
		plen = get_le(d + MON_HDR_LEN + 24, 4);
		if (cap > MAXCAP)
			cap = MAXCAP;
		if (len + 5 + cap > size)
			break;
		buf[len] = (uint8_t)(dir | (get_le(d + MON_HDR_LEN + 32, 4) &
		    1) << 1 | 4);
		put_le16(buf + len + 1, cap);
		put_le16(buf + len + 3, plen > cap ? (plen - cap > 0xffff ?
		    0xffff : plen - cap) : 0);
		memcpy(buf + len + 5, d + MON_HDR_LEN + VIRTIO_HDR_LEN, cap);
		len += 5 + cap;
	}
	return len;
}

static int
decode_inputs(const char *outdir, int index, const char *file)
{
	char ebuf[PCAP_ERRBUF_SIZE], path[4096], *base, *copy;
	uint8_t *buf = malloc(DECODE_SEED_MAX);
	size_t len;
	pcap_t *pd;
	int k, seqpacket = 0, status = 0;

	copy = strdup(file);
	base = basename(copy);
	for (k = 0; k < MAXDECODE && buf != NULL && status == 0; k++) {
		if ((pd = pcap_open_offline(file, ebuf)) == NULL) {
			fprintf(stderr, "mkcorpus: %s\n", ebuf);
			status = -1;
			break;
		}
		len = decode_records(pd, k, buf, DECODE_SEED_MAX, &seqpacket);
		pcap_close(pd);
		if (len == 3)
			continue;	/* no data, or no connection k */
		buf[0] = (uint8_t)index;
		buf[1] = (uint8_t)(seqpacket | 1 << 1 | 8 | 0x20);
		buf[2] = 0;
		(void)snprintf(path, sizeof(path), "%s/%s-%d", outdir, base,
		    k + 1);
		status = write_file(path, buf, len, NULL, 0);
	}
	free(copy);
	free(buf);
	return buf != NULL ? status : -1;
}

int
main(int argc, char **argv)
{
	int i, status = 0;

	if (argc >= 5 && strcmp(argv[1], "decode") == 0) {
		for (i = 4; i < argc; i++)
			if (decode_inputs(argv[2], atoi(argv[3]), argv[i]) < 0)
				status = 1;
		return status;
	}
	if (argc < 4 || (strcmp(argv[1], "printer") != 0 &&
	    strcmp(argv[1], "readfile") != 0 && strcmp(argv[1], "conv") != 0)) {
		fprintf(stderr, "usage: mkcorpus printer|readfile|conv OUTDIR "
		    "FILE...\n       mkcorpus decode OUTDIR INDEX FILE...\n");
		return 2;
	}
	if (argv[1][0] == 'c' && conv_scenarios(argv[2]) < 0)
		status = 1;
	for (i = 3; i < argc; i++) {
		if (argv[1][0] == 'p') {
			if (printer_inputs(argv[2], argv[i]) < 0)
				status = 1;
		} else if (argv[1][0] == 'c') {
			if (conv_inputs(argv[2], argv[i]) < 0)
				status = 1;
		} else if (readfile_input(argv[2], argv[i]) < 0)
			status = 1;
	}
	return status;
}
