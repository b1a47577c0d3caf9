//! Golden tests of what users see when input is wrong: the exact text,
//! position included, and a non-zero exit without a panic.

mod common;
use common::Fixture;

const HEAD: &str =
    "name: broken\nworld: worlds/sco-2008.yaml\nseed: 1\nturns: 1\ngroups: [{org: SCO}]\n";

/// Write `scenario` into the fixture's scenarios/ and run it; expect `code`
/// and exactly `stderr`.
fn check(scenario: &str, extra: &[&str], code: i32, stderr: &str) {
    let f = Fixture::new();
    f.write("scenarios/case.yaml", scenario);
    let mut args = vec!["run", "scenarios/case.yaml", "--runs", "2"];
    args.extend_from_slice(extra);
    let (got_code, _out, err) = f.bloc(&args);
    assert_eq!(err, stderr, "stderr differs; got:\n{err}");
    assert_eq!(got_code, code);
    assert!(!err.contains("panicked"));
}

#[test]
fn yaml_syntax_error_names_file_line_column() {
    check(
        &format!("{HEAD}timeline:\n  - turn: 1\n    id: a\n    kind: declaration\n    org: [SCO\n"),
        &[],
        2,
        "error: invalid YAML: expected string scalar\n  --> scenarios/case.yaml:10:10\n   |\n10 |     org: [SCO\n   |          ^\n",
    );
}

#[test]
fn unknown_field_is_an_error_with_its_position() {
    check(
        &format!("{HEAD}timline: []\n"),
        &[],
        2,
        "error: invalid YAML: unknown field `timline`, expected one of name, description, world, extend, overrides, seed, runs, turns, temperature, rules, groups, thresholds, custom_kinds, amend, max_proposals, coalition_min_acts, timeline, expect\n --> scenarios/case.yaml:6:1\n  |\n6 | timline: []\n  | ^\n",
    );
}

#[test]
fn misspelled_actor_in_an_event_is_named_with_a_suggestion() {
    check(
        &format!(
            "{HEAD}timeline:\n  - turn: 1\n    id: iran-applies\n    kind: membership_application\n    applicant: IRNN\n    org: SCO\n"
        ),
        &[],
        2,
        "error: unknown actor `IRNN` in event `iran-applies`\n  --> scenarios/case.yaml:10:16\n   |\n10 |     applicant: IRNN\n   |                ^^^^ not an actor of the world\n   |\nnote: did you mean `IRN`?\n",
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let f = Fixture::new();
    f.write(
        "scenarios/case.yaml",
        &format!("{HEAD}timeline:\n  - turn: 1\n    id: a\n    kind: declaration\n    org: SCOO\n    text: t\n    theme: internal\n  - turn: 5\n    id: b\n    kind: armed_conflict\n    attacker: CHNA\n    defender: TWN\n"),
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown organization `SCOO` in event `a`"),
        "{err}"
    );
    assert!(
        err.contains("event `b` is at turn 5, outside 1..=1"),
        "{err}"
    );
    assert!(err.contains("unknown actor `CHNA` in event `b`"), "{err}");
    assert!(err.ends_with("error: 3 problems found\n"), "{err}");
}

#[test]
fn a_field_of_another_kind_is_refused() {
    let f = Fixture::new();
    f.write(
        "scenarios/case.yaml",
        &format!("{HEAD}timeline:\n  - turn: 1\n    id: a\n    kind: declaration\n    org: SCO\n    text: t\n    theme: internal\n    applicant: IRN\n"),
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "error: field `applicant` does not apply to a `declaration` event in event `a`"
        ),
        "{err}"
    );
    assert!(err.contains("--> scenarios/case.yaml:13:16"), "{err}");
}

fn taiwan_with_russia(script: &str) -> (i32, String) {
    let f = Fixture::new();
    f.write("rules/russia.rhai", script);
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "3"]);
    assert!(!err.contains("panicked"), "{err}");
    (code, err)
}

#[test]
fn rhai_syntax_error_names_script_line_column() {
    let (code, err) = taiwan_with_russia("fn on_armed_conflict(ev) {\n    let x = ;\n}\n");
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: rule script does not parse: Unexpected ';'\n --> rules/russia.rhai:2:13\n  |\n2 |     let x = ;\n  |             ^\n  |\nnote: actor `RUS` names rules `russia` (in its world file or a scenario's `extend:`)\n"
    );
}

#[test]
fn endless_loop_is_stopped_with_its_position_actor_and_event() {
    let started = std::time::Instant::now();
    let (code, err) = taiwan_with_russia(
        "// loops\nfn on_armed_conflict(ev) {\n    let n = 0;\n    while true {\n        n += 1;\n    }\n}\n",
    );
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: rule script stopped: more than 200000 operations in one decision (an endless loop?)\n --> rules/russia.rhai:5:11\n  |\n5 |         n += 1;\n  |           ^\n  |\nnote: while actor `RUS` decided on event `taiwan-strait` (armed_conflict, turn 1) in on_armed_conflict\nnote: in run 0 of seed 7 (reproduce with --seed 7 --runs 1)\n"
    );
    // The whole process, loading included, ends well under a second.
    assert!(
        started.elapsed().as_secs_f64() < 1.0,
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn endless_recursion_is_stopped_with_its_position() {
    let (code, err) = taiwan_with_russia(
        "fn deeper(n) {\n    deeper(n + 1)\n}\nfn on_armed_conflict(ev) {\n    deeper(0)\n}\n",
    );
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: rule script stopped: calls nested more than 48 deep (recursion without end?)\n --> rules/russia.rhai:2:16\n  |\n2 |     deeper(n + 1)\n  |                ^\n  |\nnote: while actor `RUS` decided on event `taiwan-strait` (armed_conflict, turn 1) in on_armed_conflict\nnote: in run 0 of seed 7 (reproduce with --seed 7 --runs 1)\n"
    );
}

#[test]
fn huge_string_is_stopped() {
    let (code, err) = taiwan_with_russia(
        "fn on_armed_conflict(ev) {\n    let s = \"ab\";\n    loop { s += s; }\n}\n",
    );
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: rule script stopped: Length of string is over the limit"),
        "{err}"
    );
    assert!(err.contains("--> rules/russia.rhai:3:"), "{err}");
}

#[test]
fn eval_is_disabled() {
    let (code, err) = taiwan_with_russia("fn on_armed_conflict(ev) {\n    eval(\"1\")\n}\n");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--> rules/russia.rhai:2:5"), "{err}");
}

#[test]
fn imports_may_not_leave_the_rules_folder() {
    let f = Fixture::new();
    f.write("secret.rhai", "fn x() { 1 }\n");
    f.write(
        "rules/russia.rhai",
        "import \"../secret\" as s;\nfn on_armed_conflict(ev) { #{} }\n",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("leaves the rules folder"), "{err}");
    assert!(err.contains("--> rules/russia.rhai:1:1"), "{err}");
}

#[test]
fn a_score_for_an_option_that_does_not_exist_is_an_error() {
    let (code, err) = taiwan_with_russia(
        "fn on_armed_conflict(ev) {\n    #{ scores: #{ \"militray_support:CHN\": 1.0 } }\n}\n",
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("`militray_support:CHN` is not an option of this event"),
        "{err}"
    );
    assert!(
        err.contains("while actor `RUS` decided on event `taiwan-strait`"),
        "{err}"
    );
}

#[test]
fn unknown_attribute_in_a_script_names_the_call() {
    let (code, err) = taiwan_with_russia(
        "fn on_armed_conflict(ev) {\n    let x = attr(\"RUS\", \"capabilty\");\n    #{}\n}\n",
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("actor `RUS` has no attribute `capabilty`"),
        "{err}"
    );
    assert!(err.contains("--> rules/russia.rhai:2:13"), "{err}");
}

#[test]
fn missing_rules_folder_is_a_clear_error() {
    let f = Fixture::new();
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--rules", "nowhere"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: cannot open rules folder `nowhere`"),
        "{err}"
    );
}

#[test]
fn endless_loop_in_an_imported_helper_points_into_the_helper() {
    let f = Fixture::new();
    f.write(
        "rules/lib/spin.rhai",
        "fn forever() {\n    let n = 0;\n    loop {\n        n += 1;\n    }\n}\n",
    );
    f.write(
        "rules/russia.rhai",
        "import \"lib/spin\" as spin;\nfn on_armed_conflict(ev) {\n    spin::forever()\n}\n",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("error: rule script stopped: more than 200000 operations"),
        "{err}"
    );
    assert!(err.contains("--> rules/lib/spin.rhai:4:"), "{err}");
    assert!(err.contains("n += 1;"), "{err}");
    assert!(
        err.contains("while actor `RUS` decided on event `taiwan-strait`"),
        "{err}"
    );
}

#[test]
fn a_module_may_not_export_state() {
    // A closure's captured variable outlives the call that changes it: the
    // same run would decide differently alone, in an ensemble (which reuses
    // earlier runs' ballots) or on another thread. Refused when imported.
    let f = Fixture::new();
    f.write(
        "rules/lib/state.rhai",
        "let n = 0;\nlet counter = || { n += 1; n };\nexport counter;\nfn bump(f) { f.call() }\n",
    );
    f.write(
        "rules/russia.rhai",
        "import \"lib/state\" as st;\nfn on_armed_conflict(ev) {\n    let k = st::bump(st::counter);\n    model(ev)\n}\n",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("exported variable `counter` holds state"),
        "{err}"
    );
    assert!(err.contains("--> rules/lib/state.rhai"), "{err}");
    // Constants and functions are fine.
    f.write(
        "rules/lib/state.rhai",
        "let limit = 3;\nexport limit;\nfn bump(x) { x + 1 }\n",
    );
    f.write(
        "rules/russia.rhai",
        "import \"lib/state\" as st;\nfn on_armed_conflict(ev) {\n    let k = st::bump(st::limit);\n    model(ev)\n}\n",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn one_alias_cannot_name_two_modules() {
    let f = Fixture::new();
    f.write("rules/lib/other.rhai", "fn x() { 1 }\n");
    f.write(
        "rules/russia.rhai",
        "import \"lib/other\" as common;\nfn on_armed_conflict(ev) { #{} }\n",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("alias `common` is used for `lib/common` elsewhere and for `lib/other` here"),
        "{err}"
    );
    assert!(err.contains("--> rules/russia.rhai:1:1"), "{err}");
}

#[test]
fn a_failure_in_scenario_b_of_a_comparison_names_b_and_its_seed() {
    let f = Fixture::new();
    // B is taiwan-crisis with rules of its own, in which Russia's handler
    // throws; A (the shipped one) runs fine.
    f.copy_dir("rules", "rules-broken");
    f.write(
        "rules-broken/russia.rhai",
        "fn on_armed_conflict(ev) {\n    throw \"broken on purpose\";\n}\n",
    );
    let taiwan = std::fs::read_to_string(f.path("scenarios/taiwan-crisis.yaml")).unwrap();
    f.write(
        "scenarios/broken.yaml",
        &taiwan.replace("seed: 7\n", "seed: 7\nrules: ../rules-broken\n"),
    );
    let (code, _, err) = f.bloc(&[
        "compare",
        "scenarios/taiwan-crisis.yaml",
        "scenarios/broken.yaml",
        "--runs",
        "20",
        "--seed",
        "11",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("broken on purpose"), "{err}");
    assert!(
        err.contains("note: in run 0 of scenario B (scenarios/broken.yaml) with seed 11 (reproduce with bloc run scenarios/broken.yaml --seed 11 --runs 1)\n"),
        "{err}"
    );
    assert!(!err.contains("taiwan-crisis"), "{err}");
    // The hint does reproduce it.
    let (code, _, again) = f.bloc(&[
        "run",
        "scenarios/broken.yaml",
        "--seed",
        "11",
        "--runs",
        "1",
    ]);
    assert_eq!(code, 1, "{again}");
    assert_eq!(again.lines().next(), err.lines().next(), "{again}");
}

/// Run `scenario` (the shipped 2008 world) and return stderr; exit 2.
fn invalid(scenario: &str) -> String {
    let f = Fixture::new();
    f.write("scenarios/case.yaml", scenario);
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml", "--runs", "2"]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn new_kinds_check_their_fields_with_positions() {
    let cases = [
        (
            "  - {turn: 1, id: v, kind: vote, forum: UNO, resolution: r}\n",
            "unknown organization `UNO` in event `v`",
            "case.yaml:7:41",
        ),
        (
            "  - {turn: 1, id: c, kind: clash, sides: [KGZ, TJX]}\n",
            "unknown actor `TJX` in event `c`",
            "case.yaml:7:48",
        ),
        (
            "  - {turn: 1, id: c, kind: clash, sides: [KGZ, KGZ]}\n",
            "a clash has exactly two different sides in event `c`",
            "case.yaml:7:42",
        ),
        (
            "  - {turn: 1, id: m, kind: membership_application, applicants: [IND, PAK, IND], org: SCO}\n",
            "a package lists the applicant `IND` twice in event `m`",
            "case.yaml:7:75",
        ),
        (
            "  - {turn: 1, id: s, kind: statement, org: SCO, by: everyone, text: t}\n",
            "`everyone` is not a valid `by` in event `s`",
            "case.yaml:7:53",
        ),
        (
            "  - {turn: 1, id: u, kind: unrest, state: KAZ}\n",
            "an `unrest` needs `request: {org: ...}` or `deciders` in event `u`",
            "case.yaml:7:28",
        ),
        (
            "  - {turn: 1, id: u, kind: unrest, state: KAZ, request: {org: CSTOO}}\n",
            "unknown organization `CSTOO` in event `u`",
            "case.yaml:7:63",
        ),
        (
            "  - {turn: 1, id: k, kind: crisis, state: RUS, target: RUS}\n",
            "a state cannot press itself in event `k`",
            "case.yaml:7:56",
        ),
    ];
    for (event, message, at) in cases {
        let err = invalid(&format!("{HEAD}timeline:\n{event}"));
        assert!(err.contains(message), "{event}: {err}");
        assert!(err.contains(at), "{event}: {err}");
    }
}

#[test]
fn block_is_no_option_of_a_chair_statement() {
    let err = invalid(&format!(
        "{HEAD}timeline:\n  - {{turn: 1, id: s, kind: statement, org: SCO, by: chair, text: t}}\nexpect:\n  - {{claim: c, event: s, actor: CHN, choice: block, at_most: 0.1}}\n"
    ));
    assert!(
        err.contains("`block` is not an option of event `s`"),
        "{err}"
    );
    assert!(err.contains("options: adopt, dissociate"), "{err}");
}

#[test]
fn extend_may_not_add_an_id_the_world_has() {
    let err = invalid(&format!(
        "{HEAD}extend:\n  actors:\n    RUS: {{name: Russia again}}\n  organizations:\n    NATO: {{name: again, members: [USA], decision: consensus}}\n  relations:\n    - {{from: UKR, to: RUS, ties: 0.1}}\ntimeline: []\n"
    ));
    assert!(
        err.contains("actor `RUS` already exists in the world"),
        "{err}"
    );
    assert!(err.contains("case.yaml:8:5"), "{err}");
    assert!(
        err.contains("organization `NATO` already exists in the world"),
        "{err}"
    );
    assert!(err.contains("unknown actor `UKR` in a relation"), "{err}");
}

#[test]
fn a_scenario_extends_its_world_with_a_new_actor_that_votes() {
    let f = Fixture::new();
    f.write(
        "scenarios/case.yaml",
        &format!(
            "{HEAD}extend:\n  actors:\n    UKR: {{name: Ukraine}}\n  memberships:\n    - {{actor: UKR, org: CIS}}\n  relations:\n    - {{from: UKR, to: RUS, threat: 0.9}}\ntimeline:\n  - {{turn: 1, id: v, kind: vote, forum: UN, resolution: r, sponsor: UKR, against: RUS}}\n"
        ),
    );
    let (code, out, err) = f.bloc(&[
        "run",
        "scenarios/case.yaml",
        "--runs",
        "20",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ukr = doc["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["event"] == "v" && d["actor"] == "UKR")
        .expect("Ukraine votes");
    assert!(ukr["choice_shares"]["yes"].as_f64().is_some(), "{ukr}");
    // With no script and no attributes, it runs on the generic rules.
    assert!(
        doc["generic_rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "UKR"),
        "{doc}"
    );
}

#[test]
fn a_world_extends_another_without_copying_it() {
    let f = Fixture::new();
    f.write(
        "scenarios/worlds/plus.yaml",
        "name: 2008 and Ukraine\nextends: sco-2008.yaml\nactors:\n  UKR: {name: Ukraine}\nrelations:\n  - {from: UKR, to: RUS, threat: 0.9}\n",
    );
    f.write(
        "scenarios/case.yaml",
        "name: plus\nworld: worlds/plus.yaml\nseed: 1\nturns: 1\ngroups: [{org: SCO}]\ntimeline:\n  - {turn: 1, id: v, kind: vote, forum: UN, resolution: r, sponsor: UKR}\n",
    );
    let (code, out, err) = f.bloc(&[
        "run",
        "scenarios/case.yaml",
        "--runs",
        "5",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"actor\": \"UKR\""), "{out}");
    // An error in the extension is positioned in the file that added it.
    f.write(
        "scenarios/worlds/plus.yaml",
        "name: 2008 and Ukraine\nextends: sco-2008.yaml\nactors:\n  UKR: {name: Ukraine}\nrelations:\n  - {from: UKR, to: RUSS, threat: 0.9}\n",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown actor `RUSS` in a relation"), "{err}");
    assert!(err.contains("scenarios/worlds/plus.yaml:6:21"), "{err}");
    // A world extending itself is refused, not followed forever.
    f.write(
        "scenarios/worlds/plus.yaml",
        "name: loop\nextends: plus.yaml\n",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("worlds extend one another more than 8 deep"),
        "{err}"
    );
}

#[test]
fn review_of_issue_8_mended() {
    // A membership application names who applies.
    let err = invalid(&format!(
        "{HEAD}timeline:\n  - {{turn: 1, id: e, kind: membership_application, org: SCO}}\n"
    ));
    assert!(
        err.contains("a `membership_application` needs `applicant` or `applicants`"),
        "{err}"
    );
    // extend: adds no treaty or base id the world has, demotes no member,
    // and says so when an added actor takes an organization's id.
    let err = invalid(&format!(
        "{HEAD}extend:\n  actors:\n    SCO: {{name: x}}\n  treaties:\n    - {{id: russia-china-2001, parties: [RUS, CHN], obligation: defence}}\n  bases:\n    - {{id: manas, host: KAZ, user: USA}}\n  memberships:\n    - {{actor: KAZ, org: SCO, status: dialogue_partner}}\ntimeline: []\n"
    ));
    for want in [
        "actor `SCO` has the id of an organization",
        "treaty `russia-china-2001` already exists",
        "base `manas` already exists",
        "`KAZ` is a member of `SCO`: a membership cannot demote it",
    ] {
        assert!(err.contains(want), "missing `{want}` in {err}");
    }
}

#[test]
fn proposed_votes_in_an_organization_and_unrest_with_a_request_run() {
    let f = Fixture::new();
    f.write(
        "rules/usa.rhai",
        "fn propose(me) { if me.turn == 1 { return #{ kind: \"vote\", id: \"nv\", forum: \"NATO\", resolution: \"r\", against: \"RUS\" }; } () }\n",
    );
    f.write(
        "rules/kazakhstan.rhai",
        "fn propose(me) { if me.turn == 1 { return #{ kind: \"unrest\", id: \"ku\", request: #{ org: \"CSTO\" } }; } () }\n",
    );
    for (name, script) in [("United States", "usa"), ("Kazakhstan", "kazakhstan")] {
        f.edit(
            "scenarios/worlds/sco-2008.yaml",
            &format!("    name: {name}\n"),
            &format!("    name: {name}\n    rules: {script}\n"),
        );
    }
    f.write(
        "scenarios/case.yaml",
        "name: p\nworld: worlds/sco-2008.yaml\nseed: 1\nturns: 2\ngroups: [{org: SCO}]\ntimeline: []\nexpect:\n  - {claim: a, proposal: nv, actor: USA, choice: \"yes\", at_least: 0.9}\n  - {claim: b, proposal: ku, outcome: intervention, at_least: 0.0}\n",
    );
    let (code, out, err) = f.bloc(&["test", "scenarios/case.yaml", "--runs", "20"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2 passed, 0 failed"), "{out}");
}

/// Issue 10 (4): a score that is not a finite number names the script, the
/// handler, the option and the line of the returned map.
#[test]
fn bad_scores_name_script_handler_option_and_line() {
    for (value, what) in [
        ("0.0 / 0.0", "NaN, not a number"),
        ("1.0 / 0.0", "infinite"),
        ("-1.0 / 0.0", "minus infinite"),
        ("\"high\"", "a string, not a number"),
        ("()", "() (nothing), not a number"),
        ("#{ a: 1 }", "a map, not a number"),
    ] {
        let (code, err) = taiwan_with_russia(&format!(
            "fn on_armed_conflict(ev) {{\n    let x = {value};\n    #{{\n        why: \"w\",\n        scores: #{{ neutrality: x }}\n    }}\n}}\n"
        ));
        assert_eq!(code, 1, "{err}");
        assert!(
            err.starts_with(&format!(
                "error: rule script returned an invalid decision: the score of option `neutrality` is {what}\n --> rules/russia.rhai:5:20\n"
            )),
            "{value}: {err}"
        );
        assert!(err.contains("in on_armed_conflict"), "{err}");
    }
    // A constant map (folded by Rhai's optimiser) is pointed at as a whole.
    let (code, err) = taiwan_with_russia(
        "fn on_armed_conflict(ev) {\n    #{ scores: #{ neutrality: \"x\" } }\n}\n",
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--> rules/russia.rhai:2:"), "{err}");
    // A handler returning nothing points at its body.
    let (code, err) = taiwan_with_russia("fn on_armed_conflict(ev) {\n    let x = 1;\n}\n");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("error: rule script returned an invalid decision: the handler returned () (nothing), not a map\n --> rules/russia.rhai:1:"),
        "{err}"
    );
}

/// Issue 10 (5): scripts have no clock, so two identical runs cannot differ.
#[test]
fn scripts_have_no_clock() {
    let (code, err) = taiwan_with_russia(
        "fn on_armed_conflict(ev) {\n    let t = timestamp();\n    #{ why: `${t}` }\n}\n",
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("error: rule script error: Function not found: timestamp ()"),
        "{err}"
    );
    assert!(err.contains("--> rules/russia.rhai:2:13"), "{err}");
}

/// Issue 10 (6): `print` and `debug` never reach the terminal; the trace of
/// the decision keeps them, bounded (20 lines of 200 characters).
#[test]
fn print_and_debug_go_to_the_trace_not_the_terminal() {
    let f = Fixture::new();
    f.write(
        "rules/russia.rhai",
        "fn on_armed_conflict(ev) {\n    print(\"hello from RUS\");\n    for i in 0..30 { debug(i); }\n    #{ scores: #{ neutrality: 1.0 } }\n}\n",
    );
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "1",
        "--quiet",
        "--trace",
        "t.json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("hello") && !err.contains("debug"), "{err}");
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.path("t.json")).unwrap()).unwrap();
    let rus = trace["runs"][0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["decisions"].as_array().unwrap())
        .find(|d| d["actor"] == "RUS" && d.get("log").is_some())
        .expect("a decision of RUS with a log");
    let log = rus["log"].as_array().unwrap();
    assert_eq!(log[0], "hello from RUS");
    assert_eq!(log.len(), 21, "{log:?}");
    assert_eq!(log[20], "(11 more lines dropped)");
}

/// Issue 10 (6): the replay that locates a runaway script prints nothing,
/// and printing in a loop is no slower than any other endless loop.
#[test]
fn a_runaway_printing_loop_is_silent_and_quick() {
    let started = std::time::Instant::now();
    let (code, err) = taiwan_with_russia(
        "fn on_armed_conflict(ev) {\n    loop { debug(\"spam\"); print(\"spam\"); }\n}\n",
    );
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("spam\n"), "{}", &err[..err.len().min(2000)]);
    assert!(
        err.starts_with("error: rule script stopped: more than 200000 operations"),
        "{err}"
    );
    assert!(err.contains("--> rules/russia.rhai:2:"), "{err}");
    assert!(
        started.elapsed().as_secs_f64() < 3.0,
        "{:?}",
        started.elapsed()
    );
}

/// Issue 10 (7): control characters and bidi overrides from a script are
/// shown escaped in the text report; JSON keeps them as data.
#[test]
fn control_characters_and_bidi_overrides_are_escaped_in_text() {
    let f = Fixture::new();
    f.write(
        "rules/russia.rhai",
        "fn on_armed_conflict(ev) {\n    #{ scores: #{ neutrality: 9.0 }, why: \"\\x1b[2J\\u202Eevil\\nforged line\" }\n}\n",
    );
    let (code, out, err) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "1",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{202e}'),
        "{out}"
    );
    assert!(
        out.contains("why: \\u{1b}[2J\\u{202e}evil\\u{a}forged line"),
        "{out}"
    );
    let (code, out, err) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "1",
        "--quiet",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\\u001b[2J\u{202e}evil\\nforged line"),
        "{out}"
    );
}

/// Issue 10 (8): an import is confined before any file is opened, whether
/// its target exists or not.
#[test]
fn imports_leaving_the_folder_are_refused_even_when_missing() {
    for target in [
        "../../../../../etc/no-such-bloc-file",
        "lib/../../x",
        "/etc/passwd",
    ] {
        let f = Fixture::new();
        f.write(
            "rules/russia.rhai",
            &format!("import \"{target}\" as s;\nfn on_armed_conflict(ev) {{ #{{}} }}\n"),
        );
        let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!("import `{target}` leaves the rules folder")),
            "{target}: {err}"
        );
        assert!(err.contains("--> rules/russia.rhai:1:1"), "{err}");
    }
}

/// Issue 10 (3): a shock's `set:`/`add:` refuse NaN, infinities and values
/// out of range, at their position.
#[test]
fn shock_changes_refuse_nan_and_infinity() {
    let f = Fixture::new();
    f.edit(
        "scenarios/astana-2005.yaml",
        "{path: relations.UZB.USA.threat, set: 0.7}",
        "{path: relations.UZB.USA.threat, set: .nan}",
    );
    f.edit(
        "scenarios/astana-2005.yaml",
        "{path: relations.KAZ.USA.threat, add: 0.2}",
        "{path: relations.KAZ.USA.threat, add: .inf}",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/astana-2005.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("error: `set:` of `relations.UZB.USA.threat` in event `colour-revolutions` must be between 0 and 1, found NaN"),
        "{err}"
    );
    assert!(err.contains("--> scenarios/astana-2005.yaml:33:"), "{err}");
    assert!(err.contains("must be between -1 and 1, found inf"), "{err}");
    assert!(err.contains("--> scenarios/astana-2005.yaml:35:"), "{err}");
}

/// Issue 10 (3): `--set` applies the world loader's range and finiteness check.
#[test]
fn set_option_checks_range_and_finiteness() {
    for value in ["5", "nan", "-0.1", "inf"] {
        let f = Fixture::new();
        let set = format!("relations.RUS.USA.threat={value}");
        let (code, _, err) = f.bloc(&[
            "run",
            "scenarios/taiwan-crisis.yaml",
            "--runs",
            "1",
            "--set",
            &set,
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.starts_with("error: --set relations.RUS.USA.threat="),
            "{err}"
        );
        assert!(err.contains("the value must be between 0 and 1"), "{err}");
    }
}

/// Issue 10 (10): no runs is an input error, not a verdict drawn from none.
#[test]
fn zero_runs_is_an_input_error() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "0"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.starts_with("error: --runs 0: at least one run is needed"),
        "{err}"
    );
    assert!(!err.contains("--shard"), "{err}");
    let f = Fixture::new();
    f.write(
        "scenarios/case.yaml",
        &format!("{HEAD}runs: 0\ntimeline: []\n"),
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: runs: at least one run is needed"),
        "{err}"
    );
    assert!(err.contains("--> scenarios/case.yaml:6:7"), "{err}");
}

/// Issue 10 (1): turns, runs, timeline length, actors and threads have
/// documented limits, each a clear (positioned) error.
#[test]
fn limits_on_turns_runs_events_actors_and_threads() {
    let f = Fixture::new();
    let started = std::time::Instant::now();
    f.write(
        "scenarios/case.yaml",
        &format!(
            "{}timeline: []\n",
            HEAD.replace("turns: 1", "turns: 4294967295")
        ),
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: turns must be between 1 and 1000, found 4294967295\n --> scenarios/case.yaml:4:8"),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 5);

    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "10000001"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: --runs 10000001: at most 10000000 runs in one ensemble"),
        "{err}"
    );

    let mut timeline = String::from("timeline:\n");
    for i in 0..10_001 {
        timeline.push_str(&format!(
            "  - {{turn: 1, id: e{i}, kind: declaration, org: SCO, text: t, theme: internal}}\n"
        ));
    }
    f.write("scenarios/case.yaml", &format!("{HEAD}{timeline}"));
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: the timeline has 10001 events, more than the limit of 10000\n"),
        "{err}"
    );
    assert!(err.contains("scenarios/case.yaml:10007:19"), "{err}");

    let mut actors = String::from("extend:\n  actors:\n");
    for i in 0..1_001 {
        actors.push_str(&format!("    X{i}: {{name: x}}\n"));
    }
    f.write(
        "scenarios/case.yaml",
        &format!("{HEAD}{actors}timeline: []\n"),
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: more than 1000 actors in the world\n")
            && err.contains("the first actor over the limit"),
        "{err}"
    );

    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "1",
        "--threads",
        "10000",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("10000 is not in 1..=256"), "{err}");
}

/// Issue 10 (2): input files are limited in size, checked before reading
/// (by size, or by a bounded read for a device like /dev/zero).
#[test]
fn input_files_are_limited_in_size() {
    let f = Fixture::new();
    let big = std::fs::File::create(f.path("scenarios/big.yaml")).unwrap();
    big.set_len(17 * 1024 * 1024).unwrap();
    let started = std::time::Instant::now();
    let (code, _, err) = f.bloc(&["run", "scenarios/big.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(
            "error: `scenarios/big.yaml` is 17825792 bytes: input files are limited to 16 MiB"
        ),
        "{err}"
    );
    if std::path::Path::new("/dev/zero").exists() {
        let (code, _, err) = f.bloc(&["run", "/dev/zero"]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.starts_with(
                "error: `/dev/zero` is larger than that: input files are limited to 16 MiB"
            ),
            "{err}"
        );
        f.write(
            "scenarios/case.yaml",
            "name: x\nworld: /dev/zero\nseed: 1\nturns: 1\ngroups: []\ntimeline: []\n",
        );
        let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("input files are limited to 16 MiB"), "{err}");
        #[cfg(unix)]
        {
            std::fs::remove_file(f.path("rules/russia.rhai")).unwrap();
            std::os::unix::fs::symlink("/dev/zero", f.path("rules/russia.rhai")).unwrap();
            let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
            assert_eq!(code, 2, "{err}");
            assert!(err.contains("rule scripts are limited to 128 KiB"), "{err}");
        }
    }
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

/// Issue 10 (9): invalid UTF-8 in a scenario, a world or a rule script is
/// an input error at the line and column of the first bad byte.
#[test]
fn invalid_utf8_is_positioned_in_scenarios_worlds_and_scripts() {
    let f = Fixture::new();
    let mut bytes = HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"timeline: []\n# caf\xff\n");
    std::fs::write(f.path("scenarios/case.yaml"), &bytes).unwrap();
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(&format!(
            "error: `scenarios/case.yaml` is not UTF-8 text: byte 0xff at byte offset {}\n --> scenarios/case.yaml:7:6\n",
            HEAD.len() + 18
        )),
        "{err}"
    );

    let mut world = std::fs::read(f.path("scenarios/worlds/sco-2008.yaml")).unwrap();
    world.splice(0..0, b"# \xc3\x28\n".iter().copied());
    std::fs::write(f.path("scenarios/worlds/bad.yaml"), &world).unwrap();
    f.write(
        "scenarios/case.yaml",
        &format!("{}timeline: []\n", HEAD.replace("sco-2008", "bad")),
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: `scenarios/worlds/bad.yaml` is not UTF-8 text: byte 0xc3 at byte offset 2\n --> scenarios/worlds/bad.yaml:1:3\n"),
        "{err}"
    );

    std::fs::write(
        f.path("rules/russia.rhai"),
        b"fn on_armed_conflict(ev) {\n    // \xfe\n    #{}\n}\n",
    )
    .unwrap();
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: `rules/russia.rhai` is not UTF-8 text: byte 0xfe at byte offset 34\n --> rules/russia.rhai:2:8\n"),
        "{err}"
    );
}

/// Issue 10 (9): a group with neither `org` nor `actors`, and a scenario's
/// `rules:` naming a missing folder, are positioned.
#[test]
fn group_without_members_and_missing_rules_folder_are_positioned() {
    check(
        "name: broken\nworld: worlds/sco-2008.yaml\nseed: 1\nturns: 1\ngroups:\n  - {id: g}\ntimeline: []\n",
        &[],
        2,
        "error: a group needs exactly one of `org` or `actors`, and has neither\n --> scenarios/case.yaml:6:5\n  |\n6 |   - {id: g}\n  |     ^ this group\n",
    );
    check(
        &format!("{HEAD}rules: ../no-such-rules\ntimeline: []\n"),
        &[],
        2,
        "error: cannot open rules folder `scenarios/../no-such-rules`: no such folder\n --> scenarios/case.yaml:6:8\n  |\n6 | rules: ../no-such-rules\n  |        ^^^^^^^^^^^^^^^^ named here (relative to the scenario file)\n",
    );
}

/// Issue 10 (13): a refusal of the YAML parser's budget reads as a sentence.
#[test]
fn yaml_budget_refusal_is_a_sentence() {
    let f = Fixture::new();
    let list = vec!["SCO"; 260_000].join(",");
    f.write(
        "scenarios/case.yaml",
        &format!(
            "{}timeline: []\n",
            HEAD.replace("{org: SCO}", &format!("{{org: SCO, rivals: [{list}]}}"))
        ),
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: this YAML is too large to read: it has more than 250,000 values, lists and maps; a scenario or world is far smaller\n"),
        "{err}"
    );
    assert!(!err.contains("budget breached"), "{err}");
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    f.write("scenarios/worlds/deep.yaml", &format!("x: {deep}\n"));
    f.write(
        "scenarios/case.yaml",
        &format!("{}timeline: []\n", HEAD.replace("sco-2008", "deep")),
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("levels deep"), "{err}");
}

/// Issue 10 (12): `bloc merge` checks the format, the ranges and overflow
/// of what it merges, and refuses altered files with a clear error.
#[test]
fn merge_refuses_altered_aggregates() {
    let f = Fixture::new();
    for (k, out) in [("1/2", "a.json"), ("2/2", "b.json")] {
        let (code, _, err) = f.bloc(&[
            "run",
            "scenarios/taiwan-crisis.yaml",
            "--runs",
            "4",
            "--quiet",
            "--shard",
            k,
            "--out",
            out,
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let b = std::fs::read_to_string(f.path("b.json")).unwrap();
    // Edited as text: the sums are u128, beyond serde_json::Value's numbers.
    let merge_with = |from: &str, to: &str| {
        let i = b
            .find(from)
            .unwrap_or_else(|| panic!("`{from}` not in b.json"));
        let edited = format!("{}{to}{}", &b[..i], &b[i + from.len()..]);
        std::fs::write(f.path("bad.json"), edited).unwrap();
        let (code, out, err) = f.bloc(&["merge", "a.json", "bad.json"]);
        assert!(!err.contains("panicked"), "{err}");
        (code, out, err)
    };
    let (code, _, err) = merge_with("\"range\":[2,4]", "\"range\":[4,2]");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: bad.json: its range of runs is reversed (4..2)"),
        "{err}"
    );
    let (code, _, err) = merge_with("\"bloc_aggregate\":1", "\"bloc_aggregate\":2");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: bad.json: aggregate format 2, but this bloc reads format 1"),
        "{err}"
    );
    let (code, _, err) = merge_with("\"range\":[2,4]", "\"range\":[2,9]");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("does not fit in its total of 4 runs"), "{err}");
    let (code, _, err) = merge_with("\"runs\":2,", "\"runs\":7,");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("covers runs 2..4 (2 runs) but its summary counts 7"),
        "{err}"
    );
    // Counts that no run could give: refused as inconsistent before their
    // sum could overflow.
    let huge =
        |text: &str| text.replacen("\"verdicts\":[0,", "\"verdicts\":[18446744073709551615,", 1);
    let a = std::fs::read_to_string(f.path("a.json")).unwrap();
    std::fs::write(f.path("huge-a.json"), huge(&a)).unwrap();
    std::fs::write(f.path("huge-b.json"), huge(&b)).unwrap();
    let (code, out, err) = f.bloc(&["merge", "huge-a.json", "huge-b.json"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.starts_with(
            "error: huge-a.json: group `SCO` counts 2 runs and 18446744073709551617 verdicts"
        ),
        "{err}"
    );
}

/// Issue 10 (12): a report that cannot be written (a full disk) is said so
/// on stderr, with exit 3.
#[test]
fn a_full_stdout_is_reported() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    let f = Fixture::new();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bloc"))
        .args([
            "run",
            "scenarios/taiwan-crisis.yaml",
            "--runs",
            "2",
            "--quiet",
        ])
        .current_dir(f.dir.path())
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.starts_with("error: cannot write the report to standard output:"),
        "{err}"
    );
}

/// Files in `dir` whose names start with `prefix`.
fn files_starting(dir: &std::path::Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

/// Start a long run writing `target` through `flag`, and wait until its
/// temporary file exists.
#[cfg(unix)]
fn long_run_writing(f: &Fixture, flag: &str, target: &str) -> std::process::Child {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_bloc"))
        .args([
            "run",
            "scenarios/taiwan-crisis.yaml",
            "--runs",
            "5000000",
            "--threads",
            "1",
            "--quiet",
            flag,
            target,
        ])
        .current_dir(f.dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let prefix = format!(".bloc-tmp-{target}-");
    while files_starting(f.dir.path(), &prefix).is_empty() {
        assert!(
            started.elapsed().as_secs() < 10,
            "no temporary file appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child
}

/// Issue 10 (11): SIGTERM or SIGINT during a run removes its temporary
/// files and leaves the targets as they were.
#[cfg(unix)]
#[test]
fn temporary_files_are_removed_on_sigterm_and_sigint() {
    for signal in ["-TERM", "-INT"] {
        let f = Fixture::new();
        f.write("trace.json", "old");
        let child = long_run_writing(&f, "--trace", "trace.json");
        std::thread::sleep(std::time::Duration::from_millis(200));
        let status = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130), "{signal}");
        assert!(
            files_starting(f.dir.path(), ".bloc-tmp").is_empty(),
            "{signal}: {:?}",
            files_starting(f.dir.path(), ".")
        );
        assert_eq!(
            std::fs::read_to_string(f.path("trace.json")).unwrap(),
            "old"
        );
    }
}

/// Issue 10 (11): a temporary file a SIGKILL left is named for its target
/// and removed by the next run writing that target.
#[cfg(unix)]
#[test]
fn a_temporary_file_left_by_sigkill_is_removed_by_the_next_run() {
    let f = Fixture::new();
    let mut child = long_run_writing(&f, "--runs-csv", "runs.csv");
    child.kill().unwrap();
    child.wait().unwrap();
    let left = files_starting(f.dir.path(), ".bloc-tmp-runs.csv-");
    assert_eq!(left.len(), 1, "{left:?}");
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "2",
        "--quiet",
        "--runs-csv",
        "runs.csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(files_starting(f.dir.path(), ".bloc-tmp").is_empty());
    assert!(f.path("runs.csv").exists());
}

/// Issue 10 (9): an actor's `rules:` naming a script the rules folder lacks
/// is pointed at in the world file.
#[test]
fn an_actor_naming_a_missing_script_is_positioned_in_the_world() {
    let f = Fixture::new();
    f.edit(
        "scenarios/worlds/sco-2008.yaml",
        "    rules: russia\n",
        "    rules: rusia\n",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: no rule script `rules/rusia.rhai` for actor `RUS`\n  --> scenarios/worlds/sco-2008.yaml:76:12\n"),
        "{err}"
    );
}

#[test]
fn review_of_issue_10_mended() {
    // A module importing itself is a circular import, not a stack overflow.
    let f = Fixture::new();
    std::fs::write(
        f.path("rules/lib/a.rhai"),
        "import \"lib/a\" as a;\nfn f() { 1 }\n",
    )
    .unwrap();
    std::fs::write(
        f.path("rules/iran.rhai"),
        "import \"lib/a\" as a;\nfn decide(ev) { #{ scores: #{} } }\n",
    )
    .unwrap();
    f.write("scenarios/case.yaml", &format!("{HEAD}timeline: []\n"));
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml", "--runs", "2"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("circular import: lib/a -> lib/a"), "{err}");

    // An actor's `rules:` names a script inside the rules folder only.
    let f = Fixture::new();
    f.edit(
        "scenarios/worlds/sco-2008.yaml",
        "    rules: iran",
        "    rules: ../../outside",
    );
    f.write("scenarios/case.yaml", &format!("{HEAD}timeline: []\n"));
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml", "--runs", "2"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("leave the rules folder"), "{err}");

    // Stale temporary files are recognised exactly: another target's, or a
    // file that merely looks alike, is left alone.
    let f = Fixture::new();
    for other in [".bloc-tmp-x-99999-12345-abcdef", ".bloc-tmp-x-999999-mine"] {
        f.write(other, "keep");
    }
    f.write(".bloc-tmp-x-999999-abc123", "stale");
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/mongolia.yaml",
        "--runs",
        "2",
        "--trace",
        "x",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(f.path(".bloc-tmp-x-99999-12345-abcdef").exists());
    assert!(f.path(".bloc-tmp-x-999999-mine").exists());
    assert!(
        !f.path(".bloc-tmp-x-999999-abc123").exists(),
        "a dead bloc's file is removed"
    );

    // Choice weights must add up to a finite number.
    let err = invalid(&format!(
        "{HEAD}overrides:\n  - {{path: relations.RUS.USA.threat, value: {{choice: [0.1, 0.9], weights: [1e308, 1e308]}}}}\ntimeline: []\n"
    ));
    assert!(err.contains("add up to a finite number"), "{err}");

    // An aggregate whose verdicts do not add up to its runs is refused.
    let f = Fixture::new();
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/mongolia.yaml",
        "--runs",
        "10",
        "--out",
        "a.json",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    // Edit the text (a round trip through serde_json::Value would turn the
    // exact fixed-point sums into floats).
    let text = std::fs::read_to_string(f.path("a.json")).unwrap();
    let at = text.find("\"verdicts\":[").expect("verdict counts");
    let end = at + text[at..].find(']').unwrap() + 1;
    let tampered = format!("{}\"verdicts\":[100,1,4,0]{}", &text[..at], &text[end..]);
    f.write("a.json", &tampered);
    let (code, _, err) = f.bloc(&["merge", "a.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("verdicts in a summary of 10 runs"), "{err}");
}

#[cfg(unix)]
#[test]
fn outputs_follow_symlinks_write_through_fifos_and_keep_permissions() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let f = Fixture::new();
    // A symlink: the file it points to is replaced, the link kept.
    f.write("real.json", "{}");
    std::os::unix::fs::symlink("real.json", f.path("link.json")).unwrap();
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/mongolia.yaml",
        "--runs",
        "3",
        "--out",
        "link.json",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::symlink_metadata(f.path("link.json"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let real = std::fs::read_to_string(f.path("real.json")).unwrap();
    assert!(real.starts_with("{\"bloc_aggregate\""), "{real}");
    // A new file is readable by all, an existing one keeps its mode.
    let mode = |p: &str| std::fs::metadata(f.path(p)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("real.json"), 0o644);
    std::fs::set_permissions(f.path("real.json"), std::fs::Permissions::from_mode(0o640)).unwrap();
    f.bloc(&[
        "run",
        "scenarios/mongolia.yaml",
        "--runs",
        "3",
        "--out",
        "link.json",
        "--quiet",
    ]);
    assert_eq!(mode("real.json"), 0o640);
    // A FIFO is written through, not replaced by a regular file.
    let fifo = f.path("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = std::thread::spawn({
        let fifo = fifo.clone();
        move || std::fs::read_to_string(fifo).unwrap()
    });
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/mongolia.yaml",
        "--runs",
        "3",
        "--trace",
        "pipe",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    let got = reader.join().unwrap();
    assert!(got.starts_with("{\"scenario\""), "{got}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

/// Issue 10: a script's `throw` text with line breaks is shown on one line,
/// so it cannot print lines that read like `error:` or `-->`.
#[test]
fn a_multi_line_throw_cannot_fake_diagnostic_lines() {
    let (code, err) = taiwan_with_russia(
        "fn on_armed_conflict(ev) {\n    throw \"boom\\nerror: fake\\n  --> rules/china.rhai:1:1\";\n}\n",
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(
            "error: rule script error: Runtime error: boom\\nerror: fake\\n  --> rules/china.rhai:1:1\n --> rules/russia.rhai:2:5\n"
        ),
        "{err}"
    );
    let pointers = err.lines().filter(|l| l.trim_start().starts_with("-->"));
    assert_eq!(pointers.count(), 1, "{err}");
}

/// Issue 10: a rule script of 100,000 functions took over 10 s to compile.
/// One script or module defines at most 1,000 functions (refused at the
/// first one over) and is at most 128 KiB long.
#[test]
fn rule_scripts_are_limited_in_functions_and_size() {
    let f = Fixture::new();
    let original = std::fs::read_to_string(f.path("rules/russia.rhai")).unwrap();
    let lines = original.lines().count();
    let mut many = original.clone();
    for i in 0..100_000 {
        many.push_str(&format!("fn f{i}(x) {{ x + {i} }}\n"));
        if many.len() > 120 * 1024 {
            break;
        }
    }
    f.write("rules/russia.rhai", &many);
    let started = std::time::Instant::now();
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    let functions = original.lines().filter(|l| l.starts_with("fn ")).count();
    let at = lines + 1 + (1000 - functions);
    assert!(
        err.starts_with(&format!(
            "error: rule script defines more than 1000 functions, the limit of one script or module\n    --> rules/russia.rhai:{at}:1\n"
        )),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    // The same in an imported module, at the import.
    f.write("rules/lib/many.rhai", &many);
    f.write(
        "rules/russia.rhai",
        &format!("import \"lib/many\" as many;\n{original}"),
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("more than 1000 functions"), "{err}");
    assert!(err.contains("rules/lib/many.rhai"), "{err}");
    // Longer than 128 KiB: refused before it is compiled.
    let long = format!("{original}{}", "// padding\n".repeat(12_000));
    f.write("rules/russia.rhai", &long);
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(&format!(
            "error: `rules/russia.rhai` is {} bytes: rule scripts are limited to 128 KiB\n",
            long.len()
        )),
        "{err}"
    );
}

/// Issue 10: `bloc merge` reads no field of an aggregate it has not
/// checked: an option, verdict, turn or histogram index out of range, counts
/// that do not add up to the runs, a "first run" outside the file's range,
/// thresholds outside [0, 1], or another plan's summary behind the same
/// fingerprint. A forbidden option's index out of range crashed the report.
#[test]
fn merge_checks_every_field_it_reads() {
    let f = Fixture::new();
    for (k, out) in [("1/2", "a.json"), ("2/2", "b.json")] {
        let args = [
            "run",
            "scenarios/taiwan-crisis.yaml",
            "--runs",
            "4",
            "--quiet",
            "--shard",
            k,
            "--out",
            out,
        ];
        let (code, _, err) = f.bloc(&args);
        assert_eq!(code, 0, "{err}");
    }
    let b = std::fs::read_to_string(f.path("b.json")).unwrap();
    for (from, to, expected) in [
        (
            "\"forbidden\":{}",
            "\"forbidden\":{\"99\":[2,\"x\"]}",
            "names an option or run out of range",
        ),
        (
            "\"backed\":{",
            "\"backed\":{\"AFG>GEO\":1000000,",
            "who backed whom `AFG>GEO`: 1000000 runs of 2",
        ),
        (
            "\"examples\":{\"1\":[",
            "\"examples\":{\"9\":[",
            "a verdict's example names a verdict or run out of range",
        ),
        (
            "\"examples\":{\"1\":[2,",
            "\"examples\":{\"1\":[0,",
            "a verdict's example names a verdict or run out of range",
        ),
        (
            "\"first_alliance\":{}",
            "\"first_alliance\":{\"0\":1}",
            "the turns alliance was first reached do not match",
        ),
        (
            "\"by_turn\":[[",
            "\"by_turn\":[[1,0,0,0],[",
            "verdicts by turn do not match the turns and runs",
        ),
        (
            "\"obligations\":{\"",
            "\"obligations\":{\"x\":5,\"",
            "obligations count 7 runs, not 2",
        ),
        (
            "\"temperature\":0.1",
            "\"temperature\":-1.0",
            "its summary does not hold together: temperature -1",
        ),
        (
            "\"seed\":7",
            "\"seed\":8",
            "come from different scenarios, rules, seeds or run counts",
        ),
    ] {
        let i = b
            .find(from)
            .unwrap_or_else(|| panic!("`{from}` not in b.json"));
        std::fs::write(
            f.path("bad.json"),
            format!("{}{to}{}", &b[..i], &b[i + from.len()..]),
        )
        .unwrap();
        let (code, out, err) = f.bloc(&["merge", "a.json", "bad.json"]);
        assert_eq!(code, 2, "{from} -> {to}: {out}{err}");
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains(expected), "{from} -> {to}: {err}");
    }
}

/// Issue 10: `bloc merge --out` of files with a gap between them wrote an
/// aggregate that `bloc merge` itself refused (its range counted the gap);
/// refused, with the gap named.
#[test]
fn merge_out_refuses_files_with_a_gap() {
    let f = Fixture::new();
    for k in ["1/3", "3/3"] {
        let out = format!("p{}.json", &k[..1]);
        let args = [
            "run",
            "scenarios/taiwan-crisis.yaml",
            "--runs",
            "6",
            "--quiet",
            "--shard",
            k,
            "--out",
            &out,
        ];
        let (code, _, err) = f.bloc(&args);
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, err) = f.bloc(&["merge", "p1.json", "p3.json", "--out", "m.json"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(
            "error: --out: the files leave runs 2..4 out, and an aggregate holds one range of runs"
        ),
        "{err}"
    );
    assert!(!f.path("m.json").exists());
    // Without --out the report of the runs they hold is still given.
    let (code, _, err) = f.bloc(&["merge", "p1.json", "p3.json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("the files cover 4 of 6 runs"), "{err}");
}

/// Issue 10: more shards than runs (`--shard 1/4294967295`) left shards of
/// no runs, which reported a verdict from nothing; refused, as for sweeps.
#[test]
fn shards_without_runs_are_refused() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "4",
        "--quiet",
        "--shard",
        "1/4294967295",
        "--out",
        "a.json",
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(
        err,
        "error: --shard 1/4294967295: 4294967295 shards of 4 runs would leave shards with none\n |\nnote: use at most 4 shards, or more runs\n"
    );
    assert!(out.is_empty(), "{out}");
    assert!(!f.path("a.json").exists());
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "3",
        "--quiet",
        "--shard",
        "4/4",
    ]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = f.bloc(&[
        "sweep",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "2",
        "--quiet",
        "--vary",
        "relations.RUS.USA.threat=0.4:0.5:0.1",
        "--shard",
        "3/3",
        "--out",
        "s.csv",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(
            "error: --shard 3/3: 3 shards of 2 sweep points would leave shards with none"
        ),
        "{err}"
    );
    // As many shards as runs: one run each, merged into the whole.
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let out = format!("{k}.json");
        let (code, _, err) = f.bloc(&[
            "run",
            "scenarios/taiwan-crisis.yaml",
            "--runs",
            "3",
            "--quiet",
            "--shard",
            &shard,
            "--out",
            &out,
        ]);
        assert_eq!(code, 0, "{err}");
    }
    let (code, merged, err) = f.bloc(&["merge", "1.json", "2.json", "3.json", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let (_, whole, _) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "3",
        "--quiet",
        "--format",
        "json",
    ]);
    assert_eq!(merged, whole);
}

/// Issue 10: turns, events, actors and runs were capped one by one, not
/// together (10,000 events of 6 deciders took 8 s for one run). A run is at
/// most 100,000 steps (decisions and group assessments), an ensemble at most
/// 1,000,000,000; each refusal names its limit.
#[test]
fn the_work_of_a_run_and_of_an_ensemble_is_limited() {
    let f = Fixture::new();
    let started = std::time::Instant::now();
    let mut timeline = String::from("timeline:\n");
    for i in 0..10_000 {
        timeline.push_str(&format!(
            "  - {{turn: 1, id: war{i}, kind: armed_conflict, attacker: CHN, defender: TWN}}\n"
        ));
    }
    f.write("scenarios/case.yaml", &format!("{HEAD}{timeline}"));
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: the timeline asks for more than 100000 steps in each run (decisions of each decider of each event, and group assessments at each turn)\n"),
        "{err}"
    );
    assert!(err.contains("the first event over the limit"), "{err}");
    assert!(err.contains("scenarios/case.yaml:"), "{err}");
    assert_eq!(err.matches("error:").count(), 1, "{err}");

    let mut groups = String::from("groups:\n");
    for i in 0..101 {
        groups.push_str(&format!("  - {{id: g{i}, actors: [RUS, CHN]}}\n"));
    }
    let head = HEAD
        .replace("turns: 1", "turns: 1000")
        .replace("groups: [{org: SCO}]\n", &groups);
    f.write("scenarios/case.yaml", &format!("{head}timeline: []\n"));
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: 1000 turns of 101 groups are 101000 assessments in each run, more than the limit of 100000 steps per run\n --> scenarios/case.yaml:4:8\n"),
        "{err}"
    );

    let mut timeline = String::from("timeline:\n");
    for i in 0..1_000 {
        timeline.push_str(&format!(
            "  - {{turn: 1, id: d{i}, kind: declaration, org: SCO, text: t, theme: internal}}\n"
        ));
    }
    f.write("scenarios/case.yaml", &format!("{HEAD}{timeline}"));
    let (code, out, err) = f.bloc(&["run", "scenarios/case.yaml", "--runs", "200000"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert_eq!(
        err,
        "error: 200000 runs of 6001 steps each (6000 decisions and 1 group assessments) are 1200200000 steps, more than the limit of 1000000000 for one ensemble\n |\nnote: use at most 166638 runs, or split them over processes with --shard K/N and `bloc merge` (docs/cluster.md)\n"
    );
    // A comparison runs both scenarios: each is limited alike.
    let (code, _, err) = f.bloc(&[
        "compare",
        "scenarios/taiwan-crisis.yaml",
        "scenarios/case.yaml",
        "--runs",
        "200000",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: 200000 runs of 6001 steps each"),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

/// Issue 10: a missing actor script was positioned only when the actor was
/// in the top world file; now in whichever file defined the actor: a world
/// it extends, the extending world, or the scenario's `extend:`.
#[test]
fn a_missing_actor_script_is_positioned_in_the_file_that_defined_the_actor() {
    let f = Fixture::new();
    f.edit(
        "scenarios/worlds/sco-2008.yaml",
        "    rules: russia\n",
        "    rules: rusia\n",
    );
    f.write(
        "scenarios/worlds/plus.yaml",
        "name: 2008 and Ukraine\nextends: sco-2008.yaml\nactors:\n  UKR: {name: Ukraine, rules: ukraine}\n",
    );
    f.write(
        "scenarios/case.yaml",
        "name: plus\nworld: worlds/plus.yaml\nseed: 1\nturns: 1\ngroups: [{org: SCO}]\nextend:\n  actors:\n    TUR: {name: Turkey, rules: turkey}\ntimeline: []\n",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    for (script, actor, at) in [
        ("rusia", "RUS", "scenarios/worlds/sco-2008.yaml:76:12"),
        ("ukraine", "UKR", "scenarios/worlds/plus.yaml:4:31"),
        ("turkey", "TUR", "scenarios/case.yaml:8:32"),
    ] {
        let head = format!("error: no rule script `rules/{script}.rhai` for actor `{actor}`\n");
        let i = err.find(&head).unwrap_or_else(|| panic!("{head}: {err}"));
        assert!(
            err[i + head.len()..]
                .trim_start()
                .starts_with(&format!("--> {at}\n")),
            "{actor} at {at}: {err}"
        );
    }
    assert!(err.ends_with("error: 3 problems found\n"), "{err}");
}

/// Issue 10 (from issue 8's leftovers): event, treaty and base ids are
/// checked like other ids, a repeated treaty or base is positioned, and an
/// error about one item of a list points at that item, not at the list.
#[test]
fn event_treaty_and_base_ids_are_checked_and_errors_point_at_items() {
    let f = Fixture::new();
    f.write(
        "scenarios/worlds/plus.yaml",
        "name: more\nextends: sco-2008.yaml\ntreaties:\n  - {id: \"x y\", parties: [RUS, CHN], obligation: consultation}\n  - {id: russia-china-2001, parties: [RUS, CHN], obligation: consultation}\nbases:\n  - {id: manas, host: KGZ, user: USA}\n  - {id: \"b\\u001b\", host: KGZ, user: USA}\n",
    );
    f.write(
        "scenarios/case.yaml",
        "name: plus\nworld: worlds/plus.yaml\nseed: 1\nturns: 1\ngroups: [{org: SCO}]\ntimeline: []\n",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/case.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    for (message, at) in [
        (
            "error: treaty id `x y` contains ` `",
            "scenarios/worlds/plus.yaml:4:10",
        ),
        (
            "error: treaty `russia-china-2001` already exists in the world",
            "scenarios/worlds/plus.yaml:5:10",
        ),
        (
            "error: base `manas` already exists in the world",
            "scenarios/worlds/plus.yaml:7:10",
        ),
        (
            "error: base id `b\\u{1b}` contains `\\u{1b}`",
            "scenarios/worlds/plus.yaml:8:10",
        ),
    ] {
        let i = err
            .find(message)
            .unwrap_or_else(|| panic!("{message}: {err}"));
        assert!(
            err[i..]
                .lines()
                .nth(1)
                .is_some_and(|l| l.trim_start() == format!("--> {at}")),
            "{message} at {at}: {err}"
        );
    }
    assert!(err.ends_with("error: 4 problems found\n"), "{err}");

    let err = invalid(&format!(
        "{HEAD}timeline:\n  - turn: 1\n    id: \"a/b\"\n    kind: armed_conflict\n    attacker: CHN\n    defender: TWN\n    backers: [{{actor: USA, side: TWN}}, {{actor: JPN, side: RUS}}]\n  - turn: 1\n    id: app\n    kind: membership_application\n    applicants: [IRN, MNG, IRN]\n    org: SCO\n  - turn: 1\n    id: app2\n    kind: membership_application\n    applicants: [IRN, KAZ]\n    org: SCO\n"
    ));
    for (message, at) in [
        (
            "error: event id `a/b` contains `/`",
            "scenarios/case.yaml:8:9",
        ),
        (
            "error: backer side `RUS` is neither the attacker nor the defender in event `a/b`",
            "scenarios/case.yaml:12:59",
        ),
        (
            "error: a package lists the applicant `IRN` twice in event `app`",
            "scenarios/case.yaml:16:28",
        ),
        (
            "error: `KAZ` is already a member of `SCO` in event `app2`",
            "scenarios/case.yaml:21:23",
        ),
    ] {
        let i = err
            .find(message)
            .unwrap_or_else(|| panic!("{message}: {err}"));
        assert!(
            err[i..]
                .lines()
                .nth(1)
                .is_some_and(|l| l.trim_start() == format!("--> {at}")),
            "{message} at {at}: {err}"
        );
    }
}

/// Issue 10 (13), found by the property tests: the YAML parser's advice to
/// its caller ("set DuplicateKeyPolicy in Options") and Rust's type names
/// ("invalid u32", "untagged enum RawNumber") are not shown to users.
#[test]
fn yaml_errors_speak_of_the_file_not_of_the_parser() {
    check(
        &format!("name: twice\n{HEAD}timeline: []\n"),
        &[],
        2,
        "error: invalid YAML: duplicate mapping key: name (each key once)\n --> scenarios/case.yaml:2:1\n  |\n2 | name: broken\n  | ^\n",
    );
    let f = Fixture::new();
    f.edit(
        "scenarios/worlds/sco-2008.yaml",
        "  ties: 0.",
        "  ties: 1e309 #",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: invalid YAML: non-finite float `1e309` (numbers must be finite)\n"),
        "{err}"
    );
    // Nor Rust's type names.
    for (from, to, message) in [
        (
            "turns: 1",
            "turns: -1",
            "expected a whole number from 0 to 4294967295\n --> scenarios/case.yaml:4:8\n  |\n4 | turns: -1\n  |        ^\n",
        ),
        (
            "seed: 1",
            "seed: -1",
            "expected a whole number from 0 to 18446744073709551615\n --> scenarios/case.yaml:3:7\n  |\n3 | seed: -1\n  |       ^\n",
        ),
    ] {
        check(
            &format!("{}timeline: []\n", HEAD.replace(from, to)),
            &[],
            2,
            &format!("error: invalid YAML: {message}"),
        );
    }
    let f = Fixture::new();
    f.edit(
        "scenarios/worlds/sco-2008.yaml",
        "{capability: 0.85,",
        "{capability: [1],",
    );
    let (code, _, err) = f.bloc(&["run", "scenarios/taiwan-crisis.yaml", "--runs", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: invalid YAML: expected a number, or a distribution (uniform, normal, beta, triangular or choice)\n"),
        "{err}"
    );
}

/// The checks of `bloc merge` accept what bloc writes: shards of a scenario
/// with parameters drawn per run merge into the unsharded report.
#[test]
fn merge_checks_accept_shards_with_drawn_parameters() {
    let f = Fixture::new();
    f.edit(
        "scenarios/taiwan-crisis.yaml",
        "\ngroups:",
        "\noverrides:\n  - {path: actors.RUS.entrapment, value: {uniform: [0.4, 0.8]}}\ngroups:",
    );
    for k in ["1/2", "2/2"] {
        let out = format!("d{}.json", &k[..1]);
        let args = [
            "run",
            "scenarios/taiwan-crisis.yaml",
            "--runs",
            "6",
            "--quiet",
            "--shard",
            k,
            "--out",
            &out,
        ];
        let (code, _, err) = f.bloc(&args);
        assert_eq!(code, 0, "{err}");
    }
    let (code, merged, err) = f.bloc(&["merge", "d1.json", "d2.json", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let (_, whole, _) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "6",
        "--quiet",
        "--format",
        "json",
    ]);
    assert_eq!(merged, whole);
    assert!(merged.contains("entrapment"), "{merged}");
}
