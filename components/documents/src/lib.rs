//! Documents: what a client receives, rendered in WebAssembly.
//!
//! A component of its own because the renderer (krilla and two compiled-in fonts) is
//! several megabytes of wasm that no other route should load. It keeps no data: it reads
//! the invoice, and for a draft the current business profile and client, from the API
//! with the caller's own token (Spin service chaining) — or, for a share link, from
//! billing's internal answer for that link — builds the document with
//! `fin_documents::api` and renders it with `fin_documents` (PDF, e-invoice, page).

mod api;
mod document;
mod http;
mod share;
mod source;

fin_spin_edge::http_component!(http::route);
