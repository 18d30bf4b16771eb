-- A quote and a recurring template are created under an `Idempotency-Key` as an invoice
-- is (V3's idempotency_keys): a retried POST whose first answer was lost is answered
-- the quote or template the first made, never a second. Each context keeps its own
-- keys, beside what they made, written in the statement that makes it.

CREATE TABLE quote_idempotency_keys (
    owner_id     uuid        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    quote_id     uuid        NOT NULL REFERENCES quotes (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, key)
);
-- Erasing a quote checks the keys that point at it.
CREATE INDEX quote_idempotency_keys_quote_idx ON quote_idempotency_keys (quote_id);

-- No reference to the template: a deleted template's key stays, and a retry with it is
-- told the template is gone (404) rather than handed a new one.
CREATE TABLE recurring_idempotency_keys (
    owner_id     uuid        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    template_id  uuid        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, key)
);

CREATE OR REPLACE FUNCTION quotes_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM quote_idempotency_keys WHERE owner_id = owner;
    DELETE FROM quote_mail WHERE owner_id = owner;
    DELETE FROM quote_links WHERE owner_id = owner;
    DELETE FROM quotes WHERE owner_id = owner;
    DELETE FROM quote_counters WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION quotes_erase_owner(uuid) IS
    'Published by quotes for account erasure: every quote of the owner, its links, e-mails, idempotency records and counters.';

CREATE OR REPLACE FUNCTION recurring_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM recurring_idempotency_keys WHERE owner_id = owner;
    DELETE FROM recurring_runs WHERE owner_id = owner;
    DELETE FROM recurring_templates WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION recurring_erase_owner(uuid) IS
    'Published by recurring for account erasure: every template of the owner, its periods and its idempotency records.';
