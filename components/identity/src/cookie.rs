//! The refresh token's cookie: `HttpOnly; Secure; SameSite=Strict`, scoped to
//! `/auth/refresh`, so script never reads it, no other route is sent it, and no other
//! site can make the browser send it. Below both the session rules and the error type,
//! which clears it when a session has ended.

/// The cookie's name.
pub const COOKIE: &str = "fin_refresh";
/// The one path the browser sends it to: `POST` renews, `DELETE` ends the session.
pub const COOKIE_PATH: &str = "/auth/refresh";

/// The `Set-Cookie` value that makes the browser forget the token.
pub fn cleared() -> String {
    set("", 0)
}

/// The `Set-Cookie` value that hands `value` to the browser for `max_age` seconds.
pub fn set(value: &str, max_age: i64) -> String {
    format!("{COOKIE}={value}; Path={COOKIE_PATH}; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict")
}

/// The refresh token in a `Cookie` header, if it carries one that could be ours.
pub fn presented(cookie_header: Option<&str>) -> Option<&str> {
    cookie_header?
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim_matches('"'))
        .filter(|value| {
            value.len() == 43
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_token_is_read_from_the_cookie_header() {
        let token = "a".repeat(43);
        let header = format!("theme=dark; fin_refresh={token}; other=1");
        assert_eq!(presented(Some(&header)), Some(token.as_str()));
        assert_eq!(
            presented(Some(&format!("fin_refresh=\"{token}\""))),
            Some(token.as_str())
        );
        assert_eq!(presented(Some("fin_refresh=short")), None);
        assert_eq!(
            presented(Some(&format!("fin_refresh={}", "é".repeat(43)))),
            None
        );
        assert_eq!(presented(Some(&format!("xfin_refresh={token}"))), None);
        assert_eq!(presented(Some("")), None);
        assert_eq!(presented(None), None);
    }
}
