-- Erasing an account. Each context publishes one function that removes every row an
-- owner has in its tables — the only door into them, as its views are for reading —
-- and identity's `identity_erase_account` calls them all, then deletes the user (its own
-- tables follow by ON DELETE CASCADE). One call is one statement: the account goes
-- whole, or not at all.

CREATE FUNCTION billing_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM idempotency_keys WHERE owner_id = owner;
    DELETE FROM payments WHERE owner_id = owner;
    DELETE FROM invoices WHERE owner_id = owner;
    DELETE FROM invoice_counters WHERE owner_id = owner;
    DELETE FROM outbox WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION billing_erase_owner(uuid) IS
    'Published by billing for account erasure: every invoice, payment, counter, idempotency record and event of the owner.';

CREATE FUNCTION clients_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM clients WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION clients_erase_owner(uuid) IS
    'Published by clients for account erasure: every client of the owner.';

CREATE FUNCTION profile_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM business_logos WHERE owner_id = owner;
    DELETE FROM business_profiles WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION profile_erase_owner(uuid) IS
    'Published by profile for account erasure: the business profile and every logo of the owner.';

CREATE FUNCTION sharing_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM share_links WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION sharing_erase_owner(uuid) IS
    'Published by sharing for account erasure: every share link of the owner.';

CREATE FUNCTION payments_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM provider_events WHERE owner_id = owner;
    DELETE FROM stripe_connections WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION payments_erase_owner(uuid) IS
    'Published by payments for account erasure: the Stripe connection and every provider event of the owner.';

CREATE FUNCTION delivery_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM deliveries WHERE owner_id = owner;
    DELETE FROM delivery_invoices WHERE owner_id = owner;
    DELETE FROM delivery_settings WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION delivery_erase_owner(uuid) IS
    'Published by delivery for account erasure: every delivery, reminder state and setting of the owner.';

CREATE FUNCTION analytics_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM analytics_invoices WHERE owner_id = owner;
    DELETE FROM analytics_payments WHERE owner_id = owner;
    DELETE FROM analytics_month_totals WHERE owner_id = owner;
    DELETE FROM analytics_open_by_client WHERE owner_id = owner;
    DELETE FROM analytics_open_by_due WHERE owner_id = owner;
    DELETE FROM analytics_open_by_due_month WHERE owner_id = owner;
    DELETE FROM analytics_received_by_day WHERE owner_id = owner;
    DELETE FROM analytics_status_counts WHERE owner_id = owner;
    DELETE FROM analytics_owners WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION analytics_erase_owner(uuid) IS
    'Published by analytics for account erasure: the owner''s whole read model.';

-- Identity's: the account at `version` (a password checked against an older one erases
-- nothing), its access tokens still unexpired for the blocklist — one row per token, or
-- one row without a token when there is none; no row when nothing was erased.
CREATE FUNCTION identity_erase_account(account uuid, version integer)
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
    DELETE FROM users u WHERE u.id = account;
END
$$;
COMMENT ON FUNCTION identity_erase_account(uuid, integer) IS
    'Identity''s account erasure: every context''s rows of the account, then the account.';
