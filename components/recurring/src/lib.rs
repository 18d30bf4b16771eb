//! Recurring: an invoice a freelancer sends again every week, month, quarter or year — a
//! template (client, lines, terms) and a schedule (`fin-recurrence`), each period's
//! invoice made exactly once by the sweeper, whatever the number of sweepers and however
//! long the app was down (docs/documents.md).
//!
//! `domain` parses what users type (POST and PATCH share it), `template` is the stored
//! template and its view, `service` the freelancer's use cases over the `TemplateStore`
//! port, `sweep` what a sweep decides and `issue` how the owed invoices are made over
//! the `Periods` and `Invoices` ports. Only `http`, `store`, `runs`, `api` and the entry
//! points (this one, and `sweeper/` on the Redis trigger) know about Spin.

pub mod domain;
pub mod error;
pub mod issue;
pub mod listing;
pub mod service;
pub mod sweep;
pub mod template;

pub mod api;
pub mod http;
pub mod runs;
mod store;

#[cfg(test)]
mod memory;

#[cfg(feature = "http-component")]
fin_spin_edge::http_component!(http::route);
