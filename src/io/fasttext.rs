//! fastText's binary model format (`.bin`, version 12, as written by fastText 0.9), read and
//! written bit for bit so that models move freely between blazetext, fastText and gensim.
//!
//! Layout (all little-endian): magic `i32` 793712314, version `i32` 12; the args block (12 `i32`
//! then the sampling threshold `t` as `f64`); the dictionary (`i32` size, nwords, nlabels,
//! `i64` ntokens, `i64` pruneidx size, entries `word\0` + `i64` count + `i8` type, pruneidx
//! pairs); `bool` quantized input; the input matrix (`i64` rows, `i64` cols, `f32` data);
//! `bool` quantized output; the output matrix. A quantized matrix (`.ftz`) has its own layout,
//! read by [`quantized`](crate::io::quantized).

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::io::quantized::{self, PruneIndex};
use crate::io::{
    first_non_finite, reserve_f32s, sniff_bytes, FileFormat, MAX_DIM, MAX_ROWS, NOT_FINITE,
};
use crate::io_util::AtomicFile;
use crate::matrix::Matrix;
use crate::{Error, Result};

/// First four bytes of every fastText model (`FASTTEXT_FILEFORMAT_MAGIC_INT32`).
pub const MAGIC: i32 = 793_712_314;
/// The version fastText 0.9 writes.
pub const VERSION: i32 = 12;
/// fastText 0.8 files; readable with one compatibility rule (no char n-grams in supervised).
const OLD_VERSION: i32 = 11;

/// fastText's `loss_name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// Hierarchical softmax over a Huffman tree (`-loss hs`).
    HierarchicalSoftmax = 1,
    /// Negative sampling (`-loss ns`).
    NegativeSampling = 2,
    /// Full softmax (`-loss softmax`).
    Softmax = 3,
    /// Independent binary classifiers, one per label (`-loss ova`).
    OneVsAll = 4,
}

/// fastText's `model_name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelName {
    /// Continuous bag of words.
    Cbow = 1,
    /// Skip-gram.
    Skipgram = 2,
    /// A classifier.
    Supervised = 3,
}

/// The args block of a `.bin`: the training settings fastText needs to use the model
/// (n-gram lengths, bucket count, word n-grams) plus a few it only records.
#[derive(Debug, Clone, PartialEq)]
pub struct FastTextArgs {
    /// Vector dimension.
    pub dim: i32,
    /// Context window size.
    pub ws: i32,
    /// Training epochs.
    pub epoch: i32,
    /// Minimum word count kept in the vocabulary.
    pub min_count: i32,
    /// Negative samples per example.
    pub neg: i32,
    /// Word n-gram length (1: words only).
    pub word_ngrams: i32,
    /// The output layer.
    pub loss: Loss,
    /// What the model is.
    pub model: ModelName,
    /// Hash buckets for character and word n-grams (0: none).
    pub bucket: i32,
    /// Shortest character n-gram (0 with maxn 0: no subwords).
    pub minn: i32,
    /// Longest character n-gram.
    pub maxn: i32,
    /// How often (in tokens) fastText updated the learning rate.
    pub lr_update_rate: i32,
    /// Sampling threshold.
    pub t: f64,
}

impl Default for FastTextArgs {
    /// fastText's defaults for `skipgram`.
    fn default() -> Self {
        FastTextArgs {
            dim: 100,
            ws: 5,
            epoch: 5,
            min_count: 5,
            neg: 5,
            word_ngrams: 1,
            loss: Loss::NegativeSampling,
            model: ModelName::Skipgram,
            bucket: 2_000_000,
            minn: 3,
            maxn: 6,
            lr_update_rate: 100,
            t: 1e-4,
        }
    }
}

impl FastTextArgs {
    /// What makes these settings impossible, if anything: fastText never writes a negative
    /// size or count, a dimension of 0, no word n-grams, `minn > maxn` with subwords on, or a
    /// sampling threshold that is not a number ≥ 0; blazetext also refuses dimensions above
    /// [`MAX_DIM`].
    fn problem(&self) -> Option<String> {
        let a = self;
        let sizes = [
            ("dim", a.dim),
            ("ws", a.ws),
            ("epoch", a.epoch),
            ("minCount", a.min_count),
            ("neg", a.neg),
            ("bucket", a.bucket),
            ("minn", a.minn),
            ("maxn", a.maxn),
            ("lrUpdateRate", a.lr_update_rate),
        ];
        if let Some((name, v)) = sizes.iter().find(|(_, v)| *v < 0) {
            return Some(format!("{name} is {v}, but it cannot be negative"));
        }
        if a.dim == 0 || a.dim as u64 > MAX_DIM {
            return Some(format!(
                "dim is {}, but blazetext reads dimensions from 1 to {MAX_DIM}",
                a.dim
            ));
        }
        if a.word_ngrams < 1 {
            return Some(format!(
                "wordNgrams is {}, but it is at least 1 (1 = words only)",
                a.word_ngrams
            ));
        }
        if a.maxn > 0 && a.minn > a.maxn {
            return Some(format!(
                "minn ({}) is larger than maxn ({})",
                a.minn, a.maxn
            ));
        }
        if !(a.t.is_finite() && a.t >= 0.0) {
            return Some(format!(
                "the sampling threshold t is {}, but it is a number ≥ 0",
                a.t
            ));
        }
        None
    }
}

/// Converts the value of a training option to the 32-bit field of the `.bin` args block that
/// stores it. A value that does not fit is an [`Error::Config`] naming the option and the
/// largest value the format can store: never silently truncated (a `--buckets 4294967296` must
/// not become 0 buckets).
pub fn bin_field<T>(option: &str, value: T) -> Result<i32>
where
    T: TryInto<i32> + std::fmt::Display + Copy,
{
    value.try_into().map_err(|_| {
        Error::config(format!(
            "{option} {value} does not fit fastText's .bin format, which stores it as a 32-bit \
             integer: use at most {}",
            i32::MAX
        ))
    })
}

/// One dictionary entry (word or label) with its corpus count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictEntry {
    /// The word or label.
    pub text: String,
    /// How often it occurred in the training data.
    pub count: u64,
}

/// The whole content of an unquantized fastText `.bin`.
///
/// Invariants (checked by [`FastTextFile::validate`], which the reader and writer call):
/// `input` has `words.len() + bucket` rows, `output` has `labels.len()` rows for supervised
/// models and `words.len()` rows otherwise, and both have `dim` columns.
#[derive(Debug, Clone, PartialEq)]
pub struct FastTextFile {
    /// The header's training arguments.
    pub args: FastTextArgs,
    /// Words in dictionary order (fastText sorts by count, descending); row `i` of `input`.
    pub words: Vec<DictEntry>,
    /// Labels (`__label__x`), in dictionary order; row `i` of `output` in supervised models.
    pub labels: Vec<DictEntry>,
    /// Number of tokens the dictionary was built from.
    pub ntokens: u64,
    /// Input rows: words, then hash buckets.
    pub input: Matrix,
    /// Output rows: one per word (unsupervised) or per label (supervised).
    pub output: Matrix,
}

/// The matrices' names in messages.
const INPUT: &str = "input";
const OUTPUT: &str = "output";

impl FastTextFile {
    /// Checks the invariants above, that every value fits its field of the format and that
    /// every matrix value is finite, so that a file is never written (or accepted) in a shape
    /// fastText would misread or that queries would turn into NaN. Impossible settings in the
    /// args block are an [`Error::Config`]; everything else an [`Error::Model`].
    pub fn validate(&self, path: &Path) -> Result<()> {
        if let Some(problem) = self.args.problem() {
            return Err(Error::config(format!(
                "cannot write {}: in the fastText args block, {problem}",
                path.display()
            )));
        }
        let buckets = self.args.bucket as usize;
        self.check_input_shape(path, (self.input.rows(), self.input.cols()), buckets)?;
        self.check_output_shape(path, (self.output.rows(), self.output.cols()))?;
        for (which, m) in [(INPUT, &self.input), (OUTPUT, &self.output)] {
            if let Some(i) = first_non_finite(m.as_slice()) {
                return Err(self.non_finite(path, which, i / m.cols()));
            }
        }
        Ok(())
    }

    /// Checks the dictionary and that an input matrix of shape `input` fits it with
    /// `ngram_rows` rows after the words (every bucket, or those a pruned `.ftz` kept).
    fn check_input_shape(
        &self,
        path: &Path,
        input: (usize, usize),
        ngram_rows: usize,
    ) -> Result<()> {
        let a = &self.args;
        let bad = |m: String| Err(Error::model(path, m));
        let dim = a.dim as usize;
        let in_rows = self.words.len() + ngram_rows;
        if input != (in_rows, dim) {
            return bad(format!(
                "the input matrix is {}x{} but {} words + {ngram_rows} n-gram rows at dim {dim} \
                 need {in_rows}x{dim}; the file is corrupt: fetch or write it again",
                input.0,
                input.1,
                self.words.len(),
            ));
        }
        if self.words.is_empty() {
            return bad(
                "the dictionary holds no words (fastText models always have `</s>`); the file \
                 is corrupt: fetch or write it again"
                    .to_string(),
            );
        }
        if a.model == ModelName::Supervised && self.labels.is_empty() {
            return bad(
                "a supervised model without labels cannot predict anything; the file is \
                 corrupt: fetch it again or retrain the classifier"
                    .to_string(),
            );
        }
        let entries = self.words.len() + self.labels.len();
        if in_rows as u64 > MAX_ROWS || entries as u64 > MAX_ROWS {
            return bad(format!(
                "{in_rows} input rows ({entries} dictionary entries) exceed fastText's 32-bit \
                 ids (at most {MAX_ROWS}); train with fewer --buckets or a higher --min-count"
            ));
        }
        let too_large = |n: u64| i64::try_from(n).is_err();
        if too_large(self.ntokens) {
            return bad(format!(
                "{} tokens do not fit the format's 64-bit signed count",
                self.ntokens
            ));
        }
        let unstorable = |e: &&DictEntry| e.text.is_empty() || e.text.contains('\0');
        if let Some(e) = self.words.iter().chain(&self.labels).find(unstorable) {
            return bad(format!(
                "the dictionary entry {:?} cannot be stored: entries are not empty and contain \
                 no NUL byte; the file is corrupt: fetch or write it again",
                e.text
            ));
        }
        if let Some(e) = self
            .words
            .iter()
            .chain(&self.labels)
            .find(|e| too_large(e.count))
        {
            return bad(format!(
                "the count {} of {:?} does not fit the format's 64-bit signed count",
                e.count, e.text
            ));
        }
        Ok(())
    }

    /// Checks that an output matrix of shape `output` fits the dictionary and the dimension.
    fn check_output_shape(&self, path: &Path, output: (usize, usize)) -> Result<()> {
        let a = &self.args;
        let out_rows = if a.model == ModelName::Supervised {
            self.labels.len()
        } else {
            self.words.len()
        };
        if output != (out_rows, a.dim as usize) {
            return Err(Error::model(
                path,
                format!(
                    "the output matrix is {}x{} but a {:?} model with {} words and {} labels \
                     needs {out_rows}x{}; the file is corrupt: fetch or write it again",
                    output.0,
                    output.1,
                    a.model,
                    self.words.len(),
                    self.labels.len(),
                    a.dim
                ),
            ));
        }
        Ok(())
    }

    /// The error for a NaN or infinite value in row `row` of the `which` matrix, naming the
    /// word, label or bucket the row belongs to (the matrix's shape was checked).
    fn non_finite(&self, path: &Path, which: &str, row: usize) -> Error {
        let nwords = self.words.len();
        let owner = match (which == INPUT, self.args.model) {
            (true, _) if row >= nwords => format!("n-gram bucket {}", row - nwords),
            (false, ModelName::Supervised) => format!("label `{}`", self.labels[row].text),
            _ => format!("word `{}`", self.words[row].text),
        };
        Error::model(
            path,
            format!("row {row} of the {which} matrix ({owner}) holds a value that is {NOT_FINITE}"),
        )
    }

    /// Reads a fastText `.bin` (version 12, or 11 with fastText's compatibility rule), or a
    /// quantized `.ftz` whose dictionary was not pruned, its matrices dequantized.
    ///
    /// Errors name what the file looks like when it is not a `.bin` (`.vec`, word2vec binary,
    /// gzip, safetensors, JSON), reject pruned `.ftz` models (whose n-gram rows this struct
    /// cannot map: load those with `Model::load` or `Classifier::load`), impossible settings and
    /// values that are not finite, and report truncated files with the expected and actual
    /// sizes. No size read from the file is trusted before it is checked against the file's
    /// length.
    pub fn read(path: &Path) -> Result<FastTextFile> {
        FastTextFile::read_unpruned(path, true)
    }

    /// Reads everything but the output matrix, which queries and word vectors never use (it
    /// is half of an unsupervised model). `output` is left with 0 rows; the file is still
    /// checked to be complete.
    pub fn read_input_only(path: &Path) -> Result<FastTextFile> {
        FastTextFile::read_unpruned(path, false)
    }

    fn read_unpruned(path: &Path, with_output: bool) -> Result<FastTextFile> {
        match FastTextFile::read_with(path, true, with_output)? {
            (_, InputRows::Dequantized { pruned: Some(_) }) => Err(Error::model(
                path,
                "this .ftz was pruned by `fasttext quantize -cutoff`: its n-gram rows follow a \
                 pruning index, which only classifiers read (`blazetext predict`, \
                 `Classifier::load`); use the .bin it was made from for anything else",
            )),
            (file, _) => Ok(file),
        }
    }

    /// Reads everything but the input matrix of a `.bin`, which stays on disk behind the
    /// returned handle (`input` is left with 0 rows): prediction needs only the rows of the
    /// words it sees, and a 2M-bucket matrix is 800 MB. The input of a quantized `.ftz` is
    /// dequantized into `input` instead.
    pub(crate) fn read_lazy(path: &Path) -> Result<(FastTextFile, InputRows)> {
        FastTextFile::read_with(path, false, true)
    }

    /// Reads the file; `with_input` only matters for an unquantized input matrix, which is
    /// otherwise left on disk.
    fn read_with(
        path: &Path,
        with_input: bool,
        with_output: bool,
    ) -> Result<(FastTextFile, InputRows)> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
        let mut r = Reader {
            inner: BufReader::with_capacity(1 << 20, file),
            path,
            pos: 0,
            len,
        };
        let version = r.read_header()?;
        let mut args = r.read_args()?;
        if version == OLD_VERSION && args.model == ModelName::Supervised {
            // fastText 0.8 supervised models had no character n-grams.
            args.maxn = 0;
        }
        let (words, labels, ntokens, prune_size) = r.read_dictionary()?;
        // A negative size: not pruned (every bucket has its row).
        let pruned = match u64::try_from(prune_size) {
            Ok(size) => Some(PruneIndex::read(&mut r, size, args.bucket as u32)?),
            Err(_) => None,
        };
        let dim = args.dim as usize;
        let mut file = FastTextFile {
            args,
            words,
            labels,
            ntokens,
            input: Matrix::zeros(0, dim),
            output: Matrix::zeros(0, dim),
        };
        let ngram_rows = usize::try_from(prune_size).unwrap_or(file.args.bucket as usize);
        let input = if r.quantized(INPUT)? {
            file.input = quantized::read_dequantized(&mut r, INPUT)?;
            let shape = (file.input.rows(), file.input.cols());
            file.check_input_shape(path, shape, ngram_rows)?;
            InputRows::Dequantized { pruned }
        } else {
            if pruned.is_some() {
                // fastText refuses these too: pruning happens only while quantizing.
                return Err(r.corrupt(
                    "the dictionary is pruned but the input matrix is not quantized".to_string(),
                ));
            }
            let (rows, cols, offset) = r.matrix_header(INPUT)?;
            file.check_input_shape(path, (rows, cols), ngram_rows)?;
            if with_input {
                file.input = r.read_data(&file, INPUT, rows)?;
            } else {
                r.skip(rows as u64 * cols as u64 * 4)?;
            }
            InputRows::OnDisk(InputOnDisk {
                path: path.to_path_buf(),
                offset,
                rows,
                cols,
            })
        };
        // fastText reads the output as quantized only when the input is.
        let quantized_output =
            r.quantized(OUTPUT)? && matches!(input, InputRows::Dequantized { .. });
        if quantized_output {
            let output = quantized::read_dequantized(&mut r, OUTPUT)?;
            file.check_output_shape(path, (output.rows(), output.cols()))?;
            if with_output {
                file.output = output;
            }
        } else {
            let (out_rows, out_cols, _) = r.matrix_header(OUTPUT)?;
            file.check_output_shape(path, (out_rows, out_cols))?;
            if with_output {
                file.output = r.read_data(&file, OUTPUT, out_rows)?;
            }
        }
        Ok((file, input))
    }

    /// Writes the model in fastText's format (version 12) via a temporary file and a rename.
    pub fn write(&self, path: &Path) -> Result<()> {
        self.stage(path)?.commit()
    }

    /// Like [`write`](Self::write) but returns the written temporary file instead of renaming
    /// it, to commit it together with other files in an
    /// [`AtomicFileSet`](crate::io_util::AtomicFileSet).
    pub(crate) fn stage(&self, path: &Path) -> Result<AtomicFile> {
        self.validate(path)?;
        super::stage(path, |w| {
            self.write_to(w)?;
            // A trailing run of zeros was skipped, not written: give the file its full length.
            let end = w.stream_position()?;
            w.flush()?;
            w.get_ref().set_len(end)
        })
    }

    /// Writes the file's bytes; [`validate`](Self::validate) has checked that every value
    /// fits its field.
    fn write_to(&self, w: &mut (impl Write + Seek)) -> std::io::Result<()> {
        let a = &self.args;
        w.write_all(&MAGIC.to_le_bytes())?;
        w.write_all(&VERSION.to_le_bytes())?;
        for v in [
            a.dim,
            a.ws,
            a.epoch,
            a.min_count,
            a.neg,
            a.word_ngrams,
            a.loss as i32,
            a.model as i32,
            a.bucket,
            a.minn,
            a.maxn,
            a.lr_update_rate,
        ] {
            w.write_all(&v.to_le_bytes())?;
        }
        w.write_all(&a.t.to_le_bytes())?;
        let size = self.words.len() + self.labels.len();
        for v in [size, self.words.len(), self.labels.len()] {
            w.write_all(&(v as i32).to_le_bytes())?;
        }
        w.write_all(&(self.ntokens as i64).to_le_bytes())?;
        // No pruning index: fastText writes -1 for models that were never quantized.
        w.write_all(&(-1i64).to_le_bytes())?;
        let entries = self.words.iter().map(|e| (e, 0u8));
        for (e, kind) in entries.chain(self.labels.iter().map(|e| (e, 1u8))) {
            w.write_all(e.text.as_bytes())?;
            w.write_all(&[0])?;
            w.write_all(&(e.count as i64).to_le_bytes())?;
            w.write_all(&[kind])?;
        }
        for m in [&self.input, &self.output] {
            w.write_all(&[0])?; // not quantized
            w.write_all(&(m.rows() as i64).to_le_bytes())?;
            w.write_all(&(m.cols() as i64).to_le_bytes())?;
            write_f32s(w, m.as_slice())?;
        }
        Ok(())
    }
}

/// Writes `data` as little-endian f32 in large blocks.
pub(crate) fn write_f32s(w: &mut (impl Write + Seek), data: &[f32]) -> std::io::Result<()> {
    // Runs of 4 KiB of +0.0 are skipped with a seek, so they become holes of a sparse file: a
    // classifier's 2M-bucket matrix is mostly untouched zero rows, and writing 800 MB of zeros
    // would dominate its training time. Readers see the same bytes.
    const BLOCK: usize = 1024;
    let mut buf = Vec::with_capacity(1 << 20);
    let mut skip = 0i64;
    for block in data.chunks(BLOCK) {
        if block.len() == BLOCK && block.iter().all(|x| x.to_bits() == 0) {
            if !buf.is_empty() {
                w.write_all(&buf)?;
                buf.clear();
            }
            skip += (BLOCK * 4) as i64;
            continue;
        }
        if skip > 0 {
            w.seek(SeekFrom::Current(skip))?;
            skip = 0;
        }
        buf.extend(block.iter().flat_map(|x| x.to_le_bytes()));
        if buf.len() >= 1 << 20 {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)?;
    if skip > 0 {
        w.seek(SeekFrom::Current(skip))?;
    }
    Ok(())
}

/// Appends `n` little-endian f32 to `out` (reserved by the caller), read in large blocks (the
/// bulk of a model file) and converted as they arrive, so peak memory stays at the matrix plus
/// one block. Each block is checked while it is in cache; returns the index (counted from the
/// first value read) of the first value that is not finite, and stops reading there.
pub(crate) fn read_f32s(
    r: &mut impl Read,
    n: usize,
    out: &mut Vec<f32>,
) -> std::io::Result<Option<usize>> {
    let start = out.len();
    let mut buf = vec![0u8; n.saturating_mul(4).min(4 << 20)];
    while out.len() - start < n {
        let take = ((n - (out.len() - start)) * 4).min(buf.len());
        r.read_exact(&mut buf[..take])?;
        let block = out.len();
        out.extend(
            buf[..take]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        if let Some(i) = first_non_finite(&out[block..]) {
            return Ok(Some(block - start + i));
        }
    }
    Ok(None)
}

/// A reader that tracks its position so truncation errors can say where and by how much.
pub(crate) struct Reader<'a> {
    inner: BufReader<File>,
    pub(crate) path: &'a Path,
    pos: u64,
    len: u64,
}

impl Reader<'_> {
    /// `n` bytes, refused as truncated before anything is allocated when the file has fewer
    /// left.
    pub(crate) fn byte_vec(&mut self, n: u64, what: &str) -> Result<Vec<u8>> {
        if n > self.len.saturating_sub(self.pos) {
            return Err(self.truncated(what, self.pos.saturating_add(n)));
        }
        let mut b = vec![0u8; n as usize];
        match self.inner.read_exact(&mut b) {
            Ok(()) => {
                self.pos += n;
                Ok(b)
            }
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                Err(self.truncated(what, self.pos + n))
            }
            Err(e) => Err(Error::io(self.path, e)),
        }
    }

    fn truncated(&self, what: &str, need: u64) -> Error {
        Error::model(
            self.path,
            format!(
                "the file is truncated: reading {what} needs at least {need} bytes but the file \
                 has {} bytes; it was probably cut off while copying or downloading, so fetch or \
                 write it again",
                self.len
            ),
        )
    }

    pub(crate) fn bytes<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let mut b = [0u8; N];
        match self.inner.read_exact(&mut b) {
            Ok(()) => {
                self.pos += N as u64;
                Ok(b)
            }
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                Err(self.truncated(what, self.pos + N as u64))
            }
            Err(e) => Err(Error::io(self.path, e)),
        }
    }

    pub(crate) fn i32(&mut self, what: &str) -> Result<i32> {
        self.bytes::<4>(what).map(i32::from_le_bytes)
    }

    pub(crate) fn i64(&mut self, what: &str) -> Result<i64> {
        self.bytes::<8>(what).map(i64::from_le_bytes)
    }

    /// Checks the magic number (naming the format when it is something else) and returns the
    /// version.
    fn read_header(&mut self) -> Result<i32> {
        let head = self.inner.fill_buf().map_err(|e| Error::io(self.path, e))?;
        let format = sniff_bytes(&head[..head.len().min(4096)]);
        if format != FileFormat::FastTextBin {
            let hint = match format {
                FileFormat::Word2VecText | FileFormat::Word2VecBinary => {
                    "; blazetext commands that take a model also accept it directly, \
                     without subword vectors"
                }
                _ => "",
            };
            let what = if self.len == 0 {
                "an empty file"
            } else {
                format.describe()
            };
            return Err(Error::model(
                self.path,
                format!("not a fastText .bin model: this looks like {what}{hint}"),
            ));
        }
        self.i32("the magic number")?;
        let version = self.i32("the version")?;
        if version != VERSION && version != OLD_VERSION {
            return Err(Error::model(
                self.path,
                format!(
                    "fastText model format version {version} is not supported; blazetext reads \
                     version {VERSION} (fastText 0.9) and {OLD_VERSION} (fastText 0.8): save the \
                     model again with fastText 0.9 or later"
                ),
            ));
        }
        Ok(version)
    }

    fn read_args(&mut self) -> Result<FastTextArgs> {
        let mut v = [0i32; 12];
        for x in &mut v {
            *x = self.i32("the args block")?;
        }
        let t = f64::from_le_bytes(self.bytes::<8>("the args block")?);
        let loss = match v[6] {
            1 => Loss::HierarchicalSoftmax,
            2 => Loss::NegativeSampling,
            3 => Loss::Softmax,
            4 => Loss::OneVsAll,
            other => {
                return Err(self.corrupt(format!(
                    "unknown loss code {other} in the args block (fastText's are 1 to 4)"
                )))
            }
        };
        let model = match v[7] {
            1 => ModelName::Cbow,
            2 => ModelName::Skipgram,
            3 => ModelName::Supervised,
            other => {
                return Err(self.corrupt(format!(
                    "unknown model code {other} in the args block (fastText's are 1 to 3)"
                )))
            }
        };
        let args = FastTextArgs {
            dim: v[0],
            ws: v[1],
            epoch: v[2],
            min_count: v[3],
            neg: v[4],
            word_ngrams: v[5],
            loss,
            model,
            bucket: v[8],
            minn: v[9],
            maxn: v[10],
            lr_update_rate: v[11],
            t,
        };
        match args.problem() {
            Some(problem) => Err(self.corrupt(format!("impossible args block: {problem}"))),
            None => Ok(args),
        }
    }

    pub(crate) fn corrupt(&self, message: String) -> Error {
        Error::model(
            self.path,
            format!(
                "{message} (byte {}); the file is corrupt or not a fastText model: fetch or \
                 write it again",
                self.pos
            ),
        )
    }

    /// The words, the labels, the token count and the size of the pruning index that follows
    /// (negative when the dictionary was not pruned).
    fn read_dictionary(&mut self) -> Result<(Vec<DictEntry>, Vec<DictEntry>, u64, i64)> {
        let size = self.i32("the dictionary header")?;
        let nwords = self.i32("the dictionary header")?;
        let nlabels = self.i32("the dictionary header")?;
        let ntokens = self.i64("the dictionary header")?;
        let prune_size = self.i64("the dictionary header")?;
        let consistent = size >= 0
            && nwords >= 0
            && nlabels >= 0
            && i64::from(size) == i64::from(nwords) + i64::from(nlabels)
            && ntokens >= 0;
        if !consistent {
            return Err(self.corrupt(format!(
                "inconsistent dictionary header: size {size}, {nwords} words, {nlabels} labels, \
                 {ntokens} tokens"
            )));
        }
        // A corrupt header must not make us reserve gigabytes: every entry takes >= 10 bytes.
        let cap = |n: i32| (n as usize).min((self.len / 10) as usize);
        let mut words = Vec::with_capacity(cap(nwords));
        let mut labels = Vec::with_capacity(cap(nlabels));
        let mut text = Vec::new();
        for i in 0..size {
            text.clear();
            let what = || format!("dictionary entry {} of {size}", i + 1);
            let n = self
                .inner
                .read_until(0, &mut text)
                .map_err(|e| Error::io(self.path, e))?;
            self.pos += n as u64;
            if text.pop() != Some(0) {
                return Err(self.truncated(&what(), self.pos + 10));
            }
            let count = self.i64(&what())?;
            let kind = self.bytes::<1>(&what())?[0];
            let entry = DictEntry {
                text: String::from_utf8_lossy(&text).into_owned(),
                count: u64::try_from(count)
                    .map_err(|_| self.corrupt(format!("negative count in {}", what())))?,
            };
            match kind {
                0 if words.len() < nwords as usize => words.push(entry),
                1 if labels.len() < nlabels as usize => labels.push(entry),
                _ => {
                    return Err(self.corrupt(format!(
                        "{} has type {kind}, which does not fit {nwords} words and {nlabels} \
                         labels",
                        what()
                    )))
                }
            }
        }
        Ok((words, labels, ntokens as u64, prune_size))
    }

    /// Reads the `bool` that says whether the `which` matrix is quantized.
    fn quantized(&mut self, which: &str) -> Result<bool> {
        let what = format!("the {which} matrix header");
        match self.bytes::<1>(&what)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(self.corrupt(format!(
                "the quantization flag of the {which} matrix is {other}, not 0 or 1"
            ))),
        }
    }

    /// Reads a matrix header and checks the file holds its data; returns rows, columns and the
    /// offset of the data.
    fn matrix_header(&mut self, which: &str) -> Result<(usize, usize, u64)> {
        let what = format!("the {which} matrix header");
        let rows = self.i64(&what)?;
        let cols = self.i64(&what)?;
        let n = rows.checked_mul(cols).filter(|_| rows >= 0 && cols >= 0);
        let Some(n) = n.and_then(|n| u64::try_from(n).ok()) else {
            return Err(self.corrupt(format!("invalid {which} matrix size {rows}x{cols}")));
        };
        let need = n
            .checked_mul(4)
            .and_then(|b| b.checked_add(self.pos))
            .filter(|&end| end <= self.len);
        if need.is_none() {
            let need = (n as u128 * 4 + self.pos as u128).min(u64::MAX as u128) as u64;
            return Err(self.truncated(&format!("the {rows}x{cols} {which} matrix"), need));
        }
        Ok((rows as usize, cols as usize, self.pos))
    }

    /// The `which` matrix of `file` (`rows` × dim, its header checked against the file's
    /// length and the dictionary) at the current position.
    fn read_data(&mut self, file: &FastTextFile, which: &str, rows: usize) -> Result<Matrix> {
        let cols = file.args.dim as usize;
        let n = rows * cols;
        let mut data = reserve_f32s(self.path, n)?;
        let bad = read_f32s(&mut self.inner, n, &mut data).map_err(|e| Error::io(self.path, e))?;
        if let Some(i) = bad {
            return Err(file.non_finite(self.path, which, i / cols));
        }
        self.pos += n as u64 * 4;
        Ok(Matrix::from_vec(rows, cols, data))
    }

    fn skip(&mut self, bytes: u64) -> Result<()> {
        self.inner
            .seek_relative(bytes as i64)
            .map_err(|e| Error::io(self.path, e))?;
        self.pos += bytes;
        Ok(())
    }
}

/// Where [`FastTextFile::read_lazy`] leaves the input rows.
pub(crate) enum InputRows {
    /// Still in the file (an unquantized `.bin`).
    OnDisk(InputOnDisk),
    /// Dequantized into the file's `input` (a `.ftz`); `pruned` maps n-gram buckets to the
    /// rows `fasttext quantize -cutoff` kept, when it pruned the dictionary.
    Dequantized { pruned: Option<PruneIndex> },
}

/// The input matrix of a `.bin`, left on disk by [`FastTextFile::read_lazy`].
#[derive(Debug, Clone)]
pub struct InputOnDisk {
    pub path: PathBuf,
    /// Byte offset of row 0.
    pub offset: u64,
    pub rows: usize,
    pub cols: usize,
}

impl InputOnDisk {
    /// The whole matrix.
    pub fn read_all(&self) -> Result<Matrix> {
        let mut f = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        f.seek(SeekFrom::Start(self.offset))
            .map_err(|e| Error::io(&self.path, e))?;
        let mut r = BufReader::with_capacity(1 << 20, f);
        let n = self.rows * self.cols;
        let mut data = reserve_f32s(&self.path, n)?;
        let bad = read_f32s(&mut r, n, &mut data).map_err(|e| Error::io(&self.path, e))?;
        if let Some(i) = bad {
            return Err(self.non_finite(i / self.cols));
        }
        Ok(Matrix::from_vec(self.rows, self.cols, data))
    }

    /// Rows `ids` (ascending, distinct, each < `rows`) as an `ids.len() × cols` matrix; runs of
    /// consecutive rows are read with one positioned read each.
    pub fn read_rows(&self, ids: &[u32]) -> Result<Matrix> {
        use std::os::unix::fs::FileExt;
        let f = File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let row_bytes = self.cols * 4;
        let mut out = Matrix::zeros(ids.len(), self.cols);
        let mut buf = Vec::new();
        let mut i = 0;
        while i < ids.len() {
            let mut j = i + 1;
            while j < ids.len() && ids[j] == ids[j - 1] + 1 && j - i < 4096 {
                j += 1;
            }
            buf.resize((j - i) * row_bytes, 0);
            let at = self.offset + u64::from(ids[i]) * row_bytes as u64;
            f.read_exact_at(&mut buf, at)
                .map_err(|e| Error::io(&self.path, e))?;
            let dst = &mut out.as_mut_slice()[i * self.cols..j * self.cols];
            for (d, b) in dst.iter_mut().zip(buf.chunks_exact(4)) {
                *d = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            }
            if let Some(k) = first_non_finite(dst) {
                return Err(self.non_finite(ids[i] as usize + k / self.cols));
            }
            i = j;
        }
        Ok(out)
    }

    fn non_finite(&self, row: usize) -> Error {
        Error::model(
            &self.path,
            format!("row {row} of the input matrix holds a value that is {NOT_FINITE}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid 2-word skip-gram file with 2 buckets, dim 2.
    fn tiny() -> FastTextFile {
        let entry = |text: &str| DictEntry {
            text: text.to_string(),
            count: 3,
        };
        FastTextFile {
            args: FastTextArgs {
                dim: 2,
                bucket: 2,
                ..FastTextArgs::default()
            },
            words: vec![entry("</s>"), entry("a")],
            labels: Vec::new(),
            ntokens: 6,
            input: Matrix::from_vec(4, 2, vec![0.5; 8]),
            output: Matrix::from_vec(2, 2, vec![0.25; 4]),
        }
    }

    fn write_error(file: &FastTextFile) -> Error {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.bin");
        let e = file.write(&path).unwrap_err();
        assert!(!path.exists(), "a refused file was written");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        e
    }

    #[test]
    fn the_writer_refuses_values_that_do_not_fit_or_are_not_finite() {
        let mut f = tiny();
        f.input.row_mut(3)[1] = f32::NAN;
        let e = write_error(&f).to_string();
        assert!(
            e.contains("row 3 of the input matrix (n-gram bucket 1)"),
            "{e}"
        );
        let mut f = tiny();
        f.output.row_mut(1)[0] = f32::INFINITY;
        let e = write_error(&f).to_string();
        assert!(e.contains("row 1 of the output matrix (word `a`)"), "{e}");
        let mut f = tiny();
        f.words[1].text = "a\0b".into();
        assert!(write_error(&f).to_string().contains("no NUL byte"));
        let mut f = tiny();
        f.words[1].count = u64::MAX;
        assert!(write_error(&f).to_string().contains("64-bit signed count"));
        let mut f = tiny();
        f.args.min_count = -1;
        let e = write_error(&f);
        assert!(matches!(e, Error::Config(_)), "{e:?}");
        assert!(e.to_string().contains("minCount is -1"), "{e}");
    }

    #[test]
    fn options_that_do_not_fit_32_bits_are_config_errors() {
        assert_eq!(bin_field("--epochs", 5usize).unwrap(), 5);
        assert_eq!(bin_field("--buckets", i32::MAX as u64).unwrap(), i32::MAX);
        for value in [1u64 << 31, 1 << 32, u64::MAX] {
            let e = bin_field("--buckets", value).unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{e:?}");
            let e = e.to_string();
            assert!(e.contains(&format!("--buckets {value}")), "{e}");
            assert!(e.contains("use at most 2147483647"), "{e}");
        }
    }

    #[test]
    fn a_staged_file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.bin");
        let staged = tiny().stage(&path).unwrap();
        assert!(!path.exists());
        staged.commit().unwrap();
        assert_eq!(FastTextFile::read(&path).unwrap(), tiny());
    }
}
