//! Fuzzes the `<prefix>.json` manifest (and the text pipeline stored in it): the input becomes
//! the manifest next to a small valid `.vec`, loaded through `blazetext::Model::load`; one
//! query then compiles and runs the manifest's pipeline.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    blazetext_fuzz::write_input("model.json", data);
    let path = blazetext_fuzz::write_input("model.vec", b"2 2\nhello 0.5 -1\nworld 1 0.25\n");
    if let Some(blazetext::Model::WordVectors(v)) = blazetext_fuzz::load(&path) {
        let _ = v.sentence_vector("Hello, wörld! 42 hello");
    }
});
