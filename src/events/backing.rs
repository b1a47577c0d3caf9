//! `backing_request`: a state asks others (an organization's members, or a
//! list) to back its cause: the recognition of a break-away territory
//! (Georgia 2008, §IV), its own claim to a contested territory (one China,
//! §3.1), or a cause against a third state.

use super::{
    Act, Choice, EventKind, Forbidden, Input, Kind, KindSpec, count, name_or_empty, org_or_empty,
    passes,
};
use crate::interest::{self, Interest, Terms};
use crate::value::{Fields, Value};
use crate::world::{ActorId, DecisionRule, OrgId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "backing_request",
    required: &["requester", "issue"],
    optional: &["recognition", "integrity", "against", "org", "deciders"],
    proposal: Some(&[
        "issue",
        "recognition",
        "integrity",
        "against",
        "org",
        "deciders",
    ]),
    proposal_required: &["issue"],
    outcomes: &["backed", "not backed"],
    options: &["endorse", "abstain", "reject"],
    sided: &[],
    outcome_forms: &[],
    parse,
};

#[derive(Debug, Clone)]
pub struct Backing {
    pub requester: ActorId,
    pub issue: String,
    pub recognition: Option<String>,
    /// The territory whose place within the requester the cause upholds
    /// (Taiwan for one China): backing it defends territorial integrity.
    pub integrity: Option<String>,
    /// The state the backing is sought against (Uzbekistan against
    /// Tajikistan's dam), if any.
    pub against: Option<ActorId>,
    pub org: Option<OrgId>,
    pub deciders: Option<Vec<ActorId>>,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let requester = inp.subject("requester");
    Some(EventKind::Backing(Backing {
        issue: inp.text("issue").unwrap_or_default(),
        // An empty text names no territory (scripts see absent fields as "").
        recognition: inp.text("recognition").filter(|t| !t.trim().is_empty()),
        integrity: inp.text("integrity").filter(|t| !t.trim().is_empty()),
        against: inp.actor("against"),
        org: inp.org("org"),
        deciders: inp.actors("deciders"),
        requester: requester?,
    }))
}

impl Kind for Backing {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        let mut d = match (&self.deciders, self.org) {
            (Some(d), _) => d.clone(),
            (None, Some(o)) => w.org(o).active_members(),
            (None, None) => (0..w.actors.len()).collect(),
        };
        d.retain(|a| *a != self.requester);
        d
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![Choice::Endorse, Choice::Abstain, Choice::Reject]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("against".into(), name_or_empty(w, self.against));
        m.insert("requester".into(), Value::from(w.name(self.requester)));
        m.insert("issue".into(), Value::from(self.issue.as_str()));
        m.insert(
            "recognition".into(),
            Value::from(self.recognition.as_deref().unwrap_or("")),
        );
        m.insert(
            "integrity".into(),
            Value::from(self.integrity.as_deref().unwrap_or("")),
        );
        m.insert("org".into(), org_or_empty(w, self.org));
    }

    /// No state backs a cause aimed at itself.
    fn constraints(
        &self,
        w: &World,
        actor: ActorId,
        options: &[Choice],
        out: &mut [Option<Forbidden>],
    ) {
        if self.against == Some(actor)
            && let Some(i) = options.iter().position(|o| *o == Choice::Endorse)
        {
            out[i] = Some(Forbidden {
                by: "world: a request aimed at the decider".into(),
                reason: format!("{} will not back a cause against itself", w.name(actor)),
            });
        }
    }

    /// Endorsing a partner's cause: ties and what one counts on from it,
    /// any duty of a shared treaty, the state the cause is aimed at
    /// (threat from it, ties with it); recognising a break-away territory
    /// offends territorial integrity (§IV: "a sacred cow") and most third
    /// states. Rejecting it costs the partner's trust.
    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        let r = self.requester;
        let mut endorse = Terms::ZERO
            .with(Interest::Affinity, interest::affinity(w, me, r))
            .with(Interest::Abandonment, w.expectation.get(me, r))
            .with(Interest::Duty, interest::any_bond(w, me, r, self.against))
            .with(Interest::Autonomy, -0.25);
        match self.against {
            // A cause against oneself: the world forbids endorsing it.
            Some(x) if x == me => {
                endorse = endorse.with(Interest::Security, -1.0);
            }
            // A cause against a third state weighs that state as a war's
            // other side does: threat from it, ties with it, what one counts
            // on from it.
            Some(x) => {
                endorse = endorse
                    .with(
                        Interest::Security,
                        w.threat.get(me, x) - w.threat.get(me, r),
                    )
                    .with(Interest::Affinity, -interest::affinity(w, me, x))
                    .with(Interest::Abandonment, -w.expectation.get(me, x));
            }
            None => {}
        }
        // Recognising a secession offends territorial integrity (§IV: "a
        // sacred cow") and most third states; upholding a state's claim to
        // its territory defends it (one China in every SCO declaration).
        let secession = if self.recognition.is_some() { 1.0 } else { 0.0 };
        let integrity = if self.integrity.is_some() { 1.0 } else { 0.0 };
        match c {
            Choice::Endorse => endorse
                .with(Interest::Territory, integrity - secession)
                .with(Interest::Image, -0.5 * secession),
            Choice::Abstain => Terms::ZERO
                .with(Interest::Autonomy, 0.25)
                .with(Interest::Abandonment, -0.25 * w.expectation.get(me, r)),
            Choice::Reject => Terms::ZERO
                .with(Interest::Abandonment, -w.expectation.get(me, r))
                .with(Interest::Affinity, -0.5 * endorse.get(Interest::Affinity))
                .with(Interest::Territory, 0.5 * (secession - integrity)),
            _ => Terms::ZERO,
        }
    }

    fn outcome(&self, w: &World, votes: &[(ActorId, Choice)]) -> String {
        let rule = self
            .org
            .map_or(DecisionRule::Majority, |o| w.org(o).decision);
        let n = votes.len();
        let yes = count(votes, Choice::Endorse);
        if passes(rule, yes, n - yes, n) {
            "backed"
        } else {
            "not backed"
        }
        .into()
    }

    fn outcome_forms(&self, _w: &World) -> Vec<String> {
        SPEC.outcomes.iter().map(|s| s.to_string()).collect()
    }

    fn apply(&self, _id: &str, votes: &[(ActorId, Choice)], _outcome: &str, w: &mut World) {
        let dy = w.dynamics.clone();
        for &(by, c) in votes {
            let r = match c {
                Choice::Endorse => dy.support_gain,
                Choice::Abstain => -dy.abstain_loss,
                _ => -dy.refusal_loss,
            };
            w.nudge_expectation(self.requester, by, r);
        }
    }

    fn acts(&self, votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, out: &mut Vec<Act>) {
        for &(by, c) in votes {
            out.push(Act::Backing {
                by,
                to: self.requester,
                endorsed: c == Choice::Endorse,
                rejected: c == Choice::Reject,
            });
        }
    }
}
