//! The reporter pages: what a young person and a trusted adult see.
//!
//! - `/`: where to start; `/report`: the young person's report, with fingerprints made in
//!   the browser by the WebAssembly hasher, so the picture never leaves the device;
//!   `/status`: a case's state and withdrawal; `/adult`: guidance for a trusted adult, who
//!   reports URLs only.
//! - Every page is in every language offered, under `/{code}/` (`/es/report`); a plain
//!   address is served in the language the browser asks for (`Accept-Language`). A
//!   switcher on every page links to the same page in each language. Nothing is stored:
//!   the language, and the country whose help is shown (`?country=IE`), live in the
//!   address.
//! - Every page shows the help contacts ([`SupportContacts`]) and a quick exit.
//! - The words come from Project Fluent catalogues ([`catalogue`]), the markup from
//!   templates under `web/templates`, the scripts and styles from `web/assets`; all of it
//!   is embedded in the binary and rendered once per language and country, at start-up
//!   ([`Pages::new`]).
//! - The pages talk to nothing but the hotline that serves them: the
//!   [`CONTENT_SECURITY_POLICY`] forbids every other host, inline script and style, and
//!   framing.

pub mod catalogue;
mod render;
pub mod support;

use axum::Router;
use axum::body::Body;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub use catalogue::{Catalogue, CatalogueError};
use render::LanguageLink;
pub use support::{Contact, SupportContacts};
use unic_langid::LanguageIdentifier;

/// What pages may load and where they may connect: only the hotline itself. WebAssembly
/// compilation (`'wasm-unsafe-eval'`) is the one exception to "no code but our files";
/// it allows no `eval` of JavaScript. `media-src blob:` lets the report page play a video
/// the reader chose from their own device (an object URL only the page itself can make)
/// to fingerprint its frames; no media is loaded from anywhere.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self' \
    'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; media-src blob:; connect-src \
    'self'; worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The `[pages]` settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PagesSettings {
    /// Serve the pages at all (an API-only hotline turns them off).
    pub enabled: bool,
    /// The languages offered, by code (`es`, `pt-BR`): each gets its pages under
    /// `/{code}/`. Empty (the default): every built-in language and every file in
    /// `messages`.
    pub languages: Vec<String>,
    /// The language for a reader whose browser asks for none of those offered.
    pub language: String,
    /// A folder of message catalogues of the hotline's own, `<code>.ftl` (Project
    /// Fluent): a language Takeback lacks, or a built-in one with words adjusted. Each
    /// must have the messages of `web/messages/en.ftl`, with the same variables.
    pub messages: Option<PathBuf>,
    /// The service's name as people see it.
    pub service_name: String,
    /// Where the quick-exit button and the Escape key take the reader: an ordinary,
    /// neutral site.
    pub quick_exit_url: String,
}

impl Default for PagesSettings {
    fn default() -> Self {
        PagesSettings {
            enabled: true,
            languages: Vec::new(),
            language: "en".to_owned(),
            messages: None,
            service_name: "Takeback".to_owned(),
            quick_exit_url: "https://www.google.com/".to_owned(),
        }
    }
}

/// The hotline's limits, which the pages enforce before sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimits {
    /// Lowest PDQ quality the hotline accepts.
    pub min_pdq_quality: u8,
    /// Most fingerprints in one report (three per picture).
    pub max_hashes_per_report: usize,
    /// Most URLs in one report.
    pub max_urls_per_report: usize,
    /// Most videos in one report.
    pub max_videos_per_report: usize,
}

/// Why the pages cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum PagesError {
    /// The language has no catalogue, or the catalogue is malformed.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// A help contact cannot be shown.
    #[error(transparent)]
    Support(#[from] support::InvalidContact),
    /// The quick-exit address is not an absolute `http(s)` URL.
    #[error("quick_exit_url {url:?} must be an absolute https:// or http:// address")]
    QuickExitUrl {
        /// The address given.
        url: String,
    },
    /// The default language is not among those offered.
    #[error("[pages] language {language:?} must be one of the languages offered: {offered}")]
    DefaultLanguage {
        /// The default asked for.
        language: String,
        /// What is offered.
        offered: String,
    },
    /// A language's code is the name of a page or route.
    #[error("[pages] languages: {language:?} is the name of a page or route, not a language")]
    ReservedLanguage {
        /// The code.
        language: String,
    },
    /// A language is offered twice.
    #[error("[pages] languages lists {language:?} twice")]
    DuplicateLanguage {
        /// The language.
        language: String,
    },
    /// The hotline's own catalogue folder cannot be read.
    #[error("cannot read the message catalogues in {}", folder.display())]
    Messages {
        /// The folder.
        folder: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `[pages] messages` names a file, where a folder is wanted.
    #[error(
        "[pages] messages = {path:?} names a folder of <language>.ftl files (Project \
         Fluent), one per language, not a file"
    )]
    MessagesNotAFolder {
        /// What it names.
        path: PathBuf,
    },
    /// A template failed to render: a missing message, say. A bug, caught by the tests.
    #[error("cannot render the {page} page: {problem}")]
    Render {
        /// The template.
        page: String,
        /// Why.
        problem: String,
    },
}

/// The pages in every language offered, for every country's help, rendered; and the
/// files they load.
pub struct Pages {
    /// The default language's first.
    languages: Vec<LanguagePages>,
    /// The countries' codes, in [`SupportContacts::countries`] order.
    countries: Vec<String>,
}

/// One language's pages.
struct LanguagePages {
    code: String,
    identifier: LanguageIdentifier,
    /// By page and country.
    documents: BTreeMap<(&'static str, usize), Bytes>,
    /// By country.
    not_found: Vec<Bytes>,
    /// The country its readers see first.
    default_country: usize,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The languages and the pages' sizes, not their bytes.
        let sizes: BTreeMap<&str, usize> = self
            .languages
            .iter()
            .map(|language| {
                let size = language.documents.values().map(Bytes::len).sum();
                (language.code.as_str(), size)
            })
            .collect();
        f.debug_struct("Pages")
            .field("languages", &sizes)
            .finish_non_exhaustive()
    }
}

/// A file the pages load.
#[derive(Debug)]
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $file:literal, $type:expr) => {
        Asset {
            path: $path,
            content_type: $type,
            body: include_bytes!(concat!("../../../web/", $file)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// Everything under `/assets/`.
static ASSETS: &[Asset] = &[
    asset!(
        "takeback.css",
        "assets/takeback.css",
        "text/css; charset=utf-8"
    ),
    asset!("icon.svg", "assets/icon.svg", "image/svg+xml"),
    asset!("language.svg", "assets/language.svg", "image/svg+xml"),
    asset!("js/exit.js", "assets/js/exit.js", JS),
    asset!("js/page.js", "assets/js/page.js", JS),
    asset!("js/messages.js", "assets/js/messages.js", JS),
    asset!("js/ui.js", "assets/js/ui.js", JS),
    asset!("js/receipt.js", "assets/js/receipt.js", JS),
    asset!("js/reporting.js", "assets/js/reporting.js", JS),
    asset!("js/report.js", "assets/js/report.js", JS),
    asset!("js/status.js", "assets/js/status.js", JS),
    asset!("js/adult.js", "assets/js/adult.js", JS),
    asset!("js/fingerprint.js", "assets/js/fingerprint.js", JS),
    asset!(
        "js/fingerprint-worker.js",
        "assets/js/fingerprint-worker.js",
        JS
    ),
    asset!("js/hashing.js", "assets/js/hashing.js", JS),
    asset!("js/image-size.js", "assets/js/image-size.js", JS),
    asset!("js/video.js", "assets/js/video.js", JS),
    asset!("pdq/takeback-pdq.js", "pdq/takeback-pdq.js", JS),
    Asset {
        path: "pdq/takeback_pdq_wasm.wasm",
        content_type: "application/wasm",
        body: include_bytes!(env!("TAKEBACK_PAGES_WASM_FILE")),
    },
    // The same with WebAssembly SIMD, which the loader picks where the browser runs it.
    Asset {
        path: "pdq/takeback_pdq_simd.wasm",
        content_type: "application/wasm",
        body: include_bytes!(env!("TAKEBACK_PAGES_WASM_SIMD_FILE")),
    },
];

impl Pages {
    /// Renders every page in every language offered (`settings.languages`), with
    /// `support` and the hotline's `limits`.
    pub fn new(
        settings: &PagesSettings,
        support: &SupportContacts,
        limits: PageLimits,
    ) -> Result<Self, PagesError> {
        let parsed = url::Url::parse(&settings.quick_exit_url).ok();
        if !parsed.is_some_and(|url| matches!(url.scheme(), "https" | "http")) {
            return Err(PagesError::QuickExitUrl {
                url: settings.quick_exit_url.clone(),
            });
        }
        support.validate()?;
        let catalogues = offered_catalogues(settings)?;
        let unreviewed: Vec<&str> = catalogues
            .iter()
            .filter(|catalogue| !catalogue.reviewed() && catalogue.code() != "en")
            .map(Catalogue::code)
            .collect();
        if !unreviewed.is_empty() {
            tracing::warn!(
                languages = unreviewed.join(", "),
                "these languages' words have not been reviewed by a native speaker with \
                 safeguarding experience (each catalogue's header says so): have them \
                 reviewed, or offer fewer in [pages] languages"
            );
        }
        let links: Vec<LanguageLink> = catalogues
            .iter()
            .map(|catalogue| LanguageLink {
                code: catalogue.code().to_owned(),
                name: catalogue.name().to_owned(),
                dir: catalogue.direction(),
            })
            .collect();
        let mut languages = Vec::with_capacity(catalogues.len());
        for catalogue in &catalogues {
            let rendered = render::render_all(catalogue, &links, settings, support, limits)?;
            languages.push(LanguagePages {
                code: catalogue.code().to_owned(),
                identifier: catalogue.language().clone(),
                documents: rendered
                    .documents
                    .into_iter()
                    .map(|(key, body)| (key, Bytes::from(body)))
                    .collect(),
                not_found: rendered.not_found.into_iter().map(Bytes::from).collect(),
                default_country: rendered.default_country,
            });
        }
        let countries = support
            .countries()
            .iter()
            .map(|country| country.code.to_owned())
            .collect();
        Ok(Pages {
            languages,
            countries,
        })
    }

    /// The pages and their assets, with the security headers every page needs:
    /// `/{language}/{page}` in that language, and `/{page}` in the one the browser asks
    /// for (`Accept-Language`).
    pub fn router<S: Clone + Send + Sync + 'static>(self: Arc<Self>) -> Router<S> {
        let mut router = Router::new()
            .route("/", get(home))
            .route("/{first}", get(page_or_language))
            .route("/assets/{*path}", get(asset));
        // Each language's own routes, not `/{language}/{page}`: any other two-segment
        // address (`/api/nothing`) stays the hotline's, answered by its fallback.
        for language in &self.languages {
            let code = &language.code;
            router = router
                .route(&format!("/{code}/"), get(language_home))
                .route(&format!("/{code}/{{page}}"), get(language_page));
        }
        router
            .layer(middleware::from_fn(page_headers))
            .with_state(self)
    }

    /// The "page not found" page for `path` (outside the API): in the language its first
    /// segment names, else in the one `headers` ask for.
    pub fn not_found(&self, path: &str, headers: &HeaderMap) -> Response {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        let (language, negotiated) = match self.language(first) {
            Some(language) => (language, false),
            None => (self.negotiate(headers), true),
        };
        let request = PageRequest {
            language,
            negotiated,
            country: None,
        };
        with_page_headers(request.respond(StatusCode::NOT_FOUND, None))
    }

    /// The page request for `language` (else the browser's choice) and `query`'s country.
    fn request<'a>(
        &'a self,
        language: Option<&'a LanguagePages>,
        headers: &HeaderMap,
        query: Option<&str>,
    ) -> PageRequest<'a> {
        let country = query.and_then(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(name, _)| name == "country")
                .and_then(|(_, code)| {
                    self.countries
                        .iter()
                        .position(|known| !known.is_empty() && known.eq_ignore_ascii_case(&code))
                })
        });
        match language {
            Some(language) => PageRequest {
                language,
                negotiated: false,
                country,
            },
            None => PageRequest {
                language: self.negotiate(headers),
                negotiated: true,
                country,
            },
        }
    }

    /// The language offered under `code`, in any letter case.
    fn language(&self, code: &str) -> Option<&LanguagePages> {
        self.languages
            .iter()
            .find(|language| language.code.eq_ignore_ascii_case(code))
    }

    /// The offered language that best fits the browser's `Accept-Language`, else the
    /// default.
    fn negotiate(&self, headers: &HeaderMap) -> &LanguagePages {
        let default = &self.languages[0];
        let Some(accepted) = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
        else {
            return default;
        };
        let requested = accepted_languages(accepted);
        let available: Vec<&LanguageIdentifier> = self
            .languages
            .iter()
            .map(|language| &language.identifier)
            .collect();
        let fallback = &default.identifier;
        let chosen = fluent_langneg::negotiate_languages(
            &requested,
            &available,
            Some(&fallback),
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        chosen
            .first()
            .and_then(|identifier| {
                self.languages
                    .iter()
                    .find(|language| &&language.identifier == *identifier)
            })
            .unwrap_or(default)
    }
}

/// What a request for a page settles: its language (and whether `Accept-Language`
/// chose it) and the country whose help it shows (`None`: the language's own).
struct PageRequest<'a> {
    language: &'a LanguagePages,
    negotiated: bool,
    country: Option<usize>,
}

impl PageRequest<'_> {
    /// `page` (or the not-found page). A page `Accept-Language` chose must be kept by
    /// caches once per language asked for.
    fn respond(&self, status: StatusCode, page: Option<&str>) -> Response {
        let language = self.language;
        let country = self.country.unwrap_or(language.default_country);
        let found = page.and_then(|page| language.documents.get(&(page, country)));
        let (status, body) = match found {
            Some(body) => (status, body.clone()),
            None => (
                StatusCode::NOT_FOUND,
                language.not_found.get(country).cloned().unwrap_or_default(),
            ),
        };
        let mut response = html(status, body);
        let headers = response.headers_mut();
        if let Ok(code) = HeaderValue::from_str(&language.code) {
            headers.insert(header::CONTENT_LANGUAGE, code);
        }
        if self.negotiated {
            headers.insert(header::VARY, HeaderValue::from_static("accept-language"));
        }
        response
    }
}

/// The languages an `Accept-Language` value asks for, most wanted first (by `q`, then
/// in order); those it refuses (`q=0`) and what does not parse left out.
fn accepted_languages(value: &str) -> Vec<LanguageIdentifier> {
    let mut weighted: Vec<(f32, LanguageIdentifier)> = value
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let weight = parts
                .find_map(|part| part.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            let language = tag.parse::<LanguageIdentifier>().ok()?;
            (weight > 0.0 && tag != "*").then_some((weight, language))
        })
        .collect();
    // A stable sort keeps the browser's order among equals.
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0));
    weighted.into_iter().map(|(_, language)| language).collect()
}

/// The catalogues of the languages `settings` offer, the default language's first.
fn offered_catalogues(settings: &PagesSettings) -> Result<Vec<Catalogue>, PagesError> {
    let own = own_catalogue_files(settings.messages.as_deref())?;
    let mut codes: Vec<String> = if settings.languages.is_empty() {
        let mut codes: Vec<String> = catalogue::languages()
            .into_iter()
            .map(str::to_owned)
            .collect();
        for code in own.keys() {
            if !codes.iter().any(|c| c.eq_ignore_ascii_case(code)) {
                codes.push(code.clone());
            }
        }
        codes
    } else {
        settings.languages.clone()
    };
    let Some(default) = codes
        .iter()
        .position(|code| code.eq_ignore_ascii_case(&settings.language))
    else {
        return Err(PagesError::DefaultLanguage {
            language: settings.language.clone(),
            offered: codes.join(", "),
        });
    };
    let default = codes.remove(default);
    codes.insert(0, default);
    // A language's start page is `/{code}`: it must not hide a page or another route.
    let reserved = DOCUMENTS.iter().map(|(path, _)| *path).chain([
        "assets",
        "api",
        "console",
        "healthz",
        "metrics",
        "not_found",
    ]);
    for name in reserved {
        if let Some(code) = codes.iter().find(|code| code.eq_ignore_ascii_case(name)) {
            return Err(PagesError::ReservedLanguage {
                language: code.clone(),
            });
        }
    }
    let mut catalogues: Vec<Catalogue> = Vec::with_capacity(codes.len());
    for code in &codes {
        let file = own
            .iter()
            .find(|(own_code, _)| own_code.eq_ignore_ascii_case(code));
        let catalogue = match file {
            Some((own_code, path)) => {
                let (catalogue, missing) = Catalogue::from_file(own_code, path)?;
                if !missing.is_empty() {
                    tracing::warn!(
                        file = %path.display(),
                        missing = missing.join("; "),
                        "the message catalogue lacks messages; they are shown from the \
                         built-in catalogue"
                    );
                }
                catalogue
            }
            None => Catalogue::load(code)?,
        };
        if catalogues
            .iter()
            .any(|other| other.code().eq_ignore_ascii_case(catalogue.code()))
        {
            return Err(PagesError::DuplicateLanguage {
                language: code.clone(),
            });
        }
        catalogues.push(catalogue);
    }
    Ok(catalogues)
}

/// The `<code>.ftl` files in the hotline's own catalogue folder, by code.
fn own_catalogue_files(
    folder: Option<&std::path::Path>,
) -> Result<BTreeMap<String, PathBuf>, PagesError> {
    let Some(folder) = folder else {
        return Ok(BTreeMap::new());
    };
    let unreadable = |source: std::io::Error| PagesError::Messages {
        folder: folder.to_owned(),
        source,
    };
    if folder.is_file() {
        return Err(PagesError::MessagesNotAFolder {
            path: folder.to_owned(),
        });
    }
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(folder).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.extension().is_some_and(|extension| extension == "ftl")
            && let Some(code) = path.file_stem().and_then(|stem| stem.to_str())
        {
            files.insert(code.to_owned(), path);
        }
    }
    Ok(files)
}

/// The pages' addresses and their templates.
pub(crate) const DOCUMENTS: &[(&str, &str)] = &[
    ("", "index.html"),
    ("report", "report.html"),
    ("status", "status.html"),
    ("adult", "adult.html"),
];

async fn home(
    State(pages): State<Arc<Pages>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let request = pages.request(None, &headers, query.as_deref());
    request.respond(StatusCode::OK, Some(""))
}

/// `/report` (in the language the browser asks for) or `/es` (Spanish's start page). An
/// address that does not decode is simply not a page.
async fn page_or_language(
    State(pages): State<Arc<Pages>>,
    first: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let request = |language| pages.request(language, &headers, query.as_deref());
    let Ok(Path(first)) = first else {
        return request(None).respond(StatusCode::NOT_FOUND, None);
    };
    match pages.language(&first) {
        Some(language) => request(Some(language)).respond(StatusCode::OK, Some("")),
        None => request(None).respond(StatusCode::OK, Some(&first)),
    }
}

/// The language whose route `uri` took (the routes are each language's own).
fn routed_language<'a>(pages: &'a Pages, uri: &Uri) -> Option<&'a LanguagePages> {
    let first = uri.path().trim_start_matches('/').split('/').next()?;
    pages.language(first)
}

async fn language_home(
    State(pages): State<Arc<Pages>>,
    uri: Uri,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let language = routed_language(&pages, &uri);
    let request = pages.request(language, &headers, query.as_deref());
    request.respond(StatusCode::OK, Some(""))
}

async fn language_page(
    State(pages): State<Arc<Pages>>,
    uri: Uri,
    page: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let language = routed_language(&pages, &uri);
    let request = pages.request(language, &headers, query.as_deref());
    match page {
        Ok(Path(page)) => request.respond(StatusCode::OK, Some(&page)),
        Err(_) => request.respond(StatusCode::NOT_FOUND, None),
    }
}

async fn asset(State(pages): State<Arc<Pages>>, Path(path): Path<String>) -> Response {
    match ASSETS.iter().find(|asset| asset.path == path) {
        Some(asset) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            )],
            Body::from(asset.body),
        )
            .into_response(),
        None => PageRequest {
            language: &pages.languages[0],
            negotiated: false,
            country: None,
        }
        .respond(StatusCode::NOT_FOUND, None),
    }
}

fn html(status: StatusCode, body: Bytes) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

async fn page_headers(request: Request, next: Next) -> Response {
    with_page_headers(next.run(request).await)
}

/// The headers that keep a page to itself: nothing from elsewhere, no framing, no
/// sensors. The analyst console's pages carry them too.
pub fn with_page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    response
}

#[cfg(test)]
mod tests;
