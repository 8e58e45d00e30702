//! `blazetext transform` end to end: SageMaker batch transform over local files with tiny
//! models trained on the shipped corpora (seconds each).

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{json, Value};

use common::{arg, blazetext, fails, json_lines, succeeds, temp_dir, write, write_lines};

const LABELLED_TEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample-labelled.test");

/// A small classifier trained on the shipped labelled sample, in `dir`.
fn classifier(dir: &Path) -> PathBuf {
    let train = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/sample-labelled.train");
    let prefix = dir.join("clf");
    succeeds(
        common::train("supervised", &train, &prefix)
            .args(["--vector-dim", "10", "--epochs", "5", "--buckets", "10000"])
            .args(["--threads", "1", "--quiet"]),
    );
    prefix.with_extension("bin")
}

/// The texts of the shipped labelled test file, without their labels.
fn texts(count: usize) -> Vec<String> {
    std::fs::read_to_string(LABELLED_TEST)
        .unwrap()
        .lines()
        .take(count)
        .map(|line| line.split_once(' ').unwrap().1.to_string())
        .collect()
}

/// `blazetext transform <model> <inputs…> -o <out>`, ready for more options.
fn transform(model: &Path, inputs: &[&Path], out: &Path) -> Command {
    let mut cmd = blazetext();
    cmd.arg("transform")
        .arg(model)
        .args(inputs)
        .arg("-o")
        .arg(out);
    cmd
}

/// The output file of `input` in `out`.
fn output_of(input: &Path, out: &Path) -> PathBuf {
    let mut name = input.file_name().unwrap().to_os_string();
    name.push(".out");
    out.join(name)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// `(label, probability)` of each line of `blazetext predict -k 1 --probabilities`.
fn predicted(model: &Path, input: &Path) -> Vec<(String, f64)> {
    let printed = succeeds(blazetext().arg("predict").arg(model).arg(input).arg("-p")).stdout;
    printed
        .lines()
        .map(|line| {
            let (label, prob) = line.split_once(' ').unwrap();
            (label.to_string(), prob.parse().unwrap())
        })
        .collect()
}

/// Checks that BlazingText lines `{"label": [l], "prob": [p]}` match `predict`'s answers.
fn assert_same_predictions(lines: &[Value], expected: &[(String, f64)]) {
    assert_eq!(lines.len(), expected.len());
    for (line, (label, prob)) in lines.iter().zip(expected) {
        assert_eq!(line.as_object().unwrap().len(), 2, "{line}");
        assert_eq!(line["label"], json!([label]), "{line}");
        let got = line["prob"][0].as_f64().unwrap();
        assert!((got - prob).abs() < 1e-5, "{got} vs {prob}");
    }
}

#[test]
fn json_lines_in_give_blazingtext_lines_out_as_predict_answers() {
    let dir = temp_dir();
    let model = classifier(dir.path());
    let texts = texts(40);
    let plain = write_lines(dir.path(), "texts.txt", &texts);
    let records: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| match i % 2 {
            0 => json!({ "source": t }).to_string(),
            _ => json!(t).to_string(),
        })
        .collect();
    let input = write_lines(dir.path(), "reviews.jsonl", &records);
    let out = dir.path().join("out");
    let printed = succeeds(&mut transform(&model, &[&input], &out));
    assert!(
        printed.stderr.contains("40 records, 0 errors") && printed.stderr.contains("records/s"),
        "{}",
        printed.stderr
    );
    assert!(printed.stdout.is_empty());
    let expected = predicted(&model, &plain);
    assert_same_predictions(&json_lines(&read(&output_of(&input, &out))), &expected);
    assert!(!out.join("reviews.jsonl.out.partial").exists());

    // One {"instances": [text]} document per line answers the same, unwrapped from its array.
    let documents: Vec<String> = texts
        .iter()
        .map(|t| json!({ "instances": [t] }).to_string())
        .collect();
    let documents = write_lines(dir.path(), "documents.json", &documents);
    succeeds(transform(&model, &[&documents], &out).args(["--content-type", "application/json"]));
    assert_same_predictions(&json_lines(&read(&output_of(&documents, &out))), &expected);
}

#[test]
fn plain_text_lines_one_file_as_one_record_and_folders() {
    let dir = temp_dir();
    let model = classifier(dir.path());
    let inputs = dir.path().join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    let plain = write_lines(&inputs, "a.txt", &texts(10));
    write_lines(&inputs, "b.txt", &texts(3));
    let out = dir.path().join("out");
    succeeds(transform(&model, &[&inputs], &out).args(["--content-type", "text/plain", "-q"]));
    let expected = predicted(&model, &plain);
    assert_same_predictions(&json_lines(&read(&out.join("a.txt.out"))), &expected);
    assert_eq!(read(&out.join("b.txt.out")).lines().count(), 3);

    // The whole file as one request, its answer written as the model gave it.
    let whole = dir.path().join("whole");
    succeeds(
        transform(&model, &[&plain], &whole)
            .args(["--content-type", "text/plain", "--split-type", "none"])
            .args(["--assemble-with", "none"]),
    );
    assert_eq!(read(&whole.join("a.txt.out")), read(&out.join("a.txt.out")));

    // CSV answers: label,probability per line; --json reports on stdout.
    let csv = dir.path().join("csv");
    let report = common::stdout_json(transform(&model, &[&plain], &csv).args([
        "--content-type",
        "text/plain",
        "--accept",
        "text/csv",
        "--json",
    ]));
    assert_eq!(
        (&report["records"], &report["errors"]),
        (&json!(10), &json!(0))
    );
    assert_eq!(report["files"][0]["output"], json!(csv.join("a.txt.out")));
    let rows = read(&csv.join("a.txt.out"));
    for (row, (label, _)) in rows.lines().zip(&expected) {
        assert!(row.starts_with(&format!("{label},")), "{row}");
    }
}

#[test]
fn bad_records_give_error_records_and_the_job_goes_on() {
    let dir = temp_dir();
    let model = classifier(dir.path());
    let mut content = Vec::new();
    content.extend_from_slice(b"{\"source\": \"a slow piano sonata\"}\n");
    content.extend_from_slice(b"{not json\n");
    content.extend_from_slice(b"\n");
    content.extend_from_slice(b"\"caf\xe9 latin-1\"\n");
    content.extend_from_slice(format!("\"{}\"\n", "long ".repeat(100)).as_bytes());
    content.extend_from_slice(b"{\"source\": 42}\n");
    content.extend_from_slice(b"\"the recipe needs flour\"\r\n");
    let input = write(dir.path(), "mixed.jsonl", &content);
    let out = dir.path().join("out");
    let printed = succeeds(transform(&model, &[&input], &out).args(["--max-payload-mb", "0.0002"]));
    assert!(
        printed.stderr.contains("7 records, 5 errors"),
        "{}",
        printed.stderr
    );
    let lines = json_lines(&read(&output_of(&input, &out)));
    assert_eq!(lines.len(), 7);
    for (i, line) in lines.iter().enumerate() {
        let bad = (1..=5).contains(&i);
        assert_eq!(line.get("error").is_some(), bad, "line {}: {line}", i + 1);
        if bad {
            assert_eq!(line["line"], json!(i + 1), "{line}");
        } else {
            assert!(line["label"][0].as_str().unwrap().starts_with("__label__"));
        }
    }
    let message = |i: usize| lines[i]["error"].as_str().unwrap().to_string();
    assert!(message(1).contains("JSON"), "{}", message(1));
    assert!(message(2).contains("empty"), "{}", message(2));
    assert!(message(3).contains("UTF-8"), "{}", message(3));
    assert!(
        message(4).contains("bytes, more than the limit"),
        "{}",
        message(4)
    );
    assert!(message(5).contains("expected a string"), "{}", message(5));

    // --strict stops at the first bad record, naming file and line; the good ones before it
    // stay in the partial output.
    let strict = dir.path().join("strict");
    let stderr = fails(
        transform(&model, &[&input], &strict).arg("--strict"),
        1,
        &["mixed.jsonl:2:", "--strict"],
    );
    assert!(stderr.contains("JSON"), "{stderr}");
    assert!(!strict.join("mixed.jsonl.out").exists());
    assert_eq!(
        read(&strict.join("mixed.jsonl.out.partial"))
            .lines()
            .count(),
        1
    );
}

#[test]
fn input_filter_join_and_output_filter() {
    let dir = temp_dir();
    let model = classifier(dir.path());
    let texts = texts(5);
    let records: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| format!(r#"{{"id":{i},"text":{},"gold":"?"}}"#, json!(t)))
        .collect();
    let input = write_lines(dir.path(), "records.jsonl", &records);
    let plain = write_lines(dir.path(), "plain.txt", &texts);
    let expected = predicted(&model, &plain);
    let out = dir.path().join("out");
    succeeds(
        transform(&model, &[&input], &out)
            .args(["--input-filter", "$.text", "--join-source", "input"])
            .args(["--output-filter", "$['id','SageMakerOutput']"]),
    );
    let joined = read(&output_of(&input, &out));
    for (i, line) in joined.lines().enumerate() {
        assert!(
            line.starts_with(&format!("{{\"id\":{i},\"SageMakerOutput\":")),
            "{line}"
        );
    }
    let outputs: Vec<Value> = json_lines(&joined)
        .into_iter()
        .map(|line| line["SageMakerOutput"].clone())
        .collect();
    assert_same_predictions(&outputs, &expected);

    // Without an output filter the whole input record comes first, fields in their order.
    succeeds(transform(&model, &[&input], &out).args([
        "--input-filter",
        "$.text",
        "--join-source",
        "input",
    ]));
    let first = read(&output_of(&input, &out))
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(first.starts_with("{\"id\":0,\"text\":"), "{first}");
    assert!(
        first.contains("\"gold\":\"?\",\"SageMakerOutput\":{"),
        "{first}"
    );

    // CSV: the text column is sent, the answer's columns are appended, two columns kept.
    let rows: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{i},\"{}\"", t.replace('"', "\"\"")))
        .collect();
    let csv = write_lines(dir.path(), "records.csv", &rows);
    succeeds(
        transform(&model, &[&csv], &out)
            .args(["--content-type", "text/csv", "--accept", "text/csv"])
            .args(["--input-filter", "$[1]", "--join-source", "input"])
            .args(["--output-filter", "$[0,-2]"]),
    );
    let kept = read(&output_of(&csv, &out));
    for (i, (row, (label, _))) in kept.lines().zip(&expected).enumerate() {
        assert_eq!(row, format!("{i},{label}"));
    }

    // A record without the filtered field is an error record; a bad filter stops at once.
    let partial = write_lines(dir.path(), "partial.jsonl", &[r#"{"id": 9}"#]);
    succeeds(transform(&model, &[&partial], &out).args(["--input-filter", "$.text"]));
    let line = &json_lines(&read(&output_of(&partial, &out)))[0];
    assert!(
        line["error"]
            .as_str()
            .unwrap()
            .contains("input filter $.text: no field \"text\""),
        "{line}"
    );
    fails(
        transform(&model, &[&partial], &out).args(["--input-filter", "text"]),
        2,
        &["--input-filter", "supported subset"],
    );
}

#[test]
fn topic_model_reads_csv_count_rows() {
    let dir = temp_dir();
    let model = dir.path().join("m.ntm");
    let mut cmd = blazetext();
    cmd.args(["topics", "train", common::SAMPLE_DOCS, "-o", arg(&model)])
        .args(common::FAST_TOPICS);
    succeeds(&mut cmd);
    let width = blazetext::TopicModel::load(&model)
        .unwrap()
        .vocabulary()
        .len();
    let rows: Vec<String> = (0..6)
        .map(|i| {
            let counts: Vec<&str> = (0..width)
                .map(|w| if (w * 7 + i) % 5 == 0 { "1" } else { "0" })
                .collect();
            counts.join(",")
        })
        .chain(["1,2,3".to_string()])
        .collect();
    let input = write_lines(dir.path(), "counts.csv", &rows);
    let out = dir.path().join("out");
    let printed = succeeds(transform(&model, &[&input], &out).args(["--content-type", "text/csv"]));
    assert!(
        printed.stderr.contains("7 records, 1 errors"),
        "{}",
        printed.stderr
    );
    let lines = json_lines(&read(&output_of(&input, &out)));
    for line in &lines[..6] {
        let weights = line["topic_weights"].as_array().unwrap();
        assert_eq!(weights.len(), 5);
        let sum: f64 = weights.iter().map(|w| w.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-4, "{sum}");
    }
    assert_eq!(lines[6]["line"], json!(7), "{}", lines[6]);

    succeeds(transform(&model, &[&input], &out).args([
        "--content-type",
        "text/csv",
        "--accept",
        "text/csv",
    ]));
    let text = read(&output_of(&input, &out));
    let weights: Vec<&str> = text.lines().take(6).collect();
    assert!(
        weights.iter().all(|row| row.split(',').count() == 5),
        "{text}"
    );
}

#[test]
fn resume_after_a_torn_partial_output_gives_the_uninterrupted_output() {
    let dir = temp_dir();
    let model = classifier(dir.path());
    let records: Vec<String> = texts(300).iter().map(|t| json!(t).to_string()).collect();
    let input = write_lines(dir.path(), "big.jsonl", &records);
    let whole = dir.path().join("whole");
    succeeds(transform(&model, &[&input], &whole).args(["--batch-size", "16"]));
    let expected = read(&output_of(&input, &whole));

    // An interrupted run: 120 complete records and half of the next.
    let resumed = dir.path().join("resumed");
    std::fs::create_dir(&resumed).unwrap();
    let cut: usize = expected
        .lines()
        .take(120)
        .map(|l| l.len() + 1)
        .sum::<usize>()
        + 10;
    write(&resumed, "big.jsonl.out.partial", &expected[..cut]);
    let printed =
        succeeds(transform(&model, &[&input], &resumed).args(["--resume", "--batch-size", "16"]));
    assert!(printed.stderr.contains("120 kept"), "{}", printed.stderr);
    assert_eq!(read(&output_of(&input, &resumed)), expected);
    assert!(!resumed.join("big.jsonl.out.partial").exists());

    // A finished output is left as it is; a partial output longer than the input is refused.
    succeeds(transform(&model, &[&input], &resumed).arg("--resume"));
    assert_eq!(read(&output_of(&input, &resumed)), expected);
    let short = write_lines(dir.path(), "short.jsonl", &records[..2]);
    write(&resumed, "short.jsonl.out.partial", &expected);
    fails(
        transform(&model, &[&short], &resumed).arg("--resume"),
        1,
        &["holds 300 records but the input has only 2"],
    );
}

#[test]
fn empty_missing_and_binary_inputs() {
    let dir = temp_dir();
    let model = classifier(dir.path());
    let out = dir.path().join("out");
    let empty = write(dir.path(), "empty.jsonl", "");
    succeeds(&mut transform(&model, &[&empty], &out));
    assert_eq!(read(&output_of(&empty, &out)), "");

    let missing = dir.path().join("missing.jsonl");
    fails(
        &mut transform(&model, &[&missing], &out),
        1,
        &["missing.jsonl", "no such file"],
    );
    fails(
        &mut transform(&dir.path().join("nope.bin"), &[&empty], &out),
        1,
        &["nope.bin"],
    );

    let gzip = write(
        dir.path(),
        "data.jsonl.gz",
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
    );
    fails(
        &mut transform(&model, &[&gzip], &out),
        1,
        &["data.jsonl.gz", "gzip"],
    );
    let binary = write(dir.path(), "data.bin", b"\"text\"\n\x00\x01\x02");
    fails(
        &mut transform(&model, &[&binary], &out),
        1,
        &["data.bin", "binary"],
    );
    assert!(!out.join("data.bin.out.partial").exists());

    fails(
        transform(&model, &[&empty], &out).args(["--content-type", "image/png"]),
        2,
        &["--content-type", "image/png"],
    );
    fails(
        transform(&model, &[&empty], &out).args(["--accept", "image/png"]),
        2,
        &["--accept image/png"],
    );

    // An output that would overwrite its input is refused.
    let linked = dir.path().join("linked");
    std::fs::create_dir(&linked).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&empty, linked.join("empty.jsonl.out")).unwrap();
        fails(
            &mut transform(&model, &[&empty], &linked),
            2,
            &["would destroy the input"],
        );
    }
}
