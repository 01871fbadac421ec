// The job as a tow crew works it from a phone (issue 14), through the real server and database:
// what the crew needs before setting off, the deadline to the millisecond, the split shown before
// the final tap (a preview that changes nothing), and the customer's signature kept with the job.
#include <regex>

#include "api/auth.hpp"
#include "http_fixture.hpp"
#include "image_samples.hpp"
#include "job_support.hpp"

namespace roadside::testing {
namespace {

using nlohmann::json;

std::string base64(const std::string& bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
    }
    if (i < bytes.size()) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out.push_back(kAlphabet[(v >> 18) & 63]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

class CrewTest : public HttpTest {
  protected:
    Dispatch d{server->port(), server->options().admin_token};

    struct Job {
        std::string id;
        std::string incident_id;
        std::string partner_id;
        geo::LatLon site;
    };

    // A tow offered to a partner of its own, 5 km from the breakdown.
    Job offered() {
        Job j;
        j.site = fresh_anchor();
        j.partner_id = d.partner("レッカー北", north_of(j.site, 5), {"wrecker"});
        j.incident_id = d.call(j.site);
        const HttpResult r = d.tow_job(j.incident_id, north_of(j.site, 70));
        EXPECT_EQ(r.status, 201) << r.body;
        j.id = r.json().value("job_id", "");
        return j;
    }

    // …accepted and driven to `delivered`.
    Job delivered() {
        Job j = offered();
        HttpClient crew = d.partner_client(j.partner_id);
        const std::string base = "/v1/jobs/" + j.id;
        EXPECT_EQ(crew.post_json(base + "/accept", {{"eta_minutes", 20}}).status, 200);
        for (const char* step : {"en_route", "on_scene", "towing", "delivered"}) {
            EXPECT_EQ(crew.post_json(base + "/status", {{"status", step}}).status, 200) << step;
        }
        return j;
    }

    static json completion() {
        return {{"outcome", "towed_to_shop"},
                {"tow_distance_km", 62.4},
                {"extras", {{{"code", "waiting_time"}, {"quantity", 1}}}}};
    }
};

TEST_F(CrewTest, TheOfferCarriesWhatTheCrewNeeds) {
    const Job j = offered();
    HttpClient crew = d.partner_client(j.partner_id);
    const HttpResult r = crew.get("/v1/jobs/" + j.id);
    ASSERT_EQ(r.status, 200) << r.body;
    const json job = r.json();
    // The car decides wrecker or carrier (sample_contract_body's vehicle).
    EXPECT_EQ(job["vehicle"]["kind"], "small");
    EXPECT_EQ(job["vehicle"]["length_mm"], 4690);
    EXPECT_EQ(job["vehicle"]["width_mm"], 1690);
    EXPECT_EQ(job["vehicle"]["gross_weight_kg"], 2500);
    EXPECT_FALSE(job["vehicle"]["plate"].get<std::string>().empty());
    EXPECT_EQ(job["holder_name"], "山田 太郎");
    EXPECT_EQ(job["occupants"], 2);
    EXPECT_TRUE(job.contains("caller_phone"));
    // The deadline to the millisecond, for the countdown.
    const std::string deadline = job["offer_expires_at"];
    EXPECT_TRUE(
        std::regex_match(deadline, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+09:00)")))
        << deadline;
    EXPECT_TRUE(core::parse_rfc3339(deadline).has_value());
    // The list has it too, and the offer event.
    const json list = crew.get("/v1/partner/jobs").json();
    ASSERT_FALSE(list["jobs"].empty());
    EXPECT_EQ(list["jobs"][0]["vehicle"]["length_mm"], 4690);
    EXPECT_EQ(list["jobs"][0]["offer_expires_at"], deadline);
    const json history = d.admin().get("/v1/incidents/" + j.incident_id).json();
    bool offered_event = false;
    for (const auto& e : history["events"]) {
        if (e["type"] == "job_offered") offered_event = e["data"]["offer_expires_at"] == deadline;
    }
    EXPECT_TRUE(offered_event) << history["events"].dump();
    // Another partner: the job does not exist.
    const std::string other = d.partner("他社", north_of(j.site, 300), {"wrecker"});
    EXPECT_EQ(d.partner_client(other).get("/v1/jobs/" + j.id).status, 404);
}

TEST_F(CrewTest, ThePreviewIsTheSplitTheCompletionBringsAndChangesNothing) {
    const Job j = delivered();
    HttpClient crew = d.partner_client(j.partner_id);
    const std::string base = "/v1/jobs/" + j.id;
    const std::string events_before =
        db->scalar("SELECT count(*) FROM events WHERE incident_id = '" + j.incident_id + "'");
    const HttpResult preview = crew.post_json(base + "/charges/preview", completion());
    ASSERT_EQ(preview.status, 200) << preview.body;
    EXPECT_EQ(preview.json()["can_complete"], true);
    EXPECT_EQ(preview.json()["status"], "delivered");
    // 62.4 km: the customer pays ceil(62.4 − 50) = 13 started km (第2条).
    const json charges = preview.json()["charges"];
    EXPECT_GT(charges["customer_yen"].get<std::int64_t>(), 0);
    EXPECT_EQ(d.job(j.id)["status"], "delivered");
    EXPECT_EQ(db->scalar("SELECT count(*) FROM events WHERE incident_id = '" + j.incident_id + "'"),
              events_before);
    // Agents may ask too; another partner may not; bad bodies are the completion's 400s.
    EXPECT_EQ(d.admin().post_json(base + "/charges/preview", completion()).json()["charges"],
              charges);
    const std::string other = d.partner("他社", north_of(j.site, 300), {"wrecker"});
    EXPECT_EQ(d.partner_client(other).post_json(base + "/charges/preview", completion()).status,
              404);
    EXPECT_EQ(crew.post_json(base + "/charges/preview", {{"outcome", "towed_to_shop"}}).status,
              400);
    // The completion brings exactly the previewed split.
    const HttpResult done = crew.post_json(base + "/complete", completion());
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(done.json()["charges"], charges);
    EXPECT_EQ(crew.post_json(base + "/charges/preview", completion()).json()["can_complete"],
              false);
}

TEST_F(CrewTest, TheSignatureIsKeptWithTheJobTimeAndPosition) {
    const Job j = delivered();
    HttpClient crew = d.partner_client(j.partner_id);
    const std::string base = "/v1/jobs/" + j.id;
    EXPECT_EQ(crew.get(base + "/signature").error_code(), "signature_not_found");
    const std::string png = sample_png(300, 100);
    ASSERT_LT(png.size(), 200u * 1024);
    json body = completion();
    body["signature"] = "data:image/png;base64," + base64(png);  // as a canvas gives it
    body["position"] = latlon(north_of(j.site, 70));
    const HttpResult done = crew.post_json(base + "/complete", body);
    ASSERT_EQ(done.status, 200) << done.body;
    EXPECT_EQ(done.json()["has_signature"], true);

    for (HttpClient* who : {&crew, &d.admin()}) {
        const HttpResult sig = who->get(base + "/signature");
        ASSERT_EQ(sig.status, 200) << sig.body;
        EXPECT_EQ(sig.header("content-type"), "image/png");
        EXPECT_EQ(image_size(sig.body), std::make_pair(300, 100));
        EXPECT_FALSE(sig.header("x-signed-at").empty());
        EXPECT_NE(sig.header("x-signed-position")
                      .find(std::to_string(north_of(j.site, 70).lat_deg).substr(0, 6)),
                  std::string::npos)
            << sig.header("x-signed-position");
    }
    const std::string other = d.partner("他社", north_of(j.site, 300), {"wrecker"});
    EXPECT_EQ(d.partner_client(other).get(base + "/signature").status, 404);
    // The incident says the job was signed.
    const json incident = d.admin().get("/v1/incidents/" + j.incident_id).json();
    EXPECT_EQ(incident["jobs"][0]["has_signature"], true);
    EXPECT_EQ(db->scalar("SELECT count(*) FROM job_signatures WHERE job_id = '" + j.id + "'"), "1");
}

TEST_F(CrewTest, ABadSignatureCompletesNothing) {
    const Job j = delivered();
    HttpClient crew = d.partner_client(j.partner_id);
    const std::string base = "/v1/jobs/" + j.id;
    const std::string png = sample_png(300, 100);
    const std::string big = sample_png(520, 320);
    ASSERT_GT(big.size(), 200u * 1024);
    struct Case {
        const char* name;
        json signature;
        const char* code;
    };
    const std::vector<Case> cases = {
        {"over 200 KB", base64(big), "signature_too_large"},
        {"not base64", "this is not base64!", "invalid_field"},
        {"a number", 12345, "invalid_field"},
        {"a JPEG", base64(sample_jpeg(60, 20)), "invalid_signature"},
        {"a truncated PNG", base64(png.substr(0, png.size() / 2)), "invalid_signature"},
        {"a PNG bomb", base64(png_bomb(8000, 8000)), "invalid_signature"},
        {"empty", "", "invalid_signature"},
    };
    for (const auto& c : cases) {
        json body = completion();
        body["signature"] = c.signature;
        const HttpResult r = crew.post_json(base + "/complete", body);
        EXPECT_EQ(r.status, 400) << c.name << ": " << r.body;
        EXPECT_EQ(r.error_code(), c.code) << c.name;
        EXPECT_EQ(d.job(j.id)["status"], "delivered") << c.name;
    }
    EXPECT_EQ(db->scalar("SELECT count(*) FROM job_signatures WHERE job_id = '" + j.id + "'"), "0");
    // Without a signature the job completes as before.
    EXPECT_EQ(crew.post_json(base + "/complete", completion()).status, 200);
    EXPECT_EQ(d.job(j.id)["has_signature"], false);
}

TEST_F(CrewTest, APartnerReadsItsOwnMonthStatementOnly) {
    const Job j = delivered();
    HttpClient crew = d.partner_client(j.partner_id);
    ASSERT_EQ(crew.post_json("/v1/jobs/" + j.id + "/complete", completion()).status, 200);
    const std::string month = today_plus(0).substr(0, 7);
    const HttpResult mine = crew.get("/v1/partners/" + j.partner_id + "/statement?month=" + month);
    ASSERT_EQ(mine.status, 200) << mine.body;
    EXPECT_EQ(mine.json()["jobs"].size(), 1u);
    const std::string other = d.partner("他社", north_of(j.site, 300), {"wrecker"});
    EXPECT_EQ(crew.get("/v1/partners/" + other + "/statement?month=" + month).status, 404);
    // Availability on and off: POST /v1/partner/position with `available` alone.
    EXPECT_EQ(crew.post_json("/v1/partner/position", {{"available", false}}).status, 204);
    EXPECT_EQ(d.admin().get("/v1/partners/" + j.partner_id).json()["available"], false);
    EXPECT_EQ(crew.post_json("/v1/partner/position", {{"available", true}}).status, 204);
}

}  // namespace
}  // namespace roadside::testing
