//! Which file answers a request, with which headers — plain Rust, no Spin, so every rule
//! is a native test.

/// What the browser gets for a path.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// A file of the built app: `file` is its path under the app's root.
    File {
        file: String,
        content_type: &'static str,
        cache: &'static str,
        /// Tried first, in order: (suffix of the precompressed file, `Content-Encoding`).
        encodings: Vec<(&'static str, &'static str)>,
    },
    /// No such page or file: the API's problem+json 404.
    NotFound,
}

/// The page every client route of the app loads; the router in the page picks the screen.
pub const INDEX: &str = "index.html";

/// Hashed build output: a new build has new names, so a year is safe.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `index.html` names the current assets: always asked again, so a deploy shows at once.
const NEVER: &str = "no-store";
/// Unhashed files beside it (the icon): a day.
const SHORT: &str = "public, max-age=86400";

/// The page's policy: its own files only, no inline script or style, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; \
     manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The headers every answer of this component carries (pages, files and 404s).
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    ),
];

pub fn plan(method: &str, path: &str, accept_encoding: Option<&str>) -> Plan {
    if method != "GET" && method != "HEAD" {
        return Plan::NotFound;
    }
    let Some(relative) = path.strip_prefix('/') else {
        return Plan::NotFound;
    };
    if is_page(relative) {
        return file(INDEX, NEVER, accept_encoding);
    }
    if !is_safe(relative) {
        return Plan::NotFound;
    }
    let cache = if relative.starts_with("assets/") {
        IMMUTABLE
    } else {
        SHORT
    };
    file(relative, cache, accept_encoding)
}

/// `/`, `/app` and everything under `/app/` is the app's own routing.
fn is_page(relative: &str) -> bool {
    relative.is_empty()
        || relative == INDEX
        || relative == "app"
        || relative.strip_prefix("app/").is_some()
}

/// A file name as the build writes them: no traversal, no escapes, no hidden files, and
/// never the precompressed twins by their own names.
fn is_safe(relative: &str) -> bool {
    !relative.is_empty()
        && relative.len() <= 200
        && relative.split('/').all(|segment| {
            !segment.is_empty()
                && !segment.starts_with('.')
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
        && !relative.ends_with(".br")
        && !relative.ends_with(".gz")
}

fn file(relative: &str, cache: &'static str, accept_encoding: Option<&str>) -> Plan {
    let Some(content_type) = content_type(relative) else {
        return Plan::NotFound;
    };
    let encodings = [(".br", "br"), (".gz", "gzip")]
        .into_iter()
        .filter(|(_, coding)| accepts(accept_encoding, coding))
        .collect();
    Plan::File {
        file: relative.to_owned(),
        content_type,
        cache,
        encodings,
    }
}

/// Only the types the build writes; anything else is not ours to serve.
fn content_type(relative: &str) -> Option<&'static str> {
    let extension = relative.rsplit_once('.')?.1;
    Some(match extension {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => return None,
    })
}

/// Whether `Accept-Encoding` takes `coding` (RFC 9110 §12.5.3): named or `*`, with a
/// `q` above zero.
fn accepts(header: Option<&str>, coding: &str) -> bool {
    let Some(header) = header else { return false };
    let mut named = None;
    let mut wildcard = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if name.eq_ignore_ascii_case(coding) {
            named = Some(q);
        } else if name == "*" {
            wildcard = Some(q);
        }
    }
    named.or(wildcard).is_some_and(|q| q > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(path: &str) -> Option<(String, &'static str, &'static str)> {
        match plan("GET", path, None) {
            Plan::File {
                file,
                content_type,
                cache,
                ..
            } => Some((file, content_type, cache)),
            Plan::NotFound => None,
        }
    }

    #[test]
    fn every_client_route_loads_the_page_which_is_never_cached() {
        for path in [
            "/",
            "/app",
            "/app/",
            "/app/invoices/6d0c3a52-7a0e",
            "/index.html",
        ] {
            assert_eq!(
                served(path),
                Some((INDEX.into(), "text/html; charset=utf-8", "no-store")),
                "{path}"
            );
        }
    }

    #[test]
    fn hashed_assets_are_cached_for_a_year_and_other_files_for_a_day() {
        assert_eq!(
            served("/assets/index-D0rSQcJf.js"),
            Some((
                "assets/index-D0rSQcJf.js".into(),
                "text/javascript; charset=utf-8",
                IMMUTABLE
            ))
        );
        assert_eq!(
            served("/assets/index-CBMHLi1r.css").map(|s| s.1),
            Some("text/css; charset=utf-8")
        );
        assert_eq!(served("/favicon.svg").map(|s| s.2), Some(SHORT));
    }

    #[test]
    fn api_paths_traversal_and_unknown_types_are_not_found() {
        for path in [
            "/nope",
            "/clients-typo",
            "/../etc/passwd",
            "/assets/../../secret.js",
            "/assets/%2e%2e/x.js",
            "/assets//x.js",
            "/.env",
            "/assets/.hidden.js",
            "/assets/x.js.br",
            "/assets/x.js.gz",
            "/assets/x.exe",
            "/assets/x\0.js",
            "/assets/é.js",
            "",
            "relative.js",
        ] {
            assert_eq!(plan("GET", path, None), Plan::NotFound, "{path:?}");
        }
        assert_eq!(
            plan("GET", &format!("/{}.js", "a".repeat(300)), None),
            Plan::NotFound
        );
    }

    #[test]
    fn only_reads_are_answered() {
        assert!(matches!(plan("HEAD", "/app", None), Plan::File { .. }));
        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            assert_eq!(plan(method, "/app", None), Plan::NotFound, "{method}");
        }
    }

    #[test]
    fn precompressed_files_follow_accept_encoding() {
        let encodings = |header| match plan("GET", "/assets/a.js", header) {
            Plan::File { encodings, .. } => encodings
                .into_iter()
                .map(|(_, coding)| coding)
                .collect::<Vec<_>>(),
            Plan::NotFound => panic!("a file"),
        };
        assert_eq!(encodings(Some("gzip, deflate, br, zstd")), ["br", "gzip"]);
        assert_eq!(encodings(Some("gzip")), ["gzip"]);
        assert_eq!(encodings(Some("br;q=0, gzip;q=0.5")), ["gzip"]);
        assert_eq!(encodings(Some("*")), ["br", "gzip"]);
        assert_eq!(encodings(Some("*, br;q=0")), ["gzip"]);
        assert_eq!(encodings(Some("identity")), Vec::<&str>::new());
        assert_eq!(encodings(Some("BR;q=garbage")), ["br"]);
        assert_eq!(encodings(None), Vec::<&str>::new());
    }

    #[test]
    fn the_policy_allows_nothing_inline_and_no_other_origin() {
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
        assert!(!CONTENT_SECURITY_POLICY.contains("http"));
        assert!(CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
    }
}
