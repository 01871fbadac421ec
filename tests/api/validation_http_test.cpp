// Bad input through the real server and database. For every endpoint of spec/api.md that exists,
// broken requests get the status and stable code of spec/api.md "Conventions" with the field named,
// the body has the shape {"error": {"code", "message", "details"}}, nothing is stored, no request
// is ever answered with a 500, and the server stays up (HttpTest checks /healthz after every test).
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "http_fixture.hpp"

namespace roadside::testing {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Checking answers

// spec/api.md "Conventions": non-2xx responses carry
//   {"error": {"code": "<stable_snake_case>", "message": "<human text>", "details": {…}}}.
::testing::AssertionResult has_error_shape(const HttpResult& r) {
    const json body = json::parse(r.body, nullptr, false);
    auto failure = [&] { return ::testing::AssertionFailure() << r.body.substr(0, 400) << "\n"; };
    if (body.is_discarded() || !body.is_object()) return failure() << "is not a JSON object";
    if (r.header("content-type").rfind("application/json", 0) != 0) {
        return failure() << "has the content type \"" << r.header("content-type") << "\"";
    }
    if (!body.contains("error") || !body["error"].is_object()) {
        return failure() << "has no \"error\" object";
    }
    const json& e = body["error"];
    if (!e.contains("code") || !e["code"].is_string()) return failure() << "has no error.code";
    const std::string code = e["code"].get<std::string>();
    const bool snake_case =
        !code.empty() && code.front() >= 'a' && code.front() <= 'z' &&
        code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
    if (!snake_case) return failure() << "has an error.code that is not snake_case";
    if (!e.contains("message") || !e["message"].is_string() ||
        e["message"].get<std::string>().empty()) {
        return failure() << "has no error.message";
    }
    if (!e.contains("details") || !e["details"].is_object()) {
        return failure() << "has no error.details object";
    }
    return ::testing::AssertionSuccess();
}

// The status, the code and, when `field` is not empty, details.field.
::testing::AssertionResult is_error(const HttpResult& r, int status, const std::string& code,
                                    const std::string& field = "") {
    if (r.status != status) {
        return ::testing::AssertionFailure() << "status " << r.status << " instead of " << status
                                             << ": " << r.body.substr(0, 400);
    }
    if (auto shape = has_error_shape(r); !shape) return shape;
    const json e = json::parse(r.body)["error"];
    if (e["code"] != code) {
        return ::testing::AssertionFailure()
               << "code " << e["code"] << " instead of \"" << code << "\": " << r.body;
    }
    if (!field.empty() && e["details"].value("field", std::string()) != field) {
        return ::testing::AssertionFailure()
               << "details.field is not \"" << field << "\": " << r.body;
    }
    return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------------------------
// Tables of requests

struct Case {
    std::string description;
    std::string method;
    std::string target;
    std::string body;
    int status;
    std::string code;
    std::string field;  // details.field, "" when none is checked
};

// One change to a valid body: the member at a JSON pointer set to raw JSON text (sent exactly as
// written, so that 1e300 or 99999999999999999999 or a bad UTF-8 byte reaches the server as a
// client would send it), or removed.
struct Edit {
    std::string pointer;
    std::string value;  // raw JSON text, or kRemove
};
const std::string kRemove = "<remove>";

// A valid body broken by its edits, and what the server must answer.
struct Break {
    std::string description;
    std::vector<Edit> edits;
    int status;
    std::string code;
    std::string field;
};

std::string apply(json body, const std::vector<Edit>& edits) {
    std::vector<std::pair<std::string, std::string>> raw;
    for (const Edit& e : edits) {
        const json::json_pointer p(e.pointer);
        if (e.value == kRemove) {
            body[p.parent_pointer()].erase(p.back());
            continue;
        }
        const std::string marker = "@@raw" + std::to_string(raw.size()) + "@@";
        body[p] = marker;
        raw.emplace_back("\"" + marker + "\"", e.value);
    }
    std::string text = body.dump();
    for (const auto& [marker, value] : raw) text.replace(text.find(marker), marker.size(), value);
    return text;
}

std::vector<Case> cases_for(const std::string& method, const std::string& target, const json& valid,
                            const std::vector<Break>& breaks) {
    std::vector<Case> out;
    for (const Break& b : breaks) {
        out.push_back(
            {b.description, method, target, apply(valid, b.edits), b.status, b.code, b.field});
    }
    return out;
}

void expect_answers(HttpClient& client, const std::vector<Case>& cases) {
    for (const Case& c : cases) {
        const HttpResult r =
            client.request(c.method, c.target, c.body, {{"Content-Type", "application/json"}});
        EXPECT_TRUE(is_error(r, c.status, c.code, c.field))
            << c.description << " (" << c.method << " " << c.target << ")";
    }
}

std::string quoted(const std::string& text) {
    return json(text).dump();
}

std::string percent_encoded(const std::string& text) {
    static const char* const kHex = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (std::isalnum(b) || c == '-' || c == '_' || c == '.') {
            out.push_back(c);
        } else {
            out += {'%', kHex[b >> 4], kHex[b & 0xF]};
        }
    }
    return out;
}

std::string repeat(const std::string& unit, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) out += unit;
    return out;
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP, for what a well-behaved client cannot send

// The first final response in the bytes a server sent (1xx interim responses are skipped).
HttpResult parse_raw(const std::string& bytes) {
    HttpResult out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t head_end = bytes.find("\r\n\r\n", start);
        if (bytes.compare(start, 5, "HTTP/") != 0 || head_end == std::string::npos) return out;
        out.status = std::atoi(bytes.c_str() + start + 9);
        out.headers.clear();
        std::size_t line = bytes.find("\r\n", start) + 2;
        while (line < head_end) {
            const std::size_t eol = bytes.find("\r\n", line);
            const std::size_t colon = bytes.find(':', line);
            if (colon < eol) {
                std::string name = bytes.substr(line, colon - line);
                for (char& c : name) {
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
                std::size_t v = colon + 1;
                while (v < eol && bytes[v] == ' ') ++v;
                out.headers[name] = bytes.substr(v, eol - v);
            }
            line = eol + 2;
        }
        start = head_end + 4;
        if (out.status >= 200) break;
    }
    const std::size_t length = std::strtoull(out.header("content-length").c_str(), nullptr, 10);
    out.body = bytes.substr(start, length);
    return out;
}

std::string raw_request(const std::string& method, const std::string& target,
                        const std::string& token, const std::string& body,
                        const std::string& extra_headers = "") {
    return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
           (token.empty() ? "" : "Authorization: Bearer " + token + "\r\n") +
           "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

// ---------------------------------------------------------------------------------------------
// The fixture

// Row counts of every table a request can write to: bad input must leave them as they were.
struct Stored {
    std::string contracts, vehicles, incidents, events, tokens, idempotency_keys;
    bool operator==(const Stored&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Stored& s) {
    return out << "{contracts " << s.contracts << ", vehicles " << s.vehicles << ", incidents "
               << s.incidents << ", events " << s.events << ", tokens " << s.tokens
               << ", idempotency_keys " << s.idempotency_keys << "}";
}

constexpr std::size_t kBodyLimitBytes = 1024 * 1024;  // config/server.json body_limit_bytes
constexpr std::size_t kHeaderLimitBytes = 16 * 1024;  // config/server.json header_limit_bytes
constexpr const char* kCallAt = "2026-02-05T10:00:00+09:00";
constexpr const char* kUnknownUuid = "00000000-0000-4000-8000-000000000000";

class ValidationHttp : public HttpTest {
  protected:
    void SetUp() override { internal_errors_before_ = internal_errors(); }

    void TearDown() override {
        // spec/api.md "Conventions": never a 500 for bad input, whatever a test asserted.
        EXPECT_EQ(internal_errors(), internal_errors_before_)
            << "a request was answered with a 500; the server log:\n"
            << server->log();
        HttpTest::TearDown();
    }

    // Requests answered with a 500 so far, from the server's own counters.
    static std::int64_t internal_errors() {
        HttpClient anonymous(server->port());
        const HttpResult r = anonymous.get("/metrics");
        EXPECT_EQ(r.status, 200);
        std::int64_t total = 0;
        std::size_t pos = 0;
        while ((pos = r.body.find("status=\"500\"} ", pos)) != std::string::npos) {
            pos += 14;
            total += std::atoll(r.body.c_str() + pos);
        }
        return total;
    }

    static Stored stored() {
        return {db->scalar("SELECT count(*) FROM contracts"),
                db->scalar("SELECT count(*) FROM vehicles"),
                db->scalar("SELECT count(*) FROM incidents"),
                db->scalar("SELECT count(*) FROM events"),
                db->scalar("SELECT count(*) FROM tokens"),
                db->scalar("SELECT count(*) FROM idempotency_keys")};
    }

    static std::string count_where(const std::string& table, const std::string& condition) {
        return db->scalar("SELECT count(*) FROM " + table + " WHERE " + condition);
    }

    static void SetUpTestSuite() {
        HttpTest::SetUpTestSuite();
        agent_token_.clear();  // a token of the previous server (--gtest_repeat) is unknown here
    }

    static const std::string& agent_token() {
        if (agent_token_.empty()) agent_token_ = token_for("agent");
        return agent_token_;
    }
    static HttpClient agent() { return HttpClient(server->port(), agent_token()); }

    static json coverage_body(const std::string& contract_no) {
        return {{"contract_no", contract_no},
                {"at", kCallAt},
                {"location", {{"lat", 34.70}, {"lon", 135.50}}},
                {"odometer_km", 51000}};
    }

    static json sample_certificate() { return read_json_file(shakensho_dir() + "/sample01.json"); }

    static inline std::string agent_token_;
    std::int64_t internal_errors_before_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Malformed bodies (spec/api.md "Conventions": 400 malformed JSON)

TEST_F(ValidationHttp, MalformedBodiesOnEveryPostEndpoint) {
    const json contract = create_contract(contract_body());
    const std::string contract_no = contract["contract_no"];
    const std::string cancel_target =
        "/v1/contracts/" + contract["id"].get<std::string>() + "/cancel";
    struct Endpoint {
        std::string target;
        json valid;
        int valid_status;
    };
    // clang-format off
    const std::vector<Endpoint> endpoints = {
        {"/v1/tokens", {{"role", "agent"}, {"label", "malformed " + unique_suffix()}}, 201},
        {"/v1/contracts", contract_body(), 201},
        {cancel_target, {{"date", "2026-03-01"}, {"reason", "sold"}}, 200},
        {"/v1/coverage/check", coverage_body(contract_no), 200},
        {"/v1/calls", call_body(contract_no, kCallAt), 201},
    };
    // clang-format on
    const std::string deep = "{\"a\": " + repeat("[", 10'000) + repeat("]", 10'000) + "}";
    HttpClient client = admin();
    const Stored before = stored();
    for (const Endpoint& e : endpoints) {
        const std::string valid = e.valid.dump();
        // clang-format off
        const std::vector<std::pair<std::string, std::string>> bodies = {
            {"empty body", ""},
            {"whitespace", " \r\n "},
            {"unterminated object", "{"},
            {"truncated body", valid.substr(0, valid.size() - 1)},
            {"plain text", "role=agent"},
            {"JSON array", "[]"},
            {"the valid body inside an array", "[" + valid + "]"},
            {"JSON string", "\"" + e.target + "\""},
            {"JSON number", "42"},
            {"JSON null", "null"},
            {"trailing garbage", valid + " x"},
            {"two objects", valid + valid},
            {"single quotes", "{'role': 'agent'}"},
            {"NUL byte after the object", valid + std::string(1, '\0') + "garbage"},
            {"invalid UTF-8 in a string", apply(e.valid, {{"/extra", "\"caf\xe9\""}})},
            {"overlong UTF-8 in a string", apply(e.valid, {{"/extra", "\"\xc0\xaf\""}})},
            {"lone surrogate escape", apply(e.valid, {{"/extra", R"("\ud83d")"}})},
            {"raw control character in a string", apply(e.valid, {{"/extra", "\"a\x01\""}})},
            {"number too large for a double", apply(e.valid, {{"/extra", "1e400"}})},
            {"nesting 33 deep", apply(e.valid, {{"/extra", repeat("[", 32) + repeat("]", 32)}})},
            {"nesting 10000 deep", deep},
        };
        // clang-format on
        for (const auto& [description, body] : bodies) {
            const HttpResult r =
                client.post(e.target, body, {{"Content-Type", "application/json"}});
            EXPECT_TRUE(is_error(r, 400, "malformed_json")) << description << " to " << e.target;
        }
    }
    EXPECT_EQ(stored(), before);
    EXPECT_EQ(db->scalar("SELECT cancelled_on IS NULL FROM contracts WHERE contract_no = '" +
                         contract_no + "'"),
              "t");
    // The same bodies unbroken are accepted, so each 400 above was about the syntax alone; 31
    // levels of nesting inside the object (32 in all) are fine.
    for (const Endpoint& e : endpoints) {
        const std::string body = apply(e.valid, {{"/extra", repeat("[", 31) + repeat("]", 31)}});
        const HttpResult r = client.post(e.target, body, {{"Content-Type", "application/json"}});
        EXPECT_EQ(r.status, e.valid_status) << e.target << ": " << r.body;
    }
}

TEST_F(ValidationHttp, GetEndpointsIgnoreABody) {
    // A GET has no body semantics: junk in one is neither parsed nor an error.
    const json contract = create_contract(contract_body());
    const HttpResult call =
        admin().post_json("/v1/calls", call_body(contract["contract_no"], kCallAt));
    ASSERT_EQ(call.status, 201) << call.body;
    const std::vector<std::string> targets = {
        "/v1/products",
        "/v1/contracts/" + contract["id"].get<std::string>(),
        "/v1/contracts?contract_no=" + contract["contract_no"].get<std::string>(),
        "/v1/incidents/" + call.json()["incident_id"].get<std::string>(),
    };
    HttpClient client = admin();
    for (const std::string& target : targets) {
        const HttpResult r = client.request("GET", target, "{\"not\": json", {});
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens (spec/api.md "Tokens and partners")

TEST_F(ValidationHttp, TokenFieldErrors) {
    const json valid = {{"role", "agent"}, {"label", "token errors"}};
    // clang-format off
    const std::vector<Break> breaks = {
        {"role missing", {{"/role", kRemove}}, 400, "missing_field", "role"},
        {"role null", {{"/role", "null"}}, 400, "missing_field", "role"},
        {"role a number", {{"/role", "1"}}, 400, "invalid_field", "role"},
        {"role an array", {{"/role", R"(["agent"])"}}, 400, "invalid_field", "role"},
        {"role unknown", {{"/role", R"("root")"}}, 400, "invalid_field", "role"},
        {"role capitalised", {{"/role", R"("Agent")"}}, 400, "invalid_field", "role"},
        {"role empty", {{"/role", R"("")"}}, 400, "invalid_field", "role"},
        {"label a number", {{"/label", "7"}}, 400, "invalid_field", "label"},
        {"label of 101 characters", {{"/label", quoted(repeat("あ", 101))}}, 400,
         "invalid_field", "label"},
        {"label with a NUL", {{"/label", R"("a\u0000b")"}}, 400, "invalid_field", "label"},
        {"label with an escape character", {{"/label", R"("\u001b[31m")"}}, 400,
         "invalid_field", "label"},
        {"contract_id for an agent", {{"/contract_id", quoted(kUnknownUuid)}}, 400,
         "invalid_field", "contract_id"},
        {"partner_id for an agent", {{"/partner_id", quoted(kUnknownUuid)}}, 400,
         "invalid_field", "partner_id"},
        {"contract_id a number", {{"/role", R"("customer")"}, {"/contract_id", "5"}}, 400,
         "invalid_field", "contract_id"},
        {"customer without contract_id", {{"/role", R"("customer")"}}, 400, "missing_field",
         "contract_id"},
        {"partner without partner_id", {{"/role", R"("partner")"}}, 400, "missing_field",
         "partner_id"},
        {"customer of a contract id that is not a uuid",
         {{"/role", R"("customer")"}, {"/contract_id", R"("KT-2026-000123")"}}, 422,
         "contract_not_found", ""},
        {"customer of an unknown contract",
         {{"/role", R"("customer")"}, {"/contract_id", quoted(kUnknownUuid)}}, 422,
         "contract_not_found", ""},
    };
    // clang-format on
    HttpClient client = admin();
    const Stored before = stored();
    expect_answers(client, cases_for("POST", "/v1/tokens", valid, breaks));
    EXPECT_EQ(stored(), before);
}

// ---------------------------------------------------------------------------------------------
// Contracts (spec/api.md "Contracts")

TEST_F(ValidationHttp, ContractFieldErrors) {
    const json valid = contract_body();
    const std::string contract_no = valid["contract_no"];
    // clang-format off
    const std::vector<Break> breaks = {
        // The contract number and plan.
        {"contract_no missing", {{"/contract_no", kRemove}}, 400, "missing_field", "contract_no"},
        {"contract_no a number", {{"/contract_no", "123"}}, 400, "invalid_field", "contract_no"},
        {"contract_no empty", {{"/contract_no", R"("")"}}, 400, "invalid_field", "contract_no"},
        {"contract_no blank", {{"/contract_no", R"("   ")"}}, 400, "invalid_field", "contract_no"},
        // Full-width text is folded to half width (spec/api.md "Contracts"), so ideographic
        // spaces alone would become an empty contract number.
        {"contract_no of ideographic spaces", {{"/contract_no", R"("　　")"}}, 400,
         "invalid_field", "contract_no"},
        {"contract_no of 65 characters", {{"/contract_no", quoted(repeat("K", 65))}}, 400,
         "invalid_field", "contract_no"},
        {"contract_no with a control character", {{"/contract_no", R"("KT-\u0007")"}}, 400,
         "invalid_field", "contract_no"},
        {"product_id missing", {{"/product_id", kRemove}}, 400, "missing_field", "product_id"},
        {"product_id a number", {{"/product_id", "3"}}, 400, "invalid_field", "product_id"},
        // The term and options.
        {"start_date missing", {{"/start_date", kRemove}}, 400, "missing_field", "start_date"},
        {"start_date not a day", {{"/start_date", R"("2026-02-30")"}}, 400, "invalid_field",
         "start_date"},
        {"start_date with slashes", {{"/start_date", R"("2026/01/05")"}}, 400, "invalid_field",
         "start_date"},
        {"start_date a timestamp", {{"/start_date", R"("2026-01-05T00:00:00+09:00")"}}, 400,
         "invalid_field", "start_date"},
        {"term_months missing", {{"/term_months", kRemove}}, 400, "missing_field", "term_months"},
        {"term_months a string", {{"/term_months", R"("12")"}}, 400, "invalid_field",
         "term_months"},
        {"term_months a fraction", {{"/term_months", "12.5"}}, 400, "invalid_field",
         "term_months"},
        {"term_months 0", {{"/term_months", "0"}}, 400, "invalid_field", "term_months"},
        {"term_months 121", {{"/term_months", "121"}}, 400, "invalid_field", "term_months"},
        {"term_months 1e300", {{"/term_months", "1e300"}}, 400, "invalid_field", "term_months"},
        {"term_months 99999999999999999999", {{"/term_months", "99999999999999999999"}}, 400,
         "invalid_field", "term_months"},
        {"term_months 2^64-1", {{"/term_months", "18446744073709551615"}}, 400, "invalid_field",
         "term_months"},
        {"zero_deductible a string", {{"/zero_deductible", R"("yes")"}}, 400, "invalid_field",
         "zero_deductible"},
        {"corporate a number", {{"/corporate", "1"}}, 400, "invalid_field", "corporate"},
        {"mileage_limit_km 0", {{"/mileage_limit_km", "0"}}, 400, "invalid_field",
         "mileage_limit_km"},
        {"odometer_at_start_km negative", {{"/odometer_at_start_km", "-1"}}, 400,
         "invalid_field", "odometer_at_start_km"},
        {"odometer_at_start_km 99999999999999999999",
         {{"/odometer_at_start_km", "99999999999999999999"}}, 400, "invalid_field",
         "odometer_at_start_km"},
        {"odometer_at_start_km -1e300", {{"/odometer_at_start_km", "-1e300"}}, 400,
         "invalid_field", "odometer_at_start_km"},
        {"odometer_at_start_km a string", {{"/odometer_at_start_km", R"("45210")"}}, 400,
         "invalid_field", "odometer_at_start_km"},
        // The holder.
        {"holder missing", {{"/holder", kRemove}}, 400, "missing_field", "holder"},
        {"holder a string", {{"/holder", R"("山田 太郎")"}}, 400, "invalid_field", "holder"},
        {"holder.name missing", {{"/holder/name", kRemove}}, 400, "missing_field", "holder.name"},
        {"holder.name of 101 characters", {{"/holder/name", quoted(repeat("山", 101))}}, 400,
         "invalid_field", "holder.name"},
        {"holder.name with a NUL", {{"/holder/name", R"("山田\u0000太郎")"}}, 400,
         "invalid_field", "holder.name"},
        {"holder.birth_date not a day", {{"/holder/birth_date", R"("1980-04-31")"}}, 400,
         "invalid_field", "holder.birth_date"},
        {"holder.birth_date a number", {{"/holder/birth_date", "19800401"}}, 400,
         "invalid_field", "holder.birth_date"},
        {"holder.birth_date in the future", {{"/holder/birth_date", R"("2999-01-01")"}}, 400,
         "invalid_field", "holder.birth_date"},
        {"holder.birth_date missing", {{"/holder/birth_date", kRemove}}, 400, "missing_field",
         "holder.birth_date"},
        {"holder.phone of 41 characters", {{"/holder/phone", quoted(repeat("0", 41))}}, 400,
         "invalid_field", "holder.phone"},
        {"holder.address of 201 characters", {{"/holder/address", quoted(repeat("東", 201))}},
         400, "invalid_field", "holder.address"},
        // Home (spec/api.md "Conventions": lat in [-90, 90], lon in [-180, 180]).
        {"home missing", {{"/home", kRemove}}, 400, "missing_field", "home"},
        {"home an array", {{"/home", "[35.68, 139.77]"}}, 400, "invalid_field", "home"},
        {"home.lat a string", {{"/home/lat", R"("35.6812")"}}, 400, "invalid_field", "home.lat"},
        {"home.lon missing", {{"/home/lon", kRemove}}, 400, "missing_field", "home.lon"},
        {"home.lat 91", {{"/home/lat", "91"}}, 400, "invalid_coordinates", "home"},
        {"home.lon -180.5", {{"/home/lon", "-180.5"}}, 400, "invalid_coordinates", "home"},
        {"home.lat 1e300", {{"/home/lat", "1e300"}}, 400, "invalid_coordinates", "home"},
        // The vehicle.
        {"vehicle missing", {{"/vehicle", kRemove}}, 400, "missing_field", "vehicle"},
        {"vehicle a string", {{"/vehicle", R"("GDJ150")"}}, 400, "invalid_field", "vehicle"},
        {"vehicle.plate missing", {{"/vehicle/plate", kRemove}}, 400, "missing_field",
         "vehicle.plate"},
        {"vehicle.plate only dashes", {{"/vehicle/plate", R"("---")"}}, 400, "invalid_field",
         "vehicle.plate"},
        {"vehicle.plate only ideographic spaces", {{"/vehicle/plate", R"("　")"}}, 400,
         "invalid_field", "vehicle.plate"},
        {"vehicle.width_mm a string", {{"/vehicle/width_mm", R"("1690")"}}, 400,
         "invalid_field", "vehicle.width_mm"},
        {"vehicle.length_mm 0", {{"/vehicle/length_mm", "0"}}, 400, "invalid_field",
         "vehicle.length_mm"},
        {"vehicle.length_mm a fraction", {{"/vehicle/length_mm", "4690.5"}}, 400,
         "invalid_field", "vehicle.length_mm"},
        {"vehicle.height_mm negative", {{"/vehicle/height_mm", "-5"}}, 400, "invalid_field",
         "vehicle.height_mm"},
        {"vehicle.gross_weight_kg 1e300", {{"/vehicle/gross_weight_kg", "1e300"}}, 400,
         "invalid_field", "vehicle.gross_weight_kg"},
        {"vehicle.seating_capacity 201", {{"/vehicle/seating_capacity", "201"}}, 400,
         "invalid_field", "vehicle.seating_capacity"},
        {"vehicle.kind unknown", {{"/vehicle/kind", R"("truck")"}}, 400, "invalid_field",
         "vehicle.kind"},
        {"vehicle.use missing", {{"/vehicle/use", kRemove}}, 400, "missing_field",
         "vehicle.use"},
        {"vehicle.private_use a string", {{"/vehicle/private_use", R"("true")"}}, 400,
         "invalid_field", "vehicle.private_use"},
        {"vehicle.inspection_expiry not a day", {{"/vehicle/inspection_expiry", R"("2027-13-01")"}},
         400, "invalid_field", "vehicle.inspection_expiry"},
        // Business rules: well-formed, but not a contract that can exist (422).
        {"unknown product", {{"/product_id", R"("kaitokuten-ultra")"}}, 422, "unknown_product",
         ""},
        {"term not offered by the plan",
         {{"/product_id", R"("kaitokuten-minimum")"}, {"/term_months", "24"}}, 422,
         "term_not_offered", ""},
        {"zero deductible on a plan without the option",
         {{"/product_id", R"("kaitokuten-minimum")"}, {"/zero_deductible", "true"}}, 422,
         "zero_deductible_not_offered", ""},
        {"both vehicle and vehicle_certificate",
         {{"/vehicle_certificate", sample_certificate().dump()}}, 400, "conflicting_fields", ""},
    };
    // clang-format on
    HttpClient client = admin();
    const Stored before = stored();
    expect_answers(client, cases_for("POST", "/v1/contracts", valid, breaks));
    EXPECT_EQ(stored(), before);
    EXPECT_EQ(count_where("contracts", "contract_no = '" + contract_no + "'"), "0");
    // The valid body itself is accepted, so every answer above was about its one broken field.
    EXPECT_EQ(client.post_json("/v1/contracts", valid).status, 201);
}

TEST_F(ValidationHttp, ContractBusinessErrorsSayWhy) {
    json body = contract_body("kaitokuten-minimum");
    body["term_months"] = 24;
    HttpResult r = admin().post_json("/v1/contracts", body);
    ASSERT_TRUE(is_error(r, 422, "term_not_offered"));
    EXPECT_EQ(r.json()["error"]["details"]["product_id"], "kaitokuten-minimum");
    EXPECT_EQ(r.json()["error"]["details"]["offered_term_months"], json::array({12}));

    body = contract_body("no-such-plan");
    r = admin().post_json("/v1/contracts", body);
    ASSERT_TRUE(is_error(r, 422, "unknown_product"));
    EXPECT_EQ(r.json()["error"]["details"]["product_id"], "no-such-plan");

    body = contract_body();
    body["vehicle_certificate"] = sample_certificate();
    r = admin().post_json("/v1/contracts", body);
    ASSERT_TRUE(is_error(r, 400, "conflicting_fields"));
    EXPECT_EQ(r.json()["error"]["details"]["fields"],
              json::array({"vehicle", "vehicle_certificate"}));
}

TEST_F(ValidationHttp, CertificateErrorsNameTheKey) {
    // spec/api.md "Contracts": an unreadable 車検証 export is a 400 naming the key.
    json valid = contract_body();
    valid.erase("vehicle");
    valid["vehicle_certificate"] = sample_certificate();
    struct CertCase {
        std::string description;
        std::vector<Edit> edits;
        std::string key;
    };
    // clang-format off
    const std::vector<CertCase> cases = {
        {"no Length", {{"/vehicle_certificate/CertInfo/Length", kRemove}}, "Length"},
        {"no EntryNoCarNo", {{"/vehicle_certificate/CertInfo/EntryNoCarNo", kRemove}},
         "EntryNoCarNo"},
        {"Cap as a number", {{"/vehicle_certificate/CertInfo/Cap", "2"}}, "Cap"},
        {"Width not a number", {{"/vehicle_certificate/CertInfo/Width", R"("広い")"}}, "Width"},
        {"unknown CarKind", {{"/vehicle_certificate/CertInfo/CarKind", R"("三輪")"}}, "CarKind"},
        {"blank PrivateBusiness", {{"/vehicle_certificate/CertInfo/PrivateBusiness", R"("　")"}},
         "PrivateBusiness"},
        {"no CertInfo", {{"/vehicle_certificate/CertInfo", kRemove}}, "CertInfo"},
        {"CertInfo an array", {{"/vehicle_certificate/CertInfo", "[]"}}, "CertInfo"},
        {"the certificate a string", {{"/vehicle_certificate", R"("sample01.json")"}}, "(file)"},
        {"a value of 5000 bytes",
         {{"/vehicle_certificate/CertInfo/NoteInfo", quoted(repeat("x", 5000))}},
         "NoteInfo"},
        // A NUL cannot be stored (PostgreSQL text and jsonb refuse U+0000): the file is unreadable.
        {"a NUL in a value", {{"/vehicle_certificate/CertInfo/NoteInfo", R"("a\u0000b")"}},
         "NoteInfo"},
    };
    // clang-format on
    HttpClient client = admin();
    const Stored before = stored();
    for (const CertCase& c : cases) {
        const HttpResult r = client.post("/v1/contracts", apply(valid, c.edits),
                                         {{"Content-Type", "application/json"}});
        EXPECT_TRUE(is_error(r, 400, "invalid_certificate", "vehicle_certificate"))
            << c.description;
        if (r.status == 400) {
            EXPECT_EQ(r.json()["error"]["details"].value("key", ""), c.key) << c.description;
        }
    }
    EXPECT_EQ(stored(), before);
    const HttpResult ok = client.post_json("/v1/contracts", valid);
    EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST_F(ValidationHttp, BoundaryValuesAreAccepted) {
    // The other side of the limits above, so that the 400s are not vacuous.
    json body = contract_body();
    std::string contract_no = "B-" + unique_suffix();
    contract_no += std::string(64 - contract_no.size(), '9');  // the longest number allowed
    body["contract_no"] = contract_no;
    body["holder"]["name"] = repeat("山", 100);
    body["home"] = {{"lat", 90}, {"lon", -180}};
    body["odometer_at_start_km"] = 0;
    body["mileage_limit_km"] = 10'000'000;
    const std::string text = apply(body, {{"/term_months", "12.0"}});
    const HttpResult r =
        admin().post("/v1/contracts", text, {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["contract_no"], contract_no);
    const std::string where = "contract_no = '" + contract_no + "'";
    EXPECT_EQ(db->scalar("SELECT term_months FROM contracts WHERE " + where), "12");
    EXPECT_EQ(db->scalar("SELECT home_lat || ',' || home_lon FROM contracts WHERE " + where),
              "90,-180");
    EXPECT_EQ(db->scalar("SELECT length(holder_name) FROM contracts WHERE " + where), "100");
}

TEST_F(ValidationHttp, DuplicateContractNo) {
    const json body = contract_body();
    const std::string contract_no = body["contract_no"];
    create_contract(body);
    json again = contract_body();
    again["contract_no"] = contract_no;
    HttpClient client = admin();
    const Stored before = stored();
    EXPECT_TRUE(is_error(client.post_json("/v1/contracts", again), 409, "duplicate_contract_no"));
    // The number is compared after folding full width to half width ("T-…" and "Ｔ－…").
    std::string full_width = "Ｔ－" + contract_no.substr(2);
    again["contract_no"] = full_width;
    EXPECT_TRUE(is_error(client.post_json("/v1/contracts", again), 409, "duplicate_contract_no"));
    EXPECT_EQ(stored(), before);
    EXPECT_EQ(count_where("contracts", "contract_no = '" + contract_no + "'"), "1");
}

TEST_F(ValidationHttp, GetContractWithBadIds) {
    const json contract = create_contract(contract_body());
    const std::string id = contract["id"];
    const HttpResult call =
        admin().post_json("/v1/calls", call_body(contract["contract_no"], kCallAt));
    ASSERT_EQ(call.status, 201) << call.body;
    const std::string incident_id = call.json()["incident_id"];
    std::string upper = id;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // clang-format off
    const std::vector<Case> cases = {
        {"not a uuid", "GET", "/v1/contracts/not-a-uuid", "", 404, "contract_not_found", ""},
        {"unknown uuid", "GET", std::string("/v1/contracts/") + kUnknownUuid, "", 404,
         "contract_not_found", ""},
        {"uuid with a g", "GET", "/v1/contracts/" + id.substr(0, 35) + "g", "", 404,
         "contract_not_found", ""},
        {"uuid with a NUL appended", "GET", "/v1/contracts/" + id + "%00", "", 404,
         "contract_not_found", ""},
        {"uuid in braces", "GET", "/v1/contracts/%7B" + id + "%7D", "", 404,
         "contract_not_found", ""},
        {"SQL", "GET", "/v1/contracts/%27%20OR%201=1--", "", 404, "contract_not_found", ""},
        {"2000 characters", "GET", "/v1/contracts/" + repeat("a", 2000), "", 404,
         "contract_not_found", ""},
        {"an incident's id", "GET", "/v1/contracts/" + incident_id, "", 404,
         "contract_not_found", ""},
        {"a target over 2048 characters", "GET", "/v1/contracts/" + repeat("a", 3000), "", 400,
         "bad_request", ""},
    };
    // clang-format on
    HttpClient client = agent();
    expect_answers(client, cases);
    // The canonical form in upper case is the same uuid.
    EXPECT_EQ(client.get("/v1/contracts/" + upper).status, 200);
}

TEST_F(ValidationHttp, FindContractsQueryErrors) {
    const json contract = create_contract(contract_body());
    // clang-format off
    const std::vector<Case> cases = {
        {"no query", "GET", "/v1/contracts", "", 400, "missing_field", "contract_no"},
        {"empty query", "GET", "/v1/contracts?", "", 400, "missing_field", "contract_no"},
        {"other parameters only", "GET", "/v1/contracts?number=1&plate_no=2", "", 400,
         "missing_field", "contract_no"},
    };
    // clang-format on
    HttpClient client = agent();
    expect_answers(client, cases);
    // Whatever bytes a query carries, it finds nothing here: an empty list, or a 400 for a value
    // that is not text (never a 500, spec/api.md "Conventions").
    const std::string contract_no = contract["contract_no"];
    const std::vector<std::string> nothing = {
        "/v1/contracts?contract_no=NO-SUCH-NUMBER",
        "/v1/contracts?contract_no=",
        "/v1/contracts?plate=",
        "/v1/contracts?plate=%E5%93%81%E5%B7%9D%20999%20%E3%82%93%209999",
        "/v1/contracts?contract_no=%27%3B%20DROP%20TABLE%20contracts%3B--",
        "/v1/contracts?contract_no=%",
        "/v1/contracts?contract_no=%ZZ",
        "/v1/contracts?contract_no=%FF",
        "/v1/contracts?plate=%C0%AF",
        "/v1/contracts?contract_no=" + repeat("9", 1500),
        // A number with a NUL and more after it is not this contract's number.
        "/v1/contracts?contract_no=" + contract_no + "%00junk",
        "/v1/contracts?plate=" + percent_encoded(contract["vehicle"]["plate"]) + "%00junk",
    };
    for (const std::string& target : nothing) {
        const HttpResult r = client.get(target);
        if (r.status == 400) {
            EXPECT_TRUE(has_error_shape(r)) << target;
            continue;
        }
        EXPECT_EQ(r.status, 200) << target << ": " << r.body.substr(0, 300);
        if (r.status == 200) {
            EXPECT_EQ(r.json()["contracts"], json::array()) << target;
        }
    }
    const HttpResult found = client.get("/v1/contracts?contract_no=" + contract_no);
    ASSERT_EQ(found.status, 200);
    EXPECT_EQ(found.json()["contracts"].size(), 1u);
    const HttpResult by_plate =
        client.get("/v1/contracts?plate=" + percent_encoded(contract["vehicle"]["plate"]));
    ASSERT_EQ(by_plate.status, 200);
    EXPECT_EQ(by_plate.json()["contracts"].size(), 1u);
    EXPECT_EQ(db->scalar("SELECT count(*) FROM pg_tables WHERE tablename = 'contracts'"), "1");
}

TEST_F(ValidationHttp, CancelErrors) {
    const json contract = create_contract(contract_body());
    const std::string id = contract["id"];
    const std::string target = "/v1/contracts/" + id + "/cancel";
    const json valid = {{"date", "2026-03-01"}, {"reason", "sold"}};
    // clang-format off
    std::vector<Case> cases = cases_for(
        "POST", target, valid,
        {
            {"date missing", {{"/date", kRemove}}, 400, "missing_field", "date"},
            {"date not a day", {{"/date", R"("tomorrow")"}}, 400, "invalid_field", "date"},
            {"date a number", {{"/date", "20260301"}}, 400, "invalid_field", "date"},
            {"reason missing", {{"/reason", kRemove}}, 400, "missing_field", "reason"},
            {"reason empty", {{"/reason", R"("")"}}, 400, "invalid_field", "reason"},
            {"reason of 501 characters", {{"/reason", quoted(repeat("売", 501))}}, 400,
             "invalid_field", "reason"},
            {"reason an object", {{"/reason", R"({"text": "sold"})"}}, 400, "invalid_field",
             "reason"},
        });
    // clang-format on
    for (const std::string& bad_id : {std::string("not-a-uuid"), std::string(kUnknownUuid)}) {
        cases.push_back({"contract id " + bad_id, "POST", "/v1/contracts/" + bad_id + "/cancel",
                         valid.dump(), 404, "contract_not_found", ""});
    }
    HttpClient client = admin();
    const Stored before = stored();
    expect_answers(client, cases);
    EXPECT_EQ(stored(), before);
    EXPECT_EQ(db->scalar("SELECT cancelled_on IS NULL FROM contracts WHERE id = '" + id + "'"),
              "t");

    // Cancelling twice: the second is an illegal transition (409) and changes nothing.
    const HttpResult first = client.post_json(target, valid);
    ASSERT_EQ(first.status, 200) << first.body;
    json other = valid;
    other["date"] = "2026-04-01";
    const HttpResult second = client.post_json(target, other);
    EXPECT_TRUE(is_error(second, 409, "contract_already_cancelled"));
    EXPECT_EQ(second.json()["error"]["details"]["cancelled_on"], "2026-03-01");
    EXPECT_EQ(db->scalar("SELECT cancelled_on FROM contracts WHERE id = '" + id + "'"),
              "2026-03-01");
    EXPECT_EQ(count_where("events", "contract_id = '" + id + "' AND type = 'contract_cancelled'"),
              "1");
}

// ---------------------------------------------------------------------------------------------
// Coverage check and calls (spec/api.md "Coverage check and calls")

// Ways to break what a coverage check and a call have in common: who, when, where.
std::vector<Break> call_query_breaks(const std::string& other_plate) {
    // clang-format off
    return {
        {"neither plate nor contract_no", {{"/contract_no", kRemove}}, 400, "missing_field",
         "plate"},
        {"plate a number", {{"/contract_no", kRemove}, {"/plate", "300"}}, 400, "invalid_field",
         "plate"},
        {"plate empty", {{"/contract_no", kRemove}, {"/plate", R"("")"}}, 400, "invalid_field",
         "plate"},
        {"plate blank", {{"/contract_no", kRemove}, {"/plate", R"("   ")"}}, 400,
         "invalid_field", "plate"},
        {"plate only dashes", {{"/contract_no", kRemove}, {"/plate", R"("- -")"}}, 400,
         "invalid_field", "plate"},
        {"plate of 41 characters", {{"/contract_no", kRemove}, {"/plate", quoted(repeat("1", 41))}},
         400, "invalid_field", "plate"},
        {"unknown plate", {{"/contract_no", kRemove}, {"/plate", R"("品川 999 ん 9999")"}}, 404,
         "contract_not_found", ""},
        {"contract_no a number", {{"/contract_no", "123"}}, 400, "invalid_field", "contract_no"},
        {"contract_no blank", {{"/contract_no", R"("  ")"}}, 400, "invalid_field", "contract_no"},
        {"unknown contract_no", {{"/contract_no", R"("NO-SUCH-CONTRACT")"}}, 404,
         "contract_not_found", ""},
        {"contract_no with another contract's plate", {{"/plate", quoted(other_plate)}}, 422,
         "plate_mismatch", ""},
        {"at without an offset", {{"/at", R"("2026-02-05T10:00:00")"}}, 400, "invalid_field",
         "at"},
        {"at a date", {{"/at", R"("2026-02-05")"}}, 400, "invalid_field", "at"},
        {"at a number", {{"/at", "1770253200"}}, 400, "invalid_field", "at"},
        {"at hour 25", {{"/at", R"("2026-02-05T25:00:00+09:00")"}}, 400, "invalid_field", "at"},
        // A day in Japan after 9999-12-31 or before 1900 has no YYYY-MM-DD form to answer with.
        {"at in the year 10000 in Japan", {{"/at", R"("9999-12-31T23:59:59-23:59")"}}, 400,
         "invalid_field", "at"},
        {"at in 1899 in Japan", {{"/at", R"("1900-01-01T00:00:00+23:59")"}}, 400,
         "invalid_field", "at"},
        {"location missing", {{"/location", kRemove}}, 400, "missing_field", "location"},
        {"location a string", {{"/location", R"("大阪市北区")"}}, 400, "invalid_field",
         "location"},
        {"location an array", {{"/location", "[34.7, 135.5]"}}, 400, "invalid_field",
         "location"},
        {"location.lat a string", {{"/location/lat", R"("34.70")"}}, 400, "invalid_field",
         "location.lat"},
        {"location.lat a bool", {{"/location/lat", "true"}}, 400, "invalid_field",
         "location.lat"},
        {"location.lat null", {{"/location/lat", "null"}}, 400, "missing_field", "location.lat"},
        {"location.lon missing", {{"/location/lon", kRemove}}, 400, "missing_field",
         "location.lon"},
        {"location.lat 91", {{"/location/lat", "91"}}, 400, "invalid_coordinates", "location"},
        {"location.lat -90.5", {{"/location/lat", "-90.5"}}, 400, "invalid_coordinates",
         "location"},
        {"location.lon -180.5", {{"/location/lon", "-180.5"}}, 400, "invalid_coordinates",
         "location"},
        {"location.lon 1e300", {{"/location/lon", "1e300"}}, 400, "invalid_coordinates",
         "location"},
        {"odometer_km negative", {{"/odometer_km", "-1"}}, 400, "invalid_field", "odometer_km"},
        {"odometer_km a fraction", {{"/odometer_km", "51000.5"}}, 400, "invalid_field",
         "odometer_km"},
        {"odometer_km 1e300", {{"/odometer_km", "1e300"}}, 400, "invalid_field", "odometer_km"},
        {"odometer_km 99999999999999999999", {{"/odometer_km", "99999999999999999999"}}, 400,
         "invalid_field", "odometer_km"},
        {"odometer_km a string", {{"/odometer_km", R"("51000")"}}, 400, "invalid_field",
         "odometer_km"},
    };
    // clang-format on
}

TEST_F(ValidationHttp, CoverageCheckErrors) {
    const json contract = create_contract(contract_body());
    const json other = create_contract(contract_body());
    const json valid = coverage_body(contract["contract_no"]);
    HttpClient client = agent();
    const Stored before = stored();
    expect_answers(client, cases_for("POST", "/v1/coverage/check", valid,
                                     call_query_breaks(other["vehicle"]["plate"])));
    EXPECT_EQ(stored(), before);
    // The edges of the ranges are coordinates too.
    for (const auto& [lat, lon] : {std::pair{90.0, 180.0}, std::pair{-90.0, -180.0}}) {
        json edge = valid;
        edge["location"] = {{"lat", lat}, {"lon", lon}};
        const HttpResult r = client.post_json("/v1/coverage/check", edge);
        EXPECT_EQ(r.status, 200) << lat << "," << lon << ": " << r.body;
    }
    EXPECT_EQ(client.post_json("/v1/coverage/check", valid).status, 200);
    EXPECT_EQ(stored(), before);  // a dry run stores nothing even when it succeeds
}

TEST_F(ValidationHttp, CallErrors) {
    const json contract = create_contract(contract_body());
    const json other = create_contract(contract_body());
    const json valid = call_body(contract["contract_no"], kCallAt);
    std::vector<Break> breaks = call_query_breaks(other["vehicle"]["plate"]);
    // clang-format off
    const std::vector<Break> call_breaks = {
        {"problem missing", {{"/problem", kRemove}}, 400, "missing_field", "problem"},
        {"problem unknown", {{"/problem", R"("flat")"}}, 400, "invalid_field", "problem"},
        {"problem a number", {{"/problem", "3"}}, 400, "invalid_field", "problem"},
        {"problem capitalised", {{"/problem", R"("Battery")"}}, 400, "invalid_field", "problem"},
        {"occupants 100", {{"/occupants", "100"}}, 400, "invalid_field", "occupants"},
        {"occupants negative", {{"/occupants", "-1"}}, 400, "invalid_field", "occupants"},
        {"occupants a fraction", {{"/occupants", "2.5"}}, 400, "invalid_field", "occupants"},
        {"occupants a string", {{"/occupants", R"("2")"}}, 400, "invalid_field", "occupants"},
        {"occupants 1e300", {{"/occupants", "1e300"}}, 400, "invalid_field", "occupants"},
        {"caller a string", {{"/caller", R"("山田 太郎")"}}, 400, "invalid_field", "caller"},
        {"caller.name of 101 characters", {{"/caller/name", quoted(repeat("山", 101))}}, 400,
         "invalid_field", "caller.name"},
        {"caller.name a number", {{"/caller/name", "1"}}, 400, "invalid_field", "caller.name"},
        {"caller.phone of 41 characters", {{"/caller/phone", quoted(repeat("9", 41))}}, 400,
         "invalid_field", "caller.phone"},
        {"refusal_grounds a string", {{"/refusal_grounds", R"("remote_island")"}}, 400,
         "invalid_field", "refusal_grounds"},
        {"refusal_grounds an unknown ground", {{"/refusal_grounds", R"(["on_the_moon"])"}}, 400,
         "invalid_field", "refusal_grounds[0]"},
        {"refusal_grounds an unknown third ground",
         {{"/refusal_grounds", R"(["remote_island", "ferry", "moon"])"}}, 400, "invalid_field",
         "refusal_grounds[2]"},
        {"refusal_grounds a number", {{"/refusal_grounds", "[5]"}}, 400, "invalid_field",
         "refusal_grounds[0]"},
        {"refusal_grounds an empty string", {{"/refusal_grounds", R"([""])"}}, 400,
         "invalid_field", "refusal_grounds[0]"},
        // As many as there are grounds (28 with 第3条(3), (4), (6)), not one more.
        {"refusal_grounds 29 items",
         {{"/refusal_grounds", "[" + repeat("\"ferry\",", 28) + "\"ferry\"]"}}, 400,
         "invalid_field", "refusal_grounds"},
        {"notes of 4001 characters", {{"/notes", quoted(repeat("x", 4001))}}, 400,
         "invalid_field", "notes"},
        {"notes with a NUL", {{"/notes", R"("a\u0000b")"}}, 400, "invalid_field", "notes"},
        {"notes an array", {{"/notes", R"(["a"])"}}, 400, "invalid_field", "notes"},
    };
    // clang-format on
    breaks.insert(breaks.end(), call_breaks.begin(), call_breaks.end());
    HttpClient client = agent();
    const Stored before = stored();
    expect_answers(client, cases_for("POST", "/v1/calls", valid, breaks));
    EXPECT_EQ(stored(), before);

    // The limits themselves are accepted: 99 occupants, 4000 characters of notes (in code
    // points: 12000 bytes of Japanese), 28 refusal grounds.
    json edge = valid;
    edge["occupants"] = 99;
    edge["notes"] = repeat("故", 4000);
    edge["refusal_grounds"] = json::array();
    for (int i = 0; i < 28; ++i) edge["refusal_grounds"].push_back("ferry");
    const HttpResult r = client.post_json("/v1/calls", edge);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["status"], "refused");
    EXPECT_EQ(db->scalar("SELECT char_length(notes) FROM incidents WHERE id = '" +
                         r.json()["incident_id"].get<std::string>() + "'"),
              "4000");
}

TEST_F(ValidationHttp, IncidentBadIdsAndOtherCustomers) {
    const json mine = create_contract(contract_body());
    const json theirs = create_contract(contract_body());
    const HttpResult call = admin().post_json("/v1/calls", call_body(mine["contract_no"], kCallAt));
    ASSERT_EQ(call.status, 201) << call.body;
    const std::string incident_id = call.json()["incident_id"];
    // clang-format off
    const std::vector<Case> cases = {
        {"not a uuid", "GET", "/v1/incidents/not-a-uuid", "", 404, "incident_not_found", ""},
        {"unknown uuid", "GET", std::string("/v1/incidents/") + kUnknownUuid, "", 404,
         "incident_not_found", ""},
        {"a contract's id", "GET", "/v1/incidents/" + mine["id"].get<std::string>(), "", 404,
         "incident_not_found", ""},
        {"uuid cut short", "GET", "/v1/incidents/" + incident_id.substr(0, 35), "", 404,
         "incident_not_found", ""},
    };
    // clang-format on
    HttpClient client = agent();
    expect_answers(client, cases);
    // spec/api.md "Conventions": another customer's object is a 404, not a 403.
    HttpClient stranger(server->port(), token_for("customer", theirs["id"].get<std::string>()));
    EXPECT_TRUE(is_error(stranger.get("/v1/incidents/" + incident_id), 404, "incident_not_found"));
    HttpClient owner(server->port(), token_for("customer", mine["id"].get<std::string>()));
    EXPECT_EQ(owner.get("/v1/incidents/" + incident_id).status, 200);
}

// ---------------------------------------------------------------------------------------------
// Products (spec/api.md "Products")

TEST_F(ValidationHttp, ProductsErrors) {
    // clang-format off
    const std::vector<Case> cases = {
        {"POST", "POST", "/v1/products", "{}", 405, "method_not_allowed", ""},
        {"DELETE", "DELETE", "/v1/products", "", 405, "method_not_allowed", ""},
        {"sub-path", "GET", "/v1/products/kaitokuten-basic/x", "", 404, "route_not_found", ""},
    };
    // clang-format on
    HttpClient client = admin();
    expect_answers(client, cases);
    // Query parameters must be UTF-8 text, even ones the endpoint does not read.
    EXPECT_TRUE(is_error(client.get("/v1/products?unknown=%FF"), 400, "invalid_query"));
    EXPECT_EQ(client.get("/v1/products?unknown=x").status, 200);
    HttpClient anonymous(server->port());
    EXPECT_TRUE(is_error(anonymous.get("/v1/products"), 401, "unauthorized"));
    const json contract = create_contract(contract_body());
    HttpClient customer(server->port(), token_for("customer", contract["id"].get<std::string>()));
    EXPECT_EQ(customer.get("/v1/products").status, 200);
}

// ---------------------------------------------------------------------------------------------
// Routing, authentication, roles, media types

TEST_F(ValidationHttp, UnknownRoutesAndWrongMethods) {
    const std::string id = kUnknownUuid;
    struct RouteCase {
        std::string method;
        std::string target;
        int status;
        std::string code;
        std::vector<std::string> allow;
    };
    // clang-format off
    const std::vector<RouteCase> cases = {
        {"GET", "/v1/nothing", 404, "route_not_found", {}},
        {"GET", "/", 404, "route_not_found", {}},
        {"GET", "/v2/products", 404, "route_not_found", {}},
        {"GET", "/v1/contracts/" + id + "/cancel/now", 404, "route_not_found", {}},
        {"POST", "/v1/incidents", 404, "route_not_found", {}},
        {"GET", "/v1/tokens", 405, "method_not_allowed", {"POST"}},
        {"DELETE", "/v1/contracts/" + id, 405, "method_not_allowed", {"GET"}},
        {"PUT", "/v1/contracts", 405, "method_not_allowed", {"POST", "GET"}},
        {"GET", "/v1/contracts/" + id + "/cancel", 405, "method_not_allowed", {"POST"}},
        {"GET", "/v1/coverage/check", 405, "method_not_allowed", {"POST"}},
        {"GET", "/v1/calls", 405, "method_not_allowed", {"POST"}},
        {"POST", "/v1/incidents/" + id, 405, "method_not_allowed", {"GET"}},
        {"PATCH", "/v1/products", 405, "method_not_allowed", {"GET"}},
        {"BREW", "/v1/products", 405, "method_not_allowed", {"GET"}},
        {"POST", "/healthz", 405, "method_not_allowed", {"GET"}},
    };
    // clang-format on
    HttpClient anonymous(server->port());  // routing comes before authentication
    for (const RouteCase& c : cases) {
        const std::string what = c.method + " " + c.target;
        const HttpResult r = anonymous.request(c.method, c.target, "", {});
        EXPECT_TRUE(is_error(r, c.status, c.code)) << what;
        if (c.allow.empty()) continue;
        const std::string allow = r.header("allow");
        EXPECT_EQ(r.json()["error"]["details"].value("allow", ""), allow) << what;
        for (const std::string& m : c.allow) {
            EXPECT_NE(allow.find(m), std::string::npos) << what << ": Allow: " << allow;
        }
    }
    // Not a path at all.
    for (const std::string& target : {std::string("*"), std::string("http://127.0.0.1/healthz")}) {
        const HttpResult r =
            parse_raw(raw_exchange(server->port(), raw_request("GET", target, "", "")));
        EXPECT_TRUE(is_error(r, 400, "bad_request")) << target;
    }
}

TEST_F(ValidationHttp, MissingAndBadTokens) {
    const json contract = create_contract(contract_body());
    const std::string id = contract["id"];
    const HttpResult call =
        admin().post_json("/v1/calls", call_body(contract["contract_no"], kCallAt));
    ASSERT_EQ(call.status, 201);
    struct Endpoint {
        std::string method;
        std::string target;
        std::string body;
    };
    // clang-format off
    const std::vector<Endpoint> endpoints = {
        {"POST", "/v1/tokens", json{{"role", "admin"}}.dump()},
        {"POST", "/v1/contracts", contract_body().dump()},
        {"GET", "/v1/contracts/" + id, ""},
        {"GET", "/v1/contracts?contract_no=" + contract["contract_no"].get<std::string>(), ""},
        {"POST", "/v1/contracts/" + id + "/cancel", R"({"date": "2026-03-01", "reason": "x"})"},
        {"POST", "/v1/coverage/check", coverage_body(contract["contract_no"]).dump()},
        {"POST", "/v1/calls", call_body(contract["contract_no"], kCallAt).dump()},
        {"GET", "/v1/incidents/" + call.json()["incident_id"].get<std::string>(), ""},
        {"GET", "/v1/products", ""},
    };
    // clang-format on
    const std::string admin_token = server->options().admin_token;
    // clang-format off
    const std::vector<std::pair<std::string, std::string>> authorizations = {
        {"no Authorization header", ""},
        {"unknown token", "Bearer rs_not-a-token"},
        {"empty bearer", "Bearer "},
        {"scheme only", "Bearer"},
        {"Basic scheme", "Basic dGVzdDp0ZXN0"},
        {"token without a scheme", admin_token},
        {"admin token with a suffix", "Bearer " + admin_token + "x"},
        {"admin token cut short", "Bearer " + admin_token.substr(0, admin_token.size() - 1)},
        {"token of 600 characters", "Bearer " + repeat("a", 600)},
        {"token with a space", "Bearer rs_a b"},
    };
    // clang-format on
    HttpClient anonymous(server->port());
    const Stored before = stored();
    for (const Endpoint& e : endpoints) {
        for (const auto& [description, authorization] : authorizations) {
            std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
            if (!authorization.empty()) headers["Authorization"] = authorization;
            const HttpResult r = anonymous.request(e.method, e.target, e.body, headers);
            EXPECT_TRUE(is_error(r, 401, "unauthorized"))
                << description << " on " << e.method << " " << e.target;
            EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"roadside\"") << description;
        }
        // Authentication comes before the body is read: bad JSON without a token is still a 401.
        if (e.method == "POST") {
            EXPECT_TRUE(is_error(anonymous.request("POST", e.target, "{", {}), 401, "unauthorized"))
                << e.target;
        }
    }
    EXPECT_EQ(stored(), before);
    // The scheme is case-insensitive (RFC 9110 §11.1).
    EXPECT_EQ(
        anonymous.request("GET", "/v1/products", "", {{"Authorization", "bearer " + admin_token}})
            .status,
        200);
}

TEST_F(ValidationHttp, RolesAreCheckedBeforeTheBody) {
    const json contract = create_contract(contract_body());
    const std::string id = contract["id"];
    const std::string contract_no = contract["contract_no"];
    HttpClient agent_client = agent();
    HttpClient customer(server->port(), token_for("customer", id));
    struct RoleCase {
        std::string description;
        HttpClient* client;
        std::string role;
        std::string method;
        std::string target;
        std::string body;
    };
    // clang-format off
    const std::vector<RoleCase> cases = {
        {"agent creates a token", &agent_client, "agent", "POST", "/v1/tokens",
         R"({"role": "admin"})"},
        {"agent creates a contract", &agent_client, "agent", "POST", "/v1/contracts",
         contract_body().dump()},
        {"agent sends a broken contract", &agent_client, "agent", "POST", "/v1/contracts", "{"},
        {"agent cancels", &agent_client, "agent", "POST", "/v1/contracts/" + id + "/cancel",
         R"({"date": "2026-03-01", "reason": "x"})"},
        {"agent cancels with a broken body", &agent_client, "agent", "POST",
         "/v1/contracts/" + id + "/cancel", "[]"},
        {"customer creates a token", &customer, "customer", "POST", "/v1/tokens",
         R"({"role": "admin"})"},
        {"customer reads a contract", &customer, "customer", "GET", "/v1/contracts/" + id, ""},
        {"customer searches contracts", &customer, "customer", "GET",
         "/v1/contracts?contract_no=" + contract_no, ""},
        {"customer checks coverage", &customer, "customer", "POST", "/v1/coverage/check",
         coverage_body(contract_no).dump()},
        {"customer records a call", &customer, "customer", "POST", "/v1/calls",
         call_body(contract_no, kCallAt).dump()},
        {"customer sends a broken call", &customer, "customer", "POST", "/v1/calls", "{"},
    };
    // clang-format on
    const Stored before = stored();
    for (const RoleCase& c : cases) {
        const HttpResult r =
            c.client->request(c.method, c.target, c.body, {{"Content-Type", "application/json"}});
        EXPECT_TRUE(is_error(r, 403, "forbidden")) << c.description;
        if (r.status == 403) {
            EXPECT_EQ(r.json()["error"]["details"]["role"], c.role);
        }
    }
    EXPECT_EQ(stored(), before);
    EXPECT_EQ(db->scalar("SELECT cancelled_on IS NULL FROM contracts WHERE id = '" + id + "'"),
              "t");
}

TEST_F(ValidationHttp, MultipartIsRefused) {
    const json contract = create_contract(contract_body());
    const std::string body = coverage_body(contract["contract_no"]).dump();
    HttpClient client = admin();
    const Stored before = stored();
    for (const std::string& type :
         {std::string("multipart/form-data; boundary=x"), std::string("Multipart/Mixed")}) {
        for (const std::string& target : {std::string("/v1/coverage/check"),
                                          std::string("/v1/contracts"), std::string("/v1/calls")}) {
            const HttpResult r = client.post(target, body, {{"Content-Type", type}});
            EXPECT_TRUE(is_error(r, 415, "unsupported_media_type")) << type << " to " << target;
        }
    }
    EXPECT_EQ(stored(), before);
    // Any other declared type is read as JSON (curl -d says form-urlencoded).
    for (const std::string& type :
         {std::string("text/plain"), std::string("application/x-www-form-urlencoded"),
          std::string("application/json; charset=utf-8")}) {
        EXPECT_EQ(client.post("/v1/coverage/check", body, {{"Content-Type", type}}).status, 200)
            << type;
    }
}

// ---------------------------------------------------------------------------------------------
// Idempotency-Key (spec/api.md "Conventions")

TEST_F(ValidationHttp, IdempotentContractCreationReplays) {
    const json body = contract_body();
    const std::string contract_no = body["contract_no"];
    const std::string key = "contract-" + unique_suffix();
    HttpClient client = admin();
    const HttpResult first = client.post_json("/v1/contracts", body, {{"Idempotency-Key", key}});
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(first.header("idempotent-replayed"), "");
    const Stored after_first = stored();
    const HttpResult second = client.post_json("/v1/contracts", body, {{"Idempotency-Key", key}});
    ASSERT_EQ(second.status, 201) << second.body;
    EXPECT_EQ(second.header("idempotent-replayed"), "true");
    EXPECT_EQ(second.json()["id"], first.json()["id"]);
    EXPECT_EQ(second.body, first.body);
    EXPECT_EQ(stored(), after_first);
    EXPECT_EQ(count_where("contracts", "contract_no = '" + contract_no + "'"), "1");
    EXPECT_EQ(
        count_where("events", "contract_id = '" + first.json()["id"].get<std::string>() + "'"),
        "1");

    // The same key with another body, or on another endpoint, is a 409 and does nothing.
    json different = contract_body();
    HttpResult r = client.post_json("/v1/contracts", different, {{"Idempotency-Key", key}});
    EXPECT_TRUE(is_error(r, 409, "idempotency_key_reused"));
    r = client.post_json("/v1/tokens", {{"role", "agent"}}, {{"Idempotency-Key", key}});
    EXPECT_TRUE(is_error(r, 409, "idempotency_key_reused"));
    EXPECT_EQ(stored(), after_first);
    EXPECT_EQ(count_where("contracts",
                          "contract_no = '" + different["contract_no"].get<std::string>() + "'"),
              "0");
}

TEST_F(ValidationHttp, IdempotentCallAndCancelReplay) {
    const json contract = create_contract(contract_body());
    const std::string id = contract["id"];
    const json call = call_body(contract["contract_no"], kCallAt);
    const std::string call_key = "call-" + unique_suffix();
    HttpClient client = agent();
    const HttpResult first = client.post_json("/v1/calls", call, {{"Idempotency-Key", call_key}});
    ASSERT_EQ(first.status, 201) << first.body;
    const HttpResult second = client.post_json("/v1/calls", call, {{"Idempotency-Key", call_key}});
    ASSERT_EQ(second.status, 201) << second.body;
    EXPECT_EQ(second.header("idempotent-replayed"), "true");
    EXPECT_EQ(second.json()["incident_id"], first.json()["incident_id"]);
    EXPECT_EQ(count_where("incidents", "contract_id = '" + id + "'"), "1");
    EXPECT_EQ(count_where("events",
                          "incident_id = '" + first.json()["incident_id"].get<std::string>() + "'"),
              "2");

    // A replayed cancellation is the first 200 again, not a 409: it had no second effect.
    const std::string target = "/v1/contracts/" + id + "/cancel";
    const json cancel = {{"date", "2026-03-01"}, {"reason", "sold"}};
    const std::string cancel_key = "cancel-" + unique_suffix();
    HttpClient admin_client = admin();
    EXPECT_EQ(admin_client.post_json(target, cancel, {{"Idempotency-Key", cancel_key}}).status,
              200);
    const HttpResult again =
        admin_client.post_json(target, cancel, {{"Idempotency-Key", cancel_key}});
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.header("idempotent-replayed"), "true");
    EXPECT_TRUE(
        is_error(admin_client.post_json(target, cancel), 409, "contract_already_cancelled"));
    EXPECT_EQ(count_where("events", "contract_id = '" + id + "' AND type = 'contract_cancelled'"),
              "1");
}

TEST_F(ValidationHttp, FailedRequestsDoNotUseUpTheKey) {
    // Only a success is recorded: a client that fixes its body may retry with the same key.
    json body = contract_body();
    const std::string key = "retry-" + unique_suffix();
    HttpClient client = admin();
    json broken = body;
    broken["holder"].erase("name");
    EXPECT_TRUE(is_error(client.post_json("/v1/contracts", broken, {{"Idempotency-Key", key}}), 400,
                         "missing_field", "holder.name"));
    EXPECT_EQ(count_where("idempotency_keys", "key = '" + key + "'"), "0");
    const HttpResult fixed = client.post_json("/v1/contracts", body, {{"Idempotency-Key", key}});
    EXPECT_EQ(fixed.status, 201) << fixed.body;
    EXPECT_EQ(fixed.header("idempotent-replayed"), "");
    const HttpResult replay = client.post_json("/v1/contracts", body, {{"Idempotency-Key", key}});
    EXPECT_EQ(replay.status, 201);
    EXPECT_EQ(replay.header("idempotent-replayed"), "true");
}

TEST_F(ValidationHttp, KeysBelongToTheirToken) {
    // Two callers who happen to pick the same key do not see each other's responses.
    const std::string key = "shared-" + unique_suffix();
    const json body = {{"role", "agent"}, {"label", key}};
    const HttpResult a = admin().post_json("/v1/tokens", body, {{"Idempotency-Key", key}});
    HttpClient other_admin(server->port(), token_for("admin"));
    const HttpResult b = other_admin.post_json("/v1/tokens", body, {{"Idempotency-Key", key}});
    ASSERT_EQ(a.status, 201) << a.body;
    ASSERT_EQ(b.status, 201) << b.body;
    EXPECT_EQ(b.header("idempotent-replayed"), "");
    EXPECT_NE(a.json()["id"], b.json()["id"]);
    EXPECT_EQ(count_where("tokens", "label = '" + key + "'"), "2");
}

TEST_F(ValidationHttp, InvalidIdempotencyKeys) {
    const std::string label = "keys " + unique_suffix();
    const json body = {{"role", "agent"}, {"label", label}};
    // clang-format off
    const std::vector<std::pair<std::string, std::string>> keys = {
        {"256 characters", repeat("k", 256)},
        {"a space inside", "two words"},
        {"a tab inside", "tab\there"},
        {"non-ASCII", "キー"},
        {"Latin-1 byte", "caf\xe9"},
    };
    // clang-format on
    HttpClient client = admin();
    const Stored before = stored();
    for (const auto& [description, key] : keys) {
        const HttpResult r = client.post_json("/v1/tokens", body, {{"Idempotency-Key", key}});
        EXPECT_TRUE(is_error(r, 400, "invalid_idempotency_key")) << description;
    }
    // Control characters cannot even be sent in a header: the request is not valid HTTP.
    for (const std::string& key : {std::string("a\x01b"), std::string("a\x7f"
                                                                      "b")}) {
        const HttpResult r = parse_raw(raw_exchange(
            server->port(), raw_request("POST", "/v1/tokens", server->options().admin_token,
                                        body.dump(), "Idempotency-Key: " + key + "\r\n")));
        EXPECT_TRUE(is_error(r, 400, "bad_request"));
    }
    EXPECT_EQ(stored(), before);
    // 255 visible ASCII characters are a key; GET ignores the header altogether.
    const HttpResult longest =
        client.post_json("/v1/tokens", body, {{"Idempotency-Key", repeat("~", 255)}});
    EXPECT_EQ(longest.status, 201) << longest.body;
    EXPECT_EQ(client.request("GET", "/v1/products", "", {{"Idempotency-Key", "two words"}}).status,
              200);
}

// ---------------------------------------------------------------------------------------------
// Limits: body, headers, nesting (STYLE.md 8: bound everything)

TEST_F(ValidationHttp, BodyTooLarge) {
    const std::string admin_token = server->options().admin_token;
    const std::string label = "too large " + unique_suffix();
    const std::string prefix = "{\"role\": \"agent\", \"label\": \"" + label + "\", \"pad\": \"";
    const std::string two_mib =
        prefix + std::string(2 * kBodyLimitBytes - prefix.size() - 2, 'x') + "\"}";
    // clang-format off
    const std::vector<std::pair<std::string, std::string>> requests = {
        {"2 MiB body", raw_request("POST", "/v1/tokens", admin_token, two_mib)},
        // The declared length alone is enough: the server answers before reading the body.
        {"2 MiB declared, nothing sent",
         "POST /v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin_token +
             "\r\nContent-Length: " + std::to_string(2 * kBodyLimitBytes) + "\r\n\r\n"},
        {"one byte over the limit declared",
         "POST /v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin_token +
             "\r\nContent-Length: " + std::to_string(kBodyLimitBytes + 1) + "\r\n\r\n"},
        {"2 MiB in chunks",
         "POST /v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin_token +
             "\r\nTransfer-Encoding: chunked\r\n\r\n" +
             repeat("10000\r\n" + std::string(0x10000, ' ') + "\r\n", 32) + "0\r\n\r\n"},
        {"100-continue with 2 MiB declared",
         "POST /v1/tokens HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin_token +
             "\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(2 * kBodyLimitBytes) +
             "\r\n\r\n"},
    };
    // clang-format on
    const Stored before = stored();
    for (const auto& [description, bytes] : requests) {
        const std::string answer = raw_exchange(server->port(), bytes);
        const HttpResult r = parse_raw(answer);
        EXPECT_TRUE(is_error(r, 413, "body_too_large")) << description;
        EXPECT_EQ(r.header("connection"), "close") << description;
        // Refused before the body was asked for.
        EXPECT_EQ(answer.find("100 Continue"), std::string::npos) << description;
    }
    EXPECT_EQ(stored(), before);
    EXPECT_EQ(count_where("tokens", "label = '" + label + "'"), "0");
}

TEST_F(ValidationHttp, BodyAtTheLimitIsAccepted) {
    // body_limit_bytes is the largest body allowed, not the first one refused.
    for (const std::size_t size : {kBodyLimitBytes - 1, kBodyLimitBytes}) {
        const std::string label = "at the limit " + unique_suffix();
        const std::string prefix =
            "{\"role\": \"agent\", \"label\": \"" + label + "\", \"pad\": \"";
        const std::string body = prefix + std::string(size - prefix.size() - 2, ' ') + "\"}";
        ASSERT_EQ(body.size(), size);
        const HttpResult r =
            admin().post("/v1/tokens", body, {{"Content-Type", "application/json"}});
        EXPECT_EQ(r.status, 201) << size << ": " << r.body.substr(0, 300);
        EXPECT_EQ(count_where("tokens", "label = '" + label + "'"), "1") << size;
    }
}

TEST_F(ValidationHttp, HeadersTooLarge) {
    const std::string admin_token = server->options().admin_token;
    // clang-format off
    const std::vector<std::pair<std::string, std::string>> requests = {
        {"one header of 17 KiB",
         "GET /v1/products HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(17 * 1024, 'a') +
             "\r\n\r\n"},
        {"many small headers",
         "GET /v1/products HTTP/1.1\r\nHost: x\r\n" +
             repeat("X-Padding: " + std::string(100, 'b') + "\r\n", 200) + "\r\n"},
        {"a target of 17 KiB",
         "GET /v1/contracts?contract_no=" + std::string(17 * 1024, '9') +
             " HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"a huge token",
         "GET /v1/products HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
             std::string(20 * 1024, 't') +
             "\r\n\r\n"},
    };
    // clang-format on
    for (const auto& [description, bytes] : requests) {
        const HttpResult r = parse_raw(raw_exchange(server->port(), bytes));
        EXPECT_TRUE(is_error(r, 431, "headers_too_large")) << description;
    }
    // Headers well under the limit are fine.
    const HttpResult r = admin().request("GET", "/v1/products", "",
                                         {{"X-Padding", std::string(kHeaderLimitBytes / 2, 'c')}});
    EXPECT_EQ(r.status, 200);
}

TEST_F(ValidationHttp, NotHttp) {
    // clang-format off
    const std::vector<std::pair<std::string, std::string>> requests = {
        {"a word", "GARBAGE\r\n\r\n"},
        {"a TLS ClientHello",
         std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "\r\n\r\n"},
        {"bare line feeds", "GET /healthz HTTP/1.1\nHost: x\n\n"},
        {"no version", "GET /healthz\r\n\r\n"},
        {"a space in the target", "GET /heal thz HTTP/1.1\r\nHost: x\r\n\r\n"},
        {"a header without a colon", "GET /healthz HTTP/1.1\r\nHost x\r\n\r\n"},
        {"a space in a header name", "GET /healthz HTTP/1.1\r\nBad Name: x\r\n\r\n"},
        {"a Content-Length that is not a number",
         "POST /v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"},
        {"a negative Content-Length",
         "POST /v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"},
        {"two different Content-Lengths",
         "POST /v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"},
        {"a bad chunk size",
         "POST /v1/tokens HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
         "zz\r\n{}\r\n0\r\n\r\n"},
    };
    // clang-format on
    for (const auto& [description, bytes] : requests) {
        const std::string answer = raw_exchange(server->port(), bytes);
        const HttpResult r = parse_raw(answer);
        EXPECT_TRUE(is_error(r, 400, "bad_request")) << description << ":\n"
                                                     << answer.substr(0, 300);
    }
}

TEST_F(ValidationHttp, ExpectContinueWithAValidBody) {
    const json contract = create_contract(contract_body());
    const std::string body = coverage_body(contract["contract_no"]).dump();
    const std::string answer = raw_exchange(
        server->port(),
        raw_request("POST", "/v1/coverage/check", agent_token(), body, "Expect: 100-continue\r\n"));
    EXPECT_EQ(answer.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << answer.substr(0, 300);
    const HttpResult r = parse_raw(answer);
    EXPECT_EQ(r.status, 200) << answer.substr(0, 500);
    EXPECT_EQ(json::parse(r.body, nullptr, false).value("contract_id", ""), contract["id"]);
}

}  // namespace
}  // namespace roadside::testing
