-- What Peppol BIS 3.0 needs of a buyer that an address and a VAT id do not say: where it
-- receives e-invoices on the network (its participant id, `0088:5790000435968`) and its
-- legal registration number (a Danish CVR, a Dutch KvK number). The business profile,
-- jsonb, gains its own in the profile context's code (contact_name, phone, peppol_id,
-- registration_id), no column needed.
ALTER TABLE clients
    ADD COLUMN peppol_id       text,
    ADD COLUMN registration_id text;

-- The clients context's published read gains them (and the phone an issued invoice's
-- buyer contact carries): new columns go last, as CREATE OR REPLACE VIEW requires.
CREATE OR REPLACE VIEW client_directory AS
SELECT id, owner_id, name, company, email, tax_id, address, default_currency,
       archived_at IS NOT NULL AS archived,
       phone, peppol_id, registration_id
FROM clients;
