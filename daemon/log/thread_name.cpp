#include "daemon/log/thread_name.hpp"

#include <pthread.h>
#include <string>

namespace sbc::log {

void name_this_thread(std::string_view name) {
    std::string truncated(name.substr(0, 15)); // the kernel refuses longer names (ERANGE)
    pthread_setname_np(pthread_self(), truncated.c_str());
}

} // namespace sbc::log
