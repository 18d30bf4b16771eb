-- The quotes context: an offer a freelancer sends before the work, which the client
-- accepts or declines on the quote's own link (docs/documents.md). It owns these three
-- tables; an accepted quote becomes a draft invoice through billing's API.

-- The last quote number handed out per owner and year (QUO-<year>-<n>): written in the
-- statement that inserts the quote, so a refused statement takes no number.
CREATE TABLE quote_counters (
    owner_id uuid    NOT NULL,
    year     integer NOT NULL,
    last     integer NOT NULL CHECK (last > 0),
    PRIMARY KEY (owner_id, year)
);

CREATE TABLE quotes (
    id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id       uuid        NOT NULL REFERENCES users (id),
    number_year    integer     NOT NULL,
    number_seq     integer     NOT NULL CHECK (number_seq > 0),
    -- One of the owner's clients (checked in `client_directory` when written); not a
    -- foreign key, because the clients table is another context's.
    client_id      uuid        NOT NULL,
    currency       char(3)     NOT NULL,
    -- `fin_commercial::lines::LineItem`s, as serde writes them.
    lines          jsonb       NOT NULL,
    -- The API's form: {"percent": "10"}, {"amount": 500} or null.
    discount       jsonb,
    notes          text,
    issue_date     date        NOT NULL,
    valid_until    date        NOT NULL CHECK (valid_until >= issue_date),
    -- draft → sent → accepted | declined. `expired` is not stored: a sent quote past its
    -- valid-until date reads as expired.
    status         text        NOT NULL DEFAULT 'draft'
                               CHECK (status IN ('draft', 'sent', 'accepted', 'declined')),
    sent_at        timestamptz,
    -- The client's answer, written once by a compare-and-set on `status = 'sent'`.
    answered_at    timestamptz,
    answered_by    text,
    answer_note    text,
    answer_address text,
    -- The draft invoice an accepted quote became (billing's id; set once).
    invoice_id     uuid,
    -- Deleted drafts keep their row, hidden, so their number stays accounted for.
    deleted        boolean     NOT NULL DEFAULT false,
    version        bigint      NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_id, number_year, number_seq),
    CHECK ((status IN ('accepted', 'declined')) = (answered_at IS NOT NULL)),
    CHECK (invoice_id IS NULL OR status = 'accepted')
);
-- The owner's list is newest number first: the unique index above, read backwards.

-- A link to a sent quote, for the client: only a digest of its token is kept. It works
-- until it is revoked or the quote's valid-until date has passed.
CREATE TABLE quote_links (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    quote_id     uuid        NOT NULL REFERENCES quotes (id),
    owner_id     uuid        NOT NULL,
    token_digest text        NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE INDEX quote_links_quote_idx ON quote_links (quote_id, created_at);

CREATE FUNCTION quotes_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM quote_links WHERE owner_id = owner;
    DELETE FROM quotes WHERE owner_id = owner;
    DELETE FROM quote_counters WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION quotes_erase_owner(uuid) IS
    'Published by quotes for account erasure: every quote of the owner, its links and its counters.';

-- Identity's erasure calls every context's function: quotes' joins them.
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
    PERFORM quotes_erase_owner(account);
    PERFORM recurring_erase_owner(account);
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
