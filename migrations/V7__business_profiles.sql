-- The freelancer's business profile: the seller on every invoice document (billing
-- context). One per freelancer; the profile itself is jsonb (validated by billing, read
-- and written whole); `version` is what its ETag names.
CREATE TABLE business_profiles (
    owner_id    uuid        PRIMARY KEY REFERENCES users (id),
    profile     jsonb       NOT NULL,
    version     bigint      NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
