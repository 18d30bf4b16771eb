-- Refunds: money a freelancer paid back to a client against a credit note, when the
-- credit came after the client had paid (components/billing/src/refund.rs). Written in
-- the statement that raises the invoice's refunded amount, at the invoice's version, so
-- two refunds at once can never together pay back more than is owed.

ALTER TABLE invoices
    ADD COLUMN amount_refunded bigint NOT NULL DEFAULT 0
        CHECK (amount_refunded >= 0 AND amount_refunded <= amount_credited);

CREATE TABLE credit_note_refunds (
    id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    credit_note_id uuid        NOT NULL REFERENCES credit_notes (id),
    invoice_id     uuid        NOT NULL REFERENCES invoices (id),
    owner_id       uuid        NOT NULL,
    amount         bigint      NOT NULL CHECK (amount > 0),
    refunded_on    date        NOT NULL,
    method         text,
    reference      text,
    created_at     timestamptz NOT NULL DEFAULT now()
);
-- An invoice reads its credit notes' refunds with every read.
CREATE INDEX credit_note_refunds_note_idx ON credit_note_refunds (credit_note_id, created_at);

CREATE OR REPLACE FUNCTION billing_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM idempotency_keys WHERE owner_id = owner;
    DELETE FROM payments WHERE owner_id = owner;
    DELETE FROM credit_note_refunds WHERE owner_id = owner;
    DELETE FROM credit_notes WHERE owner_id = owner;
    DELETE FROM credit_note_counters WHERE owner_id = owner;
    DELETE FROM invoices WHERE owner_id = owner;
    DELETE FROM invoice_counters WHERE owner_id = owner;
    DELETE FROM outbox WHERE owner_id = owner;
$$;
COMMENT ON FUNCTION billing_erase_owner(uuid) IS
    'Published by billing for account erasure: every invoice, payment, credit note, refund, counter, idempotency record and event of the owner.';
