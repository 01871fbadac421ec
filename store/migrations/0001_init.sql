-- Call intake: contracts and their vehicles, incidents with their coverage verdict, an
-- append-only event log, bearer tokens (stored hashed) and idempotency records.

CREATE TABLE contracts (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_no          text NOT NULL,
    product_id           text NOT NULL,
    start_date           date NOT NULL,
    term_months          integer NOT NULL CHECK (term_months BETWEEN 1 AND 120),
    zero_deductible      boolean NOT NULL,
    corporate            boolean NOT NULL,
    mileage_limit_km     bigint CHECK (mileage_limit_km > 0),
    odometer_at_start_km bigint CHECK (odometer_at_start_km >= 0),
    holder_name          text NOT NULL,
    holder_name_kana     text NOT NULL DEFAULT '',
    holder_birth_date    date NOT NULL,
    holder_phone         text NOT NULL DEFAULT '',
    holder_address       text NOT NULL DEFAULT '',
    home_lat             double precision NOT NULL CHECK (home_lat BETWEEN -90 AND 90),
    home_lon             double precision NOT NULL CHECK (home_lon BETWEEN -180 AND 180),
    cancelled_on         date,
    cancel_reason        text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    created_by           text NOT NULL,
    CONSTRAINT contracts_contract_no_key UNIQUE (contract_no),
    CONSTRAINT contracts_cancel_reason CHECK ((cancelled_on IS NULL) = (cancel_reason IS NULL))
);

CREATE TABLE vehicles (
    contract_id       uuid PRIMARY KEY REFERENCES contracts (id),
    plate             text NOT NULL,
    plate_key         text NOT NULL,  -- normalised for matching (dispatch/plate.hpp)
    chassis_no        text NOT NULL DEFAULT '',
    length_mm         integer NOT NULL CHECK (length_mm > 0),
    width_mm          integer NOT NULL CHECK (width_mm > 0),
    height_mm         integer CHECK (height_mm > 0),
    gross_weight_kg   integer NOT NULL CHECK (gross_weight_kg > 0),
    seating_capacity  integer NOT NULL CHECK (seating_capacity > 0),
    kind              text NOT NULL CHECK (kind IN ('ordinary', 'small', 'kei', 'large_special',
                                                    'small_special', 'two_wheel')),
    use               text NOT NULL CHECK (use IN ('passenger', 'cargo', 'bus', 'special')),
    private_use       boolean NOT NULL,
    body_shape        text NOT NULL DEFAULT '',
    inspection_expiry date NOT NULL,
    certificate       jsonb  -- the 車検証 export the vehicle was read from, when there was one
);
CREATE INDEX vehicles_plate_key ON vehicles (plate_key);

CREATE TABLE incidents (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id             uuid NOT NULL REFERENCES contracts (id),
    at                      timestamptz NOT NULL,  -- when the call came in
    call_date               date NOT NULL,         -- its calendar day in Japan
    lat                     double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon                     double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    odometer_km             bigint CHECK (odometer_km >= 0),
    problem                 text NOT NULL,
    occupants               integer CHECK (occupants BETWEEN 0 AND 99),
    caller_name             text NOT NULL DEFAULT '',
    caller_phone            text NOT NULL DEFAULT '',
    refusal_grounds         text[] NOT NULL DEFAULT '{}',
    notes                   text NOT NULL DEFAULT '',
    status                  text NOT NULL CHECK (status IN ('open', 'not_covered', 'refused')),
    eligible                boolean NOT NULL,
    reason_codes            text[] NOT NULL,
    distance_from_home_m    bigint NOT NULL CHECK (distance_from_home_m >= 0),
    remote_support_eligible boolean NOT NULL,
    coverage                jsonb NOT NULL,  -- the verdict exactly as the agent was shown it
    created_at              timestamptz NOT NULL DEFAULT now(),
    created_by              text NOT NULL
);
CREATE INDEX incidents_contract ON incidents (contract_id, at);

-- The history of every incident and contract. Rows are only ever added.
CREATE TABLE events (
    id          bigserial PRIMARY KEY,
    incident_id uuid REFERENCES incidents (id),
    contract_id uuid REFERENCES contracts (id),
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    type        text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}',
    CHECK (incident_id IS NOT NULL OR contract_id IS NOT NULL)
);
CREATE INDEX events_incident ON events (incident_id, id) WHERE incident_id IS NOT NULL;
CREATE INDEX events_contract ON events (contract_id, id) WHERE contract_id IS NOT NULL;

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

CREATE TABLE tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash  bytea NOT NULL UNIQUE,  -- SHA-256 of the bearer token; the token is never stored
    role        text NOT NULL CHECK (role IN ('admin', 'agent', 'partner', 'customer')),
    partner_id  uuid,
    contract_id uuid REFERENCES contracts (id),
    label       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  text NOT NULL,
    revoked_at  timestamptz,
    CHECK ((role = 'customer') = (contract_id IS NOT NULL)),
    CHECK ((role = 'partner') = (partner_id IS NOT NULL))
);

-- A POST retried with the same Idempotency-Key returns the first response. The record commits in
-- the same transaction as the request's effect, so there is never an effect without a record.
CREATE TABLE idempotency_keys (
    principal    text NOT NULL,
    key          text NOT NULL,
    method       text NOT NULL,
    path         text NOT NULL,
    request_hash bytea NOT NULL,
    status       integer,
    content_type text,
    body         text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
