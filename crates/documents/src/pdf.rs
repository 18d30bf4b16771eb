//! Pages of laid-out text and rules, drawn into a PDF with krilla.
//!
//! No clock and no randomness reach the file: no creation date, and krilla derives the
//! document id from the content, so the same invoice gives the same bytes (its ETag can
//! be the invoice's version).

use krilla::color::rgb;
use std::sync::Arc;

use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;
use krilla::Document;

use crate::fonts::fonts;
use crate::layout::{lay_out, Color, Op, Paper};
use crate::model::{Invoice, Status};

/// Why no PDF came out: a defect (the fonts compiled in, the PDF writer), never the
/// invoice's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pdf: {}", self.0)
    }
}

/// `invoice` as a PDF on `paper`.
pub fn render(invoice: &Invoice, paper: Paper) -> Result<Vec<u8>, RenderError> {
    let fonts = fonts().ok_or_else(|| RenderError("the fonts compiled in do not load".into()))?;
    let settings = PageSettings::from_wh(paper.width, paper.height)
        .ok_or_else(|| RenderError("paper size".into()))?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(match invoice.kind {
                crate::model::Kind::Invoice => format!("Invoice {}", invoice.number),
                crate::model::Kind::CreditNote { .. } => format!("Credit note {}", invoice.number),
                crate::model::Kind::Quote { .. } => format!("Quote {}", invoice.number),
            })
            .authors(vec![invoice.seller.name.clone()])
            .creator("Fin-Freelancer".to_owned()),
    );
    for ops in lay_out(invoice, paper, fonts) {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    weight,
                    color,
                    text,
                } => {
                    surface.set_fill(Some(Fill {
                        paint: rgb_of(color).into(),
                        ..Fill::default()
                    }));
                    surface.draw_text(
                        Point::from_xy(x, y),
                        fonts.face(weight).font.clone(),
                        size,
                        &text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rule { x1, x2, y } => {
                    let mut path = PathBuilder::new();
                    path.move_to(x1, y);
                    path.line_to(x2, y);
                    let Some(path) = path.finish() else { continue };
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke {
                        paint: rgb::Color::new(190, 190, 190).into(),
                        width: 0.6,
                        ..Stroke::default()
                    }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                }
                Op::Logo {
                    x,
                    y,
                    width,
                    height,
                } => {
                    let (Some(image), Some(size)) = (logo(invoice), Size::from_wh(width, height))
                    else {
                        continue;
                    };
                    surface.push_transform(&Transform::from_translate(x, y));
                    surface.draw_image(image, size);
                    surface.pop();
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| RenderError(format!("{e:?}")))
}

/// The seller's logo as krilla draws it; `None` when there is none or it does not decode
/// (billing checked it when it was put: a document is then drawn without it).
fn logo(invoice: &Invoice) -> Option<Image> {
    let logo = invoice.logo.as_ref().filter(|l| !l.data.is_empty())?;
    let data: krilla::Data = Arc::new(logo.data.clone()).into();
    match logo.content_type.as_str() {
        "image/png" => Image::from_png(data, true).ok(),
        "image/jpeg" => Image::from_jpeg(data, true).ok(),
        _ => None,
    }
}

fn rgb_of(color: Color) -> rgb::Color {
    match color {
        Color::Ink => rgb::Color::new(20, 20, 20),
        Color::Muted => rgb::Color::new(110, 110, 110),
        Color::Mark(Status::Paid) => rgb::Color::new(20, 130, 60),
        Color::Mark(Status::Void) => rgb::Color::new(190, 30, 30),
        Color::Mark(_) => rgb::Color::new(140, 140, 140),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_have_their_own_colours() {
        let paid = rgb_of(Color::Mark(Status::Paid));
        assert_ne!(paid, rgb_of(Color::Mark(Status::Void)));
        assert_ne!(rgb_of(Color::Ink), rgb_of(Color::Muted));
    }
}
