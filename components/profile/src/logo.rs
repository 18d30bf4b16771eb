//! The freelancer's logo, printed on every document: a PNG or a JPEG, at most
//! [`MAX_BYTES`], accepted only when it decodes whole — a file that merely starts like
//! an image, or a small file that would unpack into a huge one, is refused before it
//! is stored, so no document is ever drawn from something broken.

use fin_problem::FieldError;
pub use fin_seller::Logo;
use sha2::{Digest, Sha256};

/// A logo is a small picture: 256 KiB holds a crisp one many times over.
pub const MAX_BYTES: usize = 256 * 1024;
/// Pixels on the longer side: a document prints it a few centimetres wide.
pub const MAX_SIDE: u32 = 2000;

/// Why an upload is not a logo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Neither `image/png` nor `image/jpeg` (415).
    MediaType,
    /// It does not decode as what it says it is, or is too large a picture (422).
    Invalid(FieldError),
}

/// `bytes`, sent as `content_type`, as a logo.
pub fn parse(content_type: Option<&str>, bytes: &[u8]) -> Result<Logo, Refused> {
    let media = content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase());
    let (width, height) = match media.as_deref() {
        Some("image/png") => png_size(bytes),
        Some("image/jpeg") => jpeg_size(bytes),
        _ => return Err(Refused::MediaType),
    }
    .map_err(|reason| Refused::Invalid(FieldError::new("logo", reason)))?;
    Ok(Logo {
        content_type: media.unwrap_or_default(),
        sha256: Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        width,
        height,
    })
}

fn too_large(width: u32, height: u32) -> Option<String> {
    (width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE)
        .then(|| format!("is {width}×{height} pixels; a logo has 1 to {MAX_SIDE} on each side"))
}

/// Decodes the whole PNG (within a memory limit set from the largest logo allowed).
fn png_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let broken = |e: png::DecodingError| format!("is not a PNG that decodes ({e})");
    let limits = png::Limits {
        bytes: (MAX_SIDE * MAX_SIDE * 8) as usize,
    };
    let decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
    let mut reader = decoder.read_info().map_err(broken)?;
    let (width, height) = (reader.info().width, reader.info().height);
    if let Some(reason) = too_large(width, height) {
        return Err(reason);
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "is not a PNG that decodes (too large)".to_owned())?;
    let mut pixels = vec![0; size];
    reader.next_frame(&mut pixels).map_err(broken)?;
    Ok((width, height))
}

/// Decodes the whole JPEG, refusing one larger than [`MAX_SIDE`] before it is unpacked.
fn jpeg_size(bytes: &[u8]) -> Result<(u32, u32), String> {
    let options = zune_jpeg::zune_core::options::DecoderOptions::default()
        .set_max_width(MAX_SIDE as usize)
        .set_max_height(MAX_SIDE as usize);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(
        zune_jpeg::zune_core::bytestream::ZCursor::new(bytes),
        options,
    );
    decoder
        .decode_headers()
        .map_err(|e| format!("is not a JPEG that decodes ({e:?})"))?;
    let (width, height) = decoder
        .dimensions()
        .map(|(w, h)| (w as u32, h as u32))
        .ok_or_else(|| "is not a JPEG that decodes (no size)".to_owned())?;
    if let Some(reason) = too_large(width, height) {
        return Err(reason);
    }
    decoder
        .decode()
        .map_err(|e| format!("is not a JPEG that decodes ({e:?})"))?;
    Ok((width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `width` × `height` PNG, drawn here.
    pub fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, width, height);
            encoder.set_color(png::ColorType::Rgb);
            let mut writer = encoder.write_header().expect("header");
            let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i % 251) as u8).collect();
            writer.write_image_data(&pixels).expect("pixels");
        }
        out
    }

    fn jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut out = Vec::new();
        let encoder = jpeg_encoder::Encoder::new(&mut out, 80);
        let pixels: Vec<u8> = (0..usize::from(width) * usize::from(height) * 3)
            .map(|i| (i % 251) as u8)
            .collect();
        encoder
            .encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb)
            .expect("jpeg");
        out
    }

    fn field(refused: Result<Logo, Refused>) -> String {
        match refused {
            Err(Refused::Invalid(e)) => e.field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_png_or_a_jpeg_that_decodes_is_a_logo() {
        let logo = parse(Some("image/png"), &png(40, 20)).expect("png");
        assert_eq!((logo.width, logo.height), (40, 20));
        assert_eq!(logo.content_type, "image/png");
        assert_eq!(logo.sha256.len(), 64);
        let logo = parse(Some("Image/JPEG; charset=binary"), &jpeg(33, 17)).expect("jpeg");
        assert_eq!(
            (logo.width, logo.height, logo.content_type.as_str()),
            (33, 17, "image/jpeg")
        );
    }

    #[test]
    fn anything_else_is_refused_by_what_it_is() {
        let good = png(40, 20);
        assert_eq!(parse(Some("image/gif"), &good), Err(Refused::MediaType));
        assert_eq!(parse(None, &good), Err(Refused::MediaType));
        assert_eq!(
            field(parse(Some("image/jpeg"), &good)),
            "logo",
            "a PNG sent as JPEG"
        );
        assert_eq!(field(parse(Some("image/png"), &jpeg(8, 8))), "logo");
        assert_eq!(
            field(parse(Some("image/png"), &good[..good.len() / 2])),
            "logo",
            "cut short"
        );
        assert_eq!(
            field(parse(Some("image/png"), b"\x89PNG\r\n\x1a\nnot really")),
            "logo"
        );
        assert_eq!(
            field(parse(Some("image/png"), &png(2001, 1))),
            "logo",
            "too wide"
        );
        assert_eq!(
            field(parse(Some("image/jpeg"), &jpeg(1, 2001))),
            "logo",
            "too tall"
        );
        assert_eq!(field(parse(Some("image/jpeg"), b"")), "logo");
    }
}
