//! Bytes as a scenario file (on the shipped world and rules).
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::check(
        "scenarios/case.yaml",
        "scenarios/worlds/sco-2008.yaml",
        "scenarios/case.yaml",
        data,
    );
});
