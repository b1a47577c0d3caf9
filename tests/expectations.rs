//! `bloc test`: the claims of every shipped scenario pass, and a rule change
//! that contradicts the seed makes the matching claim fail with a message
//! that says what was observed, what was expected and how to reproduce it.

mod common;
use common::Fixture;

fn last_line(s: &str) -> &str {
    s.lines().last().unwrap_or("")
}

#[test]
fn every_shipped_claim_passes() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&["test"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let last = last_line(&out);
    let (passed, failed) = last
        .split_once(" passed, ")
        .unwrap_or_else(|| panic!("unexpected last line: {last}"));
    let passed: u32 = passed.parse().unwrap();
    assert_eq!(failed, "0 failed", "{out}");
    assert!(passed >= 30, "only {passed} claims:\n{out}");
    let files = out.lines().filter(|l| l.starts_with("scenarios/")).count();
    assert!(files >= 13, "claims in only {files} scenario files:\n{out}");
    assert!(!out.contains("FAIL"), "{out}");
}

#[test]
fn russia_backing_china_militarily_fails_the_taiwan_claim() {
    let f = Fixture::new();
    f.append(
        "rules/russia.rhai",
        "fn on_armed_conflict(ev) { let d = model(ev); d.scores[\"military_support:CHN\"] = 5.0; d }",
    );
    let (code, out, _) = f.bloc(&["test", "scenarios/taiwan-crisis.yaml"]);
    assert_eq!(code, 4, "{out}");
    assert!(
        out.contains("FAIL  Russia gives China no military support"),
        "{out}"
    );
    assert!(out.contains("expected <= 5.0%"), "{out}");
    assert!(
        out.contains("reproduce: bloc run scenarios/taiwan-crisis.yaml --seed 7 --runs 200"),
        "{out}"
    );
    assert!(out.contains("why expected: seed §IV"), "{out}");
    assert!(last_line(&out).ends_with("failed") && !last_line(&out).ends_with(" 0 failed"));
}

#[test]
fn china_endorsing_recognition_fails_the_georgia_claim() {
    let f = Fixture::new();
    // Make endorsement attractive, against China's territorial interest.
    f.append(
        "rules/china.rhai",
        "fn on_backing_request(ev) { let d = model(ev); d.scores.endorse = 3.0; d }",
    );
    let (code, out, _) = f.bloc(&["test", "scenarios/georgia-2008.yaml"]);
    assert_eq!(code, 4, "{out}");
    assert!(
        out.contains("FAIL  China never endorses the recognition of break-away territories"),
        "{out}"
    );
    assert!(out.contains("expected <= 0.0%"), "{out}");
}

#[test]
fn a_claim_about_an_unknown_event_is_an_input_error_with_its_position() {
    let f = Fixture::new();
    f.edit(
        "scenarios/iran-joins.yaml",
        "event: iran-applies\n    outcome",
        "event: iran-aplies\n    outcome",
    );
    let (code, out, _) = f.bloc(&["test", "scenarios/iran-joins.yaml"]);
    assert_eq!(code, 4, "{out}");
    assert!(out.contains("could not run"), "{out}");
    assert!(
        out.contains("claim about unknown event `iran-aplies`"),
        "{out}"
    );
    assert!(out.contains("scenarios/iran-joins.yaml:"), "{out}");
}

#[test]
fn rising_threat_shows_proposals_with_proposer_and_rationale_in_the_trace() {
    let f = Fixture::new();
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/rising-threat.yaml",
        "--runs",
        "20",
        "--trace",
        "trace.json",
    ]);
    assert_eq!(code, 0, "{err}");
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.path("trace.json")).unwrap()).unwrap();
    let mut treaty_or_exercise = 0;
    for run in trace["runs"].as_array().unwrap() {
        for ev in run["events"].as_array().unwrap() {
            let p = &ev["proposed"];
            if p.is_null() {
                continue;
            }
            assert!(!p["by"].as_str().unwrap().is_empty());
            assert!(p["rationale"].as_str().unwrap().contains("seed"), "{p}");
            assert!(p["handler"].as_str().unwrap().ends_with(": propose"));
            // Proposed at the end of one turn, decided in the next.
            assert_eq!(
                ev["turn"].as_u64().unwrap(),
                p["at_turn"].as_u64().unwrap() + 1
            );
            if ev["kind"] == "treaty_proposal" || ev["kind"] == "joint_exercise" {
                assert_eq!(p["by"], "RUS");
                treaty_or_exercise += 1;
            }
        }
    }
    assert!(
        treaty_or_exercise > 0,
        "no endogenous treaty or exercise in 20 runs"
    );
}

#[test]
fn proposals_are_bounded_per_actor_and_turn() {
    let f = Fixture::new();
    // A rule that tries to propose three exercises every turn.
    f.edit(
        "rules/russia.rhai",
        "fn propose(me)",
        "fn replaced_propose(me)",
    );
    let text = std::fs::read_to_string(f.path("rules/russia.rhai")).unwrap();
    f.write(
        "rules/russia.rhai",
        &format!(
            "{text}\nfn propose(me) {{ let out = []; for i in 0..3 {{ out.push(#{{ kind: \"joint_exercise\", id: \"ex-\" + turn() + \"-\" + i, org: \"SCO\", why: \"test\" }}); }} out }}\n"
        ),
    );
    f.edit(
        "scenarios/baseline-2008.yaml",
        "temperature: 0.1\n",
        "temperature: 0.1\nmax_proposals: 2\n",
    );
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/baseline-2008.yaml",
        "--runs",
        "1",
        "--trace",
        "t.json",
    ]);
    assert_eq!(code, 0, "{err}");
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.path("t.json")).unwrap()).unwrap();
    let ids: Vec<&str> = trace["runs"][0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["proposed"].is_null())
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    // Turns 1 and 2 may propose (turn 3 is the last): two each, not three.
    assert_eq!(ids, vec!["ex-1-0", "ex-1-1", "ex-2-0", "ex-2-1"]);
}

#[test]
fn an_invalid_proposal_names_the_script_actor_and_turn() {
    let f = Fixture::new();
    f.edit(
        "rules/iran.rhai",
        "id: id, org: org, status: \"member\"",
        "id: id, org: \"SOC\", status: \"member\"",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/rising-threat.yaml", "--runs", "1"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("invalid proposal: `org`: unknown organization `SOC`"),
        "{err}"
    );
    assert!(err.contains("actor `IRN`"), "{err}");
    assert!(err.contains("rules/iran.rhai: propose"), "{err}");
}

#[test]
fn coalitions_are_reported_with_members_and_verdicts() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&[
        "run",
        "scenarios/baseline-2008.yaml",
        "--runs",
        "50",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let coalitions = doc["coalitions"].as_array().unwrap();
    let sco = coalitions
        .iter()
        .find(|c| c["id"] == "CHN+RUS+KAZ+UZB+KGZ+TJK")
        .unwrap_or_else(|| panic!("{coalitions:#?}"));
    assert!(sco["run_share"].as_f64().unwrap() > 0.1);
    assert_eq!(sco["members"].as_array().unwrap().len(), 6);
    assert!(sco["verdict_shares"]["alignment"].as_f64().is_some());
}

#[test]
fn the_brief_format_keeps_verdicts_and_main_choices_only() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "30",
        "--format",
        "brief",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Group SCO"), "{out}");
    assert!(out.contains("verdict: alignment"), "{out}");
    assert!(out.contains("decided by"), "{out}");
    assert!(out.contains("RUS diplomatic_support:CHN"), "{out}");
    assert!(!out.contains("+----"), "no indicator tables:\n{out}");
    assert!(!out.contains("why:"), "no rationales:\n{out}");
    assert!(out.lines().count() < 40, "{out}");
}

#[test]
fn at_least_two_thirds_of_the_shipped_claims_are_informative() {
    // A claim that random decisions also pass says nothing about the rules
    // (issue "Behaviour from interests"); keep most of them informative.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bloc"))
        .args(["test", "--null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("informative: "))
        .unwrap_or_else(|| panic!("{text}"));
    let words: Vec<&str> = line.split(' ').collect();
    let (k, n): (usize, usize) = (words[1].parse().unwrap(), words[3].parse().unwrap());
    assert!(3 * k >= 2 * n, "{line}");
}

#[test]
fn a_known_failure_is_reported_with_its_reason_and_an_unexpected_pass_fails() {
    let f = Fixture::new();
    // A claim the model does not reproduce, marked as such: reported, with
    // its reason, and the run still passes.
    f.edit(
        "scenarios/taiwan-crisis.yaml",
        "  - claim: Kazakhstan stays neutral\n",
        "  - claim: Kazakhstan fights for China\n    event: taiwan-strait\n    actor: KAZ\n    choice: military_support:CHN\n    at_least: 0.5\n    known: the model's Kazakhstan balances\n  - claim: Kazakhstan stays neutral\n",
    );
    let (code, out, _) = f.bloc(&["test", "scenarios/taiwan-crisis.yaml"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("  known Kazakhstan fights for China: 0.0%"),
        "{out}"
    );
    assert!(
        out.contains("known failure: the model's Kazakhstan balances"),
        "{out}"
    );
    assert!(out.contains("known failures: 1 ("), "{out}");
    assert!(last_line(&out).ends_with(" 0 failed"), "{out}");

    // Marked as known yet passing: the note is stale, and that fails.
    f.edit(
        "scenarios/taiwan-crisis.yaml",
        "    choice: military_support:CHN\n    at_least: 0.5\n",
        "    choice: military_support:CHN\n    at_most: 0.5\n",
    );
    let (code, out, _) = f.bloc(&["test", "scenarios/taiwan-crisis.yaml"]);
    assert_eq!(code, 4, "{out}");
    assert!(out.contains("FAIL  Kazakhstan fights for China"), "{out}");
    assert!(out.contains("remove its `known:`"), "{out}");
}
