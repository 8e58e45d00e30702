//! Model files: fastText `.bin`, word2vec text (`.vec`) and binary formats, the JSON manifest,
//! and the loaded word-vector model that queries and evaluation work on.
//!
//! Every writer goes through [`write_atomically`] (or [`stage`] for a file committed with others
//! in an [`AtomicFileSet`](crate::io_util::AtomicFileSet)), so an interrupted run never leaves
//! half a model under the final name. Readers identify files by their content, not their
//! extension, and say what a file looks like when it is not what was expected.
//!
//! Readers never trust a size read from a file: every product of header values is computed with
//! checked arithmetic and compared with the bytes the file really has before memory is
//! reserved, and the reservation itself is fallible ([`reserve_f32s`]). Every matrix value is
//! checked to be finite ([`first_non_finite`]), so NaN or infinity never reaches a query.

pub mod fasttext;
pub mod manifest;
pub mod model;
pub(crate) mod quantized;
pub mod word2vec;

use std::fs::File;
use std::io::{BufWriter, Read};
use std::path::Path;

use crate::io_util::{out_of_memory, AtomicFile};
use crate::{Error, Result};

pub use fasttext::{DictEntry, FastTextArgs, FastTextFile, Loss, ModelName};
pub use manifest::{Manifest, ModelKind};
pub use model::WordVectorModel;

/// Most rows a word-vector matrix may have: word ids are 32-bit, as in fastText.
pub(crate) const MAX_ROWS: u64 = i32::MAX as u64;
/// Largest vector dimension read or written. Real models use 50 to a few thousand; a header
/// that claims more is corrupt, and every query allocates vectors of this size. With
/// [`MAX_ROWS`], it bounds a matrix to 2^47 values, so products of header sizes cannot overflow.
pub(crate) const MAX_DIM: u64 = 1 << 16;

/// Writes `path` through a buffered [`AtomicFile`]: a temporary file in the same folder that
/// is renamed into place only once `write` succeeded, so a failure never leaves half a model.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<AtomicFile>) -> std::io::Result<()>,
) -> Result<()> {
    stage(path, write)?.commit()
}

/// Like [`write_atomically`] but returns the written temporary file instead of renaming it, for
/// an [`AtomicFileSet`](crate::io_util::AtomicFileSet) that commits several files together.
pub fn stage(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<AtomicFile>) -> std::io::Result<()>,
) -> Result<AtomicFile> {
    let mut w = BufWriter::with_capacity(1 << 20, AtomicFile::create(path)?);
    write(&mut w).map_err(|e| Error::io(path, e))?;
    w.into_inner().map_err(|e| Error::io(path, e.into_error()))
}

/// An empty vector with room for `n` floats of a matrix read from `path`, or an
/// [`Error::Model`] when the allocator refuses (a header that claims more than memory holds
/// must not abort the process).
pub(crate) fn reserve_f32s(path: &Path, n: usize) -> Result<Vec<f32>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| Error::model(path, out_of_memory((n as u64).saturating_mul(4))))?;
    Ok(v)
}

/// The index of the first value that is NaN or infinite. The common all-finite case is one
/// branch-free pass per block, which the compiler vectorises.
pub(crate) fn first_non_finite(values: &[f32]) -> Option<usize> {
    const BLOCK: usize = 1024;
    values.chunks(BLOCK).enumerate().find_map(|(b, block)| {
        let bad = block
            .iter()
            .fold(0u32, |acc, x| acc | u32::from(!x.is_finite()));
        (bad != 0).then(|| b * BLOCK + block.iter().position(|x| !x.is_finite()).unwrap_or(0))
    })
}

/// The end of every message about a value that is NaN or infinite.
pub(crate) const NOT_FINITE: &str = "not finite (NaN or infinity): the model is corrupt, or \
     the training that made it diverged; retrain it (with a lower learning rate) or fetch it \
     again";

/// What a model file looks like, judged from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// fastText `.bin` (the magic number matches; the version may still be unsupported).
    FastTextBin,
    /// word2vec text: `<count> <dim>` header, then one `word v1 ... vdim` line per word.
    Word2VecText,
    /// word2vec binary: `<count> <dim>` header, then `word ` followed by raw little-endian f32.
    Word2VecBinary,
    Gzip,
    Zip,
    Safetensors,
    Json,
    /// Text without a `<count> <dim>` header (e.g. GloVe).
    HeaderlessText,
    Unknown,
}

impl FileFormat {
    /// A phrase for error messages: "a gzip-compressed file (decompress it first)".
    pub fn describe(self) -> &'static str {
        match self {
            FileFormat::FastTextBin => "a fastText .bin model",
            FileFormat::Word2VecText => "a word2vec text file (.vec)",
            FileFormat::Word2VecBinary => "a word2vec binary file",
            FileFormat::Gzip => "a gzip-compressed file (decompress it first, e.g. with gunzip)",
            FileFormat::Zip => {
                "a zip archive (e.g. a PyTorch or numpy .npz file), not a word-vector model"
            }
            FileFormat::Safetensors => "a safetensors file, not a fastText or word2vec model",
            FileFormat::Json => {
                "a JSON file (a blazetext manifest? pass the .bin or .vec next to it instead)"
            }
            FileFormat::HeaderlessText => {
                "a text file without a `<count> <dim>` header (GloVe format?); add the header line \
                 `<number of words> <dimension>` to read it as word2vec text"
            }
            FileFormat::Unknown => "not a format blazetext knows",
        }
    }
}

/// Reads the first bytes of `path` and guesses its format.
pub fn sniff(path: &Path) -> Result<FileFormat> {
    let mut head = Vec::with_capacity(4096);
    File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    Ok(sniff_bytes(&head))
}

/// [`sniff`] on bytes already read (at most the first few KiB are needed).
pub fn sniff_bytes(head: &[u8]) -> FileFormat {
    if head.len() >= 4 && head[..4] == fasttext::MAGIC.to_le_bytes() {
        return FileFormat::FastTextBin;
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return FileFormat::Gzip;
    }
    if head.starts_with(b"PK\x03\x04") {
        return FileFormat::Zip;
    }
    if head.len() > 9 && head[8] == b'{' {
        let n = u64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
        if n > 1 && n < 1 << 32 {
            return FileFormat::Safetensors;
        }
    }
    let first = head.iter().position(|b| !b.is_ascii_whitespace());
    if let Some(i) = first {
        if head[i] == b'{' || head[i] == b'[' {
            return FileFormat::Json;
        }
    }
    // Raw float bytes almost always contain control bytes or invalid UTF-8 within a few KiB.
    let looks_binary = |bytes: &[u8]| {
        bytes
            .iter()
            .any(|&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t'))
            || std::str::from_utf8(bytes).is_err_and(|e| e.error_len().is_some())
    };
    let Some(nl) = head.iter().position(|&b| b == b'\n') else {
        return if head.is_empty() || looks_binary(head) {
            FileFormat::Unknown
        } else {
            FileFormat::HeaderlessText
        };
    };
    let header = String::from_utf8_lossy(&head[..nl]);
    let is_header = {
        let mut parts = header.split_ascii_whitespace();
        matches!(
            (
                parts.next().map(str::parse::<u64>),
                parts.next().map(str::parse::<u64>),
                parts.next()
            ),
            (Some(Ok(_)), Some(Ok(_)), None)
        )
    };
    let binary_rest = looks_binary(&head[nl + 1..]);
    match (is_header, binary_rest) {
        (true, true) => FileFormat::Word2VecBinary,
        (true, false) => FileFormat::Word2VecText,
        (false, false) => FileFormat::HeaderlessText,
        (false, true) => FileFormat::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_non_finite_finds_the_first_nan_or_infinity() {
        let mut v = vec![1.0f32; 5000];
        assert_eq!(first_non_finite(&v), None);
        assert_eq!(first_non_finite(&[]), None);
        v[4097] = f32::NEG_INFINITY;
        v[4500] = f32::NAN;
        assert_eq!(first_non_finite(&v), Some(4097));
        v[3] = f32::NAN;
        assert_eq!(first_non_finite(&v), Some(3));
        assert_eq!(first_non_finite(&[f32::MAX, f32::MIN_POSITIVE, -0.0]), None);
    }

    #[test]
    fn reservations_the_allocator_refuses_are_model_errors() {
        let e = reserve_f32s(Path::new("big.vec"), usize::MAX / 8).unwrap_err();
        assert!(matches!(e, Error::Model { .. }), "{e:?}");
        let e = e.to_string();
        assert!(
            e.starts_with("big.vec: ") && e.contains("GB of memory"),
            "{e}"
        );
    }
}
