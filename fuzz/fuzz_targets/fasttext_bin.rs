//! Fuzzes fastText `.bin` files (word vectors and classifiers) through `blazetext::Model::load`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = blazetext_fuzz::write_input("model.bin", data);
    blazetext_fuzz::load_and_use(&path);
});
