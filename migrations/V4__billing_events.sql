-- Billing's outbox: every change to an invoice writes its domain events here in the same
-- statement as the change, so there is never a change without its events or an event
-- without its change. Consumers read it in commit order through fin:platform/event-feed
-- (never this table directly); the Redis message billing publishes after a change is
-- only a nudge. Rows are kept: they are the history a read model is rebuilt from.
CREATE TABLE outbox (
    id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Commit order: a row's transaction id, then its sequence. A reader only takes rows
    -- whose transaction is older than every transaction still running
    -- (pg_snapshot_xmin), so no row can appear later behind a position it has passed.
    tx                xid8        NOT NULL DEFAULT pg_current_xact_id(),
    seq               bigserial   NOT NULL,
    type              text        NOT NULL,
    occurred_at       timestamptz NOT NULL DEFAULT now(),
    owner_id          uuid        NOT NULL,
    aggregate_id      uuid        NOT NULL,
    aggregate_version integer     NOT NULL,
    payload           jsonb       NOT NULL
);
CREATE UNIQUE INDEX outbox_position_idx ON outbox (tx, seq);
CREATE INDEX outbox_aggregate_idx ON outbox (aggregate_id, aggregate_version);

-- Money a provider reports can exceed what is due: the invoice is paid and the rest is
-- kept visible here instead of being dropped (amount_paid never exceeds the total).
ALTER TABLE invoices ADD COLUMN amount_overpaid bigint NOT NULL DEFAULT 0
    CHECK (amount_overpaid >= 0);

-- Where a payment came from. A provider's payment carries the provider's id for the
-- money, unique, so the same money is never settled twice.
ALTER TABLE payments
    ADD COLUMN source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'stripe')),
    ADD COLUMN provider_payment_ref text UNIQUE,
    ADD COLUMN overpaid bigint NOT NULL DEFAULT 0 CHECK (overpaid >= 0 AND overpaid <= amount);
