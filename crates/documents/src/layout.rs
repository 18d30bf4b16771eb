//! Where everything on an invoice goes: pages of positioned text and rules, decided
//! before anything is drawn, so the footer can say "page 2 of 3" and a long table breaks
//! between rows with its header repeated.

use crate::amount;
use crate::fonts::{Fonts, Weight};
use crate::model::{Invoice, Kind, Party, Status};

/// A sheet size, in points (1/72 inch).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paper {
    pub width: f32,
    pub height: f32,
}

impl Paper {
    pub const A4: Paper = Paper {
        width: 595.28,
        height: 841.89,
    };
    pub const LETTER: Paper = Paper {
        width: 612.0,
        height: 792.0,
    };

    /// `letter` or `a4`, as a query parameter and an ETag name it.
    pub fn name(self) -> &'static str {
        if self == Paper::LETTER {
            "letter"
        } else {
            "a4"
        }
    }

    /// US Letter where it is the usual paper (North and Central America, Chile,
    /// Colombia, Venezuela, the Philippines), A4 everywhere else.
    pub fn for_country(country: Option<&str>) -> Paper {
        const LETTER_COUNTRIES: [&str; 15] = [
            "US", "CA", "MX", "CL", "CO", "VE", "PH", "GT", "CR", "PA", "DO", "SV", "NI", "HN",
            "PR",
        ];
        match country {
            Some(code) if LETTER_COUNTRIES.contains(&code) => Paper::LETTER,
            _ => Paper::A4,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Ink,
    Muted,
    Mark(Status),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `text` with its baseline starting at (`x`, `y`), `y` down from the top.
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        color: Color,
        text: String,
    },
    /// A horizontal rule.
    Rule { x1: f32, x2: f32, y: f32 },
    /// The seller's logo, its top left corner at (`x`, `y`).
    Logo {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
    },
}

/// The box a logo is fitted into, in points: about 56 × 17 mm.
const LOGO_W: f32 = 160.0;
const LOGO_H: f32 = 48.0;

pub type Page = Vec<Op>;

const MARGIN: f32 = 50.0;
const BODY: f32 = 9.0;
const LEADING: f32 = 12.0;
const FOOTER: f32 = 30.0;

/// Right edges of the number columns, from the content's right edge; the description
/// takes what is left.
const AMOUNT_W: f32 = 95.0;
const TAX_W: f32 = 45.0;
const PRICE_W: f32 = 95.0;
const QTY_W: f32 = 55.0;

/// Lays `invoice` out on `paper`.
pub fn lay_out(invoice: &Invoice, paper: Paper, fonts: &Fonts) -> Vec<Page> {
    let mut w = Writer {
        fonts,
        paper,
        pages: Vec::new(),
        ops: Vec::new(),
        y: MARGIN,
    };
    w.heading(invoice);
    w.table(invoice);
    w.totals(invoice);
    w.closing(invoice);
    w.finish(invoice)
}

struct Writer<'a> {
    fonts: &'a Fonts,
    paper: Paper,
    pages: Vec<Page>,
    ops: Page,
    /// Where the next line's top is.
    y: f32,
}

impl Writer<'_> {
    fn left(&self) -> f32 {
        MARGIN
    }

    fn right(&self) -> f32 {
        self.paper.width - MARGIN
    }

    fn bottom(&self) -> f32 {
        self.paper.height - MARGIN - FOOTER
    }

    fn width(&self, text: &str, size: f32, weight: Weight) -> f32 {
        self.fonts.face(weight).width(text, size)
    }

    fn text(&mut self, x: f32, y: f32, size: f32, weight: Weight, color: Color, text: &str) {
        if text.is_empty() {
            return;
        }
        self.ops.push(Op::Text {
            x,
            y,
            size,
            weight,
            color,
            text: text.to_owned(),
        });
    }

    /// Text whose right edge is at `right`.
    fn text_right(&mut self, right: f32, y: f32, size: f32, weight: Weight, text: &str) {
        let x = right - self.width(text, size, weight);
        self.text(x, y, size, weight, Color::Ink, text);
    }

    fn rule(&mut self, y: f32) {
        let (x1, x2) = (self.left(), self.right());
        self.ops.push(Op::Rule { x1, x2, y });
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` more fits on this one.
    fn fits_or_break(&mut self, height: f32) -> bool {
        if self.y + height > self.bottom() {
            self.new_page();
            false
        } else {
            true
        }
    }

    fn heading(&mut self, invoice: &Invoice) {
        let top = self.y;
        let mut seller_top = top;
        if let Some(logo) = invoice.logo.as_ref().filter(|l| !l.data.is_empty()) {
            // Fitted into its box, never enlarged past its own pixels at 72 dpi.
            let (w, h) = (logo.width.max(1) as f32, logo.height.max(1) as f32);
            let scale = (LOGO_W / w).min(LOGO_H / h).min(1.0);
            let (width, height) = (w * scale, h * scale);
            let x = self.left();
            self.ops.push(Op::Logo {
                x,
                y: top,
                width,
                height,
            });
            seller_top = top + height + 10.0;
        }
        let seller_bottom = self.party(&invoice.seller, self.left(), seller_top, 14.0);

        let right = self.right();
        let (title, third) = match &invoice.kind {
            Kind::Invoice => ("INVOICE", ("Due date", invoice.due_date.as_str())),
            Kind::CreditNote { invoice_number, .. } => {
                ("CREDIT NOTE", ("Credits invoice", invoice_number.as_str()))
            }
            Kind::Quote { valid_until } => ("QUOTE", ("Valid until", valid_until.as_str())),
        };
        self.text_right(right, top + 18.0, 20.0, Weight::Bold, title);
        let mut y = top + 36.0;
        for (label, value) in [
            ("Number", invoice.number.as_str()),
            ("Issue date", invoice.issue_date.as_str()),
            third,
            ("Currency", invoice.currency.code.as_str()),
        ] {
            let value_w = self.width(value, BODY, Weight::Bold);
            self.text_right(right, y, BODY, Weight::Bold, value);
            let label_x = right - value_w - 8.0 - self.width(label, BODY, Weight::Regular);
            self.text(label_x, y, BODY, Weight::Regular, Color::Muted, label);
            y += LEADING;
        }
        if let Some(mark) = invoice.status.mark() {
            y += 22.0;
            let x = right - self.width(mark, 24.0, Weight::Bold);
            self.text(x, y, 24.0, Weight::Bold, Color::Mark(invoice.status), mark);
        }

        self.y = seller_bottom.max(y) + 24.0;
        let left = self.left();
        let label_y = self.y + BODY;
        // A quote bills nobody yet: it is an offer made for its client.
        let buyer_label = match invoice.kind {
            Kind::Quote { .. } => "Prepared for",
            _ => "Bill to",
        };
        self.text(left, label_y, BODY, Weight::Bold, Color::Muted, buyer_label);
        self.y = self.party(&invoice.buyer, left, self.y + LEADING, 11.0) + 20.0;
    }

    /// A party's block from `top`; returns where it ends.
    fn party(&mut self, party: &Party, x: f32, top: f32, name_size: f32) -> f32 {
        let mut y = top + name_size;
        let width = (self.right() - self.left()) * 0.55;
        for line in wrap(self.fonts, &party.name, width, name_size, Weight::Bold) {
            self.text(x, y, name_size, Weight::Bold, Color::Ink, &line);
            y += name_size + 3.0;
        }
        for detail in party.details() {
            for line in wrap(self.fonts, &detail, width, BODY, Weight::Regular) {
                self.text(x, y, BODY, Weight::Regular, Color::Ink, &line);
                y += LEADING;
            }
        }
        y
    }

    fn table_header(&mut self) {
        let y = self.y + BODY;
        let left = self.left();
        self.text(left, y, BODY, Weight::Bold, Color::Ink, "Description");
        let columns = self.columns();
        for (right, label) in [
            (columns.qty, "Quantity"),
            (columns.price, "Unit price"),
            (columns.tax, "Tax %"),
            (columns.amount, "Amount"),
        ] {
            self.text_right(right, y, BODY, Weight::Bold, label);
        }
        self.y += LEADING + 2.0;
        let y = self.y;
        self.rule(y);
        self.y += 4.0;
    }

    fn columns(&self) -> Columns {
        let amount = self.right();
        let tax = amount - AMOUNT_W;
        let price = tax - TAX_W;
        let qty = price - PRICE_W;
        Columns {
            description: qty - QTY_W - self.left() - 8.0,
            qty,
            price,
            tax,
            amount,
        }
    }

    fn table(&mut self, invoice: &Invoice) {
        self.table_header();
        let columns = self.columns();
        let digits = invoice.currency.minor_digits;
        for line in &invoice.lines {
            let description = wrap(
                self.fonts,
                &line.description,
                columns.description,
                BODY,
                Weight::Regular,
            );
            let height = description.len().max(1) as f32 * LEADING + 4.0;
            if !self.fits_or_break(height) {
                self.continued(invoice);
                self.table_header();
            }
            let first = self.y + BODY;
            let left = self.left();
            for (i, text) in description.iter().enumerate() {
                let y = first + i as f32 * LEADING;
                self.text(left, y, BODY, Weight::Regular, Color::Ink, text);
            }
            self.text_right(columns.qty, first, BODY, Weight::Regular, &line.quantity);
            let price = amount::format(line.unit_price, digits);
            self.text_right(columns.price, first, BODY, Weight::Regular, &price);
            self.text_right(columns.tax, first, BODY, Weight::Regular, &line.tax_rate);
            let net = amount::format(line.net, digits);
            self.text_right(columns.amount, first, BODY, Weight::Regular, &net);
            self.y += height;
        }
        let y = self.y;
        self.rule(y);
        self.y += 8.0;
    }

    /// The top of a page after the first: which invoice this continues.
    fn continued(&mut self, invoice: &Invoice) {
        let y = self.y + BODY;
        let left = self.left();
        let text = format!("{} — {} (continued)", invoice.number, invoice.seller.name);
        self.text(left, y, BODY, Weight::Regular, Color::Muted, &text);
        self.y += LEADING * 2.0;
    }

    fn totals(&mut self, invoice: &Invoice) {
        let currency = &invoice.currency;
        let digits = currency.minor_digits;
        let row = |label: String, minor: i64, strong: bool| {
            let weight = if strong {
                Weight::Bold
            } else {
                Weight::Regular
            };
            (label, amount::format(minor, digits), weight)
        };
        let mut rows: Vec<_> = crate::totals::totals(invoice)
            .into_iter()
            .map(|t| row(t.label, t.minor, t.strong))
            .collect();
        // The PDF also sums the payments up, above the balance.
        if invoice.amount_paid > 0 || invoice.status == Status::Paid {
            let paid = row("Amount paid".into(), invoice.amount_paid, false);
            rows.insert(rows.len() - 1, paid);
        }

        let height = rows.len() as f32 * (LEADING + 2.0);
        if !self.fits_or_break(height) {
            self.continued(invoice);
        }
        let right = self.right();
        let label_right = right - AMOUNT_W - 10.0;
        for (label, value, weight) in rows {
            let y = self.y + BODY;
            self.text_right(label_right, y, BODY, weight, &label);
            self.text_right(right, y, BODY, weight, &value);
            self.y += LEADING + 2.0;
        }
        self.y += 12.0;
    }

    fn closing(&mut self, invoice: &Invoice) {
        let bank = invoice.bank.as_ref().map(|bank| match &bank.bic {
            Some(bic) => format!("IBAN {} · BIC {bic}", bank.iban),
            None => format!("IBAN {}", bank.iban),
        });
        let sections = [
            ("Notes", invoice.notes.clone()),
            ("Payment terms", invoice.payment_terms.clone()),
            ("Bank details", bank),
        ];
        let width = self.right() - self.left();
        for (title, body) in sections {
            let Some(body) = body else { continue };
            let lines = wrap(self.fonts, &body, width, BODY, Weight::Regular);
            self.fits_or_break(LEADING * 2.0);
            let left = self.left();
            let y = self.y + BODY;
            self.text(left, y, BODY, Weight::Bold, Color::Ink, title);
            self.y += LEADING;
            for line in lines {
                if !self.fits_or_break(LEADING) {
                    self.continued(invoice);
                }
                let y = self.y + BODY;
                self.text(left, y, BODY, Weight::Regular, Color::Ink, &line);
                self.y += LEADING;
            }
            self.y += 8.0;
        }
    }

    /// Closes the last page and puts a footer on every page.
    fn finish(mut self, invoice: &Invoice) -> Vec<Page> {
        self.new_page();
        let count = self.pages.len();
        let y = self.paper.height - MARGIN;
        let (left, right) = (self.left(), self.right());
        let mut pages = std::mem::take(&mut self.pages);
        for (i, page) in pages.iter_mut().enumerate() {
            let number = format!("Page {} of {count}", i + 1);
            let x = right - self.width(&number, 8.0, Weight::Regular);
            page.push(text_op(left, y, 8.0, Color::Muted, &invoice.number));
            page.push(text_op(x, y, 8.0, Color::Muted, &number));
        }
        pages
    }
}

fn text_op(x: f32, y: f32, size: f32, color: Color, text: &str) -> Op {
    Op::Text {
        x,
        y,
        size,
        weight: Weight::Regular,
        color,
        text: text.to_owned(),
    }
}

struct Columns {
    /// The description's width; the rest are right edges.
    description: f32,
    qty: f32,
    price: f32,
    tax: f32,
    amount: f32,
}

/// `text` in lines no wider than `width`: broken at line breaks, then between words,
/// and inside a word only when the word alone is wider. Tabs are spaces, and any other
/// control character is dropped (stored text holds none; this keeps a layout whole if
/// one ever came through).
pub fn wrap(fonts: &Fonts, text: &str, width: f32, size: f32, weight: Weight) -> Vec<String> {
    let face = fonts.face(weight);
    let text: String = text
        .replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\t' || c == '\r' { ' ' } else { c })
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if face.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the column on its own: broken where it must be.
            for c in word.chars() {
                line.push(c);
                if face.width(&line, size) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
        lines.push(line);
    }
    while lines.len() > 1 && lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::fonts;

    fn all_fit(lines: &[String], width: f32) -> bool {
        let face = fonts().expect("fonts").face(Weight::Regular);
        lines.iter().all(|l| face.width(l, BODY) <= width)
    }

    #[test]
    fn text_wraps_between_words_and_inside_a_word_only_when_it_must() {
        let fonts = fonts().expect("fonts");
        let lines = wrap(
            fonts,
            "Design work for the spring campaign",
            80.0,
            BODY,
            Weight::Regular,
        );
        assert!(lines.len() > 1, "{lines:?}");
        assert!(all_fit(&lines, 80.0), "{lines:?}");
        assert_eq!(lines.join(" "), "Design work for the spring campaign");

        let long = "x".repeat(200);
        let lines = wrap(fonts, &long, 60.0, BODY, Weight::Regular);
        assert!(lines.len() > 3 && all_fit(&lines, 60.0));
        assert_eq!(lines.concat(), long);
    }

    #[test]
    fn breaks_tabs_and_stray_controls() {
        let fonts = fonts().expect("fonts");
        let lines = wrap(
            fonts,
            "one\r\ntwo\tthree\u{7}",
            400.0,
            BODY,
            Weight::Regular,
        );
        assert_eq!(lines, ["one", "two three"]);
        assert_eq!(wrap(fonts, "", 100.0, BODY, Weight::Regular), [""]);
    }

    #[test]
    fn paper_follows_the_sellers_country() {
        assert_eq!(Paper::for_country(Some("US")), Paper::LETTER);
        assert_eq!(Paper::for_country(Some("DE")), Paper::A4);
        assert_eq!(Paper::for_country(None), Paper::A4);
    }
}
