//! Events of a timeline, one module per kind. A kind's whole meaning lives in
//! its module: its fields and their checks (read through [`Input`], from a
//! scenario file or from a script's proposal), who decides, the options it
//! offers ([`Choice`], typed), the facts scripts see, the outcome rule, the
//! effects on the world, and the acts of support or opposition it records
//! ([`Act`], read by the analysis and the coalition finder). A new kind is its
//! own file plus one line in [`kinds!`].
//!
//! Which actors decide is computed from the world at the time of the event
//! (an admitted member votes on the next application).

use crate::interest::Terms;
use crate::value::{Fields, Value};
use crate::world::{ActorId, DecisionRule, OrgId, World};

mod armed_conflict;
mod backing;
mod basing;
mod clash;
mod crisis;
mod custom;
mod declaration;
mod departure;
mod exercise;
mod membership;
mod offer;
mod shock;
mod statement;
mod treaty;
mod unrest;
mod vote;
mod withdrawal;

pub use armed_conflict::ArmedConflict;
pub use backing::Backing;
pub use basing::BasingRequest;
pub use clash::Clash;
pub use crisis::Crisis;
pub use custom::Custom;
pub use declaration::Declaration;
pub use departure::{Departure, DepartureMode};
pub use exercise::JointExercise;
pub use membership::Membership;
pub use offer::Offer;
pub use shock::{Change, ChangeOp, Shock};
pub use statement::{Statement, StatementBy};
pub use treaty::TreatyProposal;
pub use unrest::Unrest;
pub use vote::{Forum, Vote};
pub use withdrawal::WithdrawalDemand;

/// Why an option was not open to an actor.
#[derive(Debug, Clone, PartialEq)]
pub struct Forbidden {
    /// `world: …` for a hard constraint of the world, else the script's file.
    pub by: String,
    pub reason: String,
}

/// What a collective act is aimed at (de Haas: NATO outward, the SCO inward).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Terrorism, separatism, extremism: the "three evils" (§II).
    Internal,
    /// States outside the membership.
    External,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Internal => "internal",
            Theme::External => "external",
        }
    }

    fn parse(inp: &mut dyn Input) -> Theme {
        match inp.keyword("theme", &["internal", "external"]).as_deref() {
            Some("external") => Theme::External,
            _ => Theme::Internal,
        }
    }
}

/// An option of an event, as the simulator reasons about it. Scripts and
/// reports see its label ([`Choice::label`]): `military_support:CHN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Military(ActorId),
    /// Arms deliveries to a side: more than words, less than troops.
    Arms(ActorId),
    Diplomatic(ActorId),
    /// Military pressure short of war in a crisis.
    ShowOfForce(ActorId),
    /// Monitors or peacekeepers between the sides, or sent to a state in unrest.
    Monitors,
    Mediate,
    StayOut,
    Neutrality,
    Condemnation,
    Approve,
    Oppose,
    Endorse,
    Abstain,
    Reject,
    Participate,
    Observe,
    Decline,
    Sign,
    Grant,
    Deny,
    Adopt,
    Block,
    Dissociate,
    Yes,
    No,
    Absent,
    Deploy,
    /// The i-th option a custom kind declares.
    Custom(usize),
}

impl Choice {
    /// The option's name in scripts, reports and claims.
    pub fn label(self, w: &World, custom: &[String]) -> String {
        let side = |k: &str, a: ActorId| format!("{k}:{}", w.name(a));
        match self {
            Choice::Military(a) => side("military_support", a),
            Choice::Arms(a) => side("arms", a),
            Choice::Diplomatic(a) => side("diplomatic_support", a),
            Choice::ShowOfForce(a) => side("show_of_force", a),
            Choice::Custom(i) => custom.get(i).cloned().unwrap_or_default(),
            other => other.word().to_string(),
        }
    }

    fn word(self) -> &'static str {
        match self {
            Choice::Military(_) => "military_support",
            Choice::Arms(_) => "arms",
            Choice::Diplomatic(_) => "diplomatic_support",
            Choice::ShowOfForce(_) => "show_of_force",
            Choice::Monitors => "monitors",
            Choice::Mediate => "mediate",
            Choice::StayOut => "stay_out",
            Choice::Neutrality => "neutrality",
            Choice::Condemnation => "condemnation",
            Choice::Approve => "approve",
            Choice::Oppose => "oppose",
            Choice::Endorse => "endorse",
            Choice::Abstain => "abstain",
            Choice::Reject => "reject",
            Choice::Participate => "participate",
            Choice::Observe => "observe",
            Choice::Decline => "decline",
            Choice::Sign => "sign",
            Choice::Grant => "grant",
            Choice::Deny => "deny",
            Choice::Adopt => "adopt",
            Choice::Block => "block",
            Choice::Dissociate => "dissociate",
            Choice::Yes => "yes",
            Choice::No => "no",
            Choice::Absent => "absent",
            Choice::Deploy => "deploy",
            Choice::Custom(_) => "custom",
        }
    }
}

/// How far a third state went for one side of a fight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Support {
    /// Neutral, or against this side.
    None,
    Diplomatic,
    /// Arms deliveries, or a show of force in a crisis.
    Arms,
    Military,
}

/// What a run's decisions say about who stood with whom: the behaviour the
/// indicators and the coalition finder read. Kinds translate their
/// decisions into acts; nothing downstream reads options.
#[derive(Debug, Clone, PartialEq)]
pub enum Act {
    /// In a fight between `side` and `other`, `by` was asked to take a side
    /// and gave `side` this much support. Diplomatic solidarity is measured
    /// on every fight; casus foederis only on wars (`war`), not on clashes
    /// or crises short of war.
    Side {
        by: ActorId,
        side: ActorId,
        other: ActorId,
        given: Support,
        war: bool,
        /// A defence pledge covers `side` here: it was attacked from
        /// outside (not a war it started, nor one over territory third
        /// states recognise as the claimant's). Only such wars test a
        /// defence pact's casus foederis (ATOP; Snyder): allies owe nothing
        /// to a partner that starts a war.
        covered: bool,
    },
    /// `by` cast `ballot` on a resolution in a forum (co-behaviour).
    Ballot { by: ActorId, ballot: Choice },
    /// `by` answered `to`'s request for backing: endorsed or not.
    Backing {
        by: ActorId,
        to: ActorId,
        endorsed: bool,
        rejected: bool,
    },
    /// A collective security act (an exercise, a declaration): who took
    /// part and how fully (1 participate, 0.25 observe, 0 decline), whether
    /// it happened, its theme and target.
    Collective {
        scope: Scope,
        theme: Theme,
        happened: bool,
        took_part: Vec<(ActorId, f64)>,
        /// Counted in the military-integration participation share.
        drill: bool,
        against: Option<ActorId>,
    },
    /// `by` backed (`true`) or opposed `to` outside a fight: a vote on its
    /// application, a granted demand.
    Stance {
        by: ActorId,
        to: ActorId,
        backs: bool,
    },
    /// These actors bound themselves to each other (a treaty in force).
    Pact { parties: Vec<ActorId> },
}

/// Whose collective act it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// An organization's act (a declaration): a group's if the group is that
    /// organization, or if all its members belong to it.
    Org(OrgId),
    /// A joint act of its participants (an exercise), possibly under an
    /// organization: a group's if it is that organization, else if at least
    /// two of its members took part.
    Participants(Option<OrgId>),
}

/// Whether a collective decision passes under an organization's rule:
/// consensus, any "no" vetoes; majority, more than half say yes. Nothing
/// passes with nobody to decide (an organization without active members
/// admits no one and adopts nothing).
pub fn passes(rule: DecisionRule, yes: usize, no: usize, total: usize) -> bool {
    total > 0
        && match rule {
            DecisionRule::Consensus => no == 0,
            DecisionRule::Majority => 2 * yes > total,
        }
}

/// The usual scale: for (1), halfway (0.5), against (0).
fn default_position(c: Choice) -> Option<f64> {
    use Choice::*;
    match c {
        Approve | Endorse | Participate | Sign | Grant | Adopt | Yes | Deploy => Some(1.0),
        Abstain | Observe | Monitors | Neutrality | StayOut | Mediate | Dissociate => Some(0.5),
        Oppose | Reject | Decline | Deny | Block | No => Some(0.0),
        Military(_) | Arms(_) | Diplomatic(_) | ShowOfForce(_) | Condemnation | Absent
        | Custom(_) => None,
    }
}

/// Where support for `side` against `other` stands, from 1 (all for
/// `side`) to 0 (all for `other`); neutral choices at 0.5.
fn side_position(c: Choice, side: ActorId) -> Option<f64> {
    use Choice::*;
    let toward = |x: ActorId, w: f64| if x == side { 0.5 + w } else { 0.5 - w };
    match c {
        Military(x) => Some(toward(x, 0.5)),
        Arms(x) | ShowOfForce(x) => Some(toward(x, 0.35)),
        Diplomatic(x) => Some(toward(x, 0.2)),
        other => default_position(other),
    }
}

/// How many of the votes chose `c`.
fn count(votes: &[(ActorId, Choice)], c: Choice) -> usize {
    votes.iter().filter(|(_, x)| *x == c).count()
}

/// One kind of event. Object-safe: the simulator calls it through
/// [`EventKind::kind`].
pub trait Kind: std::fmt::Debug + Send + Sync {
    /// The name in scenario files and handler names (`on_<kind>`).
    fn name(&self) -> &str;
    /// The actors that decide, given the world now (any order; duplicates
    /// are removed).
    fn deciders(&self, w: &World) -> Vec<ActorId>;
    /// The options offered to every decider, in a fixed order.
    fn options(&self, w: &World) -> Vec<Choice>;
    /// Labels of [`Choice::Custom`] options.
    fn custom_labels(&self) -> &[String] {
        &[]
    }
    /// The kind's fields as scripts see them (docs/rules.md).
    fn facts(&self, w: &World, deciders: &[ActorId], f: &mut Fields);
    /// Hard constraints of the world on `actor` (treaty law recorded in the
    /// world), before any script is asked.
    fn constraints(
        &self,
        _w: &World,
        _actor: ActorId,
        _options: &[Choice],
        _out: &mut [Option<Forbidden>],
    ) {
    }
    /// The interest terms of choosing `c`, for `me`: the decision model's
    /// reading of this kind (docs/model.md). A kind without terms leaves
    /// every option equal.
    fn terms(&self, _w: &World, _me: ActorId, _c: Choice) -> Terms {
        Terms::ZERO
    }
    /// The outcome, given each decider's choice.
    fn outcome(&self, w: &World, votes: &[(ActorId, Choice)]) -> String;
    /// The outcomes it can end in, for claims and error notes.
    fn outcome_forms(&self, w: &World) -> Vec<String>;
    /// Whether it can end in `outcome` in some run.
    fn can_end_in(&self, outcome: &str, w: &World) -> bool {
        self.outcome_forms(w).iter().any(|o| o == outcome)
    }
    /// Where a choice stands on this event's scale, for co-behaviour: 1 for
    /// the event's subject (the resolution, the applicant, the requester, the
    /// defender), 0 against it, between for abstentions and half measures;
    /// `None` for a choice off any scale (custom kinds).
    fn position(&self, c: Choice) -> Option<f64> {
        default_position(c)
    }
    /// Its effects on the world, after the last decision.
    fn apply(&self, id: &str, votes: &[(ActorId, Choice)], outcome: &str, w: &mut World);
    /// The acts of support and opposition its decisions amount to.
    fn acts(&self, votes: &[(ActorId, Choice)], outcome: &str, w: &World, out: &mut Vec<Act>);
}

/// Fields of an event being read: from a scenario file (positioned errors)
/// or from a script's proposal. Getters return `None` for an absent field
/// and for one with an error, which they record.
pub trait Input {
    fn world(&self) -> &World;
    /// The actor that proposes the event, when a script does: it is the
    /// kind's subject (applicant, requester, …), which a proposal may not
    /// name itself.
    fn proposer(&self) -> Option<ActorId>;
    fn has(&self, field: &str) -> bool;
    /// A field's text without reading it (a later getter still sees it).
    fn peek(&self, field: &str) -> Option<String>;
    fn text(&mut self, field: &str) -> Option<String>;
    fn actor(&mut self, field: &str) -> Option<ActorId>;
    /// A list of actors, sorted, without duplicates.
    fn actors(&mut self, field: &str) -> Option<Vec<ActorId>>;
    /// A list of actors as written (order and repeats kept).
    fn actors_as_written(&mut self, field: &str) -> Option<Vec<ActorId>>;
    fn org(&mut self, field: &str) -> Option<OrgId>;
    /// A word from `allowed`; anything else is an error naming them.
    fn keyword(&mut self, field: &str, allowed: &[&str]) -> Option<String>;
    /// `(actor, side)` pairs (`backers:` of an armed conflict).
    fn pairs(&mut self, field: &str) -> Vec<(ActorId, ActorId)>;
    /// Parameter changes (`changes:` of a shock).
    fn changes(&mut self, field: &str) -> Vec<Change>;
    /// String parameters (`params:` of a custom kind).
    fn params(&mut self, field: &str) -> Vec<(String, String)>;
    /// Record an error about `field` (or the event as a whole).
    fn error(&mut self, field: Option<&str>, message: String, label: &str);
    /// Record an error about one item of the list `field`: the `nth` (from
    /// 0) that names `item` (for `backers`, the one whose `side` does), so
    /// the error points at the item, not at the list.
    fn error_at_item(&mut self, field: &str, item: &str, nth: usize, message: String, label: &str) {
        let _ = (item, nth);
        self.error(Some(field), message, label);
    }
    /// The event's id, for messages.
    fn event_id(&self) -> &str;
}

impl dyn Input + '_ {
    /// The kind's subject: the proposer of a proposed event, else `field`.
    fn subject(&mut self, field: &str) -> Option<ActorId> {
        match self.proposer() {
            Some(p) => Some(p),
            None => self.actor(field),
        }
    }

    /// A proposal must come from a member of `org` (a declaration, a
    /// departure).
    fn proposer_in(&mut self, org: Option<OrgId>) -> bool {
        let (Some(p), Some(o)) = (self.proposer(), org) else {
            return true;
        };
        let w = self.world();
        if w.org(o).is_member(p) {
            return true;
        }
        let msg = format!("{} is not a member of {}", w.name(p), w.org(o).id);
        self.error(Some("org"), msg, "not a member");
        false
    }

    /// `name:`, or the event's id.
    fn name_or_id(&mut self) -> String {
        self.text("name")
            .unwrap_or_else(|| self.event_id().to_string())
    }
}

/// A kind's entry in the registry.
pub struct KindSpec {
    pub name: &'static str,
    /// Fields a scenario must give.
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
    /// The fields a proposal may give (the subject is the proposer); `None`
    /// if scripts may not propose this kind.
    pub proposal: Option<&'static [&'static str]>,
    /// Of those, the ones it must give.
    pub proposal_required: &'static [&'static str],
    /// The outcomes it can end in whatever its fields (for claims about
    /// proposals, whose kind is not known in advance).
    pub outcomes: &'static [&'static str],
    /// Its options' labels, where they do not name actors (the same).
    pub options: &'static [&'static str],
    /// Families of options that name a side (`diplomatic_support` for
    /// `diplomatic_support:<side>`), for `bloc kinds`.
    pub sided: &'static [&'static str],
    /// Outcomes that name actors, with placeholders, for `bloc kinds`.
    pub outcome_forms: &'static [&'static str],
    pub parse: fn(&mut dyn Input) -> Option<EventKind>,
}

macro_rules! kinds {
    ($($variant:ident => $module:ident :: $ty:ident),* $(,)?) => {
        /// Every kind of event, one variant per module.
        #[derive(Debug, Clone)]
        pub enum EventKind {
            $($variant($ty)),*
        }

        impl EventKind {
            /// The kind's behaviour.
            pub fn kind(&self) -> &dyn Kind {
                match self {
                    $(EventKind::$variant(k) => k),*
                }
            }
        }

        /// Every kind's entry, the custom kinds' included.
        const SPECS: &[KindSpec] = &[$($module::SPEC),*];
    };
}

/// The built-in kinds (custom kinds are declared by scenarios).
pub fn builtin() -> impl Iterator<Item = &'static KindSpec> {
    SPECS.iter().filter(|k| k.name != custom::SPEC.name)
}

kinds! {
    ArmedConflict => armed_conflict::ArmedConflict,
    Membership => membership::Membership,
    Backing => backing::Backing,
    JointExercise => exercise::JointExercise,
    TreatyProposal => treaty::TreatyProposal,
    BasingRequest => basing::BasingRequest,
    WithdrawalDemand => withdrawal::WithdrawalDemand,
    Declaration => declaration::Declaration,
    Shock => shock::Shock,
    Offer => offer::Offer,
    Departure => departure::Departure,
    Vote => vote::Vote,
    Unrest => unrest::Unrest,
    Clash => clash::Clash,
    Crisis => crisis::Crisis,
    Statement => statement::Statement,
    Custom => custom::Custom,
}

/// The built-in kind called `name`.
pub fn spec(name: &str) -> Option<&'static KindSpec> {
    builtin().find(|k| k.name == name)
}

/// The entry of scenario-declared kinds (fields `deciders`, `requester`,
/// `params`).
pub fn custom_spec() -> &'static KindSpec {
    &custom::SPEC
}

/// Read an event of a scenario-declared kind with its declared options.
pub fn parse_custom(inp: &mut dyn Input, kind: &str, options: &[String]) -> Option<EventKind> {
    custom::parse(inp, kind, options)
}

/// Who put an endogenous event on the timeline, and why.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub by: ActorId,
    pub rationale: String,
    /// `rules/russia.rhai: propose`.
    pub handler: String,
    /// The turn at whose end it was proposed.
    pub at_turn: u32,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub turn: u32,
    pub description: String,
    pub kind: EventKind,
    /// Set for events an actor's rules proposed during the run.
    pub proposal: Option<Proposal>,
}

impl Event {
    /// The name of the kind, as in scenario files and handler names (`on_<kind>`).
    pub fn kind_name(&self) -> &str {
        self.kind.kind().name()
    }

    /// The actors that decide on this event, in id order, given the world now.
    pub fn deciders(&self, w: &World) -> Vec<ActorId> {
        let mut out = self.kind.kind().deciders(w);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The options offered to every decider, in a fixed order.
    pub fn choices(&self, w: &World) -> Vec<Choice> {
        self.kind.kind().options(w)
    }

    /// The options' labels, in the same order.
    pub fn options(&self, w: &World) -> Vec<String> {
        self.labels(w, &self.choices(w))
    }

    pub fn labels(&self, w: &World, choices: &[Choice]) -> Vec<String> {
        let custom = self.kind.kind().custom_labels();
        choices.iter().map(|c| c.label(w, custom)).collect()
    }

    /// The outcomes this event can end in, as reports and claims name them.
    pub fn outcome_forms(&self, w: &World) -> Vec<String> {
        self.kind.kind().outcome_forms(w)
    }

    /// Whether this event can end in `outcome` in some run.
    pub fn can_end_in(&self, outcome: &str, w: &World) -> bool {
        self.kind.kind().can_end_in(outcome, w)
    }

    /// The event as scripts see it: a map of ids and names (docs/rules.md).
    /// The deciding actor's id is added under `actor` per decision.
    pub fn facts(&self, w: &World, options: &[String]) -> Fields {
        let mut m = Fields::new();
        m.insert("id".into(), Value::from(self.id.as_str()));
        m.insert("kind".into(), Value::from(self.kind_name()));
        m.insert("turn".into(), Value::Int(i64::from(self.turn)));
        m.insert("description".into(), Value::from(self.description.as_str()));
        m.insert(
            "options".into(),
            Value::List(options.iter().map(|o| Value::from(o.as_str())).collect()),
        );
        self.kind.kind().facts(w, &self.deciders(w), &mut m);
        m
    }

    /// Hard constraints the world itself imposes on `actor`.
    pub fn constraints(
        &self,
        w: &World,
        actor: ActorId,
        options: &[Choice],
    ) -> Vec<Option<Forbidden>> {
        let mut out = vec![None; options.len()];
        self.kind.kind().constraints(w, actor, options, &mut out);
        out
    }
}

/// Whether an event an actor proposes (of any kind a script may propose) can
/// end in `outcome`: a claim about a proposal cannot know its kind.
pub fn proposal_can_end_in(outcome: &str, w: &World) -> bool {
    withdrawal::outcome_names_hosts(outcome, w)
        || outcome
            .strip_suffix(" backed")
            .is_some_and(|a| w.actor_id(a).is_some())
        || builtin()
            .filter(|k| k.proposal.is_some())
            .any(|k| k.outcomes.contains(&outcome))
}

/// Every outcome a proposed event can end in, for error notes.
pub fn proposal_outcomes() -> Vec<&'static str> {
    let mut v: Vec<&str> = builtin()
        .filter(|k| k.proposal.is_some())
        .flat_map(|k| k.outcomes.iter().copied())
        .collect();
    v.extend(["closed by HOSTS", "kept by HOSTS", "ACTOR backed"]);
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|o| seen.insert(*o));
    v
}

/// Whether an event an actor proposes can offer `option`: a fixed word, or
/// a side taken (`show_of_force:KGZ`) naming an actor.
pub fn proposal_offers(option: &str, w: &World) -> bool {
    if proposal_options().contains(&option) {
        return true;
    }
    let sided = [
        "show_of_force",
        "diplomatic_support",
        "arms",
        "military_support",
    ];
    option
        .split_once(':')
        .is_some_and(|(k, a)| sided.contains(&k) && w.actor_id(a).is_some())
}

/// Every option an event an actor proposes can offer, for checking claims
/// about a proposal's choices.
pub fn proposal_options() -> Vec<&'static str> {
    let mut v: Vec<&str> = builtin()
        .filter(|k| k.proposal.is_some())
        .flat_map(|k| k.options.iter().copied())
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|o| seen.insert(*o));
    v
}

/// Names of actors, for facts.
fn names(w: &World, xs: &[ActorId]) -> Value {
    Value::List(xs.iter().map(|a| Value::from(w.name(*a))).collect())
}

/// An actor's name, or "" for none.
fn name_or_empty(w: &World, a: Option<ActorId>) -> Value {
    Value::from(a.map_or("", |a| w.name(a)))
}

/// An organization's id, or "" for none.
fn org_or_empty(w: &World, o: Option<OrgId>) -> Value {
    Value::from(o.map_or("", |o| w.org(o).id.as_str()))
}

#[cfg(test)]
mod tests;
