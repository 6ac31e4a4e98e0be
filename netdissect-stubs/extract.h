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
 * Reading integers out of packet data, as tcpdump's extract.h offers it.
 *
 * EXTRACT_* read bytes that the caller has already checked were captured.
 * GET_* check first, and leave the printer with nd_trunc_longjmp() (which
 * makes pretty_print_packet() report " [|proto]") if they were not.
 */

#ifndef vsockdump_extract_h
#define vsockdump_extract_h

#include "netdissect-stdinc.h"
#include "netdissect.h"

/* Unchecked big-endian reads. */
static inline uint16_t
nd_be16(const u_char *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
nd_be24(const u_char *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t
nd_be32(const u_char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
nd_be64(const u_char *p)
{
	return (uint64_t)nd_be32(p) << 32 | nd_be32(p + 4);
}

/* Unchecked little-endian reads. */
static inline uint16_t
nd_le16(const u_char *p)
{
	return (uint16_t)((uint16_t)p[1] << 8 | p[0]);
}

static inline uint32_t
nd_le24(const u_char *p)
{
	return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint32_t
nd_le32(const u_char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t
nd_le64(const u_char *p)
{
	return (uint64_t)nd_le32(p + 4) << 32 | nd_le32(p);
}

#define EXTRACT_U_1(p)		((uint8_t)(*(const u_char *)(p)))
#define EXTRACT_S_1(p)		((int8_t)(*(const u_char *)(p)))
#define EXTRACT_BE_U_2(p)	nd_be16((const u_char *)(p))
#define EXTRACT_BE_U_3(p)	nd_be24((const u_char *)(p))
#define EXTRACT_BE_U_4(p)	nd_be32((const u_char *)(p))
#define EXTRACT_BE_U_8(p)	nd_be64((const u_char *)(p))
#define EXTRACT_BE_S_2(p)	((int16_t)nd_be16((const u_char *)(p)))
#define EXTRACT_BE_S_4(p)	((int32_t)nd_be32((const u_char *)(p)))
#define EXTRACT_BE_S_8(p)	((int64_t)nd_be64((const u_char *)(p)))
#define EXTRACT_LE_U_2(p)	nd_le16((const u_char *)(p))
#define EXTRACT_LE_U_3(p)	nd_le24((const u_char *)(p))
#define EXTRACT_LE_U_4(p)	nd_le32((const u_char *)(p))
#define EXTRACT_LE_U_8(p)	nd_le64((const u_char *)(p))
#define EXTRACT_LE_S_2(p)	((int16_t)nd_le16((const u_char *)(p)))
#define EXTRACT_LE_S_4(p)	((int32_t)nd_le32((const u_char *)(p)))
#define EXTRACT_LE_S_8(p)	((int64_t)nd_le64((const u_char *)(p)))

/* Capture checks for fixed sizes. */
#define ND_TTEST_1(p) ND_TTEST_LEN((p), 1)
#define ND_TTEST_2(p) ND_TTEST_LEN((p), 2)
#define ND_TTEST_3(p) ND_TTEST_LEN((p), 3)
#define ND_TTEST_4(p) ND_TTEST_LEN((p), 4)
#define ND_TTEST_5(p) ND_TTEST_LEN((p), 5)
#define ND_TTEST_6(p) ND_TTEST_LEN((p), 6)
#define ND_TTEST_7(p) ND_TTEST_LEN((p), 7)
#define ND_TTEST_8(p) ND_TTEST_LEN((p), 8)
#define ND_TTEST_16(p) ND_TTEST_LEN((p), 16)
#define ND_TCHECK_1(p) ND_TCHECK_LEN((p), 1)
#define ND_TCHECK_2(p) ND_TCHECK_LEN((p), 2)
#define ND_TCHECK_3(p) ND_TCHECK_LEN((p), 3)
#define ND_TCHECK_4(p) ND_TCHECK_LEN((p), 4)
#define ND_TCHECK_5(p) ND_TCHECK_LEN((p), 5)
#define ND_TCHECK_6(p) ND_TCHECK_LEN((p), 6)
#define ND_TCHECK_7(p) ND_TCHECK_LEN((p), 7)
#define ND_TCHECK_8(p) ND_TCHECK_LEN((p), 8)
#define ND_TCHECK_16(p) ND_TCHECK_LEN((p), 16)

/*
 * Checked reads.  Each helper takes ndo so that ND_TTEST_LEN() and
 * nd_trunc_longjmp() see the packet being printed.
 */
static inline uint8_t
nd_get_u8(netdissect_options *ndo, const u_char *p)
{
	if (!ND_TTEST_1(p))
		nd_trunc_longjmp(ndo);
	return EXTRACT_U_1(p);
}

static inline int8_t
nd_get_s8(netdissect_options *ndo, const u_char *p)
{
	if (!ND_TTEST_1(p))
		nd_trunc_longjmp(ndo);
	return EXTRACT_S_1(p);
}

static inline uint16_t
nd_get_be16(netdissect_options *ndo, const u_char *p)
{
	if (!ND_TTEST_2(p))
		nd_trunc_longjmp(ndo);
	return nd_be16(p);
}

static inline uint32_t
nd_get_be24(netdissect_options *ndo, const u_char *p)
{
	if (!ND_TTEST_3(p))
		nd_trunc_longjmp(ndo);
	return nd_be24(p);
}

static inline uint32_t
nd_get_be32(netdissect_options *ndo, const u_char *p)
{
	if (!ND_TTEST_4(p))
		nd_trunc_longjmp(ndo);
	return nd_be32(p);
}

static inline uint64_t
nd_get_be64(netdissect_options *ndo, const u_char *p)
{
	if (!ND_TTEST_8(p))
		nd_trunc_longjmp(ndo);
	return nd_be64(p);
}

static inline uint16_t
nd_get_le16(netdissect_options *ndo, const u_char *p)
{
	if (!ND_TTEST_2(p))
		nd_trunc_longjmp(ndo);
	return nd_le16(p);
}

static inline uint32_t
nd_get_le24(netdissect_options *ndo, const u_char *p)
{
	if (!ND_TTEST_3(p))
		nd_trunc_longjmp(ndo);
	return nd_le24(p);
}

static inline uint32_t
nd_get_le32(netdissect_options *ndo, const u_char *p)
{
	if (!ND_TTEST_4(p))
		nd_trunc_longjmp(ndo);
	return nd_le32(p);
}

static inline uint64_t
nd_get_le64(netdissect_options *ndo, const u_char *p)
{
	if (!ND_TTEST_8(p))
		nd_trunc_longjmp(ndo);
	return nd_le64(p);
}

#define GET_U_1(p)	nd_get_u8(ndo, (const u_char *)(p))
#define GET_S_1(p)	nd_get_s8(ndo, (const u_char *)(p))
#define GET_BE_U_2(p)	nd_get_be16(ndo, (const u_char *)(p))
#define GET_BE_U_3(p)	nd_get_be24(ndo, (const u_char *)(p))
#define GET_BE_U_4(p)	nd_get_be32(ndo, (const u_char *)(p))
#define GET_BE_U_8(p)	nd_get_be64(ndo, (const u_char *)(p))
#define GET_BE_S_2(p)	((int16_t)nd_get_be16(ndo, (const u_char *)(p)))
#define GET_BE_S_4(p)	((int32_t)nd_get_be32(ndo, (const u_char *)(p)))
#define GET_LE_U_2(p)	nd_get_le16(ndo, (const u_char *)(p))
#define GET_LE_U_3(p)	nd_get_le24(ndo, (const u_char *)(p))
#define GET_LE_U_4(p)	nd_get_le32(ndo, (const u_char *)(p))
#define GET_LE_U_8(p)	nd_get_le64(ndo, (const u_char *)(p))
#define GET_LE_S_2(p)	((int16_t)nd_get_le16(ndo, (const u_char *)(p)))
#define GET_LE_S_4(p)	((int32_t)nd_get_le32(ndo, (const u_char *)(p)))

#endif /* vsockdump_extract_h */
