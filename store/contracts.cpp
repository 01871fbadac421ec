#include "store/contracts.hpp"

#include "dispatch/plate.hpp"

namespace roadside::store {

using boost::asio::awaitable;

namespace {

#define CONTRACT_COLUMNS                                                                      \
    "c.id, c.contract_no, c.product_id, c.start_date, c.term_months, c.zero_deductible, "     \
    "c.corporate, c.mileage_limit_km, c.odometer_at_start_km, c.holder_name, "                \
    "c.holder_name_kana, c.holder_birth_date, c.holder_phone, c.holder_address, c.home_lat, " \
    "c.home_lon, c.cancelled_on, c.cancel_reason, "                                           \
    "floor(extract(epoch FROM c.created_at))::bigint, v.plate, v.chassis_no, v.length_mm, "   \
    "v.width_mm, v.height_mm, v.gross_weight_kg, v.seating_capacity, v.kind, v.use, "         \
    "v.private_use, v.body_shape, v.inspection_expiry, v.certificate IS NOT NULL"

constexpr Statement kInsertContract{
    "contract_insert",
    "INSERT INTO contracts (contract_no, product_id, start_date, term_months, zero_deductible,"
    " corporate, mileage_limit_km, odometer_at_start_km, holder_name, holder_name_kana,"
    " holder_birth_date, holder_phone, holder_address, home_lat, home_lon, created_by)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
    " ON CONFLICT (contract_no) DO NOTHING RETURNING id"};

constexpr Statement kInsertVehicle{
    "vehicle_insert",
    "INSERT INTO vehicles (contract_id, plate, plate_key, chassis_no, length_mm, width_mm,"
    " height_mm, gross_weight_kg, seating_capacity, kind, use, private_use, body_shape,"
    " inspection_expiry, certificate)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb)"};

constexpr Statement kFindContract{
    "contract_find", "SELECT " CONTRACT_COLUMNS
                     " FROM contracts c JOIN vehicles v ON v.contract_id = c.id WHERE c.id = $1"};

constexpr Statement kFindContractForUpdate{
    "contract_find_for_update",
    "SELECT " CONTRACT_COLUMNS
    " FROM contracts c JOIN vehicles v ON v.contract_id = c.id WHERE c.id = $1 FOR UPDATE OF c"};

constexpr Statement kFindContractByNo{
    "contract_find_by_no",
    "SELECT " CONTRACT_COLUMNS
    " FROM contracts c JOIN vehicles v ON v.contract_id = c.id WHERE c.contract_no = $1"};

constexpr Statement kFindContractsByPlate{
    "contract_find_by_plate",
    "SELECT " CONTRACT_COLUMNS
    " FROM contracts c JOIN vehicles v ON v.contract_id = c.id WHERE v.plate_key = $1"
    " ORDER BY c.start_date DESC, c.created_at DESC LIMIT 20"};

constexpr Statement kCancelContract{
    "contract_cancel", "UPDATE contracts SET cancelled_on = $2, cancel_reason = $3 WHERE id = $1"};

constexpr Statement kUpdateInspectionExpiry{
    "vehicle_update_inspection_expiry",
    "UPDATE vehicles SET inspection_expiry = $2 WHERE contract_id = $1"};

constexpr Statement kAppendEvent{
    "event_append",
    "INSERT INTO events (incident_id, contract_id, at, actor, type, data)"
    " VALUES ($1, $2, $3, $4, $5, $6::jsonb)"};

#undef CONTRACT_COLUMNS

ContractRow read_contract(const Result& r, int row) {
    ContractRow out;
    dispatch::Contract& c = out.contract;
    int col = 0;
    c.id = r.string(row, col++);
    c.contract_no = r.string(row, col++);
    c.product_id = r.string(row, col++);
    c.start_date = r.date(row, col++);
    c.term_months = static_cast<int>(r.int64(row, col++));
    c.zero_deductible = r.boolean(row, col++);
    c.corporate = r.boolean(row, col++);
    c.mileage_limit_km = r.opt_int64(row, col++);
    c.odometer_at_start_km = r.opt_int64(row, col++);
    c.holder.name = r.string(row, col++);
    c.holder.name_kana = r.string(row, col++);
    c.holder.birth_date = r.date(row, col++);
    c.holder.phone = r.string(row, col++);
    c.holder.address = r.string(row, col++);
    c.home.lat_deg = r.float64(row, col++);
    c.home.lon_deg = r.float64(row, col++);
    c.cancelled_on = r.opt_date(row, col++);
    c.cancel_reason = r.opt_string(row, col++).value_or("");
    out.created_at = core::Instant{std::chrono::seconds{r.int64(row, col++)}};
    dispatch::Vehicle& v = c.vehicle;
    v.plate = r.string(row, col++);
    v.chassis_no = r.string(row, col++);
    v.length_mm = static_cast<int>(r.int64(row, col++));
    v.width_mm = static_cast<int>(r.int64(row, col++));
    if (const auto h = r.opt_int64(row, col++)) v.height_mm = static_cast<int>(*h);
    v.gross_weight_kg = static_cast<int>(r.int64(row, col++));
    v.seating_capacity = static_cast<int>(r.int64(row, col++));
    v.kind = dispatch::parse_vehicle_kind(r.text(row, col++)).value();
    v.use = dispatch::parse_vehicle_use(r.text(row, col++)).value();
    v.private_use = r.boolean(row, col++);
    v.body_shape = r.string(row, col++);
    v.inspection_expiry = r.date(row, col++);
    out.from_certificate = r.boolean(row, col++);
    return out;
}

std::optional<ContractRow> first(const Result& r) {
    if (r.empty()) return std::nullopt;
    return read_contract(r, 0);
}

}  // namespace

awaitable<std::optional<ContractRow>> insert_contract(Connection& db, const NewContract& in) {
    const dispatch::Contract& c = in.contract;
    Params p;
    p.add(c.contract_no).add(c.product_id).add(c.start_date).add(c.term_months);
    p.add(c.zero_deductible).add(c.corporate).add(c.mileage_limit_km).add(c.odometer_at_start_km);
    p.add(c.holder.name).add(c.holder.name_kana).add(c.holder.birth_date).add(c.holder.phone);
    p.add(c.holder.address).add(c.home.lat_deg).add(c.home.lon_deg).add(in.created_by);
    const Result inserted = co_await db.query(kInsertContract, p);
    if (inserted.empty()) co_return std::nullopt;
    const std::string id = inserted.string(0, 0);

    const dispatch::Vehicle& v = c.vehicle;
    Params pv;
    pv.add(id).add(v.plate).add(dispatch::normalize_plate(v.plate)).add(v.chassis_no);
    pv.add(v.length_mm).add(v.width_mm).add(v.height_mm).add(v.gross_weight_kg);
    pv.add(v.seating_capacity).add(dispatch::to_string(v.kind)).add(dispatch::to_string(v.use));
    pv.add(v.private_use).add(v.body_shape).add(v.inspection_expiry).add(in.certificate_json);
    co_await db.query(kInsertVehicle, pv);
    co_return co_await find_contract(db, id);
}

awaitable<std::optional<ContractRow>> find_contract(Connection& db, std::string_view id) {
    co_return first(co_await db.query(kFindContract, Params{}.add(id)));
}

awaitable<std::optional<ContractRow>> find_contract_for_update(Connection& db,
                                                               std::string_view id) {
    co_return first(co_await db.query(kFindContractForUpdate, Params{}.add(id)));
}

awaitable<std::optional<ContractRow>> find_contract_by_no(Connection& db,
                                                          std::string_view contract_no) {
    co_return first(co_await db.query(kFindContractByNo, Params{}.add(contract_no)));
}

awaitable<std::vector<ContractRow>> find_contracts_by_plate(Connection& db,
                                                            std::string_view plate_key) {
    const Result r = co_await db.query(kFindContractsByPlate, Params{}.add(plate_key));
    std::vector<ContractRow> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_contract(r, i));
    co_return out;
}

awaitable<void> update_inspection_expiry(Connection& db, std::string_view contract_id,
                                         core::Date expiry) {
    co_await db.query(kUpdateInspectionExpiry, Params{}.add(contract_id).add(expiry));
}

awaitable<void> cancel_contract(Connection& db, std::string_view id, core::Date on,
                                std::string_view reason) {
    co_await db.query(kCancelContract, Params{}.add(id).add(on).add(reason));
}

awaitable<void> append_event(Connection& db, const NewEvent& e) {
    Params p;
    p.add(e.incident_id).add(e.contract_id).add_instant(e.at).add(e.actor).add(e.type);
    p.add(e.data_json);
    co_await db.query(kAppendEvent, p);
}

}  // namespace roadside::store
