//! Pictures for the logo tests and the demo, drawn here.

/// A `width` × `height` RGB PNG whose pixels depend on `seed`, so two logos differ.
pub fn png(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let pixels: Vec<u8> = (0..width * height * 3)
        .map(|i| ((i % 251) as u8).wrapping_add(seed))
        .collect();
    encode(width, height, &pixels)
}

/// The demo freelancer's logo (240 × 80): a teal disc and three bars, on white.
pub fn demo_logo() -> Vec<u8> {
    let (width, height) = (240u32, 80u32);
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let (dx, dy) = (x as i32 - 40, y as i32 - 40);
            let disc = dx * dx + dy * dy <= 32 * 32;
            let bar = (90..230).contains(&x)
                && [(20, 30), (36, 46), (52, 62)]
                    .iter()
                    .any(|(top, bottom)| (*top..*bottom).contains(&y) && x < 230 - (y / 2));
            let rgb = match (disc, bar) {
                (true, _) => [0, 128, 128],
                (_, true) => [40, 60, 70],
                _ => [255, 255, 255],
            };
            pixels.extend_from_slice(&rgb);
        }
    }
    encode(width, height, &pixels)
}

fn encode(width: u32, height: u32, pixels: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().expect("header");
        writer.write_image_data(pixels).expect("pixels");
    }
    out
}

/// The sizes `pdfimages -list` reports for the images of `pdf`, in order.
pub fn pdf_image_sizes(pdf: &[u8], name: &str) -> Vec<(u32, u32)> {
    let dir = crate::app::repo_root().join("target/e2e/images");
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).expect("write");
    let out = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
        .expect("pdfimages (make setup installs poppler-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|line| {
            let columns: Vec<&str> = line.split_whitespace().collect();
            Some((columns.get(3)?.parse().ok()?, columns.get(4)?.parse().ok()?))
        })
        .collect()
}
