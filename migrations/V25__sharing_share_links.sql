-- Share links belong to the sharing context (components/sharing) from here on; V9 made
-- the table when billing kept them. Sharing reads invoices only through billing's
-- published contract (V24 invoice_directory, /internal/issued-invoices), so the
-- foreign key into billing's table goes: invoices are never removed, only marked deleted,
-- and a link to a deleted invoice opens nothing.
ALTER TABLE share_links DROP CONSTRAINT IF EXISTS share_links_invoice_id_fkey;
COMMENT ON TABLE share_links IS
  'Owned by the sharing context: a sent invoice shown to whoever holds the link.';
