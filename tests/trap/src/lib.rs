//! A component that traps on request, served alone by `tests/tests/traps.rs` through the
//! same edge (`fin_spin_edge`) and the same build switch (`FIN_WASI`) as the app's
//! components. No route of the app traps by design; this one does, twice over — a
//! panic and memory exhausted — so the test can show what a reused instance does after.

use std::sync::atomic::{AtomicU64, Ordering};

use fin_spin_edge::response::json;
use fin_spin_edge::{ApiRequest, Problem, Route};
use spin_sdk::http::Response;

/// Requests this instance has served: 1, 2, 3… while Spin reuses it; 1 again on a new one.
static SERVED: AtomicU64 = AtomicU64::new(0);

const ROUTES: &[Route] = &[
    Route::new("/who", &["GET"]),
    Route::new("/panic", &["GET"]),
    Route::new("/exhaust", &["GET"]),
];

fin_spin_edge::http_component!(route);

async fn route(req: &mut ApiRequest) -> Result<Response, Problem> {
    let served = SERVED.fetch_add(1, Ordering::Relaxed) + 1;
    match req.resolve(ROUTES)?.path {
        "/who" => Ok(json(
            200,
            &serde_json::json!({"query": req.query, "served": served}),
        )),
        "/panic" => panic!("asked to trap"),
        "/exhaust" => {
            let mut held: Vec<Vec<u8>> = Vec::new();
            loop {
                held.push(vec![1; 64 << 20]);
            }
        }
        _ => Err(Problem::no_route(&req.path)),
    }
}
