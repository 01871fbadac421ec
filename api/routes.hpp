#pragma once
#include "api/router.hpp"

namespace roadside::api {

// Every endpoint of spec/api.md that exists so far, one function per group of routes.
void add_system_routes(Router& r);    // /healthz, /metrics, /v1/products
void add_token_routes(Router& r);     // /v1/tokens
void add_contract_routes(Router& r);  // /v1/contracts
void add_call_routes(Router& r);      // /v1/coverage/check, /v1/calls, /v1/incidents
void add_partner_routes(Router& r);   // /v1/partners, /v1/partner/position
void add_job_routes(Router& r);       // /v1/incidents/{id}/jobs, /v1/jobs, /v1/partner/jobs
void add_claim_routes(Router& r);     // /v1/claims, /v1/payouts, /v1/partners/{id}/statement
void add_shop_routes(Router& r);      // /v1/shops
void add_staff_routes(Router& r);     // /v1/users, /v1/staff/sessions
void add_event_routes(Router& r);     // /v1/events
void add_signin_routes(Router& r);    // /v1/customer/sessions (one-time code)
void add_receipt_image_routes(Router& r);  // /v1/receipt-images
void add_link_routes(Router& r);      // /v1/location-links, /v1/incidents/{id}/tracking-links,
                                      // /v1/track/{token}

inline void add_all_routes(Router& r) {
    add_system_routes(r);
    add_token_routes(r);
    add_contract_routes(r);
    add_call_routes(r);
    add_partner_routes(r);
    add_job_routes(r);
    add_claim_routes(r);
    add_shop_routes(r);
    add_staff_routes(r);
    add_event_routes(r);
    add_signin_routes(r);
    add_receipt_image_routes(r);
    add_link_routes(r);
}

}  // namespace roadside::api
