//! Rendering the templates, once per language, with the catalogue's words and the
//! hotline's settings.

use crate::catalogue::{Argument, Catalogue, Message, ScriptMessage};
use crate::support::{Contact, Country, SupportContacts, dial_string};
use crate::{DOCUMENTS, PageLimits, PagesError, PagesSettings};
use minijinja::value::{Kwargs, Serde, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// The templates, embedded.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "layout.html",
        include_str!("../../../web/templates/layout.html"),
    ),
    (
        "support.html",
        include_str!("../../../web/templates/support.html"),
    ),
    (
        "receipt.html",
        include_str!("../../../web/templates/receipt.html"),
    ),
    (
        "confirmations.html",
        include_str!("../../../web/templates/confirmations.html"),
    ),
    (
        "index.html",
        include_str!("../../../web/templates/index.html"),
    ),
    (
        "report.html",
        include_str!("../../../web/templates/report.html"),
    ),
    (
        "status.html",
        include_str!("../../../web/templates/status.html"),
    ),
    (
        "adult.html",
        include_str!("../../../web/templates/adult.html"),
    ),
    (
        "not_found.html",
        include_str!("../../../web/templates/not_found.html"),
    ),
];

/// Every page of one language, rendered for each country.
pub(crate) struct Rendered {
    /// By page and country (its place in [`SupportContacts::countries`]).
    pub documents: BTreeMap<(&'static str, usize), Vec<u8>>,
    /// By country.
    pub not_found: Vec<Vec<u8>>,
    /// The country this language's readers see first.
    pub default_country: usize,
    /// The catalogue keys the templates used: the tests check that none is left unused.
    #[cfg_attr(not(test), allow(dead_code))]
    pub used_keys: BTreeSet<String>,
}

/// A contact as the templates show it, with `tel:`/`sms:` numbers worked out.
#[derive(Serialize)]
struct ContactView<'a> {
    name: &'a str,
    description: &'a str,
    phone: Option<&'a str>,
    phone_dial: Option<String>,
    text: Option<&'a str>,
    text_dial: Option<String>,
    url: Option<&'a str>,
    hours: Option<&'a str>,
}

impl<'a> From<&'a Contact> for ContactView<'a> {
    fn from(contact: &'a Contact) -> Self {
        ContactView {
            name: &contact.name,
            description: &contact.description,
            phone: contact.phone.as_deref(),
            phone_dial: contact.phone.as_deref().and_then(dial_string),
            text: contact.text.as_deref(),
            text_dial: contact.text.as_deref().and_then(dial_string),
            url: contact.url.as_deref(),
            hours: contact.hours.as_deref(),
        }
    }
}

/// What the pages' scripts are told, as JSON in the page.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScriptSettings<'a> {
    lang: &'a str,
    service_name: &'a str,
    quick_exit_url: &'a str,
    min_pdq_quality: u8,
    max_hashes: usize,
    max_urls: usize,
    max_videos: usize,
    messages: &'a BTreeMap<String, ScriptMessage>,
}

/// A language in the switcher.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LanguageLink {
    /// Its code, as in the addresses.
    pub code: String,
    /// Its name in itself.
    pub name: String,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
}

/// A country in the chooser.
#[derive(Serialize)]
struct CountryChoice<'a> {
    code: &'a str,
    name: &'a str,
}

/// The country whose contacts a page shows.
#[derive(Serialize)]
struct CountryView<'a> {
    code: &'a str,
    name: Option<&'a str>,
    emergency_dial: Option<String>,
}

impl<'a> CountryView<'a> {
    fn new(country: &Country<'a>) -> Self {
        CountryView {
            code: country.code,
            name: country.name,
            emergency_dial: dial_string(country.emergency_number),
        }
    }
}

/// The contacts as the templates see them.
fn contacts(list: &[Contact]) -> Value {
    Value::from(Serde(
        list.iter().map(ContactView::from).collect::<Vec<_>>(),
    ))
}

/// JSON that is safe inside a `<script type="application/json">` element: nothing in it
/// can close the element or start a comment.
fn script_json(value: &impl Serialize) -> Result<String, serde_json::Error> {
    Ok(serde_json::to_string(value)?
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}

/// Renders every page in `catalogue`'s language; `languages` are the ones the switcher
/// offers.
pub(crate) fn render_all(
    catalogue: &Catalogue,
    languages: &[LanguageLink],
    settings: &PagesSettings,
    support: &SupportContacts,
    limits: PageLimits,
) -> Result<Rendered, PagesError> {
    let used = Arc::new(Mutex::new(BTreeSet::new()));
    let environment = environment(catalogue, settings, Arc::clone(&used));
    let script = ScriptSettings {
        lang: catalogue.code(),
        service_name: &settings.service_name,
        quick_exit_url: &settings.quick_exit_url,
        min_pdq_quality: limits.min_pdq_quality,
        max_hashes: limits.max_hashes_per_report,
        max_urls: limits.max_urls_per_report,
        max_videos: limits.max_videos_per_report,
        messages: catalogue.script_messages(),
    };
    let script = script_json(&script).map_err(|e| PagesError::Render {
        page: "settings".to_owned(),
        problem: e.to_string(),
    })?;
    let script_settings = Value::from_safe_string(script);
    let languages = Value::from(Serde(languages));
    let base = format!("/{}", catalogue.code());
    let countries = support.countries();
    let choices: Vec<CountryChoice> = countries
        .iter()
        .map(|country| CountryChoice {
            code: country.code,
            name: country.name.unwrap_or(country.code),
        })
        .collect();
    let choices = Value::from(Serde(choices));
    let default_country = countries
        .iter()
        .position(|country| {
            country
                .languages
                .iter()
                .any(|language| language.eq_ignore_ascii_case(catalogue.code()))
        })
        .unwrap_or(0);
    let mut documents = BTreeMap::new();
    let mut not_found = Vec::with_capacity(countries.len());
    for (index, country) in countries.iter().enumerate() {
        // A country other than the language's own stays in every link.
        let query = if index == default_country {
            String::new()
        } else {
            format!("?country={}", country.code)
        };
        // Another language may see another country first: the switcher keeps the one
        // shown here.
        let switch_query = if countries.len() > 1 {
            format!("?country={}", country.code)
        } else {
            String::new()
        };
        let view = CountryView::new(country);
        let render = |template: &str, page: &str| -> Result<Vec<u8>, PagesError> {
            let failed = |e: Error| PagesError::Render {
                page: format!("{} {template}", catalogue.code()),
                problem: format!("{e:#}"),
            };
            let here = match page {
                "not_found" => format!("{base}/"),
                page => format!("{base}/{page}"),
            };
            let context = minijinja::context! {
                lang => catalogue.code(),
                dir => catalogue.direction(),
                language_name => catalogue.name(),
                languages => languages.clone(),
                base => &base,
                here => here,
                query => &query,
                switch_query => &switch_query,
                page => page,
                service => &settings.service_name,
                quick_exit_url => &settings.quick_exit_url,
                country => Value::from(Serde(&view)),
                countries => choices.clone(),
                emergency_number => country.emergency_number,
                emergency_dial => &view.emergency_dial,
                helplines => contacts(country.helplines),
                exploitation_reporting => contacts(country.exploitation_reporting),
                adult_helplines => contacts(country.adult_helplines),
                max_pictures => limits.max_hashes_per_report / 3,
                max_urls => limits.max_urls_per_report,
                script_settings => script_settings.clone(),
            };
            environment
                .get_template(template)
                .and_then(|t| t.render(context))
                .map(String::into_bytes)
                .map_err(failed)
        };
        for (path, template) in DOCUMENTS {
            documents.insert((*path, index), render(template, path)?);
        }
        not_found.push(render("not_found.html", "not_found")?);
    }
    let used_keys = used.lock().map(|keys| keys.clone()).unwrap_or_default();
    Ok(Rendered {
        documents,
        not_found,
        default_country,
        used_keys,
    })
}

fn environment(
    catalogue: &Catalogue,
    settings: &PagesSettings,
    used: Arc<Mutex<BTreeSet<String>>>,
) -> Environment<'static> {
    let mut environment = Environment::new();
    // A misspelt variable fails the render (and the tests) instead of printing nothing.
    environment.set_undefined_behavior(UndefinedBehavior::Strict);
    for (name, source) in TEMPLATES {
        environment
            .add_template(name, source)
            .unwrap_or_else(|e| panic!("template {name} does not parse: {e:#}"));
    }
    let catalogue = catalogue.clone();
    let service = settings.service_name.clone();
    // `t("message-id", name=value, …)`: the message in the page's language, a list for a
    // list. `$service` is always given; a name the message does not use is an error (a
    // misspelling).
    environment.add_function(
        "t",
        move |key: &str, arguments: Kwargs| -> Result<Value, Error> {
            if let Ok(mut used) = used.lock() {
                used.insert(key.to_owned());
            }
            let invalid = |problem: String| Error::new(ErrorKind::InvalidOperation, problem);
            let variables = catalogue
                .variables(key)
                .ok_or_else(|| invalid(format!("no message {key:?}")))?;
            let mut values: Vec<(&str, Argument)> =
                vec![("service", Argument::Text(service.clone()))];
            for name in arguments.args() {
                if !variables.contains(name) {
                    return Err(invalid(format!("{key} has no variable ${name}")));
                }
                let value: Value = arguments.get(name)?;
                let value = match value.kind() {
                    ValueKind::Number => f64::try_from(value.clone())
                        .map(Argument::Number)
                        .unwrap_or_else(|_| Argument::Text(value.to_string())),
                    _ => Argument::Text(value.to_string()),
                };
                values.push((name, value));
            }
            arguments.assert_all_used()?;
            Ok(match catalogue.format(key, &values).map_err(invalid)? {
                Message::Text(text) => Value::from(text),
                Message::List(items) => Value::from(items),
            })
        },
    );
    environment
}
