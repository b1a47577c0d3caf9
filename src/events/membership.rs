//! `membership_application`: a state applies for member, observer or
//! dialogue-partner status; the organization's active members decide by its
//! rule (§3.4: consensus, observers do not vote). Several `applicants:` are
//! one package, decided together (India and Pakistan, admitted to the SCO
//! together in 2017), and no applicant votes on another.

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, count, passes};
use crate::value::{Fields, Value};
use crate::world::{ActorId, OrgId, Status, World};

pub const SPEC: KindSpec = KindSpec {
    name: "membership_application",
    required: &["org"],
    optional: &["applicant", "applicants", "status"],
    proposal: Some(&["org", "status"]),
    proposal_required: &["org"],
    outcomes: &["admitted", "rejected"],
    options: &["approve", "oppose"],
    parse,
};

#[derive(Debug, Clone)]
pub struct Membership {
    /// One applicant, or a package decided together, in id order.
    pub applicants: Vec<ActorId>,
    pub org: OrgId,
    pub status: Status,
}

/// `status:` member (default), observer or dialogue_partner.
pub(super) fn status(inp: &mut dyn Input) -> Status {
    match inp
        .keyword("status", &["member", "observer", "dialogue_partner"])
        .as_deref()
    {
        Some("observer") => Status::Observer,
        Some("dialogue_partner") => Status::DialoguePartner,
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
    let name = w.name(who).to_string();
    inp.error_at_item(field, &name, 0, msg, "already a member");
    false
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let applicants = match (inp.has("applicant"), inp.has("applicants")) {
        (false, false) if inp.proposer().is_none() => {
            inp.error(
                None,
                "a `membership_application` needs `applicant` or `applicants`".into(),
                "who applies?",
            );
            return None;
        }
        (_, false) => vec![inp.subject("applicant")?],
        (false, true) => {
            let list = inp.actors_as_written("applicants")?;
            let mut unique = list.clone();
            unique.sort_unstable();
            unique.dedup();
            if unique.len() < list.len() {
                let again = (1..list.len())
                    .find(|j| list[..*j].contains(&list[*j]))
                    .map_or(String::new(), |j| inp.world().name(list[j]).to_string());
                let msg = format!("a package lists the applicant `{again}` twice");
                inp.error_at_item("applicants", &again, 1, msg, "each applicant once");
                return None;
            }
            if unique.is_empty() {
                inp.error(
                    Some("applicants"),
                    "a package needs applicants".into(),
                    "empty",
                );
                return None;
            }
            unique
        }
        (true, true) => {
            inp.error(
                Some("applicants"),
                "give `applicant` or `applicants`, not both".into(),
                "one or the other",
            );
            return None;
        }
    };
    let org = inp.org("org");
    let status = status(inp);
    for a in &applicants {
        let field = if inp.has("applicants") {
            "applicants"
        } else {
            "applicant"
        };
        if !not_yet_member(inp, field, Some(*a), org) {
            return None;
        }
    }
    Some(EventKind::Membership(Membership {
        applicants,
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
        d.retain(|a| !self.applicants.contains(a));
        d
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![Choice::Approve, Choice::Oppose]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("applicant".into(), Value::from(w.name(self.applicants[0])));
        m.insert("applicants".into(), super::names(w, &self.applicants));
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
            for &a in &self.applicants {
                w.nudge_expectation(a, by, r);
            }
        }
        if outcome == "admitted" {
            for &a in &self.applicants {
                w.orgs[self.org].admit(a, self.status);
            }
        }
    }

    fn acts(&self, votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, out: &mut Vec<Act>) {
        for &(by, c) in votes {
            for &to in &self.applicants {
                out.push(Act::Stance {
                    by,
                    to,
                    backs: c == Choice::Approve,
                });
            }
        }
    }
}
