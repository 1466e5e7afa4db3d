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
        super::partners::hashlist, super::partners::feedback,
        super::analysts::queue, super::analysts::entry, super::analysts::decide,
        super::analysts::urls, super::analysts::case, super::analysts::audit,
    ),
    modifiers(&BearerSchemes),
)]
struct ApiDoc;

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
