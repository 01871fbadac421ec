#include "store/migrate.hpp"

namespace roadside::store {

namespace {

// Any constant shared by every roadside process: the advisory lock that serialises migrations.
constexpr const char* kLock = "SELECT pg_advisory_lock(7262701)";
constexpr const char* kUnlock = "SELECT pg_advisory_unlock(7262701)";

constexpr Statement kCurrentVersion{"migrate_current_version",
                                    "SELECT coalesce(max(version), 0) FROM schema_migrations"};
constexpr Statement kRecordVersion{"migrate_record_version",
                                   "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)"};

}  // namespace

boost::asio::awaitable<MigrationReport> migrate(Connection& conn) {
    co_await conn.execute(kLock);
    // On an error the caller drops the connection, and the session's advisory lock goes with it.
    MigrationReport report;
    {
        co_await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())");
        const Result current = co_await conn.query(kCurrentVersion, Params{});
        report.from_version = static_cast<int>(current.int64(0, 0));
        report.to_version = report.from_version;
        const int known = migrations().empty() ? 0 : migrations().back().version;
        if (report.from_version > known) {
            throw DbError("the database schema is at version " +
                              std::to_string(report.from_version) + " but this build knows only " +
                              std::to_string(known) + ": refusing to start",
                          "", "");
        }
        for (const Migration& m : migrations()) {
            if (m.version <= report.from_version) continue;
            co_await conn.execute("BEGIN");
            co_await conn.execute(m.sql);
            co_await conn.query(kRecordVersion, Params{}.add(m.version).add(m.name));
            co_await conn.execute("COMMIT");
            report.applied.emplace_back(m.name);
            report.to_version = m.version;
        }
    }
    co_await conn.execute(kUnlock);
    co_return report;
}

}  // namespace roadside::store
