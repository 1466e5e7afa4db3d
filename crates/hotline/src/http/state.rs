//! What every handler shares: the store, the report writer, settings and limits.

use super::MetricsPage;
use crate::config::HotlineConfig;
use crate::console::ServiceFiguresCache;
use crate::guard::CurrentGuardList;
use crate::report::ReportLimits;
use crate::snapshots::Snapshots;
use crate::store::{ListingRules, Store};
use crate::takedown::worker::TakedownWorker;
use crate::throttle::Throttles;
use crate::writer::ReportWriter;
use std::sync::Arc;
use std::time::Duration;
use takeback_pages::Pages;
use takeback_service::metrics::MetricsToken;
use takeback_wire::chain::FeedSigningKey;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub(crate) store: Store,
    pub(crate) writer: ReportWriter,
    pub(crate) config: Arc<HotlineConfig>,
    pub(crate) limits: Arc<ReportLimits>,
    /// The guard list in force (replaced whole when its files change).
    pub(crate) guard: CurrentGuardList,
    /// Per-source (and per-case-number) limits: in memory, or shared through PostgreSQL.
    pub(crate) throttles: Arc<Throttles>,
    /// `/metrics`: its token and its cached counts.
    pub(crate) metrics: Arc<MetricsPage>,
    /// The reporter pages, unless they are turned off.
    pub(crate) pages: Option<Arc<Pages>>,
    /// The takedown worker, which re-checks addresses on request (none in tests of the
    /// API alone).
    pub(crate) takedown: Option<Arc<TakedownWorker>>,
    /// The console dashboard's figures of how the service is doing, shared between
    /// analysts.
    pub(crate) service_figures: Arc<ServiceFiguresCache>,
    /// The key that signs the feed's checkpoints (none: pages carry no checkpoint).
    pub(crate) feed_key: Option<Arc<FeedSigningKey>>,
    /// Snapshots of the whole list being sent, and the copy kept for the next partners.
    pub(crate) snapshots: Arc<Snapshots>,
}

impl AppState {
    /// State for a server on `store` with `config` and the guard list `guard`; starts the
    /// report writer (and, on PostgreSQL, the sweeper of the throttles' ended windows).
    pub fn new(store: Store, config: HotlineConfig, guard: CurrentGuardList) -> Self {
        let snapshot_reuse_seconds = config.snapshot_reuse_seconds;
        AppState {
            throttles: Throttles::new(&config, &store),
            writer: ReportWriter::start(
                store.clone(),
                ListingRules {
                    policy: config.listing_policy,
                    new_listings_per_hour: config.new_listings_per_hour,
                },
                guard.clone(),
            ),
            store,
            limits: Arc::new(ReportLimits {
                max_hashes: config.max_hashes_per_report,
                max_urls: config.max_urls_per_report,
                min_pdq_quality: config.min_pdq_quality,
                max_frames_per_video: config.max_frames_per_video,
                max_videos: config.max_videos_per_report,
            }),
            guard,
            metrics: Arc::new(MetricsPage::new(
                config
                    .metrics_token
                    .as_ref()
                    .and_then(|token| MetricsToken::new(token.expose())),
            )),
            config: Arc::new(config),
            pages: None,
            takedown: None,
            service_figures: Arc::default(),
            feed_key: None,
            snapshots: Arc::new(Snapshots::new(Duration::from_secs(snapshot_reuse_seconds))),
        }
    }

    /// Lets the API reach the takedown worker.
    pub fn with_takedown(mut self, worker: Arc<TakedownWorker>) -> Self {
        self.takedown = Some(worker);
        self
    }

    /// Signs the feed's pages' checkpoints with `key`.
    pub fn with_feed_key(mut self, key: FeedSigningKey) -> Self {
        self.feed_key = Some(Arc::new(key));
        self
    }

    /// Serves `pages` beside the API: at `/`, with their assets under `/assets/`.
    pub fn with_pages(mut self, pages: Arc<Pages>) -> Self {
        self.pages = Some(pages);
        self
    }
}
