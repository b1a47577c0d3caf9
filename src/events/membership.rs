//! `membership_application`: a state applies for member, observer or
//! dialogue-partner status; the organization's active members decide by its
//! rule (§3.4: consensus, observers do not vote). Several `applicants:` are
//! one package, decided together (India and Pakistan, admitted to the SCO
//! together in 2017), and no applicant votes on another.

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, count, passes};
use crate::interest::{self, Interest, Terms};
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
    sided: &[],
    outcome_forms: &[],
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

/// Admitting `newcomers` to `org`, for a member `me`: ties with them and
/// what one counts on from them, against the threat they pose and the feud
/// each would bring in. A common enemy is welcome (balance of threat), but
/// the group is branded against it (image: §3.4, the "rogue states'
/// union") and may be drawn into the feud (entrapment, more so the more its
/// treaty binds and the stronger the enemy). An organization a member
/// values (`<org>_priority`) gains weight by enlarging. An observer brings
/// in half as much, a dialogue partner a quarter.
pub(super) fn admission(
    w: &World,
    me: ActorId,
    org: OrgId,
    newcomers: &[ActorId],
    status: Status,
) -> Terms {
    let o = w.org(org);
    let inside = |x: ActorId| o.is_member(x) || newcomers.contains(&x);
    let bind = o.strongest_obligation().map_or(0.0, |b| b.strength());
    let weight = match status {
        Status::Member => 1.0,
        Status::Observer => 0.5,
        Status::DialoguePartner => 0.25,
    };
    // An organization a member values gains weight by enlarging.
    let priority = interest::attribute(w, me, &format!("{}_priority", o.id.to_lowercase()));
    let mut t = Terms::ZERO.with(Interest::Image, 0.25 * weight * priority);
    for &n in newcomers {
        t = t
            .with(Interest::Affinity, interest::affinity(w, me, n))
            .with(Interest::Abandonment, w.expectation.get(me, n))
            // A rival inside gains a voice and, as a member, a veto.
            .with(Interest::Security, -(1.0 + weight) * w.threat.get(me, n));
        if let Some((foe, feud)) = interest::feud(w, n, inside) {
            t = t
                .with(Interest::Security, weight * feud * w.threat.get(me, foe))
                .with(
                    Interest::Affinity,
                    -weight * feud * interest::affinity(w, me, foe),
                )
                .with(Interest::Image, -weight * feud)
                .with(
                    Interest::Entrapment,
                    -weight * feud * bind.max(0.2) * interest::stakes(w, &[foe]),
                );
        }
    }
    t
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

    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        if c != Choice::Approve {
            return Terms::ZERO;
        }
        admission(w, me, self.org, &self.applicants, self.status)
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
                w.org_mut(self.org).admit(a, self.status);
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
