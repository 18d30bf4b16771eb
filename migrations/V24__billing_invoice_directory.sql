-- Billing's published read for the sharing context: which invoices exist, whose, and
-- whether one may be shown to a client. Sharing makes a link only for an issued invoice
-- (not a draft) that names a seller — frozen when it was sent, or the profile's now —
-- and lists links only of the caller's own invoices, without reading the invoices
-- table. Deleted invoices are not in it. What a link then shows comes from billing's
-- internal route /internal/issued-invoices/{owner}/{id}.
CREATE VIEW invoice_directory AS
SELECT i.owner_id,
       i.id AS invoice_id,
       i.status <> 'draft' AS issued,
       i.seller IS NOT NULL
         OR EXISTS (SELECT 1 FROM seller_directory d WHERE d.owner_id = i.owner_id) AS names_seller
FROM invoices i
WHERE i.deleted_at IS NULL;
