//! Bytes as the world file that a shipped scenario (taiwan-crisis) names.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::check(
        "scenarios/worlds/sco-2008.yaml",
        "scenarios/taiwan-crisis.yaml",
        "scenarios/taiwan-crisis.yaml",
        data,
    );
});
