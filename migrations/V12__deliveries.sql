-- Delivery context: every e-mail the app owes a client, and where it stands. A row is
-- written (queued) before the provider is called, so nothing is sent that is not here;
-- its id is the provider's idempotency key, so a retried call sends nothing twice. One
-- row per invoice and kind (`invoice`, `reminder:<days>`): each goes at most once.
CREATE TABLE deliveries (
    id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id            uuid        NOT NULL,
    invoice_id          uuid        NOT NULL,
    kind                text        NOT NULL CHECK (kind ~ '^(invoice|reminder:[0-9]{1,3})$'),
    -- The billing event that asked for it.
    event_id            uuid,
    status              text        NOT NULL DEFAULT 'queued'
                                    CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    recipient           text,
    attempts            integer     NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    -- A mailer holds a delivery it is sending until then; one that died mid-way lets it
    -- go when the lease runs out, and another tries again (same idempotency key).
    lease_until         timestamptz,
    last_error          text,
    provider_message_id text,
    -- The share link the e-mail carries (revoked when an attempt makes a new one).
    share_link_id       uuid,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz,
    UNIQUE (invoice_id, kind)
);
-- What is due: the mailer's one hot query.
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at)
    WHERE status IN ('queued', 'sending');
-- An invoice's deliveries (its list) and an owner's failed ones (the dashboard's count).
CREATE INDEX deliveries_owner_idx ON deliveries (owner_id, status);

-- Where the mailer stands in billing's feed. Events from before delivery existed
-- (`started_at`) are passed over: installing it e-mails no invoice sent long ago.
CREATE TABLE delivery_checkpoint (
    id         boolean     PRIMARY KEY DEFAULT true CHECK (id),
    tx         bigint      NOT NULL DEFAULT 0,
    seq        bigint      NOT NULL DEFAULT 0,
    started_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO delivery_checkpoint DEFAULT VALUES;
