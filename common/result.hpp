#pragma once
// A value or an error message: how expected failures travel (bad input, busy database, network errors).
// Exceptions are kept for start-up and the truly fatal.

#include <string>
#include <utility>
#include <variant>

namespace sbc {

// The error half of Result: a sentence the user can act on, and a code the caller may map to an exit status.
struct Error {
    int code = 1;
    std::string message;
};

template <typename T>
class Result {
  public:
    Result(T value) : m_data(std::move(value)) {}
    Result(Error error) : m_data(std::move(error)) {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(m_data); }
    const T& value() const { return std::get<0>(m_data); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<1>(m_data); }

  private:
    std::variant<T, Error> m_data;
};

// For operations that return nothing but may fail.
struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() {
    return Unit{};
}

} // namespace sbc
