-- Clients: the search (`GET /clients?q=…`, `ILIKE '%…%'` on name, e-mail and company)
-- found by trigram indexes instead of by reading every client of the user and testing
-- each: tests/tests/plans.rs counted every one of the largest user's clients read per
-- search. pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may
-- create it. A search of one or two characters has no trigram and still reads the
-- user's clients (bounded by them, and by the page once 21 are found).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX clients_name_trgm_idx ON clients USING gin (name gin_trgm_ops);
CREATE INDEX clients_email_trgm_idx ON clients USING gin (email gin_trgm_ops);
CREATE INDEX clients_company_trgm_idx ON clients USING gin (company gin_trgm_ops);
