-- Delivery context: what the mailer knows of each invoice, from the state every billing
-- event carries (docs/events.md), kept at its newest version: enough to find the
-- overdue ones for reminders without reading billing's tables.
CREATE TABLE delivery_invoices (
    invoice_id uuid    PRIMARY KEY,
    owner_id   uuid    NOT NULL,
    status     text    NOT NULL,
    due_date   date    NOT NULL,
    version    integer NOT NULL,
    deleted    boolean NOT NULL DEFAULT false
);
-- The reminder sweep: sent invoices by due date.
CREATE INDEX delivery_invoices_due_idx ON delivery_invoices (due_date) WHERE status = 'sent';

-- A reminder whose invoice was paid or voided before it went out is `skipped`, not failed.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped'));
