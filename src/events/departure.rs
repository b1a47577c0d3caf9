//! `departure`: a member freezes its participation or leaves an
//! organization (Uzbekistan and the CSTO, 1999 and 2012; Snyder's
//! abandonment). A unilateral step: no one decides.

use super::{Act, Choice, EventKind, Input, Kind, KindSpec};
use crate::value::{Fields, Value};
use crate::world::{ActorId, OrgId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "departure",
    required: &["actor", "org", "mode"],
    optional: &[],
    proposal: Some(&["org", "mode"]),
    proposal_required: &["org", "mode"],
    outcomes: &["frozen", "left"],
    options: &[],
    sided: &[],
    outcome_forms: &[],
    parse,
};

/// Freeze (stay a member without taking part) or leave altogether.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepartureMode {
    Freeze,
    Leave,
}

impl DepartureMode {
    pub fn name(self) -> &'static str {
        match self {
            DepartureMode::Freeze => "freeze",
            DepartureMode::Leave => "leave",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Departure {
    pub actor: ActorId,
    pub org: OrgId,
    pub mode: DepartureMode,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let actor = inp.subject("actor");
    let org = inp.org("org");
    if !inp.proposer_in(org) {
        return None;
    }
    let mode = match inp.keyword("mode", &["freeze", "leave"])?.as_str() {
        "leave" => DepartureMode::Leave,
        _ => DepartureMode::Freeze,
    };
    Some(EventKind::Departure(Departure {
        actor: actor?,
        org: org?,
        mode,
    }))
}

impl Kind for Departure {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, _w: &World) -> Vec<ActorId> {
        vec![]
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("member".into(), Value::from(w.name(self.actor)));
        m.insert("org".into(), Value::from(w.org(self.org).id.as_str()));
        m.insert("mode".into(), Value::from(self.mode.name()));
    }

    fn outcome(&self, _w: &World, _votes: &[(ActorId, Choice)]) -> String {
        match self.mode {
            DepartureMode::Freeze => "frozen",
            DepartureMode::Leave => "left",
        }
        .into()
    }

    fn outcome_forms(&self, w: &World) -> Vec<String> {
        vec![self.outcome(w, &[])]
    }

    fn apply(&self, _id: &str, _votes: &[(ActorId, Choice)], _outcome: &str, w: &mut World) {
        // The others learn not to count on a member that steps back.
        let loss = w.dynamics.refusal_loss;
        for m in w.org(self.org).members.clone() {
            w.nudge_expectation(m, self.actor, -loss);
        }
        let o = w.org_mut(self.org);
        match self.mode {
            DepartureMode::Freeze => {
                if !o.suspended.contains(&self.actor) {
                    o.suspended.push(self.actor);
                    o.suspended.sort_unstable();
                }
            }
            DepartureMode::Leave => o.expel(self.actor),
        }
    }

    fn acts(&self, _votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, _out: &mut Vec<Act>) {}
}
