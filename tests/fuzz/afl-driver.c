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
 * A main() for the libFuzzer entry points, for AFL++ and for replaying
 * inputs without libFuzzer.
 *
 *	harness FILE...		run each file once (replay, afl-showmap)
 *	harness			read one input from the standard input, or,
 *				built with afl-clang-fast, run in AFL++'s
 *				persistent shared-memory mode (afl-fuzz
 *				without @@)
 *
 * Each input is copied into a heap block of exactly its size before the
 * call, so that AddressSanitizer catches reads past its end.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAX_INPUT	(1024 * 1024)

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

static void
run_copy(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	copy = malloc(size != 0 ? size : 1);
	if (copy == NULL)
		abort();
	if (size != 0)
		memcpy(copy, data, size);
	(void)LLVMFuzzerTestOneInput(copy, size);
	free(copy);
}

/* The whole of a stream, up to MAX_INPUT bytes. */
static uint8_t *
read_all(FILE *f, size_t *sizep)
{
	uint8_t *buf;
	size_t n;

	buf = malloc(MAX_INPUT);
	if (buf == NULL)
		abort();
	n = fread(buf, 1, MAX_INPUT, f);
	*sizep = n;
	return buf;
}

int
main(int argc, char **argv)
{
	uint8_t *buf;
	size_t size;
	FILE *f;
	int i;

	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			f = fopen(argv[i], "rb");
			if (f == NULL) {
				fprintf(stderr, "%s: %s\n", argv[i],
				    strerror(errno));
				return 2;
			}
			buf = read_all(f, &size);
			(void)fclose(f);
			run_copy(buf, size);
			free(buf);
		}
		return 0;
	}
#ifdef __AFL_FUZZ_TESTCASE_LEN
	__AFL_INIT();
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000)) {
		size = (size_t)__AFL_FUZZ_TESTCASE_LEN;
		run_copy(buf, size);
	}
#else
	buf = read_all(stdin, &size);
	run_copy(buf, size);
	free(buf);
#endif
	return 0;
}
