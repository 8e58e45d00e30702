//! Fuzzes the text pipeline on corpus lines: the first byte picks a preset pipeline and the
//! options it toggles, the rest is one line of (possibly invalid UTF-8) text, decoded the way
//! the corpus reader decodes it.
#![no_main]

use blazetext::Pipeline;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, line)) = data.split_first() else {
        return;
    };
    let mut pipeline = match choice % 3 {
        0 => Pipeline::default(),
        1 => Pipeline::whitespace(),
        _ => Pipeline::topics_default(),
    };
    pipeline.lowercase ^= choice & 0x04 != 0;
    pipeline.strip_accents ^= choice & 0x08 != 0;
    // Only the default tokenizer splits punctuation, so only it takes these options.
    if choice % 3 != 1 {
        pipeline.keep_punctuation ^= choice & 0x10 != 0;
        pipeline.keep_apostrophes ^= choice & 0x20 != 0;
        pipeline.keep_hyphens ^= choice & 0x40 != 0;
    }
    pipeline.min_token_length = usize::from(choice >> 7) + 1;
    let line = String::from_utf8_lossy(line);
    let mut processor = pipeline.processor().expect("a preset pipeline compiles");
    let tokens = processor.tokens(&line);
    assert!(
        tokens.iter().all(|t| !t.is_empty()),
        "empty token from {line:?}"
    );
});
