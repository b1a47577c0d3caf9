//! `vote`: a resolution in a forum: an organization's active members, or
//! the UN General Assembly (every actor of the world unless `deciders:`
//! lists them). Yes, no, abstain or absent; adopted when more say yes than
//! no. Voting together is co-behaviour (the S score's raw material), not an
//! alliance (Modelski); a resolution `against` a state lowers its
//! expectation of support from those who vote for it.

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, Theme, count, name_or_empty};
use crate::interest::{self, Interest, Terms};
use crate::value::{Fields, Value};
use crate::world::{ActorId, OrgId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "vote",
    required: &["forum", "resolution"],
    optional: &["against", "sponsor", "theme", "integrity", "deciders"],
    proposal: Some(&["forum", "resolution", "against", "theme", "integrity"]),
    proposal_required: &["forum", "resolution"],
    outcomes: &["adopted", "rejected"],
    options: &["yes", "no", "abstain", "absent"],
    sided: &[],
    outcome_forms: &[],
    parse,
};

/// Where the vote is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forum {
    /// The UN General Assembly: every actor of the world is a member.
    Un,
    Org(OrgId),
}

#[derive(Debug, Clone)]
pub struct Vote {
    pub forum: Forum,
    pub resolution: String,
    /// The state the resolution censures, if any.
    pub against: Option<ActorId>,
    pub sponsor: Option<ActorId>,
    pub theme: Theme,
    /// The territory whose place within a state the resolution upholds
    /// (Crimea, 2014): a vote on territorial integrity.
    pub integrity: Option<String>,
    pub deciders: Option<Vec<ActorId>>,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let forum = match inp.peek("forum").as_deref() {
        Some("UN") => {
            inp.text("forum");
            Some(Forum::Un)
        }
        Some(_) => inp.org("forum").map(Forum::Org),
        None => None,
    };
    let sponsor = match inp.proposer() {
        Some(p) => Some(p),
        None => inp.actor("sponsor"),
    };
    let against = inp.actor("against");
    if against.is_some() && against == sponsor {
        inp.error(
            Some("against"),
            "a resolution cannot censure its own sponsor".into(),
            "the sponsor",
        );
        return None;
    }
    Some(EventKind::Vote(Vote {
        forum: forum?,
        resolution: inp.text("resolution").unwrap_or_default(),
        integrity: inp.text("integrity").filter(|t| !t.trim().is_empty()),
        against,
        sponsor,
        theme: super::Theme::parse(inp),
        deciders: inp.actors("deciders"),
    }))
}

impl Kind for Vote {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        match (&self.deciders, self.forum) {
            (Some(d), _) => d.clone(),
            (None, Forum::Un) => (0..w.actors.len()).collect(),
            (None, Forum::Org(o)) => w.org(o).active_members(),
        }
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![Choice::Yes, Choice::No, Choice::Abstain, Choice::Absent]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        let forum = match self.forum {
            Forum::Un => "UN",
            Forum::Org(o) => w.org(o).id.as_str(),
        };
        m.insert("forum".into(), Value::from(forum));
        m.insert("resolution".into(), Value::from(self.resolution.as_str()));
        m.insert("against".into(), name_or_empty(w, self.against));
        m.insert("sponsor".into(), name_or_empty(w, self.sponsor));
        m.insert("theme".into(), Value::from(self.theme.name()));
    }

    /// A resolution: ties with and reliance on its sponsor, threat from and
    /// ties with the state it censures; a balancer abstains (Modelski:
    /// voting together is not an alliance). The censured state and the
    /// sponsor vote their own cause (image): the censured state does not
    /// weigh the sponsor, nor the sponsor the censured state.
    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        let mut yes = Terms::ZERO;
        // A censured state does not weigh the sponsor's goodwill: its own
        // standing and security are what the vote is about.
        let censured = self.against == Some(me);
        if let Some(s) = self.sponsor.filter(|_| !censured) {
            yes = if s == me {
                yes.with(Interest::Image, 1.0)
            } else {
                yes.with(Interest::Affinity, interest::affinity(w, me, s))
                    .with(Interest::Abandonment, w.expectation.get(me, s))
            };
        }
        // The sponsor weighed its ties with the censured state when it
        // tabled the resolution: it votes its own cause.
        let sponsoring = self.sponsor == Some(me);
        if let Some(x) = self.against.filter(|_| !sponsoring) {
            yes = if x == me {
                yes.with(Interest::Image, -1.0)
                    .with(Interest::Security, -1.0)
            } else {
                yes.with(Interest::Security, w.threat.get(me, x))
                    .with(Interest::Affinity, -interest::affinity(w, me, x))
                    .with(Interest::Abandonment, -w.expectation.get(me, x))
            };
        }
        // A resolution upholding a state's territorial integrity engages
        // the norm itself (§IV: "a sacred cow"), whoever sponsors it.
        if self.integrity.is_some() {
            yes = yes.with(Interest::Territory, 0.5);
        }
        match c {
            Choice::Yes => yes,
            Choice::No => yes.scaled(-1.0),
            Choice::Abstain => Terms::ZERO.with(Interest::Autonomy, 0.5),
            Choice::Absent => Terms::ZERO
                .with(Interest::Autonomy, 0.25)
                .with(Interest::Image, -0.25),
            _ => Terms::ZERO,
        }
    }

    fn outcome(&self, _w: &World, votes: &[(ActorId, Choice)]) -> String {
        if count(votes, Choice::Yes) > count(votes, Choice::No) {
            "adopted"
        } else {
            "rejected"
        }
        .into()
    }

    fn outcome_forms(&self, _w: &World) -> Vec<String> {
        SPEC.outcomes.iter().map(|s| s.to_string()).collect()
    }

    /// A sponsor learns whom it can count on; a censured state learns who
    /// voted against it (a fraction of the gains and losses of a request
    /// for backing: a vote is cheap talk).
    fn apply(&self, _id: &str, votes: &[(ActorId, Choice)], _outcome: &str, w: &mut World) {
        let dy = w.dynamics.clone();
        for &(by, c) in votes {
            if let Some(s) = self.sponsor {
                let r = match c {
                    Choice::Yes => dy.support_gain / 4.0,
                    Choice::No => -dy.refusal_loss / 4.0,
                    _ => 0.0,
                };
                w.nudge_expectation(s, by, r);
            }
            if let Some(x) = self.against {
                let r = match c {
                    Choice::Yes => -dy.refusal_loss / 4.0,
                    Choice::No => dy.support_gain / 4.0,
                    _ => 0.0,
                };
                w.nudge_expectation(x, by, r);
            }
        }
    }

    fn acts(&self, votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, out: &mut Vec<Act>) {
        for &(by, ballot) in votes {
            out.push(Act::Ballot { by, ballot });
        }
    }
}
