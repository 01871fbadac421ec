-- Terms read closer (issue 11): the designated shops a free tow goes to, where each tow went, a
-- second tow of an unrepaired car across calls, who cancelled a job, and whether the caller's name
-- and the holder's birth date matched at intake.

-- 保証会社指定の工場 (ロードサービス規定 第1条2(1)): the operator's list of designated repair shops.
-- Servers keep them in memory for the nearest-shop search and re-read recent changes, as they do
-- for partners (updated_at).
CREATE TABLE shops (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text NOT NULL CHECK (name <> ''),
    address      text NOT NULL DEFAULT '',
    lat          double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon          double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    night_intake boolean NOT NULL,  -- takes cars outside its hours
    -- {"always": true} or {"mon": {"open": "09:00", "close": "18:00"}, …}; validated by the API
    -- (api/shops_json.cpp), a day left out is closed.
    hours        jsonb NOT NULL CHECK (jsonb_typeof(hours) = 'object'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX shops_updated ON shops (updated_at);

-- A tow's destination: a designated shop (free), temporary storage (free), or anywhere else (paid,
-- destination_not_designated). Jobs made before this migration have no kind.
-- The names are dispatch::TowDestination's.
ALTER TABLE jobs ADD COLUMN destination_kind text
    CHECK (destination_kind IN ('designated_shop', 'storage', 'not_designated'));
ALTER TABLE jobs ADD COLUMN shop_id uuid REFERENCES shops (id);
ALTER TABLE jobs ADD CONSTRAINT jobs_shop_destination
    CHECK (coalesce(destination_kind = 'designated_shop', false) = (shop_id IS NOT NULL));
-- 第2条3(5) across calls: the agent marked the car as not repaired since an earlier free tow.
ALTER TABLE jobs ADD COLUMN unrepaired_since_previous_tow boolean NOT NULL DEFAULT false;
-- 第2条3(7): who asked for the cancellation decides whether the call-out is charged. Jobs
-- cancelled before this migration do not say.
ALTER TABLE jobs ADD COLUMN cancelled_by text
    CHECK (cancelled_by IN ('customer', 'operator', 'partner'));
ALTER TABLE jobs ADD COLUMN cancel_reason text;
ALTER TABLE jobs ADD CONSTRAINT jobs_cancelled_by
    CHECK (cancelled_by IS NULL OR status = 'cancelled');

-- The vehicle's earlier free tows are found by plate or chassis number (a plate changes when the
-- car changes hands).
CREATE INDEX vehicles_chassis_no ON vehicles (chassis_no) WHERE chassis_no <> '';
CREATE INDEX jobs_completed_tows ON jobs (incident_id, completed_at)
    WHERE service = 'tow' AND status = 'completed';

-- 第3条(1): the caller's name and the holder's birth date as the caller gave them, compared with
-- the holder's at intake; NULL where the agent did not ask.
ALTER TABLE incidents ADD COLUMN caller_name_matches boolean;
ALTER TABLE incidents ADD COLUMN caller_birth_date_matches boolean;
