//! Batch transform without the cloud: every record of an input file through an
//! [`Endpoint`], as SageMaker batch transform runs a file through a model's container.
//!
//! A file is split into records (one per line, or the whole file as one), each record goes to
//! the model as one `POST /invocations` body with the job's content type, and the answers are
//! written in input order to `OUTDIR/<input file name>.out`: one output record per input
//! record. The input filter picks what is sent, the join puts the input beside its answer
//! (SageMaker's `SageMakerOutput` field, or CSV columns appended), and the output filter picks
//! what is kept. A bad record gives an `{"error": ..., "line": n}` record and the job goes on,
//! unless the job is strict.
//!
//! Records are read a chunk at a time and answered in parallel on the caller's rayon pool, so
//! memory stays flat however large the file. The output is written to `<name>.out.partial` a
//! chunk at a time and renamed to `<name>.out` once complete and synced; a job that was stopped
//! can resume after the last complete record of its partial file.
//!
//! ```
//! # let mut config = blazetext::TrainConfig::defaults(blazetext::Mode::Supervised);
//! # (config.vector_dim, config.buckets, config.threads) = (10, 10_000, 1);
//! # let data = blazetext::TrainingData::files(["corpora/sample-labelled.train"]);
//! # let (classifier, _) = blazetext::ClassifierTrainer::new(config).train(&data)?;
//! use blazetext::inference::Endpoint;
//! use blazetext::transform::{TransformOptions, Transformer};
//! use blazetext::Model;
//!
//! let dir = tempfile::tempdir()?;
//! let input = dir.path().join("reviews.jsonl");
//! std::fs::write(&input, "{\"source\": \"a slow piano sonata\"}\n\"a loud guitar solo\"\n")?;
//!
//! let endpoint = Endpoint::new(Model::Classifier(classifier));
//! let transformer = Transformer::new(&endpoint, TransformOptions::default())?;
//! let report = transformer.run(&input, &dir.path().join("out"), |_progress| {})?;
//!
//! assert_eq!((report.records, report.errors), (2, 0));
//! let output = std::fs::read_to_string(&report.output)?; // out/reviews.jsonl.out
//! let first: serde_json::Value = serde_json::from_str(output.lines().next().unwrap())?;
//! assert!(first["label"][0].as_str().unwrap().starts_with("__label__"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod csv;
mod jsonpath;
mod output;
mod record;
mod records;
mod value;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::inference::{Endpoint, Format, Request, Route};
use crate::{CancelFlag, Error, Result};
use jsonpath::JsonPath;
use output::PartialOutput;
use record::Plan;
use records::{Payload, Record, RecordReader};

/// SageMaker's default `MaxPayloadInMB`: the largest record, in bytes, unless set otherwise.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 6 << 20;

/// Records answered together in parallel unless set otherwise.
pub const DEFAULT_BATCH_SIZE: usize = 1024;

/// A chunk also ends once its records hold this many bytes, so that memory stays bounded.
const CHUNK_BYTES: usize = 8 << 20;

/// How an input file is cut into records (SageMaker's `SplitType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitType {
    /// Each line is a record (`\n` or `\r\n`).
    Line,
    /// The whole file is one record.
    None,
}

/// How output records are put together (SageMaker's `AssembleWith`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssembleWith {
    /// Each record's answer becomes exactly one line: a JSON document (an answer that is an
    /// array of one element becomes that element; several JSON Lines become an array) or one
    /// CSV row.
    Line,
    /// Each record's answer is written as the model gave it, one after the other.
    None,
}

/// What is joined to each answer (SageMaker's `JoinSource`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinSource {
    /// The input record: a JSON object gets the answer as its `SageMakerOutput` field, any
    /// other JSON value or a plain-text line becomes `{"SageMakerInput": input,
    /// "SageMakerOutput": answer}`, and a CSV row gets the answer's columns after its own.
    Input,
    /// Only the answer.
    None,
}

/// The settings of a transform job, SageMaker's `CreateTransformJob` parameters in spirit.
#[derive(Debug, Clone, PartialEq)]
pub struct TransformOptions {
    /// The records' media type, sent as `Content-Type`: `application/jsonlines` (the default;
    /// BlazingText's `{"source": text}` or a bare string per line), `application/json`
    /// (`{"instances": [...]}` per record), `text/csv`, `text/plain`, or, with
    /// [`SplitType::None`], `application/x-recordio-protobuf`.
    pub content_type: String,
    /// The answer's media type, sent as `Accept`: `application/jsonlines` by default (one JSON
    /// document per record), `application/json` or `text/csv`.
    pub accept: String,
    /// How the input is cut into records; [`SplitType::Line`] by default.
    pub split_type: SplitType,
    /// How answers are written; [`AssembleWith::Line`] by default.
    pub assemble_with: AssembleWith,
    /// What is joined to each answer; [`JoinSource::None`] by default.
    pub join_source: JoinSource,
    /// A JSONPath that picks the part of each record sent to the model: on JSON records it
    /// selects from the value (`$.text`), on CSV records it picks columns (`$[1:]`). Supported:
    /// `$`, `$.a.b`, `$['a']`, `$['a','b']`, `$[0]`, `$[-1]`, `$[1:]`, `$[0,2]`.
    pub input_filter: Option<String>,
    /// A JSONPath that picks the part of each output record (after the join) that is kept,
    /// e.g. `$['id','SageMakerOutput']` or `$[0,-1]`.
    pub output_filter: Option<String>,
    /// Stop at the first bad record with an error naming its line, instead of writing an error
    /// record and going on.
    pub strict: bool,
    /// Continue an existing `<name>.out.partial` after its last complete record (a file whose
    /// `.out` is complete is left as it is).
    pub resume: bool,
    /// Records answered in parallel at a time (a chunk also ends at 8 MiB of input).
    pub batch_size: usize,
    /// The largest record in bytes; a longer one is a bad record. SageMaker's default
    /// `MaxPayloadInMB` of 6 MiB unless set.
    pub max_record_bytes: usize,
}

impl Default for TransformOptions {
    fn default() -> TransformOptions {
        TransformOptions {
            content_type: Format::JsonLines.media_type().into(),
            accept: Format::JsonLines.media_type().into(),
            split_type: SplitType::Line,
            assemble_with: AssembleWith::Line,
            join_source: JoinSource::None,
            input_filter: None,
            output_filter: None,
            strict: false,
            resume: false,
            batch_size: DEFAULT_BATCH_SIZE,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        }
    }
}

/// How far a file has got, sent after every chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Input bytes read so far (a resumed job counts the part it skipped).
    pub bytes_done: u64,
    /// The input file's size in bytes.
    pub total_bytes: u64,
    /// Output records written so far, resumed ones included.
    pub records: u64,
    /// Error records written by this run so far.
    pub errors: u64,
}

/// What a file's transform did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The input file.
    pub input: PathBuf,
    /// The output file, `OUTDIR/<input file name>.out`.
    pub output: PathBuf,
    /// Output records in the output file (one per input record).
    pub records: u64,
    /// Error records this run wrote.
    pub errors: u64,
    /// Records that an earlier run had written and this one kept (with
    /// [`resume`](TransformOptions::resume)).
    pub resumed: u64,
}

/// A transform job: options checked once against the endpoint, then any number of files run.
#[derive(Debug)]
pub struct Transformer<'a> {
    endpoint: &'a Endpoint,
    options: TransformOptions,
    plan: Plan,
    cancel: CancelFlag,
}

impl<'a> Transformer<'a> {
    /// Checks `options` and that the endpoint's model reads the content type and can answer in
    /// the accepted type; an [`Error::Config`] says which option to change.
    pub fn new(endpoint: &'a Endpoint, options: TransformOptions) -> Result<Transformer<'a>> {
        let plan = plan(&options)?;
        // An empty body tells whether the model reads this type and answers in that one
        // (415/406) before any record is read.
        let probe = Request::new(Route::Invocations, b"")
            .content_type(&plan.content_type)
            .accept(&plan.accept);
        if let Err(e) = endpoint.invoke(&probe) {
            if matches!(e.status, 406 | 415) {
                return Err(Error::config(format!(
                    "--content-type {} --accept {}: {}",
                    plan.content_type, plan.accept, e.message
                )));
            }
        }
        Ok(Transformer {
            endpoint,
            options,
            plan,
            cancel: CancelFlag::new(),
        })
    }

    /// Stops a run between chunks once `flag` is set: the records written so far stay in the
    /// partial file, and [`run`](Transformer::run) returns [`Error::Cancelled`].
    pub fn cancel_flag(mut self, flag: CancelFlag) -> Transformer<'a> {
        self.cancel = flag;
        self
    }

    /// Where the output of `input` goes: `out_dir/<input file name>.out`.
    pub fn output_path(input: &Path, out_dir: &Path) -> Result<PathBuf> {
        let name = input.file_name().ok_or_else(|| {
            Error::input(input, None, "names no file; give the path of an input file")
        })?;
        let mut name = name.to_os_string();
        name.push(".out");
        Ok(out_dir.join(name))
    }

    /// Transforms `input` into `out_dir/<input file name>.out` (creating `out_dir`), calling
    /// `progress` after every chunk. Bad records become error records (or, when strict, an
    /// [`Error::Input`] naming the line); a file that is missing, binary or gzip-compressed is
    /// an error before anything is written.
    pub fn run(
        &self,
        input: &Path,
        out_dir: &Path,
        mut progress: impl FnMut(Progress),
    ) -> Result<FileReport> {
        let metadata = std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if metadata.is_dir() {
            return Err(Error::input(
                input,
                None,
                "is a folder; give the files in it to transform",
            ));
        }
        let total_bytes = metadata.len();
        let out = prepare_output(input, out_dir)?;
        let mut report = FileReport {
            input: input.to_path_buf(),
            output: out.clone(),
            records: 0,
            errors: 0,
            resumed: 0,
        };
        if self.options.resume && out.exists() && !output::partial_path(&out).exists() {
            let file = File::open(&out).map_err(|e| Error::io(&out, e))?;
            let (records, _) = output::count_lines(&file).map_err(|e| Error::io(&out, e))?;
            (report.records, report.resumed) = (records, records);
            progress(Progress {
                bytes_done: total_bytes,
                total_bytes,
                records,
                errors: 0,
            });
            return Ok(report);
        }
        let mut records = self.open_records(input)?;
        let mut output = self.start_output(input, &out, &mut records, &mut report)?;
        loop {
            if self.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let chunk = records
                .chunk(self.options.batch_size, CHUNK_BYTES)
                .map_err(|e| Error::io(input, e))?;
            if chunk.is_empty() {
                break;
            }
            let answers: Vec<std::result::Result<Vec<u8>, String>> =
                chunk.par_iter().map(|record| self.answer(record)).collect();
            let written = self.assemble(&chunk, answers, &mut report);
            output.append(&written.bytes)?;
            if let Some((line, message)) = written.stopped_at {
                return Err(Error::input(
                    input,
                    Some(line),
                    format!(
                        "{message} (stopped by --strict: the records before it are in {}; \
                         fix the record and run again with --resume to go on)",
                        output.partial_path().display()
                    ),
                ));
            }
            progress(Progress {
                bytes_done: records.bytes_read,
                total_bytes,
                records: report.records,
                errors: report.errors,
            });
        }
        output.finish()?;
        Ok(report)
    }

    /// The records of `input`; a text input is refused when it is binary or compressed, and
    /// its byte-order mark skipped.
    fn open_records(&self, input: &Path) -> Result<RecordReader<BufReader<File>>> {
        let file = File::open(input).map_err(|e| Error::io(input, e))?;
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let text = self.plan.format != Format::RecordIo;
        if text {
            refuse_binary(input, &mut reader)?;
        }
        let per_line = self.options.split_type == SplitType::Line;
        let mut records = RecordReader::new(reader, per_line, self.options.max_record_bytes);
        if text {
            records.skip_bom().map_err(|e| Error::io(input, e))?;
        }
        Ok(records)
    }

    /// A fresh partial output, or the one an earlier run left (with `resume`), with the input
    /// records it already answers read past.
    fn start_output(
        &self,
        input: &Path,
        out: &Path,
        records: &mut RecordReader<BufReader<File>>,
        report: &mut FileReport,
    ) -> Result<PartialOutput> {
        if !self.options.resume {
            return PartialOutput::create(out);
        }
        let (output, done) = PartialOutput::resume(out)?;
        let skipped = records.skip(done).map_err(|e| Error::io(input, e))?;
        if skipped < done {
            return Err(Error::input(
                output.partial_path(),
                None,
                format!(
                    "holds {done} records but the input has only {skipped}: it is not the \
                     output of this input; remove it and run again without --resume"
                ),
            ));
        }
        (report.records, report.resumed) = (done, done);
        Ok(output)
    }

    fn answer(&self, record: &Record) -> std::result::Result<Vec<u8>, String> {
        match &record.payload {
            Payload::Bytes(bytes) => self.plan.process(self.endpoint, bytes),
            Payload::TooLong(length) => Err(format!(
                "the record is {length} bytes, more than the limit of {} bytes; raise \
                 --max-payload-mb or split the record",
                self.options.max_record_bytes
            )),
        }
    }

    /// The bytes of a chunk's output records in order: answers, and error records for the
    /// rest; a strict job stops before its first bad record.
    fn assemble(
        &self,
        chunk: &[Record],
        answers: Vec<std::result::Result<Vec<u8>, String>>,
        report: &mut FileReport,
    ) -> Assembled {
        let mut bytes = Vec::new();
        for (record, answer) in chunk.iter().zip(answers) {
            match answer {
                Ok(answer) => {
                    bytes.extend_from_slice(&answer);
                    if self.plan.one_line {
                        bytes.push(b'\n');
                    }
                }
                Err(message) if self.options.strict => {
                    return Assembled {
                        bytes,
                        stopped_at: Some((record.line, message)),
                    }
                }
                Err(message) => {
                    let error = serde_json::json!({"error": message, "line": record.line});
                    bytes.extend_from_slice(error.to_string().as_bytes());
                    bytes.push(b'\n');
                    report.errors += 1;
                }
            }
            report.records += 1;
        }
        Assembled {
            bytes,
            stopped_at: None,
        }
    }
}

/// The output path of `input` in `out_dir`, which is created; refused when it (or its partial
/// file) is the input itself.
fn prepare_output(input: &Path, out_dir: &Path) -> Result<PathBuf> {
    let out = Transformer::output_path(input, out_dir)?;
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    for written in [out.clone(), output::partial_path(&out)] {
        if same_file(input, &written) {
            return Err(Error::config(format!(
                "the output {} is the input {}: writing it would destroy the input; choose \
                 another output folder",
                written.display(),
                input.display()
            )));
        }
    }
    Ok(out)
}

/// A chunk's output, and the bad record a strict job stopped at.
struct Assembled {
    bytes: Vec<u8>,
    stopped_at: Option<(u64, String)>,
}

/// The per-record plan of `options`, or the option that makes no sense.
fn plan(options: &TransformOptions) -> Result<Plan> {
    let format = Format::from_media_type(&options.content_type).ok_or_else(|| {
        Error::config(format!(
            "--content-type {:?} is not a type batch transform reads; use application/jsonlines, \
             application/json, text/csv, text/plain or application/x-recordio-protobuf",
            options.content_type
        ))
    })?;
    if options.batch_size == 0 {
        return Err(Error::config("--batch-size must be at least 1"));
    }
    if options.max_record_bytes == 0 {
        return Err(Error::config("the record limit must be at least 1 byte"));
    }
    let filter = |option: &str, path: &Option<String>| -> Result<Option<JsonPath>> {
        match path {
            None => Ok(None),
            Some(text) => JsonPath::parse(text)
                .map(|p| Some(p).filter(|p| !p.is_root()))
                .map_err(|why| Error::config(format!("{option}: {why}"))),
        }
    };
    let input_filter = filter("--input-filter", &options.input_filter)?;
    let output_filter = filter("--output-filter", &options.output_filter)?;
    let join = options.join_source == JoinSource::Input;
    let one_line = options.assemble_with == AssembleWith::Line;
    if !one_line && (join || output_filter.is_some() || options.resume) {
        return Err(Error::config(
            "--join-source input, --output-filter and --resume work on output records one line \
             each: use them with --assemble-with line",
        ));
    }
    if format == Format::RecordIo
        && (options.split_type == SplitType::Line || input_filter.is_some() || join)
    {
        return Err(Error::config(
            "RecordIO-protobuf input is binary: transform it with --split-type none, without \
             --input-filter or --join-source",
        ));
    }
    if format == Format::Text && input_filter.is_some() {
        return Err(Error::config(
            "--input-filter picks from JSON or CSV records; a text/plain record is sent whole",
        ));
    }
    Ok(Plan {
        content_type: options.content_type.clone(),
        format,
        accept: options.accept.clone(),
        input_filter,
        output_filter,
        join,
        one_line,
        per_line: options.split_type == SplitType::Line,
    })
}

/// Refuses a gzip-compressed or binary (NUL bytes in its first block) text input.
fn refuse_binary(input: &Path, reader: &mut impl BufRead) -> Result<()> {
    let start = reader.fill_buf().map_err(|e| Error::io(input, e))?;
    if start.starts_with(&[0x1f, 0x8b]) {
        return Err(Error::input(
            input,
            None,
            "is gzip-compressed; decompress it first (gunzip -k) and transform the text file",
        ));
    }
    let sniffed = &start[..start.len().min(8 << 10)];
    if memchr::memchr(0, sniffed).is_some() {
        return Err(Error::input(
            input,
            None,
            "looks like a binary file (it contains NUL bytes), not text; give a UTF-8 text file \
             with one record per line (RecordIO-protobuf goes with --content-type \
             application/x-recordio-protobuf --split-type none)",
        ));
    }
    Ok(())
}

/// Whether `a` and `b` name the same existing file (same device and inode), or the same path.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    if let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        use std::os::unix::fs::MetadataExt;
        return ma.dev() == mb.dev() && ma.ino() == mb.ino();
    }
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(change: impl FnOnce(&mut TransformOptions)) -> String {
        let mut options = TransformOptions::default();
        change(&mut options);
        match plan(&options) {
            Err(Error::Config(message)) => message,
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn options_that_make_no_sense_are_refused() {
        let message = refused(|o| o.content_type = "image/png".into());
        assert!(
            message.contains("--content-type \"image/png\""),
            "{message}"
        );
        assert!(refused(|o| o.batch_size = 0).contains("--batch-size"));
        assert!(refused(|o| o.max_record_bytes = 0).contains("limit"));
        let message = refused(|o| o.input_filter = Some("$.".into()));
        assert!(message.starts_with("--input-filter"), "{message}");
        let message = refused(|o| {
            o.assemble_with = AssembleWith::None;
            o.join_source = JoinSource::Input;
        });
        assert!(message.contains("--assemble-with line"), "{message}");
        assert!(refused(|o| {
            o.assemble_with = AssembleWith::None;
            o.resume = true;
        })
        .contains("--resume"));
        let message = refused(|o| o.content_type = Format::RecordIo.media_type().into());
        assert!(message.contains("--split-type none"), "{message}");
        let message = refused(|o| {
            o.content_type = "text/plain".into();
            o.input_filter = Some("$[0]".into());
        });
        assert!(message.contains("text/plain"), "{message}");
    }

    #[test]
    fn a_root_filter_is_no_filter() {
        let options = TransformOptions {
            input_filter: Some("$".into()),
            output_filter: Some(" $ ".into()),
            ..TransformOptions::default()
        };
        let plan = plan(&options).unwrap();
        assert!(plan.input_filter.is_none() && plan.output_filter.is_none());
        assert!(plan.one_line && plan.per_line && !plan.join);
    }
}
