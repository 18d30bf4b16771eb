-- The seller (the business profile as it was) and the buyer (the client as it was),
-- frozen on an invoice when it is sent; NULL on drafts.
ALTER TABLE invoices
    ADD COLUMN seller jsonb,
    ADD COLUMN buyer  jsonb;
