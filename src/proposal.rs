//! Endogenous moves: turning the map a rule script's `propose` returns into
//! an event of the next turn. The proposing actor fills the kind's subject
//! (proposer, applicant, requester, demander, user or departing member), so
//! a script cannot act in another state's name.

use std::collections::BTreeMap;

use crate::event::{DepartureMode, Event, EventKind, Proposal, Theme};
use crate::value::{Fields as Map, Value};
use crate::world::{ActorId, Obligation, OrgId, Status, World};

/// The kinds a script may propose, and the fields each takes besides
/// `kind`, `id`, `why` and `description`.
pub const KINDS: &[(&str, &[&str])] = &[
    ("treaty_proposal", &["name", "org", "parties", "obligation"]),
    ("joint_exercise", &["name", "org", "participants", "theme"]),
    ("declaration", &["org", "text", "theme", "against"]),
    ("membership_application", &["org", "status"]),
    ("membership_offer", &["invitee", "org", "status"]),
    (
        "backing_request",
        &["issue", "recognition", "against", "org", "deciders"],
    ),
    ("withdrawal_demand", &["user", "org", "hosts"]),
    ("basing_request", &["base", "host"]),
    ("departure", &["org", "mode"]),
];

struct Fields<'w> {
    w: &'w World,
    m: BTreeMap<String, Value>,
}

impl Fields<'_> {
    fn text(&mut self, k: &str) -> Result<Option<String>, String> {
        match self.m.remove(k) {
            None => Ok(None),
            Some(Value::Str(v)) => Ok(Some(v)),
            Some(v) => Err(format!("`{k}` must be a string, found {}", v.type_name())),
        }
    }
    fn need(&mut self, k: &str) -> Result<String, String> {
        self.text(k)?.ok_or_else(|| format!("missing `{k}`"))
    }
    fn actor(&mut self, k: &str) -> Result<Option<ActorId>, String> {
        self.text(k)?
            .map(|id| {
                self.w
                    .actor_id(&id)
                    .ok_or_else(|| format!("`{k}`: unknown actor `{id}`"))
            })
            .transpose()
    }
    fn org(&mut self, k: &str) -> Result<Option<OrgId>, String> {
        self.text(k)?
            .map(|id| {
                self.w
                    .org_id(&id)
                    .ok_or_else(|| format!("`{k}`: unknown organization `{id}`"))
            })
            .transpose()
    }
    fn actors(&mut self, k: &str) -> Result<Option<Vec<ActorId>>, String> {
        let Some(v) = self.m.remove(k) else {
            return Ok(None);
        };
        let Value::List(arr) = v else {
            return Err(format!(
                "`{k}` must be an array of actor ids, found {}",
                v.type_name()
            ));
        };
        let mut out = Vec::new();
        for x in arr {
            let id = x.to_string();
            out.push(
                self.w
                    .actor_id(&id)
                    .ok_or_else(|| format!("`{k}`: unknown actor `{id}`"))?,
            );
        }
        out.sort_unstable();
        out.dedup();
        Ok(Some(out))
    }
    fn theme(&mut self) -> Result<Theme, String> {
        match self.text("theme")?.as_deref() {
            None | Some("internal") => Ok(Theme::Internal),
            Some("external") => Ok(Theme::External),
            Some(x) => Err(format!("`theme` must be internal or external, found `{x}`")),
        }
    }
    fn status(&mut self) -> Result<Status, String> {
        match self.text("status")?.as_deref() {
            None | Some("member") => Ok(Status::Member),
            Some("observer") => Ok(Status::Observer),
            Some(x) => Err(format!("`status` must be member or observer, found `{x}`")),
        }
    }
}

/// Build the event `actor` proposes at the end of `turn`, due at `turn + 1`.
pub fn build(
    w: &World,
    actor: ActorId,
    map: Map,
    turn: u32,
    handler: &str,
) -> Result<Event, String> {
    let mut f = Fields { w, m: map };
    let kind = f.need("kind")?;
    let Some((_, allowed)) = KINDS.iter().find(|(k, _)| *k == kind) else {
        return Err(format!(
            "kind `{kind}` cannot be proposed (proposable kinds: {})",
            KINDS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
        ));
    };
    if let Some(k) = f.m.keys().find(|k| {
        !allowed.contains(&k.as_str()) && !["id", "why", "description"].contains(&k.as_str())
    }) {
        return Err(format!(
            "field `{k}` does not apply to a proposed `{kind}` (fields: {})",
            allowed.join(", ")
        ));
    }
    let me = w.name(actor);
    let id = f.text("id")?.unwrap_or_else(|| format!("{me}:{kind}"));
    let rationale = f.text("why")?.unwrap_or_default();
    let description = f.text("description")?.unwrap_or_default();
    let member_of = |o: OrgId| w.org(o).is_member(actor);
    let ek = match kind.as_str() {
        "treaty_proposal" => {
            let (org, parties) = (f.org("org")?, f.actors("parties")?);
            if org.is_none() && parties.is_none() {
                return Err("a treaty needs `org` or `parties`".into());
            }
            let ob = f.need("obligation")?;
            EventKind::TreatyProposal {
                name: f.text("name")?.unwrap_or_else(|| id.clone()),
                proposer: actor,
                org,
                parties,
                obligation: Obligation::parse(&ob).ok_or_else(|| {
                    format!("unknown obligation `{ob}`: defence, offence, neutrality, non_aggression or consultation")
                })?,
            }
        }
        "joint_exercise" => {
            let (org, participants) = (f.org("org")?, f.actors("participants")?);
            if org.is_none() && participants.is_none() {
                return Err("an exercise needs `org` or `participants`".into());
            }
            EventKind::JointExercise {
                name: f.text("name")?.unwrap_or_else(|| id.clone()),
                org,
                participants,
                theme: f.theme()?,
            }
        }
        "declaration" => {
            let org = f.org("org")?.ok_or("missing `org`")?;
            if !member_of(org) {
                return Err(format!("{me} is not a member of {}", w.org(org).id));
            }
            EventKind::Declaration {
                org,
                text: f.text("text")?.unwrap_or_default(),
                theme: f.theme()?,
                against: f.actor("against")?,
            }
        }
        "membership_application" => {
            let org = f.org("org")?.ok_or("missing `org`")?;
            if member_of(org) {
                return Err(format!("{me} is already a member of {}", w.org(org).id));
            }
            EventKind::Membership {
                applicant: actor,
                org,
                status: f.status()?,
            }
        }
        "membership_offer" => {
            let org = f.org("org")?.ok_or("missing `org`")?;
            let invitee = f.actor("invitee")?.ok_or("missing `invitee`")?;
            if w.org(org).is_member(invitee) {
                return Err(format!(
                    "{} is already a member of {}",
                    w.name(invitee),
                    w.org(org).id
                ));
            }
            EventKind::Offer {
                invitee,
                org,
                status: f.status()?,
            }
        }
        "backing_request" => EventKind::Backing {
            requester: actor,
            issue: f.need("issue")?,
            recognition: f.text("recognition")?,
            against: f.actor("against")?,
            org: f.org("org")?,
            deciders: f.actors("deciders")?,
        },
        "withdrawal_demand" => EventKind::WithdrawalDemand {
            demander: Some(actor),
            org: f.org("org")?,
            user: f.actor("user")?.ok_or("missing `user`")?,
            hosts: f.actors("hosts")?,
        },
        "basing_request" => EventKind::BasingRequest {
            base: f.need("base")?,
            user: actor,
            host: f.actor("host")?.ok_or("missing `host`")?,
        },
        "departure" => {
            let org = f.org("org")?.ok_or("missing `org`")?;
            if !member_of(org) {
                return Err(format!("{me} is not a member of {}", w.org(org).id));
            }
            EventKind::Departure {
                actor,
                org,
                mode: match f.need("mode")?.as_str() {
                    "freeze" => DepartureMode::Freeze,
                    "leave" => DepartureMode::Leave,
                    x => return Err(format!("`mode` must be freeze or leave, found `{x}`")),
                },
            }
        }
        other => return Err(format!("kind `{other}` cannot be proposed")),
    };
    Ok(Event {
        id,
        turn: turn + 1,
        description,
        kind: ek,
        proposal: Some(Proposal {
            by: actor,
            rationale,
            handler: handler.to_string(),
            at_turn: turn,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::DecisionRule;

    fn propose(actor: ActorId, fields: &[(&str, Value)]) -> Result<Event, String> {
        let w = crate::world::tiny(DecisionRule::Consensus);
        let m: Map = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        build(&w, actor, m, 1, "rules/x.rhai: propose")
    }

    fn s(x: &str) -> Value {
        Value::from(x)
    }

    #[test]
    fn the_proposer_fills_the_subject_and_the_event_is_due_next_turn() {
        let ev = propose(
            3,
            &[("kind", s("membership_application")), ("org", s("ORG"))],
        )
        .unwrap();
        assert!(matches!(
            ev.kind,
            EventKind::Membership {
                applicant: 3,
                org: 0,
                ..
            }
        ));
        assert_eq!((ev.id.as_str(), ev.turn), ("D:membership_application", 2));
        let p = ev.proposal.unwrap();
        assert_eq!((p.by, p.at_turn), (3, 1));
    }

    #[test]
    fn bad_proposals_say_what_is_wrong() {
        type Case<'a> = (ActorId, &'a [(&'a str, Value)], &'a str);
        let cases: &[Case] = &[
            (0, &[], "missing `kind`"),
            (
                0,
                &[("kind", s("armed_conflict"))],
                "kind `armed_conflict` cannot be proposed",
            ),
            (
                0,
                &[("kind", Value::Int(3))],
                "`kind` must be a string, found integer",
            ),
            (
                0,
                &[
                    ("kind", s("departure")),
                    ("org", s("ORG")),
                    ("mode", s("leave")),
                    ("host", s("B")),
                ],
                "field `host` does not apply to a proposed `departure`",
            ),
            (
                3,
                &[
                    ("kind", s("departure")),
                    ("org", s("ORG")),
                    ("mode", s("leave")),
                ],
                "D is not a member of ORG",
            ),
            (
                0,
                &[
                    ("kind", s("departure")),
                    ("org", s("ORG")),
                    ("mode", s("go")),
                ],
                "`mode` must be freeze or leave",
            ),
            (
                0,
                &[("kind", s("membership_application")), ("org", s("ORG"))],
                "A is already a member of ORG",
            ),
            (
                0,
                &[("kind", s("membership_application")), ("org", s("NOPE"))],
                "`org`: unknown organization `NOPE`",
            ),
            (
                0,
                &[
                    ("kind", s("backing_request")),
                    ("issue", s("x")),
                    ("deciders", s("B")),
                ],
                "`deciders` must be an array of actor ids, found string",
            ),
            (
                0,
                &[
                    ("kind", s("backing_request")),
                    ("issue", s("x")),
                    ("deciders", Value::List(vec![s("Q")])),
                ],
                "`deciders`: unknown actor `Q`",
            ),
            (
                0,
                &[("kind", s("treaty_proposal")), ("obligation", s("defence"))],
                "a treaty needs `org` or `parties`",
            ),
            (
                0,
                &[
                    ("kind", s("treaty_proposal")),
                    ("org", s("ORG")),
                    ("obligation", s("eternal")),
                ],
                "unknown obligation `eternal`",
            ),
            (
                0,
                &[
                    ("kind", s("joint_exercise")),
                    ("org", s("ORG")),
                    ("theme", s("both")),
                ],
                "`theme` must be internal or external",
            ),
            (
                3,
                &[
                    ("kind", s("membership_offer")),
                    ("org", s("ORG")),
                    ("invitee", s("B")),
                ],
                "B is already a member of ORG",
            ),
        ];
        for (actor, fields, want) in cases {
            match propose(*actor, fields) {
                Ok(ev) => panic!("{fields:?} built {ev:?}"),
                Err(e) => assert!(e.contains(want), "{fields:?}: `{e}` lacks `{want}`"),
            }
        }
    }
}
