//! Train skip-gram word vectors with subwords on the shipped sample corpus, then ask for
//! neighbours (also of a misspelled word, answered through its character n-grams) and an
//! analogy.
//!
//!   cargo run --release --example word_vectors

use blazetext::{AnalogyMethod, Mode, TrainConfig, TrainingData, VectorTrainer};

fn main() -> blazetext::Result<()> {
    let mut config = TrainConfig::defaults(Mode::Skipgram);
    config.subwords = true;
    config.buckets = 200_000;
    config.epochs = 20;
    let (vectors, report) =
        VectorTrainer::new(config).train(&TrainingData::files(["corpora/sample.txt"]))?;
    println!(
        "trained {} words on {} tokens in {:.1} s",
        report.words, report.summary.tokens, report.summary.seconds
    );

    for word in ["guitar", "guitarz"] {
        let neighbours = vectors.nearest(word, 5)?;
        let listed: Vec<String> = neighbours
            .iter()
            .map(|n| format!("{} {:.3}", n.word, n.score))
            .collect();
        println!("nearest to {word}: {}", listed.join(", "));
    }

    let answers = vectors.analogy("guitar", "guitars", "piano", 3, AnalogyMethod::CosAdd)?;
    let listed: Vec<&str> = answers.iter().map(|n| n.word.as_str()).collect();
    println!("guitar is to guitars as piano is to: {}", listed.join(", "));
    Ok(())
}
