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
/// input (arguments, scenario, world or rules that do not load), 3 I/O.
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
        Command::Run(a) => run_command(a),
    };
    match result {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if stdout.write_all(out.as_bytes()).is_err() {
                return ExitCode::from(3);
            }
            ExitCode::SUCCESS
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
