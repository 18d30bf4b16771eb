-- Analytics: running totals, so the dashboard reads as many rows for a user with 100,000
-- invoices as for one with 100 (issue 20). The projector still writes only
-- analytics_invoices and analytics_payments; triggers on them keep these tables in the
-- same transaction — every change of an invoice takes its old row's part out and puts
-- its new row's in — so no path (a batch, a replay, a concurrent projector) can miss one.
-- What depends on today is kept by day and summed at read time: a sent invoice is overdue
-- once its due date has passed, so open amounts are kept per due date (at most one row a
-- day), payments per day for the 30-day window, both per month for the chart.

-- Invoices per stored status (not deleted); `sent` is split into sent/overdue by day.
CREATE TABLE analytics_status_counts (
    owner_id uuid   NOT NULL,
    status   text   NOT NULL,
    invoices bigint NOT NULL,
    PRIMARY KEY (owner_id, status)
);

-- Sent invoices' open balance by due date.
CREATE TABLE analytics_open_by_due (
    owner_id    uuid    NOT NULL,
    currency    char(3) NOT NULL,
    due_date    date    NOT NULL,
    outstanding bigint  NOT NULL,
    invoices    bigint  NOT NULL,
    PRIMARY KEY (owner_id, currency, due_date)
);

-- Sent invoices' open balance by client; the dashboard reads the top five per currency.
CREATE TABLE analytics_open_by_client (
    owner_id    uuid    NOT NULL,
    currency    char(3) NOT NULL,
    client_id   uuid    NOT NULL,
    outstanding bigint  NOT NULL,
    invoices    bigint  NOT NULL,
    PRIMARY KEY (owner_id, currency, client_id)
);
CREATE INDEX analytics_open_by_client_top_idx
    ON analytics_open_by_client (owner_id, currency, outstanding DESC, client_id);

-- Invoiced (sent and paid invoices, by issue month) and received (payments, by month).
CREATE TABLE analytics_month_totals (
    owner_id uuid    NOT NULL,
    currency char(3) NOT NULL,
    month    date    NOT NULL,
    invoiced bigint  NOT NULL DEFAULT 0,
    -- How many invoices `invoiced` sums (a month of zero-total invoices still shows).
    invoices bigint  NOT NULL DEFAULT 0,
    received bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (owner_id, currency, month)
);

-- Payments by day, for "paid in the last 30 days".
CREATE TABLE analytics_received_by_day (
    owner_id uuid    NOT NULL,
    currency char(3) NOT NULL,
    paid_on  date    NOT NULL,
    amount   bigint  NOT NULL,
    PRIMARY KEY (owner_id, currency, paid_on)
);

-- One invoice row's part in the totals, added (sign 1) or taken out (sign -1).
CREATE FUNCTION analytics_invoice_part(r analytics_invoices, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF r.deleted THEN
        RETURN;
    END IF;
    INSERT INTO analytics_status_counts AS t (owner_id, status, invoices)
    VALUES (r.owner_id, r.status, sign)
    ON CONFLICT (owner_id, status) DO UPDATE SET invoices = t.invoices + sign;
    IF r.status IN ('sent', 'paid') THEN
        INSERT INTO analytics_month_totals AS t (owner_id, currency, month, invoiced, invoices)
        VALUES (r.owner_id, r.currency, date_trunc('month', r.issue_date)::date, sign * r.total, sign)
        ON CONFLICT (owner_id, currency, month)
        DO UPDATE SET invoiced = t.invoiced + sign * r.total, invoices = t.invoices + sign;
    END IF;
    IF r.status = 'sent' THEN
        INSERT INTO analytics_open_by_due AS t (owner_id, currency, due_date, outstanding, invoices)
        VALUES (r.owner_id, r.currency, r.due_date, sign * (r.total - r.amount_paid), sign)
        ON CONFLICT (owner_id, currency, due_date) DO UPDATE
            SET outstanding = t.outstanding + sign * (r.total - r.amount_paid),
                invoices = t.invoices + sign;
        DELETE FROM analytics_open_by_due
         WHERE owner_id = r.owner_id AND currency = r.currency AND due_date = r.due_date
           AND invoices = 0;
        INSERT INTO analytics_open_by_client AS t (owner_id, currency, client_id, outstanding, invoices)
        VALUES (r.owner_id, r.currency, r.client_id, sign * (r.total - r.amount_paid), sign)
        ON CONFLICT (owner_id, currency, client_id) DO UPDATE
            SET outstanding = t.outstanding + sign * (r.total - r.amount_paid),
                invoices = t.invoices + sign;
        DELETE FROM analytics_open_by_client
         WHERE owner_id = r.owner_id AND currency = r.currency AND client_id = r.client_id
           AND invoices = 0;
    END IF;
END
$$;

CREATE FUNCTION analytics_invoices_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM analytics_invoice_part(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM analytics_invoice_part(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER analytics_invoices_totals
    AFTER INSERT OR UPDATE OR DELETE ON analytics_invoices
    FOR EACH ROW EXECUTE FUNCTION analytics_invoices_totals();

-- Payments are only ever added (a redelivered one conflicts and is not).
CREATE FUNCTION analytics_payments_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO analytics_month_totals AS t (owner_id, currency, month, received)
    VALUES (NEW.owner_id, NEW.currency, date_trunc('month', NEW.paid_on)::date, NEW.amount)
    ON CONFLICT (owner_id, currency, month) DO UPDATE SET received = t.received + NEW.amount;
    INSERT INTO analytics_received_by_day AS t (owner_id, currency, paid_on, amount)
    VALUES (NEW.owner_id, NEW.currency, NEW.paid_on, NEW.amount)
    ON CONFLICT (owner_id, currency, paid_on) DO UPDATE SET amount = t.amount + NEW.amount;
    RETURN NULL;
END
$$;
CREATE TRIGGER analytics_payments_totals
    AFTER INSERT ON analytics_payments
    FOR EACH ROW EXECUTE FUNCTION analytics_payments_totals();

-- The totals summed afresh from the rows (once here, for what is there already; by a bulk
-- load that writes the rows with the triggers off: scripts/seed-large.sql).
CREATE FUNCTION analytics_refill_totals() RETURNS void LANGUAGE sql AS $$
TRUNCATE analytics_status_counts, analytics_open_by_due, analytics_open_by_client,
         analytics_month_totals, analytics_received_by_day;
INSERT INTO analytics_status_counts (owner_id, status, invoices)
SELECT owner_id, status, count(*) FROM analytics_invoices WHERE NOT deleted GROUP BY 1, 2;
INSERT INTO analytics_open_by_due (owner_id, currency, due_date, outstanding, invoices)
SELECT owner_id, currency, due_date, sum(total - amount_paid), count(*)
  FROM analytics_invoices WHERE NOT deleted AND status = 'sent' GROUP BY 1, 2, 3;
INSERT INTO analytics_open_by_client (owner_id, currency, client_id, outstanding, invoices)
SELECT owner_id, currency, client_id, sum(total - amount_paid), count(*)
  FROM analytics_invoices WHERE NOT deleted AND status = 'sent' GROUP BY 1, 2, 3;
INSERT INTO analytics_month_totals (owner_id, currency, month, invoiced, invoices, received)
SELECT owner_id, currency, month, sum(invoiced), sum(invoices), sum(received) FROM (
    SELECT owner_id, currency, date_trunc('month', issue_date)::date AS month,
           total AS invoiced, 1 AS invoices, 0 AS received
      FROM analytics_invoices WHERE NOT deleted AND status IN ('sent', 'paid')
    UNION ALL
    SELECT owner_id, currency, date_trunc('month', paid_on)::date, 0, 0, amount
      FROM analytics_payments) parts
 GROUP BY 1, 2, 3;
INSERT INTO analytics_received_by_day (owner_id, currency, paid_on, amount)
SELECT owner_id, currency, paid_on, sum(amount) FROM analytics_payments GROUP BY 1, 2, 3;
$$;
SELECT analytics_refill_totals();

-- A rebuild empties the totals with the rows they sum (TRUNCATE fires no row trigger).
CREATE OR REPLACE FUNCTION analytics_rebuild() RETURNS bigint LANGUAGE sql AS $$
    TRUNCATE analytics_invoices, analytics_payments, analytics_owners,
             analytics_status_counts, analytics_open_by_due, analytics_open_by_client,
             analytics_month_totals, analytics_received_by_day;
    UPDATE analytics_checkpoint
       SET generation = generation + 1, tx = 0, seq = 0,
           events_applied = 0, events_skipped = 0, caught_up_at = NULL
     RETURNING generation;
$$;
