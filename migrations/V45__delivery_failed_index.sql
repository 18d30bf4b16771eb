-- What an operator's scraper counts every minute (GET /metrics/delivery): the e-mails given
-- up on in the last hour. A failed row's next_attempt_at is when it was given up (the
-- attempt's end writes now() plus no wait), so a small partial index by it keeps each
-- scrape to the last hour's failures however long the sent history grows.
CREATE INDEX deliveries_failed_idx ON deliveries (next_attempt_at) WHERE status = 'failed';
CREATE INDEX account_deliveries_failed_idx ON account_deliveries (next_attempt_at)
    WHERE status = 'failed';
-- The dashboard's count of an owner's failed e-mails (the view delivery_failures): with
-- the index above beside it, the planner walked every failure of every owner by time and
-- filtered (tests/tests/plans.rs caught it); by owner it reads that owner's only.
CREATE INDEX deliveries_failed_owner_idx ON deliveries (owner_id) WHERE status = 'failed';
