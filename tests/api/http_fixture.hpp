#pragma once
// One real server on a fresh database for a whole test binary, and helpers to build valid request
// bodies that tests then break one field at a time.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support.hpp"

namespace roadside::testing {

class HttpTest : public ::testing::Test {
  protected:
    static inline TestDatabase* db = nullptr;
    static inline ServerProcess* server = nullptr;

    static void SetUpTestSuite() {
        db = new TestDatabase("http");
        ServerOptions options;
        options.database_url = db->url();
        server = new ServerProcess(options);
        server->start();
    }

    static void TearDownTestSuite() {
        // A clean exit on SIGTERM is part of the contract: graceful shutdown, no sanitizer report.
        EXPECT_EQ(server->stop(), 0) << server->log();
        delete server;
        delete db;
        server = nullptr;
        db = nullptr;
    }

    void TearDown() override {
        // Whatever a test sent, the server must still be up and answering.
        ASSERT_TRUE(server->running()) << "the server died:\n" << server->log();
        HttpClient probe(server->port());
        EXPECT_EQ(probe.get("/healthz").status, 200);
    }

    static HttpClient admin() { return HttpClient(server->port(), server->options().admin_token); }

    // A token of another role, created through the API.
    static std::string token_for(const std::string& role,
                                 const std::optional<std::string>& contract_id = std::nullopt) {
        nlohmann::json body = {{"role", role}, {"label", "test " + role}};
        if (contract_id) body["contract_id"] = *contract_id;
        const HttpResult r = admin().post_json("/v1/tokens", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json().value("token", "");
    }

    // A valid contract body (the example of spec/api.md) with a number and plate of its own.
    static nlohmann::json contract_body(const std::string& product = "kaitokuten-basic") {
        return sample_contract_body(product, unique_suffix(), "T-");
    }

    // Creates a contract and returns the response body.
    static nlohmann::json create_contract(const nlohmann::json& body) {
        const HttpResult r = admin().post_json("/v1/contracts", body);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json();
    }

    static nlohmann::json call_body(const std::string& contract_no, const std::string& at) {
        return {{"contract_no", contract_no},
                {"at", at},
                {"location", {{"lat", 34.70}, {"lon", 135.50}}},
                {"problem", "battery"},
                {"occupants", 2},
                {"caller", {{"name", "山田 太郎"}, {"phone", "090-1234-5678"}}}};
    }

    static nlohmann::json read_json_file(const std::string& path) {
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        auto j = nlohmann::json::parse(text.str(), nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << path;
        return j;
    }

    static std::vector<std::string> reason_codes(const nlohmann::json& verdict) {
        std::vector<std::string> out;
        for (const auto& r : verdict.at("reasons")) out.push_back(r.at("code").get<std::string>());
        return out;
    }
};

}  // namespace roadside::testing
