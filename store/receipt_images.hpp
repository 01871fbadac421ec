#pragma once
// Receipt images (migration 0006): re-encoded pictures kept with the claims they prove.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "store/pg.hpp"

namespace roadside::store {

struct ReceiptImageMeta {
    std::string id;
    std::optional<std::string> contract_id;
    std::string content_type;
    std::string source_type;
    std::string sha256_hex;         // of the stored bytes
    std::string source_sha256_hex;  // of the upload
    std::int64_t byte_size = 0;
    std::int64_t source_bytes = 0;
    int width = 0;
    int height = 0;
    std::string uploaded_by;
    core::Instant created_at;
};

struct NewReceiptImage {
    std::optional<std::string> contract_id;
    std::string content_type;
    std::string source_type;
    std::string data;           // raw bytes
    std::string sha256;         // raw, of data
    std::string source_sha256;  // raw, of the upload
    std::int64_t source_bytes = 0;
    int width = 0;
    int height = 0;
    std::string uploaded_by;
};

// Takes the image's bytes over (`image.data` is left empty).
boost::asio::awaitable<ReceiptImageMeta> insert_receipt_image(Connection& db,
                                                              NewReceiptImage& image);
// An image already made from the same upload for the same contract (or, with no contract, by
// the same uploader): uploading a file twice gives back the first image.
boost::asio::awaitable<std::optional<ReceiptImageMeta>> find_same_upload(
    Connection& db, const std::optional<std::string>& contract_id, std::string_view uploaded_by,
    std::string_view source_sha256);
// `id` must be a well-formed UUID.
boost::asio::awaitable<std::optional<ReceiptImageMeta>> find_receipt_image(Connection& db,
                                                                           std::string_view id);
// The stored bytes and their type (fetched in binary: no hex round trip for megabytes).
struct ReceiptImageData {
    std::string content_type;
    std::string data;
};
boost::asio::awaitable<std::optional<ReceiptImageData>> receipt_image_data(Connection& db,
                                                                           std::string_view id);
// The images of a claim, locked for the claim's transaction (ids must be well-formed UUIDs).
boost::asio::awaitable<std::vector<ReceiptImageMeta>> lock_receipt_images(
    Connection& db, const std::vector<std::string>& ids);
// Binds an agent's unbound uploads to the contract of the claim that uses them.
boost::asio::awaitable<void> bind_receipt_images(Connection& db,
                                                 const std::vector<std::string>& ids,
                                                 std::string_view contract_id);

}  // namespace roadside::store
