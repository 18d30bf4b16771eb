-- The freelancer's logo (billing context), printed on every document. Each picture is
-- kept under its SHA-256, never changed: the profile names the current one, and an
-- invoice sent with a logo names it in its frozen seller, so the document keeps the logo
-- it was issued with. Pictures nothing names any more are deleted when a new one is put.
CREATE TABLE business_logos (
    owner_id     uuid        NOT NULL REFERENCES users (id),
    sha256       text        NOT NULL,
    content_type text        NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    width        integer     NOT NULL CHECK (width > 0),
    height       integer     NOT NULL CHECK (height > 0),
    bytes        bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, sha256)
);
ALTER TABLE business_profiles ADD COLUMN logo_sha256 text;
