//! Endogenous moves: turning the map a rule script's `propose` returns into
//! an event of the next turn. The kind's own module reads the fields (the
//! same reader as for scenario files); the proposing actor fills the kind's
//! subject (proposer, applicant, requester, demander, user or departing
//! member), so a script cannot act in another state's name.

use crate::events::{self, Change, Event, Input, Proposal};
use crate::value::{Fields, Value};
use crate::world::{ActorId, OrgId, World};

/// The kinds a script may propose, and the fields each takes besides
/// `kind`, `id`, `why` and `description`.
pub fn kinds() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    events::builtin().filter_map(|k| k.proposal.map(|f| (k.name, f)))
}

/// A proposal's fields, read as an event's: the first error wins.
struct Reader<'w> {
    w: &'w World,
    actor: ActorId,
    id: String,
    m: Fields,
    error: Option<String>,
}

impl Reader<'_> {
    /// A field, or a field of a map field (`request.org`).
    fn take(&mut self, k: &str) -> Option<Value> {
        match k.split_once('.') {
            Some((outer, inner)) => match self.m.get_mut(outer)? {
                Value::Map(m) => m.remove(inner),
                _ => None,
            },
            None => self.m.remove(k),
        }
    }
    fn fail(&mut self, msg: String) {
        if self.error.is_none() {
            self.error = Some(msg);
        }
    }
}

impl Input for Reader<'_> {
    fn world(&self) -> &World {
        self.w
    }
    fn proposer(&self) -> Option<ActorId> {
        Some(self.actor)
    }
    fn has(&self, field: &str) -> bool {
        match field.split_once('.') {
            Some((outer, inner)) => {
                matches!(self.m.get(outer), Some(Value::Map(m)) if m.contains_key(inner))
            }
            None => self.m.contains_key(field),
        }
    }
    fn peek(&self, k: &str) -> Option<String> {
        match k.split_once('.') {
            Some((outer, inner)) => match self.m.get(outer)? {
                Value::Map(m) => m.get(inner).and_then(Value::as_str).map(str::to_string),
                _ => None,
            },
            None => self.m.get(k).and_then(Value::as_str).map(str::to_string),
        }
    }
    fn text(&mut self, k: &str) -> Option<String> {
        match self.take(k)? {
            Value::Str(s) => Some(s),
            v => {
                self.fail(format!("`{k}` must be a string, found {}", v.type_name()));
                None
            }
        }
    }
    fn actor(&mut self, k: &str) -> Option<ActorId> {
        let id = self.text(k)?;
        let found = self.w.actor_id(&id);
        if found.is_none() {
            self.fail(format!("`{k}`: unknown actor `{id}`"));
        }
        found
    }
    fn actors(&mut self, k: &str) -> Option<Vec<ActorId>> {
        let mut v = self.actors_as_written(k)?;
        v.sort_unstable();
        v.dedup();
        Some(v)
    }
    fn actors_as_written(&mut self, k: &str) -> Option<Vec<ActorId>> {
        let v = self.take(k)?;
        let Value::List(xs) = v else {
            self.fail(format!(
                "`{k}` must be an array of actor ids, found {}",
                v.type_name()
            ));
            return None;
        };
        let mut out = Vec::new();
        for x in xs {
            let id = x.to_string();
            match self.w.actor_id(&id) {
                Some(a) => out.push(a),
                None => {
                    self.fail(format!("`{k}`: unknown actor `{id}`"));
                    return None;
                }
            }
        }
        Some(out)
    }
    fn org(&mut self, k: &str) -> Option<OrgId> {
        let id = self.text(k)?;
        let found = self.w.org_id(&id);
        if found.is_none() {
            self.fail(format!("`{k}`: unknown organization `{id}`"));
        }
        found
    }
    fn keyword(&mut self, k: &str, allowed: &[&str]) -> Option<String> {
        let x = self.text(k)?;
        if allowed.contains(&x.as_str()) {
            Some(x)
        } else {
            self.fail(format!(
                "`{k}` must be {}, found `{x}`",
                allowed.join(" or ")
            ));
            None
        }
    }
    fn pairs(&mut self, _k: &str) -> Vec<(ActorId, ActorId)> {
        vec![]
    }
    fn changes(&mut self, _k: &str) -> Vec<Change> {
        vec![]
    }
    fn params(&mut self, _k: &str) -> Vec<(String, String)> {
        vec![]
    }
    fn error(&mut self, _field: Option<&str>, message: String, _label: &str) {
        self.fail(message);
    }
    fn event_id(&self) -> &str {
        &self.id
    }
}

/// The generic endogenous move, Snyder's abandonment: a member whose mean
/// expectation of support from its partners in a security organization (a
/// defence obligation) has fallen below its floor freezes its
/// participation; frozen, and with trust below half the floor, it leaves.
/// The floor is the actor's `exit_floor` attribute, else 0.1 (public fact:
/// Uzbekistan left the Collective Security Treaty in 1999 and suspended its
/// CSTO membership in 2012). The proposal map, or `None`.
pub fn reconsider(w: &World, me: ActorId) -> Option<Fields> {
    let floor = w
        .actor(me)
        .attributes
        .get("exit_floor")
        .copied()
        .unwrap_or(0.1);
    for org in w.memberships(me) {
        // Security organizations only: a pledge of defence is what a member
        // counts on, and what it withholds by freezing.
        if !org.obligations.contains(&crate::world::Obligation::Defence) {
            continue;
        }
        let others: Vec<f64> = org
            .members
            .iter()
            .filter(|m| **m != me)
            .map(|m| w.expectation.get(me, *m))
            .collect();
        if others.is_empty() {
            continue;
        }
        let trust = (100.0 * others.iter().sum::<f64>() / others.len() as f64).round() / 100.0;
        let frozen = org.suspended.contains(&me);
        let (mode, why) = if !frozen && trust < floor {
            (
                "freeze",
                format!(
                    "abandonment (Snyder): trust in {} partners fell to {trust}, below {floor}",
                    org.id
                ),
            )
        } else if frozen && trust < floor / 2.0 {
            (
                "leave",
                format!("abandonment (Snyder): still refused while frozen; trust {trust}"),
            )
        } else {
            continue;
        };
        let verb = if mode == "freeze" {
            "freezes"
        } else {
            "leaves"
        };
        let mut m = Fields::new();
        m.insert("kind".into(), Value::from("departure"));
        m.insert(
            "id".into(),
            Value::from(format!("{}-{verb}-{}", w.name(me), org.id).as_str()),
        );
        m.insert("org".into(), Value::from(org.id.as_str()));
        m.insert("mode".into(), Value::from(mode));
        m.insert("why".into(), Value::from(why.as_str()));
        return Some(m);
    }
    None
}

/// Build the event `actor` proposes at the end of `turn`, due at `turn + 1`.
pub fn build(
    w: &World,
    actor: ActorId,
    mut map: Fields,
    turn: u32,
    handler: &str,
) -> Result<Event, String> {
    let kind = match map.remove("kind") {
        Some(Value::Str(k)) => k,
        Some(v) => return Err(format!("`kind` must be a string, found {}", v.type_name())),
        None => return Err("missing `kind`".into()),
    };
    let Some(spec) = events::spec(&kind).filter(|k| k.proposal.is_some()) else {
        return Err(format!(
            "kind `{kind}` cannot be proposed (proposable kinds: {})",
            kinds().map(|(k, _)| k).collect::<Vec<_>>().join(", ")
        ));
    };
    let allowed = spec.proposal.unwrap_or_default();
    if let Some(k) = map.keys().find(|k| {
        !allowed.contains(&k.as_str()) && !["id", "why", "description"].contains(&k.as_str())
    }) {
        return Err(format!(
            "field `{k}` does not apply to a proposed `{kind}` (fields: {})",
            allowed.join(", ")
        ));
    }
    if let Some(k) = spec
        .proposal_required
        .iter()
        .find(|k| !map.contains_key(**k))
    {
        return Err(format!("missing `{k}`"));
    }
    let me = w.name(actor);
    let mut r = Reader {
        w,
        actor,
        id: String::new(),
        m: map,
        error: None,
    };
    r.id = r.text("id").unwrap_or_else(|| format!("{me}:{kind}"));
    if r.id.is_empty() || r.id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`id` must be a non-empty word without spaces, found {:?}",
            r.id
        ));
    }
    let rationale = r.text("why").unwrap_or_default();
    let description = r.text("description").unwrap_or_default();
    let built = (spec.parse)(&mut r);
    match (built, r.error) {
        (Some(kind), None) => Ok(Event {
            id: r.id,
            turn: turn + 1,
            description,
            kind,
            proposal: Some(Proposal {
                by: actor,
                rationale,
                handler: handler.to_string(),
                at_turn: turn,
            }),
        }),
        (_, Some(e)) => Err(e),
        (None, None) => Err(format!("the proposed `{kind}` is incomplete")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventKind;
    use crate::world::DecisionRule;

    fn propose(actor: ActorId, fields: &[(&str, Value)]) -> Result<Event, String> {
        let w = crate::world::tiny(DecisionRule::Consensus);
        let m: Fields = fields
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
        let EventKind::Membership(m) = &ev.kind else {
            panic!("{ev:?}")
        };
        assert_eq!((m.applicants.clone(), m.org), (vec![3], 0));
        assert_eq!((ev.id.as_str(), ev.turn), ("D:membership_application", 2));
        let p = ev.proposal.unwrap();
        assert_eq!((p.by, p.at_turn), (3, 1));
    }

    #[test]
    fn the_new_kinds_are_proposed_with_the_proposer_as_subject() {
        let vote = propose(
            1,
            &[
                ("kind", s("vote")),
                ("forum", s("UN")),
                ("resolution", s("r")),
                ("against", s("D")),
            ],
        )
        .unwrap();
        let EventKind::Vote(v) = &vote.kind else {
            panic!("{vote:?}")
        };
        assert_eq!((v.sponsor, v.against), (Some(1), Some(3)));
        let crisis = propose(3, &[("kind", s("crisis")), ("target", s("A"))]).unwrap();
        let EventKind::Crisis(c) = &crisis.kind else {
            panic!("{crisis:?}")
        };
        assert_eq!((c.state, c.target), (3, 0));
        let mut req = Fields::new();
        req.insert("org".into(), s("ORG"));
        let unrest = propose(0, &[("kind", s("unrest")), ("request", Value::Map(req))]).unwrap();
        let EventKind::Unrest(u) = &unrest.kind else {
            panic!("{unrest:?}")
        };
        assert_eq!((u.state, u.request), (0, Some(0)));
        let st = propose(
            0,
            &[
                ("kind", s("statement")),
                ("org", s("ORG")),
                ("by", s("chair")),
            ],
        )
        .unwrap();
        assert_eq!(st.kind_name(), "statement");
        for (actor, fields, want) in [
            (
                0,
                vec![
                    ("kind", s("statement")),
                    ("org", s("ORG")),
                    ("by", s("all")),
                ],
                "`by` must be consensus or chair or secretariat",
            ),
            (
                3,
                vec![
                    ("kind", s("statement")),
                    ("org", s("ORG")),
                    ("by", s("chair")),
                ],
                "D is not a member of ORG",
            ),
            (
                3,
                vec![("kind", s("crisis")), ("target", s("D"))],
                "a state cannot press itself",
            ),
            (
                0,
                vec![("kind", s("vote")), ("forum", s("UN"))],
                "missing `resolution`",
            ),
            (
                0,
                vec![("kind", s("clash")), ("sides", s("A"))],
                "kind `clash` cannot be proposed",
            ),
        ] {
            match propose(actor, &fields) {
                Ok(ev) => panic!("{fields:?} built {ev:?}"),
                Err(e) => assert!(e.contains(want), "{fields:?}: `{e}` lacks `{want}`"),
            }
        }
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
                "`A` is already a member of `ORG`",
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
                "a `treaty_proposal` needs `org` or `parties`",
            ),
            (
                0,
                &[
                    ("kind", s("treaty_proposal")),
                    ("org", s("ORG")),
                    ("obligation", s("eternal")),
                ],
                "`obligation` must be defence or offence or neutrality or non_aggression or consultation, found `eternal`",
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
                "`B` is already a member of `ORG`",
            ),
            (
                0,
                &[("kind", s("basing_request")), ("base", s("x"))],
                "missing `host`",
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
