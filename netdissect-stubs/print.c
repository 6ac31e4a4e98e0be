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
 * The per-packet driver: packet number, sanity checks of the capture
 * header, time stamp, the link-layer printer (with truncation handled
 * through setjmp/longjmp) and the -x/-X/-A raw dumps, in the order and
 * format of tcpdump 4.99's pretty_print_packet().
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include "netdissect.h"
#include "extract.h"

/* A conversion's flags, width and length modifier. */
struct nd_spec {
	int	left;		/* '-' */
	int	zero;		/* '0' */
	int	star;		/* the width is an argument */
	size_t	width;
	int	lmod;		/* 'H' hh, 'h', 'l', 'L' ll, 'j', 'z', or 0 */
};

/* Reads the spec after a '%'; returns the conversion character's place. */
static const char *
nd_spec(const char *fmt, struct nd_spec *sp)
{
	sp->left = sp->zero = sp->star = 0;
	for (;; fmt++) {
		if (*fmt == '-')
			sp->left = 1;
		else if (*fmt == '0')
			sp->zero = 1;
		else
			break;
	}
	sp->width = 0;
	if (*fmt == '*') {
		sp->star = 1;
		fmt++;
	} else {
		while (*fmt >= '0' && *fmt <= '9')
			sp->width = sp->width * 10 + (size_t)(*fmt++ - '0');
	}
	sp->lmod = 0;
	if (*fmt == 'h')
		sp->lmod = *++fmt == 'h' ? (fmt++, 'H') : 'h';
	else if (*fmt == 'l')
		sp->lmod = *++fmt == 'l' ? (fmt++, 'L') : 'l';
	else if (*fmt == 'j' || *fmt == 'z')
		sp->lmod = *fmt++;
	return fmt;
}

/* v in decimal (c 'd', 'i', 'u') or hex ('x', 'X'), ending at end. */
static char *
nd_digits(uintmax_t v, char c, char *end)
{
	if (c == 'x') {
		do {
			*--end = "0123456789abcdef"[v & 0xf];
			v >>= 4;
		} while (v != 0);
	} else if (c == 'X') {
		do {
			*--end = "0123456789ABCDEF"[v & 0xf];
			v >>= 4;
		} while (v != 0);
	} else {
		do {
			*--end = (char)('0' + v % 10);
			v /= 10;
		} while (v != 0);
	}
	return end;
}

/*
 * s, of slen bytes, with its sign and padding, at buf + n: the new
 * length, or -1 if it does not fit.
 */
static inline int
nd_emit(char *buf, size_t len, size_t n, const struct nd_spec *sp, int neg,
    const char *s, size_t slen)
{
	size_t pad;

	pad = sp->width > slen + (size_t)neg ?
	    sp->width - slen - (size_t)neg : 0;
	if (len - n < pad + (size_t)neg + slen)
		return -1;
	if (!sp->left && !sp->zero)
		for (; pad != 0; pad--)
			buf[n++] = ' ';
	if (neg)
		buf[n++] = '-';
	if (sp->zero && !sp->left)
		for (; pad != 0; pad--)
			buf[n++] = '0';
	memcpy(buf + n, s, slen);
	n += slen;
	for (; pad != 0; pad--)
		buf[n++] = ' ';
	return (int)n;
}

/*
 * printf() for the conversions printers use most: %d %i %u %x %X %c %s
 * and %%, with the flags '-' and '0', a width (a number or '*') and the
 * length modifiers hh, h, l, ll, j and z.  The text goes into buf, of
 * size len.  Returns its length, or -1 for anything else (a precision,
 * another flag or conversion, a NULL string, text longer than buf), for
 * the caller to hand the same arguments to vfprintf() instead.
 *
 * Why: a line of output is a handful of short ND_PRINT()s, and for each
 * of them vfprintf() costs about as much as the rest of the printing.
 */
static int
nd_format(char *buf, size_t len, const char *fmt, va_list ap)
{
	char digits[24], *end = digits + sizeof(digits);
	const char *s;
	struct nd_spec sp;
	size_t n = 0, slen;
	uintmax_t v;
	intmax_t sv;
	int neg, ret;

	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			if (n == len)
				return -1;
			buf[n++] = *fmt;
			continue;
		}
		fmt = nd_spec(fmt + 1, &sp);
		if (sp.star && (sv = va_arg(ap, int)) < 0) {
			sp.left = 1;
			sp.width = (size_t)-sv;
		} else if (sp.star)
			sp.width = (size_t)sv;
		neg = 0;
		switch (*fmt) {
		case 'd':
		case 'i':
			switch (sp.lmod) {
			case 'H': sv = (signed char)va_arg(ap, int); break;
			case 'h': sv = (short)va_arg(ap, int); break;
			case 'l': sv = va_arg(ap, long); break;
			case 'L': sv = va_arg(ap, long long); break;
			case 'j': sv = va_arg(ap, intmax_t); break;
			case 'z': sv = va_arg(ap, ssize_t); break;
			default: sv = va_arg(ap, int); break;
			}
			neg = sv < 0;
			s = nd_digits(neg ? -(uintmax_t)sv : (uintmax_t)sv,
			    *fmt, end);
			slen = (size_t)(end - s);
			break;
		case 'u':
		case 'x':
		case 'X':
			switch (sp.lmod) {
			case 'H': v = (unsigned char)va_arg(ap, unsigned); break;
			case 'h': v = (unsigned short)va_arg(ap, unsigned); break;
			case 'l': v = va_arg(ap, unsigned long); break;
			case 'L': v = va_arg(ap, unsigned long long); break;
			case 'j': v = va_arg(ap, uintmax_t); break;
			case 'z': v = va_arg(ap, size_t); break;
			default: v = va_arg(ap, unsigned); break;
			}
			s = nd_digits(v, *fmt, end);
			slen = (size_t)(end - s);
			break;
		case 'c':
			if (sp.zero)
				return -1;
			digits[0] = (char)va_arg(ap, int);
			s = digits;
			slen = 1;
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (s == NULL || sp.zero)
				return -1;
			slen = strlen(s);
			break;
		case '%':
			if (sp.left || sp.zero || sp.width != 0 || sp.lmod != 0)
				return -1;
			s = "%";
			slen = 1;
			break;
		default:
			return -1;
		}
		if ((ret = nd_emit(buf, len, n, &sp, neg, s, slen)) < 0)
			return -1;
		n = (size_t)ret;
	}
	return (int)n;
}

/* Only this program writes to stdout: no lock is needed around it. */
#if defined(HAVE_DECL_FWRITE_UNLOCKED) && HAVE_DECL_FWRITE_UNLOCKED
#define ND_FWRITE	fwrite_unlocked
#else
#define ND_FWRITE	fwrite
#endif

static int
nd_stdout_printf(netdissect_options *ndo, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = nd_format(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (ret >= 0) {
		if (ND_FWRITE(buf, 1, (size_t)ret, stdout) != (size_t)ret)
			ret = -1;
	} else {
		va_start(ap, fmt);
		ret = vfprintf(stdout, fmt, ap);
		va_end(ap);
	}
	if (ret < 0)
		(*ndo->ndo_error)(ndo, S_ERR_ND_WRITE_FILE,
		    "Unable to write output: %s",
		    strerror(errno));
	return ret;
}

static ND_ATTR_NORETURN void
nd_stderr_error(netdissect_options *ndo, int status, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (ndo->program_name != NULL)
		(void)fprintf(stderr, "%s: ", ndo->program_name);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	n = strlen(fmt);
	if (n == 0 || fmt[n - 1] != '\n')
		(void)fputc('\n', stderr);
	exit(status);
}

static void
nd_stderr_warning(netdissect_options *ndo, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (ndo->program_name != NULL)
		(void)fprintf(stderr, "%s: WARNING: ", ndo->program_name);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	n = strlen(fmt);
	if (n == 0 || fmt[n - 1] != '\n')
		(void)fputc('\n', stderr);
}

/* What a printer shows of data it does not decode. */
static void
nd_raw_default_print(netdissect_options *ndo, const u_char *bp, u_int length)
{
	hex_and_ascii_print(ndo, "\n\t", bp, length);
}

void
ndo_set_function_pointers(netdissect_options *ndo)
{
	ndo->ndo_default_print = nd_raw_default_print;
	ndo->ndo_printf = nd_stdout_printf;
	ndo->ndo_error = nd_stderr_error;
	ndo->ndo_warning = nd_stderr_warning;
}

/*
 * Start or continue the "[Invalid header:" note; returns 1 so the
 * caller can record that the header was found invalid.
 */
static int
invalid_note(netdissect_options *ndo, int already)
{
	ND_PRINT("%s", already ? "," : "[Invalid header:");
	return 1;
}

/*
 * Raw dump of the packet for -x/-xx, -X/-XX or -A/-AA: with a single
 * flag the link-layer header (hdrlen bytes) is left out, and nothing is
 * dumped if nothing follows it.
 */
static void
raw_dump(netdissect_options *ndo, const struct pcap_pkthdr *h,
    const u_char *sp, u_int hdrlen)
{
	int count;
	const u_char *start;
	u_int len;

	if (ndo->ndo_Xflag)
		count = ndo->ndo_Xflag;
	else if (ndo->ndo_xflag)
		count = ndo->ndo_xflag;
	else if (ndo->ndo_Aflag)
		count = ndo->ndo_Aflag;
	else
		return;

	if (count > 1) {
		start = sp;
		len = h->caplen;
	} else {
		if (h->caplen <= hdrlen)
			return;
		start = sp + hdrlen;
		len = h->caplen - hdrlen;
	}
	if (ndo->ndo_Xflag)
		hex_and_ascii_print(ndo, "\n\t", start, len);
	else if (ndo->ndo_xflag)
		hex_print(ndo, "\n\t", start, len);
	else
		ascii_print(ndo, start, len);
}

void
pretty_print_packet(netdissect_options *ndo, const struct pcap_pkthdr *h,
    const u_char *sp, u_int packets_captured)
{
	struct timeval tv;
	int bad = 0;
	u_int hdrlen;

	if (ndo->ndo_packet_number)
		ND_PRINT("%5u  ", packets_captured);

	/* A capture header no printer should be handed. */
	if (h->caplen == 0) {
		ND_PRINT("[Invalid header: caplen==0");
		bad = 1;
	}
	if (h->len == 0) {
		bad = invalid_note(ndo, bad);
		ND_PRINT(" len==0");
	} else if (h->len < h->caplen) {
		bad = invalid_note(ndo, bad);
		ND_PRINT(" len(%u) < caplen(%u)", h->len, h->caplen);
	}
	if (h->caplen > MAXIMUM_SNAPLEN) {
		bad = invalid_note(ndo, bad);
		ND_PRINT(" caplen(%u) > %u", h->caplen, MAXIMUM_SNAPLEN);
	}
	if (h->len > MAXIMUM_SNAPLEN) {
		bad = invalid_note(ndo, bad);
		ND_PRINT(" len(%u) > %u", h->len, MAXIMUM_SNAPLEN);
	}
	if (bad) {
		ND_PRINT("]\n");
		return;
	}

	tv.tv_sec = h->ts.tv_sec;
	tv.tv_usec = h->ts.tv_usec;
	ts_print(ndo, &tv);

	ndo->ndo_packetp = sp;
	ndo->ndo_snapend = sp + h->caplen;
	ndo->ndo_protocol = "";
	ndo->ndo_ll_hdr_len = 0;
	if (setjmp(ndo->ndo_early_end) == 0)
		(*ndo->ndo_if_printer)(ndo, h, sp);
	else {
		/* A GET_ macro or a dump found the packet cut short. */
		nd_print_trunc(ndo);
		ndo->ndo_ll_hdr_len = 0;
	}
	hdrlen = (u_int)ndo->ndo_ll_hdr_len;

	/* A printer may have narrowed the captured range; restore it. */
	ndo->ndo_snapend = sp + h->caplen;
	raw_dump(ndo, h, sp, hdrlen);
	ND_PRINT("\n");
}
