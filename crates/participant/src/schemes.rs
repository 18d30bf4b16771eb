//! Peppol's code lists, as far as this application writes them.

/// Every scheme of Peppol's "Electronic Address Identifier Scheme" list (EAS), as
/// PEPPOL-EN16931-CL008 of Peppol BIS Billing 3.0.19 enumerates it. `EM` (e-mail) is an
/// EN 16931 scheme Peppol does not route on, so it is not here.
pub const PEPPOL_SCHEMES: [&str; 92] = [
    "0002", "0007", "0009", "0037", "0060", "0088", "0096", "0097", "0106", "0130", "0135", "0142",
    "0151", "0177", "0183", "0184", "0188", "0190", "0191", "0192", "0193", "0195", "0196", "0198",
    "0199", "0200", "0201", "0202", "0204", "0208", "0209", "0210", "0211", "0212", "0213", "0215",
    "0216", "0218", "0221", "0230", "0235", "9910", "9913", "9914", "9915", "9918", "9919", "9920",
    "9922", "9923", "9924", "9925", "9926", "9927", "9928", "9929", "9930", "9931", "9932", "9933",
    "9934", "9935", "9936", "9937", "9938", "9939", "9940", "9941", "9942", "9943", "9944", "9945",
    "9946", "9947", "9948", "9949", "9950", "9951", "9952", "9953", "9957", "9959", "0147", "0154",
    "0158", "0170", "0194", "0203", "0205", "0217", "0225", "0240",
];

/// The Peppol scheme for VAT numbers, by the VAT id's country prefix (Greece writes
/// `EL`), from the same list.
const VAT_SCHEMES: [(&str, &str); 37] = [
    ("AD", "9922"),
    ("AL", "9923"),
    ("AT", "9914"),
    ("BA", "9924"),
    ("BE", "9925"),
    ("BG", "9926"),
    ("CH", "9927"),
    ("CY", "9928"),
    ("CZ", "9929"),
    ("DE", "9930"),
    ("EE", "9931"),
    ("ES", "9920"),
    ("FR", "9957"),
    ("GB", "9932"),
    ("EL", "9933"),
    ("GR", "9933"),
    ("HR", "9934"),
    ("HU", "9910"),
    ("IE", "9935"),
    ("LI", "9936"),
    ("LT", "9937"),
    ("LU", "9938"),
    ("LV", "9939"),
    ("MC", "9940"),
    ("ME", "9941"),
    ("MK", "9942"),
    ("MT", "9943"),
    ("NL", "9944"),
    ("PL", "9945"),
    ("PT", "9946"),
    ("RO", "9947"),
    ("RS", "9948"),
    ("SI", "9949"),
    ("SK", "9950"),
    ("SM", "9951"),
    ("TR", "9952"),
    ("VA", "9953"),
];

/// The scheme of VAT ids beginning with `prefix` (`DE` → `9930`).
pub fn vat_scheme(prefix: &str) -> Option<&'static str> {
    VAT_SCHEMES
        .iter()
        .find(|(country, _)| *country == prefix)
        .map(|(_, scheme)| *scheme)
}

/// The scheme a legal registration number (EN 16931 BT-30, BT-47) is written under in
/// `country`, where Peppol's rules hold it to a form: Denmark's CVR (`0184`, DK-R-014),
/// the Dutch chamber of commerce's KvK number (`0106`, NL-R-003), Sweden's organisation
/// number (`0007`, SE-R-003/004/013). Elsewhere the number is written without a scheme,
/// which EN 16931 allows, rather than under a scheme whose check digits nobody verified.
pub fn registration_scheme(country: &str) -> Option<&'static str> {
    match country {
        "DK" => Some("0184"),
        "NL" => Some("0106"),
        "SE" => Some("0007"),
        _ => None,
    }
}

/// `Err` saying what is wrong when `number` cannot be a legal registration number of
/// `country` under the scheme it would be written with.
pub fn check_registration(country: &str, number: &str) -> Result<(), String> {
    match registration_scheme(country) {
        Some(scheme) => super::check::format(scheme, number.trim()),
        None => Ok(()),
    }
}
