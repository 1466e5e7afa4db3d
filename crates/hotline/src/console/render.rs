//! The console's templates (embedded from `web/console`), rendered on every request with
//! the page's figures; and its two static files.

use super::session::SignedIn;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::Environment;
use minijinja::value::{Serde, Value};
use serde::Serialize;
use std::sync::LazyLock;

/// The templates, embedded.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    (
        "layout.html",
        include_str!("../../../../web/console/layout.html"),
    ),
    (
        "message.html",
        include_str!("../../../../web/console/message.html"),
    ),
    (
        "sign_in.html",
        include_str!("../../../../web/console/sign_in.html"),
    ),
    (
        "dashboard.html",
        include_str!("../../../../web/console/dashboard.html"),
    ),
    (
        "queue.html",
        include_str!("../../../../web/console/queue.html"),
    ),
    (
        "entry.html",
        include_str!("../../../../web/console/entry.html"),
    ),
    // Reported addresses (addresses.rs).
    (
        "addresses.html",
        include_str!("../../../../web/console/addresses.html"),
    ),
    (
        "address.html",
        include_str!("../../../../web/console/address.html"),
    ),
    (
        "address_open.html",
        include_str!("../../../../web/console/address_open.html"),
    ),
    // Records (cases, audit log).
    (
        "cases.html",
        include_str!("../../../../web/console/cases.html"),
    ),
    (
        "case.html",
        include_str!("../../../../web/console/case.html"),
    ),
    (
        "audit.html",
        include_str!("../../../../web/console/audit.html"),
    ),
    // Admins' pages.
    (
        "partners.html",
        include_str!("../../../../web/console/partners.html"),
    ),
    (
        "analysts.html",
        include_str!("../../../../web/console/analysts.html"),
    ),
    (
        "token_shown.html",
        include_str!("../../../../web/console/token_shown.html"),
    ),
];

/// The stylesheet.
pub(crate) const STYLESHEET: &str = include_str!("../../../../web/console/console.css");
/// The script: keyboard shortcuts and the warning before opening a reported address. Every
/// page works without it.
pub(crate) const SCRIPT: &str = include_str!("../../../../web/console/console.js");

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut environment = Environment::new();
    environment.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, source) in TEMPLATES {
        // The templates are ours and tested; one that does not parse fails its test.
        if let Err(error) = environment.add_template(name, source) {
            tracing::error!(%error, template = name, "a console template does not parse");
        }
    }
    environment.add_filter("when", when);
    environment.add_filter("when_s", |seconds: Option<i64>| {
        when(seconds.map(|s| s.saturating_mul(1000)))
    });
    environment.add_filter("span", span);
    // `{{ n }} {{ n | plural("entry", "entries") }}`.
    environment.add_filter(
        "plural",
        |n: i64, one: String, many: String| {
            if n == 1 { one } else { many }
        },
    );
    environment.add_filter("day", |ms: Option<i64>| {
        day(ms).unwrap_or_else(|| "—".to_owned())
    });
    environment
});

/// The day (UTC) of Unix milliseconds, as `2026-12-06`.
pub(crate) fn day(ms: Option<i64>) -> Option<String> {
    let ms = u64::try_from(ms?).ok()?;
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
    Some(humantime::format_rfc3339_seconds(time).to_string()[..10].to_owned())
}

/// Unix milliseconds as `2026-12-06 06:40 UTC`; `—` for none.
pub(crate) fn when(ms: Option<i64>) -> String {
    let Some(ms) = ms else {
        return "—".to_owned();
    };
    let Ok(ms) = u64::try_from(ms) else {
        return "—".to_owned();
    };
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms);
    let text = humantime::format_rfc3339_seconds(time).to_string();
    // 2026-12-06T06:40:12Z
    format!("{} {} UTC", &text[..10], &text[11..16])
}

/// Seconds as `3d 4h`, `2h 5m` or `40s`; `—` for none.
pub(crate) fn span(seconds: Option<i64>) -> String {
    let Some(seconds) = seconds else {
        return "—".to_owned();
    };
    let (d, h, m) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{seconds}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// Who is signed in, as every page shows them.
#[derive(Serialize)]
struct Session<'a> {
    name: &'a str,
    role: &'static str,
    admin: bool,
    form_token: String,
}

/// Renders `template` with `figures` (and, signed in, the analyst and the form token) as a
/// whole answer: HTML, the pages' headers, never cached.
pub(crate) fn page(
    status: StatusCode,
    template: &str,
    signed_in: Option<&SignedIn>,
    figures: &impl Serialize,
) -> Response {
    let session = signed_in.map(|signed_in| Session {
        name: &signed_in.analyst.principal.name,
        role: signed_in.analyst.role.as_str(),
        admin: signed_in.analyst.role == crate::store::AnalystRole::Admin,
        form_token: signed_in.form_token(),
    });
    let context = minijinja::context! {
        session => Value::from(Serde(&session)),
        ..Value::from(Serde(figures))
    };
    let rendered = ENVIRONMENT
        .get_template(template)
        .and_then(|template| template.render(context));
    let response = match rendered {
        Ok(html) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            html,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, template, "a console page could not be rendered");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be rendered; it is in the service's log.",
            )
                .into_response()
        }
    };
    no_store(takeback_pages::with_page_headers(response))
}

/// The console's pages show who reported what: no cache may keep them.
fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        for (name, _) in TEMPLATES {
            ENVIRONMENT.get_template(name).unwrap();
        }
    }

    #[test]
    fn times_read_as_people_write_them() {
        assert_eq!(when(Some(1_795_391_022_000)), "2026-11-22 23:43 UTC");
        assert_eq!(when(None), "—");
        assert_eq!(span(Some(40)), "40s");
        assert_eq!(span(Some(3 * 3600 + 5 * 60)), "3h 5m");
        assert_eq!(span(Some(2 * 86_400 + 3600)), "2d 1h");
    }
}
