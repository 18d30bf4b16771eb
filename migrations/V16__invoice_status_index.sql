-- Billing: an invoice list filtered by status (`GET /invoices?status=void`, `overdue`…)
-- in its own order, newest number first. Without it the list walked the owner's whole
-- numbering backwards to find the few of a rare status (tests/tests/plans.rs counted 400
-- rows read for a page of 20 voids of a user with 8,000 invoices); with it a page reads
-- about a page.
CREATE INDEX invoices_owner_status_number_idx
    ON invoices (owner_id, status, number_year DESC, number_seq DESC)
    WHERE deleted_at IS NULL;
