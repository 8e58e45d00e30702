//! Fuzzes word2vec text (`.vec`) files through `blazetext::Model::load`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = blazetext_fuzz::write_input("vectors.vec", data);
    blazetext_fuzz::load_and_use(&path);
});
