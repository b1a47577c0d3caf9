//! The run loop: turn by turn, each event is put to the actors that decide
//! on it; their rules score the options, a seeded softmax chooses, and the
//! event's effects change the world. Every decision is kept in the trace.
//! No IO here: the core takes a plan and returns records.

use std::sync::Arc;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use crate::analysis::{self, Assessment, Verdict};
use crate::coalition;
use crate::diagnostic::{Diagnostic, Error};
use crate::event::{ChangeOp, DepartureMode, Event, EventKind};
use crate::plan::Plan;
use crate::rules::{CallContext, WorldView};
use crate::value::{Fields, Value};
use crate::world::{ActorId, Base, DecisionRule, Treaty, World};

/// Why an option was not open to an actor.
#[derive(Debug, Clone, PartialEq)]
pub struct Forbidden {
    /// `world: …` for a hard constraint of the world, else the script's file.
    pub by: String,
    pub reason: String,
}

/// One actor's decision on one event.
#[derive(Debug, Clone)]
pub struct Decision {
    pub actor: ActorId,
    pub scores: Vec<f64>,
    pub forbidden: Vec<Option<Forbidden>>,
    pub probabilities: Vec<f64>,
    pub choice: usize,
    pub rationale: String,
    /// Which handler answered, e.g. `rules/russia.rhai: on_armed_conflict`.
    pub handler: Arc<str>,
}

/// What happened at one event of one run.
#[derive(Debug, Clone)]
pub struct EventRecord {
    /// Index into the plan's timeline.
    pub event: usize,
    pub turn: u32,
    pub options: Vec<String>,
    pub decisions: Vec<Decision>,
    pub outcome: String,
}

/// The trace of one run.
#[derive(Debug, Clone)]
pub struct RunRecord<'p> {
    pub index: u32,
    pub plan_events: &'p [Event],
    /// Events the actors' rules proposed during this run. An
    /// [`EventRecord::event`] past the plan's timeline indexes into these.
    pub proposed: Vec<Event>,
    pub events: Vec<EventRecord>,
}

impl RunRecord<'_> {
    /// The event a record is about: from the timeline, or proposed in the run.
    pub fn event(&self, rec: &EventRecord) -> &Event {
        let n = self.plan_events.len();
        if rec.event < n {
            &self.plan_events[rec.event]
        } else {
            &self.proposed[rec.event - n]
        }
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
    /// The values drawn for the plan's uncertain parameters, in plan order.
    pub samples: Vec<f64>,
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

/// The event as scripts see it: a map of ids and names (docs/rules.md).
/// The deciding actor's id is added under `actor` per decision.
pub fn event_facts(ev: &Event, w: &World, options: &[String]) -> Fields {
    let mut m = Fields::new();
    let s = |x: &str| Value::from(x);
    let name = |a: ActorId| Value::from(w.name(a));
    let names = |xs: &[ActorId]| Value::List(xs.iter().map(|a| name(*a)).collect());
    let org = |o: Option<usize>| s(o.map_or("", |o| w.org(o).id.as_str()));
    m.insert("id".into(), s(&ev.id));
    m.insert("kind".into(), s(ev.kind_name()));
    m.insert("turn".into(), Value::Int(i64::from(ev.turn)));
    m.insert("description".into(), s(&ev.description));
    m.insert(
        "options".into(),
        Value::List(options.iter().map(|o| s(o)).collect()),
    );
    match &ev.kind {
        EventKind::ArmedConflict {
            attacker,
            defender,
            backers,
            ..
        } => {
            m.insert("attacker".into(), name(*attacker));
            m.insert("defender".into(), name(*defender));
            let mut b = Fields::new();
            for (a, side) in backers {
                b.insert(w.name(*a).to_string(), name(*side));
            }
            m.insert("backers".into(), Value::Map(b));
        }
        EventKind::Membership {
            applicant,
            org: o,
            status,
        } => {
            m.insert("applicant".into(), name(*applicant));
            m.insert("org".into(), org(Some(*o)));
            m.insert("status".into(), s(status.name()));
        }
        EventKind::Backing {
            requester,
            issue,
            recognition,
            against,
            org: o,
            ..
        } => {
            m.insert("against".into(), s(against.map_or("", |a| w.name(a))));
            m.insert("requester".into(), name(*requester));
            m.insert("issue".into(), s(issue));
            m.insert(
                "recognition".into(),
                s(recognition.as_deref().unwrap_or("")),
            );
            m.insert("org".into(), org(*o));
        }
        EventKind::JointExercise {
            name: n,
            org: o,
            theme,
            ..
        } => {
            m.insert("name".into(), s(n));
            m.insert("org".into(), org(*o));
            m.insert("theme".into(), s(theme.name()));
            m.insert("participants".into(), names(&ev.deciders(w)));
        }
        EventKind::TreatyProposal {
            name: n,
            proposer,
            org: o,
            obligation,
            ..
        } => {
            m.insert("name".into(), s(n));
            m.insert("proposer".into(), name(*proposer));
            m.insert("org".into(), org(*o));
            m.insert("obligation".into(), s(obligation.name()));
            m.insert("parties".into(), names(&ev.treaty_parties(w)));
        }
        EventKind::BasingRequest { base, user, host } => {
            m.insert("base".into(), s(base));
            m.insert("user".into(), name(*user));
            m.insert("host".into(), name(*host));
        }
        EventKind::WithdrawalDemand {
            demander,
            org: o,
            user,
            ..
        } => {
            m.insert("user".into(), name(*user));
            m.insert("demander".into(), s(demander.map_or("", |a| w.name(a))));
            m.insert("org".into(), org(*o));
        }
        EventKind::Declaration {
            org: o,
            text,
            theme,
            against,
        } => {
            m.insert("org".into(), org(Some(*o)));
            m.insert("text".into(), s(text));
            m.insert("theme".into(), s(theme.name()));
            m.insert("against".into(), s(against.map_or("", |a| w.name(a))));
        }
        EventKind::Offer {
            invitee,
            org: o,
            status,
        } => {
            m.insert("invitee".into(), name(*invitee));
            m.insert("org".into(), org(Some(*o)));
            m.insert("status".into(), s(status.name()));
        }
        EventKind::Departure {
            actor,
            org: o,
            mode,
            ..
        } => {
            m.insert("member".into(), name(*actor));
            m.insert("org".into(), org(Some(*o)));
            m.insert("mode".into(), s(mode.name()));
        }
        EventKind::Shock { .. } => {}
        EventKind::Custom {
            requester, params, ..
        } => {
            m.insert("requester".into(), s(requester.map_or("", |a| w.name(a))));
            let mut p = Fields::new();
            for (k, v) in params {
                p.insert(k.clone(), s(v));
            }
            m.insert("params".into(), Value::Map(p));
        }
    }
    m
}

/// Hard constraints the world itself imposes, before any script is asked.
fn world_constraints(
    ev: &Event,
    w: &World,
    actor: ActorId,
    options: &[String],
) -> Vec<Option<Forbidden>> {
    let mut out = vec![None; options.len()];
    if let EventKind::Backing {
        against: Some(x), ..
    } = &ev.kind
        && *x == actor
        && let Some(i) = options.iter().position(|o| o == "endorse")
    {
        out[i] = Some(Forbidden {
            by: "world: a request aimed at the decider".into(),
            reason: format!("{} will not back a cause against itself", w.name(actor)),
        });
    }
    if let EventKind::TreatyProposal { obligation, .. } = &ev.kind {
        let parties = ev.treaty_parties(w);
        if let Some(o) = w.exclusivity_conflict(actor, &parties, *obligation)
            && let Some(i) = options.iter().position(|x| x == "sign")
        {
            {
                out[i] = Some(Forbidden {
                    by: format!("world: {} exclusivity clause", o.id),
                    reason: format!(
                        "members of {} may not join a military pact with non-members (CSTO treaty Art. 1, §IV)",
                        o.id
                    ),
                });
            }
        }
    }
    out
}

/// Run the plan once, as run number `index`.
///
/// Each turn: the timeline's events of that turn in file order, then the
/// events actors proposed at the end of the previous turn, in proposal
/// order; then every group is assessed; then each actor (in id order) may
/// propose events for the next turn.
pub fn run_once(plan: &Plan, index: u32) -> Result<RunResult<'_>, Error> {
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
            let rec = decide_event(plan, ev, i, &world, &mut rng)?;
            let w = Arc::make_mut(&mut world);
            apply(ev, &rec, w);
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
        if turn < plan.turns && plan.max_proposals > 0 {
            let new = propose(plan, &world, turn)?;
            let w = Arc::make_mut(&mut world);
            for ev in new {
                w.history.insert(ev.id.clone(), "pending".into());
                record.proposed.push(ev);
            }
        }
    }
    let world = Arc::try_unwrap(world).unwrap_or_else(|w| (*w).clone());
    let coalitions = coalition::detect(&record, &world, plan.coalition_min_acts)
        .iter()
        .map(|g| analysis::assess(g, &record, &world, &plan.thresholds))
        .collect();
    Ok(RunResult {
        record,
        world,
        assessments,
        by_turn,
        coalitions,
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

fn decide_event(
    plan: &Plan,
    ev: &Event,
    index: usize,
    world: &Arc<World>,
    rng: &mut ChaCha8Rng,
) -> Result<EventRecord, Error> {
    let options = ev.options(world);
    let deciders = ev.deciders(world);
    let mut decisions = Vec::with_capacity(deciders.len());
    if !options.is_empty() && !deciders.is_empty() {
        // Built once per event; each decider gets a copy with its own id.
        let facts = plan.rules.prepare(&event_facts(ev, world, &options));
        let _view = WorldView::enter(world);
        for actor in deciders {
            let ctx = CallContext {
                actor: world.name(actor),
                event: &ev.id,
                kind: ev.kind_name(),
                turn: ev.turn,
            };
            let ballot = plan
                .rules
                .decide(actor, &facts, &options, &ctx)
                .map_err(Error::Script)?;
            let mut forbidden = world_constraints(ev, world, actor, &options);
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
            decisions.push(Decision {
                actor,
                scores: ballot.scores,
                forbidden,
                probabilities,
                choice,
                rationale: ballot.rationale,
                handler: ballot.handler,
            });
        }
    }
    let outcome = outcome(ev, world, &options, &decisions);
    Ok(EventRecord {
        event: index,
        turn: ev.turn,
        options,
        decisions,
        outcome,
    })
}

fn chose<'a>(options: &'a [String], d: &Decision) -> &'a str {
    options[d.choice].as_str()
}

/// Whether a collective decision passes under an organization's rule:
/// consensus, any "no" vetoes; majority, more than half say yes. Nothing
/// passes with nobody to decide (an organization without active members
/// admits no one and adopts nothing).
pub fn passes(rule: DecisionRule, yes: usize, no: usize, total: usize) -> bool {
    total > 0
        && match rule {
            DecisionRule::Consensus => no == 0,
            DecisionRule::Majority => 2 * yes > total,
        }
}

fn outcome(ev: &Event, w: &World, options: &[String], ds: &[Decision]) -> String {
    let count = |o: &str| ds.iter().filter(|d| chose(options, d) == o).count();
    let n = ds.len();
    match &ev.kind {
        EventKind::ArmedConflict { attacker, .. } => {
            let a = w.name(*attacker);
            if count(&format!("military_support:{a}")) > 0 {
                format!("{a} backed militarily")
            } else if count(&format!("diplomatic_support:{a}")) > 0 {
                format!("{a} backed diplomatically only")
            } else {
                format!("{a} isolated")
            }
        }
        EventKind::Membership { org, .. } => {
            let ok = passes(w.org(*org).decision, count("approve"), count("oppose"), n);
            if ok { "admitted" } else { "rejected" }.into()
        }
        EventKind::Backing { org, .. } => {
            let rule = org.map_or(DecisionRule::Majority, |o| w.org(o).decision);
            let (yes, no) = (count("endorse"), n - count("endorse"));
            if n > 0 && passes(rule, yes, no, n) {
                "backed"
            } else {
                "not backed"
            }
            .into()
        }
        EventKind::JointExercise { .. } => if count("participate") >= 2 {
            "held"
        } else {
            "not held"
        }
        .into(),
        EventKind::TreatyProposal { .. } => if n > 0 && count("sign") == n {
            "in force"
        } else {
            "failed"
        }
        .into(),
        EventKind::BasingRequest { .. } => if count("grant") > 0 {
            "granted"
        } else {
            "denied"
        }
        .into(),
        EventKind::WithdrawalDemand { .. } => {
            let by = |o: &str| {
                ds.iter()
                    .filter(|d| chose(options, d) == o)
                    .map(|d| w.name(d.actor))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match (count("grant"), count("deny")) {
                (0, 0) => "no bases to close".into(),
                (_, 0) => format!("closed by {}", by("grant")),
                (0, _) => format!("kept by {}", by("deny")),
                _ => format!("closed by {}; kept by {}", by("grant"), by("deny")),
            }
        }
        EventKind::Declaration { org, .. } => {
            let ok = passes(w.org(*org).decision, count("adopt"), count("block"), n);
            if ok { "adopted" } else { "blocked" }.into()
        }
        EventKind::Offer { invitee, org, .. } => {
            let members: Vec<&Decision> = ds.iter().filter(|d| d.actor != *invitee).collect();
            let yes = members
                .iter()
                .filter(|d| chose(options, d) == "approve")
                .count();
            let ok = passes(
                w.org(*org).decision,
                yes,
                members.len() - yes,
                members.len(),
            );
            let accepts = ds
                .iter()
                .any(|d| d.actor == *invitee && chose(options, d) == "approve");
            match (ok, accepts) {
                (true, true) => "joined",
                (true, false) => "declined",
                (false, _) => "blocked",
            }
            .into()
        }
        EventKind::Departure { mode, .. } => match mode {
            DepartureMode::Freeze => "frozen",
            DepartureMode::Leave => "left",
        }
        .into(),
        EventKind::Shock { .. } => "applied".into(),
        EventKind::Custom { options: opts, .. } => opts
            .iter()
            .max_by_key(|o| {
                (
                    count(o),
                    std::cmp::Reverse(opts.iter().position(|x| x == *o)),
                )
            })
            .map_or_else(|| "no decision".into(), |o| format!("mostly {o}")),
    }
}

/// The effects of an event on the world, given its decisions and outcome.
fn apply(ev: &Event, rec: &EventRecord, w: &mut World) {
    let dy = w.dynamics.clone();
    let opts = &rec.options;
    match &ev.kind {
        EventKind::ArmedConflict {
            attacker, defender, ..
        } => {
            for d in &rec.decisions {
                let c = chose(opts, d);
                for (side, other) in [(*attacker, *defender), (*defender, *attacker)] {
                    let s = w.name(side).to_string();
                    if c == format!("military_support:{s}") {
                        w.nudge_expectation(side, d.actor, dy.support_gain);
                        w.nudge_expectation(other, d.actor, -dy.refusal_loss);
                    } else if c == format!("diplomatic_support:{s}") {
                        w.nudge_expectation(side, d.actor, dy.support_gain / 2.0);
                        w.nudge_expectation(other, d.actor, -dy.refusal_loss / 2.0);
                    }
                }
                match c {
                    "neutrality" => {
                        w.nudge_expectation(*attacker, d.actor, -dy.abstain_loss);
                        w.nudge_expectation(*defender, d.actor, -dy.abstain_loss);
                    }
                    "condemnation" => {
                        w.nudge_expectation(*attacker, d.actor, -dy.refusal_loss);
                        w.nudge_expectation(*defender, d.actor, dy.support_gain / 2.0);
                    }
                    _ => {}
                }
            }
        }
        EventKind::Membership {
            applicant,
            org,
            status,
        } => {
            for d in &rec.decisions {
                let r = if chose(opts, d) == "approve" {
                    dy.support_gain / 2.0
                } else {
                    -dy.refusal_loss
                };
                w.nudge_expectation(*applicant, d.actor, r);
            }
            if rec.outcome == "admitted" {
                w.orgs[*org].admit(*applicant, *status);
            }
        }
        EventKind::Offer {
            invitee,
            org,
            status,
        } => {
            for d in rec.decisions.iter().filter(|d| d.actor != *invitee) {
                if chose(opts, d) == "approve" {
                    w.nudge_expectation(*invitee, d.actor, dy.support_gain / 2.0);
                }
            }
            if rec.outcome == "joined" {
                w.orgs[*org].admit(*invitee, *status);
            }
        }
        EventKind::Departure { actor, org, mode } => {
            // The others learn not to count on a member that steps back.
            for m in w.org(*org).members.clone() {
                w.nudge_expectation(m, *actor, -dy.refusal_loss);
            }
            let o = &mut w.orgs[*org];
            match mode {
                DepartureMode::Freeze => {
                    if !o.suspended.contains(actor) {
                        o.suspended.push(*actor);
                        o.suspended.sort_unstable();
                    }
                }
                DepartureMode::Leave => o.expel(*actor),
            }
        }
        EventKind::Backing { requester, .. } => {
            for d in &rec.decisions {
                let r = match chose(opts, d) {
                    "endorse" => dy.support_gain,
                    "abstain" => -dy.abstain_loss,
                    _ => -dy.refusal_loss,
                };
                w.nudge_expectation(*requester, d.actor, r);
            }
        }
        EventKind::JointExercise { .. } => {
            let part: Vec<ActorId> = rec
                .decisions
                .iter()
                .filter(|d| chose(opts, d) == "participate")
                .map(|d| d.actor)
                .collect();
            if rec.outcome == "held" {
                for &a in &part {
                    for &b in &part {
                        w.nudge_expectation(a, b, dy.exercise_gain);
                    }
                }
            }
        }
        EventKind::TreatyProposal {
            proposer,
            obligation,
            ..
        } => {
            let parties = ev.treaty_parties(w);
            for d in &rec.decisions {
                if chose(opts, d) != "sign" {
                    w.nudge_expectation(*proposer, d.actor, -dy.abstain_loss);
                }
            }
            if rec.outcome == "in force" {
                let gain = dy.treaty_gain * analysis::commitment_strength(*obligation);
                for &a in &parties {
                    for &b in &parties {
                        w.nudge_expectation(a, b, gain);
                    }
                }
                w.treaties.push(Treaty {
                    id: ev.id.clone(),
                    parties,
                    obligation: *obligation,
                });
            }
        }
        EventKind::BasingRequest { base, user, host } => {
            if rec.outcome == "granted" {
                match w.bases.iter_mut().find(|b| b.id == *base) {
                    Some(b) => {
                        b.open = true;
                        b.host = *host;
                        b.user = *user;
                    }
                    None => w.bases.push(Base {
                        id: base.clone(),
                        host: *host,
                        user: *user,
                        open: true,
                    }),
                }
                w.nudge_expectation(*user, *host, dy.support_gain / 2.0);
            } else {
                w.nudge_expectation(*user, *host, -dy.refusal_loss / 2.0);
            }
        }
        EventKind::WithdrawalDemand {
            demander,
            org,
            user,
            ..
        } => {
            let demanders: Vec<ActorId> = match (demander, org) {
                (Some(a), _) => vec![*a],
                (None, Some(o)) => w.org(*o).members.clone(),
                (None, None) => vec![],
            };
            for d in &rec.decisions {
                let granted = chose(opts, d) == "grant";
                if granted {
                    for b in w
                        .bases
                        .iter_mut()
                        .filter(|b| b.host == d.actor && b.user == *user)
                    {
                        b.open = false;
                    }
                }
                for &x in &demanders {
                    let r = if granted {
                        dy.support_gain / 2.0
                    } else {
                        -dy.refusal_loss / 2.0
                    };
                    w.nudge_expectation(x, d.actor, r);
                }
            }
        }
        EventKind::Declaration { org, .. } => {
            if rec.outcome == "adopted" {
                let members = w.org(*org).members.clone();
                for &a in &members {
                    for &b in &members {
                        w.nudge_expectation(a, b, dy.declaration_gain);
                    }
                }
            }
        }
        EventKind::Shock { changes } => {
            for c in changes {
                let now = w.get(&c.param);
                let next = match c.op {
                    ChangeOp::Set(v) => v,
                    ChangeOp::Add(v) => now + v,
                };
                w.set(&c.param, next.clamp(0.0, 1.0));
            }
        }
        EventKind::Custom { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::Status;

    fn world(rule: DecisionRule) -> World {
        crate::world::tiny(rule)
    }

    fn event(kind: EventKind) -> Event {
        Event {
            id: "e".into(),
            turn: 1,
            description: String::new(),
            kind,
            proposal: None,
        }
    }

    /// The outcome of `ev` when each `(actor, option)` pair decided so.
    fn outcome_of(ev: &Event, w: &World, choices: &[(ActorId, &str)]) -> String {
        let options = ev.options(w);
        let ds: Vec<Decision> = choices
            .iter()
            .map(|(a, o)| Decision {
                actor: *a,
                scores: vec![0.0; options.len()],
                forbidden: vec![None; options.len()],
                probabilities: vec![0.0; options.len()],
                choice: options.iter().position(|x| x == o).expect("an option"),
                rationale: String::new(),
                handler: "".into(),
            })
            .collect();
        outcome(ev, w, &options, &ds)
    }

    #[test]
    fn passes_under_consensus_and_majority() {
        use DecisionRule::*;
        assert!(passes(Consensus, 3, 0, 3));
        assert!(!passes(Consensus, 2, 1, 3), "one no vetoes");
        assert!(passes(Consensus, 0, 0, 3), "abstentions do not veto");
        assert!(passes(Majority, 2, 1, 3));
        assert!(!passes(Majority, 2, 2, 4), "half is not a majority");
        assert!(!passes(Consensus, 0, 0, 0), "nobody to decide");
        assert!(!passes(Majority, 0, 0, 0), "nobody to decide");
    }

    #[test]
    fn membership_votes_follow_the_rule() {
        let ev = |status| {
            event(EventKind::Membership {
                applicant: 3,
                org: 0,
                status,
            })
        };
        let w = world(DecisionRule::Consensus);
        let all = [(0, "approve"), (1, "approve"), (2, "approve")];
        assert_eq!(outcome_of(&ev(Status::Member), &w, &all), "admitted");
        let one_no = [(0, "approve"), (1, "oppose"), (2, "approve")];
        assert_eq!(outcome_of(&ev(Status::Member), &w, &one_no), "rejected");
        let w = world(DecisionRule::Majority);
        assert_eq!(outcome_of(&ev(Status::Observer), &w, &one_no), "admitted");
    }

    #[test]
    fn an_offer_needs_the_members_and_the_invitee() {
        let ev = event(EventKind::Offer {
            invitee: 3,
            org: 0,
            status: Status::Member,
        });
        let w = world(DecisionRule::Consensus);
        let yes = [(0, "approve"), (1, "approve"), (2, "approve")];
        let with = |d: &'static str| {
            let mut v = yes.to_vec();
            v.push((3, d));
            v
        };
        assert_eq!(outcome_of(&ev, &w, &with("approve")), "joined");
        assert_eq!(outcome_of(&ev, &w, &with("oppose")), "declined");
        let mut vetoed = with("approve");
        vetoed[1] = (1, "oppose");
        assert_eq!(outcome_of(&ev, &w, &vetoed), "blocked");
        // The invitee's own vote never counts as a member's.
        let w = world(DecisionRule::Majority);
        let split = [(0, "approve"), (1, "oppose"), (2, "oppose"), (3, "approve")];
        assert_eq!(outcome_of(&ev, &w, &split), "blocked");
    }

    #[test]
    fn a_withdrawal_demand_closes_or_keeps_each_host_s_bases() {
        let ev = event(EventKind::WithdrawalDemand {
            demander: Some(1),
            org: None,
            user: 0,
            hosts: None,
        });
        let w = world(DecisionRule::Consensus);
        assert_eq!(ev.deciders(&w), vec![2, 3], "the hosts of A's open bases");
        let both = [(2, "grant"), (3, "deny")];
        assert_eq!(outcome_of(&ev, &w, &both), "closed by C; kept by D");
        assert_eq!(
            outcome_of(&ev, &w, &[(2, "grant"), (3, "grant")]),
            "closed by C, D"
        );
        assert_eq!(outcome_of(&ev, &w, &[(3, "deny")]), "kept by D");
        assert_eq!(outcome_of(&ev, &w, &[]), "no bases to close");
        for o in [
            "closed by C; kept by D",
            "closed by C, D",
            "kept by D",
            "no bases to close",
        ] {
            assert!(ev.can_end_in(o, &w), "{o}");
        }
        assert!(!ev.can_end_in("closed by X", &w));
        // Effects: a granted demand closes that host's base of the user.
        let options = ev.options(&w);
        let rec = EventRecord {
            event: 0,
            turn: 1,
            decisions: both
                .iter()
                .map(|(a, o)| Decision {
                    actor: *a,
                    scores: vec![0.0; 2],
                    forbidden: vec![None; 2],
                    probabilities: vec![0.0; 2],
                    choice: options.iter().position(|x| x == o).unwrap(),
                    rationale: String::new(),
                    handler: "".into(),
                })
                .collect(),
            options,
            outcome: "closed by C; kept by D".into(),
        };
        let mut after = w.clone();
        apply(&ev, &rec, &mut after);
        let open: Vec<(&str, bool)> = after
            .bases
            .iter()
            .map(|b| (b.id.as_str(), b.open))
            .collect();
        assert_eq!(open, vec![("b1", true), ("b2", false)]);
    }

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
