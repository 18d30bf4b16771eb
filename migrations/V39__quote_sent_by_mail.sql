-- A quote sent to a client with an e-mail address is e-mailed to them with a link of
-- its own: the quotes context writes the link and the e-mail in the statement that
-- marks the quote sent, so one sending is one e-mail (docs/documents.md). And an
-- invoice finds the quote it was made from.

-- The address the quote went to, as the client had it when it was sent (NULL: the
-- client had none, and the freelancer shares a link by hand).
ALTER TABLE quotes ADD COLUMN emailed_to text;

-- A quote's e-mail is to the client (`recipient`, shown as from `from_name`, replies
-- to the freelancer) or, with no recipient, a notice to the freelancer.
ALTER TABLE quote_mail
    ADD COLUMN recipient text,
    ADD COLUMN from_name text;

-- New columns go last, as CREATE OR REPLACE VIEW requires.
CREATE OR REPLACE VIEW quote_mail_outbox AS
    SELECT id, owner_id, subject, body, created_at, recipient, from_name FROM quote_mail;
COMMENT ON VIEW quote_mail_outbox IS
    'Published by quotes for delivery: quotes e-mailed to clients (recipient set) and the notices telling freelancers of their answers (recipient NULL: the account''s address). id is the idempotency key.';

CREATE OR REPLACE VIEW delivery_account_outbox AS
    SELECT id, recipient, subject, body, created_at,
           NULL::text AS from_name, NULL::text AS reply_to
    FROM account_mail_outbox
    UNION ALL
    SELECT m.id, coalesce(m.recipient, s.email), m.subject, m.body, m.created_at,
           m.from_name, CASE WHEN m.recipient IS NOT NULL THEN s.email END
    FROM quote_mail_outbox m JOIN account_standing s ON s.user_id = m.owner_id;
COMMENT ON VIEW delivery_account_outbox IS
    'The delivery context''s reading of the e-mails it owes outside invoices: identity''s, the quotes sent to clients (from the freelancer''s name, replies to their address) and the quotes'' notices.';

-- The invoice finds the quote it came from (`GET /quotes?invoice_id=`): at most one.
CREATE UNIQUE INDEX quotes_invoice_idx ON quotes (owner_id, invoice_id)
    WHERE invoice_id IS NOT NULL;
