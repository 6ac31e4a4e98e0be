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
 * 9P2000 and its Unix (9P2000.u) and Linux (9P2000.L) dialects: the
 * messages size[4] type[1] tag[2] body, little-endian (Plan 9's
 * intro(5); 9P2000.L as the Linux kernel's client and diod speak it).
 * T-messages (even types) are requests, answered by the R-message of
 * type + 1, or by Rlerror (.L) or Rerror, with the same tag: calls
 * keyed by tag, their method the request's name without its T.
 *
 * Tflush(oldtag) is a call of its own ("flush"); the request it
 * cancels, unless its answer came first, gets none (flush(5)) and is
 * counted unanswered: that is what happened to it.
 *
 * The bodies are described by tables: one list of fields per message
 * type; its fixed part also gives the least size a message of that
 * type has, which with msize (the bound Tversion and Rversion set)
 * tells frames from other bytes.  The fields a dialect adds (9P2000.u's
 * n_uname, errno, extension) are read where the message has the bytes
 * for them.  Over SEQPACKET (9P runs over streams here), a message is
 * taken to hold whole 9P messages.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <string.h>

#include "decode.h"
#include "extract.h"
#include "fields.h"
#include "wire.h"

#define P9_HDR		7		/* size[4] type[1] tag[2] */
#define P9_SIZE_MAX	(16 * 1024 * 1024)	/* before Tversion's msize */
#define P9_MSIZE_MIN	4096		/* an msize below is not a bound */
#define P9_TYPES	128
#define P9_NOFID	0xffffffffU
#define P9_MAXWELEM	16		/* names of a Twalk */
#define P9_NAME_SHOW	64		/* characters of a name shown */
#define P9_DIRENTS_SHOW	32		/* names of an Rreaddir shown (-v) */

#define P9_RLERROR	7
#define P9_TVERSION	100
#define P9_RVERSION	101
#define P9_RERROR	107

/* The kinds of fields. */
enum {
	F_END,
	F_U8, F_U16, F_U32, F_U64,
	F_FID,			/* u32, ~0 printed as -1 (NOFID) */
	F_HEX32, F_HEX64,	/* masks */
	F_OCT32,		/* modes */
	F_STR,			/* s[2] */
	F_QID,			/* type[1] version[4] path[8] */
	F_LFLAGS,		/* Linux open flags (9P2000.L) */
	F_ECODE,		/* a Linux errno */
	F_WNAMES,		/* nwname[2] nwname*(wname[s]) */
	F_WQIDS,		/* nwqid[2] nwqid*(qid[13]) */
	F_DATA,			/* count[4] data[count] */
	F_DIRENTS		/* count[4] of 9P2000.L directory entries */
};

/* Field flags. */
#define FV	1		/* -v only */
#define FOPT	2		/* a dialect's addition: only if there */

struct p9_field {
	uint8_t		kind;
	uint8_t		flags;
	const char	*label;
};

struct p9_msg {
	const char		*name;
	const struct p9_field	*fields;
};

struct p9_state {
	uint32_t	msize;		/* 0 until Tversion */
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define END		{ F_END, 0, NULL }

static const struct p9_field f_none[] = { END };
static const struct p9_field f_fid[] = { { F_FID, 0, "fid" }, END };
static const struct p9_field f_qid[] = { { F_QID, FV, "qid" }, END };
static const struct p9_field f_qid_iounit[] = {
	{ F_QID, FV, "qid" }, { F_U32, 0, "iounit" }, END };
static const struct p9_field f_lerror[] = { { F_ECODE, 0, "ecode" }, END };
static const struct p9_field f_error[] = {
	{ F_STR, 0, "ename" }, { F_ECODE, FOPT, "errno" }, END };
static const struct p9_field f_version[] = {
	{ F_U32, 0, "msize" }, { F_STR, 0, "version" }, END };
static const struct p9_field f_auth[] = {
	{ F_FID, 0, "afid" }, { F_STR, 0, "uname" }, { F_STR, 0, "aname" },
	{ F_FID, FV | FOPT, "n_uname" }, END };
static const struct p9_field f_attach[] = {
	{ F_FID, 0, "fid" }, { F_FID, FV, "afid" }, { F_STR, 0, "uname" },
	{ F_STR, 0, "aname" }, { F_FID, FV | FOPT, "n_uname" }, END };
static const struct p9_field f_flush[] = { { F_U16, 0, "oldtag" }, END };
static const struct p9_field f_walk[] = {
	{ F_FID, 0, "fid" }, { F_FID, 0, "newfid" },
	{ F_WNAMES, 0, "nwname" }, END };
static const struct p9_field f_rwalk[] = { { F_WQIDS, 0, "nwqid" }, END };
static const struct p9_field f_open[] = {
	{ F_FID, 0, "fid" }, { F_U8, 0, "mode" }, END };
static const struct p9_field f_create[] = {
	{ F_FID, 0, "fid" }, { F_STR, 0, "name" }, { F_HEX32, 0, "perm" },
	{ F_U8, 0, "mode" }, { F_STR, FV | FOPT, "extension" }, END };
static const struct p9_field f_io[] = {
	{ F_FID, 0, "fid" }, { F_U64, 0, "offset" }, { F_U32, 0, "count" },
	END };
static const struct p9_field f_write[] = {
	{ F_FID, 0, "fid" }, { F_U64, 0, "offset" }, { F_DATA, 0, "count" },
	END };
static const struct p9_field f_data[] = { { F_DATA, 0, "count" }, END };
static const struct p9_field f_count[] = { { F_U32, 0, "count" }, END };
static const struct p9_field f_statfs[] = {
	{ F_U32, FV, "type" }, { F_U32, FV, "bsize" },
	{ F_U64, FV, "blocks" }, { F_U64, FV, "bfree" },
	{ F_U64, FV, "bavail" }, { F_U64, FV, "files" },
	{ F_U64, FV, "ffree" }, { F_HEX64, FV, "fsid" },
	{ F_U32, FV, "namelen" }, END };
static const struct p9_field f_lopen[] = {
	{ F_FID, 0, "fid" }, { F_LFLAGS, 0, "flags" }, END };
static const struct p9_field f_lcreate[] = {
	{ F_FID, 0, "fid" }, { F_STR, 0, "name" }, { F_LFLAGS, 0, "flags" },
	{ F_OCT32, 0, "mode" }, { F_U32, FV, "gid" }, END };
static const struct p9_field f_symlink[] = {
	{ F_FID, 0, "dfid" }, { F_STR, 0, "name" }, { F_STR, 0, "symtgt" },
	{ F_U32, FV, "gid" }, END };
static const struct p9_field f_mknod[] = {
	{ F_FID, 0, "dfid" }, { F_STR, 0, "name" }, { F_OCT32, 0, "mode" },
	{ F_U32, FV, "major" }, { F_U32, FV, "minor" }, { F_U32, FV, "gid" },
	END };
static const struct p9_field f_rename[] = {
	{ F_FID, 0, "fid" }, { F_FID, 0, "dfid" }, { F_STR, 0, "name" },
	END };
static const struct p9_field f_readlink[] = {
	{ F_STR, 0, "target" }, END };
static const struct p9_field f_getattr[] = {
	{ F_FID, 0, "fid" }, { F_HEX64, FV, "request_mask" }, END };
static const struct p9_field f_rgetattr[] = {
	{ F_HEX64, FV, "valid" }, { F_QID, FV, "qid" },
	{ F_OCT32, FV, "mode" }, { F_U32, FV, "uid" }, { F_U32, FV, "gid" },
	{ F_U64, FV, "nlink" }, { F_U64, FV, "rdev" }, { F_U64, FV, "size" },
	{ F_U64, FV, "blksize" }, { F_U64, FV, "blocks" }, END };
static const struct p9_field f_setattr[] = {
	{ F_FID, 0, "fid" }, { F_HEX32, FV, "valid" },
	{ F_OCT32, FV, "mode" }, { F_U32, FV, "uid" }, { F_U32, FV, "gid" },
	{ F_U64, FV, "size" }, END };
static const struct p9_field f_xattrwalk[] = {
	{ F_FID, 0, "fid" }, { F_FID, 0, "newfid" }, { F_STR, 0, "name" },
	END };
static const struct p9_field f_rxattrwalk[] = { { F_U64, 0, "size" }, END };
static const struct p9_field f_xattrcreate[] = {
	{ F_FID, 0, "fid" }, { F_STR, 0, "name" },
	{ F_U64, FV, "attr_size" }, { F_U32, FV, "flags" }, END };
static const struct p9_field f_rreaddir[] = {
	{ F_DIRENTS, 0, "count" }, END };
static const struct p9_field f_fsync[] = {
	{ F_FID, 0, "fid" }, { F_U32, FV | FOPT, "datasync" }, END };
static const struct p9_field f_lock[] = {
	{ F_FID, 0, "fid" }, { F_U8, 0, "type" }, { F_HEX32, FV, "flags" },
	{ F_U64, FV, "start" }, { F_U64, FV, "length" },
	{ F_U32, FV, "proc_id" }, { F_STR, FV, "client_id" }, END };
static const struct p9_field f_rlock[] = { { F_U8, 0, "status" }, END };
static const struct p9_field f_getlock[] = {
	{ F_FID, 0, "fid" }, { F_U8, 0, "type" }, { F_U64, FV, "start" },
	{ F_U64, FV, "length" }, { F_U32, FV, "proc_id" },
	{ F_STR, FV, "client_id" }, END };
static const struct p9_field f_rgetlock[] = {
	{ F_U8, 0, "type" }, { F_U64, FV, "start" }, { F_U64, FV, "length" },
	{ F_U32, FV, "proc_id" }, { F_STR, FV, "client_id" }, END };
static const struct p9_field f_link[] = {
	{ F_FID, 0, "dfid" }, { F_FID, 0, "fid" }, { F_STR, 0, "name" },
	END };
static const struct p9_field f_mkdir[] = {
	{ F_FID, 0, "dfid" }, { F_STR, 0, "name" }, { F_OCT32, 0, "mode" },
	{ F_U32, FV, "gid" }, END };
static const struct p9_field f_renameat[] = {
	{ F_FID, 0, "olddirfid" }, { F_STR, 0, "oldname" },
	{ F_FID, 0, "newdirfid" }, { F_STR, 0, "newname" }, END };
static const struct p9_field f_unlinkat[] = {
	{ F_FID, 0, "dirfid" }, { F_STR, 0, "name" },
	{ F_HEX32, FV, "flags" }, END };

/*
 * The message types: 9P2000's from 100, 9P2000.L's below (the Linux
 * kernel's include/net/9p/9p.h).  Tlerror and Terror are never sent.
 */
static const struct p9_msg msgs[P9_TYPES] = {
	[7] = { "Rlerror", f_lerror },
	[8] = { "Tstatfs", f_fid }, [9] = { "Rstatfs", f_statfs },
	[12] = { "Tlopen", f_lopen }, [13] = { "Rlopen", f_qid_iounit },
	[14] = { "Tlcreate", f_lcreate }, [15] = { "Rlcreate", f_qid_iounit },
	[16] = { "Tsymlink", f_symlink }, [17] = { "Rsymlink", f_qid },
	[18] = { "Tmknod", f_mknod }, [19] = { "Rmknod", f_qid },
	[20] = { "Trename", f_rename }, [21] = { "Rrename", f_none },
	[22] = { "Treadlink", f_fid }, [23] = { "Rreadlink", f_readlink },
	[24] = { "Tgetattr", f_getattr }, [25] = { "Rgetattr", f_rgetattr },
	[26] = { "Tsetattr", f_setattr }, [27] = { "Rsetattr", f_none },
	[30] = { "Txattrwalk", f_xattrwalk },
	[31] = { "Rxattrwalk", f_rxattrwalk },
	[32] = { "Txattrcreate", f_xattrcreate },
	[33] = { "Rxattrcreate", f_none },
	[40] = { "Treaddir", f_io }, [41] = { "Rreaddir", f_rreaddir },
	[50] = { "Tfsync", f_fsync }, [51] = { "Rfsync", f_none },
	[52] = { "Tlock", f_lock }, [53] = { "Rlock", f_rlock },
	[54] = { "Tgetlock", f_getlock }, [55] = { "Rgetlock", f_rgetlock },
	[70] = { "Tlink", f_link }, [71] = { "Rlink", f_none },
	[72] = { "Tmkdir", f_mkdir }, [73] = { "Rmkdir", f_qid },
	[74] = { "Trenameat", f_renameat }, [75] = { "Rrenameat", f_none },
	[76] = { "Tunlinkat", f_unlinkat }, [77] = { "Runlinkat", f_none },
	[100] = { "Tversion", f_version }, [101] = { "Rversion", f_version },
	[102] = { "Tauth", f_auth }, [103] = { "Rauth", f_qid },
	[104] = { "Tattach", f_attach }, [105] = { "Rattach", f_qid },
	[107] = { "Rerror", f_error },
	[108] = { "Tflush", f_flush }, [109] = { "Rflush", f_none },
	[110] = { "Twalk", f_walk }, [111] = { "Rwalk", f_rwalk },
	[112] = { "Topen", f_open }, [113] = { "Ropen", f_qid_iounit },
	[114] = { "Tcreate", f_create }, [115] = { "Rcreate", f_qid_iounit },
	[116] = { "Tread", f_io }, [117] = { "Rread", f_data },
	[118] = { "Twrite", f_write }, [119] = { "Rwrite", f_count },
	[120] = { "Tclunk", f_fid }, [121] = { "Rclunk", f_none },
	[122] = { "Tremove", f_fid }, [123] = { "Rremove", f_none },
	[124] = { "Tstat", f_fid }, [125] = { "Rstat", f_none },
	[126] = { "Twstat", f_fid }, [127] = { "Rwstat", f_none },
};

/* Linux's errno values (asm-generic/errno-base.h, errno.h), in part. */
static const char *const errno_names[] = {
	[1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR",
	[5] = "EIO", [6] = "ENXIO", [7] = "E2BIG", [8] = "ENOEXEC",
	[9] = "EBADF", [10] = "ECHILD", [11] = "EAGAIN", [12] = "ENOMEM",
	[13] = "EACCES", [14] = "EFAULT", [15] = "ENOTBLK", [16] = "EBUSY",
	[17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV", [20] = "ENOTDIR",
	[21] = "EISDIR", [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE",
	[25] = "ENOTTY", [26] = "ETXTBSY", [27] = "EFBIG", [28] = "ENOSPC",
	[29] = "ESPIPE", [30] = "EROFS", [31] = "EMLINK", [32] = "EPIPE",
	[33] = "EDOM", [34] = "ERANGE", [35] = "EDEADLK",
	[36] = "ENAMETOOLONG", [37] = "ENOLCK", [38] = "ENOSYS",
	[39] = "ENOTEMPTY", [40] = "ELOOP", [42] = "ENOMSG",
	[61] = "ENODATA", [75] = "EOVERFLOW", [95] = "EOPNOTSUPP",
	[110] = "ETIMEDOUT", [116] = "ESTALE", [122] = "EDQUOT",
	[125] = "ECANCELED"
};

/* 9P2000.L's open flags (P9_DOTL_*), Linux's values, beyond the mode. */
static const struct {
	uint32_t bit;
	const char *name;
} lflags[] = {
	{ 00000100, "O_CREAT" }, { 00000200, "O_EXCL" },
	{ 00000400, "O_NOCTTY" }, { 00001000, "O_TRUNC" },
	{ 00002000, "O_APPEND" }, { 00004000, "O_NONBLOCK" },
	{ 00010000, "O_DSYNC" }, { 00020000, "FASYNC" },
	{ 00040000, "O_DIRECT" }, { 00100000, "O_LARGEFILE" },
	{ 00200000, "O_DIRECTORY" }, { 00400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" }, { 02000000, "O_CLOEXEC" },
	{ 04000000, "O_SYNC" }
};

/* --- framing ----------------------------------------------------------- */

/* The least body of a message whose fields are fl. */
static size_t
min_body(const struct p9_field *fl)
{
	size_t n = 0;

	for (; fl->kind != F_END; fl++) {
		if (fl->flags & FOPT)
			continue;
		switch (fl->kind) {
		case F_U8:
			n += 1;
			break;
		case F_U16: case F_STR: case F_WNAMES: case F_WQIDS:
			n += 2;
			break;
		case F_U64: case F_HEX64:
			n += 8;
			break;
		case F_QID:
			n += 13;
			break;
		default:
			n += 4;
		}
	}
	return n;
}

/* Whether the 5 bytes at p can start a message: its size and type. */
static int
header_ok(const struct p9_state *st, const uint8_t *p)
{
	uint32_t size = EXTRACT_LE_U_4(p);
	uint32_t limit = st->msize >= P9_MSIZE_MIN ? st->msize : P9_SIZE_MAX;
	const struct p9_msg *m;

	if (p[4] >= P9_TYPES)
		return 0;
	m = &msgs[p[4]];
	return m->name != NULL && size <= limit &&
	    size >= P9_HDR + min_body(m->fields);
}

/* A Tversion of tag NOTAG at the start: "9P2000", ".u", ".L", ... */
static int
p9_probe(const uint8_t *p, size_t n)
{
	uint32_t size;
	uint16_t vlen;

	if (n < P9_HDR + 4 + 2 + 6)
		return DECODE_NO;
	size = EXTRACT_LE_U_4(p);
	vlen = EXTRACT_LE_U_2(p + P9_HDR + 4);
	if (p[4] != P9_TVERSION || EXTRACT_LE_U_2(p + 5) != 0xffff ||
	    vlen < 6 || size != (uint32_t)P9_HDR + 4 + 2 + vlen ||
	    memcmp(p + P9_HDR + 6, "9P2000", 6) != 0)
		return DECODE_NO;
	return DECODE_YES;
}

static int64_t
p9_frame_len(void *state, int dir, const uint8_t *p, size_t n)
{
	(void)dir;
	if (n < 5)
		return DECODE_MORE;
	if (!header_ok(state, p))
		return DECODE_NOT_FRAME;
	return EXTRACT_LE_U_4(p);
}

/*
 * Out of step: the first place where a message header can be, and,
 * where its end is at hand, the next one too.
 */
static int64_t
p9_resync(void *state, int dir, const uint8_t *p, size_t n)
{
	size_t i, next;

	(void)dir;
	for (i = 0; i + 5 <= n; i++) {
		if (!header_ok(state, p + i))
			continue;
		next = i + EXTRACT_LE_U_4(p + i);
		if (next + 5 <= n && !header_ok(state, p + next))
			continue;
		return (int64_t)i;
	}
	return -1;
}

/* --- fields ------------------------------------------------------------ */

/* A string: its bytes at *s, as many as there are (r->cut if fewer). */
static size_t
p9_string(struct fields *r, const uint8_t **s)
{
	size_t len = fields_le16(r), have;

	*s = NULL;
	if (r->cut)
		return 0;
	have = fields_left(r);
	*s = fields_take(r, len < have ? len : have);
	if (len > have)
		r->cut = 1;
	return len < have ? len : have;
}

static void
p9_number(const struct p9_field *fl, struct fields *r, struct line *l)
{
	uint64_t v;

	switch (fl->kind) {
	case F_U8:
		v = fields_u8(r);
		break;
	case F_U16:
		v = fields_le16(r);
		break;
	case F_U64: case F_HEX64:
		v = fields_le64(r);
		break;
	default:
		v = fields_le32(r);
	}
	if (r->cut)
		return;
	switch (fl->kind) {
	case F_FID:
		if (v == P9_NOFID) {
			line_add(l, " %s -1", fl->label);
			return;
		}
		break;
	case F_HEX32: case F_HEX64:
		line_add(l, " %s 0x%llx", fl->label, (unsigned long long)v);
		return;
	case F_OCT32:
		line_add(l, " %s %#llo", fl->label, (unsigned long long)v);
		return;
	}
	line_add(l, " %s %llu", fl->label, (unsigned long long)v);
}

static void
p9_qid(struct fields *r, const char *label, struct line *l)
{
	static const char *const types[] = { "file", "link", "symlink",
	    NULL, "tmp", NULL, NULL, NULL, "auth" };
	uint8_t type = fields_u8(r);
	uint32_t version = fields_le32(r);
	uint64_t path = fields_le64(r);

	if (r->cut)
		return;
	line_add(l, " %s (0x%llx %u ", label, (unsigned long long)path,
	    version);
	if (type < NELEM(types) && types[type] != NULL)
		line_add(l, "%s)", types[type]);
	else if (type == 0x80 || type == 0x40 || type == 0x20 || type == 0x10)
		line_add(l, "%s)", type == 0x80 ? "dir" : type == 0x40 ?
		    "append" : type == 0x20 ? "excl" : "mount");
	else
		line_add(l, "0x%02x)", type);
}

static void
p9_lflags(struct fields *r, const char *label, struct line *l)
{
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY",
	    "O_RDWR", "O_NOACCESS" };
	uint32_t v = fields_le32(r), rest;
	size_t i;

	if (r->cut)
		return;
	line_add(l, " %s %s", label, modes[v & 3]);
	rest = v & ~(uint32_t)3;
	for (i = 0; i < NELEM(lflags); i++)
		if (rest & lflags[i].bit) {
			line_add(l, "|%s", lflags[i].name);
			rest &= ~lflags[i].bit;
		}
	if (rest != 0)
		line_add(l, "|0x%x", rest);
}

static void
p9_ecode(struct fields *r, const char *label, struct line *l)
{
	uint32_t v = fields_le32(r);

	if (r->cut)
		return;
	line_add(l, " %s %u", label, v);
	if (v < NELEM(errno_names) && errno_names[v] != NULL)
		line_add(l, " %s", errno_names[v]);
}

static void
p9_wnames(struct fields *r, const char *label, struct line *l)
{
	const uint8_t *s;
	unsigned nw = fields_le16(r), i;
	size_t len;

	if (r->cut)
		return;
	line_add(l, " %s %u", label, nw);
	for (i = 0; i < nw && i < P9_MAXWELEM; i++) {
		len = p9_string(r, &s);
		if (s == NULL)
			return;
		line_text(l, " ", s, len, P9_NAME_SHOW, 1);
		if (r->cut)
			return;
	}
	if (nw > P9_MAXWELEM)
		line_add(l, " ...");
}

static void
p9_wqids(struct fields *r, const char *label, struct line *l,
    struct line *det)
{
	unsigned nw = fields_le16(r), i;

	if (r->cut)
		return;
	line_add(l, " %s %u", label, nw);
	for (i = 0; i < nw && i < P9_MAXWELEM && !r->cut; i++)
		p9_qid(r, "qid", det);
}

/* count[4] then data: the count, and the data's first bytes at -v. */
static void
p9_data(struct fields *r, const char *label, struct line *l,
    struct line *det)
{
	uint32_t count = fields_le32(r);
	size_t have;

	if (r->cut)
		return;
	line_add(l, " %s %u", label, count);
	have = fields_left(r) < count ? fields_left(r) : count;
	if (count > 0)
		line_text(det, " data ", fields_take(r, have), have,
		    P9_NAME_SHOW, 1);
	if (have < count)
		r->cut = 1;
}

/*
 * Rreaddir's entries (9P2000.L): qid[13] offset[8] type[1] name[s]
 * each; their names at -v.
 */
static void
p9_dirents(struct fields *r, const char *label, struct line *l,
    struct line *det)
{
	uint32_t count = fields_le32(r);
	struct fields d;
	const uint8_t *s;
	size_t len;
	unsigned i;

	if (r->cut)
		return;
	line_add(l, " %s %u", label, count);
	len = fields_left(r) < count ? fields_left(r) : count;
	fields_init(&d, fields_take(r, len), len);
	if (len < count)
		r->cut = 1;
	for (i = 0; fields_left(&d) > 0 && i < P9_DIRENTS_SHOW; i++) {
		(void)fields_take(&d, 13 + 8 + 1);
		len = p9_string(&d, &s);
		if (s == NULL)
			break;
		line_text(det, i == 0 ? " entries " : " ", s, len,
		    P9_NAME_SHOW, 1);
	}
	if (fields_left(&d) > 0)
		line_add(det, " ...");
}

static void
p9_field(const struct p9_field *fl, struct fields *r, struct line *l,
    struct line *det)
{
	const uint8_t *s;
	char sep[32];
	size_t len;

	switch (fl->kind) {
	case F_STR:
		len = p9_string(r, &s);
		(void)snprintf(sep, sizeof(sep), " %s ", fl->label);
		if (s != NULL)
			line_text(l, sep, s, len, P9_NAME_SHOW, 1);
		break;
	case F_QID:
		p9_qid(r, fl->label, l);
		break;
	case F_LFLAGS:
		p9_lflags(r, fl->label, l);
		break;
	case F_ECODE:
		p9_ecode(r, fl->label, l);
		break;
	case F_WNAMES:
		p9_wnames(r, fl->label, l);
		break;
	case F_WQIDS:
		p9_wqids(r, fl->label, l, det);
		break;
	case F_DATA:
		p9_data(r, fl->label, l, det);
		break;
	case F_DIRENTS:
		p9_dirents(r, fl->label, l, det);
		break;
	default:
		p9_number(fl, r, l);
	}
}

/* --- messages ---------------------------------------------------------- */

/* Tversion's and Rversion's msize: the bound of every message after. */
static void
p9_version(struct p9_state *st, struct decode_frame *f, unsigned type)
{
	uint32_t msize;

	if (f->n < P9_HDR + 4)
		return;
	msize = EXTRACT_LE_U_4(f->p + P9_HDR);
	if (type == P9_RVERSION || st->msize == 0)
		st->msize = msize;
}

/* The call: a T-message asks, its R-message (or an error) answers. */
static void
p9_call(struct decode_frame *f, const struct p9_msg *m, unsigned type,
    unsigned tag, struct line *sum)
{
	const char *method;
	int error = type == P9_RLERROR || type == P9_RERROR;

	if (type % 2 == 0) {
		decode_request(f, tag, m->name + 1, strlen(m->name + 1));
		return;
	}
	method = decode_response(f, tag, error);
	if (error && method != NULL)
		line_add(sum, " (%s)", method);
}

static void
p9_one(void *state, struct decode_frame *f)
{
	const struct p9_field *fl;
	const struct p9_msg *m;
	char sbuf[512], dbuf[512];
	struct line sum, det;
	struct fields r;
	unsigned type, tag;

	fields_init(&r, f->p, f->n < f->total ? f->n : (size_t)f->total);
	(void)fields_le32(&r);
	type = fields_u8(&r);
	tag = fields_le16(&r);
	if (r.cut || type >= P9_TYPES || msgs[type].name == NULL) {
		decode_summary(f, "[truncated]");
		return;
	}
	m = &msgs[type];
	line_init(&sum, sbuf, sizeof(sbuf));
	line_init(&det, dbuf, sizeof(dbuf));
	line_add(&sum, "%s tag %u", m->name, tag);
	for (fl = m->fields; fl->kind != F_END && !r.cut; fl++) {
		if ((fl->flags & FOPT) && fields_left(&r) == 0)
			break;
		p9_field(fl, &r, (fl->flags & FV) ? &det : &sum, &det);
	}
	if (type == P9_TVERSION || type == P9_RVERSION)
		p9_version(state, f, type);
	p9_call(f, m, type, tag, &sum);
	if (f->n < f->total)
		line_add(&sum, " [truncated]");
	else if (r.cut)
		line_add(&sum, " [malformed]");
	decode_summary(f, "%s", sbuf);
	if (det.len > 0)
		decode_detail(f, "%s", dbuf + 1);
}

/*
 * A frame: a message of a STREAM (p9_frame_len() cut it), or what a
 * SEQPACKET message holds: 9P messages, or other bytes.
 */
static void
p9_frame(void *state, struct decode_frame *f)
{
	struct decode_frame g = *f;
	uint64_t off = 0, len;

	if (f->conv->type != VSOCK_TYPE_SEQPACKET) {
		p9_one(state, f);
		return;
	}
	while (off < f->n) {
		if (f->n - off < 5 && f->total - off >= 5) {
			decode_summary(f, "[truncated]");
			return;
		}
		if (f->n - off < 5 || !header_ok(state, f->p + off) ||
		    (len = EXTRACT_LE_U_4(f->p + off)) > f->total - off) {
			decode_summary(f, "[%llu bytes not 9p]",
			    (unsigned long long)(f->total - off));
			return;
		}
		g.p = f->p + off;
		g.n = len < f->n - off ? (size_t)len : f->n - off;
		g.total = len;
		p9_one(state, &g);
		off += len;
	}
}

const struct decoder decoder_9p = {
	.name = "9p",
	.label = "9P",
	.rpc = RPC_9P,
	.state_size = sizeof(struct p9_state),
	.probe = p9_probe,
	.sig_off = 4,
	.sig_byte = P9_TVERSION,
	.frame_len = p9_frame_len,
	.resync = p9_resync,
	.frame = p9_frame,
};
