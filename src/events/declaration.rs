//! `declaration`: an organization's members adopt or block a common text
//! under its rule (Astana 2005, §3.3). Adopted outward declarations are
//! collective acts aimed outside the membership.

use super::{
    Act, Choice, EventKind, Input, Kind, KindSpec, Scope, Theme, count, name_or_empty, passes,
};
use crate::value::{Fields, Value};
use crate::world::{ActorId, OrgId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "declaration",
    required: &["org", "text", "theme"],
    optional: &["against"],
    proposal: Some(&["org", "text", "theme", "against"]),
    proposal_required: &["org"],
    outcomes: &["adopted", "blocked"],
    options: &["adopt", "block"],
    parse,
};

#[derive(Debug, Clone)]
pub struct Declaration {
    pub org: OrgId,
    pub text: String,
    pub theme: Theme,
    pub against: Option<ActorId>,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let org = inp.org("org");
    if !inp.proposer_in(org) {
        return None;
    }
    Some(EventKind::Declaration(Declaration {
        text: inp.text("text").unwrap_or_default(),
        theme: Theme::parse(inp),
        against: inp.actor("against"),
        org: org?,
    }))
}

impl Kind for Declaration {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        w.org(self.org).active_members()
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![Choice::Adopt, Choice::Block]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("org".into(), Value::from(w.org(self.org).id.as_str()));
        m.insert("text".into(), Value::from(self.text.as_str()));
        m.insert("theme".into(), Value::from(self.theme.name()));
        m.insert("against".into(), name_or_empty(w, self.against));
    }

    fn outcome(&self, w: &World, votes: &[(ActorId, Choice)]) -> String {
        let ok = passes(
            w.org(self.org).decision,
            count(votes, Choice::Adopt),
            count(votes, Choice::Block),
            votes.len(),
        );
        if ok { "adopted" } else { "blocked" }.into()
    }

    fn outcome_forms(&self, _w: &World) -> Vec<String> {
        SPEC.outcomes.iter().map(|s| s.to_string()).collect()
    }

    fn apply(&self, _id: &str, _votes: &[(ActorId, Choice)], outcome: &str, w: &mut World) {
        if outcome == "adopted" {
            let gain = w.dynamics.declaration_gain;
            let members = w.org(self.org).members.clone();
            for &a in &members {
                for &b in &members {
                    w.nudge_expectation(a, b, gain);
                }
            }
        }
    }

    fn acts(&self, votes: &[(ActorId, Choice)], outcome: &str, _w: &World, out: &mut Vec<Act>) {
        out.push(Act::Collective {
            scope: Scope::Org(self.org),
            theme: self.theme,
            happened: outcome == "adopted",
            took_part: votes
                .iter()
                .map(|&(a, c)| (a, if c == Choice::Adopt { 1.0 } else { 0.0 }))
                .collect(),
            drill: false,
            against: self.against,
        });
    }
}
