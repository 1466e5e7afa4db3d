//! Where a scan stands, and the files it writes: the checkpoint saved beside the output
//! as `<output>.progress` says the first `files_done` files are done and how many bytes
//! of the output and errors files hold their results. Resuming cuts those files back to
//! that length and goes on from the next file.

use crate::error::ScanError;
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Where a scan writes its matches.
pub enum ScanOutput {
    /// A file: checkpointed, so that the scan can be resumed.
    File(PathBuf),
    /// A writer, standard output say: not resumable.
    Writer(Box<dyn Write>),
}

impl std::fmt::Debug for ScanOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanOutput::File(path) => f.debug_tuple("File").field(path).finish(),
            ScanOutput::Writer(_) => f.write_str("Writer"),
        }
    }
}

/// Where a scan stands.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Checkpoint {
    /// The first `files_done` files (in scan order) are done.
    pub(crate) files_done: u64,
    /// The last of them, to check that a resumed scan walks the same files.
    pub(crate) last_path: Option<String>,
    pub(crate) output_bytes: u64,
    pub(crate) errors_bytes: u64,
    pub(crate) matched: u64,
    pub(crate) unreadable: u64,
}

/// The checkpoint's file: the output's name with `.progress` added.
pub(crate) fn checkpoint_path(output: &Path) -> PathBuf {
    let mut name = output.as_os_str().to_owned();
    name.push(".progress");
    PathBuf::from(name)
}

/// Where to continue: the saved checkpoint, checked against the files found now.
pub(crate) fn resume_point(path: &Path, files: &[PathBuf]) -> Result<Checkpoint, ScanError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(ScanError::NothingToResume(path.to_owned()));
        }
        Err(source) => {
            return Err(ScanError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    let checkpoint: Checkpoint =
        serde_json::from_str(&text).map_err(|source| ScanError::DamagedCheckpoint {
            path: path.to_owned(),
            source,
        })?;
    let done = checkpoint.files_done as usize;
    let same = match (done, &checkpoint.last_path) {
        (0, _) => true,
        (n, Some(last)) => files
            .get(n - 1)
            .is_some_and(|p| p.to_string_lossy() == *last),
        (_, None) => false,
    };
    if !same {
        return Err(ScanError::OtherFiles);
    }
    Ok(checkpoint)
}

/// Where results go.
pub(crate) struct Outputs {
    pub(crate) output: BufWriter<Box<dyn Write>>,
    /// The output file again, to sync it (none for a writer such as standard output).
    output_file: Option<File>,
    pub(crate) errors: Option<BufWriter<File>>,
}

impl Outputs {
    /// The output (a file, or the writer given) and the errors file, cut back to the
    /// checkpoint when resuming.
    pub(crate) fn open(
        output: ScanOutput,
        errors: Option<&Path>,
        resumed: Option<&Checkpoint>,
    ) -> Result<Outputs, ScanError> {
        let (output, output_file): (Box<dyn Write>, _) = match output {
            ScanOutput::File(path) => {
                let file = open(&path, resumed.map(|c| c.output_bytes))?;
                let again = file.try_clone().map_err(ScanError::Io)?;
                (Box::new(file), Some(again))
            }
            ScanOutput::Writer(writer) => (writer, None),
        };
        let errors = match errors {
            Some(path) => Some(BufWriter::new(open(path, resumed.map(|c| c.errors_bytes))?)),
            None => None,
        };
        Ok(Outputs {
            output: BufWriter::new(output),
            output_file,
            errors,
        })
    }

    /// Makes the outputs durable up to `state`, then records it at `path`.
    pub(crate) fn save_checkpoint(
        &mut self,
        path: Option<&Path>,
        state: &Checkpoint,
    ) -> Result<(), ScanError> {
        self.output.flush().map_err(ScanError::Output)?;
        if let Some(file) = &self.output_file {
            file.sync_data().map_err(ScanError::Output)?;
        }
        if let Some(errors) = self.errors.as_mut() {
            errors.flush().map_err(ScanError::ErrorsFile)?;
            errors.get_ref().sync_data().map_err(ScanError::Io)?;
        }
        let Some(path) = path else {
            return Ok(());
        };
        let text = serde_json::to_string(state).map_err(|e| ScanError::Io(e.into()))?;
        takeback_durable::replace(path, |out| out.write_all(text.as_bytes())).map_err(|e| {
            ScanError::Write {
                path: e.path,
                source: e.source,
            }
        })
    }
}

/// A file to write: created, or when resuming opened and cut back to `keep` bytes
/// (anything written after the checkpoint is written again).
fn open(path: &Path, keep: Option<u64>) -> Result<File, ScanError> {
    let Some(bytes) = keep else {
        return File::create(path).map_err(|source| ScanError::Create {
            path: path.to_owned(),
            source,
        });
    };
    let mut file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|source| ScanError::OpenToResume {
            path: path.to_owned(),
            source,
        })?;
    let length = file.metadata().map_err(ScanError::Io)?.len();
    if length < bytes {
        return Err(ScanError::Shorter(path.to_owned()));
    }
    file.set_len(bytes).map_err(ScanError::Io)?;
    file.seek(SeekFrom::End(0)).map_err(ScanError::Io)?;
    Ok(file)
}
