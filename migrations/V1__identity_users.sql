-- Identity: one row per freelancer account.
-- Emails are stored trimmed and lower-cased by the application; the unique index makes
-- "one account per mailbox" hold even under concurrent registrations.
CREATE TABLE users (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text        NOT NULL CHECK (email = lower(btrim(email)) AND length(email) <= 254),
    name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 400),
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_email_key ON users (email);
