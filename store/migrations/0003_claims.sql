-- Reimbursement claims (遠方トラブルサポート, ロードサービス規定 第1条3), their payouts, customer
-- sign-in, and the completion time of jobs for partner statements.

-- When a job was completed (partner statements are per Japan-time month of completion).
ALTER TABLE jobs ADD COLUMN completed_at timestamptz;
UPDATE jobs SET completed_at = updated_at WHERE status = 'completed';
ALTER TABLE jobs ADD CONSTRAINT jobs_completed_at
    CHECK ((status = 'completed') = (completed_at IS NOT NULL));
CREATE INDEX jobs_partner_completed ON jobs (partner_id, completed_at) WHERE status = 'completed';

-- Customer sessions end; staff tokens do not.
ALTER TABLE tokens ADD COLUMN expires_at timestamptz;

CREATE TABLE claims (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    incident_id       uuid NOT NULL REFERENCES incidents (id),
    contract_id       uuid NOT NULL REFERENCES contracts (id),
    benefit           text NOT NULL CHECK (benefit IN ('taxi', 'rental_car', 'public_transport',
                                                       'hotel', 'post_repair_transport')),
    persons           integer NOT NULL CHECK (persons BETWEEN 1 AND 99),
    persons_counted   integer NOT NULL CHECK (persons_counted BETWEEN 0 AND 99),
    used_at           timestamptz NOT NULL,
    received_at       timestamptz NOT NULL,
    received_on       date NOT NULL,  -- its Japan-time day: the claim window and pay_by count from it
    receipts          jsonb NOT NULL,  -- as submitted, each with whether it counted
    no_receipt_reason text,
    decision          text NOT NULL CHECK (decision IN ('approved', 'partially_approved',
                                                        'rejected', 'pending_review')),
    approved_yen      bigint NOT NULL CHECK (approved_yen >= 0),
    counted_yen       bigint NOT NULL CHECK (counted_yen >= 0),
    reasons           jsonb NOT NULL,
    pay_by            date,  -- one month after received_on (民法143条) once approved
    bank_code         text NOT NULL CHECK (bank_code ~ '^[0-9]{4}$'),
    branch_code       text NOT NULL CHECK (branch_code ~ '^[0-9]{3}$'),
    account_type      text NOT NULL CHECK (account_type IN ('ordinary', 'current', 'savings')),
    account_number    text NOT NULL CHECK (account_number ~ '^[0-9]{7}$'),
    holder_kana       text NOT NULL CHECK (holder_kana <> ''),
    review_note       text,
    reviewed_at       timestamptz,
    reviewed_by       text,
    paid_on           date,
    paid_at           timestamptz,
    paid_by           text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by        text NOT NULL,
    CONSTRAINT claims_payable CHECK (
        (decision IN ('approved', 'partially_approved')) = (pay_by IS NOT NULL)
        AND (decision IN ('approved', 'partially_approved')) = (approved_yen > 0)),
    CONSTRAINT claims_paid_only_approved CHECK (
        paid_on IS NULL OR decision IN ('approved', 'partially_approved')),
    CONSTRAINT claims_paid_together CHECK ((paid_on IS NULL) = (paid_at IS NULL)),
    CONSTRAINT claims_reviewed_together CHECK ((reviewed_at IS NULL) = (reviewed_by IS NULL))
);
-- One benefit per breakdown (第1条3 "いずれか1つ"): at most one claim per incident that is not
-- rejected. Concurrent claims for one incident serialise on this index; the loser gets a unique
-- violation (409 benefit_already_used).
CREATE UNIQUE INDEX claims_one_benefit_per_incident ON claims (incident_id)
    WHERE decision <> 'rejected';
CREATE INDEX claims_incident ON claims (incident_id, created_at);
CREATE INDEX claims_unpaid ON claims (pay_by)
    WHERE paid_on IS NULL AND decision IN ('approved', 'partially_approved');

-- Failed customer sign-ins, per contract number and per client address, in a sliding window:
-- shared by every server on the database.
CREATE TABLE signin_failures (
    key             text PRIMARY KEY,  -- 'contract:<number>' or 'address:<ip>'
    failures        integer NOT NULL CHECK (failures >= 1),
    window_start    timestamptz NOT NULL,
    last_failure_at timestamptz NOT NULL
);
CREATE INDEX signin_failures_last ON signin_failures (last_failure_at);
