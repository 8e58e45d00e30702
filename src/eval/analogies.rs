//! Analogy accuracy on files in the layout of word2vec's `questions-words.txt`: sections start
//! with `: name`, every other line is `a b c d` meaning "a is to b as c is to d".
//!
//! Semantics follow word2vec's `compute-accuracy` (and gensim's `evaluate_word_analogies`):
//! only the `restrict_vocab` most frequent words are searched and may appear in a question
//! (other questions are skipped and lower the coverage), a, b and c are never answers, and
//! words are compared case-insensitively unless case folding is turned off. Sections whose
//! name starts with `gram` are syntactic, the others semantic.

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::eval::Lookup;
use crate::query::{AnalogyMethod, Index};
use crate::{Error, Result};

/// How [`WordVectors::evaluate_analogies`](crate::WordVectors::evaluate_analogies) searches and matches words.
#[derive(Debug, Clone, Copy)]
pub struct AnalogyOptions {
    /// Search (and accept in questions) only the first this many words; word2vec uses 30000.
    pub restrict_vocab: usize,
    /// Compare words case-insensitively (the question file is in Title Case).
    pub case_fold: bool,
    /// How each question is answered.
    pub method: AnalogyMethod,
}

impl Default for AnalogyOptions {
    fn default() -> Self {
        AnalogyOptions {
            restrict_vocab: 30_000,
            case_fold: true,
            method: AnalogyMethod::CosAdd,
        }
    }
}

/// Counts for one section or a group of sections.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AnalogyScore {
    /// Questions in the file.
    pub questions: usize,
    /// Questions whose four words are all in the restricted vocabulary.
    pub answered: usize,
    /// Answered questions whose best answer is the expected word.
    pub correct: usize,
    /// `correct / answered` (0 when nothing was answered).
    pub accuracy: f64,
    /// `answered / questions`.
    pub coverage: f64,
}

impl AnalogyScore {
    fn add(&mut self, other: &AnalogyScore) {
        self.questions += other.questions;
        self.answered += other.answered;
        self.correct += other.correct;
        self.finish();
    }

    fn finish(&mut self) {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        self.accuracy = ratio(self.correct, self.answered);
        self.coverage = ratio(self.answered, self.questions);
    }
}

/// The figures of one `: name` section of a questions file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalogySection {
    /// The section's name, without the `:`.
    pub name: String,
    /// Whether the name starts with `gram` (syntactic questions).
    pub syntactic: bool,
    /// The section's counts.
    #[serde(flatten)]
    pub score: AnalogyScore,
}

/// Analogy accuracy per section, for semantic and syntactic sections, and in total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalogyReport {
    /// How the questions were answered.
    pub method: AnalogyMethod,
    /// Words searched: the option, capped at the vocabulary size.
    pub restrict_vocab: usize,
    /// Each section, in file order.
    pub sections: Vec<AnalogySection>,
    /// Sections whose name does not start with `gram`, together.
    pub semantic: AnalogyScore,
    /// Sections whose name starts with `gram`, together.
    pub syntactic: AnalogyScore,
    /// All sections together.
    pub total: AnalogyScore,
}

struct Question {
    section: usize,
    words: [String; 4],
}

/// Parses a questions file into sections and questions; malformed lines are errors with
/// their line number.
fn parse(path: &Path) -> Result<(Vec<String>, Vec<Question>)> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut sections: Vec<String> = Vec::new();
    let mut questions = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix(':') {
            sections.push(name.trim().to_string());
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let [a, b, c, d] = words[..] else {
            return Err(Error::input(
                path,
                Some(i as u64 + 1),
                format!(
                    "expected 4 words (`a b c d`: a is to b as c is to d) or a `: section` line, \
                     found {} words",
                    words.len()
                ),
            ));
        };
        if sections.is_empty() {
            sections.push("questions".to_string());
        }
        questions.push(Question {
            section: sections.len() - 1,
            words: [a, b, c, d].map(str::to_string),
        });
    }
    if questions.is_empty() {
        return Err(Error::input(
            path,
            None,
            "no questions found; expected lines `a b c d` under `: section` headers",
        ));
    }
    Ok((sections, questions))
}

/// Evaluates `index` (most frequent words first) on the questions in `path`.
pub fn evaluate_analogies(
    index: &Index,
    path: &Path,
    opts: &AnalogyOptions,
) -> Result<AnalogyReport> {
    let (names, questions) = parse(path)?;
    let limit = opts.restrict_vocab.min(index.len());
    let lookup = Lookup::new(index.words(), limit, opts.case_fold);
    // Per question: None = not answerable, Some(correct?).
    let outcomes: Vec<Option<bool>> = questions
        .par_iter()
        .map(|q| {
            let ids: Vec<u32> = q
                .words
                .iter()
                .map(|w| lookup.get(w))
                .collect::<Option<_>>()?;
            let v = |i: usize| index.unit_vector(ids[i]);
            let best = index.analogy(opts.method, v(0), v(1), v(2), 1, &ids[..3], limit);
            Some(best.first().is_some_and(|n| n.id == ids[3]))
        })
        .collect();
    let mut scores = vec![AnalogyScore::default(); names.len()];
    for (q, outcome) in questions.iter().zip(&outcomes) {
        let s = &mut scores[q.section];
        s.questions += 1;
        if let Some(correct) = outcome {
            s.answered += 1;
            s.correct += usize::from(*correct);
        }
    }
    let (mut semantic, mut syntactic, mut total) = (
        AnalogyScore::default(),
        AnalogyScore::default(),
        AnalogyScore::default(),
    );
    let mut sections = Vec::with_capacity(names.len());
    for (name, mut score) in names.into_iter().zip(scores) {
        score.finish();
        let is_syntactic = name.starts_with("gram");
        if is_syntactic {
            &mut syntactic
        } else {
            &mut semantic
        }
        .add(&score);
        total.add(&score);
        sections.push(AnalogySection {
            name,
            syntactic: is_syntactic,
            score,
        });
    }
    Ok(AnalogyReport {
        method: opts.method,
        restrict_vocab: limit,
        sections,
        semantic,
        syntactic,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::Matrix;

    /// Axes: male, female, royal, plural. Each analogy below was checked by hand.
    fn index() -> Index {
        let rows: &[(&str, [f32; 4])] = &[
            ("man", [1.0, 0.0, 0.0, 0.0]),
            ("woman", [0.0, 1.0, 0.0, 0.0]),
            ("king", [1.0, 0.0, 1.0, 0.0]),
            ("queen", [0.0, 1.0, 1.0, 0.0]),
            ("men", [1.0, 0.0, 0.0, 1.0]),
            ("kings", [1.0, 0.0, 1.0, 1.0]),
            ("rare", [0.0, 0.0, 0.0, -1.0]),
        ];
        let words = rows.iter().map(|r| r.0.to_string()).collect();
        let data = rows.iter().flat_map(|r| r.1).collect();
        Index::from_vectors(words, Matrix::from_vec(rows.len(), 4, data))
    }

    fn run(content: &str, opts: AnalogyOptions) -> Result<AnalogyReport> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.txt");
        std::fs::write(&path, content).unwrap();
        evaluate_analogies(&index(), &path, &opts)
    }

    #[test]
    fn counts_sections_accuracy_and_coverage() {
        let content = ": family\nMan King Woman Queen\nKing Man Queen Woman\nman woman rare men\n\
                       : gram9-plural\nman men king kings\nman men dog dogs\n";
        let r = run(content, AnalogyOptions::default()).unwrap();
        assert_eq!(r.sections.len(), 2);
        let fam = &r.sections[0].score;
        // Two exact analogies right; "man woman rare ?" answers queen, not men.
        assert_eq!((fam.questions, fam.answered, fam.correct), (3, 3, 2));
        let gram = &r.sections[1];
        assert!(gram.syntactic);
        // "dog" is unknown: one of two questions answerable.
        assert_eq!(
            (
                gram.score.questions,
                gram.score.answered,
                gram.score.correct
            ),
            (2, 1, 1)
        );
        assert_eq!(gram.score.coverage, 0.5);
        assert_eq!(
            (r.semantic.correct, r.syntactic.correct, r.total.correct),
            (2, 1, 3)
        );
        assert_eq!(r.total.answered, 4);
        assert_eq!(r.total.accuracy, 0.75);
        assert!((r.total.coverage - 0.8).abs() < 1e-12);
    }

    #[test]
    fn restrict_vocab_and_case_folding() {
        let content = ": family\nMan King Woman Queen\n";
        let opts = AnalogyOptions {
            case_fold: false,
            ..AnalogyOptions::default()
        };
        assert_eq!(run(content, opts).unwrap().total.answered, 0);
        // Only man, woman, king searchable: queen is out of the restricted vocabulary.
        let opts = AnalogyOptions {
            restrict_vocab: 3,
            ..AnalogyOptions::default()
        };
        let r = run(content, opts).unwrap();
        assert_eq!((r.total.questions, r.total.answered), (1, 0));
        assert_eq!(r.restrict_vocab, 3);
    }

    #[test]
    fn malformed_lines_name_the_line() {
        let e = run(": s\na b c d\na b c\n", AnalogyOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains(":3:") && e.contains("found 3 words"), "{e}");
        let e = run("\n: only\n", AnalogyOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("no questions"), "{e}");
    }
}
