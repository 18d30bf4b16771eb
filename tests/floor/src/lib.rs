//! The cheapest request Spin can serve with this SDK: no variables, no I/O, a fixed body.
//! `scripts/load.sh` serves it from `tests/floor/spin.toml` with the same `spin` binary
//! as the app, so "share of the floor" compares like with like on any machine.

use spin_sdk::http::{IncomingRequest, Response};
use spin_sdk::http_component;

#[http_component]
fn handle(_req: IncomingRequest) -> Response {
    Response::builder()
        .status(200)
        .header("content-type", "text/plain")
        .body("floor")
        .build()
}
