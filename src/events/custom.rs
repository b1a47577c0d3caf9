//! Custom kinds a scenario declares under `custom_kinds:`: listed deciders
//! choose among declared options; only scripts know what they mean, so the
//! outcome is the most chosen option and nothing changes in the world.

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, count, name_or_empty};
use crate::value::{Fields, Value};
use crate::world::{ActorId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "custom",
    required: &["deciders"],
    optional: &["requester", "params"],
    proposal: None,
    proposal_required: &[],
    outcomes: &[],
    options: &[],
    sided: &[],
    outcome_forms: &[],
    parse: |_| None,
};

#[derive(Debug, Clone)]
pub struct Custom {
    pub kind: String,
    pub options: Vec<String>,
    pub deciders: Vec<ActorId>,
    pub requester: Option<ActorId>,
    pub params: Vec<(String, String)>,
}

/// Read a custom kind `kind` with its declared `options`.
pub fn parse(inp: &mut dyn Input, kind: &str, options: &[String]) -> Option<EventKind> {
    Some(EventKind::Custom(Custom {
        kind: kind.to_string(),
        options: options.to_vec(),
        deciders: inp.actors("deciders").unwrap_or_default(),
        requester: inp.actor("requester"),
        params: inp.params("params"),
    }))
}

impl Kind for Custom {
    fn name(&self) -> &str {
        &self.kind
    }

    fn deciders(&self, _w: &World) -> Vec<ActorId> {
        self.deciders.clone()
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        (0..self.options.len()).map(Choice::Custom).collect()
    }

    fn custom_labels(&self) -> &[String] {
        &self.options
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("requester".into(), name_or_empty(w, self.requester));
        let p = self
            .params
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        m.insert("params".into(), Value::Map(p));
    }

    fn outcome(&self, _w: &World, votes: &[(ActorId, Choice)]) -> String {
        (0..self.options.len())
            .max_by_key(|i| (count(votes, Choice::Custom(*i)), std::cmp::Reverse(*i)))
            .map_or_else(
                || "no decision".into(),
                |i| format!("mostly {}", self.options[i]),
            )
    }

    fn outcome_forms(&self, _w: &World) -> Vec<String> {
        // (`no decision` only for a kind without options, which is refused.)
        self.options.iter().map(|o| format!("mostly {o}")).collect()
    }

    fn apply(&self, _id: &str, _votes: &[(ActorId, Choice)], _outcome: &str, _w: &mut World) {}

    fn acts(&self, _votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, _out: &mut Vec<Act>) {}
}
