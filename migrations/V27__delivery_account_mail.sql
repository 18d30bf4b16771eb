-- Delivery: the account e-mails identity owes (identity's view account_mail_outbox),
-- sent exactly once like an invoice's: a row per e-mail before the provider is called,
-- its id the provider's idempotency key, a lease per attempt. No address or text is
-- copied here: erasing the account leaves nothing of it in this table.
CREATE TABLE account_deliveries (
    mail_id             uuid        PRIMARY KEY,
    status              text        NOT NULL DEFAULT 'queued'
                                    CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts            integer     NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    lease_until         timestamptz,
    last_error          text,
    provider_message_id text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    sent_at             timestamptz
);
CREATE INDEX account_deliveries_due_idx ON account_deliveries (next_attempt_at)
    WHERE status IN ('queued', 'sending');
