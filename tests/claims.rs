//! The outcomes the seed article supports (DOMAIN.md §5), pinned on the
//! shipped scenarios, and proof that the scripts really drive the model.

mod common;
use common::{Fixture, repo};

use bloc::{LoadOptions, load, report, simulate};
use serde_json::Value;

fn run_json(scenario: &std::path::Path, opts: LoadOptions) -> Value {
    let plan = load(scenario, &opts).unwrap_or_else(|e| panic!("{e}"));
    let summary = simulate(&plan).unwrap_or_else(|e| panic!("{e}"));
    report::json(&summary)
}

fn shipped(name: &str, runs: u32) -> Value {
    let opts = LoadOptions {
        runs: Some(runs),
        rules: Some(repo().join("rules")),
        ..LoadOptions::default()
    };
    run_json(&repo().join("scenarios").join(name), opts)
}

fn group<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == id)
        .unwrap_or_else(|| panic!("no group {id}"))
}

fn choice_share(doc: &Value, event: &str, actor: &str, option: &str) -> f64 {
    doc["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["event"] == event && d["actor"] == actor)
        .unwrap_or_else(|| panic!("no decision of {actor} on {event}"))["choice_shares"][option]
        .as_f64()
        .unwrap()
}

fn outcome_share(doc: &Value, event: &str, outcome: &str) -> f64 {
    let o = doc["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["event"] == event)
        .unwrap();
    o["outcome_shares"][outcome].as_f64().unwrap_or(0.0)
}

#[test]
fn sco_is_an_alignment_in_the_baseline() {
    let doc = shipped("baseline-2008.yaml", 200);
    let sco = group(&doc, "SCO");
    assert_eq!(sco["verdict"], "alignment", "{sco:#}");
    // How far the verdict is from flipping: the test nearest its threshold.
    let near = &sco["nearest_threshold"];
    let gap = near["gap"].as_f64().unwrap();
    let (mean, thr) = (
        near["mean"].as_f64().unwrap(),
        near["threshold"].as_f64().unwrap(),
    );
    assert!((mean - thr - gap).abs() < 1e-9, "{near}");
    assert!(gap.abs() <= 0.25, "the nearest test is near: {near}");
    assert!(
        sco["verdict_shares"]["alignment"].as_f64().unwrap() >= 0.8,
        "{sco:#}"
    );
    assert_eq!(sco["verdict_shares"]["alliance"].as_f64().unwrap(), 0.0);
    // §IV: consultation and non-aggression only, no integrated structure.
    assert!((sco["indicators"]["formal_commitment"].as_f64().unwrap() - 0.4).abs() < 1e-9);
    assert!(sco["indicators"]["military_integration"].as_f64().unwrap() < 0.3);
    // No member was at war: casus foederis is not tested, not zero.
    assert!(sco["indicators"]["casus_foederis"].is_null());
}

#[test]
fn russia_does_not_fight_for_china_over_taiwan() {
    let doc = shipped("taiwan-crisis.yaml", 1000);
    let share = choice_share(&doc, "taiwan-strait", "RUS", "military_support:CHN");
    assert!(
        share <= 0.05,
        "Russia backed China militarily in {share} of runs"
    );
    // §IV: diplomatic support at most.
    assert!(choice_share(&doc, "taiwan-strait", "RUS", "diplomatic_support:CHN") > 0.5);
    // Central Asian members never fight; the two multi-vector balancers
    // (§3.3) stay neutral.
    for ca in ["KAZ", "KGZ", "TJK", "UZB"] {
        assert!(
            choice_share(&doc, "taiwan-strait", ca, "military_support:CHN") <= 0.05,
            "{ca}"
        );
    }
    for ca in ["KAZ", "KGZ"] {
        assert!(
            choice_share(&doc, "taiwan-strait", ca, "neutrality") > 0.5,
            "{ca}"
        );
    }
    let sco = group(&doc, "SCO");
    assert_ne!(sco["verdict"], "alliance");
    // A war over territory the world recognises as China's is no armed
    // attack on China: no defence pledge is called upon, none is tested.
    assert!(sco["indicators"]["casus_foederis"].is_null(), "{sco:#}");
}

#[test]
fn iran_is_not_admitted() {
    let doc = shipped("iran-joins.yaml", 1000);
    assert!(
        outcome_share(&doc, "iran-applies", "rejected") >= 0.9,
        "{:#}",
        doc["outcomes"]
    );
}

#[test]
fn same_seed_gives_byte_identical_json() {
    let f = Fixture::new();
    let args = [
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--seed",
        "7",
        "--runs",
        "200",
        "--format",
        "json",
    ];
    let (c1, a, _) = f.bloc(&args);
    let (c2, b, _) = f.bloc(&args);
    assert_eq!((c1, c2), (0, 0));
    assert!(a.len() > 1000);
    assert_eq!(a, b);
    let (_, other, _) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--seed",
        "8",
        "--runs",
        "200",
        "--format",
        "json",
    ]);
    assert_ne!(a, other, "a different seed should change the draws");
}

#[test]
fn editing_russias_rules_changes_the_taiwan_decisions() {
    let f = Fixture::new();
    let path = f.path("rules/russia.rhai");
    let original = std::fs::read_to_string(&path).unwrap();
    // Replace Russia's conflict handler with one that always backs China.
    let original = original.replace("fn on_armed_conflict(ev)", "fn old_on_armed_conflict(ev)");
    std::fs::write(
        &path,
        format!(
            "{original}\nfn on_armed_conflict(ev) {{\n    #{{ scores: #{{ \"military_support:CHN\": 10.0 }}, why: \"edited: always back China\" }}\n}}\n"
        ),
    )
    .unwrap();
    let opts = LoadOptions {
        runs: Some(200),
        rules: Some(f.path("rules")),
        ..LoadOptions::default()
    };
    let doc = run_json(&f.path("scenarios/taiwan-crisis.yaml"), opts);
    assert_eq!(
        choice_share(&doc, "taiwan-strait", "RUS", "military_support:CHN"),
        1.0
    );
    assert_eq!(
        outcome_share(&doc, "taiwan-strait", "CHN backed militarily"),
        1.0
    );
    // The SCO's co-behaviour moves with it: Russia fights where the
    // Central Asians stay neutral.
    let before = shipped("taiwan-crisis.yaml", 200);
    let cob = |d: &Value| {
        group(d, "SCO")["indicators"]["co_behaviour"]
            .as_f64()
            .unwrap()
    };
    assert!(
        cob(&doc) < cob(&before),
        "{} vs {}",
        cob(&doc),
        cob(&before)
    );
}

#[test]
fn a_world_parameter_can_break_a_claim() {
    // With the CSTO's exclusivity clause lifted and every member eager, the
    // SCO defence pact the seed rules out becomes possible: parameters matter.
    let f = Fixture::new();
    f.write(
        "scenarios/pact.yaml",
        "name: pact\nworld: worlds/sco-2008.yaml\nseed: 3\nruns: 50\nturns: 1\ntemperature: 0\ngroups: [{org: SCO}]\ntimeline:\n  - {turn: 1, id: pact, kind: treaty_proposal, name: SCO defence pact, proposer: RUS, org: SCO, obligation: defence}\n",
    );
    let opts = LoadOptions {
        rules: Some(f.path("rules")),
        ..LoadOptions::default()
    };
    let doc = run_json(&f.path("scenarios/pact.yaml"), opts.clone());
    assert_eq!(outcome_share(&doc, "pact", "failed"), 1.0);
    // The CSTO clause forbids Russia and the Central Asians to sign, and says so.
    let rus = doc["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["actor"] == "RUS")
        .unwrap();
    assert!(
        rus["forbidden"]["sign"]
            .as_str()
            .unwrap()
            .contains("CSTO exclusivity clause"),
        "{rus:#}"
    );
    assert_eq!(rus["choice_shares"]["decline"].as_f64().unwrap(), 1.0);
}

#[test]
fn overrides_on_the_command_line_reach_the_world() {
    let f = Fixture::new();
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/iran-joins.yaml",
        "--runs",
        "2",
        "--set",
        "actors.RUS.nope=0.5",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("actor `RUS` has no attribute `nope`"), "{err}");
    let (code, out, _) = f.bloc(&[
        "run",
        "scenarios/iran-joins.yaml",
        "--runs",
        "20",
        "--format",
        "json",
        "--set",
        "relations.RUS.USA.threat=1",
    ]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert!(choice_share(&doc, "iran-applies", "RUS", "approve") > 0.5);
}

#[test]
fn trace_file_is_written_whole_with_every_decision() {
    let f = Fixture::new();
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "3",
        "--trace",
        "trace.json",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(f.path("trace.json")).unwrap()).unwrap();
    let runs = doc["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    let first = &runs[0]["events"][0];
    assert_eq!(first["event"], "taiwan-strait");
    let rus = first["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["actor"] == "RUS")
        .unwrap();
    assert_eq!(
        rus["options"].as_array().unwrap().len(),
        9,
        "military, arms, diplomatic for each side; monitors, neutrality, condemnation"
    );
    // Russia's script leaves wars to the decision model, which names the
    // interests that weighed most.
    let why = rus["rationale"].as_str().unwrap();
    assert!(why.starts_with("interests: "), "{why}");
    assert_eq!(rus["handler"], "decision model (docs/model.md)");
    let p: f64 = rus["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["probability"].as_f64().unwrap())
        .sum();
    assert!((p - 1.0).abs() < 1e-9);
}

#[test]
fn null_model_marks_claims_that_chance_passes_too() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&["test", "scenarios/mongolia.yaml", "--null"]);
    assert_eq!(code, 0, "{out}{err}");
    // Mongolia declining: chance approves half the time, so the claim (at
    // least 85%) is informative; "China does not object" is too (90%).
    assert!(out.contains("informative: "), "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("informative: "))
        .unwrap();
    let k: usize = line["informative: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(k >= 2, "{out}");
    // "Mongolia does not join" passes by chance too (blocked or declined).
    assert!(
        out.lines()
            .any(|l| l.contains("Mongolia does not join") && l.contains("uninformative")),
        "{out}"
    );
    assert!(out.ends_with("5 passed, 0 failed\n"), "{out}");
    // A null run says what it is and cannot be merged with the rules' runs.
    let (code, out, _) = f.bloc(&["run", "scenarios/mongolia.yaml", "--null", "--runs", "50"]);
    assert_eq!(code, 0);
    assert!(out.contains("NULL MODEL"), "{out}");
    f.bloc(&[
        "run",
        "scenarios/mongolia.yaml",
        "--runs",
        "10",
        "--out",
        "a.json",
        "--quiet",
    ]);
    f.bloc(&[
        "run",
        "scenarios/mongolia.yaml",
        "--runs",
        "10",
        "--null",
        "--out",
        "b.json",
        "--quiet",
    ]);
    let (code, _, err) = f.bloc(&["merge", "a.json", "b.json"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn with_no_events_the_sco_and_the_csto_are_untested() {
    // A treaty fact alone cannot carry a verdict: with no behaviour to
    // measure, both groups are `untested`, their on-paper reading beside it.
    let f = Fixture::new();
    f.write(
        "scenarios/empty.yaml",
        "name: no events\nworld: worlds/sco-2008.yaml\nseed: 1\nturns: 1\ngroups: [{org: SCO}, {org: CSTO}]\ntimeline: []\n",
    );
    let (code, out, err) = f.bloc(&[
        "run",
        "scenarios/empty.yaml",
        "--runs",
        "20",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    for id in ["SCO", "CSTO"] {
        let g = group(&doc, id);
        assert_eq!(g["verdict"], "untested", "{g:#}");
        assert_eq!(g["verdict_shares"]["untested"], 1.0, "{g:#}");
    }
    assert_eq!(group(&doc, "SCO")["on_paper_shares"]["alignment"], 1.0);
    // Any shared decision is behaviour: one application and they are judged.
    let doc = shipped("iran-joins.yaml", 50);
    assert_ne!(group(&doc, "SCO")["verdict"], "untested");
}
