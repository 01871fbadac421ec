// Receipt images (issue 14): POST /v1/receipt-images takes the file as the raw body and keeps a
// re-encoded copy without metadata (media/image.hpp) in PostgreSQL; GET /v1/receipt-images/{id}
// returns it to the customer of its contract, agents and admins. Anyone else: 404, as if it did
// not exist (spec/api.md "Conventions: Auth").
#include "api/errors.hpp"
#include "api/image_workers.hpp"
#include "api/json_in.hpp"
#include "api/log.hpp"
#include "api/routes.hpp"
#include "media/image.hpp"
#include "store/contracts.hpp"
#include "store/receipt_images.hpp"

namespace roadside::api {

using boost::asio::awaitable;
using nlohmann::json;

namespace {

ApiError image_not_found() {
    return ApiError(404, "image_not_found", "no receipt image with this id");
}

struct Processed {
    media::ImageOutcome outcome;
    std::string source_sha256;  // raw
    std::string sha256;         // raw, of what is stored
    std::int64_t source_bytes = 0;
};

Processed process(std::string_view bytes, const media::ImageLimits& limits) {
    Processed out;
    out.source_sha256 = sha256_raw(bytes);
    out.source_bytes = static_cast<std::int64_t>(bytes.size());
    out.outcome = media::reencode_receipt(bytes, limits);
    if (out.outcome.image) out.sha256 = sha256_raw(out.outcome.image->bytes);
    return out;
}

json image_json(const store::ReceiptImageMeta& m) {
    return {{"image_id", m.id},
            {"sha256", m.sha256_hex},
            {"content_type", m.content_type},
            {"width", m.width},
            {"height", m.height},
            {"bytes", m.byte_size},
            {"source_type", m.source_type},
            {"source_sha256", m.source_sha256_hex},
            {"source_bytes", m.source_bytes},
            {"contract_id", m.contract_id ? json(*m.contract_id) : json()},
            {"created_at", core::format_japan_time(m.created_at)}};
}

// Why an upload was refused, as the client sees it.
[[noreturn]] void refuse(const media::ImageOutcome& o, const config::ServerSettings& s) {
    switch (*o.refusal) {
        case media::ImageRefusal::unsupported_type:
            throw ApiError(415, "unsupported_image_type",
                           "the file is not a JPEG, PNG, HEIC or PDF (judged by its content)");
        case media::ImageRefusal::too_many_pixels:
            throw ApiError(422, "image_too_large", "the image has more pixels than a receipt needs",
                           {{"max_pixels", s.receipt_image_max_pixels}, {"declared", o.detail}});
        case media::ImageRefusal::unreadable:
            break;
    }
    throw ApiError(422, "unreadable_image", "the file is damaged or incomplete and cannot be read");
}

// Whose image an upload is: a customer's own contract; an agent's names one with ?contract_id=
// or none (bound by the first claim that uses it).
awaitable<std::optional<std::string>> upload_contract(RequestContext& ctx) {
    const auto asked = ctx.query("contract_id");
    if (ctx.principal.role == Role::customer) {
        if (asked && *asked != ctx.principal.contract_id) {
            throw ApiError(403, "field_not_allowed",
                           "a customer's images belong to its own contract",
                           {{"field", "contract_id"}});
        }
        co_return ctx.principal.contract_id;
    }
    if (!asked) co_return std::nullopt;
    store::Connection* db = co_await ctx.db();
    if (!is_uuid(*asked) || !co_await store::find_contract(*db, *asked)) {
        throw ApiError(422, "contract_not_found", "no contract with this id",
                       {{"contract_id", *asked}});
    }
    co_return *asked;
}

awaitable<Reply> upload_image(RequestContext& ctx) {
    const config::ServerSettings& s = ctx.app.settings;
    if (ctx.req.body().empty()) {
        throw ApiError(400, "empty_upload", "the request body must be the image file");
    }
    const std::optional<std::string> contract_id = co_await upload_contract(ctx);
    media::ImageLimits limits;
    limits.max_pixels = s.receipt_image_max_pixels;
    limits.max_side_px = s.receipt_image_max_side_px;
    limits.pdf_dpi = s.pdf_render_dpi;
    // The worker reads the body where it is, without a copy of up to 10 MB: the request outlives
    // this handler, which waits for the worker (the request deadline cancels the handler, and the
    // server waits for it to finish before the request goes away). (The lambda is built outside
    // the co_await: GCC 12 mishandles some temporaries inside co_await expressions.)
    auto work = [bytes = std::string_view(ctx.req.body()), limits] {
        return process(bytes, limits);
    };
    Processed p = co_await ctx.app.images->run(std::move(work));
    ctx.app.metrics.count_image(p.outcome.image ? "stored" : media::to_string(*p.outcome.refusal));
    if (!p.outcome.image) {
        if (!p.outcome.detail.empty()) {
            log_warn("receipt image refused (" + std::string(media::to_string(*p.outcome.refusal)) +
                     "): " + p.outcome.detail);
        }
        refuse(p.outcome, s);
    }
    store::Connection* db = co_await ctx.tx();
    const std::string uploader = ctx.principal.actor();
    if (const auto same =
            co_await store::find_same_upload(*db, contract_id, uploader, p.source_sha256)) {
        // The same file again: the same image (it counts once in a claim).
        json body = image_json(*same);
        body["duplicate"] = true;
        co_return Reply::json(200, body);
    }
    media::StoredImage& img = *p.outcome.image;
    store::NewReceiptImage row;
    row.contract_id = contract_id;
    row.content_type = img.content_type;
    row.source_type = std::string(media::mime_type(img.source));
    row.data = std::move(img.bytes);  // moved on into the statement's parameters
    row.sha256 = p.sha256;
    row.source_sha256 = p.source_sha256;
    row.source_bytes = p.source_bytes;
    row.width = img.width;
    row.height = img.height;
    row.uploaded_by = uploader;
    const store::ReceiptImageMeta meta = co_await store::insert_receipt_image(*db, row);
    json body = image_json(meta);
    body["duplicate"] = false;
    Reply r = Reply::json(201, body);
    r.headers.emplace_back("Location", "/v1/receipt-images/" + meta.id);
    co_return r;
}

awaitable<Reply> get_image(RequestContext& ctx) {
    const std::string& id = ctx.param("id");
    if (!is_uuid(id)) throw image_not_found();
    store::Connection* db = co_await ctx.db();
    const auto meta = co_await store::find_receipt_image(*db, id);
    if (!meta) throw image_not_found();
    // A customer sees its own contract's images; a partner none (issue 14: anyone but the owner,
    // agents and reviewers gets a 404, as if the image did not exist).
    if (ctx.principal.role == Role::partner ||
        (ctx.principal.role == Role::customer &&
         (!meta->contract_id || meta->contract_id != ctx.principal.contract_id))) {
        throw image_not_found();
    }
    auto data = co_await store::receipt_image_data(*db, id);
    if (!data) throw image_not_found();
    Reply r;
    r.status = 200;
    r.content_type = data->content_type;
    r.body = std::move(data->data);
    // Shown as an image, never sniffed as anything else, never able to run anything.
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
    r.headers.emplace_back("Content-Disposition", "inline");
    r.headers.emplace_back("ETag", "\"" + meta->sha256_hex + "\"");
    co_return r;
}

}  // namespace

void add_receipt_image_routes(Router& r) {
    r.add_upload(http::verb::post, "/v1/receipt-images", {Role::admin, Role::agent, Role::customer},
                 upload_image);
    // Reviewers too: they see the images in the claims queue (issue 14 §9).
    r.add(http::verb::get, "/v1/receipt-images/{id}",
          {Role::admin, Role::agent, Role::reviewer, Role::customer, Role::partner}, get_image);
}

}  // namespace roadside::api
