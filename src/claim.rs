//! Claims a scenario makes about its own outcome (`expect:`), checked
//! against the summary of its runs by `bloc test`. A claim bounds a share
//! (of runs, or of an actor's choices) or an indicator's mean; the check
//! reports the observed value with its 95% interval. Pass or fail is judged
//! on the observed value; the interval says how sure that judgement is.

use crate::analysis::{Indicator, Verdict};
use crate::report::Summary;

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

    pub fn check(&self, s: &Summary) -> Check {
        let share = |k: u64, n: u64| -> Check {
            let pass_at = |x: f64| {
                self.at_least.is_none_or(|lo| x >= lo) && self.at_most.is_none_or(|hi| x <= hi)
            };
            if n == 0 {
                return Check {
                    observed: None,
                    interval: (0.0, 1.0),
                    n,
                    pass: false,
                    missing: Some("never observed in these runs".into()),
                };
            }
            let x = k as f64 / n as f64;
            Check {
                observed: Some(x),
                interval: wilson(k, n),
                n,
                pass: pass_at(x),
                missing: None,
            }
        };
        let none = |why: String| Check {
            observed: None,
            interval: (0.0, 1.0),
            n: 0,
            pass: false,
            missing: Some(why),
        };
        let group = |id: &str| s.groups.iter().find(|g| g.id == id);
        match &self.subject {
            Subject::Verdict {
                group: g,
                verdict,
                turn,
            } => {
                let Some(t) = group(g) else {
                    return none(format!("no group `{g}`"));
                };
                let v = verdict_index(*verdict);
                match turn {
                    None => share(t.verdicts[v], t.runs),
                    Some(turn) => match t.by_turn.get(*turn as usize - 1) {
                        Some(c) => share(c[v], c.iter().sum()),
                        None => none(format!("the scenario has no turn {turn}")),
                    },
                }
            }
            Subject::Emerges { group: g } => match group(g) {
                Some(t) => share(t.first_alliance.values().sum(), t.runs),
                None => none(format!("no group `{g}`")),
            },
            Subject::Indicator {
                group: g,
                indicator,
            } => {
                let Some(t) = group(g) else {
                    return none(format!("no group `{g}`"));
                };
                let i = Indicator::ALL
                    .iter()
                    .position(|x| x == indicator)
                    .unwrap_or(0);
                let st = &t.stats[i];
                let n = st.n;
                if n == 0 {
                    return none(format!(
                        "{} was not tested in any run (no event exercised it)",
                        indicator.label()
                    ));
                }
                let mean = st.mean().unwrap_or(0.0);
                Check {
                    observed: Some(mean),
                    interval: st.mean_interval().unwrap_or((mean, mean)),
                    n,
                    pass: self.at_least.is_none_or(|lo| mean >= lo)
                        && self.at_most.is_none_or(|hi| mean <= hi),
                    missing: None,
                }
            }
            Subject::Choice {
                event,
                actor,
                choice,
            } => {
                let tallies = s.event(event);
                if tallies.is_empty() {
                    return none(format!("event `{event}` did not happen in any run"));
                }
                let counts: Vec<(u64, u64)> = tallies
                    .iter()
                    .filter_map(|e| e.choice(actor, choice))
                    .collect();
                if counts.is_empty() {
                    return none(format!("`{actor}` never decided on `{event}`"));
                }
                let (k, n) = counts.iter().fold((0, 0), |(k, n), (a, b)| (k + a, n + b));
                share(k, n)
            }
            Subject::Outcome { event, outcome } => {
                let tallies = s.event(event);
                if tallies.is_empty() {
                    return none(format!("event `{event}` did not happen in any run"));
                }
                let k = tallies
                    .iter()
                    .map(|e| e.outcomes.get(outcome).copied().unwrap_or(0))
                    .sum();
                share(k, tallies.iter().map(|e| e.happened).sum())
            }
            Subject::Proposed { id } => share(
                s.proposals
                    .values()
                    .filter(|e| e.id == *id)
                    .map(|e| e.happened)
                    .sum(),
                s.runs,
            ),
            Subject::Coalition { actors } => {
                let id = actors.join("+");
                share(s.coalitions.get(&id).map_or(0, |c| c.runs), s.runs)
            }
        }
    }
}

fn verdict_index(v: Verdict) -> usize {
    Verdict::ALL.iter().position(|x| *x == v).unwrap_or(2)
}

use crate::stat::wilson;
