//! Where to get help: the contacts every page shows, set by the hotline for its country,
//! and for more countries where its readers live (`[[support.countries]]`).
//!
//! The defaults are generic (a directory of children's helplines, "your local emergency
//! number", the police), so a page is never without help; a hotline must replace them with
//! its own country's, and the server warns at start-up until it has.
//!
//! Which country's contacts a page shows: the one the reader chose on the page (in the
//! address, `?country=IE`), else the first whose `languages` include the page's
//! language, else the hotline's own. Never a guess from the reader's network address.

use serde::{Deserialize, Serialize};

/// Help contacts, from the `[support]` section of the configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupportContacts {
    /// The number to call in an emergency, such as `999` or `112`; or words, such as the
    /// default "your local emergency number". Digits become a link that dials.
    pub emergency_number: String,
    /// Helplines for young people: shown on every page.
    pub helplines: Vec<Contact>,
    /// Where to report grooming, threats and blackmail (sextortion): the police and the
    /// national child-exploitation reporting body. Shown on the adult's page and with the
    /// advice for anyone being threatened.
    pub exploitation_reporting: Vec<Contact>,
    /// Advice lines for adults worried about a child: shown on the adult's page.
    pub adult_helplines: Vec<Contact>,
    /// The country these contacts are for, as an ISO 3166 code (`GB`); needed when there
    /// are `countries`.
    pub country: Option<String>,
    /// That country's name as its people write it (`United Kingdom`), for the chooser.
    pub country_name: Option<String>,
    /// The languages whose readers see this country's contacts first (`["cy"]`); the
    /// hotline's own country is the fallback for every language anyway.
    pub languages: Vec<String>,
    /// More countries, each with contacts of its own: the pages let the reader choose.
    pub countries: Vec<CountryContacts>,
}

/// One more country's help contacts (`[[support.countries]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryContacts {
    /// Its ISO 3166 code (`IE`).
    pub code: String,
    /// Its name as its people write it (`Éire / Ireland`).
    pub name: String,
    /// The languages whose readers see it first (`["ga"]`).
    #[serde(default)]
    pub languages: Vec<String>,
    /// As [`SupportContacts::emergency_number`].
    pub emergency_number: String,
    /// As [`SupportContacts::helplines`].
    #[serde(default)]
    pub helplines: Vec<Contact>,
    /// As [`SupportContacts::exploitation_reporting`].
    #[serde(default)]
    pub exploitation_reporting: Vec<Contact>,
    /// As [`SupportContacts::adult_helplines`].
    #[serde(default)]
    pub adult_helplines: Vec<Contact>,
}

/// One country's contacts, as the pages use them: the hotline's own first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country<'a> {
    /// Its code (empty for a hotline that names none).
    pub code: &'a str,
    /// Its name, if set.
    pub name: Option<&'a str>,
    /// The languages that see it first.
    pub languages: &'a [String],
    /// The number to call in an emergency.
    pub emergency_number: &'a str,
    /// Helplines for young people.
    pub helplines: &'a [Contact],
    /// Where to report grooming, threats and blackmail.
    pub exploitation_reporting: &'a [Contact],
    /// Advice lines for adults.
    pub adult_helplines: &'a [Contact],
}

/// One organisation to contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Its name, as people know it.
    pub name: String,
    /// One sentence on what it does.
    #[serde(default)]
    pub description: String,
    /// A phone number to call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// A number to text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Its website (`https://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When it is open, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
}

impl Default for SupportContacts {
    fn default() -> Self {
        SupportContacts {
            emergency_number: "your local emergency number".to_owned(),
            helplines: vec![Contact {
                name: "Child Helpline International".to_owned(),
                description: "Find a free, confidential helpline for children and young \
                              people in your country."
                    .to_owned(),
                phone: None,
                text: None,
                url: Some("https://childhelplineinternational.org/helplines/".to_owned()),
                hours: None,
            }],
            exploitation_reporting: vec![Contact {
                name: "The police".to_owned(),
                description: "Report grooming, threats or blackmail to the police where you \
                              live."
                    .to_owned(),
                phone: None,
                text: None,
                url: None,
                hours: None,
            }],
            adult_helplines: Vec::new(),
            country: None,
            country_name: None,
            languages: Vec::new(),
            countries: Vec::new(),
        }
    }
}

/// A contact that cannot be shown as it is.
#[derive(Debug, thiserror::Error)]
#[error("support contact {name:?}: {problem}")]
pub struct InvalidContact {
    /// The contact's name.
    pub name: String,
    /// What is wrong.
    pub problem: String,
}

impl SupportContacts {
    /// The parts still at their generic defaults, by their names in the configuration
    /// file: what the start-up warning lists.
    pub fn placeholders(&self) -> Vec<&'static str> {
        let defaults = SupportContacts::default();
        let mut unreplaced = Vec::new();
        if self.emergency_number == defaults.emergency_number {
            unreplaced.push("emergency_number");
        }
        if self.helplines == defaults.helplines {
            unreplaced.push("helplines");
        }
        if self.exploitation_reporting == defaults.exploitation_reporting {
            unreplaced.push("exploitation_reporting");
        }
        unreplaced
    }

    /// Every country's contacts, the hotline's own first.
    pub fn countries(&self) -> Vec<Country<'_>> {
        let home = Country {
            code: self.country.as_deref().unwrap_or(""),
            name: self.country_name.as_deref(),
            languages: &self.languages,
            emergency_number: &self.emergency_number,
            helplines: &self.helplines,
            exploitation_reporting: &self.exploitation_reporting,
            adult_helplines: &self.adult_helplines,
        };
        let others = self.countries.iter().map(|country| Country {
            code: &country.code,
            name: Some(&country.name),
            languages: &country.languages,
            emergency_number: &country.emergency_number,
            helplines: &country.helplines,
            exploitation_reporting: &country.exploitation_reporting,
            adult_helplines: &country.adult_helplines,
        });
        std::iter::once(home).chain(others).collect()
    }

    /// Checks every country and contact: with more than one country, each has a code (two
    /// capital letters) and a name, and no code twice; each contact has a name, web
    /// addresses that are `http(s)`, phone numbers made of digits, spaces and `+-()`.
    pub fn validate(&self) -> Result<(), InvalidContact> {
        let countries = self.countries();
        let mut codes = std::collections::BTreeSet::new();
        for country in &countries {
            let label = if country.code.is_empty() {
                "[support]".to_owned()
            } else {
                format!("country {}", country.code)
            };
            let invalid = |problem: &str| InvalidContact {
                name: label.clone(),
                problem: problem.to_owned(),
            };
            if country.emergency_number.trim().is_empty() {
                return Err(invalid("emergency_number must not be empty"));
            }
            if countries.len() > 1 {
                let well_formed =
                    country.code.len() == 2 && country.code.chars().all(|c| c.is_ascii_uppercase());
                if !well_formed {
                    return Err(invalid(
                        "with more than one country, each needs its ISO 3166 code, two \
                         capital letters (country = \"GB\" for the hotline's own)",
                    ));
                }
                if country.name.is_none_or(|name| name.trim().is_empty()) {
                    return Err(invalid(
                        "with more than one country, each needs its name (country_name for \
                         the hotline's own)",
                    ));
                }
                if !codes.insert(country.code) {
                    return Err(invalid("is listed twice"));
                }
            }
            let all = country
                .helplines
                .iter()
                .chain(country.exploitation_reporting)
                .chain(country.adult_helplines);
            validate_contacts(all)?;
        }
        Ok(())
    }
}

/// Each contact: a name, web addresses that are `http(s)`, phone numbers made of digits,
/// spaces and `+-()`.
fn validate_contacts<'a>(all: impl Iterator<Item = &'a Contact>) -> Result<(), InvalidContact> {
    for contact in all {
        let invalid = |problem: &str| InvalidContact {
            name: contact.name.clone(),
            problem: problem.to_owned(),
        };
        if contact.name.trim().is_empty() {
            return Err(invalid("has no name"));
        }
        if let Some(url) = &contact.url {
            let parsed = url::Url::parse(url).map_err(|e| invalid(&format!("url: {e}")))?;
            if !matches!(parsed.scheme(), "https" | "http") {
                return Err(invalid("url must start with https:// or http://"));
            }
        }
        for number in [&contact.phone, &contact.text].into_iter().flatten() {
            if dial_string(number).is_none() {
                return Err(invalid(&format!(
                    "{number:?} is not a phone number (digits, spaces and +-() only)"
                )));
            }
        }
    }
    Ok(())
}

/// The number as a `tel:`/`sms:` link wants it (digits and a leading `+`), if `number` is
/// a phone number at all.
pub fn dial_string(number: &str) -> Option<String> {
    let number = number.trim();
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    if number.is_empty() || !number.chars().all(allowed) {
        return None;
    }
    let digits: String = number
        .chars()
        .enumerate()
        .filter(|&(i, c)| c.is_ascii_digit() || (c == '+' && i == 0))
        .map(|(_, c)| c)
        .collect();
    digits.chars().any(|c| c.is_ascii_digit()).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_placeholders_and_valid() {
        let defaults = SupportContacts::default();
        assert_eq!(
            defaults.placeholders(),
            ["emergency_number", "helplines", "exploitation_reporting"]
        );
        defaults.validate().unwrap();
    }

    #[test]
    fn a_configured_country_has_no_placeholders() {
        let uk: SupportContacts = toml::from_str(
            r#"
            emergency_number = "999"
            [[helplines]]
            name = "Childline"
            phone = "0800 1111"
            url = "https://www.childline.org.uk/"
            [[exploitation_reporting]]
            name = "CEOP"
            url = "https://www.ceop.police.uk/"
            "#,
        )
        .unwrap();
        assert!(uk.placeholders().is_empty());
        uk.validate().unwrap();
    }

    #[test]
    fn bad_contacts_are_refused() {
        let with = |contact: Contact| SupportContacts {
            helplines: vec![contact],
            ..SupportContacts::default()
        };
        let base = Contact {
            name: "Helpline".to_owned(),
            description: String::new(),
            phone: None,
            text: None,
            url: None,
            hours: None,
        };
        for bad in [
            Contact {
                url: Some("javascript:alert(1)".to_owned()),
                ..base.clone()
            },
            Contact {
                url: Some("not a url".to_owned()),
                ..base.clone()
            },
            Contact {
                phone: Some("call us".to_owned()),
                ..base.clone()
            },
            Contact {
                name: " ".to_owned(),
                ..base.clone()
            },
        ] {
            assert!(with(bad.clone()).validate().is_err(), "{bad:?}");
        }
        assert!(toml::from_str::<SupportContacts>("helpline = []").is_err());
    }

    #[test]
    fn phone_numbers_become_dial_strings() {
        assert_eq!(dial_string("0800 1111").as_deref(), Some("08001111"));
        assert_eq!(
            dial_string("+1 (800) 843-5678").as_deref(),
            Some("+18008435678")
        );
        assert_eq!(dial_string("999").as_deref(), Some("999"));
        assert_eq!(dial_string("your local emergency number"), None);
        assert_eq!(dial_string("()"), None);
    }
}
