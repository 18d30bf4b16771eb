-- Identity publishes whether an account may act outwardly: until its owner has proven
-- the address (the link e-mailed at registration, or a password reset), billing sends no
-- invoice and payments connects no Stripe account for it.
CREATE VIEW account_standing AS
    SELECT id AS user_id, email_verified_at IS NOT NULL AS email_verified FROM users;
COMMENT ON VIEW account_standing IS
    'Published by identity for billing and payments: whether the account''s e-mail address is verified.';
