//! Raw serde types of world and scenario files, with the position of every
//! value: what the YAML says, before any check.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_saphyr::{Location, Spanned};

use crate::uncertainty::Dist;
use crate::world::Obligation;

/// A YAML mapping kept in file order, with the position of every key.
pub(super) struct Keyed<V>(pub(super) Vec<(Spanned<String>, V)>);

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Keyed<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Keyed<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<Spanned<String>, V>()? {
                    out.push((k, v));
                }
                Ok(Keyed(out))
            }
        }
        d.deserialize_map(V2(PhantomData))
    }
}

// ---------------------------------------------------------------- raw world

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWorld {
    /// Required so every world file says what it is; not used by the run.
    #[allow(dead_code)]
    pub(super) name: String,
    #[serde(default)]
    #[allow(dead_code)]
    pub(super) description: String,
    pub(super) defaults: RawDefaults,
    pub(super) dynamics: RawDynamics,
    pub(super) actors: Keyed<RawActor>,
    pub(super) organizations: Keyed<RawOrg>,
    #[serde(default)]
    pub(super) relations: Vec<RawRelation>,
    #[serde(default)]
    pub(super) treaties: Vec<RawTreaty>,
    #[serde(default)]
    pub(super) bases: Vec<RawBase>,
    #[serde(default)]
    pub(super) security_ties: Vec<RawSecurityTie>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDefaults {
    pub(super) ties: Spanned<f64>,
    pub(super) threat: Spanned<f64>,
    pub(super) expectation: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDynamics {
    pub(super) support_gain: Spanned<f64>,
    pub(super) refusal_loss: Spanned<f64>,
    pub(super) abstain_loss: Spanned<f64>,
    pub(super) exercise_gain: Spanned<f64>,
    pub(super) declaration_gain: Spanned<f64>,
    pub(super) treaty_gain: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawActor {
    pub(super) name: String,
    #[serde(default)]
    pub(super) rules: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) attributes: Keyed<Spanned<RawNumber>>,
    /// The decision model's weights (docs/model.md), one per interest.
    #[serde(default)]
    pub(super) interests: Keyed<Spanned<RawNumber>>,
}

/// A number, or a distribution drawn once per run (docs/scenarios.md).
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawNumber {
    Fixed(f64),
    Dist(RawDist),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDist {
    pub(super) uniform: Option<Vec<f64>>,
    pub(super) normal: Option<RawNormal>,
    pub(super) beta: Option<Vec<f64>>,
    pub(super) triangular: Option<Vec<f64>>,
    pub(super) choice: Option<Vec<f64>>,
    pub(super) weights: Option<Vec<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNormal {
    pub(super) mean: f64,
    pub(super) sd: f64,
    #[serde(default)]
    pub(super) min: f64,
    #[serde(default = "one")]
    pub(super) max: f64,
}

pub(super) fn one() -> f64 {
    1.0
}

impl RawDist {
    pub(super) fn to_dist(&self) -> Result<Dist, String> {
        let n = [
            self.uniform.is_some(),
            self.normal.is_some(),
            self.beta.is_some(),
            self.triangular.is_some(),
            self.choice.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if n != 1 {
            return Err(
                "a distribution needs exactly one of uniform, normal, beta, triangular, choice"
                    .into(),
            );
        }
        if self.weights.is_some() && self.choice.is_none() {
            return Err("`weights` goes with `choice`".into());
        }
        let pair = |v: &Vec<f64>, what: &str| match v.as_slice() {
            [a, b] => Ok((*a, *b)),
            _ => Err(format!("{what} takes two numbers, found {}", v.len())),
        };
        let d = if let Some(v) = &self.uniform {
            let (lo, hi) = pair(v, "uniform")?;
            Dist::Uniform { lo, hi }
        } else if let Some(nm) = &self.normal {
            Dist::Normal {
                mean: nm.mean,
                sd: nm.sd,
                min: nm.min,
                max: nm.max,
            }
        } else if let Some(v) = &self.beta {
            let (alpha, beta) = pair(v, "beta")?;
            Dist::Beta { alpha, beta }
        } else if let Some(v) = &self.triangular {
            match v.as_slice() {
                [min, mode, max] => Dist::Triangular {
                    min: *min,
                    mode: *mode,
                    max: *max,
                },
                _ => {
                    return Err(format!(
                        "triangular takes [min, mode, max], found {} numbers",
                        v.len()
                    ));
                }
            }
        } else {
            let values = self.choice.clone().unwrap_or_default();
            let weights = self
                .weights
                .clone()
                .unwrap_or_else(|| vec![1.0; values.len()]);
            Dist::Choice { values, weights }
        };
        d.validate()?;
        Ok(d)
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub(super) enum RawObligation {
    Consultation,
    NonAggression,
    Neutrality,
    Offence,
    Defence,
}

impl From<RawObligation> for Obligation {
    fn from(r: RawObligation) -> Self {
        match r {
            RawObligation::Consultation => Obligation::Consultation,
            RawObligation::NonAggression => Obligation::NonAggression,
            RawObligation::Neutrality => Obligation::Neutrality,
            RawObligation::Offence => Obligation::Offence,
            RawObligation::Defence => Obligation::Defence,
        }
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub(super) enum RawDecision {
    Consensus,
    Majority,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStructure {
    #[serde(default)]
    pub(super) integrated_command: bool,
    #[serde(default)]
    pub(super) operational_hq: bool,
    #[serde(default)]
    pub(super) rapid_reaction_force: bool,
    #[serde(default)]
    pub(super) staff_training: bool,
    #[serde(default)]
    pub(super) arms_procurement: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOrg {
    pub(super) name: String,
    pub(super) members: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) observers: Vec<Spanned<String>>,
    /// Dialogue partners (the SCO's third tier).
    #[serde(default)]
    pub(super) dialogue_partners: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) obligations: Vec<RawObligation>,
    pub(super) decision: RawDecision,
    #[serde(default)]
    pub(super) exclusive: bool,
    #[serde(default)]
    pub(super) structure: RawStructure,
    /// Members whose pledge of force holds only against these adversaries.
    #[serde(default)]
    pub(super) limited: Keyed<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRelation {
    pub(super) from: Spanned<String>,
    pub(super) to: Spanned<String>,
    /// Set the same values in both directions.
    #[serde(default)]
    pub(super) mutual: bool,
    #[serde(default)]
    pub(super) ties: Option<Spanned<RawNumber>>,
    #[serde(default)]
    pub(super) threat: Option<Spanned<RawNumber>>,
    #[serde(default)]
    pub(super) expectation: Option<Spanned<RawNumber>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTreaty {
    pub(super) id: Spanned<String>,
    pub(super) parties: Vec<Spanned<String>>,
    pub(super) obligation: RawObligation,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBase {
    pub(super) id: Spanned<String>,
    pub(super) host: Spanned<String>,
    pub(super) user: Spanned<String>,
    #[serde(default = "yes")]
    pub(super) open: bool,
}

pub(super) fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSecurityTie {
    pub(super) actor: Spanned<String>,
    pub(super) with: Spanned<String>,
    pub(super) kind: String,
}

// ------------------------------------------------------------- raw scenario

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenario {
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: String,
    pub(super) world: Spanned<String>,
    /// Actors, organizations, memberships and relations added to the world.
    #[serde(default)]
    pub(super) extend: Option<RawExtend>,
    #[serde(default)]
    pub(super) overrides: Vec<RawOverride>,
    pub(super) seed: u64,
    #[serde(default = "default_runs")]
    pub(super) runs: Spanned<u32>,
    pub(super) turns: Spanned<u32>,
    #[serde(default = "default_temperature")]
    pub(super) temperature: Spanned<f64>,
    #[serde(default)]
    pub(super) rules: Option<Spanned<String>>,
    pub(super) groups: Vec<Spanned<RawGroup>>,
    #[serde(default)]
    pub(super) thresholds: RawThresholds,
    #[serde(default)]
    pub(super) custom_kinds: Keyed<RawCustomKind>,
    #[serde(default)]
    pub(super) amend: Vec<Spanned<RawAmend>>,
    #[serde(default = "default_max_proposals")]
    pub(super) max_proposals: u32,
    #[serde(default = "default_min_acts")]
    pub(super) coalition_min_acts: u32,
    pub(super) timeline: Vec<RawEvent>,
    #[serde(default)]
    pub(super) expect: Vec<Spanned<RawClaim>>,
}

pub(super) fn default_max_proposals() -> u32 {
    1
}

pub(super) fn default_min_acts() -> u32 {
    2
}

/// A change to the world before turn 1, for counterfactual starting points:
/// `{join: SCO, actor: IRN}`, `{leave: CSTO, actor: UZB}`, `{base: k2, open: true}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAmend {
    pub(super) join: Option<Spanned<String>>,
    pub(super) leave: Option<Spanned<String>>,
    pub(super) actor: Option<Spanned<String>>,
    pub(super) status: Option<RawStatus>,
    pub(super) base: Option<Spanned<String>>,
    pub(super) open: Option<bool>,
}

/// One claim of `expect:`; which fields are present says what it is about.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawClaim {
    pub(super) claim: Option<String>,
    pub(super) why: Option<String>,
    /// Why the general model does not reproduce it (a known failure).
    pub(super) known: Option<String>,
    pub(super) group: Option<Spanned<String>>,
    pub(super) verdict: Option<Spanned<String>>,
    pub(super) turn: Option<Spanned<u32>>,
    pub(super) emerges: Option<Spanned<String>>,
    pub(super) indicator: Option<Spanned<String>>,
    pub(super) event: Option<Spanned<String>>,
    pub(super) proposal: Option<Spanned<String>>,
    pub(super) actor: Option<Spanned<String>>,
    pub(super) choice: Option<Spanned<String>>,
    pub(super) outcome: Option<Spanned<String>>,
    pub(super) coalition: Option<Vec<Spanned<String>>>,
    pub(super) at_least: Option<Spanned<f64>>,
    pub(super) at_most: Option<Spanned<f64>>,
}

pub(super) fn default_runs() -> Spanned<u32> {
    Spanned::new(100, Location::UNKNOWN, Location::UNKNOWN)
}

/// Noise in the decision model's utility units (docs/model.md): an option
/// 0.1 below the best is chosen 1/e as often.
pub(super) fn default_temperature() -> Spanned<f64> {
    Spanned::new(0.1, Location::UNKNOWN, Location::UNKNOWN)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOverride {
    pub(super) path: Spanned<String>,
    pub(super) value: Spanned<RawNumber>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGroup {
    #[serde(default)]
    pub(super) id: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) org: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) actors: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub(super) rivals: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawThresholds {
    pub(super) formal_commitment: Option<Spanned<f64>>,
    pub(super) casus_foederis: Option<Spanned<f64>>,
    pub(super) external_orientation: Option<Spanned<f64>>,
    pub(super) exclusivity: Option<Spanned<f64>>,
    pub(super) diplomatic_solidarity: Option<Spanned<f64>>,
    pub(super) alignment: Option<Spanned<f64>>,
    pub(super) co_behaviour: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCustomKind {
    pub(super) options: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub(super) description: String,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub(super) enum RawStatus {
    Member,
    Observer,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBacker {
    pub(super) actor: Spanned<String>,
    pub(super) side: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChange {
    pub(super) path: Spanned<String>,
    #[serde(default)]
    pub(super) set: Option<Spanned<f64>>,
    #[serde(default)]
    pub(super) add: Option<Spanned<f64>>,
}

pub(super) type SpannedIds = Spanned<Vec<Spanned<String>>>;

/// One event as written. Fields are optional here; which ones a kind takes is
/// checked in [`Checker::event`], so the error can name the field and kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvent {
    pub(super) turn: Spanned<u32>,
    pub(super) id: Spanned<String>,
    pub(super) kind: Spanned<String>,
    #[serde(default)]
    pub(super) description: Option<String>,
    pub(super) attacker: Option<Spanned<String>>,
    pub(super) defender: Option<Spanned<String>>,
    pub(super) backers: Option<Spanned<Vec<RawBacker>>>,
    pub(super) deciders: Option<SpannedIds>,
    pub(super) applicant: Option<Spanned<String>>,
    pub(super) org: Option<Spanned<String>>,
    pub(super) status: Option<Spanned<String>>,
    pub(super) requester: Option<Spanned<String>>,
    pub(super) issue: Option<Spanned<String>>,
    pub(super) recognition: Option<Spanned<String>>,
    pub(super) integrity: Option<Spanned<String>>,
    pub(super) claim: Option<Spanned<String>>,
    pub(super) name: Option<Spanned<String>>,
    pub(super) participants: Option<SpannedIds>,
    pub(super) theme: Option<Spanned<String>>,
    pub(super) proposer: Option<Spanned<String>>,
    pub(super) parties: Option<SpannedIds>,
    pub(super) obligation: Option<Spanned<String>>,
    pub(super) base: Option<Spanned<String>>,
    pub(super) user: Option<Spanned<String>>,
    pub(super) host: Option<Spanned<String>>,
    pub(super) demander: Option<Spanned<String>>,
    pub(super) hosts: Option<SpannedIds>,
    pub(super) text: Option<Spanned<String>>,
    pub(super) against: Option<Spanned<String>>,
    pub(super) changes: Option<Spanned<Vec<RawChange>>>,
    pub(super) params: Option<Spanned<BTreeMap<String, String>>>,
    pub(super) invitee: Option<Spanned<String>>,
    pub(super) actor: Option<Spanned<String>>,
    pub(super) mode: Option<Spanned<String>>,
    pub(super) forum: Option<Spanned<String>>,
    pub(super) resolution: Option<Spanned<String>>,
    pub(super) sponsor: Option<Spanned<String>>,
    pub(super) state: Option<Spanned<String>>,
    pub(super) target: Option<Spanned<String>>,
    pub(super) by: Option<Spanned<String>>,
    pub(super) sides: Option<SpannedIds>,
    pub(super) applicants: Option<SpannedIds>,
    pub(super) request: Option<Spanned<RawRequest>>,
}

/// `request: {org: CSTO}` of an `unrest` event.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRequest {
    pub(super) org: Spanned<String>,
}

impl RawEvent {
    /// A field that holds one word or id.
    pub(super) fn string(&self, name: &str) -> Option<&Spanned<String>> {
        match name {
            "attacker" => self.attacker.as_ref(),
            "defender" => self.defender.as_ref(),
            "applicant" => self.applicant.as_ref(),
            "org" => self.org.as_ref(),
            "status" => self.status.as_ref(),
            "requester" => self.requester.as_ref(),
            "issue" => self.issue.as_ref(),
            "recognition" => self.recognition.as_ref(),
            "integrity" => self.integrity.as_ref(),
            "claim" => self.claim.as_ref(),
            "name" => self.name.as_ref(),
            "theme" => self.theme.as_ref(),
            "proposer" => self.proposer.as_ref(),
            "obligation" => self.obligation.as_ref(),
            "base" => self.base.as_ref(),
            "user" => self.user.as_ref(),
            "host" => self.host.as_ref(),
            "demander" => self.demander.as_ref(),
            "text" => self.text.as_ref(),
            "against" => self.against.as_ref(),
            "invitee" => self.invitee.as_ref(),
            "actor" => self.actor.as_ref(),
            "mode" => self.mode.as_ref(),
            "forum" => self.forum.as_ref(),
            "resolution" => self.resolution.as_ref(),
            "sponsor" => self.sponsor.as_ref(),
            "state" => self.state.as_ref(),
            "target" => self.target.as_ref(),
            "by" => self.by.as_ref(),
            "request.org" => self.request.as_ref().map(|r| &r.value.org),
            _ => None,
        }
    }

    /// A field that holds a list of actor ids.
    pub(super) fn list(&self, name: &str) -> Option<&SpannedIds> {
        match name {
            "deciders" => self.deciders.as_ref(),
            "participants" => self.participants.as_ref(),
            "parties" => self.parties.as_ref(),
            "hosts" => self.hosts.as_ref(),
            "sides" => self.sides.as_ref(),
            "applicants" => self.applicants.as_ref(),
            _ => None,
        }
    }

    /// Every kind-specific field that is present, with its position.
    pub(super) fn present(&self) -> Vec<(&'static str, Location)> {
        fn loc<T>(name: &'static str, s: &Option<Spanned<T>>) -> Option<(&'static str, Location)> {
            s.as_ref().map(|s| (name, s.referenced))
        }
        [
            loc("attacker", &self.attacker),
            loc("defender", &self.defender),
            loc("backers", &self.backers),
            loc("deciders", &self.deciders),
            loc("applicant", &self.applicant),
            loc("org", &self.org),
            loc("status", &self.status),
            loc("requester", &self.requester),
            loc("issue", &self.issue),
            loc("recognition", &self.recognition),
            loc("integrity", &self.integrity),
            loc("claim", &self.claim),
            loc("name", &self.name),
            loc("participants", &self.participants),
            loc("theme", &self.theme),
            loc("proposer", &self.proposer),
            loc("parties", &self.parties),
            loc("obligation", &self.obligation),
            loc("base", &self.base),
            loc("user", &self.user),
            loc("host", &self.host),
            loc("demander", &self.demander),
            loc("hosts", &self.hosts),
            loc("text", &self.text),
            loc("against", &self.against),
            loc("changes", &self.changes),
            loc("params", &self.params),
            loc("invitee", &self.invitee),
            loc("actor", &self.actor),
            loc("mode", &self.mode),
            loc("forum", &self.forum),
            loc("resolution", &self.resolution),
            loc("sponsor", &self.sponsor),
            loc("state", &self.state),
            loc("target", &self.target),
            loc("by", &self.by),
            loc("sides", &self.sides),
            loc("applicants", &self.applicants),
            loc("request", &self.request),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// Only whether a world file extends another.
#[derive(Deserialize)]
pub(super) struct WorldProbe {
    #[serde(default)]
    pub(super) extends: Option<serde::de::IgnoredAny>,
}

/// A world that extends another: `extends: base.yaml` (relative to this
/// file) and the sections it adds, as in a scenario's `extend:`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDerivedWorld {
    #[allow(dead_code)]
    pub(super) name: String,
    #[serde(default)]
    #[allow(dead_code)]
    pub(super) description: String,
    pub(super) extends: Spanned<String>,
    // The sections of `RawExtend`, spelt out: a flattened struct would lose
    // the positions of what it holds.
    #[serde(default)]
    pub(super) actors: Keyed<RawActor>,
    #[serde(default)]
    pub(super) organizations: Keyed<RawOrg>,
    #[serde(default)]
    pub(super) memberships: Vec<RawMembership>,
    #[serde(default)]
    pub(super) relations: Vec<RawRelation>,
    #[serde(default)]
    pub(super) treaties: Vec<RawTreaty>,
    #[serde(default)]
    pub(super) bases: Vec<RawBase>,
    #[serde(default)]
    pub(super) security_ties: Vec<RawSecurityTie>,
}

/// `extend:` of a scenario: actors, organizations, memberships, relations,
/// treaties, bases and security ties added to the world it names. Every id
/// it adds is new; everything is checked as in a world file, and errors are
/// positioned in the scenario.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExtend {
    #[serde(default)]
    pub(super) actors: Keyed<RawActor>,
    #[serde(default)]
    pub(super) organizations: Keyed<RawOrg>,
    #[serde(default)]
    pub(super) memberships: Vec<RawMembership>,
    #[serde(default)]
    pub(super) relations: Vec<RawRelation>,
    #[serde(default)]
    pub(super) treaties: Vec<RawTreaty>,
    #[serde(default)]
    pub(super) bases: Vec<RawBase>,
    #[serde(default)]
    pub(super) security_ties: Vec<RawSecurityTie>,
}

/// An actor's status in an organization, added by `extend:`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMembership {
    pub(super) actor: Spanned<String>,
    pub(super) org: Spanned<String>,
    #[serde(default)]
    pub(super) status: Option<Spanned<String>>,
}
