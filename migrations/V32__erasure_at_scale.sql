-- Erasing a large account in well under a minute (docs/accounts.md has the figures).

-- The dashboard's running totals are kept per row of analytics_invoices and
-- analytics_payments; an erasure removes the totals themselves, so keeping them up to
-- date row by row while it deletes would be all cost (62 s for 100k invoices). The
-- triggers stand aside while `fin.erasing` is on, which only the erase function sets,
-- for its own transaction.
DROP TRIGGER analytics_invoices_totals ON analytics_invoices;
CREATE TRIGGER analytics_invoices_totals
    AFTER INSERT OR UPDATE OR DELETE ON analytics_invoices
    FOR EACH ROW WHEN (current_setting('fin.erasing', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION analytics_invoices_totals();
DROP TRIGGER analytics_payments_totals ON analytics_payments;
CREATE TRIGGER analytics_payments_totals
    AFTER INSERT ON analytics_payments
    FOR EACH ROW WHEN (current_setting('fin.erasing', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION analytics_payments_totals();

CREATE OR REPLACE FUNCTION analytics_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    SELECT set_config('fin.erasing', 'on', true);
    DELETE FROM analytics_invoices WHERE owner_id = owner;
    DELETE FROM analytics_payments WHERE owner_id = owner;
    DELETE FROM analytics_month_totals WHERE owner_id = owner;
    DELETE FROM analytics_open_by_client WHERE owner_id = owner;
    DELETE FROM analytics_open_by_due WHERE owner_id = owner;
    DELETE FROM analytics_open_by_due_month WHERE owner_id = owner;
    DELETE FROM analytics_received_by_day WHERE owner_id = owner;
    DELETE FROM analytics_status_counts WHERE owner_id = owner;
    DELETE FROM analytics_owners WHERE owner_id = owner;
    SELECT set_config('fin.erasing', '', true);
$$;

-- Deleting an invoice checks the idempotency records that point at it: without this
-- index, one scan of the whole table per invoice erased.
CREATE INDEX idempotency_keys_invoice_idx ON idempotency_keys (invoice_id);
