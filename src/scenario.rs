//! The YAML edge: world and scenario files are parsed here, checked (every
//! problem at once, each with file:line:column) and turned into a [`Plan`].
//! No other module knows YAML exists.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_saphyr::{Location, Spanned};

use crate::analysis::{GroupSpec, Indicator, Thresholds, Verdict};
use crate::claim::{Claim, Subject};
use crate::diagnostic::{Diagnostic, Error, SourceFile, Span};
use crate::events::{self, Change, ChangeOp, Event, EventKind, Input};
use crate::plan::{CustomKind, Plan};
use crate::rules::RuleBook;
use crate::uncertainty::{self, Dist, Sample};
use crate::world::{
    Actor, ActorId, Base, DecisionRule, Dynamics, Obligation, OrgId, Organization, Param, Party,
    Relation, SecurityTie, Status, Structure, Treaty, World,
};

/// What the command line may override in a scenario.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub seed: Option<u64>,
    pub runs: Option<u32>,
    pub rules: Option<PathBuf>,
    /// Extra `path=value` world overrides, applied after the scenario's own.
    pub overrides: Vec<(String, f64)>,
}

/// A YAML mapping kept in file order, with the position of every key.
struct Keyed<V>(Vec<(Spanned<String>, V)>);

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
struct RawWorld {
    /// Required so every world file says what it is; not used by the run.
    #[allow(dead_code)]
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    defaults: RawDefaults,
    dynamics: RawDynamics,
    actors: Keyed<RawActor>,
    organizations: Keyed<RawOrg>,
    #[serde(default)]
    relations: Vec<RawRelation>,
    #[serde(default)]
    treaties: Vec<RawTreaty>,
    #[serde(default)]
    bases: Vec<RawBase>,
    #[serde(default)]
    security_ties: Vec<RawSecurityTie>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    ties: Spanned<f64>,
    threat: Spanned<f64>,
    expectation: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDynamics {
    support_gain: Spanned<f64>,
    refusal_loss: Spanned<f64>,
    abstain_loss: Spanned<f64>,
    exercise_gain: Spanned<f64>,
    declaration_gain: Spanned<f64>,
    treaty_gain: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActor {
    name: String,
    #[serde(default)]
    rules: Option<Spanned<String>>,
    #[serde(default)]
    attributes: Keyed<Spanned<RawNumber>>,
}

/// A number, or a distribution drawn once per run (docs/scenarios.md).
#[derive(Deserialize)]
#[serde(untagged)]
enum RawNumber {
    Fixed(f64),
    Dist(RawDist),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDist {
    uniform: Option<Vec<f64>>,
    normal: Option<RawNormal>,
    beta: Option<Vec<f64>>,
    triangular: Option<Vec<f64>>,
    choice: Option<Vec<f64>>,
    weights: Option<Vec<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNormal {
    mean: f64,
    sd: f64,
    #[serde(default)]
    min: f64,
    #[serde(default = "one")]
    max: f64,
}

fn one() -> f64 {
    1.0
}

impl RawDist {
    fn to_dist(&self) -> Result<Dist, String> {
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
enum RawObligation {
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
enum RawDecision {
    Consensus,
    Majority,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStructure {
    #[serde(default)]
    integrated_command: bool,
    #[serde(default)]
    operational_hq: bool,
    #[serde(default)]
    rapid_reaction_force: bool,
    #[serde(default)]
    staff_training: bool,
    #[serde(default)]
    arms_procurement: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrg {
    name: String,
    members: Vec<Spanned<String>>,
    #[serde(default)]
    observers: Vec<Spanned<String>>,
    /// Dialogue partners (the SCO's third tier).
    #[serde(default)]
    dialogue_partners: Vec<Spanned<String>>,
    #[serde(default)]
    obligations: Vec<RawObligation>,
    decision: RawDecision,
    #[serde(default)]
    exclusive: bool,
    #[serde(default)]
    structure: RawStructure,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelation {
    from: Spanned<String>,
    to: Spanned<String>,
    /// Set the same values in both directions.
    #[serde(default)]
    mutual: bool,
    #[serde(default)]
    ties: Option<Spanned<RawNumber>>,
    #[serde(default)]
    threat: Option<Spanned<RawNumber>>,
    #[serde(default)]
    expectation: Option<Spanned<RawNumber>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTreaty {
    id: String,
    parties: Vec<Spanned<String>>,
    obligation: RawObligation,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBase {
    id: String,
    host: Spanned<String>,
    user: Spanned<String>,
    #[serde(default = "yes")]
    open: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSecurityTie {
    actor: Spanned<String>,
    with: Spanned<String>,
    kind: String,
}

// ------------------------------------------------------------- raw scenario

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    #[serde(default)]
    description: String,
    world: Spanned<String>,
    /// Actors, organizations, memberships and relations added to the world.
    #[serde(default)]
    extend: Option<RawExtend>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
    seed: u64,
    #[serde(default = "default_runs")]
    runs: Spanned<u32>,
    turns: Spanned<u32>,
    #[serde(default = "default_temperature")]
    temperature: Spanned<f64>,
    #[serde(default)]
    rules: Option<String>,
    groups: Vec<RawGroup>,
    #[serde(default)]
    thresholds: RawThresholds,
    #[serde(default)]
    custom_kinds: Keyed<RawCustomKind>,
    #[serde(default)]
    amend: Vec<Spanned<RawAmend>>,
    #[serde(default = "default_max_proposals")]
    max_proposals: u32,
    #[serde(default = "default_min_acts")]
    coalition_min_acts: u32,
    timeline: Vec<RawEvent>,
    #[serde(default)]
    expect: Vec<Spanned<RawClaim>>,
}

fn default_max_proposals() -> u32 {
    1
}

fn default_min_acts() -> u32 {
    2
}

/// A change to the world before turn 1, for counterfactual starting points:
/// `{join: SCO, actor: IRN}`, `{leave: CSTO, actor: UZB}`, `{base: k2, open: true}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAmend {
    join: Option<Spanned<String>>,
    leave: Option<Spanned<String>>,
    actor: Option<Spanned<String>>,
    status: Option<RawStatus>,
    base: Option<Spanned<String>>,
    open: Option<bool>,
}

/// One claim of `expect:`; which fields are present says what it is about.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    claim: Option<String>,
    why: Option<String>,
    group: Option<Spanned<String>>,
    verdict: Option<Spanned<String>>,
    turn: Option<Spanned<u32>>,
    emerges: Option<Spanned<String>>,
    indicator: Option<Spanned<String>>,
    event: Option<Spanned<String>>,
    proposal: Option<Spanned<String>>,
    actor: Option<Spanned<String>>,
    choice: Option<Spanned<String>>,
    outcome: Option<Spanned<String>>,
    coalition: Option<Vec<Spanned<String>>>,
    at_least: Option<Spanned<f64>>,
    at_most: Option<Spanned<f64>>,
}

fn default_runs() -> Spanned<u32> {
    Spanned::new(100, Location::UNKNOWN, Location::UNKNOWN)
}

fn default_temperature() -> Spanned<f64> {
    Spanned::new(0.25, Location::UNKNOWN, Location::UNKNOWN)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    path: Spanned<String>,
    value: Spanned<RawNumber>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    #[serde(default)]
    id: Option<Spanned<String>>,
    #[serde(default)]
    org: Option<Spanned<String>>,
    #[serde(default)]
    actors: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    rivals: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawThresholds {
    formal_commitment: Option<Spanned<f64>>,
    casus_foederis: Option<Spanned<f64>>,
    external_orientation: Option<Spanned<f64>>,
    exclusivity: Option<Spanned<f64>>,
    diplomatic_solidarity: Option<Spanned<f64>>,
    alignment: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustomKind {
    options: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawStatus {
    Member,
    Observer,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBacker {
    actor: Spanned<String>,
    side: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChange {
    path: Spanned<String>,
    #[serde(default)]
    set: Option<f64>,
    #[serde(default)]
    add: Option<f64>,
}

type SpannedIds = Spanned<Vec<Spanned<String>>>;

/// One event as written. Fields are optional here; which ones a kind takes is
/// checked in [`Checker::event`], so the error can name the field and kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    turn: Spanned<u32>,
    id: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    attacker: Option<Spanned<String>>,
    defender: Option<Spanned<String>>,
    backers: Option<Spanned<Vec<RawBacker>>>,
    deciders: Option<SpannedIds>,
    applicant: Option<Spanned<String>>,
    org: Option<Spanned<String>>,
    status: Option<Spanned<String>>,
    requester: Option<Spanned<String>>,
    issue: Option<Spanned<String>>,
    recognition: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    participants: Option<SpannedIds>,
    theme: Option<Spanned<String>>,
    proposer: Option<Spanned<String>>,
    parties: Option<SpannedIds>,
    obligation: Option<Spanned<String>>,
    base: Option<Spanned<String>>,
    user: Option<Spanned<String>>,
    host: Option<Spanned<String>>,
    demander: Option<Spanned<String>>,
    hosts: Option<SpannedIds>,
    text: Option<Spanned<String>>,
    against: Option<Spanned<String>>,
    changes: Option<Spanned<Vec<RawChange>>>,
    params: Option<Spanned<BTreeMap<String, String>>>,
    invitee: Option<Spanned<String>>,
    actor: Option<Spanned<String>>,
    mode: Option<Spanned<String>>,
    forum: Option<Spanned<String>>,
    resolution: Option<Spanned<String>>,
    sponsor: Option<Spanned<String>>,
    state: Option<Spanned<String>>,
    target: Option<Spanned<String>>,
    by: Option<Spanned<String>>,
    sides: Option<SpannedIds>,
    applicants: Option<SpannedIds>,
    request: Option<Spanned<RawRequest>>,
}

/// `request: {org: CSTO}` of an `unrest` event.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    org: Spanned<String>,
}

impl RawEvent {
    /// A field that holds one word or id.
    fn string(&self, name: &str) -> Option<&Spanned<String>> {
        match name {
            "attacker" => self.attacker.as_ref(),
            "defender" => self.defender.as_ref(),
            "applicant" => self.applicant.as_ref(),
            "org" => self.org.as_ref(),
            "status" => self.status.as_ref(),
            "requester" => self.requester.as_ref(),
            "issue" => self.issue.as_ref(),
            "recognition" => self.recognition.as_ref(),
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
    fn list(&self, name: &str) -> Option<&SpannedIds> {
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
    fn present(&self) -> Vec<(&'static str, Location)> {
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

// ----------------------------------------------------------------- checking

fn span_at(l: Location, len: usize) -> Span {
    Span::new(l.line() as usize, l.column() as usize, len)
}

fn str_span(s: &Spanned<String>) -> Span {
    span_at(s.referenced, s.value.chars().count())
}

/// Collects problems with positions; resolves ids against the world.
struct Checker<'a> {
    file: &'a SourceFile,
    errors: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    fn new(file: &'a SourceFile) -> Self {
        Checker {
            file,
            errors: Vec::new(),
        }
    }

    fn error(&mut self, span: Span, message: String, label: &str) {
        self.errors.push(
            Diagnostic::new(message)
                .at(self.file, span)
                .label(label.to_string()),
        );
    }

    /// Ids go into parameter paths (`actors.RUS.x`), options
    /// (`military_support:RUS`), coalition ids (`CHN+RUS`) and member lists:
    /// letters, digits, `_` and `-` only.
    fn id(&mut self, k: &Spanned<String>, what: &str) {
        if let Some(bad) = crate::world::id_problem(&k.value) {
            self.error_with_note(
                str_span(k),
                format!("{what} id `{}` {bad}", k.value),
                "not a valid id",
                "ids are letters, digits, `_` and `-` (they go into paths such as actors.ID.attribute and options such as military_support:ID)".into(),
            );
        }
    }

    fn error_with_note(&mut self, span: Span, message: String, label: &str, note: String) {
        self.errors.push(
            Diagnostic::new(message)
                .at(self.file, span)
                .label(label.to_string())
                .note(note),
        );
    }

    /// A fixed number in [0, 1], or a distribution (its mean stands in the
    /// world until a run draws it).
    fn number(&mut self, v: &Spanned<RawNumber>, what: &str) -> (f64, Option<Dist>) {
        match &v.value {
            RawNumber::Fixed(x) => (
                self.unit(&Spanned::new(*x, v.referenced, v.defined), what),
                None,
            ),
            RawNumber::Dist(d) => match d.to_dist() {
                Ok(d) => (d.mean(), Some(d)),
                Err(msg) => {
                    self.error(
                        span_at(v.referenced, 1),
                        format!("{what}: {msg}"),
                        "invalid distribution",
                    );
                    (0.0, None)
                }
            },
        }
    }

    fn unit(&mut self, v: &Spanned<f64>, what: &str) -> f64 {
        if !(0.0..=1.0).contains(&v.value) {
            self.error(
                span_at(v.referenced, v.value.to_string().len()),
                format!("{what} must be between 0 and 1, found {}", v.value),
                "out of range",
            );
        }
        v.value
    }

    fn lookup(
        &mut self,
        s: &Spanned<String>,
        known: &BTreeMap<String, usize>,
        noun: &str,
        context: &str,
    ) -> Option<usize> {
        if let Some(i) = known.get(&s.value) {
            return Some(*i);
        }
        let best = known
            .keys()
            .map(|k| {
                (
                    strsim::jaro_winkler(&k.to_lowercase(), &s.value.to_lowercase()),
                    k,
                )
            })
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let note = match best {
            Some((_, k)) => format!("did you mean `{k}`?"),
            None => format!(
                "known {noun}s: {}",
                known.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        };
        self.error_with_note(
            str_span(s),
            format!("unknown {noun} `{}` {context}", s.value),
            &format!("not an {noun} of the world"),
            note,
        );
        None
    }
}

struct Ids {
    actors: BTreeMap<String, usize>,
    orgs: BTreeMap<String, usize>,
}

impl Ids {
    fn of(w: &World) -> Ids {
        Ids {
            actors: w
                .actors
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.clone(), i))
                .collect(),
            orgs: w
                .orgs
                .iter()
                .enumerate()
                .map(|(i, o)| (o.id.clone(), i))
                .collect(),
        }
    }
}

impl<'a> Checker<'a> {
    fn actor(&mut self, ids: &Ids, s: &Spanned<String>, ctx: &str) -> Option<ActorId> {
        self.lookup(s, &ids.actors, "actor", ctx)
    }
    fn org(&mut self, ids: &Ids, s: &Spanned<String>, ctx: &str) -> Option<OrgId> {
        self.lookup(s, &ids.orgs, "organization", ctx)
    }
    fn actors(&mut self, ids: &Ids, xs: &[Spanned<String>], ctx: &str) -> Vec<ActorId> {
        xs.iter().filter_map(|s| self.actor(ids, s, ctx)).collect()
    }
    /// An actor or an organization id (security ties, rivals).
    fn party(&mut self, ids: &Ids, s: &Spanned<String>, ctx: &str) -> Option<Party> {
        if let Some(a) = ids.actors.get(&s.value) {
            return Some(Party::Actor(*a));
        }
        if let Some(o) = ids.orgs.get(&s.value) {
            return Some(Party::Org(*o));
        }
        let mut all = ids.actors.clone();
        all.extend(ids.orgs.clone());
        self.lookup(s, &all, "actor or organization", ctx);
        None
    }
}

// ------------------------------------------------------------------ loading

fn read(path: &Path) -> Result<SourceFile, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok(SourceFile::new(path, text))
}

/// Parse YAML into `T`, turning the parser's error into a positioned diagnostic.
fn parse<T: for<'de> Deserialize<'de>>(file: &SourceFile) -> Result<T, Error> {
    serde_saphyr::from_str::<T>(&file.text).map_err(|e| {
        let inner = e.without_snippet();
        let message = yaml_message(inner);
        let mut d = Diagnostic::new(message).in_file(file);
        if let Some(l) = inner.location().filter(|l| l.line() > 0) {
            d = d.at(file, span_at(l, 1));
        }
        Error::one(d)
    })
}

/// The parser's message without its own position suffix (we print ours).
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    format!("invalid YAML: {}", text.trim())
}

fn world_from(raw: RawWorld, file: &SourceFile) -> Result<(World, Vec<Sample>), Error> {
    let mut samples = Vec::new();
    let mut c = Checker::new(file);
    let d = &raw.defaults;
    let defaults = [
        c.unit(&d.ties, "defaults.ties"),
        c.unit(&d.threat, "defaults.threat"),
        c.unit(&d.expectation, "defaults.expectation"),
    ];
    let rd = &raw.dynamics;
    let dynamics = Dynamics {
        support_gain: c.unit(&rd.support_gain, "dynamics.support_gain"),
        refusal_loss: c.unit(&rd.refusal_loss, "dynamics.refusal_loss"),
        abstain_loss: c.unit(&rd.abstain_loss, "dynamics.abstain_loss"),
        exercise_gain: c.unit(&rd.exercise_gain, "dynamics.exercise_gain"),
        declaration_gain: c.unit(&rd.declaration_gain, "dynamics.declaration_gain"),
        treaty_gain: c.unit(&rd.treaty_gain, "dynamics.treaty_gain"),
    };
    let mut world = World::empty(defaults, dynamics);
    let sections = Sections {
        actors: &raw.actors,
        organizations: &raw.organizations,
        memberships: &[],
        relations: &raw.relations,
        treaties: &raw.treaties,
        bases: &raw.bases,
        security_ties: &raw.security_ties,
    };
    add_sections(&mut c, &mut world, &mut samples, &sections);
    if !c.errors.is_empty() {
        return Err(Error::Invalid(c.errors));
    }
    Ok((world, samples))
}

/// How deep worlds may extend one another (a loop is refused at this depth).
const MAX_WORLD_DEPTH: usize = 8;

/// Only whether a world file extends another.
#[derive(Deserialize)]
struct WorldProbe {
    #[serde(default)]
    extends: Option<serde::de::IgnoredAny>,
}

/// A world that extends another: `extends: base.yaml` (relative to this
/// file) and the sections it adds, as in a scenario's `extend:`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDerivedWorld {
    #[allow(dead_code)]
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: String,
    extends: Spanned<String>,
    // The sections of `RawExtend`, spelt out: a flattened struct would lose
    // the positions of what it holds.
    #[serde(default)]
    actors: Keyed<RawActor>,
    #[serde(default)]
    organizations: Keyed<RawOrg>,
    #[serde(default)]
    memberships: Vec<RawMembership>,
    #[serde(default)]
    relations: Vec<RawRelation>,
    #[serde(default)]
    treaties: Vec<RawTreaty>,
    #[serde(default)]
    bases: Vec<RawBase>,
    #[serde(default)]
    security_ties: Vec<RawSecurityTie>,
}

/// Load a world file, and the worlds it extends (their texts go into
/// `texts`, for the inputs' fingerprint).
fn load_world(
    file: &SourceFile,
    depth: usize,
    texts: &mut Vec<String>,
) -> Result<(World, Vec<Sample>), Error> {
    texts.push(file.text.to_string());
    let probe: WorldProbe = parse(file)?;
    if probe.extends.is_none() {
        return world_from(parse::<RawWorld>(file)?, file);
    }
    let raw: RawDerivedWorld = parse(file)?;
    let here = |msg: String, label: &str| {
        Error::one(
            Diagnostic::new(msg)
                .at(file, str_span(&raw.extends))
                .label(label.to_string()),
        )
    };
    if depth >= MAX_WORLD_DEPTH {
        return Err(here(
            format!("worlds extend one another more than {MAX_WORLD_DEPTH} deep (a loop?)"),
            "extended here",
        ));
    }
    let base_path = file
        .path
        .parent()
        .unwrap_or(Path::new("."))
        .join(&raw.extends.value);
    let base = read(&base_path).map_err(|e| match e {
        Error::Io { source, .. } => here(
            format!("cannot read world file `{}`: {source}", base_path.display()),
            "named here (relative to this world file)",
        ),
        other => other,
    })?;
    let (mut world, mut samples) = load_world(&base, depth + 1, texts)?;
    let mut c = Checker::new(file);
    let sections = Sections {
        actors: &raw.actors,
        organizations: &raw.organizations,
        memberships: &raw.memberships,
        relations: &raw.relations,
        treaties: &raw.treaties,
        bases: &raw.bases,
        security_ties: &raw.security_ties,
    };
    add_sections(&mut c, &mut world, &mut samples, &sections);
    if !c.errors.is_empty() {
        return Err(Error::Invalid(c.errors));
    }
    Ok((world, samples))
}

impl RawExtend {
    fn sections(&self) -> Sections<'_> {
        Sections {
            actors: &self.actors,
            organizations: &self.organizations,
            memberships: &self.memberships,
            relations: &self.relations,
            treaties: &self.treaties,
            bases: &self.bases,
            security_ties: &self.security_ties,
        }
    }
}

/// What a world file defines, or a scenario's `extend:` adds to its world.
struct Sections<'r> {
    actors: &'r Keyed<RawActor>,
    organizations: &'r Keyed<RawOrg>,
    memberships: &'r [RawMembership],
    relations: &'r [RawRelation],
    treaties: &'r [RawTreaty],
    bases: &'r [RawBase],
    security_ties: &'r [RawSecurityTie],
}

/// `extend:` of a scenario: actors, organizations, memberships, relations,
/// treaties, bases and security ties added to the world it names. Every id
/// it adds is new; everything is checked as in a world file, and errors are
/// positioned in the scenario.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawExtend {
    #[serde(default)]
    actors: Keyed<RawActor>,
    #[serde(default)]
    organizations: Keyed<RawOrg>,
    #[serde(default)]
    memberships: Vec<RawMembership>,
    #[serde(default)]
    relations: Vec<RawRelation>,
    #[serde(default)]
    treaties: Vec<RawTreaty>,
    #[serde(default)]
    bases: Vec<RawBase>,
    #[serde(default)]
    security_ties: Vec<RawSecurityTie>,
}

/// An actor's status in an organization, added by `extend:`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMembership {
    actor: Spanned<String>,
    org: Spanned<String>,
    #[serde(default)]
    status: Option<Spanned<String>>,
}

/// Add `s` to `world`: new actors and organizations first (their ids must
/// be new), then what refers to them. Problems go to `c`.
fn add_sections(c: &mut Checker, world: &mut World, samples: &mut Vec<Sample>, s: &Sections) {
    let taken = |w: &World, id: &str| w.actor_id(id).is_some() || w.org_id(id).is_some();
    for (k, a) in &s.actors.0 {
        c.id(k, "actor");
        for (name, _) in &a.attributes.0 {
            c.id(name, "attribute");
        }
        if taken(world, &k.value) {
            let what = if world.org_id(&k.value).is_some() {
                format!("actor `{}` has the id of an organization", k.value)
            } else {
                format!("actor `{}` already exists in the world", k.value)
            };
            c.error(str_span(k), what, "ids must be unique");
            continue;
        }
        let mut attributes = BTreeMap::new();
        let me = world.actors.len();
        for (name, v) in &a.attributes.0 {
            let (x, dist) = c.number(v, &format!("attribute `{}` of `{}`", name.value, k.value));
            attributes.insert(name.value.clone(), x);
            if let Some(dist) = dist {
                samples.push(Sample {
                    path: format!("actors.{}.{}", k.value, name.value),
                    params: vec![Param::Attribute(me, name.value.clone())],
                    dist,
                });
            }
        }
        world.add_actor(Actor {
            id: k.value.clone(),
            name: a.name.clone(),
            rules: a.rules.as_ref().map(|r| r.value.clone()),
            attributes,
        });
    }
    // Organizations next: their ids before their member lists, so a
    // member list can name any actor.
    let mut new_orgs = Vec::new();
    for (k, o) in &s.organizations.0 {
        c.id(k, "organization");
        if taken(world, &k.value) {
            let what = if world.actor_id(&k.value).is_some() {
                format!("organization `{}` has the id of an actor", k.value)
            } else {
                format!("organization `{}` already exists in the world", k.value)
            };
            c.error(str_span(k), what, "ids must be unique");
            continue;
        }
        let mut obligations: Vec<Obligation> = o.obligations.iter().map(|x| (*x).into()).collect();
        obligations.sort();
        obligations.dedup();
        let id = world.add_org(Organization {
            id: k.value.clone(),
            name: o.name.clone(),
            members: vec![],
            observers: vec![],
            partners: vec![],
            obligations,
            decision: match o.decision {
                RawDecision::Consensus => DecisionRule::Consensus,
                RawDecision::Majority => DecisionRule::Majority,
            },
            exclusive: o.exclusive,
            structure: Structure {
                integrated_command: o.structure.integrated_command,
                operational_hq: o.structure.operational_hq,
                rapid_reaction_force: o.structure.rapid_reaction_force,
                staff_training: o.structure.staff_training,
                arms_procurement: o.structure.arms_procurement,
            },
            suspended: vec![],
        });
        new_orgs.push((id, o, k.value.clone()));
    }
    let ids = Ids::of(world);
    for (id, o, name) in new_orgs {
        let ctx = format!("in organization `{name}`");
        let mut list = |xs: &[Spanned<String>]| {
            let mut v = c.actors(&ids, xs, &ctx);
            v.sort_unstable();
            v.dedup();
            v
        };
        let org = &mut world.orgs[id];
        org.members = list(&o.members);
        org.observers = list(&o.observers);
        org.partners = list(&o.dialogue_partners);
    }
    for m in s.memberships {
        let ctx = "in a membership";
        let (Some(a), Some(o)) = (c.actor(&ids, &m.actor, ctx), c.org(&ids, &m.org, ctx)) else {
            continue;
        };
        let status = match m.status.as_ref().map(|s| s.value.as_str()) {
            None | Some("member") => Status::Member,
            Some("observer") => Status::Observer,
            Some("dialogue_partner") => Status::DialoguePartner,
            Some(other) => {
                let span = m.status.as_ref().map_or(str_span(&m.actor), str_span);
                c.error_with_note(
                    span,
                    format!("`{other}` is not a status"),
                    "not a status",
                    "expected member, observer or dialogue_partner".into(),
                );
                continue;
            }
        };
        if world.org(o).is_member(a) && status != Status::Member {
            c.error(
                str_span(&m.actor),
                format!(
                    "`{}` is a member of `{}`: a membership cannot demote it",
                    m.actor.value, m.org.value
                ),
                "already a member",
            );
            continue;
        }
        world.orgs[o].admit(a, status);
    }

    for r in s.relations {
        let ctx = "in a relation";
        let (Some(a), Some(b)) = (c.actor(&ids, &r.from, ctx), c.actor(&ids, &r.to, ctx)) else {
            continue;
        };
        let pairs: &[(usize, usize)] = if r.mutual {
            &[(a, b), (b, a)]
        } else {
            &[(a, b)]
        };
        for (v, what, rel) in [
            (&r.ties, "ties", Relation::Ties),
            (&r.threat, "threat", Relation::Threat),
            (&r.expectation, "expectation", Relation::Expectation),
        ] {
            if let Some(v) = v {
                let (x, dist) = c.number(v, what);
                for (p, q) in pairs {
                    world.set(&Param::Relation(*p, *q, rel), x);
                }
                if let Some(dist) = dist {
                    samples.push(Sample {
                        path: format!(
                            "relations.{}.{}.{what}{}",
                            r.from.value,
                            r.to.value,
                            if r.mutual { " (both ways)" } else { "" }
                        ),
                        params: pairs
                            .iter()
                            .map(|(p, q)| Param::Relation(*p, *q, rel))
                            .collect(),
                        dist,
                    });
                }
            }
        }
    }

    for t in s.treaties {
        if world.treaties.iter().any(|x| x.id == t.id) {
            c.errors.push(
                Diagnostic::new(format!("treaty `{}` already exists in the world", t.id))
                    .in_file(c.file),
            );
            continue;
        }
        let mut parties = c.actors(&ids, &t.parties, &format!("in treaty `{}`", t.id));
        parties.sort_unstable();
        world.treaties.push(Treaty {
            id: t.id.clone(),
            parties,
            obligation: t.obligation.into(),
        });
    }

    for b in s.bases {
        if world.bases.iter().any(|x| x.id == b.id) {
            c.errors.push(
                Diagnostic::new(format!("base `{}` already exists in the world", b.id))
                    .in_file(c.file),
            );
            continue;
        }
        let ctx = format!("in base `{}`", b.id);
        if let (Some(host), Some(user)) =
            (c.actor(&ids, &b.host, &ctx), c.actor(&ids, &b.user, &ctx))
        {
            world.bases.push(Base {
                id: b.id.clone(),
                host,
                user,
                open: b.open,
            });
        }
    }

    for t in s.security_ties {
        let ctx = "in a security tie";
        if let (Some(actor), Some(with)) =
            (c.actor(&ids, &t.actor, ctx), c.party(&ids, &t.with, ctx))
        {
            world.security_ties.push(SecurityTie {
                actor,
                with,
                kind: t.kind.clone(),
            });
        }
    }
}

/// Load a scenario file and everything it names, check it all, and compile
/// the rule scripts: the validated plan that runs.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Plan, Error> {
    let file = read(path)?;
    let raw: RawScenario = parse(&file)?;
    let base_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();

    let world_path = base_dir.join(&raw.world.value);
    let world_file = match read(&world_path) {
        Ok(f) => f,
        Err(Error::Io { source, .. }) => {
            return Err(Error::one(
                Diagnostic::new(format!(
                    "cannot read world file `{}`: {source}",
                    world_path.display()
                ))
                .at(&file, str_span(&raw.world))
                .label("named here (relative to the scenario file)"),
            ));
        }
        Err(e) => return Err(e),
    };
    let mut world_texts = Vec::new();
    let (mut world, mut samples) = load_world(&world_file, 0, &mut world_texts)?;

    let mut c = Checker::new(&file);
    if let Some(ext) = &raw.extend {
        add_sections(&mut c, &mut world, &mut samples, &ext.sections());
        if !c.errors.is_empty() {
            return Err(Error::Invalid(c.errors));
        }
    }
    let ids = Ids::of(&world);

    for o in &raw.overrides {
        match world.param(&o.path.value) {
            Ok(p) => {
                // A setting in the scenario replaces the world's, drawn or not.
                uncertainty::forget(&mut samples, &p);
                let (x, dist) = c.number(&o.value, &format!("override of `{}`", o.path.value));
                world.set(&p, x);
                if let Some(dist) = dist {
                    samples.push(Sample {
                        path: o.path.value.clone(),
                        params: vec![p],
                        dist,
                    });
                }
            }
            Err(msg) => c.error(str_span(&o.path), msg, "no such parameter"),
        }
    }
    for (p, v) in &opts.overrides {
        match world.param(p) {
            Ok(param) => {
                uncertainty::forget(&mut samples, &param);
                world.set(&param, *v)
            }
            Err(msg) => c
                .errors
                .push(Diagnostic::new(format!("in --set {p}={v}: {msg}"))),
        }
    }

    amend(&mut c, &ids, &mut world, &raw.amend);

    let temperature = raw.temperature.value;
    if !(temperature >= 0.0 && temperature.is_finite()) {
        c.error(
            span_at(raw.temperature.referenced, 1),
            format!("temperature must be 0 or more, found {temperature}"),
            "0 picks the best option; higher values spread choices",
        );
    }
    if raw.turns.value == 0 {
        c.error(
            span_at(raw.turns.referenced, 1),
            "turns must be at least 1".into(),
            "here",
        );
    }

    let mut groups: Vec<GroupSpec> = Vec::new();
    for g in &raw.groups {
        if let Some(id) = &g.id {
            c.id(id, "group");
        }
        let rivals: Vec<Party> = g
            .rivals
            .iter()
            .filter_map(|r| c.party(&ids, r, "in the rivals of a group"))
            .collect();
        match (&g.org, &g.actors) {
            (Some(o), None) => {
                if let Some(org) = c.org(&ids, o, "in groups") {
                    groups.push(GroupSpec {
                        id: g
                            .id
                            .as_ref()
                            .map_or_else(|| o.value.clone(), |i| i.value.clone()),
                        org: Some(org),
                        actors: vec![],
                        rivals,
                    });
                }
            }
            (None, Some(list)) => {
                let Some(id) = g.id.as_ref().map(|i| i.value.clone()) else {
                    c.errors.push(
                        Diagnostic::new("a group of listed actors needs an `id`".to_string()).at(
                            &file,
                            list.first().map(str_span).unwrap_or(Span::new(1, 1, 1)),
                        ),
                    );
                    continue;
                };
                let mut actors = c.actors(&ids, list, &format!("in group `{id}`"));
                actors.sort_unstable();
                actors.dedup();
                groups.push(GroupSpec {
                    id,
                    org: None,
                    actors,
                    rivals,
                });
            }
            _ => c.errors.push(
                Diagnostic::new("a group needs exactly one of `org` or `actors`".to_string())
                    .in_file(&file),
            ),
        }
    }

    // Group ids key the tallies, claims and comparisons: one group per id.
    let mut seen = BTreeMap::new();
    for g in &raw.groups {
        let Some(k) = g.id.as_ref().or(g.org.as_ref()) else {
            continue;
        };
        if let Some(line) = seen.insert(k.value.clone(), k.referenced.line()) {
            c.error(
                str_span(k),
                format!("duplicate group id `{}` (first at line {line})", k.value),
                "give each group its own `id`",
            );
        }
    }

    let mut thresholds = Thresholds::default();
    {
        let t = &raw.thresholds;
        for (slot, v, name) in [
            (
                &mut thresholds.formal_commitment,
                &t.formal_commitment,
                "thresholds.formal_commitment",
            ),
            (
                &mut thresholds.casus_foederis,
                &t.casus_foederis,
                "thresholds.casus_foederis",
            ),
            (
                &mut thresholds.external_orientation,
                &t.external_orientation,
                "thresholds.external_orientation",
            ),
            (
                &mut thresholds.exclusivity,
                &t.exclusivity,
                "thresholds.exclusivity",
            ),
            (
                &mut thresholds.diplomatic_solidarity,
                &t.diplomatic_solidarity,
                "thresholds.diplomatic_solidarity",
            ),
            (
                &mut thresholds.alignment,
                &t.alignment,
                "thresholds.alignment",
            ),
        ] {
            if let Some(v) = v {
                *slot = c.unit(v, name);
            }
        }
    }

    let mut custom = Vec::new();
    for (k, ck) in &raw.custom_kinds.0 {
        // A kind's name is also its handler's (`on_<kind>`): a Rhai identifier.
        if let Some(bad) = k
            .value
            .chars()
            .find(|x| !(x.is_ascii_alphanumeric() || *x == '_'))
        {
            c.error_with_note(
                str_span(k),
                format!(
                    "custom kind `{}` contains `{}`",
                    k.value,
                    bad.escape_debug()
                ),
                "not a valid kind name",
                "kind names are letters, digits and `_` (the handler is `on_<kind>`)".into(),
            );
        }
        if events::spec(&k.value).is_some() {
            c.error(
                str_span(k),
                format!("custom kind `{}` has the name of a built-in kind", k.value),
                "choose another name",
            );
        } else if ck.options.is_empty() {
            c.error(
                str_span(k),
                format!("custom kind `{}` declares no options", k.value),
                "needs at least one option",
            );
        }
        custom.push(CustomKind {
            name: k.value.clone(),
            options: ck.options.clone(),
        });
    }

    let mut timeline = Vec::new();
    let mut seen_ids: BTreeMap<String, Span> = BTreeMap::new();
    for ev in &raw.timeline {
        if seen_ids
            .insert(ev.id.value.clone(), str_span(&ev.id))
            .is_some()
        {
            c.error(
                str_span(&ev.id),
                format!("duplicate event id `{}`", ev.id.value),
                "already used by an earlier event",
            );
        }
        if ev.turn.value == 0 || ev.turn.value > raw.turns.value {
            c.error(
                span_at(ev.turn.referenced, ev.turn.value.to_string().len()),
                format!(
                    "event `{}` is at turn {}, outside 1..={}",
                    ev.id.value, ev.turn.value, raw.turns.value
                ),
                "turns are counted from 1",
            );
        }
        if let Some(kind) = event_kind(&mut c, &ids, &world, &custom, ev) {
            timeline.push(Event {
                id: ev.id.value.clone(),
                turn: ev.turn.value,
                description: ev.description.clone().unwrap_or_default(),
                kind,
                proposal: None,
            });
        }
    }
    // Stable: events of one turn keep their order in the file.
    timeline.sort_by_key(|e| e.turn);

    let claims = raw
        .expect
        .iter()
        .filter_map(|rc| {
            claim(
                &mut c,
                &ids,
                &world,
                &groups,
                &timeline,
                raw.turns.value,
                rc,
            )
        })
        .collect();

    if !c.errors.is_empty() {
        return Err(Error::Invalid(c.errors));
    }

    let rules_dir = match (&opts.rules, &raw.rules) {
        (Some(dir), _) => dir.clone(),
        (None, Some(dir)) => base_dir.join(dir),
        (None, None) => PathBuf::from("rules"),
    };
    let rules = RuleBook::load(&rules_dir, &world, &world_file)?;

    let seed = opts.seed.unwrap_or(raw.seed);
    let runs = opts.runs.unwrap_or(raw.runs.value);
    let mut fp = Fingerprint::default();
    fp.add(file.text.as_bytes());
    for text in &world_texts {
        fp.add(text.as_bytes());
    }
    fp.add_dir(&rules_dir, &rules_dir);
    for (p, v) in &opts.overrides {
        fp.add(format!("{p}={v}").as_bytes());
    }
    fp.add(&seed.to_le_bytes());
    fp.add(&runs.to_le_bytes());

    Ok(Plan {
        name: raw.name,
        description: raw.description,
        path: path.to_path_buf(),
        world,
        timeline,
        turns: raw.turns.value,
        groups,
        thresholds,
        seed,
        runs,
        fingerprint: fp.hex(),
        samples,
        temperature,
        custom_kinds: custom,
        rules,
        max_proposals: raw.max_proposals as usize,
        null_model: false,
        coalition_min_acts: raw.coalition_min_acts.max(1),
        claims,
    })
}

/// FNV-1a over the inputs of a plan: not cryptographic, only to catch
/// aggregates of different scenarios, rules or seeds being merged.
struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    fn add(&mut self, bytes: &[u8]) {
        for b in bytes.iter().chain(&[0xff]) {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Every `.rhai` file under `dir`, in sorted order, with its path.
    fn add_dir(&mut self, root: &Path, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                self.add_dir(root, &p);
            } else if p.extension().is_some_and(|x| x == "rhai") {
                let rel = p.strip_prefix(root).unwrap_or(&p);
                self.add(rel.to_string_lossy().as_bytes());
                self.add(&std::fs::read(&p).unwrap_or_default());
            }
        }
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Apply `amend:` to the world: counterfactual memberships and bases.
fn amend(c: &mut Checker, ids: &Ids, world: &mut World, list: &[Spanned<RawAmend>]) {
    for sa in list {
        let a = &sa.value;
        match (&a.join, &a.leave, &a.base) {
            (Some(o), None, None) | (None, Some(o), None) => {
                let Some(actor) = a.actor.as_ref() else {
                    c.error(
                        str_span(o),
                        "an amendment of membership needs `actor`".into(),
                        "whose membership?",
                    );
                    continue;
                };
                let (Some(org), Some(actor)) =
                    (c.org(ids, o, "in amend"), c.actor(ids, actor, "in amend"))
                else {
                    continue;
                };
                if a.join.is_some() {
                    let status = match a.status {
                        Some(RawStatus::Observer) => Status::Observer,
                        _ => Status::Member,
                    };
                    world.orgs[org].admit(actor, status);
                } else {
                    world.orgs[org].expel(actor);
                }
            }
            (None, None, Some(b)) => match world.bases.iter_mut().find(|x| x.id == b.value) {
                Some(base) => base.open = a.open.unwrap_or(true),
                None => {
                    let known: Vec<String> = world.bases.iter().map(|x| x.id.clone()).collect();
                    c.error_with_note(
                        str_span(b),
                        format!("unknown base `{}` in amend", b.value),
                        "not a base of the world",
                        format!("bases: {}", known.join(", ")),
                    );
                }
            },
            _ => c.error(
                span_at(sa.referenced, 1),
                "an amendment needs exactly one of `join`, `leave` or `base`".to_string(),
                "join, leave or base?",
            ),
        }
    }
}

/// Resolve one claim of `expect:` against the scenario's groups and events.
fn claim(
    c: &mut Checker,
    ids: &Ids,
    world: &World,
    groups: &[GroupSpec],
    timeline: &[Event],
    turns: u32,
    rc: &Spanned<RawClaim>,
) -> Option<Claim> {
    let r = &rc.value;
    let line = rc.referenced.line() as usize;
    let here = Span::new(line, rc.referenced.column() as usize, 1);
    let before = c.errors.len();
    let group = |c: &mut Checker| -> Option<String> {
        let g = r.group.as_ref()?;
        if groups.iter().any(|x| x.id == g.value) {
            Some(g.value.clone())
        } else {
            let known: Vec<String> = groups.iter().map(|x| x.id.clone()).collect();
            c.error_with_note(
                str_span(g),
                format!("claim about unknown group `{}`", g.value),
                "not a group of this scenario",
                format!("groups: {}", known.join(", ")),
            );
            None
        }
    };
    let verdict = |c: &mut Checker, v: &Spanned<String>| -> Option<Verdict> {
        let found = Verdict::ALL.iter().find(|x| x.key() == v.value).copied();
        if found.is_none() {
            c.error(
                str_span(v),
                format!("unknown verdict `{}`", v.value),
                "expected alliance, alignment or partnership",
            );
        }
        found
    };
    let event = |c: &mut Checker, e: &Spanned<String>| -> Option<&Event> {
        let found = timeline.iter().find(|x| x.id == e.value);
        if found.is_none() {
            let known: Vec<&str> = timeline.iter().map(|x| x.id.as_str()).collect();
            c.error_with_note(
                str_span(e),
                format!("claim about unknown event `{}`", e.value),
                "not an event of the timeline",
                format!(
                    "events: {}; for an event an actor proposes, use `proposal:`",
                    known.join(", ")
                ),
            );
        }
        found
    };
    let choice_of = |c: &mut Checker, ev: Option<&Event>, id: &str| -> Option<Subject> {
        let a = r.actor.as_ref()?;
        let ch = r.choice.as_ref()?;
        c.actor(ids, a, "in a claim")?;
        let options = match ev {
            Some(ev) => ev.options(world),
            None => crate::events::proposal_options()
                .iter()
                .map(|o| o.to_string())
                .chain([
                    "show_of_force:ACTOR".to_string(),
                    "diplomatic_support:ACTOR".into(),
                ])
                .collect(),
        };
        let offered = match ev {
            Some(_) => options.contains(&ch.value),
            None => crate::events::proposal_offers(&ch.value, world),
        };
        if !offered {
            let what = match ev {
                Some(_) => format!("event `{id}`"),
                None => "any event an actor may propose".into(),
            };
            c.error_with_note(
                str_span(ch),
                format!("`{}` is not an option of {what}", ch.value),
                "no such option",
                format!("options: {}", options.join(", ")),
            );
            return None;
        }
        Some(Subject::Choice {
            event: id.to_string(),
            actor: a.value.clone(),
            choice: ch.value.clone(),
        })
    };
    let subject = if let Some(v) = &r.verdict {
        let turn = r.turn.as_ref().map(|t| t.value);
        if let Some(t) = &r.turn
            && (t.value == 0 || t.value > turns)
        {
            c.error(
                span_at(t.referenced, 1),
                format!("turn {} is outside 1..={turns}", t.value),
                "no such turn",
            );
        }
        Subject::Verdict {
            group: group(c)?,
            verdict: verdict(c, v)?,
            turn,
        }
    } else if let Some(v) = &r.emerges {
        if v.value != "alliance" {
            c.error(
                str_span(v),
                format!("`emerges: {}` is not tracked per turn", v.value),
                "only `emerges: alliance`",
            );
            return None;
        }
        Subject::Emerges { group: group(c)? }
    } else if let Some(i) = &r.indicator {
        let Some(ind) = Indicator::ALL.iter().find(|x| x.key() == i.value).copied() else {
            c.error_with_note(
                str_span(i),
                format!("unknown indicator `{}`", i.value),
                "not an indicator",
                format!(
                    "indicators: {}",
                    Indicator::ALL
                        .iter()
                        .map(|x| x.key())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            return None;
        };
        Subject::Indicator {
            group: group(c)?,
            indicator: ind,
        }
    } else if let Some(e) = &r.event {
        let ev = event(c, e)?;
        if let Some(o) = &r.outcome {
            if !ev.can_end_in(&o.value, world) {
                c.error_with_note(
                    str_span(o),
                    format!("event `{}` never ends in `{}`", e.value, o.value),
                    "no such outcome",
                    format!("outcomes: {}", ev.outcome_forms(world).join(", ")),
                );
                return None;
            }
            Subject::Outcome {
                event: e.value.clone(),
                outcome: o.value.clone(),
            }
        } else {
            choice_of(c, Some(ev), &e.value).or_else(|| {
                c.error(
                    str_span(e),
                    "a claim about an event needs `outcome`, or `actor` and `choice`".into(),
                    "what about it?",
                );
                None
            })?
        }
    } else if let Some(p) = &r.proposal {
        if let Some(o) = &r.outcome {
            if !crate::events::proposal_can_end_in(&o.value, world) {
                c.error_with_note(
                    str_span(o),
                    format!("no event an actor may propose ends in `{}`", o.value),
                    "no such outcome",
                    format!(
                        "outcomes: {}",
                        crate::events::proposal_outcomes().join(", ")
                    ),
                );
                return None;
            }
            Subject::Outcome {
                event: p.value.clone(),
                outcome: o.value.clone(),
            }
        } else if r.actor.is_some() || r.choice.is_some() {
            choice_of(c, None, &p.value)?
        } else {
            Subject::Proposed {
                id: p.value.clone(),
            }
        }
    } else if let Some(list) = &r.coalition {
        let mut actors = c.actors(ids, list, "in a coalition claim");
        actors.sort_unstable();
        actors.dedup();
        if actors.len() < 2 {
            c.errors.push(
                Diagnostic::new("a coalition claim needs at least two actors".to_string())
                    .at(c.file, here),
            );
            return None;
        }
        Subject::Coalition {
            actors: actors.iter().map(|a| world.name(*a).to_string()).collect(),
        }
    } else {
        c.error_with_note(
            here,
            "a claim needs a subject".into(),
            "about what?",
            "one of: verdict (with group), emerges (with group), indicator (with group), event, proposal, coalition".into(),
        );
        return None;
    };
    let bound = |c: &mut Checker, b: &Option<Spanned<f64>>, name: &str| -> Option<f64> {
        b.as_ref().map(|v| {
            // Shares and indicators alike live in [0, 1].
            if !(0.0..=1.0).contains(&v.value) {
                c.error(
                    span_at(v.referenced, 1),
                    format!(
                        "`{name}` must be in [0, 1] (a share or an indicator), found {}",
                        v.value
                    ),
                    "out of range",
                );
            }
            v.value
        })
    };
    let at_least = bound(c, &r.at_least, "at_least");
    let at_most = bound(c, &r.at_most, "at_most");
    if at_least.is_none() && at_most.is_none() {
        c.error(
            here,
            "a claim needs `at_least`, `at_most` or both".into(),
            "no bound",
        );
    }
    if let (Some(lo), Some(hi)) = (at_least, at_most)
        && lo > hi
    {
        c.error(
            here,
            format!("at_least {lo} is above at_most {hi}"),
            "empty range",
        );
    }
    if c.errors.len() > before {
        return None;
    }
    let text = r.claim.clone().unwrap_or_else(|| describe(&subject));
    Some(Claim {
        text,
        why: r.why.clone().unwrap_or_default(),
        subject,
        at_least,
        at_most,
        line,
    })
}

/// A claim in words, when the scenario gives none.
fn describe(s: &Subject) -> String {
    match s {
        Subject::Verdict {
            group,
            verdict,
            turn: None,
        } => format!("{group} is {}", verdict.key()),
        Subject::Verdict {
            group,
            verdict,
            turn: Some(t),
        } => {
            format!("{group} is {} at the end of turn {t}", verdict.key())
        }
        Subject::Emerges { group } => format!("{group} becomes an alliance at some turn"),
        Subject::Indicator { group, indicator } => format!("{group}: mean {}", indicator.label()),
        Subject::Choice {
            event,
            actor,
            choice,
        } => format!("{actor} chooses {choice} on {event}"),
        Subject::Outcome { event, outcome } => format!("{event}: {outcome}"),
        Subject::Proposed { id } => format!("an actor proposes {id}"),
        Subject::Coalition { actors } => format!("coalition {} emerges", actors.join("+")),
    }
}

/// An event of a scenario file, read by its kind's module: errors carry the
/// field's position and name the event.
struct EventInput<'a, 'f> {
    c: &'a mut Checker<'f>,
    ids: &'a Ids,
    world: &'a World,
    ev: &'a RawEvent,
    ctx: String,
}

impl EventInput<'_, '_> {
    fn span(&self, field: Option<&str>) -> Span {
        if let Some(f) = field {
            if let Some(s) = self.ev.string(f) {
                return str_span(s);
            }
            if let Some((_, loc)) = self.ev.present().into_iter().find(|(n, _)| *n == f) {
                return span_at(loc, 1);
            }
        }
        str_span(&self.ev.kind)
    }
}

impl Input for EventInput<'_, '_> {
    fn world(&self) -> &World {
        self.world
    }
    fn proposer(&self) -> Option<ActorId> {
        None
    }
    fn has(&self, field: &str) -> bool {
        self.ev.string(field).is_some() || self.ev.present().iter().any(|(n, _)| *n == field)
    }
    fn peek(&self, field: &str) -> Option<String> {
        self.ev.string(field).map(|s| s.value.clone())
    }
    fn text(&mut self, field: &str) -> Option<String> {
        self.ev.string(field).map(|s| s.value.clone())
    }
    fn actor(&mut self, field: &str) -> Option<ActorId> {
        let s = self.ev.string(field)?;
        self.c.actor(self.ids, s, &self.ctx)
    }
    fn actors(&mut self, field: &str) -> Option<Vec<ActorId>> {
        let s = self.ev.list(field)?;
        let mut v = self.c.actors(self.ids, &s.value, &self.ctx);
        v.sort_unstable();
        v.dedup();
        Some(v)
    }
    fn actors_as_written(&mut self, field: &str) -> Option<Vec<ActorId>> {
        let s = self.ev.list(field)?;
        Some(self.c.actors(self.ids, &s.value, &self.ctx))
    }
    fn org(&mut self, field: &str) -> Option<OrgId> {
        let s = self.ev.string(field)?;
        self.c.org(self.ids, s, &self.ctx)
    }
    fn keyword(&mut self, field: &str, allowed: &[&str]) -> Option<String> {
        let s = self.ev.string(field)?;
        if allowed.contains(&s.value.as_str()) {
            return Some(s.value.clone());
        }
        let msg = format!("`{}` is not a valid `{field}` {}", s.value, self.ctx);
        self.c.error_with_note(
            str_span(s),
            msg,
            "not one of the values",
            format!("expected {}", allowed.join(", ")),
        );
        None
    }
    fn pairs(&mut self, field: &str) -> Vec<(ActorId, ActorId)> {
        if field != "backers" {
            return vec![];
        }
        let mut out = Vec::new();
        for b in self.ev.backers.iter().flat_map(|b| b.value.iter()) {
            let a = self.c.actor(self.ids, &b.actor, &self.ctx);
            let side = self.c.actor(self.ids, &b.side, &self.ctx);
            if let (Some(a), Some(side)) = (a, side) {
                out.push((a, side));
            }
        }
        out
    }
    fn changes(&mut self, field: &str) -> Vec<Change> {
        if field != "changes" {
            return vec![];
        }
        let mut changes = Vec::new();
        for ch in self.ev.changes.iter().flat_map(|c| c.value.iter()) {
            let op = match (ch.set, ch.add) {
                (Some(v), None) => ChangeOp::Set(v),
                (None, Some(v)) => ChangeOp::Add(v),
                _ => {
                    self.c.error(
                        str_span(&ch.path),
                        format!("a change needs exactly one of `set` or `add` {}", self.ctx),
                        "set a value, or add to it",
                    );
                    continue;
                }
            };
            match self.world.param(&ch.path.value) {
                Ok(param) => changes.push(Change {
                    param,
                    path: ch.path.value.clone(),
                    op,
                }),
                Err(msg) => self.c.error(
                    str_span(&ch.path),
                    format!("{msg} {}", self.ctx),
                    "no such parameter",
                ),
            }
        }
        changes
    }
    fn params(&mut self, field: &str) -> Vec<(String, String)> {
        if field != "params" {
            return vec![];
        }
        self.ev
            .params
            .as_ref()
            .map(|p| {
                p.value
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }
    fn error(&mut self, field: Option<&str>, message: String, label: &str) {
        let span = self.span(field);
        self.c.error(span, format!("{message} {}", self.ctx), label);
    }
    fn event_id(&self) -> &str {
        &self.ev.id.value
    }
}

fn event_kind(
    c: &mut Checker,
    ids: &Ids,
    world: &World,
    custom: &[CustomKind],
    ev: &RawEvent,
) -> Option<EventKind> {
    let kind = ev.kind.value.as_str();
    let ctx = format!("in event `{}`", ev.id.value);
    let custom_kind = custom.iter().find(|k| k.name == kind);
    let spec = match (events::spec(kind), custom_kind) {
        (Some(s), _) => s,
        (None, Some(_)) => events::custom_spec(),
        (None, None) => {
            let mut known: Vec<&str> = events::builtin().map(|k| k.name).collect();
            known.extend(custom.iter().map(|k| k.name.as_str()));
            c.error_with_note(
                str_span(&ev.kind),
                format!("unknown event kind `{kind}` {ctx}"),
                "not a built-in or declared kind",
                format!(
                    "known kinds: {} (declare others under `custom_kinds`)",
                    known.join(", ")
                ),
            );
            return None;
        }
    };
    let present = ev.present();
    let mut ok = true;
    for (name, loc) in &present {
        if !spec.required.contains(name) && !spec.optional.contains(name) {
            c.error(
                span_at(*loc, 1),
                format!("field `{name}` does not apply to a `{kind}` event {ctx}"),
                "not a field of this kind",
            );
            ok = false;
        }
    }
    for name in spec.required {
        if !present.iter().any(|(n, _)| n == name) {
            c.error(
                str_span(&ev.kind),
                format!("a `{kind}` event needs `{name}` {ctx}"),
                &format!("missing `{name}`"),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let before = c.errors.len();
    let mut inp = EventInput {
        c,
        ids,
        world,
        ev,
        ctx,
    };
    let k = match custom_kind {
        Some(ck) if events::spec(kind).is_none() => {
            events::parse_custom(&mut inp, &ck.name, &ck.options)
        }
        _ => (spec.parse)(&mut inp),
    };
    if c.errors.len() > before {
        return None;
    }
    k
}
