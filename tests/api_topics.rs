//! The public topic-model API: training from texts, files and count rows, inference, top words,
//! evaluation and sweeps give what `blazetext topics …` gives; a model serves many threads;
//! cancellation; and every bad input is a typed error.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

mod common;

use common::{blazetext, FAST_TOPICS, SAMPLE_DOCS};

use blazetext::{
    CancelFlag, CountRows, EncoderLayers, Error, Event, EventHook, TopicConfig, TopicEvalOptions,
    TopicInput, TopicModel, TopicTrainer, TrainingData,
};

const LABELLED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpora/sample-labelled.train");

/// Documents for inference: an empty one and one of unknown words get the uniform vector.
const DOCS: [&str; 4] = [
    "the guitar and the drums at the concert",
    "",
    "zzzz qqqq",
    "the compiler and the laptop",
];

/// Small, fast settings, as [`common::FAST_TOPICS`] flags of `blazetext topics train` say.
fn fast_config() -> TopicConfig {
    let mut config = TopicConfig::default();
    config.num_topics = 5;
    config.epochs = 3;
    config.encoder_layers = EncoderLayers::Units(vec![16, 8]);
    config.mini_batch_size = 64;
    config.threads = 1;
    config
}

fn train_sample() -> TopicModel {
    let data = TrainingData::files([SAMPLE_DOCS]);
    TopicTrainer::new(fast_config()).train(&data).unwrap().0
}

/// Runs the binary with `args`, asserts success and returns its standard output.
fn run(args: &[&str]) -> String {
    let out = blazetext().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn loaded_models_are_send_and_sync() {
    fn shareable<T: Send + Sync>() {}
    shareable::<TopicModel>();
    shareable::<TopicTrainer>();
    shareable::<CountRows>();
}

#[test]
fn the_api_writes_the_file_the_cli_writes() {
    let dir = tempfile::tempdir().unwrap();
    let cli = dir.path().join("cli.ntm");
    blazetext()
        .args(["topics", "train", SAMPLE_DOCS, "-o", path_str(&cli)])
        .args(FAST_TOPICS)
        .assert()
        .success();
    let api = dir.path().join("api.ntm");
    train_sample().save(&api).unwrap();
    assert_eq!(std::fs::read(&cli).unwrap(), std::fs::read(&api).unwrap());
}

#[test]
fn texts_in_memory_train_the_model_the_file_trains() {
    let dir = tempfile::tempdir().unwrap();
    let texts: Vec<String> = std::fs::read_to_string(SAMPLE_DOCS)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let trainer = TopicTrainer::new(fast_config());
    let (from_texts, report) = trainer.train(&TrainingData::texts(texts)).unwrap();
    assert_eq!((report.documents, report.epochs.len()), (1500, 3));
    assert_eq!(report.vocabulary, from_texts.vocabulary().len());
    let (a, b) = (dir.path().join("texts.ntm"), dir.path().join("file.ntm"));
    from_texts.save(&a).unwrap();
    train_sample().save(&b).unwrap();
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn inference_and_top_words_are_what_the_cli_prints() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.ntm");
    train_sample().save(&path).unwrap();
    let model = TopicModel::load(&path).unwrap();
    assert_eq!((model.path(), model.num_topics()), (path.as_path(), 5));

    let docs = write(dir.path(), "docs.txt", &(DOCS.join("\n") + "\n"));
    let printed: Vec<Vec<f64>> = run(&[
        "topics",
        "infer",
        path_str(&path),
        path_str(&docs),
        "--format",
        "jsonl",
        "--quiet",
    ])
    .lines()
    .map(|l| {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        serde_json::from_value(v["topic_weights"].clone()).unwrap()
    })
    .collect();
    let weights = model.infer(&DOCS).unwrap();
    assert_eq!(weights, printed);
    assert_eq!(weights[1], vec![0.2; 5]);
    let mut streamed = Vec::new();
    let stats = model
        .infer_batches(&TopicInput::file(&docs), |batch| {
            streamed.extend(batch);
            Ok(())
        })
        .unwrap();
    assert_eq!((streamed, stats.documents), (weights.clone(), 4));
    let counts = model.count_rows(&TopicInput::texts(DOCS)).unwrap();
    assert_eq!(model.infer_bow(&counts).unwrap(), weights);

    let shown = run(&["topics", "show", path_str(&path), "-n", "4", "--labels"]);
    let labels = model.labels();
    let expected: Vec<String> = model
        .top_words(4, None)
        .unwrap()
        .iter()
        .enumerate()
        .map(|(k, top)| {
            let words: Vec<String> = top
                .iter()
                .map(|w| format!("{} {:.4}", w.word, w.weight))
                .collect();
            format!("topic {k:>3} [{}]: {}", labels[k], words.join("  "))
        })
        .collect();
    assert_eq!(shown.lines().collect::<Vec<_>>(), expected);
    let top = model.top_words(3, Some(1.0)).unwrap();
    let phi = model.topic_word();
    assert_eq!(phi.dim(), (5, model.vocabulary().len()));
    for (k, words) in top.iter().enumerate() {
        let best = phi.row(k).iter().cloned().fold(f32::MIN, f32::max);
        assert_eq!(words[0].weight, best, "λ = 1 ranks by probability");
    }
}

#[test]
fn evaluation_is_what_topics_eval_prints() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.ntm");
    let model = train_sample();
    model.save(&path).unwrap();
    let printed: serde_json::Value = serde_json::from_str(&run(&[
        "topics",
        "eval",
        path_str(&path),
        SAMPLE_DOCS,
        "--json",
        "--quiet",
    ]))
    .unwrap();
    let eval = model
        .evaluate(&TopicInput::file(SAMPLE_DOCS), &TopicEvalOptions::default())
        .unwrap();
    assert_eq!(serde_json::to_value(&eval).unwrap(), printed);
    assert!(eval.npmi_window10.is_some() && eval.wetc.is_none());
    let counts = model.count_rows(&TopicInput::file(SAMPLE_DOCS)).unwrap();
    let from_counts = model
        .evaluate(&TopicInput::counts(counts), &TopicEvalOptions::default())
        .unwrap();
    assert_eq!(from_counts.metrics, eval.metrics);
    assert_eq!(
        from_counts.npmi_window10, None,
        "count rows have no word order"
    );
}

#[test]
fn one_model_serves_four_threads() {
    let model = Arc::new(train_sample());
    let texts: Vec<String> = std::fs::read_to_string(SAMPLE_DOCS)
        .unwrap()
        .lines()
        .take(300)
        .map(String::from)
        .collect();
    let expected = model.infer(&texts).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (model, texts) = (Arc::clone(&model), texts.clone());
            std::thread::spawn(move || model.infer(&texts).unwrap())
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap(), expected);
    }
}

#[test]
fn count_rows_train_the_model_the_csv_trains() {
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<[f32; 6]> = (0..60)
        .map(|i| {
            if i % 2 == 0 {
                [3.0, 2.0, 1.0, 0.0, 0.0, 0.0]
            } else {
                [0.0, 0.0, 0.0, 1.0, 2.0, 3.0]
            }
        })
        .collect();
    let csv: String = rows
        .iter()
        .map(|r| r.map(|c| c.to_string()).join(",") + "\n")
        .collect();
    let csv = write(dir.path(), "train.csv", &csv);
    let words = ["apple", "banana", "cherry", "dog", "cat", "mouse"].map(String::from);
    let vocab = write(dir.path(), "vocab.txt", &(words.join("\n") + "\n"));
    let cli = dir.path().join("cli.ntm");
    let hyperparameters = r#"{"num_topics": "2", "epochs": "3", "mini_batch_size": "16", "encoder_layers": "[8, 4]"}"#;
    run(&[
        "topics",
        "train",
        path_str(&csv),
        "--vocab",
        path_str(&vocab),
        "-o",
        path_str(&cli),
        "--hyperparameters",
        hyperparameters,
        "--threads",
        "1",
        "--quiet",
    ]);
    let mut config = TopicConfig::default();
    config.apply_hyperparameters(hyperparameters).unwrap();
    config.threads = 1;
    let trainer = TopicTrainer::new(config);
    let (model, _) = trainer
        .train_counts(&CountRows::from_dense(&rows).unwrap(), Some(&words))
        .unwrap();
    let api = dir.path().join("api.ntm");
    model.save(&api).unwrap();
    assert_eq!(std::fs::read(&cli).unwrap(), std::fs::read(&api).unwrap());
    // The CSV through `TrainingData` is the same run again.
    let (from_csv, _) = trainer.train(&TrainingData::files([&csv])).unwrap();
    assert_eq!(
        from_csv.vocabulary(),
        (0..6).map(|i| i.to_string()).collect::<Vec<_>>()
    );
    let mut sparse = CountRows::new(6);
    sparse.push_sparse(&[5, 0], &[4.0, 1.0]).unwrap();
    let weights = model.infer_bow(&sparse).unwrap();
    assert!((weights[0].iter().sum::<f64>() - 1.0).abs() < 1e-6);
    // A model of count rows has no text pipeline.
    let e = model.infer(&["apple banana"]).unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e}");
    assert!(e.to_string().contains("no text pipeline"), "{e}");
}

#[test]
fn events_report_each_epoch_and_the_run() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let hook: EventHook = Arc::new(move |e: &Event| sink.lock().unwrap().push(e.clone()));
    TopicTrainer::new(fast_config())
        .on_event(hook)
        .train(&TrainingData::files([SAMPLE_DOCS]))
        .unwrap();
    let seen = seen.lock().unwrap();
    let epochs: Vec<usize> = seen
        .iter()
        .filter_map(|e| match e {
            Event::Epoch(end) => Some(end.epoch),
            _ => None,
        })
        .collect();
    assert_eq!(epochs, [1, 2, 3]);
    let lines: Vec<&str> = seen
        .iter()
        .filter_map(|e| match e {
            Event::Info(line) => Some(line.as_str()),
            _ => None,
        })
        .collect();
    assert!(lines[0].starts_with("topics: 1500 documents"), "{lines:?}");
    assert!(lines[1].starts_with("epoch   1  loss"), "{lines:?}");
}

#[test]
fn a_cancelled_run_returns_cancelled() {
    let flag = CancelFlag::new();
    flag.cancel();
    let e = TopicTrainer::new(fast_config())
        .cancel_flag(flag)
        .train(&TrainingData::files([SAMPLE_DOCS]))
        .unwrap_err();
    assert!(matches!(e, Error::Cancelled), "{e}");
    // Cancelled from the hook after the first epoch: no second epoch starts.
    let flag = CancelFlag::new();
    let (stopper, epochs) = (flag.clone(), Arc::new(Mutex::new(0)));
    let counter = Arc::clone(&epochs);
    let hook: EventHook = Arc::new(move |e: &Event| {
        if let Event::Epoch(_) = e {
            *counter.lock().unwrap() += 1;
            stopper.cancel();
        }
    });
    let e = TopicTrainer::new(fast_config())
        .on_event(hook)
        .cancel_flag(flag)
        .train(&TrainingData::files([SAMPLE_DOCS]))
        .unwrap_err();
    assert!(matches!(e, Error::Cancelled), "{e}");
    assert_eq!(*epochs.lock().unwrap(), 1);
}

#[test]
fn a_sweep_trains_one_model_per_number_of_topics() {
    let mut config = fast_config();
    config.epochs = 2;
    config.encoder_layers = EncoderLayers::Units(vec![8]);
    let models = TopicTrainer::new(config)
        .sweep(&TrainingData::files([SAMPLE_DOCS]), &[2, 4])
        .unwrap();
    let ks: Vec<usize> = models.iter().map(|(m, _)| m.num_topics()).collect();
    assert_eq!(ks, [2, 4]);
    let (model, report) = &models[1];
    assert_eq!(model.saved_metrics()["num_topics"], 4);
    assert_eq!(
        model.saved_metrics()["npmi_document"],
        report.metrics.npmi_document
    );
    assert!(report.metrics.perplexity > 1.0);
}

/// `result`'s error, which must be an [`Error::Config`] saying `needle`.
fn config_error<T: std::fmt::Debug>(result: blazetext::Result<T>, needle: &str) {
    let e = result.unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    assert!(e.to_string().contains(needle), "{e}");
}

#[test]
fn bad_training_input_is_a_typed_error() {
    let none: [&str; 0] = [];
    config_error(
        TopicTrainer::new(fast_config()).train(&TrainingData::texts(none)),
        "no training texts",
    );
    let mut zero = fast_config();
    zero.num_topics = 0;
    config_error(
        TopicTrainer::new(zero).train(&TrainingData::files([SAMPLE_DOCS])),
        "at least 2 topics",
    );
    let mut no_threads = fast_config();
    no_threads.threads = 0;
    config_error(
        TopicTrainer::new(no_threads).train(&TrainingData::files([SAMPLE_DOCS])),
        "threads must be at least 1",
    );
    config_error(
        TopicTrainer::new(fast_config())
            .validation_counts(CountRows::new(3))
            .train(&TrainingData::files([SAMPLE_DOCS])),
        "cannot validate a model trained on text",
    );
    let rows = CountRows::from_dense(&[[1.0, 2.0], [2.0, 1.0]]).unwrap();
    let two_words = ["a".to_string()];
    config_error(
        TopicTrainer::new(fast_config()).train_counts(&rows, Some(&two_words)),
        "the vocabulary has 1 words but the count rows have 2 columns",
    );
    config_error(
        TopicTrainer::new(fast_config()).train_counts(&CountRows::new(4), None),
        "no count rows",
    );
    config_error(
        CountRows::from_dense(&[[1.0, f32::NAN]]),
        "count NaN is invalid",
    );
    let dir = tempfile::tempdir().unwrap();
    let nan = write(dir.path(), "nan.csv", "1,2,3\n1,NaN,3\n");
    let e = TopicTrainer::new(fast_config())
        .train(&TrainingData::files([&nan]))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Input { line: Some(2), .. }) && e.to_string().contains("NaN"),
        "{e}"
    );
    let e = TopicTrainer::new(fast_config())
        .train(&TrainingData::files([dir.path().join("missing.txt")]))
        .unwrap_err();
    assert!(e.to_string().contains("missing.txt"), "{e}");
}

#[test]
fn bad_model_input_is_a_typed_error() {
    let model = train_sample();
    let none: [&str; 0] = [];
    assert!(model.infer(&none).unwrap().is_empty());
    config_error(
        model.infer_bow(&CountRows::new(3)),
        "the count rows have 3 columns but the model has",
    );
    config_error(
        model.top_words(5, Some(1.5)),
        "relevance 1.5 must be from 0 to 1",
    );
    config_error(model.top_words(5, Some(f32::NAN)), "must be from 0 to 1");
    let mut options = TopicEvalOptions::default();
    options.relevance = Some(-0.1);
    config_error(
        model.evaluate(&TopicInput::file(SAMPLE_DOCS), &options),
        "must be from 0 to 1",
    );
    let mut short = CountRows::new(model.vocabulary().len());
    short.push_sparse(&[0], &[1.0]).unwrap();
    config_error(short.push_sparse(&[u32::MAX], &[1.0]), "is outside the");

    let dir = tempfile::tempdir().unwrap();
    let e = TopicModel::load(dir.path().join("missing.ntm")).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e}");
    let e = model
        .evaluate(&TopicInput::file(dir.path().join("missing.txt")), &options)
        .unwrap_err();
    assert!(e.to_string().contains("missing.txt"), "{e}");

    let classifier = dir.path().join("clf");
    run(&[
        "train",
        "--mode",
        "supervised",
        LABELLED,
        "-o",
        path_str(&classifier),
        "--epochs",
        "1",
        "--threads",
        "1",
        "--quiet",
    ]);
    let e = TopicModel::load(classifier.with_extension("bin")).unwrap_err();
    assert!(matches!(e, Error::Model { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("not a blazetext topic model but a fastText .bin"),
        "{e}"
    );
}
