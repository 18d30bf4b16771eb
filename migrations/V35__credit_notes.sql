-- Credit notes: what a sent invoice is credited, each a document of its own with its own
-- gapless series (CRN-<year>-<n>), written in the statement that raises the invoice's
-- credited amount (components/billing/src/store.rs), so a refused statement takes no
-- number.

ALTER TABLE invoices
    ADD COLUMN amount_credited bigint NOT NULL DEFAULT 0
        CHECK (amount_credited >= 0 AND amount_credited <= total);

CREATE TABLE credit_note_counters (
    owner_id uuid    NOT NULL,
    year     integer NOT NULL,
    last     integer NOT NULL CHECK (last > 0),
    PRIMARY KEY (owner_id, year)
);

CREATE TABLE credit_notes (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    invoice_id      uuid        NOT NULL REFERENCES invoices (id),
    owner_id        uuid        NOT NULL,
    number_year     integer     NOT NULL,
    number_seq      integer     NOT NULL CHECK (number_seq > 0),
    issue_date      date        NOT NULL,
    currency        char(3)     NOT NULL,
    -- The credited lines as the invoice's ({description, quantity_milli, unit_price,
    -- tax_rate_bp}), with the invoice's percentage discount, if any.
    lines           jsonb       NOT NULL,
    discount_kind   text        CHECK (discount_kind IN ('percent', 'amount')),
    discount_value  bigint,
    subtotal        bigint      NOT NULL,
    discount_amount bigint      NOT NULL,
    tax             bigint      NOT NULL,
    total           bigint      NOT NULL CHECK (total > 0),
    reason          text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_id, number_year, number_seq)
);
-- An invoice reads its credit notes with every read.
CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id, number_year, number_seq);

CREATE OR REPLACE FUNCTION billing_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM idempotency_keys WHERE owner_id = owner;
    DELETE FROM payments WHERE owner_id = owner;
    DELETE FROM credit_notes WHERE owner_id = owner;
    DELETE FROM credit_note_counters WHERE owner_id = owner;
    DELETE FROM invoices WHERE owner_id = owner;
    DELETE FROM invoice_counters WHERE owner_id = owner;
    DELETE FROM outbox WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION billing_erase_owner(uuid) IS
    'Published by billing for account erasure: every invoice, payment, credit note, counter, idempotency record and event of the owner.';

-- The dashboard counts what credit notes took back: outstanding is what is still owed
-- (total − credited − paid), revenue what was invoiced less what was credited. Rows
-- written before credit notes credited nothing, so every running total stays right
-- as it is.
ALTER TABLE analytics_invoices ADD COLUMN amount_credited bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION analytics_invoice_part(r analytics_invoices, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    still_owed bigint := r.total - r.amount_credited - r.amount_paid;
    net_invoiced bigint := r.total - r.amount_credited;
BEGIN
    IF r.deleted THEN
        RETURN;
    END IF;
    INSERT INTO analytics_status_counts AS t (owner_id, status, invoices)
    VALUES (r.owner_id, r.status, sign)
    ON CONFLICT (owner_id, status) DO UPDATE SET invoices = t.invoices + sign;
    IF r.status IN ('sent', 'paid') THEN
        INSERT INTO analytics_month_totals AS t (owner_id, currency, month, invoiced, invoices)
        VALUES (r.owner_id, r.currency, date_trunc('month', r.issue_date)::date, sign * net_invoiced, sign)
        ON CONFLICT (owner_id, currency, month)
        DO UPDATE SET invoiced = t.invoiced + sign * net_invoiced, invoices = t.invoices + sign;
    END IF;
    IF r.status = 'sent' THEN
        INSERT INTO analytics_open_by_due AS t (owner_id, currency, due_date, outstanding, invoices)
        VALUES (r.owner_id, r.currency, r.due_date, sign * still_owed, sign)
        ON CONFLICT (owner_id, currency, due_date) DO UPDATE
            SET outstanding = t.outstanding + sign * still_owed,
                invoices = t.invoices + sign;
        DELETE FROM analytics_open_by_due
         WHERE owner_id = r.owner_id AND currency = r.currency AND due_date = r.due_date
           AND invoices = 0;
        INSERT INTO analytics_open_by_due_month AS t (owner_id, currency, month, outstanding, invoices)
        VALUES (r.owner_id, r.currency, date_trunc('month', r.due_date)::date,
                sign * still_owed, sign)
        ON CONFLICT (owner_id, currency, month) DO UPDATE
            SET outstanding = t.outstanding + sign * still_owed,
                invoices = t.invoices + sign;
        DELETE FROM analytics_open_by_due_month
         WHERE owner_id = r.owner_id AND currency = r.currency
           AND month = date_trunc('month', r.due_date)::date AND invoices = 0;
        INSERT INTO analytics_open_by_client AS t (owner_id, currency, client_id, outstanding, invoices)
        VALUES (r.owner_id, r.currency, r.client_id, sign * still_owed, sign)
        ON CONFLICT (owner_id, currency, client_id) DO UPDATE
            SET outstanding = t.outstanding + sign * still_owed,
                invoices = t.invoices + sign;
        DELETE FROM analytics_open_by_client
         WHERE owner_id = r.owner_id AND currency = r.currency AND client_id = r.client_id
           AND invoices = 0;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION analytics_refill_totals() RETURNS void LANGUAGE sql AS $$
TRUNCATE analytics_status_counts, analytics_open_by_due, analytics_open_by_due_month,
         analytics_open_by_client, analytics_month_totals, analytics_received_by_day;
INSERT INTO analytics_status_counts (owner_id, status, invoices)
SELECT owner_id, status, count(*) FROM analytics_invoices WHERE NOT deleted GROUP BY 1, 2;
INSERT INTO analytics_open_by_due (owner_id, currency, due_date, outstanding, invoices)
SELECT owner_id, currency, due_date, sum(total - amount_credited - amount_paid), count(*)
  FROM analytics_invoices WHERE NOT deleted AND status = 'sent' GROUP BY 1, 2, 3;
INSERT INTO analytics_open_by_due_month (owner_id, currency, month, outstanding, invoices)
SELECT owner_id, currency, date_trunc('month', due_date)::date, sum(total - amount_credited - amount_paid), count(*)
  FROM analytics_invoices WHERE NOT deleted AND status = 'sent' GROUP BY 1, 2, 3;
INSERT INTO analytics_open_by_client (owner_id, currency, client_id, outstanding, invoices)
SELECT owner_id, currency, client_id, sum(total - amount_credited - amount_paid), count(*)
  FROM analytics_invoices WHERE NOT deleted AND status = 'sent' GROUP BY 1, 2, 3;
INSERT INTO analytics_month_totals (owner_id, currency, month, invoiced, invoices, received)
SELECT owner_id, currency, month, sum(invoiced), sum(invoices), sum(received) FROM (
    SELECT owner_id, currency, date_trunc('month', issue_date)::date AS month,
           total - amount_credited AS invoiced, 1 AS invoices, 0 AS received
      FROM analytics_invoices WHERE NOT deleted AND status IN ('sent', 'paid')
    UNION ALL
    SELECT owner_id, currency, date_trunc('month', paid_on)::date, 0, 0, amount
      FROM analytics_payments) parts
 GROUP BY 1, 2, 3;
INSERT INTO analytics_received_by_day (owner_id, currency, paid_on, amount)
SELECT owner_id, currency, paid_on, sum(amount) FROM analytics_payments GROUP BY 1, 2, 3;
$$;
