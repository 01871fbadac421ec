-- Dispatch: tow partners, jobs and the offers made for them.
--
-- The invariants that two servers sharing this database must never break are constraints here,
-- not only checks in C++:
--   * a job has at most one live offer            (job_offers_one_live_per_job)
--   * a job is never offered twice to a partner   (primary key of job_offers)
--   * a partner holds at most one live offer      (job_offers_one_live_per_partner)
-- Every change to a job is made under a row lock on the job (SELECT … FOR UPDATE); the offer
-- sweeper takes lapsed jobs with FOR UPDATE SKIP LOCKED, so each lapse is handled exactly once.

CREATE TABLE partners (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text NOT NULL,
    phone        text NOT NULL DEFAULT '',
    base_lat     double precision NOT NULL CHECK (base_lat BETWEEN -90 AND 90),
    base_lon     double precision NOT NULL CHECK (base_lon BETWEEN -180 AND 180),
    capabilities text[] NOT NULL CHECK (capabilities <@ ARRAY['on_site', 'wrecker', 'carrier']
                                        AND cardinality(capabilities) > 0),
    -- Last known position and availability as reported by the partner (the base until then).
    lat          double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon          double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    available    boolean NOT NULL DEFAULT true,
    position_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL,
    -- When anything above last changed: servers re-read recently changed partners.
    updated_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX partners_updated ON partners (updated_at);

ALTER TABLE tokens ADD CONSTRAINT tokens_partner_fk FOREIGN KEY (partner_id) REFERENCES partners (id);

CREATE TABLE jobs (
    id                            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    incident_id                   uuid NOT NULL REFERENCES incidents (id),
    service                       text NOT NULL CHECK (service IN ('lockout', 'jump_start',
                                      'tire_change', 'fuel_delivery', 'light_work', 'tow',
                                      'wheel_drop_recovery')),
    status                        text NOT NULL CHECK (status IN ('offered', 'unassigned',
                                      'accepted', 'en_route', 'on_scene', 'towing', 'delivered',
                                      'completed', 'cancelled')),
    -- The partner the job is offered to or assigned to (NULL when unassigned).
    partner_id                    uuid REFERENCES partners (id),
    offer_expires_at              timestamptz,
    unassigned_reason             text,
    -- What the agent asked for.
    request                       jsonb NOT NULL,
    destination_lat               double precision CHECK (destination_lat BETWEEN -90 AND 90),
    destination_lon               double precision CHECK (destination_lon BETWEEN -180 AND 180),
    destination_name              text,
    -- Free or paid, decided when the job was made, with every reason it is paid.
    free                          boolean NOT NULL,
    paid_reasons                  jsonb NOT NULL DEFAULT '[]',
    estimated_tow_m               bigint CHECK (estimated_tow_m >= 0),
    estimated_customer_charge_yen bigint NOT NULL CHECK (estimated_customer_charge_yen >= 0),
    estimate                      jsonb NOT NULL,
    eta_minutes                   integer,
    -- Completion.
    outcome                       text,
    tow_distance_m                bigint CHECK (tow_distance_m >= 0),
    storage_minutes               bigint CHECK (storage_minutes >= 0),
    charges                       jsonb,
    covered_yen                   bigint CHECK (covered_yen >= 0),
    customer_yen                  bigint CHECK (customer_yen >= 0),
    created_at                    timestamptz NOT NULL DEFAULT now(),
    created_by                    text NOT NULL,
    updated_at                    timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'offered') = (offer_expires_at IS NOT NULL)),
    CHECK ((status = 'unassigned') = (unassigned_reason IS NOT NULL)),
    CHECK (status = 'unassigned' OR status = 'cancelled' OR partner_id IS NOT NULL),
    CHECK ((status = 'completed') = (charges IS NOT NULL) OR status = 'cancelled')
);
CREATE INDEX jobs_incident ON jobs (incident_id, created_at);
CREATE INDEX jobs_partner ON jobs (partner_id, created_at);
-- The sweeper's work list: offered jobs by deadline.
CREATE INDEX jobs_offer_deadline ON jobs (offer_expires_at) WHERE status = 'offered';
-- One open job per incident at a time.
CREATE UNIQUE INDEX jobs_one_open_per_incident ON jobs (incident_id)
    WHERE status NOT IN ('completed', 'cancelled');

CREATE TABLE job_offers (
    job_id      uuid NOT NULL REFERENCES jobs (id),
    partner_id  uuid NOT NULL REFERENCES partners (id),
    seq         integer NOT NULL CHECK (seq >= 1),  -- 1 for the first partner asked, then 2, …
    distance_m  bigint NOT NULL CHECK (distance_m >= 0),
    offered_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL CHECK (expires_at > offered_at),
    outcome     text CHECK (outcome IN ('accepted', 'declined', 'expired', 'cancelled')),
    resolved_at timestamptz,
    resolved_by text,
    reason      text,
    PRIMARY KEY (job_id, partner_id),
    UNIQUE (job_id, seq),
    CHECK ((outcome IS NULL) = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX job_offers_one_live_per_job ON job_offers (job_id) WHERE outcome IS NULL;
CREATE UNIQUE INDEX job_offers_one_live_per_partner ON job_offers (partner_id) WHERE outcome IS NULL;
