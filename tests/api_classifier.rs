//! The classifier's public API (`Classifier`, `ClassifierTrainer`, `Splitter`) against the
//! `blazetext` binary: same models, same predictions, same figures; and every bad input it must
//! turn into a typed error.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use blazetext::{
    CancelFlag, Classifier, ClassifierTrainer, Error, Event, EventHook, Mode, Model, Prediction,
    PredictionFormat, Splitter, TrainConfig, TrainingData,
};

const TRAIN: &str = "corpora/sample-labelled.train";
const TEST: &str = "corpora/sample-labelled.test";

/// Small, fast settings shared by the API and the CLI runs below.
fn config() -> TrainConfig {
    let mut c = TrainConfig::defaults(Mode::Supervised);
    c.vector_dim = 12;
    c.buckets = 20_000;
    c.epochs = 5;
    c.threads = 1;
    c.seed = 7;
    c
}

/// The same settings as flags.
const CLI_FLAGS: [&str; 10] = [
    "--vector-dim",
    "12",
    "--buckets",
    "20000",
    "--epochs",
    "5",
    "--threads",
    "1",
    "--seed",
    "7",
];

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blazetext"))
        .args(args)
        .output()
        .expect("the blazetext binary runs")
}

fn cli_ok(args: &[&str]) -> String {
    let out = cli(args);
    assert!(
        out.status.success(),
        "blazetext {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

fn s(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

fn lines(path: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn train(data: &TrainingData) -> Classifier {
    ClassifierTrainer::new(config()).train(data).unwrap().0
}

/// A classifier trained on the sample and saved: its directory and `.bin`.
fn saved_model() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("api");
    train(&TrainingData::files([TRAIN])).save(&prefix).unwrap();
    (dir, prefix.with_extension("bin"))
}

/// Probabilities compared as the CLI prints them: 6 significant digits.
fn six_digits(p: f64) -> String {
    format!("{p:.5e}")
}

#[test]
fn loaded_models_are_send_and_sync() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Classifier>();
    shareable::<ClassifierTrainer>();
    shareable::<Splitter>();
}

#[test]
fn texts_in_memory_and_the_file_train_the_same_model() {
    let from_file = train(&TrainingData::files([TRAIN]));
    let from_texts = train(&TrainingData::texts(lines(TRAIN)));
    let test = lines(TEST);
    let a = from_file.predict_batch(&test, -1, 0.0).unwrap();
    let b = from_texts.predict_batch(&test, -1, 0.0).unwrap();
    assert_eq!(a, b);
    assert_eq!(from_file.labels(), from_texts.labels());
    assert_eq!(from_file.dim(), 12);
    assert!(!from_file.is_multi_label());
    assert_eq!(from_file.path(), Path::new(""));
}

#[test]
fn the_saved_model_is_byte_identical_to_the_cli_model() {
    let dir = tempfile::tempdir().unwrap();
    let cli_prefix = dir.path().join("cli");
    let mut args = vec!["train", "--mode", "supervised", TRAIN, "-o", s(&cli_prefix)];
    args.extend(CLI_FLAGS);
    args.push("--quiet");
    cli_ok(&args);

    let (classifier, mut report) = ClassifierTrainer::new(config())
        .train(&TrainingData::files([TRAIN]))
        .unwrap();
    let api_prefix = dir.path().join("api");
    report.files = classifier.save(&api_prefix).unwrap();
    assert_eq!(
        report.files,
        [
            api_prefix.with_extension("bin"),
            api_prefix.with_extension("json")
        ]
    );
    let read = |p: PathBuf| std::fs::read(p).unwrap();
    assert!(
        read(cli_prefix.with_extension("bin")) == read(api_prefix.with_extension("bin")),
        "the .bin files differ"
    );
    // The manifests agree but for the timings.
    let manifest = |p: PathBuf| {
        let mut v: serde_json::Value = serde_json::from_slice(&read(p)).unwrap();
        for timing in ["seconds", "tokens_per_sec_per_thread"] {
            v["training"].as_object_mut().unwrap().remove(timing);
        }
        v
    };
    assert_eq!(
        manifest(cli_prefix.with_extension("json")),
        manifest(api_prefix.with_extension("json"))
    );
    assert_eq!(report.examples, 1200);
    assert_eq!(report.labels, 6);
    assert_eq!(report.epochs_run, 5);
    let summary = report.summary_text();
    assert!(summary.starts_with("trained on 1200 examples"), "{summary}");
    assert!(summary.contains("api.bin"), "{summary}");
}

#[test]
fn predict_equals_the_cli_probabilities() {
    let (_dir, model) = saved_model();
    let model = &model;
    let classifier = Classifier::load(model).unwrap();
    let texts = lines(TEST);
    for k in ["2", "-1"] {
        let printed = cli_ok(&["predict", s(model), TEST, "-k", k, "--probabilities"]);
        let ours = classifier
            .predict_batch(&texts, k.parse().unwrap(), 0.0)
            .unwrap();
        assert_eq!(printed.lines().count(), ours.len());
        for (line, predictions) in printed.lines().zip(&ours) {
            let fields: Vec<&str> = line.split(' ').collect();
            let theirs: Vec<(String, String)> = fields
                .chunks(2)
                .map(|p| (p[0].to_string(), six_digits(p[1].parse().unwrap())))
                .collect();
            let ours: Vec<(String, String)> = predictions
                .iter()
                .map(|p| (p.label.clone(), six_digits(f64::from(p.probability))))
                .collect();
            assert_eq!(theirs, ours, "line {line}");
        }
        let single = classifier
            .predict(&texts[0], k.parse().unwrap(), 0.0)
            .unwrap();
        assert_eq!(single, ours[0]);
    }
}

#[test]
fn predict_file_writes_what_the_cli_prints_from_a_lazily_opened_model() {
    let (_dir, model) = saved_model();
    let model = &model;
    let lazy = Classifier::open(model).unwrap();
    let loaded = Classifier::load(model).unwrap();
    for (format, flag) in [
        (PredictionFormat::Labels, None),
        (PredictionFormat::Probabilities, Some("--probabilities")),
        (PredictionFormat::Json, Some("--json")),
    ] {
        let mut args = vec!["predict", s(model), TEST, "-k", "3"];
        args.extend(flag);
        let printed = cli_ok(&args);
        for classifier in [&lazy, &loaded] {
            let mut out = Vec::new();
            classifier
                .predict_file(TEST, 3, 0.0, format, &mut out)
                .unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), printed, "{format:?}");
        }
    }
    // The lazily opened model predicts single texts too (reading the whole matrix then).
    let text = "the rocket reached orbit";
    assert_eq!(
        lazy.predict(text, 2, 0.0).unwrap(),
        loaded.predict(text, 2, 0.0).unwrap()
    );
}

#[test]
fn predict_batch_from_four_threads_matches_sequential_predictions() {
    let (_dir, model) = saved_model();
    let model = &model;
    let classifier = Arc::new(Classifier::load(model).unwrap());
    let texts = lines(TEST);
    let sequential: Vec<Vec<Prediction>> = texts
        .iter()
        .map(|t| classifier.predict(t, 2, 0.0).unwrap())
        .collect();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (classifier, texts) = (Arc::clone(&classifier), texts.clone());
            std::thread::spawn(move || classifier.predict_batch(&texts, 2, 0.0).unwrap())
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), sequential);
    }
}

#[test]
fn texts_are_one_document_and_sentence_vectors_have_the_model_dimension() {
    let (_dir, model) = saved_model();
    let model = &model;
    let classifier = Classifier::load(model).unwrap();
    assert_eq!(
        classifier.predict("a guitar\nsolo\r\n", -1, 0.0).unwrap(),
        classifier.predict("a guitar solo", -1, 0.0).unwrap()
    );
    let v = classifier.sentence_vector("a guitar solo").unwrap();
    assert_eq!(v.len(), classifier.dim());
    assert!(v.iter().all(|x| x.is_finite()) && v.iter().any(|&x| x != 0.0));
    assert_eq!(v, classifier.sentence_vector("a guitar solo").unwrap());
    // An empty text is an empty line: only the end-of-line token.
    assert_eq!(classifier.predict("", 1, 0.0).unwrap().len(), 1);
    assert!(classifier
        .predict_batch(&[] as &[&str], 1, 0.0)
        .unwrap()
        .is_empty());
}

#[test]
fn model_load_says_it_is_a_classifier() {
    let (_dir, model) = saved_model();
    let model = &model;
    let classifier = Model::load(model).unwrap().into_classifier().unwrap();
    assert_eq!(classifier.labels().len(), 6);
    assert!(classifier
        .labels()
        .iter()
        .all(|l| l.starts_with("__label__")));
}

#[test]
fn test_and_report_figures_equal_the_cli() {
    let (_dir, model) = saved_model();
    let model = &model;
    let classifier = Classifier::load(model).unwrap();
    for k in [1, 2, -1] {
        let figures = classifier.test(TEST, k, 0.0).unwrap();
        let k_arg = k.to_string();
        assert_eq!(
            figures.to_text(),
            cli_ok(&["test", s(model), TEST, "-k", &k_arg])
        );
        let json: serde_json::Value =
            serde_json::from_str(&cli_ok(&["test", s(model), TEST, "-k", &k_arg, "--json"]))
                .unwrap();
        assert_eq!(json["examples"], figures.examples);
        assert_eq!(json["k"], figures.k);
        assert_eq!(json["correct"], figures.correct);
        assert_eq!(json["gold_labels"], figures.gold_labels);
        assert_eq!(json["predicted_labels"], figures.predicted_labels);
        assert_eq!(json["precision"], figures.precision);
        assert_eq!(json["recall"], figures.recall);
    }
    let report = classifier.report(TEST, None, None).unwrap();
    assert_eq!(report.to_text(), cli_ok(&["report", s(model), TEST]));
    let json: serde_json::Value =
        serde_json::from_str(&cli_ok(&["report", s(model), TEST, "--json"])).unwrap();
    assert_eq!(serde_json::to_value(&report).unwrap(), json);
    assert_eq!((report.k, report.threshold, report.examples), (1, 0.0, 300));
    assert_eq!(report.labels.len(), 6);
    let cm = report.confusion.as_ref().expect("single-label data");
    assert_eq!(cm.matrix.iter().flatten().sum::<u64>(), 300);

    let dir = tempfile::tempdir().unwrap();
    let (ours, theirs) = (dir.path().join("ours.csv"), dir.path().join("cli.csv"));
    report.write_confusion_csv(&ours).unwrap();
    cli_ok(&["report", s(model), TEST, "--confusion-csv", s(&theirs)]);
    assert_eq!(
        std::fs::read(&ours).unwrap(),
        std::fs::read(&theirs).unwrap()
    );
}

/// A hook that records every event and sets `flag` on the first one.
fn cancelling_hook(flag: &CancelFlag) -> (EventHook, Arc<Mutex<Vec<Event>>>) {
    let (flag, seen) = (flag.clone(), Arc::new(Mutex::new(Vec::new())));
    let sink = Arc::clone(&seen);
    let hook: EventHook = Arc::new(move |event: &Event| {
        sink.lock().unwrap().push(event.clone());
        flag.cancel();
    });
    (hook, seen)
}

#[test]
fn a_hook_that_cancels_at_the_first_event_stops_training() {
    let dir = tempfile::tempdir().unwrap();
    let flag = CancelFlag::new();
    let (hook, seen) = cancelling_hook(&flag);
    let result = ClassifierTrainer::new(config())
        .on_event(hook)
        .cancel_flag(flag)
        .train(&TrainingData::files([TRAIN]))
        .and_then(|(classifier, _)| classifier.save(dir.path().join("never")));
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        matches!(&seen[0], Event::Epoch(e) if e.epoch == 1 && e.validation.is_none()),
        "{seen:?}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    // A flag set before the start stops the run before it reads anything.
    let flag = CancelFlag::new();
    flag.cancel();
    let result = ClassifierTrainer::new(config())
        .cancel_flag(flag)
        .train(&TrainingData::files([TRAIN]));
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
}

#[test]
fn cancelling_during_an_epoch_stops_the_worker_threads() {
    // 12,000 lines: thread 0 reports progress after 4,096 examples, mid-epoch.
    let texts: Vec<String> = std::iter::repeat_n(lines(TRAIN), 10).flatten().collect();
    let flag = CancelFlag::new();
    let (hook, seen) = cancelling_hook(&flag);
    let mut c = config();
    c.threads = 2;
    let result = ClassifierTrainer::new(c)
        .on_event(hook)
        .cancel_flag(flag)
        .train(&TrainingData::texts(texts));
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
    let seen = seen.lock().unwrap();
    assert!(matches!(seen[..], [Event::Progress(_)]), "{seen:?}");
}

#[test]
fn validation_scores_go_out_as_epoch_events() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let hook: EventHook = Arc::new(move |event: &Event| {
        if let Event::Epoch(e) = event {
            sink.lock().unwrap().push((e.epoch, e.validation));
        }
    });
    let mut c = config();
    c.validation = Some(TEST.into());
    let (_, report) = ClassifierTrainer::new(c)
        .on_event(hook)
        .train(&TrainingData::files([TRAIN]))
        .unwrap();
    let seen = seen.lock().unwrap();
    let epochs: Vec<usize> = seen.iter().map(|e| e.0).collect();
    assert_eq!(epochs, [1, 2, 3, 4, 5]);
    let scores: Vec<f64> = seen.iter().map(|e| e.1.unwrap()).collect();
    assert_eq!(scores, report.validation);
}

fn config_error(result: blazetext::Result<impl std::fmt::Debug>, needle: &str) {
    match result {
        Err(Error::Config(message)) => assert!(message.contains(needle), "{message}"),
        other => panic!("expected a config error about {needle:?}, got {other:?}"),
    }
}

#[test]
fn bad_k_and_thresholds_are_config_errors() {
    let (_dir, model) = saved_model();
    let model = &model;
    let classifier = Classifier::load(model).unwrap();
    for k in [0, -2] {
        config_error(classifier.predict("text", k, 0.0), &format!("-k {k}"));
        config_error(classifier.predict_batch(&["text"], k, 0.0), "-k");
        config_error(classifier.test(TEST, k, 0.0), "-k");
        config_error(classifier.report(TEST, Some(k), None), "-k");
        config_error(
            classifier.predict_file(TEST, k, 0.0, PredictionFormat::Labels, &mut Vec::new()),
            "-k",
        );
    }
    for threshold in [1.5, -0.1, f32::NAN] {
        config_error(classifier.predict("text", 1, threshold), "--threshold");
        config_error(
            classifier.predict_batch(&[] as &[&str], 1, threshold),
            "--threshold",
        );
        config_error(classifier.test(TEST, 1, threshold), "--threshold");
        config_error(
            classifier.report(TEST, None, Some(threshold)),
            "--threshold",
        );
    }
}

#[test]
fn files_that_are_not_classifiers_are_model_errors() {
    let dir = tempfile::tempdir().unwrap();
    let vec = dir.path().join("words.vec");
    std::fs::write(&vec, "2 3\nhello 0.1 0.2 0.3\nworld 0.3 0.2 0.1\n").unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "just some text\n").unwrap();
    for path in [&vec, &text] {
        for result in [Classifier::load(path), Classifier::open(path)] {
            match result {
                Err(Error::Model { message, .. }) => {
                    assert!(message.contains("not a classifier"), "{message}")
                }
                other => panic!("expected a model error, got {other:?}"),
            }
        }
    }
    let e = Classifier::load(dir.path().join("missing.bin")).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
}

#[test]
fn bad_evaluation_inputs_are_typed_errors() {
    let (_dir, model) = saved_model();
    let model = &model;
    let classifier = Classifier::load(model).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let unlabelled = dir.path().join("unlabelled.txt");
    std::fs::write(&unlabelled, "no label here\nnor here\n").unwrap();
    for result in [
        classifier.test(&unlabelled, 1, 0.0).map(|_| ()),
        classifier.report(&unlabelled, None, None).map(|_| ()),
    ] {
        match result {
            Err(Error::Input { message, .. }) => {
                assert!(message.contains("nothing to evaluate"), "{message}")
            }
            other => panic!("expected an input error, got {other:?}"),
        }
    }
    let missing = dir.path().join("missing.txt");
    let e = classifier.test(&missing, 1, 0.0).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
    let e = classifier
        .predict_file(&missing, 1, 0.0, PredictionFormat::Labels, &mut Vec::new())
        .unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
}

#[test]
fn bad_training_settings_and_data_are_typed_errors() {
    let trainer = |c: TrainConfig| ClassifierTrainer::new(c);
    let files = TrainingData::files([TRAIN]);
    config_error(
        trainer(TrainConfig::defaults(Mode::Skipgram)).train(&files),
        "mode supervised",
    );
    let mut c = config();
    c.threads = 0;
    config_error(trainer(c).train(&files), "threads");
    let mut c = config();
    c.early_stopping = true;
    config_error(trainer(c).train(&files), "--validation");
    config_error(
        trainer(config()).train(&TrainingData::texts(Vec::<String>::new())),
        "no training texts",
    );

    let input_error = |data: TrainingData, needle: &str| match trainer(config()).train(&data) {
        Err(Error::Input { message, .. }) => assert!(message.contains(needle), "{message}"),
        other => panic!("expected an input error about {needle:?}, got {other:?}"),
    };
    input_error(
        TrainingData::texts(["no label at all", "nor here"]),
        "no line carries a label",
    );
    input_error(
        TrainingData::texts(["__label__a one", "__label__a two"]),
        "the same label",
    );

    let missing = Path::new("no/such/file.txt");
    let e = trainer(config())
        .train(&TrainingData::files([missing]))
        .unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
    let mut c = config();
    c.validation = Some(missing.into());
    let e = trainer(c).train(&files).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
}

#[test]
fn splitter_deals_the_fractions_and_matches_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let summary = Splitter::new(0.8, 0.1, 0.1)
        .unwrap()
        .stratify(true)
        .seed(3)
        .output(dir.path().join("api"))
        .split(TRAIN)
        .unwrap();
    let counts: Vec<usize> = summary.outputs.iter().map(|o| o.lines).collect();
    assert_eq!(counts, [960, 120, 120]);
    assert_eq!((summary.lines, summary.blank_lines), (1200, 0));
    cli_ok(&[
        "split",
        TRAIN,
        "--stratify",
        "--seed",
        "3",
        "-o",
        s(&dir.path().join("cli")),
    ]);
    for ext in ["train", "valid", "test"] {
        let read = |name: &str| std::fs::read(dir.path().join(format!("{name}.{ext}"))).unwrap();
        assert_eq!(read("api"), read("cli"), "{ext}");
    }
    config_error(Splitter::new(0.8, 0.3, 0.1), "must sum to 1");
    config_error(
        Splitter::new(0.8, 0.1, 0.1).unwrap().split("-"),
        "give an output prefix with -o",
    );
}

/// A directory holding `data.train` (a copy of the sample), for the overwrite checks.
fn split_dir() -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("data.train");
    let bytes = std::fs::read(TRAIN).unwrap();
    std::fs::write(&input, &bytes).unwrap();
    (dir, input, bytes)
}

#[test]
fn split_never_writes_over_its_input() {
    let (dir, input, bytes) = split_dir();
    // Without -o the outputs are data.train (the input), data.valid and data.test.
    for force in [false, true] {
        config_error(
            Splitter::new(0.8, 0.1, 0.1)
                .unwrap()
                .force(force)
                .split(&input),
            "is the input file",
        );
        let mut args = vec!["split", s(&input)];
        if force {
            args.push("--force");
        }
        let out = cli(&args);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("data.train is the input file"), "{stderr}");
    }
    // The same file under another name: a hard link and a symbolic link.
    std::fs::hard_link(&input, dir.path().join("hard.train")).unwrap();
    std::os::unix::fs::symlink(&input, dir.path().join("soft.train")).unwrap();
    for prefix in ["hard", "soft"] {
        config_error(
            Splitter::new(0.8, 0.1, 0.1)
                .unwrap()
                .output(dir.path().join(prefix))
                .force(true)
                .split(&input),
            "is the input file",
        );
    }
    assert_eq!(std::fs::read(&input).unwrap(), bytes);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["data.train", "hard.train", "soft.train"]);
}

#[test]
fn split_keeps_existing_files_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("data.txt");
    std::fs::copy(TRAIN, &input).unwrap();
    let existing = dir.path().join("data.valid");
    std::fs::write(&existing, "keep me\n").unwrap();
    config_error(
        Splitter::new(0.8, 0.1, 0.1).unwrap().split(&input),
        "data.valid exists already",
    );
    let out = cli(&["split", s(&input)]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("data.valid exists already") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me\n");
    assert!(!dir.path().join("data.test").exists());
    cli_ok(&["split", s(&input), "--force"]);
    assert_eq!(
        std::fs::read_to_string(&existing).unwrap().lines().count(),
        120
    );
}

#[test]
fn split_refuses_compressed_and_binary_input() {
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("data.txt.gz");
    std::fs::write(&gz, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]).unwrap();
    let binary = dir.path().join("data.bin");
    std::fs::write(&binary, b"__label__a x\n\0\x01\x02\n__label__b y\n").unwrap();
    for (input, needle) in [(&gz, "gzip-compressed"), (&binary, "binary file")] {
        let prefix = dir.path().join("out");
        match Splitter::new(0.8, 0.1, 0.1)
            .unwrap()
            .output(&prefix)
            .split(input)
        {
            Err(Error::Input { message, .. }) => assert!(message.contains(needle), "{message}"),
            other => panic!("expected an input error about {needle:?}, got {other:?}"),
        }
        let out = cli(&["split", s(input), "-o", s(&prefix)]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains(needle));
        assert!(!dir.path().join("out.train").exists());
    }
}
