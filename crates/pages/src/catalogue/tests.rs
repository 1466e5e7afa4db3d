#![allow(clippy::unwrap_used)]

use super::*;
use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};

const NAME: &str = "language-name = Test\n";

fn parse(text: &str) -> Result<Catalogue, CatalogueError> {
    Catalogue::parse("en", &format!("{NAME}{text}"))
}

fn text(catalogue: &Catalogue, key: &str, arguments: &[(&str, Argument)]) -> String {
    match catalogue.format(key, arguments).unwrap() {
        Message::Text(text) => text,
        Message::List(list) => panic!("{key} is a list: {list:?}"),
    }
}

fn number(n: f64) -> Argument {
    Argument::Number(n)
}

#[test]
fn texts_lists_and_variables_are_formatted() {
    let catalogue = parse(
        "report-title = Report\nreport-points =\n    .p1 = a { $service }\n    .p2 = b\n\
         js-sent = Sent { $n }\n",
    )
    .unwrap();
    assert_eq!(text(&catalogue, "report-title", &[]), "Report");
    assert_eq!(
        catalogue
            .format(
                "report-points",
                &[("service", Argument::Text("Takeback".into()))]
            )
            .unwrap(),
        Message::List(vec!["a Takeback".into(), "b".into()])
    );
    // A variable without a value is an error, not a gap.
    assert!(catalogue.format("report-points", &[]).is_err());
    assert!(catalogue.format("nothing", &[]).is_err());
    assert_eq!(
        catalogue.variables("js-sent").unwrap(),
        &BTreeSet::from(["n".to_owned()])
    );
    assert_eq!(catalogue.name(), "Test");
    assert_eq!(catalogue.direction(), "ltr");
}

#[test]
fn plurals_follow_the_languages_rules() {
    let message = "language-name = Polski\n\
        js-copies = { $n ->\n    [one] { $n } kopia\n    [few] { $n } kopie\n   *[many] { $n } kopii\n}\n";
    let polish = Catalogue::parse("pl", message).unwrap();
    let forms: Vec<String> = [1.0, 2.0, 5.0, 22.0, 25.0]
        .into_iter()
        .map(|n| text(&polish, "js-copies", &[("n", number(n))]))
        .collect();
    assert_eq!(
        forms,
        ["1 kopia", "2 kopie", "5 kopii", "22 kopie", "25 kopii"]
    );
    // The scripts get the same choice as parts.
    let script = serde_json::to_value(&polish.script_messages()["copies"]).unwrap();
    assert_eq!(
        script,
        serde_json::json!([{ "select": "n", "default": "many", "variants": [
            ["one", [{ "var": "n" }, " kopia"]],
            ["few", [{ "var": "n" }, " kopie"]],
            ["many", [{ "var": "n" }, " kopii"]],
        ]}])
    );
}

#[test]
fn malformed_catalogues_are_refused() {
    for (text, problem) in [
        ("a = {", "not valid Fluent: line 2"),
        (
            "js-a = { NUMBER($n) }",
            "js-a: the pages' scripts can show only",
        ),
        (
            "js-a = { other-message }",
            "js-a: the pages' scripts can show only",
        ),
        ("js-a =\n    .p1 = x", "a script's message must be a text"),
    ] {
        let error = parse(text).unwrap_err().to_string();
        assert!(error.contains(problem), "{text}: {error}");
    }
    let error = Catalogue::parse("en", "a = b").unwrap_err().to_string();
    assert!(error.contains("language-name"), "{error}");
    let error = Catalogue::parse("not a code!", NAME)
        .unwrap_err()
        .to_string();
    assert!(error.contains("BCP 47"), "{error}");
    assert!(matches!(
        Catalogue::load("zz"),
        Err(CatalogueError::UnknownLanguage { .. })
    ));
}

#[test]
fn a_translation_must_match_the_english_ids_kinds_and_variables() {
    let english = parse("a = Call { $n }\nb =\n    .p1 = x\n").unwrap();
    let good = Catalogue::parse(
        "cy",
        "language-name = Cymraeg\na = Ffoniwch { $n }\nb =\n    .p1 = y\n    .p2 = z\n",
    )
    .unwrap();
    good.check_against(&english).unwrap();
    let partial = Catalogue::parse("cy", "language-name = Cymraeg\nb =\n    .p1 = y\n").unwrap();
    assert_eq!(
        partial.check_against(&english).unwrap(),
        ["a is missing: shown in English"]
    );
    for (text, problem) in [
        ("a = Ffoniwch { $nn }\nb =\n    .p1 = y", "a has variables"),
        ("a = Ffoniwch\nb =\n    .p1 = y", "a has variables"),
        ("a = Ffoniwch { $n }\nb = y", "b must be a list of points"),
        (
            "a =\n    .p1 = { $n }\nb =\n    .p1 = y",
            "a must be a text",
        ),
        (
            "a = { $n }\nb =\n    .p1 = y\nc = extra",
            "c is not a message",
        ),
    ] {
        let other = Catalogue::parse("cy", &format!("language-name = Cymraeg\n{text}")).unwrap();
        let error = other.check_against(&english).unwrap_err().to_string();
        assert!(error.contains(problem), "{text}: {error}");
    }
}

#[test]
fn every_shipped_catalogue_matches_english_and_says_whether_it_was_reviewed() {
    let english = Catalogue::load("en").unwrap();
    assert!(english.keys().count() > 150);
    for language in languages() {
        let catalogue = Catalogue::load(language).unwrap();
        assert_eq!(
            catalogue.check_against(&english).unwrap(),
            Vec::<String>::new(),
            "{language}"
        );
        let source = CATALOGUES
            .iter()
            .find(|(code, _)| *code == language)
            .unwrap()
            .1;
        let header: Vec<&str> = source.lines().take_while(|l| l.starts_with('#')).collect();
        assert!(
            header
                .iter()
                .any(|line| line.starts_with("###") && line.contains(REVIEWED)),
            "{language}: the header must say whether it was reviewed"
        );
        assert_ne!(
            catalogue.name(),
            language,
            "{language} has no language-name"
        );
        let rtl = matches!(language, "ar" | "fa");
        assert_eq!(catalogue.direction(), if rtl { "rtl" } else { "ltr" });
    }
}

/// The numbers every plural message is checked with.
const NUMBERS: [f64; 6] = [0.0, 1.0, 2.0, 5.0, 21.0, 101.0];

fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::ZERO => "zero",
        PluralCategory::ONE => "one",
        PluralCategory::TWO => "two",
        PluralCategory::FEW => "few",
        PluralCategory::MANY => "many",
        PluralCategory::OTHER => "other",
    }
}

/// Every select in `parts`, with its variable.
fn selects<'a>(parts: &'a [ScriptPart], into: &mut Vec<&'a ScriptPart>) {
    for part in parts {
        if let ScriptPart::Select { variants, .. } = part {
            into.push(part);
            for (_, inner) in variants {
                selects(inner, into);
            }
        }
    }
}

#[test]
fn every_plural_has_the_forms_its_language_needs() {
    for language in languages() {
        let catalogue = Catalogue::load(language).unwrap();
        // As Fluent does: the nearest language with rules (pt for pt-BR).
        let known = PluralRules::get_locales(PluralRuleType::CARDINAL);
        let nearest = fluent_langneg::negotiate_languages(
            &[catalogue.language()],
            &known,
            None,
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        let nearest = (*nearest
            .first()
            .unwrap_or_else(|| panic!("{language}: no rules")))
        .clone();
        let rules = PluralRules::create(nearest, PluralRuleType::CARDINAL).unwrap();
        let needed: BTreeSet<&str> = NUMBERS
            .iter()
            .map(|n| category_name(rules.select(*n).unwrap()))
            .chain(["other"])
            .collect();
        // The template messages are formatted with every number too, which shows any
        // select that fails; the script messages are checked by their parts.
        for (key, message) in catalogue.script_messages() {
            let ScriptMessage::Parts(parts) = message else {
                continue;
            };
            let mut found = Vec::new();
            selects(parts, &mut found);
            for select in found {
                let ScriptPart::Select { variants, .. } = select else {
                    continue;
                };
                let keys: BTreeSet<&str> = variants.iter().map(|(k, _)| k.as_str()).collect();
                let missing: Vec<&&str> = needed.difference(&keys).collect();
                assert!(
                    missing.is_empty(),
                    "{language}: js-{key} lacks plural forms {missing:?}"
                );
            }
        }
        for key in catalogue.keys().map(str::to_owned).collect::<Vec<_>>() {
            let variables = catalogue.variables(&key).unwrap().clone();
            for n in NUMBERS {
                let arguments: Vec<(&str, Argument)> = variables
                    .iter()
                    .map(|name| match name.as_str() {
                        "name" | "service" | "emergency" | "number" | "hours" | "country"
                        | "reason" | "date" => (name.as_str(), Argument::Text("X".into())),
                        _ => (name.as_str(), number(n)),
                    })
                    .collect();
                catalogue
                    .format(&key, &arguments)
                    .unwrap_or_else(|e| panic!("{language}: {key} at {n}: {e}"));
            }
        }
    }
}

/// `js-video-codes` at 0, 1, 2, 5, 21 and 101, in each language: read and checked by
/// someone who knows the language's plurals when the catalogue was written.
const VIDEO_CODES: &[(&str, [&str; 6])] = &[
    (
        "en",
        [
            "0 video fingerprints",
            "1 video fingerprint",
            "2 video fingerprints",
            "5 video fingerprints",
            "21 video fingerprints",
            "101 video fingerprints",
        ],
    ),
    (
        "es",
        [
            "0 huellas digitales de video",
            "1 huella digital de video",
            "2 huellas digitales de video",
            "5 huellas digitales de video",
            "21 huellas digitales de video",
            "101 huellas digitales de video",
        ],
    ),
    (
        "fr",
        [
            "0 empreinte vidéo",
            "1 empreinte vidéo",
            "2 empreintes vidéo",
            "5 empreintes vidéo",
            "21 empreintes vidéo",
            "101 empreintes vidéo",
        ],
    ),
    (
        "de",
        [
            "0 Video-Fingerabdrücke",
            "1 Video-Fingerabdruck",
            "2 Video-Fingerabdrücke",
            "5 Video-Fingerabdrücke",
            "21 Video-Fingerabdrücke",
            "101 Video-Fingerabdrücke",
        ],
    ),
    (
        "pt-BR",
        [
            "0 impressões digitais de vídeo",
            "1 impressão digital de vídeo",
            "2 impressões digitais de vídeo",
            "5 impressões digitais de vídeo",
            "21 impressões digitais de vídeo",
            "101 impressões digitais de vídeo",
        ],
    ),
    (
        "it",
        [
            "0 impronte video",
            "1 impronta video",
            "2 impronte video",
            "5 impronte video",
            "21 impronte video",
            "101 impronte video",
        ],
    ),
    (
        "pl",
        [
            "0 odcisków filmu",
            "1 odcisk filmu",
            "2 odciski filmu",
            "5 odcisków filmu",
            "21 odcisków filmu",
            "101 odcisków filmu",
        ],
    ),
    (
        "uk",
        [
            "0 відбитків відео",
            "1 відбиток відео",
            "2 відбитки відео",
            "5 відбитків відео",
            "21 відбиток відео",
            "101 відбиток відео",
        ],
    ),
    (
        "hi",
        [
            "0 वीडियो फ़िंगरप्रिंट",
            "1 वीडियो फ़िंगरप्रिंट",
            "2 वीडियो फ़िंगरप्रिंट",
            "5 वीडियो फ़िंगरप्रिंट",
            "21 वीडियो फ़िंगरप्रिंट",
            "101 वीडियो फ़िंगरप्रिंट",
        ],
    ),
    (
        "fil",
        [
            "0 fingerprint ng video",
            "1 fingerprint ng video",
            "2 fingerprint ng video",
            "5 fingerprint ng video",
            "21 fingerprint ng video",
            "101 fingerprint ng video",
        ],
    ),
    (
        "ar",
        [
            "لا توجد بصمات فيديو",
            "بصمة فيديو واحدة",
            "بصمتا فيديو",
            "5 بصمات فيديو",
            "21 بصمة فيديو",
            "101 بصمة فيديو",
        ],
    ),
    (
        "fa",
        [
            "۰ اثر انگشت ویدیو",
            "۱ اثر انگشت ویدیو",
            "۲ اثر انگشت ویدیو",
            "۵ اثر انگشت ویدیو",
            "۲۱ اثر انگشت ویدیو",
            "۱۰۱ اثر انگشت ویدیو",
        ],
    ),
];

#[test]
fn plural_forms_read_right_at_0_1_2_5_21_101() {
    for (language, expected) in VIDEO_CODES {
        let catalogue = Catalogue::load(language).unwrap();
        for (n, expected) in NUMBERS.iter().zip(expected) {
            assert_eq!(
                text(&catalogue, "js-video-codes", &[("count", number(*n))]),
                *expected,
                "{language} at {n}"
            );
        }
    }
    let tested: BTreeSet<&str> = VIDEO_CODES.iter().map(|(code, _)| *code).collect();
    assert_eq!(
        tested,
        languages().into_iter().collect(),
        "a language untested"
    );
}

#[test]
fn the_pseudo_locale_is_accented_and_longer() {
    let english = Catalogue::load("en").unwrap();
    let pseudo = Catalogue::load(PSEUDO_LOCALE).unwrap();
    assert_eq!(pseudo.code(), PSEUDO_LOCALE);
    english.check_against(&pseudo).unwrap();
    let plain = text(&english, "index-title", &[]);
    let long = text(&pseudo, "index-title", &[]);
    assert!(!long.chars().any(|c| c.is_ascii_alphabetic()), "{long}");
    let ratio = long.chars().count() as f64 / plain.chars().count() as f64;
    assert!(ratio > 1.3, "{long}: {ratio}");
    // Values are not transformed: a phone number stays dialable.
    let call = text(
        &pseudo,
        "support-call",
        &[("number", Argument::Text("0800 1111".into()))],
    );
    assert!(call.ends_with(" 0800 1111"), "{call}");
    let ScriptMessage::Text(script) = &pseudo.script_messages()["remove"] else {
        panic!("remove is a text");
    };
    assert!(!script.is_ascii(), "{script}");
}
