#pragma once
// The define functions of every command, one per row of the command table (command_map.cpp). Each family's
// file defines its own: status_cli.cpp, business_cli.cpp, kb_cli.cpp, kb_transfer_cli.cpp,
// message_cli.cpp.

#include "cli/command_map.hpp"

namespace sbc::cli {

CommandAction define_status(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_commands(CLI::App&, const GlobalOptions&, std::string_view);

CommandAction define_business_register(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_business_list(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_business_show(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_business_update(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_business_remove(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_business_stats(CLI::App&, const GlobalOptions&, std::string_view);

CommandAction define_kb_add(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_kb_attach(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_kb_list(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_handoffs(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_kb_search(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_kb_remove(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_kb_import(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_kb_export(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_kb_synonym_add(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_kb_synonym_list(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_kb_synonym_remove(CLI::App&, const GlobalOptions&, std::string_view);

CommandAction define_onboard(CLI::App&, const GlobalOptions&, std::string_view);

CommandAction define_usage(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_doctor(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_webhook_check(CLI::App&, const GlobalOptions&, std::string_view);

CommandAction define_backup(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_backup_verify(CLI::App&, const GlobalOptions&, std::string_view);

CommandAction define_send_test(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_send(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_logs(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_media_list(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_media_show(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_media_remove(CLI::App&, const GlobalOptions&, std::string_view);
CommandAction define_media_settings(CLI::App&, const GlobalOptions&, std::string_view);

} // namespace sbc::cli
