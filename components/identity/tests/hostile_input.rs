//! Hostile bodies against registration and login decoding (fin-hostile): never a panic,
//! only ever a 4xx refusal or a parse that names what is wrong.

use fin_hostile::json_body;
use fin_problem::decode_json;
use identity::domain::{Credentials, LoginRequest, NewUser, RegisterRequest};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn registration_bodies(body in json_body(&["email", "password", "name"])) {
        match decode_json::<RegisterRequest>(Some("application/json"), &body) {
            Ok(request) => if let Err(errors) = NewUser::parse(request) {
                prop_assert!(!errors.is_empty());
            },
            Err(problem) => prop_assert!(matches!(problem.status, 400 | 422), "{}", problem.status),
        }
    }

    #[test]
    fn login_bodies(body in json_body(&["email", "password"])) {
        match decode_json::<LoginRequest>(Some("application/json"), &body) {
            Ok(request) => if let Err(errors) = Credentials::parse(request) {
                prop_assert!(!errors.is_empty());
            },
            Err(problem) => prop_assert!(matches!(problem.status, 400 | 422), "{}", problem.status),
        }
    }
}
