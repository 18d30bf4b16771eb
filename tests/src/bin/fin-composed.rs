//! `cargo run -p fin-e2e --bin fin-composed`: writes the composed profile's manifest
//! (`target/composed/spin.toml`, from spin.toml) and prints its path, for
//! `spin build --from` and `spin up --from` (docs/architecture.md).

fn main() {
    let path = fin_e2e::composed::manifest(&fin_e2e::App::repo_root());
    println!("{}", path.display());
}
