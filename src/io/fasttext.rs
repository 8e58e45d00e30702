//! fastText's binary model format (`.bin`, version 12, as written by fastText 0.9), read and
//! written bit for bit so that models move freely between blazetext, fastText and gensim.
//!
//! Layout (all little-endian): magic `i32` 793712314, version `i32` 12; the args block (12 `i32`
//! then the sampling threshold `t` as `f64`); the dictionary (`i32` size, nwords, nlabels,
//! `i64` ntokens, `i64` pruneidx size, entries `word\0` + `i64` count + `i8` type, pruneidx
//! pairs); `bool` quantized input; the input matrix (`i64` rows, `i64` cols, `f32` data);
//! `bool` quantized output; the output matrix.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::io::{sniff_bytes, write_atomically, FileFormat};
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
    HierarchicalSoftmax = 1,
    NegativeSampling = 2,
    Softmax = 3,
    OneVsAll = 4,
}

/// fastText's `model_name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelName {
    Cbow = 1,
    Skipgram = 2,
    Supervised = 3,
}

/// The args block of a `.bin`: the training settings fastText needs to use the model
/// (n-gram lengths, bucket count, word n-grams) plus a few it only records.
#[derive(Debug, Clone, PartialEq)]
pub struct FastTextArgs {
    pub dim: i32,
    pub ws: i32,
    pub epoch: i32,
    pub min_count: i32,
    pub neg: i32,
    pub word_ngrams: i32,
    pub loss: Loss,
    pub model: ModelName,
    pub bucket: i32,
    pub minn: i32,
    pub maxn: i32,
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

/// One dictionary entry (word or label) with its corpus count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictEntry {
    pub text: String,
    pub count: u64,
}

/// The whole content of an unquantized fastText `.bin`.
///
/// Invariants (checked by [`FastTextFile::validate`], which the reader and writer call):
/// `input` has `words.len() + bucket` rows, `output` has `labels.len()` rows for supervised
/// models and `words.len()` rows otherwise, and both have `dim` columns.
#[derive(Debug, Clone, PartialEq)]
pub struct FastTextFile {
    pub args: FastTextArgs,
    /// Words in dictionary order (fastText sorts by count, descending); row `i` of `input`.
    pub words: Vec<DictEntry>,
    /// Labels (`__label__x`), in dictionary order; row `i` of `output` in supervised models.
    pub labels: Vec<DictEntry>,
    /// Number of tokens the dictionary was built from.
    pub ntokens: u64,
    pub input: Matrix,
    pub output: Matrix,
}

impl FastTextFile {
    /// Checks the invariants above, so that a file is never written (or accepted) in a shape
    /// fastText would misread.
    pub fn validate(&self, path: &Path) -> Result<()> {
        self.check(path, (self.input.rows(), self.input.cols()), true)
    }

    /// [`validate`](Self::validate) with the input matrix's shape given (it may still be on
    /// disk), optionally without the output matrix.
    fn check(&self, path: &Path, input: (usize, usize), output: bool) -> Result<()> {
        let a = &self.args;
        let bad = |m: String| Err(Error::model(path, m));
        if a.dim <= 0 || a.bucket < 0 || a.minn < 0 || a.maxn < 0 {
            return bad(format!(
                "invalid args block: dim {}, bucket {}, minn {}, maxn {}",
                a.dim, a.bucket, a.minn, a.maxn
            ));
        }
        let dim = a.dim as usize;
        let in_rows = self.words.len() + a.bucket as usize;
        if input != (in_rows, dim) {
            return bad(format!(
                "the input matrix is {}x{} but {} words + {} buckets at dim {} need {}x{}",
                input.0,
                input.1,
                self.words.len(),
                a.bucket,
                dim,
                in_rows,
                dim
            ));
        }
        let out_rows = if a.model == ModelName::Supervised {
            self.labels.len()
        } else {
            self.words.len()
        };
        if output && (self.output.rows() != out_rows || self.output.cols() != dim) {
            return bad(format!(
                "the output matrix is {}x{} but a {:?} model with {} words and {} labels needs {}x{}",
                self.output.rows(),
                self.output.cols(),
                a.model,
                self.words.len(),
                self.labels.len(),
                out_rows,
                dim
            ));
        }
        if i32::try_from(in_rows).is_err() {
            return bad(format!("{in_rows} input rows exceed fastText's 32-bit ids"));
        }
        Ok(())
    }

    /// Reads a fastText `.bin` (version 12, or 11 with fastText's compatibility rule).
    ///
    /// Errors name what the file looks like when it is not a `.bin` (`.vec`, word2vec binary,
    /// gzip, safetensors, JSON), reject quantized `.ftz` models and report truncated files with
    /// the expected and actual sizes.
    pub fn read(path: &Path) -> Result<FastTextFile> {
        FastTextFile::read_with(path, true, true).map(|(file, _)| file)
    }

    /// Reads everything but the output matrix, which queries and word vectors never use (it
    /// is half of an unsupervised model). `output` is left with 0 rows; the file is still
    /// checked to be complete.
    pub fn read_input_only(path: &Path) -> Result<FastTextFile> {
        FastTextFile::read_with(path, true, false).map(|(file, _)| file)
    }

    /// Reads everything but the input matrix, which stays on disk behind the returned handle
    /// (`input` is left with 0 rows): prediction needs only the rows of the words it sees, and
    /// a 2M-bucket matrix is 800 MB.
    pub fn read_lazy(path: &Path) -> Result<(FastTextFile, InputOnDisk)> {
        FastTextFile::read_with(path, false, true)
    }

    fn read_with(
        path: &Path,
        with_input: bool,
        with_output: bool,
    ) -> Result<(FastTextFile, InputOnDisk)> {
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
        let (words, labels, ntokens) = r.read_dictionary()?;
        r.check_not_quantized("input")?;
        let (rows, cols, offset) = r.matrix_header("input")?;
        let input = if with_input {
            r.read_data(rows, cols)?
        } else {
            r.skip((rows * cols * 4) as u64)?;
            Matrix::zeros(0, cols)
        };
        r.check_not_quantized("output")?;
        let output = r.read_matrix("output", with_output)?;
        let file = FastTextFile {
            args,
            words,
            labels,
            ntokens,
            input,
            output,
        };
        file.check(path, (rows, cols), with_output)?;
        let on_disk = InputOnDisk {
            path: path.to_path_buf(),
            offset,
            rows,
            cols,
        };
        Ok((file, on_disk))
    }

    /// Writes the model in fastText's format (version 12) via a temporary file and a rename.
    pub fn write(&self, path: &Path) -> Result<()> {
        self.validate(path)?;
        write_atomically(path, |w| {
            self.write_to(w)?;
            // A trailing run of zeros was skipped, not written: give the file its full length.
            let end = w.stream_position()?;
            w.flush()?;
            w.get_ref().set_len(end)
        })
    }

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

/// Reads `n` little-endian f32 in large blocks (the bulk of a model file), converting each
/// block as it arrives so peak memory stays at the matrix plus one block.
pub(crate) fn read_f32s(r: &mut impl Read, n: usize) -> std::io::Result<Vec<f32>> {
    let mut out = Vec::with_capacity(n);
    let mut buf = vec![0u8; 4 << 20];
    while out.len() < n {
        let take = ((n - out.len()) * 4).min(buf.len());
        r.read_exact(&mut buf[..take])?;
        out.extend(
            buf[..take]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
    }
    Ok(out)
}

/// A reader that tracks its position so truncation errors can say where and by how much.
struct Reader<'a> {
    inner: BufReader<File>,
    path: &'a Path,
    pos: u64,
    len: u64,
}

impl Reader<'_> {
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

    fn bytes<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
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

    fn i32(&mut self, what: &str) -> Result<i32> {
        self.bytes::<4>(what).map(i32::from_le_bytes)
    }

    fn i64(&mut self, what: &str) -> Result<i64> {
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
                     version {VERSION} (fastText 0.9) and {OLD_VERSION} (fastText 0.8)"
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
                return Err(self.corrupt(format!("unknown loss code {other} in the args block")))
            }
        };
        let model = match v[7] {
            1 => ModelName::Cbow,
            2 => ModelName::Skipgram,
            3 => ModelName::Supervised,
            other => {
                return Err(self.corrupt(format!("unknown model code {other} in the args block")))
            }
        };
        Ok(FastTextArgs {
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
        })
    }

    fn corrupt(&self, message: String) -> Error {
        Error::model(
            self.path,
            format!(
                "{message} (byte {}); the file is corrupt or not a fastText model",
                self.pos
            ),
        )
    }

    fn read_dictionary(&mut self) -> Result<(Vec<DictEntry>, Vec<DictEntry>, u64)> {
        let size = self.i32("the dictionary header")?;
        let nwords = self.i32("the dictionary header")?;
        let nlabels = self.i32("the dictionary header")?;
        let ntokens = self.i64("the dictionary header")?;
        let prune_size = self.i64("the dictionary header")?;
        if size < 0 || nwords < 0 || nlabels < 0 || size != nwords + nlabels || ntokens < 0 {
            return Err(self.corrupt(format!(
                "inconsistent dictionary header: size {size}, {nwords} words, {nlabels} labels,                  {ntokens} tokens"
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
                    "{} has type {kind}, which does not fit {nwords} words and {nlabels} labels",
                    what()
                )))
                }
            }
        }
        if prune_size >= 0 {
            // Only `fasttext quantize -cutoff` prunes; those models are quantized as well.
            return Err(Error::model(
                self.path,
                "this model was pruned by `fasttext quantize` (.ftz); blazetext reads only                  unquantized models: use the original .bin",
            ));
        }
        Ok((words, labels, ntokens as u64))
    }

    fn check_not_quantized(&mut self, which: &str) -> Result<()> {
        let what = format!("the {which} matrix header");
        if self.bytes::<1>(&what)?[0] != 0 {
            return Err(Error::model(
                self.path,
                format!(
                    "the {which} matrix is quantized (a .ftz model from `fasttext quantize`);                      blazetext reads only unquantized models: use the original .bin"
                ),
            ));
        }
        Ok(())
    }

    /// Reads a matrix, or with `load == false` only checks that its data is all there and
    /// returns it with 0 rows.
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

    /// The `rows × cols` floats at the current position.
    fn read_data(&mut self, rows: usize, cols: usize) -> Result<Matrix> {
        let data = read_f32s(&mut self.inner, rows * cols).map_err(|e| Error::io(self.path, e))?;
        self.pos += (rows * cols * 4) as u64;
        Ok(Matrix::from_vec(rows, cols, data))
    }

    fn skip(&mut self, bytes: u64) -> Result<()> {
        self.inner
            .seek_relative(bytes as i64)
            .map_err(|e| Error::io(self.path, e))?;
        self.pos += bytes;
        Ok(())
    }

    /// Reads a matrix, or with `load == false` only checks that its data is all there and
    /// returns it with 0 rows.
    fn read_matrix(&mut self, which: &str, load: bool) -> Result<Matrix> {
        let (rows, cols, _) = self.matrix_header(which)?;
        if !load {
            return Ok(Matrix::zeros(0, cols));
        }
        self.read_data(rows, cols)
    }
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
        let data =
            read_f32s(&mut r, self.rows * self.cols).map_err(|e| Error::io(&self.path, e))?;
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
            i = j;
        }
        Ok(out)
    }
}
