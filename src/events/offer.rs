//! `membership_offer`: the members offer a state a seat; they vote and the
//! invitee accepts or declines (Mongolia, §3.4).

use super::membership::{admission, not_yet_member, status};
use super::{Act, Choice, EventKind, Input, Kind, KindSpec, passes};
use crate::interest::{self, Interest, Terms};
use crate::value::{Fields, Value};
use crate::world::{ActorId, OrgId, Status, World};

pub const SPEC: KindSpec = KindSpec {
    name: "membership_offer",
    required: &["invitee", "org"],
    optional: &["status"],
    proposal: Some(&["invitee", "org", "status"]),
    proposal_required: &["invitee", "org"],
    outcomes: &["joined", "declined", "blocked"],
    options: &["approve", "oppose"],
    sided: &[],
    outcome_forms: &[],
    parse,
};

#[derive(Debug, Clone)]
pub struct Offer {
    pub invitee: ActorId,
    pub org: OrgId,
    pub status: Status,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let invitee = inp.actor("invitee");
    let org = inp.org("org");
    let status = status(inp);
    if !not_yet_member(inp, "invitee", invitee, org) {
        return None;
    }
    Some(EventKind::Offer(Offer {
        invitee: invitee?,
        org: org?,
        status,
    }))
}

impl Kind for Offer {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        let mut d = w.org(self.org).active_members();
        d.push(self.invitee);
        d
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![Choice::Approve, Choice::Oppose]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("invitee".into(), Value::from(w.name(self.invitee)));
        m.insert("org".into(), Value::from(w.org(self.org).id.as_str()));
        m.insert("status".into(), Value::from(self.status.name()));
    }

    /// Members weigh the invitee as an applicant; the invitee weighs the
    /// freedom an outsider keeps (§3.4: Mongolia's choice) against its ties
    /// with the members and the value it puts on the organization
    /// (`<org>_priority`, e.g. `sco_priority`).
    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        if me != self.invitee {
            // The organization made the offer: a member that opposes it
            // blocks its own organization's act (like a veto of a text).
            return match c {
                Choice::Approve => admission(w, me, self.org, &[self.invitee], self.status),
                _ => super::declaration::text(
                    w,
                    me,
                    self.org,
                    super::Theme::Internal,
                    None,
                    Choice::Block,
                ),
            };
        }
        if c != Choice::Approve {
            return Terms::ZERO;
        }
        let o = w.org(self.org);
        let bind = o.strongest_obligation().map_or(0.0, |b| b.strength());
        let priority = interest::attribute(w, me, &format!("{}_priority", o.id.to_lowercase()));
        Terms::ZERO
            .with(Interest::Autonomy, -(0.5 + bind))
            .with(Interest::Image, priority - 0.5)
            .with(
                Interest::Affinity,
                interest::mean_over(&o.members, me, |m| interest::affinity(w, me, m)),
            )
            .with(
                Interest::Abandonment,
                interest::mean_over(&o.members, me, |m| w.expectation.get(me, m)),
            )
            .with(
                Interest::Security,
                -interest::mean_over(&o.members, me, |m| w.threat.get(me, m)),
            )
    }

    fn outcome(&self, w: &World, votes: &[(ActorId, Choice)]) -> String {
        let members: Vec<Choice> = votes
            .iter()
            .filter(|(a, _)| *a != self.invitee)
            .map(|(_, c)| *c)
            .collect();
        let yes = members.iter().filter(|c| **c == Choice::Approve).count();
        let ok = passes(
            w.org(self.org).decision,
            yes,
            members.len() - yes,
            members.len(),
        );
        let accepts = votes
            .iter()
            .any(|(a, c)| *a == self.invitee && *c == Choice::Approve);
        match (ok, accepts) {
            (true, true) => "joined",
            (true, false) => "declined",
            (false, _) => "blocked",
        }
        .into()
    }

    fn outcome_forms(&self, _w: &World) -> Vec<String> {
        SPEC.outcomes.iter().map(|s| s.to_string()).collect()
    }

    fn apply(&self, _id: &str, votes: &[(ActorId, Choice)], outcome: &str, w: &mut World) {
        let gain = w.dynamics.support_gain / 2.0;
        for &(by, c) in votes.iter().filter(|(a, _)| *a != self.invitee) {
            if c == Choice::Approve {
                w.nudge_expectation(self.invitee, by, gain);
            }
        }
        if outcome == "joined" {
            w.org_mut(self.org).admit(self.invitee, self.status);
        }
    }

    fn acts(&self, _votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, _out: &mut Vec<Act>) {}
}
