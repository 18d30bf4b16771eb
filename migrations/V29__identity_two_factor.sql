-- Identity: two-factor sign-in. The TOTP key is kept sealed under the server's
-- identity_encryption_key (ChaCha20-Poly1305, the owner's id bound in), recovery codes and
-- login tickets only as SHA-256 digests.

CREATE TABLE two_factor (
    user_id    uuid        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sealed_key bytea       NOT NULL,
    -- Which key sealed it (a rotated key shows as such, not as corruption).
    key_id     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Null while enrolment waits for its first code.
    enabled_at timestamptz,
    -- The last TOTP time step accepted: a code of that step or an earlier one is refused.
    last_step  bigint      NOT NULL DEFAULT 0
);

CREATE TABLE recovery_codes (
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  text        NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- Between the password and the code: a ticket names the account and the credentials
-- the password was checked against, for a few minutes, once.
CREATE TABLE login_tickets (
    token_hash          text        PRIMARY KEY,
    user_id             uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credentials_version integer     NOT NULL,
    expires_at          timestamptz NOT NULL,
    used_at             timestamptz
);
CREATE INDEX login_tickets_user_idx ON login_tickets (user_id);
