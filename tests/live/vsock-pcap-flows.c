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
 * vsock-pcap-flows: the fields of every packet of a DLT_VSOCK capture,
 * for the live test's checker, independent of any printer.
 *
 * Reads a classic pcap file (either byte order, micro- or nanosecond
 * magic) and prints, on stdout (with -t, each pkt line ends with
 * " t=SECONDS.MICROSECONDS", the record's time stamp):
 *
 *	pkt n=N caplen=C len=L src=CID.PORT dst=CID.PORT mop=M trans=T
 *	    hlen=H type=Y op=O flags=F plen=P paylen=Q buf_alloc=B fwd_cnt=W
 *	    vsrc=CID.PORT vdst=CID.PORT lfnv=H
 *	flow type=Y src=CID.PORT dst=CID.PORT rw=N bytes=B fnv=H lbytes=B
 *	    lfnv=H
 *	file linktype=L packets=N		(last)
 *
 * A LINUX_SLL or LINUX_SLL2 capture (tcpdump -i any) is read too: a
 * frame whose ARPHRD type is 826 (vsockmon) is printed as above, its
 * caplen and len counted without the cooked header; other frames print
 * as "short".
 *
 * src/dst come from the vsockmon header, vsrc/vdst from the virtio one;
 * paylen is the payload bytes present in the capture; lfnv is the FNV-1a
 * hash of those of them that the virtio header's len covers (the first
 * min(plen, paylen)).  One "flow" line is printed per (type, src, dst)
 * that carried RW packets: their count, the payload bytes, and the
 * FNV-1a hash of the payload bytes in order; lbytes and lfnv count only
 * the bytes that the headers' len covers (they differ from bytes and fnv
 * when a packet carries more than its len says).
 * Packets too short for the headers print "short" fields as -1.
 * Exit status: 0, or 1 if the file cannot be read as a pcap.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DLT_VSOCK_	271
#define DLT_LINUX_SLL_	113
#define DLT_LINUX_SLL2_	276
#define SLLHDR		16
#define SLL2HDR		20
#define ARPHRD_VSOCKMON_ 826
#define MONHDR		32
#define VIRTIOHDR	44
#define MAXSNAP		(1024 * 1024)

struct flow {
	unsigned int	 type;
	uint64_t	 scid, dcid;
	uint32_t	 sport, dport;
	unsigned long	 rw;
	unsigned long long bytes, lbytes;
	uint32_t	 fnv, lfnv;
};

static struct flow	*flows;
static size_t		 nflows, maxflows;
static int		 swapped, nanosecond, stamps;
static uint32_t		 ts_sec, ts_frac;

static uint32_t
hdr32(const unsigned char *p)
{
	if (swapped)
		return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3]);
	return ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0]);
}

/* The end of a pkt line: its time stamp with -t, and the newline. */
static void
endpkt(void)
{
	if (stamps)
		printf(" t=%u.%06u", ts_sec,
		    nanosecond ? ts_frac / 1000 : ts_frac);
	putchar('\n');
}

/* Packet data: always little-endian. */
static uint16_t
le16(const unsigned char *p)
{
	return ((uint16_t)(p[0] | p[1] << 8));
}

static uint32_t
le32(const unsigned char *p)
{
	return ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0]);
}

static uint64_t
le64(const unsigned char *p)
{
	return ((uint64_t)le32(p + 4) << 32 | le32(p));
}

static struct flow *
getflow(unsigned int type, uint64_t scid, uint32_t sport, uint64_t dcid,
    uint32_t dport)
{
	struct flow *f;
	size_t i;

	for (i = 0; i < nflows; i++) {
		f = &flows[i];
		if (f->type == type && f->scid == scid && f->sport == sport &&
		    f->dcid == dcid && f->dport == dport)
			return (f);
	}
	if (nflows == maxflows) {
		maxflows = maxflows ? maxflows * 2 : 64;
		flows = realloc(flows, maxflows * sizeof(*flows));
		if (flows == NULL) {
			perror("vsock-pcap-flows");
			exit(1);
		}
	}
	f = &flows[nflows++];
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->scid = scid;
	f->sport = sport;
	f->dcid = dcid;
	f->dport = dport;
	f->fnv = 2166136261u;
	f->lfnv = 2166136261u;
	return (f);
}

static void
packet(unsigned long n, const unsigned char *p, uint32_t caplen,
    uint32_t len)
{
	uint64_t scid, dcid;
	uint32_t sport, dport, plen, paylen;
	unsigned int mop, trans, hlen, type, op;
	const unsigned char *v, *pay;
	struct flow *f;
	uint32_t i, lfnv, inlen;

	if (caplen < MONHDR) {
		printf("pkt n=%lu caplen=%u len=%u short=1", n, caplen, len);
		endpkt();
		return;
	}
	scid = le64(p);
	dcid = le64(p + 8);
	sport = le32(p + 16);
	dport = le32(p + 20);
	mop = le16(p + 24);
	trans = le16(p + 26);
	hlen = le16(p + 28);
	printf("pkt n=%lu caplen=%u len=%u src=%llu.%u dst=%llu.%u mop=%u "
	    "trans=%u hlen=%u", n, caplen, len, (unsigned long long)scid,
	    sport, (unsigned long long)dcid, dport, mop, trans, hlen);
	if (trans != 2 || hlen < VIRTIOHDR || caplen < MONHDR + VIRTIOHDR) {
		printf(" type=-1 op=-1 flags=-1 plen=-1 paylen=-1");
		endpkt();
		return;
	}
	v = p + MONHDR;
	plen = le32(v + 24);
	type = le16(v + 28);
	op = le16(v + 30);
	pay = p + MONHDR + hlen;
	paylen = caplen > MONHDR + hlen ? caplen - MONHDR - hlen : 0;
	inlen = paylen < plen ? paylen : plen;
	lfnv = 2166136261u;
	for (i = 0; i < inlen; i++) {
		lfnv ^= pay[i];
		lfnv *= 16777619u;
	}
	printf(" type=%u op=%u flags=%u plen=%u paylen=%u buf_alloc=%u "
	    "fwd_cnt=%u vsrc=%llu.%u vdst=%llu.%u lfnv=%08x", type, op,
	    le32(v + 32), plen, paylen, le32(v + 36), le32(v + 40),
	    (unsigned long long)le64(v), le32(v + 16),
	    (unsigned long long)le64(v + 8), le32(v + 20), lfnv);
	endpkt();
	if (op != 5)
		return;
	f = getflow(type, scid, sport, dcid, dport);
	f->rw++;
	f->bytes += paylen;
	f->lbytes += inlen;
	for (i = 0; i < paylen; i++) {
		f->fnv ^= pay[i];
		f->fnv *= 16777619u;
		if (i < inlen) {
			f->lfnv ^= pay[i];
			f->lfnv *= 16777619u;
		}
	}
}

int
main(int argc, char *argv[])
{
	unsigned char gh[24], rh[16];
	unsigned char *buf;
	uint32_t magic, linktype, caplen, len;
	unsigned long n = 0;
	size_t i;
	FILE *fp;

	if (argc == 3 && strcmp(argv[1], "-t") == 0) {
		stamps = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: vsock-pcap-flows [-t] file.pcap\n");
		return (2);
	}
	if ((fp = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "vsock-pcap-flows: %s: %s\n", argv[1],
		    strerror(errno));
		return (1);
	}
	if (fread(gh, 1, sizeof(gh), fp) != sizeof(gh)) {
		fprintf(stderr, "vsock-pcap-flows: %s: short file\n", argv[1]);
		return (1);
	}
	magic = le32(gh);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swapped = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swapped = 1;
	else {
		fprintf(stderr, "vsock-pcap-flows: %s: not a classic pcap "
		    "file (magic %08x)\n", argv[1], magic);
		return (1);
	}
	nanosecond = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	linktype = hdr32(gh + 20) & 0x0fffffff;
	if ((buf = malloc(MAXSNAP)) == NULL) {
		perror("vsock-pcap-flows");
		return (1);
	}
	while (fread(rh, 1, sizeof(rh), fp) == sizeof(rh)) {
		ts_sec = hdr32(rh);
		ts_frac = hdr32(rh + 4);
		caplen = hdr32(rh + 8);
		len = hdr32(rh + 12);
		if (caplen > MAXSNAP ||
		    fread(buf, 1, caplen, fp) != caplen) {
			fprintf(stderr, "vsock-pcap-flows: %s: truncated "
			    "record %lu\n", argv[1], n + 1);
			printf("error truncated-record n=%lu\n", n + 1);
			break;
		}
		n++;
		if (linktype == DLT_VSOCK_)
			packet(n, buf, caplen, len);
		else if (linktype == DLT_LINUX_SLL2_ && caplen >= SLL2HDR &&
		    len >= SLL2HDR &&
		    (buf[8] << 8 | buf[9]) == ARPHRD_VSOCKMON_)
			packet(n, buf + SLL2HDR, caplen - SLL2HDR,
			    len - SLL2HDR);
		else if (linktype == DLT_LINUX_SLL_ && caplen >= SLLHDR &&
		    len >= SLLHDR &&
		    (buf[2] << 8 | buf[3]) == ARPHRD_VSOCKMON_)
			packet(n, buf + SLLHDR, caplen - SLLHDR,
			    len - SLLHDR);
		else {
			printf("pkt n=%lu caplen=%u len=%u short=1", n,
			    caplen, len);
			endpkt();
		}
	}
	for (i = 0; i < nflows; i++)
		printf("flow type=%u src=%llu.%u dst=%llu.%u rw=%lu bytes=%llu "
		    "fnv=%08x lbytes=%llu lfnv=%08x\n", flows[i].type,
		    (unsigned long long)flows[i].scid, flows[i].sport,
		    (unsigned long long)flows[i].dcid, flows[i].dport,
		    flows[i].rw, flows[i].bytes, flows[i].fnv,
		    flows[i].lbytes, flows[i].lfnv);
	printf("file linktype=%u packets=%lu\n", linktype, n);
	fclose(fp);
	free(buf);
	return (0);
}
