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
 * Linux "cooked" capture headers (LINUX_SLL, LINUX_SLL2), as captured
 * on the "any" device.  The header is shown as tcpdump 4.99 shows it;
 * frames of a vsockmon device (ARPHRD_VSOCKMON, 826) are handed to
 * vsock_print(), as a patched tcpdump does.  vsockdump decodes nothing
 * else: other frames get the cooked header and a raw dump.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#ifdef HAVE_NET_IF_H
#include <net/if.h>
#endif
#include <netinet/ether.h>

#include "netdissect-stdinc.h"

#define ND_LONGJMP_FROM_TCHECK
#include "netdissect.h"
#include "extract.h"
#include "print-cooked.h"
#include "wire.h"

#define MAX_8023_LENGTH		1500	/* larger values are Ethertypes */
#define SLL_P_802_3		0x0001	/* Novell 802.3 without 802.2 LLC */
#define SLL_P_802_2		0x0004	/* 802.2 LLC */

static const struct tok pkttype_names[] = {
	{ 0, "In" },		/* to us */
	{ 1, "B" },		/* broadcast */
	{ 2, "M" },		/* multicast */
	{ 3, "P" },		/* to another host */
	{ 4, "Out" },		/* from us */
	{ 0, NULL }
};

/* The Ethertypes most likely next to vsock traffic on "any". */
static const struct tok ethertype_names[] = {
	{ 0x0800, "IPv4" },
	{ 0x0806, "ARP" },
	{ 0x8035, "Reverse ARP" },
	{ 0x8100, "802.1Q" },
	{ 0x86dd, "IPv6" },
	{ 0x8847, "MPLS unicast" },
	{ 0x8848, "MPLS multicast" },
	{ 0x8863, "PPPoE D" },
	{ 0x8864, "PPPoE S" },
	{ 0x888e, "EAPOL" },
	{ 0x88a8, "802.1Q-QinQ" },
	{ 0x88cc, "LLDP" },
	{ 0x88e5, "802.1AE MACsec" },
	{ 0x88f7, "PTP" },
	{ 0x9000, "Loopback" },
	{ 0, NULL }
};

/*
 * A 6-byte link-layer address: a name from /etc/ethers unless -n,
 * otherwise colon-separated hex, followed without -n by the OUI.
 */
static void
mac_print(netdissect_options *ndo, const u_char *ep)
{
	struct ether_addr ea;
	char name[1024];
	int i;

	ND_TCHECK_LEN(ep, MAC_ADDR_LEN);
	if (!ndo->ndo_nflag) {
		memcpy(&ea, ep, MAC_ADDR_LEN);
		if (ether_ntohost(name, &ea) == 0) {
			ND_PRINT("%s ", name);
			return;
		}
	}
	for (i = 0; i < (int)MAC_ADDR_LEN; i++)
		ND_PRINT("%s%02x", i == 0 ? "" : ":", ep[i]);
	if (!ndo->ndo_nflag)
		ND_PRINT(" (oui %s)",
		    EXTRACT_BE_U_3(ep) == 0 ? "Ethernet" : "Unknown");
	ND_PRINT(" ");
}

/* "ethertype NAME (0xXXXX), length N: ", the tail of the -e text. */
static void
protocol_print(netdissect_options *ndo, u_int proto, u_int length)
{
	if (ndo->ndo_qflag)
		return;
	if (proto > MAX_8023_LENGTH)
		ND_PRINT("ethertype %s (0x%04x)",
		    tok2str(ethertype_names, "Unknown", proto), proto);
	else if (proto == SLL_P_802_3)
		ND_PRINT("802.3");
	else if (proto == SLL_P_802_2)
		ND_PRINT("802.2");
	else
		ND_PRINT("ethertype Unknown (0x%04x)", proto);
	ND_PRINT(", length %u: ", length);
}

static void
sll_header_print(netdissect_options *ndo, const u_char *p, u_int length)
{
	ndo->ndo_protocol = "sll";
	ND_PRINT("%3s ", tok2str(pkttype_names, "?",
	    GET_BE_U_2(p + SLL_OFF_PKTTYPE)));
	if (GET_BE_U_2(p + SLL_OFF_HALEN) == MAC_ADDR_LEN)
		mac_print(ndo, p + SLL_OFF_ADDR);
	protocol_print(ndo, GET_BE_U_2(p + SLL_OFF_PROTOCOL), length);
}

static void
sll2_header_print(netdissect_options *ndo, const u_char *p, u_int length)
{
	ndo->ndo_protocol = "sll2";
	ND_PRINT("ifindex %u ", GET_BE_U_4(p + SLL2_OFF_IFINDEX));
	if (GET_U_1(p + SLL2_OFF_HALEN) == MAC_ADDR_LEN)
		mac_print(ndo, p + SLL2_OFF_ADDR);
	protocol_print(ndo, GET_BE_U_2(p + SLL2_OFF_PROTOCOL), length);
}

/*
 * What follows a cooked header that is not vsockmon's: vsockdump does
 * not decode it, so it is dumped raw.  For an Ethertype, tcpdump shows
 * the cooked header first when -e has not already done so.
 */
static void
cooked_payload_print(netdissect_options *ndo, const u_char *hdr,
    const u_char *p, u_int proto, u_int length, u_int caplen, int v2)
{
	if (proto > MAX_8023_LENGTH && !ndo->ndo_eflag) {
		if (v2)
			sll2_header_print(ndo, hdr, length + SLL2_HDR_LEN);
		else
			sll_header_print(ndo, hdr, length + SLL_HDR_LEN);
	}
	if (!ndo->ndo_suppress_default_print)
		ND_DEFAULTPRINT(p, caplen);
}

void
sll_if_print(netdissect_options *ndo, const struct pcap_pkthdr *h,
    const u_char *p)
{
	u_int caplen = h->caplen;
	u_int length = h->len;

	ndo->ndo_protocol = "sll";
	ND_TCHECK_LEN(p, SLL_HDR_LEN);

	if (ndo->ndo_eflag)
		sll_header_print(ndo, p, length);
	length -= SLL_HDR_LEN;
	caplen -= SLL_HDR_LEN;

#ifndef VSOCKDUMP_STOCK_SLL
	if (GET_BE_U_2(p + SLL_OFF_HATYPE) == ARPHRD_VSOCKMON) {
		ndo->ndo_ll_hdr_len += SLL_HDR_LEN;
		vsock_print(ndo, p + SLL_HDR_LEN, length);
		return;
	}
#endif
	cooked_payload_print(ndo, p, p + SLL_HDR_LEN,
	    GET_BE_U_2(p + SLL_OFF_PROTOCOL), length, caplen, 0);
	ndo->ndo_ll_hdr_len += SLL_HDR_LEN;
}

void
sll2_if_print(netdissect_options *ndo, const struct pcap_pkthdr *h,
    const u_char *p)
{
	u_int caplen = h->caplen;
	u_int length = h->len;
#ifdef HAVE_NET_IF_H
	char ifname[IF_NAMESIZE];
#endif

	ndo->ndo_protocol = "sll2";
	ND_TCHECK_LEN(p, SLL2_HDR_LEN);

#ifdef HAVE_NET_IF_H
	if (if_indextoname(GET_BE_U_4(p + SLL2_OFF_IFINDEX), ifname) == NULL)
		(void)snprintf(ifname, sizeof(ifname), "?");
	ND_PRINT("%-5s ", ifname);
#endif
	ND_PRINT("%-3s ", tok2str(pkttype_names, "?",
	    GET_U_1(p + SLL2_OFF_PKTTYPE)));

	if (ndo->ndo_eflag)
		sll2_header_print(ndo, p, length);
	length -= SLL2_HDR_LEN;
	caplen -= SLL2_HDR_LEN;

#ifndef VSOCKDUMP_STOCK_SLL
	if (GET_BE_U_2(p + SLL2_OFF_HATYPE) == ARPHRD_VSOCKMON) {
		ndo->ndo_ll_hdr_len += SLL2_HDR_LEN;
		vsock_print(ndo, p + SLL2_HDR_LEN, length);
		return;
	}
#endif
	cooked_payload_print(ndo, p, p + SLL2_HDR_LEN,
	    GET_BE_U_2(p + SLL2_OFF_PROTOCOL), length, caplen, 1);
	ndo->ndo_ll_hdr_len += SLL2_HDR_LEN;
}

if_printer
vsockdump_printer_for(int dlt)
{
	switch (dlt) {
	case DLT_VSOCK:
		return vsock_if_print;
	case DLT_LINUX_SLL:
		return sll_if_print;
	case DLT_LINUX_SLL2:
		return sll2_if_print;
	}
	return NULL;
}
