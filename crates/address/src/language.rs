//! The language a letter to an address is written in. Every e-mail a client receives —
//! an invoice's, a reminder, a quote — asks the same question of the same country, so
//! the answer lives with the address and not in each context that writes to clients.

/// The languages there are wordings for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    German,
}

impl Language {
    /// German for clients in German-speaking countries, English for everyone else — the
    /// client record has no language of its own yet, its address has a country.
    pub fn for_country(country: Option<&str>) -> Language {
        match country.map(str::trim) {
            Some(c)
                if ["DE", "AT", "CH", "LI"]
                    .iter()
                    .any(|g| g.eq_ignore_ascii_case(c)) =>
            {
                Language::German
            }
            _ => Language::English,
        }
    }

    /// How money is written in this language: `1,234.56` or `1.234,56`.
    pub fn notation(self) -> fin_amount::Notation {
        match self {
            Language::English => fin_amount::ENGLISH,
            Language::German => fin_amount::GERMAN,
        }
    }

    /// An ISO date (`2026-12-31`) as this language writes it: `31.12.2026` in German.
    pub fn date(self, iso: &str) -> String {
        match (self, iso.split('-').collect::<Vec<_>>().as_slice()) {
            (Language::German, [y, m, d]) => format!("{d}.{m}.{y}"),
            _ => iso.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_speaking_countries_read_german_and_the_rest_english() {
        for country in ["DE", "at", " CH ", "LI"] {
            assert_eq!(Language::for_country(Some(country)), Language::German);
        }
        for country in [Some("FR"), Some("US"), Some(""), None] {
            assert_eq!(Language::for_country(country), Language::English);
        }
    }

    #[test]
    fn dates_and_money_are_written_the_languages_way() {
        assert_eq!(Language::German.date("2026-12-31"), "31.12.2026");
        assert_eq!(Language::English.date("2026-12-31"), "2026-12-31");
        let german = fin_amount::format_in(123_456, 2, Language::German.notation());
        assert_eq!(german, "1.234,56");
    }
}
