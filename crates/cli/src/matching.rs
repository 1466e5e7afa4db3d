//! `takeback index build` and `takeback match`: hash lists in, near-duplicates out.

use crate::Outcome;
use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use rayon::prelude::*;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use takeback_fingerprint::{Options, fingerprint_file};
use takeback_index::{HashIndex, parse_list_line, read_hash_list};
use takeback_pdq::PdqHash;

/// Build saved hash indexes, which `takeback match --list` loads faster than text lists.
#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Read a text hash list (one 64-hex PDQ hash per line, optionally `hash,id`; a line
    /// without an id gets its line number) and save it as an index that `takeback match
    /// --list` loads faster.
    Build {
        /// The text hash list; `-` for standard input.
        list: PathBuf,
        /// Where to write the index (replaced atomically).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
}

pub fn run_index(command: &IndexCommand) -> anyhow::Result<Outcome> {
    match command {
        IndexCommand::Build { list, output } => {
            let entries = if list == Path::new("-") {
                read_hash_list(io::stdin().lock())
            } else {
                let file =
                    File::open(list).with_context(|| format!("cannot open {}", list.display()))?;
                read_hash_list(BufReader::new(file))
            }
            .with_context(|| format!("{}", list.display()))?;
            let count = entries.len();
            let index = HashIndex::from_entries(entries);
            index.save(output)?;
            eprintln!("indexed {count} hashes into {}", output.display());
            Ok(Outcome::Done)
        }
    }
}

/// Find the entries of a hash list within a Hamming distance of each query.
///
/// Each QUERY is a 64-hex-digit PDQ hash, an image file (hashed as `takeback hash` does),
/// or `-` for hashes on standard input, one per line. The exit status is 0 if anything
/// matched, 1 if nothing did, 2 on an error (an unreadable list, a malformed hash, an
/// image that cannot be decoded; the other queries still run).
#[derive(Debug, Args)]
pub struct MatchArgs {
    /// The hash list: a text list (one hash per line, optionally `hash,id`) or an index
    /// saved by `takeback index build`.
    #[arg(long, value_name = "FILE")]
    list: PathBuf,

    /// Report entries at most this many bits away (0-256). PDQ's authors suggest 31.
    #[arg(long, default_value_t = 31, value_parser = clap::value_parser!(u32).range(0..=256))]
    max_distance: u32,

    /// Also match the query rotated and mirrored (for images: their eight dihedral hashes;
    /// for hashes: the hash as given only, since orientation needs the picture).
    #[arg(long)]
    dihedral: bool,

    /// `text`: one line per match, `query<TAB>id<TAB>distance<TAB>hash`, or
    /// `query<TAB>no match`. `json`: one object per query with `query` and `matches` (each
    /// `id`, `hash`, `distance`, and `variant` with `--dihedral`), closest first.
    #[arg(long, value_enum, default_value_t = MatchFormat::Text)]
    format: MatchFormat,

    /// Hashes, image paths, or `-`.
    #[arg(required = true, value_name = "QUERY")]
    queries: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MatchFormat {
    Text,
    Json,
}

/// One thing to look up.
struct Query {
    /// As the user gave it: the hash (also for `-`), or the image's path.
    label: String,
    /// The hashes to match: one, or eight with `--dihedral` for an image.
    hashes: Vec<PdqHash>,
}

#[derive(Serialize)]
struct JsonMatch {
    id: u64,
    hash: String,
    distance: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    variant: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonResult<'a> {
    query: &'a str,
    /// The query's own PDQ hash, when the query was an image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pdq: Option<String>,
    matches: Vec<JsonMatch>,
}

pub fn run_match(args: &MatchArgs) -> anyhow::Result<MatchOutcome> {
    if args.queries.iter().filter(|q| *q == "-").count() > 1 {
        bail!("standard input (`-`) can be read only once");
    }
    let index = takeback_index::load_list(&args.list)?;
    let mut errors = false;
    let queries = collect_queries(&args.queries, args.dihedral, &mut errors)?;

    let results: Vec<Vec<JsonMatch>> = queries
        .par_iter()
        .map(|query| lookup(&index, query, args.max_distance))
        .collect();

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut any = false;
    for (query, matches) in queries.iter().zip(results) {
        any |= !matches.is_empty();
        match args.format {
            MatchFormat::Json => {
                let from_image = !is_hash_label(&query.label);
                let record = JsonResult {
                    query: &query.label,
                    pdq: from_image.then(|| query.hashes[0].to_hex()),
                    matches,
                };
                serde_json::to_writer(&mut out, &record)?;
                out.write_all(b"\n")?;
            }
            MatchFormat::Text if matches.is_empty() => {
                writeln!(out, "{}\tno match", query.label)?;
            }
            MatchFormat::Text => {
                for m in matches {
                    writeln!(out, "{}\t{}\t{}\t{}", query.label, m.id, m.distance, m.hash)?;
                }
            }
        }
    }
    out.flush()?;
    Ok(if errors {
        MatchOutcome::Error
    } else if any {
        MatchOutcome::Matched
    } else {
        MatchOutcome::NoMatch
    })
}

/// How `takeback match` ended, grep-style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOutcome {
    /// Something matched (exit 0).
    Matched,
    /// Nothing matched (exit 1).
    NoMatch,
    /// Some query could not be read (exit 2).
    Error,
}

/// Whether a query was given as a hash (rather than an image, whose JSON also shows the
/// hash computed from it).
fn is_hash_label(label: &str) -> bool {
    label.parse::<PdqHash>().is_ok()
}

fn lookup(index: &HashIndex, query: &Query, max_distance: u32) -> Vec<JsonMatch> {
    match <&[PdqHash; 8]>::try_from(query.hashes.as_slice()) {
        Ok(eight) => index
            .query_dihedral(eight, max_distance)
            .into_iter()
            .map(|m| JsonMatch {
                id: m.id,
                hash: m.hash.to_hex(),
                distance: m.distance,
                variant: Some(m.variant.name()),
            })
            .collect(),
        Err(_) => index
            .query(&query.hashes[0], max_distance)
            .into_iter()
            .map(|m| JsonMatch {
                id: m.id,
                hash: m.hash.to_hex(),
                distance: m.distance,
                variant: None,
            })
            .collect(),
    }
}

/// The queries in order: hashes as given, `-` expanded to the hashes on standard input,
/// images fingerprinted (in parallel). Unreadable images are reported and skipped.
fn collect_queries(
    args: &[String],
    dihedral: bool,
    errors: &mut bool,
) -> anyhow::Result<Vec<Query>> {
    enum Pending {
        Ready(Query),
        Image(String),
    }
    let mut pending = Vec::new();
    for arg in args {
        if arg == "-" {
            for (i, line) in io::stdin().lock().lines().enumerate() {
                let line = line.context("cannot read standard input")?;
                match parse_list_line(&line, i + 1) {
                    Ok(Some((hash, _))) => pending.push(Pending::Ready(Query {
                        label: hash.to_hex(),
                        hashes: vec![hash],
                    })),
                    Ok(None) => {}
                    Err(reason) => bail!("standard input, line {}: {reason}", i + 1),
                }
            }
        } else if let Ok(hash) = arg.parse::<PdqHash>() {
            pending.push(Pending::Ready(Query {
                label: arg.clone(),
                hashes: vec![hash],
            }));
        } else {
            pending.push(Pending::Image(arg.clone()));
        }
    }
    let options = Options {
        dihedral,
        ..Options::default()
    };
    let resolved: Vec<Result<Query, String>> = pending
        .into_par_iter()
        .map(|p| match p {
            Pending::Ready(query) => Ok(query),
            Pending::Image(path) => match fingerprint_file(Path::new(&path), &options) {
                Ok(print) => Ok(Query {
                    hashes: print
                        .dihedral
                        .map_or_else(|| vec![print.pdq.hash], |all| all.to_vec()),
                    label: path,
                }),
                Err(error) => Err(format!("{path}: {error}")),
            },
        })
        .collect();
    let mut queries = Vec::new();
    for result in resolved {
        match result {
            Ok(query) => queries.push(query),
            Err(line) => {
                eprintln!("{line}");
                *errors = true;
            }
        }
    }
    Ok(queries)
}
