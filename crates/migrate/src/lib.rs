//! Database migrations: the versioned SQL files in `migrations/`, embedded at build time
//! and applied in order by refinery, which records each in `refinery_schema_history`
//! so a re-run applies only what is new.

use postgres::config::SslMode;
use postgres::{Client, Config, NoTls};

mod embedded {
    refinery::embed_migrations!("../../migrations");
}

/// Applies pending migrations to the database at `url` and returns the versions applied.
pub fn run(url: &str) -> Result<Vec<String>, String> {
    let mut client = connect(url).map_err(|e| format!("connect to {}: {e}", redact(url)))?;
    let report = embedded::migrations::runner()
        .set_grouped(false)
        .run(&mut client)
        .map_err(|e| format!("migrate: {e}"))?;
    Ok(report
        .applied_migrations()
        .iter()
        .map(|m| m.to_string())
        .collect())
}

/// TLS when the URL says `sslmode=require` (a managed Postgres such as RDS with
/// `rds.force_ssl`), the certificate verified against the system's trust store; plain
/// otherwise, as before — `prefer` against a local server with a self-signed certificate
/// would fail verification rather than fall back.
fn connect(url: &str) -> Result<Client, String> {
    let config: Config = url.parse().map_err(|e| format!("{e}"))?;
    if config.get_ssl_mode() == SslMode::Require {
        let tls = native_tls::TlsConnector::new().map_err(|e| format!("TLS: {e}"))?;
        config
            .connect(postgres_native_tls::MakeTlsConnector::new(tls))
            .map_err(|e| with_causes(&e))
    } else {
        config.connect(NoTls).map_err(|e| with_causes(&e))
    }
}

/// The error and what caused it ("error performing TLS handshake: … certificate verify
/// failed …"): the outermost message alone does not say what to fix.
fn with_causes(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(super::redact("postgres://u:p@h/db"), "postgres://***@h/db");
        assert_eq!(super::redact("postgres://h/db"), "postgres://h/db");
    }

    /// The local server (Debian's, `make setup`) offers TLS with its self-signed "snakeoil"
    /// certificate: `sslmode=require` must speak TLS and refuse that certificate — without
    /// TLS support the error would be about TLS being unavailable, not the certificate.
    #[test]
    fn sslmode_require_speaks_tls_and_verifies_the_certificate() {
        let err = super::run("postgres://fin:fin@127.0.0.1:5432/fin?sslmode=require")
            .expect_err("a self-signed certificate is not trusted");
        assert!(err.contains("certificate"), "{err}");
        assert!(!err.contains("fin:fin"), "no password in: {err}");
    }
}
