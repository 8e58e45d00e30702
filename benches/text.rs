//! Micro-benchmarks of the text pipeline: the default tokenizer on ASCII and mixed-script text,
//! and stemming through the pipeline (with its per-thread cache) against the bare stemmer.
//!
//!   cargo bench --bench text

use blazetext::{Pipeline, StopWords};
use divan::counter::BytesCount;
use divan::Bencher;

fn main() {
    divan::main();
}

const ENGLISH: &str = "The quick brown fox, having jumped over the lazy dogs, ran into the \
    forest; it's 3.14 miles away (roughly) and the runners were running faster than before!";
const MIXED: &str = "Москва — столица России. ΣΟΦΙΑ σοφός, Crème brûlée ＦＵＬＬ ﬁne 東京は晴れ。";

fn text(sample: &str) -> String {
    let mut s = String::new();
    while s.len() < 1 << 20 {
        s.push_str(sample);
        s.push('\n');
    }
    s
}

fn run(bencher: Bencher, pipeline: Pipeline, sample: &str) {
    let text = text(sample);
    let mut processor = pipeline.processor().unwrap();
    bencher.counter(BytesCount::of_str(&text)).bench_local(|| {
        let mut n = 0usize;
        for line in text.lines() {
            processor.for_each_token(line, |t| n += t.len());
        }
        n
    });
}

#[divan::bench]
fn default_tokenizer_english(bencher: Bencher) {
    run(bencher, Pipeline::default(), ENGLISH);
}

#[divan::bench]
fn default_tokenizer_mixed_scripts(bencher: Bencher) {
    run(bencher, Pipeline::default(), MIXED);
}

#[divan::bench]
fn stopwords_and_stemming_english(bencher: Bencher) {
    let pipeline = Pipeline {
        stopwords: StopWords::built_in("english").unwrap(),
        stemmer: Some("english".into()),
        ..Pipeline::default()
    };
    run(bencher, pipeline, ENGLISH);
}

fn words() -> Vec<&'static str> {
    ENGLISH
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

#[divan::bench]
fn stem_with_cache(bencher: Bencher) {
    let words = words();
    let pipeline = Pipeline::whitespace().with_stemmer("english").unwrap();
    let mut processor = pipeline.processor().unwrap();
    bencher.bench_local(|| {
        let mut n = 0usize;
        for w in &words {
            processor.for_each_token(w, |t| n += t.len());
        }
        n
    });
}

#[divan::bench]
fn stem_without_cache(bencher: Bencher) {
    let words = words();
    let stemmer = rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English);
    bencher.bench_local(|| words.iter().map(|w| stemmer.stem(w).len()).sum::<usize>());
}
