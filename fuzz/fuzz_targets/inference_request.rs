//! Fuzzes the request parsers of `blazetext serve` and `transform`: the first byte picks the
//! model kind, the route, the Content-Type and the Accept value; the rest is the body. Every
//! request is answered or refused with a 4xx error (never a panic, never a 500).
#![no_main]

use std::sync::OnceLock;

use blazetext::format::Matrix;
use blazetext::inference::{Endpoint, Request, Route};
use blazetext::{ClassifierTrainer, EncoderLayers, Mode, Model, TopicConfig, TopicTrainer};
use blazetext::{TrainConfig, TrainingData, WordVectors};
use libfuzzer_sys::fuzz_target;

const ROUTES: [Route; 7] = [
    Route::Invocations,
    Route::Predict,
    Route::Vectors,
    Route::Nearest,
    Route::Analogy,
    Route::Similarity,
    Route::Topics,
];
const CONTENT_TYPES: [&str; 6] = [
    "application/json",
    "application/jsonlines",
    "text/csv",
    "text/plain",
    "application/x-recordio-protobuf",
    "application/json; charset=latin-1",
];
const ACCEPTS: [&str; 4] = ["*/*", "text/csv", "application/jsonlines", "image/png"];

fn endpoints() -> &'static [Endpoint; 3] {
    static ENDPOINTS: OnceLock<[Endpoint; 3]> = OnceLock::new();
    ENDPOINTS.get_or_init(|| {
        let texts = [
            "__label__music a guitar solo and a slow piano",
            "__label__sports the striker scored a late goal",
        ];
        let mut config = TrainConfig::defaults(Mode::Supervised);
        (config.vector_dim, config.buckets, config.threads) = (4, 1000, 1);
        let (classifier, _) = ClassifierTrainer::new(config)
            .train(&TrainingData::texts(texts))
            .expect("a tiny classifier trains");
        let words = ["guitar", "piano", "goal"].map(String::from).to_vec();
        let vectors = WordVectors::from_vectors(words, Matrix::from_vec(3, 2, vec![1.0, 0.0, 0.9, 0.1, 0.0, 1.0]))
            .expect("three vectors");
        let mut topics = TopicConfig::default();
        (topics.num_topics, topics.epochs, topics.threads) = (2, 1, 1);
        topics.encoder_layers = EncoderLayers::Units(vec![4]);
        let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpora/sample-docs.txt");
        let (topic_model, _) = TopicTrainer::new(topics)
            .train(&TrainingData::files([docs]))
            .expect("a tiny topic model trains");
        [
            Endpoint::new(Model::Classifier(classifier)),
            Endpoint::new(Model::WordVectors(vectors)),
            Endpoint::new(Model::Topics(topic_model)),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let endpoint = &endpoints()[usize::from(choice % 3)];
    let route = ROUTES[usize::from(choice / 3 % 7)];
    let content_type = CONTENT_TYPES[usize::from(choice / 21 % 6)];
    let accept = ACCEPTS[usize::from(choice / 126 % 2 * 2 + choice % 2)];
    let request = Request::new(route, body)
        .content_type(content_type)
        .accept(accept)
        .max_instances(100);
    if let Err(error) = endpoint.invoke(&request) {
        assert!(
            (400..500).contains(&error.status),
            "{route:?} {content_type}: status {} for {error}",
            error.status
        );
    }
});
