-- pgbench: what POST /v1/coverage/check runs: contract_find_by_no (store/contracts.cpp), verbatim
-- but for its $1, a pgbench variable. Each client picks one demo contract at its first
-- transaction, as in intake.sql. Keep the statement on one line (scripts/bench.sh checks it).
\if :inited = 0
\set n random(1, :contracts)
SELECT c.id AS contract_id, c.contract_no AS contract_no, 1 AS inited
  FROM contracts c
 WHERE c.contract_no = 'DEMO-' || lpad(:n::text, 5, '0') \gset
\endif
SELECT c.id, c.contract_no, c.product_id, c.start_date, c.term_months, c.zero_deductible, c.corporate, c.mileage_limit_km, c.odometer_at_start_km, c.holder_name, c.holder_name_kana, c.holder_birth_date, c.holder_phone, c.holder_address, c.home_lat, c.home_lon, c.cancelled_on, c.cancel_reason, floor(extract(epoch FROM c.created_at))::bigint, v.plate, v.chassis_no, v.length_mm, v.width_mm, v.height_mm, v.gross_weight_kg, v.seating_capacity, v.kind, v.use, v.private_use, v.body_shape, v.inspection_expiry, v.certificate IS NOT NULL FROM contracts c JOIN vehicles v ON v.contract_id = c.id WHERE c.contract_no = :contract_no;
