-- A quote's answer tells its freelancer by e-mail: the quotes context writes the e-mail
-- in the statement that records the answer (so one answer is one e-mail), and publishes
-- it for the delivery context, which sends it exactly once like the account e-mails.
-- No address is copied: delivery reads the account's address from identity when it
-- sends, so an erased account leaves none behind.

CREATE TABLE quote_mail (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id   uuid        NOT NULL,
    quote_id   uuid        NOT NULL REFERENCES quotes (id),
    subject    text        NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quote_mail_created_idx ON quote_mail (created_at);

CREATE VIEW quote_mail_outbox AS
    SELECT id, owner_id, subject, body, created_at FROM quote_mail;
COMMENT ON VIEW quote_mail_outbox IS
    'Published by quotes for delivery: the e-mails telling freelancers of their quotes'' answers (id is the idempotency key).';

-- Identity publishes the account's address beside its standing (a new column goes last,
-- as CREATE OR REPLACE VIEW requires).
CREATE OR REPLACE VIEW account_standing AS
    SELECT id AS user_id, email_verified_at IS NOT NULL AS email_verified, email FROM users;
COMMENT ON VIEW account_standing IS
    'Published by identity for billing, payments and delivery: whether the account''s e-mail address is verified, and the address.';

-- What the mailer sends to account holders: identity's e-mails and the quotes' notices,
-- each addressed when it is read.
CREATE VIEW delivery_account_outbox AS
    SELECT id, recipient, subject, body, created_at FROM account_mail_outbox
    UNION ALL
    SELECT m.id, s.email, m.subject, m.body, m.created_at
    FROM quote_mail_outbox m JOIN account_standing s ON s.user_id = m.owner_id;
COMMENT ON VIEW delivery_account_outbox IS
    'The delivery context''s reading of the account e-mails it owes: identity''s and the quotes'' notices.';

CREATE OR REPLACE FUNCTION quotes_erase_owner(owner uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM quote_mail WHERE owner_id = owner;
    DELETE FROM quote_links WHERE owner_id = owner;
    DELETE FROM quotes WHERE owner_id = owner;
    DELETE FROM quote_counters WHERE owner_id = owner;
$$;
