//! Which characters the API stores, one rule for every context.
//!
//! JSON can carry any Unicode scalar value, and Postgres cannot store all of them: a
//! `text` or `jsonb` value with U+0000 (NUL) is refused (`22021`, `22P05`). So:
//!
//! * **U+0000 is refused everywhere**, at the edge, before any context sees it: in every
//!   string and key of a JSON body ([`nul_fields`], called by [`crate::decode_json`]),
//!   in every query parameter's name and value, and in opaque values such as cursors.
//!   The answer is a 422 naming the field, never a 500.
//! * **A line** (a name, a reference, a search) holds no control characters at all
//!   ([`Text::Line`]): C0, DEL and C1 (U+0080–U+009F) would break a document's layout.
//! * **Free text** (notes, descriptions, addresses) may also hold tab, line feed and
//!   carriage return, and nothing else of C0, DEL or C1 ([`Text::Block`]).
//! * Lone surrogates never get this far: JSON escapes of them (`"\ud800"`) are refused
//!   by the JSON decoder as malformed (400), and a query string that is not UTF-8 is read
//!   with U+FFFD in their place. Everything else — right-to-left marks, zero-width and
//!   combining characters, emoji, non-characters — is text like any other.

use serde_json::Value;

/// What a field error says of U+0000, wherever it was found.
pub const NUL_MESSAGE: &str = "must not contain U+0000 (NUL)";

/// The kind of text a field holds, and so the characters it may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// One line: no control characters.
    Line,
    /// Free text: tab and line breaks, and no other control character.
    Block,
}

impl Text {
    /// [`Text::check`], after `value`'s length: at most `max` characters.
    pub fn check_within(self, value: &str, max: usize) -> Result<(), String> {
        if value.chars().count() > max {
            return Err(format!("must be at most {max} characters"));
        }
        self.check(value)
    }

    /// `Err` with the field error's message when `value` holds a character this kind of
    /// text does not allow.
    pub fn check(self, value: &str) -> Result<(), String> {
        let allowed = |c: char| self == Text::Block && matches!(c, '\t' | '\n' | '\r');
        if value.contains('\0') {
            return Err(NUL_MESSAGE.into());
        }
        match value.chars().find(|c| c.is_control() && !allowed(*c)) {
            None => Ok(()),
            Some(c) if self == Text::Line => Err(format!(
                "must not contain control characters (found U+{:04X})",
                c as u32
            )),
            Some(c) => Err(format!(
                "must not contain control characters other than tab and line breaks \
                 (found U+{:04X})",
                c as u32
            )),
        }
    }
}

/// Where a JSON document holds U+0000, in a string or in a key, named as field errors
/// name fields: `notes`, `lines[0].description`, `address` (for a key inside it); the
/// document itself is the empty name.
pub fn nul_fields(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    walk(value, String::new(), &mut found);
    found
}

fn walk(value: &Value, at: String, found: &mut Vec<String>) {
    match value {
        Value::String(text) if text.contains('\0') => found.push(at),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, format!("{at}[{i}]"), found);
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                if key.contains('\0') {
                    found.push(at.clone());
                    continue;
                }
                let name = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                walk(member, name, found);
            }
        }
        _ => {}
    }
}

/// [`nul_fields`] of a JSON text; none if it is not JSON. A raw NUL byte is not JSON
/// (the parser refuses it), so only the escape `\u0000` can bring one in: texts without
/// it, nearly all of them, are not parsed a second time.
pub fn json_nul_fields(json: &[u8]) -> Vec<String> {
    if !may_hold_nul(json) {
        return Vec::new();
    }
    serde_json::from_slice(json)
        .map(|value| nul_fields(&value))
        .unwrap_or_default()
}

fn may_hold_nul(json: &[u8]) -> bool {
    json.windows(6).any(|w| w == b"\\u0000")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nul_is_found_in_values_and_keys_at_any_depth() {
        let body = json!({
            "name": "fine",
            "notes": "a\u{0}b",
            "lines": [{"description": "ok"}, {"description": "\u{0}"}],
            "address": {"li\u{0}ne1": "x"},
        });
        let mut fields = nul_fields(&body);
        fields.sort();
        assert_eq!(fields, ["address", "lines[1].description", "notes"]);
        assert_eq!(nul_fields(&json!("\u{0}")), [""]);
        assert!(nul_fields(&json!({"a": [1, null, true, "x"]})).is_empty());
    }

    #[test]
    fn only_the_escape_makes_a_body_worth_a_second_look() {
        assert!(may_hold_nul(br#"{"a":"x\u0000"}"#));
        assert!(!may_hold_nul(br#"{"a":"x\u0001 \u00e9"}"#));
        // An escaped backslash before `u0000` is text, not NUL: looked at, found clean.
        let escaped = br#"{"a":"\\u0000"}"#;
        assert!(may_hold_nul(escaped));
        let value: Value = serde_json::from_slice(escaped).expect("json");
        assert!(nul_fields(&value).is_empty());
    }

    #[test]
    fn a_line_takes_no_control_character_and_a_block_only_tab_and_breaks() {
        for text in [
            "Zoë Ørsted",
            "Σοφία",
            "\u{202E}rtl",
            "a\u{200B}b",
            "e\u{301}",
            "💶",
        ] {
            assert_eq!(Text::Line.check(text), Ok(()), "{text:?}");
            assert_eq!(Text::Block.check(text), Ok(()), "{text:?}");
        }
        assert_eq!(Text::Block.check("one\ntwo\r\n\tthree"), Ok(()));
        for bad in [
            "a\nb", "a\tb", "a\u{7}b", "a\u{7f}b", "a\u{85}b", "a\u{9f}b",
        ] {
            assert!(Text::Line.check(bad).is_err(), "{bad:?}");
        }
        for bad in ["a\u{7}b", "a\u{1b}b", "a\u{7f}b", "a\u{85}b", "a\u{9f}b"] {
            let message = Text::Block.check(bad).expect_err(bad);
            assert!(message.contains("found U+"), "{message}");
        }
        assert_eq!(Text::Block.check("a\u{0}b"), Err(NUL_MESSAGE.into()));
        assert_eq!(Text::Line.check_within("abc", 3), Ok(()));
        assert_eq!(
            Text::Line.check_within("abcd", 3),
            Err("must be at most 3 characters".into())
        );
        assert!(Text::Line.check_within("a\u{7}", 3).is_err());
        assert_eq!(Text::Line.check("a\u{0}b"), Err(NUL_MESSAGE.into()));
    }
}
