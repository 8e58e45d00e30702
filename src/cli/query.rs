//! `nn`, `analogy`, `vectors` and `sentence-vectors`: questions asked of a trained model.
//!
//! Queries go through the model's text pipeline (saved in its manifest), so `King` finds
//! `king` in a lowercased model; without a manifest, words are taken as they are (fastText).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::json;

use super::output::{self, errln, Stdout};
use super::GlobalArgs;
use crate::log;
use blazetext::{AnalogyMethod, Error, Neighbour, Result, WordVectors};

/// Loads word vectors and logs what they are to stderr.
pub(crate) fn load_model(path: &Path) -> Result<WordVectors> {
    let start = Instant::now();
    let vectors = WordVectors::load(path)?;
    let subwords = match vectors.subwords() {
        Some(s) => format!("char n-grams {}-{}", s.minn, s.maxn),
        None => "no subwords".to_string(),
    };
    log::info(format!(
        "loaded {}: {} words, dim {}, {subwords} ({:.2} s)",
        path.display(),
        vectors.words().len(),
        vectors.dim(),
        start.elapsed().as_secs_f64()
    ));
    Ok(vectors)
}

/// Counts failed queries: each is reported on stderr as it happens, so one unknown word does
/// not stop a batch, and the command still ends with an error.
struct Failures<'a> {
    model: &'a Path,
    failed: usize,
    total: usize,
}

impl<'a> Failures<'a> {
    fn new(model: &'a Path) -> Self {
        Failures {
            model,
            failed: 0,
            total: 0,
        }
    }

    /// Records the outcome of one query; a failed write (`Error::Io`) stops the command.
    fn record(&mut self, outcome: Result<()>) -> Result<()> {
        self.total += 1;
        match outcome {
            Ok(()) => Ok(()),
            Err(e @ Error::Io { .. }) => Err(e),
            Err(e) => {
                errln!("error: {e}");
                self.failed += 1;
                Ok(())
            }
        }
    }

    fn finish(self) -> Result<()> {
        if self.failed == 0 {
            return Ok(());
        }
        Err(Error::model(
            self.model,
            format!(
                "{} of {} queries failed (see above)",
                self.failed, self.total
            ),
        ))
    }
}

/// Calls `f` with each argument, or else with each line of stdin. On a terminal, `prompt` is
/// shown on stderr before each line. Stops at the first error `f` returns.
fn for_each_query(
    args: &[String],
    prompt: &str,
    mut f: impl FnMut(&str) -> Result<()>,
) -> Result<()> {
    if !args.is_empty() {
        return args.iter().try_for_each(|a| f(a));
    }
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut lock = stdin.lock();
    let mut line = String::new();
    loop {
        if interactive {
            output::message(format_args!("{prompt}"));
        }
        line.clear();
        if lock
            .read_line(&mut line)
            .map_err(|e| Error::io("<stdin>", e))?
            == 0
        {
            return Ok(());
        }
        let query = line.trim();
        if !query.is_empty() {
            f(query)?;
        }
    }
}

fn print_neighbours(
    out: &mut Stdout,
    query: serde_json::Value,
    found: &[Neighbour],
    as_json: bool,
) -> Result<()> {
    write_neighbours(out, query, found, as_json).map_err(output::stdout_error)
}

fn write_neighbours(
    out: &mut impl Write,
    query: serde_json::Value,
    found: &[Neighbour],
    as_json: bool,
) -> std::io::Result<()> {
    if as_json {
        let list: Vec<_> = found
            .iter()
            .map(|n| json!({"word": n.word, "score": n.score}))
            .collect();
        writeln!(out, "{}", json!({"query": query, "neighbours": list}))?;
    } else {
        for n in found {
            writeln!(out, "{} {:.6}", n.word, n.score)?;
        }
        writeln!(out)?;
    }
    out.flush()
}

/// Parses `-k`: a search for no answers is a usage error.
fn at_least_one(value: &str) -> std::result::Result<usize, String> {
    match value.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(k) => Ok(k),
        Err(e) => Err(e.to_string()),
    }
}

const NN_EXAMPLES: &str = "\
Examples:
  blazetext nn model.bin king queen -k 5
  echo paris | blazetext nn model.vec --json";

/// Nearest neighbours of words by cosine similarity.
///
/// Out-of-vocabulary words get a vector from their character n-grams when the model has
/// subwords. Without WORDS, reads one query per line from stdin (with a `Query word?` prompt
/// on a terminal). --json prints one {"query", "neighbours": [{"word", "score"}]} per query.
#[derive(Debug, clap::Args)]
#[command(after_help = NN_EXAMPLES)]
pub struct NnArgs {
    /// Model: fastText/blazetext .bin, or word2vec .vec / binary
    pub model: PathBuf,
    /// Query words [default: one per line from stdin]
    pub words: Vec<String>,
    /// Number of neighbours to print
    #[arg(short, default_value_t = 10, value_parser = at_least_one)]
    pub k: usize,
}

pub fn nn(global: &GlobalArgs, args: &NnArgs) -> Result<()> {
    let vectors = load_model(&args.model)?;
    vectors.require_embeddings("nn")?;
    // More neighbours than words cannot be found; the search reserves room for k.
    let k = args.k.min(vectors.words().len());
    let mut out = output::buffered();
    let mut failures = Failures::new(&args.model);
    for_each_query(&args.words, "Query word? ", |word| {
        let outcome = vectors
            .nearest(word, k)
            .and_then(|found| print_neighbours(&mut out, json!(word), &found, global.json));
        failures.record(outcome)
    })?;
    failures.finish()
}

const ANALOGY_EXAMPLES: &str = "\
Examples:
  blazetext analogy model.bin man king woman        # king − man + woman → queen
  blazetext analogy model.bin paris france berlin --method 3cosmul -k 3
  echo 'man king woman' | blazetext analogy model.bin";

/// Answers "a is to b as c is to ?" with the words closest to b − a + c.
///
/// The argument order is a b c: `analogy man king woman` computes king − man + woman and
/// answers queen (man is to king as woman is to queen). a, b and c are never answers. Without
/// words, reads `a b c` triples from stdin, one per line.
#[derive(Debug, clap::Args)]
#[command(after_help = ANALOGY_EXAMPLES)]
pub struct AnalogyArgs {
    /// Model: fastText/blazetext .bin, or word2vec .vec / binary
    pub model: PathBuf,
    /// a b c: "a is to b as c is to ?" [default: `a b c` lines from stdin]
    #[arg(value_names = ["A", "B", "C"])]
    pub words: Vec<String>,
    /// Number of answers to print
    #[arg(short, default_value_t = 10, value_parser = at_least_one)]
    pub k: usize,
    /// 3cosadd: cos(x, b − a + c); 3cosmul: Levy & Goldberg's (cos+1)/2 products
    #[arg(long, value_enum, default_value_t = AnalogyMethod::CosAdd)]
    pub method: AnalogyMethod,
}

pub fn analogy(global: &GlobalArgs, args: &AnalogyArgs) -> Result<()> {
    if !args.words.is_empty() && args.words.len() != 3 {
        return Err(Error::config(format!(
            "analogy takes exactly three words a b c (\"a is to b as c is to ?\"), got {}",
            args.words.len()
        )));
    }
    let vectors = load_model(&args.model)?;
    vectors.require_embeddings("analogy")?;
    let k = args.k.min(vectors.words().len());
    let mut out = output::buffered();
    let mut failures = Failures::new(&args.model);
    let mut answer = |line: &str| -> Result<()> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let [a, b, c] = words[..] else {
            return Err(Error::config(format!(
                "expected three words `a b c`, got {}: `{line}`",
                words.len()
            )));
        };
        let found = vectors.analogy(a, b, c, k, args.method)?;
        print_neighbours(&mut out, json!([a, b, c]), &found, global.json)
    };
    if args.words.is_empty() {
        for_each_query(&[], "Query triplet (a b c)? ", |line| {
            failures.record(answer(line))
        })?;
        failures.finish()
    } else {
        answer(&args.words.join(" "))
    }
}

fn write_vector(
    out: &mut impl Write,
    label: Option<&str>,
    v: &[f32],
    as_json: bool,
) -> std::io::Result<()> {
    if as_json {
        let obj = match label {
            Some(w) => json!({"word": w, "vector": v}),
            None => json!({"vector": v}),
        };
        return writeln!(out, "{obj}");
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
    writeln!(out, "{line}")
}

const VECTORS_EXAMPLES: &str = "\
Examples:
  echo \"king queen\" | blazetext vectors model.bin
  blazetext vectors model.vec --json < words.txt";

/// Prints the vector of every word read from stdin as `word v1 v2 ...`.
///
/// Words are whitespace-separated, any number per line. Out-of-vocabulary words get their
/// subword vector when the model has subwords, and are an error otherwise.
#[derive(Debug, clap::Args)]
#[command(after_help = VECTORS_EXAMPLES)]
pub struct VectorsArgs {
    /// Model: fastText/blazetext .bin, or word2vec .vec / binary
    pub model: PathBuf,
}

pub fn vectors(global: &GlobalArgs, args: &VectorsArgs) -> Result<()> {
    let vectors = load_model(&args.model)?;
    let mut out = output::buffered();
    let mut failures = Failures::new(&args.model);
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| Error::io("<stdin>", e))?;
        for word in line.split_whitespace() {
            let outcome = vectors.query_vector(word).and_then(|v| {
                write_vector(&mut out, Some(word), &v, global.json).map_err(output::stdout_error)
            });
            failures.record(outcome)?;
        }
    }
    out.finish()?;
    failures.finish()
}

const SENTENCE_EXAMPLES: &str = "\
Examples:
  blazetext sentence-vectors model.bin < sentences.txt
  echo 'the cat sat on the mat' | blazetext sentence-vectors model.bin --json";

/// Prints one vector per line of stdin.
///
/// Embedding models: the average of the line's L2-normalised word vectors (fastText's
/// print-sentence-vectors). Supervised models: the average of the input rows the classifier
/// sees (words, subwords, word n-grams and the end-of-line token).
#[derive(Debug, clap::Args)]
#[command(after_help = SENTENCE_EXAMPLES)]
pub struct SentenceVectorsArgs {
    /// Model: fastText/blazetext .bin, or word2vec .vec / binary
    pub model: PathBuf,
}

pub fn sentence_vectors(global: &GlobalArgs, args: &SentenceVectorsArgs) -> Result<()> {
    let vectors = load_model(&args.model)?;
    let mut out = output::buffered();
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| Error::io("<stdin>", e))?;
        let v = vectors.sentence_vector(&line)?;
        write_vector(&mut out, None, &v, global.json).map_err(output::stdout_error)?;
    }
    out.finish()
}
