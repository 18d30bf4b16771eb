//! Share links: a sent invoice shown to whoever holds the link, with no login (#17).
//!
//! Billing keeps the links beside the invoices so that making one can check the invoice
//! in the same statement, and answers, on an internal route only the documents component
//! reaches, what a link opens; the documents component serves the page, PDF and XML.

pub mod domain;
pub mod http;
pub mod store;
