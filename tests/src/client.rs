use std::time::Duration;

use serde_json::Value;
use ureq::{Agent, SendBody};

/// A plain HTTP client that never treats a status as an error: tests look at statuses.
#[derive(Clone)]
pub struct Client {
    base: String,
    agent: Agent,
    /// Hold every reply to docs/openapi.yaml ([`crate::contract`]).
    contract: bool,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text; empty when it is not UTF-8 (a PDF): see `bytes`.
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The fields a validation problem names (`errors[].field`), in order.
    pub fn fields(&self) -> Vec<String> {
        self.json()["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["field"].as_str().map(str::to_owned))
            .collect()
    }

    /// Asserts an RFC 9457 problem with this status, and returns its body.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.body
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "errors are problem+json"
        );
        let body = self.json();
        assert_eq!(body["status"], status);
        assert!(
            body["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("/problems/")),
            "{body}"
        );
        assert!(body["title"].is_string(), "{body}");
        body
    }
}

/// One request being put together.
pub struct Call {
    agent: Agent,
    method: String,
    path: String,
    contract: bool,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    chunked: bool,
}

impl Client {
    pub fn new(base: &str) -> Self {
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Self {
            base: base.to_owned(),
            agent,
            contract: false,
        }
    }

    /// A client of the app whose every reply must keep the OpenAPI contract; one that
    /// does not fails the test with what differs.
    pub fn checked(base: &str) -> Self {
        Self {
            contract: true,
            ..Self::new(base)
        }
    }

    pub fn request(&self, method: &str, path: &str) -> Call {
        Call {
            agent: self.agent.clone(),
            method: method.to_owned(),
            path: path.to_owned(),
            contract: self.contract,
            url: format!("{}{path}", self.base),
            headers: Vec::new(),
            body: None,
            chunked: false,
        }
    }

    pub fn get(&self, path: &str) -> Call {
        self.request("GET", path)
    }

    pub fn post(&self, path: &str) -> Call {
        self.request("POST", path)
    }

    /// POSTs a JSON value.
    pub fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.post(path).json(body).send()
    }
}

impl Call {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub fn json(self, body: &Value) -> Self {
        self.raw("application/json", body.to_string().into_bytes())
    }

    pub fn raw(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.headers
            .push(("content-type".to_owned(), content_type.to_owned()));
        self.body = Some(body);
        self
    }

    /// Sends the body with `Transfer-Encoding: chunked` and no `Content-Length`, so the
    /// server cannot size it up front.
    pub fn chunked(mut self) -> Self {
        self.chunked = true;
        self
    }

    pub fn send(self) -> Reply {
        let (method, path, contract) = (self.method.clone(), self.path.clone(), self.contract);
        let reply = self.exchange();
        if contract && reply.status != 0 {
            if let Err(broken) = crate::contract::spec().check(&method, &path, &reply) {
                panic!(
                    "{method} {path} broke the contract in docs/openapi.yaml: {broken}\n\
                     reply: {} {:?}\n{}",
                    reply.status, reply.headers, reply.body
                );
            }
        }
        reply
    }

    fn exchange(self) -> Reply {
        let mut builder = ureq::http::Request::builder()
            .method(self.method.as_str())
            .uri(&self.url);
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let body = self.body.unwrap_or_default();
        let sent = if self.chunked {
            let reader = SendBody::from_owned_reader(std::io::Cursor::new(body));
            self.agent.run(builder.body(reader).expect("request"))
        } else {
            self.agent.run(builder.body(body).expect("request"))
        };
        match sent {
            Ok(mut response) => {
                let bytes = response.body_mut().read_to_vec().unwrap_or_default();
                Reply {
                    status: response.status().as_u16(),
                    headers: response
                        .headers()
                        .iter()
                        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
                        .collect(),
                    body: String::from_utf8(bytes.clone()).unwrap_or_default(),
                    bytes,
                }
            }
            // No HTTP answer at all (not yet listening, connection dropped) reads as
            // status 0, with the reason as the body.
            Err(err) => Reply {
                status: 0,
                headers: Vec::new(),
                body: format!("transport error: {err}"),
                bytes: Vec::new(),
            },
        }
    }
}
