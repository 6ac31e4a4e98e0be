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
 * The part of tcpdump's netdissect interface (4.99 and master) that
 * print-vsock.c and vsockdump use.  The names and the meaning of everything here
 * follow tcpdump, so that print-vsock.c builds unchanged in both.
 */

#ifndef vsockdump_netdissect_h
#define vsockdump_netdissect_h

#include "netdissect-stdinc.h"

#include <pcap/pcap.h>
#include "status-exit-codes.h"

/*
 * Packet fields are declared as byte arrays, so that a structure laid
 * over packet data has no padding and no alignment needs; use the
 * GET_ and EXTRACT_ macros of extract.h to read them.
 */
typedef unsigned char nd_uint8_t[1];
typedef unsigned char nd_uint16_t[2];
typedef unsigned char nd_uint24_t[3];
typedef unsigned char nd_uint32_t[4];
typedef unsigned char nd_uint40_t[5];
typedef unsigned char nd_uint48_t[6];
typedef unsigned char nd_uint56_t[7];
typedef unsigned char nd_uint64_t[8];

typedef signed char nd_int8_t[1];
typedef unsigned char nd_int16_t[2];
typedef unsigned char nd_int32_t[4];
typedef unsigned char nd_int64_t[8];

typedef unsigned char nd_byte;

#define MAC_ADDR_LEN	6U
typedef unsigned char nd_mac_addr[MAC_ADDR_LEN];

/* A value and its name, for tok2str() and friends. */
struct tok {
	u_int v;
	const char *s;
};

/* Size of each buffer tok2str() formats unknown values into. */
#define TOKBUFSIZE 128

extern const char *tok2str(const struct tok *, const char *, u_int);
extern char *bittok2str(const struct tok *, const char *, u_int);
extern char *bittok2str_nosep(const struct tok *, const char *, u_int);

typedef struct netdissect_options netdissect_options;

#define IF_PRINTER_ARGS (netdissect_options *, const struct pcap_pkthdr *, const u_char *)

typedef void (*if_printer) IF_PRINTER_ARGS;

struct netdissect_options {
	int ndo_bflag;		/* unused here; kept for layout parity */
	int ndo_eflag;		/* print the link-level header */
	int ndo_fflag;		/* unused */
	int ndo_Kflag;		/* unused */
	int ndo_nflag;		/* addresses as numbers */
	int ndo_Nflag;		/* unused */
	int ndo_qflag;		/* shorter output */
	int ndo_Sflag;		/* unused */
	int ndo_tflag;		/* time stamp style (-t count) */
	int ndo_uflag;		/* unused */
	int ndo_vflag;		/* verbosity */
	int ndo_xflag;		/* hex dump (-x count) */
	int ndo_Xflag;		/* hex and ASCII dump (-X count) */
	int ndo_Aflag;		/* ASCII dump (-A count) */
	int ndo_Hflag;		/* unused */
	const char *ndo_protocol;	/* name used in " [|proto]" */
	jmp_buf ndo_early_end;	/* where GET_ macros go on truncation */
	void *ndo_last_mem_p;	/* unused */
	int ndo_packet_number;	/* -#: number each packet */
	int ndo_suppress_default_print;	/* no raw dump of unknown data */
	int ndo_tstamp_precision;	/* PCAP_TSTAMP_PRECISION_* */
	const char *program_name;	/* for error messages */

	int ndo_snaplen;
	int ndo_ll_hdr_len;	/* link-layer header length of this packet */

	/* First byte and one past the last captured byte of the packet. */
	const u_char *ndo_packetp;
	const u_char *ndo_snapend;

	/* Printer for the capture's link-layer type. */
	if_printer ndo_if_printer;

	/* Raw dump of data no printer decodes. */
	void (*ndo_default_print)(netdissect_options *,
	    const u_char *, u_int);

	/* Regular output, error exit and warnings. */
	int (*ndo_printf)(netdissect_options *, const char *, ...)
	    ND_ATTR_PRINTF(2, 3);
	void (*ndo_error)(netdissect_options *, int, const char *, ...)
	    ND_ATTR_NORETURN ND_ATTR_PRINTF(3, 4);
	void (*ndo_warning)(netdissect_options *, const char *, ...)
	    ND_ATTR_PRINTF(2, 3);
};

/* Value longjmp() hands back to the setjmp() in pretty_print_packet(). */
#define ND_TRUNCATED 1

static inline ND_ATTR_NORETURN void
nd_trunc_longjmp(netdissect_options *ndo)
{
	longjmp(ndo->ndo_early_end, ND_TRUNCATED);
}

/* Largest capture or packet length a printer is handed. */
#define MAXIMUM_SNAPLEN	262144

/*
 * Whether "l" bytes starting at "p" lie within the captured data.
 * The comparisons are arranged so that nothing can overflow, and a
 * negative "l" is never accepted; the two-part test of "l" keeps
 * compilers from warning about unsigned values.
 */
#define IS_NOT_NEGATIVE(x) (((x) > 0) || ((x) == 0))

#define ND_TTEST_LEN(p, l) \
	(IS_NOT_NEGATIVE(l) && \
	 (uintptr_t)ndo->ndo_snapend - (l) <= (uintptr_t)ndo->ndo_snapend && \
	 (uintptr_t)(p) <= (uintptr_t)ndo->ndo_snapend - (l))

#define ND_TTEST_SIZE(p) ND_TTEST_LEN(p, sizeof(*(p)))

/*
 * Leave the printer when bytes are missing: through a "trunc" label of
 * the calling function, or, if ND_LONGJMP_FROM_TCHECK is defined before
 * this header is included, through nd_trunc_longjmp().
 */
#ifdef ND_LONGJMP_FROM_TCHECK
#define ND_TCHECK_LEN(p, l) \
do { \
	if (!ND_TTEST_LEN(p, l)) nd_trunc_longjmp(ndo); \
} while (0)
#else
#define ND_TCHECK_LEN(p, l) \
do { \
	if (!ND_TTEST_LEN(p, l)) goto trunc; \
} while (0)
#endif

#define ND_TCHECK_SIZE(p) ND_TCHECK_LEN(p, sizeof(*(p)))

/*
 * Leave the printer through its "invalid" label when
 * "expression_1 operator expression_2" holds, after printing
 * " [MESSAGE VALUE_1 OPERATOR VALUE_2]" (tcpdump 4.99.5 and later); the
 * _U forms print both values with %u, the _ZU forms the second with %zu.
 * ND_ICHECK_U and ND_ICHECK_ZU use the text of expression_1 as message.
 */
#define ND_ICHECKMSG_U(message, expression_1, operator, expression_2) \
do { \
	if ((expression_1) operator (expression_2)) { \
		ND_PRINT(" [%s %u %s %u]", (message), (expression_1), \
		    (#operator), (expression_2)); \
		goto invalid; \
	} \
} while (0)

#define ND_ICHECK_U(expression_1, operator, expression_2) \
	ND_ICHECKMSG_U((#expression_1), (expression_1), operator, (expression_2))

#define ND_ICHECKMSG_ZU(message, expression_1, operator, expression_2) \
do { \
	if ((expression_1) operator (expression_2)) { \
		ND_PRINT(" [%s %u %s %zu]", (message), (expression_1), \
		    (#operator), (expression_2)); \
		goto invalid; \
	} \
} while (0)

#define ND_ICHECK_ZU(expression_1, operator, expression_2) \
	ND_ICHECKMSG_ZU((#expression_1), (expression_1), operator, (expression_2))

/* Distance in bytes from p2 up to p1. */
#define ND_BYTES_BETWEEN(p1, p2) \
	((u_int)(((const uint8_t *)(p1)) - (const uint8_t *)(p2)))

/* Captured bytes from p to the end of the captured data. */
#define ND_BYTES_AVAILABLE_AFTER(p) ND_BYTES_BETWEEN(ndo->ndo_snapend, (p))

#define ND_PRINT(...) (ndo->ndo_printf)(ndo, __VA_ARGS__)
#define ND_DEFAULTPRINT(ap, length) (*ndo->ndo_default_print)(ndo, ap, length)

/* Smaller and larger of two values (arguments evaluated twice). */
#define ND_MIN(a, b) ((a) > (b) ? (b) : (a))
#define ND_MAX(a, b) ((b) > (a) ? (b) : (a))

#define PLURAL_SUFFIX(n) (((n) != 1) ? "s" : "")

/* Character classes that ignore the locale, as tcpdump's. */
#define ND_ASCII_ISPRINT(c)	((c) >= 0x20 && (c) <= 0x7E)
#define ND_ASCII_ISGRAPH(c)	((c) > 0x20 && (c) <= 0x7E)

/* Harness set-up and the per-packet driver (print.c). */
extern void ndo_set_function_pointers(netdissect_options *);
extern void pretty_print_packet(netdissect_options *,
    const struct pcap_pkthdr *, const u_char *, u_int);

/* Helpers (util-print.c). */
extern void ts_print(netdissect_options *, const struct timeval *);
extern void nd_print_trunc(netdissect_options *);
extern void nd_print_protocol(netdissect_options *);
extern void nd_print_invalid(netdissect_options *);
extern int print_unknown_data(netdissect_options *, const u_char *,
    const char *, u_int);

/* Raw dumps (print-ascii.c). */
extern void ascii_print(netdissect_options *, const u_char *, u_int);
extern void hex_and_ascii_print_with_offset(netdissect_options *,
    const char *, const u_char *, u_int, u_int);
extern void hex_and_ascii_print(netdissect_options *, const char *,
    const u_char *, u_int);
extern void hex_print_with_offset(netdissect_options *, const char *,
    const u_char *, u_int, u_int);
extern void hex_print(netdissect_options *, const char *,
    const u_char *, u_int);

/* Link types newer than some libpcap headers. */
#ifndef DLT_VSOCK
#define DLT_VSOCK	271
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif

/* Link-layer printers. */
void vsock_if_print(netdissect_options *, const struct pcap_pkthdr *, const u_char *);
void vsock_print(netdissect_options *, const u_char *, u_int length);
extern void sll_if_print IF_PRINTER_ARGS;
extern void sll2_if_print IF_PRINTER_ARGS;

#endif /* vsockdump_netdissect_h */
