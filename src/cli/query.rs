//! `nn`, `analogy`, `vectors` and `sentence-vectors`: questions asked of a trained model.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde_json::json;

use crate::io::WordVectorModel;
use crate::query::{AnalogyMethod, Index, Neighbour};

/// Loads a model, logging what it is to stderr unless `quiet`.
pub(crate) fn load_model(path: &Path, quiet: bool) -> Result<WordVectorModel> {
    let start = Instant::now();
    let model = WordVectorModel::load(path)?;
    if !quiet {
        let subwords = match model.subwords() {
            Some(s) => format!("char n-grams {}-{}", s.minn, s.maxn),
            None => "no subwords".to_string(),
        };
        eprintln!(
            "loaded {}: {} words, dim {}, {subwords} ({:.2} s)",
            path.display(),
            model.words().len(),
            model.dim(),
            start.elapsed().as_secs_f64()
        );
    }
    Ok(model)
}

/// Words from the arguments, or else whitespace-separated from stdin. On a terminal, `prompt`
/// is shown (on stderr) before each line.
fn for_each_query(
    words: &[String],
    prompt: &str,
    mut f: impl FnMut(&str) -> Result<()>,
) -> Result<()> {
    if !words.is_empty() {
        return words.iter().try_for_each(|w| f(w));
    }
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut line = String::new();
    let mut lock = stdin.lock();
    loop {
        if interactive {
            eprint!("{prompt}");
        }
        line.clear();
        if lock.read_line(&mut line).context("reading stdin")? == 0 {
            return Ok(());
        }
        f(line.trim_end_matches(['\n', '\r']))?;
    }
}

fn print_neighbours(
    out: &mut impl Write,
    index: &Index,
    query: serde_json::Value,
    found: &[Neighbour],
    as_json: bool,
) -> Result<()> {
    if as_json {
        let list: Vec<_> = found
            .iter()
            .map(|n| json!({"word": index.word(n.id), "score": n.score}))
            .collect();
        writeln!(out, "{}", json!({"query": query, "neighbours": list}))?;
    } else {
        for n in found {
            writeln!(out, "{} {:.6}", index.word(n.id), n.score)?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

/// Reports a failed query on stderr and remembers that one failed, so the command still
/// answers the other queries but exits with an error.
fn report(failures: &mut usize, result: Result<()>) -> Result<()> {
    if let Err(e) = result {
        // A closed stdout (e.g. `| head`) ends the command quietly.
        if e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
        {
            return Err(e);
        }
        eprintln!("error: {e:#}");
        *failures += 1;
    }
    Ok(())
}

fn finish(failures: usize) -> Result<()> {
    if failures > 0 {
        bail!(
            "{failures} quer{} failed",
            if failures == 1 { "y" } else { "ies" }
        );
    }
    Ok(())
}

/// Nearest neighbours of words by cosine similarity.
///
/// Out-of-vocabulary words get a vector from their character n-grams when the model has
/// subwords. Without WORDS, reads one query per line from stdin (with a `Query word?` prompt on
/// a terminal).
///
/// Examples:
///   blazetext nn model.bin king queen -k 5
///   echo paris | blazetext nn model.vec --json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct NnArgs {
    /// Model: fastText/blazetext .bin, or word2vec .vec / binary.
    pub model: PathBuf,
    /// Query words (default: one per line from stdin).
    pub words: Vec<String>,
    /// Number of neighbours to print.
    #[arg(short, default_value_t = 10)]
    pub k: usize,
    /// One JSON object per query: {"query", "neighbours": [{"word", "score"}]}.
    #[arg(long)]
    pub json: bool,
    /// No log line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn nn(args: &NnArgs) -> Result<()> {
    let model = load_model(&args.model, args.quiet)?;
    model.require_embeddings("nn")?;
    let index = Index::new(&model);
    let mut out = std::io::stdout().lock();
    let mut failures = 0;
    for_each_query(&args.words, "Query word? ", |word| {
        let word = word.trim();
        if word.is_empty() {
            return Ok(());
        }
        let result = model
            .require_word_vector(word)
            .map_err(anyhow::Error::from)
            .and_then(|v| {
                let exclude: Vec<u32> = model.word_id(word).into_iter().collect();
                let found = index.nearest(&v, args.k, &exclude, usize::MAX);
                print_neighbours(&mut out, &index, json!(word), &found, args.json)
            });
        report(&mut failures, result)
    })?;
    finish(failures)
}

/// Answers "a is to b as c is to ?": the words closest to b − a + c.
///
/// The argument order is a, b, c: `analogy man king woman` computes king − man + woman and
/// answers queen (man is to king as woman is to queen). a, b and c are never answers. Without
/// words, reads `a b c` triples from stdin, one per line.
///
/// Examples:
///   blazetext analogy model.bin man king woman
///   blazetext analogy model.bin paris france berlin --method 3cosmul -k 3
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AnalogyArgs {
    /// Model: fastText/blazetext .bin, or word2vec .vec / binary.
    pub model: PathBuf,
    /// a b c: "a is to b as c is to ?" (default: `a b c` lines from stdin).
    pub words: Vec<String>,
    /// Number of answers to print.
    #[arg(short, default_value_t = 10)]
    pub k: usize,
    /// 3cosadd: cos(x, b − a + c); 3cosmul: Levy & Goldberg's multiplicative objective.
    #[arg(long, value_enum, default_value_t = AnalogyMethod::CosAdd)]
    pub method: AnalogyMethod,
    /// One JSON object per question: {"query": [a, b, c], "neighbours": [{"word", "score"}]}.
    #[arg(long)]
    pub json: bool,
    /// No log line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn analogy(args: &AnalogyArgs) -> Result<()> {
    if !args.words.is_empty() && args.words.len() != 3 {
        bail!(
            "analogy takes exactly three words a b c (\"a is to b as c is to ?\"), got {}",
            args.words.len()
        );
    }
    let model = load_model(&args.model, args.quiet)?;
    model.require_embeddings("analogy")?;
    let index = Index::new(&model);
    let mut out = std::io::stdout().lock();
    let mut failures = 0;
    let mut answer = |words: &[&str]| -> Result<()> {
        let [a, b, c] = words else {
            bail!(
                "expected three words `a b c`, got {}: {words:?}",
                words.len()
            );
        };
        let (va, vb, vc) = (
            model.require_word_vector(a)?,
            model.require_word_vector(b)?,
            model.require_word_vector(c)?,
        );
        let exclude: Vec<u32> = [a, b, c].iter().filter_map(|w| model.word_id(w)).collect();
        let found = index.analogy(args.method, &va, &vb, &vc, args.k, &exclude, usize::MAX);
        print_neighbours(&mut out, &index, json!([a, b, c]), &found, args.json)
    };
    if args.words.is_empty() {
        for_each_query(&[], "Query triplet (A - B + C)? ", |line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.is_empty() {
                return Ok(());
            }
            report(&mut failures, answer(&words))
        })?;
    } else {
        let words: Vec<&str> = args.words.iter().map(String::as_str).collect();
        report(&mut failures, answer(&words))?;
    }
    finish(failures)
}

fn write_vector(out: &mut impl Write, label: Option<&str>, v: &[f32], as_json: bool) -> Result<()> {
    if as_json {
        let obj = match label {
            Some(w) => json!({"word": w, "vector": v}),
            None => json!({"vector": v}),
        };
        writeln!(out, "{obj}")?;
        return Ok(());
    }
    let mut line = String::with_capacity(v.len() * 10);
    if let Some(w) = label {
        line.push_str(w);
    }
    for (i, x) in v.iter().enumerate() {
        use std::fmt::Write as _;
        if i > 0 || label.is_some() {
            line.push(' ');
        }
        let _ = write!(line, "{x}");
    }
    writeln!(out, "{line}")?;
    Ok(())
}

/// Prints the vector of every word read from stdin as `word v1 v2 ...`.
///
/// Words are whitespace-separated, any number per line. Out-of-vocabulary words get their
/// subword vector when the model has subwords, and are an error otherwise.
///
/// Example:
///   echo "king queen" | blazetext vectors model.bin
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct VectorsArgs {
    /// Model: fastText/blazetext .bin, or word2vec .vec / binary.
    pub model: PathBuf,
    /// One JSON object per word: {"word", "vector"}.
    #[arg(long)]
    pub json: bool,
    /// No log line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn vectors(args: &VectorsArgs) -> Result<()> {
    let model = load_model(&args.model, args.quiet)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failures = 0;
    for line in std::io::stdin().lock().lines() {
        let line = line.context("reading stdin")?;
        for word in line.split_whitespace() {
            let result = model
                .require_word_vector(word)
                .map_err(anyhow::Error::from)
                .and_then(|v| write_vector(&mut out, Some(word), &v, args.json));
            report(&mut failures, result)?;
        }
    }
    out.flush()?;
    finish(failures)
}

/// Prints one vector per line of stdin.
///
/// Embedding models: the average of the line's L2-normalised word vectors (fastText's
/// print-sentence-vectors). Supervised models: the average of the input rows the classifier
/// sees (words, subwords, word n-grams).
///
/// Example:
///   blazetext sentence-vectors model.bin < sentences.txt
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SentenceVectorsArgs {
    /// Model: fastText/blazetext .bin, or word2vec .vec / binary.
    pub model: PathBuf,
    /// One JSON object per line: {"vector"}.
    #[arg(long)]
    pub json: bool,
    /// No log line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn sentence_vectors(args: &SentenceVectorsArgs) -> Result<()> {
    let model = load_model(&args.model, args.quiet)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in std::io::stdin().lock().lines() {
        let line = line.context("reading stdin")?;
        let v = model.sentence_vector(line.split_whitespace());
        write_vector(&mut out, None, &v, args.json)?;
    }
    out.flush()?;
    Ok(())
}
