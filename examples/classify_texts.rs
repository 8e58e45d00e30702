//! Train a classifier from labelled texts held in memory (`__label__x text` strings, here read
//! from the shipped sample), then print its per-label report on the test file.
//!
//!   cargo run --release --example classify_texts

use blazetext::{ClassifierTrainer, Mode, TrainConfig, TrainingData};

fn main() -> blazetext::Result<()> {
    let lines = std::fs::read_to_string("corpora/sample-labelled.train")
        .map_err(|e| blazetext::Error::io("corpora/sample-labelled.train", e))?;
    let texts: Vec<String> = lines.lines().map(str::to_string).collect();

    let (classifier, report) = ClassifierTrainer::new(TrainConfig::defaults(Mode::Supervised))
        .train(&TrainingData::texts(texts))?;
    println!("{}", report.summary_text());

    for text in [
        "the striker scored twice in the final",
        "simmer the sauce and add basil",
    ] {
        let best = &classifier.predict(text, 1, 0.0)?[0];
        println!("{text:?} → {} ({:.3})", best.label, best.probability);
    }

    let report = classifier.report("corpora/sample-labelled.test", None, None)?;
    print!("{}", report.to_text());
    Ok(())
}
