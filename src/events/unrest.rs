//! `unrest`: internal unrest in a state (a colour revolution, an Islamist
//! insurgency, riots), with or without its government's request that an
//! organization send forces (regime security: the CSTO's internal role,
//! §II; Kazakhstan January 2022 is the public example). Deciders: the
//! organization's other active members, or `deciders:`. Deploy, send
//! monitors, or decline.

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, Scope, Theme, count, org_or_empty};
use crate::interest::{self, Interest, Terms};
use crate::value::{Fields, Value};
use crate::world::{ActorId, OrgId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "unrest",
    required: &["state"],
    optional: &["request", "deciders"],
    proposal: Some(&["request", "deciders"]),
    proposal_required: &[],
    outcomes: &["intervention", "monitoring", "none"],
    options: &["deploy", "monitors", "decline"],
    sided: &[],
    outcome_forms: &[],
    parse,
};

#[derive(Debug, Clone)]
pub struct Unrest {
    pub state: ActorId,
    /// The organization the government asks for forces.
    pub request: Option<OrgId>,
    pub deciders: Option<Vec<ActorId>>,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let state = inp.subject("state");
    let (asked, named) = (inp.has("request"), inp.has("request.org"));
    let request = inp.org("request.org");
    if asked && !named {
        inp.error(
            Some("request"),
            "a request needs `org`: `request: {org: CSTO}`".into(),
            "which organization?",
        );
        return None;
    }
    let deciders = inp.actors("deciders");
    if request.is_none() && deciders.is_none() && !asked {
        inp.error(
            None,
            "an `unrest` needs `request: {org: ...}` or `deciders`".into(),
            "who is asked to help?",
        );
        return None;
    }
    Some(EventKind::Unrest(Unrest {
        state: state?,
        request,
        deciders,
    }))
}

impl Kind for Unrest {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        let mut d = match (&self.deciders, self.request) {
            (Some(d), _) => d.clone(),
            (None, Some(o)) => w.org(o).active_members(),
            (None, None) => vec![],
        };
        d.retain(|a| *a != self.state);
        d
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![Choice::Deploy, Choice::Monitors, Choice::Decline]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("state".into(), Value::from(w.name(self.state)));
        m.insert("org".into(), org_or_empty(w, self.request));
        m.insert("requested".into(), Value::Bool(self.request.is_some()));
    }

    /// Forces for a partner's government: regime security (fear of colour
    /// revolutions, §II), ties and reliance, a defence pledge, against the
    /// risk of entrapment in another's civil strife and, uninvited, the
    /// norm of non-interference (SCO Charter, §II).
    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        let s = self.state;
        let invited = self.request.is_some();
        match c {
            Choice::Deploy => Terms::ZERO
                .with(Interest::Regime, 1.0)
                .with(Interest::Affinity, interest::affinity(w, me, s))
                .with(Interest::Abandonment, w.expectation.get(me, s))
                .with(
                    Interest::Duty,
                    if invited {
                        interest::bond(w, me, s, None, interest::DEFENCE)
                    } else {
                        0.0
                    },
                )
                .with(Interest::Entrapment, -0.6)
                .with(Interest::Autonomy, if invited { -0.25 } else { -1.0 }),
            Choice::Monitors => Terms::ZERO
                .with(Interest::Regime, 0.3)
                .with(Interest::Image, 0.3)
                .with(Interest::Entrapment, -0.2)
                .with(Interest::Autonomy, -0.1),
            _ => Terms::ZERO,
        }
    }

    fn outcome(&self, _w: &World, votes: &[(ActorId, Choice)]) -> String {
        if count(votes, Choice::Deploy) > 0 {
            "intervention"
        } else if count(votes, Choice::Monitors) > 0 {
            "monitoring"
        } else {
            "none"
        }
        .into()
    }

    fn outcome_forms(&self, _w: &World) -> Vec<String> {
        SPEC.outcomes.iter().map(|s| s.to_string()).collect()
    }

    /// The government learns whom it can count on at home.
    fn apply(&self, _id: &str, votes: &[(ActorId, Choice)], _outcome: &str, w: &mut World) {
        let dy = w.dynamics.clone();
        for &(by, c) in votes {
            let r = match c {
                Choice::Deploy => dy.support_gain,
                Choice::Monitors => dy.support_gain / 2.0,
                _ => -dy.refusal_loss / 2.0,
            };
            w.nudge_expectation(self.state, by, r);
        }
    }

    /// A deployment is a collective security act aimed inward (terrorism,
    /// extremism: the "three evils"), and support for the government.
    fn acts(&self, votes: &[(ActorId, Choice)], outcome: &str, _w: &World, out: &mut Vec<Act>) {
        out.push(Act::Collective {
            scope: match self.request {
                Some(o) => Scope::Org(o),
                None => Scope::Participants(None),
            },
            theme: Theme::Internal,
            happened: outcome != "none",
            took_part: votes
                .iter()
                .map(|&(a, c)| {
                    let x = match c {
                        Choice::Deploy => 1.0,
                        Choice::Monitors => 0.25,
                        _ => 0.0,
                    };
                    (a, x)
                })
                .collect(),
            drill: false,
            against: None,
        });
        for &(by, c) in votes {
            out.push(Act::Backing {
                by,
                to: self.state,
                endorsed: c != Choice::Decline,
                rejected: false,
            });
        }
    }
}
