//! Rendering the templates, once, with the catalogue's words and the hotline's settings.

use crate::catalogue::{Catalogue, Message, fill};
use crate::support::{Contact, SupportContacts, dial_string};
use crate::{DOCUMENTS, PageLimits, PagesError, PagesSettings};
use minijinja::value::{Kwargs, Serde, Value};
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

/// Every page, rendered.
pub(crate) struct Rendered {
    pub documents: BTreeMap<&'static str, Vec<u8>>,
    pub not_found: Vec<u8>,
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
    service_name: &'a str,
    quick_exit_url: &'a str,
    min_pdq_quality: u8,
    max_hashes: usize,
    max_urls: usize,
    max_videos: usize,
    messages: BTreeMap<&'a str, &'a Message>,
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

pub(crate) fn render_all(
    catalogue: &Catalogue,
    settings: &PagesSettings,
    support: &SupportContacts,
    limits: PageLimits,
) -> Result<Rendered, PagesError> {
    let used = Arc::new(Mutex::new(BTreeSet::new()));
    let environment = environment(catalogue, settings, support, Arc::clone(&used));
    let script = ScriptSettings {
        service_name: &settings.service_name,
        quick_exit_url: &settings.quick_exit_url,
        min_pdq_quality: limits.min_pdq_quality,
        max_hashes: limits.max_hashes_per_report,
        max_urls: limits.max_urls_per_report,
        max_videos: limits.max_videos_per_report,
        messages: catalogue.section("js"),
    };
    let script = script_json(&script).map_err(|e| PagesError::Render {
        page: "settings".to_owned(),
        problem: e.to_string(),
    })?;
    let emergency_dial = dial_string(&support.emergency_number);
    // What every page shows alike, made once.
    let helplines = contacts(&support.helplines);
    let exploitation_reporting = contacts(&support.exploitation_reporting);
    let adult_helplines = contacts(&support.adult_helplines);
    let script_settings = Value::from_safe_string(script);
    let render = |template: &str, page: &str| -> Result<Vec<u8>, PagesError> {
        let failed = |e: Error| PagesError::Render {
            page: template.to_owned(),
            problem: format!("{e:#}"),
        };
        let context = minijinja::context! {
            lang => catalogue.language(),
            page => page,
            service => &settings.service_name,
            quick_exit_url => &settings.quick_exit_url,
            emergency_number => &support.emergency_number,
            emergency_dial => &emergency_dial,
            helplines => helplines.clone(),
            exploitation_reporting => exploitation_reporting.clone(),
            adult_helplines => adult_helplines.clone(),
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
    let mut documents = BTreeMap::new();
    for (path, template) in DOCUMENTS {
        documents.insert(*path, render(template, path)?);
    }
    let not_found = render("not_found.html", "not_found")?;
    let used_keys = used.lock().map(|keys| keys.clone()).unwrap_or_default();
    Ok(Rendered {
        documents,
        not_found,
        used_keys,
    })
}

fn environment(
    catalogue: &Catalogue,
    settings: &PagesSettings,
    support: &SupportContacts,
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
    let emergency = support.emergency_number.clone();
    // `t("key", name=value, …)`: the message, placeholders filled; a list for a list.
    // `{service}` and `{emergency}` are always available.
    environment.add_function(
        "t",
        move |key: &str, arguments: Kwargs| -> Result<Value, Error> {
            if let Ok(mut used) = used.lock() {
                used.insert(key.to_owned());
            }
            let message = catalogue.get(key).ok_or_else(|| {
                Error::new(ErrorKind::InvalidOperation, format!("no message {key:?}"))
            })?;
            let mut values: Vec<(String, String)> = vec![
                ("service".to_owned(), service.clone()),
                ("emergency".to_owned(), emergency.clone()),
            ];
            for name in arguments.args() {
                let value: Value = arguments.get(name)?;
                values.push((name.to_owned(), value.to_string()));
            }
            arguments.assert_all_used()?;
            let pairs: Vec<(&str, &str)> = values
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let fill = |text: &str| {
                fill(text, &pairs)
                    .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("{key}: {e}")))
            };
            Ok(match message {
                Message::Text(text) => Value::from(fill(text)?),
                Message::List(items) => Value::from(
                    items
                        .iter()
                        .map(|item| fill(item))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
            })
        },
    );
    environment
}
