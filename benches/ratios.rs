//! The ratios issue 4 sets targets for, each measured within one process:
//!
//! - engine overhead: time per decision inside a full run ÷ time per bare
//!   `call_fn` of the same handlers with the same event maps (target ≤ 1.3);
//! - parallel speedup: 10,000 runs of taiwan-crisis on 2 threads vs 1
//!   (target ≥ 1.8);
//! - memory: peak RSS of `bloc run` for 100,000 runs ÷ for 1,000 (target
//!   ≤ 1.1), measured on the release binary as a child process;
//! - runs per second per core, taiwan-crisis and baseline-2008.
//!
//! `cargo bench --bench ratios` (a few minutes; set BLOC_RATIOS_QUICK=1 for a
//! smoke run). Results go in docs/performance.md.

use std::hint::black_box;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bloc::ensemble::{self, Options};
use bloc::rules::WorldView;
use bloc::{LoadOptions, load, sim};

/// The repository root (this package is its `benches/` folder).
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ has a parent")
        .to_path_buf()
}

fn plan(name: &str, runs: u32) -> bloc::Plan {
    let opts = LoadOptions {
        rules: Some(root().join("rules")),
        runs: Some(runs),
        ..LoadOptions::default()
    };
    load(&root().join("scenarios").join(name), &opts).expect("shipped scenario loads")
}

fn quick() -> bool {
    std::env::var_os("BLOC_RATIOS_QUICK").is_some()
}

/// Median of `reps` timings of `f`.
fn median(reps: usize, mut f: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..reps)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[reps / 2]
}

fn engine_overhead() {
    let p = plan("taiwan-crisis.yaml", 1);
    let runs: u32 = if quick() { 20 } else { 400 };
    // Every decision of run 0: (actor, kind, event map as the script saw it).
    let run = sim::run_once(&p, 0).expect("runs");
    let world = Arc::new(p.world.clone());
    let mut calls = Vec::new();
    for rec in &run.record.events {
        let ev = run.record.event(rec);
        for d in &rec.decisions {
            let facts = p.rules.prepare(&ev.facts(&world, &rec.options));
            calls.push((d.actor, ev.kind_name().to_string(), facts));
        }
    }
    let decisions = calls.len() as f64;
    let full = median(5, || {
        for i in 0..runs {
            black_box(sim::run_once(&p, i).expect("runs"));
        }
    });
    let per_decision_full = full.as_secs_f64() / f64::from(runs) / decisions;
    let _view = WorldView::enter(&world);
    let bare = median(5, || {
        for _ in 0..runs {
            for (actor, kind, m) in &calls {
                let _ = black_box(
                    p.rules
                        .with_bare_handler(*actor, kind, m, |call| call())
                        .expect("handler"),
                );
            }
        }
    });
    let per_decision_bare = bare.as_secs_f64() / f64::from(runs) / decisions;
    println!(
        "engine overhead (taiwan-crisis, {decisions} decisions a run): {:.1} µs per decision in a full run / {:.1} µs per bare call = {:.2} (target <= 1.3)",
        per_decision_full * 1e6,
        per_decision_bare * 1e6,
        per_decision_full / per_decision_bare
    );
}

fn speedup_and_rate() {
    let runs = if quick() { 400 } else { 10_000 };
    for name in ["taiwan-crisis.yaml", "baseline-2008.yaml"] {
        let p = plan(name, runs);
        let time = |threads: usize| {
            let opts = Options {
                threads: Some(threads),
                ..Options::default()
            };
            let s = Instant::now();
            let e = ensemble::run(&p, &opts, |_| None::<()>, |_| Ok(())).expect("runs");
            black_box(e);
            s.elapsed().as_secs_f64()
        };
        let (one, two) = (time(1), time(2));
        println!(
            "{name}: {runs} runs, 1 thread {one:.2} s ({:.0} runs/s/core), 2 threads {two:.2} s: speedup {:.2} (target >= 1.8)",
            f64::from(runs) / one,
            one / two
        );
    }
}

/// Peak resident set (VmHWM, KiB) of a child `bloc run`, polled until it exits.
fn peak_rss(runs: u32) -> Option<u64> {
    let bin = root().join("target/release/bloc");
    if !bin.exists() {
        println!("memory: build the release binary first (cargo build --release)");
        return None;
    }
    let mut child = Command::new(bin)
        .args([
            "run",
            "scenarios/baseline-2008.yaml",
            "--quiet",
            "--format",
            "json",
            "--runs",
        ])
        .arg(runs.to_string())
        .current_dir(root())
        .stdout(Stdio::null())
        .spawn()
        .ok()?;
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status)
            && let Some(kb) = s
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|x| x.parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if child.try_wait().ok()?.is_some() {
            return Some(peak);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn memory() {
    let big = if quick() { 5_000 } else { 100_000 };
    if let (Some(small), Some(large)) = (peak_rss(1_000), peak_rss(big)) {
        println!(
            "memory (baseline-2008): peak RSS {small} KiB for 1,000 runs, {large} KiB for {big} runs: ratio {:.3} (target <= 1.1)",
            large as f64 / small as f64
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is a filter.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let want = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    if want("overhead") {
        engine_overhead();
    }
    if want("speedup") {
        speedup_and_rate();
    }
    if want("memory") {
        memory();
    }
}
