//! `blazetext preprocess`: run the text pipeline over a corpus, one output line per input line.

use std::path::PathBuf;
use std::sync::Arc;

use super::events::Terminal;
use super::output::{self, errln, outln};
use super::pipeline_args::{PipelineArgs, SpellingArgs};
use super::GlobalArgs;
use crate::log;
use blazetext::{
    Error, Event, EventHook, OutputRule, Pipeline, PreprocessReport, Preprocessor, Result,
    TrainingData,
};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  blazetext preprocess corpora/sample.txt -o sample.tok\n  \
    blazetext preprocess docs/ -o docs.tok --stopwords english --stemmer english\n  \
    zcat big.txt.gz | blazetext preprocess - -o - --tokenizer hf:tokenizer.json"
)]
pub struct Args {
    /// Input files, directories, .gz files, or - for standard input
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output file, or - for standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    #[command(flatten)]
    pub spelling: SpellingArgs,
}

/// Figures printed at the end of a run.
#[derive(Debug, serde::Serialize)]
struct Summary {
    lines: u64,
    tokens_in: u64,
    tokens_out: u64,
    types: usize,
    bytes: u64,
    invalid_utf8: u64,
    seconds: f64,
    mb_per_second: f64,
    spelling_corrections: usize,
}

impl Summary {
    fn of(report: &PreprocessReport) -> Summary {
        Summary {
            lines: report.lines,
            tokens_in: report.tokens_in,
            tokens_out: report.tokens_out,
            types: report.types,
            bytes: report.bytes,
            invalid_utf8: report.invalid_utf8,
            seconds: report.seconds,
            mb_per_second: report.mb_per_second(),
            spelling_corrections: report.corrections.len(),
        }
    }
}

pub fn run(global: &GlobalArgs, args: &Args) -> Result<()> {
    OutputRule::new()
        .reads(&args.inputs)
        .reads(args.pipeline.reads())
        .writes([&args.output])
        .writes(&args.spelling.spelling_output)
        .writes(args.pipeline.writes())
        .check()?;
    let pipeline = args.pipeline.to_pipeline(Pipeline::default())?;
    let spelling = args.spelling.options()?;
    let terminal = Terminal::new(global);
    let bar = log::progress_bar(100, "{bar:40} {percent:>3}% {msg} ETA {eta}");
    let mut preprocessor =
        Preprocessor::new(pipeline).on_event(drawing_progress(terminal.hook(), bar.clone()));
    if let Some(options) = spelling {
        preprocessor = preprocessor.fix_spelling(options);
    }
    if let Some(threads) = global.threads {
        preprocessor = preprocessor.threads(threads);
    }
    let data = TrainingData::files(args.inputs.iter().cloned());
    let to_stdout = args.output.as_os_str() == "-";
    let report = if to_stdout {
        let mut out = output::buffered();
        let report = preprocessor.run_to_writer(&data, &mut out)?;
        out.finish()?;
        report
    } else {
        preprocessor.run(&data, &args.output)?
    };
    bar.finish_and_clear();
    if let Some(path) = &args.spelling.spelling_output {
        report.save_corrections_tsv(path)?;
    }
    if let Some(path) = &args.pipeline.save_pipeline_config {
        // Saved again so that the file includes the spelling corrections just learned.
        report.pipeline.save(path)?;
    }
    print_summary(global, &Summary::of(&report), to_stdout)
}

/// The terminal's hook, with progress (the share of input read) drawn on `bar` instead: the
/// terminal's own progress display is made for training.
fn drawing_progress(terminal: EventHook, bar: indicatif::ProgressBar) -> EventHook {
    Arc::new(move |event: &Event| match event {
        Event::Progress(p) => {
            bar.set_position((p.fraction * 100.0) as u64);
            bar.set_message(format!(
                "{:.0} words/sec/thread",
                p.words_per_sec_per_thread
            ));
        }
        other => terminal(other),
    })
}

fn print_summary(global: &GlobalArgs, s: &Summary, output_on_stdout: bool) -> Result<()> {
    if global.json {
        let line = serde_json::to_string(s)
            .map_err(|e| Error::config(format!("cannot print JSON: {e}")))?;
        if output_on_stdout {
            errln!("{line}");
            return Ok(());
        }
        return outln!("{line}");
    }
    log::info(format!(
        "preprocessed {} lines: {} tokens in, {} tokens out, {} types, {:.1} MB in {:.2} s ({:.1} MB/s){}",
        s.lines,
        s.tokens_in,
        s.tokens_out,
        s.types,
        s.bytes as f64 / 1e6,
        s.seconds,
        s.mb_per_second,
        if s.invalid_utf8 > 0 { format!(", {} invalid UTF-8 sequences replaced", s.invalid_utf8) } else { String::new() }
    ));
    Ok(())
}
