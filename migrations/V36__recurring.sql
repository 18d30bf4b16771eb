-- The recurring context: an invoice a freelancer sends again every week, month, quarter
-- or year (docs/documents.md). It owns these two tables; billing owns the invoices the
-- periods become, and is asked for them through its API.

-- A template: what each period's invoice says, and when periods fall due.
CREATE TABLE recurring_templates (
    id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id           uuid        NOT NULL REFERENCES users (id),
    name               text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- One of the owner's clients (checked in `client_directory` when written); not a
    -- foreign key, because the clients table is another context's.
    client_id          uuid        NOT NULL,
    currency           char(3)     NOT NULL,
    -- `fin_commercial::lines::LineItem`s, as serde writes them.
    lines              jsonb       NOT NULL,
    -- The API's form: {"percent": "10"}, {"amount": 500} or null.
    discount           jsonb,
    notes              text,
    payment_terms_days integer     NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 365),
    frequency          text        NOT NULL CHECK (frequency IN ('weekly', 'monthly', 'quarterly', 'yearly')),
    start_date         date        NOT NULL,
    end_date           date,
    max_count          integer     CHECK (max_count > 0),
    time_zone          text        NOT NULL,
    catch_up           text        NOT NULL CHECK (catch_up IN ('latest', 'every')),
    send               boolean     NOT NULL,
    paused             boolean     NOT NULL DEFAULT false,
    -- The first period not yet decided, and when it falls due (null once the schedule
    -- has ended). The sweep moves both with a compare-and-set on `next_period`, so of
    -- two sweeps only one decides a period.
    next_period        integer     NOT NULL DEFAULT 0 CHECK (next_period >= 0),
    next_due_at        timestamptz,
    -- What the freelancer last wrote (the ETag); a sweep does not move it.
    version            bigint      NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date IS NULL OR max_count IS NULL),
    CHECK (end_date IS NULL OR end_date >= start_date)
);

-- The owner's list, newest first, a keyset page at a time.
CREATE INDEX recurring_templates_owner_idx ON recurring_templates (owner_id, created_at DESC, id DESC);
-- What the sweep reads on every message: only templates whose next period has come.
CREATE INDEX recurring_templates_due_idx ON recurring_templates (next_due_at)
    WHERE NOT paused AND next_due_at IS NOT NULL;

-- A period once decided: the invoice made for it (or being made), or why none was.
-- The primary key is the last word on "exactly once": a period has one row, ever.
CREATE TABLE recurring_runs (
    template_id     uuid        NOT NULL REFERENCES recurring_templates (id) ON DELETE CASCADE,
    period          integer     NOT NULL CHECK (period >= 0),
    owner_id        uuid        NOT NULL,
    issue_date      date        NOT NULL,
    -- pending: no invoice yet; created: made, its send still owed; draft / sent: done;
    -- skipped: passed over by the catch-up setting; failed: billing refused it.
    state           text        NOT NULL CHECK (state IN ('pending', 'created', 'draft', 'sent', 'skipped', 'failed')),
    -- Decided with the period, so every attempt sends billing the same request (and the
    -- same idempotency key finds the same invoice).
    body            jsonb,
    send            boolean     NOT NULL DEFAULT false,
    invoice_id      uuid,
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    -- A claim's lease: no other sweeper takes the row before this.
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    decided_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (template_id, period)
);

-- The rows a sweeper still has work on.
CREATE INDEX recurring_runs_owed_idx ON recurring_runs (next_attempt_at)
    WHERE state IN ('pending', 'created');

CREATE FUNCTION recurring_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM recurring_runs WHERE owner_id = owner;
    DELETE FROM recurring_templates WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION recurring_erase_owner(uuid) IS
    'Published by recurring for account erasure: every template of the owner and its periods.';

-- Identity's erasure calls every context's function: recurring's joins them. Its rows
-- go before billing's, so no sweep can make an invoice for an owner being erased.
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
