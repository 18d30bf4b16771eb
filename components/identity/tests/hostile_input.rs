//! Hostile bodies against registration and login decoding (fin-hostile): never a panic,
//! only ever a 4xx refusal or a parse that names what is wrong.

use fin_hostile::{json_body, refused_or_parsed};
use identity::domain::{Credentials, NewUser};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn registration_bodies(body in json_body(&["email", "password", "name"])) {
        refused_or_parsed(&body, NewUser::parse)?;
    }

    #[test]
    fn login_bodies(body in json_body(&["email", "password"])) {
        refused_or_parsed(&body, Credentials::parse)?;
    }
}
