-- Payments context: a freelancer's Stripe account, for "Pay now" on their invoices. The
-- secret key is kept sealed (ChaCha20-Poly1305 under the app's payments_encryption_key,
-- the owner's id bound in); key_id names the encryption key that sealed it, so a rotated
-- key shows as "connect again" rather than as corruption. Only the mode and the last four
-- characters are ever shown.
CREATE TABLE stripe_connections (
    owner_id     uuid        PRIMARY KEY,
    sealed_key   bytea       NOT NULL,
    key_id       text        NOT NULL,
    livemode     boolean     NOT NULL,
    key_last4    text        NOT NULL,
    connected_at timestamptz NOT NULL DEFAULT now()
);
