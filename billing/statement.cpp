#include "billing/statement.hpp"

#include <algorithm>
#include <cstdio>

namespace roadside::billing {

std::optional<std::chrono::year_month> parse_month(std::string_view text) {
    if (text.size() != 7 || text[4] != '-') return std::nullopt;
    int year = 0;
    unsigned month = 0;
    for (std::size_t i = 0; i < 7; ++i) {
        if (i == 4) continue;
        const char c = text[i];
        if (c < '0' || c > '9') return std::nullopt;
        if (i < 4) {
            year = year * 10 + (c - '0');
        } else {
            month = month * 10 + static_cast<unsigned>(c - '0');
        }
    }
    if (year < 1900 || month < 1 || month > 12) return std::nullopt;
    return std::chrono::year_month{std::chrono::year{year}, std::chrono::month{month}};
}

std::string format_month(std::chrono::year_month m) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(m.year()),
                  static_cast<unsigned>(m.month()));
    return buf;
}

std::pair<core::Instant, core::Instant> month_bounds(std::chrono::year_month m) {
    const core::Date first{m / std::chrono::day{1}};
    const core::Date next{(m + std::chrono::months{1}) / std::chrono::day{1}};
    return {core::japan_start_of_day(first), core::japan_start_of_day(next)};
}

Statement make_statement(std::string partner_id, std::string partner_name,
                         std::chrono::year_month month, std::vector<StatementJob> jobs) {
    Statement s;
    s.partner_id = std::move(partner_id);
    s.partner_name = std::move(partner_name);
    s.month = month;
    std::stable_sort(jobs.begin(), jobs.end(), [](const StatementJob& a, const StatementJob& b) {
        return a.completed_at < b.completed_at;
    });
    for (const auto& j : jobs) {
        s.warranty_total_yen += j.warranty_yen;
        s.customer_total_yen += j.customer_yen;
    }
    s.total_yen = s.warranty_total_yen + s.customer_total_yen;
    s.jobs = std::move(jobs);
    return s;
}

namespace {

void csv_field(std::string& out, std::string_view v) {
    const bool quote = v.find_first_of(",\"\r\n") != std::string_view::npos;
    if (!quote) {
        out.append(v);
        return;
    }
    out.push_back('"');
    for (const char c : v) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

void csv_line(std::string& out, const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out.push_back(',');
        csv_field(out, fields[i]);
    }
    out.append("\r\n");
}

std::string km_text(std::int64_t metres) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(metres / 1000),
                  static_cast<long long>(metres % 1000));
    return buf;
}

}  // namespace

std::string statement_csv(const Statement& s) {
    std::string out;
    csv_line(out, {"month", "partner_id", "partner_name", "job_id", "incident_id", "service",
                   "outcome", "completed_at", "tow_km", "warranty_yen", "customer_yen"});
    const std::string month = format_month(s.month);
    for (const auto& j : s.jobs) {
        csv_line(out, {month, s.partner_id, s.partner_name, j.job_id, j.incident_id, j.service,
                       j.outcome, core::format_japan_time(j.completed_at),
                       j.tow_distance_m ? km_text(*j.tow_distance_m) : std::string(),
                       std::to_string(j.warranty_yen), std::to_string(j.customer_yen)});
    }
    csv_line(out, {month, s.partner_id, s.partner_name, "total", std::to_string(s.jobs.size()),
                   "", "", "", "", std::to_string(s.warranty_total_yen),
                   std::to_string(s.customer_total_yen)});
    return out;
}

}  // namespace roadside::billing
