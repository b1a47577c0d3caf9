//! Claims a scenario makes about its own outcome (`expect:`), checked
//! against the summary of its runs by `bloc test` (`Summary::check`). A claim bounds a share
//! (of runs, or of an actor's choices) or an indicator's mean; the check
//! reports the observed value with its 95% interval. Pass or fail is judged
//! on the observed value; the interval says how sure that judgement is.

use crate::analysis::{Indicator, Verdict};

/// What a claim is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// Share of runs in which `group`'s verdict is `verdict` (at the end of
    /// the run, or of `turn`).
    Verdict {
        group: String,
        verdict: Verdict,
        turn: Option<u32>,
    },
    /// Share of runs in which `group`'s verdict is alliance at the end of
    /// some turn (balance of threat: does an alliance ever emerge?).
    Emerges { group: String },
    /// Mean of an indicator over the runs that tested it.
    Indicator { group: String, indicator: Indicator },
    /// Share of `actor`'s decisions on `event` that chose `choice`.
    Choice {
        event: String,
        actor: String,
        choice: String,
    },
    /// Share of the runs in which `event` happened that ended in `outcome`.
    Outcome { event: String, outcome: String },
    /// Share of runs in which an actor proposed the event `id`.
    Proposed { id: String },
    /// Share of runs in which a coalition of exactly `actors` (sorted)
    /// emerged.
    Coalition { actors: Vec<String> },
}

#[derive(Debug, Clone)]
pub struct Claim {
    /// What the claim says, in words.
    pub text: String,
    /// Why the model should show it: the seed's section or a public fact.
    pub why: String,
    /// Why the general model does not reproduce the claim, when it is a
    /// known failure (`known:`): reported, not counted as a failure, and an
    /// error once it passes, so that the note cannot go stale.
    pub known: Option<String>,
    pub subject: Subject,
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
    /// Line of the claim in the scenario file.
    pub line: usize,
}

/// The result of checking one claim.
#[derive(Debug, Clone)]
pub struct Check {
    pub observed: Option<f64>,
    /// 95% interval: Wilson for shares, normal for means.
    pub interval: (f64, f64),
    /// How many observations the value rests on.
    pub n: u64,
    pub pass: bool,
    /// Why there is no value, when there is none.
    pub missing: Option<String>,
}

impl Claim {
    /// The bound as text: `≥ 90%`, `≤ 0.100`, `between …`.
    pub fn bound(&self) -> String {
        let f = |x: f64| self.fmt(x);
        match (self.at_least, self.at_most) {
            (Some(lo), Some(hi)) => format!("between {} and {}", f(lo), f(hi)),
            (Some(lo), None) => format!(">= {}", f(lo)),
            (None, Some(hi)) => format!("<= {}", f(hi)),
            (None, None) => "no bound".into(),
        }
    }

    /// Shares print as percentages, indicator means as numbers.
    pub fn fmt(&self, x: f64) -> String {
        match self.subject {
            Subject::Indicator { .. } => format!("{x:.3}"),
            _ => format!("{:.1}%", 100.0 * x),
        }
    }
}
