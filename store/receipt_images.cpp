#include "store/receipt_images.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

#define IMAGE_COLUMNS                                                                 \
    "id, contract_id, content_type, source_type, encode(sha256, 'hex'),"              \
    " encode(source_sha256, 'hex'), octet_length(data), source_bytes, width, height," \
    " uploaded_by, floor(extract(epoch FROM created_at))::bigint"

constexpr Statement kInsertImage{
    "receipt_image_insert",
    "INSERT INTO receipt_images (contract_id, content_type, source_type, data, sha256,"
    " source_sha256, source_bytes, width, height, uploaded_by)"
    " VALUES ($1, $2, $3, $4::bytea, $5::bytea, $6::bytea, $7, $8, $9, $10)"
    " RETURNING " IMAGE_COLUMNS};

constexpr Statement kFindSameUpload{
    "receipt_image_same_upload",
    "SELECT " IMAGE_COLUMNS
    " FROM receipt_images WHERE source_sha256 = $3::bytea"
    " AND (contract_id = $1::uuid OR ($1::uuid IS NULL AND contract_id IS NULL"
    "  AND uploaded_by = $2))"
    " ORDER BY created_at, id LIMIT 1"};

constexpr Statement kFindImage{"receipt_image_find",
                               "SELECT " IMAGE_COLUMNS " FROM receipt_images WHERE id = $1"};

constexpr Statement kImageData{"receipt_image_data",
                               "SELECT content_type, data FROM receipt_images WHERE id = $1", true};

constexpr Statement kLockImages{"receipt_image_lock",
                                "SELECT " IMAGE_COLUMNS
                                " FROM receipt_images"
                                " WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE"};

constexpr Statement kBindImages{
    "receipt_image_bind",
    "UPDATE receipt_images SET contract_id = $2 WHERE id = ANY ($1::uuid[])"
    " AND contract_id IS NULL"};

#undef IMAGE_COLUMNS

ReceiptImageMeta read_image(const Result& r, int row) {
    ReceiptImageMeta m;
    int col = 0;
    m.id = r.string(row, col++);
    m.contract_id = r.opt_string(row, col++);
    m.content_type = r.string(row, col++);
    m.source_type = r.string(row, col++);
    m.sha256_hex = r.string(row, col++);
    m.source_sha256_hex = r.string(row, col++);
    m.byte_size = r.int64(row, col++);
    m.source_bytes = r.int64(row, col++);
    m.width = static_cast<int>(r.int64(row, col++));
    m.height = static_cast<int>(r.int64(row, col++));
    m.uploaded_by = r.string(row, col++);
    m.created_at = core::Instant{std::chrono::seconds{r.int64(row, col++)}};
    return m;
}

}  // namespace

awaitable<ReceiptImageMeta> insert_receipt_image(Connection& db, NewReceiptImage& image) {
    Params p;
    p.add(image.contract_id).add(image.content_type).add(image.source_type);
    p.add_binary(std::move(image.data)).add_binary(image.sha256).add_binary(image.source_sha256);
    p.add(image.source_bytes).add(image.width).add(image.height).add(image.uploaded_by);
    co_return read_image(co_await db.query(kInsertImage, p), 0);
}

awaitable<std::optional<ReceiptImageMeta>> find_same_upload(
    Connection& db, const std::optional<std::string>& contract_id, std::string_view uploaded_by,
    std::string_view source_sha256) {
    Params p;
    p.add(contract_id).add(uploaded_by).add_binary(source_sha256);
    const Result r = co_await db.query(kFindSameUpload, p);
    if (r.empty()) co_return std::nullopt;
    co_return read_image(r, 0);
}

awaitable<std::optional<ReceiptImageMeta>> find_receipt_image(Connection& db, std::string_view id) {
    const Result r = co_await db.query(kFindImage, Params{}.add(id));
    if (r.empty()) co_return std::nullopt;
    co_return read_image(r, 0);
}

awaitable<std::optional<ReceiptImageData>> receipt_image_data(Connection& db, std::string_view id) {
    const Result r = co_await db.query(kImageData, Params{}.add(id));
    if (r.empty()) co_return std::nullopt;
    co_return ReceiptImageData{r.string(0, 0), r.string(0, 1)};
}

awaitable<std::vector<ReceiptImageMeta>> lock_receipt_images(Connection& db,
                                                             const std::vector<std::string>& ids) {
    const Result r = co_await db.query(kLockImages, Params{}.add_text_array(ids));
    std::vector<ReceiptImageMeta> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_image(r, i));
    co_return out;
}

awaitable<void> bind_receipt_images(Connection& db, const std::vector<std::string>& ids,
                                    std::string_view contract_id) {
    co_await db.query(kBindImages, Params{}.add_text_array(ids).add(contract_id));
}

}  // namespace roadside::store
