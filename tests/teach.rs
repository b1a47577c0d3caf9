//! Issue 11, for teachers and rule authors: bloc runs from any folder, and
//! the commands that show, check and scaffold (report, kinds, check, new,
//! completions) work on the shipped scenarios and fail clearly on bad input.

mod common;
use common::{Fixture, repo};

use std::process::Command;

/// Run the real binary in `dir`; (exit code, stdout, stderr).
fn bloc_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bloc"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn r11_a_shipped_scenario_runs_from_any_folder() {
    let elsewhere = tempfile::tempdir().unwrap();
    let scenario = repo().join("scenarios/taiwan-crisis.yaml");
    let (code, out, err) = bloc_in(
        elsewhere.path(),
        &["run", scenario.to_str().unwrap(), "--runs", "3", "--quiet"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Group SCO"), "{out}");
}

#[test]
fn r11_rules_beside_the_scenario_win_over_the_current_folder() {
    let f = Fixture::new();
    // A copy of the whole tree in a subfolder, with a Russia that always
    // fights for China; run from the fixture's root, whose rules/ is intact.
    f.copy_dir("rules", "class/rules");
    f.copy_dir("scenarios", "class/scenarios");
    f.append(
        "class/rules/russia.rhai",
        "fn on_armed_conflict(ev) { let d = model(ev); d.scores[\"military_support:CHN\"] = 50.0; d }",
    );
    let (code, out, err) = f.bloc(&[
        "run",
        "class/scenarios/taiwan-crisis.yaml",
        "--runs",
        "5",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("military_support:CHN 100.0%"), "{out}");
}

/// A whole page that loads nothing: no script, no stylesheet or font, no
/// `src=` or `href=` at all, no CSS `url(` but to its own markers. Text
/// that merely mentions an address (escaped) is allowed.
fn check_self_contained(page: &str) {
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.trim_end().ends_with("</html>"));
    for remote in ["<script", "<link", "<iframe", "<img", "@import"] {
        assert!(!page.contains(remote), "the page holds `{remote}`");
    }
    // Inside tags (escaped text has no `<`): no attribute that loads.
    for tag in page.split('<').skip(1).filter_map(|t| t.split_once('>')) {
        for attr in [" src=", " href=", "xlink:href"] {
            assert!(!tag.0.contains(attr), "a tag with `{attr}`: <{}>", tag.0);
        }
    }
    assert_eq!(
        page.matches("url(").count(),
        page.matches("url(#arrow").count(),
        "a url( other than the arrow markers"
    );
}

/// The page as generated from the shipped scenarios names no address at all.
fn check_no_address(page: &str) {
    for scheme in ["http://", "https://", "//cdn", "ftp://"] {
        assert!(!page.contains(scheme), "the page holds `{scheme}`");
    }
}

#[test]
fn r11_report_writes_one_self_contained_page() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&[
        "report",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "20",
        "--quiet",
        "--set",
        "relations.RUS.USA.threat=0.9",
        "--out",
        "r.html",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("written to r.html"), "{out}");
    let page = std::fs::read_to_string(f.path("r.html")).unwrap();
    check_self_contained(&page);
    check_no_address(&page);
    // Verdict bars and indicator bars per group, the world, who backed whom.
    assert!(page.matches("<svg").count() >= 6, "{page}");
    for part in [
        "<h1>Taiwan Strait crisis</h1>",
        "Do China&#39;s SCO partners honour",
        "<code>relations.RUS.USA.threat=0.9</code>",
        "seed 7, 20 runs",
        "Verdict shares of SCO over 20 runs",
        "Indicators of SCO against their thresholds",
        "The world at the start",
        "Who backed whom in the runs",
        "RUS backed CHN in",
        "Turn 1: taiwan-strait",
        "interests: diplomatic_support:CHN best (",
    ] {
        assert!(page.contains(part), "no `{part}` in the page");
    }
}

#[test]
fn r11_report_escapes_scenario_text() {
    let f = Fixture::new();
    f.edit(
        "scenarios/taiwan-crisis.yaml",
        "name: Taiwan Strait crisis",
        "name: \"<script>alert('name')</script> & <img src=x onerror=alert(1)>\"",
    );
    let (code, _, err) = f.bloc(&[
        "report",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "5",
        "--quiet",
        "--out",
        "r.html",
    ]);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(f.path("r.html")).unwrap();
    check_self_contained(&page);
    assert!(!page.contains("<img"), "{page}");
    assert!(page.contains(
        "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"
    ));
}

#[test]
fn r11_report_to_an_unwritable_path_is_exit_3_and_leaves_nothing() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&[
        "report",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "2",
        "--quiet",
        "--out",
        "no-such-folder/r.html",
    ]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("no-such-folder/r.html"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn r11_sweep_report_charts_verdict_shares_over_the_parameter() {
    let f = Fixture::new();
    let (code, _, err) = f.bloc(&[
        "sweep",
        "scenarios/rising-threat.yaml",
        "--vary",
        "relations.RUS.USA.threat=0.4:0.9:0.25",
        "--runs",
        "10",
        "--quiet",
        "--out",
        "s.csv",
        "--report",
        "s.html",
    ]);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(f.path("s.html")).unwrap();
    check_self_contained(&page);
    check_no_address(&page);
    assert!(page.contains("Verdict shares of SCO over relations.RUS.USA.threat"));
    // One line per verdict but untested, per group, through every point.
    assert_eq!(page.matches("<polyline").count(), 3 * 3, "{page}");
    assert!(page.contains("<td>0.9</td>"), "{page}");
}

#[test]
fn r11_check_passes_the_shipped_tree_and_warns_of_a_misspelt_handler() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("ok    scenarios/taiwan-crisis.yaml"), "{out}");
    assert!(out.ends_with("0 error(s), 0 warning(s)\n"), "{out}");

    f.copy_dir("rules", "typo");
    f.edit(
        "typo/russia.rhai",
        "fn on_treaty_proposal(ev)",
        "fn on_treaty_propsal(ev)",
    );
    let (code, out, _) = f.bloc(&["check", "typo"]);
    assert_eq!(code, 0, "a warning is no error: {out}");
    assert!(
        out.contains("warning: handler `on_treaty_propsal` is called by no event kind"),
        "{out}"
    );
    assert!(out.contains("--> typo/russia.rhai:"), "{out}");
    assert!(
        out.contains("note: did you mean `on_treaty_proposal`?"),
        "{out}"
    );
}

#[test]
fn r11_check_fails_with_exit_2_on_a_broken_script_or_scenario() {
    let f = Fixture::new();
    f.copy_dir("rules", "broken");
    f.write("broken/extra.rhai", "fn on_vote(ev) { let x = ; }\n");
    let (code, out, _) = f.bloc(&["check", "broken"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("FAIL  broken"), "{out}");
    assert!(out.contains("--> broken/extra.rhai:1:26"), "{out}");
    assert!(!out.contains("EXTRA"), "no stand-in actor named: {out}");

    f.edit(
        "scenarios/taiwan-crisis.yaml",
        "attacker: CHN",
        "attacker: CHNN",
    );
    let (code, out, _) = f.bloc(&["check", "scenarios/taiwan-crisis.yaml"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unknown actor `CHNN`"), "{out}");
}

#[test]
fn r11_new_scaffolds_pass_check_and_never_replace_a_file() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&["new", "actor", "TKM"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote rules/tkm.rhai"), "{out}");
    let (code, out, err) = f.bloc(&["new", "scenario", "my-case"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote scenarios/my-case.yaml"), "{out}");
    let (code, out, err) = f.bloc(&["check", "scenarios/my-case.yaml", "rules"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.ends_with("0 error(s), 0 warning(s)\n"), "{out}");
    let (code, _, err) = f.bloc(&["run", "scenarios/my-case.yaml", "--runs", "3", "--quiet"]);
    assert_eq!(code, 0, "{err}");

    let (code, _, err) = f.bloc(&["new", "actor", "TKM"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("already exists: bloc new never replaces a file"),
        "{err}"
    );
    let (code, _, err) = f.bloc(&["new", "scenario", "../escape"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a plain file name"), "{err}");
}

#[test]
fn r11_kinds_and_completions() {
    let f = Fixture::new();
    let (code, out, _) = f.bloc(&["kinds"]);
    assert_eq!(code, 0);
    for kind in [
        "armed_conflict",
        "vote",
        "statement",
        "basing_request",
        "custom kinds",
    ] {
        assert!(out.contains(kind), "{kind} missing:\n{out}");
    }
    // Options and outcomes that name actors, as docs/scenarios.md shows them.
    for part in [
        "options:   military_support:<side>, arms:<side>, diplomatic_support:<side>, monitors, neutrality, condemnation",
        "outcomes:  <attacker> backed militarily",
        "options:   show_of_force:<side>, diplomatic_support:<side>, stay_out",
        "shock  (no handler: no one decides)",
        "declared under `custom_kinds:`",
    ] {
        assert!(out.contains(part), "`{part}` missing:\n{out}");
    }
    let (code, out, _) = f.bloc(&["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(out.contains("_bloc()") && out.contains("report"), "{out}");
    let (code, _, err) = f.bloc(&["completions", "tcsh"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn r11_csv_column_names_are_unique_and_self_describing() {
    let f = Fixture::new();
    let (code, _, err) = f.bloc(&[
        "sweep",
        "scenarios/rising-threat.yaml",
        "--vary",
        "relations.RUS.USA.threat=0.4:0.9:0.5",
        "--runs",
        "4",
        "--quiet",
        "--out",
        "s.csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/rising-threat.yaml",
        "--runs",
        "4",
        "--quiet",
        "--runs-csv",
        "r.csv",
    ]);
    assert_eq!(code, 0, "{err}");
    for file in ["s.csv", "r.csv"] {
        let text = std::fs::read_to_string(f.path(file)).unwrap();
        let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
        let unique: std::collections::BTreeSet<&&str> = header.iter().collect();
        assert_eq!(
            unique.len(),
            header.len(),
            "duplicate columns in {file}: {header:?}"
        );
        assert!(header.contains(&"SCO.indicator.alignment"), "{header:?}");
    }
    let sweep = std::fs::read_to_string(f.path("s.csv")).unwrap();
    assert!(sweep.contains(",SCO.verdict.alignment,"), "{sweep}");
}

#[test]
fn r11_explain_tells_one_run_with_reasons_and_constraints() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&["explain", "scenarios/taiwan-crisis.yaml", "--run", "3"]);
    assert_eq!(code, 0, "{err}");
    for part in [
        "Taiwan Strait crisis: run 3 of seed 7",
        "\nTurn 1\n",
        "  taiwan-strait (armed_conflict): China uses force",
        "    RUS chose diplomatic_support:CHN (its rules gave it ",
        "interests: diplomatic_support:CHN best (",
        "      weighed against: ",
        "    outcome: ",
        "  verdicts after turn 1: SCO ",
        "How the verdicts followed (end of turn 2)",
        "  SCO (CHN, RUS, KAZ, UZB, KGZ, TJK): ",
        "    - not an alliance: formal commitment 0.40 < 0.90",
    ] {
        assert!(out.contains(part), "no `{part}` in:\n{out}");
    }
    // The same run, the same story.
    let (_, again, _) = f.bloc(&["explain", "scenarios/taiwan-crisis.yaml", "--run", "3"]);
    assert_eq!(out, again);
    let (code, out, err) = f.bloc(&["explain", "scenarios/defence-pact.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("the world forbade sign: members of CSTO may not join a military pact"),
        "{out}"
    );
    // The report tells the story of a run with the modal verdict.
    let (code, _, err) = f.bloc(&[
        "report",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "10",
        "--quiet",
        "--out",
        "r.html",
    ]);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(f.path("r.html")).unwrap();
    assert!(page.contains("<h2>The story of one run</h2>"), "{page}");
    assert!(page.contains("How the verdicts followed"), "{page}");
}

/// Run the binary in `f` with `input` on stdin; (exit code, stdout, stderr).
fn bloc_with_input(f: &Fixture, args: &[&str], input: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_bloc"))
        .args(args)
        .current_dir(f.dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn r11_play_piped_answers_and_prints_the_verdicts() {
    let f = Fixture::new();
    let args = [
        "play",
        "scenarios/taiwan-crisis.yaml",
        "--as",
        "RUS",
        "--seed",
        "1",
        "--runs",
        "40",
        "--quiet",
    ];
    let (code, out, err) = bloc_with_input(&f, &args, "1\n1\n1\n1\n");
    assert_eq!(code, 0, "{err}");
    for part in [
        "Turn 1, taiwan-strait (armed_conflict): China uses force",
        "  You decide for RUS. Options:",
        "     1. military_support:CHN ",
        "  RUS's rules would choose ",
        "  RUS> 1\n",
        "Your run (run 0 of seed 1) against the rules alone (40 runs):",
        "  SCO: ",
        " in your run; the rules alone: alliance 0.0%",
        "  turn 1 taiwan-strait RUS: you chose military_support:CHN (the rules chose it in 0.0% of runs",
    ] {
        assert!(out.contains(part), "no `{part}` in:\n{out}");
    }
    // A bad answer is asked again; a name works as well as a number.
    let (code, out, err) = bloc_with_input(&f, &args, "fight\n99\nneutrality\nendorse\n");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("`fight` is not an option: answer a number from 1 to 9"),
        "{out}"
    );
    assert!(out.contains("`99` is not an option"), "{out}");
    assert!(out.contains("you chose neutrality"), "{out}");
    // The end of the input is a clear error, not a panic or a loop.
    let (code, _, err) = bloc_with_input(&f, &args, "1\n");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with(
            "error: the input ended before RUS's decision on `china-asks-sco` (turn 2)"
        ),
        "{err}"
    );
}

#[test]
fn r11_play_refuses_an_actor_without_decisions() {
    let f = Fixture::new();
    let base = [
        "play",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "10",
        "--quiet",
        "--as",
    ];
    let (code, _, err) = bloc_with_input(&f, &[&base[..], &["USA"]].concat(), "");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("USA takes no decision in this scenario"),
        "{err}"
    );
    assert!(err.contains("actors who decide: "), "{err}");
    let (code, _, err) = bloc_with_input(&f, &[&base[..], &["XYZ"]].concat(), "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown actor `XYZ` in --as"), "{err}");
}

#[test]
fn r11_the_text_report_echoes_set_values() {
    let f = Fixture::new();
    let (code, out, err) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "3",
        "--quiet",
        "--set",
        "relations.RUS.USA.threat=0.9",
        "--set",
        "relations.CHN.USA.ties=0.1",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("bloc: Taiwan Strait crisis"), "{out}");
    assert_eq!(
        lines[2],
        "changed with --set: relations.RUS.USA.threat=0.9, relations.CHN.USA.ties=0.1"
    );
}

#[test]
fn r11_check_refuses_an_attribute_no_world_defines() {
    let f = Fixture::new();
    f.copy_dir("rules", "mine");
    let text = std::fs::read_to_string(f.path("mine/russia.rhai")).unwrap();
    let (line, _) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("= attr(a, \"balancing_threshold\")"))
        .expect("russia.rhai reads balancing_threshold: update this test");
    f.edit(
        "mine/russia.rhai",
        "attr(a, \"balancing_threshold\")",
        "attr(a, \"balancing_treshold\")",
    );
    let (code, out, _) = f.bloc(&["check", "scenarios/taiwan-crisis.yaml", "--rules", "mine"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "error: attribute `balancing_treshold` is defined by no actor of the worlds checked"
        ),
        "{out}"
    );
    assert!(
        out.contains(&format!("--> mine/russia.rhai:{}:", line + 1)),
        "{out}"
    );
    assert!(out.contains("did you mean `balancing_threshold`?"), "{out}");
    // The folder's line says so: no "ok" above its own errors.
    assert!(out.contains("FAIL  mine\n"), "{out}");
    assert!(!out.contains("ok    mine"), "{out}");
}

/// Issue 11 (editor support): every function src/rules.rs registers for
/// scripts is declared in editor/bloc.d.rhai, and nothing else is.
#[test]
fn r11_editor_definitions_match_the_registered_functions() {
    let rules = std::fs::read_to_string(repo().join("src/rules.rs")).unwrap();
    let defs = std::fs::read_to_string(repo().join("editor/bloc.d.rhai")).unwrap();
    let registered: std::collections::BTreeSet<String> = rules
        .split("register_fn(")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.trim_start().strip_prefix('"')?;
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect();
    let declared: std::collections::BTreeSet<String> = defs
        .lines()
        .filter_map(|l| l.strip_prefix("fn "))
        .map(|l| l[..l.find('(').unwrap()].to_string())
        .collect();
    assert!(registered.len() >= 15, "{registered:?}");
    assert_eq!(registered, declared, "editor/bloc.d.rhai is out of date");
}

#[test]
fn r11_turns_csv_has_a_row_per_run_and_turn() {
    let f = Fixture::new();
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/rising-threat.yaml",
        "--runs",
        "3",
        "--quiet",
        "--turns-csv",
        "turns.csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(f.path("turns.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "seed,run,turn,SCO.verdict,CSTO.verdict,sino-russian.verdict"
    );
    assert_eq!(lines.len(), 1 + 3 * 6, "{text}");
    assert!(lines[1].starts_with("1999,0,1,"), "{text}");
    assert!(lines[6].starts_with("1999,0,6,"), "{text}");
    assert!(lines[18].starts_with("1999,2,6,"), "{text}");
}

#[test]
fn r11_report_escapes_script_text_in_tables_and_the_story() {
    let f = Fixture::new();
    f.append(
        "rules/russia.rhai",
        "fn on_armed_conflict(ev) { let d = model(ev); d.why = \"</pre></td><script>alert(1)</script><a href='https://x'>\u{1b}[31m;\"; d }",
    );
    let (code, _, err) = f.bloc(&[
        "report",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "5",
        "--quiet",
        "--out",
        "r.html",
    ]);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(f.path("r.html")).unwrap();
    check_self_contained(&page);
    assert!(!page.contains("<a href"), "{page}");
    assert!(
        !page.contains('\u{1b}'),
        "a control character reached the page"
    );
    // In the decisions table and in the story of a run alike.
    assert!(
        page.matches("&lt;/pre&gt;&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;a href=&#39;https://x&#39;&gt;\u{fffd}[31m").count() >= 2,
        "{page}"
    );
}

#[test]
fn r11_report_lists_the_coalitions_that_emerged() {
    let f = Fixture::new();
    let (code, _, err) = f.bloc(&[
        "report",
        "scenarios/rising-threat.yaml",
        "--runs",
        "20",
        "--quiet",
        "--out",
        "r.html",
    ]);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(f.path("r.html")).unwrap();
    assert!(page.contains("<h2>Coalitions that emerged</h2>"), "{page}");
    assert!(page.contains("backed each other: "), "{page}");
}

#[test]
fn r11_explain_shows_what_a_handler_printed() {
    let f = Fixture::new();
    f.append(
        "rules/russia.rhai",
        "fn on_armed_conflict(ev) {\n    print(\"weighing the partnership with \" + ev.attacker);\n    model(ev)\n}",
    );
    let (code, out, err) = f.bloc(&["explain", "scenarios/taiwan-crisis.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("      its rules noted: weighing the partnership with CHN"),
        "{out}"
    );
}

/// Review of issue 11: `check` reads within the input limit, compiles a
/// script named on its own, and warns of handlers bloc never calls; `play`
/// bounds an answer.
#[test]
fn r11_check_and_play_hold_against_hostile_input() {
    let f = Fixture::new();
    let (code, out, _) = f.bloc(&["check", "/dev/zero"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("input files are limited to 16 MiB"), "{out}");

    f.write("lone.rhai", "fn on_vote(ev) { let x = ; }\n");
    let (code, out, _) = f.bloc(&["check", "lone.rhai"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("lone.rhai:1:26"), "{out}");

    f.copy_dir("rules", "ar");
    f.append(
        "ar/russia.rhai",
        "fn on_armed_conflict(ev, extra) { 1 }\nfn on_shock(ev) { 1 }",
    );
    let (code, out, _) = f.bloc(&["check", "ar"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning: handler `on_armed_conflict` does not take one parameter"),
        "{out}"
    );
    assert!(
        out.contains("warning: handler `on_shock` is never called"),
        "{out}"
    );

    let long = "9".repeat(10_000) + "\n";
    let (code, _, err) = bloc_with_input(
        &f,
        &[
            "play",
            "scenarios/taiwan-crisis.yaml",
            "--as",
            "RUS",
            "--seed",
            "1",
        ],
        &long,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("an answer longer than 4096 bytes"), "{err}");
}

/// Review of issue 11: two outputs naming one file are refused, and a sweep
/// whose report cannot be written leaves no CSV behind.
#[test]
fn r11_outputs_are_distinct_and_a_failed_report_leaves_nothing() {
    let f = Fixture::new();
    let (code, _, err) = f.bloc(&[
        "run",
        "scenarios/taiwan-crisis.yaml",
        "--runs",
        "2",
        "--quiet",
        "--runs-csv",
        "same.csv",
        "--turns-csv",
        "./same.csv",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--runs-csv and --turns-csv name the same file"),
        "{err}"
    );
    assert!(!f.path("same.csv").exists());

    let (code, _, err) = f.bloc(&[
        "sweep",
        "scenarios/rising-threat.yaml",
        "--vary",
        "relations.RUS.USA.threat=0.4:0.9:0.5",
        "--runs",
        "2",
        "--quiet",
        "--out",
        "s.csv",
        "--report",
        "no-such-folder/s.html",
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(!f.path("s.csv").exists(), "the CSV was left behind");
}

/// Review finding (issue 12): a script that cannot be read, named twice,
/// is one error reported once, rendered once, with one line of its own.
#[test]
fn check_reports_an_unreadable_script_once_however_often_it_is_named() {
    let f = Fixture::new();
    std::fs::create_dir_all(f.path("mine")).unwrap();
    std::fs::write(
        f.path("mine/eps.rhai"),
        b"fn on_shock(ev) { model(ev) }\n// \xff\n",
    )
    .unwrap();
    let (code, out, _) = f.bloc(&["check", "mine/eps.rhai", "./mine/eps.rhai"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(out.matches("is not UTF-8").count(), 1, "{out}");
    assert!(!out.contains("\\n"), "a diagnostic rendered twice: {out}");
    assert_eq!(out.matches("FAIL  ").count(), 1, "{out}");
    assert!(!out.contains("ok    "), "{out}");
    assert!(out.contains(": 1 error(s)"), "{out}");
}
