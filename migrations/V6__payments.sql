-- Payments: every event a payment provider delivered (once its signature checked out),
-- by the provider's event id, with what became of it. Billing keeps the payments it
-- applied to invoices; this table keeps the provider's side, including money that could
-- not be applied (void, deleted or unknown invoice, currency mismatch) so it is never
-- lost, and the events that moved no money (recorded as ignored).
CREATE TABLE provider_events (
    event_id        text        PRIMARY KEY,
    provider        text        NOT NULL DEFAULT 'stripe',
    type            text        NOT NULL,
    livemode        boolean     NOT NULL,
    created_at      timestamptz NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    outcome         text        NOT NULL CHECK (outcome IN ('applied', 'unapplied', 'ignored')),
    reason          text,
    -- Whose money it is; NULL when nothing named a freelancer we know.
    owner_id        uuid,
    invoice_ref     text,
    payment_ref     text,
    amount          bigint      CHECK (amount > 0),
    currency        char(3),
    amount_applied  bigint,
    amount_overpaid bigint,
    payment_id      uuid,
    duplicate       boolean     NOT NULL DEFAULT false,
    CHECK ((outcome = 'ignored') = (amount IS NULL))
);
-- A freelancer's provider payments, newest first.
CREATE INDEX provider_events_owner_idx
    ON provider_events (owner_id, received_at DESC, event_id DESC) WHERE amount IS NOT NULL;
