/* packet-vsock.c
 * Routines for Linux vsock (AF_VSOCK) dissection
 * Copyright 2016, Gerard Garcia <ggarcia@deic.uab.cat>
 * Copyright 2026, The vsockdump authors
 *
 * Wireshark - Network traffic analyzer
 * By Gerald Combs <gerald@wireshark.org>
 * Copyright 1998 Gerald Combs
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

/*
 * AF_VSOCK sockets carry data between virtual machines and their host
 * (QEMU/KVM, Firecracker, Nitro Enclaves, ...) with the ordinary socket
 * API.  Linux hands a copy of every packet of the virtio transport to
 * vsockmon devices: a vsockmon header (include/uapi/linux/vsockmon.h),
 * then a transport header of the length that header gives, then the
 * payload.  All fields are little-endian.  The virtio header is struct
 * virtio_vsock_hdr (include/uapi/linux/virtio_vsock.h); its meaning is
 * in the virtio specification, "Socket Device".
 *
 * Besides the headers this dissector
 *  - hands the payload of STREAM connections to the dissector of the
 *    port (the "vsock.port" table, Decode As, the "vsock" heuristics),
 *    reassembled as TCP does when that dissector asks for more bytes,
 *    and the payload of SEQPACKET connections one message at a time;
 *  - numbers the connections (vsock.stream) and follows their credit
 *    (the virtio specification's buffer space management), giving
 *    expert infos for zero windows, stalls, refused and unanswered
 *    requests and for packets that break the rules;
 *  - feeds the conversation table and Follow vsock Stream.
 *
 * Linux cooked captures ("-i any") carry vsockmon frames as ARPHRD 826.
 */

#include "config.h"

#include <epan/packet.h>
#include <epan/address_types.h>
#include <epan/conversation.h>
#include <epan/conversation_table.h>
#include <epan/decode_as.h>
#include <epan/exceptions.h>
#include <epan/expert.h>
#include <epan/follow.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/show_exception.h>
#include <epan/tap.h>
#include <epan/tfs.h>
#include <epan/arptypes.h>
#include <wiretap/wtap.h>
#include <wsutil/pint.h>
#include <wsutil/str_util.h>
#include <wsutil/utf8_entities.h>

void proto_register_vsock(void);
void proto_reg_handoff_vsock(void);

static int proto_vsock = -1;
static int vsock_address_type = -1;
static int vsock_tap = -1;
static int vsock_follow_tap = -1;

static dissector_handle_t vsock_handle;
static dissector_table_t vsock_port_table;
static heur_dissector_list_t vsock_heur_list;

/* vsockmon header */
static int hf_vsock_src_cid = -1;
static int hf_vsock_dst_cid = -1;
static int hf_vsock_cid = -1;
static int hf_vsock_src_port = -1;
static int hf_vsock_dst_port = -1;
static int hf_vsock_port = -1;
static int hf_vsock_op = -1;
static int hf_vsock_t = -1;
static int hf_vsock_t_len = -1;
static int hf_vsock_reserved = -1;
static int hf_vsock_len = -1;
static int hf_vsock_trans_hdr = -1;
static int hf_vsock_payload = -1;
static int hf_vsock_payload_len = -1;
static int hf_vsock_extra = -1;
static int hf_vsock_stream = -1;

/* virtio transport header */
static int hf_virtio_src_cid = -1;
static int hf_virtio_dst_cid = -1;
static int hf_virtio_src_port = -1;
static int hf_virtio_dst_port = -1;
static int hf_virtio_src_prot = -1;
static int hf_virtio_dst_prot = -1;
static int hf_virtio_len = -1;
static int hf_virtio_type = -1;
static int hf_virtio_op = -1;
static int hf_virtio_flags = -1;
static int hf_virtio_flags_shutdown_rcv = -1;
static int hf_virtio_flags_shutdown_send = -1;
static int hf_virtio_flags_eom = -1;
static int hf_virtio_flags_eor = -1;
static int hf_virtio_flags_reserved = -1;
static int hf_virtio_buf_alloc = -1;
static int hf_virtio_fwd_cnt = -1;

/* Reassembly and messages */
static int hf_vsock_segment_data = -1;
static int hf_vsock_reassembled_in = -1;
static int hf_vsock_reassembled_length = -1;
static int hf_vsock_reassembled_data = -1;
static int hf_vsock_segments = -1;
static int hf_vsock_segment = -1;

/* Connection analysis */
static int hf_vsock_analysis = -1;
static int hf_vsock_analysis_bytes_in_flight = -1;
static int hf_vsock_analysis_buf_alloc = -1;
static int hf_vsock_analysis_no_credit_time = -1;
static int hf_vsock_analysis_wait_frame = -1;
static int hf_vsock_analysis_fwd_cnt_prev = -1;
static int hf_vsock_analysis_bytes_sent = -1;
static int hf_vsock_analysis_drained = -1;
static int hf_vsock_analysis_shutdown_frame = -1;
static int hf_vsock_analysis_rst_frame = -1;
static int hf_vsock_analysis_pieces = -1;

static int ett_vsock = -1;
static int ett_virtio = -1;
static int ett_virtio_flags = -1;
static int ett_vsock_analysis = -1;
static int ett_vsock_segments = -1;

static expert_field ei_vsock_len_short = EI_INIT;
static expert_field ei_vsock_trans_len = EI_INIT;
static expert_field ei_vsock_reserved = EI_INIT;
static expert_field ei_vsock_addr_mismatch = EI_INIT;
static expert_field ei_vsock_virtio_len = EI_INIT;
static expert_field ei_vsock_op_mismatch = EI_INIT;
static expert_field ei_vsock_type_unknown = EI_INIT;
static expert_field ei_vsock_trans_unknown = EI_INIT;
static expert_field ei_vsock_refused = EI_INIT;
static expert_field ei_vsock_no_response = EI_INIT;
static expert_field ei_vsock_data_before_response = EI_INIT;
static expert_field ei_vsock_zero_window = EI_INIT;
static expert_field ei_vsock_window_reopened = EI_INIT;
static expert_field ei_vsock_stall = EI_INIT;
static expert_field ei_vsock_beyond_credit = EI_INIT;
static expert_field ei_vsock_credit_request_unanswered = EI_INIT;
static expert_field ei_vsock_unannounced_drain = EI_INIT;
static expert_field ei_vsock_fwd_cnt_backwards = EI_INIT;
static expert_field ei_vsock_fwd_cnt_beyond_sent = EI_INIT;
static expert_field ei_vsock_buf_alloc_below_in_flight = EI_INIT;
static expert_field ei_vsock_data_after_shutdown = EI_INIT;
static expert_field ei_vsock_data_after_rst = EI_INIT;
static expert_field ei_vsock_after_close = EI_INIT;
static expert_field ei_vsock_unterminated_message = EI_INIT;

/* Preferences */
static gboolean vsock_desegment = TRUE;
static gboolean vsock_try_heuristic_first = FALSE;
static guint vsock_stall_threshold_ms = 1000;

#define VSOCKMON_HDR_LEN        32
#define VIRTIO_HDR_LEN          44

#define VSOCK_DEFAULT_PORT_SSH  22

enum af_vsockmon_op {
    AF_VSOCK_OP_UNKNOWN = 0,
    AF_VSOCK_OP_CONNECT = 1,
    AF_VSOCK_OP_DISCONNECT = 2,
    AF_VSOCK_OP_CONTROL = 3,
    AF_VSOCK_OP_PAYLOAD = 4
};

static const value_string af_vsockmon_op_names[] = {
    { AF_VSOCK_OP_UNKNOWN,    "Unknown" },
    { AF_VSOCK_OP_CONNECT,    "Connect" },
    { AF_VSOCK_OP_DISCONNECT, "Disconnect" },
    { AF_VSOCK_OP_CONTROL,    "Control" },
    { AF_VSOCK_OP_PAYLOAD,    "Payload" },
    { 0, NULL }
};

static const value_string af_vsockmon_op_abbrevs[] = {
    { AF_VSOCK_OP_UNKNOWN,    "UNKNOWN" },
    { AF_VSOCK_OP_CONNECT,    "CONNECT" },
    { AF_VSOCK_OP_DISCONNECT, "DISCONNECT" },
    { AF_VSOCK_OP_CONTROL,    "CONTROL" },
    { AF_VSOCK_OP_PAYLOAD,    "PAYLOAD" },
    { 0, NULL }
};

enum af_vsockmon_t {
    AF_VSOCK_T_UNKNOWN = 0,
    AF_VSOCK_T_NO_INFO = 1,
    AF_VSOCK_T_VIRTIO = 2
};

static const value_string af_vsockmon_t_names[] = {
    { AF_VSOCK_T_UNKNOWN, "Unknown" },
    { AF_VSOCK_T_NO_INFO, "No info" },
    { AF_VSOCK_T_VIRTIO,  "Virtio" },
    { 0, NULL }
};

/* Type 3, DGRAM, was proposed for Linux but not merged. */
enum virtio_vsock_type {
    VIRTIO_VSOCK_TYPE_STREAM = 1,
    VIRTIO_VSOCK_TYPE_SEQPACKET = 2
};

static const value_string virtio_vsock_type_names[] = {
    { VIRTIO_VSOCK_TYPE_STREAM,    "Stream" },
    { VIRTIO_VSOCK_TYPE_SEQPACKET, "Seqpacket" },
    { 0, NULL }
};

static const value_string virtio_vsock_type_abbrevs[] = {
    { VIRTIO_VSOCK_TYPE_STREAM,    "STREAM" },
    { VIRTIO_VSOCK_TYPE_SEQPACKET, "SEQPACKET" },
    { 0, NULL }
};

enum virtio_vsock_op {
    VIRTIO_VSOCK_OP_INVALID = 0,
    VIRTIO_VSOCK_OP_REQUEST = 1,
    VIRTIO_VSOCK_OP_RESPONSE = 2,
    VIRTIO_VSOCK_OP_RST = 3,
    VIRTIO_VSOCK_OP_SHUTDOWN = 4,
    VIRTIO_VSOCK_OP_RW = 5,
    VIRTIO_VSOCK_OP_CREDIT_UPDATE = 6,
    VIRTIO_VSOCK_OP_CREDIT_REQUEST = 7
};

static const value_string virtio_vsock_op_names[] = {
    { VIRTIO_VSOCK_OP_INVALID,        "Invalid" },
    { VIRTIO_VSOCK_OP_REQUEST,        "Request" },
    { VIRTIO_VSOCK_OP_RESPONSE,       "Response" },
    { VIRTIO_VSOCK_OP_RST,            "Rst" },
    { VIRTIO_VSOCK_OP_SHUTDOWN,       "Shutdown" },
    { VIRTIO_VSOCK_OP_RW,             "RW" },
    { VIRTIO_VSOCK_OP_CREDIT_UPDATE,  "Credit update" },
    { VIRTIO_VSOCK_OP_CREDIT_REQUEST, "Credit request" },
    { 0, NULL }
};

static const value_string virtio_vsock_op_abbrevs[] = {
    { VIRTIO_VSOCK_OP_INVALID,        "INVALID" },
    { VIRTIO_VSOCK_OP_REQUEST,        "REQUEST" },
    { VIRTIO_VSOCK_OP_RESPONSE,       "RESPONSE" },
    { VIRTIO_VSOCK_OP_RST,            "RST" },
    { VIRTIO_VSOCK_OP_SHUTDOWN,       "SHUTDOWN" },
    { VIRTIO_VSOCK_OP_RW,             "RW" },
    { VIRTIO_VSOCK_OP_CREDIT_UPDATE,  "CREDIT_UPDATE" },
    { VIRTIO_VSOCK_OP_CREDIT_REQUEST, "CREDIT_REQUEST" },
    { 0, NULL }
};

/* Flags of op SHUTDOWN */
#define VIRTIO_VSOCK_SHUTDOWN_RCV   0x00000001
#define VIRTIO_VSOCK_SHUTDOWN_SEND  0x00000002
/* Flags of op RW on a SEQPACKET socket (Linux 5.14 called bit 0 EOR) */
#define VIRTIO_VSOCK_SEQ_EOM        0x00000001
#define VIRTIO_VSOCK_SEQ_EOR        0x00000002
#define VIRTIO_VSOCK_FLAGS_RESERVED 0xFFFFFFFC

static int * const virtio_shutdown_flags[] = {
    &hf_virtio_flags_shutdown_rcv,
    &hf_virtio_flags_shutdown_send,
    &hf_virtio_flags_reserved,
    NULL
};

static int * const virtio_seqpacket_flags[] = {
    &hf_virtio_flags_eom,
    &hf_virtio_flags_eor,
    &hf_virtio_flags_reserved,
    NULL
};

/* Reserved CIDs (include/uapi/linux/vm_sockets.h) */
static const val64_string vsock_cid_names[] = {
    { 0,          "hypervisor" },
    { 1,          "local" },
    { 2,          "host" },
    { 0xFFFFFFFF, "any" },
    { 0, NULL }
};

/* Field offsets */
#define VSOCKMON_OFF_OP         24
#define VSOCKMON_OFF_TRANSPORT  26
#define VSOCKMON_OFF_LEN        28
#define VIRTIO_OFF_LEN          24
#define VIRTIO_OFF_TYPE         28
#define VIRTIO_OFF_OP           30
#define VIRTIO_OFF_FLAGS        32
#define VIRTIO_OFF_BUF_ALLOC    36
#define VIRTIO_OFF_FWD_CNT      40

/* ---- Addresses ------------------------------------------------------- */

/* A CID, as 8 bytes in the order of the wire (little-endian). */
static int
vsock_addr_to_str(const address *addr, gchar *buf, int buf_len)
{
    snprintf(buf, buf_len, "%" PRIu64, pletoh64(addr->data));
    return (int)strlen(buf) + 1;
}

static int
vsock_addr_str_len(const address *addr _U_)
{
    return 21;  /* 2^64 - 1 has 20 digits */
}

static const char *
vsock_col_filter_str(const address *addr _U_, gboolean is_src)
{
    return is_src ? "vsock.src_cid" : "vsock.dst_cid";
}

static int
vsock_addr_len(void)
{
    return 8;
}

/* ---- Connection tracking --------------------------------------------- */

/*
 * A conversation is a pair of endpoints (CID.PORT) and a socket type;
 * a REQUEST on a pair whose conversation has ended, or is established,
 * starts a new one.  They are numbered from 0 in the order they start
 * (vsock.stream).  Side 0 ("src") sent the REQUEST or, when the capture
 * missed it, the first packet seen (the receiver of a RESPONSE, if that
 * came first); side 1 is "dst".
 *
 * Credit (virtio specification, "Buffer Space Management"): a sender
 * may have at most peer_buf_alloc - (tx_cnt - peer_fwd_cnt) bytes in
 * flight, where tx_cnt counts what it has sent and peer_fwd_cnt is the
 * latest fwd_cnt (bytes consumed) its peer advertised.  Every header but
 * a RST carries its sender's buf_alloc and fwd_cnt; tx_cnt is never on
 * the wire.  The counters are 32 bits wide and are compared modulo 2^32,
 * as the peers compare them.
 *
 * When the capture has the start of a connection, tx_cnt is known: the
 * payload bytes seen.  Otherwise only a lower bound is known: a receiver
 * cannot have consumed more than it was sent, so each fwd_cnt it
 * advertises raises the bound.  Only what holds for every possible value
 * is reported: data beyond credit when even the bound exceeds the credit;
 * a zero window when the bound fills the peer's buffer exactly, which a
 * sender that respects credit can only do with the bound exact, so the
 * count is taken as exact from then on.
 *
 * The kernel hands a packet to vsockmon before its receiver processes
 * it, and a side's packets in the order it sends them; the two sides'
 * packets may cross.  So only what a side does after its own packets is
 * reported (data after its own SHUTDOWN or RST), never what it sends
 * after the other side's.
 *
 * Absences (a REQUEST or CREDIT_REQUEST without an answer, a stall)
 * are found when a later packet's time stamp passes the threshold; they
 * are given on that packet, and name the frame where the wait began.
 *
 * These rules are those of vsockdump's connection analysis, so that
 * both give the same answers on the same capture.
 */

#define VSOCK_NS_PER_SEC    G_GINT64_CONSTANT(1000000000)
#define VSOCK_NS_MAX        ((G_GINT64_CONSTANT(1) << 62) - 1)
#define VSOCK_SPAN_MAX      (G_GINT64_CONSTANT(1) << 60)
#define VSOCK_LINGER_NS     (10 * VSOCK_NS_PER_SEC)
#define VSOCK_CONV_LIMIT    262144
#define VSOCK_MAX_EVENTS    8

typedef enum {
    VSOCK_NOTE_REFUSED,
    VSOCK_NOTE_NO_RESPONSE,
    VSOCK_NOTE_DATA_BEFORE_RESPONSE,
    VSOCK_NOTE_ZERO_WINDOW,
    VSOCK_NOTE_WINDOW_REOPENED,
    VSOCK_NOTE_STALL,
    VSOCK_NOTE_BEYOND_CREDIT,
    VSOCK_NOTE_CREDIT_REQUEST_UNANSWERED,
    VSOCK_NOTE_UNANNOUNCED_DRAIN,
    VSOCK_NOTE_FWD_CNT_BACKWARDS,
    VSOCK_NOTE_FWD_CNT_BEYOND_SENT,
    VSOCK_NOTE_BUF_ALLOC_BELOW_IN_FLIGHT,
    VSOCK_NOTE_DATA_AFTER_SHUTDOWN,
    VSOCK_NOTE_DATA_AFTER_RST,
    VSOCK_NOTE_AFTER_CLOSE,
    VSOCK_NOTE_UNTERMINATED_MESSAGE
} vsock_note_e;

typedef enum {
    VSOCK_STATE_REQUESTED,
    VSOCK_STATE_REFUSED,
    VSOCK_STATE_OPEN,
    VSOCK_STATE_SHUTDOWN,
    VSOCK_STATE_CLOSED,
    VSOCK_STATE_RESET
} vsock_state_e;

/* What a side's tx_cnt is known as */
typedef enum { VSOCK_TX_UNKNOWN, VSOCK_TX_LOWER, VSOCK_TX_EXACT } vsock_tx_mode_e;

typedef enum { VSOCK_TIMER_NO_RESPONSE, VSOCK_TIMER_STALL, VSOCK_TIMER_CREDIT_REQUEST } vsock_timer_e;

struct vsock_conv;

typedef struct vsock_timer {
    struct vsock_timer *prev, *next;    /* by due time */
    struct vsock_conv *conv;
    gint64 start_ns, due_ns;
    guint32 frame;
    guint8 kind;                        /* vsock_timer_e */
    guint8 side;
} vsock_timer_t;

/* One side's credit state: what it sends and what it advertises. */
typedef struct {
    guint32 buf_alloc;                  /* its latest advertisement */
    guint32 fwd_cnt;                    /* (if adv_known) */
    guint32 tx;                         /* its tx_cnt, or a lower bound */
    gboolean adv_known;
    guint8 tx_mode;                     /* vsock_tx_mode_e */
    gboolean stalled;                   /* no credit to send with */
    gboolean stall_alerted;             /* ... past the threshold */
    gboolean creq_pending;              /* CREDIT_REQUEST not answered */
    gboolean creq_in_stall;             /* ... sent while stalled */
    gboolean rst;                       /* it sent a RST */
    guint32 shut_frame;                 /* its first SHUTDOWN with SEND */
    guint32 rst_frame;                  /* its first RST */
    gint64 stall_ns;                    /* when its window closed */
    guint32 stall_frame;
    guint32 stall_fwd;                  /* the peer's fwd_cnt then */
    guint32 msg_pieces;                 /* of a SEQPACKET message without EOM */
    guint64 msg_bytes;
    vsock_timer_t *stall_timer;
    vsock_timer_t *creq_timer;
} vsock_side_t;

/*
 * Something handed to a subdissector as a whole: a STREAM PDU that took
 * more than one packet, or a SEQPACKET message of more than one piece.
 */
typedef struct {
    guint8 *data;
    guint32 len, size;
    guint32 want;                       /* STREAM: bytes still wanted */
    guint8 mode;                        /* vsock_want_e */
    gboolean incomplete;                /* a piece was not captured whole */
    guint32 reassembled_in;             /* frame it was handed over in */
    wmem_array_t *frames;               /* vsock_pdu_piece_t */
} vsock_pdu_t;

typedef enum { VSOCK_WANT_BYTES, VSOCK_WANT_SEGMENT, VSOCK_WANT_FIN } vsock_want_e;

typedef struct {
    guint32 frame;
    guint32 len;
} vsock_pdu_piece_t;

/* What one side sends, for the hand-off. */
typedef struct {
    guint64 seq;                        /* STREAM: payload bytes sent so far */
    vsock_pdu_t *pdu;                   /* being reassembled, or NULL */
} vsock_flow_t;

typedef struct {
    guint64 cid[2];
    guint32 port[2];
    guint16 type;
} vsock_conv_key_t;

typedef struct vsock_conv {
    vsock_conv_key_t key;               /* the endpoints in hash order */
    guint64 cid[2];                     /* [0] src, [1] dst */
    guint32 port[2];
    guint32 stream;                     /* vsock.stream, from 0 */
    guint16 type;
    guint8 state;                       /* vsock_state_e */
    gboolean start_seen;                /* the REQUEST or RESPONSE was captured */
    guint8 shut[2];                     /* SHUTDOWN flags each side sent */
    gboolean ended;                     /* closed by a RST */
    gboolean unanswered;                /* no-response was given */
    gboolean in_table;
    gint64 ended_ns;
    gint64 last_ns;
    struct vsock_conv *prev, *next;     /* live list (least recently seen
                                           first) or ended list */
    vsock_timer_t *nores_timer;
    vsock_side_t side[2];
    vsock_flow_t flow[2];
} vsock_conv_t;

typedef struct {
    vsock_conv_t *head, *tail;
} vsock_conv_list_t;

typedef struct {
    wmem_map_t *table;                  /* vsock_conv_key_t -> vsock_conv_t */
    vsock_conv_list_t live;
    vsock_conv_list_t ended;
    vsock_timer_t *thead, *ttail;
    guint32 next_stream;
    guint32 open;
    gint64 stall_ns;
} vsock_tracker_t;

/* One note, with what its text needs. */
typedef struct {
    guint8 note;                        /* vsock_note_e */
    guint8 side;                        /* the side it is about */
    guint32 frame;                      /* absences: where the wait began */
    gint64 duration_ns;
    guint64 a, b;
    vsock_conv_t *conv;
} vsock_event_t;

/* Hand-off plan of a frame, made on the first pass. */
typedef enum {
    VSOCK_PIECE_DIRECT,                 /* payload from off to the end */
    VSOCK_PIECE_SEGMENT,                /* payload [off, off+len) goes into pdu */
    VSOCK_PIECE_PDU                     /* pdu, handed over whole */
} vsock_piece_e;

typedef struct vsock_piece {
    guint8 kind;
    gboolean can_desegment;
    guint32 off, len;
    vsock_pdu_t *pdu;
    guint32 pdu_len;                    /* PDU: the bytes handed over */
    struct vsock_piece *next;
} vsock_piece_t;

/* What the first pass learned of a frame. */
typedef struct {
    vsock_conv_t *conv;                 /* NULL: not tracked */
    guint8 side;
    guint8 nevents;
    guint32 nabsences;
    vsock_event_t *events;              /* the packet's notes */
    vsock_event_t *absences;            /* due before it */
    vsock_piece_t *pieces;              /* its hand-off plan */
} vsock_frame_t;

/* A packet, as the tracker sees it. */
typedef struct {
    guint64 cid[2];                     /* sender, receiver */
    guint32 port[2];
    guint16 type, op;
    guint32 flags, buf_alloc, fwd_cnt;
    guint32 plen;                       /* payload on the wire */
    guint32 pcaplen;                    /* of which captured */
    guint32 payload_off;
} vsock_packet_t;

static vsock_tracker_t *vsock_tracker;

/*
 * The notes of the packet being tracked (NULL when none is), and the
 * absences due before it, until they go to its frame's record.
 */
static vsock_event_t *vsock_cur_events;
static guint vsock_cur_nevents;
static GArray *vsock_cur_absences;

/* a - b of two 32-bit wire counters, as the peers compute it */
static gint32
vsock_cdiff(guint32 a, guint32 b)
{
    return (gint32)(a - b);
}

static guint
vsock_conv_key_hash(gconstpointer k)
{
    const vsock_conv_key_t *key = (const vsock_conv_key_t *)k;
    guint64 h = key->type;
    int i;

    for (i = 0; i < 2; i++) {
        h = (h ^ key->cid[i]) * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
        h = (h ^ key->port[i]) * G_GUINT64_CONSTANT(0xff51afd7ed558ccd);
    }
    return (guint)(h ^ (h >> 32));
}

static gboolean
vsock_conv_key_equal(gconstpointer a, gconstpointer b)
{
    const vsock_conv_key_t *x = (const vsock_conv_key_t *)a;
    const vsock_conv_key_t *y = (const vsock_conv_key_t *)b;

    return x->type == y->type &&
        x->cid[0] == y->cid[0] && x->cid[1] == y->cid[1] &&
        x->port[0] == y->port[0] && x->port[1] == y->port[1];
}

/* The key of a packet's pair and type: the lower endpoint first. */
static void
vsock_conv_key_make(vsock_conv_key_t *key, const vsock_packet_t *k)
{
    int lo = (k->cid[0] < k->cid[1] ||
        (k->cid[0] == k->cid[1] && k->port[0] <= k->port[1])) ? 0 : 1;

    memset(key, 0, sizeof(*key));
    key->cid[0] = k->cid[lo];
    key->port[0] = k->port[lo];
    key->cid[1] = k->cid[!lo];
    key->port[1] = k->port[!lo];
    key->type = k->type;
}

static void
vsock_list_unlink(vsock_conv_list_t *l, vsock_conv_t *c)
{
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        l->head = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    else
        l->tail = c->prev;
    c->prev = c->next = NULL;
}

static void
vsock_list_append(vsock_conv_list_t *l, vsock_conv_t *c)
{
    c->next = NULL;
    c->prev = l->tail;
    if (l->tail != NULL)
        l->tail->next = c;
    else
        l->head = c;
    l->tail = c;
}

static gint64
vsock_clamp_ns(gint64 ns)
{
    if (ns > VSOCK_NS_MAX)
        return VSOCK_NS_MAX;
    if (ns < -VSOCK_NS_MAX)
        return -VSOCK_NS_MAX;
    return ns;
}

/* A frame's time stamp in nanoseconds, within the range computed with. */
static gint64
vsock_frame_ns(const packet_info *pinfo)
{
    const gint64 max = VSOCK_NS_MAX / VSOCK_NS_PER_SEC - 1;
    gint64 s = (gint64)pinfo->abs_ts.secs;

    if (s > max)
        s = max;
    else if (s < -max)
        s = -max;
    return vsock_clamp_ns(s * VSOCK_NS_PER_SEC + pinfo->abs_ts.nsecs % VSOCK_NS_PER_SEC);
}

static vsock_timer_t *
vsock_timer_arm(vsock_tracker_t *t, vsock_conv_t *c, vsock_timer_e kind,
        int side, gint64 ns, guint32 frame)
{
    vsock_timer_t *tm = wmem_new0(wmem_file_scope(), vsock_timer_t);
    vsock_timer_t *at;

    tm->conv = c;
    tm->kind = (guint8)kind;
    tm->side = (guint8)side;
    tm->start_ns = ns;
    tm->due_ns = ns + t->stall_ns;
    tm->frame = frame;
    /* Time stamps mostly grow: look from the end. */
    for (at = t->ttail; at != NULL && at->due_ns > tm->due_ns; at = at->prev)
        ;
    tm->prev = at;
    tm->next = at != NULL ? at->next : t->thead;
    if (tm->next != NULL)
        tm->next->prev = tm;
    else
        t->ttail = tm;
    if (at != NULL)
        at->next = tm;
    else
        t->thead = tm;
    return tm;
}

static void
vsock_timer_cancel(vsock_tracker_t *t, vsock_timer_t **tp)
{
    vsock_timer_t *tm = *tp;

    if (tm == NULL)
        return;
    if (tm->prev != NULL)
        tm->prev->next = tm->next;
    else
        t->thead = tm->next;
    if (tm->next != NULL)
        tm->next->prev = tm->prev;
    else
        t->ttail = tm->prev;
    *tp = NULL;
}

static vsock_timer_t **
vsock_timer_slot(vsock_timer_t *tm)
{
    vsock_conv_t *c = tm->conv;

    switch (tm->kind) {
    case VSOCK_TIMER_NO_RESPONSE:
        return &c->nores_timer;
    case VSOCK_TIMER_STALL:
        return &c->side[tm->side].stall_timer;
    default:
        return &c->side[tm->side].creq_timer;
    }
}

static void
vsock_timers_cancel_all(vsock_tracker_t *t, vsock_conv_t *c)
{
    int i;

    vsock_timer_cancel(t, &c->nores_timer);
    for (i = 0; i < 2; i++) {
        vsock_timer_cancel(t, &c->side[i].stall_timer);
        vsock_timer_cancel(t, &c->side[i].creq_timer);
    }
}

/*
 * Note n about side "side" on the frame being tracked.  A frame shows
 * at most VSOCK_MAX_EVENTS notes; vsockdump counts no more either.
 */
static vsock_event_t *
vsock_note(vsock_conv_t *c, vsock_note_e n, int side, guint32 frame)
{
    static vsock_event_t dropped;
    vsock_event_t *e;

    if (vsock_cur_events == NULL || vsock_cur_nevents >= VSOCK_MAX_EVENTS) {
        memset(&dropped, 0, sizeof(dropped));
        return &dropped;
    }
    e = &vsock_cur_events[vsock_cur_nevents++];
    memset(e, 0, sizeof(*e));
    e->note = (guint8)n;
    e->side = (guint8)side;
    e->frame = frame;
    e->conv = c;
    return e;
}

static void
vsock_stall_begin(vsock_tracker_t *t, vsock_conv_t *c, int d, gint64 ns,
        guint32 frame)
{
    vsock_side_t *s = &c->side[d];

    s->stalled = TRUE;
    s->stall_ns = ns;
    s->stall_frame = frame;
    s->stall_fwd = c->side[!d].fwd_cnt;
    s->stall_timer = vsock_timer_arm(t, c, VSOCK_TIMER_STALL, d, ns, frame);
}

/* Side d's zero window ends at ns: how long it lasted. */
static gint64
vsock_stall_end(vsock_tracker_t *t, vsock_conv_t *c, int d, gint64 ns)
{
    vsock_side_t *s = &c->side[d];
    gint64 dur = ns - s->stall_ns;

    if (dur < 0)
        dur = 0;
    vsock_timer_cancel(t, &s->stall_timer);
    s->stalled = FALSE;
    s->stall_alerted = FALSE;
    return dur;
}

/* Moves c out of the table; its frames keep pointing at it. */
static void
vsock_retire(vsock_tracker_t *t, vsock_conv_t *c)
{
    wmem_map_remove(t->table, &c->key);
    vsock_list_unlink(c->ended ? &t->ended : &t->live, c);
    vsock_timers_cancel_all(t, c);
    c->in_table = FALSE;
    t->open--;
}

/* Ends c at ns: a RST was sent, or it is dropped from tracking. */
static void
vsock_conv_end(vsock_tracker_t *t, vsock_conv_t *c, gint64 ns)
{
    int d;

    for (d = 0; d < 2; d++)
        if (c->side[d].stalled)
            (void)vsock_stall_end(t, c, d, ns);
    vsock_timers_cancel_all(t, c);
    vsock_list_unlink(&t->live, c);
    c->ended = TRUE;
    c->ended_ns = ns;
    vsock_list_append(&t->ended, c);
}

/* Retires the ended conversations that have lingered long enough. */
static void
vsock_retire_lingering(vsock_tracker_t *t, gint64 now)
{
    while (t->ended.head != NULL && now - t->ended.head->ended_ns >= VSOCK_LINGER_NS)
        vsock_retire(t, t->ended.head);
}

/* Makes room for one more conversation, as vsockdump's table does. */
static void
vsock_make_room(vsock_tracker_t *t)
{
    vsock_conv_t *c;

    if (t->open < VSOCK_CONV_LIMIT)
        return;
    if (t->ended.head != NULL) {
        vsock_retire(t, t->ended.head);
        return;
    }
    c = t->live.head;
    vsock_conv_end(t, c, c->last_ns);
    vsock_retire(t, c);
}

/* A new conversation for k, whose sender becomes side 0. */
static vsock_conv_t *
vsock_conv_new(vsock_tracker_t *t, const vsock_packet_t *k, gint64 ns)
{
    vsock_conv_t *c;

    vsock_make_room(t);
    c = wmem_new0(wmem_file_scope(), vsock_conv_t);
    vsock_conv_key_make(&c->key, k);
    c->cid[0] = k->cid[0];
    c->cid[1] = k->cid[1];
    c->port[0] = k->port[0];
    c->port[1] = k->port[1];
    c->type = k->type;
    c->stream = t->next_stream++;
    c->state = VSOCK_STATE_OPEN;
    c->last_ns = ns;
    c->in_table = TRUE;
    wmem_map_insert(t->table, &c->key, c);
    vsock_list_append(&t->live, c);
    t->open++;
    return c;
}

/*
 * Side r advertised buf_alloc and fwd_cnt (every packet but a RST does),
 * for the data the other side, d, sends to it.
 */
static void
vsock_advertise(vsock_tracker_t *t, vsock_conv_t *c, int r,
        const vsock_packet_t *k, guint32 frame, gint64 ns)
{
    vsock_side_t *rs = &c->side[r], *ds = &c->side[!r];
    vsock_event_t *e;
    guint32 old_buf = rs->buf_alloc;
    gboolean had = rs->adv_known;
    int d = !r;
    gint64 in_flight, dur;

    if (had && vsock_cdiff(k->fwd_cnt, rs->fwd_cnt) < 0) {
        e = vsock_note(c, VSOCK_NOTE_FWD_CNT_BACKWARDS, r, frame);
        e->a = k->fwd_cnt;
        e->b = rs->fwd_cnt;
    }
    switch (ds->tx_mode) {
    case VSOCK_TX_EXACT:
        if (vsock_cdiff(ds->tx, k->fwd_cnt) < 0) {
            e = vsock_note(c, VSOCK_NOTE_FWD_CNT_BEYOND_SENT, r, frame);
            e->a = k->fwd_cnt;
            e->b = ds->tx;
            /* Once: count as if what it says it had were sent. */
            ds->tx = k->fwd_cnt;
        }
        break;
    case VSOCK_TX_LOWER:
        if (vsock_cdiff(k->fwd_cnt, ds->tx) > 0)
            ds->tx = k->fwd_cnt;
        break;
    default:
        ds->tx = k->fwd_cnt;
        ds->tx_mode = VSOCK_TX_LOWER;
        break;
    }
    rs->fwd_cnt = k->fwd_cnt;
    rs->buf_alloc = k->buf_alloc;
    rs->adv_known = TRUE;

    in_flight = vsock_cdiff(ds->tx, rs->fwd_cnt);
    if (had && rs->buf_alloc < old_buf && in_flight > rs->buf_alloc) {
        e = vsock_note(c, VSOCK_NOTE_BUF_ALLOC_BELOW_IN_FLIGHT, r, frame);
        e->a = rs->buf_alloc;
        e->b = (guint64)in_flight;
    }
    /* Windows open and close only where the count is exact. */
    if (ds->tx_mode != VSOCK_TX_EXACT)
        return;
    if (ds->stalled && in_flight < (gint64)rs->buf_alloc) {
        dur = vsock_stall_end(t, c, d, ns);
        e = vsock_note(c, VSOCK_NOTE_WINDOW_REOPENED, d, frame);
        e->duration_ns = dur;
        e->a = ds->stall_frame;
        if (ds->creq_in_stall && ds->creq_pending &&
            k->op == VIRTIO_VSOCK_OP_CREDIT_UPDATE && rs->fwd_cnt != ds->stall_fwd) {
            e = vsock_note(c, VSOCK_NOTE_UNANNOUNCED_DRAIN, r, frame);
            e->a = (guint32)(rs->fwd_cnt - ds->stall_fwd);
            e->duration_ns = dur;
        }
    } else if (!ds->stalled && had && in_flight > 0 && in_flight >= (gint64)rs->buf_alloc) {
        /* The receiver shrank its buffer to nothing left. */
        e = vsock_note(c, VSOCK_NOTE_ZERO_WINDOW, d, frame);
        e->a = (guint64)in_flight;
        e->b = rs->buf_alloc;
        vsock_stall_begin(t, c, d, ns, frame);
    }
}

/* Side d sent k->plen bytes of data: its credit. */
static void
vsock_spend_credit(vsock_tracker_t *t, vsock_conv_t *c, int d,
        const vsock_packet_t *k, guint32 frame, gint64 ns)
{
    vsock_side_t *ds = &c->side[d], *rs = &c->side[!d];
    vsock_event_t *e;
    gint64 after;

    if (ds->tx_mode == VSOCK_TX_UNKNOWN)
        return;         /* learned at the peer's next packet */
    ds->tx += k->plen;
    if (!rs->adv_known || k->plen == 0)
        return;
    after = vsock_cdiff(ds->tx, rs->fwd_cnt);
    if (after > (gint64)rs->buf_alloc) {
        e = vsock_note(c, VSOCK_NOTE_BEYOND_CREDIT, d, frame);
        e->a = (guint64)after;
        e->b = rs->buf_alloc;
    } else if (after == (gint64)rs->buf_alloc) {
        e = vsock_note(c, VSOCK_NOTE_ZERO_WINDOW, d, frame);
        e->a = (guint64)after;
        e->b = rs->buf_alloc;
        ds->tx_mode = VSOCK_TX_EXACT;   /* see above */
    } else {
        return;
    }
    if (!ds->stalled && ds->tx_mode == VSOCK_TX_EXACT)
        vsock_stall_begin(t, c, d, ns, frame);
}

/*
 * Side d can send no more (its SHUTDOWN SEND or RST): a SEQPACKET
 * message it left without EOM is reported, and forgotten.
 */
static void
vsock_end_message(vsock_conv_t *c, int d, guint32 frame)
{
    vsock_side_t *ds = &c->side[d];
    vsock_event_t *e;

    if (ds->msg_pieces == 0)
        return;
    e = vsock_note(c, VSOCK_NOTE_UNTERMINATED_MESSAGE, d, frame);
    e->a = ds->msg_pieces;
    e->b = ds->msg_bytes;
    ds->msg_pieces = 0;
    ds->msg_bytes = 0;
}

/* Side d sent its RST: c ends. */
static void
vsock_got_rst(vsock_tracker_t *t, vsock_conv_t *c, int d, guint32 frame, gint64 ns)
{
    vsock_side_t *ds = &c->side[d];

    ds->rst = TRUE;
    ds->rst_frame = frame;
    if (c->state == VSOCK_STATE_REQUESTED && d == 1) {
        c->state = VSOCK_STATE_REFUSED;
        (void)vsock_note(c, VSOCK_NOTE_REFUSED, d, frame);
    } else if (c->shut[0] != 0 || c->shut[1] != 0) {
        c->state = VSOCK_STATE_CLOSED;
    } else {
        c->state = VSOCK_STATE_RESET;
    }
    vsock_end_message(c, d, frame);
    vsock_conv_end(t, c, ns);
}

/* A packet of a conversation that a RST has ended. */
static void
vsock_after_end(vsock_conv_t *c, int d, const vsock_packet_t *k, guint32 frame)
{
    vsock_side_t *ds = &c->side[d];
    vsock_event_t *e;

    if (k->op == VIRTIO_VSOCK_OP_RST) {
        if (!ds->rst) {
            ds->rst = TRUE;
            ds->rst_frame = frame;
        }
        return;
    }
    /* The other side may not have had the RST yet when it sent this. */
    if (!ds->rst)
        return;
    e = vsock_note(c, k->op == VIRTIO_VSOCK_OP_RW ?
        VSOCK_NOTE_DATA_AFTER_RST : VSOCK_NOTE_AFTER_CLOSE, d, frame);
    e->a = ds->rst_frame;
}

static void
vsock_count_message(vsock_conv_t *c, int d, const vsock_packet_t *k)
{
    vsock_side_t *ds = &c->side[d];

    if (k->op != VIRTIO_VSOCK_OP_RW || k->type != VIRTIO_VSOCK_TYPE_SEQPACKET)
        return;
    if (k->flags & VIRTIO_VSOCK_SEQ_EOM) {
        ds->msg_pieces = 0;
        ds->msg_bytes = 0;
    } else {
        ds->msg_pieces++;
        ds->msg_bytes += k->plen;
    }
}

/* What each virtio op does to a live conversation, sent by side d. */
static void
vsock_live_packet(vsock_tracker_t *t, vsock_conv_t *c, int d,
        const vsock_packet_t *k, guint32 frame, gint64 ns)
{
    vsock_side_t *ds = &c->side[d];
    vsock_event_t *e;

    switch (k->op) {
    case VIRTIO_VSOCK_OP_RESPONSE:
        if (c->state == VSOCK_STATE_REQUESTED && d == 1) {
            c->state = VSOCK_STATE_OPEN;
            vsock_timer_cancel(t, &c->nores_timer);
        }
        break;
    case VIRTIO_VSOCK_OP_SHUTDOWN:
        c->shut[d] |= (guint8)(k->flags & 0x3);
        if (c->state == VSOCK_STATE_OPEN || c->state == VSOCK_STATE_REQUESTED)
            c->state = VSOCK_STATE_SHUTDOWN;
        if ((k->flags & VIRTIO_VSOCK_SHUTDOWN_SEND) && ds->shut_frame == 0)
            ds->shut_frame = frame;
        if (k->flags & VIRTIO_VSOCK_SHUTDOWN_SEND)
            vsock_end_message(c, d, frame);
        break;
    case VIRTIO_VSOCK_OP_RW:
        if (c->state == VSOCK_STATE_REQUESTED)
            (void)vsock_note(c, VSOCK_NOTE_DATA_BEFORE_RESPONSE, d, frame);
        if (ds->shut_frame != 0) {
            e = vsock_note(c, VSOCK_NOTE_DATA_AFTER_SHUTDOWN, d, frame);
            e->a = ds->shut_frame;
        }
        vsock_spend_credit(t, c, d, k, frame, ns);
        break;
    case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
        ds->creq_pending = TRUE;
        ds->creq_in_stall = ds->stalled;
        if (ds->creq_timer == NULL)
            ds->creq_timer = vsock_timer_arm(t, c, VSOCK_TIMER_CREDIT_REQUEST, d, ns, frame);
        break;
    default:
        break;
    }
    /*
     * Every header carries its sender's buffer figures but a RST's: the
     * kernel answers a packet for no socket with a RST whose figures are
     * 0 (virtio_transport_reset_no_sock()).
     */
    if (k->op != VIRTIO_VSOCK_OP_RST)
        vsock_advertise(t, c, d, k, frame, ns);
    if (k->op == VIRTIO_VSOCK_OP_CREDIT_UPDATE) {
        c->side[!d].creq_pending = FALSE;
        c->side[!d].creq_in_stall = FALSE;
        vsock_timer_cancel(t, &c->side[!d].creq_timer);
    }
    if (k->op == VIRTIO_VSOCK_OP_RST)
        vsock_got_rst(t, c, d, frame, ns);
}

/*
 * Tracks packet k of frame "frame"; returns its conversation, the side
 * that sent k and whether the conversation begins with k.
 */
static vsock_conv_t *
vsock_track(vsock_tracker_t *t, vsock_packet_t *k, guint32 frame, gint64 ns, int *side,
        gboolean *fresh)
{
    vsock_conv_key_t key;
    vsock_conv_t *c;
    int d = 0;

    vsock_retire_lingering(t, ns);
    *fresh = FALSE;
    vsock_conv_key_make(&key, k);
    c = (vsock_conv_t *)wmem_map_lookup(t->table, &key);
    if (c != NULL)
        d = (c->cid[0] == k->cid[0] && c->port[0] == k->port[0]) ? 0 : 1;
    if (c != NULL && k->op == VIRTIO_VSOCK_OP_REQUEST &&
        (c->ended || c->state != VSOCK_STATE_REQUESTED)) {
        /* A new connection on the same pair */
        if (!c->ended)
            vsock_conv_end(t, c, ns);
        vsock_retire(t, c);
        c = NULL;
    }
    if (c == NULL) {
        vsock_packet_t first = *k;

        /* The receiver of a first RESPONSE is the one that asked. */
        if (k->op == VIRTIO_VSOCK_OP_RESPONSE) {
            first.cid[0] = k->cid[1];
            first.port[0] = k->port[1];
            first.cid[1] = k->cid[0];
            first.port[1] = k->port[0];
        }
        c = vsock_conv_new(t, &first, ns);
        d = k->op == VIRTIO_VSOCK_OP_RESPONSE;
        *fresh = TRUE;
        if (k->op == VIRTIO_VSOCK_OP_REQUEST || k->op == VIRTIO_VSOCK_OP_RESPONSE) {
            /* Nothing was sent before: counts are exact. */
            c->side[0].tx_mode = c->side[1].tx_mode = VSOCK_TX_EXACT;
            c->start_seen = TRUE;
        }
        if (k->op == VIRTIO_VSOCK_OP_REQUEST) {
            c->state = VSOCK_STATE_REQUESTED;
            c->nores_timer = vsock_timer_arm(t, c, VSOCK_TIMER_NO_RESPONSE, 0, ns, frame);
        }
    }
    *side = d;
    c->last_ns = ns;
    vsock_count_message(c, d, k);
    if (c->ended) {
        vsock_after_end(c, d, k, frame);
        return c;
    }
    if (!*fresh) {
        vsock_list_unlink(&t->live, c);
        vsock_list_append(&t->live, c);
    }
    vsock_live_packet(t, c, d, k, frame, ns);
    return c;
}

/* The absences whose threshold has passed by now. */
static void
vsock_tick(vsock_tracker_t *t, gint64 now)
{
    vsock_timer_t *tm;
    vsock_conv_t *c;
    vsock_event_t e;

    vsock_retire_lingering(t, now);
    while ((tm = t->thead) != NULL && tm->due_ns <= now) {
        c = tm->conv;
        memset(&e, 0, sizeof(e));
        switch (tm->kind) {
        case VSOCK_TIMER_NO_RESPONSE:
            e.note = VSOCK_NOTE_NO_RESPONSE;
            c->unanswered = TRUE;
            break;
        case VSOCK_TIMER_STALL:
            e.note = VSOCK_NOTE_STALL;
            c->side[tm->side].stall_alerted = TRUE;
            break;
        default:
            e.note = VSOCK_NOTE_CREDIT_REQUEST_UNANSWERED;
            break;
        }
        e.side = tm->side;
        e.frame = tm->frame;
        e.duration_ns = tm->due_ns - tm->start_ns;
        e.conv = c;
        g_array_append_val(vsock_cur_absences, e);
        vsock_timer_cancel(t, vsock_timer_slot(tm));
    }
}

static vsock_tracker_t *
vsock_tracker_new(void)
{
    vsock_tracker_t *t = wmem_new0(wmem_file_scope(), vsock_tracker_t);
    gint64 ns = (gint64)vsock_stall_threshold_ms * 1000000;

    t->table = wmem_map_new(wmem_file_scope(), vsock_conv_key_hash, vsock_conv_key_equal);
    t->stall_ns = ns <= 0 ? 1 : ns > VSOCK_SPAN_MAX ? VSOCK_SPAN_MAX : ns;
    return t;
}

/*
 * The packet in tvb as the tracker takes it, or FALSE if it is none it
 * follows: not the virtio transport, a type other than STREAM and
 * SEQPACKET, or headers that were not captured whole or do not fit the
 * wire length.
 */
static gboolean
vsock_parse(tvbuff_t *tvb, packet_info *pinfo, vsock_packet_t *k)
{
    guint32 len = tvb_reported_length(tvb);
    guint32 caplen = tvb_captured_length(tvb);
    guint32 hdr_len, vlen;

    /* A record that claims more bytes than were on the wire is not trusted. */
    if (pinfo->fd->cap_len > pinfo->fd->pkt_len)
        return FALSE;
    if (caplen > len || caplen < VSOCKMON_HDR_LEN + VIRTIO_HDR_LEN ||
        tvb_get_letohs(tvb, VSOCKMON_OFF_TRANSPORT) != AF_VSOCK_T_VIRTIO)
        return FALSE;
    hdr_len = tvb_get_letohs(tvb, VSOCKMON_OFF_LEN);
    if (hdr_len < VIRTIO_HDR_LEN || len < VSOCKMON_HDR_LEN + hdr_len)
        return FALSE;
    k->type = tvb_get_letohs(tvb, VSOCKMON_HDR_LEN + VIRTIO_OFF_TYPE);
    if (k->type != VIRTIO_VSOCK_TYPE_STREAM && k->type != VIRTIO_VSOCK_TYPE_SEQPACKET)
        return FALSE;
    k->cid[0] = tvb_get_letoh64(tvb, 0);
    k->cid[1] = tvb_get_letoh64(tvb, 8);
    k->port[0] = tvb_get_letohl(tvb, 16);
    k->port[1] = tvb_get_letohl(tvb, 20);
    k->op = tvb_get_letohs(tvb, VSOCKMON_HDR_LEN + VIRTIO_OFF_OP);
    k->flags = tvb_get_letohl(tvb, VSOCKMON_HDR_LEN + VIRTIO_OFF_FLAGS);
    k->buf_alloc = tvb_get_letohl(tvb, VSOCKMON_HDR_LEN + VIRTIO_OFF_BUF_ALLOC);
    k->fwd_cnt = tvb_get_letohl(tvb, VSOCKMON_HDR_LEN + VIRTIO_OFF_FWD_CNT);
    /*
     * The payload is what the virtio len says, as the peer counts it for
     * credit, within what is on the wire: a tap may copy more after it
     * (vhost-vsock did for the pieces of a split packet before Linux
     * 5f344d809e01), or less.
     */
    k->payload_off = VSOCKMON_HDR_LEN + hdr_len;
    k->plen = len - k->payload_off;
    vlen = tvb_get_letohl(tvb, VSOCKMON_HDR_LEN + VIRTIO_OFF_LEN);
    if (vlen < k->plen)
        k->plen = vlen;
    k->pcaplen = caplen > k->payload_off ? caplen - k->payload_off : 0;
    if (k->pcaplen > k->plen)
        k->pcaplen = k->plen;
    return TRUE;
}

/* ---- Hand-off -------------------------------------------------------- */

static vsock_pdu_t *
vsock_pdu_new(void)
{
    vsock_pdu_t *pdu = wmem_new0(wmem_file_scope(), vsock_pdu_t);

    pdu->frames = wmem_array_new(wmem_file_scope(), sizeof(vsock_pdu_piece_t));
    return pdu;
}

/* Notes that len bytes of the PDU came in frame. */
static void
vsock_pdu_add_frame(vsock_pdu_t *pdu, guint32 frame, guint32 len)
{
    vsock_pdu_piece_t piece;

    piece.frame = frame;
    piece.len = len;
    wmem_array_append_one(pdu->frames, piece);
}

/* Appends len bytes of tvb at offset (len may be 0), from frame. */
static void
vsock_pdu_append(vsock_pdu_t *pdu, tvbuff_t *tvb, guint32 offset, guint32 len, guint32 frame)
{

    if (len > 0) {
        if (pdu->len + len > pdu->size) {
            guint32 size = pdu->size ? pdu->size : 4096;

            while (size < pdu->len + len && size < G_MAXUINT32 / 2)
                size *= 2;
            if (size < pdu->len + len)
                size = pdu->len + len;
            pdu->data = (guint8 *)wmem_realloc(wmem_file_scope(), pdu->data, size);
            pdu->size = size;
        }
        tvb_memcpy(tvb, pdu->data + pdu->len, offset, len);
        pdu->len += len;
    }
    vsock_pdu_add_frame(pdu, frame, len);
}

/* Adds a piece at the end of a frame's hand-off plan. */
static vsock_piece_t *
vsock_piece_add(vsock_piece_t ***tail, vsock_piece_e kind, guint32 off, guint32 len,
        vsock_pdu_t *pdu)
{
    vsock_piece_t *p = wmem_new0(wmem_file_scope(), vsock_piece_t);

    p->kind = (guint8)kind;
    p->off = off;
    p->len = len;
    p->pdu = pdu;
    **tail = p;
    *tail = &p->next;
    return p;
}

/* Hands tvb to the dissector of the port, of the heuristics or of data. */
static void
vsock_decode_ports(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    guint32 low, high;
    heur_dtbl_entry_t *hdtbl_entry;

    if (try_conversation_dissector(&pinfo->src, &pinfo->dst, CONVERSATION_NONE,
            pinfo->srcport, pinfo->destport, tvb, pinfo, tree, NULL, 0))
        return;
    if (vsock_try_heuristic_first &&
        dissector_try_heuristic(vsock_heur_list, tvb, pinfo, tree, &hdtbl_entry, NULL))
        return;
    /* As TCP does: the lower port first, it is more likely the server's. */
    if (pinfo->srcport < pinfo->destport) {
        low = pinfo->srcport;
        high = pinfo->destport;
    } else {
        low = pinfo->destport;
        high = pinfo->srcport;
    }
    if (dissector_try_uint_new(vsock_port_table, low, tvb, pinfo, tree, TRUE, NULL))
        return;
    if (high != low &&
        dissector_try_uint_new(vsock_port_table, high, tvb, pinfo, tree, TRUE, NULL))
        return;
    if (!vsock_try_heuristic_first &&
        dissector_try_heuristic(vsock_heur_list, tvb, pinfo, tree, &hdtbl_entry, NULL))
        return;
    call_data_dissector(tvb, pinfo, tree);
}

/*
 * Calls the subdissector on tvb; a malformed PDU does not stop the
 * reassembly.  (A payload the capture cut short throws on, as it would
 * at the next field: what is missing cannot be reassembled.)  Returns
 * whether the subdissector asked for more data, with its offset and
 * length in *offset and *len.
 */
static gboolean
vsock_call_subdissector(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree,
        gboolean can_desegment, guint32 *offset, guint32 *len)
{
    guint16 saved_can_desegment = pinfo->can_desegment;
    const char *saved_proto = pinfo->current_proto;
    /* The subdissector sees 1 (each call through a handle subtracts one). */
    const guint16 desegment = can_desegment ? 2 : 0;

    pinfo->desegment_offset = 0;
    pinfo->desegment_len = 0;
    pinfo->can_desegment = desegment;
    TRY {
        vsock_decode_ports(tvb, pinfo, tree);
    }
    CATCH_NONFATAL_ERRORS {
        show_exception(tvb, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
    }
    ENDTRY;
    /* An exception left the subdissector's name there. */
    pinfo->current_proto = saved_proto;
    pinfo->can_desegment = saved_can_desegment;
    *offset = (guint32)pinfo->desegment_offset;
    *len = pinfo->desegment_len;
    pinfo->desegment_offset = 0;
    pinfo->desegment_len = 0;
    return desegment != 0 && *len != 0 && *offset < tvb_reported_length(tvb);
}

static tvbuff_t *
vsock_pdu_tvb(tvbuff_t *tvb, packet_info *pinfo, const vsock_pdu_t *pdu, guint32 len)
{
    tvbuff_t *pdu_tvb = tvb_new_child_real_data(tvb, pdu->data, len, len);

    add_new_data_source(pinfo, pdu_tvb, "Reassembled vsock");
    return pdu_tvb;
}

/* The tree of a reassembled PDU: its length and the frames it came from. */
static void
vsock_pdu_tree(proto_tree *tree, tvbuff_t *pdu_tvb, const vsock_pdu_t *pdu, guint32 len)
{
    proto_item *ti;
    proto_tree *seg_tree;
    guint n = wmem_array_get_count(pdu->frames), i;
    guint32 covered = 0;

    ti = proto_tree_add_uint_format(tree, hf_vsock_segments, pdu_tvb, 0, len, n,
        "[%u vsock segment%s (%u byte%s)]", n, plurality(n, "", "s"), len, plurality(len, "", "s"));
    proto_item_set_generated(ti);
    seg_tree = proto_item_add_subtree(ti, ett_vsock_segments);
    for (i = 0; i < n && covered < len; i++) {
        const vsock_pdu_piece_t *p = (const vsock_pdu_piece_t *)wmem_array_index(pdu->frames, i);
        guint32 l = MIN(p->len, len - covered);

        ti = proto_tree_add_uint_format_value(seg_tree, hf_vsock_segment, pdu_tvb, covered, l,
            p->frame, "%u, payload: %u-%u (%u byte%s)", p->frame, covered,
            l ? covered + l - 1 : covered, l, plurality(l, "", "s"));
        proto_item_set_generated(ti);
        covered += l;
    }
    ti = proto_tree_add_uint(tree, hf_vsock_reassembled_length, pdu_tvb, 0, 0, len);
    proto_item_set_generated(ti);
    proto_tree_add_item(tree, hf_vsock_reassembled_data, pdu_tvb, 0, len, ENC_NA);
}

static void
vsock_segment_item(proto_tree *tree, packet_info *pinfo, tvbuff_t *payload_tvb,
        const vsock_piece_t *p, gboolean seqpacket)
{
    proto_item *ti;

    proto_tree_add_item(tree, hf_vsock_segment_data, payload_tvb, p->off, p->len, ENC_NA);
    if (p->pdu->reassembled_in != 0 && p->pdu->reassembled_in != pinfo->num) {
        ti = proto_tree_add_uint(tree, hf_vsock_reassembled_in, payload_tvb, 0, 0,
            p->pdu->reassembled_in);
        proto_item_set_generated(ti);
    }
    if (p->pdu->reassembled_in != pinfo->num)
        col_append_str(pinfo->cinfo, COL_INFO, seqpacket ?
            " [vsock message piece]" : " [vsock segment of a reassembled PDU]");
}

/* Runs the hand-off plan of a frame that was dissected before. */
static void
vsock_handoff_replay(const vsock_frame_t *fi, tvbuff_t *tvb, tvbuff_t *payload_tvb,
        packet_info *pinfo, proto_tree *tree, proto_tree *vsock_tree)
{
    const vsock_piece_t *p;
    guint32 doff, dlen;

    for (p = fi->pieces; p != NULL; p = p->next) {
        switch (p->kind) {
        case VSOCK_PIECE_DIRECT:
            (void)vsock_call_subdissector(tvb_new_subset_remaining(payload_tvb, p->off),
                pinfo, tree, p->can_desegment, &doff, &dlen);
            break;
        case VSOCK_PIECE_SEGMENT:
            vsock_segment_item(vsock_tree, pinfo, payload_tvb, p,
                fi->conv->type == VIRTIO_VSOCK_TYPE_SEQPACKET);
            break;
        case VSOCK_PIECE_PDU:
        {
            tvbuff_t *pdu_tvb = vsock_pdu_tvb(tvb, pinfo, p->pdu, p->pdu_len);

            vsock_pdu_tree(vsock_tree, pdu_tvb, p->pdu, p->pdu_len);
            (void)vsock_call_subdissector(pdu_tvb, pinfo, tree,
                fi->conv->type == VIRTIO_VSOCK_TYPE_STREAM && vsock_desegment, &doff, &dlen);
            break;
        }
        default:
            break;
        }
    }
}

/*
 * Tries to hand over the PDU being reassembled (first pass).  Records
 * what was handed over as a piece; keeps what the subdissector still
 * wants in flow->pdu.
 */
static void
vsock_stream_try_pdu(vsock_flow_t *flow, tvbuff_t *tvb, packet_info *pinfo,
        proto_tree *tree, proto_tree *vsock_tree, vsock_piece_t ***tail)
{
    vsock_pdu_t *pdu = flow->pdu;
    tvbuff_t *pdu_tvb = vsock_pdu_tvb(tvb, pinfo, pdu, pdu->len);
    guint32 doff, dlen;
    vsock_piece_t *p;
    vsock_pdu_t *rest;

    if (vsock_call_subdissector(pdu_tvb, pinfo, tree, TRUE, &doff, &dlen)) {
        if (doff == 0) {
            /* Not enough yet: wait for more. */
            if (dlen == DESEGMENT_ONE_MORE_SEGMENT) {
                pdu->mode = VSOCK_WANT_SEGMENT;
            } else if (dlen == DESEGMENT_UNTIL_FIN) {
                pdu->mode = VSOCK_WANT_FIN;
            } else {
                pdu->mode = VSOCK_WANT_BYTES;
                pdu->want = dlen;
            }
            return;
        }
        /* The first doff bytes were whole PDUs; the rest begins another. */
        rest = vsock_pdu_new();
        rest->data = (guint8 *)wmem_memdup(wmem_file_scope(), pdu->data + doff, pdu->len - doff);
        rest->len = rest->size = pdu->len - doff;
        /* (Some of these bytes may have come in earlier frames.) */
        vsock_pdu_add_frame(rest, pinfo->num, rest->len);
        if (dlen == DESEGMENT_ONE_MORE_SEGMENT) {
            rest->mode = VSOCK_WANT_SEGMENT;
        } else if (dlen == DESEGMENT_UNTIL_FIN) {
            rest->mode = VSOCK_WANT_FIN;
        } else {
            rest->mode = VSOCK_WANT_BYTES;
            rest->want = dlen;
        }
        flow->pdu = rest;
    } else {
        flow->pdu = NULL;
    }
    pdu->reassembled_in = pinfo->num;
    p = vsock_piece_add(tail, VSOCK_PIECE_PDU, 0, 0, pdu);
    p->pdu_len = pdu->len;
    vsock_pdu_tree(vsock_tree, pdu_tvb, pdu, pdu->len);
}

/*
 * STREAM payload (first pass): hands it to the subdissector, as TCP
 * does, keeping what the subdissector asks more bytes for until they
 * arrive.
 */
static void
vsock_stream_payload(vsock_flow_t *flow, tvbuff_t *tvb, tvbuff_t *payload_tvb,
        const vsock_packet_t *k, packet_info *pinfo, proto_tree *tree,
        proto_tree *vsock_tree, vsock_piece_t ***tail)
{
    guint32 off = 0, take, doff, dlen;
    vsock_pdu_t *pdu;
    vsock_piece_t *p;

    flow->seq += k->plen;
    if (!vsock_desegment || k->pcaplen < k->plen) {
        /* What was not captured cannot be reassembled. */
        flow->pdu = NULL;
        if (k->plen > 0) {
            p = vsock_piece_add(tail, VSOCK_PIECE_DIRECT, 0, k->plen, NULL);
            (void)vsock_call_subdissector(payload_tvb, pinfo, tree, FALSE, &doff, &dlen);
        }
        return;
    }
    while (off < k->plen) {
        pdu = flow->pdu;
        if (pdu != NULL) {
            take = k->plen - off;
            if (pdu->mode == VSOCK_WANT_BYTES && pdu->want < take)
                take = pdu->want;
            vsock_pdu_append(pdu, payload_tvb, off, take, pinfo->num);
            p = vsock_piece_add(tail, VSOCK_PIECE_SEGMENT, off, take, pdu);
            off += take;
            if (pdu->mode == VSOCK_WANT_BYTES)
                pdu->want -= take;
            if (pdu->mode == VSOCK_WANT_SEGMENT ||
                (pdu->mode == VSOCK_WANT_BYTES && pdu->want == 0))
                vsock_stream_try_pdu(flow, tvb, pinfo, tree, vsock_tree, tail);
            vsock_segment_item(vsock_tree, pinfo, payload_tvb, p, FALSE);
            continue;
        }
        p = vsock_piece_add(tail, VSOCK_PIECE_DIRECT, off, k->plen - off, NULL);
        p->can_desegment = TRUE;
        if (!vsock_call_subdissector(tvb_new_subset_remaining(payload_tvb, off),
                pinfo, tree, TRUE, &doff, &dlen))
            break;
        pdu = vsock_pdu_new();
        if (dlen == DESEGMENT_ONE_MORE_SEGMENT) {
            pdu->mode = VSOCK_WANT_SEGMENT;
        } else if (dlen == DESEGMENT_UNTIL_FIN) {
            pdu->mode = VSOCK_WANT_FIN;
        } else {
            pdu->mode = VSOCK_WANT_BYTES;
            pdu->want = dlen;
        }
        off += doff;
        vsock_pdu_append(pdu, payload_tvb, off, k->plen - off, pinfo->num);
        p = vsock_piece_add(tail, VSOCK_PIECE_SEGMENT, off, k->plen - off, pdu);
        vsock_segment_item(vsock_tree, pinfo, payload_tvb, p, FALSE);
        flow->pdu = pdu;
        break;
    }
}

/*
 * SEQPACKET payload (first pass): a message, once its EOM piece is
 * there, goes to the subdissector whole.
 */
static void
vsock_seqpacket_payload(vsock_flow_t *flow, tvbuff_t *tvb, tvbuff_t *payload_tvb,
        const vsock_packet_t *k, packet_info *pinfo, proto_tree *tree,
        proto_tree *vsock_tree, vsock_piece_t ***tail)
{
    vsock_pdu_t *pdu = flow->pdu;
    vsock_piece_t *p;
    guint32 doff, dlen;
    gboolean eom = (k->flags & VIRTIO_VSOCK_SEQ_EOM) != 0;

    if (pdu == NULL && eom) {
        if (k->plen > 0) {
            (void)vsock_piece_add(tail, VSOCK_PIECE_DIRECT, 0, k->plen, NULL);
            (void)vsock_call_subdissector(payload_tvb, pinfo, tree, FALSE, &doff, &dlen);
        }
        return;
    }
    if (pdu == NULL)
        pdu = flow->pdu = vsock_pdu_new();
    vsock_pdu_append(pdu, payload_tvb, 0, k->pcaplen, pinfo->num);
    if (k->pcaplen < k->plen)
        pdu->incomplete = TRUE;
    p = vsock_piece_add(tail, VSOCK_PIECE_SEGMENT, 0, k->pcaplen, pdu);
    if (eom) {
        flow->pdu = NULL;
        pdu->reassembled_in = pinfo->num;
        if (!pdu->incomplete && pdu->len > 0) {
            vsock_piece_t *pp = vsock_piece_add(tail, VSOCK_PIECE_PDU, 0, 0, pdu);
            tvbuff_t *pdu_tvb = vsock_pdu_tvb(tvb, pinfo, pdu, pdu->len);

            pp->pdu_len = pdu->len;
            vsock_pdu_tree(vsock_tree, pdu_tvb, pdu, pdu->len);
            (void)vsock_call_subdissector(pdu_tvb, pinfo, tree, FALSE, &doff, &dlen);
        }
    }
    vsock_segment_item(vsock_tree, pinfo, payload_tvb, p, TRUE);
}

/*
 * Side d of a conversation sends no more (SHUTDOWN with SEND, or RST),
 * first pass: a message it left open is dropped; a PDU whose subdissector
 * waits for the end of the stream is handed over.
 */
static void
vsock_flow_end(vsock_conv_t *c, int d, tvbuff_t *tvb, packet_info *pinfo,
        proto_tree *tree, proto_tree *vsock_tree, vsock_piece_t ***tail)
{
    vsock_flow_t *flow = &c->flow[d];

    if (flow->pdu == NULL)
        return;
    if (c->type == VIRTIO_VSOCK_TYPE_STREAM && flow->pdu->mode == VSOCK_WANT_FIN) {
        vsock_pdu_t *pdu = flow->pdu;
        tvbuff_t *pdu_tvb = vsock_pdu_tvb(tvb, pinfo, pdu, pdu->len);
        vsock_piece_t *p = vsock_piece_add(tail, VSOCK_PIECE_PDU, 0, 0, pdu);
        guint32 doff, dlen;

        p->pdu_len = pdu->len;
        pdu->reassembled_in = pinfo->num;
        vsock_pdu_tree(vsock_tree, pdu_tvb, pdu, pdu->len);
        (void)vsock_call_subdissector(pdu_tvb, pinfo, tree, FALSE, &doff, &dlen);
    }
    flow->pdu = NULL;
}

/* ---- Taps ------------------------------------------------------------ */

/* What the conversation and follow taps get of a tracked packet. */
typedef struct {
    guint32 stream;
    guint8 side;
    guint16 type, op;
    guint32 flags;
    guint32 plen;
    tvbuff_t *payload_tvb;              /* the captured payload, within plen */
} vsock_tap_info_t;

static const char *
vsock_conv_get_filter_type(conv_item_t *conv _U_, conv_filter_type_e filter)
{
    switch (filter) {
    case CONV_FT_SRC_ADDRESS:
        return "vsock.src_cid";
    case CONV_FT_DST_ADDRESS:
        return "vsock.dst_cid";
    case CONV_FT_ANY_ADDRESS:
        return "vsock.cid";
    case CONV_FT_SRC_PORT:
        return "vsock.src_port";
    case CONV_FT_DST_PORT:
        return "vsock.dst_port";
    case CONV_FT_ANY_PORT:
        return "vsock.port";
    default:
        return CONV_FILTER_INVALID;
    }
}

static ct_dissector_info_t vsock_ct_dissector_info = { &vsock_conv_get_filter_type };

/*
 * The conversation table counts, each way, the packets and the payload
 * bytes of the RW packets: the bytes the two sides exchanged, as
 * vsockdump's conversation table counts them.
 */
static tap_packet_status
vsock_conversation_packet(void *pct, packet_info *pinfo, epan_dissect_t *edt _U_,
        const void *vip, tap_flags_t flags)
{
    conv_hash_t *hash = (conv_hash_t *)pct;
    const vsock_tap_info_t *info = (const vsock_tap_info_t *)vip;
    guint32 bytes = info->op == VIRTIO_VSOCK_OP_RW ? info->plen : 0;

    hash->flags = flags;
    add_conversation_table_data_with_conv_id(hash, &pinfo->src, &pinfo->dst,
        pinfo->srcport, pinfo->destport, (conv_id_t)info->stream, 1,
        bytes > G_MAXINT ? G_MAXINT : (int)bytes, &pinfo->rel_ts, &pinfo->abs_ts,
        &vsock_ct_dissector_info, CONVERSATION_NONE);
    return TAP_PACKET_REDRAW;
}

static const char *
vsock_endpoint_get_filter_type(endpoint_item_t *endpoint _U_, conv_filter_type_e filter)
{
    return vsock_conv_get_filter_type(NULL, filter);
}

static et_dissector_info_t vsock_endpoint_dissector_info = { &vsock_endpoint_get_filter_type };

static tap_packet_status
vsock_endpoint_packet(void *pit, packet_info *pinfo, epan_dissect_t *edt _U_,
        const void *vip, tap_flags_t flags)
{
    conv_hash_t *hash = (conv_hash_t *)pit;
    const vsock_tap_info_t *info = (const vsock_tap_info_t *)vip;
    guint32 bytes = info->op == VIRTIO_VSOCK_OP_RW ? info->plen : 0;
    int b = bytes > G_MAXINT ? G_MAXINT : (int)bytes;

    hash->flags = flags;
    add_endpoint_table_data(hash, &pinfo->src, pinfo->srcport, TRUE, 1, b,
        &vsock_endpoint_dissector_info, ENDPOINT_NONE);
    add_endpoint_table_data(hash, &pinfo->dst, pinfo->destport, FALSE, 1, b,
        &vsock_endpoint_dissector_info, ENDPOINT_NONE);
    return TAP_PACKET_REDRAW;
}

static gchar *
vsock_follow_conv_filter(epan_dissect_t *edt _U_, packet_info *pinfo, guint *stream,
        guint *sub_stream _U_)
{
    const vsock_frame_t *fi = (const vsock_frame_t *)p_get_proto_data(wmem_file_scope(),
        pinfo, proto_vsock, 0);

    if (fi == NULL || fi->conv == NULL)
        return NULL;
    *stream = fi->conv->stream;
    return g_strdup_printf("vsock.stream eq %u", fi->conv->stream);
}

static gchar *
vsock_follow_index_filter(guint stream, guint sub_stream _U_)
{
    return g_strdup_printf("vsock.stream eq %u", stream);
}

static gchar *
vsock_follow_address_filter(address *src_addr, address *dst_addr, int src_port, int dst_port)
{
    if (src_addr->type != vsock_address_type || dst_addr->type != vsock_address_type)
        return NULL;
    return g_strdup_printf("((vsock.src_cid eq %" PRIu64 " and vsock.src_port eq %u and "
        "vsock.dst_cid eq %" PRIu64 " and vsock.dst_port eq %u) or "
        "(vsock.src_cid eq %" PRIu64 " and vsock.src_port eq %u and "
        "vsock.dst_cid eq %" PRIu64 " and vsock.dst_port eq %u))",
        pletoh64(src_addr->data), (guint)src_port, pletoh64(dst_addr->data), (guint)dst_port,
        pletoh64(dst_addr->data), (guint)dst_port, pletoh64(src_addr->data), (guint)src_port);
}

static gchar *
vsock_port_to_display(wmem_allocator_t *allocator, guint port)
{
    return wmem_strdup_printf(allocator, "%u", port);
}

/*
 * Follow vsock Stream: one chunk per RW packet of a STREAM connection,
 * one per message of a SEQPACKET one.  A message's chunk takes its
 * pieces until EOM, unless the other side's data comes between them.
 */
static tap_packet_status
vsock_follow_tap_listener(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
        const void *data, tap_flags_t flags _U_)
{
    follow_info_t *follow_info = (follow_info_t *)tapdata;
    const vsock_tap_info_t *info = (const vsock_tap_info_t *)data;
    follow_record_t *record = NULL;
    guint32 len = tvb_captured_length(info->payload_tvb);
    gboolean is_server;

    /* Node 0 is the conversation's source, the side that connected. */
    if (follow_info->client_port == 0 && follow_info->client_ip.type == AT_NONE) {
        gboolean from_src = info->side == 0;

        follow_info->client_port = from_src ? pinfo->srcport : pinfo->destport;
        copy_address(&follow_info->client_ip, from_src ? &pinfo->src : &pinfo->dst);
        follow_info->server_port = from_src ? pinfo->destport : pinfo->srcport;
        copy_address(&follow_info->server_ip, from_src ? &pinfo->dst : &pinfo->src);
    }
    is_server = !(addresses_equal(&follow_info->client_ip, &pinfo->src) &&
        follow_info->client_port == pinfo->srcport);

    /* The record of a message still open, from the same side: seq is 1. */
    if (follow_info->payload != NULL) {
        follow_record_t *last = (follow_record_t *)follow_info->payload->data;

        if (last->seq == 1 && last->is_server == is_server)
            record = last;
    }
    if (record == NULL) {
        record = g_new0(follow_record_t, 1);
        record->is_server = is_server;
        record->packet_num = pinfo->num;
        record->abs_ts = pinfo->abs_ts;
        record->data = g_byte_array_new();
        follow_info->payload = g_list_prepend(follow_info->payload, record);
    }
    record->seq = info->type == VIRTIO_VSOCK_TYPE_SEQPACKET &&
        !(info->flags & VIRTIO_VSOCK_SEQ_EOM);
    if (len > 0)
        g_byte_array_append(record->data, tvb_get_ptr(info->payload_tvb, 0, len), len);
    follow_info->bytes_written[is_server] += len;
    return TAP_PACKET_DONT_REDRAW;
}

/* ---- Dissection ------------------------------------------------------ */

/* The names a packet's flags have for its op and socket type. */
static const char *
vsock_flags_str(wmem_allocator_t *scope, guint16 type, guint16 op, guint32 flags)
{
    wmem_strbuf_t *buf = wmem_strbuf_new(scope, "");
    const char *lo = NULL, *hi = NULL;

    if (op == VIRTIO_VSOCK_OP_SHUTDOWN) {
        lo = "RCV";
        hi = "SEND";
    } else if (op == VIRTIO_VSOCK_OP_RW && type == VIRTIO_VSOCK_TYPE_SEQPACKET) {
        lo = "EOM";
        hi = "EOR";
    }
    if (lo != NULL) {
        if (flags & 0x1)
            wmem_strbuf_append(buf, lo);
        if (flags & 0x2)
            wmem_strbuf_append_printf(buf, "%s%s", wmem_strbuf_get_len(buf) ? ", " : "", hi);
        flags &= VIRTIO_VSOCK_FLAGS_RESERVED;
    }
    if (flags != 0)
        wmem_strbuf_append_printf(buf, "%s0x%x", wmem_strbuf_get_len(buf) ? ", " : "", flags);
    return wmem_strbuf_finalize(buf);
}

/* The vsockmon op the kernel puts beside a virtio op. */
static guint16
vsock_op_of_virtio_op(guint16 op)
{
    switch (op) {
    case VIRTIO_VSOCK_OP_REQUEST:
    case VIRTIO_VSOCK_OP_RESPONSE:
        return AF_VSOCK_OP_CONNECT;
    case VIRTIO_VSOCK_OP_RST:
    case VIRTIO_VSOCK_OP_SHUTDOWN:
        return AF_VSOCK_OP_DISCONNECT;
    case VIRTIO_VSOCK_OP_RW:
        return AF_VSOCK_OP_PAYLOAD;
    case VIRTIO_VSOCK_OP_CREDIT_UPDATE:
    case VIRTIO_VSOCK_OP_CREDIT_REQUEST:
        return AF_VSOCK_OP_CONTROL;
    default:
        return AF_VSOCK_OP_UNKNOWN;
    }
}

/* "CID.PORT" of side d of c */
static const char *
vsock_endpoint_str(const vsock_conv_t *c, int d)
{
    return wmem_strdup_printf(wmem_packet_scope(), "%" PRIu64 ".%u", c->cid[d], c->port[d]);
}

static void
vsock_add_duration(proto_tree *tree, tvbuff_t *tvb, gint64 ns)
{
    nstime_t t;
    proto_item *ti;

    t.secs = (time_t)(ns / VSOCK_NS_PER_SEC);
    t.nsecs = (int)(ns % VSOCK_NS_PER_SEC);
    ti = proto_tree_add_time(tree, hf_vsock_analysis_no_credit_time, tvb, 0, 0, &t);
    proto_item_set_generated(ti);
}

static void
vsock_add_frame(proto_tree *tree, int hf, tvbuff_t *tvb, guint32 frame)
{
    proto_item *ti = proto_tree_add_uint(tree, hf, tvb, 0, 0, frame);

    proto_item_set_generated(ti);
}

static void
vsock_add_u64(proto_tree *tree, int hf, tvbuff_t *tvb, guint64 v)
{
    proto_item *ti = proto_tree_add_uint64(tree, hf, tvb, 0, 0, v);

    proto_item_set_generated(ti);
}

static void
vsock_add_u32(proto_tree *tree, int hf, tvbuff_t *tvb, guint64 v)
{
    proto_item *ti = proto_tree_add_uint(tree, hf, tvb, 0, 0, (guint32)v);

    proto_item_set_generated(ti);
}

/* One note as an expert info, with its figures below it. */
static void
vsock_event_tree(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const vsock_event_t *e)
{
    const vsock_conv_t *c = e->conv;
    const char *s = vsock_endpoint_str(c, e->side);
    const char *o = vsock_endpoint_str(c, !e->side);
    double secs = (double)e->duration_ns / (double)VSOCK_NS_PER_SEC;
    proto_item *ti;
    proto_tree *sub;

    switch (e->note) {
    case VSOCK_NOTE_REFUSED:
        proto_tree_add_expert_format(tree, pinfo, &ei_vsock_refused, tvb, 0, 0,
            "Connection refused: REQUEST answered by RST (nothing listens on %s?)", s);
        break;
    case VSOCK_NOTE_NO_RESPONSE:
        ti = proto_tree_add_expert_format(tree, pinfo, &ei_vsock_no_response, tvb, 0, 0,
            "REQUEST of frame %u from %s to %s unanswered for %.6f s (conversation %u)",
            e->frame, s, o, secs, c->stream);
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_frame(sub, hf_vsock_analysis_wait_frame, tvb, e->frame);
        break;
    case VSOCK_NOTE_DATA_BEFORE_RESPONSE:
        proto_tree_add_expert_format(tree, pinfo, &ei_vsock_data_before_response, tvb, 0, 0,
            "Data from %s before the RESPONSE", s);
        break;
    case VSOCK_NOTE_ZERO_WINDOW:
        ti = proto_tree_add_expert_format(tree, pinfo, &ei_vsock_zero_window, tvb, 0, 0,
            "Zero window: %" PRIu64 " bytes in flight fill %s's buf_alloc %" PRIu64, e->a, o, e->b);
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_u64(sub, hf_vsock_analysis_bytes_in_flight, tvb, e->a);
        vsock_add_u32(sub, hf_vsock_analysis_buf_alloc, tvb, e->b);
        break;
    case VSOCK_NOTE_WINDOW_REOPENED:
        ti = proto_tree_add_expert_format(tree, pinfo, &ei_vsock_window_reopened, tvb, 0, 0,
            "Window reopened: %s had no credit for %.6f s since frame %" PRIu64, s, secs, e->a);
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_duration(sub, tvb, e->duration_ns);
        vsock_add_frame(sub, hf_vsock_analysis_wait_frame, tvb, (guint32)e->a);
        break;
    case VSOCK_NOTE_STALL:
        ti = proto_tree_add_expert_format(tree, pinfo, &ei_vsock_stall, tvb, 0, 0,
            "Stall: %s has had no credit for %.6f s since frame %u (conversation %u)",
            s, secs, e->frame, c->stream);
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_duration(sub, tvb, e->duration_ns);
        vsock_add_frame(sub, hf_vsock_analysis_wait_frame, tvb, e->frame);
        break;
    case VSOCK_NOTE_BEYOND_CREDIT:
        ti = proto_tree_add_expert_format(tree, pinfo, &ei_vsock_beyond_credit, tvb, 0, 0,
            "Data beyond credit: %" PRIu64 " bytes in flight > %s's buf_alloc %" PRIu64, e->a, o, e->b);
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_u64(sub, hf_vsock_analysis_bytes_in_flight, tvb, e->a);
        vsock_add_u32(sub, hf_vsock_analysis_buf_alloc, tvb, e->b);
        break;
    case VSOCK_NOTE_CREDIT_REQUEST_UNANSWERED:
        ti = proto_tree_add_expert_format(tree, pinfo, &ei_vsock_credit_request_unanswered, tvb, 0, 0,
            "CREDIT_REQUEST of frame %u from %s unanswered for %.6f s (conversation %u)",
            e->frame, s, secs, c->stream);
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_frame(sub, hf_vsock_analysis_wait_frame, tvb, e->frame);
        break;
    case VSOCK_NOTE_UNANNOUNCED_DRAIN:
        ti = proto_tree_add_expert_format(tree, pinfo, &ei_vsock_unannounced_drain, tvb, 0, 0,
            "Unannounced drain: %s had consumed %" PRIu64 " bytes of a stalled sender and told it only when asked",
            s, e->a);
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_u32(sub, hf_vsock_analysis_drained, tvb, e->a);
        break;
    case VSOCK_NOTE_FWD_CNT_BACKWARDS:
        ti = proto_tree_add_expert_format(tree, pinfo, &ei_vsock_fwd_cnt_backwards, tvb, 0, 0,
            "fwd_cnt going backwards: %" PRIu64 " after %" PRIu64, e->a, e->b);
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_u32(sub, hf_vsock_analysis_fwd_cnt_prev, tvb, e->b);
        break;
    case VSOCK_NOTE_FWD_CNT_BEYOND_SENT:
        ti = proto_tree_add_expert_format(tree, pinfo, &ei_vsock_fwd_cnt_beyond_sent, tvb, 0, 0,
            "fwd_cnt beyond the data sent: fwd_cnt %" PRIu64 ", but %" PRIu64 " bytes were sent to %s",
            e->a, e->b, s);
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_u32(sub, hf_vsock_analysis_bytes_sent, tvb, e->b);
        break;
    case VSOCK_NOTE_BUF_ALLOC_BELOW_IN_FLIGHT:
        ti = proto_tree_add_expert_format(tree, pinfo, &ei_vsock_buf_alloc_below_in_flight, tvb, 0, 0,
            "buf_alloc %" PRIu64 " < %" PRIu64 " bytes in flight", e->a, e->b);
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_u64(sub, hf_vsock_analysis_bytes_in_flight, tvb, e->b);
        break;
    case VSOCK_NOTE_DATA_AFTER_SHUTDOWN:
        ti = proto_tree_add_expert_format(tree, pinfo, &ei_vsock_data_after_shutdown, tvb, 0, 0,
            "Data after shutdown: %s shut down SEND in frame %" PRIu64, s, e->a);
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_frame(sub, hf_vsock_analysis_shutdown_frame, tvb, (guint32)e->a);
        break;
    case VSOCK_NOTE_DATA_AFTER_RST:
    case VSOCK_NOTE_AFTER_CLOSE:
        ti = proto_tree_add_expert_format(tree, pinfo, e->note == VSOCK_NOTE_DATA_AFTER_RST ?
            &ei_vsock_data_after_rst : &ei_vsock_after_close, tvb, 0, 0,
            "%s after close: %s sent RST in frame %" PRIu64,
            e->note == VSOCK_NOTE_DATA_AFTER_RST ? "Data" : "Packet", s, e->a);
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_frame(sub, hf_vsock_analysis_rst_frame, tvb, (guint32)e->a);
        break;
    case VSOCK_NOTE_UNTERMINATED_MESSAGE:
        ti = proto_tree_add_expert_format(tree, pinfo, &ei_vsock_unterminated_message, tvb, 0, 0,
            "Unterminated message: %" PRIu64 " bytes in %" PRIu64 " piece%s without EOM",
            e->b, e->a, plurality(e->a, "", "s"));
        sub = proto_item_add_subtree(ti, ett_vsock_analysis);
        vsock_add_u32(sub, hf_vsock_analysis_pieces, tvb, e->a);
        break;
    default:
        break;
    }
}

static void
vsock_analysis_tree(proto_tree *vsock_tree, packet_info *pinfo, tvbuff_t *tvb,
        const vsock_frame_t *fi)
{
    proto_item *ti;
    proto_tree *tree;
    guint32 i;

    if (fi->nevents == 0 && fi->nabsences == 0)
        return;
    ti = proto_tree_add_item(vsock_tree, hf_vsock_analysis, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    tree = proto_item_add_subtree(ti, ett_vsock_analysis);
    for (i = 0; i < fi->nabsences; i++)
        vsock_event_tree(tree, pinfo, tvb, &fi->absences[i]);
    for (i = 0; i < fi->nevents; i++)
        vsock_event_tree(tree, pinfo, tvb, &fi->events[i]);
}

/* The first pass over a frame: the tracker, then the frame's record. */
static vsock_frame_t *
vsock_track_frame(packet_info *pinfo, vsock_packet_t *k, gboolean tracked)
{
    vsock_frame_t *fi = wmem_new0(wmem_file_scope(), vsock_frame_t);
    gint64 ns = vsock_frame_ns(pinfo);
    int side = 0;

    if (vsock_tracker == NULL)
        vsock_tracker = vsock_tracker_new();
    if (vsock_cur_absences == NULL)
        vsock_cur_absences = g_array_new(FALSE, FALSE, sizeof(vsock_event_t));
    g_array_set_size(vsock_cur_absences, 0);
    vsock_tick(vsock_tracker, ns);
    if (vsock_cur_absences->len > 0) {
        fi->nabsences = vsock_cur_absences->len;
        fi->absences = (vsock_event_t *)wmem_memdup(wmem_file_scope(),
            vsock_cur_absences->data, vsock_cur_absences->len * sizeof(vsock_event_t));
    }
    if (tracked) {
        vsock_event_t events[VSOCK_MAX_EVENTS];
        gboolean fresh;

        vsock_cur_events = events;
        vsock_cur_nevents = 0;
        fi->conv = vsock_track(vsock_tracker, k, pinfo->num, ns, &side, &fresh);
        vsock_cur_events = NULL;
        fi->side = (guint8)side;
        if (vsock_cur_nevents > 0) {
            fi->nevents = (guint8)vsock_cur_nevents;
            fi->events = (vsock_event_t *)wmem_memdup(wmem_file_scope(), events,
                vsock_cur_nevents * sizeof(vsock_event_t));
        }
        if (fresh) {
            /*
             * A conversation for the subdissectors' state that begins
             * here, so that a new connection on the same pair does not
             * continue the old one's.
             */
            conversation_new(pinfo->num, &pinfo->src, &pinfo->dst, CONVERSATION_NONE,
                pinfo->srcport, pinfo->destport, 0);
        }
    }
    p_add_proto_data(wmem_file_scope(), pinfo, proto_vsock, 0, fi);
    return fi;
}

static void
vsock_add_virtio_flags(proto_tree *tree, tvbuff_t *tvb, int offset, guint16 type,
        guint16 op, gboolean have_type)
{
    int * const *fields = NULL;

    if (op == VIRTIO_VSOCK_OP_SHUTDOWN)
        fields = virtio_shutdown_flags;
    else if (op == VIRTIO_VSOCK_OP_RW && have_type && type == VIRTIO_VSOCK_TYPE_SEQPACKET)
        fields = virtio_seqpacket_flags;
    if (fields != NULL)
        proto_tree_add_bitmask_with_flags(tree, tvb, offset, hf_virtio_flags, ett_virtio_flags,
            fields, ENC_LITTLE_ENDIAN, BMT_NO_FALSE | BMT_NO_INT | BMT_NO_TFS);
    else
        proto_tree_add_item(tree, hf_virtio_flags, tvb, offset, 4, ENC_LITTLE_ENDIAN);
}

static void
vsock_check_addr(packet_info *pinfo, proto_item *ti, const char *what,
        guint64 cid, guint32 port, guint64 vcid, guint32 vport)
{
    if (vcid != cid || vport != port)
        expert_add_info_format(pinfo, ti, &ei_vsock_addr_mismatch,
            "virtio %s %" PRIu64 ".%u != %" PRIu64 ".%u", what, vcid, vport, cid, port);
}

/* The virtio header, of which hdr_len bytes are there. */
static void
vsock_dissect_virtio(tvbuff_t *tvb, packet_info *pinfo, proto_tree *vsock_tree,
        guint32 hdr_len, guint32 len, guint32 *vtype, guint32 *vop, guint32 *vflags,
        guint32 *vbuf, guint32 *vfwd, guint32 *vpayload, guint32 *have)
{
    proto_tree *tree;
    proto_item *ti, *pi;
    int off = VSOCKMON_HDR_LEN;
    guint32 n = MIN(hdr_len, VIRTIO_HDR_LEN);
    guint64 vsrc, vdst;
    guint32 vsport, vdport;

    *have = n;
    /* As much of it as was captured: its fields follow as far as they go. */
    tree = proto_tree_add_subtree(vsock_tree, tvb, off,
        MIN((gint)n, tvb_captured_length_remaining(tvb, off)), ett_virtio, &ti,
        "Virtio transport header");
    if (n >= 8)
        proto_tree_add_item_ret_uint64(tree, hf_virtio_src_cid, tvb, off, 8, ENC_LITTLE_ENDIAN, &vsrc);
    if (n >= 16)
        proto_tree_add_item_ret_uint64(tree, hf_virtio_dst_cid, tvb, off + 8, 8, ENC_LITTLE_ENDIAN, &vdst);
    if (n >= 20) {
        proto_tree_add_item_ret_uint(tree, hf_virtio_src_port, tvb, off + 16, 4, ENC_LITTLE_ENDIAN, &vsport);
        pi = proto_tree_add_item(tree, hf_virtio_src_prot, tvb, off + 16, 4, ENC_LITTLE_ENDIAN);
        proto_item_set_hidden(pi);
    }
    if (n >= 24) {
        proto_tree_add_item_ret_uint(tree, hf_virtio_dst_port, tvb, off + 20, 4, ENC_LITTLE_ENDIAN, &vdport);
        pi = proto_tree_add_item(tree, hf_virtio_dst_prot, tvb, off + 20, 4, ENC_LITTLE_ENDIAN);
        proto_item_set_hidden(pi);
        vsock_check_addr(pinfo, ti, "src", tvb_get_letoh64(tvb, 0), tvb_get_letohl(tvb, 16),
            vsrc, vsport);
        vsock_check_addr(pinfo, ti, "dst", tvb_get_letoh64(tvb, 8), tvb_get_letohl(tvb, 20),
            vdst, vdport);
    }
    if (n >= 28) {
        pi = proto_tree_add_item_ret_uint(tree, hf_virtio_len, tvb, off + VIRTIO_OFF_LEN, 4,
            ENC_LITTLE_ENDIAN, vpayload);
        if (len >= VSOCKMON_HDR_LEN + hdr_len && *vpayload != len - VSOCKMON_HDR_LEN - hdr_len)
            expert_add_info_format(pinfo, pi, &ei_vsock_virtio_len,
                "virtio len %u != %u payload bytes", *vpayload, len - VSOCKMON_HDR_LEN - hdr_len);
    }
    if (n >= 30) {
        pi = proto_tree_add_item_ret_uint(tree, hf_virtio_type, tvb, off + VIRTIO_OFF_TYPE, 2,
            ENC_LITTLE_ENDIAN, vtype);
        if (*vtype != VIRTIO_VSOCK_TYPE_STREAM && *vtype != VIRTIO_VSOCK_TYPE_SEQPACKET)
            expert_add_info(pinfo, pi, &ei_vsock_type_unknown);
    }
    if (n >= 32) {
        guint32 op = tvb_get_letohs(tvb, VSOCKMON_OFF_OP);

        pi = proto_tree_add_item_ret_uint(tree, hf_virtio_op, tvb, off + VIRTIO_OFF_OP, 2,
            ENC_LITTLE_ENDIAN, vop);
        if (op != vsock_op_of_virtio_op((guint16)*vop))
            expert_add_info_format(pinfo, pi, &ei_vsock_op_mismatch,
                "vsockmon op %s != %s for virtio op %s",
                val_to_str(op, af_vsockmon_op_abbrevs, "%u"),
                val_to_str(vsock_op_of_virtio_op((guint16)*vop), af_vsockmon_op_abbrevs, "%u"),
                val_to_str(*vop, virtio_vsock_op_abbrevs, "%u"));
    }
    if (n >= 36) {
        *vflags = tvb_get_letohl(tvb, off + VIRTIO_OFF_FLAGS);
        vsock_add_virtio_flags(tree, tvb, off + VIRTIO_OFF_FLAGS, (guint16)*vtype,
            (guint16)*vop, n >= 30);
    }
    if (n >= 40)
        proto_tree_add_item_ret_uint(tree, hf_virtio_buf_alloc, tvb, off + VIRTIO_OFF_BUF_ALLOC, 4,
            ENC_LITTLE_ENDIAN, vbuf);
    if (n >= 44)
        proto_tree_add_item_ret_uint(tree, hf_virtio_fwd_cnt, tvb, off + VIRTIO_OFF_FWD_CNT, 4,
            ENC_LITTLE_ENDIAN, vfwd);
}

static int
dissect_vsock(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    proto_item *ti, *pi;
    proto_tree *vsock_tree;
    vsock_packet_t k;
    vsock_frame_t *fi;
    gboolean tracked;
    guint32 len = tvb_reported_length(tvb);
    guint32 op, transport, hdr_len;
    volatile guint32 headers = 0;
    guint32 vtype = 0, vop = 0, vflags = 0, vbuf = 0, vfwd = 0, vpayload = 0, vhave = 0;
    guint64 src_cid, dst_cid;
    volatile unsigned long caught = 0;
    const char *volatile caught_msg = NULL;
    vsock_tap_info_t *tap_info;
    tvbuff_t *payload_tvb = NULL;

    col_set_str(pinfo->cinfo, COL_PROTOCOL, "vsock");
    col_clear(pinfo->cinfo, COL_INFO);

    memset(&k, 0, sizeof(k));
    tracked = vsock_parse(tvb, pinfo, &k);
    fi = (vsock_frame_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_vsock, 0);

    ti = proto_tree_add_item(tree, proto_vsock, tvb, 0, -1, ENC_NA);
    vsock_tree = proto_item_add_subtree(ti, ett_vsock);

    if (len < VSOCKMON_HDR_LEN) {
        if (fi == NULL && !PINFO_FD_VISITED(pinfo))
            fi = vsock_track_frame(pinfo, &k, FALSE);
        col_add_fstr(pinfo->cinfo, COL_INFO, "length %u < vsockmon header", len);
        expert_add_info_format(pinfo, ti, &ei_vsock_len_short,
            "length %u < headers %u", len, VSOCKMON_HDR_LEN);
        if (fi != NULL)
            vsock_analysis_tree(vsock_tree, pinfo, tvb, fi);
        return tvb_captured_length(tvb);
    }

    /* Addresses for the columns, the conversation and the subdissectors */
    if (tvb_captured_length(tvb) >= 24) {
        set_address_tvb(&pinfo->src, vsock_address_type, 8, tvb, 0);
        set_address_tvb(&pinfo->dst, vsock_address_type, 8, tvb, 8);
        pinfo->srcport = tvb_get_letohl(tvb, 16);
        pinfo->destport = tvb_get_letohl(tvb, 20);
        pinfo->ptype = PT_NONE;
    }
    if (fi == NULL && !PINFO_FD_VISITED(pinfo))
        fi = vsock_track_frame(pinfo, &k, tracked);

    pi = proto_tree_add_uint(vsock_tree, hf_vsock_len, tvb, 0, 0, len);
    proto_item_set_generated(pi);

    TRY {
        proto_tree_add_item_ret_uint64(vsock_tree, hf_vsock_src_cid, tvb, 0, 8, ENC_LITTLE_ENDIAN, &src_cid);
        proto_tree_add_item_ret_uint64(vsock_tree, hf_vsock_dst_cid, tvb, 8, 8, ENC_LITTLE_ENDIAN, &dst_cid);
        pi = proto_tree_add_item(vsock_tree, hf_vsock_cid, tvb, 0, 8, ENC_LITTLE_ENDIAN);
        proto_item_set_hidden(pi);
        pi = proto_tree_add_item(vsock_tree, hf_vsock_cid, tvb, 8, 8, ENC_LITTLE_ENDIAN);
        proto_item_set_hidden(pi);
        proto_tree_add_item(vsock_tree, hf_vsock_src_port, tvb, 16, 4, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(vsock_tree, hf_vsock_dst_port, tvb, 20, 4, ENC_LITTLE_ENDIAN);
        pi = proto_tree_add_item(vsock_tree, hf_vsock_port, tvb, 16, 4, ENC_LITTLE_ENDIAN);
        proto_item_set_hidden(pi);
        pi = proto_tree_add_item(vsock_tree, hf_vsock_port, tvb, 20, 4, ENC_LITTLE_ENDIAN);
        proto_item_set_hidden(pi);
        proto_item_append_text(ti, ", Src: %" PRIu64 ".%u, Dst: %" PRIu64 ".%u",
            src_cid, pinfo->srcport, dst_cid, pinfo->destport);
        col_add_fstr(pinfo->cinfo, COL_INFO, "%u " UTF8_RIGHTWARDS_ARROW " %u",
            pinfo->srcport, pinfo->destport);

        proto_tree_add_item_ret_uint(vsock_tree, hf_vsock_op, tvb, VSOCKMON_OFF_OP, 2, ENC_LITTLE_ENDIAN, &op);
        pi = proto_tree_add_item_ret_uint(vsock_tree, hf_vsock_t, tvb, VSOCKMON_OFF_TRANSPORT, 2,
            ENC_LITTLE_ENDIAN, &transport);
        if (transport > AF_VSOCK_T_VIRTIO)
            expert_add_info(pinfo, pi, &ei_vsock_trans_unknown);
        pi = proto_tree_add_item_ret_uint(vsock_tree, hf_vsock_t_len, tvb, VSOCKMON_OFF_LEN, 2,
            ENC_LITTLE_ENDIAN, &hdr_len);
        if (transport == AF_VSOCK_T_VIRTIO && hdr_len != VIRTIO_HDR_LEN)
            expert_add_info_format(pinfo, pi, &ei_vsock_trans_len,
                "virtio hdr_len %u != %u", hdr_len, VIRTIO_HDR_LEN);
        pi = proto_tree_add_item(vsock_tree, hf_vsock_reserved, tvb, 30, 2, ENC_NA);
        if (tvb_get_letohs(tvb, 30) != 0)
            expert_add_info_format(pinfo, pi, &ei_vsock_reserved, "reserved 0x%04x",
                tvb_get_letohs(tvb, 30));
        proto_item_append_text(ti, ", Op: %s, Transport: %s",
            val_to_str(op, af_vsockmon_op_names, "Unknown (%u)"),
            val_to_str(transport, af_vsockmon_t_names, "Unknown (%u)"));
        headers = VSOCKMON_HDR_LEN + hdr_len;
        if (len < headers)
            expert_add_info_format(pinfo, ti, &ei_vsock_len_short,
                "length %u < headers %u", len, headers);

        if (fi != NULL && fi->conv != NULL) {
            pi = proto_tree_add_uint(vsock_tree, hf_vsock_stream, tvb, 0, 0, fi->conv->stream);
            proto_item_set_generated(pi);
        }

        if (transport == AF_VSOCK_T_VIRTIO && hdr_len > 0 && len > VSOCKMON_HDR_LEN) {
            guint32 avail = MIN(hdr_len, len - VSOCKMON_HDR_LEN);

            vsock_dissect_virtio(tvb, pinfo, vsock_tree, avail, len, &vtype, &vop,
                &vflags, &vbuf, &vfwd, &vpayload, &vhave);
            if (vhave >= 32)
                col_append_fstr(pinfo->cinfo, COL_INFO, " [%s%s%s]",
                    val_to_str(vop, virtio_vsock_op_abbrevs, "op %u"),
                    vhave >= 36 && vflags != 0 ? ", " : "",
                    vhave >= 36 && vflags != 0 ?
                        vsock_flags_str(pinfo->pool, (guint16)vtype, (guint16)vop, vflags) : "");
            if (vhave >= 30)
                col_append_fstr(pinfo->cinfo, COL_INFO, " %s",
                    val_to_str(vtype, virtio_vsock_type_abbrevs, "Type=%u"));
            if (vhave >= 28)
                col_append_fstr(pinfo->cinfo, COL_INFO, " Len=%u", vpayload);
            if (vhave >= 44)
                col_append_fstr(pinfo->cinfo, COL_INFO, " BufAlloc=%u FwdCnt=%u", vbuf, vfwd);
            if (hdr_len > VIRTIO_HDR_LEN && len > VSOCKMON_HDR_LEN + VIRTIO_HDR_LEN)
                proto_tree_add_item(vsock_tree, hf_vsock_trans_hdr, tvb,
                    VSOCKMON_HDR_LEN + VIRTIO_HDR_LEN,
                    MIN(hdr_len, len - VSOCKMON_HDR_LEN) - VIRTIO_HDR_LEN, ENC_NA);
        } else {
            col_append_fstr(pinfo->cinfo, COL_INFO, " [%s]",
                val_to_str(op, af_vsockmon_op_abbrevs, "op %u"));
            if (hdr_len > 0 && len > VSOCKMON_HDR_LEN)
                proto_tree_add_item(vsock_tree, hf_vsock_trans_hdr, tvb, VSOCKMON_HDR_LEN,
                    MIN(hdr_len, len - VSOCKMON_HDR_LEN), ENC_NA);
        }

        if (tracked) {
            pi = proto_tree_add_uint(vsock_tree, hf_vsock_payload_len, tvb, headers, 0, k.plen);
            proto_item_set_generated(pi);
            payload_tvb = tvb_new_subset_length_caplen(tvb, headers, k.pcaplen, k.plen);
        } else if (len > headers) {
            proto_tree_add_item(vsock_tree, hf_vsock_payload, tvb, headers, len - headers, ENC_NA);
            tvb_ensure_bytes_exist(tvb, headers, len - headers);
        }
    }
    CATCH_NONFATAL_ERRORS {
        caught = EXCEPT_CODE;
        caught_msg = GET_MESSAGE;
    }
    ENDTRY;

    if (fi != NULL)
        vsock_analysis_tree(vsock_tree, pinfo, tvb, fi);
    /* The exception, once the analysis is shown. */
    if (caught != 0)
        THROW_MESSAGE(caught, caught_msg);
    if (fi == NULL || fi->conv == NULL || payload_tvb == NULL)
        return tvb_captured_length(tvb);

    /* A tracked packet: the taps, then the payload's hand-off. */
    tap_info = wmem_new0(pinfo->pool, vsock_tap_info_t);
    tap_info->stream = fi->conv->stream;
    tap_info->side = fi->side;
    tap_info->type = k.type;
    tap_info->op = k.op;
    tap_info->flags = k.flags;
    tap_info->plen = k.plen;
    tap_info->payload_tvb = tvb_new_subset_length(payload_tvb, 0, k.pcaplen);
    tap_queue_packet(vsock_tap, pinfo, tap_info);
    if (k.op == VIRTIO_VSOCK_OP_RW && have_tap_listener(vsock_follow_tap))
        tap_queue_packet(vsock_follow_tap, pinfo, tap_info);

    if (PINFO_FD_VISITED(pinfo)) {
        vsock_handoff_replay(fi, tvb, payload_tvb, pinfo, tree, vsock_tree);
    } else {
        vsock_conv_t *c = fi->conv;
        vsock_piece_t **tail = &fi->pieces;

        if (k.op == VIRTIO_VSOCK_OP_RW && c->in_table && !c->ended) {
            if (c->type == VIRTIO_VSOCK_TYPE_STREAM)
                vsock_stream_payload(&c->flow[fi->side], tvb, payload_tvb, &k, pinfo, tree,
                    vsock_tree, &tail);
            else
                vsock_seqpacket_payload(&c->flow[fi->side], tvb, payload_tvb, &k, pinfo, tree,
                    vsock_tree, &tail);
        } else if (k.op == VIRTIO_VSOCK_OP_RST ||
            (k.op == VIRTIO_VSOCK_OP_SHUTDOWN && (k.flags & VIRTIO_VSOCK_SHUTDOWN_SEND))) {
            vsock_flow_end(c, fi->side, tvb, pinfo, tree, vsock_tree, &tail);
        }
    }

    /* Last, as they throw when the capture cut the packet short. */
    if (k.plen > 0) {
        proto_tree_add_item(vsock_tree, hf_vsock_payload, payload_tvb, 0, k.plen, ENC_NA);
        tvb_ensure_bytes_exist(payload_tvb, 0, k.plen);
    }
    if (len - headers > k.plen) {
        proto_tree_add_item(vsock_tree, hf_vsock_extra, tvb, headers + k.plen,
            len - headers - k.plen, ENC_NA);
        tvb_ensure_bytes_exist(tvb, headers + k.plen, len - headers - k.plen);
    }
    return tvb_captured_length(tvb);
}

/* ---- Registration ---------------------------------------------------- */

static void
vsock_init(void)
{
    vsock_tracker = NULL;
}

static void
vsock_cleanup(void)
{
    vsock_tracker = NULL;
    if (vsock_cur_absences != NULL) {
        g_array_free(vsock_cur_absences, TRUE);
        vsock_cur_absences = NULL;
    }
}

static void
vsock_src_prompt(packet_info *pinfo, gchar *result)
{
    snprintf(result, MAX_DECODE_AS_PROMPT_LEN, "source (%u%s)", pinfo->srcport, UTF8_RIGHTWARDS_ARROW);
}

static gpointer
vsock_src_value(packet_info *pinfo)
{
    return GUINT_TO_POINTER(pinfo->srcport);
}

static void
vsock_dst_prompt(packet_info *pinfo, gchar *result)
{
    snprintf(result, MAX_DECODE_AS_PROMPT_LEN, "destination (%s%u)", UTF8_RIGHTWARDS_ARROW, pinfo->destport);
}

static gpointer
vsock_dst_value(packet_info *pinfo)
{
    return GUINT_TO_POINTER(pinfo->destport);
}

static void
vsock_both_prompt(packet_info *pinfo, gchar *result)
{
    snprintf(result, MAX_DECODE_AS_PROMPT_LEN, "both (%u%s%u)", pinfo->srcport,
        UTF8_LEFT_RIGHT_ARROW, pinfo->destport);
}

void
proto_register_vsock(void)
{
    static hf_register_info hf[] = {
        { &hf_vsock_src_cid,
          { "Source cid", "vsock.src_cid", FT_UINT64, BASE_DEC|BASE_VAL64_STRING|BASE_SPECIAL_VALS,
            VALS64(vsock_cid_names), 0x0, NULL, HFILL }},
        { &hf_vsock_dst_cid,
          { "Destination cid", "vsock.dst_cid", FT_UINT64, BASE_DEC|BASE_VAL64_STRING|BASE_SPECIAL_VALS,
            VALS64(vsock_cid_names), 0x0, NULL, HFILL }},
        { &hf_vsock_cid,
          { "Source or Destination cid", "vsock.cid", FT_UINT64, BASE_DEC|BASE_VAL64_STRING|BASE_SPECIAL_VALS,
            VALS64(vsock_cid_names), 0x0, NULL, HFILL }},
        { &hf_vsock_src_port,
          { "Source port", "vsock.src_port", FT_UINT32, BASE_DEC, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_dst_port,
          { "Destination port", "vsock.dst_port", FT_UINT32, BASE_DEC, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_port,
          { "Source or Destination port", "vsock.port", FT_UINT32, BASE_DEC, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_op,
          { "Operation", "vsock.op", FT_UINT16, BASE_DEC, VALS(af_vsockmon_op_names),
            0x0, NULL, HFILL }},
        { &hf_vsock_t,
          { "Transport", "vsock.trans", FT_UINT16, BASE_DEC, VALS(af_vsockmon_t_names),
            0x0, NULL, HFILL }},
        { &hf_vsock_t_len,
          { "Transport length", "vsock.trans_len", FT_UINT16, BASE_DEC, NULL,
            0x0, "Length of the transport header that follows the vsockmon header", HFILL }},
        { &hf_vsock_reserved,
          { "Reserved", "vsock.reserved", FT_BYTES, BASE_NONE, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_len,
          { "Length", "vsock.len", FT_UINT32, BASE_DEC, NULL,
            0x0, "Length of the vsock packet on the wire, headers included", HFILL }},
        { &hf_vsock_trans_hdr,
          { "Transport header", "vsock.trans_hdr", FT_BYTES, BASE_NONE, NULL,
            0x0, "Transport header bytes this dissector does not decode", HFILL }},
        { &hf_vsock_payload,
          { "Payload", "vsock.payload", FT_BYTES, BASE_NONE, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_payload_len,
          { "Payload length", "vsock.payload_len", FT_UINT32, BASE_DEC, NULL,
            0x0, "Payload bytes on the wire, within the virtio len", HFILL }},
        { &hf_vsock_extra,
          { "Bytes beyond the virtio len", "vsock.extra", FT_BYTES, BASE_NONE, NULL,
            0x0, "Bytes the tap copied after the payload that the virtio len gives", HFILL }},
        { &hf_vsock_stream,
          { "Stream index", "vsock.stream", FT_UINT32, BASE_DEC, NULL,
            0x0, "Conversation number, from 0 in the order the conversations start", HFILL }},
        { &hf_virtio_src_cid,
          { "Source cid", "vsock.virtio.src_cid", FT_UINT64, BASE_DEC|BASE_VAL64_STRING|BASE_SPECIAL_VALS,
            VALS64(vsock_cid_names), 0x0, NULL, HFILL }},
        { &hf_virtio_dst_cid,
          { "Destination cid", "vsock.virtio.dst_cid", FT_UINT64, BASE_DEC|BASE_VAL64_STRING|BASE_SPECIAL_VALS,
            VALS64(vsock_cid_names), 0x0, NULL, HFILL }},
        { &hf_virtio_src_port,
          { "Source port", "vsock.virtio.src_port", FT_UINT32, BASE_DEC, NULL,
            0x0, NULL, HFILL }},
        { &hf_virtio_dst_port,
          { "Destination port", "vsock.virtio.dst_port", FT_UINT32, BASE_DEC, NULL,
            0x0, NULL, HFILL }},
        { &hf_virtio_src_prot,
          { "Source port (deprecated name)", "vsock.virtio.src_prot", FT_UINT32, BASE_DEC, NULL,
            0x0, "Deprecated: use vsock.virtio.src_port", HFILL }},
        { &hf_virtio_dst_prot,
          { "Destination port (deprecated name)", "vsock.virtio.dst_prot", FT_UINT32, BASE_DEC, NULL,
            0x0, "Deprecated: use vsock.virtio.dst_port", HFILL }},
        { &hf_virtio_len,
          { "Length", "vsock.virtio.len", FT_UINT32, BASE_DEC, NULL,
            0x0, "Payload length", HFILL }},
        { &hf_virtio_type,
          { "Type", "vsock.virtio.type", FT_UINT16, BASE_DEC, VALS(virtio_vsock_type_names),
            0x0, NULL, HFILL }},
        { &hf_virtio_op,
          { "Operation", "vsock.virtio.op", FT_UINT16, BASE_DEC, VALS(virtio_vsock_op_names),
            0x0, NULL, HFILL }},
        { &hf_virtio_flags,
          { "Flags", "vsock.virtio.flags", FT_UINT32, BASE_HEX, NULL,
            0x0, NULL, HFILL }},
        { &hf_virtio_flags_shutdown_rcv,
          { "RCV", "vsock.virtio.flags.shutdown_rcv", FT_BOOLEAN, 32, TFS(&tfs_set_notset),
            VIRTIO_VSOCK_SHUTDOWN_RCV, "The sender will receive no more", HFILL }},
        { &hf_virtio_flags_shutdown_send,
          { "SEND", "vsock.virtio.flags.shutdown_send", FT_BOOLEAN, 32, TFS(&tfs_set_notset),
            VIRTIO_VSOCK_SHUTDOWN_SEND, "The sender will send no more", HFILL }},
        { &hf_virtio_flags_eom,
          { "EOM", "vsock.virtio.flags.eom", FT_BOOLEAN, 32, TFS(&tfs_set_notset),
            VIRTIO_VSOCK_SEQ_EOM, "End of message", HFILL }},
        { &hf_virtio_flags_eor,
          { "EOR", "vsock.virtio.flags.eor", FT_BOOLEAN, 32, TFS(&tfs_set_notset),
            VIRTIO_VSOCK_SEQ_EOR, "End of record", HFILL }},
        { &hf_virtio_flags_reserved,
          { "Reserved", "vsock.virtio.flags.reserved", FT_UINT32, BASE_HEX, NULL,
            VIRTIO_VSOCK_FLAGS_RESERVED, NULL, HFILL }},
        { &hf_virtio_buf_alloc,
          { "Buf alloc", "vsock.virtio.buf_alloc", FT_UINT32, BASE_DEC, NULL,
            0x0, "The sender's receive buffer size", HFILL }},
        { &hf_virtio_fwd_cnt,
          { "Fwd cnt", "vsock.virtio.fwd_cnt", FT_UINT32, BASE_DEC, NULL,
            0x0, "Bytes the sender has consumed of what it received", HFILL }},
        { &hf_vsock_segment_data,
          { "vsock segment data", "vsock.segment_data", FT_BYTES, BASE_NONE, NULL,
            0x0, "Payload that goes into a reassembled PDU or message", HFILL }},
        { &hf_vsock_reassembled_in,
          { "Reassembled PDU in frame", "vsock.reassembled_in", FT_FRAMENUM, BASE_NONE, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_reassembled_length,
          { "Reassembled vsock length", "vsock.reassembled.length", FT_UINT32, BASE_DEC, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_reassembled_data,
          { "Reassembled vsock data", "vsock.reassembled.data", FT_BYTES, BASE_NONE, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_segments,
          { "Reassembled vsock segments", "vsock.segments", FT_UINT32, BASE_DEC, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_segment,
          { "vsock segment", "vsock.segment", FT_FRAMENUM, BASE_NONE, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_analysis,
          { "Connection analysis", "vsock.analysis", FT_NONE, BASE_NONE, NULL,
            0x0, "What this packet shows of its connection's state", HFILL }},
        { &hf_vsock_analysis_bytes_in_flight,
          { "Bytes in flight", "vsock.analysis.bytes_in_flight", FT_UINT64, BASE_DEC, NULL,
            0x0, "Bytes sent that the receiver has not said it consumed", HFILL }},
        { &hf_vsock_analysis_buf_alloc,
          { "Receiver's buf_alloc", "vsock.analysis.buf_alloc", FT_UINT32, BASE_DEC, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_analysis_no_credit_time,
          { "Time without credit", "vsock.analysis.no_credit_time", FT_RELATIVE_TIME, BASE_NONE, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_analysis_wait_frame,
          { "Wait began in frame", "vsock.analysis.wait_frame", FT_FRAMENUM, BASE_NONE, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_analysis_fwd_cnt_prev,
          { "Previous fwd_cnt", "vsock.analysis.fwd_cnt_prev", FT_UINT32, BASE_DEC, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_analysis_bytes_sent,
          { "Bytes sent to the receiver", "vsock.analysis.bytes_sent", FT_UINT32, BASE_DEC, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_analysis_drained,
          { "Bytes consumed unannounced", "vsock.analysis.drained", FT_UINT32, BASE_DEC, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_analysis_shutdown_frame,
          { "SHUTDOWN in frame", "vsock.analysis.shutdown_frame", FT_FRAMENUM, BASE_NONE, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_analysis_rst_frame,
          { "RST in frame", "vsock.analysis.rst_frame", FT_FRAMENUM, BASE_NONE, NULL,
            0x0, NULL, HFILL }},
        { &hf_vsock_analysis_pieces,
          { "Pieces without EOM", "vsock.analysis.pieces", FT_UINT32, BASE_DEC, NULL,
            0x0, NULL, HFILL }},
    };

    static int *ett[] = {
        &ett_vsock,
        &ett_virtio,
        &ett_virtio_flags,
        &ett_vsock_analysis,
        &ett_vsock_segments,
    };

    static ei_register_info ei[] = {
        { &ei_vsock_len_short,
          { "vsock.len.short", PI_MALFORMED, PI_ERROR,
            "The length is shorter than the headers", EXPFILL }},
        { &ei_vsock_trans_len,
          { "vsock.trans_len.bad", PI_PROTOCOL, PI_WARN,
            "Virtio transport header length other than 44", EXPFILL }},
        { &ei_vsock_reserved,
          { "vsock.reserved.nonzero", PI_PROTOCOL, PI_NOTE,
            "Reserved field is not 0", EXPFILL }},
        { &ei_vsock_addr_mismatch,
          { "vsock.virtio.addr_mismatch", PI_PROTOCOL, PI_WARN,
            "The virtio header's address differs from the vsockmon header's", EXPFILL }},
        { &ei_vsock_virtio_len,
          { "vsock.virtio.len.mismatch", PI_PROTOCOL, PI_WARN,
            "The virtio len differs from the payload bytes on the wire", EXPFILL }},
        { &ei_vsock_op_mismatch,
          { "vsock.op.mismatch", PI_PROTOCOL, PI_WARN,
            "The vsockmon op does not match the virtio op", EXPFILL }},
        { &ei_vsock_type_unknown,
          { "vsock.virtio.type.unknown", PI_PROTOCOL, PI_WARN,
            "Unknown socket type", EXPFILL }},
        { &ei_vsock_trans_unknown,
          { "vsock.trans.unknown", PI_PROTOCOL, PI_WARN,
            "Unknown transport", EXPFILL }},
        { &ei_vsock_refused,
          { "vsock.analysis.refused", PI_SEQUENCE, PI_WARN,
            "Connection refused: REQUEST answered by RST", EXPFILL }},
        { &ei_vsock_no_response,
          { "vsock.analysis.no_response", PI_SEQUENCE, PI_WARN,
            "REQUEST without response", EXPFILL }},
        { &ei_vsock_data_before_response,
          { "vsock.analysis.data_before_response", PI_SEQUENCE, PI_WARN,
            "Data before the RESPONSE", EXPFILL }},
        { &ei_vsock_zero_window,
          { "vsock.analysis.zero_window", PI_SEQUENCE, PI_WARN,
            "Zero window: the sender has no credit left", EXPFILL }},
        { &ei_vsock_window_reopened,
          { "vsock.analysis.window_reopened", PI_SEQUENCE, PI_CHAT,
            "Window reopened: the sender has credit again", EXPFILL }},
        { &ei_vsock_stall,
          { "vsock.analysis.stall", PI_SEQUENCE, PI_WARN,
            "Stall: a sender has had no credit for the stall threshold", EXPFILL }},
        { &ei_vsock_beyond_credit,
          { "vsock.analysis.beyond_credit", PI_SEQUENCE, PI_ERROR,
            "Data beyond the receiver's credit", EXPFILL }},
        { &ei_vsock_credit_request_unanswered,
          { "vsock.analysis.credit_request_unanswered", PI_SEQUENCE, PI_WARN,
            "CREDIT_REQUEST without CREDIT_UPDATE", EXPFILL }},
        { &ei_vsock_unannounced_drain,
          { "vsock.analysis.unannounced_drain", PI_SEQUENCE, PI_WARN,
            "The receiver consumed data of a stalled sender and told it only when asked", EXPFILL }},
        { &ei_vsock_fwd_cnt_backwards,
          { "vsock.analysis.fwd_cnt_backwards", PI_SEQUENCE, PI_ERROR,
            "fwd_cnt going backwards", EXPFILL }},
        { &ei_vsock_fwd_cnt_beyond_sent,
          { "vsock.analysis.fwd_cnt_beyond_sent", PI_SEQUENCE, PI_ERROR,
            "fwd_cnt beyond the data sent", EXPFILL }},
        { &ei_vsock_buf_alloc_below_in_flight,
          { "vsock.analysis.buf_alloc_below_in_flight", PI_SEQUENCE, PI_WARN,
            "buf_alloc lowered below the bytes in flight", EXPFILL }},
        { &ei_vsock_data_after_shutdown,
          { "vsock.analysis.data_after_shutdown", PI_SEQUENCE, PI_ERROR,
            "Data after the sender's SHUTDOWN with SEND", EXPFILL }},
        { &ei_vsock_data_after_rst,
          { "vsock.analysis.data_after_rst", PI_SEQUENCE, PI_ERROR,
            "Data after the sender's RST", EXPFILL }},
        { &ei_vsock_after_close,
          { "vsock.analysis.after_close", PI_SEQUENCE, PI_WARN,
            "Packet after the sender's RST", EXPFILL }},
        { &ei_vsock_unterminated_message,
          { "vsock.analysis.unterminated_message", PI_SEQUENCE, PI_WARN,
            "SEQPACKET message ended without EOM", EXPFILL }},
    };

    static build_valid_func vsock_da_src_values[1] = { vsock_src_value };
    static build_valid_func vsock_da_dst_values[1] = { vsock_dst_value };
    static build_valid_func vsock_da_both_values[2] = { vsock_src_value, vsock_dst_value };
    static decode_as_value_t vsock_da_values[3] = {
        { vsock_src_prompt, 1, vsock_da_src_values },
        { vsock_dst_prompt, 1, vsock_da_dst_values },
        { vsock_both_prompt, 2, vsock_da_both_values }
    };
    static decode_as_t vsock_da = { "vsock", "vsock.port", 3, 2, vsock_da_values, "vsock",
        "port(s) as", decode_as_default_populate_list, decode_as_default_reset,
        decode_as_default_change, NULL };

    module_t *vsock_module;
    expert_module_t *expert_vsock;

    proto_vsock = proto_register_protocol("vSocket", "vsock", "vsock");
    proto_register_field_array(proto_vsock, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_vsock = expert_register_protocol(proto_vsock);
    expert_register_field_array(expert_vsock, ei, array_length(ei));

    vsock_address_type = address_type_dissector_register("AT_VSOCK", "vSocket Address",
        vsock_addr_to_str, vsock_addr_str_len, NULL, vsock_col_filter_str, vsock_addr_len,
        NULL, NULL);

    vsock_handle = register_dissector("vsock", dissect_vsock, proto_vsock);

    vsock_port_table = register_dissector_table("vsock.port", "vsock port", proto_vsock,
        FT_UINT32, BASE_DEC);
    vsock_heur_list = register_heur_dissector_list("vsock", proto_vsock);
    register_decode_as(&vsock_da);

    vsock_module = prefs_register_protocol(proto_vsock, NULL);
    prefs_register_bool_preference(vsock_module, "desegment",
        "Allow subdissector to reassemble STREAM data",
        "Whether a subdissector may ask for more bytes of a STREAM connection "
        "than one packet holds, and get them reassembled, as over TCP",
        &vsock_desegment);
    prefs_register_bool_preference(vsock_module, "try_heuristic_first",
        "Try heuristic sub-dissectors first",
        "Try to decode a packet using a heuristic sub-dissector before using a "
        "sub-dissector registered to a specific port",
        &vsock_try_heuristic_first);
    prefs_register_uint_preference(vsock_module, "stall_threshold",
        "Stall threshold (ms)",
        "How long a sender must be without credit for a stall, and a REQUEST or "
        "CREDIT_REQUEST without an answer for an expert info, in milliseconds",
        10, &vsock_stall_threshold_ms);

    vsock_tap = register_tap("vsock");
    vsock_follow_tap = register_tap("vsock_follow");
    register_conversation_table(proto_vsock, FALSE, vsock_conversation_packet, vsock_endpoint_packet);
    register_follow_stream(proto_vsock, "vsock_follow", vsock_follow_conv_filter,
        vsock_follow_index_filter, vsock_follow_address_filter, vsock_port_to_display,
        vsock_follow_tap_listener);

    register_init_routine(vsock_init);
    register_cleanup_routine(vsock_cleanup);
}

/* Subdissectors reached through Decode As on a vsock port. */
static const char *const vsock_decode_as_protocols[] = {
    "ssh", "http", "http2", "tls", "9p", "json", "nbd",
};

void
proto_reg_handoff_vsock(void)
{
    dissector_table_t tcp_port_table = find_dissector_table("tcp.port");
    dissector_handle_t handle;
    guint i;

    dissector_add_uint("wtap_encap", WTAP_ENCAP_VSOCK, vsock_handle);
    dissector_add_uint("sll.hatype", ARPHRD_VSOCKMON, vsock_handle);

    /*
     * systemd-ssh-generator(8) makes sshd listen on vsock port 22, and
     * systemd-ssh-proxy(1) connects to it.
     */
    handle = find_dissector("ssh");
    if (handle != NULL)
        dissector_add_uint_with_preference("vsock.port", VSOCK_DEFAULT_PORT_SSH, handle);

    /*
     * The stream protocols that run over vsock as over TCP, with the
     * handle they have for TCP.
     */
    for (i = 0; i < G_N_ELEMENTS(vsock_decode_as_protocols); i++) {
        GSList *l;

        for (l = tcp_port_table != NULL ?
                dissector_table_get_dissector_handles(tcp_port_table) : NULL;
             l != NULL; l = l->next) {
            handle = (dissector_handle_t)l->data;
            if (g_ascii_strcasecmp(dissector_handle_get_protocol_short_name(handle) ?
                    dissector_handle_get_protocol_short_name(handle) : "",
                    vsock_decode_as_protocols[i]) == 0) {
                dissector_add_for_decode_as("vsock.port", handle);
                break;
            }
        }
    }
}

/*
 * Editor modelines  -  https://www.wireshark.org/tools/modelines.html
 *
 * Local variables:
 * c-basic-offset: 4
 * tab-width: 8
 * indent-tabs-mode: nil
 * End:
 *
 * vi: set shiftwidth=4 tabstop=8 expandtab:
 * :indentSize=4:tabSize=8:noTabs=true:
 */
