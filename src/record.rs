//! The record of a run: what was decided at each event, by whom, among
//! which options, and what came of it. The simulator writes it; the
//! analysis, the coalition finder and the reports read it. Here, so that
//! those arrows point one way (run -> record -> analysis -> report).

use std::sync::Arc;

pub use crate::events::Forbidden;
use crate::events::{Act, Choice, Event};
use crate::world::{ActorId, World};

/// One actor's decision on one event: its choice, and what its rules and
/// the world made of the options (shared with every run that reached the
/// event in the same state: one reference count per decision, issue 12).
/// Reads of the deliberation's fields go through `Deref`: `d.scores`.
#[derive(Debug, Clone)]
pub struct Decision {
    pub actor: ActorId,
    pub choice: usize,
    pub deliberation: Arc<Deliberation>,
}

/// A decider's view of an event's options before its draw: a function of
/// the world and the event alone.
#[derive(Debug, Clone)]
pub struct Deliberation {
    pub scores: Box<[f64]>,
    /// Per option: why the world or the rules forbid it, if they do.
    pub forbidden: Box<[Option<Forbidden>]>,
    pub probabilities: Box<[f64]>,
    pub rationale: Arc<str>,
    /// Which handler answered, e.g. `rules/russia.rhai: on_armed_conflict`.
    pub handler: Arc<str>,
    /// What the handler printed (`print`, `debug`), at most
    /// `rules::MAX_LOG_LINES` lines; shown in the trace only.
    pub log: Box<[String]>,
}

impl std::ops::Deref for Decision {
    type Target = Deliberation;
    fn deref(&self) -> &Deliberation {
        &self.deliberation
    }
}

/// What happened at one event of one run.
#[derive(Debug, Clone)]
pub struct EventRecord {
    /// Index into the plan's timeline.
    pub event: usize,
    pub turn: u32,
    /// The options' labels, as scripts and reports name them (shared by
    /// every run that reaches the event in the same state).
    pub options: Arc<[String]>,
    /// The same options, typed.
    pub choices: Arc<[Choice]>,
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

impl EventRecord {
    /// Each decider with its choice.
    pub fn votes(&self) -> Vec<(ActorId, Choice)> {
        self.decisions
            .iter()
            .map(|d| (d.actor, self.choices[d.choice]))
            .collect()
    }
}

impl RunRecord<'_> {
    /// Every act of support and opposition of the run so far, event by event.
    pub fn all_acts(&self, w: &World) -> Vec<Act> {
        let mut out = Vec::new();
        for rec in &self.events {
            self.acts(rec, w, &mut out);
        }
        out
    }

    /// The acts of support and opposition an event's record amounts to.
    pub fn acts(&self, rec: &EventRecord, w: &World, out: &mut Vec<Act>) {
        self.event(rec)
            .kind
            .kind()
            .acts(&rec.votes(), &rec.outcome, w, out);
    }
}
