//! Writes a synthetic fastText-format skip-gram model of any size, or times reading one
//! completely (both matrices) with the library, e.g. to measure load times:
//!
//!   cargo run --release --example bin_io -- write out.bin 1000000 300 [bucket]
//!   cargo run --release --example bin_io -- read out.bin
//!
//! Words are `w0`, `w1`, ...; rows are deterministic pseudo-random values.

use std::path::{Path, PathBuf};
use std::time::Instant;

use blazetext::format::Matrix;
use blazetext::format::{DictEntry, FastTextArgs, FastTextFile};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("write") => write(&args[1..]),
        Some("read") if args.len() == 2 => {
            let start = Instant::now();
            let file = FastTextFile::read(Path::new(&args[1]))?;
            println!(
                "read {} words, input {}x{}, output {}x{} in {:.3} s",
                file.words.len(),
                file.input.rows(),
                file.input.cols(),
                file.output.rows(),
                file.output.cols(),
                start.elapsed().as_secs_f64()
            );
            Ok(())
        }
        _ => anyhow::bail!(
            "usage: bin_io write <out.bin> <words> <dim> [bucket (default 0)] | bin_io read <in.bin>"
        ),
    }
}

fn write(args: &[String]) -> anyhow::Result<()> {
    let [out, words, dim, rest @ ..] = args else {
        anyhow::bail!("usage: bin_io write <out.bin> <words> <dim> [bucket (default 0)]");
    };
    let (nwords, dim): (usize, usize) = (words.parse()?, dim.parse()?);
    let bucket: usize = rest.first().map_or(Ok(0), |b| b.parse())?;
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    let mut random = |n: usize| -> Vec<f32> {
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                ((s >> 40) as f32 / (1u64 << 24) as f32 - 0.5) / dim as f32
            })
            .collect()
    };
    let file = FastTextFile {
        args: FastTextArgs {
            dim: dim as i32,
            bucket: bucket as i32,
            // Without buckets there are no subword rows: tell fastText not to look for any.
            minn: if bucket == 0 { 0 } else { 3 },
            maxn: if bucket == 0 { 0 } else { 6 },
            ..FastTextArgs::default()
        },
        words: (0..nwords)
            .map(|i| DictEntry {
                text: format!("w{i}"),
                count: (nwords - i) as u64,
            })
            .collect(),
        labels: Vec::new(),
        ntokens: (nwords * (nwords + 1) / 2) as u64,
        input: Matrix::from_vec(nwords + bucket, dim, random((nwords + bucket) * dim)),
        output: Matrix::from_vec(nwords, dim, random(nwords * dim)),
    };
    file.write(&PathBuf::from(out))?;
    Ok(())
}
