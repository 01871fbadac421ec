#include "api/signin_throttle.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/errors.hpp"
#include "store/claims.hpp"

namespace roadside::api {

using boost::asio::awaitable;

namespace {

std::chrono::milliseconds backoff(const config::ServerSettings& s, int failures, int slow_after) {
    if (failures < slow_after) return std::chrono::milliseconds{0};
    std::chrono::milliseconds d = s.signin_slow_base_ms;
    for (int i = slow_after; i < failures && d < s.signin_slow_max_ms; ++i) d *= 2;
    return std::min(d, s.signin_slow_max_ms);
}

}  // namespace

awaitable<SigninGate> count_signin_attempt(RequestContext& ctx, store::Connection& db,
                                           std::string account_key, int account_limit) {
    const config::ServerSettings& s = ctx.app.settings;
    SigninGate gate;
    gate.account_key = std::move(account_key);
    gate.address_key = "address:" + ctx.remote;
    std::vector<std::string> keys{gate.account_key, gate.address_key};
    const int window_s = static_cast<int>(s.signin_window_s.count());
    core::Instant window_ends = ctx.now;
    bool over = false;
    for (const auto& row : co_await store::count_signin_attempt(db, keys, window_s)) {
        const bool account = row.key == gate.account_key;
        const int limit = account ? account_limit : s.signin_max_failures_per_address;
        (account ? gate.account_attempts : gate.address_attempts) = row.failures;
        if (row.failures > limit) {
            over = true;
            window_ends = std::max(window_ends, row.window_ends_at);
        }
    }
    if (over) gate.retry_after_s = std::max<std::int64_t>(1, (window_ends - ctx.now).count());
    co_return gate;
}

Reply too_many_attempts(std::int64_t retry_after_s) {
    Reply r;
    r.status = 429;
    r.body = error_body("too_many_attempts", "too many failed sign-ins; try again later",
                        {{"retry_after_s", retry_after_s}});
    r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
    return r;
}

std::chrono::milliseconds signin_delay(const config::ServerSettings& s, const SigninGate& gate) {
    return std::max(
        backoff(s, gate.account_attempts, s.signin_slow_after_failures),
        backoff(s, gate.address_attempts, std::max(1, s.signin_max_failures_per_address / 2)));
}

awaitable<void> slow_down(RequestContext& ctx, std::chrono::milliseconds delay) {
    ctx.abandon();
    if (delay.count() <= 0) co_return;
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    timer.expires_after(delay);
    co_await timer.async_wait(boost::asio::use_awaitable);
}

awaitable<void> forgive_signin(store::Connection& db, const SigninGate& gate) {
    co_await store::forgive_signin(db, gate.account_key, gate.address_key);
}

}  // namespace roadside::api
