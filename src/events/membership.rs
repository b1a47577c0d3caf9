//! `membership_application`: a state applies for member or observer status;
//! the organization's active members decide by its rule (§3.4: consensus,
//! observers do not vote).

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, count, passes};
use crate::value::{Fields, Value};
use crate::world::{ActorId, OrgId, Status, World};

pub const SPEC: KindSpec = KindSpec {
    name: "membership_application",
    required: &["applicant", "org"],
    optional: &["status"],
    proposal: Some(&["org", "status"]),
    proposal_required: &["org"],
    outcomes: &["admitted", "rejected"],
    options: &["approve", "oppose"],
    parse,
};

#[derive(Debug, Clone)]
pub struct Membership {
    pub applicant: ActorId,
    pub org: OrgId,
    pub status: Status,
}

/// `status:` member (default) or observer.
pub(super) fn status(inp: &mut dyn Input) -> Status {
    match inp.keyword("status", &["member", "observer"]).as_deref() {
        Some("observer") => Status::Observer,
        _ => Status::Member,
    }
}

/// The newcomer must not be a member already.
pub(super) fn not_yet_member(
    inp: &mut dyn Input,
    field: &str,
    who: Option<ActorId>,
    org: Option<OrgId>,
) -> bool {
    let (Some(who), Some(org)) = (who, org) else {
        return true;
    };
    let w = inp.world();
    if !w.org(org).is_member(who) {
        return true;
    }
    let msg = format!(
        "`{}` is already a member of `{}`",
        w.name(who),
        w.org(org).id
    );
    inp.error(Some(field), msg, "already a member");
    false
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let applicant = inp.subject("applicant");
    let org = inp.org("org");
    let status = status(inp);
    if !not_yet_member(inp, "applicant", applicant, org) {
        return None;
    }
    Some(EventKind::Membership(Membership {
        applicant: applicant?,
        org: org?,
        status,
    }))
}

impl Kind for Membership {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        let mut d = w.org(self.org).active_members();
        d.retain(|a| *a != self.applicant);
        d
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![Choice::Approve, Choice::Oppose]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("applicant".into(), Value::from(w.name(self.applicant)));
        m.insert("org".into(), Value::from(w.org(self.org).id.as_str()));
        m.insert("status".into(), Value::from(self.status.name()));
    }

    fn outcome(&self, w: &World, votes: &[(ActorId, Choice)]) -> String {
        let ok = passes(
            w.org(self.org).decision,
            count(votes, Choice::Approve),
            count(votes, Choice::Oppose),
            votes.len(),
        );
        if ok { "admitted" } else { "rejected" }.into()
    }

    fn outcome_forms(&self, _w: &World) -> Vec<String> {
        SPEC.outcomes.iter().map(|s| s.to_string()).collect()
    }

    fn apply(&self, _id: &str, votes: &[(ActorId, Choice)], outcome: &str, w: &mut World) {
        let dy = w.dynamics.clone();
        for &(by, c) in votes {
            let r = if c == Choice::Approve {
                dy.support_gain / 2.0
            } else {
                -dy.refusal_loss
            };
            w.nudge_expectation(self.applicant, by, r);
        }
        if outcome == "admitted" {
            w.orgs[self.org].admit(self.applicant, self.status);
        }
    }

    fn acts(&self, votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, out: &mut Vec<Act>) {
        for &(by, c) in votes {
            out.push(Act::Stance {
                by,
                to: self.applicant,
                backs: c == Choice::Approve,
            });
        }
    }
}
