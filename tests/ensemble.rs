//! Monte Carlo at scale: the same bits for any thread count and any split
//! into shards; per-run CSV; distributions sampled per run; stopping on a
//! confidence target; sweeps and paired comparisons.

mod common;
use common::Fixture;

fn ok(r: (i32, String, String)) -> String {
    assert_eq!(r.0, 0, "stdout:\n{}\nstderr:\n{}", r.1, r.2);
    r.1
}

/// More runs than a worker's learning window (`sim::Reuse::LEARN_RUNS`) and
/// than many chunks of 16, so that workers finish chunks out of order.
const ACROSS_BATCHES: &str = "2100";

#[test]
fn output_trace_and_csv_are_byte_identical_for_any_thread_count() {
    let f = Fixture::new();
    let run = |t: &str| {
        let (trace, csv) = (format!("trace{t}.json"), format!("runs{t}.csv"));
        let report = ok(f.bloc(&[
            "run",
            "scenarios/rising-threat.yaml",
            "--runs",
            ACROSS_BATCHES,
            "--threads",
            t,
            "--format",
            "json",
            "--quiet",
            "--trace",
            &trace,
            "--runs-csv",
            &csv,
        ]));
        let read = |p: &str| std::fs::read(f.path(p)).unwrap();
        (report, read(&trace), read(&csv))
    };
    let one = run("1");
    assert!(one.0.contains(&format!("\"runs\": {ACROSS_BATCHES}")));
    assert_eq!(
        String::from_utf8_lossy(&one.2).lines().count(),
        2101,
        "a CSV row per run"
    );
    for t in ["2", "3"] {
        let other = run(t);
        assert!(one.0 == other.0, "report differs on {t} threads");
        assert!(one.1 == other.1, "trace differs on {t} threads");
        assert!(one.2 == other.2, "runs CSV differs on {t} threads");
    }
}

#[test]
fn compare_and_sweep_are_byte_identical_for_any_thread_count() {
    let f = Fixture::new();
    let compare = |t: &str| {
        ok(f.bloc(&[
            "compare",
            "scenarios/baseline-2008.yaml",
            "scenarios/iran-admitted.yaml",
            "--runs",
            ACROSS_BATCHES,
            "--threads",
            t,
            "--format",
            "json",
        ]))
    };
    let one = compare("1");
    assert_eq!(one, compare("2"));
    let sweep = |t: &str| {
        let out = "sweep.csv";
        let text = ok(f.bloc(&[
            "sweep",
            "scenarios/rising-threat.yaml",
            "--vary",
            "relations.RUS.USA.threat=0.4:0.8:0.2",
            "--runs",
            "300",
            "--threads",
            t,
            "--out",
            out,
            "--quiet",
        ]));
        (text, std::fs::read(f.path(out)).unwrap())
    };
    let one = sweep("1");
    assert!(one == sweep("2"), "sweep differs on 2 threads");
}

#[test]
fn merged_shards_equal_the_unsharded_run_byte_for_byte() {
    let f = Fixture::new();
    let whole = ok(f.bloc(&[
        "run",
        "scenarios/rising-threat.yaml",
        "--runs",
        "300",
        "--format",
        "json",
        "--quiet",
    ]));
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let out = format!("shard{k}.json");
        ok(f.bloc(&[
            "run",
            "scenarios/rising-threat.yaml",
            "--runs",
            "300",
            "--shard",
            &shard,
            "--out",
            &out,
            "--quiet",
            "--threads",
            "1",
        ]));
    }
    let merged = ok(f.bloc(&[
        "merge",
        "shard3.json",
        "shard1.json",
        "shard2.json",
        "--format",
        "json",
    ]));
    assert_eq!(whole, merged);
    // The same shard twice would count runs twice: refused.
    let (code, _, err) = f.bloc(&["merge", "shard1.json", "shard1.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("overlap"), "{err}");
}

#[test]
fn aggregates_of_different_inputs_are_not_merged() {
    let f = Fixture::new();
    ok(f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "20",
        "--out",
        "a.json",
        "--quiet",
    ]));
    ok(f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "20",
        "--seed",
        "8",
        "--out",
        "b.json",
        "--quiet",
    ]));
    let (code, _, err) = f.bloc(&["merge", "a.json", "b.json"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("different scenarios, rules, seeds or run counts"),
        "{err}"
    );
}

#[test]
fn runs_csv_has_one_row_per_run_with_sampled_values() {
    let f = Fixture::new();
    f.edit(
        "scenarios/taiwan-crisis.yaml",
        "runs: 200\n",
        "runs: 200\noverrides:\n  - {path: actors.RUS.entrapment, value: {uniform: [0.2, 0.9]}}\n  - {path: relations.RUS.CHN.ties, value: {normal: {mean: 0.55, sd: 0.1}}}\n",
    );
    let report = ok(f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "50",
        "--runs-csv",
        "runs.csv",
        "--format",
        "json",
        "--quiet",
    ]));
    let csv = std::fs::read_to_string(f.path("runs.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 51, "{csv}");
    assert!(
        lines[0].starts_with("seed,run,actors.RUS.entrapment,relations.RUS.CHN.ties,SCO.verdict,")
    );
    let risk: Vec<f64> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
        .collect();
    assert!(risk.iter().all(|x| (0.2..=0.9).contains(x)), "{risk:?}");
    assert!(risk.windows(2).any(|w| w[0] != w[1]), "not sampled per run");
    for (i, l) in lines[1..].iter().enumerate() {
        assert!(l.starts_with(&format!("7,{i},")), "{l}");
    }
    // The report says what was sampled.
    let doc: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(doc["sampled"][0]["path"], "actors.RUS.entrapment");
    assert_eq!(doc["sampled"][0]["distribution"], "uniform(0.2, 0.9)");
    let mean = doc["sampled"][0]["drawn"]["mean"].as_f64().unwrap();
    assert!((0.4..0.7).contains(&mean), "{mean}");
}

#[test]
fn a_bad_distribution_is_an_error_with_its_position() {
    let f = Fixture::new();
    f.edit(
        "scenarios/taiwan-crisis.yaml",
        "runs: 200\n",
        "runs: 200\noverrides:\n  - {path: actors.RUS.entrapment, value: {uniform: [0.9, 0.2]}}\n",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the lower bound is above the upper"), "{err}");
    assert!(err.contains("scenarios/taiwan-crisis.yaml:18:42"), "{err}");
}

#[test]
fn until_ci_stops_when_every_verdict_share_is_tight_enough() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&[
        "run",
        "scenarios/iran-joins.yaml",
        "--runs",
        "5000",
        "--until-ci",
        "0.03",
        "--format",
        "json",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("until-ci: every verdict share within ±0.03 after"),
        "{err}"
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let runs = doc["runs"].as_u64().unwrap();
    assert!(runs < 5000 && runs.is_multiple_of(250), "{runs}");
    // Same answer with another thread count: the batches are fixed.
    let (_, out2, _) = f.bloc(&[
        "run",
        "scenarios/iran-joins.yaml",
        "--runs",
        "5000",
        "--until-ci",
        "0.03",
        "--format",
        "json",
        "--quiet",
        "--threads",
        "1",
    ]);
    assert_eq!(out, out2);
}

#[test]
fn a_failing_run_is_reported_with_its_seed_and_index_whatever_the_threads() {
    let f = Fixture::new();
    // Fails only in runs where the drawn attribute is high.
    f.append(
        "rules/russia.rhai",
        "fn on_armed_conflict(ev) {\n    if attr(\"RUS\", \"entrapment\") > 0.8 { throw \"too risky\"; }\n    model(ev)\n}",
    );
    f.edit(
        "scenarios/taiwan-crisis.yaml",
        "runs: 200\n",
        "runs: 200\noverrides:\n  - {path: actors.RUS.entrapment, value: {uniform: [0.0, 1.0]}}\n",
    );
    let mut errs = Vec::new();
    for t in ["1", "2"] {
        let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--threads", t]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("too risky"), "{err}");
        assert!(err.contains("(reproduce with --seed 7 --runs"), "{err}");
        errs.push(err);
    }
    assert_eq!(errs[0], errs[1]);
}

#[test]
fn sweep_writes_one_row_per_point_and_a_sensitivity_summary() {
    let f = Fixture::new();
    let out = ok(f.bloc(&[
        "sweep",
        "scenarios/taiwan-crisis.yaml",
        "--vary",
        "relations.RUS.CHN.ties=0.2:0.8:0.3",
        "--vary",
        "actors.RUS.entrapment=0.2:0.6:0.4",
        "--runs",
        "40",
        "--out",
        "sweep.csv",
        "--quiet",
    ]));
    let csv = std::fs::read_to_string(f.path("sweep.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 3 * 2, "{csv}");
    assert!(
        lines[0].starts_with(
            "point,relations.RUS.CHN.ties,actors.RUS.entrapment,SCO.verdict.alliance,"
        )
    );
    assert!(lines[1].starts_with("0,0.2,0.2,"), "{}", lines[1]);
    assert!(lines[6].starts_with("5,0.8,0.6,"), "{}", lines[6]);
    assert!(out.contains("One-at-a-time sensitivity"), "{out}");
    assert!(out.contains("relations.RUS.CHN.ties"), "{out}");
    // Latin hypercube: N points, every parameter's strata covered once.
    ok(f.bloc(&[
        "sweep",
        "scenarios/taiwan-crisis.yaml",
        "--vary",
        "relations.RUS.CHN.ties=0.0:1.0:0.1",
        "--sample",
        "lhs:5",
        "--runs",
        "10",
        "--out",
        "lhs.csv",
        "--quiet",
    ]));
    let lhs = std::fs::read_to_string(f.path("lhs.csv")).unwrap();
    let mut strata: Vec<usize> = lhs
        .lines()
        .skip(1)
        .map(|l| (l.split(',').nth(1).unwrap().parse::<f64>().unwrap() * 5.0) as usize)
        .collect();
    strata.sort_unstable();
    assert_eq!(strata, vec![0, 1, 2, 3, 4]);
}

#[test]
fn sweep_over_the_point_cap_is_refused_before_anything_runs() {
    let f = Fixture::new();
    let sweep = |extra: &[&str]| {
        let mut args = vec![
            "sweep",
            "scenarios/taiwan-crisis.yaml",
            "--vary",
            "relations.RUS.CHN.ties=0:1:0.0002",
            "--runs",
            "2",
            "--out",
            "sweep.csv",
            "--quiet",
        ];
        args.extend_from_slice(extra);
        f.bloc(&args)
    };
    // Two fine ranges: each allowed, their grid 25 million points.
    let (code, _, err) = sweep(&["--vary", "actors.RUS.entrapment=0:1:0.0002"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err,
        "error: the grid has 25010001 points (5001 x 5001 values); the cap is 10,000 points: use --sample lhs:N (N up to 10,000) or a larger STEP\n"
    );
    // A Latin hypercube of four billion points.
    let (code, _, err) = sweep(&["--sample", "lhs:4000000000"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(
            "error: --sample lhs:4000000000 asks for 4000000000 points; the cap is 10,000 points"
        ),
        "{err}"
    );
    assert!(!f.path("sweep.csv").exists());
}

#[test]
fn compare_reports_paired_differences_with_intervals() {
    let f = Fixture::new();
    let out = ok(f.bloc(&[
        "compare",
        "scenarios/baseline-2008.yaml",
        "scenarios/iran-admitted.yaml",
        "--runs",
        "100",
        "--format",
        "json",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sco = &doc["groups"][0];
    assert_eq!(sco["id"], "SCO");
    let ext = &sco["indicators"]["external_orientation"];
    let d = ext["difference"].as_f64().unwrap();
    let iv = ext["interval"].as_array().unwrap();
    let (lo, hi) = (iv[0].as_f64().unwrap(), iv[1].as_f64().unwrap());
    assert!(lo <= d && d <= hi, "{ext}");
    assert!(
        lo > 0.0,
        "admitting Iran should turn the SCO outward: {ext}"
    );
    assert_eq!(ext["paired_runs"], 100);
    // Comparing a scenario with itself: every difference is exactly 0.
    let same = ok(f.bloc(&[
        "compare",
        "scenarios/taiwan-crisis.yaml",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "50",
        "--format",
        "json",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&same).unwrap();
    for g in doc["groups"].as_array().unwrap() {
        for (_, v) in g["verdicts"].as_object().unwrap() {
            assert_eq!(v["difference"].as_f64().unwrap(), 0.0, "{v}");
        }
        // Indicators too: each tested one pairs every run with a zero
        // difference and a zero-width interval; an untested one has none.
        let mut tested = 0;
        for (name, v) in g["indicators"].as_object().unwrap() {
            match v["difference"].as_f64() {
                Some(d) => {
                    tested += 1;
                    assert_eq!(d, 0.0, "{name}: {v}");
                    assert_eq!(v["a"], v["b"], "{name}: {v}");
                    assert_eq!(v["interval"], serde_json::json!([0.0, 0.0]), "{name}: {v}");
                    assert_eq!(v["paired_runs"], 50, "{name}: {v}");
                }
                None => assert_eq!(v["paired_runs"], 0, "{name}: {v}"),
            }
        }
        assert!(tested >= 5, "{g}");
    }
}

/// A shipped scenario on the repository's rules, with `runs` runs.
fn shipped(name: &str, runs: u32) -> bloc::plan::Plan {
    let root = common::repo();
    let opts = bloc::LoadOptions {
        runs: Some(runs),
        rules: Some(root.join("rules")),
        ..bloc::LoadOptions::default()
    };
    bloc::load(&root.join(format!("scenarios/{name}.yaml")), &opts).unwrap()
}

/// Outputs reach the writer in run order whatever the threads, and when
/// the writer fails the ensemble stops with the writer's error: no output
/// after it is written.
#[test]
fn outputs_are_emitted_in_run_order_and_a_writer_failure_stops_the_ensemble() {
    use bloc::{Error, ensemble};
    let plan = shipped("mongolia", 5_000);
    for threads in [1, 2, 3] {
        let eopts = ensemble::Options {
            threads: Some(threads),
            ..ensemble::Options::default()
        };
        let mut seen = Vec::new();
        let done = ensemble::run(
            &plan,
            &eopts,
            |run| Some(run.record.index),
            |i| {
                seen.push(i);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(done.summary.runs, 5_000);
        assert_eq!(seen, (0..5_000).collect::<Vec<u32>>(), "{threads} threads");

        let mut written = Vec::new();
        let failed = ensemble::run(
            &plan,
            &eopts,
            |run| Some(run.record.index),
            |i| {
                if i == 1_234 {
                    return Err(Error::one(bloc::Diagnostic::new("disk full")));
                }
                written.push(i);
                Ok(())
            },
        );
        let Err(e) = failed else {
            panic!("a failing writer must fail the ensemble ({threads} threads)")
        };
        assert!(e.to_string().contains("disk full"), "{e}");
        assert_eq!(
            written,
            (0..1_234).collect::<Vec<u32>>(),
            "{threads} threads"
        );
    }
}

/// A panic on a worker (a bug) reaches the caller; the other workers do not
/// wait for the panicked worker's chunk forever.
#[test]
fn a_panicking_worker_does_not_hang_the_ensemble() {
    use bloc::ensemble;
    let plan = shipped("mongolia", 20_000);
    let eopts = ensemble::Options {
        threads: Some(2),
        ..ensemble::Options::default()
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ensemble::run(
            &plan,
            &eopts,
            |run| {
                assert!(run.record.index != 40, "a bug");
                Some(())
            },
            |()| Ok(()),
        )
    }));
    assert!(outcome.is_err(), "the panic must reach the caller");
}

/// Review finding (issue 12): a summary keeps, per decider and option, the
/// rationale of the lowest run, whatever order its runs are added in (a
/// worker may take a lower chunk after a higher one, as under `--until-ci`
/// with three threads). Rationales here vary by run: parameters are drawn.
#[test]
fn a_summary_keeps_the_lowest_runs_rationale_in_any_order() {
    use bloc::{LoadOptions, load, report::Summary, sim};
    let f = Fixture::new();
    f.edit(
        "scenarios/taiwan-crisis.yaml",
        "runs: 200\n",
        "runs: 200\noverrides:\n  - {path: actors.RUS.entrapment, value: {uniform: [0.0, 1.0]}}\n  - {path: relations.RUS.CHN.ties, value: {uniform: [0.2, 0.9]}}\n",
    );
    let opts = LoadOptions {
        rules: Some(f.path("rules")),
        ..LoadOptions::default()
    };
    let plan = load(&f.path("scenarios/taiwan-crisis.yaml"), &opts).unwrap();
    let runs: Vec<_> = (0..300).map(|i| sim::run_once(&plan, i).unwrap()).collect();
    let rationales: std::collections::BTreeSet<String> = runs
        .iter()
        .flat_map(|r| &r.record.events)
        .flat_map(|e| &e.decisions)
        .map(|d| d.rationale.to_string())
        .collect();
    assert!(rationales.len() > 10, "rationales should vary by run");
    let mut up = Summary::new(&plan);
    let mut down = Summary::new(&plan);
    runs.iter().for_each(|r| up.add(r));
    runs.iter().rev().for_each(|r| down.add(r));
    assert!(
        serde_json::to_string(&up).unwrap() == serde_json::to_string(&down).unwrap(),
        "the order runs are added in changed the summary"
    );
}
