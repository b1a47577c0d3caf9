//! The command line: parses arguments, calls the library, prints the report
//! or the errors, and maps errors to exit codes in one place.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostic::{Diagnostic, Error, terminal_safe};
use crate::scenario::{self, LoadOptions};
use crate::{ensemble, experiment, report, simulate};

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
    /// The story of one run: who decided what and why, what the world
    /// forbade, how the verdicts followed.
    Explain(ExplainArgs),
    /// Decide for one or more states yourself (answers read from stdin,
    /// one per line); the others follow their rules.
    Play(PlayArgs),
    /// Check the claims (`expect:`) of scenarios: pass or fail, with the observed value.
    Test(TestArgs),
    /// Combine aggregates written with `--out` (e.g. by shards) into one report.
    Merge(MergeArgs),
    /// Run a scenario over a grid (or Latin hypercube) of parameter values;
    /// one CSV row per point, and which parameters move the verdicts most.
    Sweep(SweepArgs),
    /// Run two scenarios on the same seeds and report paired differences.
    Compare(CompareArgs),
    /// Affinity of states from their UN General Assembly votes: a CSV matrix.
    Affinity(AffinityArgs),
    /// Run a scenario and write one self-contained HTML page with pictures:
    /// verdicts, indicators against thresholds, the world, who backed whom.
    Report(ReportArgs),
    /// Validate scenarios, worlds and rule folders without running; warn of
    /// handlers no event kind calls. Exit 0 (warnings at most) or 2.
    Check(CheckArgs),
    /// List the event kinds: handler, fields, options, outcomes.
    Kinds,
    /// Write a commented scaffold: an actor's rule script or a scenario.
    #[command(subcommand)]
    New(NewCommand),
    /// Worlds from data: `bloc world build` writes a world file from the
    /// COW, ATOP and UN vote data in data/.
    #[command(subcommand)]
    World(WorldCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Scenario or world files, folders of them, rules folders or scripts
    /// (default: `scenarios/` and `rules/` here).
    paths: Vec<PathBuf>,
    /// Rules folder (overrides the scenarios'); its scripts are checked too.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum WorldCommand {
    /// Write a world of YEAR from data: states (COW capabilities, Polity,
    /// threat), the ATOP alliances in force, ties from UN votes; every
    /// number with its provenance (docs/data.md).
    Build(WorldBuildArgs),
    /// Compare two world files parameter by parameter (Markdown tables):
    /// capabilities and interest weights, organizations, relations.
    Compare {
        /// The reference world (e.g. the hand-made one).
        a: PathBuf,
        /// The other world (e.g. the one built from data).
        b: PathBuf,
    },
}

#[derive(clap::Args, Debug)]
struct WorldBuildArgs {
    /// The world's year: alliances in force at its end (1948–2008; COW ends in 2007, so 2008 needs `--cow-year 2007`).
    #[arg(long, value_name = "YEAR")]
    year: i32,
    /// Actor ids (three-letter ISO codes of src/codes.rs), comma-separated.
    #[arg(
        long,
        value_name = "USA,GBR,...",
        value_delimiter = ',',
        required = true
    )]
    states: Vec<String>,
    /// `auto` (every ATOP alliance in force with two members among the
    /// states) or ATOP ids, comma-separated, e.g. 3180,3285.
    #[arg(long, value_name = "auto|ATOPID,...", default_value = "auto")]
    alliances: String,
    /// First year of the UN votes that give ties (default: YEAR - 5).
    #[arg(long, value_name = "YEAR")]
    votes_from: Option<i32>,
    /// Read capabilities, regime and threat of this year (COW ends in 2007).
    #[arg(long, value_name = "YEAR")]
    cow_year: Option<i32>,
    /// The folder with unga/, cow/ and atop/ (default: data/ here, else the
    /// one bloc was built with).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// The world's name.
    #[arg(long)]
    name: Option<String>,
    /// Where to write the world (whole or not at all); `-` for stdout.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

fn world_build_command(a: WorldBuildArgs) -> Result<String, Error> {
    if a.name
        .as_deref()
        .is_some_and(|n| n.chars().any(char::is_control))
    {
        return Err(Error::one(Diagnostic::new(
            "--name must be one line of text, without control characters",
        )));
    }
    let alliances = if a.alliances.trim() == "auto" {
        crate::builder::Selection::Auto
    } else {
        let mut ids = Vec::new();
        for part in a.alliances.split(',') {
            let part = part.trim();
            match part.parse::<u32>() {
                Ok(id) if !ids.contains(&id) => ids.push(id),
                Ok(id) => {
                    return Err(Error::one(Diagnostic::new(format!(
                        "--alliances: ATOP id {id} is given twice"
                    ))));
                }
                Err(_) => {
                    return Err(Error::one(Diagnostic::new(format!(
                        "--alliances: `{part}` is not an ATOP id; use auto or ids such as 3180,3285"
                    ))));
                }
            }
        }
        crate::builder::Selection::Ids(ids)
    };
    // The command that regenerates the world, safe to paste into a POSIX
    // shell: anything but plain words is single-quoted.
    let states: Vec<String> = a.states.iter().map(|s| s.to_ascii_uppercase()).collect();
    let mut command = format!(
        "bloc world build --year {} --states {}",
        a.year,
        shell_word(&states.join(","))
    );
    if let crate::builder::Selection::Ids(ids) = &alliances {
        let ids: Vec<String> = ids.iter().map(u32::to_string).collect();
        command.push_str(&format!(" --alliances {}", ids.join(",")));
    }
    if let Some(v) = a.votes_from {
        command.push_str(&format!(" --votes-from {v}"));
    }
    if let Some(v) = a.cow_year {
        command.push_str(&format!(" --cow-year {v}"));
    }
    if let Some(n) = &a.name {
        command.push_str(&format!(" --name {}", shell_word(n)));
    }
    if let Some(d) = &a.data {
        command.push_str(&format!(" --data {}", shell_word(&d.display().to_string())));
    }
    command.push_str(&format!(
        " --out {}",
        shell_word(&a.out.display().to_string())
    ));
    let opts = crate::builder::Options {
        year: a.year,
        states,
        alliances,
        votes_from: a.votes_from,
        cow_year: a.cow_year,
        data: a.data.unwrap_or_else(crate::builder::default_data_dir),
        name: a.name,
    };
    let built = crate::builder::build(&opts, &command)?;
    for w in &built.warnings {
        // A closed stderr (`2>&1 | head`) must not turn a warning into a panic.
        let _ = writeln!(std::io::stderr(), "warning: {}", terminal_safe(w, false));
    }
    if a.out == Path::new("-") {
        return Ok(built.text);
    }
    write_atomically(&a.out, built.text.as_bytes())?;
    Ok(format!("wrote {}\n", a.out.display()))
}

/// `s` as one POSIX shell word: as it is if it holds only characters no
/// shell treats specially, else single-quoted (a `'` as `'\''`).
pub fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || ",._/-+:=@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[derive(Subcommand, Debug)]
enum NewCommand {
    /// A commented rule script for actor ID (`<DIR>/<id>.rhai`).
    Actor {
        /// The actor's id, e.g. TKM.
        id: String,
        /// The rules folder to write it in.
        #[arg(long, value_name = "DIR", default_value = "rules")]
        rules: PathBuf,
    },
    /// A commented scenario `<DIR>/NAME.yaml` on a world of `<DIR>/worlds/`.
    Scenario {
        /// The file name, without `.yaml`.
        name: String,
        /// The folder to write it in (it needs a `worlds/` folder).
        #[arg(long, value_name = "DIR", default_value = "scenarios")]
        dir: PathBuf,
    },
}

#[derive(clap::Args, Debug)]
struct PlayArgs {
    /// The scenario file (YAML).
    scenario: PathBuf,
    /// The states you decide for, e.g. `RUS` or `RUS,CHN` (asked in turn).
    #[arg(
        long = "as",
        value_name = "ID,...",
        value_delimiter = ',',
        required = true
    )]
    actors: Vec<String>,
    /// Seed (overrides the scenario's); you play run 0 of it.
    #[arg(long)]
    seed: Option<u64>,
    /// Runs of the rules alone to compare your run with (overrides the scenario's).
    #[arg(long)]
    runs: Option<u32>,
    /// Rules folder (overrides the scenario's).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Change a world parameter (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
    set: Vec<(String, f64)>,
    #[command(flatten)]
    ensemble: EnsembleArgs,
}

#[derive(clap::Args, Debug)]
struct ExplainArgs {
    /// The scenario file (YAML).
    scenario: PathBuf,
    /// Which run (its index: the same run as in `bloc run`'s trace).
    #[arg(long, value_name = "K", default_value_t = 0)]
    run: u32,
    /// Seed (overrides the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Rules folder (overrides the scenario's).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Change a world parameter (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
    set: Vec<(String, f64)>,
}

#[derive(clap::Args, Debug)]
struct ReportArgs {
    /// The scenario file (YAML).
    scenario: PathBuf,
    /// Seed (overrides the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Number of runs (overrides the scenario's).
    #[arg(long)]
    runs: Option<u32>,
    /// Rules folder (overrides the scenario's).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Change a world parameter (repeatable); the page lists every change.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
    set: Vec<(String, f64)>,
    /// The HTML file to write, whole or not at all.
    #[arg(long, value_name = "FILE", default_value = "report.html")]
    out: PathBuf,
    #[command(flatten)]
    ensemble: EnsembleArgs,
}

#[derive(clap::Args, Debug)]
struct SweepArgs {
    /// The scenario file (YAML).
    scenario: PathBuf,
    /// A world parameter and its range, e.g. `relations.RUS.USA.threat=0.4:0.9:0.1` (repeatable).
    #[arg(long = "vary", value_name = "PATH=LO:HI:STEP", required = true, value_parser = experiment::parse_vary)]
    vary: Vec<experiment::Vary>,
    /// `grid` (every combination) or `lhs:N` (N points of a Latin hypercube).
    #[arg(long, value_name = "grid|lhs:N", default_value = "grid", value_parser = experiment::parse_sampling)]
    sample: experiment::Sampling,
    /// Runs per point (overrides the scenario's).
    #[arg(long)]
    runs: Option<u32>,
    /// Seed (overrides the scenario's); every point uses the same seeds.
    #[arg(long)]
    seed: Option<u64>,
    /// Rules folder (overrides the scenario's).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Fix a world parameter for the whole sweep (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
    set: Vec<(String, f64)>,
    /// The CSV file to write (one row per point), whole or not at all.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Run only slice K of N of the points (no sensitivity summary).
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(u32, u32)>,
    /// Also write an HTML page with a chart of the verdict shares over the
    /// varied parameter.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    #[command(flatten)]
    ensemble: EnsembleArgs,
}

#[derive(clap::Args, Debug)]
struct CompareArgs {
    /// Scenario A (the reference).
    a: PathBuf,
    /// Scenario B: the report gives B minus A.
    b: PathBuf,
    /// Runs (overrides A's; B uses the same).
    #[arg(long)]
    runs: Option<u32>,
    /// Seed (overrides A's; B uses the same).
    #[arg(long)]
    seed: Option<u64>,
    /// Rules folder for both (overrides the scenarios').
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    ensemble: EnsembleArgs,
}

#[derive(clap::Args, Debug)]
struct MergeArgs {
    /// Aggregate files (JSON) written by `bloc run --out`.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write the merged aggregates to FILE.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
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
    /// Also check every claim under the null model (each decider uniform
    /// among the options the world allows; no proposals): a claim the null
    /// model passes too is marked uninformative.
    #[arg(long)]
    null: bool,
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
    #[command(flatten)]
    ensemble: EnsembleArgs,
    /// Write the aggregates (JSON) to FILE, for `bloc merge`.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Stream one CSV row per run (seed, index, sampled values, verdict and
    /// indicators per group) to FILE.
    #[arg(long, value_name = "FILE")]
    runs_csv: Option<PathBuf>,
    /// Stream one CSV row per run and turn (seed, run, turn, each group's
    /// verdict at the end of that turn) to FILE.
    #[arg(long, value_name = "FILE")]
    turns_csv: Option<PathBuf>,
    /// Run in batches until every verdict share's 95% interval half-width
    /// is below W (with --runs as the cap).
    #[arg(long, value_name = "W")]
    until_ci: Option<f64>,
    /// Run only slice K of N of the runs (e.g. 2/3), for clusters; combine
    /// the `--out` files with `bloc merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(u32, u32)>,
    /// Run the null model instead of the rules: each decider picks
    /// uniformly among the options the world allows; no proposals.
    #[arg(long)]
    null: bool,
}

/// Options shared by the commands that run ensembles.
#[derive(clap::Args, Debug, Clone)]
struct EnsembleArgs {
    /// Worker threads (default: all cores). The output does not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=crate::plan::limits::MAX_THREADS as i64))]
    threads: Option<u32>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

impl EnsembleArgs {
    fn options(&self) -> ensemble::Options {
        ensemble::Options {
            threads: self.threads.map(|n| n as usize),
            shard: None,
            until_ci: None,
            progress: !self.quiet,
        }
    }
}

fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("expected K/N (e.g. 2/3), found `{s}`"))?;
    let k: u32 = k
        .trim()
        .parse()
        .map_err(|_| format!("`{k}` is not a number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a number"))?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("shard {k}/{n}: K must be in 1..=N"));
    }
    Ok((k, n))
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    /// The full report: verdicts, indicator tables, every decision with its reasons.
    Text,
    /// One JSON document (docs/output.md).
    Json,
    /// Verdicts with their reasons and each decider's main choice: a page for a class.
    Brief,
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

/// The temporary files being written, removed on SIGINT or SIGTERM.
static TEMPS: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn temps() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPS.lock().unwrap_or_else(|p| p.into_inner())
}

/// On SIGINT or SIGTERM: remove the temporary files being written (their
/// targets keep their old contents) and exit with 130.
fn remove_temps_on_signal() {
    let _ = ctrlc::set_handler(|| {
        for p in temps().iter() {
            let _ = std::fs::remove_file(p);
        }
        eprintln!("bloc: interrupted; no output file was changed");
        std::process::exit(130);
    });
}

/// Whether process `pid` still runs (where /proc tells; elsewhere, no).
fn alive(pid: u32) -> bool {
    pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists()
}

/// A temporary file beside `path`, named `.bloc-tmp-<name>-<pid>-XXXXXX`:
/// removed on any error (dropped), on SIGINT and SIGTERM (registered), and,
/// if a SIGKILL left it, by the next bloc writing the same target (one whose
/// process is gone).
fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile, Error> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or("out".into(), |n| n.to_string_lossy().into_owned());
    let prefix = format!(".bloc-tmp-{name}-");
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let file = e.file_name();
            let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
                continue;
            };
            // Exactly `<pid>-<6 random characters>` after this target's
            // prefix: a longer rest belongs to another target (`x-99999`'s
            // temp files start with `x`'s prefix too), or to no bloc at all.
            let parts: Vec<&str> = rest.split('-').collect();
            let pid = match parts.as_slice() {
                [pid, random]
                    if random.len() == 6 && random.chars().all(|c| c.is_ascii_alphanumeric()) =>
                {
                    pid.parse::<u32>().ok()
                }
                _ => None,
            };
            if pid.is_some_and(|p| !alive(p)) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    if !dir.is_dir() {
        return Err(Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("the folder {} does not exist", dir.display()),
            ),
        ));
    }
    // The temporary file's name is ours, not the user's: errors name the
    // target alone.
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{prefix}{}-", std::process::id()))
        .tempfile_in(dir)
        .map_err(|e| Error::io(path, std::io::Error::new(e.kind(), e.kind().to_string())))?;
    temps().push(tmp.path().to_path_buf());
    Ok(tmp)
}

/// Where output named `path` really goes. A FIFO, a device or a socket
/// (`/dev/stdout`, `>(gzip)`) is written to directly: it cannot be replaced
/// and a reader may be waiting on it. A symlink is followed, so the file it
/// points to is replaced and the link kept. Anything else is written whole
/// or not at all, through a temporary file beside it.
enum Target {
    Direct(PathBuf),
    Replace(PathBuf),
}

fn target(path: &Path) -> Target {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() && !m.is_dir() => Target::Direct(path.to_path_buf()),
        Ok(_) => Target::Replace(path.canonicalize().unwrap_or_else(|_| path.to_path_buf())),
        Err(_) => Target::Replace(path.to_path_buf()),
    }
}

/// Rename a finished temporary file over its target, with the target's
/// permissions if it had some (a new file gets 0644, not the temporary
/// file's 0600).
fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<(), Error> {
    let at = tmp.path().to_path_buf();
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    let perms = match std::fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(_) => new_file_permissions(),
    };
    if let Some(p) = perms {
        let _ = tmp.as_file().set_permissions(p);
    }
    let done = tmp.persist(path).map_err(|e| Error::io(path, e.error));
    temps().retain(|p| *p != at);
    done.map(|_| ())
}

/// A new output file's permissions: readable by all, as most tools make them.
#[cfg(unix)]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    None
}

/// Write a file whole or not at all: into a temporary file beside it, then
/// renamed over the target (a FIFO or device is written directly).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    match target(path) {
        Target::Direct(p) => std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| Error::io(path, e)),
        Target::Replace(p) => {
            let mut tmp = temp_beside(&p)?;
            tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
            persist(tmp, &p)
        }
    }
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
    let (mut passed, mut failed, mut broken, mut known) = (0, 0, 0, 0);
    let mut informative = 0;
    let mut stdout = std::io::stdout().lock();
    for (path, named) in scenario_files(&a.paths)? {
        let opts = LoadOptions {
            seed: None,
            runs: a.runs,
            rules: a.rules.clone(),
            overrides: vec![],
        };
        let mut text = String::new();
        let result = scenario::load(&path, &opts).and_then(|mut plan| {
            if plan.claims.is_empty() {
                return Ok(None);
            }
            let summary = simulate(&plan)?;
            // The same seeds and runs, with no rules: what chance alone gives.
            let null = if a.null {
                plan.use_null_model();
                Some(simulate(&plan)?)
            } else {
                None
            };
            Ok(Some((plan, summary, null)))
        });
        match result {
            Ok(None) if named => {
                text.push_str(&format!(
                    "{}: no claims (add an `expect:` section)\n",
                    path.display()
                ));
            }
            Ok(None) => {}
            Ok(Some((plan, summary, null))) => {
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
                    let c = summary.check(claim);
                    // Uninformative: random decisions pass it as well.
                    let chance = null.as_ref().map(|n| n.check(claim));
                    let note = match &chance {
                        Some(n) if n.pass => {
                            let at = n
                                .observed
                                .map_or(String::new(), |x| format!(", {}", claim.fmt(x)));
                            format!(" (uninformative: the null model passes it too{at})")
                        }
                        // A known failure fails under the rules too: it
                        // shows nothing either way.
                        Some(_) if claim.known.is_some() => String::new(),
                        Some(_) => {
                            informative += 1;
                            String::new()
                        }
                        None => String::new(),
                    };
                    let observed = match c.observed {
                        Some(x) => format!(
                            "{} [{}, {}]",
                            claim.fmt(x),
                            claim.fmt(c.interval.0),
                            claim.fmt(c.interval.1)
                        ),
                        None => c.missing.clone().unwrap_or_default(),
                    };
                    if let (false, Some(reason)) = (c.pass, &claim.known) {
                        known += 1;
                        text.push_str(&format!(
                            "  known {}: {observed}, expected {}{note}\n        known failure: {}\n",
                            claim.text,
                            claim.bound(),
                            terminal_safe(reason, false)
                        ));
                    } else if c.pass && claim.known.is_none() {
                        passed += 1;
                        text.push_str(&format!(
                            "  pass  {}: {observed}, expected {}{note}\n",
                            claim.text,
                            claim.bound()
                        ));
                    } else {
                        failed += 1;
                        text.push_str(&format!("  FAIL  {}{note}\n", claim.text));
                        if claim.known.is_some() {
                            text.push_str(
                                "        it passes, yet is listed as a known failure: remove its `known:` (and its entry in docs/scenarios.md)\n",
                            );
                        }
                        text.push_str(&format!(
                            "        observed {observed} (n = {}), expected {}\n",
                            c.n,
                            claim.bound()
                        ));
                        if !claim.why.is_empty() {
                            text.push_str(&format!(
                                "        why expected: {}\n",
                                terminal_safe(&claim.why, false)
                            ));
                        }
                        text.push_str(&format!(
                            "        claim at {}:{}\n        reproduce: {reproduce}\n",
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
        let _ = stdout.write_all(terminal_safe(&text, true).as_bytes());
        let _ = stdout.flush();
    }
    if broken > 0 {
        out.push_str(&format!("{broken} scenario(s) could not run\n"));
    }
    if known > 0 {
        out.push_str(&format!(
            "known failures: {known} (the general model does not reproduce them; docs/scenarios.md)\n"
        ));
    }
    if a.null {
        out.push_str(&format!(
            "informative: {informative} of {} claims\n",
            passed + failed + known
        ));
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    let code = if failed + broken > 0 { 4 } else { 0 };
    Ok((out, code))
}

/// A file written as it grows, into a temporary file beside the target that
/// replaces it only when complete: readers never see half a file, and an
/// interrupted run leaves the old file (or none).
struct StreamFile {
    /// As the user named it, for messages.
    path: PathBuf,
    out: Stream,
}

enum Stream {
    /// Into a temporary file, renamed over `to` when complete.
    Temp {
        to: PathBuf,
        w: std::io::BufWriter<tempfile::NamedTempFile>,
    },
    /// Straight into a FIFO or a device.
    Direct(std::io::BufWriter<std::fs::File>),
}

impl StreamFile {
    fn create(path: &Path) -> Result<StreamFile, Error> {
        let out = match target(path) {
            Target::Direct(p) => Stream::Direct(std::io::BufWriter::new(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(&p)
                    .map_err(|e| Error::io(path, e))?,
            )),
            Target::Replace(p) => Stream::Temp {
                w: std::io::BufWriter::new(temp_beside(&p)?),
                to: p,
            },
        };
        Ok(StreamFile {
            path: path.to_path_buf(),
            out,
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        match &mut self.out {
            Stream::Temp { w, .. } => w.write_all(bytes),
            Stream::Direct(w) => w.write_all(bytes),
        }
        .map_err(|e| Error::io(&self.path, e))
    }

    fn finish(self) -> Result<(), Error> {
        let path = self.path;
        match self.out {
            Stream::Temp { to, w } => {
                let tmp = w
                    .into_inner()
                    .map_err(|e| Error::io(&path, e.into_error()))?;
                persist(tmp, &to)
            }
            Stream::Direct(mut w) => w.flush().map_err(|e| Error::io(&path, e)),
        }
    }
}

/// What a worker hands back for one run: its trace and its CSV row.
struct RunOutput {
    trace: Option<String>,
    row: Option<String>,
    turns: Option<String>,
}

fn run_command(a: RunArgs) -> Result<String, Error> {
    let opts = LoadOptions {
        seed: a.seed,
        runs: a.runs,
        rules: a.rules,
        overrides: a.set.clone(),
    };
    let mut plan = scenario::load(&a.scenario, &opts)?;
    if a.null {
        plan.use_null_model();
    }
    if let Some(w) = a.until_ci
        && !(w > 0.0 && w < 0.5)
    {
        return Err(Error::one(Diagnostic::new(format!(
            "--until-ci {w}: the half-width must be between 0 and 0.5 (e.g. 0.02)"
        ))));
    }
    if a.until_ci.is_some() && a.shard.is_some() {
        return Err(Error::one(Diagnostic::new(
            "--until-ci and --shard cannot be combined: each shard would stop at a different point"
                .to_string(),
        )));
    }
    let mut eopts = a.ensemble.options();
    eopts.shard = a.shard;
    eopts.until_ci = a.until_ci;

    distinct_outputs(&[
        ("--out", a.out.as_deref()),
        ("--trace", a.trace.as_deref()),
        ("--runs-csv", a.runs_csv.as_deref()),
        ("--turns-csv", a.turns_csv.as_deref()),
    ])?;
    let mut trace = a.trace.as_deref().map(StreamFile::create).transpose()?;
    let mut csv = a.runs_csv.as_deref().map(StreamFile::create).transpose()?;
    let mut turns = a.turns_csv.as_deref().map(StreamFile::create).transpose()?;
    if let Some(t) = &mut turns {
        t.write(report::turns_csv_header(&plan).as_bytes())?;
    }
    if let Some(t) = &mut trace {
        let head = serde_json::json!({ "scenario": plan.name, "seed": plan.seed });
        let head = serde_json::to_string(&head).unwrap_or_default();
        // `{"scenario":…,"seed":…,"runs":[` … `]}`, streamed run by run.
        t.write(format!("{},\"runs\":[\n", &head[..head.len() - 1]).as_bytes())?;
    }
    if let Some(c) = &mut csv {
        c.write(report::csv_header(&plan).as_bytes())?;
    }
    let (want_trace, want_row, want_turns) = (trace.is_some(), csv.is_some(), turns.is_some());
    let mut first = true;
    let result = ensemble::run(
        &plan,
        &eopts,
        |run| {
            if !(want_trace || want_row || want_turns) {
                return None;
            }
            Some(RunOutput {
                trace: want_trace
                    .then(|| serde_json::to_string(&report::trace(run)).unwrap_or_default()),
                row: want_row.then(|| report::csv_row(&plan, run)),
                turns: want_turns.then(|| report::turns_csv_rows(&plan, run)),
            })
        },
        |out| {
            if let (Some(t), Some(doc)) = (&mut trace, out.trace) {
                if !first {
                    t.write(b",\n")?;
                }
                t.write(doc.as_bytes())?;
            }
            first = false;
            if let (Some(c), Some(row)) = (&mut csv, out.row) {
                c.write(row.as_bytes())?;
            }
            if let (Some(t), Some(rows)) = (&mut turns, out.turns) {
                t.write(rows.as_bytes())?;
            }
            Ok(())
        },
    )?;
    if let Some(mut t) = trace {
        t.write(b"\n]}\n")?;
        t.finish()?;
    }
    if let Some(c) = csv {
        c.finish()?;
    }
    if let Some(t) = turns {
        t.finish()?;
    }
    if let Some(path) = &a.out {
        let doc = Aggregate {
            bloc_aggregate: AGGREGATE_FORMAT,
            fingerprint: plan.fingerprint.clone(),
            total_runs: plan.runs,
            range: match eopts.shard {
                Some((k, n)) => ensemble::shard_range(plan.runs, k, n, "runs")?,
                None => (0, result.summary.runs as u32),
            },
            summary: result.summary.clone(),
        };
        let text = serde_json::to_string(&doc).unwrap_or_default();
        write_atomically(path, text.as_bytes())?;
    }
    if let Some(w) = a.until_ci {
        let note = if result.converged {
            format!(
                "until-ci: every verdict share within ±{w} after {} runs\n",
                result.summary.runs
            )
        } else {
            format!(
                "until-ci: not within ±{w} after the cap of {} runs (raise --runs)\n",
                result.summary.runs
            )
        };
        eprint!("{note}");
    }
    let mut out = render(&result.summary, a.format);
    if !a.set.is_empty() && !matches!(a.format, Format::Json) {
        out = with_settings(&out, &a.set);
    }
    Ok(out)
}

/// The text report with a line naming every `--set` after its header (the
/// scenario and the seed), so that a printed report says what it changed.
fn with_settings(report: &str, set: &[(String, f64)]) -> String {
    let line = format!(
        "changed with --set: {}\n",
        set.iter()
            .map(|(p, v)| format!("{p}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let line = terminal_safe(&line, true);
    match report.match_indices('\n').nth(1) {
        Some((i, _)) => format!("{}{line}{}", &report[..=i], &report[i + 1..]),
        None => format!("{report}{line}"),
    }
}

fn render(summary: &crate::Summary, format: Format) -> String {
    match format {
        // Ids, names and texts from scenarios and scripts, made safe for a
        // terminal (JSON keeps them as data).
        Format::Text => terminal_safe(&report::text(summary), true).into_owned(),
        Format::Brief => terminal_safe(&report::text_with(summary, true), true).into_owned(),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report::json(summary)).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

/// What `--out` writes: a summary with what it covers, for `bloc merge`.
#[derive(serde::Serialize, serde::Deserialize)]
struct Aggregate {
    bloc_aggregate: u32,
    fingerprint: String,
    total_runs: u32,
    /// The run indices `[start, end)` it covers.
    range: (u32, u32),
    summary: crate::Summary,
}

/// The aggregate format this bloc writes and reads (`bloc_aggregate`).
const AGGREGATE_FORMAT: u32 = 1;

/// Refuse an aggregate file whose header does not hold together: another
/// format, a reversed range, a range past the total, or a summary whose
/// number of runs is not its range's.
fn check_aggregate(path: &Path, agg: &Aggregate) -> Result<(), Error> {
    let refuse = |what: String| {
        Err(Error::one(
            Diagnostic::new(format!("{}: {what}", path.display()))
                .note("merge only files written by `bloc run --out`, unchanged"),
        ))
    };
    let (start, end) = agg.range;
    if agg.bloc_aggregate != AGGREGATE_FORMAT {
        return refuse(format!(
            "aggregate format {}, but this bloc reads format {AGGREGATE_FORMAT}",
            agg.bloc_aggregate
        ));
    }
    if agg.fingerprint.is_empty() {
        return refuse("the aggregate has no input fingerprint".into());
    }
    if start > end {
        return refuse(format!("its range of runs is reversed ({start}..{end})"));
    }
    if end > agg.total_runs || agg.total_runs > crate::plan::limits::MAX_RUNS {
        return refuse(format!(
            "its range of runs {start}..{end} does not fit in its total of {} runs",
            agg.total_runs
        ));
    }
    if agg.summary.runs != u64::from(end - start) {
        return refuse(format!(
            "it covers runs {start}..{end} ({} runs) but its summary counts {}",
            end - start,
            agg.summary.runs
        ));
    }
    // The summary agrees with itself: every group was assessed in every run,
    // its verdicts add up to the runs, and every decider's counts match its
    // event's options.
    let s = &agg.summary;
    for g in &s.groups {
        let verdicts: u128 = g.verdicts.iter().map(|v| u128::from(*v)).sum();
        if g.runs != s.runs || verdicts != u128::from(s.runs) {
            return refuse(format!(
                "group `{}` counts {} runs and {verdicts} verdicts in a summary of {} runs",
                g.id, g.runs, s.runs
            ));
        }
        if g.stats.len() != crate::analysis::N {
            return refuse(format!("group `{}` has {} indicators", g.id, g.stats.len()));
        }
    }
    for e in s.events.iter().chain(s.proposals.values()) {
        if e.happened > s.runs
            || e.deciders
                .values()
                .any(|d| d.counts.len() != e.options.len())
        {
            return refuse(format!(
                "event `{}` does not match its options or runs",
                e.id
            ));
        }
    }
    if end == start {
        return refuse(format!(
            "it holds no runs (range {start}..{end}): a report from no runs means nothing"
        ));
    }
    // Every other field merge and the report read.
    if let Some(p) = s.problem(agg.range) {
        return refuse(format!("its summary does not hold together: {p}"));
    }
    Ok(())
}

/// Add up the summaries of `parts`. A count that overflows (which no file
/// bloc wrote can hold: the runs are checked against their ranges) is a
/// refusal, not a wrapped number or a crash.
fn merge_checked(parts: &[(PathBuf, Aggregate)]) -> Result<crate::Summary, Error> {
    let add = || {
        let mut summary = parts[0].1.summary.clone();
        for (_, agg) in &parts[1..] {
            summary.merge(&agg.summary);
        }
        summary
    };
    // bloc's own code is built with overflow checks (Cargo.toml): an
    // overflow panics, caught here, silently, and reported.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(add);
    std::panic::set_hook(hook);
    result.map_err(|_| {
        Error::one(
            Diagnostic::new(format!(
                "the counts of {} overflow when added: a file was altered or is not bloc's",
                parts
                    .iter()
                    .map(|(p, _)| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .note("merge only files written by `bloc run --out`, unchanged"),
        )
    })
}

fn merge_command(a: MergeArgs) -> Result<String, Error> {
    let mut parts: Vec<(PathBuf, Aggregate)> = Vec::new();
    for f in &a.files {
        let text = crate::diagnostic::SourceFile::read(f)?.text;
        let agg: Aggregate = serde_json::from_str(&text).map_err(|e| {
            Error::one(Diagnostic::new(format!(
                "{}:{}:{}: not a bloc aggregate file: {e}",
                f.display(),
                e.line(),
                e.column()
            )))
        })?;
        check_aggregate(f, &agg)?;
        parts.push((f.clone(), agg));
    }
    let (first_path, first) = &parts[0];
    for (p, agg) in &parts[1..] {
        if agg.fingerprint != first.fingerprint
            || agg.total_runs != first.total_runs
            || first.summary.mismatch(&agg.summary).is_some()
        {
            return Err(Error::one(
                Diagnostic::new(format!(
                    "{} and {} come from different scenarios, rules, seeds or run counts",
                    first_path.display(),
                    p.display()
                ))
                .note(
                    "only shards of one `bloc run` (same inputs, different --shard) can be merged",
                ),
            ));
        }
    }
    let mut ranges: Vec<(u32, u32, &PathBuf)> = parts
        .iter()
        .map(|(p, g)| (g.range.0, g.range.1, p))
        .collect();
    ranges.sort();
    for w in ranges.windows(2) {
        if w[1].0 < w[0].1 {
            return Err(Error::one(Diagnostic::new(format!(
                "{} and {} overlap (runs {}..{} and {}..{}): a run would count twice",
                w[0].2.display(),
                w[1].2.display(),
                w[0].0,
                w[0].1,
                w[1].0,
                w[1].1
            ))));
        }
    }
    // Ranges are checked (start <= end <= total) and do not overlap, so
    // this sum is at most the total.
    let covered: u64 = ranges.iter().map(|r| u64::from(r.1 - r.0)).sum();
    if covered != u64::from(first.total_runs) {
        eprintln!(
            "note: the files cover {covered} of {} runs; the report is of those",
            first.total_runs
        );
    }
    let summary = merge_checked(&parts)?;
    // An aggregate holds one range of runs: files with gaps between them
    // merge into a report, not into an aggregate `bloc merge` could read.
    if a.out.is_some()
        && let Some(w) = ranges.windows(2).find(|w| w[1].0 != w[0].1)
    {
        return Err(Error::one(
            Diagnostic::new(format!(
                "--out: the files leave runs {}..{} out, and an aggregate holds one range of runs",
                w[0].1, w[1].0
            ))
            .note("merge the missing shards too, or merge without --out"),
        ));
    }
    if let Some(path) = &a.out {
        let doc = Aggregate {
            bloc_aggregate: AGGREGATE_FORMAT,
            fingerprint: first.fingerprint.clone(),
            total_runs: first.total_runs,
            range: (ranges[0].0, ranges[ranges.len() - 1].1),
            summary: summary.clone(),
        };
        write_atomically(
            path,
            serde_json::to_string(&doc).unwrap_or_default().as_bytes(),
        )?;
    }
    Ok(render(&summary, a.format))
}

fn sweep_command(a: SweepArgs) -> Result<String, Error> {
    let opts = LoadOptions {
        seed: a.seed,
        runs: a.runs,
        rules: a.rules,
        overrides: a.set,
    };
    let mut plan = scenario::load(&a.scenario, &opts)?;
    let points = experiment::points(&a.vary, a.sample, plan.seed)
        .map_err(|msg| Error::one(Diagnostic::new(msg)))?;
    let count = u32::try_from(points.len()).map_err(|_| {
        Error::one(Diagnostic::new(format!(
            "{} points are more than a sweep can number",
            points.len()
        )))
    })?;
    let (start, end) = match a.shard {
        Some((k, n)) => ensemble::shard_range(count, k, n, "sweep points")?,
        None => (0, count),
    };
    let mut eopts = a.ensemble.options();
    eopts.progress = false;
    let bar = if a.ensemble.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::with_draw_target(
            Some(u64::from(end - start)),
            indicatif::ProgressDrawTarget::stderr(),
        )
    };
    distinct_outputs(&[("--out", Some(&a.out)), ("--report", a.report.as_deref())])?;
    let mut csv = StreamFile::create(&a.out)?;
    csv.write(experiment::sweep_header(&plan, &a.vary).as_bytes())?;
    let mut sweep = experiment::Sweep::new(&mut plan, &a.vary)?;
    let mut done = vec![];
    for i in start..end {
        let p = &points[i as usize];
        let values: Vec<Option<f64>> = p.iter().copied().map(Some).collect();
        let summary = sweep.run(&values, &eopts)?;
        csv.write(experiment::sweep_row(i as usize, p, &summary).as_bytes())?;
        if a.report.is_some() {
            done.push((p.clone(), summary));
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    // The report first: if it cannot be written, the CSV is not left
    // behind either (its temporary file goes with the error).
    if let Some(path) = &a.report {
        let page = crate::html::sweep_report(&*sweep.plan, &a.vary, &done);
        write_atomically(path, page.as_bytes())?;
    }
    csv.finish()?;
    let mut out = format!(
        "bloc sweep: {} points{} of {} runs each (seed {}), written to {}\n",
        end - start,
        a.shard
            .map_or(String::new(), |(k, n)| format!(" (shard {k}/{n})")),
        sweep.plan.runs,
        sweep.plan.seed,
        a.out.display()
    );
    if a.shard.is_none() {
        let rows = experiment::sensitivity(&mut sweep, &a.vary, &eopts)?;
        out.push_str(&experiment::sensitivity_text(&rows));
    }
    Ok(terminal_safe(&out, true).into_owned())
}

/// Two outputs of one command may not name the same file: one would
/// silently replace the other.
fn distinct_outputs(outputs: &[(&str, Option<&Path>)]) -> Result<(), Error> {
    let key = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let given: Vec<(&str, &Path)> = outputs
        .iter()
        .filter_map(|(flag, p)| p.map(|p| (*flag, p)))
        .collect();
    for (i, (a, pa)) in given.iter().enumerate() {
        if let Some((b, _)) = given[..i].iter().find(|(_, pb)| key(pb) == key(pa)) {
            return Err(Error::one(Diagnostic::new(format!(
                "{b} and {a} name the same file `{}`: one would replace the other",
                pa.display()
            ))));
        }
    }
    Ok(())
}

/// `bloc play`: the rules alone first (the distribution to compare with,
/// and who decides at all), then run 0 with the person deciding for the
/// actors of `--as` (src/play.rs).
fn play_command(a: PlayArgs) -> Result<String, Error> {
    use std::io::IsTerminal;
    let opts = LoadOptions {
        seed: a.seed,
        runs: a.runs,
        rules: a.rules,
        overrides: a.set,
    };
    let plan = scenario::load(&a.scenario, &opts)?;
    let mut eopts = a.ensemble.options();
    eopts.progress = eopts.progress && std::io::stderr().is_terminal();
    let model = ensemble::run(&plan, &eopts, |_| None::<()>, |_| Ok(()))?.summary;
    let actors = crate::play::seats(&plan, &a.actors, &model)?;
    let stdin = std::io::stdin();
    let mut seat = crate::play::Seat {
        actors,
        echo: !stdin.is_terminal(),
        input: stdin.lock(),
        out: std::io::stdout(),
        taken: vec![],
    };
    let run = crate::sim::run_with(&plan, 0, Some(&mut seat))?;
    Ok(terminal_safe(
        &crate::play::verdicts(&plan, &run, &model, &seat.taken),
        true,
    )
    .into_owned())
}

/// `bloc explain`: one run told as a story (src/story.rs).
fn explain_command(a: ExplainArgs) -> Result<String, Error> {
    let opts = LoadOptions {
        seed: a.seed,
        runs: None,
        rules: a.rules,
        overrides: a.set,
    };
    let plan = scenario::load(&a.scenario, &opts)?;
    let run = crate::sim::run_once(&plan, a.run).map_err(|e| match e {
        Error::Script(d) => Error::Script(Box::new(d.note(format!(
            "in run {} of seed {} (reproduce with bloc explain {} --run {} --seed {})",
            a.run,
            plan.seed,
            a.scenario.display(),
            a.run,
            plan.seed
        )))),
        e => e,
    })?;
    Ok(terminal_safe(&crate::story::story(&plan, &run), true).into_owned())
}

/// `bloc report`: the runs of a scenario as one HTML page (src/html.rs).
fn report_command(a: ReportArgs) -> Result<String, Error> {
    let opts = LoadOptions {
        seed: a.seed,
        runs: a.runs,
        rules: a.rules,
        overrides: a.set.clone(),
    };
    let plan = scenario::load(&a.scenario, &opts)?;
    let result = ensemble::run(&plan, &a.ensemble.options(), |_| None::<()>, |_| Ok(()))?;
    // The story of the lowest run with the first group's modal verdict.
    let story = match result.summary.groups.first() {
        Some(g) => match g.examples.get(&g.modal_verdict().index()) {
            Some((run, _)) => Some(crate::story::story(
                &plan,
                &crate::sim::run_once(&plan, *run)?,
            )),
            None => None,
        },
        None => None,
    };
    let page = crate::html::report(&plan, &result.summary, &a.set, story.as_deref());
    write_atomically(&a.out, page.as_bytes())?;
    Ok(terminal_safe(
        &format!(
            "bloc report: {} ({} runs, seed {}) written to {}\n",
            plan.name,
            result.summary.runs,
            plan.seed,
            a.out.display()
        ),
        true,
    )
    .into_owned())
}

fn compare_command(a: CompareArgs) -> Result<String, Error> {
    let load = |path: &Path, seed: Option<u64>, runs: Option<u32>| {
        scenario::load(
            path,
            &LoadOptions {
                seed,
                runs,
                rules: a.rules.clone(),
                overrides: vec![],
            },
        )
    };
    let pa = load(&a.a, a.seed, a.runs)?;
    let pb = load(&a.b, Some(pa.seed), Some(pa.runs))?;
    let c = experiment::compare(&pa, &pb, a.ensemble.options().threads)?;
    Ok(match a.format {
        Format::Text | Format::Brief => {
            terminal_safe(&experiment::compare_text(&c), true).into_owned()
        }
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&experiment::compare_json(&c)).unwrap_or_default();
            s.push('\n');
            s
        }
    })
}

/// Exit codes: 0 success, 1 a rule script failed during the run, 2 invalid
/// input (arguments, scenario, world or rules that do not load, a limit of
/// `plan::limits`), 3 I/O, 4 `bloc test` found a failing claim or a
/// scenario that could not run; 130 (SIGINT, SIGTERM) is set by the handler
/// of `remove_temps_on_signal`. Listed in docs/output.md.
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
    remove_temps_on_signal();
    let result = match cli.command {
        Command::Run(a) => run_command(a).map(|s| (s, 0)),
        Command::Test(a) => test_command(a),
        Command::Merge(a) => merge_command(a).map(|s| (s, 0)),
        Command::Sweep(a) => sweep_command(a).map(|s| (s, 0)),
        Command::Compare(a) => compare_command(a).map(|s| (s, 0)),
        Command::Affinity(a) => affinity_command(a).map(|s| (s, 0)),
        Command::Report(a) => report_command(a).map(|s| (s, 0)),
        Command::Explain(a) => explain_command(a).map(|s| (s, 0)),
        Command::Play(a) => play_command(a).map(|s| (s, 0)),
        Command::Check(a) => crate::authoring::check(&a.paths, &a.rules).map(|c| {
            let code = if c.errors > 0 { 2 } else { 0 };
            (terminal_safe(&c.text, true).into_owned(), code)
        }),
        Command::Kinds => Ok((crate::authoring::kinds_text(), 0)),
        Command::New(NewCommand::Actor { id, rules }) => {
            crate::authoring::new_actor(&id, &rules).map(|s| (s, 0))
        }
        Command::New(NewCommand::Scenario { name, dir }) => {
            crate::authoring::new_scenario(&name, &dir).map(|s| (s, 0))
        }
        Command::World(WorldCommand::Build(a)) => world_build_command(a).map(|s| (s, 0)),
        Command::World(WorldCommand::Compare { a, b }) => {
            let load = |p: &Path| {
                if p.is_file() && !scenario::is_world_file(p) {
                    return Err(Error::one(Diagnostic::new(format!(
                        "{} is not a world file (a scenario?): `bloc world compare` takes two worlds, such as scenarios/worlds/sco-2008.yaml",
                        p.display()
                    ))));
                }
                scenario::load_world_file(p)
            };
            load(&a).and_then(|wa| {
                let wb = load(&b)?;
                let (na, nb) = (a.display().to_string(), b.display().to_string());
                Ok((crate::builder::compare(&wa, &wb, [&na, &nb]), 0))
            })
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "bloc", &mut buf);
            Ok((String::from_utf8_lossy(&buf).into_owned(), 0))
        }
    };
    match result {
        Ok((out, code)) => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
            {
                eprintln!("error: cannot write the report to standard output: {e}");
                return ExitCode::from(3);
            }
            ExitCode::from(code)
        }
        Err(e) => {
            let text = match &e {
                Error::Io { .. } => Diagnostic::new(e.to_string()).render(),
                _ => e.to_string(),
            };
            let _ = writeln!(std::io::stderr(), "{}", terminal_safe(&text, true));
            ExitCode::from(exit_code(&e))
        }
    }
}

#[derive(clap::Args, Debug)]
struct AffinityArgs {
    /// Folder with `roll_calls.csv` and `votes.csv.gz` (as data/unga/).
    data_dir: PathBuf,
    /// First year (by the roll call's date), included.
    #[arg(long, value_name = "YEAR")]
    from: i32,
    /// Last year, included.
    #[arg(long, value_name = "YEAR")]
    to: i32,
    /// Actor ids (three-letter ISO codes), comma-separated, in matrix order.
    #[arg(
        long,
        value_name = "RUS,CHN,...",
        value_delimiter = ',',
        required = true
    )]
    states: Vec<String>,
    /// `s` (Signorino & Ritter's S score) or `agreement` (share of identical votes).
    #[arg(long, value_name = "s|agreement", default_value = "s")]
    metric: crate::affinity::Metric,
    /// Pairs sharing fewer roll calls get an empty cell (and a warning).
    #[arg(long, value_name = "N", default_value_t = 1)]
    min_votes: u32,
    #[arg(long, value_enum, default_value_t = MatrixFormat::Csv)]
    format: MatrixFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum MatrixFormat {
    /// A header row, then one row per state.
    Csv,
    /// One JSON document with the shared roll calls of each pair.
    Json,
    /// World-file `relations:` lines (ties rescaled to [0, 1]) with their
    /// provenance in comments, to paste into a world.
    Relations,
}

fn affinity_command(a: AffinityArgs) -> Result<String, Error> {
    let opts = crate::affinity::Options {
        from: a.from,
        to: a.to,
        states: a.states,
        metric: a.metric,
        min_votes: a.min_votes,
    };
    let m = crate::affinity::compute(&a.data_dir, &opts)?;
    let opts = &opts;
    for w in &m.warnings {
        eprintln!("warning: {w}");
    }
    Ok(match a.format {
        MatrixFormat::Csv => m.to_csv(),
        MatrixFormat::Json => m.to_json(),
        MatrixFormat::Relations => m.to_relations(&format!(
            "bloc affinity {} --from {} --to {} --states {} --metric {}{} --format relations",
            a.data_dir.display(),
            opts.from,
            opts.to,
            opts.states.join(","),
            opts.metric.name(),
            if opts.min_votes == 1 {
                String::new()
            } else {
                format!(" --min-votes {}", opts.min_votes)
            }
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `bloc …` command lines of the ```sh blocks of README.md and
    /// docs/*.md (`cargo run --release -- …` counted as `bloc …`), joined
    /// across `\` line ends, without comments, pipes and redirections; lines
    /// holding placeholders (`[`, `…`, `$`, `{`, quotes) are left out.
    fn documented_commands() -> Vec<(String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("README.md")];
        let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        docs.sort();
        files.extend(docs);
        let mut out = vec![];
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let mut in_sh = false;
            let mut line = String::new();
            for l in text.lines() {
                if l.starts_with("```") {
                    in_sh = l.trim() == "```sh";
                    continue;
                }
                if !in_sh {
                    continue;
                }
                line.push_str(l.trim_end().trim_end_matches('\\'));
                line.push(' ');
                if l.trim_end().ends_with('\\') {
                    continue;
                }
                let mut cmd = std::mem::take(&mut line);
                for cut in [" #", " |", " >", " 2>"] {
                    if let Some(i) = cmd.find(cut) {
                        cmd.truncate(i);
                    }
                }
                let cmd = cmd.trim().replacen("cargo run --release -- ", "bloc ", 1);
                if cmd.starts_with("bloc ") && !cmd.contains(['[', '…', '$', '{', '\'', '"']) {
                    out.push((f.display().to_string(), cmd));
                }
            }
        }
        out
    }

    /// Issue 11: every command the docs show parses (its subcommand and
    /// options exist), so the docs cannot drift from the arguments.
    #[test]
    fn r11_documented_commands_parse() {
        let cmds = documented_commands();
        assert!(cmds.len() >= 40, "only {} commands found", cmds.len());
        let bad: Vec<String> = cmds
            .iter()
            .filter_map(|(file, cmd)| {
                Cli::try_parse_from(cmd.split_whitespace())
                    .err()
                    .map(|e| format!("{file}: `{cmd}`: {e}"))
            })
            .collect();
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }
}
