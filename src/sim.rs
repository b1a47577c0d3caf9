//! The run loop: turn by turn, each event is put to the actors that decide
//! on it; their rules score the options, a seeded softmax chooses, and the
//! event's effects change the world. Every decision is kept in the trace.
//! No IO here: the core takes a plan and returns records.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use crate::analysis;
use crate::analysis::{Assessment, Verdict};
use crate::coalition;
use crate::diagnostic::{Diagnostic, Error};
use crate::events::Event;
use crate::plan::Plan;
pub use crate::record::{Decision, Deliberation, EventRecord, Forbidden, RunRecord};
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
    let w = Weights::new(scores, allowed, temperature);
    (w.pick(u), w.probabilities().into_vec())
}

/// A ballot's softmax weights: a function of its scores, what is allowed
/// and the temperature, so computed once per ballot; runs only draw.
struct Weights {
    weights: Box<[f64]>,
    total: f64,
}

impl Weights {
    fn new(scores: &[f64], allowed: &[bool], temperature: f64) -> Weights {
        let best = scores
            .iter()
            .zip(allowed)
            .filter(|(_, a)| **a)
            .map(|(s, _)| *s)
            .fold(f64::NEG_INFINITY, f64::max);
        let weights: Box<[f64]> = scores
            .iter()
            .zip(allowed)
            .map(|(s, a)| match (*a, temperature > 0.0) {
                (false, _) => 0.0,
                (true, true) => ((s - best) / temperature).exp(),
                (true, false) => f64::from(u8::from(*s == best)),
            })
            .collect();
        let total: f64 = weights.iter().sum();
        Weights { weights, total }
    }

    fn probabilities(&self) -> Box<[f64]> {
        self.weights.iter().map(|w| w / self.total).collect()
    }

    /// The option the draw `u` in [0, 1) picks.
    fn pick(&self, u: f64) -> usize {
        let target = u * self.total;
        let mut acc = 0.0;
        let mut last = 0;
        for (i, w) in self.weights.iter().enumerate() {
            if *w > 0.0 {
                last = i;
                acc += w;
                if target < acc {
                    return i;
                }
            }
        }
        last
    }
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
    run_inner(plan, index, None, None)
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
    player: Option<&mut dyn Player>,
) -> Result<RunResult<'p>, Error> {
    run_inner(plan, index, player, None)
}

/// Run the plan once, as run number `index`, reusing (and adding to) what
/// earlier runs of the same plan computed: see [`Reuse`]. The result is
/// the same as [`run_once`]'s, bit for bit.
pub(crate) fn run_reusing<'p>(
    plan: &'p Plan,
    index: u32,
    reuse: &mut Reuse,
) -> Result<RunResult<'p>, Error> {
    run_inner(plan, index, None, Some(reuse))
}

/// What runs of one plan computed before their random draws, kept for later
/// runs of the same plan (issue 12).
///
/// A run is a deterministic function of its sampled parameters and of the
/// options its deciders chose: the world at any point, the events proposed,
/// the record so far, all follow from them (the run's random stream is used
/// only to choose). So the states runs pass through form a tree: a root per
/// set of sampled values (compared by their bits), a branch per vector of
/// choices at an event. Each node keeps what was computed from its state
/// before any draw: at an event, the options and every decider's scores,
/// constraints, rationale and log; at the end of a turn, the verdicts and
/// the proposals (and, at the end of the run, the assessments, coalitions
/// and who backed whom). A later run that reaches the same node reuses it
/// and draws its own numbers. Never shared between plans: an ensemble makes
/// one per worker thread (the plan cannot change while it runs). Bounded:
/// past [`Reuse::MAX_NODES`] nodes, new states are computed and not kept.
pub(crate) struct Reuse {
    roots: HashMap<Vec<u64>, usize>,
    /// (node, choices at its event packed by [`packed`]; none after the end
    /// of a turn) -> node. Most events have few enough deciders and options
    /// to pack.
    edges: HashMap<(u32, u128), u32, BuildHasherDefault<FxHasher>>,
    /// The same, for choices that do not pack.
    long_edges: HashMap<(u32, Box<[u32]>), u32>,
    nodes: Vec<Node>,
    /// About how many bytes the nodes, edges and kept steps take.
    bytes: usize,
    /// Runs started with it.
    runs: u32,
    /// This thread's copy of the plan's world, which runs copy: copying
    /// the plan's own would touch its reference counts from every thread.
    world: Option<World>,
}

/// A state some run reached, and what was computed there (kept from the
/// first run that reached it: keeping only from the second saved memory
/// but cost 20% more time on 1,000 runs of rising-threat).
#[derive(Default)]
struct Node {
    step: Option<Kept>,
}

enum Kept {
    Event(Arc<Prepared>),
    TurnEnd(Arc<TurnEnd>),
}

/// What the end of a turn computed: each group's verdict and the events
/// proposed for the next turn; at the end of the run, the assessments with
/// their reasons, the coalitions and who backed whom.
enum TurnEnd {
    Between {
        verdicts: Vec<Verdict>,
        proposed: Vec<Event>,
    },
    Last {
        assessments: Vec<Assessment>,
        coalitions: Vec<Assessment>,
        backed: Backed,
    },
}

impl Kept {
    /// About how many bytes it holds.
    fn bytes(&self) -> usize {
        let strings = |xs: &[String]| xs.iter().map(|x| x.len() + 24).sum::<usize>();
        let assessed = |xs: &[Assessment]| {
            xs.iter()
                .map(|a| {
                    std::mem::size_of::<Assessment>()
                        + a.group.len()
                        + 8 * a.members.len()
                        + strings(&a.reasons)
                })
                .sum::<usize>()
        };
        match self {
            Kept::Event(p) => {
                strings(&p.options)
                    + 8 * p.choices.len()
                    + p.ballots
                        .iter()
                        .map(|b| {
                            let d = &b.deliberation;
                            // Scores, probabilities, weights; what is allowed.
                            let n = d.scores.len();
                            160 + n * 25
                                + d.forbidden.len() * std::mem::size_of::<Option<Forbidden>>()
                                + d.forbidden
                                    .iter()
                                    .flatten()
                                    .map(|f| f.by.len() + f.reason.len())
                                    .sum::<usize>()
                                + d.rationale.len()
                                + strings(&d.log)
                        })
                        .sum::<usize>()
            }
            Kept::TurnEnd(t) => match &**t {
                TurnEnd::Between { verdicts, proposed } => {
                    64 + verdicts.len() + 1024 * proposed.len()
                }
                TurnEnd::Last {
                    assessments,
                    coalitions,
                    backed,
                } => 64 + assessed(assessments) + assessed(coalitions) + 16 * backed.len(),
            },
        }
    }
}

impl Reuse {
    /// States are recorded (and what they computed kept) during the first
    /// runs a worker thread makes in an ensemble, and within a budget of
    /// memory; after that, runs reuse what is kept and compute the rest.
    /// So the memory of a long ensemble is that of a short one.
    pub const LEARN_RUNS: u32 = 1_024;
    /// About how many bytes a worker thread keeps at most per ensemble.
    pub const MAX_BYTES: usize = 16 << 20;
    /// What a node and the edge to it cost, about.
    const NODE_BYTES: usize = 160;

    pub fn new() -> Reuse {
        Reuse {
            roots: HashMap::new(),
            edges: HashMap::default(),
            long_edges: HashMap::new(),
            nodes: Vec::new(),
            bytes: 0,
            runs: 0,
            world: None,
        }
    }

    fn learning(&self) -> bool {
        self.runs <= Reuse::LEARN_RUNS && self.bytes < Reuse::MAX_BYTES
    }

    fn node(&mut self) -> Option<usize> {
        self.learning().then(|| {
            self.bytes += Reuse::NODE_BYTES;
            self.nodes.push(Node::default());
            self.nodes.len() - 1
        })
    }

    /// A run starts, with these sampled values: its root.
    fn start(&mut self, samples: &[f64]) -> Option<usize> {
        self.runs = self.runs.saturating_add(1);
        let key: Vec<u64> = samples.iter().map(|x| x.to_bits()).collect();
        if let Some(n) = self.roots.get(&key) {
            return Some(*n);
        }
        let n = self.node()?;
        self.roots.insert(key, n);
        Some(n)
    }

    /// The node after `at` once the deciders chose `choices` (none: the end
    /// of a turn), created while learning.
    fn next(&mut self, at: Option<usize>, choices: &[Decision]) -> Option<usize> {
        let at = u32::try_from(at?).ok()?;
        match packed(choices.iter().map(|d| d.choice)) {
            Some(key) => match self.edges.get(&(at, key)) {
                Some(n) => Some(*n as usize),
                None => {
                    let n = self.node()?;
                    self.edges.insert((at, key), u32::try_from(n).ok()?);
                    Some(n)
                }
            },
            None => {
                let key: Box<[u32]> = choices.iter().map(|d| d.choice as u32).collect();
                let key = (at, key);
                match self.long_edges.get(&key) {
                    Some(n) => Some(*n as usize),
                    None => {
                        let n = self.node()?;
                        self.long_edges.insert(key, u32::try_from(n).ok()?);
                        Some(n)
                    }
                }
            }
        }
    }

    fn event(&self, at: Option<usize>) -> Option<Arc<Prepared>> {
        match &self.nodes[at?].step {
            Some(Kept::Event(p)) => Some(p.clone()),
            _ => None,
        }
    }

    fn turn_end(&self, at: Option<usize>) -> Option<Arc<TurnEnd>> {
        match &self.nodes[at?].step {
            Some(Kept::TurnEnd(t)) => Some(t.clone()),
            _ => None,
        }
    }

    /// Keep what a state computed, while learning.
    fn keep(&mut self, at: Option<usize>, step: impl FnOnce() -> Kept) {
        if let Some(at) = at
            && self.learning()
        {
            let step = step();
            self.bytes += step.bytes();
            self.nodes[at].step = Some(step);
        }
    }
}

/// Up to 32 choices of options 0..15 as one number, a nibble each (the
/// option plus one, so that lists of different lengths differ); `None` if
/// they do not fit.
fn packed(choices: impl ExactSizeIterator<Item = usize>) -> Option<u128> {
    if choices.len() > 32 {
        return None;
    }
    let mut key = 0u128;
    for (i, c) in choices.enumerate() {
        if c >= 15 {
            return None;
        }
        key |= ((c + 1) as u128) << (4 * i);
    }
    Some(key)
}

/// A multiplicative hash for the reuse tree's integer keys (FxHash's):
/// SipHash's resistance to chosen keys is not needed for keys bloc makes.
#[derive(Default)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u128(&mut self, x: u128) {
        self.write_u64(x as u64);
        self.write_u64((x >> 64) as u64);
    }
}

fn run_inner<'p>(
    plan: &'p Plan,
    index: u32,
    mut player: Option<&mut dyn Player>,
    mut reuse: Option<&mut Reuse>,
) -> Result<RunResult<'p>, Error> {
    let mut rng = stream(plan.seed, index);
    let mut first = match reuse.as_deref_mut() {
        Some(r) => r.world.get_or_insert_with(|| plan.world.unshared()).clone(),
        None => plan.world.clone(),
    };
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
    let mut end = None;
    // The node of the tree of states this run is at (None: off the tree).
    let mut at = reuse.as_deref_mut().and_then(|r| r.start(&samples));
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
            let prepared = match reuse.as_deref_mut().and_then(|r| r.event(at)) {
                Some(p) => p,
                None => {
                    let p = Arc::new(prepare_event(plan, ev, &world)?);
                    if let Some(r) = reuse.as_deref_mut() {
                        r.keep(at, || Kept::Event(p.clone()));
                    }
                    p
                }
            };
            let rec = decide_event(ev, i, &world, &prepared, &mut rng, player.as_deref_mut())?;
            if let Some(r) = reuse.as_deref_mut() {
                at = r.next(at, &rec.decisions);
            }
            let w = Arc::make_mut(&mut world);
            let votes = rec.votes();
            ev.kind.kind().apply(&ev.id, &votes, &rec.outcome, w);
            w.history.insert(ev.id.clone(), rec.outcome.clone());
            record.events.push(rec);
        }
        let kept = reuse.as_deref().and_then(|r| r.turn_end(at));
        let done = match kept {
            Some(t) => t,
            None => {
                let t = Arc::new(turn_end(plan, &record, &world, turn)?);
                if let Some(r) = reuse.as_deref_mut() {
                    r.keep(at, || Kept::TurnEnd(t.clone()));
                }
                t
            }
        };
        match &*done {
            TurnEnd::Between { verdicts, proposed } => {
                by_turn.push(verdicts.clone());
                let w = Arc::make_mut(&mut world);
                for ev in proposed {
                    w.history.insert(ev.id.clone(), "pending".into());
                    record.proposed.push(ev.clone());
                }
            }
            TurnEnd::Last { assessments: a, .. } => {
                assessments = a.clone();
                by_turn.push(a.iter().map(|a| a.verdict).collect());
            }
        }
        end = Some(done);
        if let Some(r) = reuse.as_deref_mut() {
            at = r.next(at, &[]);
        }
    }
    let world = Arc::try_unwrap(world).unwrap_or_else(|w| (*w).clone());
    let (coalitions, backed) = match end.as_deref() {
        Some(TurnEnd::Last {
            coalitions, backed, ..
        }) => (coalitions.clone(), backed.clone()),
        _ => coalitions_of(plan, &record, &world),
    };
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

type Backed = Vec<(crate::world::ActorId, crate::world::ActorId)>;

/// The coalitions that emerged in a run, assessed, and who backed whom.
fn coalitions_of(plan: &Plan, record: &RunRecord, world: &World) -> (Vec<Assessment>, Backed) {
    let (groups, backing) = coalition::detect_with_backing(record, world, plan.coalition_min_acts);
    let backed = backing.into_iter().map(|(a, b, _)| (a, b)).collect();
    let coalitions = groups
        .iter()
        .map(|g| analysis::assess(g, record, world, &plan.thresholds))
        .collect();
    (coalitions, backed)
}

/// The end of turn `turn`: every group assessed; then, before the last
/// turn, each actor's proposals for the next; after it, the coalitions.
fn turn_end(
    plan: &Plan,
    record: &RunRecord,
    world: &Arc<World>,
    turn: u32,
) -> Result<TurnEnd, Error> {
    // The last turn's assessment is the run's: keep it whole (with its
    // reasons); earlier turns keep only the verdict.
    if turn == plan.turns {
        let assessments = plan
            .groups
            .iter()
            .map(|g| analysis::assess(g, record, world, &plan.thresholds))
            .collect();
        let (coalitions, backed) = coalitions_of(plan, record, world);
        return Ok(TurnEnd::Last {
            assessments,
            coalitions,
            backed,
        });
    }
    let verdicts = plan
        .groups
        .iter()
        .map(|g| analysis::verdict_now(g, record, world, &plan.thresholds))
        .collect();
    let proposed = if plan.max_proposals > 0 && !plan.null_model {
        propose(plan, world, turn)?
    } else {
        Vec::new()
    };
    Ok(TurnEnd::Between { verdicts, proposed })
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

/// An event as it stands before any draw: its options, and each decider's
/// ballot with the constraints of the world applied. A function of the
/// world and the event alone.
struct Prepared {
    choices: Arc<[crate::events::Choice]>,
    options: Arc<[String]>,
    ballots: Vec<Ballot0>,
}

/// One decider's ballot, constraints applied.
struct Ballot0 {
    actor: crate::world::ActorId,
    allowed: Vec<bool>,
    weights: Weights,
    /// What every run's decision here shares.
    deliberation: Arc<Deliberation>,
}

fn prepare_event(plan: &Plan, ev: &Event, world: &Arc<World>) -> Result<Prepared, Error> {
    let choices = ev.choices(world);
    let options = ev.labels(world, &choices);
    let deciders = ev.deciders(world);
    let mut ballots = Vec::with_capacity(deciders.len());
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
            let weights = Weights::new(&ballot.scores, &allowed, plan.temperature);
            ballots.push(Ballot0 {
                actor,
                deliberation: Arc::new(Deliberation {
                    probabilities: weights.probabilities(),
                    scores: ballot.scores.into(),
                    forbidden: forbidden.into(),
                    rationale: Arc::from(ballot.rationale),
                    handler: ballot.handler,
                    log: ballot.log.into(),
                }),
                weights,
                allowed,
            });
        }
    }
    Ok(Prepared {
        choices: choices.into(),
        options: options.into(),
        ballots,
    })
}

/// Each decider draws its number and chooses (or the player chooses for
/// it); then the event's outcome.
fn decide_event<'l>(
    ev: &Event,
    index: usize,
    world: &Arc<World>,
    prepared: &Prepared,
    rng: &mut ChaCha8Rng,
    mut player: Option<&mut (dyn Player + 'l)>,
) -> Result<EventRecord, Error> {
    let mut decisions = Vec::with_capacity(prepared.ballots.len());
    for b in &prepared.ballots {
        let mut decision = Decision {
            actor: b.actor,
            choice: b.weights.pick(uniform(rng)),
            deliberation: b.deliberation.clone(),
        };
        if let Some(p) = player.as_deref_mut().filter(|p| p.plays(b.actor)) {
            let taken = p.choose(ev, world, &prepared.options, &decision)?;
            if b.allowed.get(taken) == Some(&true) {
                decision.choice = taken;
                let d = Arc::make_mut(&mut decision.deliberation);
                d.rationale = "chosen by the player".into();
                d.handler = Arc::from("(player)");
            }
        }
        decisions.push(decision);
    }
    let votes: Vec<_> = decisions
        .iter()
        .map(|d| (d.actor, prepared.choices[d.choice]))
        .collect();
    let outcome = ev.kind.kind().outcome(world, &votes);
    Ok(EventRecord {
        event: index,
        turn: ev.turn,
        options: prepared.options.clone(),
        choices: prepared.choices.clone(),
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
    fn packed_choices_differ_whenever_the_choices_do() {
        let lists: [&[usize]; 7] = [&[], &[0], &[0, 0], &[1], &[0, 1], &[1, 0], &[14; 32]];
        let keys: Vec<u128> = lists
            .iter()
            .map(|l| packed(l.iter().copied()).unwrap())
            .collect();
        for i in 0..keys.len() {
            for j in 0..i {
                assert_ne!(keys[i], keys[j], "{:?} and {:?}", lists[i], lists[j]);
            }
        }
        // Too many deciders, or an option past 14: the unpacked edges.
        assert_eq!(packed([0; 33].into_iter()), None);
        assert_eq!(packed([3, 15].into_iter()), None);
    }

    #[test]
    fn streams_depend_on_seed_and_index_only() {
        let a: Vec<u64> = (0..4).map(|_| stream(7, 3).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(stream(7, 3).next_u64(), stream(7, 4).next_u64());
        assert_ne!(stream(7, 3).next_u64(), stream(8, 3).next_u64());
    }
}
