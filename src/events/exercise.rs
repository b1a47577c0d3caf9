//! `joint_exercise`: an organization's members (or listed participants)
//! choose to take part, observe or decline (Peace Missions, §IV). Inward
//! themes serve regime security; outward ones signal an alliance.

use super::{
    Act, Choice, EventKind, Input, Kind, KindSpec, Scope, Theme, count, names, org_or_empty,
};
use crate::interest::{self, Interest, Terms};
use crate::value::{Fields, Value};
use crate::world::{ActorId, OrgId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "joint_exercise",
    required: &["name", "theme"],
    optional: &["org", "participants"],
    proposal: Some(&["name", "org", "participants", "theme"]),
    proposal_required: &[],
    outcomes: &["held", "not held"],
    options: &["participate", "observe", "decline"],
    sided: &[],
    outcome_forms: &[],
    parse,
};

#[derive(Debug, Clone)]
pub struct JointExercise {
    pub name: String,
    pub org: Option<OrgId>,
    pub participants: Option<Vec<ActorId>>,
    pub theme: Theme,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    if !inp.has("org") && !inp.has("participants") {
        inp.error(
            None,
            "a `joint_exercise` needs `org` or `participants`".into(),
            "who takes part?",
        );
        return None;
    }
    Some(EventKind::JointExercise(JointExercise {
        name: inp.name_or_id(),
        org: inp.org("org"),
        participants: inp.actors("participants"),
        theme: Theme::parse(inp),
    }))
}

impl Kind for JointExercise {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        match (&self.participants, self.org) {
            (Some(p), _) => p.clone(),
            (None, Some(o)) => w.org(o).active_members(),
            (None, None) => vec![],
        }
    }

    fn options(&self, _w: &World) -> Vec<Choice> {
        vec![Choice::Participate, Choice::Observe, Choice::Decline]
    }

    fn facts(&self, w: &World, deciders: &[ActorId], m: &mut Fields) {
        m.insert("name".into(), Value::from(self.name.as_str()));
        m.insert("org".into(), org_or_empty(w, self.org));
        m.insert("theme".into(), Value::from(self.theme.name()));
        m.insert("participants".into(), names(w, deciders));
    }

    /// Drills against the "three evils" serve regime security (§II); drills
    /// aimed outward, at the state the group's members fear most, balance
    /// one's own threat from it but brand the participants and risk
    /// entrapment with it (§IV). Both show partners they can
    /// be counted on and carry the organization's duty.
    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        let group: Vec<ActorId> = match (&self.participants, self.org) {
            (Some(p), _) => p.clone(),
            (None, Some(o)) => w.org(o).members.clone(),
            (None, None) => vec![],
        };
        let inside = |x: ActorId| group.contains(&x) || x == me;
        let solidarity = interest::mean_over(&group, me, |x| w.expectation.get(me, x));
        let duty = interest::mean_over(&group, me, |x| interest::any_bond(w, me, x, None));
        let base = Terms::ZERO
            .with(Interest::Abandonment, solidarity)
            .with(Interest::Duty, duty);
        let take_part = match self.theme {
            Theme::Internal => base
                .with(Interest::Regime, 1.0)
                .with(Interest::Autonomy, -0.25),
            Theme::External => {
                // Aimed at the group's adversary: the state its members
                // fear most from outside. Each weighs its own threat from
                // it against provoking it.
                let foe = group
                    .iter()
                    .chain(std::iter::once(&me))
                    .filter_map(|m| interest::feud(w, *m, inside))
                    .max_by(|p, q| p.1.total_cmp(&q.1).then(q.0.cmp(&p.0)))
                    .map(|(f, _)| f);
                base.with(Interest::Security, foe.map_or(0.0, |f| w.threat.get(me, f)))
                    .with(Interest::Image, -1.0)
                    .with(
                        Interest::Entrapment,
                        -0.5 * foe.map_or(0.5, |f| interest::stakes(w, &[f])),
                    )
                    .with(Interest::Autonomy, -0.5)
            }
        };
        match c {
            Choice::Participate => take_part,
            Choice::Observe => take_part.scaled(0.3).with(Interest::Autonomy, 0.25),
            _ => Terms::ZERO,
        }
    }

    fn outcome(&self, _w: &World, votes: &[(ActorId, Choice)]) -> String {
        if count(votes, Choice::Participate) >= 2 {
            "held"
        } else {
            "not held"
        }
        .into()
    }

    fn outcome_forms(&self, _w: &World) -> Vec<String> {
        SPEC.outcomes.iter().map(|s| s.to_string()).collect()
    }

    fn apply(&self, _id: &str, votes: &[(ActorId, Choice)], outcome: &str, w: &mut World) {
        if outcome != "held" {
            return;
        }
        let gain = w.dynamics.exercise_gain;
        let part: Vec<ActorId> = votes
            .iter()
            .filter(|(_, c)| *c == Choice::Participate)
            .map(|(a, _)| *a)
            .collect();
        for &a in &part {
            for &b in &part {
                w.nudge_expectation(a, b, gain);
            }
        }
    }

    fn acts(&self, votes: &[(ActorId, Choice)], outcome: &str, _w: &World, out: &mut Vec<Act>) {
        out.push(Act::Collective {
            scope: Scope::Participants(self.org),
            theme: self.theme,
            happened: outcome == "held",
            took_part: votes
                .iter()
                .map(|&(a, c)| {
                    let x = match c {
                        Choice::Participate => 1.0,
                        Choice::Observe => 0.25,
                        _ => 0.0,
                    };
                    (a, x)
                })
                .collect(),
            drill: true,
            against: None,
        });
    }
}
