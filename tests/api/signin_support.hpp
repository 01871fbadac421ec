#pragma once
// A customer's sign-in in its two steps (issue 14), as a test plays it: the contract number and
// birth date, then the one-time code, read — as the customer would read the text message — from
// the line the server's logging SMS adapter wrote to its log.
#include <gtest/gtest.h>

#include "simulator/sms_outbox.hpp"
#include "support.hpp"

namespace roadside::testing {

inline HttpResult request_code(HttpClient& anon, const std::string& contract_no,
                               const std::string& birth_date) {
    return anon.post_json("/v1/customer/sessions",
                          {{"contract_no", contract_no}, {"birth_date", birth_date}});
}

// The code the challenge (a 202 from request_code) sent, from the server's log; "" if none.
inline std::string code_for(const ServerProcess& server, const HttpResult& challenge) {
    const std::string reference = challenge.json().value("reference", "");
    std::optional<std::string> code;
    eventually(
        [&] {
            code = sim::find_sign_in_code(server.log(), reference);
            return code.has_value();
        },
        std::chrono::milliseconds{5000});
    return code.value_or("");
}

inline HttpResult enter_code(HttpClient& anon, const HttpResult& challenge,
                             const std::string& code) {
    return anon.post_json(
        "/v1/customer/sessions/" + challenge.json().value("challenge_id", std::string("-")),
        {{"code", code}});
}

// Both steps; the answer of the second (201 with the token when all went well).
inline HttpResult sign_in(const ServerProcess& server, HttpClient& anon,
                          const std::string& contract_no, const std::string& birth_date) {
    const HttpResult challenge = request_code(anon, contract_no, birth_date);
    if (challenge.status != 202) return challenge;
    return enter_code(anon, challenge, code_for(server, challenge));
}

}  // namespace roadside::testing
