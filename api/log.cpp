#include "api/log.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>

#include "core/calendar.hpp"

namespace roadside::api {

void log_line(std::string_view level, std::string_view message) {
    static std::mutex mutex;
    const std::string when = core::format_japan_time(core::now_seconds());
    std::lock_guard lock(mutex);
    std::fprintf(stderr, "%s %.*s %.*s\n", when.c_str(), static_cast<int>(level.size()),
                 level.data(), static_cast<int>(message.size()), message.data());
    std::fflush(stderr);
}

}  // namespace roadside::api
