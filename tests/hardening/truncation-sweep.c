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
 * Truncation sweep: every prefix of every packet of the given capture
 * files goes through vsockdump's printer (pretty_print_packet() and the
 * link-layer printer vsockdump.c picks), at -v, -vv and -X (always with
 * -n and -t), and the output is checked.  Built with AddressSanitizer,
 * with each prefix in a heap block of exactly its size, it also proves
 * that no read goes past the captured length.
 *
 *	truncation-sweep FILE...
 *
 * For a packet of captured length C and wire length L, prefix k
 * (0 <= k <= C) is printed with caplen k and len L.  (A record with
 * C > L is swept up to L as if C were L, and each k from L + 1 to C must
 * give exactly "[Invalid header: len(L) < caplen(k)]".)  Prefixes: every k
 * from 0 to 4096; beyond that (packets of more than 4096 captured
 * bytes) every k that is a multiple of 61 and the last 64 values of k.
 *
 * Terms: the output of a prefix, less its final newline, is T.  With -X
 * its first line is the decode D and the rest is the dump; otherwise
 * D = T.  The reference is the output for k = C (the packet as
 * captured), whose decode is D_C.  A truncation marker is " [|vsock]",
 * " [|sll]" or " [|sll2]" at the end of D.
 *
 * Each output must satisfy all of:
 *
 *  1. Clean text: ends with exactly one newline; every byte is printable
 *     ASCII (0x20-0x7e), a newline or a tab; no NUL.
 *  2. k = 0: T is "[Invalid header: caplen==0]" (tcpdump's check of the
 *     capture header, before any printer runs).
 *  3. k > 0: either D ends with a truncation marker (the only "[|" in D),
 *     or the decode is complete: D is byte-for-byte D_C, or (3b) for a
 *     LINUX_SLL/SLL2 frame of another ARPHRD type, which vsockdump does
 *     not decode and so dumps as far as captured without a marker, as
 *     tcpdump does for data it does not decode: the part before the dump
 *     is D_C's and the dump (-v, -vv) decodes back to exactly the bytes
 *     after the cooked header up to k.  For k = C = L
 *     (nothing missing) D must not end with a marker.
 *  4. Vsock frames (DLT_VSOCK, or LINUX_SLL/SLL2 frames of ARPHRD type
 *     826): once all headers are captured (k >= link header + 32 +
 *     the transport header length), the header part of D (everything
 *     before the first payload hex line, less a marker) equals that of
 *     D_C; at -vv, the payload hex lines ("\n\t0xOFFS: xxxx ...") have
 *     consecutive offsets from 0 and decode back to exactly the packet's
 *     bytes after the headers, up to k (or the whole payload).
 *  5. -X: the dump lines have consecutive offsets from 0, their hex
 *     decodes back to the packet's bytes [s, k) where s is 0 or the
 *     link-layer header length (32 VSOCK, 16 LINUX_SLL, 20 LINUX_SLL2),
 *     the ASCII column shows each byte (graphic ones as themselves,
 *     others as '.'), and there is no dump only when k <= that length.
 *
 * Prints a line per file and option set, then "N passed, N failed" (one
 * case per packet and option set); exits 1 if any failed.
 */

#include "netdissect-stdinc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <pcap/pcap.h>

#include "netdissect.h"

#define FULL_SWEEP	4096	/* every prefix up to this length */
#define SAMPLE_STEP	61
#define SAMPLE_TAIL	64
#define MAX_REPORTS	20	/* failures shown in full */

struct outbuf {
	char *s;
	size_t len, size;
};

static struct outbuf out;

static void
out_init(void)
{
	out.size = 4096;
	out.s = malloc(out.size);
	if (out.s == NULL)
		abort();
	out.s[0] = '\0';
	out.len = 0;
}

static int
capture_printf(netdissect_options *ndo _U_, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(out.s + out.len, out.size - out.len, fmt, ap);
		va_end(ap);
		if (n < 0)
			abort();
		if ((size_t)n < out.size - out.len)
			break;
		out.size = (out.size + (size_t)n + 1) * 2;
		out.s = realloc(out.s, out.size);
		if (out.s == NULL)
			abort();
	}
	out.len += (size_t)n;
	return n;
}

static ND_ATTR_NORETURN void
abort_error(netdissect_options *ndo _U_, int status, const char *fmt, ...)
{
	(void)fprintf(stderr, "ndo_error(%d, \"%s\") called\n", status, fmt);
	abort();
}

struct mode {
	const char *name;
	int vflag, Xflag;
};

static const struct mode modes[] = {
	{ "-v", 1, 0 },
	{ "-vv", 2, 0 },
	{ "-X", 0, 1 },
};

/* The link type as the sweep sees it. */
struct link {
	if_printer printer;
	u_int hdrlen;		/* what a single -X leaves out */
	u_int vsock_off;	/* where a vsockmon header starts */
	u_int hatype_off;	/* where ARPHRD type is (SLL*), else 0 */
};

static int
link_of(int dlt, struct link *lk)
{
	memset(lk, 0, sizeof(*lk));
	switch (dlt) {
	case DLT_VSOCK:
		lk->printer = vsock_if_print;
		lk->hdrlen = 32;
		return 0;
	case DLT_LINUX_SLL:
		lk->printer = sll_if_print;
		lk->hdrlen = lk->vsock_off = 16;
		lk->hatype_off = 2;
		return 0;
	case DLT_LINUX_SLL2:
		lk->printer = sll2_if_print;
		lk->hdrlen = lk->vsock_off = 20;
		lk->hatype_off = 8;
		return 0;
	}
	return -1;
}

/* Prints prefix k of the packet; the output is left in "out". */
static void
render(netdissect_options *ndo, const u_char *pkt, u_int k, u_int len)
{
	struct pcap_pkthdr h;
	u_char *copy;

	memset(&h, 0, sizeof(h));
	h.caplen = k;
	h.len = len;
	h.ts.tv_sec = 1700000000;
	copy = malloc(k);
	if (copy == NULL && k != 0)
		abort();
	if (k != 0)
		memcpy(copy, pkt, k);
	out.len = 0;
	out.s[0] = '\0';
	pretty_print_packet(ndo, &h, copy, 1);
	free(copy);
}

static const char *const markers[] = { " [|vsock]", " [|sll]", " [|sll2]" };

static int
ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* Length of the marker D ends with, or 0. */
static size_t
marker_len(const char *d, size_t dlen)
{
	size_t i;

	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		if (ends_with(d, dlen, markers[i]))
			return strlen(markers[i]);
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Parses hex dump lines "\n\t0xOFFS: " followed by groups of up to two
 * bytes (" xxxx" or a final " xx"), with an ASCII column if "ascii".
 * The bytes go to buf (at most bufsize).  Returns the byte count, or -1
 * with *why set if the text is not such a dump.
 */
static long
parse_dump(const char *s, size_t len, int ascii, u_char *buf,
    size_t bufsize, const char **why)
{
	size_t pos = 0, nbytes = 0, line_start, i, col;
	unsigned off;
	int hi, lo, inline_bytes, had_short;

	while (pos < len) {
		if (len - pos < 10 || memcmp(s + pos, "\n\t0x", 4) != 0) {
			*why = "dump line does not start with \"\\n\\t0x\"";
			return -1;
		}
		pos += 4;
		/* "%04x": at least 4 digits, more past 0xffff */
		off = 0;
		for (i = 0; pos < len && hexval(s[pos]) >= 0; i++, pos++)
			off = off * 16 + (unsigned)hexval(s[pos]);
		if (i < 4 || i > 8 || pos + 1 >= len) {
			*why = "bad offset in dump line";
			return -1;
		}
		if (s[pos] != ':' || s[pos + 1] != ' ') {
			*why = "no \": \" after dump offset";
			return -1;
		}
		pos += 2;
		if (off != nbytes || (i > 4 && off <= 0xffff)) {
			*why = "dump offsets not consecutive";
			return -1;
		}
		line_start = nbytes;
		inline_bytes = 0;
		had_short = 0;
		col = 0;	/* characters of the hex column */
		while (pos < len && s[pos] == ' ' && pos + 2 < len &&
		    hexval(s[pos + 1]) >= 0 && hexval(s[pos + 2]) >= 0 &&
		    !had_short) {
			pos++;
			col++;
			for (i = 0; i < 2; i++) {
				if (pos + 1 >= len || hexval(s[pos]) < 0 ||
				    hexval(s[pos + 1]) < 0) {
					if (i == 1) {
						had_short = 1;
						break;
					}
					*why = "bad hex group";
					return -1;
				}
				hi = hexval(s[pos]);
				lo = hexval(s[pos + 1]);
				if (nbytes >= bufsize) {
					*why = "dump longer than the packet";
					return -1;
				}
				buf[nbytes++] = (u_char)(hi * 16 + lo);
				inline_bytes++;
				pos += 2;
				col += 2;
			}
			if (inline_bytes > 16) {
				*why = "more than 16 bytes on a dump line";
				return -1;
			}
		}
		if (inline_bytes == 0) {
			*why = "empty dump line";
			return -1;
		}
		if (inline_bytes < 16 && pos < len && s[pos] == '\n') {
			*why = "short dump line before the last";
			return -1;
		}
		if (ascii) {
			/* hex column padded to 40, two spaces, the text */
			while (col < 40 && pos < len && s[pos] == ' ') {
				pos++;
				col++;
			}
			if (col != 40 || len - pos < 2 + (size_t)inline_bytes ||
			    memcmp(s + pos, "  ", 2) != 0) {
				*why = "bad padding before the ASCII column";
				return -1;
			}
			pos += 2;
			for (i = 0; i < (size_t)inline_bytes; i++) {
				u_char b = buf[line_start + i];
				char want = (b > 0x20 && b <= 0x7e) ?
				    (char)b : '.';

				if (s[pos + i] != want) {
					*why = "ASCII column does not match "
					    "the bytes";
					return -1;
				}
			}
			pos += (size_t)inline_bytes;
		}
		if (pos < len && s[pos] != '\n') {
			*why = "junk after a dump line";
			return -1;
		}
	}
	return (long)nbytes;
}

/* Where the payload hex lines of a decode start: "\n\t0x", or its end. */
static size_t
header_part_len(const char *d, size_t dlen)
{
	size_t i;

	for (i = 0; i + 4 <= dlen; i++)
		if (memcmp(d + i, "\n\t0x", 4) == 0)
			return i;
	return dlen;
}

/*
 * Checks the output in "out" for prefix k against the reference text
 * ref (the output for k = C).  Returns NULL if it is good, else why not.
 */
static const char *
check(const struct mode *m, const struct link *lk, const u_char *pkt,
    u_int caplen, u_int len, u_int k, const char *ref, size_t reflen,
    int is_ref)
{
	static char why[256];
	const char *t = out.s, *d, *reason;
	size_t tlen, dlen, rdlen, i, mlen, hp, rhp;
	u_int vsock = 0, cooked, headers = 0;
	u_char *bytes;
	long n;

	/* 1. clean text */
	if (out.len == 0 || t[out.len - 1] != '\n')
		return "output does not end with a newline";
	tlen = out.len - 1;
	if (tlen > 0 && t[tlen - 1] == '\n')
		return "output ends with an empty line";
	for (i = 0; i < out.len; i++) {
		u_char c = (u_char)t[i];

		if (c == '\n' || c == '\t' || (c >= 0x20 && c <= 0x7e))
			continue;
		(void)snprintf(why, sizeof(why),
		    "byte 0x%02x at offset %zu of the output", c, i);
		return why;
	}

	/* 2. no captured byte */
	if (k == 0) {
		if (tlen == strlen("[Invalid header: caplen==0]") &&
		    memcmp(t, "[Invalid header: caplen==0]", tlen) == 0)
			return NULL;
		return "k = 0 is not \"[Invalid header: caplen==0]\"";
	}

	/* Which frames are vsock frames, and how long their headers are. */
	cooked = lk->hatype_off != 0 && !(caplen >= lk->hatype_off + 2 &&
	    (pkt[lk->hatype_off] << 8 | pkt[lk->hatype_off + 1]) == 826);
	if (!cooked && caplen >= lk->vsock_off + 30 &&
	    len >= lk->vsock_off + 32) {
		vsock = 1;
		headers = lk->vsock_off + 32 + (pkt[lk->vsock_off + 28] |
		    pkt[lk->vsock_off + 29] << 8);
		if (headers > len)
			vsock = 0;	/* inconsistent: "(invalid)" */
	}

	/* 3. marker or complete decode */
	d = t;
	dlen = tlen;
	if (m->Xflag)
		for (dlen = 0; dlen < tlen && t[dlen] != '\n'; dlen++)
			;
	rdlen = reflen;
	if (m->Xflag)
		for (rdlen = 0; rdlen < reflen && ref[rdlen] != '\n'; rdlen++)
			;
	mlen = marker_len(d, dlen);
	if (mlen != 0) {
		for (i = 0; i + 2 <= dlen - mlen; i++)
			if (d[i] == '[' && d[i + 1] == '|')
				return "more than one truncation marker";
		if (k == caplen && caplen == len)
			return "truncation marker on a complete packet";
	} else if (cooked && !m->Xflag && caplen > lk->hdrlen) {
		/*
		 * 3b. A cooked frame that is not vsockmon's: as tcpdump
		 * does for data it does not decode, the captured part is
		 * dumped, with no marker.  The header part must be the
		 * whole packet's, the dump the bytes [link header, k).
		 */
		hp = header_part_len(d, dlen);
		rhp = header_part_len(ref, rdlen);
		if (hp != rhp || memcmp(d, ref, hp) != 0)
			return "undecoded cooked frame: the header part "
			    "differs from the whole packet's";
		bytes = malloc(caplen + 1);
		n = parse_dump(d + hp, dlen - hp, 1, bytes, caplen + 1,
		    &reason);
		if (n < 0) {
			free(bytes);
			return reason;
		}
		if ((u_int)n != (k > lk->hdrlen ? k - lk->hdrlen : 0) ||
		    memcmp(bytes, pkt + lk->hdrlen, (size_t)n) != 0) {
			free(bytes);
			return "undecoded cooked frame: the dump is not the "
			    "bytes after the link header up to k";
		}
		free(bytes);
	} else if (!is_ref && (dlen != rdlen || memcmp(d, ref, dlen) != 0))
		return "no truncation marker, and the decode differs from "
		    "the whole packet's";

	/* 4. headers and payload of vsock frames */
	if (vsock && !m->Xflag && k >= headers && headers <= caplen) {
		hp = header_part_len(d, dlen - mlen);
		rhp = header_part_len(ref, rdlen - marker_len(ref, rdlen));
		if (hp != rhp || memcmp(d, ref, hp) != 0)
			return "headers all captured, but the header part "
			    "differs from the whole packet's";
		if (m->vflag > 1) {
			bytes = malloc(caplen + 1);
			n = parse_dump(d + hp, dlen - mlen - hp, 0, bytes,
			    caplen + 1, &reason);
			if (n < 0) {
				free(bytes);
				return reason;
			}
			if ((u_int)n != ND_MIN(k, len) - headers ||
			    memcmp(bytes, pkt + headers, (size_t)n) != 0) {
				free(bytes);
				return "payload hex is not the packet's bytes "
				    "after the headers";
			}
			free(bytes);
		}
	}

	/* 5. the -X dump */
	if (m->Xflag) {
		const char *p = t + dlen;
		size_t plen = tlen - dlen;
		u_int start;

		bytes = malloc(caplen + 1);
		n = parse_dump(p, plen, 1, bytes, caplen + 1, &reason);
		if (n < 0) {
			free(bytes);
			return reason;
		}
		start = k - (u_int)n;
		if ((u_int)n > k || (start != 0 && start != lk->hdrlen &&
		    !(n == 0 && k <= lk->hdrlen)) ||
		    memcmp(bytes, pkt + start, (size_t)n) != 0) {
			free(bytes);
			return "-X dump is not the packet's bytes up to k";
		}
		free(bytes);
	}
	return NULL;
}

static void
show(const char *label, const char *s, size_t len)
{
	size_t i;

	printf("    %s: \"", label);
	for (i = 0; i < len && i < 600; i++) {
		if (s[i] == '\n')
			printf("\\n");
		else if (s[i] == '\t')
			printf("\\t");
		else if ((u_char)s[i] < 0x20 || (u_char)s[i] > 0x7e)
			printf("\\x%02x", (u_char)s[i]);
		else
			putchar(s[i]);
	}
	printf("%s\"\n", i < len ? "..." : "");
}

static int
in_sample(u_int k, u_int caplen)
{
	if (k <= FULL_SWEEP)
		return 1;
	return k % SAMPLE_STEP == 0 || caplen - k < SAMPLE_TAIL;
}

int
main(int argc, char **argv)
{
	static netdissect_options nd;
	netdissect_options *ndo = &nd;
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct link lk;
	size_t mi;
	int a, pass = 0, fail = 0, reports = 0, npkt, ok, bad_pkts, r;
	unsigned long prefixes, sampled;
	u_char *pkt;
	u_int caplen, len, k, filecap;
	char *ref;
	size_t reflen;
	const char *why;
	pcap_t *pd;

	if (argc < 2) {
		fprintf(stderr, "usage: truncation-sweep FILE...\n");
		return 2;
	}
	out_init();
	printf("prefixes: all k <= %d; beyond, k %% %d == 0 and the last %d\n",
	    FULL_SWEEP, SAMPLE_STEP, SAMPLE_TAIL);
	for (a = 1; a < argc; a++) {
		for (mi = 0; mi < sizeof(modes) / sizeof(modes[0]); mi++) {
			const struct mode *m = &modes[mi];

			pd = pcap_open_offline(argv[a], ebuf);
			if (pd == NULL) {
				printf("FAIL: %s\n", ebuf);
				fail++;
				continue;
			}
			if (link_of(pcap_datalink(pd), &lk) < 0) {
				printf("FAIL: %s: link type %d not decoded\n",
				    argv[a], pcap_datalink(pd));
				fail++;
				pcap_close(pd);
				continue;
			}
			memset(&nd, 0, sizeof(nd));
			ndo_set_function_pointers(ndo);
			ndo->ndo_printf = capture_printf;
			ndo->ndo_error = abort_error;
			ndo->program_name = "truncation-sweep";
			ndo->ndo_snaplen = MAXIMUM_SNAPLEN;
			ndo->ndo_tstamp_precision = PCAP_TSTAMP_PRECISION_MICRO;
			ndo->ndo_nflag = 1;
			ndo->ndo_tflag = 1;
			ndo->ndo_vflag = m->vflag;
			ndo->ndo_Xflag = m->Xflag;
			if (m->Xflag)
				ndo->ndo_suppress_default_print = 1;
			ndo->ndo_if_printer = lk.printer;

			npkt = 0;
			bad_pkts = 0;
			prefixes = sampled = 0;
			while ((r = pcap_next_ex(pd, &h, &data)) == 1) {
				npkt++;
				caplen = h->caplen;
				len = h->len;
				pkt = malloc(caplen ? caplen : 1);
				memcpy(pkt, data, caplen);
				/*
				 * A record whose caplen exceeds its len is
				 * refused whole; its prefixes up to len are
				 * swept against the prefix of length len.
				 */
				filecap = caplen;
				if (caplen > len)
					caplen = len;
				render(ndo, pkt, caplen, len);
				reflen = out.len ? out.len - 1 : 0;
				ref = malloc(out.len + 1);
				memcpy(ref, out.s, out.len + 1);
				ok = 1;
				why = check(m, &lk, pkt, caplen, len, caplen,
				    ref, reflen, 1);
				if (why != NULL) {
					ok = 0;
					if (reports++ < MAX_REPORTS) {
						printf("  %s %s packet %d, k=%u "
						    "(whole): %s\n", argv[a],
						    m->name, npkt, caplen, why);
						show("output", out.s, out.len);
					}
				}
				for (k = 0; k < caplen; k++) {
					if (!in_sample(k, caplen)) {
						sampled++;
						continue;
					}
					prefixes++;
					render(ndo, pkt, k, len);
					why = check(m, &lk, pkt, caplen, len, k,
					    ref, reflen, 0);
					if (why == NULL)
						continue;
					ok = 0;
					if (reports++ < MAX_REPORTS) {
						printf("  %s %s packet %d "
						    "(caplen %u, len %u), k=%u:"
						    " %s\n", argv[a], m->name,
						    npkt, caplen, len, k, why);
						show("output", out.s, out.len);
						show("whole ", ref, reflen + 1);
					}
				}
				prefixes++;
				for (k = caplen + 1; k <= filecap; k++) {
					char want[80];

					prefixes++;
					render(ndo, pkt, k, len);
					(void)snprintf(want, sizeof(want),
					    "[Invalid header: len(%u) < "
					    "caplen(%u)]\n", len, k);
					if (strcmp(out.s, want) == 0)
						continue;
					ok = 0;
					if (reports++ < MAX_REPORTS) {
						printf("  %s %s packet %d "
						    "(caplen %u, len %u), k=%u:"
						    " not refused\n", argv[a],
						    m->name, npkt, filecap, len,
						    k);
						show("output", out.s, out.len);
					}
				}
				if (ok)
					pass++;
				else {
					fail++;
					bad_pkts++;
				}
				free(ref);
				free(pkt);
			}
			if (r == -1) {
				printf("FAIL: %s: %s\n", argv[a],
				    pcap_geterr(pd));
				fail++;
			}
			printf("%s: %s %s: %d packets, %lu prefixes (%lu not "
			    "sampled), %d packets with failures\n",
			    bad_pkts ? "FAIL" : "PASS", argv[a], m->name,
			    npkt, prefixes, sampled, bad_pkts);
			pcap_close(pd);
		}
	}
	free(out.s);
	if (reports > MAX_REPORTS)
		printf("(%d more failures not shown)\n", reports - MAX_REPORTS);
	printf("%d passed, %d failed\n", pass, fail);
	return fail != 0;
}
