//! The reference's hashes of the generated test images, committed in `golden/generated.csv`
//! (made by `tools/pdq_reference.py`, which calls Meta's C++ core from PyPI `pdqhash`).
//! These need nothing outside the repository.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use takeback_pdq::{PixelLayout, Pixels, hash, hash_dihedral, reference};
use takeback_testimages::{Channels, TestImage, golden_catalogue};

struct Golden {
    width: usize,
    height: usize,
    quality: u8,
    hashes: Vec<String>,
}

fn goldens() -> HashMap<String, Golden> {
    let mut reader = csv::Reader::from_path(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/generated.csv"
    ))
    .expect("golden CSV is committed");
    reader
        .records()
        .map(|record| {
            let record = record.expect("well-formed golden CSV");
            let golden = Golden {
                width: record[1].parse().unwrap(),
                height: record[2].parse().unwrap(),
                quality: record[3].parse().unwrap(),
                hashes: (4..12).map(|i| record[i].to_string()).collect(),
            };
            (record[0].to_string(), golden)
        })
        .collect()
}

fn pixels(image: &TestImage) -> Pixels<'_> {
    let layout = match image.spec.channels {
        Channels::Grey => PixelLayout::Luma8,
        Channels::Rgb => PixelLayout::Rgb8,
        Channels::Rgba => PixelLayout::Rgba8,
    };
    Pixels::new(&image.pixels, image.spec.width, image.spec.height, layout).unwrap()
}

#[test]
fn generated_images_hash_exactly_as_the_reference() {
    let goldens = goldens();
    let catalogue = golden_catalogue();
    assert_eq!(
        goldens.len(),
        catalogue.len(),
        "golden CSV and catalogue disagree; regenerate (see tools/pdq_reference.py)"
    );
    for spec in catalogue {
        let name = spec.name();
        let golden = goldens
            .get(&name)
            .unwrap_or_else(|| panic!("no golden hash for {name}"));
        assert_eq!(
            (golden.width, golden.height),
            (spec.width, spec.height),
            "{name}"
        );
        let image = spec.generate();
        let pixels = pixels(&image);
        let plain = hash(&pixels);
        assert_eq!(plain.hash.to_hex(), golden.hashes[0], "{name}: hash");
        assert_eq!(plain.quality, golden.quality, "{name}: quality");
        let dihedral = hash_dihedral(&pixels);
        let hexes: Vec<String> = dihedral.hashes.iter().map(|h| h.to_hex()).collect();
        assert_eq!(hexes, golden.hashes, "{name}: dihedral hashes");
        assert_eq!(dihedral.quality, golden.quality, "{name}: dihedral quality");
    }
}

#[test]
fn the_literal_port_also_matches_the_reference() {
    // The oracle itself is checked against the reference, on the smaller images.
    let goldens = goldens();
    for spec in golden_catalogue()
        .into_iter()
        .filter(|s| s.width * s.height <= 700_000)
    {
        let image = spec.generate();
        let dihedral = reference::hash_dihedral(&pixels(&image));
        let golden = &goldens[&spec.name()];
        let hexes: Vec<String> = dihedral.hashes.iter().map(|h| h.to_hex()).collect();
        assert_eq!(hexes, golden.hashes, "{}", spec.name());
        assert_eq!(dihedral.quality, golden.quality, "{}", spec.name());
    }
}
