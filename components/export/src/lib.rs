//! Export: everything an account holds, as one ZIP a person can take elsewhere (GDPR
//! Art. 20). A component of its own because it is the one answer written while it is
//! sent (`fin_spin_edge::stream`), and because it keeps no data: it reads each context
//! through that context's API, as the account's owner.

mod archive;
mod contents;
mod http;
mod reader;
mod tables;

fin_spin_edge::streaming_component!(http::route);
