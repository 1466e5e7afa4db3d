//! The Takeback hotline: where a young person's report lands and where partner platforms
//! get the list they block.
//!
//! It receives fingerprints (hashes) and URLs, never a picture; it never learns who the
//! reporter is (no names, e-mail or IP addresses; a case is opened again with its number
//! and secret); and it acknowledges a report only once the database has committed it.
//!
//! - [`store`]: the database (SQLite or PostgreSQL) and every state change.
//! - [`writer`]: group commit of reports.
//! - [`http`]: the API ([`http::router`]), with its OpenAPI description.
//! - [`report`]: the rules a report must meet; [`guard`]: fingerprints never listed (read
//!   again while running, and applied to what is already listed: `guard_reload.rs`);
//!   [`throttle`]: per-source limits without keeping addresses; [`secrets`]: case numbers,
//!   secrets and tokens.

#![warn(missing_docs)]

pub mod config;
pub mod console;
pub mod guard;
mod guard_reload;
pub mod http;
pub mod model;
pub mod report;
pub mod secrets;
mod snapshots;
pub mod store;
pub mod takedown;
pub mod throttle;
pub mod writer;

pub use config::{HotlineConfig, Hsts, Secret};
pub use store::{ListingPolicy, Store, StoreError};

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use takeback_pages::{PageLimits, Pages};

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The database could not be opened or migrated.
    #[error("cannot open the database {database}: {source}")]
    Store {
        /// Its URL, without a password.
        database: String,
        /// Why.
        #[source]
        source: StoreError,
    },
    /// The guard list could not be read.
    #[error(transparent)]
    Guard(#[from] guard::GuardListError),
    /// The pages' settings are unusable.
    #[error("cannot serve the pages: {0}")]
    Pages(#[from] takeback_pages::PagesError),
    /// The takedown settings or the contacts file are unusable.
    #[error(transparent)]
    Takedown(#[from] takedown::worker::TakedownError),
    /// The signing key file could not be read.
    #[error(transparent)]
    SigningKey(#[from] SigningKeyFileError),
    /// The address could not be bound, or serving failed.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Why a signing key file (`signing_key_file`) could not be used.
#[derive(Debug, thiserror::Error)]
#[error("cannot use the signing key file {}: {reason}", path.display())]
pub struct SigningKeyFileError {
    /// The file.
    pub path: std::path::PathBuf,
    /// Why.
    pub reason: String,
}

/// Reads the key that signs the feed from its file: a PKCS#8 PEM Ed25519 private key
/// (`openssl genpkey -algorithm ed25519 -out FILE`) or its 32-byte seed in base64. Warns
/// when others than its owner may read it.
pub fn read_signing_key_file(
    path: &std::path::Path,
) -> Result<takeback_wire::chain::FeedSigningKey, SigningKeyFileError> {
    let error = |reason: String| SigningKeyFileError {
        path: path.to_owned(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
    let key = takeback_wire::chain::FeedSigningKey::from_file_text(&text)
        .map_err(|e| error(e.to_string()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(metadata) = std::fs::metadata(path)
            && metadata.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                path = %path.display(),
                "the signing key file can be read by others than its owner: chmod 600 it"
            );
        }
    }
    Ok(key)
}

/// Runs the hotline until `shutdown` completes. `on_listening` is told the bound address
/// (useful with port 0).
pub async fn serve(
    config: HotlineConfig,
    on_listening: impl FnOnce(SocketAddr),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let guard_files = guard::GuardFiles {
        pdq: config.guard_list.clone(),
        exact: config.exact_guard_list.clone(),
        max_distance: config.guard_distance,
    };
    let (guard_digest, guard) = guard_files.read()?;
    let pages = build_pages(&config)?;
    let store = Store::connect(config.database.expose(), config.max_connections)
        .await
        .map_err(|source| ServeError::Store {
            database: config.database.redacted(),
            source,
        })?;
    tracing::info!(
        backend = ?store.backend(),
        listing_policy = ?config.listing_policy,
        guard_list_hashes = guard.len(),
        "database ready"
    );
    let store_error = |source| ServeError::Store {
        database: config.database.redacted(),
        source,
    };
    let feed_key = match &config.signing_key_file {
        Some(path) => {
            let key = read_signing_key_file(path)?;
            store
                .adopt_signing_key(&key, ("system", "signing_key_file"))
                .await
                .map_err(store_error)?;
            key
        }
        None => store.signing_key().await.map_err(store_error)?,
    };
    tracing::info!(
        public_key = %feed_key.public_key(),
        "the feed's checkpoints are signed with this Ed25519 key: partners configure it \
         (it is also at GET /api/v1/keys)"
    );
    let address = config.listen;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|source| ServeError::Listen { address, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| ServeError::Listen { address, source })?;
    let metrics_listener = match config.metrics_listen {
        Some(address) => Some(
            tokio::net::TcpListener::bind(address)
                .await
                .map_err(|source| ServeError::Listen { address, source })?,
        ),
        None => None,
    };
    if config.metrics_token.is_none() && metrics_listener.is_none() {
        tracing::info!(
            "/metrics is open to anyone who can reach the hotline: set metrics_token or metrics_listen to close it"
        );
    }
    let guard_every = (config.guard_list_reload_seconds > 0)
        .then(|| std::time::Duration::from_secs(config.guard_list_reload_seconds));
    let guard = guard::CurrentGuardList::new(guard);
    let mut state =
        http::AppState::new(store.clone(), config, guard.clone()).with_feed_key(feed_key);
    // Without guard files there is nothing to apply or follow.
    let guard_reload = guard_files.is_configured().then(|| {
        tokio::spawn(
            guard_reload::GuardReload {
                store: store.clone(),
                writer: state.writer.clone(),
                current: guard,
                files: guard_files,
                digest: guard_digest,
                every: guard_every,
            }
            .run(),
        )
    });
    if let Some(pages) = pages {
        state = state.with_pages(pages);
    }
    let takedown = Arc::new(takedown::worker::TakedownWorker::new(
        store.clone(),
        state.config.takedown.clone(),
        &state.config.pages.service_name,
        format!("http://{bound}"),
    )?);
    state = state.with_takedown(takedown.clone());
    let takedown_task = tokio::spawn(takedown.run());
    // The metrics server stops when the main one has.
    let (stop_metrics, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
    let metrics_server = match metrics_listener {
        Some(listener) => {
            if let Ok(address) = listener.local_addr() {
                tracing::info!(port = address.port(), "metrics listening");
            }
            let app = http::metrics_router(state.clone());
            Some(tokio::spawn(async move {
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = metrics_stopped.await;
                    })
                    .await
            }))
        }
        None => None,
    };
    let app = http::router(state);
    on_listening(bound);
    // The port only: an address in the logs could be mistaken for a client's.
    tracing::info!(port = bound.port(), "listening");
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    let _ = stop_metrics.send(());
    if let Some(metrics_server) = metrics_server {
        let _ = metrics_server.await;
    }
    // A notice being delivered keeps its lease and goes again after it (same id); a
    // re-check being recorded is rolled back whole.
    takedown_task.abort();
    let _ = takedown_task.await;
    if let Some(guard_reload) = guard_reload {
        // A change it was writing is rolled back whole, and made again at the next start.
        guard_reload.abort();
        let _ = guard_reload.await;
    }
    served.map_err(|source| ServeError::Listen {
        address: bound,
        source,
    })?;
    store.close().await;
    Ok(())
}

/// The reporter pages, rendered, unless turned off; warns while the help contacts are
/// still the generic placeholders.
fn build_pages(config: &HotlineConfig) -> Result<Option<Arc<Pages>>, ServeError> {
    if !config.pages.enabled {
        return Ok(None);
    }
    let limits = PageLimits {
        min_pdq_quality: config.min_pdq_quality,
        max_hashes_per_report: config.max_hashes_per_report,
        max_urls_per_report: config.max_urls_per_report,
        max_videos_per_report: config.max_videos_per_report,
    };
    let pages = Pages::new(&config.pages, &config.support, limits)?;
    let unreplaced = config.support.placeholders();
    if !unreplaced.is_empty() {
        tracing::warn!(
            unreplaced = unreplaced.join(", "),
            "the pages show generic placeholder help contacts: set [support] in the \
             configuration file to your country's emergency number, helplines and \
             reporting bodies"
        );
    }
    Ok(Some(Arc::new(pages)))
}
