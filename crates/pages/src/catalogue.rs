//! The message catalogue: every word the pages show, by key, in one TOML file per language
//! under `web/messages/`, so that a translator touches no HTML or JavaScript.
//!
//! A message is a string or a list of strings (a list of points), grouped in tables:
//! `[report] title = "…"` is the key `report.title`. `{name}` in a message is a
//! placeholder that the page fills in. The `[js]` table holds the messages the pages'
//! scripts show; they are handed to the scripts as they are, placeholders and all.

use serde::Serialize;
use std::collections::BTreeMap;

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

    /// Parses a catalogue's TOML.
    pub fn parse(language: &str, text: &str) -> Result<Self, CatalogueError> {
        let malformed = |problem: String| CatalogueError::Malformed {
            language: language.to_owned(),
            problem,
        };
        let table: toml::Table = toml::from_str(text).map_err(|e| malformed(e.to_string()))?;
        let mut messages = BTreeMap::new();
        flatten("", &table, &mut messages).map_err(malformed)?;
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
    fn english_ships() {
        let english = Catalogue::load("en").unwrap();
        assert_eq!(english.language(), "en");
        assert!(english.keys().count() > 50);
    }
}
