//! `clash`: an armed incident between two states with no agreed aggressor
//! (border clashes: Kyrgyzstan and Tajikistan 2021-22, Armenia and
//! Azerbaijan 2022). Third parties mediate, back one side with words, or
//! stay neutral. Short of war: it tests diplomatic solidarity, not the
//! casus foederis.

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, Support, count, names};
use crate::interest::{self, Interest, Level, Role, Terms};
use crate::value::Fields;
use crate::world::{ActorId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "clash",
    required: &["sides"],
    optional: &["deciders"],
    proposal: None,
    proposal_required: &[],
    outcomes: &["mediated", "isolated"],
    options: &["mediate", "neutrality"],
    sided: &["diplomatic_support"],
    outcome_forms: &["<side> backed"],
    parse,
};

#[derive(Debug, Clone)]
pub struct Clash {
    /// The two sides, in id order.
    pub sides: [ActorId; 2],
    pub deciders: Option<Vec<ActorId>>,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let sides = inp.actors("sides");
    let deciders = inp.actors("deciders");
    match sides.as_deref() {
        Some([a, b]) => Some(EventKind::Clash(Clash {
            sides: [*a, *b],
            deciders,
        })),
        Some(_) => {
            inp.error(
                Some("sides"),
                "a clash has exactly two different sides".into(),
                "two actors",
            );
            None
        }
        None => None,
    }
}

impl Kind for Clash {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        let all: Vec<ActorId> = match &self.deciders {
            Some(d) => d.clone(),
            None => (0..w.actors.len()).collect(),
        };
        all.into_iter()
            .filter(|a| !self.sides.contains(a))
            .collect()
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        let [a, b] = self.sides;
        vec![
            Choice::Mediate,
            Choice::Diplomatic(a),
            Choice::Diplomatic(b),
            Choice::Neutrality,
        ]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("sides".into(), names(w, &self.sides));
    }

    /// No agreed aggressor: words for one side, or mediation (standing
    /// with both), or staying out.
    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        let [a, b] = self.sides;
        match c {
            Choice::Diplomatic(x) => {
                let other = if x == a { b } else { a };
                interest::side(w, me, &[x], &[other], Level::DIPLOMATIC, Role::Neither)
            }
            Choice::Mediate => interest::aloof(w, me, [a, b], None)
                .scaled(0.5)
                .with(Interest::Image, 0.5),
            Choice::Neutrality => interest::aloof(w, me, [a, b], None),
            _ => Terms::ZERO,
        }
    }

    /// The side more deciders backed; `mediated` when at least as many
    /// mediate as back either side, or both sides are backed equally;
    /// `isolated` when nobody did anything.
    fn outcome(&self, w: &World, votes: &[(ActorId, Choice)]) -> String {
        let [a, b] = self.sides;
        let (na, nb) = (
            count(votes, Choice::Diplomatic(a)),
            count(votes, Choice::Diplomatic(b)),
        );
        let m = count(votes, Choice::Mediate);
        if na == 0 && nb == 0 && m == 0 {
            "isolated".into()
        } else if m >= na.max(nb) || na == nb {
            "mediated".into()
        } else if na > nb {
            format!("{} backed", w.name(a))
        } else {
            format!("{} backed", w.name(b))
        }
    }

    fn outcome_forms(&self, w: &World) -> Vec<String> {
        let [a, b] = self.sides;
        vec![
            "mediated".into(),
            format!("{} backed", w.name(a)),
            format!("{} backed", w.name(b)),
            "isolated".into(),
        ]
    }

    fn position(&self, c: Choice) -> Option<f64> {
        super::side_position(c, self.sides[0])
    }

    fn apply(&self, _id: &str, votes: &[(ActorId, Choice)], _outcome: &str, w: &mut World) {
        let dy = w.dynamics.clone();
        let [a, b] = self.sides;
        for &(by, c) in votes {
            for (side, other) in [(a, b), (b, a)] {
                if c == Choice::Diplomatic(side) {
                    w.nudge_expectation(side, by, dy.support_gain / 2.0);
                    w.nudge_expectation(other, by, -dy.refusal_loss / 2.0);
                }
            }
        }
    }

    fn acts(&self, votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, out: &mut Vec<Act>) {
        let [a, b] = self.sides;
        for &(by, c) in votes {
            for (side, other) in [(a, b), (b, a)] {
                let given = if c == Choice::Diplomatic(side) {
                    Support::Diplomatic
                } else {
                    Support::None
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
