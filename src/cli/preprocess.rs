//! `blazetext preprocess`: run the text pipeline over a corpus, one output line per input line.

use super::events::Terminal;
use super::pipeline_args::{PipelineArgs, SpellingArgs};
use super::GlobalArgs;
use crate::log;
use blazetext::corpus::Corpus;
use blazetext::events::Reporter;
use blazetext::io_util::AtomicFile;
use blazetext::text::Pipeline;
use blazetext::CancelFlag;
use blazetext::{Error, Result};
use std::hash::BuildHasher;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

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

/// The output of one chunk: its text and token figures.
struct ChunkOutput {
    text: Vec<u8>,
    bytes: u64,
    tokens_in: u64,
    tokens_out: u64,
}

pub fn run(global: &GlobalArgs, args: &Args) -> Result<()> {
    let start = Instant::now();
    let corpus = Corpus::open(
        &args.inputs,
        &Reporter::new(Some(Terminal::new(global).hook()), CancelFlag::new()),
    )?;
    let mut pipeline = args.pipeline.to_pipeline(Pipeline::default())?;
    let corrections = args.spelling.apply(&corpus, &mut pipeline)?;
    if let Some(path) = &args.pipeline.save_pipeline_config {
        // Saved again so that the file includes the spelling corrections just learned.
        pipeline.save(path)?;
    }
    let processor = pipeline.processor()?;
    let to_stdout = args.output.as_os_str() == "-";
    let mut file = if to_stdout {
        None
    } else {
        Some(AtomicFile::create(&args.output)?)
    };
    let stdout = std::io::stdout();
    let mut sink: Box<dyn Write> = match file.as_mut() {
        Some(f) => Box::new(std::io::BufWriter::with_capacity(1 << 20, f)),
        None => Box::new(std::io::BufWriter::new(stdout.lock())),
    };
    let total_bytes: u64 = corpus
        .inputs()
        .iter()
        .filter_map(|i| match i {
            blazetext::corpus::Input::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            blazetext::corpus::Input::Stdin => None,
        })
        .sum();
    let bar = log::progress_bar(
        total_bytes,
        "{bar:40} {percent:>3}% {binary_bytes_per_sec} ETA {eta}",
    );
    let mut summary = Summary {
        lines: 0,
        tokens_in: 0,
        tokens_out: 0,
        types: 0,
        bytes: 0,
        invalid_utf8: 0,
        seconds: 0.0,
        mb_per_second: 0.0,
        spelling_corrections: corrections.len(),
    };
    // A whitespace split of the raw line stands for "tokens in": what a user sees as words.
    // Types are counted as hashes of the distinct tokens, one set per thread merged at the end:
    // no strings stored, and a 64-bit collision among a few million types is vanishingly unlikely.
    let (stats, states) = corpus.par_map_chunks_with_states(
        || (processor.clone(), hashbrown::HashSet::<u64>::new()),
        |(processor, types), chunk| {
            let mut out = ChunkOutput {
                text: Vec::with_capacity(chunk.text.len()),
                bytes: chunk.text.len() as u64,
                tokens_in: 0,
                tokens_out: 0,
            };
            let hasher = foldhash::fast::FixedState::with_seed(0);
            // Most tokens are frequent words: a direct-mapped cache of recently seen hashes
            // (128 KiB, small enough to stay in a core's cache) spares the set most look-ups.
            let mut recent = vec![0u64; 1 << 14];
            for (_, line) in chunk.lines() {
                out.tokens_in += count_words(line);
                let mut first = true;
                processor.for_each_token(line, |token| {
                    if !first {
                        out.text.push(b' ');
                    }
                    first = false;
                    out.text.extend_from_slice(token.as_bytes());
                    out.tokens_out += 1;
                    let hash = hasher.hash_one(token);
                    let slot = &mut recent[(hash >> 50) as usize];
                    if *slot != hash {
                        *slot = hash;
                        types.insert(hash);
                    }
                });
                out.text.push(b'\n');
            }
            out
        },
        |out| {
            sink.write_all(&out.text)
                .map_err(|e| Error::io(&args.output, e))?;
            summary.tokens_in += out.tokens_in;
            summary.tokens_out += out.tokens_out;
            bar.inc(out.bytes);
            Ok(())
        },
    )?;
    sink.flush().map_err(|e| Error::io(&args.output, e))?;
    drop(sink);
    bar.finish_and_clear();
    if let Some(file) = file {
        file.commit()?;
    }
    summary.lines = stats.lines;
    summary.bytes = stats.bytes;
    summary.invalid_utf8 = stats.invalid_utf8;
    let mut sets: Vec<hashbrown::HashSet<u64>> = states.into_iter().map(|(_, t)| t).collect();
    sets.sort_unstable_by_key(|t| std::cmp::Reverse(t.len()));
    let mut sets = sets.into_iter();
    let mut types = sets.next().unwrap_or_default();
    sets.for_each(|t| types.extend(t));
    summary.types = types.len();
    summary.seconds = start.elapsed().as_secs_f64();
    summary.mb_per_second = stats.bytes as f64 / 1e6 / summary.seconds.max(1e-9);
    report(global, &summary, to_stdout);
    Ok(())
}

/// The first bytes of every non-ASCII whitespace character (U+0085, U+00A0, U+1680, U+2000 to
/// U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
const UNICODE_SPACE_LEADS: [u8; 4] = [0xC2, 0xE1, 0xE2, 0xE3];

/// `line.split_whitespace().count()`, several times faster: words start where a non-space byte
/// follows a space, which is counted over the bytes in blocks the compiler vectorizes. Only a line
/// holding a non-ASCII whitespace character (rare) is counted character by character.
fn count_words(line: &str) -> u64 {
    let bytes = line.as_bytes();
    if !line.is_ascii() {
        let [a, b, c, d] = UNICODE_SPACE_LEADS;
        let mut leads = memchr::memchr3_iter(a, b, c, bytes).chain(memchr::memchr_iter(d, bytes));
        if leads.any(|i| line[i..].starts_with(char::is_whitespace)) {
            return line.split_whitespace().count() as u64;
        }
    }
    // Every other byte of a non-ASCII character is a word byte.
    let space = |b: u8| b == b' ' || (b'\t'..=b'\r').contains(&b);
    let Some(&first) = bytes.first() else {
        return 0;
    };
    let pairs = bytes.len() - 1;
    let mut words = u64::from(!space(first));
    for start in (0..pairs).step_by(4096) {
        let end = (start + 4096).min(pairs);
        let starts: u32 = bytes[start..end]
            .iter()
            .zip(&bytes[start + 1..end + 1])
            .map(|(&before, &at)| u32::from(space(before) & !space(at)))
            .sum();
        words += u64::from(starts);
    }
    words
}

fn report(global: &GlobalArgs, s: &Summary, output_on_stdout: bool) {
    if global.json {
        let line = serde_json::to_string(s).expect("summary serializes");
        if output_on_stdout {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
        return;
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_unicode_space_starts_with_a_listed_byte() {
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            if c.is_whitespace() {
                let mut utf8 = [0u8; 4];
                let first = c.encode_utf8(&mut utf8).as_bytes()[0];
                assert!(UNICODE_SPACE_LEADS.contains(&first), "{c:?}");
            }
        }
    }

    #[test]
    fn counts_words_like_split_whitespace() {
        let long = "word ".repeat(3000) + "\tend";
        for line in [
            "",
            " ",
            "one",
            " two  words ",
            "a\x0bb\x0cc\rd",
            "tab\tsep",
            "nbsp\u{a0}here",
            "em\u{2003}space — dash “quotes”",
            "\u{3000}ideographic\u{3000}",
            "café crème",
            &long,
        ] {
            assert_eq!(
                count_words(line),
                line.split_whitespace().count() as u64,
                "{line:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn counts_words_like_split_whitespace_on_any_text(line in "[ \t\u{a0}\u{2009}a-cé—\u{1680}\u{85}]{0,40}") {
            prop_assert_eq!(count_words(&line), line.split_whitespace().count() as u64);
        }
    }
}
