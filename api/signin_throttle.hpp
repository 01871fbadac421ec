#pragma once
// Failed sign-ins slowed down, then refused, per account and per client address: shared by the
// customers' sign-in (per contract number) and the staff's (per login). The attempts are counted
// in the database (store::count_signin_attempt), so every server sees them, and each attempt is
// counted before the credentials are checked, so a burst of parallel guesses gets no more
// evaluated than the limit.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "api/context.hpp"
#include "api/http.hpp"
#include "config/settings.hpp"
#include "store/pg.hpp"

namespace roadside::api {

struct SigninGate {
    std::string account_key;   // "contract:<number>", "login:<login in lower case>"
    std::string address_key;   // "address:<ip>"
    int account_attempts = 0;  // this one included
    int address_attempts = 0;
    // Set when a limit is exceeded: the attempt is refused (429) for this many seconds.
    std::optional<std::int64_t> retry_after_s;
};

// Counts this attempt against the account (limit `account_limit`) and the client's address.
boost::asio::awaitable<SigninGate> count_signin_attempt(RequestContext& ctx, store::Connection& db,
                                                        std::string account_key, int account_limit);
// 429 too_many_attempts with Retry-After.
Reply too_many_attempts(std::int64_t retry_after_s);
// The wait before answering a failed attempt: nothing for the first failures of an account
// (signin_slow_after_failures), then signin_slow_base_ms doubling per failure up to
// signin_slow_max_ms; an address (which many honest people may share behind one router) is
// slowed from half its limit.
std::chrono::milliseconds signin_delay(const config::ServerSettings& s, const SigninGate& gate);
// Releases the request's database connection, then waits: a slowed-down caller holds none.
boost::asio::awaitable<void> slow_down(RequestContext& ctx, std::chrono::milliseconds delay);
// After a success: the account's count is cleared, the address's reduced by one.
boost::asio::awaitable<void> forgive_signin(store::Connection& db, const SigninGate& gate);

}  // namespace roadside::api
