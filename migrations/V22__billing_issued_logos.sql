-- Billing's published read for the profile context: which logos the sellers frozen on
-- issued invoices name. The profile context deletes a picture only when neither its
-- profile nor any of these names it, without reading the invoices table.
CREATE VIEW issued_logos AS
SELECT owner_id, seller->'logo'->>'sha256' AS sha256
FROM invoices
WHERE seller->'logo'->>'sha256' IS NOT NULL;
