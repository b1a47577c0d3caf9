//! `basing_request`: a state asks a host for a base (or to reopen one).

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, count};
use crate::interest::{self, Interest, Terms};
use crate::value::{Fields, Value};
use crate::world::{ActorId, Base, World};

pub const SPEC: KindSpec = KindSpec {
    name: "basing_request",
    required: &["base", "user", "host"],
    optional: &[],
    proposal: Some(&["base", "host"]),
    proposal_required: &["base", "host"],
    outcomes: &["granted", "denied"],
    options: &["grant", "deny"],
    sided: &[],
    outcome_forms: &[],
    parse,
};

#[derive(Debug, Clone)]
pub struct BasingRequest {
    pub base: String,
    pub user: ActorId,
    pub host: ActorId,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let (user, host) = (inp.subject("user"), inp.actor("host"));
    Some(EventKind::BasingRequest(BasingRequest {
        base: inp.text("base").unwrap_or_default(),
        user: user?,
        host: host?,
    }))
}

/// +0.5 if `user` belongs to none of `me`'s organizations (a base of an
/// outside power diversifies its partners), else -0.5.
pub(super) fn diversifies(w: &World, me: ActorId, user: ActorId) -> f64 {
    if w.memberships(me).any(|o| o.is_member(user)) {
        -0.5
    } else {
        0.5
    }
}

/// How much `me`'s fellow members (in any organization) fear `user`, on
/// average: the standing a host loses with them by letting `user` in.
pub(super) fn partners_wary(w: &World, me: ActorId, user: ActorId) -> f64 {
    let mut partners: Vec<ActorId> = w
        .memberships(me)
        .flat_map(|o| o.members.iter().copied())
        .filter(|p| *p != me && *p != user)
        .collect();
    partners.sort_unstable();
    partners.dedup();
    interest::mean_over(&partners, me, |p| w.threat.get(p, user))
}

impl Kind for BasingRequest {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, _w: &World) -> Vec<ActorId> {
        vec![self.host]
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![Choice::Grant, Choice::Deny]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("base".into(), Value::from(self.base.as_str()));
        m.insert("user".into(), Value::from(w.name(self.user)));
        m.insert("host".into(), Value::from(w.name(self.host)));
    }

    /// Hosting a foreign base: ties with and reliance on its user, against
    /// threat from it and the standing lost with partners who feel
    /// threatened by the user. A base of a power outside one's own
    /// organizations diversifies one's partners (§3.3: multi-vector
    /// balancing, Manas beside Kant); one more of a partner's deepens
    /// dependence on it.
    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        if c != Choice::Grant {
            return Terms::ZERO;
        }
        let u = self.user;
        Terms::ZERO
            .with(Interest::Affinity, interest::affinity(w, me, u))
            .with(Interest::Abandonment, w.expectation.get(me, u))
            .with(Interest::Security, -w.threat.get(me, u))
            .with(Interest::Autonomy, diversifies(w, me, u))
            .with(Interest::Image, -partners_wary(w, me, u))
    }

    fn outcome(&self, _w: &World, votes: &[(ActorId, Choice)]) -> String {
        if count(votes, Choice::Grant) > 0 {
            "granted"
        } else {
            "denied"
        }
        .into()
    }

    fn outcome_forms(&self, _w: &World) -> Vec<String> {
        SPEC.outcomes.iter().map(|s| s.to_string()).collect()
    }

    fn apply(&self, _id: &str, _votes: &[(ActorId, Choice)], outcome: &str, w: &mut World) {
        let dy = w.dynamics.clone();
        if outcome == "granted" {
            match w.bases.iter_mut().find(|b| b.id == self.base) {
                Some(b) => {
                    b.open = true;
                    b.host = self.host;
                    b.user = self.user;
                }
                None => w.bases.push(Base {
                    id: self.base.clone(),
                    host: self.host,
                    user: self.user,
                    open: true,
                }),
            }
            w.nudge_expectation(self.user, self.host, dy.support_gain / 2.0);
        } else {
            w.nudge_expectation(self.user, self.host, -dy.refusal_loss / 2.0);
        }
    }

    fn acts(&self, _votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, _out: &mut Vec<Act>) {}
}
