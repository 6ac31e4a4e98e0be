/* config.h
 * Stands in for the config.h of Wireshark's source tree when
 * packet-vsock.c is built as a plugin against an installed Wireshark
 * (the wireshark-dev package), so that the plugin is built from the
 * very file that goes into Wireshark's tree.
 *
 * Wireshark 4.0 has a vsock dissector of its own, which registers the
 * protocol "vsock" and the dissector "vsock".  Registering them again
 * would abort Wireshark, so packet-vsock.c reaches these two through
 * plugin.c, which takes over the protocol that is there (removing the
 * fields of the built-in dissector, whose names ours take) and gives
 * the dissector a handle of its own.  The built-in dissector is never
 * called again: packet-vsock.c takes the VSOCK encapsulation over in
 * its handoff, which runs after the built-in one.
 *
 * Copyright 2026, The vsockdump authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef VSOCK_PLUGIN_CONFIG_H
#define VSOCK_PLUGIN_CONFIG_H

#include <epan/packet.h>

int vsock_plugin_register_protocol(const char *name, const char *short_name,
    const char *filter_name);
dissector_handle_t vsock_plugin_register_dissector(const char *name,
    dissector_t dissector, const int proto);

#define proto_register_protocol vsock_plugin_register_protocol
#define register_dissector vsock_plugin_register_dissector

#endif /* VSOCK_PLUGIN_CONFIG_H */
