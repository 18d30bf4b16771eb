-- Identity: changing the account's e-mail address. The new address is confirmed by a
-- link sent to it; once changed, the old address gets a link that puts it back for a
-- week. Both are account_tokens: `email` is the address the account must still have
-- for the link to work, `new_email` the one it moves to.

ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check,
    ADD CONSTRAINT account_tokens_purpose_check CHECK (purpose IN
        ('verify_email', 'reset_password', 'change_email', 'undo_email_change')),
    ADD COLUMN new_email  text,
    -- The session that asked for the change: the only one the change leaves signed in.
    ADD COLUMN session_id uuid,
    ADD CONSTRAINT account_tokens_new_email_check CHECK (
        (purpose IN ('change_email', 'undo_email_change')) = (new_email IS NOT NULL));

-- An address given up by a change stays its old owner's while the undo link lives:
-- nobody can register it (or move an account to it) to block the way back.
CREATE INDEX account_tokens_reserved_idx ON account_tokens (new_email)
    WHERE purpose = 'undo_email_change' AND used_at IS NULL;
