#pragma once
// A tow partner's monthly statement: every job it completed in a Japan-time calendar month (and
// those cancelled at a charge after it accepted, outcome "cancelled", 第2条3(7)), with
// what the warranty owes the partner (the free part, ロードサービス規定 第1条) and what the
// customer paid (第2条, settled at the scene or invoiced). Pure: no I/O. Integer yen.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/calendar.hpp"

namespace roadside::billing {

// Strict "YYYY-MM" (years 1900..9999).
std::optional<std::chrono::year_month> parse_month(std::string_view text);
std::string format_month(std::chrono::year_month m);
// [00:00 Japan time on the 1st, 00:00 Japan time on the 1st of the next month).
std::pair<core::Instant, core::Instant> month_bounds(std::chrono::year_month m);

struct StatementJob {
    std::string job_id;
    std::string incident_id;
    std::string service;
    std::string outcome;
    core::Instant completed_at;
    std::optional<std::int64_t> tow_distance_m;
    std::int64_t warranty_yen = 0;  // owed to the partner by the warranty
    std::int64_t customer_yen = 0;  // paid by the customer
};

struct Statement {
    std::string partner_id;
    std::string partner_name;
    std::chrono::year_month month;
    std::vector<StatementJob> jobs;  // in order of completion
    std::int64_t warranty_total_yen = 0;
    std::int64_t customer_total_yen = 0;
    std::int64_t total_yen = 0;  // warranty + customer
};

Statement make_statement(std::string partner_id, std::string partner_name,
                         std::chrono::year_month month, std::vector<StatementJob> jobs);

// RFC 4180 CSV (CRLF line ends, fields quoted where needed): a header line, one line per job
// (completed_at in Japan time), and a closing "total" line.
std::string statement_csv(const Statement& s);

}  // namespace roadside::billing
