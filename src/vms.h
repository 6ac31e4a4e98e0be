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

#ifndef VSOCKDUMP_VMS_H
#define VSOCKDUMP_VMS_H

/*
 * The VMs running on this machine, with their CIDs and the names their
 * configurations give them: QEMU processes with a vhost-vsock device
 * ("-device vhost-vsock-pci,guest-cid=N", or its JSON form) and their
 * "-name"; libvirt's state of its running domains (<cid address='N'/>
 * in /run/libvirt/qemu and /run/libvirt/ch); cloud-hypervisor
 * processes ("--vsock cid=N,...") and crosvm ones ("--cid N", or
 * "--vsock cid=N").  Only what /proc and those files say: nothing is
 * asked of the hypervisors.
 */

#include <stdint.h>
#include <sys/types.h>

#define VM_RAW_NAME_MAX	256

struct vm {
	uint64_t	cid;
	pid_t		pid;		/* its process; 0 for libvirt's state */
	const char	*hypervisor;	/* "qemu", "cloud-hypervisor", "crosvm",
					   "libvirt" */
	char		name[VM_RAW_NAME_MAX];	/* as configured, "" if none */
};

/* The running VMs, at most max of them; their number. */
extern int vms_scan(struct vm *, int max);

/*
 * The VM a process runs, from its arguments; 1 if it runs one (with a
 * CID a guest can have: 3 to 2^32 - 2), 0 if not.
 */
extern int vm_from_argv(char *const *argv, int argc, pid_t, struct vm *);

/*
 * The VM of a libvirt domain's state (XML); 1 if it has a vsock CID a
 * guest can have.
 */
extern int vm_from_libvirt(const char *xml, struct vm *);

#endif /* VSOCKDUMP_VMS_H */
