//! `blazetext transform`: SageMaker batch transform on local files (see `blazetext::transform`):
//! every record of each input through the model, the answers in `OUTDIR/<input>.out`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use blazetext::inference::Endpoint;
use blazetext::transform::{
    AssembleWith, FileReport, JoinSource, SplitType, TransformOptions, Transformer,
    DEFAULT_BATCH_SIZE,
};
use blazetext::{Error, OutputRule, Result};
use clap::ValueEnum;

use super::output::{errln, outln};
use super::{signals, GlobalArgs};
use crate::log;

#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "\
Examples:
  blazetext transform clf.bin reviews.jsonl -o out      (out/reviews.jsonl.out: one
                                                         {\"label\": [...], \"prob\": [...]} per line)
  blazetext transform clf.bin texts.txt -o out --content-type text/plain
  blazetext transform clf.bin records.jsonl -o out --input-filter '$.text' \\
      --join-source input --output-filter \"$['id','SageMakerOutput']\"
  blazetext transform topics.ntm counts.csv -o out --content-type text/csv --accept text/csv
  blazetext transform clf.bin big.jsonl -o out --resume  (continue after an interruption)

Each record is one POST /invocations body, answered as `blazetext serve` answers it. A bad
record gives {\"error\": ..., \"line\": n} in its place and the job goes on (--strict stops).
Output is written to OUTDIR/<input>.out.partial and renamed to .out when complete.")]
pub struct Args {
    /// The model: a model file, or a directory holding one (as /opt/ml/model)
    pub model: PathBuf,
    /// Input files (a directory stands for the files in it)
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output directory (created if missing); each input gives OUTDIR/<input name>.out
    #[arg(short, long, value_name = "OUTDIR")]
    pub output: PathBuf,
    /// Media type of the records: application/jsonlines, application/json, text/csv,
    /// text/plain, application/x-recordio-protobuf
    #[arg(long, default_value = "application/jsonlines", value_name = "TYPE")]
    pub content_type: String,
    /// Media type of the answers: application/jsonlines, application/json, text/csv
    #[arg(long, default_value = "application/jsonlines", value_name = "TYPE")]
    pub accept: String,
    /// One record per line, or the whole file as one record
    #[arg(long, value_enum, default_value_t = Split::Line)]
    pub split_type: Split,
    /// One output line per record, or each answer as the model wrote it
    #[arg(long, value_enum, default_value_t = Split::Line)]
    pub assemble_with: Split,
    /// Join the input record to its answer (SageMakerOutput field, or CSV columns appended)
    #[arg(long, value_enum, default_value_t = Join::None)]
    pub join_source: Join,
    /// JSONPath of the part of each record sent to the model: $.text, $[1:] (CSV columns)
    #[arg(long, value_name = "JSONPATH")]
    pub input_filter: Option<String>,
    /// JSONPath of the part of each output record kept: $['id','SageMakerOutput'], $[0,-1]
    #[arg(long, value_name = "JSONPATH")]
    pub output_filter: Option<String>,
    /// Stop at the first bad record (exit 1, naming its line) instead of writing an error record
    #[arg(long)]
    pub strict: bool,
    /// Continue interrupted outputs (OUTDIR/<input>.out.partial) after their last complete record
    #[arg(long)]
    pub resume: bool,
    /// Records answered in parallel at a time
    #[arg(long, default_value_t = DEFAULT_BATCH_SIZE, value_name = "N")]
    pub batch_size: usize,
    /// Largest record in MiB (SageMaker's MaxPayloadInMB); a longer one is a bad record
    #[arg(long, default_value_t = 6.0, value_name = "MIB")]
    pub max_payload_mb: f64,
}

/// `--split-type` and `--assemble-with`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Split {
    Line,
    None,
}

/// `--join-source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Join {
    Input,
    None,
}

pub fn run(global: &GlobalArgs, args: &Args) -> Result<()> {
    let options = options(args)?;
    let inputs = input_files(&args.inputs)?;
    let outputs = inputs
        .iter()
        .map(|input| Transformer::output_path(input, &args.output))
        .collect::<Result<Vec<PathBuf>>>()?;
    OutputRule::new()
        .reads([&args.model])
        .reads(&inputs)
        .writes(&outputs)
        .check()?;
    let endpoint = Endpoint::load(&args.model)?;
    let transformer =
        Transformer::new(&endpoint, options)?.cancel_flag(signals::cancel_on_interrupt());

    let total_bytes: u64 = inputs
        .iter()
        .map(|input| std::fs::metadata(input).map_or(0, |m| m.len()))
        .sum();
    let bar = log::progress_bar(total_bytes, "{bar:30} {percent:>3}% {msg} ETA {eta}");
    let start = Instant::now();
    let mut reports = Vec::new();
    let mut bytes_before = 0;
    for input in &inputs {
        let (records_before, errors_before) = totals(&reports);
        let report = transformer.run(input, &args.output, |p| {
            bar.set_position(bytes_before + p.bytes_done);
            bar.set_message(format!(
                "{} records, {} errors",
                records_before + p.records,
                errors_before + p.errors
            ));
        });
        let report = match report {
            Err(Error::Cancelled) => {
                bar.finish_and_clear();
                if !global.quiet {
                    errln!(
                        "stopped: the records written so far are kept in {}/*.partial; run the \
                         same command with --resume to continue",
                        args.output.display()
                    );
                }
                return Err(Error::Cancelled);
            }
            other => other?,
        };
        bytes_before += std::fs::metadata(input).map_or(0, |m| m.len());
        reports.push(report);
    }
    bar.finish_and_clear();
    summarize(global, &reports, start.elapsed().as_secs_f64())
}

fn options(args: &Args) -> Result<TransformOptions> {
    let max_record_bytes = args.max_payload_mb * f64::from(1u32 << 20);
    if !(max_record_bytes.is_finite() && max_record_bytes >= 1.0 && args.max_payload_mb <= 4096.0) {
        return Err(Error::config(format!(
            "--max-payload-mb {}: give a number of MiB above 0 and at most 4096",
            args.max_payload_mb
        )));
    }
    Ok(TransformOptions {
        content_type: args.content_type.clone(),
        accept: args.accept.clone(),
        split_type: match args.split_type {
            Split::Line => SplitType::Line,
            Split::None => SplitType::None,
        },
        assemble_with: match args.assemble_with {
            Split::Line => AssembleWith::Line,
            Split::None => AssembleWith::None,
        },
        join_source: match args.join_source {
            Join::Input => JoinSource::Input,
            Join::None => JoinSource::None,
        },
        input_filter: args.input_filter.clone(),
        output_filter: args.output_filter.clone(),
        strict: args.strict,
        resume: args.resume,
        batch_size: args.batch_size,
        max_record_bytes: max_record_bytes as usize,
    })
}

/// The files to transform: each file given, and the visible files directly in each directory
/// given, sorted (as SageMaker takes every object under an S3 prefix).
fn input_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            files.push(input.clone());
            continue;
        }
        let mut found = Vec::new();
        for entry in std::fs::read_dir(input).map_err(|e| Error::io(input, e))? {
            let path = entry.map_err(|e| Error::io(input, e))?.path();
            if path.is_file() && !is_hidden(&path) {
                found.push(path);
            }
        }
        if found.is_empty() {
            return Err(Error::input(
                input,
                None,
                "holds no files to transform; give input files",
            ));
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

/// Records and error records over `reports`.
fn totals(reports: &[FileReport]) -> (u64, u64) {
    reports.iter().fold((0, 0), |(r, e), report| {
        (r + report.records, e + report.errors)
    })
}

/// One line on stderr (records, errors, time, speed), or a JSON report on stdout with `--json`.
fn summarize(global: &GlobalArgs, reports: &[FileReport], seconds: f64) -> Result<()> {
    let (records, errors) = totals(reports);
    let resumed: u64 = reports.iter().map(|r| r.resumed).sum();
    let new_records = records - resumed;
    let per_second = new_records as f64 / seconds.max(1e-9);
    if global.json {
        let files: Vec<serde_json::Value> = reports
            .iter()
            .map(|r| {
                serde_json::json!({
                    "input": r.input, "output": r.output, "records": r.records,
                    "errors": r.errors, "resumed": r.resumed,
                })
            })
            .collect();
        let summary = serde_json::json!({
            "files": files, "records": records, "errors": errors, "resumed": resumed,
            "seconds": seconds, "records_per_sec": per_second,
        });
        return outln!("{summary}");
    }
    if !global.quiet {
        let kept = if resumed > 0 {
            format!(" ({resumed} kept from the interrupted run)")
        } else {
            String::new()
        };
        errln!(
            "transform: {} file{}, {records} records{kept}, {errors} errors, {seconds:.2} s, \
             {per_second:.0} records/s",
            reports.len(),
            if reports.len() == 1 { "" } else { "s" },
        );
    }
    Ok(())
}
