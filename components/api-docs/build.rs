//! Turns `docs/openapi.yaml` into the JSON the component serves, so a request never
//! parses YAML and a spec that does not parse fails the build rather than a request; and
//! hashes the reference page's script for its Content-Security-Policy.

use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha256};

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out);

    let spec_path = "../../docs/openapi.yaml";
    println!("cargo:rerun-if-changed={spec_path}");
    let yaml = std::fs::read_to_string(spec_path).expect("read docs/openapi.yaml");
    let spec: serde_json::Value =
        serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("docs/openapi.yaml: {e}"));
    std::fs::write(out.join("openapi.json"), spec.to_string()).expect("write openapi.json");

    let page_path = "src/reference.html";
    println!("cargo:rerun-if-changed={page_path}");
    let page = std::fs::read_to_string(page_path).expect("read reference.html");
    let script = page
        .split_once("<script>")
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .map(|(script, _)| script)
        .expect("reference.html has one inline <script>");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
    std::fs::write(out.join("script-hash.txt"), hash).expect("write script hash");
}
