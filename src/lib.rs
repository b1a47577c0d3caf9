//! bloc: a rules-engine scenario simulator for alliance politics. A YAML
//! scenario sets up a world and a timeline; Rhai scripts say how each actor
//! decides; many seeded runs say whether a group behaves like a military
//! alliance, an alignment or a partnership, and why. See ARCHITECTURE.md.

pub mod analysis;
pub mod claim;
pub mod cli;
pub mod coalition;
pub mod diagnostic;
pub mod event;
pub mod plan;
pub mod proposal;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod sim;
pub mod world;

pub use diagnostic::{Diagnostic, Error};
pub use plan::Plan;
pub use report::Summary;
pub use scenario::{LoadOptions, load};

/// Run every run of the plan in index order, folding each into the summary;
/// `on_run` sees each finished run (for traces). A failing run stops the
/// simulation with its error, which names the run.
pub fn simulate(plan: &Plan, mut on_run: impl FnMut(&sim::RunResult)) -> Result<Summary, Error> {
    let mut summary = Summary::new(plan);
    for index in 0..plan.runs {
        let run = sim::run_once(plan, index).map_err(|e| match e {
            Error::Script(d) => Error::Script(Box::new(d.note(format!(
                "in run {index} of seed {} (reproduce with --seed {} --runs {})",
                plan.seed,
                plan.seed,
                index + 1
            )))),
            other => other,
        })?;
        on_run(&run);
        summary.add(&run);
    }
    Ok(summary)
}

/// The binary's entry point.
pub fn run() -> std::process::ExitCode {
    cli::main_with(std::env::args_os())
}
