//! The decision model (docs/model.md): every option of every event kind is
//! scored from the same nine named interests. An event kind maps each of its
//! options onto interest *terms* (numbers read from the world: threat, ties,
//! expectations, capabilities, obligations) in its own module
//! ([`crate::events::Kind::terms`]); an actor's *weights* (its world file's
//! `interests:`) say how much each interest counts for it; an option's
//! utility is the weighted sum. Rule scripts read the same numbers
//! (`utilities(ev)`, `terms(ev)`, `interest(actor, name)`) and may adjust or
//! override them.

use crate::events::Event;
use crate::world::{ActorId, Obligation, World};

/// The interests every option is scored on, with the theory each comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interest {
    /// Balance against the most threatening power (Walt 1987).
    Security,
    /// Fear of being abandoned by those one counts on (Snyder 1984): stand
    /// by them to keep them.
    Abandonment,
    /// Fear of being dragged into another's fight (Snyder 1984), in
    /// proportion to the commitment and the strength of the enemy taken on.
    Entrapment,
    /// Freedom of action and non-interference (multi-vector balancing, §3.3;
    /// the SCO Charter's non-interference, §II).
    Autonomy,
    /// Regime security against unrest, separatism and extremism (the "three
    /// evils", §II; fear of colour revolutions).
    Regime,
    /// Territorial integrity: no change of borders by force or secession
    /// (§IV: "a sacred cow").
    Territory,
    /// Affinity with each side (ties: UN General Assembly voting, Signorino
    /// & Ritter's S score, or set by hand where the data lacks a state).
    Affinity,
    /// Status and image with third parties and within one's organizations
    /// (§3.1 China's "non-threatening image"; §3.4 the "rogue states' union").
    Image,
    /// Treaty duty: the obligation's strength times its credibility.
    Duty,
}

pub const COUNT: usize = 9;

impl Interest {
    pub const ALL: [Interest; COUNT] = [
        Interest::Security,
        Interest::Abandonment,
        Interest::Entrapment,
        Interest::Autonomy,
        Interest::Regime,
        Interest::Territory,
        Interest::Affinity,
        Interest::Image,
        Interest::Duty,
    ];

    /// The weight of an interest a world file does not give for a state.
    pub const NEUTRAL: f64 = 0.5;

    /// Its name in world files (`interests:`) and scripts.
    pub fn name(self) -> &'static str {
        match self {
            Interest::Security => "security",
            Interest::Abandonment => "abandonment",
            Interest::Entrapment => "entrapment",
            Interest::Autonomy => "autonomy",
            Interest::Regime => "regime",
            Interest::Territory => "territory",
            Interest::Affinity => "affinity",
            Interest::Image => "image",
            Interest::Duty => "duty",
        }
    }

    pub fn parse(s: &str) -> Option<Interest> {
        Interest::ALL.into_iter().find(|i| i.name() == s)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// An option's interest terms, before weighting: how far the option serves
/// (positive) or harms (negative) each interest.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Terms(pub [f64; COUNT]);

impl Terms {
    pub const ZERO: Terms = Terms([0.0; COUNT]);

    pub fn get(&self, i: Interest) -> f64 {
        self.0[i.index()]
    }

    /// Add `x` to interest `i`.
    pub fn with(mut self, i: Interest, x: f64) -> Terms {
        self.0[i.index()] += x;
        self
    }

    pub fn scaled(self, k: f64) -> Terms {
        Terms(self.0.map(|x| x * k))
    }

    /// The weighted sum.
    pub fn utility(&self, w: &Weights) -> f64 {
        self.0.iter().zip(w.0).map(|(t, w)| t * w).sum()
    }
}

/// An actor's weights, one per interest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights(pub [f64; COUNT]);

impl Weights {
    /// `a`'s weights from its world file's `interests:`, [`Interest::NEUTRAL`]
    /// where it gives none.
    pub fn of(w: &World, a: ActorId) -> Weights {
        let attrs = &w.actor(a).attributes;
        Weights(Interest::ALL.map(|i| attrs.get(i.name()).copied().unwrap_or(Interest::NEUTRAL)))
    }

    pub fn get(&self, i: Interest) -> f64 {
        self.0[i.index()]
    }

    pub fn set(&mut self, i: Interest, x: f64) {
        self.0[i.index()] = x;
    }
}

/// How far an option commits its author to a side: `commit` is how much it
/// sides (alignment), `exposure` how much it risks being drawn into the
/// fight (entrapment).
#[derive(Debug, Clone, Copy)]
pub struct Level {
    pub commit: f64,
    pub exposure: f64,
    /// The share of a defence duty this level discharges.
    pub duty: f64,
}

impl Level {
    pub const MILITARY: Level = Level {
        commit: 1.0,
        exposure: 1.0,
        duty: 1.0,
    };
    pub const ARMS: Level = Level {
        commit: 0.7,
        exposure: 0.4,
        duty: 0.6,
    };
    /// Military pressure short of war (a crisis).
    pub const SHOW_OF_FORCE: Level = Level {
        commit: 0.7,
        exposure: 0.6,
        duty: 0.6,
    };
    pub const DIPLOMATIC: Level = Level {
        commit: 0.5,
        exposure: 0.05,
        duty: 0.3,
    };
}

/// An attribute of `a` that is not an interest weight (capability), or
/// neutral.
pub fn attribute(w: &World, a: ActorId, name: &str) -> f64 {
    w.actor(a)
        .attributes
        .get(name)
        .copied()
        .unwrap_or(Interest::NEUTRAL)
}

/// Affinity on the S score's scale, from -1 to 1: ties are in [0, 1] with
/// 0.5 the S score of 0 (neither agreeing nor disagreeing more than chance).
pub fn affinity(w: &World, me: ActorId, x: ActorId) -> f64 {
    2.0 * w.ties.get(me, x) - 1.0
}

/// The most a side's members score on `f`.
fn most(side: &[ActorId], f: impl Fn(ActorId) -> f64) -> f64 {
    side.iter()
        .map(|a| f(*a))
        .fold(f64::NEG_INFINITY, f64::max)
        .max(0.0)
}

/// What taking on `side` risks: its strongest member's capability, from
/// 0.5 (a minor state) to 1.5 (the strongest).
pub fn stakes(w: &World, side: &[ActorId]) -> f64 {
    0.5 + most(side, |a| attribute(w, a, "capability"))
}

/// Obligations by what they oblige (ATOP's types, Leeds et al. 2002).
/// Defence: to fight for an attacked partner (the casus foederis).
pub const DEFENCE: &[Obligation] = &[Obligation::Defence];
/// Offence: to fight beside a partner, whoever starts it.
pub const OFFENCE: &[Obligation] = &[Obligation::Offence];
/// Consultation: to consult and, at least, to speak for a partner.
pub const CONSULTATION: &[Obligation] = &[Obligation::Consultation];
/// Neutrality: not to aid a partner's enemy.
pub const NEUTRALITY: &[Obligation] = &[Obligation::Neutrality];
/// Non-aggression: not to take up arms against a partner.
pub const NON_AGGRESSION: &[Obligation] = &[Obligation::NonAggression];

/// The duty `me` owes `x` against `y`: the strongest of the obligations
/// `which` in an organization or treaty binding both (`me` active in it)
/// that `y` is not party to, times its credibility.
pub fn bond(w: &World, me: ActorId, x: ActorId, y: Option<ActorId>, which: &[Obligation]) -> f64 {
    let mut best: f64 = 0.0;
    for org in w.orgs.iter() {
        let inside = |a: ActorId| org.is_member(a);
        if !inside(me) || !inside(x) || org.suspended.contains(&me) || y.is_some_and(inside) {
            continue;
        }
        for o in org.obligations.iter().filter(|o| which.contains(o)) {
            let force = matches!(o, Obligation::Defence | Obligation::Offence);
            if force && !org.pledge_binds(me, y) {
                continue;
            }
            best = best.max(o.strength() * org_credibility(org.structure.share()));
        }
    }
    for t in w.treaties.iter() {
        let party = |a: ActorId| t.parties.contains(&a);
        if party(me) && party(x) && !y.is_some_and(party) && which.contains(&t.obligation) {
            best = best.max(t.obligation.strength() * TREATY_CREDIBILITY);
        }
    }
    best
}

/// The duty to back `x` at all (a request, an exercise): a pledge of force
/// or of consultation.
pub fn any_bond(w: &World, me: ActorId, x: ActorId, y: Option<ActorId>) -> f64 {
    bond(
        w,
        me,
        x,
        y,
        &[
            Obligation::Defence,
            Obligation::Offence,
            Obligation::Consultation,
        ],
    )
}

/// A pledge backed by an integrated command, headquarters, forces, training
/// and procurement is believed (§IV: what NATO and the CSTO have and the SCO
/// lacks): credibility from 0.5 (none) to 1 (all five).
pub fn org_credibility(structure_share: f64) -> f64 {
    0.5 + 0.5 * structure_share
}

/// A bilateral treaty's credibility: the world records no structure for it.
pub const TREATY_CREDIBILITY: f64 = 0.75;

/// Who started a fight, from the side supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// It used force first: backing it costs standing with third parties
    /// (UN Charter Art. 2(4)); only an offence pledge obliges to it.
    Attacker,
    /// It was attacked: backing it defends territorial integrity.
    Defender,
    /// No agreed aggressor (a clash).
    Neither,
    /// It used force over territory third states recognise as its own
    /// (`claim:`): backing it upholds territorial integrity.
    Claimant,
    /// It holds territory third states recognise as the claimant's: backing
    /// it contests territorial integrity, and no defence pledge covers it.
    Contester,
}

/// Giving `level` of support to side `x` (its first member the principal)
/// against side `y`; `role` is `x`'s.
pub fn side(
    w: &World,
    me: ActorId,
    x: &[ActorId],
    y: &[ActorId],
    level: Level,
    role: Role,
) -> Terms {
    let threat = |side: &[ActorId]| most(side, |a| w.threat.get(me, a));
    let ties = |side: &[ActorId]| most(side, |a| w.ties.get(me, a));
    let expect = |side: &[ActorId]| most(side, |a| w.expectation.get(me, a));
    let s = level.commit;
    let (x0, foe) = (x[0], y.first().copied());
    // A pledge of force to `x` (defence toward the attacked, offence toward
    // anyone) is honoured by military support (+1) and breached by less
    // (down to -1 for staying out); consultation by any support. Neutrality
    // and non-aggression pledges to `y` forbid aiding its enemy and taking
    // up arms against it: a breach (Leeds et al. 2002).
    // A defence pledge covers an armed attack on a partner (ATOP; UN
    // Charter Art. 51): not a war the partner started, nor one over
    // territory third states recognise as the claimant's (neither side is
    // attacked from outside), whatever the norm says of territory.
    let pledged = match role {
        Role::Attacker | Role::Contester | Role::Claimant => bond(w, me, x0, foe, OFFENCE),
        Role::Defender | Role::Neither => {
            bond(w, me, x0, foe, DEFENCE).max(bond(w, me, x0, foe, OFFENCE))
        }
    };
    let restraint = foe.map_or(0.0, |f| {
        let armed = if level.exposure >= 0.4 { 1.0 } else { 0.0 };
        s * bond(w, me, f, Some(x0), NEUTRALITY) + armed * bond(w, me, f, Some(x0), NON_AGGRESSION)
    });
    let duty = pledged * (2.0 * level.duty - 1.0) + bond(w, me, x0, foe, CONSULTATION) - restraint;
    Terms::ZERO
        .with(Interest::Security, s * (threat(y) - threat(x)))
        // On the S score's scale (twice the difference in ties).
        .with(Interest::Affinity, s * 2.0 * (ties(x) - ties(y)))
        .with(Interest::Abandonment, s * (expect(x) - expect(y)))
        .with(Interest::Entrapment, -level.exposure * stakes(w, y))
        // Siding gives up freedom of action, unless a pledge already did.
        .with(Interest::Autonomy, -s * (1.0 - pledged))
        .with(
            Interest::Image,
            if role == Role::Attacker { -s } else { 0.0 },
        )
        .with(
            Interest::Territory,
            // Backing the attacked upholds territorial integrity; backing
            // the side that used force first undermines it (UN Charter
            // Art. 2(4)), as backing a contester of recognised territory does.
            match role {
                Role::Defender | Role::Claimant => 0.5 * s,
                Role::Attacker | Role::Contester => -0.5 * s,
                Role::Neither => 0.0,
            },
        )
        .with(Interest::Duty, duty)
}

/// Staying out of a fight between two parties: freedom of action kept, at
/// the price of disappointing the party one counts on most and of breaching
/// a defence pledge to a party that did not start it (`attacked`).
pub fn aloof(w: &World, me: ActorId, parties: [ActorId; 2], attacked: Option<ActorId>) -> Terms {
    let expect = most(&parties, |a| w.expectation.get(me, a));
    let breach = attacked.map_or(0.0, |d| {
        let other = if d == parties[0] {
            parties[1]
        } else {
            parties[0]
        };
        bond(w, me, d, Some(other), DEFENCE)
    });
    Terms::ZERO
        .with(Interest::Autonomy, 0.5)
        .with(Interest::Abandonment, -0.5 * expect)
        .with(Interest::Duty, -breach)
}

/// The strongest threat `a` perceives from a state outside `inside`, and
/// that state: the feud `a` brings into a group. Only a threat above the
/// world's default counts: the default is the background every pair
/// shares, not a feud with anyone in particular.
pub fn feud(w: &World, a: ActorId, inside: impl Fn(ActorId) -> bool) -> Option<(ActorId, f64)> {
    let background = w.relation_defaults[1];
    (0..w.actors.len())
        .filter(|x| *x != a && !inside(*x))
        .map(|x| (x, w.threat.get(a, x)))
        .filter(|(_, t)| *t > background && *t > 0.0)
        .max_by(|p, q| p.1.total_cmp(&q.1).then(q.0.cmp(&p.0)))
}

/// The mean of `f` over `xs` without `me`; 0 when none.
pub fn mean_over(xs: &[ActorId], me: ActorId, f: impl Fn(ActorId) -> f64) -> f64 {
    let v: Vec<f64> = xs.iter().filter(|a| **a != me).map(|a| f(*a)).collect();
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// The strongest threat `me` perceives from outside `inside` (what a
/// collective act against outsiders balances).
pub fn outside_threat(w: &World, me: ActorId, inside: impl Fn(ActorId) -> bool) -> f64 {
    feud(w, me, inside).map_or(0.0, |(_, t)| t)
}

/// The decision model's reading of an event for one actor: each option's
/// label, terms and utility, in the event's option order.
pub struct Assessment {
    pub labels: Vec<String>,
    pub terms: Vec<Terms>,
    pub utilities: Vec<f64>,
}

pub fn assess(w: &World, ev: &Event, me: ActorId, weights: &Weights) -> Assessment {
    let choices = ev.choices(w);
    let terms: Vec<Terms> = choices
        .iter()
        .map(|c| ev.kind.kind().terms(w, me, *c))
        .collect();
    Assessment {
        labels: ev.labels(w, &choices),
        utilities: terms.iter().map(|t| t.utility(weights)).collect(),
        terms,
    }
}

impl Assessment {
    /// `model: neutrality best (autonomy +0.45, abandonment -0.12)`.
    pub fn rationale(&self, weights: &Weights) -> String {
        let best = (0..self.utilities.len()).max_by(|a, b| {
            self.utilities[*a]
                .total_cmp(&self.utilities[*b])
                .then(b.cmp(a))
        });
        let Some(i) = best.filter(|_| self.terms.iter().any(|t| *t != Terms::ZERO)) else {
            return "no interest at stake: all options equal".into();
        };
        if self.terms[i] != Terms::ZERO {
            return format!(
                "interests: {} best ({})",
                self.labels[i],
                strongest(&self.terms[i], weights)
            );
        }
        // The status quo is best: say what the strongest alternative costs.
        let next = (0..self.utilities.len())
            .filter(|j| *j != i && self.terms[*j] != Terms::ZERO)
            .max_by(|a, b| {
                self.utilities[*a]
                    .total_cmp(&self.utilities[*b])
                    .then(b.cmp(a))
            });
        match next {
            Some(j) => format!(
                "interests: {} best; {} would weigh {:+.2} ({})",
                self.labels[i],
                self.labels[j],
                self.utilities[j],
                strongest(&self.terms[j], weights)
            ),
            None => format!("interests: {} best", self.labels[i]),
        }
    }
}

/// The two interests that weigh most in an option's utility, as
/// `security +0.32, duty +0.60`.
pub fn strongest(t: &Terms, w: &Weights) -> String {
    let mut parts: Vec<(Interest, f64)> = Interest::ALL
        .into_iter()
        .map(|i| (i, t.get(i) * w.get(i)))
        .filter(|(_, x)| x.abs() >= 0.005)
        .collect();
    parts.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let shown: Vec<String> = parts
        .iter()
        .take(2)
        .map(|(i, x)| format!("{} {:+.2}", i.name(), x))
        .collect();
    if shown.is_empty() {
        "no interest at stake".into()
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{ArmedConflict, Choice, EventKind};
    use crate::world::{DecisionRule, Obligation, tiny};

    /// D attacks A; B and C decide. ORG = {A, B, C}.
    fn war() -> Event {
        Event {
            id: "war".into(),
            turn: 1,
            description: String::new(),
            kind: EventKind::ArmedConflict(ArmedConflict {
                attacker: 3,
                defender: 0,
                backers: vec![],
                claim: None,
                deciders: None,
            }),
            proposal: None,
        }
    }

    fn utility_of(w: &World, ev: &Event, me: ActorId, c: Choice) -> f64 {
        ev.kind.kind().terms(w, me, c).utility(&Weights::of(w, me))
    }

    #[test]
    fn a_defence_pledge_is_honoured_by_arms_and_breached_by_standing_aside() {
        let mut w = tiny(DecisionRule::Consensus);
        let ev = war();
        let before = ev.kind.kind().terms(&w, 1, Choice::Military(0));
        assert_eq!(before.get(Interest::Duty), 0.0, "no pledge yet");
        w.org_mut(0).obligations.push(Obligation::Defence);
        let t = |c| ev.kind.kind().terms(&w, 1, c);
        // Credibility 0.5 without any integrated structure.
        assert!((t(Choice::Military(0)).get(Interest::Duty) - 0.5).abs() < 1e-12);
        assert!(
            t(Choice::Diplomatic(0)).get(Interest::Duty) < 0.0,
            "words breach it"
        );
        assert!((t(Choice::Neutrality).get(Interest::Duty) + 0.5).abs() < 1e-12);
        assert_eq!(
            t(Choice::Military(3)).get(Interest::Duty),
            0.0,
            "none to the attacker"
        );
        // A pledge already made spares freedom of action, as far as it is
        // believed: half here.
        assert_eq!(before.get(Interest::Autonomy), -1.0);
        assert_eq!(t(Choice::Military(0)).get(Interest::Autonomy), -0.5);
    }

    #[test]
    fn threat_and_ties_pull_toward_a_side() {
        let mut w = tiny(DecisionRule::Consensus);
        let ev = war();
        let dip = |w: &World| utility_of(w, &ev, 2, Choice::Diplomatic(0));
        let base = dip(&w);
        w.threat.set(2, 3, 0.9); // C fears the attacker: balance against it (Walt)
        let feared = dip(&w);
        assert!(feared > base, "{base} -> {feared}");
        w.ties.set(2, 3, 0.95); // and likes it: affinity pulls the other way
        assert!(dip(&w) < feared);
    }

    #[test]
    fn weights_come_from_the_world_with_a_neutral_default() {
        let mut w = tiny(DecisionRule::Consensus);
        let mut a = w.actor(1).clone();
        a.attributes.insert("entrapment".into(), 0.9);
        std::sync::Arc::make_mut(&mut w.actors)[1] = a;
        let k = Weights::of(&w, 1);
        assert_eq!(k.get(Interest::Entrapment), 0.9);
        assert_eq!(k.get(Interest::Security), Interest::NEUTRAL);
        // More fear of entrapment, less appetite for military support.
        let ev = war();
        assert!(
            utility_of(&w, &ev, 1, Choice::Military(0))
                < utility_of(&w, &ev, 2, Choice::Military(0))
        );
    }

    #[test]
    fn the_rationale_names_the_best_option_and_what_weighed() {
        let w = tiny(DecisionRule::Consensus);
        let ev = war();
        let k = Weights::of(&w, 1);
        let a = assess(&w, &ev, 1, &k);
        assert_eq!(a.labels.len(), a.utilities.len());
        let why = a.rationale(&k);
        assert!(why.starts_with("interests: "), "{why}");
        let best = a
            .utilities
            .iter()
            .enumerate()
            .max_by(|x, y| x.1.total_cmp(y.1).then(y.0.cmp(&x.0)))
            .unwrap()
            .0;
        assert!(why.contains(&a.labels[best]), "{why}");
    }

    #[test]
    fn names_round_trip() {
        for i in Interest::ALL {
            assert_eq!(Interest::parse(i.name()), Some(i));
        }
        assert_eq!(Interest::parse("risk_aversion"), None);
    }

    #[test]
    fn utility_is_the_weighted_sum() {
        let t = Terms::ZERO
            .with(Interest::Security, 1.0)
            .with(Interest::Duty, -2.0);
        let mut w = Weights([0.5; COUNT]);
        w.set(Interest::Duty, 0.25);
        assert!((t.utility(&w) - 0.0).abs() < 1e-12);
        w.set(Interest::Security, 1.0);
        assert!((t.utility(&w) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn strongest_names_the_two_heaviest_terms() {
        let t = Terms::ZERO
            .with(Interest::Security, 0.1)
            .with(Interest::Duty, 1.0)
            .with(Interest::Image, -0.6);
        let w = Weights([1.0; COUNT]);
        assert_eq!(strongest(&t, &w), "duty +1.00, image -0.60");
        assert_eq!(strongest(&Terms::ZERO, &w), "no interest at stake");
    }
}
