/*
 * Copyright (c) 2026 The vsockdump authors
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * follow-hash: reads the output of vsockdump -z follow,vsock,raw,... on
 * its standard input and prints, for each node, the bytes it sent and
 * their FNV-1a hash (as vsock-traffic logs them), and the chunks and
 * missing bytes:
 *
 *	node0 bytes=B fnv=H chunks=C missing=M
 *	node1 bytes=B fnv=H chunks=C missing=M
 *
 * Chunk lines are hex digits; node 1's start with a tab.  Exit status 1
 * if there is no "Follow: vsock,raw" block or a line is not hex.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
main(void)
{
	static char line[1 << 21];
	unsigned long long bytes[2] = { 0, 0 }, missing[2] = { 0, 0 };
	unsigned long long chunks[2] = { 0, 0 }, m;
	uint32_t h[2] = { 2166136261u, 2166136261u };
	int in = 0, seen = 0, node, i, hi, lo;
	char *p;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "Follow: vsock,raw") == 0) {
			seen = 1;
			continue;
		}
		if (!seen || strncmp(line, "Filter:", 7) == 0)
			continue;
		if (strncmp(line, "Node 1:", 7) == 0) {
			in = 1;
			continue;
		}
		if (!in || strncmp(line, "Node 0:", 7) == 0)
			continue;
		if (line[0] == '=')
			break;
		node = line[0] == '\t';
		p = line + node;
		if (sscanf(p, "[%llu bytes missing", &m) == 1) {
			missing[node] += m;
			continue;
		}
		for (i = 0; p[i] != '\0'; i += 2) {
			hi = hexval((unsigned char)p[i]);
			lo = p[i + 1] != '\0' ? hexval((unsigned char)p[i + 1]) : -1;
			if (hi < 0 || lo < 0) {
				fprintf(stderr, "follow-hash: not hex: %.40s\n", p);
				return 1;
			}
			h[node] ^= (uint32_t)(hi << 4 | lo);
			h[node] *= 16777619u;
			bytes[node]++;
		}
		chunks[node]++;
	}
	if (!seen) {
		fprintf(stderr, "follow-hash: no raw follow output\n");
		return 1;
	}
	for (node = 0; node < 2; node++)
		printf("node%d bytes=%llu fnv=%08x chunks=%llu missing=%llu\n",
		    node, bytes[node], h[node], chunks[node], missing[node]);
	return 0;
}
