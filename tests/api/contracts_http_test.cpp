// Contracts through the real server and database: create (from vehicle data or from an official
// 車検証 export), read back, look up, cancel (spec/api.md "Contracts").
#include "core/calendar.hpp"
#include "http_fixture.hpp"

namespace roadside::testing {
namespace {

class ContractsHttp : public HttpTest {
  protected:
    static nlohmann::json check(const std::string& contract_no, const std::string& at) {
        const HttpResult r = admin().post_json("/v1/coverage/check",
                                               {{"contract_no", contract_no},
                                                {"at", at},
                                                {"location", {{"lat", 35.0}, {"lon", 136.0}}}});
        EXPECT_EQ(r.status, 200) << r.body;
        return r.json();
    }
};

TEST_F(ContractsHttp, CreateTheSpecExampleAndReadItBack) {
    const nlohmann::json body = contract_body();
    const HttpResult created = admin().post_json("/v1/contracts", body);
    ASSERT_EQ(created.status, 201) << created.body;
    const nlohmann::json c = created.json();
    EXPECT_EQ(c["contract_no"], body["contract_no"]);
    // rules.md §1: 2026-01-05 + 12 months -> last covered day 2027-01-04; 免責 until 2026-02-04.
    EXPECT_EQ(c["coverage"]["start_date"], "2026-01-05");
    EXPECT_EQ(c["coverage"]["end_date"], "2027-01-04");
    EXPECT_EQ(c["coverage"]["deductible_until"], "2026-02-04");
    EXPECT_EQ(c["coverage"]["road_service"], true);
    EXPECT_EQ(c["vehicle"]["length_mm"], 4690);
    EXPECT_EQ(c["vehicle"]["eligible"], true);
    EXPECT_EQ(c["vehicle_source"], "manual");

    const HttpResult read = admin().get("/v1/contracts/" + c["id"].get<std::string>());
    ASSERT_EQ(read.status, 200) << read.body;
    const nlohmann::json again = read.json();
    EXPECT_EQ(again["coverage"], c["coverage"]);
    EXPECT_EQ(again["vehicle"], c["vehicle"]);
    EXPECT_EQ(again["holder"], c["holder"]);
    ASSERT_EQ(again["events"].size(), 1u);
    EXPECT_EQ(again["events"][0]["type"], "contract_created");
    EXPECT_EQ(again["events"][0]["actor"], "admin:bootstrap-admin");
}

TEST_F(ContractsHttp, StatusIsWhereTheContractStandsToday) {
    // Today in Japan, as the server sees it.
    const core::Date today = core::japan_date(core::now_seconds());
    auto starting = [&](int days_from_today, int term_months) {
        nlohmann::json body = contract_body("kaitokuten-basic");
        body["start_date"] = core::format_date(core::add_days(today, days_from_today));
        body["term_months"] = term_months;
        return create_contract(body);
    };
    EXPECT_EQ(starting(-10, 12)["status"], "active");
    EXPECT_EQ(starting(0, 12)["status"], "active") << "from its first day";
    EXPECT_EQ(starting(1, 12)["status"], "not_started");
    EXPECT_EQ(starting(-800, 24)["status"], "expired");
    const auto cancelled = starting(-10, 12);
    const HttpResult r = admin().post_json(
        "/v1/contracts/" + cancelled["id"].get<std::string>() + "/cancel",
        {{"date", core::format_date(core::add_days(today, 5))}, {"reason", "輸出"}});
    EXPECT_EQ(r.json()["status"], "active") << "a cancellation takes effect on its date";
}

TEST_F(ContractsHttp, AgentsReadContractsButDoNotCreateThem) {
    const auto c = create_contract(contract_body());
    HttpClient agent(server->port(), token_for("agent"));
    EXPECT_EQ(agent.get("/v1/contracts/" + c["id"].get<std::string>()).status, 200);
    EXPECT_EQ(agent.post_json("/v1/contracts", contract_body()).status, 403);
    HttpClient customer(server->port(), token_for("customer", c["id"].get<std::string>()));
    EXPECT_EQ(customer.get("/v1/contracts/" + c["id"].get<std::string>()).status, 403);
}

TEST_F(ContractsHttp, DuplicateContractNumberIsAConflictAndStoresNothing) {
    nlohmann::json body = contract_body();
    create_contract(body);
    body["vehicle"]["plate"] = "品川 300 あ 9" + unique_suffix();
    const HttpResult r = admin().post_json("/v1/contracts", body);
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.error_code(), "duplicate_contract_no");
    EXPECT_EQ(db->scalar("SELECT count(*) FROM contracts WHERE contract_no = '" +
                         body["contract_no"].get<std::string>() + "'"),
              "1");
    EXPECT_EQ(db->scalar("SELECT count(*) FROM vehicles WHERE plate = '" +
                         body["vehicle"]["plate"].get<std::string>() + "'"),
              "0");
}

TEST_F(ContractsHttp, LookupByNumberAndByFullWidthPlate) {
    nlohmann::json body = contract_body();
    const std::string digits =
        std::to_string(1000 + std::stoi(unique_suffix().substr(0, 4)) % 9000);
    body["vehicle"]["plate"] = "練馬 500 さ " + digits;
    const auto c = create_contract(body);
    // spec/api.md: plates match after normalisation (full width, spaces).
    std::string full_width_digits;
    for (const char d : digits)
        full_width_digits += std::string("０１２３４５６７８９").substr((d - '0') * 3, 3);
    const std::string query = "練馬　５００　さ　" + full_width_digits;
    std::string encoded;
    for (const unsigned char ch : query) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", ch);
        encoded += buf;
    }
    HttpResult r = admin().get("/v1/contracts?plate=" + encoded);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json()["contracts"].size(), 1u) << r.body;
    EXPECT_EQ(r.json()["contracts"][0]["id"], c["id"]);
    r = admin().get("/v1/contracts?contract_no=" + body["contract_no"].get<std::string>());
    ASSERT_EQ(r.json()["contracts"].size(), 1u);
    EXPECT_EQ(r.json()["contracts"][0]["id"], c["id"]);
    r = admin().get("/v1/contracts?contract_no=NO-SUCH-CONTRACT");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.json()["contracts"].empty());
}

TEST_F(ContractsHttp, CancellationStopsServiceFromItsDate) {
    const nlohmann::json body = contract_body();
    const auto c = create_contract(body);
    const std::string id = c["id"];
    const std::string no = body["contract_no"];
    HttpResult r = admin().post_json("/v1/contracts/" + id + "/cancel",
                                     {{"date", "2026-06-10"}, {"reason", "使用者変更"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["status"], "cancelled");
    EXPECT_EQ(r.json()["cancelled_on"], "2026-06-10");
    // rules.md §1 Cancellation: no service from the cancellation date; the day before is covered.
    EXPECT_TRUE(check(no, "2026-06-09T23:59:00+09:00")["eligible"]);
    const auto on_the_day = check(no, "2026-06-10T00:00:00+09:00");
    EXPECT_EQ(reason_codes(on_the_day), std::vector<std::string>{"contract_cancelled"});
    r = admin().post_json("/v1/contracts/" + id + "/cancel",
                          {{"date", "2026-06-11"}, {"reason", "again"}});
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.error_code(), "contract_already_cancelled");
    const auto events = admin().get("/v1/contracts/" + id).json()["events"];
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1]["type"], "contract_cancelled");
    EXPECT_EQ(events[1]["data"]["reason"], "使用者変更");
}

TEST_F(ContractsHttp, ZeroDeductibleOptionRemovesTheWaitingPeriod) {
    // 買得典 免責ゼロ特約 on the basic plan: service from the start date.
    nlohmann::json body = contract_body("kaitokuten-basic");
    body["zero_deductible"] = true;
    const auto c = create_contract(body);
    EXPECT_TRUE(c["coverage"]["deductible_until"].is_null());
    EXPECT_TRUE(check(body["contract_no"], "2026-01-05T09:00:00+09:00")["eligible"]);
    // Cartender has no such option: refused at creation.
    nlohmann::json cartender = contract_body("cartender-domestic-standard");
    cartender["zero_deductible"] = true;
    const HttpResult r = admin().post_json("/v1/contracts", cartender);
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.error_code(), "zero_deductible_not_offered");
}

TEST_F(ContractsHttp, ImportPlanHasATwoMonthWaitingPeriodAndNoRoadService) {
    // 買得典 輸入車プラン: 免責 2 months; road service only on premium, basic, lexus, GT.
    const nlohmann::json body = contract_body("kaitokuten-import");
    const auto c = create_contract(body);
    EXPECT_EQ(c["coverage"]["deductible_until"], "2026-03-04");
    EXPECT_EQ(c["coverage"]["road_service"], false);
    EXPECT_EQ(reason_codes(check(body["contract_no"], "2026-03-04T12:00:00+09:00")),
              (std::vector<std::string>{"plan_excludes_road_service", "in_deductible_period"}));
    EXPECT_EQ(reason_codes(check(body["contract_no"], "2026-03-05T12:00:00+09:00")),
              (std::vector<std::string>{"plan_excludes_road_service"}));
}

TEST_F(ContractsHttp, TermsThePlanIsNotSoldWithAreRefused) {
    nlohmann::json body = contract_body("cartender-import-light");  // 6 months only
    body["term_months"] = 12;
    HttpResult r = admin().post_json("/v1/contracts", body);
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.error_code(), "term_not_offered");
    EXPECT_EQ(r.json()["error"]["details"]["offered_term_months"], nlohmann::json::array({6}));
    body["term_months"] = 6;
    r = admin().post_json("/v1/contracts", body);
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["coverage"]["end_date"], "2026-07-04");
}

// The official 国土交通省 samples (../shared/data/shakensho), each as a contract, each with the
// ロードサービス規定 第5条 and 第6条(4) verdict on a call.
struct CertificateCase {
    const char* file;
    const char* description;
    const char* plate;
    const char* kind;
    const char* use;
    int length_mm;
    int width_mm;
    int gross_weight_kg;
    int seating_capacity;
    const char* inspection_expiry;
    const char* registration_date;  // becomes the start date when none is given
    const char* call_at;            // inside the warranty term and the 車検
    std::vector<std::string> reasons;
};

TEST_F(ContractsHttp, ContractsFromEachOfficialSampleCertificate) {
    const CertificateCase cases[] = {
        {"sample01.json",
         "motorcycle: not one of the 自家用7車種",
         "札幌 お 2994",
         "two_wheel",
         "passenger",
         2210,
         830,
         320,
         2,
         "2026-01-03",
         "2023-01-04",
         "2025-06-01T12:00:00+09:00",
         {"vehicle_type_not_covered"}},
        {"sample03.json",
         "small cargo truck, gross 3,775 kg > 3,000 kg",
         "横浜 411 お 9008",
         "small",
         "cargo",
         4690,
         1690,
         3775,
         3,
         "2025-01-03",
         "2023-01-04",
         "2024-06-01T12:00:00+09:00",
         {"vehicle_too_heavy"}},
        {"sample04.json",
         "the same truck, form B",
         "横浜 411 お 9010",
         "small",
         "cargo",
         4690,
         1690,
         3775,
         3,
         "2025-01-03",
         "2023-01-04",
         "2024-06-01T12:00:00+09:00",
         {"vehicle_too_heavy"}},
        {"K_sample01.json",
         "kei passenger car: covered",
         "室蘭 580 お 225",
         "kei",
         "passenger",
         3390,
         1470,
         1030,
         4,
         "2026-07-25",
         "2023-07-26",
         "2024-01-10T12:00:00+09:00",
         {}},
        {"K_sample02.json",
         "kei passenger car without a class number: covered",
         "室蘭 お 1",
         "kei",
         "passenger",
         3390,
         1470,
         930,
         2,
         "2026-07-25",
         "2023-07-26",
         "2024-01-10T12:00:00+09:00",
         {}},
    };
    for (const auto& tc : cases) {
        SCOPED_TRACE(std::string(tc.file) + ": " + tc.description);
        nlohmann::json body = contract_body("kaitokuten-basic");
        body.erase("vehicle");
        body.erase("start_date");  // 名義変更日 from the certificate
        body["term_months"] = 60;
        body["vehicle_certificate"] = read_json_file(shakensho_dir() + "/" + tc.file);
        const HttpResult r = admin().post_json("/v1/contracts", body);
        ASSERT_EQ(r.status, 201) << r.body;
        const nlohmann::json c = r.json();
        const nlohmann::json& v = c["vehicle"];
        EXPECT_EQ(c["vehicle_source"], "certificate");
        EXPECT_EQ(v["plate"], tc.plate);
        EXPECT_EQ(v["kind"], tc.kind);
        EXPECT_EQ(v["use"], tc.use);
        EXPECT_EQ(v["length_mm"], tc.length_mm) << "車検証 lengths are in cm";
        EXPECT_EQ(v["width_mm"], tc.width_mm);
        EXPECT_EQ(v["gross_weight_kg"], tc.gross_weight_kg);
        EXPECT_EQ(v["seating_capacity"], tc.seating_capacity);
        EXPECT_EQ(v["inspection_expiry"], tc.inspection_expiry);
        EXPECT_EQ(v["private_use"], true);
        EXPECT_EQ(c["start_date"], tc.registration_date);
        EXPECT_EQ(v["eligible"], tc.reasons.empty());

        const auto verdict = check(body["contract_no"], tc.call_at);
        EXPECT_EQ(reason_codes(verdict), tc.reasons);
        EXPECT_EQ(verdict["eligible"], tc.reasons.empty());
        // The day after the 車検 expires, 第6条(4) applies on top.
        const std::string day_after = v["inspection_expiry"].get<std::string>();
        const auto after = check(body["contract_no"], day_after + "T23:00:00Z");
        std::vector<std::string> expected = {"inspection_expired"};
        expected.insert(expected.end(), tc.reasons.begin(), tc.reasons.end());
        EXPECT_EQ(reason_codes(after), expected) << "23:00 UTC is the next day in Japan";
        // The certificate is kept with the vehicle.
        EXPECT_EQ(db->scalar("SELECT certificate->'CertInfo'->>'CarId' FROM vehicles v JOIN "
                             "contracts c ON c.id = v.contract_id WHERE c.contract_no = '" +
                             body["contract_no"].get<std::string>() + "'"),
                  body["vehicle_certificate"]["CertInfo"]["CarId"].get<std::string>());
    }
}

TEST_F(ContractsHttp, AnUnreadableCertificateNamesTheKey) {
    nlohmann::json body = contract_body();
    body.erase("vehicle");
    nlohmann::json cert = read_json_file(shakensho_dir() + "/K_sample01.json");
    cert["CertInfo"].erase("Length");
    body["vehicle_certificate"] = cert;
    HttpResult r = admin().post_json("/v1/contracts", body);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.error_code(), "invalid_certificate");
    EXPECT_EQ(r.json()["error"]["details"]["key"], "Length");
    cert = read_json_file(shakensho_dir() + "/K_sample01.json");
    cert["CertInfo"]["Cap"] = 4;  // every value in the export is a string
    body["vehicle_certificate"] = cert;
    r = admin().post_json("/v1/contracts", body);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()["error"]["details"]["key"], "Cap");
    EXPECT_EQ(db->scalar("SELECT count(*) FROM contracts WHERE contract_no = '" +
                         body["contract_no"].get<std::string>() + "'"),
              "0");
}

}  // namespace
}  // namespace roadside::testing
