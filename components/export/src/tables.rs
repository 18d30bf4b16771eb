//! The CSV files of an export: which columns each table has, read from the items the API
//! answers. The JSON files beside them are the faithful copy; the CSVs are for a
//! spreadsheet, so a cell that a spreadsheet would run as a formula is defused.

use serde_json::Value;

/// A table of the export: one row per item, or (with `each`) one per element of an
/// item's list, led by the item's own `parent` columns.
pub struct Table {
    pub file: &'static str,
    /// `(column, JSON pointer into the item)`.
    parent: &'static [(&'static str, &'static str)],
    /// The list within each item whose elements are the rows; `None`: the item is.
    each: Option<&'static str>,
    /// `(column, JSON pointer into the row)`.
    columns: &'static [(&'static str, &'static str)],
}

pub const CLIENTS: Table = Table {
    file: "clients.csv",
    parent: &[],
    each: None,
    columns: &[
        ("id", "/id"),
        ("name", "/name"),
        ("email", "/email"),
        ("phone", "/phone"),
        ("company", "/company"),
        ("tax_id", "/tax_id"),
        ("registration_id", "/registration_id"),
        ("peppol_id", "/peppol_id"),
        ("address_line1", "/address/line1"),
        ("address_line2", "/address/line2"),
        ("address_city", "/address/city"),
        ("address_region", "/address/region"),
        ("address_postal_code", "/address/postal_code"),
        ("address_country", "/address/country"),
        ("default_currency", "/default_currency"),
        ("notes", "/notes"),
        ("archived_at", "/archived_at"),
        ("created_at", "/created_at"),
        ("updated_at", "/updated_at"),
    ],
};

pub const ITEMS: Table = Table {
    file: "items.csv",
    parent: &[],
    each: None,
    columns: &[
        ("id", "/id"),
        ("name", "/name"),
        ("description", "/description"),
        ("unit_price", "/unit_price"),
        ("currency", "/currency"),
        ("tax_rate", "/tax_rate"),
        ("created_at", "/created_at"),
        ("updated_at", "/updated_at"),
    ],
};

pub const RECURRING_INVOICES: Table = Table {
    file: "recurring-invoices.csv",
    parent: &[],
    each: None,
    columns: &[
        ("id", "/id"),
        ("name", "/name"),
        ("status", "/status"),
        ("client_id", "/client_id"),
        ("currency", "/currency"),
        ("total", "/total"),
        ("frequency", "/frequency"),
        ("start_date", "/start_date"),
        ("end_date", "/end_date"),
        ("count", "/count"),
        ("time_zone", "/time_zone"),
        ("next_date", "/next_date"),
        ("payment_terms_days", "/payment_terms_days"),
        ("send", "/send"),
        ("created_at", "/created_at"),
        ("updated_at", "/updated_at"),
    ],
};

pub const QUOTES: Table = Table {
    file: "quotes.csv",
    parent: &[],
    each: None,
    columns: &[
        ("id", "/id"),
        ("number", "/number"),
        ("status", "/status"),
        ("client_id", "/client_id"),
        ("issue_date", "/issue_date"),
        ("valid_until", "/valid_until"),
        ("currency", "/currency"),
        ("subtotal", "/subtotal"),
        ("discount_amount", "/discount_amount"),
        ("tax", "/tax"),
        ("total", "/total"),
        ("sent_at", "/sent_at"),
        ("emailed_to", "/emailed_to"),
        ("answered_at", "/answer/at"),
        ("answered_by", "/answer/name"),
        ("answer_note", "/answer/note"),
        ("invoice_id", "/invoice_id"),
        ("created_at", "/created_at"),
        ("updated_at", "/updated_at"),
    ],
};

pub const INVOICES: Table = Table {
    file: "invoices.csv",
    parent: &[],
    each: None,
    columns: &[
        ("id", "/id"),
        ("number", "/number"),
        ("status", "/status"),
        ("client_id", "/client_id"),
        ("client_name", "/buyer/name"),
        ("issue_date", "/issue_date"),
        ("due_date", "/due_date"),
        ("currency", "/currency"),
        ("subtotal", "/subtotal"),
        ("discount_amount", "/discount_amount"),
        ("tax", "/tax"),
        ("total", "/total"),
        ("amount_paid", "/amount_paid"),
        ("amount_overpaid", "/amount_overpaid"),
        ("amount_credited", "/amount_credited"),
        ("balance_due", "/balance_due"),
        ("notes", "/notes"),
        ("sent_at", "/sent_at"),
        ("paid_at", "/paid_at"),
        ("voided_at", "/voided_at"),
        ("created_at", "/created_at"),
        ("updated_at", "/updated_at"),
    ],
};

/// An invoice's parent columns: which invoice, and the currency its amounts are in.
const OF_INVOICE: &[(&str, &str)] = &[
    ("invoice_id", "/id"),
    ("invoice_number", "/number"),
    ("currency", "/currency"),
];

pub const INVOICE_LINES: Table = Table {
    file: "invoice-lines.csv",
    parent: OF_INVOICE,
    each: Some("/lines"),
    columns: &[
        ("description", "/description"),
        ("quantity", "/quantity"),
        ("unit_price", "/unit_price"),
        ("tax_rate", "/tax_rate"),
        ("net", "/net"),
    ],
};

pub const INVOICE_PAYMENTS: Table = Table {
    file: "invoice-payments.csv",
    parent: OF_INVOICE,
    each: Some("/payments"),
    columns: &[
        ("id", "/id"),
        ("amount", "/amount"),
        ("overpaid", "/overpaid"),
        ("paid_on", "/paid_on"),
        ("method", "/method"),
        ("reference", "/reference"),
        ("source", "/source"),
        ("recorded_at", "/recorded_at"),
    ],
};

pub const INVOICE_CREDIT_NOTES: Table = Table {
    file: "invoice-credit-notes.csv",
    parent: OF_INVOICE,
    each: Some("/credit_notes"),
    columns: &[
        ("id", "/id"),
        ("number", "/number"),
        ("issue_date", "/issue_date"),
        ("reason", "/reason"),
        ("subtotal", "/subtotal"),
        ("discount_amount", "/discount_amount"),
        ("tax", "/tax"),
        ("total", "/total"),
        ("issued_at", "/issued_at"),
    ],
};

pub const STRIPE_PAYMENTS: Table = Table {
    file: "stripe-payments.csv",
    parent: &[],
    each: None,
    columns: &[
        ("event_id", "/event_id"),
        ("type", "/type"),
        ("livemode", "/livemode"),
        ("created_at", "/created_at"),
        ("received_at", "/received_at"),
        ("outcome", "/outcome"),
        ("reason", "/reason"),
        ("invoice_id", "/invoice_id"),
        ("payment_ref", "/payment_ref"),
        ("amount", "/amount"),
        ("currency", "/currency"),
        ("amount_applied", "/amount_applied"),
        ("amount_overpaid", "/amount_overpaid"),
        ("payment_id", "/payment_id"),
        ("duplicate", "/duplicate"),
    ],
};

pub const SECURITY_LOG: Table = Table {
    file: "security-log.csv",
    parent: &[],
    each: None,
    columns: &[
        ("id", "/id"),
        ("kind", "/kind"),
        ("occurred_at", "/occurred_at"),
        ("address", "/address"),
        ("user_agent", "/user_agent"),
    ],
};

impl Table {
    /// The header row.
    pub fn header(&self) -> Vec<&'static str> {
        self.parent
            .iter()
            .chain(self.columns)
            .map(|(name, _)| *name)
            .collect()
    }

    /// The rows `item` gives: one, or one per element of its list (none for an empty one).
    pub fn rows(&self, item: &Value) -> Vec<Vec<String>> {
        let lead: Vec<String> = self.parent.iter().map(|(_, at)| cell(item, at)).collect();
        let row = |of: &Value| {
            let mut row = lead.clone();
            row.extend(self.columns.iter().map(|(_, at)| cell(of, at)));
            row
        };
        match self.each {
            None => vec![row(item)],
            Some(list) => item
                .pointer(list)
                .and_then(Value::as_array)
                .map(|elements| elements.iter().map(row).collect())
                .unwrap_or_default(),
        }
    }
}

/// One cell: text as it is (defused), numbers and booleans as JSON writes them,
/// nothing for `null` or an absent field, anything nested as its JSON.
fn cell(value: &Value, pointer: &str) -> String {
    match value.pointer(pointer) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => defuse(text),
        Some(other) => other.to_string(),
    }
}

/// A text a spreadsheet would evaluate (`=`, `+`, `-`, `@`, a tab or a carriage return
/// first: OWASP's "CSV injection") gets a leading `'`, which spreadsheets show as text.
fn defuse(text: &str) -> String {
    match text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{text}"),
        false => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_item_is_a_row_in_header_order() {
        let client = json!({
            "id": "c1", "name": "Acme", "email": null,
            "address": {"city": "Berlin", "country": "DE"}, "archived_at": null
        });
        let header = CLIENTS.header();
        let rows = CLIENTS.rows(&client);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].len(), header.len());
        let at = |name: &str| &rows[0][header.iter().position(|h| *h == name).expect("a column")];
        assert_eq!(at("name"), "Acme");
        assert_eq!(at("email"), "");
        assert_eq!(at("address_city"), "Berlin");
        assert_eq!(at("address_line1"), "", "absent is empty");
    }

    #[test]
    fn a_list_gives_a_row_per_element_led_by_its_invoice() {
        let invoice = json!({
            "id": "i1", "number": "INV-2026-0001", "currency": "EUR",
            "lines": [
                {"description": "Design", "quantity": "12.5", "unit_price": 8000, "tax_rate": "19", "net": 100000},
                {"description": "Travel", "quantity": "1", "unit_price": 5000, "tax_rate": "0", "net": 5000}
            ],
            "payments": []
        });
        let lines = INVOICE_LINES.rows(&invoice);
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[1],
            [
                "i1",
                "INV-2026-0001",
                "EUR",
                "Travel",
                "1",
                "5000",
                "0",
                "5000"
            ]
        );
        assert!(INVOICE_PAYMENTS.rows(&invoice).is_empty());
        assert_eq!(
            INVOICE_LINES.header()[..3],
            ["invoice_id", "invoice_number", "currency"]
        );
    }

    #[test]
    fn formulas_are_defused_and_numbers_are_not() {
        let item = json!({"id": "=HYPERLINK(\"x\")", "name": "-5", "email": "@me", "notes": "a=b",
                          "default_currency": "EUR", "address": {"line1": "\tx"}});
        let row = &CLIENTS.rows(&item)[0];
        assert_eq!(row[0], "'=HYPERLINK(\"x\")");
        assert_eq!(row[1], "'-5");
        assert_eq!(row[2], "'@me");
        assert_eq!(row[8], "'\tx");
        assert!(row.contains(&"a=b".to_owned()));
        let payment = json!({"amount": -5, "livemode": false});
        let row = &STRIPE_PAYMENTS.rows(&payment)[0];
        assert!(
            row.contains(&"-5".to_owned()),
            "a number is data, not a formula"
        );
        assert!(row.contains(&"false".to_owned()));
    }
}
