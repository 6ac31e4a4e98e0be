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

#ifndef VSOCKDUMP_KERNEL_SOCKET_H
#define VSOCKDUMP_KERNEL_SOCKET_H

#include <pcap/pcap.h>

/*
 * What vsockdump does with the capture socket of a libpcap without
 * vsock support (src/kernel-socket.c).
 */

/*
 * After pcap_setfilter() on a live Linux cooked capture ("any"): give
 * the kernel the filter libpcap could not, because it tests the ARPHRD
 * type of the cooked header (the "vsock" gate).  Returns 0 (also on
 * a link type that is not cooked: nothing to do), or -1 if the program
 * has a load the kernel cannot make (libpcap filters alone then, as
 * before).
 */
extern int kernel_cooked_filter(pcap_t *, const struct bpf_program *);

/*
 * After a stop (a signal, the device gone): hand over what the kernel
 * still holds, through the callback, until every packet the kernel
 * counted was delivered (*delivered, with the drops, reaches libpcap's
 * "received"), or the kernel had time to retire its last ring block
 * (2 * timeout_ms and some), or pcap_breakloop() was called again, or
 * *delivered reached limit (a count as -c gives; 0: none).
 */
extern void kernel_drain(pcap_t *, pcap_handler, u_char *, int,
    const u_int *, u_int);

#endif /* VSOCKDUMP_KERNEL_SOCKET_H */
