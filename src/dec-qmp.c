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
 * QMP, the QEMU Machine Protocol, as QEMU and its guest agent (qemu-ga
 * -m vsock-listen) speak it: JSON objects one after another (QEMU's
 * docs/interop/qmp-spec.rst), their members in any order:
 *
 *	{"execute": CMD, "arguments": {...}, "id": ID}	(or "exec-oob")
 *	{"return": VALUE, "id": ID}
 *	{"error": {"class": CLASS, "desc": TEXT}, "id": ID}
 *	{"event": NAME, "data": {...}, "timestamp": {...}}
 *	{"QMP": {"version": {...}, "capabilities": [...]}}, the greeting
 *
 * Between objects: white space, and the byte 0xff, which a client sends
 * to reset the agent's parser and guest-sync-delimited puts before its
 * answer (qmp-spec, "QGA Synchronization"; guest-sync-delimited in
 * qemu-ga's qga/qapi-schema.json).
 *
 * QMP over a vsock is on a port its user chooses: no default port
 * (--decode-as PORT=qmp).  Calls are matched by order, as the server
 * answers in-band commands in the order it reads them: each
 * conversation counts its commands and its answers ("id" is shown, not
 * matched on).  Order is all there is to match on without ids: a
 * command answered out of band (exec-oob) or not at all on success
 * (guest-shutdown, guest-suspend-*) puts the ranks after it out of step.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "json.h"
#include "text.h"

#define QMP_NAME_MAX	128	/* a command's, event's, class's name */
#define QMP_SHORT_MAX	48	/* a string or a scalar in a summary */
#define QMP_DETAIL_MAX	256	/* a value, compact, at -v */
#define QMP_ESCAPED(n)	(4 * (n) + 8)	/* n bytes escaped, quoted, cut */

struct qmp_state {
	struct json_scan scan[2];	/* of the object a direction is in */
	uint8_t		cut[2];		/* the rest of a cut object follows */
	uint64_t	commands, answers;	/* the ranks so far */
};

/* The members of a message that say what it is. */
struct qmp_msg {
	struct json_value execute, oob, arguments, id, ret, error, event,
			data, timestamp, greeting;
};

static const struct {
	const char	*name;
	size_t		off;
} qmp_members[] = {
	{ "execute",	offsetof(struct qmp_msg, execute) },
	{ "exec-oob",	offsetof(struct qmp_msg, oob) },
	{ "arguments",	offsetof(struct qmp_msg, arguments) },
	{ "id",		offsetof(struct qmp_msg, id) },
	{ "return",	offsetof(struct qmp_msg, ret) },
	{ "error",	offsetof(struct qmp_msg, error) },
	{ "event",	offsetof(struct qmp_msg, event) },
	{ "data",	offsetof(struct qmp_msg, data) },
	{ "timestamp",	offsetof(struct qmp_msg, timestamp) },
	{ "QMP",	offsetof(struct qmp_msg, greeting) },
};

#define NMEMBERS	(sizeof(qmp_members) / sizeof(qmp_members[0]))

/* What may come between two objects. */
static int
is_separator(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xff;
}

/* --- framing ----------------------------------------------------------- */

/* Bytes enough to tell whether a message starts (starts_message()). */
#define QMP_START_MAX	64

/*
 * Whether p (n bytes, p[0] '{') starts a message: "{", then the name of
 * a member only a message has at its top (not "data", common in
 * values): 1, 0, or -1 if the n bytes end too soon to tell.
 */
static int
starts_message(const uint8_t *p, size_t n)
{
	size_t i, k, len;
	uint8_t quote;

	for (i = 1; i < n && is_separator(p[i]) && p[i] != 0xff; i++)
		continue;
	if (i + 1 >= n)
		return n < QMP_START_MAX ? -1 : 0;
	if (p[i] != '"' && p[i] != '\'')
		return 0;
	quote = p[i++];
	for (k = 0; k < NMEMBERS; k++) {
		len = strlen(qmp_members[k].name);
		if (strcmp(qmp_members[k].name, "data") == 0 ||
		    memcmp(p + i, qmp_members[k].name,
		    n - i < len ? n - i : len) != 0)
			continue;
		if (n - i <= len)
			return n < QMP_START_MAX ? -1 : 0;
		if (p[i + len] == quote)
			return 1;
	}
	return 0;
}

/*
 * A frame is a run of separators, or one object.  An object's length is
 * known only at its end: until then DECODE_MORE, and once
 * --decode-buffer bytes are at hand the stream layer has them decoded
 * as the start of a longer frame.  qmp_frame() then marks the direction
 * cut: what follows is the rest of that object, out of step, unless it
 * starts like a message (a cut by a one-byte gap).  The scan goes on
 * from where it stopped as bytes arrive.
 */
static int64_t
qmp_frame_len(void *state, int dir, const uint8_t *p, size_t n)
{
	struct qmp_state *st = state;
	struct json_scan *scan = &st->scan[dir];
	int64_t len;
	size_t k;

	for (k = 0; k < n && is_separator(p[k]); k++)
		continue;
	if (k > 0)
		return (int64_t)k;
	if (p[0] != '{')
		return DECODE_NOT_FRAME;
	if (st->cut[dir]) {
		switch (starts_message(p, n)) {
		case 0:
			return DECODE_NOT_FRAME;
		case -1:
			return DECODE_MORE;
		}
		st->cut[dir] = 0;
	}
	if (scan->off > n)
		memset(scan, 0, sizeof(*scan));
	len = json_object_len(scan, p, n);
	if (len == JSON_BAD)
		return DECODE_NOT_FRAME;
	if (len == JSON_MORE)
		return DECODE_MORE;
	return len;
}

/* Out of step: the next object that starts like a message. */
static int64_t
qmp_resync(void *state, int dir, const uint8_t *p, size_t n)
{
	struct qmp_state *st = state;
	const uint8_t *q;
	int r;

	memset(&st->scan[dir], 0, sizeof(st->scan[dir]));
	st->cut[dir] = 0;
	for (q = p; (q = memchr(q, '{', (size_t)(p + n - q))) != NULL; q++)
		if ((r = starts_message(q, (size_t)(p + n - q))) != 0)
			return r > 0 ? q - p : -1;
	return -1;
}

/* --- values as text ---------------------------------------------------- */

/* A string's text (other values' compact JSON) in name, its length. */
static size_t
qmp_name(const struct json_value *v, char *name, size_t size)
{
	if (json_type(v) == JSON_STRING)
		return json_string(v, name, size, NULL);
	return json_compact(v, name, size, NULL);
}

/* A name from the wire, escaped. */
static void
qmp_name_text(const struct json_value *v, char *text, size_t size)
{
	char name[QMP_NAME_MAX];
	size_t len;

	if (v->p == NULL) {
		(void)snprintf(text, size, "?");
		return;
	}
	len = qmp_name(v, name, sizeof(name));
	(void)text_escape(text, size, name, len);
}

/*
 * A value, short: a string quoted, a number or literal as it is (cut
 * at QMP_SHORT_MAX), an object or array as {} or [] if empty, else
 * {...} or [...].
 */
static void
qmp_short(const struct json_value *v, char *text, size_t size)
{
	char raw[QMP_SHORT_MAX + 1];
	size_t len, i;
	int cut = 0;

	switch (json_type(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		for (i = 1; i < v->n && is_separator(v->p[i]); i++)
			continue;
		(void)snprintf(text, size, "%c%s%c", v->p[0],
		    i < v->n && (v->p[i] == '}' || v->p[i] == ']') ? "" :
		    "...", v->p[0] == '{' ? '}' : ']');
		return;
	case JSON_STRING:
		len = json_string(v, raw, sizeof(raw), &cut);
		text[0] = '"';
		len = text_escape(text + 1, size - 3, raw, len);
		(void)snprintf(text + 1 + len, size - 1 - len, "%s\"",
		    cut ? "..." : "");
		return;
	case JSON_SCALAR:
		len = json_compact(v, raw, sizeof(raw), &cut);
		len = text_escape(text, size - 3, raw, len);
		(void)snprintf(text + len, size - len, "%s", cut ? "..." : "");
		return;
	}
	(void)snprintf(text, size, "?");
}

/* At -v: "label VALUE", the value compact, escaped, cut. */
static void
qmp_detail(struct decode_frame *f, const char *label,
    const struct json_value *v)
{
	char raw[QMP_DETAIL_MAX + 1], text[QMP_ESCAPED(QMP_DETAIL_MAX)];
	size_t len;
	int cut = 0;

	if (f->verbose == 0 || v->p == NULL)
		return;
	if (json_type(v) == JSON_STRING) {
		len = json_string(v, raw, sizeof(raw), &cut);
		(void)text_escape(text, sizeof(text), raw, len);
		decode_detail(f, "%s \"%s%s\"", label, text, cut ? "..." : "");
		return;
	}
	len = json_compact(v, raw, sizeof(raw), &cut);
	(void)text_escape(text, sizeof(text), raw, len);
	decode_detail(f, "%s %s%s", label, text, cut ? "..." : "");
}

/* --- messages ---------------------------------------------------------- */

static void
qmp_command(struct qmp_state *st, struct decode_frame *f,
    const struct qmp_msg *m, const char *mark)
{
	const struct json_value *v = m->oob.p != NULL ? &m->oob : &m->execute;
	char name[QMP_NAME_MAX], text[QMP_ESCAPED(QMP_NAME_MAX)];
	size_t len;

	len = qmp_name(v, name, sizeof(name));
	(void)text_escape(text, sizeof(text), name, len);
	decode_summary(f, "%s %s%s", v == &m->oob ? "exec-oob" : "execute",
	    text, mark);
	qmp_detail(f, "arguments", &m->arguments);
	qmp_detail(f, "id", &m->id);
	st->commands++;
	decode_request(f, st->commands, name, len);
}

/*
 * An answer: it answers the oldest command not yet answered, if any
 * (none: its command was before the capture).  Returns " (COMMAND)"
 * in buf, or "".
 */
static const char *
qmp_answer(struct qmp_state *st, struct decode_frame *f, int error,
    char *buf, size_t size)
{
	const char *method = NULL;

	buf[0] = '\0';
	if (st->answers < st->commands) {
		st->answers++;
		method = decode_response(f, st->answers, error);
	}
	if (method != NULL)
		(void)snprintf(buf, size, " (%s)", method);
	return buf;
}

static void
qmp_return(struct qmp_state *st, struct decode_frame *f,
    const struct qmp_msg *m, const char *mark)
{
	char value[QMP_ESCAPED(QMP_SHORT_MAX)], answers[QMP_NAME_MAX * 2];
	int kind;

	qmp_short(&m->ret, value, sizeof(value));
	decode_summary(f, "return %s%s%s", value, mark,
	    qmp_answer(st, f, 0, answers, sizeof(answers)));
	/* In full where the summary's is short of it. */
	kind = json_type(&m->ret);
	if (m->ret.n > (kind == JSON_OBJECT || kind == JSON_ARRAY ? 2 :
	    QMP_SHORT_MAX))
		qmp_detail(f, "return", &m->ret);
	qmp_detail(f, "id", &m->id);
}

static void
qmp_error(struct qmp_state *st, struct decode_frame *f,
    const struct qmp_msg *m, const char *mark)
{
	char class[QMP_ESCAPED(QMP_NAME_MAX)], desc[QMP_ESCAPED(QMP_SHORT_MAX)];
	char answers[QMP_NAME_MAX * 2];
	struct json_value v;

	(void)json_member(&m->error, "class", &v);
	qmp_name_text(&v, class, sizeof(class));
	desc[0] = ' ';
	if (json_member(&m->error, "desc", &v))
		qmp_short(&v, desc + 1, sizeof(desc) - 1);
	else
		desc[0] = '\0';
	decode_summary(f, "error %s%s%s%s", class, desc, mark,
	    qmp_answer(st, f, 1, answers, sizeof(answers)));
	qmp_detail(f, "desc", &v);
	qmp_detail(f, "id", &m->id);
}

static void
qmp_event(struct decode_frame *f, const struct qmp_msg *m, const char *mark)
{
	char name[QMP_ESCAPED(QMP_NAME_MAX)];

	qmp_name_text(&m->event, name, sizeof(name));
	decode_summary(f, "event %s%s", name, mark);
	qmp_detail(f, "data", &m->data);
	qmp_detail(f, "timestamp", &m->timestamp);
}

/* The greeting, with QEMU's version (query-version's "qemu" member). */
static void
qmp_greeting(struct decode_frame *f, const struct qmp_msg *m,
    const char *mark)
{
	static const char *const parts[] = { "major", "minor", "micro" };
	char text[3][QMP_ESCAPED(QMP_SHORT_MAX)];
	struct json_value version, qemu, v;
	int i;

	if (!json_member(&m->greeting, "version", &version) ||
	    !json_member(&version, "qemu", &qemu))
		decode_summary(f, "greeting%s", mark);
	else {
		for (i = 0; i < 3; i++) {
			(void)json_member(&qemu, parts[i], &v);
			qmp_short(&v, text[i], sizeof(text[i]));
		}
		decode_summary(f, "greeting qemu %s.%s.%s%s", text[0],
		    text[1], text[2], mark);
	}
	qmp_detail(f, "version", &version);
	(void)json_member(&m->greeting, "capabilities", &v);
	qmp_detail(f, "capabilities", &v);
}

/* The members of obj that say what it is. */
static void
qmp_read(const struct json_value *obj, struct qmp_msg *m)
{
	struct json_value key, value, *slot;
	struct json_iter it;
	size_t k;

	memset(m, 0, sizeof(*m));
	json_members(&it, obj);
	while (json_next(&it, &key, &value))
		for (k = 0; k < NMEMBERS; k++)
			if (json_key_is(&key, qmp_members[k].name)) {
				slot = (struct json_value *)(void *)
				    ((char *)m + qmp_members[k].off);
				if (slot->p == NULL)
					*slot = value;
				break;
			}
}

/* An object, of n bytes at p; not whole: cut there. */
static void
qmp_object(struct qmp_state *st, struct decode_frame *f, const uint8_t *p,
    size_t n, int whole)
{
	struct json_value obj = { p, n, !whole };
	struct qmp_msg m;
	char mark[64] = "";

	if (!whole)
		(void)snprintf(mark, sizeof(mark),
		    " [JSON object cut at %zu bytes]", n);
	qmp_read(&obj, &m);
	if (m.execute.p != NULL || m.oob.p != NULL)
		qmp_command(st, f, &m, mark);
	else if (m.ret.p != NULL)
		qmp_return(st, f, &m, mark);
	else if (m.error.p != NULL)
		qmp_error(st, f, &m, mark);
	else if (m.event.p != NULL)
		qmp_event(f, &m, mark);
	else if (m.greeting.p != NULL)
		qmp_greeting(f, &m, mark);
	else
		decode_summary(f, "%s", whole ? "[not a QMP message]" :
		    mark + 1);
}

/*
 * A frame: on a STREAM, separators or one object (qmp_frame_len()); a
 * SEQPACKET message may hold any number of each.
 */
static void
qmp_frame(void *state, struct decode_frame *f)
{
	struct qmp_state *st = state;
	struct json_scan scan;
	size_t pos = 0;
	int64_t len;

	memset(&st->scan[f->dir], 0, sizeof(st->scan[f->dir]));
	for (;;) {
		while (pos < f->n && is_separator(f->p[pos]))
			pos++;
		if (pos >= f->n)
			return;
		memset(&scan, 0, sizeof(scan));
		len = json_object_len(&scan, f->p + pos, f->n - pos);
		if (len == JSON_BAD) {
			decode_summary(f, "[not a JSON object]");
			return;
		}
		if (len == JSON_MORE) {
			qmp_object(st, f, f->p + pos, f->n - pos, 0);
			st->cut[f->dir] = f->n < f->total;
			return;
		}
		qmp_object(st, f, f->p + pos, (size_t)len, 1);
		pos += (size_t)len;
	}
}

const struct decoder decoder_qmp = {
	.name = "qmp",
	.label = "QMP",
	.rpc = RPC_QMP,
	.state_size = sizeof(struct qmp_state),
	.frame_len = qmp_frame_len,
	.resync = qmp_resync,
	.frame = qmp_frame,
};
