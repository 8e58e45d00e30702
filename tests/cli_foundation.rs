//! End-to-end tests of `preprocess` and `vocab`, including every bad input of the foundation.

mod common;

use assert_cmd::Command;
use std::io::Write;
use std::path::Path;

use common::{arg, blazetext, fails, stdout, succeeds, temp_dir, write};

/// `blazetext preprocess <input> -o <output>` (`-` for stdin or stdout), ready for more options.
fn preprocess(input: &str, output: &str) -> Command {
    let mut cmd = blazetext();
    cmd.args(["preprocess", input, "-o", output]);
    cmd
}

/// `blazetext vocab build <input> -o <output>`, ready for more options.
fn vocab_build(input: &Path, output: &Path) -> Command {
    let mut cmd = blazetext();
    cmd.args(["vocab", "build", arg(input), "-o", arg(output)]);
    cmd
}

#[test]
fn help_lists_every_command_with_examples() {
    let help = stdout(blazetext().arg("--help"));
    assert!(
        help.contains("preprocess") && help.contains("Examples:"),
        "{help}"
    );
}

#[test]
fn preprocess_keeps_lines_labels_and_applies_every_stage() {
    let dir = temp_dir();
    let input = write(
        dir.path(),
        "in.txt",
        "__label__Food The runners' CAFÉ was running!\n\nCats and dogs, 42 of them\n",
    );
    let output = dir.path().join("out.txt");
    succeeds(
        preprocess(arg(&input), arg(&output))
            .args(["--stopwords", "english", "--stemmer", "english"])
            .args(["--numbers", "replace"]),
    );
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "__label__Food runner café run\n\ncat dog <num>\n"
    );
}

#[test]
fn preprocess_reads_stdin_and_gzip_and_reports_json() {
    let dir = temp_dir();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"Zipped Text\n").unwrap();
    let input = write(dir.path(), "in.txt.gz", gz.finish().unwrap());
    let output = dir.path().join("out.txt");
    let summary =
        stdout(blazetext().args(["--json", "preprocess", arg(&input), "-o", arg(&output)]));
    assert!(
        summary.contains("\"lines\":1") && summary.contains("\"tokens_out\":2"),
        "{summary}"
    );
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "zipped text\n");
    let text = stdout(
        preprocess("-", "-")
            .args(["--tokenizer", "whitespace"])
            .write_stdin("Keep, Case!\n"),
    );
    assert_eq!(text, "Keep, Case!\n");
}

#[test]
fn pipeline_config_round_trips() {
    let dir = temp_dir();
    let input = write(dir.path(), "in.txt", "The Running Dogs\n");
    let config = dir.path().join("pipeline.json");
    let saved = stdout(
        preprocess(arg(&input), "-")
            .args(["--stemmer", "english"])
            .args(["--save-pipeline-config", arg(&config)]),
    );
    assert_eq!(saved, "the run dog\n");
    let loaded = stdout(preprocess(arg(&input), "-").args(["--pipeline-config", arg(&config)]));
    assert_eq!(loaded, "the run dog\n");
}

#[test]
fn spelling_repair_reports_writes_and_applies_the_mapping() {
    let dir = temp_dir();
    let mut text = "the government will receive the letter\n".repeat(30);
    text.push_str("the goverment will recieve it\n");
    let input = write(dir.path(), "in.txt", text);
    let mapping = dir.path().join("fixes.tsv");
    let config = dir.path().join("pipeline.json");
    let printed = succeeds(
        preprocess(arg(&input), "-")
            .arg("--fix-spelling")
            .args(["--spelling-output", arg(&mapping)])
            .args(["--save-pipeline-config", arg(&config)]),
    );
    assert!(
        printed.stderr.contains("2 rare token types"),
        "{}",
        printed.stderr
    );
    assert_eq!(
        printed.stdout.lines().last(),
        Some("the government will receive it")
    );
    let tsv = std::fs::read_to_string(&mapping).unwrap();
    assert!(tsv.contains("goverment\tgovernment\t1\t30\t1"), "{tsv}");
    // The mapping lives in the saved pipeline, so inference repeats it.
    let json = std::fs::read_to_string(&config).unwrap();
    assert!(json.contains("\"recieve\": \"receive\""), "{json}");
}

#[test]
fn vocab_build_show_and_prune() {
    let dir = temp_dir();
    let input = write(
        dir.path(),
        "in.txt",
        "__label__a red red blue\n__label__b red green\n",
    );
    let vocab = dir.path().join("v.tsv");
    let built = stdout(&mut vocab_build(&input, &vocab));
    assert!(
        built.contains("types\t3") && built.contains("red\t3\t2"),
        "{built}"
    );
    let shown = stdout(blazetext().args(["--json", "vocab", "show", arg(&vocab)]));
    assert!(shown.contains("\"tokens\":5"), "{shown}");
    let pruned = dir.path().join("p.tsv");
    let summary = stdout(blazetext().args([
        "vocab",
        "prune",
        arg(&vocab),
        "-o",
        arg(&pruned),
        "--min-count",
        "2",
    ]));
    assert!(summary.contains("types\t1"), "{summary}");
}

#[test]
fn bad_inputs_get_clear_errors() {
    let dir = temp_dir();
    let d = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let text = write(dir.path(), "ok.txt", "some text\n");
    let text = arg(&text);
    let out = d("o");
    fails(
        &mut preprocess(&d("missing.txt"), &out),
        1,
        &["missing.txt", "no such file"],
    );
    std::fs::create_dir(dir.path().join("emptydir")).unwrap();
    write(&dir.path().join("emptydir"), "image.png", b"\x89PNG\0\0\0");
    fails(
        &mut preprocess(&d("emptydir"), &out),
        1,
        &["emptydir", "no non-empty text files"],
    );
    write(dir.path(), "empty.txt", "");
    fails(
        &mut preprocess(&d("empty.txt"), &out),
        1,
        &["empty.txt", "empty"],
    );
    let binary = write(dir.path(), "binary.bin", b"\x7fELF\x02\x01\x01\0\0\0\0");
    fails(
        &mut vocab_build(&binary, Path::new(&out)),
        1,
        &["binary.bin", "binary"],
    );
    fails(
        preprocess(text, &out).args(["--stopwords-file", &d("nostop.txt")]),
        1,
        &["nostop.txt"],
    );
    fails(
        preprocess(text, &out).args(["--stemmer", "elvish"]),
        2,
        &["elvish", "english", "russian"],
    );
    fails(
        preprocess(text, &out).args(["--stopwords", "elvish"]),
        2,
        &["elvish", "english"],
    );
    fails(
        vocab_build(Path::new(text), Path::new(&out)).args(["--min-count", "0"]),
        2,
        &["--min-count"],
    );
    fails(
        preprocess(text, &out).args(["--min-token-length", "5", "--max-token-length", "2"]),
        2,
        &["--min-token-length"],
    );
    fails(
        preprocess(text, &out).args(["--tokenizer", "whitespace", "--keep-punctuation"]),
        2,
        &["--keep-punctuation"],
    );
    fails(
        preprocess(text, &out).args(["--lowercase", "--no-lowercase"]),
        2,
        &["cannot be used with"],
    );
    fails(
        preprocess(text, &out).args(["--tokenizer", "hf:/no/tokenizer.json"]),
        1,
        &["/no/tokenizer.json"],
    );
    fails(
        &mut preprocess(text, &d("no/such/dir/out.txt")),
        1,
        &["does not exist"],
    );
    fails(&mut preprocess("-", &out), 1, &["empty"]);
    // Nothing a user had is lost: a failed run leaves an existing output untouched.
    let existing = write(dir.path(), "keep.txt", "precious\n");
    fails(
        &mut preprocess(&d("missing.txt"), arg(&existing)),
        1,
        &["missing.txt"],
    );
    assert_eq!(std::fs::read(&existing).unwrap(), b"precious\n");
}

#[test]
fn invalid_utf8_is_replaced_counted_and_located() {
    let dir = temp_dir();
    let input = write(dir.path(), "latin1.txt", b"caf\xe9 ok\nfine\n");
    let printed = succeeds(&mut preprocess(arg(&input), "-"));
    assert_eq!(printed.stdout, "caf \u{fffd} ok\nfine\n");
    assert!(
        printed.stderr.contains("latin1.txt") && printed.stderr.contains("byte offset 3"),
        "{}",
        printed.stderr
    );
}

#[test]
fn a_fifty_megabyte_line_works() {
    let dir = temp_dir();
    let mut text = "word ".repeat(10 << 20);
    text.push_str("\nnext line\n");
    let input = write(dir.path(), "huge.txt", text);
    let vocab = dir.path().join("v.tsv");
    let summary =
        stdout(blazetext().args(["--json", "vocab", "build", arg(&input), "-o", arg(&vocab)]));
    assert!(
        summary.contains(&format!("\"tokens\":{}", (10 << 20) + 2)),
        "{summary}"
    );
}

#[test]
fn hugging_face_tokenizer_files_are_used_and_stored() {
    let dir = temp_dir();
    // A WordPiece tokenizer.json as the Hugging Face libraries write it.
    let json = write(
        dir.path(),
        "tokenizer.json",
        br###"{"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
            "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null,
            "decoder": null, "model": {"type": "WordPiece", "unk_token": "[UNK]",
            "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
            "vocab": {"[UNK]": 0, "play": 1, "##ing": 2, "##ed": 3, "the": 4, "game": 5}}}"###,
    );
    let input = write(dir.path(), "in.txt", "__label__x the game playing played\n");
    let config = dir.path().join("pipeline.json");
    let spec = format!("hf:{}", json.display());
    let tokens = stdout(
        preprocess(arg(&input), "-")
            .args(["--tokenizer", &spec])
            .args(["--save-pipeline-config", arg(&config)]),
    );
    assert_eq!(tokens, "__label__x the game play ##ing play ##ed\n");
    // The tokenizer is stored in the pipeline: it still works after the file is gone.
    std::fs::remove_file(&json).unwrap();
    let tokens = stdout(preprocess(arg(&input), "-").args(["--pipeline-config", arg(&config)]));
    assert_eq!(tokens, "__label__x the game play ##ing play ##ed\n");
}
