//! A small, deterministic fuzzing pass (issue 10): every shipped scenario
//! and world, mutated the way a careless edit or a hostile file would be
//! (lines dropped or doubled, bytes replaced, numbers made hostile, the file
//! cut short), must end in a clear error or a run: no panic, no abort, an
//! exit code bloc documents, and every error printed as `error: …`. Seeded,
//! so a failure is reproduced by running the test again; bounded in time.
//! A longer campaign: `BLOC_MUTATION_SEED=N BLOC_MUTATIONS=200 cargo test
//! --release --test mutations` (mutations per scenario; default seed 10, 8).
//!
//! Below it, property tests (`proptest`): sequences of edits (bits flipped,
//! lines deleted, doubled or re-indented, numbers swapped for huge,
//! negative, NaN or not-a-number values, values nested hundreds deep, files
//! cut short) of a shipped scenario or its world, loaded and run through
//! the library: no panic, and every error a diagnostic that names its file
//! and, for input errors, its line and column. A failing case is shrunk to
//! the fewest, smallest edits. Seeded like the pass above; more cases:
//! `BLOC_PROPTEST_CASES=2000 BLOC_PROPTEST_SEED=N`; the
//! longer campaigns are the `cargo fuzz` targets (docs/fuzzing.md).

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

// ---------------------------------------------------------------------------
// Property tests

use proptest::prelude::*;
use proptest::sample::Index;

/// What a number may be swapped for: the seeded pass's values and more.
const NUMBERS: &[&str] = &[
    ".nan",
    ".NaN",
    ".inf",
    "-.inf",
    "+.inf",
    "-1",
    "-0",
    "0",
    "1e-320",
    "-1e308",
    "1e309",
    "4294967295",
    "4294967296",
    "-4294967296",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "0x7fffffff",
    "1_000",
    "0.5e",
    "\"0.5\"",
    "[]",
    "{}",
    "~",
    "*a",
];

#[derive(Debug, Clone)]
enum Edit {
    FlipBits {
        at: Index,
        bits: u8,
    },
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapNumber {
        line: Index,
        value: Index,
    },
    Nest {
        line: Index,
        depth: usize,
        map: bool,
    },
    CutShort(Index),
    Indent {
        line: Index,
        deeper: bool,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 1u8..=255).prop_map(|(at, bits)| Edit::FlipBits { at, bits }),
        any::<Index>().prop_map(Edit::DeleteLine),
        any::<Index>().prop_map(Edit::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(line, value)| Edit::SwapNumber { line, value }),
        (any::<Index>(), 1usize..300, any::<bool>()).prop_map(|(line, depth, map)| Edit::Nest {
            line,
            depth,
            map
        }),
        any::<Index>().prop_map(Edit::CutShort),
        (any::<Index>(), any::<bool>()).prop_map(|(line, deeper)| Edit::Indent { line, deeper }),
    ]
}

/// `text` with `e` applied (bytes: a flipped bit may leave invalid UTF-8).
fn apply(text: &[u8], e: &Edit) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = text.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    let n = lines.len();
    match e {
        Edit::FlipBits { at, bits } => {
            let mut out = text.to_vec();
            if !out.is_empty() {
                let i = at.index(out.len());
                out[i] ^= bits;
            }
            return out;
        }
        Edit::DeleteLine(i) => {
            lines.remove(i.index(n));
        }
        Edit::DuplicateLine(i) => {
            let i = i.index(n);
            let l = lines[i].clone();
            lines.insert(i, l);
        }
        Edit::SwapNumber { line, value } => {
            let numbered: Vec<usize> = (0..n)
                .filter(|i| lines[*i].iter().any(u8::is_ascii_digit))
                .collect();
            if !numbered.is_empty() {
                let l = &mut lines[numbered[line.index(numbered.len())]];
                let start = l.iter().position(u8::is_ascii_digit).unwrap_or(0);
                let end = l[start..]
                    .iter()
                    .position(|c| !(c.is_ascii_digit() || *c == b'.'))
                    .map_or(l.len(), |e| start + e);
                let v = NUMBERS[value.index(NUMBERS.len())].as_bytes();
                l.splice(start..end, v.iter().copied());
            }
        }
        Edit::Nest { line, depth, map } => {
            let l = &mut lines[line.index(n)];
            let at = l
                .windows(2)
                .position(|w| w == b": ")
                .map_or(l.len(), |p| p + 2);
            let nested = if *map {
                format!("{}1{}", "{a: ".repeat(*depth), "}".repeat(*depth))
            } else {
                format!("{}1{}", "[".repeat(*depth), "]".repeat(*depth))
            };
            l.truncate(at);
            l.extend_from_slice(nested.as_bytes());
        }
        Edit::CutShort(i) => lines.truncate(i.index(n + 1)),
        Edit::Indent { line, deeper } => {
            let l = &mut lines[line.index(n)];
            if *deeper {
                l.splice(0..0, *b"  ");
            } else {
                let keep = l.iter().position(|c| *c != b' ').unwrap_or(l.len());
                l.drain(..keep);
            }
        }
    }
    lines.join(&b'\n')
}

/// One fixture for every case of a property (cases run one after another).
fn fixture() -> &'static Fixture {
    static F: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    F.get_or_init(Fixture::new)
}

fn shipped() -> &'static [(String, Vec<u8>)] {
    static S: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let dir = common::repo().join("scenarios");
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".yaml"))
            .map(|n| {
                let text = std::fs::read(dir.join(&n)).unwrap();
                (n, text)
            })
            .collect();
        v.sort();
        v
    })
}

/// Write the scenario `which` (as `scenarios/case.yaml`) and the world,
/// one of them (`world`) edited by `edits`.
fn prepare(f: &Fixture, which: Index, world: bool, edits: &[Edit]) -> std::path::PathBuf {
    let (_, scenario) = &shipped()[which.index(shipped().len())];
    let world_path = "scenarios/worlds/sco-2008.yaml";
    let world_text = std::fs::read(common::repo().join(world_path)).unwrap();
    let mut edited = if world {
        world_text.clone()
    } else {
        scenario.clone()
    };
    for e in edits {
        edited = apply(&edited, e);
    }
    let (s, w) = if world {
        (scenario.clone(), edited)
    } else {
        (edited, world_text)
    };
    std::fs::write(f.path("scenarios/case.yaml"), s).unwrap();
    std::fs::write(f.path(world_path), w).unwrap();
    f.path("scenarios/case.yaml")
}

fn cases(default: u32) -> u32 {
    std::env::var("BLOC_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Seeded (`BLOC_PROPTEST_SEED`, default 10), so that `cargo test` runs the
/// same cases every time; a campaign sets another seed.
fn seed() -> proptest::test_runner::RngSeed {
    let seed = std::env::var("BLOC_PROPTEST_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    proptest::test_runner::RngSeed::Fixed(seed)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(96),
        failure_persistence: None,
        rng_seed: seed(),
        ..ProptestConfig::default()
    })]

    /// Through the library: a mutated scenario or world loads and runs, or
    /// fails with diagnostics that name their file, and (input errors) the
    /// line and column; never a panic, never an I/O error from content.
    #[test]
    fn mutated_inputs_run_or_fail_with_positioned_errors(
        which in any::<Index>(),
        world in any::<bool>(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let f = fixture();
        let path = prepare(f, which, world, &edits);
        let opts = bloc::LoadOptions {
            runs: Some(2),
            rules: Some(f.path("rules")),
            ..Default::default()
        };
        let started = std::time::Instant::now();
        let result = bloc::load(&path, &opts).and_then(|plan| {
            let eopts = bloc::ensemble::Options { threads: Some(1), ..Default::default() };
            bloc::ensemble::run(&plan, &eopts, |_| None::<()>, |_| Ok(())).map(|_| ())
        });
        prop_assert!(started.elapsed().as_secs() < 5, "took {:?}", started.elapsed());
        if let Err(e) = result {
            let code = bloc::cli::exit_code(&e);
            prop_assert!(matches!(code, 1 | 2), "exit {code}: {e}");
            for d in e.diagnostics() {
                let text = d.render();
                prop_assert!(text.starts_with("error: "), "{text}");
                prop_assert!(d.file.is_some(), "no file: {text}");
                if matches!(e, bloc::Error::Invalid(_)) {
                    prop_assert!(d.span.is_some(), "no line and column: {text}");
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(16),
        failure_persistence: None,
        rng_seed: seed(),
        ..ProptestConfig::default()
    })]

    /// Through the binary: an exit code bloc documents, and every error
    /// printed as `error: …` with a `-->` line where it has a position.
    #[test]
    fn mutated_inputs_exit_with_documented_codes(
        which in any::<Index>(),
        world in any::<bool>(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let f = Fixture::new();
        prepare(&f, which, world, &edits);
        let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml", "--runs", "2", "--threads", "1", "--quiet"]);
        prop_assert!(matches!(code, 0..=4), "exit {code}: {err}");
        prop_assert!(!err.contains("panicked"), "{err}");
        if code == 2 {
            prop_assert!(err.starts_with("error: "), "{err}");
            prop_assert!(err.contains("--> scenarios/"), "{err}");
        }
    }
}
