#pragma once
// Reading the text messages the server's logging SMS adapter wrote ("sms to=<number>
// text=<text>", one line each, in its log or its outbox file): how the load generator and the
// tests get a customer's one-time sign-in code, as the customer would read it on the phone.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace roadside::sim {

// The 6-digit code of the last sign-in message carrying `reference` (the challenge's
// "受付番号", returned with it as `reference`).
std::optional<std::string> find_sign_in_code(std::string_view log, std::string_view reference);

// The same, read from a file, polling until it appears or `timeout` passes.
std::optional<std::string> wait_for_sign_in_code(const std::string& path,
                                                 std::string_view reference,
                                                 std::chrono::milliseconds timeout);

}  // namespace roadside::sim
