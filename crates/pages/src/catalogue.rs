//! The message catalogue: every word the pages show, by key, in one TOML file per language
//! under `web/messages/`, so that a translator touches no HTML or JavaScript.
//!
//! A message is a string or a list of strings (a list of points), grouped in tables:
//! `[report] title = "…"` is the key `report.title`. `{name}` in a message is a
//! placeholder that the page fills in. The `[js]` table holds the messages the pages'
//! scripts show; they are handed to the scripts as they are, placeholders and all.
//!
//! A hotline can also use a catalogue file of its own (`[pages] messages`), to translate the
//! pages or adjust their words without rebuilding. [`Catalogue::check_against`] holds it to
//! the English catalogue: the same keys, and the same placeholders in each message.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The languages shipped: code and catalogue. To add one, translate `en.toml` into
/// `web/messages/<code>.toml` and list it here.
const CATALOGUES: &[(&str, &str)] = &[("en", include_str!("../../../web/messages/en.toml"))];

/// The language codes shipped.
pub fn languages() -> Vec<&'static str> {
    CATALOGUES.iter().map(|(code, _)| *code).collect()
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Message {
    /// A sentence or a label.
    Text(String),
    /// A list of points, shown as a list.
    List(Vec<String>),
}

/// Why a catalogue cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// No catalogue for the language.
    #[error("no messages for language {language:?} (available: {available})")]
    UnknownLanguage {
        /// What was asked for.
        language: String,
        /// What there is.
        available: String,
    },
    /// A catalogue file could not be read.
    #[error("cannot read the message catalogue {path}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A catalogue does not match the English one's keys and placeholders.
    #[error("the {language} message catalogue does not match the English one: {problems}")]
    Mismatch {
        /// Its language.
        language: String,
        /// Each difference, by key.
        problems: String,
    },
    /// The file is not valid TOML, or holds something other than strings, lists of
    /// strings and tables.
    #[error("the {language} message catalogue is malformed: {problem}")]
    Malformed {
        /// Its language.
        language: String,
        /// What is wrong.
        problem: String,
    },
}

/// A language's messages, by dotted key.
#[derive(Debug, Clone)]
pub struct Catalogue {
    language: String,
    messages: BTreeMap<String, Message>,
}

impl Catalogue {
    /// The catalogue of `language` (such as `en`).
    pub fn load(language: &str) -> Result<Self, CatalogueError> {
        let Some((code, text)) = CATALOGUES.iter().find(|(code, _)| *code == language) else {
            return Err(CatalogueError::UnknownLanguage {
                language: language.to_owned(),
                available: languages().join(", "),
            });
        };
        Catalogue::parse(code, text)
    }

    /// Reads a catalogue file for `language` and holds it to the English one
    /// ([`Catalogue::check_against`]). A message the file lacks (one a newer Takeback
    /// added, say) is taken from English, so that an upgrade never takes the pages down;
    /// the returned warnings name each.
    pub fn from_file(language: &str, path: &Path) -> Result<(Self, Vec<String>), CatalogueError> {
        let text = std::fs::read_to_string(path).map_err(|source| CatalogueError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let mut catalogue = Catalogue::parse(language, &text)?;
        let english = Catalogue::load("en")?;
        let warnings = catalogue.check_against(&english)?;
        for (key, message) in english.messages {
            catalogue.messages.entry(key).or_insert(message);
        }
        Ok((catalogue, warnings))
    }

    /// Holds this catalogue to `reference`: each message it has must be one the pages use,
    /// of the same kind (text or list), with the same placeholders, so that a page can
    /// never show a raw `{name}`. Returns what it lacks, as warnings.
    pub fn check_against(&self, reference: &Catalogue) -> Result<Vec<String>, CatalogueError> {
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        for (key, expected) in &reference.messages {
            match self.messages.get(key) {
                None => warnings.push(format!("{key} is missing: shown in English")),
                Some(message) if placeholders(message) != placeholders(expected) => {
                    problems.push(format!(
                        "{key} has placeholders {:?} where English has {:?}",
                        placeholders(message),
                        placeholders(expected)
                    ))
                }
                Some(message)
                    if std::mem::discriminant(message) != std::mem::discriminant(expected) =>
                {
                    problems.push(format!("{key} must be a {}", kind(expected)))
                }
                Some(_) => {}
            }
        }
        for key in self.messages.keys() {
            if !reference.messages.contains_key(key) {
                problems.push(format!("{key} is not a message the pages use"));
            }
        }
        if problems.is_empty() {
            Ok(warnings)
        } else {
            Err(CatalogueError::Mismatch {
                language: self.language.clone(),
                problems: problems.join("; "),
            })
        }
    }

    /// Parses a catalogue's TOML.
    pub fn parse(language: &str, text: &str) -> Result<Self, CatalogueError> {
        let malformed = |problem: String| CatalogueError::Malformed {
            language: language.to_owned(),
            problem,
        };
        let table: toml::Table = toml::from_str(text).map_err(|e| malformed(e.to_string()))?;
        let mut messages = BTreeMap::new();
        flatten("", &table, &mut messages).map_err(malformed)?;
        match messages.get("meta.direction") {
            None => {}
            Some(Message::Text(direction)) if direction == "ltr" || direction == "rtl" => {}
            Some(_) => {
                return Err(malformed(
                    "meta.direction must be \"ltr\" or \"rtl\"".to_owned(),
                ));
            }
        }
        Ok(Catalogue {
            language: language.to_owned(),
            messages,
        })
    }

    /// The language code.
    pub fn language(&self) -> &str {
        &self.language
    }

    /// The message at `key`, if there is one.
    pub fn get(&self, key: &str) -> Option<&Message> {
        self.messages.get(key)
    }

    /// Every key.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }

    /// The messages under `prefix.` (such as `js`), with the prefix taken off their keys.
    pub fn section(&self, prefix: &str) -> BTreeMap<&str, &Message> {
        let prefix = format!("{prefix}.");
        self.messages
            .iter()
            .filter_map(|(key, message)| Some((key.strip_prefix(&prefix)?, message)))
            .collect()
    }
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    into: &mut BTreeMap<String, Message>,
) -> Result<(), String> {
    for (name, value) in table {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let message = match value {
            toml::Value::String(text) => Message::Text(text.clone()),
            toml::Value::Array(items) => Message::List(
                items
                    .iter()
                    .map(|item| item.as_str().map(str::to_owned))
                    .collect::<Option<_>>()
                    .ok_or_else(|| format!("{key}: a list may hold only strings"))?,
            ),
            toml::Value::Table(inner) => {
                flatten(&key, inner, into)?;
                continue;
            }
            _ => return Err(format!("{key}: a message must be a string or a list")),
        };
        into.insert(key, message);
    }
    Ok(())
}

fn kind(message: &Message) -> &'static str {
    match message {
        Message::Text(_) => "string",
        Message::List(_) => "list of strings",
    }
}

/// The `{name}`s a message uses.
fn placeholders(message: &Message) -> BTreeSet<&str> {
    let texts: Vec<&str> = match message {
        Message::Text(text) => vec![text],
        Message::List(items) => items.iter().map(String::as_str).collect(),
    };
    let mut names = BTreeSet::new();
    for text in texts {
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            names.insert(&after[..close]);
            rest = &after[close + 1..];
        }
    }
    names
}

/// `text` with each `{name}` replaced by its value in `arguments`. An unknown placeholder
/// is an error: a page must never show a raw `{name}`.
pub fn fill(text: &str, arguments: &[(&str, &str)]) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed {{ in {text:?}"))?;
        let name = &after[..close];
        let value = arguments
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| *value)
            .ok_or_else(|| format!("no value for {{{name}}} in {text:?}"))?;
        out.push_str(value);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_flatten_to_dotted_keys() {
        let catalogue = Catalogue::parse(
            "xx",
            "[report]\ntitle = \"Report\"\npoints = [\"a\", \"b\"]\n[js]\nsent = \"Sent {n}\"\n",
        )
        .unwrap();
        assert_eq!(
            catalogue.get("report.title"),
            Some(&Message::Text("Report".into()))
        );
        assert_eq!(
            catalogue.get("report.points"),
            Some(&Message::List(vec!["a".into(), "b".into()]))
        );
        assert_eq!(catalogue.section("js").len(), 1);
        assert!(catalogue.get("report").is_none());
    }

    #[test]
    fn malformed_catalogues_are_refused() {
        assert!(Catalogue::parse("xx", "a = 1").is_err());
        assert!(Catalogue::parse("xx", "a = [1]").is_err());
        assert!(Catalogue::parse("xx", "a = ").is_err());
        assert!(Catalogue::parse("xx", "[meta]\ndirection = \"RTL\"").is_err());
        assert!(Catalogue::parse("xx", "[meta]\ndirection = \"rtl\"").is_ok());
        assert!(matches!(
            Catalogue::load("zz"),
            Err(CatalogueError::UnknownLanguage { .. })
        ));
    }

    #[test]
    fn placeholders_are_filled_or_refused() {
        assert_eq!(
            fill("Call {n} now", &[("n", "999")]).unwrap(),
            "Call 999 now"
        );
        assert_eq!(fill("no placeholders", &[]).unwrap(), "no placeholders");
        assert!(fill("Call {n}", &[]).is_err());
        assert!(fill("Call {n", &[("n", "1")]).is_err());
    }

    #[test]
    fn a_translation_must_match_the_english_keys_and_placeholders() {
        let english = Catalogue::parse("en", "a = \"Call {n}\"\nb = [\"x\"]\n").unwrap();
        let good = Catalogue::parse("cy", "a = \"Ffoniwch {n}\"\nb = [\"y\", \"z\"]\n").unwrap();
        good.check_against(&english).unwrap();
        let partial = Catalogue::parse("cy", "b = [\"y\"]").unwrap();
        assert_eq!(
            partial.check_against(&english).unwrap(),
            ["a is missing: shown in English"]
        );
        for (text, problem) in [
            ("a = \"Ffoniwch {nn}\"\nb = [\"y\"]", "placeholders"),
            ("a = \"Ffoniwch\"\nb = [\"y\"]", "placeholders"),
            (
                "a = \"Ffoniwch {n}\"\nb = \"y\"",
                "b must be a list of strings",
            ),
            (
                "a = \"{n}\"\nb = [\"y\"]\nc = \"extra\"",
                "c is not a message",
            ),
        ] {
            let other = Catalogue::parse("cy", text).unwrap();
            let error = other.check_against(&english).unwrap_err().to_string();
            assert!(error.contains(problem), "{text}: {error}");
        }
    }

    #[test]
    fn every_shipped_catalogue_matches_english() {
        let english = Catalogue::load("en").unwrap();
        for language in languages() {
            Catalogue::load(language)
                .unwrap()
                .check_against(&english)
                .unwrap();
        }
    }

    #[test]
    fn english_ships() {
        let english = Catalogue::load("en").unwrap();
        assert_eq!(english.language(), "en");
        assert!(english.keys().count() > 50);
    }
}
