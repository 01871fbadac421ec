#pragma once
// Text messages to phones (issue 14): sign-in codes and links for customers. No SMS gateway is
// reachable from here, so the default adapter only writes each message to the server log, one
// line `sms to=<number> text=<text>`; a real gateway plugs in as another SmsSender.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace roadside::api {

struct SmsMessage {
    std::string to;    // the number as registered ("090-1234-5678")
    std::string text;  // one line, UTF-8
};

class SmsSender {
  public:
    virtual ~SmsSender() = default;
    // Hands the message over for delivery. Throws when it cannot (the request then fails).
    virtual boost::asio::awaitable<void> send(const SmsMessage& message) = 0;
};

// The default: one line per message on stderr through the server log and, when `outbox_file`
// is not empty, the same line appended to that file (demo, tests and the load generator read
// their codes there).
class LoggingSmsSender final : public SmsSender {
  public:
    explicit LoggingSmsSender(std::string outbox_file) : outbox_file_(std::move(outbox_file)) {}
    boost::asio::awaitable<void> send(const SmsMessage& message) override;

  private:
    std::string outbox_file_;
    std::mutex mutex_;
};

// The line written for a message: "sms to=<number> text=<text>", line breaks made spaces.
std::string sms_log_line(const SmsMessage& message);

// A phone number as shown back to the customer: every digit but the last four hidden
// ("090-1234-5678" → "***-****-5678"). Numbers with fewer than 7 digits are hidden entirely.
std::string mask_phone(std::string_view number);

// Digits of a phone number, for deciding whether one is on file at all.
std::string phone_digits(std::string_view number);

}  // namespace roadside::api
