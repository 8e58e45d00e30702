//! Classification metrics: fastText's `test` figures and scikit-learn-compatible reports.
//!
//! Two accumulators, because the two tools count differently:
//!
//! * [`PrecisionAtK`] reproduces fastText's `Meter`: over all examples, precision is the number of
//!   correct predicted labels divided by the number of predicted labels, and recall the same
//!   number divided by the number of gold labels (duplicates on a line count twice, as in
//!   fastText). For single-label data with `-k 1` and no threshold both equal accuracy, which is
//!   why fastText prints P@1 = R@1.
//! * [`Tally`] builds what `classification_report`, `confusion_matrix` and
//!   `multilabel_confusion_matrix` of scikit-learn give for the same predictions. Each example is
//!   a set of gold labels and a set of predicted labels (the indicator-matrix view), which for
//!   single-label data with exactly one prediction per example is the same as the multiclass
//!   view. Conventions, all as in scikit-learn with `zero_division=0`:
//!   - the labels reported are the union of the gold and the predicted labels, sorted by their
//!     text (scikit-learn's `unique_labels` order);
//!   - a ratio whose denominator is zero is 0 (precision of a label never predicted, recall of a
//!     label never in the gold data, F1 when precision + recall = 0);
//!   - F1 = 2·TP / (2·TP + FP + FN); macro = unweighted mean over labels; weighted = mean weighted
//!     by support; micro pools TP, FP and FN over labels;
//!   - accuracy is the fraction of examples whose predicted set equals the gold set (subset
//!     accuracy; plain accuracy for single-label data).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::{Error, Result};

/// Text columns are padded to the longest label up to this many characters; longer labels are
/// printed whole and push their row out of line (a format width cannot exceed 65,535 anyway).
const MAX_COLUMN: usize = 80;

/// Accumulates fastText's `test` figures: N, P@k and R@k.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PrecisionAtK {
    /// Examples evaluated.
    pub examples: u64,
    /// Gold labels over all examples (a label repeated on a line counts each time).
    pub gold: u64,
    /// Predicted labels over all examples.
    pub predicted: u64,
    /// Predicted labels that are among the example's gold labels.
    pub correct: u64,
}

impl PrecisionAtK {
    /// Records one example: its gold label ids and the predicted label ids.
    pub fn add(&mut self, gold: &[u32], predicted: &[u32]) {
        self.examples += 1;
        self.gold += gold.len() as u64;
        self.predicted += predicted.len() as u64;
        self.correct += predicted.iter().filter(|p| gold.contains(p)).count() as u64;
    }

    /// Adds the counts of another accumulator (for parallel evaluation).
    pub fn merge(&mut self, other: &PrecisionAtK) {
        self.examples += other.examples;
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.correct += other.correct;
    }

    /// Correct predicted labels / predicted labels; NaN when nothing was predicted, as in fastText.
    pub fn precision(&self) -> f64 {
        self.correct as f64 / self.predicted as f64
    }

    /// Correct predicted labels / gold labels; NaN when there were no gold labels, as in fastText.
    pub fn recall(&self) -> f64 {
        self.correct as f64 / self.gold as f64
    }
}

/// What `blazetext test` prints: fastText's N, precision@k and recall@k on a labelled file,
/// with what was left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestReport {
    /// Labels predicted per line (-1: all labels).
    pub k: i64,
    /// Minimum probability of a predicted label.
    pub threshold: f32,
    /// Lines evaluated: those with at least one label the model knows.
    pub examples: u64,
    /// Gold labels over all lines (a label repeated on a line counts each time).
    pub gold_labels: u64,
    /// Predicted labels over all lines.
    pub predicted_labels: u64,
    /// Predicted labels that are among their line's gold labels.
    pub correct: u64,
    /// `correct / predicted_labels`; NaN when nothing was predicted, as in fastText.
    pub precision: f64,
    /// `correct / gold_labels`; NaN when there were no gold labels, as in fastText.
    pub recall: f64,
    /// Non-blank lines without any label token (skipped).
    pub skipped_unlabelled: u64,
    /// Gold labels the model never saw in training; as in fastText they are not counted.
    pub unseen: UnseenLabels,
    /// Lines left out because all their labels are unseen.
    pub only_unseen_lines: u64,
}

impl TestReport {
    pub(crate) fn new(
        m: &PrecisionAtK,
        k: i64,
        threshold: f32,
        skipped_unlabelled: u64,
        unseen: UnseenLabels,
        only_unseen_lines: u64,
    ) -> TestReport {
        TestReport {
            k,
            threshold,
            examples: m.examples,
            gold_labels: m.gold,
            predicted_labels: m.predicted,
            correct: m.correct,
            precision: m.precision(),
            recall: m.recall(),
            skipped_unlabelled,
            unseen,
            only_unseen_lines,
        }
    }

    /// The three lines fastText's `test` prints (`N`, `P@k`, `R@k`, tab separated, 3 significant
    /// digits like C++'s `setprecision(3)`).
    pub fn to_text(&self) -> String {
        let k = self.k;
        format!(
            "N\t{}\nP@{k}\t{}\nR@{k}\t{}\n",
            self.examples,
            format_significant(self.precision, 3),
            format_significant(self.recall, 3)
        )
    }
}

/// Formats `x` as fastText prints its figures (C++ iostreams with `setprecision(digits)`):
/// `%.{digits}g` with trailing zeros removed.
///
/// ```
/// use blazetext::format_significant;
/// assert_eq!(format_significant(0.86312, 3), "0.863");
/// assert_eq!(format_significant(1.0, 3), "1");
/// assert_eq!(format_significant(0.0000123456, 3), "1.23e-05");
/// assert_eq!(format_significant(f64::NAN, 3), "nan");
/// ```
pub fn format_significant(x: f64, digits: usize) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let exponent = x.abs().log10().floor() as i32;
    // Rounding may carry into the next power of ten (0.9996 → 1.00).
    let rounded_exp = {
        let s = format!("{:.*e}", digits.saturating_sub(1), x);
        s.rsplit('e')
            .next()
            .and_then(|e| e.parse::<i32>().ok())
            .unwrap_or(exponent)
    };
    if rounded_exp < -4 || rounded_exp >= digits as i32 {
        let s = format!("{:.*e}", digits.saturating_sub(1), x);
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mantissa = trim_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (digits as i32 - 1 - rounded_exp).max(0) as usize;
        trim_zeros(&format!("{x:.decimals$}")).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Per-label counts, as in one 2×2 matrix of scikit-learn's `multilabel_confusion_matrix`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LabelCounts {
    /// Examples with the label among both gold and predicted labels.
    pub true_positives: u64,
    /// Examples with the label predicted but not gold.
    pub false_positives: u64,
    /// Examples with the label gold but not predicted.
    pub false_negatives: u64,
    /// Examples with the label neither gold nor predicted.
    pub true_negatives: u64,
}

/// Per-label figures of a report row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelRow {
    /// The label, prefix included (`__label__sports`).
    pub label: String,
    /// True positives / predicted (0 when never predicted).
    pub precision: f64,
    /// True positives / support (0 when the support is 0).
    pub recall: f64,
    /// 2·TP / (2·TP + FP + FN).
    pub f1: f64,
    /// Examples whose gold labels include this label.
    pub support: u64,
    /// Examples for which this label was predicted.
    pub predicted: u64,
    /// False if the model was never trained on this label.
    pub known: bool,
    /// The label's 2×2 counts.
    pub counts: LabelCounts,
}

/// Precision, recall and F1 of one averaging scheme.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Average {
    /// Averaged precision.
    pub precision: f64,
    /// Averaged recall.
    pub recall: f64,
    /// Averaged F1.
    pub f1: f64,
    /// Gold labels over all examples.
    pub support: u64,
}

/// Rows are gold labels, columns predicted labels, in `labels` order (scikit-learn's
/// `confusion_matrix(y_true, y_pred, labels=labels)`); only for single-label data. When a
/// threshold left some examples without a prediction, a last column `no_prediction` counts them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfusionMatrix {
    /// Row and column labels, sorted.
    pub labels: Vec<String>,
    /// `matrix[gold][predicted]`: examples.
    pub matrix: Vec<Vec<u64>>,
    /// Per gold label, examples with no prediction above the threshold (when any).
    pub no_prediction: Option<Vec<u64>>,
}

impl ConfusionMatrix {
    /// The matrix as CSV: a header row `gold\predicted,<labels…>[,(none)]`, then one row per
    /// gold label; fields with commas or quotes are quoted.
    pub fn to_csv(&self) -> String {
        let mut csv = String::from("gold\\predicted");
        for l in &self.labels {
            csv.push(',');
            csv.push_str(&csv_field(l));
        }
        if self.no_prediction.is_some() {
            csv.push_str(",(none)");
        }
        csv.push('\n');
        for (i, row) in self.matrix.iter().enumerate() {
            csv.push_str(&csv_field(&self.labels[i]));
            for v in row {
                let _ = write!(csv, ",{v}");
            }
            if let Some(none) = &self.no_prediction {
                let _ = write!(csv, ",{}", none[i]);
            }
            csv.push('\n');
        }
        csv
    }
}

/// Quotes a CSV field when it needs it.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Gold labels at test time the model never saw in training.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnseenLabels {
    /// Examples carrying at least one unseen label.
    pub examples: u64,
    /// Each unseen label and how many examples carry it, sorted by label.
    pub labels: Vec<(String, u64)>,
}

/// The full evaluation: what `blazetext report` prints, with scikit-learn's definitions (see
/// [`Report::to_text`] for the layout).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Labels predicted per line (-1: all labels).
    pub k: i64,
    /// Minimum probability of a predicted label.
    pub threshold: f32,
    /// Non-blank lines without any label token (skipped).
    pub skipped_unlabelled: u64,
    /// Examples scored: every line with a label.
    pub examples: u64,
    /// True when some example has other than one gold label.
    pub multi_label: bool,
    /// Share of examples whose predicted label set equals the gold set.
    pub accuracy: f64,
    /// One row per label (gold or predicted), sorted by label.
    pub labels: Vec<LabelRow>,
    /// TP, FP and FN pooled over labels.
    pub micro: Average,
    /// Unweighted mean over labels.
    pub macro_avg: Average,
    /// Mean over labels weighted by support.
    pub weighted: Average,
    /// scikit-learn's "samples avg": per-example figures averaged; multi-label data only.
    pub samples: Option<Average>,
    /// Gold × predicted counts; single-label data only.
    pub confusion: Option<ConfusionMatrix>,
    /// Gold labels the model never saw in training (counted, with recall 0).
    pub unseen: UnseenLabels,
}

/// Accumulates gold and predicted label sets and produces a [`Report`].
#[derive(Debug, Clone, Default)]
pub struct Tally {
    known: HashSet<String>,
    names: Vec<String>,
    index: HashMap<String, usize>,
    counts: Vec<LabelCounts>,
    examples: u64,
    exact: u64,
    multi_label: bool,
    /// (gold, predicted) → examples; `None` = nothing predicted. Single-label examples only.
    pairs: HashMap<(usize, Option<usize>), u64>,
    samples_precision: f64,
    samples_recall: f64,
    samples_f1: f64,
    unseen: BTreeMap<String, u64>,
    unseen_examples: u64,
    /// How the predictions were made, recorded in the report.
    k: i64,
    threshold: f32,
    skipped_unlabelled: u64,
}

impl Tally {
    /// `known_labels`: the labels the model was trained on, to count the unseen ones. The
    /// predictions are taken to be each example's top label (see [`Tally::scored_with`]).
    pub fn new<S: AsRef<str>>(known_labels: &[S]) -> Tally {
        Tally {
            known: known_labels
                .iter()
                .map(|s| s.as_ref().to_string())
                .collect(),
            k: 1,
            ..Tally::default()
        }
    }

    /// Records that the predictions are the `k` most probable labels (-1: all) with probability
    /// at least `threshold`.
    pub fn scored_with(mut self, k: i64, threshold: f32) -> Tally {
        self.k = k;
        self.threshold = threshold;
        self
    }

    /// Counts `lines` that had no label and were left out.
    pub fn skip_unlabelled(&mut self, lines: u64) {
        self.skipped_unlabelled += lines;
    }

    fn id(&mut self, label: &str) -> usize {
        if let Some(&i) = self.index.get(label) {
            return i;
        }
        let i = self.names.len();
        self.names.push(label.to_string());
        self.index.insert(label.to_string(), i);
        self.counts.push(LabelCounts::default());
        i
    }

    /// Records one example. Repeated labels within `gold` or `predicted` count once.
    pub fn add<S: AsRef<str>, T: AsRef<str>>(&mut self, gold: &[S], predicted: &[T]) {
        let mut g: Vec<usize> = gold.iter().map(|s| self.id(s.as_ref())).collect();
        let mut p: Vec<usize> = predicted.iter().map(|s| self.id(s.as_ref())).collect();
        g.sort_unstable();
        g.dedup();
        p.sort_unstable();
        p.dedup();
        self.examples += 1;
        if g == p {
            self.exact += 1;
        }
        let mut unseen_here = false;
        for &l in &g {
            if !self.known.contains(&self.names[l]) {
                *self.unseen.entry(self.names[l].clone()).or_insert(0) += 1;
                unseen_here = true;
            }
        }
        self.unseen_examples += u64::from(unseen_here);
        let hits = p.iter().filter(|l| g.contains(l)).count();
        for &l in &p {
            if g.contains(&l) {
                self.counts[l].true_positives += 1;
            } else {
                self.counts[l].false_positives += 1;
            }
        }
        for &l in &g {
            if !p.contains(&l) {
                self.counts[l].false_negatives += 1;
            }
        }
        let sp = ratio(hits as f64, p.len() as f64);
        let sr = ratio(hits as f64, g.len() as f64);
        self.samples_precision += sp;
        self.samples_recall += sr;
        self.samples_f1 += ratio(2.0 * hits as f64, (p.len() + g.len()) as f64);
        if g.len() == 1 && p.len() <= 1 {
            *self.pairs.entry((g[0], p.first().copied())).or_insert(0) += 1;
        }
        if g.len() != 1 {
            self.multi_label = true;
        }
    }

    /// Number of examples recorded so far.
    pub fn examples(&self) -> u64 {
        self.examples
    }

    /// Computes every figure; see the module comment for the definitions.
    pub fn report(&self) -> Report {
        let mut order: Vec<usize> = (0..self.names.len()).collect();
        order.sort_by(|&a, &b| self.names[a].cmp(&self.names[b]));
        let rows: Vec<LabelRow> = order
            .iter()
            .map(|&l| {
                let c = self.counts[l];
                let support = c.true_positives + c.false_negatives;
                let predicted = c.true_positives + c.false_positives;
                let tp = c.true_positives as f64;
                LabelRow {
                    label: self.names[l].clone(),
                    precision: ratio(tp, predicted as f64),
                    recall: ratio(tp, support as f64),
                    f1: ratio(
                        2.0 * tp,
                        (2 * c.true_positives + c.false_positives + c.false_negatives) as f64,
                    ),
                    support,
                    predicted,
                    known: self.known.contains(&self.names[l]),
                    counts: LabelCounts {
                        true_negatives: self.examples - support - c.false_positives,
                        ..c
                    },
                }
            })
            .collect();
        let total_support: u64 = rows.iter().map(|r| r.support).sum();
        let (tp, fp, fneg) = rows.iter().fold((0u64, 0u64, 0u64), |(a, b, c), r| {
            (
                a + r.counts.true_positives,
                b + r.counts.false_positives,
                c + r.counts.false_negatives,
            )
        });
        let micro = Average {
            precision: ratio(tp as f64, (tp + fp) as f64),
            recall: ratio(tp as f64, (tp + fneg) as f64),
            f1: ratio(2.0 * tp as f64, (2 * tp + fp + fneg) as f64),
            support: total_support,
        };
        let n = rows.len() as f64;
        let mean = |f: &dyn Fn(&LabelRow) -> f64| ratio(rows.iter().map(f).sum::<f64>(), n);
        let macro_avg = Average {
            precision: mean(&|r| r.precision),
            recall: mean(&|r| r.recall),
            f1: mean(&|r| r.f1),
            support: total_support,
        };
        let wmean = |f: &dyn Fn(&LabelRow) -> f64| {
            ratio(
                rows.iter().map(|r| f(r) * r.support as f64).sum::<f64>(),
                total_support as f64,
            )
        };
        let weighted = Average {
            precision: wmean(&|r| r.precision),
            recall: wmean(&|r| r.recall),
            f1: wmean(&|r| r.f1),
            support: total_support,
        };
        let samples = self.multi_label.then(|| Average {
            precision: ratio(self.samples_precision, self.examples as f64),
            recall: ratio(self.samples_recall, self.examples as f64),
            f1: ratio(self.samples_f1, self.examples as f64),
            support: total_support,
        });
        Report {
            k: self.k,
            threshold: self.threshold,
            skipped_unlabelled: self.skipped_unlabelled,
            examples: self.examples,
            multi_label: self.multi_label,
            accuracy: ratio(self.exact as f64, self.examples as f64),
            confusion: (!self.multi_label).then(|| self.confusion(&order)),
            labels: rows,
            micro,
            macro_avg,
            weighted,
            samples,
            unseen: self.unseen(),
        }
    }

    /// The gold labels recorded so far that the model does not know.
    pub fn unseen(&self) -> UnseenLabels {
        UnseenLabels {
            examples: self.unseen_examples,
            labels: self.unseen.iter().map(|(l, c)| (l.clone(), *c)).collect(),
        }
    }

    fn confusion(&self, order: &[usize]) -> ConfusionMatrix {
        let mut position = vec![0; self.names.len()];
        for (pos, &l) in order.iter().enumerate() {
            position[l] = pos;
        }
        let k = order.len();
        let mut matrix = vec![vec![0u64; k]; k];
        let mut none = vec![0u64; k];
        for (&(g, p), &count) in &self.pairs {
            match p {
                Some(p) => matrix[position[g]][position[p]] += count,
                None => none[position[g]] += count,
            }
        }
        ConfusionMatrix {
            labels: order.iter().map(|&l| self.names[l].clone()).collect(),
            matrix,
            no_prediction: none.iter().any(|&c| c > 0).then_some(none),
        }
    }
}

/// `num / den`, or 0 when `den` is 0 (scikit-learn's `zero_division=0`).
fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

impl Report {
    /// Writes the confusion matrix as CSV (see [`ConfusionMatrix::to_csv`]) to `path`, under a
    /// temporary name renamed when complete.
    ///
    /// Errors: [`Error::Config`] for multi-label data, which has no single confusion matrix;
    /// [`Error::Io`] when the file cannot be written.
    pub fn write_confusion_csv(&self, path: &Path) -> Result<()> {
        let Some(cm) = &self.confusion else {
            return Err(Error::config(
                "--confusion-csv: the data is multi-label, which has no single confusion matrix; \
                 see the per-label counts in the report",
            ));
        };
        let csv = cm.to_csv();
        crate::io::write_atomically(path, |w| std::io::Write::write_all(w, csv.as_bytes()))
    }

    /// A plain-text rendering in the layout of scikit-learn's `classification_report`, followed
    /// by the confusion matrix (single-label data) and the unseen-label count.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let width = self
            .labels
            .iter()
            .map(|r| r.label.chars().count())
            .chain(["weighted avg".len()])
            .max()
            .unwrap_or(12)
            .min(MAX_COLUMN);
        let _ = writeln!(
            out,
            "{:>width$} {:>9} {:>9} {:>9} {:>9}\n",
            "", "precision", "recall", "f1-score", "support"
        );
        for r in &self.labels {
            let mark = if r.known { "" } else { "  (not in training)" };
            let _ = writeln!(
                out,
                "{:>width$} {:>9.4} {:>9.4} {:>9.4} {:>9}{mark}",
                r.label, r.precision, r.recall, r.f1, r.support
            );
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "{:>width$} {:>9} {:>9} {:>9.4} {:>9}",
            "accuracy", "", "", self.accuracy, self.examples
        );
        let mut avg = |name: &str, a: &Average| {
            let _ = writeln!(
                out,
                "{name:>width$} {:>9.4} {:>9.4} {:>9.4} {:>9}",
                a.precision, a.recall, a.f1, a.support
            );
        };
        avg("micro avg", &self.micro);
        avg("macro avg", &self.macro_avg);
        avg("weighted avg", &self.weighted);
        if let Some(s) = &self.samples {
            avg("samples avg", s);
        }
        if let Some(c) = &self.confusion {
            out.push_str("\nconfusion matrix (rows: gold, columns: predicted)\n");
            let mut header: Vec<String> = c.labels.clone();
            if c.no_prediction.is_some() {
                header.push("(none)".into());
            }
            let cell = header
                .iter()
                .map(|h| h.chars().count())
                .chain(c.matrix.iter().flatten().map(|v| v.to_string().len()))
                .max()
                .unwrap_or(1)
                .min(MAX_COLUMN);
            let _ = write!(out, "{:>width$}", "");
            for h in &header {
                let _ = write!(out, " {h:>cell$}");
            }
            out.push('\n');
            for (i, row) in c.matrix.iter().enumerate() {
                let _ = write!(out, "{:>width$}", c.labels[i]);
                for v in row {
                    let _ = write!(out, " {v:>cell$}");
                }
                if let Some(none) = &c.no_prediction {
                    let _ = write!(out, " {:>cell$}", none[i]);
                }
                out.push('\n');
            }
        } else {
            out.push_str("\nper-label counts (multi-label data)\n");
            let _ = writeln!(
                out,
                "{:>width$} {:>9} {:>9} {:>9} {:>9}",
                "", "tp", "fp", "fn", "tn"
            );
            for r in &self.labels {
                let c = r.counts;
                let _ = writeln!(
                    out,
                    "{:>width$} {:>9} {:>9} {:>9} {:>9}",
                    r.label,
                    c.true_positives,
                    c.false_positives,
                    c.false_negatives,
                    c.true_negatives
                );
            }
        }
        if self.unseen.examples > 0 {
            let list: Vec<String> = self
                .unseen
                .labels
                .iter()
                .map(|(l, c)| format!("{l} ({c})"))
                .collect();
            let _ = writeln!(
                out,
                "\n{} example(s) carry labels the model never saw in training: {}",
                self.unseen.examples,
                list.join(", ")
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn fasttext_precision_recall_counts_labels_not_examples() {
        let mut m = PrecisionAtK::default();
        // gold {0,1}, predicted {0,2}: one hit of two predictions, one of two gold labels.
        m.add(&[0, 1], &[0, 2]);
        // gold {2}, predicted {2}: a hit.
        m.add(&[2], &[2]);
        // gold {1}, nothing predicted (threshold): no prediction, one gold label missed.
        m.add(&[1], &[]);
        assert_eq!(m.examples, 3);
        close(m.precision(), 2.0 / 3.0);
        close(m.recall(), 2.0 / 4.0);
        let unseen = UnseenLabels {
            examples: 0,
            labels: Vec::new(),
        };
        let text = TestReport::new(&m, 2, 0.0, 0, unseen, 0).to_text();
        assert_eq!(text, "N\t3\nP@2\t0.667\nR@2\t0.5\n");
    }

    #[test]
    fn significant_digits_match_iostream() {
        assert_eq!(format_significant(1.0, 3), "1");
        assert_eq!(format_significant(0.5, 3), "0.5");
        assert_eq!(format_significant(0.86312, 3), "0.863");
        assert_eq!(format_significant(0.99961, 3), "1");
        assert_eq!(format_significant(0.000123456, 3), "0.000123");
        assert_eq!(format_significant(0.0000123456, 3), "1.23e-05");
        assert_eq!(format_significant(1234.0, 3), "1.23e+03");
        assert_eq!(format_significant(12.34, 3), "12.3");
        assert_eq!(format_significant(0.0, 3), "0");
        assert_eq!(format_significant(f64::NAN, 3), "nan");
    }

    /// y_true = [a, a, b, b, c], y_pred = [a, b, b, b, a]; by hand:
    /// a: TP 1, FP 1, FN 1 → P 1/2, R 1/2, F1 1/2, support 2
    /// b: TP 2, FP 1, FN 0 → P 2/3, R 1, F1 4/5, support 2
    /// c: TP 0, FP 0, FN 1 → P 0 (0/0), R 0, F1 0, support 1
    /// accuracy 3/5; macro F1 (1/2 + 4/5 + 0)/3 = 13/30; weighted F1 (1 + 8/5 + 0)/5 = 13/25.
    #[test]
    fn multiclass_report_matches_hand_computation() {
        let mut t = Tally::new(&["a", "b", "c"]);
        for (g, p) in [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b"), ("c", "a")] {
            t.add(&[g], &[p]);
        }
        let r = t.report();
        assert!(!r.multi_label);
        close(r.accuracy, 0.6);
        let [a, b, c] = [&r.labels[0], &r.labels[1], &r.labels[2]];
        assert_eq!(
            (a.label.as_str(), b.label.as_str(), c.label.as_str()),
            ("a", "b", "c")
        );
        close(a.precision, 0.5);
        close(a.recall, 0.5);
        close(a.f1, 0.5);
        close(b.precision, 2.0 / 3.0);
        close(b.recall, 1.0);
        close(b.f1, 0.8);
        close(c.precision, 0.0);
        close(c.recall, 0.0);
        close(c.f1, 0.0);
        assert_eq!((a.support, b.support, c.support), (2, 2, 1));
        close(r.macro_avg.f1, 13.0 / 30.0);
        close(r.macro_avg.precision, (0.5 + 2.0 / 3.0) / 3.0);
        close(r.weighted.f1, 13.0 / 25.0);
        close(r.weighted.recall, 0.6);
        close(r.micro.f1, 0.6);
        close(r.micro.precision, 0.6);
        let cm = r.confusion.unwrap();
        assert_eq!(cm.matrix, vec![vec![1, 1, 0], vec![0, 2, 0], vec![1, 0, 0]]);
        assert_eq!(cm.no_prediction, None);
        assert_eq!(r.unseen.examples, 0);
        // 2x2 per-label counts: a has TN = 5 - TP - FP - FN = 2.
        assert_eq!(a.counts.true_negatives, 2);
    }

    #[test]
    fn predicted_only_labels_are_reported_with_zero_support() {
        let mut t = Tally::new(&["x", "y"]);
        t.add(&["x"], &["y"]);
        t.add(&["x"], &["x"]);
        let r = t.report();
        assert_eq!(r.labels.len(), 2);
        assert_eq!(r.labels[1].label, "y");
        assert_eq!(r.labels[1].support, 0);
        close(r.labels[1].recall, 0.0);
        close(r.labels[1].precision, 0.0);
        // Macro F1 includes the zero-support label: (2/3 + 0) / 2.
        close(r.macro_avg.f1, 1.0 / 3.0);
        close(r.weighted.f1, 2.0 / 3.0);
    }

    /// Gold {a,b}, {b}, {c}; predicted {a}, {b,c}, {}:
    /// a: TP 1 → P 1, R 1; b: TP 1, FN 1 → P 1, R 1/2, F1 2/3; c: FP 1, FN 1 → 0.
    /// Micro: TP 2, FP 1, FN 2 → P 2/3, R 1/2, F1 4/7. Subset accuracy 0.
    /// Samples: P (1 + 1/2 + 0)/3 = 1/2, R (1/2 + 1 + 0)/3 = 1/2, F1 (2/3 + 2/3 + 0)/3 = 4/9.
    #[test]
    fn multilabel_report_matches_hand_computation() {
        let mut t = Tally::new(&["a", "b", "c"]);
        t.add(&["a", "b"], &["a"]);
        t.add(&["b"], &["b", "c"]);
        t.add(&["c"], &[] as &[&str]);
        let r = t.report();
        assert!(r.multi_label);
        assert!(r.confusion.is_none());
        close(r.accuracy, 0.0);
        close(r.labels[1].f1, 2.0 / 3.0);
        close(r.micro.precision, 2.0 / 3.0);
        close(r.micro.recall, 0.5);
        close(r.micro.f1, 4.0 / 7.0);
        let s = r.samples.unwrap();
        close(s.precision, 0.5);
        close(s.recall, 0.5);
        close(s.f1, 4.0 / 9.0);
        assert_eq!(r.labels[2].counts.true_negatives, 1);
        assert!(r.to_text().contains("per-label counts"));
    }

    #[test]
    fn unseen_labels_are_counted_and_missing_predictions_get_a_column() {
        let mut t = Tally::new(&["a", "b"]);
        t.add(&["a"], &["a"]);
        t.add(&["new"], &["b"]);
        t.add(&["new"], &[] as &[&str]);
        let r = t.report();
        assert_eq!(r.unseen.examples, 2);
        assert_eq!(r.unseen.labels, vec![("new".to_string(), 2)]);
        let row = r.labels.iter().find(|l| l.label == "new").unwrap();
        assert!(!row.known);
        close(row.recall, 0.0);
        let cm = r.confusion.as_ref().unwrap();
        assert_eq!(cm.no_prediction, Some(vec![0, 0, 1]));
        let text = r.to_text();
        assert!(text.contains("(not in training)"));
        assert!(text.contains("2 example(s) carry labels the model never saw"));
    }

    #[test]
    fn labels_longer_than_any_format_width_are_printed_whole() {
        let long = format!("__label__{}", "x".repeat(70_000));
        for multi_label in [false, true] {
            let mut t = Tally::new(&[long.as_str(), "b"]);
            t.add(&[long.as_str()], &[long.as_str()]);
            let predicted: &[&str] = if multi_label {
                &["b", long.as_str()]
            } else {
                &["b"]
            };
            t.add(&["b"], predicted);
            let text = t.report().to_text();
            assert!(text.contains(&long));
        }
    }

    #[test]
    fn empty_tally_reports_zeros() {
        let r = Tally::new(&["a"]).report();
        assert_eq!(r.examples, 0);
        close(r.accuracy, 0.0);
        close(r.macro_avg.f1, 0.0);
    }
}
