//! The word-vector API: `VectorTrainer` and `WordVectors`, checked against the `blazetext`
//! binary (same files, same answers), from several threads, under cancellation and with bad
//! input.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use blazetext::{
    AnalogyMethod, AnalogyOptions, CancelFlag, Error, Event, EventHook, Mode, Model, ModelKind,
    SimilarityOptions, TrainConfig, TrainingData, VectorTrainer, WordVectors,
};

const BLAZETEXT: &str = env!("CARGO_BIN_EXE_blazetext");

/// Lines where words of group `a*` only co-occur with each other, and likewise `b*`.
fn two_topic_lines(lines: usize) -> Vec<String> {
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    (0..lines)
        .map(|i| {
            let group = if i % 2 == 0 { "a" } else { "b" };
            let words: Vec<String> = (0..12).map(|_| format!("{group}{}", next() % 8)).collect();
            words.join(" ")
        })
        .collect()
}

fn write_lines(dir: &Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    path
}

/// Small, quick, deterministic settings.
fn config(mode: Mode) -> TrainConfig {
    let mut c = TrainConfig::defaults(mode);
    c.vector_dim = 16;
    c.min_count = 1;
    c.epochs = 3;
    c.threads = 1;
    c.seed = 7;
    c.sampling_threshold = 0.0;
    c
}

fn with_subwords(mut c: TrainConfig) -> TrainConfig {
    c.subwords = true;
    c.buckets = 500;
    c
}

fn train(config: TrainConfig, data: &TrainingData) -> WordVectors {
    VectorTrainer::new(config).train(data).unwrap().0
}

/// Runs the binary and returns its stdout; fails the test with its stderr otherwise.
fn run_cli(args: &[&str]) -> String {
    let out = Command::new(BLAZETEXT).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "blazetext {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `nn`/`analogy` text output for one query.
fn as_cli_text(found: &[blazetext::Neighbour]) -> String {
    let mut s: String = found
        .iter()
        .map(|n| format!("{} {:.6}\n", n.word, n.score))
        .collect();
    s.push('\n');
    s
}

fn manifest(prefix: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(prefix.with_extension("json")).unwrap()).unwrap()
}

fn same_bytes(a: &Path, b: &Path) {
    assert!(
        std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
        "{} and {} differ",
        a.display(),
        b.display()
    );
}

#[test]
fn loaded_and_trained_vectors_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<WordVectors>();
    assert_send_sync::<VectorTrainer>();
}

#[test]
fn texts_in_memory_train_the_same_vectors_as_files() {
    let dir = tempfile::tempdir().unwrap();
    let lines = two_topic_lines(200);
    let file = write_lines(dir.path(), "corpus.txt", &lines);
    let c = with_subwords(config(Mode::Skipgram));
    let from_texts = train(c.clone(), &TrainingData::texts(lines.clone()));
    let from_file = train(c, &TrainingData::files([&file]));
    assert_eq!(from_texts.words(), from_file.words());
    assert_eq!(from_texts.words().len(), 16);
    for w in from_file.words() {
        assert_eq!(from_texts.word_vector(w), from_file.word_vector(w), "{w}");
    }
    // Out-of-vocabulary words go through the same subword rows.
    assert_eq!(from_texts.word_vector("a77"), from_file.word_vector("a77"));

    let (p_texts, p_file) = (dir.path().join("texts"), dir.path().join("file"));
    from_texts.save(&p_texts).unwrap();
    let files = from_file.save(&p_file).unwrap();
    assert_eq!(
        files,
        ["bin", "vec", "json"].map(|e| dir.path().join(format!("file.{e}")))
    );
    for ext in ["bin", "vec"] {
        same_bytes(&p_texts.with_extension(ext), &p_file.with_extension(ext));
    }
    assert_eq!(
        manifest(&p_texts)["corpus"]["inputs"],
        "200 texts in memory"
    );
    assert_eq!(
        manifest(&p_file)["corpus"]["inputs"],
        serde_json::json!([file])
    );
}

#[test]
fn saved_model_is_the_one_the_cli_writes() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = write_lines(dir.path(), "corpus.txt", &two_topic_lines(200));
    let cli_prefix = dir.path().join("cli");
    run_cli(&[
        "train",
        "--mode",
        "skipgram",
        "--dim",
        "16",
        "--min-count",
        "1",
        "--epochs",
        "3",
        "--threads",
        "1",
        "--seed",
        "7",
        "-t",
        "0",
        "--subwords",
        "--buckets",
        "500",
        "--quiet",
        path_str(&corpus),
        "-o",
        path_str(&cli_prefix),
    ]);
    let api_prefix = dir.path().join("api");
    let (vectors, report) = VectorTrainer::new(with_subwords(config(Mode::Skipgram)))
        .train(&TrainingData::files([&corpus]))
        .unwrap();
    vectors.save(&api_prefix).unwrap();
    for ext in ["bin", "vec"] {
        same_bytes(
            &cli_prefix.with_extension(ext),
            &api_prefix.with_extension(ext),
        );
    }
    let (cli, api) = (manifest(&cli_prefix), manifest(&api_prefix));
    for section in [
        "format",
        "version",
        "kind",
        "pipeline",
        "hyperparameters",
        "corpus",
    ] {
        assert_eq!(cli[section], api[section], "{section}");
    }
    // Timing differs between runs; the work done does not.
    assert_eq!(cli["training"]["tokens"], api["training"]["tokens"]);
    assert_eq!(api["training"]["tokens"], report.summary.tokens);
    assert_eq!(report.words, 16);
    assert_eq!(report.types, 16);
    assert_eq!(report.summary.threads, 1);
    assert!(
        api.get("evaluation").is_none(),
        "no evaluation was asked for"
    );
}

#[test]
fn nearest_and_analogy_answer_as_the_cli_does() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = write_lines(dir.path(), "corpus.txt", &two_topic_lines(200));
    let trained = train(
        with_subwords(config(Mode::Cbow)),
        &TrainingData::files([&corpus]),
    );
    let prefix = dir.path().join("m");
    trained.save(&prefix).unwrap();
    let bin = prefix.with_extension("bin");
    let loaded = WordVectors::load(&bin).unwrap();
    assert_eq!(loaded.path(), bin);
    assert_eq!(loaded.kind(), ModelKind::Embeddings);
    assert_eq!(loaded.subwords().map(|s| (s.minn, s.maxn)), Some((3, 6)));

    for query in ["a1", "b3", "A2", "a1 a2", "a99"] {
        let cli = run_cli(&["nn", path_str(&bin), query, "-k", "5", "-q"]);
        for vectors in [&trained, &loaded] {
            let found = vectors.nearest(query, 5).unwrap();
            assert_eq!(as_cli_text(&found), cli, "nn {query}");
        }
    }
    for (method, name) in [
        (AnalogyMethod::CosAdd, "3cosadd"),
        (AnalogyMethod::CosMul, "3cosmul"),
    ] {
        let cli = run_cli(&[
            "analogy",
            path_str(&bin),
            "a1",
            "a2",
            "b1",
            "-k",
            "4",
            "--method",
            name,
            "-q",
        ]);
        let found = loaded.analogy("a1", "a2", "b1", 4, method).unwrap();
        assert_eq!(as_cli_text(&found), cli, "analogy {name}");
        assert!(found
            .iter()
            .all(|n| !["a1", "a2", "b1"].contains(&n.word.as_str())));
    }
    // Query vectors and sentence vectors as `vectors` and `sentence-vectors` print them.
    let cli_vectors = Command::new(BLAZETEXT)
        .args(["vectors", path_str(&bin), "-q", "--json"])
        .stdin(std::fs::File::open(write_lines(dir.path(), "q.txt", &["a1 zz".into()])).unwrap())
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(cli_vectors.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for (line, word) in lines.iter().zip(["a1", "zz"]) {
        assert_eq!(
            line["vector"],
            serde_json::json!(loaded.query_vector(word).unwrap())
        );
    }
    let sentence = "b1 b2, b3!";
    let cli_sentence = Command::new(BLAZETEXT)
        .args(["sentence-vectors", path_str(&bin), "-q", "--json"])
        .stdin(std::fs::File::open(write_lines(dir.path(), "s.txt", &[sentence.into()])).unwrap())
        .output()
        .unwrap();
    let printed: serde_json::Value = serde_json::from_slice(&cli_sentence.stdout).unwrap();
    assert_eq!(
        printed["vector"],
        serde_json::json!(loaded.sentence_vector(sentence).unwrap())
    );
}

#[test]
fn word_look_ups_and_similarity() {
    let vectors = train(
        config(Mode::Skipgram),
        &TrainingData::texts(two_topic_lines(200)),
    );
    assert_eq!(vectors.dim(), 16);
    assert!(vectors.contains("a3") && !vectors.contains("A3"));
    let id = vectors.word_id("a3").unwrap();
    assert_eq!(vectors.words()[id], "a3");
    assert_eq!(vectors.path(), Path::new(""));
    // The pipeline lowercases queries; word_vector takes tokens as they are.
    assert_eq!(
        vectors.query_vector("A3").unwrap(),
        vectors.word_vector("a3").unwrap()
    );
    assert_eq!(vectors.word_vector("A3"), None);
    // similarity(a, b) is the score b gets among a's neighbours.
    let found = vectors.nearest("a3", 15).unwrap();
    for n in &found {
        assert_eq!(vectors.similarity("a3", &n.word).unwrap(), n.score);
    }
    assert!(vectors.similarity("a3", "a4").unwrap() > vectors.similarity("a3", "b4").unwrap());
    // Searching with a vector: the word itself comes first.
    let v = vectors.word_vector("b2").unwrap();
    let top = vectors.nearest_to_vector(&v, 2).unwrap();
    assert_eq!(top[0].word, "b2");
    assert!((top[0].score - 1.0).abs() < 1e-5);
}

#[test]
fn evaluations_run_after_training_and_land_in_the_report_and_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("pairs.tsv");
    std::fs::write(
        &pairs,
        "a0\ta1\t9\na0\tb0\t1\nb1\tb2\t8\na2\tb3\t0\nzz\ta1\t5\n",
    )
    .unwrap();
    let questions = dir.path().join("q.txt");
    std::fs::write(
        &questions,
        ": family\na0 a1 b0 b1\na2 a3 b2 b3\n: gram\na0 b0 zz b1\n",
    )
    .unwrap();
    let mut c = config(Mode::Skipgram);
    c.eval_similarity = Some(pairs.clone());
    c.eval_analogies = Some(questions.clone());
    let infos = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&infos);
    let hook: EventHook = Arc::new(move |e: &Event| {
        if let Event::Info(line) = e {
            sink.lock().unwrap().push(line.clone());
        }
    });
    let (vectors, report) = VectorTrainer::new(c)
        .on_event(hook)
        .train(&TrainingData::texts(two_topic_lines(200)))
        .unwrap();
    let similarity = report.evaluation.similarity.as_ref().unwrap();
    assert_eq!(similarity.file, pairs);
    assert_eq!(
        similarity.report,
        vectors
            .evaluate_similarity(&pairs, &SimilarityOptions::default())
            .unwrap()
    );
    assert_eq!((similarity.report.pairs, similarity.report.used), (5, 4));
    let analogies = report.evaluation.analogies.as_ref().unwrap();
    assert_eq!(
        analogies.report,
        vectors
            .evaluate_analogies(&questions, &AnalogyOptions::default())
            .unwrap()
    );
    assert_eq!(analogies.report.total.questions, 3);
    assert_eq!(analogies.report.total.answered, 2);
    let infos = infos.lock().unwrap();
    assert!(
        infos.iter().any(|l| l.starts_with("similarity (")),
        "{infos:?}"
    );
    assert!(
        infos.iter().any(|l| l.starts_with("analogies (")),
        "{infos:?}"
    );

    let prefix = dir.path().join("m");
    vectors.save(&prefix).unwrap();
    assert_eq!(manifest(&prefix)["evaluation"], report.evaluation.to_json());
    assert_eq!(
        manifest(&prefix)["evaluation"]["similarity"]["report"]["used"],
        4
    );
}

#[test]
fn one_model_answers_many_threads_at_once() {
    let vectors = Arc::new(train(
        with_subwords(config(Mode::Skipgram)),
        &TrainingData::texts(two_topic_lines(200)),
    ));
    let queries = ["a0", "a5", "b2", "b7", "a9x"];
    let expected: Vec<_> = queries
        .iter()
        .map(|q| {
            (
                vectors.nearest(q, 4).unwrap(),
                vectors
                    .analogy("a0", q, "b1", 3, AnalogyMethod::CosMul)
                    .unwrap(),
                vectors.sentence_vector(&format!("{q} b1 a2")).unwrap(),
            )
        })
        .collect();
    let expected = Arc::new(expected);
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let (vectors, expected) = (Arc::clone(&vectors), Arc::clone(&expected));
            std::thread::spawn(move || {
                for round in 0..20 {
                    let i = (t + round) % queries.len();
                    let q = queries[i];
                    assert_eq!(vectors.nearest(q, 4).unwrap(), expected[i].0);
                    assert_eq!(
                        vectors
                            .analogy("a0", q, "b1", 3, AnalogyMethod::CosMul)
                            .unwrap(),
                        expected[i].1
                    );
                    assert_eq!(
                        vectors.sentence_vector(&format!("{q} b1 a2")).unwrap(),
                        expected[i].2
                    );
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn cancelling_at_the_first_progress_event_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let flag = CancelFlag::new();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (for_hook, sink) = (flag.clone(), Arc::clone(&seen));
    let hook: EventHook = Arc::new(move |e: &Event| {
        if let Event::Progress(p) = e {
            sink.lock().unwrap().push(p.fraction);
            for_hook.cancel();
        }
    });
    // 600 lines × 12 words × 300 epochs: 200 progress reports of work if nothing stopped it.
    let mut c = config(Mode::Skipgram);
    c.epochs = 300;
    let result = VectorTrainer::new(c)
        .on_event(hook)
        .cancel_flag(flag)
        .train(&TrainingData::texts(two_topic_lines(600)));
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
    let fractions = seen.lock().unwrap();
    assert!(
        fractions.iter().all(|&f| f < 0.05),
        "training went on after the flag was set: {fractions:?}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    // A flag set before the call stops it before any work.
    let set = CancelFlag::new();
    set.cancel();
    let result = VectorTrainer::new(config(Mode::Cbow))
        .cancel_flag(set)
        .train(&TrainingData::texts(two_topic_lines(10)));
    assert!(matches!(result, Err(Error::Cancelled)), "{result:?}");
}

fn config_error<T: std::fmt::Debug>(result: blazetext::Result<T>, needle: &str) {
    match result {
        Err(Error::Config(message)) => assert!(message.contains(needle), "{message}"),
        other => panic!("expected a Config error about {needle}, got {other:?}"),
    }
}

fn model_error<T: std::fmt::Debug>(result: blazetext::Result<T>, needle: &str) {
    match result {
        Err(e @ Error::Model { .. }) => assert!(e.to_string().contains(needle), "{e}"),
        other => panic!("expected a Model error about {needle}, got {other:?}"),
    }
}

#[test]
fn bad_training_input_is_a_typed_error() {
    let texts = TrainingData::texts(two_topic_lines(20));
    let none: [&str; 0] = [];
    config_error(
        VectorTrainer::new(config(Mode::Skipgram)).train(&TrainingData::texts(none)),
        "no training texts",
    );
    config_error(
        VectorTrainer::new(config(Mode::Skipgram)).train(&TrainingData::files(none)),
        "no training files",
    );
    config_error(
        VectorTrainer::new(config(Mode::Supervised)).train(&texts),
        "ClassifierTrainer",
    );
    let mut c = config(Mode::Cbow);
    c.threads = 0;
    config_error(VectorTrainer::new(c).train(&texts), "threads");
    let mut c = config(Mode::Cbow);
    c.vector_dim = 0;
    config_error(VectorTrainer::new(c).train(&texts), "--vector-dim");
    let mut c = config(Mode::Cbow);
    c.validation = Some("valid.txt".into());
    config_error(VectorTrainer::new(c).train(&texts), "--mode supervised");

    match VectorTrainer::new(config(Mode::Cbow)).train(&TrainingData::files(["no/such/corpus.txt"]))
    {
        Err(e @ Error::Io { .. }) => assert!(e.to_string().contains("corpus.txt"), "{e}"),
        other => panic!("expected an Io error, got {other:?}"),
    }
    let mut c = config(Mode::Cbow);
    c.min_count = 1000;
    match VectorTrainer::new(c).train(&texts) {
        Err(e @ Error::Input { .. }) => {
            let e = e.to_string();
            assert!(
                e.starts_with("<texts>") && e.contains("16 distinct word types"),
                "{e}"
            );
        }
        other => panic!("expected an Input error, got {other:?}"),
    }
    match VectorTrainer::new(config(Mode::Cbow)).train(&TrainingData::texts(["...", "!"])) {
        Err(e @ Error::Input { .. }) => assert!(e.to_string().contains("no words"), "{e}"),
        other => panic!("expected an Input error, got {other:?}"),
    }
}

#[test]
fn bad_queries_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let vectors = train(
        config(Mode::Skipgram),
        &TrainingData::texts(two_topic_lines(50)),
    );
    config_error(vectors.nearest("a1", 0), "k must be at least 1");
    config_error(
        vectors.nearest_to_vector(&[0.0; 16], 0),
        "k must be at least 1",
    );
    config_error(
        vectors.analogy("a1", "a2", "b1", 0, AnalogyMethod::CosAdd),
        "k must be at least 1",
    );
    config_error(
        vectors.nearest_to_vector(&[1.0, 2.0, 3.0], 3),
        "has 3 values",
    );
    // No subwords: an unknown word has no vector, and the error names it.
    assert_eq!(vectors.word_vector("unicorn"), None);
    model_error(
        vectors.nearest("unicorn", 3),
        "`unicorn` is not in the vocabulary",
    );
    model_error(vectors.query_vector("unicorn"), "`unicorn`");
    model_error(
        vectors.analogy("a1", "unicorn", "b1", 3, AnalogyMethod::CosAdd),
        "`unicorn`",
    );
    model_error(vectors.similarity("a1", "unicorn"), "`unicorn`");
    model_error(vectors.nearest("?!", 3), "no tokens left");
    // A sentence of unknown words is the zero vector, as in fastText.
    assert_eq!(
        vectors.sentence_vector("unicorn zebra").unwrap(),
        vec![0.0; 16]
    );

    match vectors.evaluate_analogies(dir.path().join("missing.txt"), &AnalogyOptions::default()) {
        Err(e @ Error::Io { .. }) => assert!(e.to_string().contains("missing.txt"), "{e}"),
        other => panic!("expected an Io error, got {other:?}"),
    }
    let bad = dir.path().join("bad.tsv");
    std::fs::write(&bad, "a1 a2 3\na1 a3\n").unwrap();
    match vectors.evaluate_similarity(&bad, &SimilarityOptions::default()) {
        Err(e @ Error::Input { .. }) => assert!(e.to_string().contains("bad.tsv:2"), "{e}"),
        other => panic!("expected an Input error, got {other:?}"),
    }
}

#[test]
fn bad_files_and_saves_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    match WordVectors::load(dir.path().join("missing.bin")) {
        Err(e @ Error::Io { .. }) => assert!(e.to_string().contains("missing.bin"), "{e}"),
        other => panic!("expected an Io error, got {other:?}"),
    }
    let vectors = train(
        config(Mode::Cbow),
        &TrainingData::texts(two_topic_lines(50)),
    );
    for result in [
        vectors.save(dir.path().join("no/such/folder/m")).map(drop),
        WordVectors::check_output_prefix(dir.path().join("no/such/folder/m")),
    ] {
        config_error(result, "no/such/folder does not exist");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    WordVectors::check_output_prefix(dir.path().join("m")).unwrap();

    let vec = dir.path().join("m.vec");
    vectors.save_text(&vec).unwrap();
    let loaded = WordVectors::load(&vec).unwrap();
    config_error(loaded.save(dir.path().join("again")), "save_text");
    // Converting keeps the vectors exactly.
    let w2v = dir.path().join("m.w2v");
    loaded.save_word2vec_binary(&w2v).unwrap();
    let binary = WordVectors::load(&w2v).unwrap();
    for w in vectors.words() {
        assert_eq!(binary.word_vector(w), vectors.word_vector(w));
    }
}

#[test]
fn classifier_vectors_load_but_refuse_searches() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("clf");
    run_cli(&[
        "train",
        "--mode",
        "supervised",
        "corpora/sample-labelled.train",
        "-o",
        path_str(&prefix),
        "--dim",
        "5",
        "--epochs",
        "1",
        "--threads",
        "1",
        "--quiet",
    ]);
    let bin = prefix.with_extension("bin");
    match Model::load(&bin).unwrap().into_word_vectors() {
        Err(e @ Error::Model { .. }) => assert!(e.to_string().contains("classifier"), "{e}"),
        other => panic!("expected a Model error, got {other:?}"),
    }
    let vectors = WordVectors::load(&bin).unwrap();
    assert_eq!(vectors.kind(), ModelKind::Classifier);
    assert_eq!(vectors.sentence_vector("a short text").unwrap().len(), 5);
    model_error(vectors.nearest("text", 3), "supervised classifier");
    model_error(
        vectors.evaluate_analogies("corpora/questions-sample.txt", &AnalogyOptions::default()),
        "supervised classifier",
    );
    model_error(
        vectors.require_embeddings("nn"),
        "`nn` needs a word-embedding model",
    );
}

#[test]
fn a_huge_k_gives_the_whole_vocabulary_without_reserving_for_k() {
    use blazetext::{format::Matrix, AnalogyMethod, WordVectors};
    let words = ["cat", "dog", "car", "bus"].map(String::from).to_vec();
    let rows = vec![1.0, 0.1, 0.9, 0.2, 0.0, 1.0, 0.1, 0.9];
    let vectors = WordVectors::from_vectors(words, Matrix::from_vec(4, 2, rows)).unwrap();
    assert_eq!(vectors.nearest("cat", usize::MAX).unwrap().len(), 3);
    assert_eq!(
        vectors
            .nearest_to_vector(&[1.0, 0.0], usize::MAX)
            .unwrap()
            .len(),
        4
    );
    let answers = vectors
        .analogy("cat", "dog", "car", usize::MAX, AnalogyMethod::CosAdd)
        .unwrap();
    assert_eq!(answers.len(), 1);
    assert!(vectors.nearest("cat", 0).is_err());
}
