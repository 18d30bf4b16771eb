//! Who may read the figures. Queue depths and lags say how busy the business is, so a
//! scrape carries the operator's `metrics_token` as a bearer token; with none configured
//! the routes do not exist at all (a deployment opts in).

/// What a scrape request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// No token is configured: answer as for a path nobody serves.
    Disabled,
    /// A token is configured and the request did not carry it.
    Refused,
    Admitted,
}

/// The admission of a request with this `Authorization` header, when the configured
/// token is `configured` (empty: none). Compared in constant time.
pub fn admit(configured: &str, authorization: Option<&str>) -> Admission {
    let configured = configured.trim();
    if configured.is_empty() {
        return Admission::Disabled;
    }
    let offered = authorization
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .unwrap_or_default();
    if constant_time_eq::constant_time_eq(offered.as_bytes(), configured.as_bytes()) {
        Admission::Admitted
    } else {
        Admission::Refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_configured_token_means_no_metrics_even_for_an_empty_bearer() {
        assert_eq!(admit("", None), Admission::Disabled);
        assert_eq!(admit("  ", Some("Bearer ")), Admission::Disabled);
    }

    #[test]
    fn only_the_configured_bearer_token_is_admitted() {
        let token = "s3cret-metrics-token";
        assert_eq!(
            admit(token, Some("Bearer s3cret-metrics-token")),
            Admission::Admitted
        );
        assert_eq!(
            admit(token, Some("bearer s3cret-metrics-token")),
            Admission::Admitted
        );
        assert_eq!(admit(token, None), Admission::Refused);
        assert_eq!(
            admit(token, Some("Bearer s3cret-metrics-toke")),
            Admission::Refused
        );
        assert_eq!(
            admit(token, Some("Basic s3cret-metrics-token")),
            Admission::Refused
        );
        assert_eq!(
            admit(token, Some("s3cret-metrics-token")),
            Admission::Refused
        );
        assert_eq!(admit(token, Some("Bearer ")), Admission::Refused);
    }
}
