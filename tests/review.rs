//! Regression tests for the review findings of issue 14, each named after
//! what it pins. They run on a tiny world written to a temporary folder, so
//! each case shows its whole input.

use std::path::{Path, PathBuf};

use bloc::{LoadOptions, load, report, simulate};

/// Three states; A and B form ORG (consensus, defence clause).
const WORLD: &str = r#"
name: tiny
defaults: {ties: 0.3, threat: 0.1, expectation: 0.3}
dynamics: {support_gain: 0.15, refusal_loss: 0.25, abstain_loss: 0.08, exercise_gain: 0.03, declaration_gain: 0.02, treaty_gain: 0.1}
actors:
  A: {name: Aland}
  B: {name: Borduria}
  C: {name: Carpania}
organizations:
  ORG:
    name: Organization
    members: [A, B]
    obligations: [defence]
    decision: consensus
"#;

/// A scratch folder with `world.yaml`, `rules/default.rhai` and scenarios.
struct Tiny {
    dir: tempfile::TempDir,
}

impl Tiny {
    fn new(rules: &str) -> Tiny {
        Tiny::with_world(WORLD, rules)
    }

    fn with_world(world: &str, rules: &str) -> Tiny {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("rules")).unwrap();
        std::fs::write(dir.path().join("world.yaml"), world).unwrap();
        std::fs::write(dir.path().join("rules/default.rhai"), rules).unwrap();
        Tiny { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn scenario(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn opts(&self) -> LoadOptions {
        LoadOptions {
            rules: Some(self.path("rules")),
            ..LoadOptions::default()
        }
    }

    fn summary(&self, scenario: &Path) -> bloc::Summary {
        let plan = load(scenario, &self.opts()).unwrap_or_else(|e| panic!("{e}"));
        simulate(&plan).unwrap_or_else(|e| panic!("{e}"))
    }

    fn load_error(&self, scenario: &Path) -> String {
        match load(scenario, &self.opts()) {
            Ok(_) => panic!("{} loaded, but should not", scenario.display()),
            Err(e) => e.to_string(),
        }
    }
}

/// Every option scores the same: decisions are uniform at temperature 1.
const UNIFORM: &str = r#"
fn decide(ev) { #{ scores: #{}, why: "all equal" } }
"#;

#[test]
fn proposals_reusing_an_id_as_another_kind_are_tallied_apart() {
    // C proposes `x` as a membership application when B backed A's request,
    // else as a backing request: two kinds, two and three options.
    let rules = format!(
        "{UNIFORM}
fn propose(me) {{
    if me.actor != \"C\" || me.turn != 1 {{ return (); }}
    if outcome_of(\"ask\") == \"backed\" {{
        #{{ kind: \"membership_application\", id: \"x\", org: \"ORG\", why: \"join\" }}
    }} else {{
        #{{ kind: \"backing_request\", id: \"x\", issue: \"help\", deciders: [\"A\", \"B\"], why: \"ask\" }}
    }}
}}"
    );
    let t = Tiny::new(&rules);
    let s = t.scenario(
        "s.yaml",
        "name: reuse\nworld: world.yaml\nseed: 1\nruns: 200\nturns: 2\ntemperature: 1\n\
         groups: [{org: ORG}]\n\
         timeline:\n  - {turn: 1, id: ask, kind: backing_request, requester: A, issue: aid, deciders: [B]}\n",
    );
    let summary = t.summary(&s);
    let variants = summary.event("x");
    assert_eq!(variants.len(), 2, "{:?}", summary.proposals.keys());
    let kinds: Vec<&str> = variants.iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.contains(&"membership_application"), "{kinds:?}");
    assert!(kinds.contains(&"backing_request"), "{kinds:?}");
    for v in &variants {
        for d in v.deciders.values() {
            assert_eq!(d.counts.len(), v.options.len(), "{v:?}");
        }
    }
    let happened: u64 = variants.iter().map(|e| e.happened).sum();
    assert_eq!(happened, 200);
    // The reports render both variants.
    let text = report::text(&summary);
    assert!(text.contains("x (membership_application)"), "{text}");
    assert!(text.contains("x (backing_request)"), "{text}");
}

/// Four states for the verdict tests: A, B and D are allied in ORG.
const WORLD4: &str = r#"
name: tiny4
defaults: {ties: 0.3, threat: 0.1, expectation: 0.3}
dynamics: {support_gain: 0.15, refusal_loss: 0.25, abstain_loss: 0.08, exercise_gain: 0.03, declaration_gain: 0.02, treaty_gain: 0.1}
actors:
  A: {name: Aland}
  B: {name: Borduria}
  C: {name: Carpania}
  D: {name: Dorne}
organizations:
  ORG:
    name: Organization
    members: [A, B, D]
    obligations: [defence]
    decision: consensus
"#;

#[test]
fn an_emptied_organization_is_no_alliance_and_admits_no_one() {
    let t = Tiny::new(UNIFORM);
    let s = t.scenario(
        "s.yaml",
        "name: empty\nworld: world.yaml\nseed: 1\nruns: 50\nturns: 2\ntemperature: 1\n\
         groups: [{org: ORG}]\n\
         timeline:\n\
         \x20 - {turn: 1, id: a-leaves, kind: departure, actor: A, org: ORG, mode: leave}\n\
         \x20 - {turn: 1, id: b-leaves, kind: departure, actor: B, org: ORG, mode: leave}\n\
         \x20 - {turn: 2, id: c-applies, kind: membership_application, applicant: C, org: ORG, status: member}\n",
    );
    let summary = t.summary(&s);
    let org = &summary.groups[0];
    // Before the fix: "alliance (untested)" in 100% of runs.
    assert_eq!(org.verdicts, [0, 0, 50, 0], "{org:?}");
    let text = report::text(&summary);
    assert!(text.contains("verdict: partnership"), "{text}");
    assert!(text.contains("a group needs at least 2 states"), "{text}");
    // Before the fix: admitted, with no votes.
    let app = &summary.event("c-applies")[0];
    assert_eq!(app.outcomes.get("rejected"), Some(&50), "{app:?}");
}

#[test]
fn reasons_explain_the_modal_verdict_not_the_means() {
    // C attacks A; B and D each give military support with probability 0.4.
    // A run is an alliance when at least one does (1 - 0.6² = 64% of runs),
    // but casus foederis averages 0.4 < 0.5: the means say "not an alliance".
    let rules = r#"
fn on_armed_conflict(ev) {
    let s = #{};
    for o in ev.options { s[o] = -50.0; }
    s["military_support:" + ev.defender] = 0.0;
    s["neutrality"] = 0.4054651081;
    #{ scores: s, why: "coin" }
}
fn decide(ev) { #{ scores: #{} } }
"#;
    let t = Tiny::with_world(WORLD4, rules);
    let s = t.scenario(
        "s.yaml",
        "name: split\nworld: world.yaml\nseed: 3\nruns: 400\nturns: 1\ntemperature: 1\n\
         groups: [{org: ORG}]\n\
         timeline:\n  - {turn: 1, id: war, kind: armed_conflict, attacker: C, defender: A}\n",
    );
    let summary = t.summary(&s);
    let org = &summary.groups[0];
    let alliance = org.verdicts[0] as f64 / 400.0;
    assert!((0.55..0.73).contains(&alliance), "{org:?}");
    let cf = org.mean(1).unwrap();
    assert!(cf < 0.5, "casus foederis mean {cf}");
    let (source, reasons) = org.reasons(&summary.thresholds);
    assert!(source.contains("first with this verdict"), "{source}");
    assert!(
        reasons.iter().all(|r| !r.starts_with("not an alliance")),
        "{reasons:?}"
    );
    let text = report::text(&summary);
    assert!(text.contains("verdict: alliance"), "{text}");
    assert!(!text.contains("not an alliance"), "{text}");
}

#[test]
fn claims_with_a_misspelled_outcome_are_refused() {
    let t = Tiny::new(UNIFORM);
    let head = "name: typo\nworld: world.yaml\nseed: 1\nruns: 5\nturns: 1\n\
                groups: [{org: ORG}]\n\
                timeline:\n  - {turn: 1, id: c-applies, kind: membership_application, applicant: C, org: ORG, status: member}\n";
    // Before the fix: `admited` observed 0% and the claim passed.
    let s = t.scenario(
        "s.yaml",
        &format!(
            "{head}expect:\n  - {{claim: no, event: c-applies, outcome: admited, at_most: 0.05}}\n"
        ),
    );
    let err = t.load_error(&s);
    assert!(
        err.contains("error: event `c-applies` never ends in `admited`"),
        "{err}"
    );
    assert!(err.contains("s.yaml:10:44"), "{err}");
    assert!(err.contains("outcomes: admitted, rejected"), "{err}");
    // A proposal's outcome is checked against every kind a script may propose.
    let s = t.scenario(
        "p.yaml",
        &format!(
            "{head}expect:\n  - {{claim: no, proposal: x, outcome: admited, at_most: 0.05}}\n"
        ),
    );
    let err = t.load_error(&s);
    assert!(
        err.contains("no event an actor may propose ends in `admited`"),
        "{err}"
    );
    // Real outcomes still load.
    for o in ["rejected", "admitted"] {
        let s = t.scenario(
            "ok.yaml",
            &format!("{head}expect:\n  - {{claim: no, event: c-applies, outcome: {o}, at_most: 1}}\n  - {{claim: p, proposal: x, outcome: closed by A; kept by B, at_most: 1}}\n"),
        );
        load(&s, &t.opts()).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn ids_with_separators_and_duplicate_groups_are_refused() {
    let t = Tiny::with_world(
        &WORLD
            .replace(
                "  C: {name: Carpania}",
                "  \"C D\": {name: Carpania, attributes: {a.b: 0.5}}",
            )
            .replace("  ORG:", "  \"O+G\":"),
        UNIFORM,
    );
    let s = t.scenario(
        "s.yaml",
        "name: ids\nworld: world.yaml\nseed: 1\nturns: 1\n\
         groups: [{id: \"X:Y\", actors: [A, B]}, {id: AB, actors: [A, B]}, {id: AB, actors: [A]}]\ntimeline: []\n",
    );
    let err = t.load_error(&s);
    for want in [
        "actor id `C D` contains ` `",
        "attribute id `a.b` contains `.`",
        "organization id `O+G` contains `+`",
    ] {
        assert!(err.contains(want), "missing `{want}` in:\n{err}");
    }
    // The world's problems stop the load before the scenario is read: fix
    // them and the scenario's own are reported, all at once.
    std::fs::write(t.path("world.yaml"), WORLD).unwrap();
    let err = t.load_error(&s);
    assert!(err.contains("group id `X:Y` contains `:`"), "{err}");
    assert!(
        err.contains("duplicate group id `AB` (first at line 5)"),
        "{err}"
    );
}

#[test]
fn error_positions_show_the_compiled_text_not_the_file_edited_since() {
    let t = Tiny::new("import \"lib/bad\" as bad;\nfn decide(ev) { bad::boom() }\n");
    std::fs::create_dir(t.path("rules/lib")).unwrap();
    std::fs::write(
        t.path("rules/lib/bad.rhai"),
        "// helpers\nfn boom() { throw \"compiled boom\"; }\n",
    )
    .unwrap();
    let s = t.scenario(
        "s.yaml",
        "name: edited\nworld: world.yaml\nseed: 1\nruns: 1\nturns: 1\n\
         groups: [{org: ORG}]\n\
         timeline:\n  - {turn: 1, id: c-applies, kind: membership_application, applicant: C, org: ORG, status: member}\n",
    );
    let plan = load(&s, &t.opts()).unwrap_or_else(|e| panic!("{e}"));
    // Edited after loading: the error must still quote what was compiled.
    std::fs::write(
        t.path("rules/lib/bad.rhai"),
        "// helpers, edited\n\n\nfn other() {}\n",
    )
    .unwrap();
    let err = match simulate(&plan) {
        Ok(_) => panic!("the script throws"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("lib/bad.rhai:2:"), "{err}");
    assert!(
        err.contains("fn boom() { throw \"compiled boom\"; }"),
        "{err}"
    );
    assert!(!err.contains("edited"), "{err}");
}

#[test]
fn a_frozen_member_counts_out_of_the_means_reasons_too() {
    // B freezes: ORG has one active member, a partnership in every run, and
    // the means (classified with the active count) agree.
    let t = Tiny::new(UNIFORM);
    let s = t.scenario(
        "s.yaml",
        "name: frozen\nworld: world.yaml\nseed: 1\nruns: 20\nturns: 1\n\
         groups: [{org: ORG}]\n\
         timeline:\n  - {turn: 1, id: b-freezes, kind: departure, actor: B, org: ORG, mode: freeze}\n",
    );
    let summary = t.summary(&s);
    let org = &summary.groups[0];
    assert_eq!(org.verdicts, [0, 0, 20, 0]);
    let (source, reasons) = org.reasons(&summary.thresholds);
    assert_eq!(source, "indicators at their means", "{reasons:?}");
    assert!(reasons[0].contains("1 active member(s)"), "{reasons:?}");
}

#[test]
fn withdrawal_outcomes_that_cannot_happen_are_refused() {
    let world = WORLD4.to_string()
        + "bases:\n  - {id: b1, host: C, user: A, open: true}\n  - {id: b2, host: D, user: A, open: true}\n";
    let t = Tiny::with_world(&world, UNIFORM);
    let head = "name: wd\nworld: world.yaml\nseed: 1\nruns: 5\nturns: 1\ngroups: [{org: ORG}]\n\
                timeline:\n  - {turn: 1, id: wd, kind: withdrawal_demand, user: A}\n  - {turn: 1, id: wd2, kind: withdrawal_demand, user: A, hosts: [C]}\n";
    let claim = |ev: &str, o: &str| {
        format!("{head}expect:\n  - {{claim: c, event: {ev}, outcome: \"{o}\", at_most: 0.05}}\n")
    };
    for bad in [
        "kept by D, C",
        "closed by C; kept by C",
        "closed by B, B",
        "closed by Q",
    ] {
        let s = t.scenario("s.yaml", &claim("wd", bad));
        let err = t.load_error(&s);
        assert!(err.contains("never ends in"), "{bad}: {err}");
        assert!(err.contains("closed by HOSTS"), "{bad}: {err}");
    }
    // Listed hosts bound who can be named.
    let s = t.scenario("s.yaml", &claim("wd2", "kept by D"));
    assert!(t.load_error(&s).contains("never ends in"));
    for good in [
        "kept by C, D",
        "closed by C; kept by D",
        "no bases to close",
    ] {
        let s = t.scenario("s.yaml", &claim("wd", good));
        load(&s, &t.opts()).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
}

#[test]
fn proposals_read_characters_as_strings_and_name_nested_values_plainly() {
    let rules = format!(
        "{UNIFORM}
fn propose(me) {{
    if me.actor != \"C\" || me.turn != 1 {{ return (); }}
    #{{ kind: \"backing_request\", id: \"x\", issue: \"help\", deciders: ['A', \"B\"], why: \"ask\" }}
}}"
    );
    let t = Tiny::new(&rules);
    let s = t.scenario(
        "s.yaml",
        "name: chars\nworld: world.yaml\nseed: 1\nruns: 3\nturns: 2\ngroups: [{org: ORG}]\ntimeline: []\n",
    );
    let summary = t.summary(&s);
    assert_eq!(summary.event("x")[0].deciders.len(), 2);
    // A nested list is named as Rhai prints it, not as Rust debug output.
    std::fs::write(
        t.path("rules/default.rhai"),
        rules.replace("['A', \"B\"]", "[[\"B\"]]"),
    )
    .unwrap();
    let plan = load(&s, &t.opts()).unwrap();
    let Err(err) = simulate(&plan) else {
        panic!("the proposal is invalid")
    };
    let err = err.to_string();
    assert!(err.contains("unknown actor `[\"B\"]`"), "{err}");
}

#[test]
fn claims_about_a_proposal_s_choice_are_checked_and_kind_names_are_identifiers() {
    let t = Tiny::new(UNIFORM);
    let head = "name: c\nworld: world.yaml\nseed: 1\nruns: 5\nturns: 1\ngroups: [{org: ORG}]\ntimeline: []\n";
    let s = t.scenario(
        "s.yaml",
        &format!("{head}expect:\n  - {{claim: c, proposal: x, actor: B, choice: aprove, at_least: 0.5}}\n"),
    );
    let err = t.load_error(&s);
    assert!(
        err.contains("`aprove` is not an option of any event an actor may propose"),
        "{err}"
    );
    let s = t.scenario(
        "k.yaml",
        &format!("{head}custom_kinds:\n  x-y: {{options: [a, b]}}\n"),
    );
    let err = t.load_error(&s);
    assert!(err.contains("custom kind `x-y` contains `-`"), "{err}");
}

#[test]
fn co_behaviour_is_the_s_score_of_the_members_choices() {
    // A and B vote on C's application: identical choices give 1, opposite
    // ones 0 (S = 1 and S = -1, rescaled to [0, 1]).
    let world = WORLD.replace(
        "    members: [A, B]",
        "    members: [A, B]\n    observers: []",
    );
    for (rules, want) in [
        ("fn decide(ev) { #{ scores: #{ approve: 5.0 } } }", 1.0),
        (
            "fn decide(ev) { if ev.actor == \"A\" { #{ scores: #{ approve: 50.0 } } } else { #{ scores: #{ oppose: 50.0 } } } }",
            0.0,
        ),
    ] {
        let t = Tiny::with_world(&world, rules);
        let s = t.scenario(
            "s.yaml",
            "name: co\nworld: world.yaml\nseed: 1\nruns: 10\nturns: 1\ntemperature: 0\n\
             groups: [{org: ORG}]\n\
             timeline:\n  - {turn: 1, id: c-applies, kind: membership_application, applicant: C, org: ORG}\n",
        );
        let summary = t.summary(&s);
        let co = summary.groups[0].mean(7).expect("tested");
        assert!((co - want).abs() < 1e-9, "{rules}: {co}");
    }
}
