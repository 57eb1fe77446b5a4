#pragma once
// Names for sbcd's threads, so that `top -H -p $(pidof sbcd)`, `ps -L`, perf and gdb tell the writer from
// the HTTP workers, the answer workers and the senders: which one is busy is the first question when sbcd is
// slow.

#include <string_view>

namespace sbc::log {

// Names the calling thread (Linux keeps the first 15 bytes). Never fails: a name is only a diagnostic.
void name_this_thread(std::string_view name);

} // namespace sbc::log
