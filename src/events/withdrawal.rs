//! `withdrawal_demand`: a state or an organization demands that a foreign
//! power leave its bases; each host decides (Astana 2005, §3.3: Uzbekistan
//! closed K2, Kyrgyzstan kept Manas).

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, count, name_or_empty, org_or_empty};
use crate::interest::{self, Interest, Terms};
use crate::value::{Fields, Value};
use crate::world::{ActorId, OrgId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "withdrawal_demand",
    required: &["user"],
    optional: &["demander", "org", "hosts"],
    proposal: Some(&["user", "org", "hosts"]),
    proposal_required: &["user"],
    outcomes: &["no bases to close"],
    options: &["grant", "deny"],
    sided: &[],
    outcome_forms: &["closed by <hosts>; kept by <hosts>"],
    parse,
};

#[derive(Debug, Clone)]
pub struct WithdrawalDemand {
    pub demander: Option<ActorId>,
    pub org: Option<OrgId>,
    pub user: ActorId,
    pub hosts: Option<Vec<ActorId>>,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let demander = inp.subject("demander");
    let org = inp.org("org");
    let user = inp.actor("user");
    let hosts = inp.actors("hosts");
    Some(EventKind::WithdrawalDemand(WithdrawalDemand {
        demander,
        org,
        user: user?,
        hosts,
    }))
}

/// The hosts an outcome names (closed, kept), if it is one a withdrawal
/// demand can end in: `no bases to close`, `closed by A, B`, `kept by C` or
/// `closed by A; kept by C`, each list in id order (as the simulator writes
/// it), no host named twice.
fn hosts_named(o: &str, w: &World) -> Option<(Vec<ActorId>, Vec<ActorId>)> {
    if o == "no bases to close" {
        return Some((vec![], vec![]));
    }
    let list = |l: &str| -> Option<Vec<ActorId>> {
        let ids: Option<Vec<ActorId>> = l.split(", ").map(|id| w.actor_id(id)).collect();
        ids.filter(|v| v.windows(2).all(|p| p[0] < p[1]))
    };
    let (closed, kept) = match o.split_once("; ") {
        Some((c, k)) => (
            list(c.strip_prefix("closed by ")?)?,
            list(k.strip_prefix("kept by ")?)?,
        ),
        None => match (o.strip_prefix("closed by "), o.strip_prefix("kept by ")) {
            (Some(c), _) => (list(c)?, vec![]),
            (_, Some(k)) => (vec![], list(k)?),
            _ => return None,
        },
    };
    closed
        .iter()
        .all(|h| !kept.contains(h))
        .then_some((closed, kept))
}

/// Whether some withdrawal demand can end in `o` (for claims about
/// proposals, whose hosts are not known in advance).
pub(super) fn outcome_names_hosts(o: &str, w: &World) -> bool {
    hosts_named(o, w).is_some()
}

impl Kind for WithdrawalDemand {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        match &self.hosts {
            Some(h) => h.clone(),
            None => w
                .bases
                .iter()
                .filter(|b| b.open && b.user == self.user)
                .map(|b| b.host)
                .collect(),
        }
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![Choice::Grant, Choice::Deny]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("user".into(), Value::from(w.name(self.user)));
        m.insert("demander".into(), name_or_empty(w, self.demander));
        m.insert("org".into(), org_or_empty(w, self.org));
    }

    /// Closing a base: threat from its user, ties with the demanders and
    /// the standing regained with wary partners, against ties with and
    /// reliance on the user and, for an outside power's base, the
    /// counterweight it gave (§3.3: multi-vector balancing).
    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        if c != Choice::Grant {
            return Terms::ZERO;
        }
        let u = self.user;
        let mut t = Terms::ZERO
            .with(Interest::Security, w.threat.get(me, u))
            .with(Interest::Affinity, -interest::affinity(w, me, u))
            .with(Interest::Abandonment, -w.expectation.get(me, u))
            .with(Interest::Autonomy, -super::basing::diversifies(w, me, u))
            .with(Interest::Image, super::basing::partners_wary(w, me, u));
        if let Some(d) = self.demander.filter(|d| *d != me) {
            t = t
                .with(Interest::Affinity, interest::affinity(w, me, d))
                .with(Interest::Abandonment, w.expectation.get(me, d));
        }
        t
    }

    fn outcome(&self, w: &World, votes: &[(ActorId, Choice)]) -> String {
        let by = |o: Choice| {
            votes
                .iter()
                .filter(|(_, c)| *c == o)
                .map(|(a, _)| w.name(*a))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (count(votes, Choice::Grant), count(votes, Choice::Deny)) {
            (0, 0) => "no bases to close".into(),
            (_, 0) => format!("closed by {}", by(Choice::Grant)),
            (0, _) => format!("kept by {}", by(Choice::Deny)),
            _ => format!(
                "closed by {}; kept by {}",
                by(Choice::Grant),
                by(Choice::Deny)
            ),
        }
    }

    fn outcome_forms(&self, _w: &World) -> Vec<String> {
        [
            "no bases to close",
            "closed by HOSTS",
            "kept by HOSTS",
            "closed by HOSTS; kept by HOSTS",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    /// Hosts in id order, each once; listed `hosts:` bound who can be named.
    fn can_end_in(&self, outcome: &str, w: &World) -> bool {
        hosts_named(outcome, w).is_some_and(|(closed, kept)| {
            self.hosts
                .as_ref()
                .is_none_or(|h| closed.iter().chain(&kept).all(|x| h.contains(x)))
        })
    }

    fn apply(&self, _id: &str, votes: &[(ActorId, Choice)], _outcome: &str, w: &mut World) {
        let demanders: Vec<ActorId> = match (self.demander, self.org) {
            (Some(a), _) => vec![a],
            (None, Some(o)) => w.org(o).members.clone(),
            (None, None) => vec![],
        };
        let dy = w.dynamics.clone();
        for &(by, c) in votes {
            let granted = c == Choice::Grant;
            if granted {
                for b in w
                    .bases
                    .iter_mut()
                    .filter(|b| b.host == by && b.user == self.user)
                {
                    b.open = false;
                }
            }
            for &x in &demanders {
                let r = if granted {
                    dy.support_gain / 2.0
                } else {
                    -dy.refusal_loss / 2.0
                };
                w.nudge_expectation(x, by, r);
            }
        }
    }

    fn acts(&self, votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, out: &mut Vec<Act>) {
        for &(by, _) in votes.iter().filter(|(_, c)| *c == Choice::Grant) {
            if let Some(x) = self.demander {
                out.push(Act::Stance {
                    by,
                    to: x,
                    backs: true,
                });
            }
            out.push(Act::Stance {
                by,
                to: self.user,
                backs: false,
            });
        }
    }
}
