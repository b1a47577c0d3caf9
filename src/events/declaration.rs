//! `declaration`: an organization's members adopt or block a common text
//! under its rule (Astana 2005, §3.3). Adopted outward declarations are
//! collective acts aimed outside the membership.

use super::{
    Act, Choice, EventKind, Input, Kind, KindSpec, Scope, Theme, count, name_or_empty, passes,
};
use crate::interest::{self, Interest, Terms};
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
    sided: &[],
    outcome_forms: &[],
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

/// A common text of `org` (a declaration, a statement). Internal themes
/// serve regime security; a text against a state balances the threat from
/// it at the price of ties with it and of standing with third parties (the
/// SCO's "not directed against other States", §IV). Adopting shows
/// partners solidarity; blocking a consensus text isolates its author in an
/// organization it values (`<org>_priority`) and disappoints the partners
/// it counts on; dissociating, half as much.
pub(super) fn text(
    w: &World,
    me: ActorId,
    org: OrgId,
    theme: Theme,
    against: Option<ActorId>,
    c: Choice,
) -> Terms {
    let o = w.org(org);
    let solidarity = interest::mean_over(&o.members, me, |m| w.expectation.get(me, m));
    let priority = interest::attribute(w, me, &format!("{}_priority", o.id.to_lowercase()));
    // A declaration binds no one (§3.3: Kyrgyzstan signed at Astana and
    // kept Manas): adopting costs no freedom of action, only standing.
    match c {
        Choice::Adopt => {
            let t = Terms::ZERO.with(Interest::Abandonment, 0.5 * solidarity);
            match (theme, against) {
                (_, Some(x)) => t
                    .with(Interest::Security, w.threat.get(me, x))
                    .with(Interest::Affinity, -interest::affinity(w, me, x))
                    .with(Interest::Image, -0.5),
                (Theme::External, None) => t
                    .with(
                        Interest::Security,
                        interest::outside_threat(w, me, |x| o.is_member(x)),
                    )
                    .with(Interest::Image, -0.25),
                (Theme::Internal, None) => t.with(Interest::Regime, 0.5),
            }
        }
        Choice::Block => Terms::ZERO
            .with(Interest::Image, -priority)
            .with(Interest::Abandonment, -solidarity),
        Choice::Dissociate => Terms::ZERO
            .with(Interest::Image, -0.5 * priority)
            .with(Interest::Abandonment, -0.5 * solidarity),
        _ => Terms::ZERO,
    }
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

    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        text(w, me, self.org, self.theme, self.against, c)
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
