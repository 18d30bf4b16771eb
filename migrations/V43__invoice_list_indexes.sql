-- Billing: two invoice lists that stay flat as a freelancer's history grows.
--
-- `GET /invoices?status=overdue` (and `sent`) is newest number first among the sent
-- invoices whose due date is past (or not). Walking the status index, each sent invoice
-- not yet due — a month's worth — was read from the table only to be skipped (at a million
-- invoices the largest user's page filtered ~1,900 rows with heap fetches: 435 buffers,
-- 3 ms). This index holds only the open (sent) invoices, with their due dates and ids
-- beside their numbers, so the page is chosen from the index alone and only its 20 rows
-- are read (components/billing/src/store.rs, `list`).
CREATE INDEX invoices_sent_number_idx
    ON invoices (owner_id, number_year DESC, number_seq DESC)
    INCLUDE (id, due_date, client_id, issue_date)
    WHERE status = 'sent' AND deleted_at IS NULL;

-- A list with an issue-date range (`issued_from`, `issued_to`) is in issue-date order and
-- walks this index from the range's end, instead of every newer invoice down to it.
CREATE INDEX invoices_owner_issue_date_idx
    ON invoices (owner_id, issue_date DESC, number_year DESC, number_seq DESC)
    WHERE deleted_at IS NULL;
