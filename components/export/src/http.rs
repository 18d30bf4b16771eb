//! `GET /account/export`: the token and the account are checked, and the first read
//! made, before the status line goes out — a refused token is a 401 and an outage a 503
//! like anywhere else. What fails after that ends the download unfinished (see
//! `fin_spin_edge::stream`).

use fin_spin_edge::auth;
use fin_spin_edge::stream::{Reply, Streamed};
use fin_spin_edge::{now, ApiRequest, FieldError, Problem, Route};

use crate::archive::Archive;
use crate::contents;
use crate::reader::{Context, Reader};

/// Every route of this component; `docs/openapi.yaml` describes each (tests/tests/contract.rs).
pub const ROUTES: &[Route] = &[Route::new("/account/export", &["GET"])];

pub async fn route(req: &mut ApiRequest) -> Result<Reply, Problem> {
    req.resolve(ROUTES)?;
    let principal = auth::authenticate(req)?;
    if !req.query.is_empty() {
        return Err(Problem::validation(vec![FieldError::new(
            "query",
            "the export takes no parameters",
        )]));
    }
    let authorization = req.header("authorization").unwrap_or_default().to_owned();
    let reader = Reader::open(principal, &authorization)?;
    let account = reader
        .json(Context::Identity, "/auth/profile")?
        .ok_or_else(|| Problem::unauthorized("The account no longer exists."))?;
    let started = now();
    let day = time::OffsetDateTime::from_unix_timestamp(started)
        .map(|at| at.date().to_string())
        .unwrap_or_default();
    Ok(Reply::Streamed(Streamed {
        headers: vec![
            ("content-type", "application/zip".to_owned()),
            (
                "content-disposition",
                format!("attachment; filename=\"fin-freelancer-export-{day}.zip\""),
            ),
            ("cache-control", "no-store".to_owned()),
            ("x-content-type-options", "nosniff".to_owned()),
        ],
        write: Box::new(move |out| {
            let mut archive = Archive::new(out, started);
            contents::write(&reader, &mut archive, &account)?;
            let files = archive.finish()?;
            // The ZIP's central directory is the one thing kept until the end (the
            // format puts it last): what an export's memory grows with.
            fin_log::warn!(
                "export",
                "{files} files in {} s, {} MiB of memory at the end",
                now() - started,
                memory_mib()
            );
            Ok(())
        }),
    }))
}

/// The instance's linear memory, which never shrinks: the most the export used.
fn memory_mib() -> usize {
    #[cfg(target_arch = "wasm32")]
    return core::arch::wasm32::memory_size(0) * 64 / 1024;
    #[cfg(not(target_arch = "wasm32"))]
    0
}
