//! The run loop: turn by turn, each event is put to the actors that decide
//! on it; their rules score the options, a seeded softmax chooses, and the
//! event's effects change the world. Every decision is kept in the trace.
//! No IO here: the core takes a plan and returns records.

use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use crate::analysis;
use crate::analysis::{Assessment, Verdict};
use crate::coalition;
use crate::diagnostic::{Diagnostic, Error};
use crate::events::Event;
use crate::plan::Plan;
pub use crate::record::{Decision, EventRecord, Forbidden, RunRecord};
use crate::rules::{Ballot, CallContext, WorldView};
use crate::world::World;

thread_local! {
    static NULL_HANDLER: Arc<str> = Arc::from("(null model)");
}

/// The random stream of run `index`: ChaCha8 keyed by the seed, one stream
/// per run, so a run's draws depend on (seed, index) alone.
pub fn stream(seed: u64, index: u32) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::from(index));
    rng
}

/// A uniform draw in [0, 1) from 53 random bits: stable across rand versions.
fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Seeded softmax over the allowed options. Temperature 0 picks the best,
/// ties broken by the draw. Exactly one draw per decision, so adding an
/// option elsewhere never shifts other decisions' randomness.
pub fn choose(scores: &[f64], allowed: &[bool], temperature: f64, u: f64) -> (usize, Vec<f64>) {
    let best = scores
        .iter()
        .zip(allowed)
        .filter(|(_, a)| **a)
        .map(|(s, _)| *s)
        .fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = scores
        .iter()
        .zip(allowed)
        .map(|(s, a)| match (*a, temperature > 0.0) {
            (false, _) => 0.0,
            (true, true) => ((s - best) / temperature).exp(),
            (true, false) => f64::from(u8::from(*s == best)),
        })
        .collect();
    let total: f64 = weights.iter().sum();
    let probabilities: Vec<f64> = weights.iter().map(|w| w / total).collect();
    let target = u * total;
    let mut acc = 0.0;
    let mut last = 0;
    for (i, w) in weights.iter().enumerate() {
        if *w > 0.0 {
            last = i;
            acc += w;
            if target < acc {
                return (i, probabilities);
            }
        }
    }
    (last, probabilities)
}

/// A finished run: its trace, final world and group assessments.
#[derive(Debug)]
pub struct RunResult<'p> {
    pub record: RunRecord<'p>,
    pub world: World,
    /// One per plan group, at the end of the run.
    pub assessments: Vec<Assessment>,
    /// Per turn, each group's verdict at the end of that turn (balance of
    /// threat: when, if ever, alliance-like behaviour emerges).
    pub by_turn: Vec<Vec<Verdict>>,
    /// Coalitions that emerged: actors that repeatedly backed each other.
    pub coalitions: Vec<Assessment>,
    /// Who backed whom at least once (`coalition::detect_with_backing`).
    pub backed: Vec<(crate::world::ActorId, crate::world::ActorId)>,
    /// The values drawn for the plan's uncertain parameters, in plan order.
    pub samples: Vec<f64>,
}

/// A person deciding for some actors (`bloc play`). The rules still score
/// the options and the run still draws its number (so the other actors'
/// randomness is the same as in a run by the rules alone); then `choose`
/// sees what the rules would do and returns the option taken, which must be
/// one the world allows. The core stays free of IO: the caller's `Player`
/// does the asking.
pub trait Player {
    fn plays(&self, actor: crate::world::ActorId) -> bool;
    fn choose(
        &mut self,
        ev: &Event,
        world: &World,
        options: &[String],
        rules: &Decision,
    ) -> Result<usize, Error>;
}

/// Run the plan once, as run number `index`.
pub fn run_once(plan: &Plan, index: u32) -> Result<RunResult<'_>, Error> {
    run_with(plan, index, None)
}

/// Run the plan once, as run number `index`, with `player` deciding for
/// the actors it plays.
///
/// Each turn: the timeline's events of that turn in file order, then the
/// events actors proposed at the end of the previous turn, in proposal
/// order; then every group is assessed; then each actor (in id order) may
/// propose events for the next turn.
pub fn run_with<'p>(
    plan: &'p Plan,
    index: u32,
    mut player: Option<&mut dyn Player>,
) -> Result<RunResult<'p>, Error> {
    let mut rng = stream(plan.seed, index);
    let mut first = plan.world.clone();
    let samples = crate::uncertainty::draw(&plan.samples, plan.seed, index, &mut first);
    let mut world = Arc::new(first);
    let mut record = RunRecord {
        index,
        plan_events: &plan.timeline,
        proposed: Vec::new(),
        events: Vec::with_capacity(plan.timeline.len()),
    };
    let mut by_turn = Vec::with_capacity(plan.turns as usize);
    let mut assessments = Vec::new();
    let n = plan.timeline.len();
    for turn in 1..=plan.turns {
        Arc::make_mut(&mut world).turn = turn;
        let due: Vec<usize> = (0..n)
            .filter(|i| plan.timeline[*i].turn == turn)
            .chain(
                (0..record.proposed.len())
                    .filter(|i| record.proposed[*i].turn == turn)
                    .map(|i| n + i),
            )
            .collect();
        for i in due {
            let ev = if i < n {
                &plan.timeline[i]
            } else {
                &record.proposed[i - n]
            };
            let rec = decide_event(plan, ev, i, &world, &mut rng, player.as_deref_mut())?;
            let w = Arc::make_mut(&mut world);
            let votes = rec.votes();
            ev.kind.kind().apply(&ev.id, &votes, &rec.outcome, w);
            w.history.insert(ev.id.clone(), rec.outcome.clone());
            record.events.push(rec);
        }
        // The last turn's assessment is the run's: keep it whole (with
        // its reasons); earlier turns keep only the verdict.
        if turn == plan.turns {
            assessments = plan
                .groups
                .iter()
                .map(|g| analysis::assess(g, &record, &world, &plan.thresholds))
                .collect();
            by_turn.push(assessments.iter().map(|a| a.verdict).collect());
        } else {
            by_turn.push(
                plan.groups
                    .iter()
                    .map(|g| analysis::verdict_now(g, &record, &world, &plan.thresholds))
                    .collect(),
            );
        }
        if turn < plan.turns && plan.max_proposals > 0 && !plan.null_model {
            let new = propose(plan, &world, turn)?;
            let w = Arc::make_mut(&mut world);
            for ev in new {
                w.history.insert(ev.id.clone(), "pending".into());
                record.proposed.push(ev);
            }
        }
    }
    let world = Arc::try_unwrap(world).unwrap_or_else(|w| (*w).clone());
    let (groups, backing) =
        coalition::detect_with_backing(&record, &world, plan.coalition_min_acts);
    let backed = backing.into_iter().map(|(a, b, _)| (a, b)).collect();
    let coalitions = groups
        .iter()
        .map(|g| analysis::assess(g, &record, &world, &plan.thresholds))
        .collect();
    Ok(RunResult {
        record,
        world,
        assessments,
        by_turn,
        coalitions,
        backed,
        samples,
    })
}

/// Endogenous moves: each actor whose rules define `propose` may put up to
/// `plan.max_proposals` events on the next turn. An id already used in this
/// run (by the timeline or an earlier proposal) is not proposed again.
fn propose(plan: &Plan, world: &Arc<World>, turn: u32) -> Result<Vec<Event>, Error> {
    let mut out: Vec<Event> = Vec::new();
    let _view = WorldView::enter(world);
    for actor in 0..world.actors.len() {
        let ctx = CallContext {
            actor: world.name(actor),
            event: "(end of turn)",
            kind: "propose",
            turn,
        };
        let Some((maps, handler)) = plan.rules.propose(actor, &ctx).map_err(Error::Script)? else {
            continue;
        };
        let mut taken = 0;
        for m in maps {
            if taken >= plan.max_proposals {
                break;
            }
            let ev = crate::proposal::build(world, actor, m, turn, &handler).map_err(|msg| {
                Error::Script(Box::new(
                    Diagnostic::new(format!("rule script returned an invalid proposal: {msg}"))
                        .note(format!(
                            "while actor `{}` proposed at the end of turn {turn} in {handler}",
                            world.name(actor)
                        ))
                        .note("see docs/rules.md, \"Proposing events\""),
                ))
            })?;
            let used = world.history.contains_key(&ev.id)
                || plan.timeline.iter().any(|e| e.id == ev.id)
                || out.iter().any(|e| e.id == ev.id);
            if !used {
                out.push(ev);
                taken += 1;
            }
        }
    }
    Ok(out)
}

fn decide_event<'l>(
    plan: &Plan,
    ev: &Event,
    index: usize,
    world: &Arc<World>,
    rng: &mut ChaCha8Rng,
    mut player: Option<&mut (dyn Player + 'l)>,
) -> Result<EventRecord, Error> {
    let choices = ev.choices(world);
    let options = ev.labels(world, &choices);
    let deciders = ev.deciders(world);
    let mut decisions = Vec::with_capacity(deciders.len());
    if !options.is_empty() && !deciders.is_empty() {
        // Built once per event; each decider gets a copy with its own id.
        let facts = plan.rules.prepare(&ev.facts(world, &options));
        let _view = WorldView::deciding(world, ev);
        for actor in deciders {
            let ctx = CallContext {
                actor: world.name(actor),
                event: &ev.id,
                kind: ev.kind_name(),
                turn: ev.turn,
            };
            let ballot = if plan.null_model {
                Ballot {
                    scores: vec![0.0; options.len()],
                    forbidden: vec![None; options.len()],
                    rationale: "null model: uniform among the options the world allows".into(),
                    handler: NULL_HANDLER.with(Arc::clone),
                    log: Vec::new(),
                }
            } else {
                plan.rules
                    .decide(actor, &facts, &options, &ctx)
                    .map_err(Error::Script)?
            };
            let mut forbidden = ev.constraints(world, actor, &choices);
            for (slot, reason) in forbidden.iter_mut().zip(ballot.forbidden) {
                if slot.is_none() {
                    *slot = reason.map(|reason| Forbidden {
                        by: ballot.handler.to_string(),
                        reason,
                    });
                }
            }
            let allowed: Vec<bool> = forbidden.iter().map(Option::is_none).collect();
            if !allowed.contains(&true) {
                return Err(Error::Script(Box::new(
                    Diagnostic::new(format!(
                        "every option of event `{}` is forbidden for actor `{}`",
                        ev.id,
                        world.name(actor)
                    ))
                    .note(format!("handler: {}", ballot.handler))
                    .note("a rule must leave at least one option open"),
                )));
            }
            let (choice, probabilities) =
                choose(&ballot.scores, &allowed, plan.temperature, uniform(rng));
            let mut decision = Decision {
                actor,
                scores: ballot.scores,
                forbidden,
                probabilities,
                choice,
                rationale: ballot.rationale,
                handler: ballot.handler,
                log: ballot.log,
            };
            if let Some(p) = player.as_deref_mut().filter(|p| p.plays(actor)) {
                let taken = p.choose(ev, world, &options, &decision)?;
                if allowed.get(taken) == Some(&true) {
                    decision.choice = taken;
                    decision.rationale = "chosen by the player".into();
                    decision.handler = Arc::from("(player)");
                }
            }
            decisions.push(decision);
        }
    }
    let votes: Vec<_> = decisions
        .iter()
        .map(|d| (d.actor, choices[d.choice]))
        .collect();
    let outcome = ev.kind.kind().outcome(world, &votes);
    Ok(EventRecord {
        event: index,
        turn: ev.turn,
        options,
        choices,
        decisions,
        outcome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_temperature_picks_the_best_allowed_option() {
        let (i, p) = choose(&[1.0, 3.0, 2.0], &[true, false, true], 0.0, 0.99);
        assert_eq!(i, 2);
        assert_eq!(p, vec![0.0, 0.0, 1.0]);
    }

    #[test]
    fn zero_temperature_breaks_ties_with_the_draw() {
        assert_eq!(choose(&[1.0, 1.0], &[true, true], 0.0, 0.2).0, 0);
        assert_eq!(choose(&[1.0, 1.0], &[true, true], 0.0, 0.7).0, 1);
    }

    #[test]
    fn softmax_probabilities_follow_scores() {
        let (_, p) = choose(&[0.0, 1.0], &[true, true], 1.0, 0.5);
        assert!((p[1] / p[0] - 1f64.exp()).abs() < 1e-9);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn streams_depend_on_seed_and_index_only() {
        let a: Vec<u64> = (0..4).map(|_| stream(7, 3).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(stream(7, 3).next_u64(), stream(7, 4).next_u64());
        assert_ne!(stream(7, 3).next_u64(), stream(8, 3).next_u64());
    }
}
