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
 * vsockgen: build vsock capture files (DLT_VSOCK, or Linux cooked SLL/SLL2
 * frames carrying vsockmon packets) from a readable text description, or
 * generate deterministic random traffic for benchmarks.
 *
 * Usage:
 *	vsockgen [-o out] description.txt
 *	vsockgen --random N --seed S [--flows F] [-s snaplen] [-F pcap|pcapng]
 *	    [--server-ports P,...] -o out
 *	vsockgen --repeat N [-o out] capture.pcap...
 *
 * Without -o the capture goes to the standard output.
 *
 * DESCRIPTION FORMAT
 *
 * Text, one statement per line.  "#" starts a comment (outside quotes);
 * blank lines are ignored; a line ending in "\" continues on the next.
 * Numbers are decimal or 0x-prefixed hexadecimal.
 *
 * File-level directives (before the first packet):
 *	format pcap | pcapng		output file format (default pcap)
 *	linktype vsock | sll | sll2 | N	link type of the file (default vsock);
 *					a number is written as is (raw= only)
 *	snaplen N			snapshot length in the file header
 *					(default 262144)
 *
 * Defaults for the packets that follow (any packet field, see below):
 *	set key=value ...
 *	KEY VALUE			same as "set KEY=VALUE", e.g. "ifindex 3"
 *
 * Packets:
 *	packet key=value ...
 *
 * Repetition (for long connections):
 *	repeat N
 *	...statements...
 *	end
 * runs the statements between repeat and end N times, for i = 0 to
 * N - 1; there a number may be written "START+STEP*i" or "STEP*i", which
 * wraps around at the field's width as a counter on the wire does.
 * Blocks do not nest.
 *
 * Packet fields.  Every field has a default that makes a well-formed
 * packet; give only what a test is about.
 *
 *  vsockmon header (struct af_vsockmon_hdr, 32 bytes, little-endian):
 *	src_cid dst_cid		64-bit CIDs (default 3 and 2)
 *	src_port dst_port	32-bit ports (default 1024 and 1234)
 *	op			unknown connect disconnect control payload, or N;
 *				default derived from vop as the kernel does:
 *				request/response -> connect, rst/shutdown ->
 *				disconnect, rw -> payload, credit_* -> control,
 *				anything else -> unknown
 *	transport		unknown no_info virtio, or N (default virtio)
 *	hdr_len			transport header length (default 44 for virtio,
 *				0 otherwise, or the length of thdr=)
 *	reserved		16-bit value of the reserved bytes (default 0)
 *
 *  virtio header (struct virtio_vsock_hdr, 44 bytes, little-endian),
 *  written when transport is virtio; cut or zero-padded to hdr_len:
 *	vsrc_cid vdst_cid vsrc_port vdst_port
 *				default: the vsockmon values
 *	vlen			default: the payload length
 *	type			stream seqpacket dgram, or N (default stream)
 *	vop			invalid request response rst shutdown rw
 *				credit_update credit_request, or N (default rw)
 *	flags			N, or names joined with "|": rcv send eom eor
 *				(rcv = eom = bit 0, send = eor = bit 1)
 *	buf_alloc fwd_cnt	default 262144 and 0
 *  thdr=HEX			explicit transport header bytes (any transport);
 *				without it a non-virtio transport header is
 *				hdr_len bytes of 0xee
 *
 *  payload (after the transport header):
 *	payload="text"		C escapes \n \r \t \\ \" \xHH are understood
 *	hex=HEX			hex digits; spaces not allowed, ":" and "."
 *				may separate bytes
 *	payload_len=N		N pattern bytes: byte i is i & 0xff
 *
 *  record:
 *	len=N			wire length (default: bytes built); may be
 *				less than caplen, to make an inconsistent record
 *	caplen=N		captured length (default: bytes built, cut to
 *				snaplen); at most the bytes built
 *	raw=HEX			the whole frame given by hand (replaces every
 *				vsock field above)
 *	ts=SEC[.FRAC]		time stamp; later packets go on from it.
 *				Default: 1767225600.000000 (2026-01-01 UTC),
 *				then +1 ms per packet
 *
 *  Linux cooked header (linktype sll or sll2 only; big-endian as libpcap
 *  writes it).  len= and caplen= count the frame after the cooked header.
 *	pkttype			host broadcast multicast otherhost outgoing, or N
 *				(default outgoing, as every vsockmon packet is)
 *	hatype			vsockmon (826), ether (1), or N (default vsockmon)
 *	protocol		16-bit (default 0)
 *	ifindex			SLL2 interface index (default 1)
 *	halen addr		address length (default 0) and HEX (up to 8 bytes)
 *
 * Example:
 *	format pcap
 *	linktype vsock
 *	set src_cid=3 dst_cid=2 src_port=1024 dst_port=22
 *	packet vop=request
 *	packet vop=response src_cid=2 dst_cid=3 src_port=22 dst_port=1024
 *	packet vop=rw payload="hello\n"
 *	packet vop=rw payload_len=100 caplen=40
 *
 * RANDOM MODE
 *
 * --random N writes N packets of mixed STREAM and SEQPACKET traffic between
 * guests (CIDs 3 to 10) and the host (CID 2), plus loopback (CID 1): connect,
 * data in both directions with credit updates, occasional credit requests,
 * refused connections, shutdown and reset, SEQPACKET messages over 64 KiB
 * split into fragments with EOM on the last, and about one packet in 500
 * made odd (truncated, unknown op, transport or type, wrong lengths).  The
 * same N and seed always give the same file.  -s cuts records to a snapshot
 * length (the wire length stays).  --server-ports gives the ports the
 * servers listen on (default 22, 1024, 1025, 1026, 5000, 5001, 9000, 10789,
 * 10809, 62373).
 *
 * REPEAT MODE
 *
 * --repeat N writes N packets by playing the VSOCK captures given (classic
 * pcap files, such as the real protocol captures of tests/captures) one
 * after the other, again and again: each round moves every CID by
 * REPEAT_CID_STEP, so that its connections are new ones, and starts 1 ms
 * after the previous round ended.  It makes benchmark captures of real
 * protocol traffic of any length.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VSOCKMON_HDR_LEN	32
#define VIRTIO_HDR_LEN		44
#define SLL_HDR_LEN		16
#define SLL2_HDR_LEN		20
#define MAX_FRAME		(1024 * 1024)
#define DEFAULT_SNAPLEN		262144
#define BASE_SEC		1767225600ULL

#define DLT_VSOCK_NUM		271
#define DLT_SLL_NUM		113
#define DLT_SLL2_NUM		276

enum { FMT_PCAP, FMT_PCAPNG };

struct name {
	const char	*name;
	uint64_t	 value;
};

static const struct name vsockmon_ops[] = {
	{ "unknown", 0 }, { "connect", 1 }, { "disconnect", 2 },
	{ "control", 3 }, { "payload", 4 }, { NULL, 0 }
};

static const struct name transports[] = {
	{ "unknown", 0 }, { "no_info", 1 }, { "virtio", 2 }, { NULL, 0 }
};

static const struct name types[] = {
	{ "stream", 1 }, { "seqpacket", 2 }, { "dgram", 3 }, { NULL, 0 }
};

static const struct name virtio_ops[] = {
	{ "invalid", 0 }, { "request", 1 }, { "response", 2 }, { "rst", 3 },
	{ "shutdown", 4 }, { "rw", 5 }, { "credit_update", 6 },
	{ "credit_request", 7 }, { NULL, 0 }
};

static const struct name flag_names[] = {
	{ "rcv", 1 }, { "send", 2 }, { "eom", 1 }, { "eor", 2 }, { NULL, 0 }
};

static const struct name pkttypes[] = {
	{ "host", 0 }, { "broadcast", 1 }, { "multicast", 2 },
	{ "otherhost", 3 }, { "outgoing", 4 }, { NULL, 0 }
};

static const struct name hatypes[] = {
	{ "vsockmon", 826 }, { "ether", 1 }, { NULL, 0 }
};

static const struct name linktypes[] = {
	{ "vsock", DLT_VSOCK_NUM }, { "sll", DLT_SLL_NUM },
	{ "sll2", DLT_SLL2_NUM }, { NULL, 0 }
};

/* Field identifiers; the bit of each in pkt.set. */
enum field {
	F_SRC_CID, F_DST_CID, F_SRC_PORT, F_DST_PORT, F_OP, F_TRANSPORT,
	F_HDR_LEN, F_RESERVED,
	F_VSRC_CID, F_VDST_CID, F_VSRC_PORT, F_VDST_PORT, F_VLEN, F_TYPE,
	F_VOP, F_FLAGS, F_BUF_ALLOC, F_FWD_CNT,
	F_THDR, F_PAYLOAD, F_HEX, F_PAYLOAD_LEN,
	F_LEN, F_CAPLEN, F_RAW, F_TS,
	F_PKTTYPE, F_HATYPE, F_PROTOCOL, F_IFINDEX, F_HALEN, F_ADDR,
	F_COUNT
};

enum kind { K_NUM, K_BYTES, K_TEXT, K_TS };

struct field_def {
	const char		*key;
	enum kind		 kind;
	uint64_t		 max;
	const struct name	*names;
};

static const struct field_def fields[F_COUNT] = {
	[F_SRC_CID]	= { "src_cid", K_NUM, UINT64_MAX, NULL },
	[F_DST_CID]	= { "dst_cid", K_NUM, UINT64_MAX, NULL },
	[F_SRC_PORT]	= { "src_port", K_NUM, UINT32_MAX, NULL },
	[F_DST_PORT]	= { "dst_port", K_NUM, UINT32_MAX, NULL },
	[F_OP]		= { "op", K_NUM, UINT16_MAX, vsockmon_ops },
	[F_TRANSPORT]	= { "transport", K_NUM, UINT16_MAX, transports },
	[F_HDR_LEN]	= { "hdr_len", K_NUM, UINT16_MAX, NULL },
	[F_RESERVED]	= { "reserved", K_NUM, UINT16_MAX, NULL },
	[F_VSRC_CID]	= { "vsrc_cid", K_NUM, UINT64_MAX, NULL },
	[F_VDST_CID]	= { "vdst_cid", K_NUM, UINT64_MAX, NULL },
	[F_VSRC_PORT]	= { "vsrc_port", K_NUM, UINT32_MAX, NULL },
	[F_VDST_PORT]	= { "vdst_port", K_NUM, UINT32_MAX, NULL },
	[F_VLEN]	= { "vlen", K_NUM, UINT32_MAX, NULL },
	[F_TYPE]	= { "type", K_NUM, UINT16_MAX, types },
	[F_VOP]		= { "vop", K_NUM, UINT16_MAX, virtio_ops },
	[F_FLAGS]	= { "flags", K_NUM, UINT32_MAX, flag_names },
	[F_BUF_ALLOC]	= { "buf_alloc", K_NUM, UINT32_MAX, NULL },
	[F_FWD_CNT]	= { "fwd_cnt", K_NUM, UINT32_MAX, NULL },
	[F_THDR]	= { "thdr", K_BYTES, 0, NULL },
	[F_PAYLOAD]	= { "payload", K_TEXT, 0, NULL },
	[F_HEX]		= { "hex", K_BYTES, 0, NULL },
	[F_PAYLOAD_LEN]	= { "payload_len", K_NUM, MAX_FRAME, NULL },
	[F_LEN]		= { "len", K_NUM, UINT32_MAX, NULL },
	[F_CAPLEN]	= { "caplen", K_NUM, UINT32_MAX, NULL },
	[F_RAW]		= { "raw", K_BYTES, 0, NULL },
	[F_TS]		= { "ts", K_TS, 0, NULL },
	[F_PKTTYPE]	= { "pkttype", K_NUM, UINT16_MAX, pkttypes },
	[F_HATYPE]	= { "hatype", K_NUM, UINT16_MAX, hatypes },
	[F_PROTOCOL]	= { "protocol", K_NUM, UINT16_MAX, NULL },
	[F_IFINDEX]	= { "ifindex", K_NUM, UINT32_MAX, NULL },
	[F_HALEN]	= { "halen", K_NUM, UINT16_MAX, NULL },
	[F_ADDR]	= { "addr", K_BYTES, 0, NULL },
};

struct bytes {
	unsigned char	*data;
	size_t		 len;
};

struct pkt {
	uint32_t	set;			/* bit per enum field */
	uint64_t	num[F_COUNT];
	struct bytes	bin[F_COUNT];		/* thdr, payload, hex, raw, addr */
	uint64_t	ts_sec;
	uint32_t	ts_usec;
};

struct out {
	FILE		*fp;
	const char	*name;
	int		 format;
	uint32_t	 linktype;
	uint32_t	 snaplen;
};

static const char	*progname = "vsockgen";
static const char	*input_name;
static unsigned long	 lineno;
static long long	 repeat_index = -1;	/* i inside a repeat block */
static const char	*partial_output;	/* removed on error */

static void
die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (lineno > 0)
		fprintf(stderr, "%s:%lu: ", input_name, lineno);
	else
		fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (partial_output != NULL)
		(void)remove(partial_output);
	exit(1);
}

static void *
xmalloc(size_t n)
{
	void *p;

	p = malloc(n ? n : 1);
	if (p == NULL) {
		lineno = 0;
		die("out of memory");
	}
	return p;
}

/* Little-endian and big-endian stores. */
static void
put_le(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[n - 1 - i] = (unsigned char)(v >> (8 * i));
}

/* Host-order stores for the pcap and pcapng framing. */
static void
put_h32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void
put_h16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void
out_write(struct out *o, const void *buf, size_t n)
{
	if (n > 0 && fwrite(buf, 1, n, o->fp) != n) {
		lineno = 0;
		die("%s: write error: %s", o->name, strerror(errno));
	}
}

static void
out_header(struct out *o)
{
	unsigned char h[64];

	if (o->format == FMT_PCAP) {
		put_h32(h, 0xa1b2c3d4);
		put_h16(h + 4, 2);
		put_h16(h + 6, 4);
		put_h32(h + 8, 0);		/* thiszone */
		put_h32(h + 12, 0);		/* sigfigs */
		put_h32(h + 16, o->snaplen);
		put_h32(h + 20, o->linktype);
		out_write(o, h, 24);
		return;
	}
	/* Section Header Block, no options. */
	put_h32(h, 0x0a0d0d0a);
	put_h32(h + 4, 28);
	put_h32(h + 8, 0x1a2b3c4d);
	put_h16(h + 12, 1);
	put_h16(h + 14, 0);
	put_h32(h + 16, 0xffffffff);		/* section length: unknown */
	put_h32(h + 20, 0xffffffff);
	put_h32(h + 24, 28);
	/* Interface Description Block, no options (microsecond time stamps). */
	put_h32(h + 28, 1);
	put_h32(h + 32, 20);
	put_h16(h + 36, (uint16_t)o->linktype);
	put_h16(h + 38, 0);
	put_h32(h + 40, o->snaplen);
	put_h32(h + 44, 20);
	out_write(o, h, 48);
}

static void
out_record(struct out *o, uint64_t sec, uint32_t usec, const unsigned char *data,
    uint32_t caplen, uint32_t len)
{
	static const unsigned char zero[4];
	unsigned char h[28];
	uint64_t ts;
	uint32_t pad, total;

	if (o->format == FMT_PCAP) {
		put_h32(h, (uint32_t)sec);
		put_h32(h + 4, usec);
		put_h32(h + 8, caplen);
		put_h32(h + 12, len);
		out_write(o, h, 16);
		out_write(o, data, caplen);
		return;
	}
	/* Enhanced Packet Block. */
	pad = (4 - (caplen & 3)) & 3;
	total = 32 + caplen + pad;
	ts = sec * 1000000 + usec;
	put_h32(h, 6);
	put_h32(h + 4, total);
	put_h32(h + 8, 0);			/* interface 0 */
	put_h32(h + 12, (uint32_t)(ts >> 32));
	put_h32(h + 16, (uint32_t)ts);
	put_h32(h + 20, caplen);
	put_h32(h + 24, len);
	out_write(o, h, 28);
	out_write(o, data, caplen);
	out_write(o, zero, pad);
	put_h32(h, total);
	out_write(o, h, 4);
}

static void
out_open(struct out *o, const char *path)
{
	if (path == NULL || strcmp(path, "-") == 0) {
		o->fp = stdout;
		o->name = "(stdout)";
	} else {
		o->fp = fopen(path, "wb");
		if (o->fp == NULL) {
			lineno = 0;
			die("%s: %s", path, strerror(errno));
		}
		o->name = path;
		partial_output = path;
	}
	setvbuf(o->fp, NULL, _IOFBF, 1 << 20);
}

static void
out_close(struct out *o)
{
	lineno = 0;
	if (fflush(o->fp) != 0 || ferror(o->fp))
		die("%s: write error: %s", o->name, strerror(errno));
	if (o->fp != stdout && fclose(o->fp) != 0)
		die("%s: %s", o->name, strerror(errno));
	partial_output = NULL;
}

/*
 * Description parsing.
 */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static uint64_t
parse_number(const char *key, const char *s, uint64_t max)
{
	unsigned long long v;
	char *end;

	if (*s == '\0' || *s == '-' || *s == '+')
		die("%s: \"%s\" is not a number", key, s);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end != '\0')
		die("%s: \"%s\" is not a number", key, s);
	if (errno == ERANGE || v > max)
		die("%s: %s is out of range (maximum %llu)", key, s,
		    (unsigned long long)max);
	return v;
}

/* The number in the n bytes at s (part of a repeat expression). */
static uint64_t
parse_part(const char *key, const char *s, size_t n)
{
	char buf[64];

	if (n >= sizeof(buf))
		die("%s: \"%s\" is not a number", key, s);
	memcpy(buf, s, n);
	buf[n] = '\0';
	return parse_number(key, buf, UINT64_MAX);
}

/*
 * Inside a repeat block a number may be "START+STEP*i" or "STEP*i":
 * its value at iteration i (from 0), wrapping around at the field's
 * width (max + 1, a power of two), as a 32-bit counter on the wire does.
 */
static uint64_t
parse_repeat_number(const char *key, const char *s, uint64_t max)
{
	uint64_t start = 0, step;
	const char *star = strchr(s, '*'), *plus = strchr(s, '+');

	if (star == NULL || strcmp(star, "*i") != 0 || repeat_index < 0)
		return parse_number(key, s, max);
	if (plus != NULL && plus < star) {
		start = parse_part(key, s, (size_t)(plus - s));
		s = plus + 1;
	}
	step = parse_part(key, s, (size_t)(star - s));
	return (start + step * (uint64_t)repeat_index) & max;
}

static int
lookup(const struct name *names, const char *s, uint64_t *v)
{
	for (; names != NULL && names->name != NULL; names++) {
		if (strcmp(names->name, s) == 0) {
			*v = names->value;
			return 1;
		}
	}
	return 0;
}

static uint64_t
parse_named(const struct field_def *def, const char *s)
{
	uint64_t v, acc;
	char *copy, *tok, *save;

	if (def->names == flag_names) {
		/* flags: "eom|eor", "0x3", "rcv|0x10" */
		copy = xmalloc(strlen(s) + 1);
		strcpy(copy, s);
		acc = 0;
		for (tok = strtok_r(copy, "|", &save); tok != NULL;
		    tok = strtok_r(NULL, "|", &save)) {
			if (!lookup(flag_names, tok, &v))
				v = parse_number(def->key, tok, def->max);
			acc |= v;
		}
		free(copy);
		return acc;
	}
	if (lookup(def->names, s, &v))
		return v;
	if (*s >= '0' && *s <= '9')
		return parse_number(def->key, s, def->max);
	die("%s: unknown name \"%s\"", def->key, s);
	return 0;
}

static struct bytes
parse_hex(const char *key, const char *s)
{
	struct bytes b;
	int hi, lo;

	b.data = xmalloc(strlen(s) / 2 + 1);
	b.len = 0;
	while (*s != '\0') {
		if (*s == ':' || *s == '.' || *s == '_') {
			s++;
			continue;
		}
		hi = hexval((unsigned char)s[0]);
		lo = s[1] != '\0' ? hexval((unsigned char)s[1]) : -1;
		if (hi < 0 || lo < 0)
			die("%s: bad hex near \"%.8s\" (pairs of hex digits "
			    "expected)", key, s);
		b.data[b.len++] = (unsigned char)(hi << 4 | lo);
		s += 2;
	}
	return b;
}

static void
parse_ts(const char *s, struct pkt *p)
{
	unsigned long long sec;
	uint32_t usec, scale;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		die("ts: \"%s\" is not a time stamp", s);
	sec = strtoull(s, &end, 10);
	if (errno == ERANGE || sec > UINT32_MAX)
		die("ts: \"%s\" is out of range", s);
	usec = 0;
	if (*end == '.') {
		end++;
		scale = 100000;
		while (*end >= '0' && *end <= '9') {
			if (scale == 0)
				die("ts: more than 6 decimals in \"%s\"", s);
			usec += (uint32_t)(*end - '0') * scale;
			scale /= 10;
			end++;
		}
	}
	if (*end != '\0')
		die("ts: \"%s\" is not a time stamp", s);
	p->ts_sec = sec;
	p->ts_usec = usec;
}

/*
 * Reads a token from *sp: a bare word or key=value, where value may be a
 * double-quoted string with C escapes.  Returns 0 at the end of the line.
 * The key and value are written to *key and *val (NUL-terminated in a buffer
 * owned by the caller); *quoted tells whether the value was quoted and
 * *vlen gives its length (quoted strings may hold NUL bytes).
 */
static int
next_token(char **sp, char **key, char **val, size_t *vlen, int *quoted)
{
	char *s = *sp, *w;
	int h, l;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	*key = s;
	*val = NULL;
	*quoted = 0;
	while (*s != '\0' && *s != '=' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '=') {
		if (*s != '\0')
			*s++ = '\0';
		*sp = s;
		return 1;
	}
	*s++ = '\0';
	if (*s != '"') {
		*val = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		if (*s != '\0')
			*s++ = '\0';
		*vlen = strlen(*val);
		*sp = s;
		return 1;
	}
	/* Quoted: decode escapes in place. */
	*quoted = 1;
	s++;
	*val = w = s;
	for (;;) {
		if (*s == '\0')
			die("%s: missing closing quote", *key);
		if (*s == '"')
			break;
		if (*s != '\\') {
			*w++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'n': *w++ = '\n'; s++; break;
		case 'r': *w++ = '\r'; s++; break;
		case 't': *w++ = '\t'; s++; break;
		case '0': *w++ = '\0'; s++; break;
		case '\\': *w++ = '\\'; s++; break;
		case '"': *w++ = '"'; s++; break;
		case 'x':
			h = hexval((unsigned char)s[1]);
			l = h >= 0 ? hexval((unsigned char)s[2]) : -1;
			if (h < 0 || l < 0)
				die("%s: \\x needs two hex digits", *key);
			*w++ = (char)(h << 4 | l);
			s += 3;
			break;
		default:
			die("%s: unknown escape \\%c", *key, *s);
		}
	}
	*vlen = (size_t)(w - *val);
	s++;
	if (*s != '\0' && *s != ' ' && *s != '\t' && *s != '#')
		die("%s: junk after closing quote", *key);
	*sp = s;
	return 1;
}

static int
field_index(const char *key)
{
	int i;

	for (i = 0; i < F_COUNT; i++)
		if (strcmp(fields[i].key, key) == 0)
			return i;
	return -1;
}

static void
set_field(struct pkt *p, const char *key, const char *val, size_t vlen,
    int quoted)
{
	const struct field_def *def;
	int f;

	f = field_index(key);
	if (f < 0)
		die("unknown field \"%s\"", key);
	def = &fields[f];
	if (val == NULL || (*val == '\0' && !quoted))
		die("%s: missing value", key);
	if (quoted && def->kind != K_TEXT)
		die("%s: a quoted value is only allowed for payload=", key);
	switch (def->kind) {
	case K_NUM:
		p->num[f] = def->names != NULL ? parse_named(def, val) :
		    parse_repeat_number(key, val, def->max);
		break;
	case K_BYTES:
		p->bin[f] = parse_hex(key, val);
		break;
	case K_TEXT:
		p->bin[f].data = xmalloc(vlen);
		memcpy(p->bin[f].data, val, vlen);
		p->bin[f].len = vlen;
		break;
	case K_TS:
		parse_ts(val, p);
		break;
	}
	/* One way of giving the payload at a time. */
	if (f == F_PAYLOAD || f == F_HEX || f == F_PAYLOAD_LEN)
		p->set &= ~((1U << F_PAYLOAD) | (1U << F_HEX) |
		    (1U << F_PAYLOAD_LEN));
	p->set |= 1U << f;
}

static uint64_t
derive_op(uint64_t vop)
{
	switch (vop) {
	case 1: case 2:
		return 1;		/* REQUEST/RESPONSE -> CONNECT */
	case 3: case 4:
		return 2;		/* RST/SHUTDOWN -> DISCONNECT */
	case 5:
		return 4;		/* RW -> PAYLOAD */
	case 6: case 7:
		return 3;		/* CREDIT_* -> CONTROL */
	default:
		return 0;
	}
}

#define ISSET(p, f)	(((p)->set >> (f)) & 1U)
#define VAL(p, f, d)	(ISSET(p, f) ? (p)->num[f] : (uint64_t)(d))

/*
 * Builds the frame described by p (after any cooked header) into buf;
 * returns its length.
 */
static size_t
build_frame(const struct pkt *p, unsigned char *buf, size_t cap)
{
	unsigned char vh[VIRTIO_HDR_LEN];
	uint64_t transport, vop, hdr_len, plen, i;
	size_t off;

	if (ISSET(p, F_RAW)) {
		if (p->bin[F_RAW].len > cap)
			die("raw: frame too long");
		memcpy(buf, p->bin[F_RAW].data, p->bin[F_RAW].len);
		return p->bin[F_RAW].len;
	}
	transport = VAL(p, F_TRANSPORT, 2);
	vop = VAL(p, F_VOP, 5);
	if (ISSET(p, F_THDR))
		hdr_len = VAL(p, F_HDR_LEN, p->bin[F_THDR].len);
	else
		hdr_len = VAL(p, F_HDR_LEN, transport == 2 ? VIRTIO_HDR_LEN : 0);
	if (ISSET(p, F_PAYLOAD))
		plen = p->bin[F_PAYLOAD].len;
	else if (ISSET(p, F_HEX))
		plen = p->bin[F_HEX].len;
	else
		plen = VAL(p, F_PAYLOAD_LEN, 0);
	if (VSOCKMON_HDR_LEN + hdr_len + plen > cap)
		die("packet longer than %zu bytes", cap);

	put_le(buf, VAL(p, F_SRC_CID, 3), 8);
	put_le(buf + 8, VAL(p, F_DST_CID, 2), 8);
	put_le(buf + 16, VAL(p, F_SRC_PORT, 1024), 4);
	put_le(buf + 20, VAL(p, F_DST_PORT, 1234), 4);
	put_le(buf + 24, VAL(p, F_OP, derive_op(vop)), 2);
	put_le(buf + 26, transport, 2);
	put_le(buf + 28, hdr_len, 2);
	put_le(buf + 30, VAL(p, F_RESERVED, 0), 2);
	off = VSOCKMON_HDR_LEN;

	if (ISSET(p, F_THDR)) {
		for (i = 0; i < hdr_len; i++)
			buf[off + i] = i < p->bin[F_THDR].len ?
			    p->bin[F_THDR].data[i] : 0;
	} else if (transport == 2) {
		put_le(vh, VAL(p, F_VSRC_CID, VAL(p, F_SRC_CID, 3)), 8);
		put_le(vh + 8, VAL(p, F_VDST_CID, VAL(p, F_DST_CID, 2)), 8);
		put_le(vh + 16, VAL(p, F_VSRC_PORT, VAL(p, F_SRC_PORT, 1024)), 4);
		put_le(vh + 20, VAL(p, F_VDST_PORT, VAL(p, F_DST_PORT, 1234)), 4);
		put_le(vh + 24, VAL(p, F_VLEN, plen), 4);
		put_le(vh + 28, VAL(p, F_TYPE, 1), 2);
		put_le(vh + 30, vop, 2);
		put_le(vh + 32, VAL(p, F_FLAGS, 0), 4);
		put_le(vh + 36, VAL(p, F_BUF_ALLOC, 262144), 4);
		put_le(vh + 40, VAL(p, F_FWD_CNT, 0), 4);
		for (i = 0; i < hdr_len; i++)
			buf[off + i] = i < VIRTIO_HDR_LEN ? vh[i] : 0;
	} else
		memset(buf + off, 0xee, hdr_len);
	off += hdr_len;

	if (ISSET(p, F_PAYLOAD))
		memcpy(buf + off, p->bin[F_PAYLOAD].data, plen);
	else if (ISSET(p, F_HEX))
		memcpy(buf + off, p->bin[F_HEX].data, plen);
	else
		for (i = 0; i < plen; i++)
			buf[off + i] = (unsigned char)i;
	return off + plen;
}

static size_t
build_cooked(const struct pkt *p, uint32_t linktype, unsigned char *h)
{
	uint64_t halen = VAL(p, F_HALEN, 0);

	if (ISSET(p, F_ADDR) && p->bin[F_ADDR].len > 8)
		die("addr: at most 8 bytes");
	if (linktype == DLT_SLL_NUM) {
		memset(h, 0, SLL_HDR_LEN);
		put_be(h, VAL(p, F_PKTTYPE, 4), 2);
		put_be(h + 2, VAL(p, F_HATYPE, 826), 2);
		put_be(h + 4, halen, 2);
		if (ISSET(p, F_ADDR))
			memcpy(h + 6, p->bin[F_ADDR].data, p->bin[F_ADDR].len);
		put_be(h + 14, VAL(p, F_PROTOCOL, 0), 2);
		return SLL_HDR_LEN;
	}
	if (linktype == DLT_SLL2_NUM) {
		if (VAL(p, F_PKTTYPE, 4) > 255 || halen > 255)
			die("pkttype and halen are one byte in SLL2");
		memset(h, 0, SLL2_HDR_LEN);
		put_be(h, VAL(p, F_PROTOCOL, 0), 2);
		put_be(h + 4, VAL(p, F_IFINDEX, 1), 4);
		put_be(h + 8, VAL(p, F_HATYPE, 826), 2);
		h[10] = (unsigned char)VAL(p, F_PKTTYPE, 4);
		h[11] = (unsigned char)halen;
		if (ISSET(p, F_ADDR))
			memcpy(h + 12, p->bin[F_ADDR].data, p->bin[F_ADDR].len);
		return SLL2_HDR_LEN;
	}
	return 0;
}

static void
emit_packet(struct out *o, struct pkt *p, uint64_t *sec, uint32_t *usec)
{
	static unsigned char *buf;
	size_t hlen, flen;
	uint64_t len, caplen;

	if (buf == NULL)
		buf = xmalloc(SLL2_HDR_LEN + MAX_FRAME);
	if (o->linktype != DLT_VSOCK_NUM && o->linktype != DLT_SLL_NUM &&
	    o->linktype != DLT_SLL2_NUM && !ISSET(p, F_RAW))
		die("linktype %u: only raw= packets can be written",
		    o->linktype);
	hlen = build_cooked(p, o->linktype, buf);
	flen = build_frame(p, buf + hlen, MAX_FRAME);
	len = VAL(p, F_LEN, flen);
	caplen = VAL(p, F_CAPLEN, flen);
	if (caplen > flen)
		die("caplen %llu is more than the %zu bytes built",
		    (unsigned long long)caplen, flen);
	len += hlen;
	caplen += hlen;
	if (caplen > o->snaplen)
		caplen = o->snaplen;
	if (len > UINT32_MAX)
		die("len too large");
	if (ISSET(p, F_TS)) {
		*sec = p->ts_sec;
		*usec = p->ts_usec;
	}
	out_record(o, *sec, *usec, buf, (uint32_t)caplen, (uint32_t)len);
	*usec += 1000;
	if (*usec >= 1000000) {
		*usec -= 1000000;
		(*sec)++;
	}
}

static void
free_pkt_bytes(struct pkt *p, const struct pkt *defaults)
{
	int f;

	for (f = 0; f < F_COUNT; f++)
		if (p->bin[f].data != NULL &&
		    (defaults == NULL || p->bin[f].data != defaults->bin[f].data))
			free(p->bin[f].data);
}

/* The state of a description being turned into a capture. */
struct gen {
	struct out	 o;
	struct pkt	 defaults;
	const char	*outpath;
	uint64_t	 sec;
	uint32_t	 usec;
	int		 started;
	int		 npackets;
	/* A repeat block being read: its count and lines. */
	unsigned long long repeat_count;
	char		**rep_lines;
	unsigned long	*rep_lineno;
	size_t		 nrep, rep_cap;
	int		 in_repeat;
};

/* One statement (a logical line, modified in place). */
static void
statement(struct gen *g, char *s)
{
	char *key, *val;
	size_t vlen;
	int quoted, f;
	uint64_t v;
	struct pkt p;

	if (!next_token(&s, &key, &val, &vlen, &quoted))
		return;
	if (val != NULL)
		die("statement expected, found \"%s=\"", key);

	if (strcmp(key, "packet") == 0) {
		if (!g->started) {
			out_open(&g->o, g->outpath);
			out_header(&g->o);
			g->started = 1;
		}
		p = g->defaults;
		while (next_token(&s, &key, &val, &vlen, &quoted))
			set_field(&p, key, val, vlen, quoted);
		emit_packet(&g->o, &p, &g->sec, &g->usec);
		free_pkt_bytes(&p, &g->defaults);
		g->npackets++;
		return;
	}
	if (strcmp(key, "set") == 0) {
		while (next_token(&s, &key, &val, &vlen, &quoted)) {
			if (strcmp(key, "ts") == 0)
				die("ts cannot be a default");
			set_field(&g->defaults, key, val, vlen, quoted);
		}
		return;
	}
	if (strcmp(key, "repeat") == 0) {
		if (repeat_index >= 0 || g->in_repeat)
			die("repeat blocks do not nest");
		if (!next_token(&s, &key, &val, &vlen, &quoted) || val != NULL)
			die("repeat: a count expected");
		g->repeat_count = parse_number("repeat", key, 100000000);
		if (next_token(&s, &key, &val, &vlen, &quoted))
			die("repeat: one value expected");
		g->in_repeat = 1;
		return;
	}
	if (strcmp(key, "end") == 0)
		die("end without repeat");
	if (strcmp(key, "format") == 0 || strcmp(key, "linktype") == 0 ||
	    strcmp(key, "snaplen") == 0) {
		char *dir = key;

		if (g->started)
			die("\"%s\" must come before the first packet", dir);
		if (!next_token(&s, &key, &val, &vlen, &quoted) || val != NULL)
			die("%s: one value expected", dir);
		if (strcmp(dir, "format") == 0) {
			if (strcmp(key, "pcap") == 0)
				g->o.format = FMT_PCAP;
			else if (strcmp(key, "pcapng") == 0)
				g->o.format = FMT_PCAPNG;
			else
				die("format: pcap or pcapng expected, "
				    "found \"%s\"", key);
		} else if (strcmp(dir, "linktype") == 0) {
			if (!lookup(linktypes, key, &v))
				v = parse_number("linktype", key, UINT16_MAX);
			g->o.linktype = (uint32_t)v;
		} else
			g->o.snaplen = (uint32_t)parse_number("snaplen", key,
			    UINT32_MAX);
		if (next_token(&s, &key, &val, &vlen, &quoted))
			die("%s: one value expected", dir);
		return;
	}
	f = field_index(key);
	if (f >= 0) {
		/* "KEY VALUE": a default, like "set KEY=VALUE". */
		char *k = key;

		if (f == F_TS)
			die("ts cannot be a default");
		if (!next_token(&s, &key, &val, &vlen, &quoted) || val != NULL)
			die("%s: one value expected", k);
		set_field(&g->defaults, k, key, strlen(key), 0);
		if (next_token(&s, &key, &val, &vlen, &quoted))
			die("%s: one value expected", k);
		return;
	}
	die("unknown statement \"%s\"", key);
}

/* Is logical line s the "end" of a repeat block? */
static int
is_end(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (strncmp(s, "end", 3) != 0)
		return 0;
	s += 3;
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0' || *s == '#';
}

/* Runs the repeat block just read, once per value of i. */
static void
run_repeat(struct gen *g)
{
	unsigned long long i;
	char *copy = NULL;
	size_t j, cap = 0, n;

	for (i = 0; i < g->repeat_count; i++) {
		repeat_index = (long long)i;
		for (j = 0; j < g->nrep; j++) {
			n = strlen(g->rep_lines[j]) + 1;
			if (n > cap) {
				free(copy);
				cap = n;
				copy = xmalloc(cap);
			}
			memcpy(copy, g->rep_lines[j], n);
			lineno = g->rep_lineno[j];
			statement(g, copy);
		}
	}
	repeat_index = -1;
	free(copy);
	for (j = 0; j < g->nrep; j++)
		free(g->rep_lines[j]);
	g->nrep = 0;
	g->in_repeat = 0;
}

static int
generate_from_description(const char *path, const char *outpath)
{
	FILE *in;
	struct gen g;
	char *line = NULL, *acc = NULL;
	size_t cap = 0, acclen = 0, n;
	ssize_t r;
	unsigned long first_line = 0, cur = 0;

	input_name = path;
	in = fopen(path, "r");
	if (in == NULL)
		die("%s: %s", path, strerror(errno));
	memset(&g, 0, sizeof(g));
	g.o.format = FMT_PCAP;
	g.o.linktype = DLT_VSOCK_NUM;
	g.o.snaplen = DEFAULT_SNAPLEN;
	g.outpath = outpath;
	g.sec = BASE_SEC;

	while ((r = getline(&line, &cap, in)) != -1) {
		cur++;
		n = (size_t)r;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (acclen == 0)
			first_line = cur;
		acc = realloc(acc, acclen + n + 2);
		if (acc == NULL)
			die("out of memory");
		memcpy(acc + acclen, line, n + 1);
		acclen += n;
		if (n > 0 && line[n - 1] == '\\') {
			acc[acclen - 1] = ' ';
			continue;
		}
		lineno = first_line;
		acclen = 0;
		if (g.in_repeat) {
			if (is_end(acc)) {
				run_repeat(&g);
				continue;
			}
			if (g.nrep == g.rep_cap) {
				g.rep_cap = g.rep_cap ? g.rep_cap * 2 : 8;
				g.rep_lines = realloc(g.rep_lines,
				    g.rep_cap * sizeof(*g.rep_lines));
				g.rep_lineno = realloc(g.rep_lineno,
				    g.rep_cap * sizeof(*g.rep_lineno));
				if (g.rep_lines == NULL || g.rep_lineno == NULL)
					die("out of memory");
			}
			g.rep_lines[g.nrep] = xmalloc(strlen(acc) + 1);
			strcpy(g.rep_lines[g.nrep], acc);
			g.rep_lineno[g.nrep++] = first_line;
			continue;
		}
		statement(&g, acc);
	}
	if (acclen != 0) {
		lineno = first_line;
		die("continuation line at end of file");
	}
	if (g.in_repeat) {
		lineno = cur;
		die("repeat without end");
	}
	if (ferror(in))
		die("%s: read error", path);
	fclose(in);
	free(line);
	free(acc);
	free(g.rep_lines);
	free(g.rep_lineno);
	lineno = 0;
	if (g.npackets == 0)
		die("%s: no packets", path);
	out_close(&g.o);
	return 0;
}

/*
 * Random traffic.
 */

static uint64_t rng_state;

static uint64_t
rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint32_t
rng_below(uint32_t n)
{
	return (uint32_t)(((rng() >> 32) * (uint64_t)n) >> 32);
}

static void
rng_fill(unsigned char *p, size_t n)
{
	uint64_t v;

	while (n >= 8) {
		v = rng();
		memcpy(p, &v, 8);
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		v = rng();
		memcpy(p, &v, n);
	}
}

#define NFLOWS		24	/* connections at once, by default */
#define FRAG_MAX	65536

enum fstate { FS_CLOSED, FS_REQUESTED, FS_OPEN, FS_SHUTDOWN };

struct flow {
	enum fstate	state;
	uint16_t	type;		/* 1 STREAM, 2 SEQPACKET */
	uint64_t	cid[2];		/* [0] client, [1] server */
	uint32_t	port[2];
	uint32_t	buf_alloc[2];
	uint32_t	fwd_cnt[2];	/* bytes consumed by side i */
	uint32_t	unacked[2];	/* consumed by i, not yet announced */
	uint32_t	pending;	/* SEQPACKET message bytes left */
	int		pending_dir;
	int		refuse;
};

static const uint32_t default_server_ports[] = {
	22, 1024, 1025, 1026, 5000, 5001, 9000, 10789, 10809, 62373
};

#define SERVER_PORTS_MAX	64

/* The ports the servers listen on (--server-ports). */
static uint32_t server_ports[SERVER_PORTS_MAX];
static size_t nserver_ports;

static void
flow_reset(struct flow *fl, uint32_t *next_port)
{
	uint32_t r = rng_below(100);

	fl->state = FS_CLOSED;
	fl->type = rng_below(3) == 0 ? 2 : 1;
	if (r < 10) {
		fl->cid[0] = 1;
		fl->cid[1] = 1;
	} else if (r < 60) {
		fl->cid[0] = 3 + rng_below(8);
		fl->cid[1] = 2;
	} else {
		fl->cid[0] = 2;
		fl->cid[1] = 3 + rng_below(8);
	}
	fl->port[0] = (*next_port)++;
	if (*next_port > 0x7fffffff)
		*next_port = 49152;
	fl->port[1] = server_ports[rng_below((uint32_t)nserver_ports)];
	fl->buf_alloc[0] = fl->buf_alloc[1] = 262144;
	fl->fwd_cnt[0] = fl->fwd_cnt[1] = 0;
	fl->unacked[0] = fl->unacked[1] = 0;
	fl->pending = 0;
	fl->refuse = rng_below(40) == 0;
}

static uint32_t
rw_size(void)
{
	uint32_t r = rng_below(100);

	if (r < 60)
		return 1 + rng_below(128);
	if (r < 90)
		return 129 + rng_below(1920);
	if (r < 98)
		return 2049 + rng_below(14336);
	return 16385 + rng_below(100000);	/* SEQPACKET may need fragments */
}

static size_t
random_packet(struct flow *fl, int dir, uint16_t vop, uint32_t flags,
    uint32_t plen, unsigned char *buf)
{
	int s = dir, d = !dir;

	put_le(buf, fl->cid[s], 8);
	put_le(buf + 8, fl->cid[d], 8);
	put_le(buf + 16, fl->port[s], 4);
	put_le(buf + 20, fl->port[d], 4);
	put_le(buf + 24, derive_op(vop), 2);
	put_le(buf + 26, 2, 2);
	put_le(buf + 28, VIRTIO_HDR_LEN, 2);
	put_le(buf + 30, 0, 2);
	memcpy(buf + 32, buf, 24);		/* virtio addresses mirror */
	put_le(buf + 56, plen, 4);
	put_le(buf + 60, fl->type, 2);
	put_le(buf + 62, vop, 2);
	put_le(buf + 64, flags, 4);
	put_le(buf + 68, fl->buf_alloc[s], 4);
	put_le(buf + 72, fl->fwd_cnt[s], 4);
	rng_fill(buf + 76, plen);
	return 76 + (size_t)plen;
}

/* Makes about one packet in 500 odd. */
static void
oddify(unsigned char *buf, size_t *flen, uint32_t *caplen)
{
	switch (rng_below(8)) {
	case 0:
		*caplen = rng_below((uint32_t)*flen);
		break;
	case 1:
		put_le(buf + 24, 5 + rng_below(100), 2);	/* vsockmon op */
		break;
	case 2:
		put_le(buf + 26, rng_below(2) ? 1 : 9, 2);	/* transport */
		break;
	case 3:
		put_le(buf + 28, rng_below(2) ? 40 : 48, 2);	/* hdr_len */
		break;
	case 4:
		put_le(buf + 56, (uint32_t)rng(), 4);		/* virtio len */
		break;
	case 5:
		put_le(buf + 30, 1 + rng_below(0xffff), 2);	/* reserved */
		break;
	case 6:
		put_le(buf + 62, 8 + rng_below(100), 2);	/* virtio op */
		break;
	default:
		put_le(buf + 60, rng_below(2) ? 0 : 3, 2);	/* type */
		break;
	}
}

static int
generate_random(unsigned long long count, unsigned long long seed,
    const char *outpath, int format, uint32_t snaplen, uint32_t nflows)
{
	struct out o;
	struct flow *flows;
	unsigned char *buf;
	unsigned long long i;
	uint64_t sec = BASE_SEC;
	uint32_t usec = 0, next_port = 49152, caplen, plen, flags, r, sz;
	size_t flen;
	struct flow *fl;
	int dir, k;

	rng_state = seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
	if (rng_state == 0)
		rng_state = 1;
	buf = xmalloc(VSOCKMON_HDR_LEN + VIRTIO_HDR_LEN + FRAG_MAX);
	flows = xmalloc(nflows * sizeof(*flows));
	memset(&o, 0, sizeof(o));
	o.format = format;
	o.linktype = DLT_VSOCK_NUM;
	o.snaplen = snaplen;
	out_open(&o, outpath);
	out_header(&o);
	for (k = 0; k < (int)nflows; k++)
		flow_reset(&flows[k], &next_port);

	for (i = 0; i < count; i++) {
		fl = &flows[rng_below(nflows)];
		switch (fl->state) {
		case FS_CLOSED:
			flen = random_packet(fl, 0, 1, 0, 0, buf);
			fl->state = FS_REQUESTED;
			break;
		case FS_REQUESTED:
			if (fl->refuse) {
				flen = random_packet(fl, 1, 3, 0, 0, buf);
				flow_reset(fl, &next_port);
			} else {
				flen = random_packet(fl, 1, 2, 0, 0, buf);
				fl->state = FS_OPEN;
			}
			break;
		case FS_OPEN:
			r = rng_below(100);
			if (fl->pending > 0) {
				/* Next SEQPACKET fragment. */
				dir = fl->pending_dir;
				plen = fl->pending > FRAG_MAX ? FRAG_MAX :
				    fl->pending;
				fl->pending -= plen;
				flags = fl->pending == 0 ? 1 : 0;
				flen = random_packet(fl, dir, 5, flags, plen,
				    buf);
				fl->fwd_cnt[!dir] += plen;
				fl->unacked[!dir] += plen;
			} else if (r < 62) {
				dir = (int)rng_below(2);
				sz = rw_size();
				if (fl->type == 1 && sz > FRAG_MAX)
					sz = FRAG_MAX;
				plen = sz > FRAG_MAX ? FRAG_MAX : sz;
				flags = 0;
				if (fl->type == 2) {
					fl->pending = sz - plen;
					fl->pending_dir = dir;
					flags = fl->pending == 0 ?
					    (rng_below(4) == 0 ? 3 : 1) : 0;
				}
				flen = random_packet(fl, dir, 5, flags, plen,
				    buf);
				fl->fwd_cnt[!dir] += plen;
				fl->unacked[!dir] += plen;
			} else if (r < 90) {
				/* The side that consumed most announces it. */
				dir = fl->unacked[1] > fl->unacked[0];
				flen = random_packet(fl, dir, 6, 0, 0, buf);
				fl->unacked[dir] = 0;
			} else if (r < 95) {
				flen = random_packet(fl, (int)rng_below(2), 7,
				    0, 0, buf);
			} else {
				flags = rng_below(4) == 0 ? 1 + rng_below(2) : 3;
				flen = random_packet(fl, (int)rng_below(2), 4,
				    flags, 0, buf);
				fl->state = FS_SHUTDOWN;
			}
			break;
		default:
			flen = random_packet(fl, (int)rng_below(2), 3, 0, 0,
			    buf);
			flow_reset(fl, &next_port);
			break;
		}
		caplen = (uint32_t)flen;
		if (rng_below(500) == 0)
			oddify(buf, &flen, &caplen);
		if (caplen > snaplen)
			caplen = snaplen;
		out_record(&o, sec, usec, buf, caplen, (uint32_t)flen);
		usec += 1 + rng_below(200);
		if (usec >= 1000000) {
			usec -= 1000000;
			sec++;
		}
	}
	out_close(&o);
	free(buf);
	free(flows);
	return 0;
}

/* --- repeat mode ----------------------------------------------------- */

#define REPEAT_CID_STEP		16
#define REPEAT_GAP_USEC		1000
#define PCAP_MAGIC_USEC		0xa1b2c3d4U

struct rpacket {
	uint64_t	usec;		/* from the start of its file */
	uint32_t	caplen, len;
	unsigned char	*data;
};

struct rfile {
	struct rpacket	*pkts;
	size_t		n;
	uint64_t	span;		/* its first to last packet */
};

static uint32_t
get_h32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void
read_exact(FILE *f, const char *path, void *buf, size_t n)
{
	if (fread(buf, 1, n, f) != n)
		die("%s: truncated capture", path);
}

/* A classic pcap file of link type VSOCK, microsecond time stamps. */
static void
repeat_load(const char *path, struct rfile *rf)
{
	unsigned char h[24];
	uint64_t t, t0 = 0;
	size_t cap = 0;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		die("%s: %s", path, strerror(errno));
	read_exact(f, path, h, 24);
	if (get_h32(h) != PCAP_MAGIC_USEC || get_h32(h + 20) != DLT_VSOCK_NUM)
		die("%s: not a VSOCK pcap file with microsecond time stamps",
		    path);
	memset(rf, 0, sizeof(*rf));
	while (fread(h, 1, 16, f) == 16) {
		struct rpacket *p;

		if (rf->n == cap) {
			cap = cap ? 2 * cap : 256;
			rf->pkts = realloc(rf->pkts, cap * sizeof(*rf->pkts));
			if (rf->pkts == NULL)
				die("out of memory");
		}
		p = &rf->pkts[rf->n];
		t = (uint64_t)get_h32(h) * 1000000 + get_h32(h + 4);
		if (rf->n == 0)
			t0 = t;
		p->usec = t >= t0 ? t - t0 : 0;
		p->caplen = get_h32(h + 8);
		p->len = get_h32(h + 12);
		if (p->caplen > DEFAULT_SNAPLEN || p->caplen > p->len)
			die("%s: a record of %u bytes", path, p->caplen);
		p->data = xmalloc(p->caplen);
		read_exact(f, path, p->data, p->caplen);
		rf->span = p->usec;
		rf->n++;
	}
	(void)fclose(f);
	if (rf->n == 0)
		die("%s: no packets", path);
}

/* Moves the CIDs of a frame's vsockmon and virtio headers by step. */
static void
repeat_move_cids(unsigned char *d, uint32_t caplen, uint64_t step)
{
	static const size_t offs[] = { 0, 8, 32, 40 };
	uint64_t cid;
	size_t i;
	int k;

	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		if (offs[i] + 8 > caplen)
			break;
		cid = 0;
		for (k = 7; k >= 0; k--)
			cid = cid << 8 | d[offs[i] + k];
		put_le(d + offs[i], cid + step, 8);
	}
}

static int
generate_repeat(unsigned long long count, const char *outpath,
    char **paths, int npaths)
{
	struct rfile *files = xmalloc((size_t)npaths * sizeof(*files));
	unsigned char *buf = xmalloc(DEFAULT_SNAPLEN);
	unsigned long long done = 0, round = 0;
	uint64_t start = BASE_SEC * 1000000, t;
	struct out o;
	size_t i;
	int k;

	for (k = 0; k < npaths; k++)
		repeat_load(paths[k], &files[k]);
	memset(&o, 0, sizeof(o));
	o.format = FMT_PCAP;
	o.linktype = DLT_VSOCK_NUM;
	o.snaplen = DEFAULT_SNAPLEN;
	out_open(&o, outpath);
	out_header(&o);
	for (round = 0; done < count; round++)
		for (k = 0; k < npaths && done < count; k++) {
			for (i = 0; i < files[k].n && done < count; i++) {
				struct rpacket *p = &files[k].pkts[i];

				memcpy(buf, p->data, p->caplen);
				repeat_move_cids(buf, p->caplen,
				    (round + 1) * REPEAT_CID_STEP);
				t = start + p->usec;
				out_record(&o, t / 1000000, (uint32_t)(t %
				    1000000), buf, p->caplen, p->len);
				done++;
			}
			start += files[k].span + REPEAT_GAP_USEC;
		}
	out_close(&o);
	for (k = 0; k < npaths; k++) {
		for (i = 0; i < files[k].n; i++)
			free(files[k].pkts[i].data);
		free(files[k].pkts);
	}
	free(files);
	free(buf);
	return 0;
}

/* --server-ports P,P,...: the ports of the random mode's servers. */
static void
parse_ports(const char *arg)
{
	char *copy = strdup(arg), *tok, *save = NULL;

	if (copy == NULL)
		die("out of memory");
	nserver_ports = 0;
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (nserver_ports == SERVER_PORTS_MAX)
			die("--server-ports: more than %d ports",
			    SERVER_PORTS_MAX);
		server_ports[nserver_ports++] = (uint32_t)parse_number(
		    "--server-ports", tok, UINT32_MAX);
	}
	free(copy);
	if (nserver_ports == 0)
		die("--server-ports: no port");
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: %s [-o out] description.txt\n"
	    "       %s --random N --seed S [--flows F] [-s snaplen] "
	    "[-F pcap|pcapng] [--server-ports P,...] [-o out]\n"
	    "       %s --repeat N [-o out] capture.pcap...\n", progname,
	    progname, progname);
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *outpath = NULL, *desc = NULL;
	unsigned long long count = 0, seed = 0;
	int random_mode = 0, format = FMT_PCAP, i;
	int repeat_mode = 0, npos = 0;
	uint32_t snaplen = DEFAULT_SNAPLEN, nflows = NFLOWS;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-o") == 0 && i + 1 < argc)
			outpath = argv[++i];
		else if (strcmp(a, "--random") == 0 && i + 1 < argc) {
			count = parse_number("--random", argv[++i],
			    UINT64_MAX);
			random_mode = 1;
		} else if (strcmp(a, "--repeat") == 0 && i + 1 < argc) {
			count = parse_number("--repeat", argv[++i],
			    UINT64_MAX);
			repeat_mode = 1;
		} else if (strcmp(a, "--seed") == 0 && i + 1 < argc)
			seed = parse_number("--seed", argv[++i], UINT64_MAX);
		else if (strcmp(a, "--server-ports") == 0 && i + 1 < argc)
			parse_ports(argv[++i]);
		else if (strcmp(a, "--flows") == 0 && i + 1 < argc) {
			nflows = (uint32_t)parse_number("--flows", argv[++i],
			    10000000);
			if (nflows == 0)
				usage();
		}
		else if (strcmp(a, "-s") == 0 && i + 1 < argc) {
			snaplen = (uint32_t)parse_number("-s", argv[++i],
			    UINT32_MAX);
			if (snaplen == 0)
				snaplen = DEFAULT_SNAPLEN;
		} else if (strcmp(a, "-F") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "pcap") == 0)
				format = FMT_PCAP;
			else if (strcmp(argv[i], "pcapng") == 0)
				format = FMT_PCAPNG;
			else
				usage();
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
			usage();
		else if (a[0] == '-' && a[1] != '\0')
			usage();
		else {
			/* Positional: the description, or the captures. */
			if (desc == NULL)
				desc = a;
			argv[npos++] = argv[i];
		}
	}
	if (repeat_mode) {
		if (npos == 0 || random_mode)
			usage();
		return generate_repeat(count, outpath, argv, npos);
	}
	if (npos > 1)
		usage();
	if (nserver_ports == 0) {
		memcpy(server_ports, default_server_ports,
		    sizeof(default_server_ports));
		nserver_ports = sizeof(default_server_ports) /
		    sizeof(default_server_ports[0]);
	}
	if (random_mode) {
		if (desc != NULL)
			usage();
		return generate_random(count, seed, outpath, format, snaplen,
		    nflows);
	}
	if (desc == NULL)
		usage();
	return generate_from_description(desc, outpath);
}
