//! The e-invoice as a receiving system reads it: valid against the official OASIS UBL 2.1
//! schema (`xmllint --schema`), free of every fatal rule of the **official** EN 16931 and
//! Peppol BIS 3.0 rule sets (Schematron, run by `fin-einvoice-check`) and of the rules the
//! built-in checker knows — and both checkers caught failing on hand-broken documents,
//! rule by rule, so a green run means something.
//!
//! Needs xmllint, Node and what `make setup` puts under target/ (scripts/ubl-schemas.sh,
//! scripts/einvoice-rules.sh); a missing one fails.

mod support;

use fin_documents::einvoice::{self, check, Refused};
use fin_documents::model::{Discount, Invoice, Line, Status, TaxSubtotal};
use support::{address, credit_note, currency, sample, write};

fn ubl(invoice: &Invoice) -> String {
    match einvoice::ubl(invoice) {
        Ok(xml) => xml,
        Err(refused) => panic!("no e-invoice: {refused:#?}"),
    }
}

/// The official schema's verdict alone.
fn schema_valid(name: &str, xml: &str) -> Result<(), String> {
    fin_einvoice_check::schema::validate(&write(&format!("{name}.xml"), xml.as_bytes()))
}

/// The official schema's and rule sets' verdict.
fn conforms(name: &str, xml: &str) -> Result<(), String> {
    fin_einvoice_check::conforms(&write(&format!("{name}.xml"), xml.as_bytes()))
}

/// The official rule sets' verdict on each document, run at once.
fn official(documents: &[(&str, &str)]) -> Vec<fin_einvoice_check::Verdict> {
    let paths: Vec<_> = documents
        .iter()
        .map(|(name, xml)| write(&format!("{name}.xml"), xml.as_bytes()))
        .collect();
    let refs: Vec<_> = paths.iter().map(|p| p.as_path()).collect();
    fin_einvoice_check::rules::run(&refs)
}

fn rules(violations: &[einvoice::Violation]) -> Vec<&str> {
    violations.iter().map(|v| v.rule.as_str()).collect()
}

fn incomplete(invoice: &Invoice) -> Vec<einvoice::Violation> {
    match einvoice::ubl(invoice) {
        Err(Refused::Incomplete(violations)) => violations,
        other => panic!("expected the rules to refuse it, got {other:?}"),
    }
}

#[test]
fn every_state_is_schema_valid_and_breaks_no_rule() {
    for status in [
        Status::Draft,
        Status::Sent,
        Status::Overdue,
        Status::Paid,
        Status::Void,
    ] {
        let mut invoice = sample();
        invoice.status = status;
        let xml = ubl(&invoice);
        let name = format!("state-{status:?}");
        if let Err(errors) = conforms(&name, &xml) {
            panic!("{status:?} does not conform:\n{errors}\n{xml}");
        }
        assert_eq!(check(&xml), [], "{status:?}");
    }
}

#[test]
fn the_schema_check_refuses_what_ubl_does_not_allow() {
    let good = ubl(&sample());
    let swapped = good.replacen(
        "<cbc:IssueDate>2026-11-30</cbc:IssueDate>\n  <cbc:DueDate>2026-12-30</cbc:DueDate>",
        "<cbc:DueDate>2026-12-30</cbc:DueDate>\n  <cbc:IssueDate>2026-11-30</cbc:IssueDate>",
        1,
    );
    assert_ne!(swapped, good);
    let errors = schema_valid("out-of-order", &swapped).expect_err("order matters in UBL");
    assert!(errors.contains("DueDate"), "{errors}");
    let unknown = good.replacen("<cbc:Note>", "<cbc:Remark>x</cbc:Remark><cbc:Note>", 1);
    schema_valid("unknown-element", &unknown).expect_err("no such element");
}

#[test]
fn the_document_carries_every_figure_of_the_invoice() {
    let xml = ubl(&sample());
    let doc = roxmltree::Document::parse(&xml).expect("well formed");
    let find = |path: &[&str]| -> Vec<String> {
        let mut nodes = vec![doc.root_element()];
        for step in path {
            nodes = nodes
                .into_iter()
                .flat_map(|n| n.children().filter(|c| c.tag_name().name() == *step))
                .collect();
        }
        nodes
            .iter()
            .map(|n| n.text().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(find(&["ID"]), ["INV-2026-0042"]);
    assert_eq!(find(&["DueDate"]), ["2026-12-30"]);
    assert_eq!(
        find(&[
            "AccountingSupplierParty",
            "Party",
            "PartyLegalEntity",
            "RegistrationName"
        ]),
        ["Zoë Ørsted Design"]
    );
    assert_eq!(
        find(&[
            "AccountingCustomerParty",
            "Party",
            "PartyTaxScheme",
            "CompanyID"
        ]),
        ["DE987654321"]
    );
    // Germany's VAT scheme for the buyer; the seller's own participant id (a CVR).
    assert_eq!(
        find(&["AccountingCustomerParty", "Party", "EndpointID"]),
        ["DE987654321"]
    );
    assert_eq!(
        find(&["AccountingSupplierParty", "Party", "EndpointID"]),
        ["DK12345678"]
    );
    assert_eq!(
        find(&[
            "AccountingSupplierParty",
            "Party",
            "PartyLegalEntity",
            "CompanyID"
        ]),
        ["12345678"]
    );
    assert_eq!(
        find(&["LegalMonetaryTotal", "LineExtensionAmount"]),
        ["1200.00"]
    );
    assert_eq!(
        find(&["LegalMonetaryTotal", "AllowanceTotalAmount"]),
        ["60.00"]
    );
    assert_eq!(
        find(&["LegalMonetaryTotal", "TaxInclusiveAmount"]),
        ["1333.80"]
    );
    assert_eq!(find(&["LegalMonetaryTotal", "PrepaidAmount"]), ["333.80"]);
    assert_eq!(find(&["LegalMonetaryTotal", "PayableAmount"]), ["1000.00"]);
    assert_eq!(
        find(&["TaxTotal", "TaxSubtotal", "TaxAmount"]),
        ["180.50", "13.30"]
    );
    // The 5 % discount, split across the two rates as billing shared it.
    assert_eq!(find(&["AllowanceCharge", "Amount"]), ["50.00", "10.00"]);
    assert_eq!(find(&["InvoiceLine", "InvoicedQuantity"]), ["12.5", "1"]);
    assert_eq!(
        find(&["PaymentMeans", "PayeeFinancialAccount", "ID"]),
        ["DK5000400440116243"]
    );
    assert_eq!(xml, ubl(&sample()), "the same invoice, the same bytes");
}

#[test]
fn the_checker_catches_a_hand_broken_document() {
    let good = ubl(&sample());
    assert_eq!(check(&good), []);
    let cases: &[(&str, &str, &str)] = &[
        (
            "<cbc:LineExtensionAmount currencyID=\"EUR\">1200.00</cbc:LineExtensionAmount>",
            "<cbc:LineExtensionAmount currencyID=\"EUR\">1201.00</cbc:LineExtensionAmount>",
            "BR-CO-10",
        ),
        (
            "<cbc:TaxInclusiveAmount currencyID=\"EUR\">1333.80</cbc:TaxInclusiveAmount>",
            "<cbc:TaxInclusiveAmount currencyID=\"EUR\">1333.81</cbc:TaxInclusiveAmount>",
            "BR-CO-15",
        ),
        (
            "<cbc:PayableAmount currencyID=\"EUR\">1000.00</cbc:PayableAmount>",
            "<cbc:PayableAmount currencyID=\"EUR\">1333.80</cbc:PayableAmount>",
            "BR-CO-16",
        ),
        (
            "<cbc:TaxAmount currencyID=\"EUR\">180.50</cbc:TaxAmount>",
            "<cbc:TaxAmount currencyID=\"EUR\">180.49</cbc:TaxAmount>",
            "BR-S-09",
        ),
        (
            "<cbc:TaxAmount currencyID=\"EUR\">193.80</cbc:TaxAmount>",
            "<cbc:TaxAmount currencyID=\"EUR\">193.00</cbc:TaxAmount>",
            "BR-CO-14",
        ),
        (
            "<cbc:Amount currencyID=\"EUR\">50.00</cbc:Amount>",
            "<cbc:Amount currencyID=\"EUR\">40.00</cbc:Amount>",
            "BR-CO-11",
        ),
        (
            "<cbc:Amount currencyID=\"EUR\">50.00</cbc:Amount>",
            "<cbc:Amount currencyID=\"USD\">50.00</cbc:Amount>",
            "PEPPOL-EN16931-R051",
        ),
        (
            "<cbc:InvoicedQuantity unitCode=\"C62\">12.5</cbc:InvoicedQuantity>",
            "<cbc:InvoicedQuantity unitCode=\"C62\">12</cbc:InvoicedQuantity>",
            "PEPPOL-EN16931-R120",
        ),
        (
            "<cbc:IdentificationCode>DE</cbc:IdentificationCode>",
            "",
            "BR-11",
        ),
        (
            "<cbc:CompanyID>DE987654321</cbc:CompanyID>",
            "<cbc:CompanyID>987654321</cbc:CompanyID>",
            "BR-CO-09",
        ),
        (
            "<cbc:EndpointID schemeID=\"0184\">DK12345678</cbc:EndpointID>",
            "",
            "PEPPOL-EN16931-R020",
        ),
        (
            "<cbc:EndpointID schemeID=\"0184\">DK12345678</cbc:EndpointID>",
            "<cbc:EndpointID schemeID=\"EM\">zoe@orsted.example</cbc:EndpointID>",
            "PEPPOL-EN16931-CL008",
        ),
        (
            "<cbc:DueDate>2026-12-30</cbc:DueDate>",
            "<cbc:DueDate>2026-02-30</cbc:DueDate>",
            "PEPPOL-EN16931-F001",
        ),
        (
            "<cbc:BuyerReference>INV-2026-0042</cbc:BuyerReference>",
            "<cbc:BuyerReference>INV-2026-0042</cbc:BuyerReference><cbc:AccountingCost></cbc:AccountingCost>",
            "PEPPOL-EN16931-R008",
        ),
        (
            "<cbc:BuyerReference>INV-2026-0042</cbc:BuyerReference>",
            "",
            "PEPPOL-EN16931-R003",
        ),
        (
            "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>",
            "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode><cbc:Note>a</cbc:Note><cbc:Note>b</cbc:Note>",
            "PEPPOL-EN16931-R002",
        ),
        (
            "<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>",
            "<cbc:ProfileID>urn:example</cbc:ProfileID>",
            "PEPPOL-EN16931-R007",
        ),
        ("<cbc:ID>S</cbc:ID>", "<cbc:ID>X</cbc:ID>", "BR-CL-18"),
        (
            "<cbc:Percent>7</cbc:Percent>",
            "<cbc:Percent>0</cbc:Percent>",
            "BR-S-05",
        ),
    ];
    for (from, to, rule) in cases {
        assert!(good.contains(from), "the sample has no {from}");
        let broken = good.replacen(from, to, 1);
        let found = check(&broken);
        assert!(
            rules(&found).contains(rule),
            "{rule} not caught when {from} became {to:?}: {found:#?}"
        );
    }
    assert_eq!(rules(&check("<Invoice")), ["XML"]);
    assert_eq!(rules(&check("<Order/>")), ["UBL"]);
}

#[test]
fn what_the_freelancer_must_fill_in_is_named() {
    let mut no_vat_id = sample();
    no_vat_id.seller.tax_id = None;
    let found = incomplete(&no_vat_id);
    assert!(
        found
            .iter()
            .any(|v| v.rule == "BR-S-02" && v.field == "seller.tax_id"),
        "{found:#?}"
    );

    let mut no_address = sample();
    no_address.buyer.address = None;
    no_address.buyer.email = None;
    no_address.buyer.tax_id = None;
    let found = incomplete(&no_address);
    let fields: Vec<_> = found.iter().map(|v| (v.rule.as_str(), v.field)).collect();
    assert_eq!(fields, [("BR-10", "buyer.address")], "{found:#?}");
    // Unreachable on Peppol as well: that only changes the profile (tested below).
    let gaps = einvoice::choose(&no_address).gaps;
    assert_eq!(gaps[0].field, "buyer.peppol_id", "{gaps:#?}");

    // A seller with no name at all: named as missing, never an empty element.
    let mut nameless = sample();
    nameless.seller.legal_name = String::new();
    nameless.seller.tax_id = None;
    let found = incomplete(&nameless);
    assert!(
        found
            .iter()
            .any(|v| v.rule == "BR-06" && v.field == "seller.legal_name"),
        "{found:#?}"
    );

    // Three decimals: EN 16931 allows two.
    let mut dinars = sample();
    dinars.currency = currency("BHD", 3);
    let found = incomplete(&dinars);
    assert!(
        found
            .iter()
            .any(|v| v.rule.starts_with("BR-DEC-") && v.field == "currency"),
        "{found:#?}"
    );
}

/// One line at `rate`, no discount, nothing paid.
fn single(mut invoice: Invoice, code: &str, digits: u8, net: i64, rate: &str, tax: i64) -> Invoice {
    invoice.currency = currency(code, digits);
    invoice.lines = vec![Line {
        description: "Work".into(),
        quantity: "1".into(),
        unit_price: net,
        tax_rate: rate.into(),
        net,
    }];
    invoice.subtotal = net;
    invoice.discount = None;
    invoice.taxes = vec![TaxSubtotal {
        rate: rate.into(),
        taxable: net,
        tax,
    }];
    invoice.total = net + tax;
    invoice.payments.clear();
    invoice.amount_paid = 0;
    invoice.balance_due = net + tax;
    invoice
}

#[test]
fn zero_rates_take_the_category_of_who_trades_with_whom() {
    let mut de_seller = sample();
    de_seller.seller.address = Some(address("Hauptstr. 1", "10115", "Berlin", "DE"));
    de_seller.seller.tax_id = Some("DE123456789".into());
    (de_seller.seller.registration_id, de_seller.seller.peppol_id) = (None, None);

    // Germany to a VAT-registered business in Austria: reverse charge.
    let mut reverse = single(de_seller.clone(), "EUR", 2, 50_000, "0", 0);
    reverse.buyer.address = Some(address("Ring 1", "1010", "Wien", "AT"));
    reverse.buyer.tax_id = Some("ATU12345678".into());
    let xml = ubl(&reverse);
    assert!(
        xml.contains("<cbc:ID>AE</cbc:ID>") && xml.contains("VATEX-EU-AE"),
        "{xml}"
    );
    conforms("reverse-charge", &xml).expect("conforms");

    // Germany to the United States: an export.
    let mut export = single(de_seller.clone(), "USD", 2, 50_000, "0", 0);
    export.buyer.address = Some(address("1 Main St", "10001", "New York", "US"));
    export.buyer.tax_id = None;
    let xml = ubl(&export);
    assert!(xml.contains("<cbc:ID>G</cbc:ID>"), "{xml}");
    conforms("export", &xml).expect("conforms");

    // A seller with no VAT id charging none: not subject to VAT, and no VAT id at all.
    let mut small = single(sample(), "EUR", 2, 50_000, "0", 0);
    small.seller.tax_id = None;
    let xml = ubl(&small);
    assert!(
        xml.contains("<cbc:ID>O</cbc:ID>") && !xml.contains("DE987654321</cbc:CompanyID>"),
        "{xml}"
    );
    conforms("not-subject", &xml).expect("conforms");

    // Yen: no decimals, and 10 % of 9,500 is exact.
    let yen = single(sample(), "JPY", 0, 9_500, "10", 950);
    let xml = ubl(&yen);
    assert!(xml.contains(">10450</cbc:PayableAmount>"), "{xml}");
    conforms("yen", &xml).expect("conforms");
    // 19 % of 1,234 yen is 234.46: a currency without cents cannot say so (BR-S-09).
    let found = incomplete(&single(sample(), "JPY", 0, 1_234, "19", 234));
    assert!(
        found
            .iter()
            .any(|v| v.rule == "BR-S-09" && v.field == "currency"),
        "{found:#?}"
    );
}

#[test]
fn a_discount_without_tax_rates_of_its_own_still_adds_up() {
    let mut invoice = single(sample(), "EUR", 2, 10_001, "19", 1_805);
    invoice.discount = Some(Discount {
        label: "Discount".into(),
        amount: 501,
    });
    invoice.taxes[0].taxable = 9_500;
    invoice.total = 9_500 + 1_805;
    invoice.balance_due = invoice.total;
    let xml = ubl(&invoice);
    conforms("discount", &xml).expect("conforms");
}

#[test]
fn hostile_text_is_escaped_and_stays_valid() {
    let mut invoice = sample();
    let nasty =
        "<script>alert(1)</script> & ]]> \"quoted\" 'single' \u{202E}evil\u{200B}e\u{301} عربى";
    invoice.buyer.legal_name = nasty.into();
    invoice.buyer.contact = Some(format!("{}\u{FFFE}\u{1}", "W".repeat(200)));
    invoice.notes = Some(format!("{nasty}\nline two\ttabbed"));
    invoice.lines[0].description = format!("{nasty}\nsecond line of the item");
    let xml = ubl(&invoice);
    assert!(!xml.contains("<script>"), "escaped");
    conforms("hostile", &xml).expect("conforms");
    let doc = roxmltree::Document::parse(&xml).expect("well formed");
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(texts.contains(&nasty), "the name reads back as written");
    assert!(
        texts.contains(&"W".repeat(200).as_str()),
        "what XML cannot carry is left out, the rest kept"
    );
    assert!(texts
        .iter()
        .any(|t| t.starts_with(nasty) && t.ends_with("second line of the item")));
}

#[test]
fn a_200_line_invoice_is_written_and_checked() {
    let mut invoice = sample();
    let line = invoice.lines[0].clone();
    invoice.lines = vec![line; 200];
    invoice.lines.push(sample().lines[1].clone());
    invoice.subtotal = 200 * 100_000 + 20_000;
    invoice.discount = None;
    invoice.taxes = vec![
        TaxSubtotal {
            rate: "19".into(),
            taxable: 200 * 100_000,
            tax: 200 * 19_000,
        },
        TaxSubtotal {
            rate: "7".into(),
            taxable: 20_000,
            tax: 1_400,
        },
    ];
    invoice.total = invoice.subtotal + 200 * 19_000 + 1_400;
    invoice.amount_paid = 0;
    invoice.balance_due = invoice.total;
    let started = std::time::Instant::now();
    let xml = ubl(&invoice);
    eprintln!(
        "201 lines: {} bytes, written and checked in {:?}",
        xml.len(),
        started.elapsed()
    );
    conforms("long", &xml).expect("conforms");
}

/// A German freelancer invoicing a German client in full: Peppol with Germany's rules.
fn german() -> Invoice {
    let mut invoice = sample();
    invoice.seller.address = Some(address("Hauptstr. 1", "10115", "Berlin", "DE"));
    invoice.seller.tax_id = Some("DE123456789".into());
    (invoice.seller.registration_id, invoice.seller.peppol_id) = (None, None);
    invoice.seller.contact = Some("Zoë Ørsted".into());
    invoice.seller.phone = Some("+49 30 1234567".into());
    invoice.bank = Some(fin_documents::model::Bank {
        iban: "DE89 3704 0044 0532 0130 00".into(),
        bic: None,
    });
    invoice
}

#[test]
fn the_official_rules_catch_a_hand_broken_document() {
    let good = ubl(&sample());
    let german = ubl(&german());
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            &good,
            "1200.00</cbc:LineExtensionAmount>",
            "1201.00</cbc:LineExtensionAmount>",
            "BR-CO-10",
        ),
        (
            &good,
            "1333.80</cbc:TaxInclusiveAmount>",
            "1333.81</cbc:TaxInclusiveAmount>",
            "BR-CO-15",
        ),
        (
            &good,
            "1000.00</cbc:PayableAmount>",
            "1333.80</cbc:PayableAmount>",
            "BR-CO-16",
        ),
        (
            &good,
            "<cbc:IdentificationCode>DE</cbc:IdentificationCode>",
            "",
            "BR-11",
        ),
        (
            &good,
            "<cbc:EndpointID schemeID=\"0184\">DK12345678</cbc:EndpointID>",
            "<cbc:EndpointID schemeID=\"EM\">zoe@orsted.example</cbc:EndpointID>",
            "PEPPOL-EN16931-CL008",
        ),
        (
            &good,
            "<cbc:CompanyID schemeID=\"0184\">12345678</cbc:CompanyID>",
            "",
            "DK-R-002",
        ),
        (
            &german,
            "<cbc:Telephone>+49 30 1234567</cbc:Telephone>",
            "",
            "DE-R-006",
        ),
        (&german, "<cbc:Name>Zoë Ørsted</cbc:Name>", "", "DE-R-005"),
    ];
    let mut documents = vec![
        ("official-good".to_owned(), good.clone()),
        ("official-german".to_owned(), german.clone()),
    ];
    for (i, (doc, from, to, _)) in cases.iter().enumerate() {
        assert!(doc.contains(from), "the document has no {from}");
        documents.push((format!("official-broken-{i}"), doc.replacen(from, to, 1)));
    }
    let named: Vec<(&str, &str)> = documents
        .iter()
        .map(|(n, x)| (n.as_str(), x.as_str()))
        .collect();
    let verdicts = official(&named);
    for verdict in &verdicts[..2] {
        assert!(verdict.claims_peppol(), "{verdict}");
        assert_eq!(verdict.fatal_ids(), Vec::<&str>::new(), "{verdict}");
    }
    for ((_, from, to, rule), verdict) in cases.iter().zip(&verdicts[2..]) {
        assert!(
            verdict.fatal_ids().contains(rule),
            "{rule} not raised when {from} became {to:?}: {verdict}"
        );
    }
}

/// What Peppol would still need: (rule, field) of each gap.
fn gaps(choice: &einvoice::Choice) -> Vec<(&str, &'static str)> {
    choice
        .gaps
        .iter()
        .map(|g| (g.rule.as_str(), g.field))
        .collect()
}

#[test]
fn the_profile_is_peppol_only_when_the_invoice_can_meet_it() {
    // The sample: both parties reachable, the Danish seller's CVR given.
    assert_eq!(
        einvoice::choose(&sample()).profile,
        einvoice::Profile::Peppol
    );
    assert!(ubl(&sample()).contains("#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0<"));

    // A Danish seller with neither CVR nor participant id: plain EN 16931, reached by
    // e-mail, and the API can say what Peppol would need.
    let mut danish = sample();
    (danish.seller.registration_id, danish.seller.peppol_id) = (None, None);
    let choice = einvoice::choose(&danish);
    assert_eq!(choice.profile, einvoice::Profile::En16931);
    assert_eq!(
        gaps(&choice),
        [
            ("PEPPOL-EN16931-R020", "seller.peppol_id"),
            ("DK-R-002", "seller.registration_id")
        ]
    );
    let plain = ubl(&danish);
    assert!(plain.contains("<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>"));
    assert!(!plain.contains("<cbc:ProfileID>"));
    assert!(plain.contains("<cbc:EndpointID schemeID=\"EM\">zoe@orsted.example</cbc:EndpointID>"));

    // Germany to Germany: the contact point and telephone Germany's rules ask for.
    let mut terse = german();
    (terse.seller.contact, terse.seller.phone) = (None, Some("12".into()));
    assert_eq!(
        gaps(&einvoice::choose(&terse)),
        [
            ("DE-R-005", "seller.contact_name"),
            ("DE-R-006", "seller.phone")
        ]
    );
    assert_eq!(einvoice::choose(&german()).gaps, []);

    // Sweden's rules: its VAT rates; met, a Swedish seller's document is Peppol.
    let mut swedish = sample();
    swedish.seller.address = Some(address("Drottninggatan 1", "111 51", "Stockholm", "SE"));
    swedish.seller.tax_id = Some("SE556703170201".into());
    swedish.seller.registration_id = Some("5567031702".into());
    swedish.seller.peppol_id = "0007:5567031702".parse().ok();
    assert_eq!(
        gaps(&einvoice::choose(&swedish)),
        [("SE-R-006", "lines.tax_rate")],
        "19 % and 7 % are no Swedish rates"
    );
    let swedish_rates = single(swedish.clone(), "SEK", 2, 10_000, "25", 2_500);
    assert_eq!(gaps(&einvoice::choose(&swedish_rates)), []);

    // Sellers whose national rules are not written here claim EN 16931 only.
    let mut greek = sample();
    greek.seller.address = Some(address("Ermou 1", "105 63", "Athina", "GR"));
    greek.seller.tax_id = Some("EL094014201".into());
    (greek.seller.registration_id, greek.seller.peppol_id) = (None, None);
    assert_eq!(
        gaps(&einvoice::choose(&greek)),
        [("PEPPOL-NATIONAL", "seller.address.country")]
    );

    let verdicts = official(&[
        ("profile-danish-plain", &plain),
        ("profile-terse-german", &ubl(&terse)),
        ("profile-swedish-rates", &ubl(&swedish)),
        ("profile-greek", &ubl(&greek)),
        ("profile-swedish-peppol", &ubl(&swedish_rates)),
    ]);
    let (plain, peppol) = verdicts.split_at(4);
    for verdict in plain {
        assert!(!verdict.claims_peppol(), "{verdict}");
        assert_eq!(verdict.fatal_ids(), Vec::<&str>::new(), "{verdict}");
    }
    assert!(peppol[0].claims_peppol(), "{}", peppol[0]);
    assert_eq!(peppol[0].fatal_ids(), Vec::<&str>::new(), "{}", peppol[0]);
}

#[test]
fn a_credit_note_is_a_ubl_credit_note_both_checkers_accept_and_can_refuse() {
    let xml = ubl(&credit_note());
    for expected in [
        "<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\"",
        "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>",
        "<cac:BillingReference>\n    <cac:InvoiceDocumentReference>\n      <cbc:ID>INV-2026-0042</cbc:ID>\n      <cbc:IssueDate>2026-11-30</cbc:IssueDate>",
        "<cbc:CreditedQuantity unitCode=\"C62\">1</cbc:CreditedQuantity>",
        "<cbc:PayableAmount currencyID=\"EUR\">214.00</cbc:PayableAmount>",
    ] {
        assert!(xml.contains(expected), "{expected:?} not in:\n{xml}");
    }
    assert!(
        !xml.contains("<cbc:DueDate>") && !xml.contains("InvoiceLine"),
        "{xml}"
    );
    assert_eq!(check(&xml), []);
    if let Err(errors) = conforms("credit-note", &xml) {
        panic!("{errors}\n{xml}");
    }
    // Both checkers refuse a broken one, under the rule's id.
    let wrong_total = xml.replacen(
        "214.00</cbc:TaxInclusiveAmount>",
        "215.00</cbc:TaxInclusiveAmount>",
        1,
    );
    assert!(rules(&check(&wrong_total)).contains(&"BR-CO-15"));
    let invoice_code = xml.replacen(
        ">381</cbc:CreditNoteTypeCode>",
        ">380</cbc:CreditNoteTypeCode>",
        1,
    );
    assert!(rules(&check(&invoice_code)).contains(&"PEPPOL-EN16931-P0101"));
    let verdicts = official(&[
        ("credit-note-total", &wrong_total),
        ("credit-note-code", &invoice_code),
    ]);
    assert!(
        verdicts[0].fatal_ids().contains(&"BR-CO-15"),
        "{}",
        verdicts[0]
    );
    assert!(
        verdicts[1].fatal_ids().contains(&"PEPPOL-EN16931-P0101"),
        "{}",
        verdicts[1]
    );
    // The schema check itself knows a credit note from an invoice.
    let swapped = xml
        .replacen("<cbc:CreditedQuantity", "<cbc:InvoicedQuantity", 1)
        .replacen("</cbc:CreditedQuantity>", "</cbc:InvoicedQuantity>", 1);
    schema_valid("credit-note-invoiced-quantity", &swapped)
        .expect_err("not a credit note's element");
}
