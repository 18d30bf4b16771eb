-- Clients: one freelancer's customers. Rows are never hard-deleted: DELETE archives, so
-- invoices (billing context) keep pointing at a client that still exists.
CREATE TABLE clients (
    id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id         uuid        NOT NULL REFERENCES users (id),
    name             text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email            text,
    phone            text,
    company          text,
    tax_id           text,
    address          jsonb,
    default_currency char(3),
    notes            text,
    archived_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Keyset pagination per owner, by name (case-insensitive) and by creation.
CREATE INDEX clients_owner_name_idx ON clients (owner_id, lower(name), id);
CREATE INDEX clients_owner_created_idx ON clients (owner_id, created_at, id);
