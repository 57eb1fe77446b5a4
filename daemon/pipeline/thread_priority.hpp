#pragma once
// Background threads that must never take the CPU from the HTTP workers run at the lowest priority.

#include <string_view>

namespace sbc::pipeline {

// Sets the calling thread's nice value to 19. Linux schedules threads one by one, so this affects only the
// caller. Best effort: a failure (logged at debug under `log_area`) leaves it at the daemon's priority.
void lower_this_thread_priority(std::string_view log_area);

} // namespace sbc::pipeline
