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
 * Writes hostile capture files, one per case, into a directory:
 *
 *	mkhostile OUTDIR
 *
 * Each is a small pcap or pcapng file built byte by byte, well formed
 * except for the one defect its name gives; tests/hardening/hostile.sh
 * runs vsockdump on each and says what must happen.  See README.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LT_EN10MB	1
#define LT_VSOCK	271

struct buf {
	uint8_t d[4096];
	size_t n;
};

static void
put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > sizeof(b->d))
		abort();
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

static void
u16(struct buf *b, unsigned v)
{
	uint8_t x[2] = { v & 0xff, (v >> 8) & 0xff };

	put(b, x, 2);
}

static void
u32(struct buf *b, uint32_t v)
{
	u16(b, v & 0xffff);
	u16(b, v >> 16);
}

static void
u32be(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	put(b, x, 4);
}

/* A well-formed 76-byte VIRTIO REQUEST from 3.1024 to 2.1234. */
static void
vsock_packet(uint8_t p[76])
{
	struct buf b;

	b.n = 0;
	u32(&b, 3); u32(&b, 0);		/* src_cid */
	u32(&b, 2); u32(&b, 0);		/* dst_cid */
	u32(&b, 1024); u32(&b, 1234);	/* ports */
	u16(&b, 1); u16(&b, 2);		/* op CONNECT, transport VIRTIO */
	u16(&b, 44); u16(&b, 0);	/* hdr_len, reserved */
	u32(&b, 3); u32(&b, 0);
	u32(&b, 2); u32(&b, 0);
	u32(&b, 1024); u32(&b, 1234);
	u32(&b, 0);			/* payload len */
	u16(&b, 1); u16(&b, 1);		/* STREAM, REQUEST */
	u32(&b, 0); u32(&b, 262144); u32(&b, 0);
	memcpy(p, b.d, 76);
}

/* pcap file header, little-endian, microseconds. */
static void
pcap_hdr(struct buf *b, uint32_t snaplen, uint32_t linktype)
{
	u32(b, 0xa1b2c3d4);
	u16(b, 2); u16(b, 4);
	u32(b, 0); u32(b, 0);
	u32(b, snaplen);
	u32(b, linktype);
}

static void
pcap_rec(struct buf *b, uint32_t sec, uint32_t caplen, uint32_t len,
    const uint8_t *data, size_t datalen)
{
	u32(b, sec); u32(b, 0);
	u32(b, caplen); u32(b, len);
	put(b, data, datalen);
}

static void
ng_shb(struct buf *b)
{
	u32(b, 0x0a0d0d0a); u32(b, 28);
	u32(b, 0x1a2b3c4d);
	u16(b, 1); u16(b, 0);
	u32(b, 0xffffffff); u32(b, 0xffffffff);	/* section length -1 */
	u32(b, 28);
}

static void
ng_idb(struct buf *b, unsigned linktype)
{
	u32(b, 1); u32(b, 20);
	u16(b, linktype); u16(b, 0);
	u32(b, 262144);
	u32(b, 20);
}

static void
ng_epb(struct buf *b, uint32_t ifid, const uint8_t *data, uint32_t caplen,
    uint32_t len)
{
	uint32_t padded = (caplen + 3) & ~3U;
	static const uint8_t zero[4];

	u32(b, 6); u32(b, 32 + padded);
	u32(b, ifid);
	u32(b, 0); u32(b, 0);
	u32(b, caplen); u32(b, len);
	put(b, data, caplen);
	put(b, zero, padded - caplen);
	u32(b, 32 + padded);
}

static int
emit(const char *dir, const char *name, const struct buf *b)
{
	char path[4096];
	FILE *f;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || (b->n != 0 && fwrite(b->d, 1, b->n, f) != b->n) ||
	    fclose(f) != 0) {
		fprintf(stderr, "mkhostile: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	uint8_t p[76], junk[64];
	struct buf b;
	const char *d;
	int i, st = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: mkhostile OUTDIR\n");
		return 2;
	}
	d = argv[1];
	vsock_packet(p);
	for (i = 0; i < (int)sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 11);

#define CASE(name, body) do { b.n = 0; body; if (emit(d, name, &b)) st = 1; } while (0)

	/* The reference: a good file of two packets. */
	CASE("good.pcap", pcap_hdr(&b, 262144, LT_VSOCK);
	    pcap_rec(&b, 1, 76, 76, p, 76); pcap_rec(&b, 2, 76, 76, p, 76));
	CASE("empty.pcap", (void)0);
	CASE("garbage.pcap", put(&b, junk, sizeof(junk)));
	CASE("short-file-header.pcap", pcap_hdr(&b, 262144, LT_VSOCK);
	    b.n = 10);
	CASE("header-only.pcap", pcap_hdr(&b, 262144, LT_VSOCK));
	CASE("caplen-gt-snaplen.pcap", pcap_hdr(&b, 64, LT_VSOCK);
	    pcap_rec(&b, 1, 76, 76, p, 76));
	CASE("caplen-huge.pcap", pcap_hdr(&b, 262144, LT_VSOCK);
	    pcap_rec(&b, 1, 76, 76, p, 76);
	    pcap_rec(&b, 2, 0x7fffffff, 0x7fffffff, p, 76));
	CASE("caplen-negative.pcap", pcap_hdr(&b, 262144, LT_VSOCK);
	    pcap_rec(&b, 1, 76, 76, p, 76);
	    pcap_rec(&b, 2, 0xffffffff, 76, p, 76));
	CASE("caplen-over-max.pcap", pcap_hdr(&b, 262144, LT_VSOCK);
	    pcap_rec(&b, 1, 262145, 262145, p, 76));
	CASE("len-huge.pcap", pcap_hdr(&b, 262144, LT_VSOCK);
	    pcap_rec(&b, 1, 76, 0xffffffff, p, 76));
	CASE("len-lt-caplen.pcap", pcap_hdr(&b, 262144, LT_VSOCK);
	    pcap_rec(&b, 1, 76, 60, p, 76));
	CASE("caplen-zero.pcap", pcap_hdr(&b, 262144, LT_VSOCK);
	    pcap_rec(&b, 1, 0, 76, p, 0));
	CASE("linktype-en10mb.pcap", pcap_hdr(&b, 262144, LT_EN10MB);
	    pcap_rec(&b, 1, 76, 76, p, 76));
	CASE("linktype-unknown.pcap", pcap_hdr(&b, 262144, 60000);
	    pcap_rec(&b, 1, 76, 76, p, 76));
	CASE("truncated-record-data.pcap", pcap_hdr(&b, 262144, LT_VSOCK);
	    pcap_rec(&b, 1, 76, 76, p, 76); pcap_rec(&b, 2, 76, 76, p, 40));
	CASE("truncated-record-header.pcap", pcap_hdr(&b, 262144, LT_VSOCK);
	    pcap_rec(&b, 1, 76, 76, p, 76); u32(&b, 2); u32(&b, 0));
	CASE("time-negative.pcap", pcap_hdr(&b, 262144, LT_VSOCK);
	    pcap_rec(&b, 0xffffffff, 76, 76, p, 76));
	CASE("version-archaic.pcap", u32(&b, 0xa1b2c3d4); u16(&b, 1);
	    u16(&b, 4); u32(&b, 0); u32(&b, 0); u32(&b, 262144);
	    u32(&b, LT_VSOCK));
	CASE("bigendian.pcap", u32be(&b, 0xa1b2c3d4); u16(&b, 0x200);
	    u16(&b, 0x400); u32(&b, 0); u32(&b, 0); u32be(&b, 262144);
	    u32be(&b, LT_VSOCK); u32be(&b, 1); u32be(&b, 0); u32be(&b, 76);
	    u32be(&b, 76); put(&b, p, 76));

	/* pcapng */
	CASE("ng-good.pcapng", ng_shb(&b); ng_idb(&b, LT_VSOCK);
	    ng_epb(&b, 0, p, 76, 76));
	CASE("ng-shb-only.pcapng", ng_shb(&b));
	CASE("ng-unknown-blocks.pcapng", ng_shb(&b); ng_idb(&b, LT_VSOCK);
	    u32(&b, 0x0badbeef); u32(&b, 16); u32(&b, 0x12345678);
	    u32(&b, 16);
	    u32(&b, 0x40000bad); u32(&b, 12); u32(&b, 12);
	    ng_epb(&b, 0, p, 76, 76));
	CASE("ng-block-len-odd.pcapng", ng_shb(&b); ng_idb(&b, LT_VSOCK);
	    u32(&b, 0x0badbeef); u32(&b, 17); put(&b, junk, 9);
	    ng_epb(&b, 0, p, 76, 76));
	CASE("ng-block-len-short.pcapng", ng_shb(&b); ng_idb(&b, LT_VSOCK);
	    u32(&b, 6); u32(&b, 8); ng_epb(&b, 0, p, 76, 76));
	CASE("ng-block-len-huge.pcapng", ng_shb(&b); ng_idb(&b, LT_VSOCK);
	    u32(&b, 6); u32(&b, 0x7ffffff0); put(&b, junk, 64));
	CASE("ng-block-len-past-eof.pcapng", ng_shb(&b); ng_idb(&b, LT_VSOCK);
	    u32(&b, 6); u32(&b, 1024); put(&b, junk, 64));
	CASE("ng-trailer-mismatch.pcapng", ng_shb(&b); ng_idb(&b, LT_VSOCK);
	    ng_epb(&b, 0, p, 76, 76); b.d[b.n - 4] ^= 0x40);
	CASE("ng-epb-caplen-gt-block.pcapng", ng_shb(&b); ng_idb(&b, LT_VSOCK);
	    ng_epb(&b, 0, p, 76, 76); b.d[28 + 20 + 20] = 200);
	CASE("ng-no-idb.pcapng", ng_shb(&b); ng_epb(&b, 0, p, 76, 76));
	CASE("ng-bad-ifid.pcapng", ng_shb(&b); ng_idb(&b, LT_VSOCK);
	    ng_epb(&b, 5, p, 76, 76));
	CASE("ng-linktype-en10mb.pcapng", ng_shb(&b); ng_idb(&b, LT_EN10MB);
	    ng_epb(&b, 0, p, 76, 76));
	CASE("ng-truncated.pcapng", ng_shb(&b); ng_idb(&b, LT_VSOCK);
	    ng_epb(&b, 0, p, 76, 76); b.n -= 30);
	return st;
}
