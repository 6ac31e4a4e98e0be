/*
 * Linux vsock CIDs and ports have no name service: print-vsock.c prints
 * them, without -n, as these give them, which is as numbers.  Each
 * returns one of VSOCK_NAMEBUFS buffers in turn, so that one ND_PRINT()
 * can take a packet's source and destination.
 */
#define VSOCK_NAMEBUFS	4

const char *
vsockcid_string(netdissect_options *ndo _U_, uint64_t cid)
{
	static char buf[VSOCK_NAMEBUFS][sizeof("18446744073709551615")];
	static u_int idx;

	idx = (idx + 1) % VSOCK_NAMEBUFS;
	(void)snprintf(buf[idx], sizeof(buf[idx]), "%" PRIu64, cid);
	return (buf[idx]);
}

const char *
vsockport_string(netdissect_options *ndo _U_, uint32_t port)
{
	static char buf[VSOCK_NAMEBUFS][sizeof("4294967295")];
	static u_int idx;

	idx = (idx + 1) % VSOCK_NAMEBUFS;
	(void)snprintf(buf[idx], sizeof(buf[idx]), "%u", port);
	return (buf[idx]);
}

