//! PostgreSQL over TLS: the settings checked, and settled, before connecting.
//!
//! sqlx reads libpq's settings from the URL (`sslmode`, `sslrootcert`, `sslcert`,
//! `sslkey`) or from `PGSSLMODE`, `PGSSLROOTCERT`, `PGSSLCERT` and `PGSSLKEY`. Two of its
//! ways would let a mistake pass in silence, so they are settled here:
//! - With `sslmode=require` it ignores `sslrootcert` and accepts any certificate, where
//!   libpq checks it against that CA (as `verify-ca`): the URL is given `verify-ca`, so it
//!   means what it means to `psql`. (sqlx 0.8 then checks the host name too, as in
//!   `verify-full`: its `verify-ca` misses the name error newer rustls reports, sqlx issue
//!   3793. Stricter, so left as it is.)
//! - With `prefer` (the default), `allow` or `disable` it ignores `sslrootcert` too: an
//!   operator who named a CA expects it to be used, so that is refused with what to write.
//!
//! And a file it cannot read would only fail at the handshake, as a bare "No such file or
//! directory": each one named is opened here first, and named in the error.

use super::StoreError;
use std::borrow::Cow;

/// The URL parameters (with sqlx's other spellings) and variables of the TLS files.
const FILES: [(&str, &[&str], &str); 3] = [
    (
        "sslrootcert",
        &["sslrootcert", "ssl-root-cert", "ssl-ca"],
        "PGSSLROOTCERT",
    ),
    ("sslcert", &["sslcert", "ssl-cert"], "PGSSLCERT"),
    ("sslkey", &["sslkey", "ssl-key"], "PGSSLKEY"),
];

/// The spellings of the mode in a URL.
const MODE: [&str; 2] = ["sslmode", "ssl-mode"];

/// The URL to connect to PostgreSQL with, its TLS settings checked (see the module's
/// documentation). `env` reads an environment variable. A URL that does not parse is
/// returned as it is: sqlx says what is wrong with it.
pub(super) fn settle<'a>(
    url: &'a str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Cow<'a, str>, StoreError> {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return Ok(Cow::Borrowed(url));
    };
    let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    // sqlx applies the parameters in order: the last one of a name counts.
    let param = |names: &[&str]| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| names.contains(&key.as_str()))
            .map(|(_, value)| value.clone())
    };
    let mut root_cert = None;
    for (setting, names, variable) in FILES {
        let Some(path) = param(names).or_else(|| env(variable)) else {
            continue;
        };
        if let Err(source) = std::fs::File::open(&path) {
            return Err(StoreError::TlsFile {
                setting,
                path,
                source,
            });
        }
        if setting == "sslrootcert" {
            root_cert = Some(path);
        }
    }
    if root_cert.is_none() {
        return Ok(Cow::Borrowed(url));
    }
    let mode = param(&MODE)
        .or_else(|| env("PGSSLMODE"))
        .unwrap_or_else(|| "prefer".to_owned())
        .to_ascii_lowercase();
    match mode.as_str() {
        "verify-ca" | "verify-full" => Ok(Cow::Borrowed(url)),
        "require" => {
            let kept = pairs
                .iter()
                .filter(|(key, _)| !MODE.contains(&key.as_str()));
            parsed
                .query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair("sslmode", "verify-ca");
            Ok(Cow::Owned(parsed.into()))
        }
        // An unknown mode is left to sqlx, which names it.
        "prefer" | "allow" | "disable" => Err(StoreError::UncheckedRootCert { mode }),
        _ => Ok(Cow::Borrowed(url)),
    }
}

/// Whether a failure to connect happened in TLS: a certificate refused, a handshake
/// failed, or the server does not speak TLS at all.
pub(super) fn is_tls_failure(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Tls(_) => true,
        // rustls reports a failed handshake as an I/O error that carries its own.
        sqlx::Error::Io(io) => io
            .get_ref()
            .is_some_and(|inner| inner.is::<rustls::Error>()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    /// A readable file to name as a certificate.
    fn a_file() -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not checked here").unwrap();
        let path = path.display().to_string();
        (dir, path)
    }

    #[test]
    fn urls_without_a_ca_are_left_as_they_are() {
        for url in [
            "postgres://u@db/t",
            "postgres://u@db/t?sslmode=require",
            "postgres://u@db/t?sslmode=verify-full",
            "postgres://u:p@db/t?sslmode=disable&application_name=x",
        ] {
            assert_eq!(settle(url, no_env).unwrap(), url);
        }
    }

    #[test]
    fn a_ca_with_a_verifying_mode_is_left_as_it_is() {
        let (_dir, ca) = a_file();
        for mode in ["verify-full", "verify-ca", "VERIFY-FULL"] {
            let url = format!("postgres://u@db/t?sslmode={mode}&sslrootcert={ca}");
            assert_eq!(settle(&url, no_env).unwrap(), url);
        }
    }

    #[test]
    fn require_with_a_ca_checks_it_as_libpq_does() {
        let (_dir, ca) = a_file();
        let url = format!("postgres://u:p@db:5433/t?sslmode=require&sslrootcert={ca}&x=1");
        let settled = settle(&url, no_env).unwrap();
        let parsed = url::Url::parse(&settled).unwrap();
        let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            [
                ("sslrootcert".to_owned(), ca.clone()),
                ("x".to_owned(), "1".to_owned()),
                ("sslmode".to_owned(), "verify-ca".to_owned()),
            ]
        );
        assert_eq!(parsed.password(), Some("p"));
        assert_eq!(parsed.host_str(), Some("db"));
        assert_eq!(parsed.port(), Some(5433));
        // From the environment too.
        let url = format!("postgres://u@db/t?sslrootcert={ca}");
        let env = |name: &str| (name == "PGSSLMODE").then(|| "require".to_owned());
        assert!(settle(&url, env).unwrap().ends_with("sslmode=verify-ca"));
    }

    #[test]
    fn a_ca_that_would_not_be_checked_is_refused() {
        let (_dir, ca) = a_file();
        for (query, mode) in [
            (format!("sslrootcert={ca}"), "prefer"),
            (format!("sslmode=prefer&ssl-ca={ca}"), "prefer"),
            (format!("sslmode=disable&sslrootcert={ca}"), "disable"),
            // The last of a name counts, as in sqlx.
            (
                format!("sslmode=verify-full&sslmode=allow&sslrootcert={ca}"),
                "allow",
            ),
        ] {
            let url = format!("postgres://u@db/t?{query}");
            let error = settle(&url, no_env).unwrap_err();
            assert!(
                matches!(&error, StoreError::UncheckedRootCert { mode: m } if m == mode),
                "{query}: {error}"
            );
            assert!(error.to_string().contains("sslmode=verify-full"), "{error}");
        }
        // A CA from the environment as well.
        let env = |name: &str| (name == "PGSSLROOTCERT").then(|| ca.clone());
        assert!(matches!(
            settle("postgres://u@db/t", env),
            Err(StoreError::UncheckedRootCert { .. })
        ));
    }

    #[test]
    fn a_file_that_cannot_be_read_is_named() {
        let (dir, ca) = a_file();
        let missing = dir.path().join("missing.pem").display().to_string();
        for (query, setting) in [
            (
                format!("sslmode=verify-full&sslrootcert={missing}"),
                "sslrootcert",
            ),
            (
                format!("sslmode=verify-full&sslrootcert={ca}&sslcert={missing}&sslkey={ca}"),
                "sslcert",
            ),
            (
                format!("sslmode=require&ssl-key={missing}&sslcert={ca}"),
                "sslkey",
            ),
        ] {
            let url = format!("postgres://u@db/t?{query}");
            let error = settle(&url, no_env).unwrap_err();
            assert!(
                matches!(&error, StoreError::TlsFile { setting: s, path, .. } if *s == setting && *path == missing),
                "{query}: {error}"
            );
            let message = error.to_string();
            assert!(
                message.contains(setting) && message.contains(&missing),
                "{message}"
            );
        }
        let env = |name: &str| (name == "PGSSLCERT").then(|| missing.clone());
        assert!(matches!(
            settle("postgres://u@db/t", env),
            Err(StoreError::TlsFile {
                setting: "sslcert",
                ..
            })
        ));
    }

    #[test]
    fn only_tls_failures_are_called_tls() {
        assert!(is_tls_failure(&sqlx::Error::Tls(
            "server does not support TLS".into()
        )));
        let refused = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, refused);
        assert!(is_tls_failure(&sqlx::Error::Io(io)));
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert!(!is_tls_failure(&sqlx::Error::Io(io)));
        assert!(!is_tls_failure(&sqlx::Error::PoolTimedOut));
    }
}
