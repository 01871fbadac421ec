-- pgbench: what POST /v1/calls runs (no Idempotency-Key), statement for statement, each in its own
-- implicit transaction as the server does (autocommit, durable commit):
--   contract_find_by_no (store/contracts.cpp), then incident_insert (store/incidents.cpp).
-- The SQL is the server's, copied verbatim except that its $n parameters are pgbench variables
-- (pgbench numbers every occurrence anew, so $1, $2 and $19, used twice, become two parameters
-- each). The values come from -D (scripts/bench.sh captures them from a call the server stored),
-- except the contract: each client picks one demo contract at its first transaction (-D
-- inited=0; the \gset sets it to 1). scripts/bench.sh checks each statement against what the
-- server's connections ran (pg_stat_activity): keep each on one line, as the server sends it.
\if :inited = 0
\set n random(1, :contracts)
SELECT c.id AS contract_id, c.contract_no AS contract_no, 1 AS inited
  FROM contracts c
 WHERE c.contract_no = 'DEMO-' || lpad(:n::text, 5, '0') \gset
\endif
SELECT c.id, c.contract_no, c.product_id, c.start_date, c.term_months, c.zero_deductible, c.corporate, c.mileage_limit_km, c.odometer_at_start_km, c.holder_name, c.holder_name_kana, c.holder_birth_date, c.holder_phone, c.holder_address, c.home_lat, c.home_lon, c.cancelled_on, c.cancel_reason, floor(extract(epoch FROM c.created_at))::bigint, v.plate, v.chassis_no, v.length_mm, v.width_mm, v.height_mm, v.gross_weight_kg, v.seating_capacity, v.kind, v.use, v.private_use, v.body_shape, v.inspection_expiry, v.certificate IS NOT NULL FROM contracts c JOIN vehicles v ON v.contract_id = c.id WHERE c.contract_no = :contract_no;
WITH i AS (  INSERT INTO incidents (contract_id, at, call_date, lat, lon, odometer_km, problem,   occupants, caller_name, caller_phone, refusal_grounds, notes, status, eligible,   reason_codes, distance_from_home_m, remote_support_eligible, coverage, created_by)  VALUES (:contract_id, :at, :call_date, :lat, :lon, :odometer_km, :problem, :occupants, :caller_name, :caller_phone, :refusal_grounds::text[], :notes, :status, :eligible,   :reason_codes::text[], :distance_from_home_m, :remote_support_eligible, :coverage::jsonb, :created_by)  RETURNING id), e AS (  INSERT INTO events (incident_id, contract_id, at, actor, type, data)  SELECT i.id, :contract_id, :at, :created_by, x.ev->>'type', x.ev->'data'  FROM i, jsonb_array_elements(:events::jsonb) WITH ORDINALITY AS x(ev, n) ORDER BY x.n) SELECT id FROM i;
