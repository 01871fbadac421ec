// Receipt images through the real server and database (issue 14): every upload rule (each bad
// input a clear 4xx, nothing stored, the server still up), the 413 of a real 50 MB upload reaching
// the client as an answer, EXIF GPS gone from what is kept, isolation between customers, and
// receipts in a claim naming their images (the same image twice counts once).
#include "api/auth.hpp"
#include "http_fixture.hpp"
#include "image_samples.hpp"
#include "job_support.hpp"

namespace roadside::testing {
namespace {

using api::sha256_hex;
using nlohmann::json;

class ImagesTest : public HttpTest {
  protected:
    Dispatch d{server->port(), server->options().admin_token};

    struct Customer {
        std::string contract_id;
        std::string contract_no;
        HttpClient client;
    };

    Customer customer() {
        json body = contract_body();
        const json made = create_contract(body);
        const std::string id = made.value("id", "");
        return Customer{id, body["contract_no"],
                        HttpClient(server->port(), token_for("customer", id))};
    }

    static HttpResult upload(HttpClient& c, const std::string& bytes,
                             const std::string& content_type = "image/jpeg",
                             const std::string& query = "") {
        return c.post("/v1/receipt-images" + query, bytes, {{"Content-Type", content_type}});
    }

    std::string stored_count() const { return db->scalar("SELECT count(*) FROM receipt_images"); }
};

TEST_F(ImagesTest, APhotoIsKeptReencodedWithoutExifOrGps) {
    Customer me = customer();
    const std::string photo = with_exif_gps(sample_jpeg(640, 480), 6);
    ASSERT_TRUE(has_exif(photo));
    const HttpResult r = upload(me.client, photo);
    ASSERT_EQ(r.status, 201) << r.body;
    const json img = r.json();
    EXPECT_EQ(img["content_type"], "image/jpeg");
    EXPECT_EQ(img["source_type"], "image/jpeg");
    // Turned upright by its orientation tag before the tag went away.
    EXPECT_EQ(img["width"], 480);
    EXPECT_EQ(img["height"], 640);
    EXPECT_EQ(img["source_sha256"], sha256_hex(photo));
    EXPECT_EQ(img["contract_id"], me.contract_id);
    EXPECT_EQ(r.header("location"), "/v1/receipt-images/" + img["image_id"].get<std::string>());

    const HttpResult back =
        me.client.get("/v1/receipt-images/" + img["image_id"].get<std::string>());
    ASSERT_EQ(back.status, 200);
    EXPECT_EQ(back.header("content-type"), "image/jpeg");
    EXPECT_EQ(back.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(sha256_hex(back.body), img["sha256"]);
    EXPECT_FALSE(has_exif(back.body));
    EXPECT_FALSE(has_metadata(back.body));
    EXPECT_EQ(back.body.find("GPS"), std::string::npos);
    EXPECT_EQ(image_size(back.body), std::make_pair(480, 640));
}

TEST_F(ImagesTest, EveryKindIsReadFromItsBytes) {
    Customer me = customer();
    struct Case {
        const char* name;
        std::string bytes;
        const char* declared;  // what the client says; never what decides
        const char* stored;
        const char* source;
    };
    const std::vector<Case> cases = {
        {"png", sample_png(120, 80), "image/png", "image/png", "image/png"},
        {"heic", sample_heic(120, 80), "image/heic", "image/jpeg", "image/heic"},
        {"pdf", sample_pdf(), "application/pdf", "image/png", "application/pdf"},
        // A JPEG the client calls a PNG is still a JPEG.
        {"mislabelled jpeg", sample_jpeg(120, 80), "image/png", "image/jpeg", "image/jpeg"},
    };
    for (const auto& c : cases) {
        const HttpResult r = upload(me.client, c.bytes, c.declared);
        ASSERT_EQ(r.status, 201) << c.name << ": " << r.body;
        EXPECT_EQ(r.json()["content_type"], c.stored) << c.name;
        EXPECT_EQ(r.json()["source_type"], c.source) << c.name;
        const HttpResult back =
            me.client.get("/v1/receipt-images/" + r.json()["image_id"].get<std::string>());
        EXPECT_EQ(back.header("content-type"), c.stored) << c.name;
        EXPECT_FALSE(has_metadata(back.body)) << c.name;
    }
}

TEST_F(ImagesTest, BadUploadsAreRefusedAndNothingIsStored) {
    Customer me = customer();
    const std::string jpeg = sample_jpeg(400, 300);
    struct Case {
        const char* name;
        std::string bytes;
        int status;
        const char* code;
    };
    const std::vector<Case> cases = {
        {"text file named .jpg", "this is only text, saved as receipt.jpg\n", 415,
         "unsupported_image_type"},
        {"svg", "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", 415,
         "unsupported_image_type"},
        {"gif", "GIF89a\x01\x00\x01\x00\x00\x00\x00;", 415, "unsupported_image_type"},
        {"truncated jpeg", jpeg.substr(0, jpeg.size() * 6 / 10), 422, "unreadable_image"},
        {"jpeg header only", jpeg.substr(0, 30), 422, "unreadable_image"},
        {"decompression bomb", png_bomb(20'000, 20'000), 422, "image_too_large"},
        {"empty", "", 400, "empty_upload"},
    };
    const std::string before = stored_count();
    for (const auto& c : cases) {
        const HttpResult r = upload(me.client, c.bytes);
        EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
        EXPECT_EQ(r.error_code(), c.code) << c.name;
        EXPECT_EQ(stored_count(), before) << c.name;
        ASSERT_EQ(HttpClient(server->port()).get("/healthz").status, 200) << c.name;
    }
    // Multipart is not the raw body.
    EXPECT_EQ(
        upload(me.client, "--x\r\n\r\n" + jpeg + "\r\n--x--", "multipart/form-data; boundary=x")
            .status,
        415);
    EXPECT_EQ(stored_count(), before);
}

TEST_F(ImagesTest, AFiftyMegabyteUploadGetsItsAnswer) {
    Customer me = customer();
    const std::string before = stored_count();
    const std::string huge(50 * 1024 * 1024, '\xFF');
    const HttpResult r = upload(me.client, huge);
    // A 413 the client reads as an answer, not a reset connection.
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(r.error_code(), "body_too_large");
    EXPECT_EQ(stored_count(), before);
    // Just over 10 MB is too large as well; just under is read (and judged by its content).
    const std::size_t limit = 10 * 1024 * 1024;
    EXPECT_EQ(upload(me.client, std::string(limit + 1, 'x')).status, 413);
    EXPECT_EQ(upload(me.client, std::string(limit, 'x')).error_code(), "unsupported_image_type");
    // Other routes keep their 1 MiB.
    json call = call_body(d.contract(), core::format_japan_time(core::now_seconds()));
    call["notes"] = std::string(2 * 1024 * 1024, 'a');
    EXPECT_EQ(d.admin().post_json("/v1/calls", call).status, 413);
    EXPECT_EQ(stored_count(), before);
}

TEST_F(ImagesTest, ACustomerNeverSeesAnothersImage) {
    Customer mine = customer();
    Customer theirs = customer();
    const HttpResult r = upload(mine.client, sample_jpeg(100, 80));
    ASSERT_EQ(r.status, 201);
    const std::string path = "/v1/receipt-images/" + r.json()["image_id"].get<std::string>();
    EXPECT_EQ(mine.client.get(path).status, 200);
    const HttpResult other = theirs.client.get(path);
    EXPECT_EQ(other.status, 404);
    EXPECT_EQ(other.error_code(), "image_not_found");
    // Staff see it; a partner does not, and neither does anyone without a token.
    EXPECT_EQ(HttpClient(server->port(), token_for("agent")).get(path).status, 200);
    EXPECT_EQ(d.admin().get(path).status, 200);
    const std::string partner = d.partner("p", fresh_anchor(), {"on_site"});
    EXPECT_EQ(d.partner_client(partner).get(path).status, 404);
    EXPECT_EQ(HttpClient(server->port()).get(path).status, 401);
    // A customer cannot file an image under another contract.
    EXPECT_EQ(
        upload(theirs.client, sample_jpeg(10, 10), "image/jpeg", "?contract_id=" + mine.contract_id)
            .error_code(),
        "field_not_allowed");
    EXPECT_EQ(mine.client.get("/v1/receipt-images/not-a-uuid").status, 404);
}

TEST_F(ImagesTest, TheSameFileTwiceIsTheSameImage) {
    Customer me = customer();
    const std::string photo = sample_jpeg(200, 100);
    const HttpResult first = upload(me.client, photo);
    ASSERT_EQ(first.status, 201);
    EXPECT_EQ(first.json()["duplicate"], false);
    const std::string before = stored_count();
    const HttpResult second = upload(me.client, photo);
    EXPECT_EQ(second.status, 200);
    EXPECT_EQ(second.json()["duplicate"], true);
    EXPECT_EQ(second.json()["image_id"], first.json()["image_id"]);
    EXPECT_EQ(stored_count(), before);
}

// ---- images in claims ----------------------------------------------------------------------

class ImageClaimsTest : public ImagesTest {
  protected:
    // A covered contract far from home, its car towed to a shop yesterday: a claim is due.
    struct Stranded {
        std::string contract_id;
        std::string incident_id;
    };

    Stranded stranded() {
        json body = sample_contract_body("kaitokuten-basic", unique_suffix(), "I-");
        body["start_date"] = today_plus(-200);
        body["vehicle"]["inspection_expiry"] = today_plus(300);
        const HttpResult c = d.admin().post_json("/v1/contracts", body);
        EXPECT_EQ(c.status, 201) << c.body;
        const geo::LatLon site = fresh_anchor();
        const std::string at = today_plus(-1) + "T09:00:00+09:00";
        const HttpResult call =
            d.admin().post_json("/v1/calls", {{"contract_no", body["contract_no"]},
                                              {"at", at},
                                              {"location", latlon(site)},
                                              {"problem", "breakdown"},
                                              {"occupants", 2}});
        EXPECT_EQ(call.status, 201) << call.body;
        Stranded s{c.json().value("id", ""), call.json().value("incident_id", "")};
        const std::string partner = d.partner("tow", north_of(site, 2), {"carrier"});
        HttpClient p = d.partner_client(partner);
        const HttpResult job = d.tow_job(s.incident_id, north_of(site, 25));
        const std::string base = "/v1/jobs/" + job.json().value("job_id", "");
        EXPECT_EQ(p.post_json(base + "/accept", json::object()).status, 200);
        for (const char* step : {"en_route", "on_scene", "towing", "delivered"}) {
            EXPECT_EQ(p.post_json(base + "/status", {{"status", step}}).status, 200);
        }
        EXPECT_EQ(p.post_json(base + "/complete",
                              {{"outcome", "towed_to_shop"}, {"tow_distance_km", 20.0}})
                      .status,
                  200);
        return s;
    }

    static json taxi(const std::string& incident, const std::vector<std::string>& images) {
        json receipts = json::array();
        for (std::size_t i = 0; i < images.size(); ++i) {
            receipts.push_back({{"amount_yen", 3000 + static_cast<int>(i)},
                                {"issued_on", today_plus(-1)},
                                {"issuer", "○○交通"},
                                {"kind", "taxi_fare"},
                                {"image_id", images[i]}});
        }
        return {{"incident_id", incident},
                {"benefit", "taxi"},
                {"persons", 1},
                {"used_at", today_plus(-1) + "T11:00:00+09:00"},
                {"receipts", receipts},
                {"bank_account",
                 {{"bank_code", "0001"},
                  {"branch_code", "001"},
                  {"type", "ordinary"},
                  {"number", "1234567"},
                  {"holder_kana", "ヤマダ タロウ"}}}};
    }
};

TEST_F(ImageClaimsTest, TheSameImageTwiceCountsOnce) {
    const Stranded s = stranded();
    HttpClient me(server->port(), token_for("customer", s.contract_id));
    const std::string a = upload(me, sample_jpeg(100, 60)).json()["image_id"];
    const std::string b = upload(me, sample_jpeg(100, 60)).json()["image_id"];
    ASSERT_NE(a, b);
    // Two lines with different amounts, the same photo: the second does not count.
    const HttpResult r = me.post_json("/v1/claims", taxi(s.incident_id, {a, b, a}));
    ASSERT_EQ(r.status, 201) << r.body;
    const json claim = r.json();
    EXPECT_EQ(claim["receipts"][0]["image_id"], a);
    EXPECT_EQ(claim["receipts"][0]["counted"], true);
    EXPECT_EQ(claim["receipts"][1]["counted"], true);
    EXPECT_EQ(claim["receipts"][2]["counted"], false);
    EXPECT_EQ(claim["counted_yen"], 3000 + 3001);
    bool duplicate = false;
    for (const auto& reason : claim["reasons"]) {
        if (reason["code"] == "excluded_items") {
            duplicate = reason["details"].value("duplicate", "") == "2";
        }
    }
    EXPECT_TRUE(duplicate) << claim.dump();
    // Reviewers (agents) see the claim's images.
    HttpClient agent(server->port(), token_for("agent"));
    EXPECT_EQ(agent.get("/v1/receipt-images/" + a).status, 200);
}

TEST_F(ImageClaimsTest, OnlyTheClaimsOwnImagesAndAtMostTen) {
    const Stranded s = stranded();
    const Stranded other = stranded();
    HttpClient me(server->port(), token_for("customer", s.contract_id));
    HttpClient them(server->port(), token_for("customer", other.contract_id));
    const std::string theirs = upload(them, sample_jpeg(50, 50)).json()["image_id"];
    HttpResult r = me.post_json("/v1/claims", taxi(s.incident_id, {theirs}));
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.error_code(), "image_not_found");
    EXPECT_EQ(r.json()["error"]["details"]["field"], "receipts[0].image_id");
    r = me.post_json("/v1/claims", taxi(s.incident_id, {"00000000-0000-4000-8000-000000000000"}));
    EXPECT_EQ(r.error_code(), "image_not_found");
    EXPECT_EQ(me.post_json("/v1/claims", taxi(s.incident_id, {"nope"})).error_code(),
              "invalid_field");
    std::vector<std::string> eleven;
    for (int i = 0; i < 11; ++i) {
        eleven.push_back(upload(me, sample_jpeg(20 + i, 20)).json()["image_id"]);
    }
    r = me.post_json("/v1/claims", taxi(s.incident_id, eleven));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()["error"]["details"]["field"], "receipts");
    // Nothing was claimed: ten go through.
    eleven.pop_back();
    EXPECT_EQ(me.post_json("/v1/claims", taxi(s.incident_id, eleven)).status, 201);
}

TEST_F(ImageClaimsTest, AnAgentsUploadBecomesTheCustomersWithTheClaim) {
    const Stranded s = stranded();
    HttpClient agent(server->port(), token_for("agent"));
    HttpClient me(server->port(), token_for("customer", s.contract_id));
    const HttpResult up = upload(agent, sample_jpeg(90, 60));
    ASSERT_EQ(up.status, 201) << up.body;
    EXPECT_TRUE(up.json()["contract_id"].is_null());
    const std::string id = up.json()["image_id"];
    // Not the customer's yet…
    EXPECT_EQ(me.get("/v1/receipt-images/" + id).status, 404);
    // …nor can the customer claim with it; the agent files the paper claim with it.
    EXPECT_EQ(me.post_json("/v1/claims", taxi(s.incident_id, {id})).error_code(),
              "image_not_found");
    const HttpResult claim = agent.post_json("/v1/claims", taxi(s.incident_id, {id}));
    ASSERT_EQ(claim.status, 201) << claim.body;
    EXPECT_EQ(me.get("/v1/receipt-images/" + id).status, 200);
    // An agent may also name the contract at upload.
    const HttpResult named =
        upload(agent, sample_jpeg(91, 60), "image/jpeg", "?contract_id=" + s.contract_id);
    ASSERT_EQ(named.status, 201) << named.body;
    EXPECT_EQ(me.get("/v1/receipt-images/" + named.json()["image_id"].get<std::string>()).status,
              200);
    EXPECT_EQ(upload(agent, sample_jpeg(10, 10), "image/jpeg",
                     "?contract_id=00000000-0000-4000-8000-000000000000")
                  .error_code(),
              "contract_not_found");
}

}  // namespace
}  // namespace roadside::testing
