-- Identity: refresh tokens, so a browser session outlives its short access tokens.
-- A login starts a family; every refresh uses up its token and adds the next one to the
-- family. Presenting a used token again means two parties hold the family (a stolen
-- cookie): the whole family is revoked. Only the token's SHA-256 is stored.
CREATE TABLE refresh_tokens (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    family_id   uuid        NOT NULL,
    user_id     uuid        NOT NULL REFERENCES users (id),
    token_hash  text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
-- Revoking a family (reuse, logout) touches every token in it.
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
