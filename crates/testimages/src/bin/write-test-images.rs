//! Writes the golden catalogue as lossless PNGs, for `tools/pdq_reference.py` to hash with
//! the reference implementation:
//!
//! ```sh
//! cargo run -p takeback-testimages --bin write-test-images -- /tmp/golden-images
//! ```

use image::ImageFormat;
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: write-test-images DIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(&dir)?;
    for spec in takeback_testimages::golden_catalogue() {
        let png = spec.generate().encode(ImageFormat::Png);
        std::fs::write(dir.join(format!("{}.png", spec.name())), png)?;
    }
    Ok(())
}
