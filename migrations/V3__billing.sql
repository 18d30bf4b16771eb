-- Billing: invoices, their payments, per-user number counters and idempotency keys.
-- The billing context owns these tables and reads no other context's: client ids are
-- checked with the clients service, so there is deliberately no foreign key to clients.

-- The last number handed out per user and year. An invoice and its number are written in
-- one statement (INSERT … ON CONFLICT DO UPDATE on this row, then the invoice), so a
-- failed insert hands the number back and numbers stay gapless.
CREATE TABLE invoice_counters (
    owner_id uuid    NOT NULL,
    year     integer NOT NULL,
    last     integer NOT NULL CHECK (last > 0),
    PRIMARY KEY (owner_id, year)
);

CREATE TABLE invoices (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id        uuid        NOT NULL,
    client_id       uuid        NOT NULL,
    number_year     integer     NOT NULL,
    number_seq      integer     NOT NULL CHECK (number_seq > 0),
    status          text        NOT NULL DEFAULT 'draft'
                                CHECK (status IN ('draft', 'sent', 'paid', 'void')),
    issue_date      date        NOT NULL,
    due_date        date        NOT NULL CHECK (due_date >= issue_date),
    currency        char(3)     NOT NULL,
    -- [{description, quantity_milli, unit_price, tax_rate_bp}], validated by the service.
    lines           jsonb       NOT NULL,
    discount_kind   text        CHECK (discount_kind IN ('percent', 'amount')),
    discount_value  bigint,
    notes           text,
    -- Minor units, computed by the server (components/billing/src/totals.rs).
    subtotal        bigint      NOT NULL,
    discount_amount bigint      NOT NULL,
    tax             bigint      NOT NULL,
    total           bigint      NOT NULL,
    amount_paid     bigint      NOT NULL DEFAULT 0 CHECK (amount_paid >= 0 AND amount_paid <= total),
    version         integer     NOT NULL DEFAULT 1,
    sent_at         timestamptz,
    paid_at         timestamptz,
    voided_at       timestamptz,
    -- Deleted drafts keep their row, hidden, so their number stays accounted for.
    deleted_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_id, number_year, number_seq)
);

-- The list is newest number first (the unique index above, read backwards); these serve
-- its filters by client and by status/due date (overdue).
CREATE INDEX invoices_owner_client_idx ON invoices (owner_id, client_id, number_year, number_seq);
CREATE INDEX invoices_owner_status_due_idx ON invoices (owner_id, status, due_date);

CREATE TABLE payments (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    invoice_id uuid        NOT NULL REFERENCES invoices (id),
    owner_id   uuid        NOT NULL,
    amount     bigint      NOT NULL CHECK (amount > 0),
    paid_on    date        NOT NULL,
    method     text,
    reference  text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_invoice_idx ON payments (invoice_id, created_at);

-- A POST's Idempotency-Key and what it produced; a replay answers from here.
CREATE TABLE idempotency_keys (
    owner_id     uuid        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    invoice_id   uuid        NOT NULL REFERENCES invoices (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, key)
);
