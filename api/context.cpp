#include "api/context.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace roadside::api {

using boost::asio::awaitable;

const std::string& RequestContext::param(std::string_view name) const {
    static const std::string empty;
    const auto it = params.find(name);
    return it == params.end() ? empty : it->second;
}

std::optional<std::string> RequestContext::query(const std::string& name) const {
    const auto it = query_.find(name);
    if (it == query_.end()) return std::nullopt;
    return it->second;
}

awaitable<store::Connection*> RequestContext::db() {
    if (!lease_) lease_ = co_await app.pool.acquire();
    co_return &*lease_;
}

awaitable<store::Connection*> RequestContext::tx() {
    store::Connection* c = co_await db();
    if (!in_tx_) {
        co_await c->execute("BEGIN");
        in_tx_ = true;
    }
    co_return c;
}

awaitable<void> RequestContext::finish(bool commit) {
    if (in_tx_ && lease_) {
        in_tx_ = false;
        co_await lease_->execute(commit ? "COMMIT" : "ROLLBACK");
    }
    lease_.reset();
}

}  // namespace roadside::api
