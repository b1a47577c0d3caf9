//! `armed_conflict`: two sides fight; third parties choose whom to support,
//! graded from diplomatic words through arms deliveries to military support,
//! or send monitors, stay neutral or condemn the attacker (Snyder's casus
//! foederis is tested here when one side belongs to a group and the other
//! does not).

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, Support, count};
use crate::value::{Fields, Value};
use crate::world::{ActorId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "armed_conflict",
    required: &["attacker", "defender"],
    optional: &["backers", "deciders"],
    proposal: None,
    proposal_required: &[],
    outcomes: &[],
    options: &[],
    parse,
};

#[derive(Debug, Clone)]
pub struct ArmedConflict {
    pub attacker: ActorId,
    pub defender: ActorId,
    /// Actors committed to a side in advance (the US behind Taiwan): (actor, side).
    pub backers: Vec<(ActorId, ActorId)>,
    pub deciders: Option<Vec<ActorId>>,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let attacker = inp.actor("attacker");
    let defender = inp.actor("defender");
    let backers = inp.pairs("backers");
    let mut ok = true;
    for (_, side) in &backers {
        if Some(*side) != attacker && Some(*side) != defender {
            let w = inp.world();
            let msg = format!(
                "backer side `{}` is neither the attacker nor the defender",
                w.name(*side)
            );
            let side = w.name(*side).to_string();
            inp.error_at_item("backers", &side, 0, msg, "must be one of the two sides");
            ok = false;
        }
    }
    if attacker.is_some() && attacker == defender {
        inp.error(
            Some("defender"),
            "an actor cannot fight itself".into(),
            "same as the attacker",
        );
        ok = false;
    }
    let deciders = inp.actors("deciders");
    if !ok {
        return None;
    }
    Some(EventKind::ArmedConflict(ArmedConflict {
        attacker: attacker?,
        defender: defender?,
        backers,
        deciders,
    }))
}

impl ArmedConflict {
    fn sides(&self) -> [(ActorId, ActorId); 2] {
        [
            (self.attacker, self.defender),
            (self.defender, self.attacker),
        ]
    }
}

impl Kind for ArmedConflict {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        let mut parties = vec![self.attacker, self.defender];
        parties.extend(self.backers.iter().map(|(a, _)| *a));
        match &self.deciders {
            Some(d) => d.iter().copied().filter(|a| !parties.contains(a)).collect(),
            None => (0..w.actors.len())
                .filter(|a| !parties.contains(a))
                .collect(),
        }
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        let (a, d) = (self.attacker, self.defender);
        vec![
            Choice::Military(a),
            Choice::Military(d),
            Choice::Arms(a),
            Choice::Arms(d),
            Choice::Diplomatic(a),
            Choice::Diplomatic(d),
            Choice::Monitors,
            Choice::Neutrality,
            Choice::Condemnation,
        ]
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("attacker".into(), Value::from(w.name(self.attacker)));
        m.insert("defender".into(), Value::from(w.name(self.defender)));
        let mut b = Fields::new();
        for (a, side) in &self.backers {
            b.insert(w.name(*a).to_string(), Value::from(w.name(*side)));
        }
        m.insert("backers".into(), Value::Map(b));
    }

    fn outcome(&self, w: &World, votes: &[(ActorId, Choice)]) -> String {
        let a = self.attacker;
        let name = w.name(a);
        if count(votes, Choice::Military(a)) > 0 {
            format!("{name} backed militarily")
        } else if count(votes, Choice::Arms(a)) > 0 {
            format!("{name} armed")
        } else if count(votes, Choice::Diplomatic(a)) > 0 {
            format!("{name} backed diplomatically only")
        } else {
            format!("{name} isolated")
        }
    }

    fn outcome_forms(&self, w: &World) -> Vec<String> {
        let a = w.name(self.attacker);
        vec![
            format!("{a} backed militarily"),
            format!("{a} armed"),
            format!("{a} backed diplomatically only"),
            format!("{a} isolated"),
        ]
    }

    fn position(&self, c: Choice) -> Option<f64> {
        match c {
            Choice::Condemnation => Some(0.7),
            other => super::side_position(other, self.defender),
        }
    }

    fn apply(&self, _id: &str, votes: &[(ActorId, Choice)], _outcome: &str, w: &mut World) {
        let dy = w.dynamics.clone();
        for &(by, c) in votes {
            for (side, other) in self.sides() {
                if c == Choice::Military(side) {
                    w.nudge_expectation(side, by, dy.support_gain);
                    w.nudge_expectation(other, by, -dy.refusal_loss);
                } else if c == Choice::Arms(side) {
                    w.nudge_expectation(side, by, 0.75 * dy.support_gain);
                    w.nudge_expectation(other, by, -0.75 * dy.refusal_loss);
                } else if c == Choice::Diplomatic(side) {
                    w.nudge_expectation(side, by, dy.support_gain / 2.0);
                    w.nudge_expectation(other, by, -dy.refusal_loss / 2.0);
                }
            }
            match c {
                // Monitors take no side: each side counted on more.
                Choice::Monitors | Choice::Neutrality => {
                    w.nudge_expectation(self.attacker, by, -dy.abstain_loss);
                    w.nudge_expectation(self.defender, by, -dy.abstain_loss);
                }
                Choice::Condemnation => {
                    w.nudge_expectation(self.attacker, by, -dy.refusal_loss);
                    w.nudge_expectation(self.defender, by, dy.support_gain / 2.0);
                }
                _ => {}
            }
        }
    }

    fn acts(&self, votes: &[(ActorId, Choice)], _outcome: &str, _w: &World, out: &mut Vec<Act>) {
        // Backers committed in advance stand with their side.
        for &(by, side) in &self.backers {
            let other = if side == self.attacker {
                self.defender
            } else {
                self.attacker
            };
            out.push(Act::Stance {
                by,
                to: side,
                backs: true,
            });
            out.push(Act::Stance {
                by,
                to: other,
                backs: false,
            });
        }
        for &(by, c) in votes {
            for (side, other) in self.sides() {
                let given = match c {
                    Choice::Military(x) if x == side => Support::Military,
                    Choice::Arms(x) if x == side => Support::Arms,
                    Choice::Diplomatic(x) if x == side => Support::Diplomatic,
                    _ => Support::None,
                };
                out.push(Act::Side {
                    by,
                    side,
                    other,
                    given,
                    war: true,
                });
            }
        }
    }
}
