-- The delivery context's published read for the dashboard: the e-mails to clients that
-- could not be delivered, by owner (a bad address, a void invoice; each is on its
-- invoice's deliveries with the reason). The analytics context counts these rows
-- without reading the deliveries table; the view keeps to its owner index.
CREATE VIEW delivery_failures AS
SELECT owner_id, invoice_id, kind, last_error
FROM deliveries
WHERE status = 'failed';
