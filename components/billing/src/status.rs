//! An invoice's life: draft → sent → paid, or void. `overdue` is not stored: it is what a
//! sent invoice is once its due date has passed.

use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Sent,
    Paid,
    Void,
}

/// What a user asks of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Edit,
    Delete,
    Send,
    Void,
    RecordPayment,
    Credit,
}

/// The action is not possible in the invoice's current status (a 409 naming it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IllegalTransition {
    pub current: Status,
    pub action: Action,
}

/// Why a payment cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentError {
    Illegal(IllegalTransition),
    /// Amounts are positive minor units.
    NotPositive,
    /// More than is still due; carries the balance.
    ExceedsBalance(i64),
}

/// How money from a provider lands on an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    pub status: Status,
    /// Goes to `amount_paid`, never past the total.
    pub applied: i64,
    /// The rest, kept visible as `amount_overpaid`.
    pub overpaid: i64,
}

impl Status {
    /// The status's name, as stored and as shown (but for `overdue`, see [`Status::shown`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Sent => "sent",
            Status::Paid => "paid",
            Status::Void => "void",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Status::Draft, Status::Sent, Status::Paid, Status::Void]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }

    /// Drafts may be edited freely or deleted; sent invoices only voided, paid or
    /// credited; paid invoices only credited (what the client paid is then owed back);
    /// void invoices are final.
    pub fn check(self, action: Action) -> Result<(), IllegalTransition> {
        let legal = matches!(
            (self, action),
            (
                Status::Draft,
                Action::Edit | Action::Delete | Action::Send | Action::Void
            ) | (
                Status::Sent,
                Action::Void | Action::RecordPayment | Action::Credit
            ) | (Status::Paid, Action::Credit)
        );
        if legal {
            Ok(())
        } else {
            Err(IllegalTransition {
                current: self,
                action,
            })
        }
    }

    pub fn send(self) -> Result<Status, IllegalTransition> {
        self.check(Action::Send).map(|()| Status::Sent)
    }

    pub fn void(self) -> Result<Status, IllegalTransition> {
        self.check(Action::Void).map(|()| Status::Void)
    }

    /// Records `amount` against an invoice of `total` of which `paid` is already paid; the
    /// invoice becomes paid when payments reach the total.
    pub fn pay(self, total: i64, paid: i64, amount: i64) -> Result<Status, PaymentError> {
        self.check(Action::RecordPayment)
            .map_err(PaymentError::Illegal)?;
        if amount <= 0 {
            return Err(PaymentError::NotPositive);
        }
        let balance = total - paid;
        if amount > balance {
            return Err(PaymentError::ExceedsBalance(balance));
        }
        Ok(if amount == balance {
            Status::Paid
        } else {
            Status::Sent
        })
    }

    /// Settles `amount` that a payment provider says has already moved against an
    /// invoice of `total` of which `paid` is paid. Unlike [`Status::pay`] nothing is
    /// refused for being too much — money that moved is never dropped: what exceeds the
    /// balance (all of it, on an invoice already paid) is kept as overpaid.
    pub fn receive(self, total: i64, paid: i64, amount: i64) -> Result<Receipt, IllegalTransition> {
        if !matches!(self, Status::Sent | Status::Paid) {
            return Err(IllegalTransition {
                current: self,
                action: Action::RecordPayment,
            });
        }
        let applied = amount.clamp(0, (total - paid).max(0));
        Ok(Receipt {
            status: if paid + applied >= total {
                Status::Paid
            } else {
                Status::Sent
            },
            applied,
            overpaid: amount - applied,
        })
    }

    /// Credits `amount` on an invoice that charges `payable` (its total less what earlier
    /// credit notes took back) of which `paid` is paid: settled once what is paid and
    /// credited covers the total, so no reminder chases what was taken back.
    pub fn credit(self, payable: i64, paid: i64, amount: i64) -> Result<Status, IllegalTransition> {
        self.check(Action::Credit)?;
        Ok(if paid >= payable - amount {
            Status::Paid
        } else {
            Status::Sent
        })
    }

    /// The status a client sees: a sent invoice past its due date is `overdue`; a
    /// settled one whose whole total was credited is `credited`, not paid.
    pub fn shown(self, due: Date, today: Date, fully_credited: bool) -> &'static str {
        match self {
            Status::Sent if due < today => "overdue",
            Status::Paid if fully_credited => "credited",
            status => status.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_legal_paths() {
        assert_eq!(Status::Draft.send(), Ok(Status::Sent));
        assert_eq!(Status::Draft.void(), Ok(Status::Void));
        assert_eq!(Status::Sent.void(), Ok(Status::Void));
        assert_eq!(Status::Sent.pay(100, 0, 40), Ok(Status::Sent));
        assert_eq!(Status::Sent.pay(100, 40, 60), Ok(Status::Paid));
    }

    #[test]
    fn every_illegal_transition_names_the_current_status() {
        let illegal = [
            (Status::Sent, Action::Edit),
            (Status::Sent, Action::Delete),
            (Status::Sent, Action::Send),
            (Status::Paid, Action::Edit),
            (Status::Paid, Action::Delete),
            (Status::Paid, Action::Send),
            (Status::Paid, Action::Void),
            (Status::Paid, Action::RecordPayment),
            (Status::Draft, Action::Credit),
            (Status::Void, Action::Credit),
            (Status::Void, Action::Edit),
            (Status::Void, Action::Delete),
            (Status::Void, Action::Send),
            (Status::Void, Action::Void),
            (Status::Void, Action::RecordPayment),
            (Status::Draft, Action::RecordPayment),
        ];
        for (current, action) in illegal {
            assert_eq!(
                current.check(action),
                Err(IllegalTransition { current, action })
            );
        }
    }

    #[test]
    fn payments_are_positive_and_never_overpay() {
        assert_eq!(Status::Sent.pay(100, 0, 0), Err(PaymentError::NotPositive));
        assert_eq!(Status::Sent.pay(100, 0, -5), Err(PaymentError::NotPositive));
        assert_eq!(
            Status::Sent.pay(100, 30, 71),
            Err(PaymentError::ExceedsBalance(70))
        );
        assert!(matches!(
            Status::Draft.pay(100, 0, 10),
            Err(PaymentError::Illegal(_))
        ));
    }

    #[test]
    fn provider_money_is_applied_up_to_the_balance_and_the_rest_kept() {
        let receipt = |status: Status, total, paid, amount| status.receive(total, paid, amount);
        assert_eq!(
            receipt(Status::Sent, 100, 0, 40),
            Ok(Receipt {
                status: Status::Sent,
                applied: 40,
                overpaid: 0
            })
        );
        assert_eq!(
            receipt(Status::Sent, 100, 40, 60),
            Ok(Receipt {
                status: Status::Paid,
                applied: 60,
                overpaid: 0
            })
        );
        assert_eq!(
            receipt(Status::Sent, 100, 40, 75),
            Ok(Receipt {
                status: Status::Paid,
                applied: 60,
                overpaid: 15
            })
        );
        assert_eq!(
            receipt(Status::Paid, 100, 100, 30),
            Ok(Receipt {
                status: Status::Paid,
                applied: 0,
                overpaid: 30
            }),
            "paying twice keeps the second payment as overpaid"
        );
        for status in [Status::Draft, Status::Void] {
            assert_eq!(
                receipt(status, 100, 0, 10),
                Err(IllegalTransition {
                    current: status,
                    action: Action::RecordPayment
                })
            );
        }
    }

    #[test]
    fn names_round_trip() {
        for status in [Status::Draft, Status::Sent, Status::Paid, Status::Void] {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        assert_eq!(Status::parse("overdue"), None, "derived, never stored");
    }

    #[test]
    fn sent_invoices_past_due_show_as_overdue() {
        let due = date!(2026 - 03 - 31);
        assert_eq!(
            Status::Sent.shown(due, date!(2026 - 03 - 31), false),
            "sent",
            "due today is not late"
        );
        assert_eq!(
            Status::Sent.shown(due, date!(2026 - 04 - 01), false),
            "overdue"
        );
        assert_eq!(
            Status::Draft.shown(due, date!(2026 - 05 - 01), false),
            "draft"
        );
        assert_eq!(
            Status::Paid.shown(due, date!(2026 - 05 - 01), false),
            "paid"
        );
        assert_eq!(
            Status::Paid.shown(due, date!(2026 - 05 - 01), true),
            "credited"
        );
    }

    #[test]
    fn a_credit_settles_the_invoice_once_paid_and_credited_cover_it() {
        assert_eq!(Status::Sent.credit(100, 0, 40), Ok(Status::Sent));
        assert_eq!(Status::Sent.credit(100, 60, 40), Ok(Status::Paid));
        assert_eq!(
            Status::Sent.credit(60, 0, 60),
            Ok(Status::Paid),
            "credited in full"
        );
        assert_eq!(
            Status::Paid.credit(100, 100, 30),
            Ok(Status::Paid),
            "a paid invoice stays settled; the 30 is owed back"
        );
        assert!(Status::Draft.credit(100, 0, 10).is_err());
        assert!(Status::Void.credit(100, 0, 10).is_err());
    }
}
