//! The world: actors, organizations, treaties, bases and the dyadic matrices
//! (ties, threat, Snyder's expectations of support). Domain types only: no
//! module but `scenario` knows these came from YAML.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

pub type ActorId = usize;
pub type OrgId = usize;

/// ATOP's obligation types, weakest first, so `Ord` ranks commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Obligation {
    Consultation,
    NonAggression,
    Neutrality,
    Offence,
    Defence,
}

impl Obligation {
    /// How binding it is (formal commitment): defence or offence 1.0,
    /// neutrality 0.6, non-aggression 0.4, consultation 0.2 (ATOP's types).
    pub fn strength(self) -> f64 {
        match self {
            Obligation::Defence | Obligation::Offence => 1.0,
            Obligation::Neutrality => 0.6,
            Obligation::NonAggression => 0.4,
            Obligation::Consultation => 0.2,
        }
    }

    pub const ALL: [Obligation; 5] = [
        Obligation::Consultation,
        Obligation::NonAggression,
        Obligation::Neutrality,
        Obligation::Offence,
        Obligation::Defence,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Obligation::Consultation => "consultation",
            Obligation::NonAggression => "non_aggression",
            Obligation::Neutrality => "neutrality",
            Obligation::Offence => "offence",
            Obligation::Defence => "defence",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Obligation::ALL.into_iter().find(|o| o.name() == s)
    }

    /// A military pact in the sense of CSTO Art. 1: one that commits force.
    pub fn is_military(self) -> bool {
        matches!(self, Obligation::Defence | Obligation::Offence)
    }
}

impl fmt::Display for Obligation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How an organization takes decisions (SCO: consensus, Charter Art. 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionRule {
    Consensus,
    Majority,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Member,
    Observer,
    /// The SCO's third tier (Turkey 2013, Azerbaijan 2016): takes part in
    /// some activities, neither votes nor attends every meeting.
    DialoguePartner,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Member => "member",
            Status::Observer => "observer",
            Status::DialoguePartner => "dialogue_partner",
        }
    }
}

/// Elements of an integrated military structure (NATO Handbook 2001, via §IV).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Structure {
    pub integrated_command: bool,
    pub operational_hq: bool,
    pub rapid_reaction_force: bool,
    pub staff_training: bool,
    pub arms_procurement: bool,
}

impl Structure {
    /// Share of the five structural elements present.
    pub fn share(&self) -> f64 {
        let flags = [
            self.integrated_command,
            self.operational_hq,
            self.rapid_reaction_force,
            self.staff_training,
            self.arms_procurement,
        ];
        flags.iter().filter(|f| **f).count() as f64 / flags.len() as f64
    }
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub id: String,
    pub name: String,
    /// Stem of the rule script in the rules folder (`russia` → rules/russia.rhai).
    pub rules: Option<String>,
    /// Numeric attributes (capability, territorial_concern, …), in [0, 1] by convention.
    pub attributes: BTreeMap<String, f64>,
}

#[derive(Debug, Clone)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub members: Vec<ActorId>,
    pub observers: Vec<ActorId>,
    pub partners: Vec<ActorId>,
    pub obligations: Vec<Obligation>,
    pub decision: DecisionRule,
    /// Members may not join other military alliances (CSTO 1992 treaty, Art. 1).
    pub exclusive: bool,
    pub structure: Structure,
    /// Members that froze their participation (Uzbekistan in the CSTO,
    /// 2012): still members, but they neither vote nor take part.
    pub suspended: Vec<ActorId>,
    /// Members whose pledge of force holds only against the adversaries
    /// listed (ATOP's `defcoadv`: the United States in SEATO, against
    /// communist aggression only). Against anyone else their pledge of force
    /// does not bind them; the organization's other obligations still do.
    pub limited: Vec<(ActorId, Vec<ActorId>)>,
}

impl Organization {
    pub fn strongest_obligation(&self) -> Option<Obligation> {
        self.obligations.iter().copied().max()
    }

    pub fn is_member(&self, a: ActorId) -> bool {
        self.members.contains(&a)
    }

    /// Whether `me`'s pledge of force binds it against `foe` (`None`: an
    /// unnamed foe): always, unless `me` limited its pledge to adversaries
    /// `foe` is not among.
    pub fn pledge_binds(&self, me: ActorId, foe: Option<ActorId>) -> bool {
        match self.limited.iter().find(|(a, _)| *a == me) {
            None => true,
            Some((_, against)) => foe.is_some_and(|f| against.contains(&f)),
        }
    }

    /// Members that take part in decisions: all but the suspended ones.
    pub fn active_members(&self) -> Vec<ActorId> {
        self.members
            .iter()
            .copied()
            .filter(|a| !self.suspended.contains(a))
            .collect()
    }

    /// Admit `a` with `status`: one status at a time (a new member stops
    /// being an observer or partner); a member is never demoted this way.
    pub fn admit(&mut self, a: ActorId, status: Status) {
        if self.is_member(a) {
            return;
        }
        self.observers.retain(|x| *x != a);
        self.partners.retain(|x| *x != a);
        let list = match status {
            Status::Member => &mut self.members,
            Status::Observer => &mut self.observers,
            Status::DialoguePartner => &mut self.partners,
        };
        list.push(a);
        list.sort_unstable();
    }

    pub fn expel(&mut self, a: ActorId) {
        self.members.retain(|x| *x != a);
        self.observers.retain(|x| *x != a);
        self.partners.retain(|x| *x != a);
        self.suspended.retain(|x| *x != a);
    }
}

/// A treaty outside the organizations' charters: a bilateral friendship
/// treaty in the world file, or a pact signed during a run.
#[derive(Debug, Clone)]
pub struct Treaty {
    pub id: String,
    pub parties: Vec<ActorId>,
    pub obligation: Obligation,
}

/// A foreign military base (US at Manas and Karshi-Khanabad, §3.3).
#[derive(Debug, Clone)]
pub struct Base {
    pub id: String,
    pub host: ActorId,
    pub user: ActorId,
    pub open: bool,
}

/// A security tie short of membership: NATO's Partnership for Peace, an
/// Individual Partnership Action Plan, a strategic partnership.
#[derive(Debug, Clone)]
pub struct SecurityTie {
    pub actor: ActorId,
    pub with: Party,
    pub kind: String,
}

/// Either side of a security tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Actor(ActorId),
    Org(OrgId),
}

/// A dense square matrix over actors.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    n: usize,
    /// Shared between the runs' copies of the world until a run writes to
    /// it (copy on write): most runs change few of the three matrices.
    data: Arc<Vec<f64>>,
}

impl Matrix {
    pub fn filled(n: usize, value: f64) -> Self {
        Matrix {
            n,
            data: Arc::new(vec![value; n * n]),
        }
    }
    pub fn get(&self, a: ActorId, b: ActorId) -> f64 {
        self.data[a * self.n + b]
    }
    pub fn set(&mut self, a: ActorId, b: ActorId, v: f64) {
        Arc::make_mut(&mut self.data)[a * self.n + b] = v;
    }
    /// `k` more actors: new last rows and columns of `value` (one copy of
    /// the matrix, however many are added).
    fn grow(&mut self, k: usize, value: f64) {
        let n = self.n + k;
        let mut data = vec![value; n * n];
        for a in 0..self.n {
            data[a * n..a * n + self.n].copy_from_slice(&self.data[a * self.n..(a + 1) * self.n]);
        }
        *self = Matrix {
            n,
            data: Arc::new(data),
        };
    }
}

/// Rates at which expectations of support move (Snyder's alignment).
/// Positive moves close a share of the gap to 1, negative ones remove a share
/// of the current value, so expectations stay in [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct Dynamics {
    /// Military support or endorsement when it was needed.
    pub support_gain: f64,
    /// Refusal, opposing vote, support for the other side.
    pub refusal_loss: f64,
    /// Abstention or neutrality when support was asked.
    pub abstain_loss: f64,
    /// Each joint exercise taken part in together.
    pub exercise_gain: f64,
    /// Each common declaration adopted.
    pub declaration_gain: f64,
    /// A treaty entering into force, scaled by its obligation's strength.
    pub treaty_gain: f64,
}

impl Dynamics {
    pub const NAMES: [&'static str; 6] = [
        "support_gain",
        "refusal_loss",
        "abstain_loss",
        "exercise_gain",
        "declaration_gain",
        "treaty_gain",
    ];

    pub fn get(&self, name: &str) -> Option<f64> {
        Some(match name {
            "support_gain" => self.support_gain,
            "refusal_loss" => self.refusal_loss,
            "abstain_loss" => self.abstain_loss,
            "exercise_gain" => self.exercise_gain,
            "declaration_gain" => self.declaration_gain,
            "treaty_gain" => self.treaty_gain,
            _ => return None,
        })
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut f64> {
        Some(match name {
            "support_gain" => &mut self.support_gain,
            "refusal_loss" => &mut self.refusal_loss,
            "abstain_loss" => &mut self.abstain_loss,
            "exercise_gain" => &mut self.exercise_gain,
            "declaration_gain" => &mut self.declaration_gain,
            "treaty_gain" => &mut self.treaty_gain,
            _ => return None,
        })
    }
}

/// Which dyadic matrix a relation path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Ties,
    Threat,
    Expectation,
}

impl Relation {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ties" => Some(Relation::Ties),
            "threat" => Some(Relation::Threat),
            "expectation" => Some(Relation::Expectation),
            _ => None,
        }
    }
}

/// A numeric parameter of the world, addressed by a path such as
/// `actors.RUS.capability`, `relations.RUS.USA.threat` or `dynamics.support_gain`.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Attribute(ActorId, String),
    Relation(ActorId, ActorId, Relation),
    Dynamics(String),
}

#[derive(Debug, Clone)]
pub struct World {
    /// Shared between the runs' copies of the world: a run changes an
    /// actor only when it draws or sets an attribute (copy on write).
    pub actors: Arc<Vec<Actor>>,
    /// Shared between the runs' copies too (copy on write, `org_mut`).
    pub orgs: Arc<Vec<Organization>>,
    pub ties: Matrix,
    pub threat: Matrix,
    /// `expectation[a][b]`: how far `a` expects `b` to support it.
    pub expectation: Matrix,
    /// Shared between the runs' copies too (copy on write).
    pub treaties: Arc<Vec<Treaty>>,
    pub bases: Vec<Base>,
    pub security_ties: Vec<SecurityTie>,
    pub dynamics: Dynamics,
    /// Current turn, for scripts.
    pub turn: u32,
    /// Outcomes so far in this run, by event id (scripts read them with
    /// `outcome_of`), and ids proposed by actors (at most once per run).
    pub history: BTreeMap<String, String>,
    /// Ties, threat and expectation of a pair the world file does not list
    /// (its `defaults:`), for actors added later.
    pub relation_defaults: [f64; 3],
    actor_index: Arc<BTreeMap<String, ActorId>>,
    org_index: Arc<BTreeMap<String, OrgId>>,
}

impl World {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        actors: Vec<Actor>,
        orgs: Vec<Organization>,
        ties: Matrix,
        threat: Matrix,
        expectation: Matrix,
        treaties: Vec<Treaty>,
        bases: Vec<Base>,
        security_ties: Vec<SecurityTie>,
        dynamics: Dynamics,
    ) -> Self {
        let actor_index = actors
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), i))
            .collect();
        let org_index = orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect();
        World {
            actors: Arc::new(actors),
            orgs: Arc::new(orgs),
            ties,
            threat,
            expectation,
            treaties: Arc::new(treaties),
            bases,
            security_ties,
            dynamics,
            turn: 0,
            history: BTreeMap::new(),
            relation_defaults: [0.0; 3],
            actor_index: Arc::new(actor_index),
            org_index: Arc::new(org_index),
        }
    }

    /// A copy that shares no reference count with this world: a worker
    /// thread's own original (issue 12), so that the copies its runs make
    /// and drop never touch a count that another thread touches too.
    pub fn unshared(&self) -> World {
        let mut w = self.clone();
        w.actors = Arc::new((*self.actors).clone());
        w.actor_index = Arc::new((*self.actor_index).clone());
        w.org_index = Arc::new((*self.org_index).clone());
        w.orgs = Arc::new((*self.orgs).clone());
        w.treaties = Arc::new((*self.treaties).clone());
        for m in [&mut w.ties, &mut w.threat, &mut w.expectation] {
            m.data = Arc::new((*m.data).clone());
        }
        w
    }

    /// A world with no actors or organizations yet.
    pub fn empty(relation_defaults: [f64; 3], dynamics: Dynamics) -> World {
        let m = |x| Matrix::filled(0, x);
        let [t, h, e] = relation_defaults;
        let mut w = World::new(
            vec![],
            vec![],
            m(t),
            m(h),
            m(e),
            vec![],
            vec![],
            vec![],
            dynamics,
        );
        w.relation_defaults = relation_defaults;
        w
    }

    /// Add an actor, related to every other by the defaults.
    pub fn add_actor(&mut self, a: Actor) -> ActorId {
        self.add_actors(vec![a]);
        self.actors.len() - 1
    }

    /// Add actors, related to every other by the defaults; the matrices
    /// grow once for all of them (a world of a thousand actors loads in
    /// milliseconds, not seconds).
    pub fn add_actors(&mut self, new: Vec<Actor>) {
        let [t, h, e] = self.relation_defaults;
        self.ties.grow(new.len(), t);
        self.threat.grow(new.len(), h);
        self.expectation.grow(new.len(), e);
        for a in new {
            let id = self.actors.len();
            Arc::make_mut(&mut self.actor_index).insert(a.id.clone(), id);
            Arc::make_mut(&mut self.actors).push(a);
        }
    }

    /// Add an organization.
    pub fn add_org(&mut self, o: Organization) -> OrgId {
        let id = self.orgs.len();
        Arc::make_mut(&mut self.org_index).insert(o.id.clone(), id);
        Arc::make_mut(&mut self.orgs).push(o);
        id
    }

    /// An organization to change: this world's own copy of the list.
    pub fn org_mut(&mut self, o: OrgId) -> &mut Organization {
        &mut Arc::make_mut(&mut self.orgs)[o]
    }

    /// Add a treaty (to this world's own copy of the list).
    pub fn add_treaty(&mut self, t: Treaty) {
        Arc::make_mut(&mut self.treaties).push(t);
    }

    pub fn actor_id(&self, id: &str) -> Option<ActorId> {
        self.actor_index.get(id).copied()
    }

    pub fn org_id(&self, id: &str) -> Option<OrgId> {
        self.org_index.get(id).copied()
    }

    pub fn actor(&self, a: ActorId) -> &Actor {
        &self.actors[a]
    }

    pub fn org(&self, o: OrgId) -> &Organization {
        &self.orgs[o]
    }

    pub fn name(&self, a: ActorId) -> &str {
        &self.actors[a].id
    }

    pub fn relation(&self, r: Relation) -> &Matrix {
        match r {
            Relation::Ties => &self.ties,
            Relation::Threat => &self.threat,
            Relation::Expectation => &self.expectation,
        }
    }

    fn relation_mut(&mut self, r: Relation) -> &mut Matrix {
        match r {
            Relation::Ties => &mut self.ties,
            Relation::Threat => &mut self.threat,
            Relation::Expectation => &mut self.expectation,
        }
    }

    /// Resolve a parameter path; the error says what was expected.
    pub fn param(&self, path: &str) -> Result<Param, String> {
        let parts: Vec<&str> = path.split('.').collect();
        let actor = |id: &str| {
            self.actor_id(id)
                .ok_or_else(|| format!("unknown actor `{id}` in path `{path}`"))
        };
        match parts.as_slice() {
            ["actors", a, attr] => {
                let a = actor(a)?;
                // An interest weight exists for every actor (neutral when
                // its world file gives none): it can be set or varied.
                let interest = crate::interest::Interest::parse(attr).is_some();
                if interest || self.actors[a].attributes.contains_key(*attr) {
                    Ok(Param::Attribute(a, attr.to_string()))
                } else {
                    Err(format!(
                        "actor `{}` has no attribute `{attr}` (it has: {})",
                        self.actors[a].id,
                        self.actors[a]
                            .attributes
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                }
            }
            ["relations", a, b, rel] => {
                let rel = Relation::parse(rel).ok_or_else(|| {
                    format!("unknown relation `{rel}`: expected ties, threat or expectation")
                })?;
                Ok(Param::Relation(actor(a)?, actor(b)?, rel))
            }
            ["dynamics", name] if Dynamics::NAMES.contains(name) => {
                Ok(Param::Dynamics(name.to_string()))
            }
            ["dynamics", name] => Err(format!(
                "unknown dynamics rate `{name}`: expected one of {}",
                Dynamics::NAMES.join(", ")
            )),
            _ => Err(format!(
                "cannot address `{path}`: expected actors.ID.ATTRIBUTE, relations.FROM.TO.(ties|threat|expectation) or dynamics.RATE"
            )),
        }
    }

    pub fn get(&self, p: &Param) -> f64 {
        match p {
            Param::Attribute(a, k) => self.actors[*a].attributes.get(k).copied().unwrap_or(
                if crate::interest::Interest::parse(k).is_some() {
                    crate::interest::Interest::NEUTRAL
                } else {
                    0.0
                },
            ),
            Param::Relation(a, b, r) => self.relation(*r).get(*a, *b),
            Param::Dynamics(name) => self.dynamics.get(name).unwrap_or(0.0),
        }
    }

    pub fn set(&mut self, p: &Param, value: f64) {
        match p {
            Param::Attribute(a, k) => {
                Arc::make_mut(&mut self.actors)[*a]
                    .attributes
                    .insert(k.clone(), value);
            }
            Param::Relation(a, b, r) => self.relation_mut(*r).set(*a, *b, value),
            Param::Dynamics(name) => {
                if let Some(v) = self.dynamics.get_mut(name) {
                    *v = value;
                }
            }
        }
    }

    /// Organizations `a` is a full member of.
    pub fn memberships(&self, a: ActorId) -> impl Iterator<Item = &Organization> {
        self.orgs.iter().filter(move |o| o.is_member(a))
    }

    /// The exclusive organization (if any) that forbids `a` from joining a
    /// military pact with these parties: CSTO Art. 1. A pact among the
    /// organization's own members does not conflict with it.
    pub fn exclusivity_conflict(
        &self,
        a: ActorId,
        parties: &[ActorId],
        obligation: Obligation,
    ) -> Option<&Organization> {
        if !obligation.is_military() {
            return None;
        }
        self.memberships(a)
            .find(|o| o.exclusive && parties.iter().any(|p| !o.is_member(*p)))
    }

    /// Move `expectation[a][b]` up by `rate` of the gap to 1 (rate > 0) or
    /// down by `-rate` of its value (rate < 0).
    pub fn nudge_expectation(&mut self, a: ActorId, b: ActorId, rate: f64) {
        if a == b || rate == 0.0 {
            return;
        }
        let e = self.expectation.get(a, b);
        let next = if rate > 0.0 {
            e + rate * (1.0 - e)
        } else {
            e + rate * e
        };
        self.expectation.set(a, b, next.clamp(0.0, 1.0));
    }

    pub fn open_bases_in(&self, host: ActorId) -> impl Iterator<Item = &Base> {
        self.bases.iter().filter(move |b| b.open && b.host == host)
    }
}

/// Why `id` cannot be an actor, organization, group or attribute id, if it
/// cannot: ids go into parameter paths, options and coalition ids, whose
/// separators (`.`, `:`, `+`, spaces) they must not contain.
pub fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("is empty".into());
    }
    id.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
        .map(|c| format!("contains `{}`", c.escape_debug()))
}

/// A world for unit tests: actors A, B, C, D; ORG = {A, B, C} deciding by
/// `rule`; C and D each host a base of A's.
#[cfg(test)]
pub(crate) fn tiny(rule: DecisionRule) -> World {
    let actors = ["A", "B", "C", "D"]
        .iter()
        .map(|id| Actor {
            id: id.to_string(),
            name: id.to_string(),
            rules: None,
            attributes: Default::default(),
        })
        .collect();
    let org = Organization {
        id: "ORG".into(),
        name: "ORG".into(),
        members: vec![0, 1, 2],
        observers: vec![],
        partners: vec![],
        obligations: vec![],
        decision: rule,
        exclusive: false,
        structure: Structure::default(),
        suspended: vec![],
        limited: vec![],
    };
    let m = || Matrix::filled(4, 0.5);
    let dy = Dynamics {
        support_gain: 0.1,
        refusal_loss: 0.1,
        abstain_loss: 0.1,
        exercise_gain: 0.1,
        declaration_gain: 0.1,
        treaty_gain: 0.1,
    };
    let base = |id: &str, host| Base {
        id: id.into(),
        host,
        user: 0,
        open: true,
    };
    World::new(
        actors,
        vec![org],
        m(),
        m(),
        m(),
        vec![],
        vec![base("b1", 3), base("b2", 2)],
        vec![],
        dy,
    )
}
