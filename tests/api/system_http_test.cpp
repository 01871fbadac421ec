// /healthz, /metrics, /v1/products and /v1/tokens through the real server and database.
#include "../spec_product_ids.hpp"
#include "http_fixture.hpp"

namespace roadside::testing {
namespace {

class SystemHttp : public HttpTest {};

TEST_F(SystemHttp, HealthzNeedsNoTokenAndReportsTheDatabase) {
    HttpClient anonymous(server->port());
    const HttpResult r = anonymous.get("/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.json()["database"], "ok");
}

TEST_F(SystemHttp, MetricsArePrometheusText) {
    HttpClient anonymous(server->port());
    anonymous.get("/healthz");
    const HttpResult r = anonymous.get("/metrics");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.header("content-type").find("text/plain"), std::string::npos);
    EXPECT_NE(r.body.find(
                  "roadside_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"),
              std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find("roadside_process_resident_memory_bytes "), std::string::npos);
    EXPECT_NE(r.body.find("roadside_db_pool_connections "), std::string::npos);
}

TEST_F(SystemHttp, MetricLabelsStayBoundedWhateverClientsSend) {
    // Made-up methods and paths must not grow the metrics without bound.
    for (int i = 0; i < 20; ++i) {
        const std::string method = "MADEUP" + std::to_string(i);
        raw_exchange(server->port(), method + " /nowhere/" + std::to_string(i) +
                                         " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }
    HttpClient anonymous(server->port());
    const std::string body = anonymous.get("/metrics").body;
    EXPECT_EQ(body.find("MADEUP"), std::string::npos);
    EXPECT_EQ(body.find("/nowhere/"), std::string::npos);
    EXPECT_NE(body.find("route=\"unmatched\",method=\"OTHER\",status=\"404\""), std::string::npos)
        << body;
}

TEST_F(SystemHttp, ProductsListsTheFifteenPlans) {
    // spec/api.md "Products": one id per plan in the source documents.
    const HttpResult r = admin().get("/v1/products");
    ASSERT_EQ(r.status, 200) << r.body;
    std::set<std::string> ids;
    const nlohmann::json body = r.json();
    for (const auto& p : body["products"]) {
        ids.insert(p["id"].get<std::string>());
        for (const char* field : {"provider", "name", "road_service", "deductible_months",
                                  "zero_deductible_option", "max_term_months"}) {
            EXPECT_TRUE(p.contains(field)) << p["id"] << " lacks " << field;
        }
    }
    const std::set<std::string> expected(kSpecProductIds.begin(), kSpecProductIds.end());
    EXPECT_EQ(ids, expected);
}

TEST_F(SystemHttp, ProductsNeedAToken) {
    HttpClient anonymous(server->port());
    const HttpResult r = anonymous.get("/v1/products");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.error_code(), "unauthorized");
    EXPECT_EQ(r.header("www-authenticate"), "Bearer realm=\"roadside\"");
    HttpClient wrong(server->port(), "rs_not-a-token");
    EXPECT_EQ(wrong.get("/v1/products").status, 401);
}

TEST_F(SystemHttp, TokensAreStoredHashedAndWork) {
    const HttpResult r = admin().post_json("/v1/tokens", {{"role", "agent"}, {"label", "desk 7"}});
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string token = r.json()["token"];
    EXPECT_EQ(token.rfind("rs_", 0), 0u);
    EXPECT_EQ(r.json()["role"], "agent");
    // Only the SHA-256 is in the database, never the token.
    EXPECT_EQ(db->scalar("SELECT count(*) FROM tokens WHERE label = 'desk 7'"), "1");
    EXPECT_EQ(db->scalar("SELECT length(token_hash) FROM tokens WHERE label = 'desk 7'"), "32");
    EXPECT_EQ(db->scalar("SELECT count(*) FROM tokens WHERE encode(token_hash, 'escape') LIKE '%" +
                         token.substr(3, 10) + "%'"),
              "0");
    HttpClient agent(server->port(), token);
    EXPECT_EQ(agent.get("/v1/products").status, 200);
}

TEST_F(SystemHttp, AgentCannotCallAdminEndpoints) {
    HttpClient agent(server->port(), token_for("agent"));
    const HttpResult r = agent.post_json("/v1/tokens", {{"role", "admin"}});
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.error_code(), "forbidden");
    EXPECT_EQ(agent.post_json("/v1/contracts", contract_body()).status, 403);
}

TEST_F(SystemHttp, TokenReplayWithholdsTheSecret) {
    // An Idempotency-Key retry creates nothing twice and does not hand out the token again: the
    // idempotency record never holds it.
    const std::string key = "token-" + unique_suffix();
    const nlohmann::json body = {{"role", "agent"}, {"label", key}};
    const HttpResult first = admin().post_json("/v1/tokens", body, {{"Idempotency-Key", key}});
    const HttpResult second = admin().post_json("/v1/tokens", body, {{"Idempotency-Key", key}});
    ASSERT_EQ(first.status, 201);
    ASSERT_EQ(second.status, 201);
    EXPECT_EQ(second.header("idempotent-replayed"), "true");
    EXPECT_EQ(first.json()["id"], second.json()["id"]);
    EXPECT_TRUE(first.json()["token"].is_string());
    EXPECT_TRUE(second.json()["token"].is_null());
    EXPECT_EQ(db->scalar("SELECT count(*) FROM tokens WHERE label = '" + key + "'"), "1");
    EXPECT_EQ(db->scalar("SELECT count(*) FROM idempotency_keys WHERE body LIKE '%" +
                         first.json()["token"].get<std::string>() + "%'"),
              "0");
}

TEST_F(SystemHttp, CustomerTokenNeedsAnExistingContract) {
    HttpResult r = admin().post_json("/v1/tokens", {{"role", "customer"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.error_code(), "missing_field");
    r = admin().post_json("/v1/tokens", {{"role", "customer"},
                                         {"contract_id", "00000000-0000-0000-0000-000000000000"}});
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(r.error_code(), "contract_not_found");
    const auto contract = create_contract(contract_body());
    r = admin().post_json("/v1/tokens", {{"role", "customer"}, {"contract_id", contract["id"]}});
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["contract_id"], contract["id"]);
}

}  // namespace
}  // namespace roadside::testing
