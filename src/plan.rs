//! The validated plan: everything a run needs, resolved from the scenario,
//! world and rules files. Built once by `scenario::load`, then read-only and
//! shared by every run (and, later, every thread).

use std::path::PathBuf;

use crate::analysis::{GroupSpec, Thresholds};
use crate::events::Event;
use crate::rules::RuleBook;
use crate::world::World;

/// Limits on input, each a clear error when exceeded (docs/output.md,
/// "Limits and exit codes"): they keep a hostile or mistaken input from
/// taking the machine's memory or hours of time.
pub mod limits {
    /// Turns of a scenario.
    pub const MAX_TURNS: u32 = 1_000;
    /// Events in a scenario's timeline.
    pub const MAX_EVENTS: usize = 10_000;
    /// Actors of a world (with what extends it).
    pub const MAX_ACTORS: usize = 1_000;
    /// Runs of one ensemble.
    pub const MAX_RUNS: u32 = 10_000_000;
    /// Worker threads (`--threads`).
    pub const MAX_THREADS: u32 = 256;
    /// Steps of one run: decisions on the timeline's events (each decider
    /// of each event, as the world stands at the start) plus assessments
    /// (each group at the end of each turn). 10,000 events of 6 deciders
    /// took 8 s for one run.
    pub const MAX_STEPS_PER_RUN: u64 = 100_000;
    /// Steps of one ensemble: runs (of this process, with `--shard`) times
    /// steps per run; about 20 µs each, so hours on one core.
    pub const MAX_STEPS: u64 = 1_000_000_000;
    /// Bytes of a scenario, world or aggregate file.
    pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;
    /// Bytes of one rule script or imported module (the shipped ones are
    /// under 12 KiB): compiling takes time that grows faster than the text.
    pub const MAX_SCRIPT_BYTES: u64 = 128 * 1024;
    /// Functions defined in one rule script or module (the shipped ones
    /// define at most 23): 30,000 took 6 s to compile.
    pub const MAX_SCRIPT_FUNCTIONS: usize = 1_000;
}

/// An event kind a scenario declares, handled only by scripts.
#[derive(Debug, Clone)]
pub struct CustomKind {
    pub name: String,
    pub options: Vec<String>,
}

#[derive(Debug)]
pub struct Plan {
    pub name: String,
    pub description: String,
    pub path: PathBuf,
    /// The world at turn 0, overrides applied.
    pub world: World,
    /// Events sorted by turn; within a turn, in file order.
    pub timeline: Vec<Event>,
    pub turns: u32,
    pub groups: Vec<GroupSpec>,
    pub thresholds: Thresholds,
    pub seed: u64,
    pub runs: u32,
    /// Softmax temperature of decisions: 0 picks the best-scored option.
    pub temperature: f64,
    pub custom_kinds: Vec<CustomKind>,
    pub rules: RuleBook,
    /// Endogenous moves: at most this many events an actor may propose per
    /// turn (0 turns proposals off).
    pub max_proposals: usize,
    /// Acts of support in each direction (summed) that make two actors
    /// partners in an emergent coalition.
    pub coalition_min_acts: u32,
    /// The scenario's claims, checked by `bloc test`.
    pub claims: Vec<crate::claim::Claim>,
    /// Identifies the inputs (scenario, world and rules text, overrides,
    /// seed, runs): aggregates of different plans must not be merged.
    pub fingerprint: String,
    /// Parameters drawn once per run from a distribution.
    pub samples: Vec<crate::uncertainty::Sample>,
    /// Run the null model instead of the rules: every decider picks
    /// uniformly among the options the world allows (its treaty law), and no
    /// one proposes anything. A claim the null model also passes says
    /// nothing about the rules (`bloc test --null`).
    pub null_model: bool,
}

impl Plan {
    /// Decisions on the timeline's events in one run (every decider of
    /// every event, as the world stands at turn 0; proposals add at most
    /// `max_proposals` per actor and turn).
    pub fn decisions_per_run(&self) -> u64 {
        self.timeline
            .iter()
            .map(|e| e.deciders(&self.world).len() as u64)
            .sum()
    }

    /// Assessments of groups in one run: each group at the end of each turn.
    pub fn assessments_per_run(&self) -> u64 {
        u64::from(self.turns) * self.groups.len().max(1) as u64
    }

    /// The work of `runs` runs, in steps (decisions and assessments),
    /// refused above [`limits::MAX_STEPS`] with the limit named.
    pub fn check_work(&self, runs: u32) -> Result<(), crate::diagnostic::Error> {
        use crate::diagnostic::{Diagnostic, Error};
        let per_run = self.decisions_per_run() + self.assessments_per_run();
        let work = per_run.saturating_mul(u64::from(runs));
        if work <= limits::MAX_STEPS {
            return Ok(());
        }
        Err(Error::one(
            Diagnostic::new(format!(
                "{runs} runs of {per_run} steps each ({} decisions and {} group assessments) are {work} steps, more than the limit of {} for one ensemble",
                self.decisions_per_run(),
                self.assessments_per_run(),
                limits::MAX_STEPS
            ))
            .note(format!(
                "use at most {} runs, or split them over processes with --shard K/N and `bloc merge` (docs/cluster.md)",
                limits::MAX_STEPS / per_run.max(1)
            )),
        ))
    }
    /// Switch to the null model; its aggregates are marked as such and
    /// cannot be merged with the rules' (the fingerprint differs).
    pub fn use_null_model(&mut self) {
        if !self.null_model {
            self.null_model = true;
            self.fingerprint.push_str("-null");
        }
    }
}
