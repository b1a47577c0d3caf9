//! bloc: a rules-engine scenario simulator for alliance politics. A YAML
//! scenario sets up a world and a timeline; Rhai scripts say how each actor
//! decides; many seeded runs say whether a group behaves like a military
//! alliance, an alignment or a partnership, and why. See ARCHITECTURE.md.

pub mod affinity;
pub mod analysis;
pub mod atop;
pub mod authoring;
pub mod builder;
pub mod claim;
pub mod cli;
pub mod coalition;
pub mod codes;
pub mod cow;
pub mod diagnostic;
pub mod ensemble;
pub mod events;
pub mod experiment;
pub mod html;
pub mod interest;
pub mod plan;
pub mod play;
pub mod proposal;
pub mod record;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod sim;
pub mod stat;
pub mod story;
pub mod svg;
pub mod uncertainty;
pub mod value;
pub mod world;

pub use diagnostic::{Diagnostic, Error};
pub use plan::Plan;
pub use report::Summary;
pub use scenario::{LoadOptions, load};

/// Run every run of the plan (in parallel, on all cores) and fold them into
/// one summary; the result does not depend on the number of threads. A
/// failing run stops the simulation with its error, which names the run.
pub fn simulate(plan: &Plan) -> Result<Summary, Error> {
    ensemble::run(
        plan,
        &ensemble::Options::default(),
        |_| None::<()>,
        |_| Ok(()),
    )
    .map(|e| e.summary)
}

/// The binary's entry point.
pub fn run() -> std::process::ExitCode {
    cli::main_with(std::env::args_os())
}
