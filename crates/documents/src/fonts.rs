//! The two faces every document is set in, and how wide a text is in them.
//!
//! Compiled in (a component has no file system to read them from); each PDF embeds only
//! the glyphs it uses. `fonts/README.md` says where they come from and why.

use std::sync::{Arc, OnceLock};

use krilla::text::Font;

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// A face: what krilla draws with, and its metrics for measuring.
pub struct Face {
    pub font: Font,
    metrics: ttf_parser::Face<'static>,
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        Some(Face {
            font: Font::new(Arc::new(data.to_vec()).into(), 0)?,
            metrics: ttf_parser::Face::parse(data, 0).ok()?,
        })
    }

    /// The advance of `text` at `size` points, without kerning (none of what an invoice
    /// aligns is narrow enough for kerning to show).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                self.metrics
                    .glyph_index(c)
                    .and_then(|g| self.metrics.glyph_hor_advance(g))
                    .map_or(0, u32::from)
            })
            .sum();
        units as f32 * size / f32::from(self.metrics.units_per_em())
    }
}

pub struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    pub fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

/// The faces, parsed once per instance. `None` only if the files compiled in are not
/// fonts — a build defect the tests catch.
pub fn fonts() -> Option<&'static Fonts> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some(Fonts {
                regular: Face::load(REGULAR)?,
                bold: Face::load(BOLD)?,
            })
        })
        .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_faces_load_and_measure() {
        let fonts = fonts().expect("fonts");
        let regular = fonts.face(Weight::Regular);
        let bold = fonts.face(Weight::Bold);
        assert!(regular.width("Invoice", 10.0) > 20.0);
        assert!(bold.width("Invoice", 10.0) > regular.width("Invoice", 10.0));
        assert_eq!(regular.width("", 10.0), 0.0);
        let twice = regular.width("ΣΣ", 12.0);
        assert!((twice - 2.0 * regular.width("Σ", 12.0)).abs() < 0.001);
    }
}
