#include "store/job_extras.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

constexpr Statement kCrewDetails{
    "job_crew_details",
    "SELECT j.id, v.plate, v.kind, v.length_mm, v.width_mm, v.height_mm, v.gross_weight_kg,"
    " c.holder_name, i.occupants, i.caller_name, i.caller_phone"
    " FROM jobs j JOIN incidents i ON i.id = j.incident_id"
    " JOIN contracts c ON c.id = i.contract_id JOIN vehicles v ON v.contract_id = c.id"
    " WHERE j.id = ANY ($1::uuid[])"};

constexpr Statement kInsertSignature{
    "job_signature_insert",
    "INSERT INTO job_signatures (job_id, png, sha256, width, height, lat, lon, signed_by)"
    " VALUES ($1, $2::bytea, $3::bytea, $4, $5, $6, $7, $8)"};

// Binary result: the PNG's bytes come back as they are; the rest is text (timestamps as text,
// the position as text too, read with std::from_chars).
constexpr Statement kFindSignature{
    "job_signature_find",
    "SELECT png, encode(sha256, 'hex'), floor(extract(epoch FROM signed_at))::bigint::text,"
    " lat::text, lon::text FROM job_signatures WHERE job_id = $1",
    true};

}  // namespace

awaitable<std::map<std::string, CrewDetails>> crew_details(Connection& db,
                                                           const std::vector<std::string>& ids) {
    std::map<std::string, CrewDetails> out;
    if (ids.empty()) co_return out;
    const Result r = co_await db.query(kCrewDetails, Params{}.add_text_array(ids));
    for (int i = 0; i < r.rows(); ++i) {
        CrewDetails d;
        int col = 1;
        d.plate = r.string(i, col++);
        d.kind = r.string(i, col++);
        d.length_mm = static_cast<int>(r.int64(i, col++));
        d.width_mm = static_cast<int>(r.int64(i, col++));
        if (const auto h = r.opt_int64(i, col++)) d.height_mm = static_cast<int>(*h);
        d.gross_weight_kg = static_cast<int>(r.int64(i, col++));
        d.holder_name = r.string(i, col++);
        if (const auto o = r.opt_int64(i, col++)) d.occupants = static_cast<int>(*o);
        d.caller_name = r.string(i, col++);
        d.caller_phone = r.string(i, col++);
        out.emplace(r.string(i, 0), std::move(d));
    }
    co_return out;
}

awaitable<void> insert_signature(Connection& db, const NewSignature& s) {
    Params p;
    p.add(s.job_id).add_binary(s.png).add_binary(s.sha256).add(s.width).add(s.height);
    p.add(s.position.lat_deg).add(s.position.lon_deg).add(s.signed_by);
    co_await db.query(kInsertSignature, p);
}

awaitable<std::optional<SignatureRow>> find_signature(Connection& db, std::string_view job_id) {
    const Result r = co_await db.query(kFindSignature, Params{}.add(job_id));
    if (r.empty()) co_return std::nullopt;
    SignatureRow s;
    s.png = r.string(0, 0);
    s.sha256_hex = r.string(0, 1);
    s.signed_at = core::Instant{std::chrono::seconds{r.int64(0, 2)}};
    s.position = geo::LatLon{r.float64(0, 3), r.float64(0, 4)};
    co_return s;
}

}  // namespace roadside::store
