//! The report's figures against scikit-learn's `classification_report`, `confusion_matrix` and
//! `multilabel_confusion_matrix` on the same predictions. Skips (with a message) without the
//! Python with scikit-learn (`BLAZETEXT_PYTHON`, .venv/bin/python or python3).

mod common;

use blazetext::{Report, Tally};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

const SCRIPT: &str = r#"
import json, sys
import numpy as np
from sklearn.metrics import (classification_report, confusion_matrix, accuracy_score,
                             multilabel_confusion_matrix)
from sklearn.preprocessing import MultiLabelBinarizer
d = json.load(open(sys.argv[1]))
labels = d["labels"]
out = {}
if d["multi"]:
    mlb = MultiLabelBinarizer(classes=labels)
    yt = mlb.fit_transform(d["gold"]); yp = mlb.transform(d["pred"])
    rep = classification_report(yt, yp, target_names=labels, output_dict=True, zero_division=0)
    out["accuracy"] = accuracy_score(yt, yp)
    out["mcm"] = multilabel_confusion_matrix(yt, yp).tolist()
else:
    yt = [g[0] for g in d["gold"]]; yp = [p[0] for p in d["pred"]]
    rep = classification_report(yt, yp, labels=labels, output_dict=True, zero_division=0)
    out["accuracy"] = accuracy_score(yt, yp)
    out["cm"] = confusion_matrix(yt, yp, labels=labels).tolist()
out["report"] = rep
print(json.dumps(out))
"#;

const NAMES: [&str; 5] = [
    "__label__a",
    "__label__b",
    "__label__c",
    "__label__d",
    "__label__e",
];

fn random_data(multi: bool, seed: u64) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let pick = |rng: &mut Xoshiro256PlusPlus, max: usize| -> Vec<String> {
        let n = if multi {
            rng.gen_range(if max == 0 { 0 } else { 1 }..=2)
        } else {
            1
        };
        let mut v: Vec<String> = (0..n)
            .map(|_| NAMES[rng.gen_range(0..NAMES.len() - usize::from(max > 0))].to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let gold: Vec<Vec<String>> = (0..300).map(|_| pick(&mut rng, 1)).collect();
    // Predictions agree with gold 60% of the time; label e is only ever predicted.
    let pred: Vec<Vec<String>> = gold
        .iter()
        .map(|g| {
            if rng.gen_bool(0.6) {
                g.clone()
            } else {
                let mut p = pick(&mut rng, 0);
                if !multi && p.is_empty() {
                    p.push(NAMES[4].to_string());
                }
                p
            }
        })
        .collect();
    (gold, pred)
}

fn compare(multi: bool, seed: u64) {
    let Some(py) = common::python_with("sklearn") else {
        return;
    };
    let (gold, pred) = random_data(multi, seed);
    let mut tally = Tally::new(&NAMES);
    for (g, p) in gold.iter().zip(&pred) {
        tally.add(g, p);
    }
    let ours: Report = tally.report();
    assert_eq!(ours.multi_label, multi);
    let labels: Vec<String> = ours.labels.iter().map(|r| r.label.clone()).collect();
    let dir = common::temp_dir();
    let input = common::write(
        dir.path(),
        "preds.json",
        serde_json::json!({"labels": labels, "gold": gold, "pred": pred, "multi": multi})
            .to_string(),
    );
    let theirs = common::python_json(&py, SCRIPT, [&input]);
    let rep = &theirs["report"];
    let close = |a: f64, b: &serde_json::Value, what: &str| {
        let b = b
            .as_f64()
            .unwrap_or_else(|| panic!("{what}: missing in {rep}"));
        assert!((a - b).abs() < 1e-9, "{what}: ours {a}, scikit-learn {b}");
    };
    for row in &ours.labels {
        let s = &rep[&row.label];
        close(
            row.precision,
            &s["precision"],
            &format!("{} precision", row.label),
        );
        close(row.recall, &s["recall"], &format!("{} recall", row.label));
        close(row.f1, &s["f1-score"], &format!("{} f1", row.label));
        close(
            row.support as f64,
            &s["support"],
            &format!("{} support", row.label),
        );
    }
    close(ours.accuracy, &theirs["accuracy"], "accuracy");
    for (name, avg) in [
        ("macro avg", ours.macro_avg),
        ("weighted avg", ours.weighted),
    ] {
        close(
            avg.precision,
            &rep[name]["precision"],
            &format!("{name} precision"),
        );
        close(avg.recall, &rep[name]["recall"], &format!("{name} recall"));
        close(avg.f1, &rep[name]["f1-score"], &format!("{name} f1"));
    }
    if multi {
        let s = ours.samples.unwrap();
        close(
            s.precision,
            &rep["samples avg"]["precision"],
            "samples precision",
        );
        close(s.recall, &rep["samples avg"]["recall"], "samples recall");
        close(s.f1, &rep["samples avg"]["f1-score"], "samples f1");
        close(ours.micro.f1, &rep["micro avg"]["f1-score"], "micro f1");
        close(
            ours.micro.precision,
            &rep["micro avg"]["precision"],
            "micro precision",
        );
        for (row, m) in ours.labels.iter().zip(theirs["mcm"].as_array().unwrap()) {
            let c = row.counts;
            let want = serde_json::json!([
                [c.true_negatives, c.false_positives],
                [c.false_negatives, c.true_positives]
            ]);
            assert_eq!(&want, m, "2x2 matrix of {}", row.label);
        }
    } else {
        // With one prediction per example micro F1 equals accuracy, which is what sklearn prints.
        close(ours.micro.f1, &rep["accuracy"], "micro f1");
        let cm = ours.confusion.unwrap();
        assert_eq!(serde_json::json!(cm.matrix), theirs["cm"]);
    }
}

#[test]
fn multiclass_report_agrees_with_scikit_learn() {
    compare(false, 11);
    compare(false, 12);
}

#[test]
fn multilabel_report_agrees_with_scikit_learn() {
    compare(true, 21);
    compare(true, 22);
}
