//! Golden outputs (issue 12): every shipped scenario, at its own seed and a
//! fixed number of runs, gives the very bytes recorded in `tests/golden/`,
//! on one thread and on two. Speed work must not change a single output:
//! the JSON report is compared whole, and the full decision trace (every
//! score, probability, rationale and handler of every decision) by digest.
//!
//! A scenario added to `scenarios/` needs its snapshot: write the missing
//! (or, after a deliberate change of the model, every) snapshot with
//! `BLOC_BLESS=1 cargo test --release --test golden`, and commit it.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs of each report: more than one chunk per thread, so runs that reuse
/// earlier runs' work (on the same worker thread) are covered.
const REPORT_RUNS: &str = "160";
/// Runs of each trace (a trace is about 20 KB a run).
const TRACE_RUNS: &str = "24";

fn golden() -> PathBuf {
    common::repo().join("tests/golden")
}

fn bless() -> bool {
    std::env::var_os("BLOC_BLESS").is_some()
}

/// `bloc run` from the repository's root; its stdout, or a panic with stderr.
fn bloc(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_bloc"))
        .args(args)
        .current_dir(common::repo())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bloc {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// FNV-1a, 64 bits: a digest that is the same on every platform and Rust
/// version (std's hashers promise neither).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn scenarios() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(common::repo().join("scenarios"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "yaml").then(|| p.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    names.sort();
    names
}

fn report(name: &str, threads: &str) -> Vec<u8> {
    let path = format!("scenarios/{name}.yaml");
    bloc(&[
        "run",
        &path,
        "--runs",
        REPORT_RUNS,
        "--threads",
        threads,
        "--format",
        "json",
        "--quiet",
    ])
}

/// The trace's digest and length.
fn trace(name: &str, threads: &str, dir: &Path) -> String {
    let path = format!("scenarios/{name}.yaml");
    let file = dir.join(format!("{name}-{threads}.json"));
    bloc(&[
        "run",
        &path,
        "--runs",
        TRACE_RUNS,
        "--threads",
        threads,
        "--quiet",
        "--trace",
        file.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&file).unwrap();
    format!("{:016x} {}", fnv(&bytes), bytes.len())
}

/// `tests/golden/traces.txt`: `<scenario> <digest> <bytes>` per line.
fn read_traces() -> BTreeMap<String, String> {
    std::fs::read_to_string(golden().join("traces.txt"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn every_shipped_scenario_gives_its_recorded_bytes_on_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut traces = if bless() {
        BTreeMap::new()
    } else {
        read_traces()
    };
    let mut problems = Vec::new();
    for name in scenarios() {
        let file = golden().join(format!("{name}.json"));
        let one = report(&name, "1");
        let two = report(&name, "2");
        if one != two {
            problems.push(format!("{name}: the report differs on 1 and 2 threads"));
        }
        match std::fs::read(&file) {
            _ if bless() => std::fs::write(&file, &one).unwrap(),
            Ok(want) if want == one => {}
            Ok(_) => problems.push(format!(
                "{name}: the report differs from {}",
                file.display()
            )),
            Err(_) => problems.push(format!("{name}: no snapshot {}", file.display())),
        }
        let (t1, t2) = (trace(&name, "1", dir.path()), trace(&name, "2", dir.path()));
        if t1 != t2 {
            problems.push(format!("{name}: the trace differs on 1 and 2 threads"));
        }
        match traces.get(&name) {
            _ if bless() => {
                traces.insert(name.clone(), t1);
            }
            Some(want) if *want == t1 => {}
            Some(want) => problems.push(format!(
                "{name}: the trace of {TRACE_RUNS} runs is {t1}, recorded {want}"
            )),
            None => problems.push(format!("{name}: no trace digest in traces.txt")),
        }
    }
    if bless() {
        let text: String = traces.iter().map(|(k, v)| format!("{k} {v}\n")).collect();
        std::fs::write(golden().join("traces.txt"), text).unwrap();
    }
    assert!(
        problems.is_empty(),
        "{}\n(if the change of output is meant: BLOC_BLESS=1 cargo test --release --test golden)",
        problems.join("\n")
    );
}

/// Past the runs in which a worker thread records what runs compute
/// (`sim::Reuse::LEARN_RUNS`, 1,024): the runs that only reuse give the
/// bytes of the code before any reuse (`tests/golden/long/`, recorded with
/// it), on one thread and two.
#[test]
fn long_ensembles_give_their_recorded_bytes() {
    let dir = golden().join("long");
    let mut problems = Vec::new();
    for name in ["baseline-2008", "rising-threat", "taiwan-crisis"] {
        let path = format!("scenarios/{name}.yaml");
        let file = dir.join(format!("{name}.json"));
        for threads in ["1", "2"] {
            let got = bloc(&[
                "run",
                &path,
                "--runs",
                "1500",
                "--threads",
                threads,
                "--format",
                "json",
                "--quiet",
            ]);
            if bless() && threads == "1" {
                std::fs::write(&file, &got).unwrap();
            } else if std::fs::read(&file).ok() != Some(got) {
                problems.push(format!(
                    "{name} on {threads} threads differs from {}",
                    file.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
