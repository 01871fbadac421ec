#pragma once
// Claims, payouts and statements as JSON (spec/api.md "Reimbursement claims").
#include <nlohmann/json.hpp>
#include <vector>

#include "billing/claims.hpp"
#include "billing/statement.hpp"
#include "store/claims.hpp"

namespace roadside::api {

nlohmann::json claim_reasons_json(const std::vector<billing::ClaimReason>& reasons);
nlohmann::json claim_reason_codes(const std::vector<billing::ClaimReason>& reasons);
// The claim with its decision: what POST /v1/claims returns and GET /v1/claims/{id} shows.
nlohmann::json claim_json(const store::ClaimRow& c);
// One entry of GET /v1/payouts.
nlohmann::json payout_json(const store::ClaimRow& c);
nlohmann::json statement_json(const billing::Statement& s);

}  // namespace roadside::api
