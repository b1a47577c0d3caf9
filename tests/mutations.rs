//! A small, deterministic fuzzing pass (issue 10): every shipped scenario
//! and world, mutated the way a careless edit or a hostile file would be
//! (lines dropped or doubled, bytes replaced, numbers made hostile, the file
//! cut short), must end in a clear error or a run: no panic, no abort, an
//! exit code bloc documents, and every error printed as `error: …`. Seeded,
//! so a failure is reproduced by running the test again; bounded in time.
//! A longer campaign: `BLOC_MUTATION_SEED=N BLOC_MUTATIONS=200 cargo test
//! --release --test mutations` (mutations per scenario; default seed 10, 8).

mod common;
use common::Fixture;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Values a number may be replaced with.
const HOSTILE: &[&str] = &[
    ".nan",
    ".inf",
    "-.inf",
    "-1",
    "0",
    "4294967295",
    "18446744073709551616",
    "1e308",
    "\"x\"",
    "[]",
    "{}",
    "~",
    "&a 1",
    "*a",
    "\u{202e}",
    "\"\\u001b[2J\"",
];

fn mutate(text: &str, rng: &mut ChaCha8Rng) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    match rng.random_range(0..6) {
        0 if !lines.is_empty() => {
            let i = rng.random_range(0..lines.len());
            lines.remove(i);
        }
        1 if !lines.is_empty() => {
            let i = rng.random_range(0..lines.len());
            let l = lines[i].clone();
            lines.insert(i, l);
        }
        2 => {
            // A number replaced with a hostile value.
            let numbered: Vec<usize> = (0..lines.len())
                .filter(|i| lines[*i].contains(|c: char| c.is_ascii_digit()))
                .collect();
            if !numbered.is_empty() {
                let i = numbered[rng.random_range(0..numbered.len())];
                let v = HOSTILE[rng.random_range(0..HOSTILE.len())];
                let l = &lines[i];
                let start = l.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
                let end = l[start..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .map_or(l.len(), |e| start + e);
                lines[i] = format!("{}{v}{}", &l[..start], &l[end..]);
            }
        }
        3 => {
            // The file cut short.
            let keep = rng.random_range(0..=lines.len());
            lines.truncate(keep);
        }
        4 if !lines.is_empty() => {
            // A line indented one step more or less.
            let i = rng.random_range(0..lines.len());
            if rng.random_bool(0.5) {
                lines[i] = format!("  {}", lines[i]);
            } else {
                lines[i] = lines[i].trim_start().to_string();
            }
        }
        _ => {}
    }
    let mut bytes = lines.join("\n").into_bytes();
    bytes.push(b'\n');
    if rng.random_bool(0.2) && !bytes.is_empty() {
        // A byte replaced by anything (invalid UTF-8, a control character).
        let i = rng.random_range(0..bytes.len());
        bytes[i] = rng.random();
    }
    bytes
}

#[test]
fn mutated_scenarios_and_worlds_end_in_a_run_or_a_clear_error() {
    let started = std::time::Instant::now();
    let f = Fixture::new();
    let mut scenarios: Vec<String> = std::fs::read_dir(f.path("scenarios"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    scenarios.sort();
    let world = std::fs::read_to_string(f.path("scenarios/worlds/sco-2008.yaml")).unwrap();
    let env = |k: &str, default: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let per_scenario = env("BLOC_MUTATIONS", 8);
    let mut rng = ChaCha8Rng::seed_from_u64(env("BLOC_MUTATION_SEED", 10));
    let mut case = 0;
    let mut codes = std::collections::BTreeMap::new();
    for name in &scenarios {
        let text = std::fs::read_to_string(f.path(&format!("scenarios/{name}"))).unwrap();
        for _ in 0..per_scenario {
            case += 1;
            // Mutate the scenario, or (every third case) the world it names.
            let (file, original) = if case % 3 == 0 {
                ("scenarios/worlds/sco-2008.yaml", world.as_str())
            } else {
                ("scenarios/case.yaml", text.as_str())
            };
            std::fs::write(f.path("scenarios/case.yaml"), &text).unwrap();
            std::fs::write(f.path("scenarios/worlds/sco-2008.yaml"), &world).unwrap();
            std::fs::write(f.path(file), mutate(original, &mut rng)).unwrap();
            let one = std::time::Instant::now();
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_bloc"))
                .args([
                    "run",
                    "scenarios/case.yaml",
                    "--runs",
                    "2",
                    "--threads",
                    "1",
                    "--quiet",
                ])
                .current_dir(f.dir.path())
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            let code = out.status.code();
            *codes.entry(code).or_insert(0) += 1;
            assert!(
                matches!(code, Some(0..=4)),
                "case {case} ({name}, {file}): exit {code:?}\n{err}"
            );
            assert!(!err.contains("panicked"), "case {case} ({name}): {err}");
            if code != Some(0) {
                assert!(err.starts_with("error: "), "case {case} ({name}): {err}");
            }
            assert!(
                one.elapsed().as_secs() < 5,
                "case {case} ({name}) took {:?}",
                one.elapsed()
            );
        }
    }
    eprintln!("{case} cases, exit codes {codes:?}");
    // Some mutations must get through to a run, and some must be refused.
    assert!(codes.get(&Some(0)).is_some_and(|n| *n > 0), "{codes:?}");
    assert!(codes.get(&Some(2)).is_some_and(|n| *n > 0), "{codes:?}");
    assert!(
        started.elapsed().as_secs() < 120 || per_scenario > 8,
        "{:?}",
        started.elapsed()
    );
}
