//! The record of a run: what was decided at each event, by whom, among
//! which options, and what came of it. The simulator writes it; the
//! analysis, the coalition finder and the reports read it. Here, so that
//! those arrows point one way (run -> record -> analysis -> report).

use std::sync::Arc;

pub use crate::events::Forbidden;
use crate::events::{Act, Choice, Event};
use crate::world::{ActorId, World};

/// One actor's decision on one event.
///
/// Everything but the choice is a function of the world and the event
/// (the ballot, `sim::Prepared`), so it is shared with the ballot: a run
/// that reuses a ballot copies reference counts, not lists (issue 12).
#[derive(Debug, Clone)]
pub struct Decision {
    pub actor: ActorId,
    pub scores: Arc<[f64]>,
    /// Per option: why the world or the rules forbid it, if they do.
    pub forbidden: Arc<[Option<Forbidden>]>,
    pub probabilities: Arc<[f64]>,
    pub choice: usize,
    /// Shared with the ballot it came from: runs that reuse a ballot copy a
    /// reference count, not the text.
    pub rationale: Arc<str>,
    /// Which handler answered, e.g. `rules/russia.rhai: on_armed_conflict`.
    pub handler: Arc<str>,
    /// What the handler printed (`print`, `debug`), at most
    /// `rules::MAX_LOG_LINES` lines; shown in the trace only.
    pub log: Arc<[String]>,
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
