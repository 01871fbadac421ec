#pragma once
// One request as a handler sees it: who is asking, the path parameters, and the database — a
// connection leased on first use, and a transaction that the pipeline commits when the reply is
// a success and rolls back otherwise.
#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>

#include "api/app.hpp"
#include "api/auth.hpp"
#include "api/http.hpp"
#include "store/pg.hpp"

namespace roadside::api {

class RequestContext {
  public:
    RequestContext(App& app, const Request& req, std::string path,
                   std::map<std::string, std::string> query)
        : app(app), req(req), path(std::move(path)), now(app.now()), query_(std::move(query)) {}

    App& app;
    const Request& req;
    std::string path;  // without the query string
    Principal principal;
    std::string remote;                                      // the client's address
    std::map<std::string, std::string, std::less<>> params;  // from the route pattern
    core::Instant now;                                       // read once per request

    const std::string& param(std::string_view name) const;
    std::optional<std::string> query(const std::string& name) const;

    // A connection for this request, leased on first use.
    boost::asio::awaitable<store::Connection*> db();
    // The same connection inside the request's transaction (BEGIN on first use).
    boost::asio::awaitable<store::Connection*> tx();
    bool in_transaction() const { return in_tx_; }
    // Ends the transaction (COMMIT or ROLLBACK) and returns the connection to the pool.
    boost::asio::awaitable<void> finish(bool commit);
    // Gives the connection back without waiting; an open transaction is rolled back by the pool.
    void abandon() {
        in_tx_ = false;
        lease_.reset();
    }

  private:
    std::map<std::string, std::string> query_;
    store::Lease lease_;
    bool in_tx_ = false;
};

}  // namespace roadside::api
