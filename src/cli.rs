//! The command line: parses arguments, calls the library, prints the report
//! or the errors, and maps errors to exit codes in one place.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::{Diagnostic, Error};
use crate::scenario::{self, LoadOptions};
use crate::{report, simulate};

#[derive(Parser, Debug)]
#[command(
    name = "bloc",
    version,
    about = "Does a group of states behave like a military alliance, or only like an alignment? Simulate it."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a scenario many seeded times and report verdicts, indicators and key decisions.
    Run(RunArgs),
    /// Check the claims (`expect:`) of scenarios: pass or fail, with the observed value.
    Test(TestArgs),
}

#[derive(clap::Args, Debug)]
struct TestArgs {
    /// Scenario files or folders (default: every scenario in `scenarios/` with claims).
    paths: Vec<PathBuf>,
    /// Rules folder (overrides the scenarios').
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Number of runs (overrides each scenario's; claims are calibrated for its own).
    #[arg(long)]
    runs: Option<u32>,
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// The scenario file (YAML).
    scenario: PathBuf,
    /// Seed of the random streams (overrides the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Number of runs (overrides the scenario's).
    #[arg(long)]
    runs: Option<u32>,
    /// Rules folder (overrides the scenario's; default `rules/`).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Change a world parameter, e.g. `--set relations.RUS.USA.threat=0.9` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
    set: Vec<(String, f64)>,
    /// Write the full decision trace of every run to FILE (JSON).
    #[arg(long, value_name = "FILE")]
    trace: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_set(s: &str) -> Result<(String, f64), String> {
    let (path, value) = s
        .split_once('=')
        .ok_or_else(|| format!("expected PATH=VALUE, found `{s}`"))?;
    let v: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("`{value}` is not a number"))?;
    Ok((path.trim().to_string(), v))
}

/// Write a file whole or not at all: into a temporary file beside it, then
/// renamed over the target.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(path, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// The scenario files `bloc test` looks at: named files, and the `.yaml`
/// files directly inside named folders (not their `worlds/`), sorted.
fn scenario_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, Error> {
    let default = [PathBuf::from("scenarios")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            files.sort();
            out.extend(files.into_iter().map(|f| (f, false)));
        } else {
            out.push((p.clone(), true));
        }
    }
    Ok(out)
}

/// `bloc test`: every claim as pass or FAIL, then `N passed, N failed`.
fn test_command(a: TestArgs) -> Result<(String, u8), Error> {
    let mut out = String::new();
    let (mut passed, mut failed, mut broken) = (0, 0, 0);
    let mut stdout = std::io::stdout().lock();
    for (path, named) in scenario_files(&a.paths)? {
        let opts = LoadOptions {
            seed: None,
            runs: a.runs,
            rules: a.rules.clone(),
            overrides: vec![],
        };
        let mut text = String::new();
        let result = scenario::load(&path, &opts).and_then(|plan| {
            if plan.claims.is_empty() {
                return Ok(None);
            }
            let summary = simulate(&plan, |_| {})?;
            Ok(Some((plan, summary)))
        });
        match result {
            Ok(None) if named => {
                text.push_str(&format!(
                    "{}: no claims (add an `expect:` section)\n",
                    path.display()
                ));
            }
            Ok(None) => {}
            Ok(Some((plan, summary))) => {
                text.push_str(&format!(
                    "{}: {} ({} runs, seed {})\n",
                    path.display(),
                    plan.name,
                    plan.runs,
                    plan.seed
                ));
                let mut reproduce = format!(
                    "bloc run {} --seed {} --runs {}",
                    path.display(),
                    plan.seed,
                    plan.runs
                );
                if let Some(r) = &a.rules {
                    reproduce.push_str(&format!(" --rules {}", r.display()));
                }
                for claim in &plan.claims {
                    let c = claim.check(&summary);
                    let observed = match c.observed {
                        Some(x) => format!(
                            "{} [{}, {}]",
                            claim.fmt(x),
                            claim.fmt(c.interval.0),
                            claim.fmt(c.interval.1)
                        ),
                        None => c.missing.clone().unwrap_or_default(),
                    };
                    if c.pass {
                        passed += 1;
                        text.push_str(&format!(
                            "  pass  {}: {observed}, expected {}\n",
                            claim.text,
                            claim.bound()
                        ));
                    } else {
                        failed += 1;
                        text.push_str(&format!("  FAIL  {}\n", claim.text));
                        text.push_str(&format!(
                            "        observed {observed} (n = {}), expected {}\n",
                            c.n,
                            claim.bound()
                        ));
                        if !claim.why.is_empty() {
                            text.push_str(&format!("        why expected: {}\n", claim.why));
                        }
                        text.push_str(&format!(
                            "        claim at {}:{}\n        reproduce: {reproduce} --format json\n",
                            path.display(),
                            claim.line
                        ));
                    }
                }
            }
            Err(e) => {
                broken += 1;
                text.push_str(&format!("{}: could not run\n", path.display()));
                for line in e.to_string().lines() {
                    text.push_str(&format!("  {line}\n"));
                }
            }
        }
        // Stream per scenario: a long test run shows progress as it goes.
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }
    if broken > 0 {
        out.push_str(&format!("{broken} scenario(s) could not run\n"));
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    let code = if failed + broken > 0 { 4 } else { 0 };
    Ok((out, code))
}

fn run_command(a: RunArgs) -> Result<String, Error> {
    let opts = LoadOptions {
        seed: a.seed,
        runs: a.runs,
        rules: a.rules,
        overrides: a.set,
    };
    let plan = scenario::load(&a.scenario, &opts)?;
    let mut traces = Vec::new();
    let keep = a.trace.is_some();
    let summary = simulate(&plan, |run| {
        if keep {
            traces.push(report::trace(run));
        }
    })?;
    if let Some(path) = &a.trace {
        let doc = serde_json::json!({ "scenario": plan.name, "seed": plan.seed, "runs": traces });
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        write_atomically(path, text.as_bytes())?;
    }
    Ok(match a.format {
        Format::Text => report::text(&summary),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report::json(&summary)).unwrap_or_default();
            s.push('\n');
            s
        }
    })
}

/// Exit codes: 0 success, 1 a rule script failed during the run, 2 invalid
/// input (arguments, scenario, world or rules that do not load), 3 I/O,
/// 4 `bloc test` found a failing claim or a scenario that could not run.
pub fn exit_code(e: &Error) -> u8 {
    match e {
        Error::Script(_) => 1,
        Error::Invalid(_) => 2,
        Error::Io { .. } => 3,
    }
}

/// Parse `args` and run; prints the report to stdout and errors to stderr.
pub fn main_with(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Run(a) => run_command(a).map(|s| (s, 0)),
        Command::Test(a) => test_command(a),
    };
    match result {
        Ok((out, code)) => {
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(out.as_bytes()).is_err() {
                return ExitCode::from(3);
            }
            ExitCode::from(code)
        }
        Err(e) => {
            let text = match &e {
                Error::Io { .. } => Diagnostic::new(e.to_string()).render(),
                _ => e.to_string(),
            };
            eprintln!("{text}");
            ExitCode::from(exit_code(&e))
        }
    }
}
