//! Hostile input, as proptest strategies, so every context's decoders and validators are
//! fuzzed with the same nastiness: arbitrary and invalid-UTF-8 bytes, JSON that is almost
//! right (huge, negative and exponent numbers, `null`s, duplicate keys, deep nesting,
//! wrong types) and strings full of Unicode edge cases (RTL marks, zero-width and
//! combining characters, emoji, controls, lone surrogate escapes).
//!
//! A context's test takes [`json_body`] with the field names its body knows and holds
//! decoding and parsing to [`refused_or_parsed`].

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What every decoder must do with hostile input: refuse the body as a whole (`400`
/// broken, `422` a field of the wrong shape), or decode it and then either parse it or
/// refuse it naming at least one field. A panic anywhere fails the case by itself.
pub fn refused_or_parsed<T: DeserializeOwned, V, E>(
    body: &[u8],
    parse: impl FnOnce(T) -> Result<V, Vec<E>>,
) -> Result<(), TestCaseError> {
    match fin_problem::decode_json::<T>(Some("application/json"), body) {
        Ok(input) => {
            if let Err(errors) = parse(input) {
                prop_assert!(!errors.is_empty(), "refused without naming a field");
            }
        }
        Err(problem) => {
            prop_assert!(matches!(problem.status, 400 | 422), "{}", problem.status);
        }
    }
    Ok(())
}

/// Strings a form field should survive.
pub fn nasty_string() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("\u{202E}".to_owned()),          // right-to-left override
        Just("\u{200B}".to_owned()),          // zero-width space
        Just("\u{FEFF}".to_owned()),          // byte-order mark
        Just("e\u{0301}\u{0301}".to_owned()), // stacked combining accents
        Just("👩‍👩‍👧‍👦".to_owned()),
        Just("\u{0000}".to_owned()),
        Just("\u{0085}".to_owned()), // C1 control, next line
        Just("\t\r\n".to_owned()),
        Just(" ".to_owned()),
        Just("' OR 1=1 --".to_owned()),
        Just("<script>".to_owned()),
        Just("%00%ff".to_owned()),
        "\\PC{0,8}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(pieces, 0..12).prop_map(|parts| parts.concat())
}

/// Numbers at and past every edge a body's integers and decimals have.
pub fn nasty_number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_owned()),
        Just("-0".to_owned()),
        Just("-1".to_owned()),
        Just("1e308".to_owned()),
        Just("1e309".to_owned()),
        Just("-1e-400".to_owned()),
        Just("9223372036854775807".to_owned()),
        Just("9223372036854775808".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("-9223372036854775809".to_owned()),
        Just("0.0000000000000000000001".to_owned()),
        Just("1.5".to_owned()),
        Just("1E2".to_owned()),
        Just("123456789012345678901234567890".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(|f| f.to_string()),
    ]
}

/// A JSON value written as text: scalars, nasty strings and numbers, and nesting.
pub fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        nasty_number(),
        nasty_string().prop_map(|s| Value::String(s).to_string()),
        Just(r#""\ud800""#.to_owned()), // a lone surrogate escape
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((nasty_string(), inner), 0..6).prop_map(|fields| {
                let fields: Vec<String> = fields
                    .into_iter()
                    .map(|(k, v)| format!("{}:{v}", Value::String(k)))
                    .collect();
                format!("{{{}}}", fields.join(","))
            }),
        ]
    })
}

/// A request body aimed at a decoder whose object knows `fields`: mostly objects with
/// those keys (and duplicates, and strangers) holding hostile values, then broken JSON,
/// nesting far deeper than any body, and plain random or invalid-UTF-8 bytes.
pub fn json_body(fields: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    let key = prop_oneof![
        4 => prop::sample::select(fields).prop_map(str::to_owned),
        1 => nasty_string(),
    ];
    let object = prop::collection::vec((key, json_text()), 0..10)
        .prop_map(|fields| {
            let fields: Vec<String> = fields
                .into_iter()
                .map(|(k, v)| format!("{}:{v}", Value::String(k)))
                .collect();
            format!("{{{}}}", fields.join(",")).into_bytes()
        })
        .boxed();
    prop_oneof![
        6 => object.clone(),
        1 => (object.clone(), any::<prop::sample::Index>())
            .prop_map(|(body, at)| body[..at.index(body.len() + 1)].to_vec()),
        1 => (1usize..5000).prop_map(|depth| {
            let mut body = "[".repeat(depth).into_bytes();
            body.extend("]".repeat(depth).into_bytes());
            body
        }),
        1 => (object, any::<prop::sample::Index>(), any::<u8>()).prop_map(|(mut body, at, byte)| {
            let at = at.index(body.len().max(1));
            if let Some(b) = body.get_mut(at) {
                *b = 0x80 | byte; // never valid UTF-8 on its own
            }
            body
        }),
        1 => prop::collection::vec(any::<u8>(), 0..256),
    ]
}

/// Query strings: known names with hostile values, unknown names, broken percent
/// escapes, repeated parameters, and very long values (cursors included).
pub fn query_string(names: &'static [&'static str]) -> impl Strategy<Value = String> {
    let name = prop_oneof![
        4 => prop::sample::select(names).prop_map(str::to_owned),
        1 => "[a-z_%]{0,12}",
    ];
    let value = prop_oneof![
        nasty_string(),
        nasty_number(),
        Just("%".to_owned()),
        Just("%zz%ff%00".to_owned()),
        (1usize..20_000).prop_map(|n| "A".repeat(n)),
        "[A-Za-z0-9_=+/-]{0,200}",
    ];
    prop::collection::vec((name, value), 0..8).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}
