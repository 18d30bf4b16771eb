//! Whether an account may act outwardly — send invoices to clients, take card payments —
//! read from identity's published view `account_standing`: only once its owner has
//! proven the address, so a mistyped or someone else's address never becomes the sender
//! of an invoice.

use fin_problem::{Fault, Problem};
use spin_sdk::pg4::Connection;

use crate::pg;

/// A 403 naming what to do, unless `owner`'s address is verified.
pub fn require_verified(conn: &Connection, owner: &str, context: &str) -> Result<(), Problem> {
    let rows = pg::query(
        conn,
        "SELECT email_verified FROM account_standing WHERE user_id = $1::text::uuid",
        &[owner.to_owned().into()],
    )
    .map_err(|fault: Fault| fault.into_problem(context))?;
    let verified = rows
        .first()
        .and_then(|row| row.first())
        .is_some_and(|v| matches!(v, spin_sdk::pg4::DbValue::Boolean(true)));
    if verified {
        Ok(())
    } else {
        Err(unverified())
    }
}

/// The answer to an account that has not confirmed its address yet.
pub fn unverified() -> Problem {
    Problem::new(403, "email-unverified", "E-mail address not confirmed").with_detail(
        "Confirm your e-mail address first: open the link we e-mailed you when you signed up \
         (the Security page sends a new one). Until then invoices cannot be sent and card \
         payments cannot be connected.",
    )
}
