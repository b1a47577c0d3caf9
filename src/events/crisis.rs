//! `crisis`: a military crisis short of war: `state` presses `target`
//! (troops on a border, an ultimatum, a blockade). Third parties show force
//! for a side, back it with words, or stay out. It tests diplomatic
//! solidarity and resolve, not the casus foederis.

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, Support};
use crate::interest::{self, Level, Role, Terms};
use crate::value::{Fields, Value};
use crate::world::{ActorId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "crisis",
    required: &["state", "target"],
    optional: &["deciders"],
    proposal: Some(&["target", "deciders"]),
    proposal_required: &["target"],
    outcomes: &["nobody takes sides", "balanced"],
    options: &["stay_out"],
    sided: &["show_of_force", "diplomatic_support"],
    outcome_forms: &["<side> backed"],
    parse,
};

#[derive(Debug, Clone)]
pub struct Crisis {
    /// The state that presses.
    pub state: ActorId,
    pub target: ActorId,
    pub deciders: Option<Vec<ActorId>>,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let state = inp.subject("state");
    let target = inp.actor("target");
    if state.is_some() && state == target {
        inp.error(
            Some("target"),
            "a state cannot press itself".into(),
            "same as `state`",
        );
        return None;
    }
    Some(EventKind::Crisis(Crisis {
        state: state?,
        target: target?,
        deciders: inp.actors("deciders"),
    }))
}

impl Crisis {
    /// Support weight for `side`: 2 for a show of force, 1 for words.
    fn weight(&self, votes: &[(ActorId, Choice)], side: ActorId) -> usize {
        votes
            .iter()
            .map(|(_, c)| match c {
                Choice::ShowOfForce(x) if *x == side => 2,
                Choice::Diplomatic(x) if *x == side => 1,
                _ => 0,
            })
            .sum()
    }
}

impl Kind for Crisis {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        let all: Vec<ActorId> = match &self.deciders {
            Some(d) => d.clone(),
            None => (0..w.actors.len()).collect(),
        };
        all.into_iter()
            .filter(|a| *a != self.state && *a != self.target)
            .collect()
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        let (s, t) = (self.state, self.target);
        vec![
            Choice::ShowOfForce(t),
            Choice::ShowOfForce(s),
            Choice::Diplomatic(t),
            Choice::Diplomatic(s),
            Choice::StayOut,
        ]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("state".into(), Value::from(w.name(self.state)));
        m.insert("target".into(), Value::from(w.name(self.target)));
    }

    /// Like a war's third party, with a show of force for the heaviest
    /// option; backing the state that presses costs standing (coercion).
    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        let (s, t) = (self.state, self.target);
        let take = |x: ActorId, level| {
            let other = if x == s { t } else { s };
            let role = if x == s {
                Role::Attacker
            } else {
                Role::Defender
            };
            interest::side(w, me, &[x], &[other], level, role)
        };
        match c {
            Choice::ShowOfForce(x) => take(x, Level::SHOW_OF_FORCE),
            Choice::Diplomatic(x) => take(x, Level::DIPLOMATIC),
            Choice::StayOut => interest::aloof(w, me, [s, t], Some(t)),
            _ => Terms::ZERO,
        }
    }

    /// Which side drew more support (a show of force counts double).
    fn outcome(&self, w: &World, votes: &[(ActorId, Choice)]) -> String {
        let (s, t) = (
            self.weight(votes, self.state),
            self.weight(votes, self.target),
        );
        match (s, t) {
            (0, 0) => "nobody takes sides".into(),
            _ if s == t => "balanced".into(),
            _ if t > s => format!("{} backed", w.name(self.target)),
            _ => format!("{} backed", w.name(self.state)),
        }
    }

    fn outcome_forms(&self, w: &World) -> Vec<String> {
        vec![
            format!("{} backed", w.name(self.target)),
            format!("{} backed", w.name(self.state)),
            "balanced".into(),
            "nobody takes sides".into(),
        ]
    }

    fn position(&self, c: Choice) -> Option<f64> {
        super::side_position(c, self.target)
    }

    fn apply(&self, _id: &str, votes: &[(ActorId, Choice)], _outcome: &str, w: &mut World) {
        let dy = w.dynamics.clone();
        for &(by, c) in votes {
            for (side, other) in [(self.target, self.state), (self.state, self.target)] {
                let (gain, loss) = match c {
                    Choice::ShowOfForce(x) if x == side => (dy.support_gain, dy.refusal_loss),
                    Choice::Diplomatic(x) if x == side => {
                        (dy.support_gain / 2.0, dy.refusal_loss / 2.0)
                    }
                    _ => continue,
                };
                w.nudge_expectation(side, by, gain);
                w.nudge_expectation(other, by, -loss);
            }
        }
    }

    fn acts(&self, votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, out: &mut Vec<Act>) {
        for &(by, c) in votes {
            for (side, other) in [(self.target, self.state), (self.state, self.target)] {
                let given = match c {
                    Choice::ShowOfForce(x) if x == side => Support::Arms,
                    Choice::Diplomatic(x) if x == side => Support::Diplomatic,
                    _ => Support::None,
                };
                out.push(Act::Side {
                    by,
                    side,
                    other,
                    given,
                    war: false,
                    covered: false,
                });
            }
        }
    }
}
