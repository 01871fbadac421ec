#pragma once
// One line per event on stderr, with a UTC timestamp. Thread-safe.
#include <string_view>

namespace roadside::api {
void log_line(std::string_view level, std::string_view message);
inline void log_info(std::string_view m) {
    log_line("info", m);
}
inline void log_warn(std::string_view m) {
    log_line("warn", m);
}
inline void log_error(std::string_view m) {
    log_line("error", m);
}
}  // namespace roadside::api
