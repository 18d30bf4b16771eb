-- A large, skewed data set in bulk SQL (not the API): `users` freelancers, about
-- `clients` clients and `invoices` invoices, shared out by rank as 1/rank (Zipf) — so
-- with 10,000 users the largest has about a tenth of all invoices, the tenth a hundredth,
-- and most have a handful. Every user signs in with the demo password
-- (`demo-password-2026`) as seed-<rank>@large.example: seed-1 is the largest.
--
-- Used by `make seed-large` (scripts/seed-large.sh: 10,000 / 200,000 / 1,000,000) and by
-- tests/tests/plans.rs (smaller). A temporary function: it leaves nothing behind in the
-- database but the rows.
--
-- The rows are what the app writes: one line per invoice (19 % VAT); issue dates over the
-- last three years, the newest drafts, then open ones, the older paid (with their
-- payment) but for a few void or still unpaid; the dashboard's read model filled from them as the
-- projector would; each issued invoice's e-mail delivered (1 % failed); each owner's
-- invoice counter at their last number.
CREATE OR REPLACE FUNCTION pg_temp.fin_seed(n_users int, n_clients int, n_invoices int)
RETURNS TABLE (seeded_users bigint, seeded_clients bigint, seeded_invoices bigint)
LANGUAGE plpgsql AS $$
DECLARE
    harmonic numeric := (SELECT sum(1.0 / k) FROM generate_series(1, n_users) k);
BEGIN
    CREATE TEMP TABLE seed_users ON COMMIT DROP AS
    SELECT r, gen_random_uuid() AS id,
           greatest(1, round(n_clients * (1.0 / r) / harmonic))::int AS clients,
           greatest(1, round(n_invoices * (1.0 / r) / harmonic))::int AS invoices
      FROM generate_series(1, n_users) r;

    INSERT INTO users (id, email, name, password_hash)
    SELECT id, 'seed-' || r || '@large.example', 'Seed freelancer ' || r,
           '$argon2id$v=19$m=19456,t=2,p=1$Q26r3PMBzzbd0T7GaiF8nQ$xyIhz4TYusJbTQUfgRxYWpyPCPIImw5IMrSbma1vkF8'
      FROM seed_users;

    CREATE TEMP TABLE seed_clients ON COMMIT DROP AS
    SELECT u.id AS owner_id, u.r, c AS k, gen_random_uuid() AS id
      FROM seed_users u, generate_series(1, u.clients) c;
    INSERT INTO clients (id, owner_id, name, email, default_currency, created_at, updated_at)
    SELECT id, owner_id,
           (ARRAY['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne',
                  'Wonka', 'Tyrell', 'Cyberdyne', 'Soylent', 'Vandelay'])[1 + k % 12]
               || ' ' || (ARRAY['GmbH', 'Ltd', 'SA', 'BV', 'Inc', 'AB'])[1 + k % 6] || ' ' || k,
           'accounts@client' || k || '.r' || r || '.example', 'EUR',
           now() - make_interval(mins => k), now() - make_interval(mins => k)
      FROM seed_clients;
    CREATE INDEX ON seed_clients (owner_id, k);

    INSERT INTO invoices (owner_id, client_id, number_year, number_seq, status, issue_date,
                          due_date, currency, lines, subtotal, discount_amount, tax, total,
                          amount_paid, sent_at, paid_at, voided_at, created_at, updated_at)
    SELECT u.id, c.id, 2026, i, s.status, d.issued, d.issued + 30, 'EUR',
           jsonb_build_array(jsonb_build_object('description', 'Consulting, month ' || i,
               'quantity_milli', 1000, 'unit_price', a.net, 'tax_rate_bp', 1900)),
           a.net, 0, a.net * 19 / 100, a.net * 119 / 100,
           CASE s.status WHEN 'paid' THEN a.net * 119 / 100 ELSE 0 END,
           CASE WHEN s.status <> 'draft' THEN d.issued::timestamptz END,
           CASE WHEN s.status = 'paid' THEN (d.issued + 20)::timestamptz END,
           CASE WHEN s.status = 'void' THEN (d.issued + 5)::timestamptz END,
           d.issued::timestamptz, d.issued::timestamptz
      FROM seed_users u
     CROSS JOIN LATERAL generate_series(1, u.invoices) i
      JOIN seed_clients c ON c.owner_id = u.id AND c.k = 1 + i % u.clients
     CROSS JOIN LATERAL (SELECT (10000 + (i * 7919) % 190000) / 100 * 100 AS net) a
     -- As a freelancer's book looks: the newest 1 % drafts, the next 3 % sent and open
     -- (some of them overdue); of the older ones 2 % still unpaid (overdue), 5 % void,
     -- the rest paid. Newest numbers are the newest invoices, three years in all.
     CROSS JOIN LATERAL (SELECT CASE
              WHEN u.invoices - i < greatest(1, u.invoices / 100) THEN 'draft'
              WHEN u.invoices - i < greatest(2, u.invoices * 4 / 100) THEN 'sent'
              WHEN i % 50 = 0 THEN 'sent'
              WHEN i % 20 = 1 THEN 'void'
              ELSE 'paid' END AS status) s
     CROSS JOIN LATERAL (SELECT current_date - (u.invoices - i) * 1095 / u.invoices AS issued) d;

    INSERT INTO payments (invoice_id, owner_id, amount, paid_on, method)
    SELECT id, owner_id, total, (paid_at AT TIME ZONE 'UTC')::date, 'bank transfer'
      FROM invoices i
     WHERE status = 'paid' AND owner_id IN (SELECT id FROM seed_users);

    -- Each issued invoice was e-mailed; one in a hundred could not be (a bad address).
    -- An attempt's end sets next_attempt_at to its own time (no wait for sent or failed).
    INSERT INTO deliveries (owner_id, invoice_id, kind, status, recipient, attempts,
                            last_error, next_attempt_at, created_at, updated_at, sent_at)
    SELECT i.owner_id, i.id, 'invoice',
           CASE WHEN i.number_seq % 100 = 7 THEN 'failed' ELSE 'sent' END,
           'accounts@client.example', 1,
           CASE WHEN i.number_seq % 100 = 7 THEN 'the recipient address is on the suppression list' END,
           i.sent_at, i.sent_at, i.sent_at, CASE WHEN i.number_seq % 100 <> 7 THEN i.sent_at END
      FROM invoices i JOIN seed_users u ON u.id = i.owner_id
     WHERE i.status <> 'draft';

    INSERT INTO invoice_counters (owner_id, year, last)
    SELECT s.id, 2026, s.invoices FROM seed_users s;

    -- Summed once at the end rather than row by row by the triggers.
    ALTER TABLE analytics_invoices DISABLE TRIGGER analytics_invoices_totals;
    ALTER TABLE analytics_payments DISABLE TRIGGER analytics_payments_totals;
    INSERT INTO analytics_invoices (invoice_id, owner_id, client_id, version, status, deleted,
                                    currency, issue_date, due_date, total, amount_paid,
                                    amount_overpaid)
    SELECT i.id, i.owner_id, i.client_id, i.version, i.status, false, i.currency,
           i.issue_date, i.due_date, i.total, i.amount_paid, 0
      FROM invoices i JOIN seed_users u ON u.id = i.owner_id;
    INSERT INTO analytics_payments (payment_id, owner_id, invoice_id, currency, amount, paid_on)
    SELECT p.id, p.owner_id, p.invoice_id, 'EUR', p.amount, p.paid_on
      FROM payments p JOIN seed_users u ON u.id = p.owner_id;
    ALTER TABLE analytics_invoices ENABLE TRIGGER analytics_invoices_totals;
    ALTER TABLE analytics_payments ENABLE TRIGGER analytics_payments_totals;
    PERFORM analytics_refill_totals();

    RETURN QUERY SELECT (SELECT count(*) FROM seed_users),
                        (SELECT count(*) FROM seed_clients),
                        (SELECT sum(u.invoices)::bigint FROM seed_users u);
END
$$;
