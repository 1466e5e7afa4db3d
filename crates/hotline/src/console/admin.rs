//! The admins' pages: partners (add, with the key shown once; revoke) and analysts (add,
//! change role, revoke). Every page and form here needs the admin role, checked on the
//! server for GET and POST alike; an admin cannot revoke themselves or change their own
//! role, so a hotline is never left without an admin by a slip.
//!
//! Each change is in the audit log under the admin's name, as the command line's are
//! under "command line".

use super::error::ConsoleError;
use super::render::page;
use super::session::{Posted, SignedIn};
use crate::http::AppState;
use crate::secrets::TokenKind;
use crate::store::AnalystRole;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

/// The longest name, as on the command line.
const MAX_NAME: usize = 200;

/// `?done=…` after a change: which fixed message to show.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Done {
    done: Option<String>,
}

/// The message for `?done=`; anything else shows none.
fn done_message(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "partner_revoked" => "The partner's key is revoked: it no longer works.",
        "analyst_revoked" => "The analyst's token is revoked, and their sessions have ended.",
        "role_set" => "The analyst's role is changed.",
        _ => return None,
    })
}

/// One partner or analyst as the admin pages list them.
#[derive(Debug, Serialize)]
struct Person {
    name: String,
    /// `analyst` or `admin`; none for a partner.
    role: Option<&'static str>,
    added: i64,
    revoked: Option<i64>,
    /// The signed-in admin themselves.
    me: bool,
}

#[derive(Serialize)]
struct PeoplePage {
    title: &'static str,
    section: &'static str,
    people: Vec<Person>,
    done: Option<&'static str>,
}

/// `GET /console/partners`.
pub(super) async fn partners(
    State(state): State<AppState>,
    signed_in: SignedIn,
    done: Result<Query<Done>, QueryRejection>,
) -> Result<Response, ConsoleError> {
    signed_in.require_admin()?;
    let people = state
        .store
        .principals(TokenKind::Partner)
        .await?
        .into_iter()
        .map(|(name, added, revoked)| Person {
            name,
            role: None,
            added,
            revoked,
            me: false,
        })
        .collect();
    let done = done.ok().and_then(|Query(done)| done.done);
    Ok(page(
        StatusCode::OK,
        "partners.html",
        Some(&signed_in),
        &PeoplePage {
            title: "Partners",
            section: "partners",
            people,
            done: done_message(done.as_deref()),
        },
    ))
}

/// `GET /console/analysts`.
pub(super) async fn analysts(
    State(state): State<AppState>,
    signed_in: SignedIn,
    done: Result<Query<Done>, QueryRejection>,
) -> Result<Response, ConsoleError> {
    signed_in.require_admin()?;
    let me = signed_in.principal().name.clone();
    let people = state
        .store
        .analysts()
        .await?
        .into_iter()
        .map(|(name, role, added, revoked)| Person {
            me: name == me,
            name,
            role: Some(role.as_str()),
            added,
            revoked,
        })
        .collect();
    let done = done.ok().and_then(|Query(done)| done.done);
    Ok(page(
        StatusCode::OK,
        "analysts.html",
        Some(&signed_in),
        &PeoplePage {
            title: "Analysts",
            section: "analysts",
            people,
            done: done_message(done.as_deref()),
        },
    ))
}

/// A form naming a partner or an analyst, with a role where one is chosen.
#[derive(Debug, Deserialize)]
pub(super) struct NameForm {
    name: Option<String>,
    role: Option<String>,
}

impl NameForm {
    /// The name, trimmed: 1 to 200 characters, none of them a control character.
    fn name(&self) -> Result<&str, ConsoleError> {
        let name = self.name.as_deref().unwrap_or_default().trim();
        if name.is_empty() {
            return Err(ConsoleError::bad_form("Give a name."));
        }
        if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
            return Err(ConsoleError::bad_form(
                "A name is at most 200 characters, on one line.",
            ));
        }
        Ok(name)
    }

    fn role(&self) -> Result<AnalystRole, ConsoleError> {
        self.role
            .as_deref()
            .and_then(AnalystRole::parse)
            .ok_or_else(|| ConsoleError::bad_form("Choose a role: analyst or admin."))
    }
}

/// Who a change is by, as the audit log names them.
fn by(signed_in: &SignedIn) -> (&'static str, &str) {
    ("analyst", &signed_in.principal().name)
}

#[derive(Serialize)]
struct TokenPage<'a> {
    title: &'static str,
    section: &'static str,
    kind: &'static str,
    name: &'a str,
    role: Option<&'static str>,
    token: &'a str,
}

/// The page that shows a new key or token, once: it is not stored, only its digest.
fn token_page(
    signed_in: &SignedIn,
    kind: TokenKind,
    name: &str,
    role: Option<AnalystRole>,
    token: &str,
) -> Response {
    let (title, section, kind) = match kind {
        TokenKind::Partner => ("Partner added", "partners", "partner"),
        TokenKind::Analyst => ("Analyst added", "analysts", "analyst"),
    };
    page(
        StatusCode::CREATED,
        "token_shown.html",
        Some(signed_in),
        &TokenPage {
            title,
            section,
            kind,
            name,
            role: role.map(AnalystRole::as_str),
            token,
        },
    )
}

/// `POST /console/partners`: adds a partner and shows its key once.
pub(super) async fn add_partner(
    State(state): State<AppState>,
    Posted { signed_in, form }: Posted<NameForm>,
) -> Result<Response, ConsoleError> {
    signed_in.require_admin()?;
    let name = form.name()?;
    let key = state
        .store
        .add_principal_in_role(
            TokenKind::Partner,
            name,
            AnalystRole::Analyst,
            by(&signed_in),
        )
        .await?;
    Ok(token_page(
        &signed_in,
        TokenKind::Partner,
        name,
        None,
        key.expose(),
    ))
}

/// `POST /console/partners/revoke`.
pub(super) async fn revoke_partner(
    State(state): State<AppState>,
    Posted { signed_in, form }: Posted<NameForm>,
) -> Result<Response, ConsoleError> {
    signed_in.require_admin()?;
    state
        .store
        .revoke_principal(TokenKind::Partner, form.name()?, by(&signed_in))
        .await?;
    Ok(Redirect::to("/console/partners?done=partner_revoked").into_response())
}

/// `POST /console/analysts`: adds an analyst in a role and shows their token once.
pub(super) async fn add_analyst(
    State(state): State<AppState>,
    Posted { signed_in, form }: Posted<NameForm>,
) -> Result<Response, ConsoleError> {
    signed_in.require_admin()?;
    let name = form.name()?;
    let role = form.role()?;
    let token = state
        .store
        .add_principal_in_role(TokenKind::Analyst, name, role, by(&signed_in))
        .await?;
    Ok(token_page(
        &signed_in,
        TokenKind::Analyst,
        name,
        Some(role),
        token.expose(),
    ))
}

/// Refuses a change to the signed-in admin themselves.
fn not_self(signed_in: &SignedIn, name: &str, change: &str) -> Result<(), ConsoleError> {
    if signed_in.principal().name == name {
        return Err(ConsoleError::conflict(format!(
            "You cannot {change} yourself: ask another admin, or use `takeback analyst` on \
             the server. Nothing was done."
        )));
    }
    Ok(())
}

/// `POST /console/analysts/role`.
pub(super) async fn set_role(
    State(state): State<AppState>,
    Posted { signed_in, form }: Posted<NameForm>,
) -> Result<Response, ConsoleError> {
    signed_in.require_admin()?;
    let name = form.name()?;
    let role = form.role()?;
    not_self(&signed_in, name, "change the role of")?;
    state
        .store
        .set_analyst_role(name, role, by(&signed_in))
        .await?;
    Ok(Redirect::to("/console/analysts?done=role_set").into_response())
}

/// `POST /console/analysts/revoke`.
pub(super) async fn revoke_analyst(
    State(state): State<AppState>,
    Posted { signed_in, form }: Posted<NameForm>,
) -> Result<Response, ConsoleError> {
    signed_in.require_admin()?;
    let name = form.name()?;
    not_self(&signed_in, name, "revoke")?;
    state
        .store
        .revoke_principal(TokenKind::Analyst, name, by(&signed_in))
        .await?;
    Ok(Redirect::to("/console/analysts?done=analyst_revoked").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, role: Option<&str>) -> NameForm {
        NameForm {
            name: Some(name.to_owned()),
            role: role.map(str::to_owned),
        }
    }

    #[test]
    fn names_are_one_line_of_at_most_200_characters() {
        assert_eq!(
            form("  Example Video  ", None).name().ok(),
            Some("Example Video")
        );
        assert!(form("   ", None).name().is_err());
        assert!(form("two\nlines", None).name().is_err());
        assert!(form(&"é".repeat(200), None).name().is_ok());
        assert!(form(&"é".repeat(201), None).name().is_err());
    }

    #[test]
    fn roles_are_analyst_or_admin() {
        assert!(matches!(
            form("a", Some("admin")).role(),
            Ok(AnalystRole::Admin)
        ));
        assert!(matches!(
            form("a", Some("analyst")).role(),
            Ok(AnalystRole::Analyst)
        ));
        assert!(form("a", Some("owner")).role().is_err());
        assert!(form("a", None).role().is_err());
    }

    #[test]
    fn only_known_messages_are_shown() {
        assert!(done_message(Some("role_set")).is_some());
        assert!(done_message(Some("<script>")).is_none());
        assert!(done_message(None).is_none());
    }
}
