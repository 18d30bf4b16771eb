//! The routes a component serves, declared as data.
//!
//! Each component lists its routes once — an OpenAPI path template and its methods — and
//! dispatches on the template that matched. The table is what answers 404 and 405 (with
//! `Allow`), and what the contract test compares with `docs/openapi.yaml`, so a route
//! cannot exist without being in the spec: a match arm the table does not name is never
//! reached.

use fin_problem::Problem;

/// One path template (`/invoices/{id}/send`) and the methods it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub path: &'static str,
    pub methods: &'static [&'static str],
}

impl Route {
    pub const fn new(path: &'static str, methods: &'static [&'static str]) -> Self {
        Self { path, methods }
    }

    /// The template's parameters as found in `segments`, if the path fits the template.
    fn capture(&self, segments: &[&str]) -> Option<Vec<(&'static str, String)>> {
        let template: Vec<&'static str> = split(self.path);
        if template.len() != segments.len() {
            return None;
        }
        let mut params = Vec::new();
        for (part, segment) in template.into_iter().zip(segments) {
            match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => params.push((name, (*segment).to_owned())),
                None if part == *segment => {}
                None => return None,
            }
        }
        Some(params)
    }
}

/// The route a request resolved to.
#[derive(Debug, PartialEq, Eq)]
pub struct Matched {
    /// The template, as written in the table: what a router matches on.
    pub path: &'static str,
    pub method: &'static str,
    params: Vec<(&'static str, String)>,
}

impl Matched {
    /// A path parameter by its name in the template; empty if the template has none.
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, value)| value.as_str())
            .unwrap_or_default()
    }
}

fn split(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// Which of `routes` serves `method` on `path` (empty segments and trailing slashes
/// ignored). Literal templates are listed before parameterised ones where both could
/// fit, and the first that fits wins.
pub fn resolve(routes: &[Route], path: &str, method: &str) -> Result<Matched, Problem> {
    let segments = split(path);
    let (route, params) = routes
        .iter()
        .find_map(|route| route.capture(&segments).map(|params| (route, params)))
        .ok_or_else(|| Problem::no_route(path.trim_end_matches('/')))?;
    let method = route
        .methods
        .iter()
        .find(|m| **m == method)
        .ok_or_else(|| Problem::method_not_allowed(route.methods))?;
    Ok(Matched {
        path: route.path,
        method,
        params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTES: &[Route] = &[
        Route::new("/payments", &["GET"]),
        Route::new("/payments/webhook", &["POST"]),
        Route::new("/invoices/{id}", &["GET", "PATCH"]),
        Route::new("/invoices/{id}/send", &["POST"]),
    ];

    #[test]
    fn templates_capture_their_parameters() {
        let matched = resolve(ROUTES, "/invoices/abc/send/", "POST").expect("route");
        assert_eq!(matched.path, "/invoices/{id}/send");
        assert_eq!(matched.method, "POST");
        assert_eq!(matched.param("id"), "abc");
        let matched = resolve(ROUTES, "//payments/webhook", "POST").expect("route");
        assert_eq!(matched.path, "/payments/webhook");
        assert_eq!(matched.param("id"), "");
    }

    #[test]
    fn an_unknown_path_is_404_and_a_known_one_with_another_method_405() {
        let missing = resolve(ROUTES, "/invoices/abc/refund", "POST").expect_err("404");
        assert_eq!(missing.status, 404);
        assert_eq!(
            missing.detail.as_deref(),
            Some("There is no resource at /invoices/abc/refund.")
        );
        let wrong = resolve(ROUTES, "/invoices/abc", "DELETE").expect_err("405");
        assert_eq!(wrong.status, 405);
        assert_eq!(
            wrong.headers,
            [("Allow".to_owned(), "GET, PATCH".to_owned())]
        );
        assert_eq!(resolve(ROUTES, "/", "GET").expect_err("404").status, 404);
        assert_eq!(
            resolve(ROUTES, "/payments", "get")
                .expect_err("case")
                .status,
            405
        );
    }
}
