-- Delivery context: how a freelancer's e-mails read, and (for reminders) when they go.
-- No row: the defaults (templates in the client's language, the business profile's name,
-- no reminders).
CREATE TABLE delivery_settings (
    owner_id          uuid        PRIMARY KEY,
    sender_name       text,
    invoice_subject   text,
    invoice_body      text,
    reminder_subject  text,
    reminder_body     text,
    reminders_enabled boolean     NOT NULL DEFAULT false,
    reminder_days     integer[]   NOT NULL DEFAULT '{3,10,30}',
    final_notice      text,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
