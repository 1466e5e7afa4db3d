//! The reporter pages: what a young person and a trusted adult see.
//!
//! - `/`: where to start; `/report`: the young person's report, with fingerprints made in
//!   the browser by the WebAssembly hasher, so the picture never leaves the device;
//!   `/status`: a case's state and withdrawal; `/adult`: guidance for a trusted adult, who
//!   reports URLs only.
//! - Every page shows the help contacts ([`SupportContacts`]) and a quick exit.
//! - The words come from a message catalogue ([`catalogue`]), the markup from templates
//!   under `web/templates`, the scripts and styles from `web/assets`; all of it is
//!   embedded in the binary and rendered once, at start-up ([`Pages::new`]).
//! - The pages talk to nothing but the hotline that serves them: the
//!   [`CONTENT_SECURITY_POLICY`] forbids every other host, inline script and style, and
//!   framing.

pub mod catalogue;
mod render;
pub mod support;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

pub use catalogue::{Catalogue, CatalogueError};
pub use support::{Contact, SupportContacts};

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
    /// The language of the pages (the `lang` of every page): one of the catalogues under
    /// `web/messages`, or the language of `messages`.
    pub language: String,
    /// A message catalogue file of the hotline's own, used instead of the built-in one: a
    /// translation, or the English one with words adjusted. It must have every key of
    /// `web/messages/en.toml`, with the same placeholders.
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
    /// A template failed to render: a missing message, say. A bug, caught by the tests.
    #[error("cannot render the {page} page: {problem}")]
    Render {
        /// The template.
        page: String,
        /// Why.
        problem: String,
    },
}

/// The pages, rendered, and the files they load.
pub struct Pages {
    documents: BTreeMap<&'static str, Vec<u8>>,
    not_found: Vec<u8>,
}

impl std::fmt::Debug for Pages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The pages' names and sizes, not their bytes.
        let sizes: BTreeMap<&str, usize> = self
            .documents
            .iter()
            .map(|(name, body)| (*name, body.len()))
            .collect();
        f.debug_struct("Pages")
            .field("documents", &sizes)
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
];

impl Pages {
    /// Renders every page for `settings.language`, with `support` and the hotline's
    /// `limits`.
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
        let catalogue = match &settings.messages {
            Some(path) => {
                let (catalogue, missing) = Catalogue::from_file(&settings.language, path)?;
                if !missing.is_empty() {
                    tracing::warn!(
                        file = %path.display(),
                        missing = missing.join("; "),
                        "the message catalogue lacks messages; they are shown in English"
                    );
                }
                catalogue
            }
            None => Catalogue::load(&settings.language)?,
        };
        let rendered = render::render_all(&catalogue, settings, support, limits)?;
        Ok(Pages {
            documents: rendered.documents,
            not_found: rendered.not_found,
        })
    }

    /// The pages and their assets, with the security headers every page needs.
    pub fn router<S: Clone + Send + Sync + 'static>(self: Arc<Self>) -> Router<S> {
        Router::new()
            .route("/", get(document))
            .route("/{page}", get(document))
            .route("/assets/{*path}", get(asset))
            .layer(middleware::from_fn(page_headers))
            .with_state(self)
    }

    /// The "page not found" page, for addresses outside the API.
    pub fn not_found(&self) -> Response {
        with_page_headers(html(StatusCode::NOT_FOUND, self.not_found.clone()))
    }
}

/// The pages' addresses and their templates.
pub(crate) const DOCUMENTS: &[(&str, &str)] = &[
    ("", "index.html"),
    ("report", "report.html"),
    ("status", "status.html"),
    ("adult", "adult.html"),
];

async fn document(State(pages): State<Arc<Pages>>, page: Option<Path<String>>) -> Response {
    let name = page.as_ref().map_or("", |Path(name)| name.as_str());
    match pages.documents.get(name) {
        Some(body) => html(StatusCode::OK, body.clone()),
        None => html(StatusCode::NOT_FOUND, pages.not_found.clone()),
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
        None => html(StatusCode::NOT_FOUND, pages.not_found.clone()),
    }
}

fn html(status: StatusCode, body: Vec<u8>) -> Response {
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
