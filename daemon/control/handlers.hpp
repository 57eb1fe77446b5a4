#pragma once
// The handlers named in the command table, one family per file (business_commands.cpp, ...).

#include "daemon/control/command.hpp"

namespace sbc::control {

// status_commands.cpp
Response list_commands(Context& ctx, Arguments& args);
Response status(Context& ctx, Arguments& args);

// webhook_commands.cpp
Response webhook_check(Context& ctx, Arguments& args);

// doctor_commands.cpp
Response doctor(Context& ctx, Arguments& args);

// business_commands.cpp
Response business_register(Context& ctx, Arguments& args);
Response business_list(Context& ctx, Arguments& args);
Response business_show(Context& ctx, Arguments& args);
Response business_update(Context& ctx, Arguments& args);
Response business_remove(Context& ctx, Arguments& args);
Response business_stats(Context& ctx, Arguments& args);

// knowledge_commands.cpp
Response kb_add(Context& ctx, Arguments& args);
Response kb_list(Context& ctx, Arguments& args);
Response kb_search(Context& ctx, Arguments& args);
Response kb_remove(Context& ctx, Arguments& args);
Response kb_import(Context& ctx, Arguments& args);
Response kb_export(Context& ctx, Arguments& args);
Response kb_attach(Context& ctx, Arguments& args);

// synonym_commands.cpp
Response kb_synonym_add(Context& ctx, Arguments& args);
Response kb_synonym_list(Context& ctx, Arguments& args);
Response kb_synonym_remove(Context& ctx, Arguments& args);

// message_commands.cpp
Response send_test(Context& ctx, Arguments& args);
Response send(Context& ctx, Arguments& args);
Response logs(Context& ctx, Arguments& args);

// onboard_commands.cpp
Response onboard(Context& ctx, Arguments& args);

// usage_commands.cpp
Response usage(Context& ctx, Arguments& args);

// backup_commands.cpp
Response backup(Context& ctx, Arguments& args);

// handoff_commands.cpp
Response handoffs(Context& ctx, Arguments& args);

// media_commands.cpp
Response media_list(Context& ctx, Arguments& args);
Response media_show(Context& ctx, Arguments& args);
Response media_remove(Context& ctx, Arguments& args);
Response media_settings(Context& ctx, Arguments& args);

} // namespace sbc::control
