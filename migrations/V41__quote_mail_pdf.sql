-- A quote e-mailed to its client carries the quote's PDF, as an invoice's e-mail does:
-- the quotes context names the file when it writes the e-mail, and the mailer prints
-- the quote (as its owner, through the API) when it sends it (docs/documents.md).

-- The PDF's file name (`QUO-2026-0001.pdf`); NULL for e-mails without one (the
-- notices telling a freelancer of an answer).
ALTER TABLE quote_mail ADD COLUMN attachment text;

-- New columns go last, as CREATE OR REPLACE VIEW requires.
CREATE OR REPLACE VIEW quote_mail_outbox AS
    SELECT id, owner_id, subject, body, created_at, recipient, from_name, quote_id, attachment
    FROM quote_mail;
COMMENT ON VIEW quote_mail_outbox IS
    'Published by quotes for delivery: quotes e-mailed to clients (recipient set, attachment the PDF''s file name) and the notices telling freelancers of their answers (recipient NULL: the account''s address). id is the idempotency key.';

CREATE OR REPLACE VIEW delivery_account_outbox AS
    SELECT id, recipient, subject, body, created_at,
           NULL::text AS from_name, NULL::text AS reply_to,
           NULL::uuid AS owner_id, NULL::uuid AS quote_id, NULL::text AS attachment
    FROM account_mail_outbox
    UNION ALL
    SELECT m.id, coalesce(m.recipient, s.email), m.subject, m.body, m.created_at,
           m.from_name, CASE WHEN m.recipient IS NOT NULL THEN s.email END,
           m.owner_id, m.quote_id, m.attachment
    FROM quote_mail_outbox m JOIN account_standing s ON s.user_id = m.owner_id;
COMMENT ON VIEW delivery_account_outbox IS
    'The delivery context''s reading of the e-mails it owes outside invoices: identity''s, the quotes sent to clients (from the freelancer''s name, replies to their address, with the PDF named by attachment, printed as owner_id from quote_id) and the quotes'' notices.';
