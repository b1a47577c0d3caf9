//! `treaty_proposal`: a state proposes a pact to an organization's members
//! or to listed parties; it enters into force only if every party signs
//! (the SCO defence clause, §IV). Exclusivity clauses of the world (CSTO
//! Art. 1) forbid members to sign a military pact with outsiders.

use crate::interest::{self, Interest, Terms};
use crate::value::{Fields, Value};
use crate::world::{ActorId, Obligation, OrgId, Treaty, World};

use super::{Act, Choice, EventKind, Forbidden, Input, Kind, KindSpec, count, names, org_or_empty};

pub const SPEC: KindSpec = KindSpec {
    name: "treaty_proposal",
    required: &["name", "proposer", "obligation"],
    optional: &["org", "parties"],
    proposal: Some(&["name", "org", "parties", "obligation"]),
    proposal_required: &["obligation"],
    outcomes: &["in force", "failed"],
    options: &["sign", "decline"],
    sided: &[],
    outcome_forms: &[],
    parse,
};

#[derive(Debug, Clone)]
pub struct TreatyProposal {
    pub name: String,
    pub proposer: ActorId,
    pub org: Option<OrgId>,
    pub parties: Option<Vec<ActorId>>,
    pub obligation: Obligation,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    if !inp.has("org") && !inp.has("parties") {
        inp.error(
            None,
            "a `treaty_proposal` needs `org` or `parties`".into(),
            "between whom?",
        );
        return None;
    }
    let words = [
        "defence",
        "offence",
        "neutrality",
        "non_aggression",
        "consultation",
    ];
    let obligation = inp
        .keyword("obligation", &words)
        .and_then(|o| Obligation::parse(&o));
    let proposer = inp.subject("proposer");
    let (org, parties) = (inp.org("org"), inp.actors("parties"));
    Some(EventKind::TreatyProposal(TreatyProposal {
        name: inp.name_or_id(),
        proposer: proposer?,
        org,
        parties,
        obligation: obligation?,
    }))
}

impl TreatyProposal {
    /// Listed parties, else the organization's active members, and always
    /// the proposer.
    pub fn parties(&self, w: &World) -> Vec<ActorId> {
        let mut p = match (&self.parties, self.org) {
            (Some(p), _) => p.clone(),
            (None, Some(o)) => w.org(o).active_members(),
            (None, None) => vec![],
        };
        p.push(self.proposer);
        p.sort_unstable();
        p.dedup();
        p
    }
}

impl Kind for TreatyProposal {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        self.parties(w)
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![Choice::Sign, Choice::Decline]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("name".into(), Value::from(self.name.as_str()));
        m.insert("proposer".into(), Value::from(w.name(self.proposer)));
        m.insert("org".into(), org_or_empty(w, self.org));
        m.insert("obligation".into(), Value::from(self.obligation.name()));
        m.insert("parties".into(), names(w, &self.parties(w)));
    }

    /// An exclusivity clause forbids a military pact with non-members.
    fn constraints(
        &self,
        w: &World,
        actor: ActorId,
        options: &[Choice],
        out: &mut [Option<Forbidden>],
    ) {
        let parties = self.parties(w);
        if let Some(o) = w.exclusivity_conflict(actor, &parties, self.obligation)
            && let Some(i) = options.iter().position(|x| *x == Choice::Sign)
        {
            out[i] = Some(Forbidden {
                by: format!("world: {} exclusivity clause", o.id),
                reason: format!(
                    "members of {} may not join a military pact with non-members (CSTO treaty Art. 1, §IV)",
                    o.id
                ),
            });
        }
    }

    /// Signing binds in proportion to the obligation: protection against
    /// the strongest outside threat and partners one can count on, against
    /// freedom of action, the partners' own feuds (entrapment) and, for a
    /// military pact, the suspicion of third parties (§3.1).
    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        if c != Choice::Sign {
            return Terms::ZERO;
        }
        let parties = self.parties(w);
        let s = self.obligation.strength();
        let inside = |x: ActorId| parties.contains(&x) || x == me;
        let feuds = interest::mean_over(&parties, me, |p| {
            interest::feud(w, p, inside).map_or(0.0, |(f, t)| t * interest::stakes(w, &[f]))
        });
        let military = if self.obligation.is_military() {
            1.0
        } else {
            0.0
        };
        Terms::ZERO
            .with(
                Interest::Security,
                s * interest::outside_threat(w, me, inside),
            )
            .with(
                Interest::Abandonment,
                s * interest::mean_over(&parties, me, |p| w.expectation.get(me, p)),
            )
            .with(
                Interest::Affinity,
                interest::mean_over(&parties, me, |p| interest::affinity(w, me, p)),
            )
            .with(Interest::Entrapment, -s * feuds)
            .with(Interest::Autonomy, -s)
            .with(Interest::Image, -0.5 * military)
    }

    fn outcome(&self, _w: &World, votes: &[(ActorId, Choice)]) -> String {
        let n = votes.len();
        if n > 0 && count(votes, Choice::Sign) == n {
            "in force"
        } else {
            "failed"
        }
        .into()
    }

    fn outcome_forms(&self, _w: &World) -> Vec<String> {
        SPEC.outcomes.iter().map(|s| s.to_string()).collect()
    }

    fn apply(&self, id: &str, votes: &[(ActorId, Choice)], outcome: &str, w: &mut World) {
        let parties = self.parties(w);
        let dy = w.dynamics.clone();
        for &(by, c) in votes {
            if c != Choice::Sign {
                w.nudge_expectation(self.proposer, by, -dy.abstain_loss);
            }
        }
        if outcome == "in force" {
            let gain = dy.treaty_gain * self.obligation.strength();
            for &a in &parties {
                for &b in &parties {
                    w.nudge_expectation(a, b, gain);
                }
            }
            w.add_treaty(Treaty {
                id: id.to_string(),
                parties,
                obligation: self.obligation,
            });
        }
    }

    fn acts(&self, votes: &[(ActorId, Choice)], outcome: &str, _w: &World, out: &mut Vec<Act>) {
        if outcome == "in force" {
            out.push(Act::Pact {
                parties: votes.iter().map(|(a, _)| *a).collect(),
            });
        }
    }
}
