//! What an export holds, in the order it is written (README.txt inside says the same to
//! the person who opens it). Each file is one pass over what it lists; a table's JSON and
//! CSV are two passes, so nothing is gathered in memory to be written later.

use std::collections::HashSet;

use fin_spin_edge::{Fault, Problem};
use serde_json::Value;

use crate::archive::{Archive, Packing};
use crate::reader::{Context, Reader};
use crate::tables::{self, Table};

/// A paged list the export copies: where it is read, and the files it becomes.
struct Listing {
    context: Context,
    /// Read one after another into the same files.
    paths: &'static [&'static str],
    json: &'static str,
    tables: &'static [&'static Table],
}

const SECURITY_LOG: Listing = Listing {
    context: Context::Identity,
    paths: &["/auth/security-log"],
    json: "security-log.json",
    tables: &[&tables::SECURITY_LOG],
};

/// Active clients, then archived ones.
const CLIENTS: Listing = Listing {
    context: Context::Clients,
    paths: &[
        "/clients?sort=created_at",
        "/clients?sort=created_at&archived=true",
    ],
    json: "clients.json",
    tables: &[&tables::CLIENTS],
};

/// The invoices, newest number first, as billing lists them.
const INVOICES: Listing = Listing {
    context: Context::Billing,
    paths: &["/invoices?view=full"],
    json: "invoices.json",
    tables: &[
        &tables::INVOICES,
        &tables::INVOICE_LINES,
        &tables::INVOICE_PAYMENTS,
        &tables::INVOICE_CREDIT_NOTES,
    ],
};

/// The catalogue's products and services, by name.
const ITEMS: Listing = Listing {
    context: Context::Catalogue,
    paths: &["/items"],
    json: "items.json",
    tables: &[&tables::ITEMS],
};

/// The recurring invoices, newest first, with their newest periods.
const RECURRING: Listing = Listing {
    context: Context::Recurring,
    paths: &["/recurring-invoices"],
    json: "recurring-invoices.json",
    tables: &[&tables::RECURRING_INVOICES],
};

/// The quotes, newest number first, with their answers and links.
const QUOTES: Listing = Listing {
    context: Context::Quotes,
    paths: &["/quotes"],
    json: "quotes.json",
    tables: &[&tables::QUOTES],
};

const STRIPE_PAYMENTS: Listing = Listing {
    context: Context::Payments,
    paths: &["/payments"],
    json: "stripe-payments.json",
    tables: &[&tables::STRIPE_PAYMENTS],
};

/// Single answers copied as they are, when there is one: `(context, path, file)`.
const SETTINGS: [(Context, &str, &str); 2] = [
    (
        Context::Delivery,
        "/delivery-settings",
        "delivery-settings.json",
    ),
    (
        Context::Payments,
        "/payments/stripe-connection",
        "stripe-connection.json",
    ),
];

/// Everything of the account, after `account` (read before the first byte was sent).
pub fn write(reader: &Reader, archive: &mut Archive, account: &Value) -> Result<(), Fault> {
    archive.file("README.txt", Packing::Deflate, README.as_bytes())?;
    archive.json("account.json", account)?;
    let sessions = reader
        .json(Context::Identity, "/auth/sessions")
        .map_err(fault)?;
    archive.json("sessions.json", &items(sessions))?;
    copy(reader, archive, &SECURITY_LOG)?;

    let mut logos = Logos::default();
    let profile = reader
        .json(Context::Profile, "/business-profile")
        .map_err(fault)?;
    if let Some(profile) = profile {
        archive.json("business-profile.json", &profile)?;
        logos
            .keep(reader, archive, &profile["logo"])
            .map_err(fault)?;
    }
    for (context, path, file) in SETTINGS {
        if let Some(answer) = reader.json(context, path).map_err(fault)? {
            archive.json(file, &answer)?;
        }
    }
    copy(reader, archive, &CLIENTS)?;
    copy(reader, archive, &ITEMS)?;
    copy(reader, archive, &INVOICES)?;
    copy(reader, archive, &RECURRING)?;
    copy(reader, archive, &QUOTES)?;
    documents(reader, archive, &mut logos)?;
    copy(reader, archive, &STRIPE_PAYMENTS)
}

/// A listing's items as one JSON array, then as each of its tables.
fn copy(reader: &Reader, archive: &mut Archive, listing: &Listing) -> Result<(), Fault> {
    archive.json_array(listing.json, |append| {
        each(reader, listing, &mut |item| append(item))
    })?;
    for table in listing.tables {
        archive.csv(table, |append| {
            each(reader, listing, &mut |item| append(item))
        })?;
    }
    Ok(())
}

/// Every item of every path of `listing`, in order.
fn each(
    reader: &Reader,
    listing: &Listing,
    item: &mut dyn FnMut(&Value) -> Result<(), Fault>,
) -> Result<(), Fault> {
    for path in listing.paths {
        reader
            .each(listing.context, path, |found| item(found).map_err(problem))
            .map_err(fault)?;
    }
    Ok(())
}

/// Per issued invoice: its PDF, its e-invoice (when EN 16931 can carry it), what was
/// e-mailed for it and the links it was shared by. A draft has none of these yet.
fn documents(reader: &Reader, archive: &mut Archive, logos: &mut Logos) -> Result<(), Fault> {
    reader
        .each(INVOICES.context, INVOICES.paths[0], |invoice| {
            if invoice["status"] == "draft" {
                return Ok(());
            }
            logos.keep(reader, archive, &invoice["seller"]["logo"])?;
            let (Some(id), Some(number)) = (invoice["id"].as_str(), file_name(invoice)) else {
                return Ok(());
            };
            let pdf = reader.get(
                Context::Documents,
                &format!("/invoices/{id}/pdf"),
                "application/pdf",
                &[200],
            )?;
            if let Some(pdf) = pdf {
                archive
                    .file(
                        &format!("invoices/{number}.pdf"),
                        Packing::Store,
                        &pdf.bytes,
                    )
                    .map_err(problem)?;
            }
            // 409: the e-invoice cannot carry this invoice (its page says why).
            let xml = reader.get(
                Context::Documents,
                &format!("/invoices/{id}/xml"),
                "application/xml",
                &[200, 409],
            )?;
            if let Some(xml) = xml.filter(|xml| xml.status == 200) {
                archive
                    .file(
                        &format!("invoices/{number}.xml"),
                        Packing::Deflate,
                        &xml.bytes,
                    )
                    .map_err(problem)?;
            }
            // `/invoices/{id}/<list>` becomes `invoices/<number>.<list>.json`.
            for (context, list) in [
                (Context::Delivery, "deliveries"),
                (Context::Sharing, "share-links"),
            ] {
                let found = items(reader.json(context, &format!("/invoices/{id}/{list}"))?);
                if found.as_array().is_some_and(|l| !l.is_empty()) {
                    archive
                        .json(&format!("invoices/{number}.{list}.json"), &found)
                        .map_err(problem)?;
                }
            }
            Ok(())
        })
        .map_err(fault)
}

/// The logos the profile and the issued invoices print, each written once as
/// `logos/<sha256>.<png|jpg>` (a sent invoice keeps the logo it was sent with).
#[derive(Default)]
struct Logos {
    written: HashSet<String>,
}

impl Logos {
    /// Writes the picture of `logo` (a `Logo` object, or `null`) unless it is written.
    fn keep(
        &mut self,
        reader: &Reader,
        archive: &mut Archive,
        logo: &Value,
    ) -> Result<(), Problem> {
        let Some(sha256) = logo["sha256"].as_str() else {
            return Ok(());
        };
        if !sha256.chars().all(|c| c.is_ascii_hexdigit()) || !self.written.insert(sha256.to_owned())
        {
            return Ok(());
        }
        let path = format!("/business-profile/logos/{sha256}");
        let Some(picture) = reader.get(Context::Profile, &path, "image/png, image/jpeg", &[200])?
        else {
            return Ok(());
        };
        let extension = match picture.content_type.as_deref() {
            Some("image/jpeg") => "jpg",
            _ => "png",
        };
        archive
            .file(
                &format!("logos/{sha256}.{extension}"),
                Packing::Store,
                &picture.bytes,
            )
            .map_err(problem)
    }
}

/// An invoice's number as a file name, if it is a safe one (billing numbers them
/// `INV-2026-0001`; anything else falls back to the id).
fn file_name(invoice: &Value) -> Option<String> {
    let safe = |text: &str| {
        !text.is_empty()
            && text.len() <= 64
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    [&invoice["number"], &invoice["id"]]
        .into_iter()
        .filter_map(Value::as_str)
        .find(|text| safe(text))
        .map(str::to_owned)
}

/// A `{items: [...]}` answer's items; an empty array for none.
fn items(list: Option<Value>) -> Value {
    list.map(|mut list| list["items"].take())
        .filter(Value::is_array)
        .unwrap_or_else(|| Value::Array(Vec::new()))
}

/// A problem met after the first byte: the export stops there (the reason is logged).
fn fault(problem: Problem) -> Fault {
    let reason = format!(
        "{} {}: {}",
        problem.status,
        problem.title,
        problem.detail.unwrap_or_default()
    );
    match problem.status {
        503 => Fault::Unavailable(reason),
        _ => Fault::Refused(reason),
    }
}

/// A write that failed, carried through a reader's callback.
fn problem(fault: Fault) -> Problem {
    fault.into_problem("export")
}

const README: &str = "\
Fin-Freelancer: everything your account holds
=============================================

JSON files are the complete copy, as the app's API gives them (docs/openapi.yaml);
CSV files are the same tables for a spreadsheet. Amounts are integers in the currency's
minor unit (cents): 12345 EUR is 123.45 EUR. Times are UTC (RFC 3339). In CSV files a
text that a spreadsheet would run as a formula starts with an apostrophe.

account.json               your sign-in name and address
sessions.json              where you are signed in
security-log.json/.csv     what happened to the account (sign-ins, changes)
business-profile.json      you as the seller on invoices
logos/<sha256>.png/.jpg    the logos your profile and your issued invoices print
delivery-settings.json     how the e-mails to your clients read
stripe-connection.json     whether card payments are connected (never the key)
clients.json/.csv          every client, archived ones included
items.json/.csv            the products and services of your catalogue
invoices.json/.csv         every invoice, drafts included
invoice-lines.csv          their lines
invoice-payments.csv       the payments recorded on them
recurring-invoices.json/.csv  the invoices made again every period, and their schedules
quotes.json/.csv           every quote, with the client's answer and the invoice it became
invoices/<number>.pdf      each issued invoice as the client received it
invoices/<number>.xml      its e-invoice (UBL 2.1, EN 16931), where one can be made
invoices/<number>.deliveries.json   what was e-mailed for it
invoices/<number>.share-links.json  the links it was shared by (never their secrets)
stripe-payments.json/.csv  money received through Stripe

Keep the PDFs and e-invoices of issued invoices as long as your tax office asks
(often ten years): they are the originals.
";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn invoices_are_filed_by_a_safe_number_or_else_their_id() {
        assert_eq!(
            file_name(&json!({"number": "INV-2026-0001", "id": "x"})).as_deref(),
            Some("INV-2026-0001")
        );
        assert_eq!(
            file_name(&json!({"number": "../../etc", "id": "6d0c3a52-7a0e"})).as_deref(),
            Some("6d0c3a52-7a0e")
        );
        assert_eq!(file_name(&json!({"number": null, "id": "a/b"})), None);
    }

    #[test]
    fn a_list_answer_gives_its_items() {
        assert_eq!(items(Some(json!({"items": [1, 2]}))), json!([1, 2]));
        assert_eq!(items(Some(json!({"items": null}))), json!([]));
        assert_eq!(items(None), json!([]));
    }
}
