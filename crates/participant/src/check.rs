//! The formats and check digits Peppol's rules verify for the schemes that have them
//! (PEPPOL-COMMON-R040 to R050): the same arithmetic, so what passes here passes there.

/// `Err` saying what is wrong when `identifier` cannot be one of `scheme`.
pub fn format(scheme: &str, identifier: &str) -> Result<(), String> {
    let digits = |n: usize| identifier.len() == n && identifier.bytes().all(|b| b.is_ascii_digit());
    let ok = match scheme {
        // A GS1 Global Location Number (R040).
        "0088" => {
            identifier.len() >= 2
                && identifier.bytes().all(|b| b.is_ascii_digit())
                && gln(identifier)
        }
        // Norway's organisation number, nine digits, mod 11 (R041).
        "0192" => digits(9) && mod11(identifier),
        // Denmark's CVR: eight digits, or DK and eight digits (R042).
        "0184" => {
            digits(8)
                || (identifier.len() == 10
                    && identifier.starts_with("DK")
                    && identifier[2..].bytes().all(|b| b.is_ascii_digit()))
        }
        // The Dutch chamber of commerce's KvK number: eight digits (no rule checks more).
        "0106" => digits(8),
        // Belgium's enterprise number, ten digits, mod 97 (R043).
        "0208" => digits(10) && mod97(identifier),
        // Sweden's organisation number, ten digits, Luhn (R049).
        "0007" => digits(10) && luhn(identifier),
        // Australia's ABN, eleven digits, mod 89 (R050).
        "0151" => digits(11) && abn(identifier),
        _ => true,
    };
    match ok {
        true => Ok(()),
        false => Err(format!("{identifier:?} is not a valid {}", name(scheme))),
    }
}

fn name(scheme: &str) -> &'static str {
    match scheme {
        "0088" => "GLN (digits with a GS1 check digit)",
        "0192" => "Norwegian organisation number (nine digits, the last a check digit)",
        "0184" => "Danish CVR number (eight digits, or DK and eight digits)",
        "0106" => "Dutch KvK number (eight digits)",
        "0208" => "Belgian enterprise number (ten digits, the last two check digits)",
        "0007" => "Swedish organisation number (ten digits, the last a check digit)",
        "0151" => "Australian Business Number (eleven digits)",
        _ => "identifier",
    }
}

fn values(digits: &str) -> Vec<u32> {
    digits.bytes().map(|b| u32::from(b - b'0')).collect()
}

/// The body's digits (all but the last) times `weight` of their place from the right,
/// summed; and the check digit.
fn weighted(number: &str, weight: impl Fn(u32) -> u32) -> (u32, u32) {
    let v = values(number);
    let (body, check) = v.split_at(v.len() - 1);
    let sum = body
        .iter()
        .rev()
        .zip(0..)
        .map(|(d, place)| d * weight(place))
        .sum();
    (sum, check[0])
}

/// GS1: weights 3, 1, 3, … from the right of the body; the check digit completes a ten.
fn gln(number: &str) -> bool {
    let (sum, check) = weighted(number, |place| if place % 2 == 0 { 3 } else { 1 });
    (10 - sum % 10) % 10 == check
}

/// Weights 2 to 7, repeating, from the right of the body; the number itself above zero.
fn mod11(number: &str) -> bool {
    let (sum, check) = weighted(number, |place| place % 6 + 2);
    number.bytes().any(|b| b != b'0') && (11 - sum % 11) % 11 == check
}

/// The last two digits are 97 less the first eight modulo 97.
fn mod97(number: &str) -> bool {
    let body: u64 = number[..8].parse().unwrap_or(0);
    let check: u64 = number[8..].parse().unwrap_or(u64::MAX);
    97 - body % 97 == check
}

/// Luhn over the first nine digits, the tenth the check digit.
fn luhn(number: &str) -> bool {
    let v = values(number);
    let sum: u32 = v[..9]
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                d * 2 % 10 + d * 2 / 10
            } else {
                *d
            }
        })
        .sum();
    (10 - sum % 10) % 10 == v[9]
}

/// The first digit less one, then weights 10, 1, 3, 5, … 19; the sum divisible by 89.
fn abn(number: &str) -> bool {
    const WEIGHTS: [u32; 11] = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
    let v = values(number);
    if v[0] == 0 {
        return false;
    }
    let sum: u32 = v
        .iter()
        .enumerate()
        .map(|(i, d)| if i == 0 { d - 1 } else { *d } * WEIGHTS[i])
        .sum();
    sum.is_multiple_of(89)
}

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn check_digits_are_peppols() {
        // Published examples: a GS1 GLN, Norway's Brønnøysund register, a Belgian
        // enterprise number, a Swedish organisation number, the ATO's sample ABN.
        for (scheme, good, bad) in [
            ("0088", "5790000435968", "5790000435967"),
            ("0192", "974760673", "974760674"),
            ("0208", "0403170701", "0403170702"),
            ("0007", "5567031702", "5567031703"),
            ("0151", "51824753556", "51824753557"),
            ("0184", "DK12345678", "DK1234567"),
        ] {
            assert_eq!(format(scheme, good), Ok(()), "{scheme}:{good}");
            assert!(format(scheme, bad).is_err(), "{scheme}:{bad} accepted");
        }
        assert_eq!(format("0184", "12345678"), Ok(()));
        assert!(format("0192", "000000000").is_err());
        assert!(format("0088", "57900004359A8").is_err());
        assert_eq!(format("9930", "DE123456789"), Ok(()));
    }
}
