//! What billing publishes of an issued invoice for the sharing context: the invoice a
//! share link opens and the logo its seller names, by owner and invoice id, on internal
//! routes only another component of the app reaches (service chaining). Whether a link
//! works is the sharing context's business; whether the invoice may be shown — sent, not
//! a draft, not deleted — is billing's, so these routes answer 404 for anything else.
//! The `invoice_directory` view (V24) is the other half: what sharing checks when a
//! link is made.

pub mod http;
mod store;
