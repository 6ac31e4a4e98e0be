/* plugin.c
 * Registers the vsock dissector (packet-vsock.c) as a Wireshark plugin,
 * taking over from the vsock dissector Wireshark has built in
 * (see config.h).
 *
 * Copyright 2026, The vsockdump authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "config.h"

#include <epan/packet.h>
#include <epan/proto.h>
#include <ws_symbol_export.h>
#include <ws_version.h>

#ifndef VSOCK_PLUGIN_VERSION
#define VSOCK_PLUGIN_VERSION "0.1.0"
#endif

#undef proto_register_protocol
#undef register_dissector

void proto_register_vsock(void);
void proto_reg_handoff_vsock(void);

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = VSOCK_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

/*
 * Removes the fields of Wireshark's own vsock protocol, so that the
 * names are ours alone: the display filters and "tshark -G fields" find
 * ours, with our value strings and descriptions.  Its dissector, which
 * fills them, is never called again (proto_reg_handoff_vsock() takes
 * the VSOCK encapsulation over).  Wireshark frees deregistered fields
 * as it frees the ones a program made at run time, with g_free() on
 * their strings: they get copies of them first, and no value strings.
 */
static void
vsock_plugin_deregister_fields(int proto)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(int));
    header_field_info *hfi;
    void *cookie = NULL;
    guint i;

    for (hfi = proto_get_first_protocol_field(proto, &cookie); hfi != NULL;
         hfi = proto_get_next_protocol_field(proto, &cookie))
        g_array_append_val(ids, hfi->id);
    for (i = 0; i < ids->len; i++) {
        hfi = proto_registrar_get_nth(g_array_index(ids, int, i));
        hfi->name = g_strdup(hfi->name);
        hfi->abbrev = g_strdup(hfi->abbrev);
        hfi->blurb = g_strdup(hfi->blurb);
        hfi->strings = NULL;
        proto_deregister_field(proto, hfi->id);
    }
    g_array_free(ids, TRUE);
    proto_free_deregistered_fields();
}

/* The protocol that is registered under filter_name, or a new one. */
int
vsock_plugin_register_protocol(const char *name, const char *short_name,
    const char *filter_name)
{
    int proto = proto_get_id_by_filter_name(filter_name);

    if (proto == -1)
        return proto_register_protocol(name, short_name, filter_name);
    vsock_plugin_deregister_fields(proto);
    return proto;
}

/* A handle registered as name, or one without a name if it is taken. */
dissector_handle_t
vsock_plugin_register_dissector(const char *name, dissector_t dissector,
    const int proto)
{
    if (find_dissector(name) != NULL)
        return create_dissector_handle(dissector, proto);
    return register_dissector(name, dissector, proto);
}

void
plugin_register(void)
{
    static proto_plugin plug_vsock;

    plug_vsock.register_protoinfo = proto_register_vsock;
    plug_vsock.register_handoff = proto_reg_handoff_vsock;
    proto_register_plugin(&plug_vsock);
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
