-- The catalogue context: the products and services a freelancer sells again and again.
-- A document's line copies an item's values, so rows are deleted for good and nothing
-- refers to them.
CREATE TABLE catalogue_items (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id     uuid        NOT NULL REFERENCES users (id),
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description  text,
    unit_price   bigint      NOT NULL CHECK (unit_price >= 0),
    currency     char(3)     NOT NULL,
    tax_rate_bp  integer     NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Keyset pagination per owner by name, case-insensitively (the list's only order).
CREATE INDEX catalogue_items_owner_name_idx ON catalogue_items (owner_id, lower(name), id);

CREATE FUNCTION catalogue_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM catalogue_items WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION catalogue_erase_owner(uuid) IS
    'Published by catalogue for account erasure: every item of the owner.';

-- Identity's erasure calls every context's function: the catalogue's joins them.
CREATE OR REPLACE FUNCTION identity_erase_account(account uuid, version integer)
RETURNS TABLE (user_id text, token_id text, expires_at bigint) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM users u WHERE u.id = account AND u.credentials_version = version FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT account::text, t.access_token_id, extract(epoch FROM t.access_expires_at)::bigint
        FROM (SELECT 1) one
        LEFT JOIN refresh_tokens t
          ON t.user_id = account AND t.access_expires_at > now() AND t.access_token_id IS NOT NULL;
    PERFORM billing_erase_owner(account);
    PERFORM clients_erase_owner(account);
    PERFORM profile_erase_owner(account);
    PERFORM sharing_erase_owner(account);
    PERFORM payments_erase_owner(account);
    PERFORM delivery_erase_owner(account);
    PERFORM analytics_erase_owner(account);
    PERFORM catalogue_erase_owner(account);
    DELETE FROM users u WHERE u.id = account;
END
$$;
