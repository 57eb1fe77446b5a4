#include "daemon/pipeline/thread_priority.hpp"

#include "daemon/log/log.hpp"

#include <cerrno>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>

namespace sbc::pipeline {

void lower_this_thread_priority(std::string_view log_area) {
    constexpr int k_lowest = 19;
    if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), k_lowest) != 0) {
        log_debug(log_area, "cannot lower this thread's priority: {}", std::strerror(errno));
    }
}

} // namespace sbc::pipeline
