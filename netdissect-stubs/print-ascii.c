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
 * Raw dumps of packet data: ASCII (-A), hex (-x) and hex with ASCII
 * (-X), laid out exactly as tcpdump 4.99 lays them out.  Each dumps at
 * most what was captured and, if it had to stop short of "length",
 * leaves the printer through nd_trunc_longjmp() once done.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "netdissect-stdinc.h"

#include "netdissect.h"
#include "extract.h"

#define BYTES_PER_LINE	16
#define HEX_COLUMN	40	/* width of the hex part of an -X line */

static const char hex_digits[] = "0123456789abcdef";

/* Clamp length to the captured bytes; tell whether it had to. */
static int
clamp_to_capture(netdissect_options *ndo, const u_char *cp, u_int *length)
{
	u_int avail;

	avail = ndo->ndo_snapend > cp ? ND_BYTES_AVAILABLE_AFTER(cp) : 0;
	if (*length > avail) {
		*length = avail;
		return 1;
	}
	return 0;
}

/*
 * Printable characters, spaces, tabs and newlines as they are, any
 * other byte as '.'; a carriage return is dropped when it ends a line
 * and shown as '.' elsewhere.
 */
void
ascii_print(netdissect_options *ndo, const u_char *cp, u_int length)
{
	int short_capture;
	u_char c;

	ndo->ndo_protocol = "ascii";
	short_capture = clamp_to_capture(ndo, cp, &length);
	ND_PRINT("\n");
	while (length != 0) {
		c = GET_U_1(cp);
		cp++;
		length--;
		if (c == '\r') {
			/* Shown only if not followed by a newline (and
			 * not one of the last two bytes). */
			if (length > 1 && GET_U_1(cp) != '\n')
				ND_PRINT(".");
			continue;
		}
		if (ND_ASCII_ISGRAPH(c) || c == ' ' || c == '\t' || c == '\n')
			ND_PRINT("%c", c);
		else
			ND_PRINT(".");
	}
	if (short_capture)
		nd_trunc_longjmp(ndo);
}

/*
 * Lines of "IDENT0xOFFS: " followed by up to eight 2-byte groups in hex,
 * padded to a fixed width, two spaces, and the same bytes as characters.
 */
void
hex_and_ascii_print_with_offset(netdissect_options *ndo, const char *ident,
    const u_char *cp, u_int length, u_int oset)
{
	char hex[HEX_COLUMN + 1], text[BYTES_PER_LINE + 1];
	u_int inline_bytes = 0, hexlen = 0;
	int short_capture;
	u_char c;

	short_capture = clamp_to_capture(ndo, cp, &length);
	while (length != 0) {
		c = GET_U_1(cp);
		cp++;
		length--;
		/* A group starts with a space; its second byte does not. */
		if ((inline_bytes & 1) == 0)
			hex[hexlen++] = ' ';
		hex[hexlen++] = hex_digits[c >> 4];
		hex[hexlen++] = hex_digits[c & 0xf];
		text[inline_bytes] = ND_ASCII_ISGRAPH(c) ? (char)c : '.';
		inline_bytes++;
		if (inline_bytes == BYTES_PER_LINE) {
			hex[hexlen] = '\0';
			text[inline_bytes] = '\0';
			ND_PRINT("%s0x%04x: %-*s  %s", ident, oset, HEX_COLUMN,
			    hex, text);
			oset += BYTES_PER_LINE;
			inline_bytes = hexlen = 0;
		}
	}
	if (inline_bytes != 0) {
		hex[hexlen] = '\0';
		text[inline_bytes] = '\0';
		ND_PRINT("%s0x%04x: %-*s  %s", ident, oset, HEX_COLUMN, hex,
		    text);
	}
	if (short_capture)
		nd_trunc_longjmp(ndo);
}

void
hex_and_ascii_print(netdissect_options *ndo, const char *ident,
    const u_char *cp, u_int length)
{
	hex_and_ascii_print_with_offset(ndo, ident, cp, length, 0);
}

/*
 * Lines of "IDENT0xOFFS: " followed by up to eight 2-byte groups in
 * hex, without padding and without an ASCII part.
 */
void
hex_print_with_offset(netdissect_options *ndo, const char *ident,
    const u_char *cp, u_int length, u_int oset)
{
	/* A line's groups, " xxxx" each, are built first: one print a line. */
	char groups[BYTES_PER_LINE / 2 * 5 + 1];
	u_int n, i, glen;
	int short_capture;
	u_char c;

	short_capture = clamp_to_capture(ndo, cp, &length);
	for (n = 0; n < length; n += BYTES_PER_LINE) {
		glen = 0;
		for (i = n; i < length && i < n + BYTES_PER_LINE; i++) {
			c = GET_U_1(cp + i);
			if ((i & 1) == 0)
				groups[glen++] = ' ';
			groups[glen++] = hex_digits[c >> 4];
			groups[glen++] = hex_digits[c & 0xf];
		}
		groups[glen] = '\0';
		ND_PRINT("%s0x%04x: %s", ident, oset + n, groups);
	}
	if (short_capture)
		nd_trunc_longjmp(ndo);
}

void
hex_print(netdissect_options *ndo, const char *ident, const u_char *cp,
    u_int length)
{
	hex_print_with_offset(ndo, ident, cp, length, 0);
}
