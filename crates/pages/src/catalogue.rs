//! The message catalogues: every word the pages show, by message id, one Project Fluent
//! file per language under `web/messages/` (`en.ftl`, `pt-BR.ftl`), so that a translator
//! touches no HTML or JavaScript, and plurals follow each language's own rules
//! (`{ $count -> [one] … [few] … *[other] … }`, with CLDR's categories).
//!
//! - A message is a text, or a list of points written as attributes (`.p1 = …`), which
//!   a page shows as a list; a translation may have more or fewer points.
//! - `js-*` messages are the ones the pages' scripts show. They are handed to the scripts
//!   as [`ScriptMessage`]s (text, variables and selects: see `web/assets/js/messages.js`),
//!   because a count the script only learns in the browser must still be put in the
//!   right plural form.
//! - `language-name` is the language's name in itself, for the language switcher, and the
//!   file's first lines (`###` comments) say whether a native speaker with safeguarding
//!   experience has reviewed it.
//!
//! A hotline can use catalogue files of its own (`[pages] messages`, a folder of
//! `<language>.ftl`), to add a language or adjust words without rebuilding.
//! [`Catalogue::check_against`] holds each to the English catalogue: the same message ids,
//! the same kind, and the same variables in each message.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use unic_langid::{CharacterDirection, LanguageIdentifier};

/// The languages shipped: code and catalogue. To add one, translate `en.ftl` into
/// `web/messages/<code>.ftl` and list it here.
const CATALOGUES: &[(&str, &str)] = &[
    ("en", include_str!("../../../web/messages/en.ftl")),
    ("es", include_str!("../../../web/messages/es.ftl")),
    ("fr", include_str!("../../../web/messages/fr.ftl")),
    ("de", include_str!("../../../web/messages/de.ftl")),
    ("pt-BR", include_str!("../../../web/messages/pt-BR.ftl")),
    ("it", include_str!("../../../web/messages/it.ftl")),
    ("pl", include_str!("../../../web/messages/pl.ftl")),
    ("uk", include_str!("../../../web/messages/uk.ftl")),
    ("hi", include_str!("../../../web/messages/hi.ftl")),
    ("fil", include_str!("../../../web/messages/fil.ftl")),
    ("ar", include_str!("../../../web/messages/ar.ftl")),
    ("fa", include_str!("../../../web/messages/fa.ftl")),
];

/// The pseudo-locale: English with every letter accented and every text about 40% longer,
/// so that a page which overflows, or shows a word that is not in the catalogue, shows it
/// plainly. Offered only when a hotline lists it in `[pages] languages`.
pub const PSEUDO_LOCALE: &str = "en-XA";

/// What a catalogue's header says when a native speaker has reviewed it.
const REVIEWED: &str = "Reviewed by a native speaker with safeguarding experience:";

/// The language codes shipped, English first.
pub fn languages() -> Vec<&'static str> {
    CATALOGUES.iter().map(|(code, _)| *code).collect()
}

/// One message, formatted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Message {
    /// A sentence or a label.
    Text(String),
    /// A list of points, shown as a list.
    List(Vec<String>),
}

/// A value for a message's `{ $variable }`.
#[derive(Debug, Clone, PartialEq)]
pub enum Argument {
    /// A number: it chooses plural forms.
    Number(f64),
    /// Words, a name, an address: shown as they are.
    Text(String),
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
    /// A catalogue does not match the English one's messages and variables.
    #[error("the {language} message catalogue does not match the English one: {problems}")]
    Mismatch {
        /// Its language.
        language: String,
        /// Each difference, by message id.
        problems: String,
    },
    /// The file is not valid Fluent, lacks `language-name`, or uses in a script's message
    /// something the scripts cannot format.
    #[error("the {language} message catalogue is malformed: {problem}")]
    Malformed {
        /// Its language.
        language: String,
        /// What is wrong.
        problem: String,
    },
}

/// The shape of one message, which a translation must keep.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shape {
    /// A list of points (attributes), not a text.
    list: bool,
    /// The `$variables` it uses, anywhere.
    variables: BTreeSet<String>,
}

/// A script's message as the page's JSON carries it: plain text, or parts to join.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ScriptMessage {
    /// No variables: the text itself.
    Text(String),
    /// Text, variables and selects, in order.
    Parts(Vec<ScriptPart>),
}

/// One part of a [`ScriptMessage`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ScriptPart {
    /// Text as it is.
    Text(String),
    /// A variable's value (a number formatted for the language).
    Variable {
        /// Its name, without `$`.
        var: String,
    },
    /// A choice on a variable: an exact number, else its plural category, else `default`.
    Select {
        /// The variable chosen on.
        select: String,
        /// Each variant's key (`"0"`, `"one"`, `"few"`) and parts.
        variants: Vec<(String, Vec<ScriptPart>)>,
        /// The key of the variant used when no other fits.
        default: String,
    },
}

/// A language's messages.
#[derive(Clone)]
pub struct Catalogue {
    code: String,
    language: LanguageIdentifier,
    name: String,
    reviewed: bool,
    pseudo: bool,
    bundle: Arc<FluentBundle<Arc<FluentResource>>>,
    shapes: BTreeMap<String, Shape>,
    script: BTreeMap<String, ScriptMessage>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue")
            .field("code", &self.code)
            .field("messages", &self.shapes.len())
            .field("reviewed", &self.reviewed)
            .finish_non_exhaustive()
    }
}

impl Catalogue {
    /// The built-in catalogue of `language` (such as `en` or `pt-BR`; the pseudo-locale
    /// [`PSEUDO_LOCALE`] too).
    pub fn load(language: &str) -> Result<Self, CatalogueError> {
        if language.eq_ignore_ascii_case(PSEUDO_LOCALE) {
            return Catalogue::pseudo();
        }
        let Some((code, text)) = CATALOGUES
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(language))
        else {
            return Err(CatalogueError::UnknownLanguage {
                language: language.to_owned(),
                available: languages().join(", "),
            });
        };
        Catalogue::parse(code, text)
    }

    /// English with every letter accented and each text lengthened ([`PSEUDO_LOCALE`]).
    pub fn pseudo() -> Result<Self, CatalogueError> {
        let mut catalogue = Catalogue::build(PSEUDO_LOCALE, &[english_text()], true)?;
        catalogue.name = "Ƥśéúdó".to_owned();
        Ok(catalogue)
    }

    /// Reads a hotline's own catalogue file for `language` and holds it to the English one
    /// ([`Catalogue::check_against`]). A message the file lacks (one a newer Takeback
    /// added, say) is taken from the built-in catalogue of that language if there is one,
    /// else from English, so that an upgrade never takes the pages down; the returned
    /// warnings name each.
    pub fn from_file(language: &str, path: &Path) -> Result<(Self, Vec<String>), CatalogueError> {
        let text = std::fs::read_to_string(path).map_err(|source| CatalogueError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let own = Catalogue::build(language, &[&text], false)?;
        let english = Catalogue::load("en")?;
        let warnings = own.check_against(&english)?;
        if warnings.is_empty() {
            return Ok((own, warnings));
        }
        let built_in = CATALOGUES
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(language))
            .map(|(_, text)| *text);
        // The switcher must name a language Takeback does not know in its own words.
        if built_in.is_none() && !own.shapes.contains_key("language-name") {
            return Err(CatalogueError::Mismatch {
                language: language.to_owned(),
                problems: "language-name (the language's name in itself) is missing".to_owned(),
            });
        }
        let built_in = built_in.unwrap_or(english_text());
        // Later resources override earlier ones, message by message.
        let mut catalogue = Catalogue::build(language, &[built_in, &text], false)?;
        catalogue.reviewed = own.reviewed;
        Ok((catalogue, warnings))
    }

    /// Holds this catalogue to `reference`: each message it has must be one the pages
    /// use, of the same kind (text or list), with the same variables, so that a page can
    /// never lack a value or show one in the wrong place. Returns what it lacks, as
    /// warnings.
    pub fn check_against(&self, reference: &Catalogue) -> Result<Vec<String>, CatalogueError> {
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        for (key, expected) in &reference.shapes {
            match self.shapes.get(key) {
                None => warnings.push(format!("{key} is missing: shown in English")),
                Some(shape) if shape.list != expected.list => problems.push(format!(
                    "{key} must be {}",
                    if expected.list {
                        "a list of points (.p1 = …)"
                    } else {
                        "a text, not a list"
                    }
                )),
                Some(shape) if shape.variables != expected.variables => problems.push(format!(
                    "{key} has variables {:?} where English has {:?}",
                    shape.variables, expected.variables
                )),
                Some(_) => {}
            }
        }
        for key in self.shapes.keys() {
            if !reference.shapes.contains_key(key) {
                problems.push(format!("{key} is not a message the pages use"));
            }
        }
        if problems.is_empty() {
            Ok(warnings)
        } else {
            Err(CatalogueError::Mismatch {
                language: self.code.clone(),
                problems: problems.join("; "),
            })
        }
    }

    /// Parses a whole catalogue's Fluent text: every message must parse, and
    /// `language-name` must be there.
    pub fn parse(language: &str, text: &str) -> Result<Self, CatalogueError> {
        let catalogue = Catalogue::build(language, &[text], false)?;
        if !catalogue.shapes.contains_key("language-name") {
            return Err(CatalogueError::Malformed {
                language: language.to_owned(),
                problem: "language-name (the language's name in itself) is missing".to_owned(),
            });
        }
        Ok(catalogue)
    }

    /// A catalogue from Fluent texts, each overriding the ones before it message by
    /// message.
    fn build(code: &str, texts: &[&str], pseudo: bool) -> Result<Self, CatalogueError> {
        let malformed = |problem: String| CatalogueError::Malformed {
            language: code.to_owned(),
            problem,
        };
        let language: LanguageIdentifier = code
            .parse()
            .map_err(|_| malformed(format!("{code:?} is not a BCP 47 language code")))?;
        let mut bundle = FluentBundle::new_concurrent(vec![language.clone()]);
        // The page sets the direction; isolation marks would only get in the way of
        // copying a number.
        bundle.set_use_isolating(false);
        if pseudo {
            bundle.set_transform(Some(pseudo_text));
        }
        // Numbers as the browser's Intl writes them for the language, so that the
        // server's and the scripts' agree on one page.
        if language.language.as_str() == "fa" {
            bundle.set_formatter(Some(persian_digits));
        }
        let mut shapes = BTreeMap::new();
        let mut script = BTreeMap::new();
        let mut reviewed = false;
        for (index, text) in texts.iter().enumerate() {
            let resource = FluentResource::try_new((*text).to_owned()).map_err(|(_, errors)| {
                let first = errors.first().map_or(String::new(), |error| {
                    let line = text[..error.pos.start.min(text.len())].lines().count();
                    format!("line {line}: {}", error.kind)
                });
                malformed(format!("not valid Fluent: {first}"))
            })?;
            for entry in resource.entries() {
                match entry {
                    ast::Entry::Message(message) => {
                        let id = message.id.name;
                        shapes.insert(id.to_owned(), shape(message));
                        if let Some(key) = id.strip_prefix("js-") {
                            let value = message.value.as_ref().ok_or_else(|| {
                                malformed(format!("{id}: a script's message must be a text"))
                            })?;
                            let mut parts = script_parts(value, pseudo)
                                .map_err(|problem| malformed(format!("{id}: {problem}")))?;
                            let message = match parts.as_mut_slice() {
                                [] => ScriptMessage::Text(String::new()),
                                [ScriptPart::Text(text)] => {
                                    ScriptMessage::Text(std::mem::take(text))
                                }
                                _ => ScriptMessage::Parts(parts),
                            };
                            script.insert(key.to_owned(), message);
                        }
                    }
                    ast::Entry::ResourceComment(comment) if index == texts.len() - 1 => {
                        for line in &comment.content {
                            if let Some(answer) = line.trim().strip_prefix(REVIEWED) {
                                reviewed = answer.trim().eq_ignore_ascii_case("yes");
                            }
                        }
                    }
                    _ => {}
                }
            }
            let resource = Arc::new(resource);
            if index == 0 {
                bundle
                    .add_resource(resource)
                    .map_err(|errors| malformed(format!("{errors:?}")))?;
            } else {
                bundle.add_resource_overriding(resource);
            }
        }
        let name = match bundle.get_message("language-name").and_then(|m| m.value()) {
            Some(pattern) => {
                let mut errors = Vec::new();
                bundle
                    .format_pattern(pattern, None, &mut errors)
                    .into_owned()
            }
            None => code.to_owned(),
        };
        Ok(Catalogue {
            code: code.to_owned(),
            language,
            name,
            reviewed,
            pseudo,
            bundle: Arc::new(bundle),
            shapes,
            script,
        })
    }

    /// The language code, as in the pages' addresses (`pt-BR`).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The language's name in itself (`Español`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `"rtl"` for a language written right to left, else `"ltr"`: the pages' `dir`.
    pub fn direction(&self) -> &'static str {
        if self.pseudo {
            return "ltr";
        }
        match self.language.character_direction() {
            CharacterDirection::RTL => "rtl",
            _ => "ltr",
        }
    }

    /// Whether the catalogue's header says a native speaker with safeguarding experience
    /// has reviewed it.
    pub fn reviewed(&self) -> bool {
        self.reviewed
    }

    /// The language identifier.
    pub fn language(&self) -> &LanguageIdentifier {
        &self.language
    }

    /// Every message id.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.shapes.keys().map(String::as_str)
    }

    /// The `$variables` message `key` uses.
    pub fn variables(&self, key: &str) -> Option<&BTreeSet<String>> {
        self.shapes.get(key).map(|shape| &shape.variables)
    }

    /// The scripts' messages (`js-*`), by id without the `js-`.
    pub fn script_messages(&self) -> &BTreeMap<String, ScriptMessage> {
        &self.script
    }

    /// Message `key` with `arguments` for its variables. A variable without a value is an
    /// error: a page must never show a gap.
    pub fn format(&self, key: &str, arguments: &[(&str, Argument)]) -> Result<Message, String> {
        let message = self
            .bundle
            .get_message(key)
            .ok_or_else(|| format!("no message {key:?}"))?;
        let mut args = FluentArgs::new();
        for (name, value) in arguments {
            let value = match value {
                Argument::Number(number) => FluentValue::from(*number),
                Argument::Text(text) => FluentValue::from(text.as_str()),
            };
            args.set(*name, value);
        }
        let format = |pattern| -> Result<String, String> {
            let mut errors = Vec::new();
            let text = self
                .bundle
                .format_pattern(pattern, Some(&args), &mut errors);
            match errors.first() {
                None => Ok(text.into_owned()),
                Some(error) => Err(format!("{key}: {error}")),
            }
        };
        match message.value() {
            Some(pattern) => format(pattern).map(Message::Text),
            None => message
                .attributes()
                .map(|attribute| format(attribute.value()))
                .collect::<Result<Vec<_>, _>>()
                .map(Message::List),
        }
    }
}

fn english_text() -> &'static str {
    CATALOGUES[0].1
}

fn shape(message: &ast::Message<&str>) -> Shape {
    let mut variables = BTreeSet::new();
    if let Some(value) = &message.value {
        pattern_variables(value, &mut variables);
    }
    for attribute in &message.attributes {
        pattern_variables(&attribute.value, &mut variables);
    }
    Shape {
        list: message.value.is_none(),
        variables,
    }
}

fn pattern_variables(pattern: &ast::Pattern<&str>, into: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, into);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, into: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, into);
            for variant in variants {
                pattern_variables(&variant.value, into);
            }
        }
        ast::Expression::Inline(inline) => inline_variables(inline, into),
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, into: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            into.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_variables(argument, into);
            }
            for named in &arguments.named {
                inline_variables(&named.value, into);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, into),
        _ => {}
    }
}

/// A script message's pattern as parts the scripts can join: text, variables, and selects
/// on a variable; nothing else (no functions or references, which only the server could
/// resolve).
fn script_parts(pattern: &ast::Pattern<&str>, pseudo: bool) -> Result<Vec<ScriptPart>, String> {
    let mut parts: Vec<ScriptPart> = Vec::new();
    let push_text = |parts: &mut Vec<ScriptPart>, text: &str| {
        let text = if pseudo {
            pseudo_text(text)
        } else {
            Cow::Borrowed(text)
        };
        match parts.last_mut() {
            Some(ScriptPart::Text(last)) => last.push_str(&text),
            _ => parts.push(ScriptPart::Text(text.into_owned())),
        }
    };
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => push_text(&mut parts, value),
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Inline(ast::InlineExpression::StringLiteral { value }) => {
                    push_text(&mut parts, value)
                }
                ast::Expression::Inline(ast::InlineExpression::NumberLiteral { value }) => {
                    push_text(&mut parts, value)
                }
                ast::Expression::Inline(ast::InlineExpression::VariableReference { id }) => parts
                    .push(ScriptPart::Variable {
                        var: id.name.to_owned(),
                    }),
                ast::Expression::Select {
                    selector: ast::InlineExpression::VariableReference { id },
                    variants,
                } => {
                    let mut default = String::new();
                    let mut choices = Vec::with_capacity(variants.len());
                    for variant in variants {
                        let key = match &variant.key {
                            ast::VariantKey::Identifier { name } => (*name).to_owned(),
                            ast::VariantKey::NumberLiteral { value } => (*value).to_owned(),
                        };
                        if variant.default {
                            default.clone_from(&key);
                        }
                        choices.push((key, script_parts(&variant.value, pseudo)?));
                    }
                    parts.push(ScriptPart::Select {
                        select: id.name.to_owned(),
                        variants: choices,
                        default,
                    });
                }
                _ => {
                    return Err("the pages' scripts can show only text, { $variables } and \
                                selects on a variable"
                        .to_owned());
                }
            },
        }
    }
    Ok(parts)
}

/// A whole number in Persian digits (as `Intl.NumberFormat("fa")` writes it); other
/// values as Fluent writes them.
fn persian_digits<M>(value: &FluentValue, _: &M) -> Option<String> {
    let FluentValue::Number(number) = value else {
        return None;
    };
    if number.value.fract() != 0.0 || number.value.abs() >= 1e15 {
        return None;
    }
    let digits = format!("{}", number.value as i64);
    Some(
        digits
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0x06F0 + d).unwrap_or(c),
                None => c,
            })
            .collect(),
    )
}

/// The pseudo-locale's text: letters accented, vowels doubled (about 40% longer), so that
/// overflow and untranslated words show.
fn pseudo_text(text: &str) -> Cow<'_, str> {
    const PLAIN: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const ACCENTED: &str = "åƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ";
    let mut out = String::with_capacity(text.len() * 3);
    for c in text.chars() {
        match PLAIN.find(c) {
            Some(at) => {
                let accented = ACCENTED.chars().nth(at).unwrap_or(c);
                out.push(accented);
                if "aeiouAEIOU".contains(c) {
                    out.push(accented);
                }
            }
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests;
