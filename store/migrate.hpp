#pragma once
// Versioned schema migrations (store/migrations/NNNN_name.sql, embedded in the binary), applied at
// start in order, each in its own transaction, under an advisory lock so that two servers starting
// at once on one database do not race.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "store/pg.hpp"

namespace roadside::store {

struct Migration {
    int version;
    const char* name;
    const char* sql;
};

const std::vector<Migration>& migrations();

struct MigrationReport {
    int from_version = 0;
    int to_version = 0;
    std::vector<std::string> applied;
};

// Throws DbError when the database holds a newer schema than this binary knows.
boost::asio::awaitable<MigrationReport> migrate(Connection& conn);

}  // namespace roadside::store
