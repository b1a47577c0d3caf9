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
    f.edit(
        "class/rules/russia.rhai",
        "s[\"military_support:CHN\"] = -1.0 - entrapment - attr(ev.actor, \"risk_aversion\");",
        "s[\"military_support:CHN\"] = 50.0;",
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
