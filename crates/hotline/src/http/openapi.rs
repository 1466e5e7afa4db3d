//! The OpenAPI description, generated from the handlers and types so it cannot drift.

use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Takeback hotline",
        description = "Confidential reports of fingerprints (hashes) and URLs, never pictures; \
                       the hash list and its distribution to partner platforms; analyst review.",
    ),
    paths(
        super::reports::create, super::reports::status, super::reports::withdraw,
        super::partners::hashlist, super::partners::snapshot, super::partners::keys, super::partners::entry, super::partners::feedback,
        super::analysts::queue, super::analysts::entry, super::analysts::decide,
        super::takedown::urls, super::takedown::assess, super::takedown::recheck,
        super::takedown::stats,
        super::confirm::confirm,
        super::analysts::case, super::analysts::audit,
    ),
    modifiers(&BearerSchemes, &CommonErrors),
)]
struct ApiDoc;

/// Every route can answer with the shared error shape for these statuses (bad query or
/// body, missing or wrong token, throttling, the database away); each route documents
/// only its own particular answers, and this fills in the rest.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        // ErrorBody is in the components already: the report routes name it.
        let common = [
            ("400", "Malformed request"),
            ("401", "No token, or one this hotline does not know"),
            ("403", "A token for other routes"),
            ("404", "Not found"),
            ("405", "Method not allowed"),
            ("413", "Body too large"),
            ("415", "Body not JSON"),
            ("422", "A rule of the request is broken"),
            ("429", "Throttled"),
            (
                "503",
                "Database unavailable or out of storage; nothing was stored",
            ),
        ];
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.post, &mut item.delete]
                .into_iter()
                .flatten()
            {
                for (status, description) in common {
                    operation
                        .responses
                        .responses
                        .entry(status.into())
                        .or_insert_with(|| {
                            ResponseBuilder::new()
                                .description(description)
                                .content(
                                    "application/json",
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                                        .build(),
                                )
                                .build()
                                .into()
                        });
                }
            }
        }
    }
}

struct BearerSchemes;

impl Modify for BearerSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, what) in [
            (
                "case_secret",
                "The case secret given when the report was sent",
            ),
            ("partner_key", "A partner platform's API key (tbp_…)"),
            ("analyst_token", "An analyst's token (tba_…)"),
        ] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(what))
                        .build(),
                ),
            );
        }
    }
}

/// The OpenAPI 3 document as JSON.
pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
}
