-- Share links (billing context): a sent invoice shown to whoever holds the link, with
-- no login. The token is only in the link; this table keeps its SHA-256, so reading it
-- opens nothing. A link stops working when it expires or is revoked; rows are kept, so
-- the freelancer's list says what was shared and when.
CREATE TABLE share_links (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id    uuid        NOT NULL,
    invoice_id  uuid        NOT NULL REFERENCES invoices (id),
    token_hash  text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
-- An invoice's links, newest first (the list, and the count of active ones on create).
CREATE INDEX share_links_invoice_idx ON share_links (invoice_id, created_at DESC);
