-- Analytics: the dashboard's read model, maintained by the projector (a Redis-trigger
-- component) from billing's events. Analytics owns these tables and reads no other
-- context's: every row here came from an event, so all of it can be rebuilt from the
-- outbox (`SELECT analytics_rebuild()`, then a catch-up; see docs/events.md).

-- Each invoice as its newest event left it. An event older than the stored version
-- never overwrites it, so redelivered and late events change nothing.
CREATE TABLE analytics_invoices (
    invoice_id      uuid    PRIMARY KEY,
    owner_id        uuid    NOT NULL,
    client_id       uuid    NOT NULL,
    version         integer NOT NULL,
    status          text    NOT NULL,
    deleted         boolean NOT NULL,
    currency        char(3) NOT NULL,
    issue_date      date    NOT NULL,
    due_date        date    NOT NULL,
    total           bigint  NOT NULL,
    amount_paid     bigint  NOT NULL,
    amount_overpaid bigint  NOT NULL
);
-- Outstanding, overdue and top clients read a user's sent invoices by due date; counts
-- and monthly totals read all of a user's invoices.
CREATE INDEX analytics_invoices_owner_idx
    ON analytics_invoices (owner_id, status, due_date) WHERE NOT deleted;

-- Each payment once (a payment is a fact: it never changes).
CREATE TABLE analytics_payments (
    payment_id uuid    PRIMARY KEY,
    owner_id   uuid    NOT NULL,
    invoice_id uuid    NOT NULL,
    currency   char(3) NOT NULL,
    amount     bigint  NOT NULL,
    paid_on    date    NOT NULL
);
CREATE INDEX analytics_payments_owner_idx ON analytics_payments (owner_id, paid_on);

-- Per user, the newest event the read model reflects: the dashboard's freshness.
CREATE TABLE analytics_owners (
    owner_id        uuid        PRIMARY KEY,
    last_event_id   uuid        NOT NULL,
    last_event_type text        NOT NULL,
    last_event_at   timestamptz NOT NULL,
    tx              bigint      NOT NULL,
    seq             bigint      NOT NULL
);

-- Where the projector is in billing's event feed: (tx, seq) of the last event applied.
-- `generation` changes on every rebuild, and a projector's batch only writes while the
-- generation it started from is current, so a catch-up that was running during a
-- rebuild cannot write stale rows into the fresh read model.
CREATE TABLE analytics_checkpoint (
    id             boolean     PRIMARY KEY DEFAULT true CHECK (id),
    generation     bigint      NOT NULL DEFAULT 1,
    tx             bigint      NOT NULL DEFAULT 0,
    seq            bigint      NOT NULL DEFAULT 0,
    events_applied bigint      NOT NULL DEFAULT 0,
    events_skipped bigint      NOT NULL DEFAULT 0,
    caught_up_at   timestamptz
);
INSERT INTO analytics_checkpoint DEFAULT VALUES;

-- Empties the read model and rewinds the checkpoint to the start of the feed; the next
-- catch-up replays every event. TRUNCATE waits for a batch being written and makes the
-- next one wait, and that one then sees the new generation and writes nothing.
CREATE FUNCTION analytics_rebuild() RETURNS bigint LANGUAGE sql AS $$
    TRUNCATE analytics_invoices, analytics_payments, analytics_owners;
    UPDATE analytics_checkpoint
       SET generation = generation + 1, tx = 0, seq = 0,
           events_applied = 0, events_skipped = 0, caught_up_at = NULL
     RETURNING generation;
$$;
