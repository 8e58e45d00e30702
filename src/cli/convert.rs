//! `convert`: word vectors from one file format to another.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::query::load_model;
use super::GlobalArgs;
use crate::log;
use blazetext::{Error, OutputRule, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// word2vec text (`<count> <dim>` header, one `word v1 ... vdim` line per word).
    Vec,
    /// word2vec binary (`word2vec -binary 1`, gensim `binary=True`).
    #[value(name = "w2v-bin")]
    W2vBin,
}

/// Convert word vectors between formats.
///
/// Input: fastText/blazetext .bin, word2vec text or binary (recognised by content). With
/// subwords, each word's vector is the average of its own and its n-gram rows, as in the .vec
/// fastText writes.
///
/// Examples:
///   blazetext convert model.bin model.vec
///   blazetext convert model.bin model.w2v --to w2v-bin
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ConvertArgs {
    pub input: PathBuf,
    pub output: PathBuf,
    /// Output format (default: vec for a .vec or .txt output, otherwise required).
    #[arg(long, value_enum)]
    pub to: Option<Target>,
}

pub fn run(_global: &GlobalArgs, args: &ConvertArgs) -> Result<()> {
    OutputRule::new()
        .reads([&args.input])
        .writes([&args.output])
        .check()?;
    let to = match (args.to, args.output.extension().and_then(|e| e.to_str())) {
        (Some(t), _) => t,
        (None, Some("vec" | "txt")) => Target::Vec,
        (None, _) => {
            return Err(Error::config(format!(
                "cannot tell the output format from {}; pass --to vec or --to w2v-bin",
                args.output.display()
            )))
        }
    };
    let vectors = load_model(&args.input)?;
    match to {
        Target::Vec => vectors.save_text(&args.output)?,
        Target::W2vBin => vectors.save_word2vec_binary(&args.output)?,
    }
    log::info(format!(
        "wrote {} words of dimension {} to {}",
        vectors.words().len(),
        vectors.dim(),
        args.output.display()
    ));
    Ok(())
}
