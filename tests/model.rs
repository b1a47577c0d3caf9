//! The decision model (docs/model.md) as users meet it: actors without a
//! handler are decided natively, scripts read and adjust the same numbers,
//! world files give interest weights with checked names, ties come from UN
//! votes, and no shipped rule script names a state.

mod common;
use common::{Fixture, repo};

use serde_json::Value;

fn trace(f: &Fixture, scenario: &str) -> Value {
    let (code, _, err) = f.bloc(&["run", scenario, "--runs", "1", "--trace", "t.json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&std::fs::read_to_string(f.path("t.json")).unwrap()).unwrap()
}

fn decision<'a>(t: &'a Value, event: &str, actor: &str) -> &'a Value {
    t["runs"][0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == event)
        .and_then(|e| {
            e["decisions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["actor"] == actor)
        })
        .unwrap_or_else(|| panic!("{actor} did not decide on {event}"))
}

#[test]
fn actors_without_a_handler_are_decided_by_the_model() {
    let f = Fixture::new();
    let t = trace(&f, "scenarios/taiwan-crisis.yaml");
    for actor in ["RUS", "KAZ", "IND"] {
        let d = decision(&t, "taiwan-strait", actor);
        assert_eq!(d["handler"], "decision model (docs/model.md)", "{d}");
        let why = d["rationale"].as_str().unwrap();
        assert!(why.starts_with("interests: "), "{why}");
    }
}

#[test]
fn a_script_reads_the_same_utilities_and_may_reweigh_them() {
    let f = Fixture::new();
    // Russia's war handler: the model's scores, checked against utilities()
    // and terms(), then with no fear of entrapment at all.
    f.append(
        "rules/russia.rhai",
        r#"fn on_armed_conflict(ev) {
    let d = model(ev);
    let u = utilities(ev);
    let t = terms(ev);
    for o in ev.options {
        if d.scores[o] != u[o] { throw "model and utilities differ on " + o; }
        let sum = 0.0;
        for k in t[o].keys() { sum += interest(ev.actor, k) * t[o][k]; }
        if (sum - u[o]).abs() > 1e-9 { throw "terms do not add up on " + o; }
    }
    let bold = utilities(ev, #{ entrapment: 0.0 });
    if bold["military_support:CHN"] <= u["military_support:CHN"] { throw "entrapment did not weigh"; }
    d.why = "checked";
    d
}"#,
    );
    let t = trace(&f, "scenarios/taiwan-crisis.yaml");
    assert_eq!(decision(&t, "taiwan-strait", "RUS")["rationale"], "checked");
}

#[test]
fn a_weight_that_is_no_interest_is_an_error_naming_the_script() {
    let f = Fixture::new();
    f.append(
        "rules/russia.rhai",
        "fn on_armed_conflict(ev) { let u = utilities(ev, #{ entrapmnet: 0.0 }); model(ev) }",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`entrapmnet` is not an interest"), "{err}");
    assert!(err.contains("--> rules/russia.rhai:"), "{err}");
    assert!(err.contains("actor `RUS`"), "{err}");
}

#[test]
fn interest_names_in_a_world_are_checked_where_they_are_written() {
    let f = Fixture::new();
    f.edit(
        "scenarios/worlds/sco-2008.yaml",
        "      entrapment: 0.6  ",
        "      entrapmen: 0.6   ",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`entrapmen` is not an interest of the decision model"),
        "{err}"
    );
    assert!(err.contains("did you mean `entrapment`?"), "{err}");
    assert!(err.contains("--> scenarios/worlds/sco-2008.yaml:"), "{err}");

    let f = Fixture::new();
    f.edit(
        "scenarios/worlds/sco-2008.yaml",
        "{capability: 0.8, sco_priority: 0.45,",
        "{capability: 0.8, security: 0.1, sco_priority: 0.45,",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`security` is an interest: give its weight under `interests:`"),
        "{err}"
    );
}

#[test]
fn a_weight_moves_decisions_from_the_command_line() {
    let f = Fixture::new();
    let share = |set: &str| -> f64 {
        let (code, out, err) = f.bloc(&[
            "run",
            "scenarios/csto-defends-kyrgyzstan.yaml",
            "--runs",
            "200",
            "--set",
            set,
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{err}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        doc["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["id"] == "CSTO")
            .unwrap()["indicators"]["casus_foederis"]
            .as_f64()
            .unwrap()
    };
    // The CSTO's pledge honoured less when its members weigh duty less.
    let dutiful = share("actors.KAZ.duty=1.0");
    let careless = share("actors.KAZ.duty=0.0");
    assert!(dutiful > careless, "{dutiful} vs {careless}");
}

#[test]
fn affinity_writes_world_relations_with_their_provenance() {
    let (code, out, err) = {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_bloc"))
            .args([
                "affinity",
                repo().join("data/unga").to_str().unwrap(),
                "--from",
                "2001",
                "--to",
                "2008",
                "--states",
                "CHN,RUS,USA",
                "--metric",
                "relative",
                "--format",
                "relations",
            ])
            .output()
            .unwrap();
        (
            o.status.code().unwrap(),
            String::from_utf8(o.stdout).unwrap(),
            String::from_utf8(o.stderr).unwrap(),
        )
    };
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("S score double-centred over every UN member"),
        "{out}"
    );
    assert!(out.contains("--states CHN,RUS,USA --metric relative --format relations"));
    // The shipped world carries the same numbers.
    let world = std::fs::read_to_string(repo().join("scenarios/worlds/sco-2008.yaml")).unwrap();
    for line in out.lines().filter(|l| l.trim_start().starts_with("- {")) {
        let pair = &line[..line.find(", ties").unwrap()];
        let ties = &line[line.find("ties: ").unwrap()..line.find(", mutual").unwrap()];
        let shipped = world
            .lines()
            .find(|l| l.starts_with(pair))
            .unwrap_or_else(|| panic!("{pair} not in the world"));
        assert!(shipped.contains(ties), "{line} vs {shipped}");
    }
}

#[test]
fn no_shipped_rule_script_names_a_state() {
    // Every actor id any shipped world or scenario defines (an indented
    // `XYZ:` key of upper-case letters).
    let mut states = std::collections::BTreeSet::new();
    let mut stack = vec![repo().join("scenarios")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                for line in std::fs::read_to_string(&p).unwrap().lines() {
                    let t = line.trim();
                    if line.starts_with(' ')
                        && t.len() >= 3
                        && t.ends_with(':')
                        && t[..t.len() - 1].chars().all(|c| c.is_ascii_uppercase())
                    {
                        states.insert(t[..t.len() - 1].to_string());
                    }
                }
            }
        }
    }
    for s in ["UKR", "AZE", "TUR", "CHN", "USA"] {
        assert!(states.contains(s), "{s} not found among {states:?}");
    }
    assert!(states.len() >= 10, "{states:?}");
    let mut stack = vec![repo().join("rules")];
    let mut hits = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rhai") {
                let text = std::fs::read_to_string(&p).unwrap();
                for (i, line) in text.lines().enumerate() {
                    // Outside comments (a `//` inside a string is not one,
                    // but no shipped script has such a string).
                    let code = line.split("//").next().unwrap();
                    for s in &states {
                        if code.contains(&format!("\"{s}\"")) {
                            hits.push(format!("{}:{}: {s}", p.display(), i + 1));
                        }
                    }
                }
            }
        }
    }
    assert!(hits.is_empty(), "rule scripts name states: {hits:#?}");
}

/// Review of issue 9: every interest can be set from the command line, a
/// relative affinity needs the Assembly's votes, a blank `known:` is refused.
#[test]
fn interests_are_parameters_and_inputs_are_checked() {
    let f = Fixture::new();
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/georgia-2008.yaml",
        "--runs",
        "2",
        "--set",
        "actors.RUS.affinity=0.9",
        "--set",
        "actors.TWN.security=0.1",
    ]);
    assert_eq!(code, 0, "{err}");

    let o = std::process::Command::new(env!("CARGO_BIN_EXE_bloc"))
        .args([
            "affinity",
            repo().join("data/unga").to_str().unwrap(),
            "--from",
            "1946",
            "--to",
            "1946",
            "--states",
            "RUS,USA",
            "--metric",
            "relative",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("relative S needs the votes of the whole Assembly"),
        "{err}"
    );

    f.edit(
        "scenarios/taiwan-crisis.yaml",
        "    why: \"seed §3.3, §IV: multi-vector balancing\"\n",
        "    why: \"seed §3.3, §IV: multi-vector balancing\"\n    known: \"\"\n",
    );
    // `bloc test` reports a scenario that cannot load and exits 4.
    let (code, out, _) = f.bloc(&["test", "scenarios/taiwan-crisis.yaml"]);
    assert_eq!(code, 4, "{out}");
    assert!(out.contains("`known:` needs the reason"), "{out}");
}
