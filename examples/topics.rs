//! Train a topic model on the shipped sample documents, print each topic's top words, and infer
//! the topic weights of new texts.
//!
//!   cargo run --release --example topics

use blazetext::{Pipeline, TopicConfig, TopicTrainer, TrainingData};

fn main() -> blazetext::Result<()> {
    let mut config = TopicConfig::default();
    config.num_topics = 6;
    config.epochs = 30;
    let (model, _report) = TopicTrainer::new(config)
        .pipeline(Pipeline::topics_default())
        .train(&TrainingData::files(["corpora/sample-docs.txt"]))?;

    for (topic, words) in model.top_words(8, None)?.iter().enumerate() {
        let listed: Vec<&str> = words.iter().map(|w| w.word.as_str()).collect();
        println!("topic {topic}: {}", listed.join(" "));
    }

    let texts = [
        "the players ran onto the stadium pitch as the fans cheered the champion",
        "simmer the sugar and serve the crispy golden cake",
    ];
    for (text, weights) in texts.iter().zip(model.infer(&texts)?) {
        let rounded: Vec<String> = weights.iter().map(|w| format!("{w:.2}")).collect();
        println!("{text:?}: {{\"topic_weights\": [{}]}}", rounded.join(", "));
    }
    Ok(())
}
