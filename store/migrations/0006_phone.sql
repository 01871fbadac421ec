-- The partner's and the customer's phone pages (issue 14): sign-in with a one-time code, receipt
-- images, location links, tracking links and the customer's signature on a completed job.

-- A customer sign-in is two steps: the contract number and birth date (which agents see, so they
-- prove nothing alone), then a one-time code sent to the holder's registered phone. Only a keyed
-- hash of the code is stored (HMAC-SHA-256 under a key derived from the servers' admin token, so
-- that a copy of the database cannot try the million codes offline). Every try is counted in the
-- row before the code is compared, atomically, so parallel guesses get no more than max_attempts;
-- used_at is set once, by an UPDATE that only matches an unused row: a code signs in once.
CREATE TABLE signin_challenges (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    contract_id  uuid NOT NULL REFERENCES contracts (id),
    code_hash    bytea NOT NULL,
    sent_to      text NOT NULL,  -- the number, masked, as the customer was shown it
    address      text NOT NULL,  -- the client address that asked for it
    attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts integer NOT NULL CHECK (max_attempts >= 1),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX signin_challenges_expires ON signin_challenges (expires_at);

-- Receipt images, kept in the database with the claims they prove. What is stored is never what
-- was uploaded: photos are decoded and re-encoded without any metadata (EXIF, GPS, XMP, ICC), a
-- PDF is stored as a picture of its first page. source_sha256 identifies the upload itself: the
-- same file uploaded twice is the same image, and counts once in a claim.
CREATE TABLE receipt_images (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Whose receipt: the customer's contract. An agent's upload may name none; it is bound to
    -- the contract of the first claim that uses it.
    contract_id   uuid REFERENCES contracts (id),
    content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    source_type   text NOT NULL CHECK (source_type IN ('image/jpeg', 'image/png', 'image/heic',
                                                       'application/pdf')),
    data          bytea NOT NULL CHECK (octet_length(data) > 0),
    sha256        bytea NOT NULL CHECK (octet_length(sha256) = 32),
    source_sha256 bytea NOT NULL CHECK (octet_length(source_sha256) = 32),
    source_bytes  bigint NOT NULL CHECK (source_bytes > 0),
    width         integer NOT NULL CHECK (width > 0),
    height        integer NOT NULL CHECK (height > 0),
    uploaded_by   text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX receipt_images_source ON receipt_images (source_sha256);

-- A one-time link an agent sends to a caller, whose phone answers with its position. Only the
-- token's SHA-256 is stored. The position is written once: the UPDATE that records it matches
-- only an unused, unexpired row, so a second answer finds none (410 link_used).
CREATE TABLE location_links (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash  bytea NOT NULL UNIQUE,
    contract_id uuid REFERENCES contracts (id),
    incident_id uuid REFERENCES incidents (id),
    sent_to     text,  -- masked number the link went to by SMS, if any
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    lat         double precision CHECK (lat BETWEEN -90 AND 90),
    lon         double precision CHECK (lon BETWEEN -180 AND 180),
    accuracy_m  double precision CHECK (accuracy_m >= 0),
    CHECK (expires_at > created_at),
    CHECK ((used_at IS NULL) = (lat IS NULL) AND (lat IS NULL) = (lon IS NULL)
           AND (lat IS NULL) = (accuracy_m IS NULL))
);

-- A link to the public tracking view of one incident: status, partner company, ETA, distance.
CREATE TABLE tracking_links (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash  bytea NOT NULL UNIQUE,
    incident_id uuid NOT NULL REFERENCES incidents (id),
    sent_to     text,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    CHECK (expires_at > created_at)
);
CREATE INDEX tracking_links_incident ON tracking_links (incident_id);

-- The customer's signature on the glass at completion: a verified PNG, with when it was given
-- and where the truck was. One per job, written with the completion.
CREATE TABLE job_signatures (
    job_id    uuid PRIMARY KEY REFERENCES jobs (id),
    png       bytea NOT NULL CHECK (octet_length(png) > 0),
    sha256    bytea NOT NULL CHECK (octet_length(sha256) = 32),
    width     integer NOT NULL CHECK (width > 0),
    height    integer NOT NULL CHECK (height > 0),
    signed_at timestamptz NOT NULL DEFAULT now(),
    lat       double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon       double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    signed_by text NOT NULL
);
