//! Load any fastText `.bin` (blazetext's or fastText's own) or word2vec file and answer queries:
//! nearest neighbours for word vectors, top labels for a classifier.
//!
//!   cargo run --release --example query_model -- MODEL.bin guitar piano
//!   cargo run --release --example query_model -- classifier.bin "what a great match"

use blazetext::Model;

fn main() -> blazetext::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        return Err(blazetext::Error::config(
            "usage: query_model MODEL QUERY... (a fastText .bin, a word2vec file or a classifier)",
        ));
    };
    let queries: Vec<String> = args.collect();
    match Model::load(&path)? {
        Model::WordVectors(vectors) => {
            println!(
                "{path}: {} words, dimension {}",
                vectors.words().len(),
                vectors.dim()
            );
            for query in &queries {
                for n in vectors.nearest(query, 5)? {
                    println!("{query}\t{}\t{:.4}", n.word, n.score);
                }
            }
        }
        Model::Classifier(classifier) => {
            println!("{path}: classifier with labels {:?}", classifier.labels());
            for query in &queries {
                for p in classifier.predict(query, 2, 0.0)? {
                    println!("{query}\t{}\t{:.4}", p.label, p.probability);
                }
            }
        }
        other => println!("{path}: a {:?} model", other.kind()),
    }
    Ok(())
}
