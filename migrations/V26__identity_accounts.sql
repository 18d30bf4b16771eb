-- Identity: what makes an account one a person can trust — a verified address, a way
-- back in, sessions the owner can see and end, and a log of what happened to it.

ALTER TABLE users
    ADD COLUMN email_verified_at   timestamptz,
    -- Bumped by every change that ends the account's sessions (a reset, a new password,
    -- a new address): a login whose password check read an older value starts none, so
    -- a login racing a reset cannot outlive it.
    ADD COLUMN credentials_version integer NOT NULL DEFAULT 1;

-- A session is a refresh family (refresh_tokens.family_id): what its owner sees of it.
-- Whether it is live stays with its tokens (one unspent, unrevoked, unexpired).
CREATE TABLE sessions (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    -- As the request that started it gave them, cut to fit.
    user_agent   text        CHECK (length(user_agent) <= 300),
    address      text        CHECK (length(address) <= 100)
);
CREATE INDEX sessions_user_idx ON sessions (user_id, last_used_at DESC);

INSERT INTO sessions (id, user_id, started_at, last_used_at)
SELECT family_id, user_id, min(created_at), max(created_at)
FROM refresh_tokens GROUP BY family_id, user_id;

-- The access token handed out with each refresh token: ending the session blocklists
-- the ones still unexpired, so it ends at once and not when they run out.
ALTER TABLE refresh_tokens
    ADD COLUMN access_token_id   text,
    ADD COLUMN access_expires_at timestamptz;
-- Sessions go with their account (erasure); refresh tokens with their user too.
ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_user_id_fkey,
    ADD CONSTRAINT refresh_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

-- Single-use links sent by e-mail: only the token's SHA-256 is kept. A newer link of the
-- same purpose supersedes the older ones.
CREATE TABLE account_tokens (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose       text        NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    token_hash    text        NOT NULL UNIQUE,
    -- The address the link was sent to: a verification is for that address only.
    email         text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    superseded_at timestamptz
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);

-- The account's own events, for its owner; kept `security_log_retention_days`.
CREATE TABLE security_events (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        text        NOT NULL CHECK (kind ~ '^[a-z_.]{1,40}$'),
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    address     text        CHECK (length(address) <= 100),
    user_agent  text        CHECK (length(user_agent) <= 300),
    session_id  uuid
);
CREATE INDEX security_events_user_idx ON security_events (user_id, occurred_at DESC, id);

-- E-mails identity owes its users (verification, reset, notices), written in the same
-- statement as the change that owes them. The delivery context sends them exactly once,
-- reading them through the view below; identity removes them after a week (a link
-- in one has expired by then).
CREATE TABLE account_mail (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       text        NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    recipient  text        NOT NULL,
    subject    text        NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_mail_created_idx ON account_mail (created_at);

CREATE VIEW account_mail_outbox AS
    SELECT id, recipient, subject, body, created_at FROM account_mail;
COMMENT ON VIEW account_mail_outbox IS
    'Published by identity for delivery: the account e-mails to send (id is the idempotency key).';
