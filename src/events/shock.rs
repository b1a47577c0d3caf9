//! `shock`: an exogenous change of world parameters (NATO enlargement,
//! missile defence raising threat, §IV). No one decides.

use super::{Act, Choice, EventKind, Input, Kind, KindSpec};
use crate::value::Fields;
use crate::world::{ActorId, Param, World};

pub const SPEC: KindSpec = KindSpec {
    name: "shock",
    required: &["changes"],
    optional: &[],
    proposal: None,
    proposal_required: &[],
    outcomes: &["applied"],
    options: &[],
    sided: &[],
    outcome_forms: &[],
    parse,
};

/// A change a shock makes to a world parameter.
#[derive(Debug, Clone)]
pub struct Change {
    pub param: Param,
    pub path: String,
    pub op: ChangeOp,
}

#[derive(Debug, Clone, Copy)]
pub enum ChangeOp {
    Set(f64),
    Add(f64),
}

#[derive(Debug, Clone)]
pub struct Shock {
    pub changes: Vec<Change>,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    Some(EventKind::Shock(Shock {
        changes: inp.changes("changes"),
    }))
}

impl Kind for Shock {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, _w: &World) -> Vec<ActorId> {
        vec![]
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![]
    }

    fn facts(&self, _w: &World, _deciders: &[ActorId], _m: &mut Fields) {}

    fn outcome(&self, _w: &World, _votes: &[(ActorId, Choice)]) -> String {
        "applied".into()
    }

    fn outcome_forms(&self, _w: &World) -> Vec<String> {
        vec!["applied".into()]
    }

    fn apply(&self, _id: &str, _votes: &[(ActorId, Choice)], _outcome: &str, w: &mut World) {
        for c in &self.changes {
            let now = w.get(&c.param);
            let next = match c.op {
                ChangeOp::Set(v) => v,
                ChangeOp::Add(v) => now + v,
            };
            w.set(&c.param, next.clamp(0.0, 1.0));
        }
    }

    fn acts(&self, _votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, _out: &mut Vec<Act>) {}
}
