#include "daemon/curl/header_line.hpp"

#include "common/text.hpp"

namespace sbc::curl {

bool header_is(std::string_view line, std::string_view name) {
    return line.size() > name.size() && line[name.size()] == ':' &&
           text::iequals(line.substr(0, name.size()), name);
}

} // namespace sbc::curl
