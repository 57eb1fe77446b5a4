#pragma once
// Typed access to a request's "arguments" object. Every getter names the key it reads; check_unknown() then
// refuses keys no getter asked for, so a misspelt option is an error instead of being silently ignored.
// Failures throw CommandError with result 5 (invalid) and a message naming the argument.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace sbc::control {

class Arguments {
  public:
    explicit Arguments(const nlohmann::json& object) : m_object(object) {}

    std::string required_string(std::string_view key);
    std::optional<std::string> optional_string(std::string_view key);
    std::int64_t required_int(std::string_view key);
    std::int64_t optional_int(std::string_view key, std::int64_t fallback, std::int64_t min,
                              std::int64_t max);
    std::optional<bool> optional_bool(std::string_view key);
    const nlohmann::json& required_array(std::string_view key);

    // Throws for any key in the request that no getter above has read.
    void check_unknown() const;

  private:
    const nlohmann::json* find(std::string_view key);

    const nlohmann::json& m_object;
    std::set<std::string, std::less<>> m_known;
};

} // namespace sbc::control
