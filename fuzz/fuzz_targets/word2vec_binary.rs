//! Fuzzes word2vec binary files through `blazetext::Model::load`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = blazetext_fuzz::write_input("vectors.w2v", data);
    blazetext_fuzz::load_and_use(&path);
});
