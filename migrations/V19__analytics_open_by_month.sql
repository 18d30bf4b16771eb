-- Analytics: open balances by the month they fell due, beside the day rows of V17. Every
-- invoice due before this month is overdue whatever today's date, so the dashboard sums
-- those by month and reads day rows only from the first of this month on: a dozen rows a
-- year of history instead of one a day (the 1M-invoice cost curve, docs/performance.md,
-- showed the largest user's dashboard falling from 0.24 to 0.20 of the floor as a
-- thousand due dates piled up).
CREATE TABLE analytics_open_by_due_month (
    owner_id    uuid    NOT NULL,
    currency    char(3) NOT NULL,
    month       date    NOT NULL,
    outstanding bigint  NOT NULL,
    invoices    bigint  NOT NULL,
    PRIMARY KEY (owner_id, currency, month)
);
-- The day rows from a date on, whatever the currency.
CREATE INDEX analytics_open_by_due_owner_day_idx ON analytics_open_by_due (owner_id, due_date);

CREATE OR REPLACE FUNCTION analytics_invoice_part(r analytics_invoices, sign integer) RETURNS void
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
        INSERT INTO analytics_open_by_due_month AS t (owner_id, currency, month, outstanding, invoices)
        VALUES (r.owner_id, r.currency, date_trunc('month', r.due_date)::date,
                sign * (r.total - r.amount_paid), sign)
        ON CONFLICT (owner_id, currency, month) DO UPDATE
            SET outstanding = t.outstanding + sign * (r.total - r.amount_paid),
                invoices = t.invoices + sign;
        DELETE FROM analytics_open_by_due_month
         WHERE owner_id = r.owner_id AND currency = r.currency
           AND month = date_trunc('month', r.due_date)::date AND invoices = 0;
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

CREATE OR REPLACE FUNCTION analytics_refill_totals() RETURNS void LANGUAGE sql AS $$
TRUNCATE analytics_status_counts, analytics_open_by_due, analytics_open_by_due_month,
         analytics_open_by_client, analytics_month_totals, analytics_received_by_day;
INSERT INTO analytics_status_counts (owner_id, status, invoices)
SELECT owner_id, status, count(*) FROM analytics_invoices WHERE NOT deleted GROUP BY 1, 2;
INSERT INTO analytics_open_by_due (owner_id, currency, due_date, outstanding, invoices)
SELECT owner_id, currency, due_date, sum(total - amount_paid), count(*)
  FROM analytics_invoices WHERE NOT deleted AND status = 'sent' GROUP BY 1, 2, 3;
INSERT INTO analytics_open_by_due_month (owner_id, currency, month, outstanding, invoices)
SELECT owner_id, currency, date_trunc('month', due_date)::date, sum(total - amount_paid), count(*)
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

CREATE OR REPLACE FUNCTION analytics_rebuild() RETURNS bigint LANGUAGE sql AS $$
    TRUNCATE analytics_invoices, analytics_payments, analytics_owners,
             analytics_status_counts, analytics_open_by_due, analytics_open_by_due_month,
             analytics_open_by_client,
             analytics_month_totals, analytics_received_by_day;
    UPDATE analytics_checkpoint
       SET generation = generation + 1, tx = 0, seq = 0,
           events_applied = 0, events_skipped = 0, caught_up_at = NULL
     RETURNING generation;
$$;
