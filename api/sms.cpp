#include "api/sms.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>

#include "api/log.hpp"
#include "core/text.hpp"

namespace roadside::api {

namespace {
constexpr std::size_t kKeptDigits = 4;
constexpr std::size_t kMinDigitsToShowAny = 7;
}  // namespace

std::string sms_log_line(const SmsMessage& message) {
    std::string line = "sms to=" + message.to + " text=" + message.text;
    for (char& c : line) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return line;
}

boost::asio::awaitable<void> LoggingSmsSender::send(const SmsMessage& message) {
    const std::string line = sms_log_line(message);
    log_info(line);
    if (!outbox_file_.empty()) {
        // One write() of the whole line with O_APPEND: lines from several servers never mix.
        std::lock_guard lock(mutex_);
        const int fd =
            ::open(outbox_file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
            log_warn("sms outbox " + outbox_file_ + " cannot be opened");
        } else {
            const std::string out = line + "\n";
            if (::write(fd, out.data(), out.size()) != static_cast<ssize_t>(out.size())) {
                log_warn("sms outbox " + outbox_file_ + ": short write");
            }
            ::close(fd);
        }
    }
    co_return;
}

std::string phone_digits(std::string_view number) {
    std::string out;
    for (const char c : core::to_halfwidth(number)) {
        if (std::isdigit(static_cast<unsigned char>(c))) out.push_back(c);
    }
    return out;
}

std::string mask_phone(std::string_view number) {
    const std::size_t digits = phone_digits(number).size();
    const std::size_t keep = digits >= kMinDigitsToShowAny ? kKeptDigits : 0;
    std::string out;
    std::size_t seen = 0;
    for (const char c : core::to_halfwidth(number)) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            ++seen;
            out.push_back(seen > digits - keep ? c : '*');
        } else if (c == '-' || c == ' ' || c == '+' || c == '(' || c == ')') {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace roadside::api
