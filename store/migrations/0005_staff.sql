-- Staff accounts and their browser sessions, live events, and what the desk needs from the API
-- (issue 13): token expiry and revocation, the incidents search, contract histories.

-- ---- staff accounts -----------------------------------------------------------------------

-- A person who signs in: a call-centre agent, a reviewer (claims and payouts), an admin, or a
-- partner's crew (bound to one partner, for the phone pages). The password is kept only as an
-- Argon2id hash string (libsodium crypto_pwhash_str: algorithm, parameters, salt and hash).
CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    login         text NOT NULL CHECK (login ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$'),
    name          text NOT NULL CHECK (name <> ''),
    role          text NOT NULL CHECK (role IN ('agent', 'reviewer', 'admin', 'partner')),
    partner_id    uuid REFERENCES partners (id),
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at    timestamptz NOT NULL DEFAULT now(),
    created_by    text NOT NULL,
    disabled_at   timestamptz,
    disabled_by   text,
    CHECK ((role = 'partner') = (partner_id IS NOT NULL)),
    CHECK ((disabled_at IS NULL) = (disabled_by IS NULL))
);
-- One person per login whatever its case: "Sato" and "sato" cannot both exist.
CREATE UNIQUE INDEX users_login_key ON users (lower(login));

-- A signed-in browser. The cookie holds a random secret; only its SHA-256 is stored, so a copy of
-- the database opens no session. A session ends when its user signs out or is disabled
-- (ended_at), after the idle timeout (last_seen_at, a setting) or at expires_at.
CREATE TABLE staff_sessions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    secret_hash  bytea NOT NULL UNIQUE,
    user_id      uuid NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    ended_at     timestamptz,
    end_reason   text CHECK (end_reason IN ('signed_out', 'user_disabled', 'password_changed')),
    remote_addr  text NOT NULL DEFAULT '',
    CHECK ((ended_at IS NULL) = (end_reason IS NULL)),
    CHECK (expires_at > created_at)
);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id) WHERE ended_at IS NULL;
CREATE INDEX staff_sessions_expires ON staff_sessions (expires_at);

-- ---- tokens -------------------------------------------------------------------------------

ALTER TABLE tokens DROP CONSTRAINT tokens_role_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_role_check
    CHECK (role IN ('admin', 'agent', 'reviewer', 'partner', 'customer'));
-- Every token ends. Those made before tokens had a lifetime get 90 days from now.
UPDATE tokens SET expires_at = greatest(created_at, now()) + interval '90 days'
    WHERE expires_at IS NULL;
ALTER TABLE tokens ALTER COLUMN expires_at SET NOT NULL;
CREATE INDEX tokens_created ON tokens (created_at);

-- Every server keeps recently used tokens in memory and follows its event streams' credentials:
-- a revoked token, an ended session and a disabled user are announced on the channel
-- roadside_auth ("token:<id>", "session:<id>", "user:<id>") when the change commits, so that
-- every server forgets them at once. (A server whose listening connection is down trusts no
-- cached token and ends its streams: it fails closed.)
CREATE FUNCTION notify_auth_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('roadside_auth', TG_ARGV[0] || ':' || NEW.id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER tokens_revoked AFTER UPDATE OF revoked_at ON tokens FOR EACH ROW
    WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION notify_auth_change('token');
CREATE TRIGGER staff_sessions_ended AFTER UPDATE OF ended_at ON staff_sessions FOR EACH ROW
    WHEN (OLD.ended_at IS NULL AND NEW.ended_at IS NOT NULL)
    EXECUTE FUNCTION notify_auth_change('session');
CREATE TRIGGER users_disabled AFTER UPDATE OF disabled_at ON users FOR EACH ROW
    WHEN (OLD.disabled_at IS NULL AND NEW.disabled_at IS NOT NULL)
    EXECUTE FUNCTION notify_auth_change('user');

-- ---- events: the outbox of the live streams -----------------------------------------------

-- A row may now belong to neither an incident nor a contract (the location links of the phone
-- pages).
ALTER TABLE events DROP CONSTRAINT events_check;
-- Whose offer or job an event is about: a partner's stream shows only its own.
ALTER TABLE events ADD COLUMN partner_id uuid REFERENCES partners (id);
-- When the row was written (`at` is when the thing happened: a call logged later from notes
-- carries its call time). A reconnecting stream is replayed what was written in the last
-- events_replay_window_s.
ALTER TABLE events ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX events_partner ON events (partner_id, id) WHERE partner_id IS NOT NULL;

-- Every event of an incident also carries the incident's contract (a customer's stream and the
-- contract's history follow it), and every event about a job the job's partner: the one the data
-- names (an offer's partner, whose offer lapsed or was declined), else the job's partner at the
-- time. Filled here for every writer, present and future.
CREATE FUNCTION events_fill_ids() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    uuid_text constant text := '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
BEGIN
    IF NEW.contract_id IS NULL AND NEW.incident_id IS NOT NULL THEN
        SELECT contract_id INTO NEW.contract_id FROM incidents WHERE id = NEW.incident_id;
    END IF;
    IF NEW.partner_id IS NULL AND jsonb_typeof(NEW.data) = 'object' THEN
        IF NEW.data->>'partner_id' ~ uuid_text THEN
            NEW.partner_id := (NEW.data->>'partner_id')::uuid;
        ELSIF NEW.data->>'job_id' ~ uuid_text THEN
            SELECT partner_id INTO NEW.partner_id FROM jobs
                WHERE id = (NEW.data->>'job_id')::uuid;
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER events_fill BEFORE INSERT ON events FOR EACH ROW
    EXECUTE FUNCTION events_fill_ids();

-- The history so far: incident events written without their contract get it (the log is
-- append-only; this one correction is made while the guard is off, inside the migration).
ALTER TABLE events DISABLE TRIGGER events_no_update;
UPDATE events e SET contract_id = i.contract_id
    FROM incidents i WHERE e.incident_id = i.id AND e.contract_id IS NULL;
ALTER TABLE events ENABLE TRIGGER events_no_update;

-- ---- incidents search ---------------------------------------------------------------------

-- GET /v1/incidents: newest calls first.
CREATE INDEX incidents_at ON incidents (at DESC, id DESC);
