//! Command-line interface: one module per group of subcommands.

pub mod convert;
pub mod eval;
pub mod query;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "blazetext",
    version,
    about = "Fast word embeddings, text classification and topic models"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Nn(query::NnArgs),
    Analogy(query::AnalogyArgs),
    Vectors(query::VectorsArgs),
    SentenceVectors(query::SentenceVectorsArgs),
    Eval(eval::EvalArgs),
    Convert(convert::ConvertArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Nn(a) => query::nn(a),
        Command::Analogy(a) => query::analogy(a),
        Command::Vectors(a) => query::vectors(a),
        Command::SentenceVectors(a) => query::sentence_vectors(a),
        Command::Eval(a) => eval::run(a),
        Command::Convert(a) => convert::run(a),
    }
}
