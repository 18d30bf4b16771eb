-- The clients context's published read: what another context may know of a client (is
-- it the caller's, may it be invoiced, in what currency, what an issued invoice names of
-- it). Billing reads this view in its own statement instead of asking the clients
-- component over HTTP — a whole second request per create, move or send, and half of a
-- create's cost (docs/performance.md, session 13). The view is the contract: the clients
-- context may reshape its table as long as this keeps its columns and meaning.
CREATE VIEW client_directory AS
SELECT id, owner_id, name, company, email, tax_id, address, default_currency,
       archived_at IS NOT NULL AS archived
FROM clients;
