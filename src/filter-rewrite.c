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
 * The vsock filter primitives on a libpcap that has none.
 *
 * The expression is scanned and parsed as libpcap's grammar does, far
 * enough to know which words are vsock primitives and which values they
 * apply to.  That includes libpcap's rule that a value standing alone
 * after "and"/"or" takes the qualifiers of the term before it ("vsock
 * port 22 or 23", "vsock cid (3 or 4)"), and after a parenthesized
 * expression those of the term before the parenthesis.  The rewritten
 * expression is made of self-contained parts, each in parentheses:
 *
 *  - a vsock primitive becomes byte loads and comparisons of the
 *    little-endian fields (link[16:4] = 0x16000000 is source port 22),
 *    testing the fields in the order libpcap's own vsock code does, so
 *    that a packet too short for a field is rejected as it would be;
 *  - a value that inherited its qualifiers gets them written out;
 *  - everything else is copied as it was written.
 *
 * The meaning of each primitive is the one of gencode-vsock.frag: every
 * field is little-endian; a virtio field (type, vop) is tested only
 * when the transport is virtio (2) and the transport header length
 * reaches the end of the field; on Linux cooked captures (LINUX_SLL,
 * LINUX_SLL2) the ARPHRD type must be 826 first.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <byteswap.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "filter-rewrite.h"
#include "wire.h"

#if defined(__GNUC__) || defined(__clang__)
#define FMT_ATTR(f, a)		__attribute__((format(printf, f, a)))
#else
#define FMT_ATTR(f, a)
#endif

/* --- tokens ------------------------------------------------------- */

enum kind {
	T_END, T_LPAREN, T_RPAREN, T_NOT, T_AND, T_OR,
	T_VALUE,	/* a name or an address: ID, HID, HID6, EID, AID */
	T_NUM,		/* a number */
	T_ARITH,	/* an arithmetic or relational operator, [ ] : */
	T_KW,		/* a keyword */
	T_BAD		/* a character libpcap's scanner rejects */
};

/* The keywords that matter here; every other one is K_OTHER. */
enum kw {
	K_OTHER, K_VSOCK, K_PNAME, K_SRC, K_DST, K_ADDRN, K_HOST, K_NET,
	K_PORT, K_PORTRANGE, K_PROTO, K_PROTOCHAIN, K_GATEWAY, K_TYPE,
	K_MASK, K_LEN
};

struct keyword {
	const char	*name;
	enum kw		kw;
};

static const struct keyword keywords[] = {
	{ "vsock", K_VSOCK },
	{ "src", K_SRC }, { "dst", K_DST },
	{ "addr1", K_ADDRN }, { "addr2", K_ADDRN }, { "addr3", K_ADDRN },
	{ "addr4", K_ADDRN }, { "address1", K_ADDRN }, { "address2", K_ADDRN },
	{ "address3", K_ADDRN }, { "address4", K_ADDRN }, { "ra", K_ADDRN },
	{ "ta", K_ADDRN },
	{ "host", K_HOST }, { "net", K_NET }, { "port", K_PORT },
	{ "portrange", K_PORTRANGE }, { "proto", K_PROTO },
	{ "protochain", K_PROTOCHAIN }, { "gateway", K_GATEWAY },
	{ "type", K_TYPE }, { "mask", K_MASK },
	{ "len", K_LEN }, { "length", K_LEN },
	/* Protocol qualifiers (pname). */
	{ "link", K_PNAME }, { "ether", K_PNAME }, { "ppp", K_PNAME },
	{ "slip", K_PNAME }, { "fddi", K_PNAME }, { "tr", K_PNAME },
	{ "wlan", K_PNAME }, { "arp", K_PNAME }, { "rarp", K_PNAME },
	{ "ip", K_PNAME }, { "sctp", K_PNAME }, { "tcp", K_PNAME },
	{ "udp", K_PNAME }, { "icmp", K_PNAME }, { "igmp", K_PNAME },
	{ "igrp", K_PNAME }, { "pim", K_PNAME }, { "vrrp", K_PNAME },
	{ "carp", K_PNAME }, { "radio", K_PNAME }, { "ip6", K_PNAME },
	{ "icmp6", K_PNAME }, { "ah", K_PNAME }, { "esp", K_PNAME },
	{ "atalk", K_PNAME }, { "aarp", K_PNAME }, { "decnet", K_PNAME },
	{ "lat", K_PNAME }, { "sca", K_PNAME }, { "moprc", K_PNAME },
	{ "mopdl", K_PNAME }, { "iso", K_PNAME }, { "esis", K_PNAME },
	{ "es-is", K_PNAME }, { "isis", K_PNAME }, { "is-is", K_PNAME },
	{ "l1", K_PNAME }, { "l2", K_PNAME }, { "iih", K_PNAME },
	{ "lsp", K_PNAME }, { "snp", K_PNAME }, { "csnp", K_PNAME },
	{ "psnp", K_PNAME }, { "clnp", K_PNAME }, { "stp", K_PNAME },
	{ "ipx", K_PNAME }, { "netbeui", K_PNAME },
	/* Keywords that begin or continue other terms. */
	{ "subtype", K_OTHER }, { "direction", K_OTHER }, { "dir", K_OTHER },
	{ "less", K_OTHER }, { "greater", K_OTHER }, { "byte", K_OTHER },
	{ "broadcast", K_OTHER }, { "multicast", K_OTHER },
	{ "inbound", K_OTHER }, { "outbound", K_OTHER },
	{ "ifindex", K_OTHER }, { "vlan", K_OTHER }, { "mpls", K_OTHER },
	{ "pppoed", K_OTHER }, { "pppoes", K_OTHER }, { "geneve", K_OTHER },
	{ "vxlan", K_OTHER }, { "lane", K_OTHER }, { "llc", K_OTHER },
	{ "metac", K_OTHER }, { "bcc", K_OTHER }, { "oam", K_OTHER },
	{ "oamf4", K_OTHER }, { "oamf4ec", K_OTHER }, { "oamf4sc", K_OTHER },
	{ "sc", K_OTHER }, { "ilmic", K_OTHER }, { "vpi", K_OTHER },
	{ "vci", K_OTHER }, { "connectmsg", K_OTHER },
	{ "metaconnect", K_OTHER }, { "on", K_OTHER }, { "ifname", K_OTHER },
	{ "rset", K_OTHER }, { "ruleset", K_OTHER }, { "rnr", K_OTHER },
	{ "rulenum", K_OTHER }, { "srnr", K_OTHER },
	{ "subrulenum", K_OTHER }, { "reason", K_OTHER },
	{ "action", K_OTHER }, { "fisu", K_OTHER }, { "lssu", K_OTHER },
	{ "lsu", K_OTHER }, { "msu", K_OTHER }, { "hfisu", K_OTHER },
	{ "hlssu", K_OTHER }, { "hmsu", K_OTHER }, { "sio", K_OTHER },
	{ "opc", K_OTHER }, { "dpc", K_OTHER }, { "sls", K_OTHER },
	{ "hsio", K_OTHER }, { "hopc", K_OTHER }, { "hdpc", K_OTHER },
	{ "hsls", K_OTHER },
	{ NULL, K_OTHER }
};

/* Words that libpcap's scanner turns into numbers. */
struct named_number {
	const char	*name;
	uint32_t	value;
};

static const struct named_number named_numbers[] = {
	{ "icmptype", 0 }, { "icmpcode", 1 }, { "icmp-echoreply", 0 },
	{ "icmp-unreach", 3 }, { "icmp-sourcequench", 4 },
	{ "icmp-redirect", 5 }, { "icmp-echo", 8 },
	{ "icmp-routeradvert", 9 }, { "icmp-routersolicit", 10 },
	{ "icmp-timxceed", 11 }, { "icmp-paramprob", 12 },
	{ "icmp-tstamp", 13 }, { "icmp-tstampreply", 14 },
	{ "icmp-ireq", 15 }, { "icmp-ireqreply", 16 },
	{ "icmp-maskreq", 17 }, { "icmp-maskreply", 18 },
	{ "icmp6type", 0 }, { "icmp6code", 1 },
	{ "tcpflags", 13 }, { "tcp-fin", 0x01 }, { "tcp-syn", 0x02 },
	{ "tcp-rst", 0x04 }, { "tcp-push", 0x08 }, { "tcp-ack", 0x10 },
	{ "tcp-urg", 0x20 }, { "tcp-ece", 0x40 }, { "tcp-cwr", 0x80 },
	{ NULL, 0 }
};

/* Outcome of reading a number. */
#define NUM_OK		0
#define NUM_OVER32	1	/* fits in 64 bits, not in 32 */
#define NUM_OVER64	2
#define NUM_OCTAL	3	/* a non-octal digit after a leading 0 */

/* What libpcap's scanner makes of a T_VALUE. */
enum valkind {
	V_ID,		/* a name (ID), or \name */
	V_HID,		/* an IPv4 address: N.N[.N[.N]] */
	V_HID6,		/* an IPv6 address */
	V_EID,		/* an Ethernet address */
	V_AID		/* an ARCnet address: $XX */
};

struct token {
	enum kind	kind;
	enum kw		kw;
	enum valkind	value;	/* T_VALUE */
	const char	*s;	/* the text, in the expression */
	size_t		len;
	uint64_t	num;	/* T_NUM */
	int		numerr;	/* T_NUM: NUM_* */
};

/* --- the scanner -------------------------------------------------- */

static int
is_id_char(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

/*
 * Read a number as libpcap's scanner does: decimal, 0x hexadecimal, or
 * octal after a leading 0.  Returns NUM_*; *vp gets the value.
 */
static int
parse_number(const char *s, size_t len, uint64_t *vp)
{
	uint64_t v = 0;
	unsigned base = 10, d;
	size_t i = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (len >= 2 && s[0] == '0')
		base = 8;
	for (; i < len; i++) {
		if (isdigit((unsigned char)s[i]))
			d = (unsigned)(s[i] - '0');
		else
			d = (unsigned)(tolower((unsigned char)s[i]) - 'a' + 10);
		if (d >= base)
			return NUM_OCTAL;
		if (v > (UINT64_MAX - d) / base)
			return NUM_OVER64;
		v = v * base + d;
	}
	*vp = v;
	return v > 0xffffffffU ? NUM_OVER32 : NUM_OK;
}

/* n groups of 1 to "width" hex digits separated by "sep", exactly. */
static int
hex_groups(const char *s, size_t len, int n, char sep, int minw, int maxw)
{
	size_t i = 0;
	int g, w;

	for (g = 0; g < n; g++) {
		if (g > 0) {
			if (i >= len || s[i] != sep)
				return 0;
			i++;
		}
		for (w = 0; i < len && isxdigit((unsigned char)s[i]); w++)
			i++;
		if (w < minw || w > maxw)
			return 0;
	}
	return i == len;
}

/*
 * libpcap's {MAC} without colons: B-B-B-B-B-B, B.B.B.B.B.B, B2.B2.B2,
 * B2B2B2.
 */
static int
is_mac(const char *s, size_t len)
{
	return hex_groups(s, len, 6, '-', 1, 2) ||
	    hex_groups(s, len, 6, '.', 1, 2) ||
	    hex_groups(s, len, 3, '.', 4, 4) ||
	    hex_groups(s, len, 1, ' ', 12, 12);
}

/* The text is a number libpcap's {N} matches: digits, or 0x and hex. */
static int
looks_numeric(const char *s, size_t len)
{
	size_t i = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < len; i++)
			if (!isxdigit((unsigned char)s[i]))
				return 0;
		return 1;
	}
	for (; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return len > 0;
}

/* N.N, N.N.N or N.N.N.N, N a number as {N} reads it. */
static int
is_hid(const char *s, size_t len)
{
	const char *e = s + len, *dot;
	int parts = 0;

	while (s < e) {
		dot = memchr(s, '.', (size_t)(e - s));
		if (dot == NULL)
			dot = e;
		if (!looks_numeric(s, (size_t)(dot - s)))
			return 0;
		parts++;
		s = dot < e ? dot + 1 : e;
		if (dot < e && s == e)
			return 0;
	}
	return parts >= 2 && parts <= 4;
}

/* libpcap's {N}.{N}.{N}.{N}, N a decimal or 0x number, all of s[0, n). */
static int
is_v4_tail(const char *s, size_t n)
{
	size_t i = 0, start;
	int parts;

	for (parts = 0; parts < 4; parts++) {
		if (parts > 0 && (i >= n || s[i++] != '.'))
			return 0;
		start = i;
		if (i + 2 < n && s[i] == '0' && (s[i + 1] == 'x' ||
		    s[i + 1] == 'X') && isxdigit((unsigned char)s[i + 2]))
			for (i += 2; i < n && isxdigit((unsigned char)s[i]); i++)
				;
		else
			while (i < n && isdigit((unsigned char)s[i]))
				i++;
		if (i == start)
			return 0;
	}
	return i == n;
}

/*
 * Is all of s[0, n) one of libpcap's IPv6 patterns: 8 groups of 1 to 4
 * hex digits, or at most 7 with one "::"; or, before a dotted IPv4
 * tail, 6 groups, or at most 5 with one "::".
 */
static int
is_v6(const char *s, size_t n)
{
	size_t i = 0, start, end = n, groups = 0, k;
	int dcolon = 0, v4 = 0;

	for (k = n; k > 0 && s[k - 1] != ':'; k--)
		;
	if (k == 0)
		return 0;
	if (memchr(s + k, '.', n - k) != NULL) {
		if (!is_v4_tail(s + k, n - k))
			return 0;
		v4 = 1;
		end = k;	/* up to the ':' before the tail */
	}
	if (end >= 2 && s[0] == ':' && s[1] == ':') {
		dcolon = 1;
		i = 2;
	}
	while (i < end) {
		for (start = i; i < end && s[i] != ':'; i++)
			;
		if (i - start < 1 || i - start > 4 ||
		    !hex_groups(s + start, i - start, 1, ':', 1, 4))
			return 0;
		groups++;
		if (i == end)
			break;
		if (++i < end && s[i] == ':') {
			if (dcolon)
				return 0;
			dcolon = 1;
			i++;
		} else if (i == end && !v4)
			return 0;	/* a ':' at the end */
	}
	if (v4)
		return dcolon ? groups <= 5 : groups == 6;
	return dcolon ? groups <= 7 : groups == 8;
}

/*
 * An Ethernet address with colons or an IPv6 address at s: the length
 * of libpcap's scanner's longest match of either, 0 if none.  The run
 * of characters they may hold is bounded by the expression.
 */
static size_t
colon_address_len(const char *s)
{
	size_t run = 0, n;

	while (isxdigit((unsigned char)s[run]) || s[run] == ':' ||
	    s[run] == '.' || s[run] == 'x' || s[run] == 'X')
		run++;
	for (n = run; n > 0; n--)
		if (hex_groups(s, n, 6, ':', 1, 2) || is_v6(s, n))
			return n;
	return 0;
}

/* An Ethernet or IPv6 address with colons at p: 1 and *t if so. */
static int
colon_address(struct token *t, const char *p)
{
	size_t n = colon_address_len(p);

	if (n == 0)
		return 0;
	t->kind = T_VALUE;
	t->value = hex_groups(p, n, 6, ':', 1, 2) ? V_EID : V_HID6;
	t->len = n;
	return 1;
}

static void
classify_word(struct token *t)
{
	const struct keyword *k;
	const struct named_number *nn;

	if (t->len == 3 && strncmp(t->s, "and", 3) == 0) {
		t->kind = T_AND;
		return;
	}
	if (t->len == 2 && strncmp(t->s, "or", 2) == 0) {
		t->kind = T_OR;
		return;
	}
	if (t->len == 3 && strncmp(t->s, "not", 3) == 0) {
		t->kind = T_NOT;
		return;
	}
	for (k = keywords; k->name != NULL; k++) {
		if (strlen(k->name) == t->len &&
		    strncmp(k->name, t->s, t->len) == 0) {
			t->kind = T_KW;
			t->kw = k->kw;
			return;
		}
	}
	for (nn = named_numbers; nn->name != NULL; nn++) {
		if (strlen(nn->name) == t->len &&
		    strncmp(nn->name, t->s, t->len) == 0) {
			t->kind = T_NUM;
			t->num = nn->value;
			t->numerr = NUM_OK;
			return;
		}
	}
	/* At equal length, the scanner prefers an address to a number. */
	t->kind = T_VALUE;
	if (is_mac(t->s, t->len)) {
		t->value = V_EID;
		return;
	}
	if (looks_numeric(t->s, t->len)) {
		t->kind = T_NUM;
		t->numerr = parse_number(t->s, t->len, &t->num);
		return;
	}
	t->value = is_hid(t->s, t->len) ? V_HID : V_ID;
}

/* The next token at *pp. */
static struct token
next_token(const char **pp)
{
	const char *p = *pp;
	struct token t;
	size_t n;

	memset(&t, 0, sizeof(t));
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	t.s = p;
	t.len = 1;
	switch (*p) {
	case '\0':
		t.kind = T_END;
		t.len = 0;
		break;
	case '(':
		t.kind = T_LPAREN;
		break;
	case ')':
		t.kind = T_RPAREN;
		break;
	case '!':
		if (p[1] == '=') {
			t.kind = T_ARITH;
			t.len = 2;
		} else
			t.kind = T_NOT;
		break;
	case '&':
	case '|':
		if (p[1] == p[0]) {
			t.kind = *p == '&' ? T_AND : T_OR;
			t.len = 2;
		} else
			t.kind = T_ARITH;
		break;
	case '<':
	case '>':
	case '=':
		t.kind = T_ARITH;
		if (p[1] == '=' || (p[0] != '=' && p[1] == p[0]))
			t.len = 2;
		break;
	case ':':
		if (!colon_address(&t, p))
			t.kind = T_ARITH;
		break;
	case '+': case '-': case '*': case '/': case '%':
	case '[': case ']': case '^':
		t.kind = T_ARITH;
		break;
	case '$':
		if (isxdigit((unsigned char)p[1])) {
			t.kind = T_VALUE;
			t.value = V_AID;
			t.len = isxdigit((unsigned char)p[2]) ? 3 : 2;
		} else
			t.kind = T_BAD;
		break;
	case '\\':
		for (n = 1; p[n] != '\0' && strchr(" !()\n\t", p[n]) == NULL;
		    n++)
			;
		t.kind = n > 1 ? T_VALUE : T_BAD;
		t.len = n;
		break;
	default:
		if (!isalnum((unsigned char)*p)) {
			t.kind = T_BAD;
			break;
		}
		if (colon_address(&t, p))
			break;
		/* [A-Za-z0-9]([-_.A-Za-z0-9]*[.A-Za-z0-9])? */
		for (n = 1; is_id_char((unsigned char)p[n]); n++)
			;
		while (p[n - 1] == '-' || p[n - 1] == '_')
			n--;
		t.len = n;
		classify_word(&t);
		break;
	}
	*pp = t.s + t.len;
	return t;
}

/* --- the parser --------------------------------------------------- */

/* Direction qualifiers. */
enum dir { D_DEFAULT, D_SRC, D_DST, D_OR, D_AND, D_ADDRN };

/* Address qualifiers. */
enum addr {
	A_DEFAULT, A_HOST, A_NET, A_PORT, A_PORTRANGE, A_PROTO,
	A_PROTOCHAIN, A_GATEWAY, A_CID, A_OP, A_TYPE, A_VOP
};

/*
 * The qualifiers a value is applied with, and their text (written out
 * before a value that inherited them).
 */
struct qual {
	int		undef;		/* none: libpcap's "qerr" */
	int		vsock;		/* protocol "vsock" */
	int		proto;		/* another protocol is named */
	enum dir	dir;
	enum addr	addr;
	const char	*text;		/* the qualifiers as written */
	size_t		textlen;
};

struct parser {
	struct token	*toks;
	size_t		ntoks, pos;
	int		linktype;
	struct qual	cur;		/* libpcap's $<blk>0 */
	char		*out;
	size_t		outlen, outsize;
	char		*ebuf;
	size_t		elen;
	int		failed;
};

static FMT_ATTR(2, 3) void
fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = 1;
	va_start(ap, fmt);
	(void)vsnprintf(ps->ebuf, ps->elen, fmt, ap);
	va_end(ap);
}

static FMT_ATTR(2, 3) void
emit(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(ps->out + ps->outlen, ps->outsize - ps->outlen,
		    fmt, ap);
		va_end(ap);
		if (n < 0) {
			fail(ps, "out of memory");
			return;
		}
		if ((size_t)n < ps->outsize - ps->outlen) {
			ps->outlen += (size_t)n;
			return;
		}
		p = realloc(ps->out, ps->outsize * 2 + (size_t)n);
		if (p == NULL) {
			fail(ps, "out of memory");
			return;
		}
		ps->out = p;
		ps->outsize = ps->outsize * 2 + (size_t)n;
	}
}

static const struct token *
peek(const struct parser *ps, size_t ahead)
{
	size_t i = ps->pos + ahead;

	return &ps->toks[i < ps->ntoks ? i : ps->ntoks - 1];
}

/*
 * A syntax error at the current token.  libpcap's scanner reports a
 * number it cannot read as it reads it, and the parser's error then
 * leaves that report standing.
 */
static void
syntax_error(struct parser *ps)
{
	const struct token *t = peek(ps, 0);

	if (t->kind == T_NUM && t->numerr == NUM_OCTAL)
		fail(ps, "number %.*s contains non-octal digit", (int)t->len,
		    t->s);
	else if (t->kind == T_NUM && t->numerr != NUM_OK)
		fail(ps, "number %.*s overflows 32 bits", (int)t->len, t->s);
	else if (t->kind == T_END)
		fail(ps, "can't parse filter expression: syntax error "
		    "(the expression ends too early)");
	else
		fail(ps, "can't parse filter expression: syntax error at "
		    "'%.*s'", (int)t->len, t->s);
}

static int
at(const struct parser *ps, size_t ahead, enum kind kind)
{
	return peek(ps, ahead)->kind == kind;
}

static int
at_kw(const struct parser *ps, size_t ahead, enum kw kw)
{
	const struct token *t = peek(ps, ahead);

	return t->kind == T_KW && t->kw == kw;
}

/* Index of the ")" that closes the "(" at i, or 0 if there is none. */
static size_t
closing(const struct parser *ps, size_t i)
{
	int depth = 0;

	for (; i < ps->ntoks; i++) {
		if (ps->toks[i].kind == T_LPAREN)
			depth++;
		else if (ps->toks[i].kind == T_RPAREN && --depth == 0)
			return i;
	}
	return 0;
}

/*
 * Does a value (pid "item") start at i: not* then a name, an address or
 * a number, or a parenthesized list of them?  Returns the index after
 * it, or 0.
 */
static size_t pid_list_end(const struct parser *, size_t);

static size_t
pid_item_end(const struct parser *ps, size_t i)
{
	enum valkind v;

	while (i < ps->ntoks && ps->toks[i].kind == T_NOT)
		i++;
	if (i >= ps->ntoks)
		return 0;
	switch (ps->toks[i].kind) {
	case T_VALUE:
		/*
		 * Only an address takes "/N" (IPv4 and IPv6) or "mask"
		 * (IPv4): libpcap's grammar reduces a name, or an IPv6
		 * address before "mask", on its own.
		 */
		v = ps->toks[i++].value;
		if (i + 1 < ps->ntoks && (v == V_HID || v == V_HID6) &&
		    ps->toks[i].kind == T_ARITH && ps->toks[i].s[0] == '/')
			i += 2;
		else if (i + 1 < ps->ntoks && v == V_HID &&
		    ps->toks[i].kind == T_KW && ps->toks[i].kw == K_MASK)
			i += 2;
		/* "A/" or "A mask" at the end: the item ends at T_END. */
		return i < ps->ntoks ? i : ps->ntoks - 1;
	case T_NUM:
		return i + 1;
	case T_LPAREN:
		return pid_list_end(ps, i);
	default:
		return 0;
	}
}

/*
 * "(" value (and|or value)* ")" at i: the index after ")", or 0.  A
 * number alone in parentheses is a value too (libpcap's "pnum").
 */
static size_t
pid_list_end(const struct parser *ps, size_t i)
{
	size_t end = closing(ps, i), j = i + 1;

	if (end == 0)
		return 0;
	for (;;) {
		j = pid_item_end(ps, j);
		if (j == 0 || j > end)
			return 0;
		if (j == end)
			return end + 1;
		if (ps->toks[j].kind != T_AND && ps->toks[j].kind != T_OR)
			return 0;
		j++;
	}
}

/* An operator that continues an arithmetic expression. */
static int
is_arith_op(const struct token *t)
{
	return t->kind == T_ARITH && t->s[0] != '[' && t->s[0] != ']' &&
	    t->s[0] != ':';
}

/* After "and"/"or": is what follows a value (id) rather than a term? */
static int
id_follows(const struct parser *ps)
{
	size_t i = ps->pos, end;

	while (i < ps->ntoks && ps->toks[i].kind == T_NOT)
		i++;
	switch (ps->toks[i].kind) {
	case T_VALUE:
		return 1;
	case T_NUM:
		return !is_arith_op(&ps->toks[i + 1]);
	case T_LPAREN:
		end = pid_list_end(ps, i);
		return end != 0 && !is_arith_op(&ps->toks[end]);
	default:
		return 0;
	}
}

/*
 * Can only an expression, not arithmetic, start at i: "not" or "vsock"
 * after any "("?  libpcap's parser knows it there, and reports what is
 * wrong inside before an operator after the ")".
 */
static int
only_expr_follows(const struct parser *ps, size_t i)
{
	while (i < ps->ntoks && ps->toks[i].kind == T_LPAREN)
		i++;
	return i < ps->ntoks && (ps->toks[i].kind == T_NOT ||
	    (ps->toks[i].kind == T_KW && ps->toks[i].kw == K_VSOCK));
}

static void parse_expr(struct parser *);
static void parse_term(struct parser *);
static void parse_id(struct parser *);

/* Copy tokens [from, to) as they were written. */
static void
emit_text(struct parser *ps, size_t from, size_t to)
{
	const char *s = ps->toks[from].s;
	const char *e = ps->toks[to - 1].s + ps->toks[to - 1].len;

	emit(ps, "%.*s", (int)(e - s), s);
}

/*
 * A term that is not about vsock (a protocol name alone, a relation, a
 * "broadcast", "vlan 10", ...): everything up to the next "and"/"or"
 * or the ")" that closes the enclosing parenthesis, copied.  Its
 * qualifiers are none (qerr).
 */
static void
parse_opaque(struct parser *ps)
{
	size_t start = ps->pos;
	int depth = 0;

	for (; ps->pos < ps->ntoks; ps->pos++) {
		enum kind k = ps->toks[ps->pos].kind;

		if (k == T_END || ((k == T_AND || k == T_OR) && depth == 0))
			break;
		if (k == T_BAD) {
			fail(ps, "can't parse filter expression: syntax error "
			    "at '%.*s'", (int)ps->toks[ps->pos].len,
			    ps->toks[ps->pos].s);
			return;
		}
		if (k == T_LPAREN)
			depth++;
		else if (k == T_RPAREN && --depth < 0)
			break;
	}
	if (ps->pos == start) {
		syntax_error(ps);
		return;
	}
	emit(ps, "(");
	emit_text(ps, start, ps->pos);
	emit(ps, ")");
	ps->cur.undef = 1;
}

/* --- vsock primitives --------------------------------------------- */

/* The value of "vsock src port 22" as written: a number or a name. */
struct value {
	const struct token *tok;
	const char	*s;	/* the name, without a leading backslash */
	size_t		len;
};

struct vlink {
	unsigned	base;		/* where the vsockmon header starts */
	int		cooked;
};

/* The link types the primitives apply to; -1 (and an error) if not. */
static int
vsock_link(struct parser *ps, struct vlink *l)
{
	const char *name;

	switch (ps->linktype) {
	case DLT_VSOCK:
		l->base = 0;
		l->cooked = 0;
		return 0;
	case DLT_LINUX_SLL:
		l->base = SLL_HDR_LEN;
		l->cooked = 1;
		return 0;
	case DLT_LINUX_SLL2:
		l->base = SLL2_HDR_LEN;
		l->cooked = 1;
		return 0;
	}
	name = pcap_datalink_val_to_name(ps->linktype);
	if (name != NULL)
		fail(ps, "'vsock' supported only on VSOCK, LINUX_SLL and "
		    "LINUX_SLL2 links, not on %s", name);
	else
		fail(ps, "'vsock' supported only on VSOCK, LINUX_SLL and "
		    "LINUX_SLL2 links, not on link-layer type %d",
		    ps->linktype);
	return -1;
}

/* "(" and, on a cooked link, the ARPHRD type test. */
static void
open_gate(struct parser *ps, const struct vlink *l)
{
	emit(ps, "(");
	if (l->cooked)
		emit(ps, "link[%u:2] = %u and ",
		    ps->linktype == DLT_LINUX_SLL ? SLL_OFF_HATYPE :
		    SLL2_OFF_HATYPE,
		    ARPHRD_VSOCKMON);
}

/* Nothing to test: true without reading the packet. */
static void
emit_true(struct parser *ps)
{
	emit(ps, "0 = 0");
}

/*
 * An order-preserving image of a little-endian 16-bit field in one
 * multiplication: "ldh" reads its bytes lo, hi as A = 256 * lo + hi, and
 * A * 0x1000001 (mod 2^32) = hi << 24 | lo << 8 | hi, which grows with the
 * field's value 256 * hi + lo.  (gencode-vsock.frag explains it in full.)
 */
#define MONO16_MUL		0x1000001U

static uint32_t
mono16(uint32_t v)
{
	return ((v >> 8 & 0xff) << 24) | ((v & 0xff) << 8) | (v >> 8 & 0xff);
}

/*
 * n <= the little-endian 32-bit field at off <= m.  Every form loads
 * the upper half of the field (its last bytes) first, so that a packet
 * that lacks the field is rejected, as libpcap's own code does.
 */
static void
emit_range(struct parser *ps, unsigned off, uint32_t n, uint32_t m)
{
	uint32_t t, nlo, mlo;

	if (n > m) {
		t = n;
		n = m;
		m = t;
	}
	if (n == m) {
		emit(ps, "link[%u:4] = 0x%08x", off, bswap_32(n));
		return;
	}
	if (n == 0 && m == 0xffffffffU) {
		emit_true(ps);
		return;
	}
	if ((n == 0 && m == 0xfffffffeU) || (n == 1 && m == 0xffffffffU)) {
		/* All values but one. */
		emit(ps, "link[%u:4] != 0x%08x", off,
		    bswap_32(n == 0 ? m + 1 : 0));
		return;
	}
	if (m - n < 8) {
		/* A few values: one load, a comparison with each. */
		emit(ps, "link[%u:4] = 0x%08x", off, bswap_32(n));
		for (t = 1; t <= m - n; t++)
			emit(ps, " or link[%u:4] = 0x%08x", off,
			    bswap_32(n + t));
		return;
	}
	if (n >> 8 == m >> 8) {
		/* Only the first byte varies: the three others, then it. */
		emit(ps, "link[%u:4] & 0xffffff = 0x%06x", off,
		    bswap_32(n) & 0xffffff);
		if ((n & 0xff) != 0)
			emit(ps, " and link[%u] >= %u", off, n & 0xff);
		if ((m & 0xff) != 0xff)
			emit(ps, " and link[%u] <= %u", off, m & 0xff);
		return;
	}
	if (n >> 16 == m >> 16) {
		/* The upper half is fixed: compare the lower one's image. */
		nlo = n & 0xffff;
		mlo = m & 0xffff;
		emit(ps, "link[%u:2] = 0x%04x", off + 2,
		    bswap_16((uint16_t)(n >> 16)));
		if (nlo != 0)
			emit(ps, " and link[%u:2] * 0x%x >= 0x%08x", off,
			    MONO16_MUL, mono16(nlo));
		if (mlo != 0xffff)
			emit(ps, " and link[%u:2] * 0x%x <= 0x%08x", off,
			    MONO16_MUL, mono16(mlo));
		return;
	}
	/*
	 * The value itself, from its byte-swapped halves: "ldh" gives
	 * h = lo << 8 | hi, and (h * 0x10001 >> 8) & 0xffff = hi << 8 | lo.
	 */
	emit(ps, "((link[%u:2] * 0x10001 >> 8 & 0xffff) << 16 | "
	    "(link[%u:2] * 0x10001 >> 8 & 0xffff))", off + 2, off);
	if (n == 0)
		emit(ps, " <= %u", m);
	else if (m == 0xffffffffU)
		emit(ps, " >= %u", n);
	else
		emit(ps, " - %u <= %u", n, m - n);
}

/*
 * The source test, the destination test, or both, by the direction, of
 * the field the address qualifier names (A_CID, A_PORT, A_PORTRANGE).
 */
static void
emit_dir(struct parser *ps, const struct vlink *l, enum dir dir,
    enum addr field, uint64_t v, uint32_t hi)
{
	unsigned off[2];
	int i, first = 1;

	off[0] = l->base + (field == A_CID ? VSOCK_MON_OFF_SRC_CID :
	    VSOCK_MON_OFF_SRC_PORT);
	off[1] = l->base + (field == A_CID ? VSOCK_MON_OFF_DST_CID :
	    VSOCK_MON_OFF_DST_PORT);
	open_gate(ps, l);
	emit(ps, "(");
	for (i = 0; i < 2; i++) {
		if ((i == 0 && dir == D_DST) || (i == 1 && dir == D_SRC))
			continue;
		if (!first)
			emit(ps, dir == D_AND ? " and " : " or ");
		first = 0;
		emit(ps, "(");
		if (field == A_CID)
			emit(ps, "link[%u:4] = 0x%08x and link[%u:4] = 0x%08x",
			    off[i], bswap_32((uint32_t)(v & 0xffffffffU)),
			    off[i] + 4, bswap_32((uint32_t)(v >> 32)));
		else if (field == A_PORT)
			emit(ps, "link[%u:4] = 0x%08x", off[i],
			    bswap_32((uint32_t)v));
		else
			emit_range(ps, off[i], (uint32_t)v, hi);
		emit(ps, ")");
	}
	emit(ps, "))");
}

/* The vsockmon op, the virtio type or op: 16-bit fields. */
static void
emit_field16(struct parser *ps, const struct vlink *l, enum addr addr,
    uint32_t v)
{
	unsigned off, need;

	open_gate(ps, l);
	if (addr == A_OP)
		emit(ps, "link[%u:2] = 0x%04x)", l->base + VSOCK_MON_OFF_OP,
		    bswap_16((uint16_t)v));
	else {
		off = VSOCK_MON_HDR_LEN + (addr == A_TYPE ?
		    VSOCK_VIRTIO_OFF_TYPE : VSOCK_VIRTIO_OFF_OP);
		need = addr == A_TYPE ? VSOCK_VIRTIO_TYPE_END :
		    VSOCK_VIRTIO_OP_END;
		emit(ps, "link[%u:2] = 0x%04x and link[%u:2] * 0x%x >= 0x%08x "
		    "and link[%u:2] = 0x%04x)",
		    l->base + VSOCK_MON_OFF_TRANSPORT,
		    bswap_16(VSOCK_TRANSPORT_VIRTIO),
		    l->base + VSOCK_MON_OFF_THDR_LEN, MONO16_MUL, mono16(need),
		    l->base + off, bswap_16((uint16_t)v));
	}
}

static const char *
addr_word(enum addr addr)
{
	switch (addr) {
	case A_OP:
		return "op";
	case A_TYPE:
		return "type";
	case A_CID:
		return "cid";
	case A_PORT:
		return "port";
	case A_PORTRANGE:
		return "portrange";
	default:
		return "vop";
	}
}

/* The direction is acceptable for the address qualifier; 0 if so. */
static int
check_dir(struct parser *ps, enum dir dir, int directional)
{
	if (dir == D_DEFAULT || (directional && dir != D_ADDRN))
		return 0;
	if (dir == D_ADDRN)
		fail(ps, "'addr1', 'addr2', 'addr3', 'addr4', 'ra' and 'ta' "
		    "are not valid for vsock");
	else
		fail(ps, "'src' and 'dst' apply only to vsock cid, port and "
		    "portrange");
	return -1;
}

/*
 * The qualifiers of a vsock primitive, checked before its value, in
 * the order libpcap's gen_vsock_check_qual() checks them: the link
 * type, then the address qualifier, then the direction.  0 if they are
 * valid.
 */
static int
check_qual(struct parser *ps, const struct qual *q, struct vlink *l)
{
	if (vsock_link(ps, l) < 0)
		return -1;
	switch (q->addr) {
	case A_HOST:
		fail(ps, "'host' is not valid for vsock; use 'cid'");
		return -1;
	case A_NET:
		fail(ps, "'net' is not valid for vsock");
		return -1;
	case A_CID:
	case A_PORT:
	case A_PORTRANGE:
		return check_dir(ps, q->dir, 1);
	case A_OP:
	case A_TYPE:
	case A_VOP:
		return check_dir(ps, q->dir, 0);
	default:
		fail(ps, "invalid vsock qualifier");
		return -1;
	}
}

/* A numeric value with checked vsock qualifiers. */
static void
vsock_number(struct parser *ps, const struct qual *q, const struct vlink *l,
    uint64_t v)
{
	switch (q->addr) {
	case A_CID:
	case A_PORT:
	case A_PORTRANGE:
		emit_dir(ps, l, q->dir, q->addr, v, (uint32_t)v);
		return;
	default:
		if (v > 0xffff) {
			fail(ps, "vsock %s %u out of range (0-65535)",
			    addr_word(q->addr), (unsigned)v);
			return;
		}
		emit_field16(ps, l, q->addr, (uint32_t)v);
		return;
	}
}

/*
 * A number beyond 32 bits (or 64: NUM_OVER64) with checked vsock
 * qualifiers: a CID, or out of its field's range.
 */
static void
vsock_bignum(struct parser *ps, const struct qual *q, const struct vlink *l,
    const struct token *t)
{
	switch (q->addr) {
	case A_CID:
		if (t->numerr == NUM_OVER64)
			fail(ps, "vsock cid %.*s out of range "
			    "(0-18446744073709551615)", (int)t->len, t->s);
		else
			vsock_number(ps, q, l, t->num);
		return;
	case A_PORT:
	case A_PORTRANGE:
		fail(ps, "vsock port %.*s out of range (0-4294967295)",
		    (int)t->len, t->s);
		return;
	default:
		fail(ps, "vsock %s %.*s out of range (0-65535)",
		    addr_word(q->addr), (int)t->len, t->s);
		return;
	}
}

struct name_value {
	const char	*name;
	uint32_t	value;
};

/* The filter's names of the values, as libpcap's gencode-vsock.frag. */
static const struct name_value op_names[] = {
	{ "unknown", VSOCK_MON_OP_UNKNOWN },
	{ "connect", VSOCK_MON_OP_CONNECT },
	{ "disconnect", VSOCK_MON_OP_DISCONNECT },
	{ "control", VSOCK_MON_OP_CONTROL },
	{ "payload", VSOCK_MON_OP_PAYLOAD },
	{ NULL, 0 }
};

static const struct name_value type_names[] = {
	{ "stream", VSOCK_TYPE_STREAM },
	{ "seqpacket", VSOCK_TYPE_SEQPACKET },
	{ NULL, 0 }
};

static const struct name_value vop_names[] = {
	{ "invalid", VSOCK_OP_INVALID },
	{ "request", VSOCK_OP_REQUEST },
	{ "response", VSOCK_OP_RESPONSE },
	{ "rst", VSOCK_OP_RST },
	{ "shutdown", VSOCK_OP_SHUTDOWN },
	{ "rw", VSOCK_OP_RW },
	{ "credit_update", VSOCK_OP_CREDIT_UPDATE },
	{ "credit-update", VSOCK_OP_CREDIT_UPDATE },
	{ "credit_request", VSOCK_OP_CREDIT_REQUEST },
	{ "credit-request", VSOCK_OP_CREDIT_REQUEST },
	{ NULL, 0 }
};

static int
lookup(const struct name_value *names, const char *s, size_t len,
    uint32_t *vp)
{
	for (; names->name != NULL; names++) {
		if (strlen(names->name) == len &&
		    strncasecmp(names->name, s, len) == 0) {
			*vp = names->value;
			return 0;
		}
	}
	return -1;
}

/* "N-M" of numbers as libpcap's scanner reads them. */
static int
parse_range(const char *s, size_t len, uint64_t *n, uint64_t *m)
{
	const char *dash = memchr(s, '-', len);
	int e1, e2;

	if (dash == NULL || dash == s || dash == s + len - 1)
		return -1;
	if (!looks_numeric(s, (size_t)(dash - s)) ||
	    !looks_numeric(dash + 1, (size_t)(s + len - dash - 1)))
		return -1;
	e1 = parse_number(s, (size_t)(dash - s), n);
	e2 = parse_number(dash + 1, (size_t)(s + len - dash - 1), m);
	/* libpcap reads a bound beyond 64 bits as no number at all. */
	if (e1 == NUM_OCTAL || e2 == NUM_OCTAL || e1 == NUM_OVER64 ||
	    e2 == NUM_OVER64)
		return -1;
	if (*n > 0xffffffffU || *m > 0xffffffffU)
		return 1;
	return 0;
}

/*
 * An address with checked vsock qualifiers: no vsock field holds one.
 * Tokens [from, to) are an address alone, "A/N" or "A mask B", named as
 * libpcap names them ("A/N" with N as a decimal number; an IPv6 "A/128"
 * as A).
 */
static void
address_error(struct parser *ps, const struct qual *q, size_t from,
    size_t to)
{
	const struct token *t = &ps->toks[from], *last = &ps->toks[to - 1];
	const char *what = addr_word(q->addr);

	if (to - from == 1)
		fail(ps, "'%.*s' is not a valid vsock %s", (int)t->len, t->s,
		    what);
	else if (ps->toks[from + 1].kind == T_KW)
		fail(ps, "'%.*s mask %.*s' is not a valid vsock %s",
		    (int)t->len, t->s, (int)last->len, last->s, what);
	else if (t->value == V_HID6 && last->num == 128)
		fail(ps, "'%.*s' is not a valid vsock %s", (int)t->len, t->s,
		    what);
	else
		fail(ps, "'%.*s/%u' is not a valid vsock %s", (int)t->len,
		    t->s, (unsigned)last->num, what);
}

/* Is an address's "/" followed by a number, its "mask" by an address? */
static int
address_tail_ok(const struct parser *ps, size_t from)
{
	const struct token *op = &ps->toks[from + 1], *t = op + 1;

	if (op->kind == T_ARITH)
		return t->kind == T_NUM;
	return t->kind == T_VALUE && t->value == V_HID;
}

/* A name with checked vsock qualifiers. */
static void
vsock_name(struct parser *ps, const struct qual *q, const struct vlink *l,
    const struct value *v)
{
	const struct name_value *names;
	uint64_t n, m;
	uint32_t val;
	int r;

	switch (q->addr) {
	case A_PORTRANGE:
		r = parse_range(v->s, v->len, &n, &m);
		if (r < 0)
			fail(ps, "invalid vsock port range '%.*s' (N-M, "
			    "numbers only)", (int)v->len, v->s);
		else if (r > 0)
			fail(ps, "vsock port range '%.*s' out of range "
			    "(0-4294967295)", (int)v->len, v->s);
		else
			emit_dir(ps, l, q->dir, A_PORTRANGE, n, (uint32_t)m);
		return;
	case A_PORT:
		fail(ps, "invalid vsock port '%.*s' (numbers only)",
		    (int)v->len, v->s);
		return;
	case A_CID:
		fail(ps, "invalid vsock cid '%.*s'", (int)v->len, v->s);
		return;
	case A_OP:
		names = op_names;
		break;
	case A_TYPE:
		names = type_names;
		break;
	default:
		names = vop_names;
		break;
	}
	if (lookup(names, v->s, v->len, &val) < 0) {
		fail(ps, "unknown vsock %s '%.*s'", addr_word(q->addr),
		    (int)v->len, v->s);
		return;
	}
	vsock_number(ps, q, l, val);
}

/* Do these qualifiers make a vsock primitive on this link? */
static int
is_vsock_qual(const struct parser *ps, const struct qual *q)
{
	if (q->undef)
		return 0;
	if (q->vsock)
		return 1;
	/* On DLT_VSOCK, a port can only be a vsock port. */
	return !q->proto && ps->linktype == DLT_VSOCK &&
	    (q->addr == A_PORT || q->addr == A_PORTRANGE);
}

/* --- values and terms --------------------------------------------- */

/*
 * A single value (a name, an address, a number) with the current
 * qualifiers.
 */
static void
apply_value(struct parser *ps, size_t from, size_t to)
{
	const struct token *t = &ps->toks[from];
	struct vlink l;
	struct value v;

	if (ps->cur.undef) {
		fail(ps, "can't parse filter expression: syntax error: "
		    "'%.*s' has no qualifier (write it as in 'port %.*s')",
		    (int)t->len, t->s, (int)t->len, t->s);
		return;
	}
	if (!is_vsock_qual(ps, &ps->cur)) {
		emit(ps, "(%.*s ", (int)ps->cur.textlen, ps->cur.text);
		emit_text(ps, from, to);
		emit(ps, ")");
		return;
	}
	if (t->kind == T_NUM && t->numerr == NUM_OCTAL) {
		/* The scanner's error, before any qualifier is looked at. */
		fail(ps, "number %.*s contains non-octal digit", (int)t->len,
		    t->s);
		return;
	}
	if (!ps->cur.vsock && t->kind == T_VALUE &&
	    (t->value == V_HID || t->value == V_HID6)) {
		/* libpcap's grammar refuses a plain port of an IP address. */
		fail(ps, "'%s' qualifier applied to IPv%c address",
		    addr_word(ps->cur.addr), t->value == V_HID ? '4' : '6');
		return;
	}
	if (check_qual(ps, &ps->cur, &l) < 0)
		return;
	if (t->kind == T_NUM) {
		if (t->numerr == NUM_OK)
			vsock_number(ps, &ps->cur, &l, t->num);
		else
			vsock_bignum(ps, &ps->cur, &l, t);
		return;
	}
	if (to - from > 1 && !address_tail_ok(ps, from)) {
		ps->pos = from + 2;	/* what follows the "/" or "mask" */
		syntax_error(ps);
		return;
	}
	if (to - from > 1 || t->value != V_ID) {
		address_error(ps, &ps->cur, from, to);
		return;
	}
	v.tok = t;
	v.s = t->s[0] == '\\' ? t->s + 1 : t->s;
	v.len = t->s[0] == '\\' ? t->len - 1 : t->len;
	vsock_name(ps, &ps->cur, &l, &v);
}

/*
 * id: a value, "not" id, or "(" values ")".  It takes the current
 * qualifiers, which stay current.
 */
static void
parse_id(struct parser *ps)
{
	size_t start;

	if (ps->failed)
		return;
	switch (peek(ps, 0)->kind) {
	case T_NOT:
		ps->pos++;
		emit(ps, "not ");
		parse_id(ps);
		return;
	case T_LPAREN:
		/*
		 * Each value is taken as it comes, as libpcap's parser
		 * reduces it: a bad value is reported before a syntax error
		 * after it.
		 */
		ps->pos++;
		emit(ps, "(");
		for (;;) {
			parse_id(ps);
			if (ps->failed)
				return;
			if (at(ps, 0, T_RPAREN))
				break;
			if (!at(ps, 0, T_AND) && !at(ps, 0, T_OR)) {
				syntax_error(ps);
				return;
			}
			emit(ps, at(ps, 0, T_AND) ? " and " : " or ");
			ps->pos++;
		}
		ps->pos++;
		emit(ps, ")");
		return;
	case T_VALUE:
		start = ps->pos;
		ps->pos = pid_item_end(ps, ps->pos);
		apply_value(ps, start, ps->pos);
		return;
	case T_NUM:
		start = ps->pos++;
		apply_value(ps, start, ps->pos);
		return;
	default:
		syntax_error(ps);
		return;
	}
}

/*
 * A head: [protocol] [direction] [address] qualifiers, then the value.
 * Returns 0 if a head was read (ps->cur set), -1 if the tokens are not
 * one (nothing consumed).
 */
static int
parse_head(struct parser *ps)
{
	size_t start = ps->pos, i = ps->pos;
	const struct token *t;
	struct qual q;

	memset(&q, 0, sizeof(q));
	if (at_kw(ps, 0, K_PNAME)) {
		q.proto = 1;
		i++;
	}
	/* dqual [aqual] */
	t = &ps->toks[i];
	if (t->kind == T_KW && (t->kw == K_SRC || t->kw == K_DST)) {
		q.dir = t->kw == K_SRC ? D_SRC : D_DST;
		i++;
		if ((ps->toks[i].kind == T_OR || ps->toks[i].kind == T_AND) &&
		    ps->toks[i + 1].kind == T_KW &&
		    ps->toks[i + 1].kw == (t->kw == K_SRC ? K_DST : K_SRC)) {
			q.dir = ps->toks[i].kind == T_OR ? D_OR : D_AND;
			i += 2;
		}
	} else if (t->kind == T_KW && t->kw == K_ADDRN) {
		q.dir = D_ADDRN;
		i++;
	}
	t = &ps->toks[i];
	if (t->kind == T_KW) {
		switch (t->kw) {
		case K_HOST:
			q.addr = A_HOST;
			break;
		case K_NET:
			q.addr = A_NET;
			break;
		case K_PORT:
			q.addr = A_PORT;
			break;
		case K_PORTRANGE:
			q.addr = A_PORTRANGE;
			break;
		/* "pqual PROTO", "pqual ndaqual": without a direction */
		case K_PROTO:
			q.addr = q.dir == D_DEFAULT ? A_PROTO : A_DEFAULT;
			break;
		case K_PROTOCHAIN:
			q.addr = q.dir == D_DEFAULT ? A_PROTOCHAIN : A_DEFAULT;
			break;
		case K_GATEWAY:
			q.addr = q.dir == D_DEFAULT ? A_GATEWAY : A_DEFAULT;
			break;
		default:
			break;
		}
		if (q.addr != A_DEFAULT)
			i++;
	}
	if (q.dir == D_DEFAULT && q.addr == A_DEFAULT)
		return -1;
	q.text = ps->toks[start].s;
	q.textlen = (size_t)(ps->toks[i - 1].s + ps->toks[i - 1].len - q.text);
	ps->cur = q;
	ps->pos = i;
	return 0;
}

/* "vsock" [direction] address, then the value; or "vsock" alone. */
static void
parse_vsock(struct parser *ps)
{
	const struct token *t;
	const char *name;
	size_t start = ps->pos, len;
	struct vlink l;
	struct qual q;

	memset(&q, 0, sizeof(q));
	q.vsock = 1;
	ps->pos++;
	t = peek(ps, 0);
	if (t->kind == T_KW && (t->kw == K_SRC || t->kw == K_DST)) {
		q.dir = t->kw == K_SRC ? D_SRC : D_DST;
		ps->pos++;
		if ((at(ps, 0, T_OR) || at(ps, 0, T_AND)) &&
		    at_kw(ps, 1, t->kw == K_SRC ? K_DST : K_SRC)) {
			q.dir = at(ps, 0, T_OR) ? D_OR : D_AND;
			ps->pos += 2;
		}
	} else if (t->kind == T_KW && t->kw == K_ADDRN) {
		q.dir = D_ADDRN;
		ps->pos++;
	}
	t = peek(ps, 0);
	if (t->kind == T_KW && (t->kw == K_HOST || t->kw == K_NET ||
	    t->kw == K_PORT || t->kw == K_PORTRANGE || t->kw == K_TYPE)) {
		q.addr = t->kw == K_HOST ? A_HOST : t->kw == K_NET ? A_NET :
		    t->kw == K_PORT ? A_PORT : t->kw == K_PORTRANGE ?
		    A_PORTRANGE : A_TYPE;
		ps->pos++;
	} else if (t->kind == T_VALUE && t->value == V_ID) {
		/* "cid", "op" and "vop" are names, not keywords. */
		name = t->s[0] == '\\' ? t->s + 1 : t->s;
		len = t->s[0] == '\\' ? t->len - 1 : t->len;
		if (len == 3 && strncasecmp(name, "cid", 3) == 0)
			q.addr = A_CID;
		else if (len == 2 && strncasecmp(name, "op", 2) == 0)
			q.addr = A_OP;
		else if (len == 3 && strncasecmp(name, "vop", 3) == 0)
			q.addr = A_VOP;
		else {
			fail(ps, "unknown vsock qualifier '%.*s' (cid, port, "
			    "portrange, op, type or vop)", (int)len, name);
			return;
		}
		ps->pos++;
	} else if (ps->pos == start + 1) {
		/* "vsock" alone: a vsockmon packet. */
		if (vsock_link(ps, &l) < 0)
			return;
		open_gate(ps, &l);
		emit_true(ps);
		emit(ps, ")");
		ps->cur.undef = 1;
		return;
	} else {
		syntax_error(ps);
		return;
	}
	q.text = ps->toks[start].s;
	q.textlen = (size_t)(ps->toks[ps->pos - 1].s +
	    ps->toks[ps->pos - 1].len - q.text);
	ps->cur = q;
	parse_id(ps);
}

/*
 * A term.  Its qualifiers become current: those of its head, none
 * (qerr) for other terms, and for "(" expr ")" those that were current
 * before the parenthesis.
 */
static void
parse_term(struct parser *ps)
{
	const struct token *t = peek(ps, 0);
	struct qual saved;
	size_t end;

	if (ps->failed)
		return;
	switch (t->kind) {
	case T_NOT:
		ps->pos++;
		emit(ps, "not ");
		parse_term(ps);
		return;
	case T_LPAREN:
		end = closing(ps, ps->pos);
		if (end != 0 && (!is_arith_op(&ps->toks[end + 1]) ||
		    only_expr_follows(ps, ps->pos + 1))) {
			saved = ps->cur;
			ps->pos++;
			emit(ps, "(");
			parse_expr(ps);
			if (ps->failed)
				return;
			if (!at(ps, 0, T_RPAREN)) {
				syntax_error(ps);
				return;
			}
			ps->pos++;
			emit(ps, ")");
			ps->cur = saved;
			return;
		}
		parse_opaque(ps);
		return;
	case T_KW:
		if (t->kw == K_VSOCK) {
			parse_vsock(ps);
			return;
		}
		if (parse_head(ps) == 0) {
			parse_id(ps);
			return;
		}
		parse_opaque(ps);
		return;
	case T_END:
	case T_RPAREN:
	case T_AND:
	case T_OR:
		syntax_error(ps);
		return;
	default:
		parse_opaque(ps);
		return;
	}
}

static void
parse_expr(struct parser *ps)
{
	parse_term(ps);
	while (!ps->failed && (at(ps, 0, T_AND) || at(ps, 0, T_OR))) {
		emit(ps, at(ps, 0, T_AND) ? " and " : " or ");
		ps->pos++;
		if (id_follows(ps))
			parse_id(ps);
		else
			parse_term(ps);
	}
}

/* --- the interface ------------------------------------------------ */

static int
tokenize(const char *expr, struct parser *ps)
{
	const char *p = expr;
	struct token *t;
	size_t n = 0, size = 16;

	ps->toks = malloc(size * sizeof(*ps->toks));
	if (ps->toks == NULL)
		return -1;
	do {
		if (n == size) {
			size *= 2;
			t = realloc(ps->toks, size * sizeof(*t));
			if (t == NULL)
				return -1;
			ps->toks = t;
		}
		ps->toks[n] = next_token(&p);
	} while (ps->toks[n++].kind != T_END);
	ps->ntoks = n;
	return 0;
}

int
vsock_filter_uses_vsock(const char *expr, int linktype)
{
	const char *p = expr;
	struct token t;

	do {
		t = next_token(&p);
		if (t.kind == T_KW && (t.kw == K_VSOCK ||
		    (linktype == DLT_VSOCK &&
		    (t.kw == K_PORT || t.kw == K_PORTRANGE))))
			return 1;
	} while (t.kind != T_END);
	return 0;
}

char *
vsock_filter_rewrite(const char *expr, int linktype, char *ebuf,
    size_t elen)
{
	struct parser ps;

	memset(&ps, 0, sizeof(ps));
	ps.linktype = linktype;
	ps.ebuf = ebuf;
	ps.elen = elen;
	ps.cur.undef = 1;
	ps.outsize = 256;
	ps.out = malloc(ps.outsize);
	if (ps.out == NULL || tokenize(expr, &ps) < 0) {
		(void)snprintf(ebuf, elen, "out of memory");
		free(ps.out);
		free(ps.toks);
		return NULL;
	}
	ps.out[0] = '\0';
	if (!at(&ps, 0, T_END)) {
		parse_expr(&ps);
		if (!ps.failed && !at(&ps, 0, T_END))
			syntax_error(&ps);
	}
	free(ps.toks);
	if (ps.failed) {
		free(ps.out);
		return NULL;
	}
	return ps.out;
}

int
vsock_filter_native(void)
{
	struct bpf_program prog;
	pcap_t *p;
	int ok;

	p = pcap_open_dead(DLT_VSOCK, 65535);
	if (p == NULL)
		return 0;
	ok = pcap_compile(p, &prog, "vsock", 1, PCAP_NETMASK_UNKNOWN) == 0;
	if (ok)
		pcap_freecode(&prog);
	pcap_close(p);
	return ok;
}
