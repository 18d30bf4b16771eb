-- What an operator's scraper counts every minute (GET /metrics/delivery): the e-mails given
-- up on. Few rows, so a small partial index; without it each scrape read the whole sent
-- history of both tables.
CREATE INDEX deliveries_failed_idx ON deliveries (status) WHERE status = 'failed';
CREATE INDEX account_deliveries_failed_idx ON account_deliveries (status) WHERE status = 'failed';
