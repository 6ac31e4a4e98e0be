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

#ifndef VSOCKDUMP_EXPRESSION_H
#define VSOCKDUMP_EXPRESSION_H

#include <pcap/pcap.h>

/*
 * The filter's text (to free): the words of the command line joined by
 * spaces, or -F's file with "#" comments blanked out, as tcpdump reads
 * them; "" for none.
 */
extern char *filter_text(const char *ffile, char **args);

/*
 * -Q on a vsockmon device, where libpcap knows no direction (the kernel
 * shows every packet as sent): the filter with a test added, packets to
 * (in) or from (out) a local CID (to free).
 */
extern char *with_direction(const char *filter, int direction);

/*
 * Compile the filter for pc.  On a libpcap without vsock primitives, an
 * expression that uses them is rewritten first.  Returns non-zero if it
 * was; an error if it does not compile.
 */
extern int compile_filter(pcap_t *pc, struct bpf_program *fcode,
    const char *filter, int native);

#endif /* VSOCKDUMP_EXPRESSION_H */
