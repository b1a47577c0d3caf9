//! `armed_conflict`: two sides fight; third parties choose whom to support,
//! graded from diplomatic words through arms deliveries to military support,
//! or send monitors, stay neutral or condemn the attacker (Snyder's casus
//! foederis is tested here when one side belongs to a group and the other
//! does not).

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, Support, count};
use crate::interest::{self, Interest, Level, Role, Terms};
use crate::value::{Fields, Value};
use crate::world::{ActorId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "armed_conflict",
    required: &["attacker", "defender"],
    optional: &["backers", "claim", "deciders"],
    proposal: None,
    proposal_required: &[],
    outcomes: &[],
    options: &["monitors", "neutrality", "condemnation"],
    sided: &["military_support", "arms", "diplomatic_support"],
    outcome_forms: &[
        "<attacker> backed militarily",
        "<attacker> armed",
        "<attacker> backed diplomatically only",
        "<attacker> isolated",
    ],
    parse,
};

#[derive(Debug, Clone)]
pub struct ArmedConflict {
    pub attacker: ActorId,
    pub defender: ActorId,
    /// Actors committed to a side in advance (the US behind Taiwan): (actor, side).
    pub backers: Vec<(ActorId, ActorId)>,
    /// The territory the attacker fights for as its own, where third states
    /// recognise its claim (Taiwan, one China): then backing the attacker
    /// upholds territorial integrity and backing the defender contests it.
    pub claim: Option<String>,
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
    let claim = inp.text("claim").filter(|t| !t.trim().is_empty());
    let deciders = inp.actors("deciders");
    if !ok {
        return None;
    }
    Some(EventKind::ArmedConflict(ArmedConflict {
        attacker: attacker?,
        defender: defender?,
        backers,
        claim,
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
        m.insert(
            "claim".into(),
            Value::from(self.claim.as_deref().unwrap_or("")),
        );
    }

    /// A third party weighs each side: threat, ties and expectations of
    /// the side with its committed backers, the stakes of taking on the
    /// other side, a defence duty toward the defender, and the cost of
    /// backing a use of force; or it stays out, sends monitors, condemns.
    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        let (a, d) = (self.attacker, self.defender);
        let side_of = |x: ActorId| -> Vec<ActorId> {
            let mut v = vec![x];
            v.extend(
                self.backers
                    .iter()
                    .filter(|(_, s)| *s == x)
                    .map(|(b, _)| *b),
            );
            v
        };
        let claimed = self.claim.is_some();
        let role_of = |x: ActorId| match (x == a, claimed) {
            (true, false) => Role::Attacker,
            (true, true) => Role::Claimant,
            (false, false) => Role::Defender,
            (false, true) => Role::Contester,
        };
        let take = |x: ActorId, level| {
            let other = if x == a { d } else { a };
            interest::side(w, me, &side_of(x), &side_of(other), level, role_of(x))
        };
        // A defence pledge covers an attacked partner, not territory that
        // third states recognise as the attacker's.
        let attacked = (!claimed).then_some(d);
        match c {
            Choice::Military(x) => take(x, Level::MILITARY),
            Choice::Arms(x) => take(x, Level::ARMS),
            Choice::Diplomatic(x) => take(x, Level::DIPLOMATIC),
            Choice::Neutrality => interest::aloof(w, me, [a, d], attacked),
            // Peacekeepers: some standing with third parties, real exposure.
            Choice::Monitors => interest::aloof(w, me, [a, d], attacked)
                .scaled(0.5)
                .with(Interest::Image, 0.25)
                .with(Interest::Entrapment, -0.3 * interest::stakes(w, &[a, d])),
            // Condemning the attacker upholds the UN Charter's ban on force
            // (Art. 2(4)) and earns standing, at a cost with the attacker
            // and its backers alone: it takes no side for the defender.
            Choice::Condemnation => {
                let attacker = side_of(a);
                let most = |f: &dyn Fn(ActorId) -> f64| {
                    attacker
                        .iter()
                        .map(|x| f(*x))
                        .fold(f64::NEG_INFINITY, f64::max)
                };
                let norm = if claimed { -0.25 } else { 0.25 };
                Terms::ZERO
                    .with(Interest::Security, 0.5 * most(&|x| w.threat.get(me, x)))
                    .with(
                        Interest::Affinity,
                        -0.5 * most(&|x| interest::affinity(w, me, x)),
                    )
                    .with(
                        Interest::Abandonment,
                        -0.5 * most(&|x| w.expectation.get(me, x)),
                    )
                    .with(Interest::Autonomy, -0.25)
                    .with(Interest::Image, 0.25)
                    .with(Interest::Territory, norm)
            }
            _ => Terms::ZERO,
        }
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
                    covered: side == self.defender && self.claim.is_none(),
                });
            }
        }
    }
}
