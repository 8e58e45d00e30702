//! The text pipeline, preprocessing and vocabularies through the public API: the same results as
//! the command line, and a typed error with a clear message for each bad input.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use blazetext::{
    CancelFlag, Error, Event, EventHook, Numbers, Pipeline, Preprocessor, Processor,
    SpellingOptions, StopWords, Tokenizer, TrainingData, VocabOptions, Vocabulary,
};

const SAMPLE: &str = "corpora/sample.txt";

fn blazetext() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("blazetext").unwrap()
}

fn sample_lines() -> Vec<String> {
    std::fs::read_to_string(SAMPLE)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn stemmed_without_stop_words() -> Pipeline {
    Pipeline::default()
        .with_stopwords("english")
        .unwrap()
        .with_stemmer("english")
        .unwrap()
}

#[test]
fn loaded_pipelines_and_their_processors_are_shareable() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Pipeline>();
    shareable::<Processor>();
    shareable::<Preprocessor>();
    shareable::<Vocabulary>();
    fn cloneable<T: Clone>() {}
    cloneable::<Processor>();
}

#[test]
fn tokenize_equals_the_command_lines_preprocess_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("sample.tok");
    blazetext()
        .args(["preprocess", SAMPLE, "-o", output.to_str().unwrap()])
        .args(["--stopwords", "english", "--stemmer", "english"])
        .assert()
        .success();
    let cli = std::fs::read_to_string(&output).unwrap();
    let pipeline = stemmed_without_stop_words();
    let mut processor = pipeline.processor().unwrap();
    let lines = sample_lines();
    assert_eq!(cli.lines().count(), lines.len());
    for (line, expected) in lines.iter().zip(cli.lines()) {
        assert_eq!(processor.tokens(line).join(" "), expected, "{line}");
    }
    assert_eq!(
        pipeline.tokenize(&lines[4]).unwrap().join(" "),
        cli.lines().nth(4).unwrap()
    );
}

#[test]
fn preprocessor_writes_what_the_command_line_writes() {
    let dir = tempfile::tempdir().unwrap();
    let by_cli = dir.path().join("cli.tok");
    blazetext()
        .args(["preprocess", SAMPLE, "-o", by_cli.to_str().unwrap()])
        .args(["--stopwords", "english", "--fix-spelling"])
        .assert()
        .success();
    let by_api = dir.path().join("api.tok");
    let pipeline = Pipeline::default().with_stopwords("english").unwrap();
    let report = Preprocessor::new(pipeline)
        .fix_spelling(SpellingOptions::default())
        .threads(2)
        .run(&TrainingData::files([SAMPLE]), &by_api)
        .unwrap();
    assert_eq!(
        std::fs::read(&by_api).unwrap(),
        std::fs::read(&by_cli).unwrap()
    );
    assert_eq!(report.lines, 3000);
    assert!(report
        .corrections
        .iter()
        .any(|c| c.from == "becuase" && c.to == "because"));
    assert_eq!(
        report.pipeline.spelling.get("becuase").map(String::as_str),
        Some("because")
    );
    assert!(report.tokens_out < report.tokens_in && report.types > 100);
}

#[test]
fn spelling_repair_reads_standard_input_twice_through_a_copy() {
    let from_file = blazetext()
        .args(["preprocess", SAMPLE, "-o", "-", "--fix-spelling"])
        .assert()
        .success();
    let from_stdin = blazetext()
        .args(["preprocess", "-", "-o", "-", "--fix-spelling"])
        .write_stdin(std::fs::read(SAMPLE).unwrap())
        .assert()
        .success();
    let stdout = |a: &assert_cmd::assert::Assert| a.get_output().stdout.clone();
    assert_eq!(stdout(&from_stdin), stdout(&from_file));
}

#[test]
fn texts_in_memory_are_preprocessed_one_line_each() {
    let pipeline = Pipeline {
        numbers: Numbers::Replace,
        ..Pipeline::default()
    };
    let texts = ["The piano has 88 keys.", "Two\nlines", "__label__x Tagged!"];
    let mut out = Vec::new();
    let report = Preprocessor::new(pipeline.clone())
        .run_to_writer(&TrainingData::texts(texts), &mut out)
        .unwrap();
    let expected: Vec<String> = texts
        .iter()
        .map(|t| pipeline.tokenize(&t.replace('\n', " ")).unwrap().join(" "))
        .collect();
    assert_eq!(String::from_utf8(out).unwrap(), expected.join("\n") + "\n");
    assert_eq!(expected[0], "the piano has <num> keys");
    assert_eq!((report.lines, report.tokens_out), (3, 9));
}

#[test]
fn vocabulary_equals_the_command_lines_vocab_build() {
    let dir = tempfile::tempdir().unwrap();
    let by_cli = dir.path().join("cli.tsv");
    blazetext()
        .args(["vocab", "build", SAMPLE, "-o", by_cli.to_str().unwrap()])
        .args([
            "--min-count",
            "2",
            "--max-df",
            "0.5",
            "--stemmer",
            "english",
        ])
        .assert()
        .success();
    let options = VocabOptions {
        min_count: 2,
        max_df: Some(blazetext::DfBound::Fraction(0.5)),
        ..VocabOptions::default()
    };
    let pipeline = Pipeline::default().with_stemmer("english").unwrap();
    let vocab = Vocabulary::build(&TrainingData::files([SAMPLE]), &pipeline, &options).unwrap();
    let by_api = dir.path().join("api.tsv");
    vocab.save_tsv(&by_api).unwrap();
    assert_eq!(
        std::fs::read(&by_api).unwrap(),
        std::fs::read(&by_cli).unwrap()
    );
    let loaded = Vocabulary::load_tsv(&by_cli).unwrap();
    assert_eq!(loaded.words(), vocab.words());
    assert_eq!(vocab.documents(), 3000);
    let guitar = vocab.word("guitar").unwrap();
    assert_eq!(
        vocab.word_id("guitar").map(|id| &vocab.words()[id]),
        Some(guitar)
    );
    let pruned = vocab
        .prune(&VocabOptions {
            max_vocab_size: Some(10),
            ..VocabOptions::default()
        })
        .unwrap();
    assert_eq!(pruned.len(), 10);
    assert_eq!(pruned.words(), &vocab.words()[..10]);
}

#[test]
fn vocabulary_counts_labels_of_texts_at_any_thread_count() {
    let data = TrainingData::texts(["__label__a red red blue", "__label__b red green"]);
    for threads in [1, 3] {
        let vocab = Vocabulary::builder(&Pipeline::default())
            .threads(threads)
            .build(&data)
            .unwrap();
        let red = vocab.word("red").unwrap();
        assert_eq!((red.count, red.doc_freq), (3, 2));
        assert_eq!(vocab.label_id("__label__b"), Some(1));
        assert_eq!((vocab.tokens(), vocab.stats().labels), (5, 2));
    }
}

#[test]
fn warnings_reach_the_hook() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("latin1.txt");
    std::fs::write(&input, b"caf\xe9 ok\n").unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let hook: EventHook = Arc::new(move |e: &Event| sink.lock().unwrap().push(e.clone()));
    let report = Preprocessor::new(Pipeline::default())
        .on_event(Arc::clone(&hook))
        .run(&TrainingData::files([&input]), dir.path().join("out.txt"))
        .unwrap();
    assert_eq!(report.invalid_utf8, 1);
    let events = seen.lock().unwrap().clone();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Warning(m) if m.contains("byte offset 3"))),
        "{events:?}"
    );
    assert!(
        events.iter().any(|e| matches!(e, Event::Progress(_))),
        "{events:?}"
    );
}

#[test]
fn a_cancelled_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.txt");
    let flag = CancelFlag::new();
    flag.cancel();
    let err = Preprocessor::new(Pipeline::default())
        .cancel_flag(flag.clone())
        .run(&TrainingData::files([SAMPLE]), &output)
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err}");
    assert!(!output.exists());
    let err = Vocabulary::builder(&Pipeline::default())
        .cancel_flag(flag)
        .build(&TrainingData::files([SAMPLE]))
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled), "{err}");
}

#[test]
fn pipeline_configurations_round_trip_through_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pipeline.json");
    let pipeline = stemmed_without_stop_words()
        .with_tokenizer("whitespace")
        .unwrap();
    assert_eq!(pipeline.tokenizer, Tokenizer::Whitespace);
    assert_eq!(
        pipeline.stopwords,
        StopWords::BuiltIn {
            language: "english".into()
        }
    );
    pipeline.save(&path).unwrap();
    assert_eq!(Pipeline::load(&path).unwrap(), pipeline);
    let none = pipeline
        .with_stopwords("none")
        .unwrap()
        .with_stemmer("none")
        .unwrap();
    assert_eq!((none.stopwords, none.stemmer), (StopWords::None, None));
}

/// The message of a configuration error.
fn config_message(result: blazetext::Result<impl std::fmt::Debug>) -> String {
    match result {
        Err(Error::Config(message)) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn unknown_languages_are_configuration_errors_that_list_the_known_ones() {
    let message = config_message(Pipeline::default().with_stopwords("klingon"));
    assert!(
        message.contains("'klingon'") && message.contains("english, german"),
        "{message}"
    );
    let message = config_message(Pipeline::default().with_stemmer("elvish"));
    assert!(
        message.contains("'elvish'") && message.contains("turkish"),
        "{message}"
    );
    // A configuration read from JSON is checked as well, before anything runs.
    let pipeline = Pipeline {
        stopwords: StopWords::BuiltIn {
            language: "klingon".into(),
        },
        ..Pipeline::default()
    };
    assert!(config_message(pipeline.tokenize("text")).contains("klingon"));
    let pipeline = Pipeline {
        stemmer: Some("elvish".into()),
        ..Pipeline::default()
    };
    let message = config_message(
        Preprocessor::new(pipeline).run(&TrainingData::files([SAMPLE]), temp("never.txt")),
    );
    assert!(message.contains("elvish"), "{message}");
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("blazetext-api-text-{name}"))
}

#[test]
fn missing_files_name_the_file() {
    let missing = Path::new("/no/such/corpus.txt");
    let err = Vocabulary::build(
        &TrainingData::files([missing]),
        &Pipeline::default(),
        &VocabOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Io { path, .. } if path == missing),
        "{err}"
    );
    assert!(
        err.to_string().contains("no such file or directory"),
        "{err}"
    );
    let output = temp("missing-input.txt");
    let err = Preprocessor::new(Pipeline::default())
        .run(&TrainingData::files([missing]), &output)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Io { path, .. } if path == missing),
        "{err}"
    );
    assert!(!output.exists());
    let err = Vocabulary::load_tsv("/no/such/vocab.tsv").unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    let err = Pipeline::load("/no/such/pipeline.json").unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    let err = Pipeline::default()
        .with_stopwords_file("/no/such/stopwords.txt")
        .unwrap_err();
    assert!(err.to_string().contains("/no/such/stopwords.txt"), "{err}");
}

#[test]
fn empty_text_lists_are_configuration_errors() {
    let none: [&str; 0] = [];
    let message = config_message(Vocabulary::build(
        &TrainingData::texts(none),
        &Pipeline::default(),
        &VocabOptions::default(),
    ));
    assert!(message.contains("no training texts"), "{message}");
    let message = config_message(
        Preprocessor::new(Pipeline::default())
            .run_to_writer(&TrainingData::texts(none), Vec::new()),
    );
    assert!(message.contains("no training texts"), "{message}");
}

#[test]
fn a_missing_hugging_face_tokenizer_file_is_named() {
    let err = Pipeline::default()
        .with_tokenizer("hf:/no/such/tokenizer.json")
        .unwrap_err();
    assert!(
        matches!(&err, Error::Io { path, .. } if path == Path::new("/no/such/tokenizer.json")),
        "{err}"
    );
    assert!(err.to_string().contains("no such file"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let not_json = dir.path().join("tokenizer.json");
    std::fs::write(&not_json, "{}").unwrap();
    let err = Tokenizer::parse(&format!("hf:{}", not_json.display())).unwrap_err();
    assert!(
        matches!(&err, Error::Input { message, .. } if message.contains("not a Hugging Face tokenizer.json")),
        "{err}"
    );
    let message = config_message(Pipeline::default().with_tokenizer("sentencepiece"));
    assert!(
        message.contains("'sentencepiece'") && message.contains("hf:"),
        "{message}"
    );
}

#[test]
fn nonsense_options_are_configuration_errors() {
    let data = TrainingData::files([SAMPLE]);
    let message = config_message(Vocabulary::build(
        &data,
        &Pipeline::default(),
        &VocabOptions {
            min_count: 0,
            ..VocabOptions::default()
        },
    ));
    assert!(message.contains("--min-count"), "{message}");
    let message = config_message(
        Vocabulary::builder(&Pipeline::default())
            .threads(0)
            .build(&data),
    );
    assert!(message.contains("threads"), "{message}");
    let message = config_message(
        Preprocessor::new(Pipeline::default())
            .fix_spelling(SpellingOptions {
                max_distance: 3,
                ..SpellingOptions::default()
            })
            .run(&data, temp("never.txt")),
    );
    assert!(message.contains("--spelling-max-distance"), "{message}");
    let message = config_message(
        Pipeline {
            min_token_length: 5,
            max_token_length: 2,
            ..Pipeline::default()
        }
        .processor(),
    );
    assert!(message.contains("--min-token-length"), "{message}");
}
