//! Many runs folded into one summary, and its text and JSON forms. The
//! summary is a fixed-size tally per group, event and decider: it grows with
//! the scenario, not with the number of runs, and tallies add up in run order.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use comfy_table::{Table, presets};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::analysis::{self, Assessment, Indicator, Thresholds, VERDICTS, Verdict};
use crate::claim::{Check, Claim, Subject};
use crate::diagnostic::terminal_safe;
use crate::events::Event;
use crate::plan::Plan;
use crate::record::EventRecord;
use crate::sim::RunResult;
use crate::stat::{Stat, wilson};
use crate::world::World;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupTally {
    pub id: String,
    /// Runs in which the group (or coalition) was assessed.
    pub runs: u64,
    pub verdicts: [u64; VERDICTS],
    /// In the runs whose verdict was untested, the on-paper verdicts.
    #[serde(default)]
    pub on_paper: [u64; VERDICTS],
    pub untested_alliances: u64,
    /// Per indicator (in [`Indicator::ALL`] order), over the runs that tested it.
    pub stats: Vec<Stat>,
    /// Final member lists (ids joined by spaces) and how many runs ended with each.
    pub members: BTreeMap<String, u64>,
    pub obligations: BTreeMap<String, u64>,
    /// Per turn, verdict counts at the end of that turn.
    pub by_turn: Vec<[u64; VERDICTS]>,
    /// Runs in which the verdict first reached alliance at each turn.
    pub first_alliance: BTreeMap<u32, u64>,
    /// Per verdict (index in [`Verdict::ALL`]), the reasons given in the
    /// lowest-numbered run that reached it: the modal verdict is explained
    /// by a run that had it, whatever the indicators' means would say.
    #[serde(default)]
    pub examples: BTreeMap<usize, (u32, Vec<String>)>,
    /// Active (not frozen) member counts at the end of the runs, and how
    /// many runs ended with each.
    #[serde(default)]
    pub active: BTreeMap<usize, u64>,
}

impl GroupTally {
    fn new(id: &str, turns: u32) -> GroupTally {
        GroupTally {
            id: id.to_string(),
            runs: 0,
            verdicts: [0; VERDICTS],
            on_paper: [0; VERDICTS],
            untested_alliances: 0,
            stats: vec![Stat::default(); crate::analysis::N],
            members: BTreeMap::new(),
            obligations: BTreeMap::new(),
            by_turn: vec![[0; VERDICTS]; turns as usize],
            first_alliance: BTreeMap::new(),
            examples: BTreeMap::new(),
            active: BTreeMap::new(),
        }
    }

    fn add(&mut self, a: &Assessment, world: &World, run: u32) {
        self.runs += 1;
        self.verdicts[verdict_index(a.verdict)] += 1;
        if a.verdict == Verdict::Untested {
            self.on_paper[verdict_index(a.on_paper)] += 1;
        }
        keep_first(&mut self.examples, verdict_index(a.verdict), run, || {
            a.reasons.clone()
        });
        self.untested_alliances += u64::from(a.untested);
        for (s, x) in self.stats.iter_mut().zip(&a.values) {
            if let Some(x) = x {
                s.add(*x);
            }
        }
        *self.active.entry(a.active).or_default() += 1;
        // Counted under the names joined by spaces; the key is built once
        // and allocated only the first time it is seen.
        let mut key = String::with_capacity(4 * a.members.len());
        for (i, m) in a.members.iter().enumerate() {
            if i > 0 {
                key.push(' ');
            }
            key.push_str(world.name(*m));
        }
        count(&mut self.members, &key);
        count(&mut self.obligations, a.obligation);
    }

    /// Why these tallies (of `self.runs` runs of `turns` turns; 0 for a
    /// coalition) cannot be bloc's, if they cannot.
    fn problem(&self, turns: u32, in_range: &dyn Fn(u32) -> bool) -> Option<String> {
        let runs = u128::from(self.runs);
        let sum = |xs: &mut dyn Iterator<Item = &u64>| -> u128 { xs.map(|c| u128::from(*c)).sum() };
        let untested = u128::from(self.verdicts[Verdict::Untested.index()]);
        if sum(&mut self.verdicts.iter()) != runs {
            return Some(format!("{} runs but other verdict counts", self.runs));
        }
        if sum(&mut self.on_paper.iter()) != untested || self.untested_alliances > self.runs {
            return Some("on-paper verdicts do not match the untested runs".into());
        }
        if self.stats.len() != crate::analysis::N {
            return Some(format!("{} indicators", self.stats.len()));
        }
        if let Some(p) = self.stats.iter().find_map(|s| s.problem(self.runs)) {
            return Some(format!("an indicator has {p}"));
        }
        for (what, counts) in [
            ("member lists", sum(&mut self.members.values())),
            ("obligations", sum(&mut self.obligations.values())),
            ("active member counts", sum(&mut self.active.values())),
        ] {
            if counts != runs {
                return Some(format!("{what} count {counts} runs, not {}", self.runs));
            }
        }
        if self.by_turn.len() != turns as usize
            || self.by_turn.iter().any(|t| sum(&mut t.iter()) != runs)
        {
            return Some("verdicts by turn do not match the turns and runs".into());
        }
        if sum(&mut self.first_alliance.values()) > runs
            || self.first_alliance.keys().any(|t| *t == 0 || *t > turns)
        {
            return Some("the turns alliance was first reached do not match".into());
        }
        if self
            .examples
            .iter()
            .any(|(v, (run, _))| *v >= VERDICTS || !in_range(*run))
        {
            return Some("a verdict's example names a verdict or run out of range".into());
        }
        None
    }

    fn merge(&mut self, o: &GroupTally) {
        self.runs += o.runs;
        for i in 0..VERDICTS {
            self.verdicts[i] += o.verdicts[i];
            self.on_paper[i] += o.on_paper[i];
        }
        self.untested_alliances += o.untested_alliances;
        for (a, b) in self.stats.iter_mut().zip(&o.stats) {
            a.merge(b);
        }
        for (k, n) in &o.members {
            *self.members.entry(k.clone()).or_default() += n;
        }
        for (k, n) in &o.obligations {
            *self.obligations.entry(k.clone()).or_default() += n;
        }
        for (t, c) in self.by_turn.iter_mut().zip(&o.by_turn) {
            for i in 0..VERDICTS {
                t[i] += c[i];
            }
        }
        for (k, n) in &o.first_alliance {
            *self.first_alliance.entry(*k).or_default() += n;
        }
        for (k, n) in &o.active {
            *self.active.entry(*k).or_default() += n;
        }
        for (k, (run, reasons)) in &o.examples {
            keep_first(&mut self.examples, *k, *run, || reasons.clone());
        }
    }
}

/// Keep, per key, the record of the lowest run index: merging is order-free.
fn keep_first<K: Ord, V>(m: &mut BTreeMap<K, (u32, V)>, key: K, run: u32, v: impl FnOnce() -> V) {
    match m.get_mut(&key) {
        Some(slot) if slot.0 <= run => {}
        Some(slot) => *slot = (run, v()),
        None => {
            m.insert(key, (run, v()));
        }
    }
}

fn verdict_index(v: Verdict) -> usize {
    v.index()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeciderTally {
    pub counts: Vec<u64>,
    /// Per option: the first reason it was forbidden for, with the run it
    /// comes from (the lowest run index wins, so merging is order-free).
    pub forbidden: BTreeMap<usize, (u32, String)>,
    /// Per chosen option: the first rationale given, with its run.
    pub rationale: BTreeMap<usize, (u32, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventTally {
    pub id: String,
    pub turn: u32,
    pub kind: String,
    pub options: Vec<String>,
    /// Runs in which the event happened (all runs, for timeline events).
    pub happened: u64,
    pub outcomes: BTreeMap<String, u64>,
    pub deciders: BTreeMap<String, DeciderTally>,
    /// For proposed events: who proposed it, in how many runs, and the
    /// first rationale given.
    pub proposers: BTreeMap<String, (u64, u32, String)>,
}

impl EventTally {
    fn new(id: &str, turn: u32, kind: &str) -> EventTally {
        EventTally {
            id: id.to_string(),
            turn,
            kind: kind.to_string(),
            options: vec![],
            happened: 0,
            outcomes: BTreeMap::new(),
            deciders: BTreeMap::new(),
            proposers: BTreeMap::new(),
        }
    }

    fn add(&mut self, rec: &EventRecord, ev: &Event, run: u32, w: &World) {
        if self.options.is_empty() {
            self.options = rec.options.to_vec();
        }
        self.turn = self.turn.min(rec.turn);
        self.happened += 1;
        count(&mut self.outcomes, &rec.outcome);
        if let Some(p) = &ev.proposal {
            let e = self.proposers.entry(w.name(p.by).to_string()).or_insert((
                0,
                run,
                p.rationale.clone(),
            ));
            e.0 += 1;
            // The lowest run's rationale, whatever order runs come in.
            if run < e.1 {
                (e.1, e.2) = (run, p.rationale.clone());
            }
        }
        for d in &rec.decisions {
            let name = w.name(d.actor);
            // Looked up by name first: a key is allocated once per decider.
            if !self.deciders.contains_key(name) {
                self.deciders.insert(
                    name.to_string(),
                    DeciderTally {
                        counts: vec![0; rec.options.len()],
                        forbidden: BTreeMap::new(),
                        rationale: BTreeMap::new(),
                    },
                );
            }
            let Some(e) = self.deciders.get_mut(name) else {
                continue;
            };
            e.counts[d.choice] += 1;
            // The lowest run's reason and rationale, whatever order runs
            // come in (a worker may take a lower chunk after a higher one).
            for (i, f) in d.forbidden.iter().enumerate() {
                if let Some(f) = f {
                    keep_first(&mut e.forbidden, i, run, || {
                        format!("{} [{}]", f.reason, f.by)
                    });
                }
            }
            if !d.rationale.is_empty() {
                keep_first(&mut e.rationale, d.choice, run, || d.rationale.to_string());
            }
        }
    }

    fn merge(&mut self, o: &EventTally) {
        if self.options.is_empty() {
            self.options = o.options.clone();
        }
        self.turn = self.turn.min(o.turn);
        self.happened += o.happened;
        for (k, n) in &o.outcomes {
            *self.outcomes.entry(k.clone()).or_default() += n;
        }
        for (k, (n, run, why)) in &o.proposers {
            let e = self
                .proposers
                .entry(k.clone())
                .or_insert((0, *run, why.clone()));
            e.0 += n;
            if *run < e.1 {
                (e.1, e.2) = (*run, why.clone());
            }
        }
        for (actor, d) in &o.deciders {
            let e = self
                .deciders
                .entry(actor.clone())
                .or_insert_with(|| DeciderTally {
                    counts: vec![0; d.counts.len()],
                    forbidden: BTreeMap::new(),
                    rationale: BTreeMap::new(),
                });
            for (a, b) in e.counts.iter_mut().zip(&d.counts) {
                *a += b;
            }
            for (mine, theirs) in [
                (&mut e.forbidden, &d.forbidden),
                (&mut e.rationale, &d.rationale),
            ] {
                for (i, (run, text)) in theirs {
                    let slot = mine.entry(*i).or_insert((*run, text.clone()));
                    if *run < slot.0 {
                        *slot = (*run, text.clone());
                    }
                }
            }
        }
    }

    /// Why these tallies cannot be bloc's, if they cannot (see
    /// [`Summary::problem`]).
    fn problem(&self, in_range: &dyn Fn(u32) -> bool) -> Option<String> {
        let n = self.options.len();
        let outcomes: u128 = self.outcomes.values().map(|c| u128::from(*c)).sum();
        if outcomes != u128::from(self.happened) {
            return Some(format!(
                "{outcomes} outcomes in {} runs it happened in",
                self.happened
            ));
        }
        for (actor, d) in &self.deciders {
            let decided: u128 = d.counts.iter().map(|c| u128::from(*c)).sum();
            if d.counts.len() != n || decided > u128::from(self.happened) {
                return Some(format!("`{actor}` does not match its options or runs"));
            }
            let bad = d
                .forbidden
                .iter()
                .chain(&d.rationale)
                .any(|(i, (run, _))| *i >= n || !in_range(*run));
            if bad {
                return Some(format!("`{actor}` names an option or run out of range"));
            }
        }
        for (actor, (count, run, _)) in &self.proposers {
            if *count > self.happened || !in_range(*run) {
                return Some(format!("proposer `{actor}` does not match its runs"));
            }
        }
        None
    }

    /// The share of `option` among `actor`'s choices, and how many runs it decided.
    pub fn choice(&self, actor: &str, option: &str) -> Option<(u64, u64)> {
        let d = self.deciders.get(actor)?;
        let i = self.options.iter().position(|o| o == option)?;
        Some((d.counts[i], d.counts.iter().sum()))
    }
}

/// The aggregate of any number of runs of one plan. Every part is a sum
/// or a keyed count (integers only), so tallies of disjoint sets of runs
/// merge exactly, in any order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub scenario: String,
    pub file: String,
    pub seed: u64,
    pub turns: u32,
    pub temperature: f64,
    pub runs: u64,
    pub thresholds: Thresholds,
    pub groups: Vec<GroupTally>,
    pub events: Vec<EventTally>,
    /// Events the actors proposed, by [`proposal_key`]: id, kind and
    /// options, so that choices are counted under the labels they were
    /// made among.
    pub proposals: BTreeMap<String, EventTally>,
    /// Emergent coalitions, by id (members joined with `+`).
    pub coalitions: BTreeMap<String, GroupTally>,
    /// The parameters drawn per run, and what was drawn.
    pub samples: Vec<SampleTally>,
    /// Actors without a script of their own, on the generic rules.
    #[serde(default)]
    pub generic_rules: Vec<String>,
    /// Whether these are runs of the null model (no rules).
    #[serde(default)]
    pub null_model: bool,
    /// Who backed whom (`RunResult::backed`): per `BY>TO` pair, the runs in
    /// which BY backed TO at least once.
    #[serde(default)]
    pub backed: BTreeMap<String, u64>,
}

/// The key of a proposed event's tally: one proposal id may be proposed as
/// different kinds (or with different options) in different runs, and each
/// variant's choices are counted by option index.
pub fn proposal_key(id: &str, kind: &str, options: &[String]) -> String {
    let mut key = String::new();
    write_proposal_key(&mut key, id, kind, options);
    key
}

/// [`proposal_key`], written at the end of `out`.
fn write_proposal_key(out: &mut String, id: &str, kind: &str, options: &[String]) {
    out.push_str(id);
    out.push('\u{1f}');
    out.push_str(kind);
    out.push('\u{1f}');
    for (i, o) in options.iter().enumerate() {
        if i > 0 {
            out.push('\u{1e}');
        }
        out.push_str(o);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleTally {
    pub path: String,
    pub distribution: String,
    pub drawn: Stat,
}

impl Summary {
    pub fn new(plan: &Plan) -> Summary {
        Summary {
            scenario: plan.name.clone(),
            file: plan.path.display().to_string(),
            seed: plan.seed,
            turns: plan.turns,
            temperature: plan.temperature,
            runs: 0,
            thresholds: plan.thresholds.clone(),
            groups: plan
                .groups
                .iter()
                .map(|g| GroupTally::new(&g.id, plan.turns))
                .collect(),
            events: plan
                .timeline
                .iter()
                .map(|e| EventTally::new(&e.id, e.turn, e.kind_name()))
                .collect(),
            proposals: BTreeMap::new(),
            coalitions: BTreeMap::new(),
            null_model: plan.null_model,
            backed: BTreeMap::new(),
            generic_rules: plan
                .rules
                .generic_actors()
                .into_iter()
                .map(|a| plan.world.name(a).to_string())
                .collect(),
            samples: plan
                .samples
                .iter()
                .map(|s| SampleTally {
                    path: s.path.clone(),
                    distribution: s.dist.describe(),
                    drawn: Stat::default(),
                })
                .collect(),
        }
    }

    /// Fold one run in.
    pub fn add(&mut self, run: &RunResult) {
        self.runs += 1;
        let index = run.record.index;
        for (t, x) in self.samples.iter_mut().zip(&run.samples) {
            t.drawn.add(*x);
        }
        for (tally, a) in self.groups.iter_mut().zip(&run.assessments) {
            tally.add(a, &run.world, index);
        }
        for (g, tally) in self.groups.iter_mut().enumerate() {
            let mut first = None;
            for (t, verdicts) in run.by_turn.iter().enumerate() {
                tally.by_turn[t][verdict_index(verdicts[g])] += 1;
                if first.is_none() && verdicts[g] == Verdict::Alliance {
                    first = Some(t as u32 + 1);
                }
            }
            if let Some(t) = first {
                *tally.first_alliance.entry(t).or_default() += 1;
            }
        }
        // Keys are looked up before they are allocated: a run adds to
        // tallies that earlier runs created, almost always.
        for a in &run.coalitions {
            if !self.coalitions.contains_key(&a.group) {
                self.coalitions
                    .insert(a.group.clone(), GroupTally::new(&a.group, 0));
            }
            if let Some(t) = self.coalitions.get_mut(&a.group) {
                t.add(a, &run.world, index);
            }
        }
        let mut key = String::new();
        for &(a, b) in &run.backed {
            key.clear();
            key.push_str(run.world.name(a));
            key.push('>');
            key.push_str(run.world.name(b));
            count(&mut self.backed, &key);
        }
        let n = self.events.len();
        for rec in &run.record.events {
            let ev = run.record.event(rec);
            let t = if rec.event < n {
                &mut self.events[rec.event]
            } else {
                key.clear();
                write_proposal_key(&mut key, &ev.id, ev.kind_name(), &rec.options);
                if !self.proposals.contains_key(&key) {
                    self.proposals.insert(
                        key.clone(),
                        EventTally::new(&ev.id, rec.turn, ev.kind_name()),
                    );
                }
                match self.proposals.get_mut(&key) {
                    Some(t) => t,
                    None => continue,
                }
            };
            t.add(rec, ev, index, &run.world);
        }
    }

    /// Fold in the summary of other runs of the same plan.
    pub fn merge(&mut self, o: &Summary) {
        self.runs += o.runs;
        for (k, n) in &o.backed {
            *self.backed.entry(k.clone()).or_default() += n;
        }
        for (a, b) in self.samples.iter_mut().zip(&o.samples) {
            a.drawn.merge(&b.drawn);
        }
        for (a, b) in self.groups.iter_mut().zip(&o.groups) {
            a.merge(b);
        }
        for (a, b) in self.events.iter_mut().zip(&o.events) {
            a.merge(b);
        }
        for (k, b) in &o.proposals {
            match self.proposals.get_mut(k) {
                Some(a) => a.merge(b),
                None => {
                    self.proposals.insert(k.clone(), b.clone());
                }
            }
        }
        for (k, b) in &o.coalitions {
            match self.coalitions.get_mut(k) {
                Some(a) => a.merge(b),
                None => {
                    self.coalitions.insert(k.clone(), b.clone());
                }
            }
        }
    }

    /// Why this summary of the runs `range` (an aggregate file's) cannot be
    /// one bloc wrote, if it cannot: every count within the runs, per-run
    /// tallies adding up to them, every option, verdict, turn and histogram
    /// index in range, every "first run" inside `range`, thresholds and
    /// temperature numbers a scenario could hold. `bloc merge` reads no
    /// field this has not checked.
    pub fn problem(&self, range: (u32, u32)) -> Option<String> {
        let runs = self.runs;
        let in_range = |run: u32| (range.0..range.1).contains(&run);
        let t = &self.thresholds;
        let thresholds = [
            t.formal_commitment,
            t.casus_foederis,
            t.external_orientation,
            t.exclusivity,
            t.diplomatic_solidarity,
            t.alignment,
            t.co_behaviour,
        ];
        if thresholds.iter().any(|x| !(0.0..=1.0).contains(x)) {
            return Some("a threshold outside [0, 1]".into());
        }
        if !(self.temperature >= 0.0 && self.temperature.is_finite()) {
            return Some(format!("temperature {}", self.temperature));
        }
        if self.turns == 0 || self.turns > crate::plan::limits::MAX_TURNS {
            return Some(format!("{} turns", self.turns));
        }
        for g in &self.groups {
            if g.runs != runs {
                return Some(format!(
                    "group `{}` counts {} runs in a summary of {runs}",
                    g.id, g.runs
                ));
            }
            if let Some(p) = g.problem(self.turns, &in_range) {
                return Some(format!("group `{}`: {p}", g.id));
            }
        }
        for (k, c) in &self.coalitions {
            if c.runs > runs || *k != c.id || !c.by_turn.is_empty() {
                return Some(format!("coalition `{k}` does not match its runs"));
            }
            if let Some(p) = c.problem(0, &in_range) {
                return Some(format!("coalition `{k}`: {p}"));
            }
        }
        for e in self.events.iter().chain(self.proposals.values()) {
            if e.turn == 0 || e.turn > self.turns || e.happened > runs {
                return Some(format!("event `{}` does not match its turns or runs", e.id));
            }
            if let Some(p) = e.problem(&in_range) {
                return Some(format!("event `{}`: {p}", e.id));
            }
        }
        // Who backed whom: runs in which a pair's backing happened, so never
        // more than the runs, and only between two actors.
        for (pair, n) in &self.backed {
            if *n > runs || pair.split('>').filter(|s| !s.is_empty()).count() != 2 {
                return Some(format!("who backed whom `{pair}`: {n} runs of {runs}"));
            }
        }
        for sample in &self.samples {
            if sample.drawn.n != runs {
                return Some(format!(
                    "parameter `{}` is drawn {} times",
                    sample.path, sample.drawn.n
                ));
            }
            if let Some(p) = sample.drawn.problem(runs) {
                return Some(format!("parameter `{}`: {p}", sample.path));
            }
        }
        None
    }

    /// Why `o` cannot be a summary of other runs of this plan, if it cannot:
    /// merging pairs groups, events and parameters by position.
    pub fn mismatch(&self, o: &Summary) -> Option<String> {
        let ids = |s: &Summary| {
            (
                s.groups.iter().map(|g| g.id.clone()).collect::<Vec<_>>(),
                s.events
                    .iter()
                    .map(|e| (e.id.clone(), e.kind.clone()))
                    .collect::<Vec<_>>(),
                s.samples.iter().map(|x| x.path.clone()).collect::<Vec<_>>(),
            )
        };
        let same = self.scenario == o.scenario
            && self.seed == o.seed
            && self.turns == o.turns
            && self.temperature == o.temperature
            && self.thresholds == o.thresholds
            && self.null_model == o.null_model
            && ids(self) == ids(o);
        let options =
            self.events.iter().zip(&o.events).all(|(a, b)| {
                a.options.is_empty() || b.options.is_empty() || a.options == b.options
            });
        let proposals = self.proposals.iter().all(|(k, a)| {
            o.proposals
                .get(k)
                .is_none_or(|b| a.options == b.options && a.kind == b.kind)
        });
        (!(same && options && proposals)).then(|| {
            "their summaries differ in scenario, seed, turns, groups, events, options or parameters"
                .to_string()
        })
    }

    /// An event's tallies by id: the timeline's event, else every variant
    /// of the proposal with that id (one per kind and option list, since a
    /// script may propose one id as different kinds in different runs).
    pub fn event(&self, id: &str) -> Vec<&EventTally> {
        match self.events.iter().find(|e| e.id == id) {
            Some(e) => vec![e],
            None => self.proposals.values().filter(|e| e.id == id).collect(),
        }
    }

    fn share(&self, n: u64) -> f64 {
        if self.runs == 0 {
            0.0
        } else {
            n as f64 / self.runs as f64
        }
    }
}

impl Summary {
    /// Check `claim` against these runs.
    pub fn check(&self, claim: &Claim) -> Check {
        let s = self;
        let share = |k: u64, n: u64| -> Check {
            let pass_at = |x: f64| {
                claim.at_least.is_none_or(|lo| x >= lo) && claim.at_most.is_none_or(|hi| x <= hi)
            };
            if n == 0 {
                return Check {
                    observed: None,
                    interval: (0.0, 1.0),
                    n,
                    pass: false,
                    missing: Some("never observed in these runs".into()),
                };
            }
            let x = k as f64 / n as f64;
            Check {
                observed: Some(x),
                interval: wilson(k, n),
                n,
                pass: pass_at(x),
                missing: None,
            }
        };
        let none = |why: String| Check {
            observed: None,
            interval: (0.0, 1.0),
            n: 0,
            pass: false,
            missing: Some(why),
        };
        let group = |id: &str| s.groups.iter().find(|g| g.id == id);
        match &claim.subject {
            Subject::Verdict {
                group: g,
                verdict,
                turn,
            } => {
                let Some(t) = group(g) else {
                    return none(format!("no group `{g}`"));
                };
                let v = verdict_index(*verdict);
                match turn {
                    None => share(t.verdicts[v], t.runs),
                    Some(turn) => match t.by_turn.get(*turn as usize - 1) {
                        Some(c) => share(c[v], c.iter().sum()),
                        None => none(format!("the scenario has no turn {turn}")),
                    },
                }
            }
            Subject::Emerges { group: g } => match group(g) {
                Some(t) => share(t.first_alliance.values().sum(), t.runs),
                None => none(format!("no group `{g}`")),
            },
            Subject::Indicator {
                group: g,
                indicator,
            } => {
                let Some(t) = group(g) else {
                    return none(format!("no group `{g}`"));
                };
                let i = Indicator::ALL
                    .iter()
                    .position(|x| x == indicator)
                    .unwrap_or(0);
                let st = &t.stats[i];
                let n = st.n;
                if n == 0 {
                    return none(format!(
                        "{} was not tested in any run (no event exercised it)",
                        indicator.label()
                    ));
                }
                let mean = st.mean().unwrap_or(0.0);
                Check {
                    observed: Some(mean),
                    interval: st.mean_interval().unwrap_or((mean, mean)),
                    n,
                    pass: claim.at_least.is_none_or(|lo| mean >= lo)
                        && claim.at_most.is_none_or(|hi| mean <= hi),
                    missing: None,
                }
            }
            Subject::Choice {
                event,
                actor,
                choice,
            } => {
                let tallies = s.event(event);
                if tallies.is_empty() {
                    return none(format!("event `{event}` did not happen in any run"));
                }
                let counts: Vec<(u64, u64)> = tallies
                    .iter()
                    .filter_map(|e| e.choice(actor, choice))
                    .collect();
                if counts.is_empty() {
                    return none(format!("`{actor}` never decided on `{event}`"));
                }
                let (k, n) = counts.iter().fold((0, 0), |(k, n), (a, b)| (k + a, n + b));
                share(k, n)
            }
            Subject::Outcome { event, outcome } => {
                let tallies = s.event(event);
                if tallies.is_empty() {
                    return none(format!("event `{event}` did not happen in any run"));
                }
                let k = tallies
                    .iter()
                    .map(|e| e.outcomes.get(outcome).copied().unwrap_or(0))
                    .sum();
                share(k, tallies.iter().map(|e| e.happened).sum())
            }
            Subject::Proposed { id } => share(
                s.proposals
                    .values()
                    .filter(|e| e.id == *id)
                    .map(|e| e.happened)
                    .sum(),
                s.runs,
            ),
            Subject::Coalition { actors } => {
                let id = actors.join("+");
                share(s.coalitions.get(&id).map_or(0, |c| c.runs), s.runs)
            }
        }
    }
}

impl GroupTally {
    pub fn mean(&self, i: usize) -> Option<f64> {
        self.stats[i].mean()
    }

    /// The verdict test whose mean lies nearest its threshold.
    pub fn nearest_threshold(&self, t: &Thresholds) -> Option<(Indicator, f64, f64)> {
        let means: [Option<f64>; crate::analysis::N] = std::array::from_fn(|i| self.mean(i));
        analysis::nearest_threshold(&means, t)
    }

    /// The most frequent on-paper verdict of the untested runs.
    pub fn modal_on_paper(&self) -> Verdict {
        let mut best = Verdict::Partnership;
        let mut best_n = 0;
        for v in Verdict::ALL {
            if self.on_paper[v.index()] > best_n {
                best = v;
                best_n = self.on_paper[v.index()];
            }
        }
        best
    }

    /// The most frequent verdict; a tie goes to the weaker verdict.
    pub fn modal_verdict(&self) -> Verdict {
        let mut best = Verdict::Partnership;
        let mut best_n = 0;
        for (i, v) in Verdict::ALL.iter().enumerate() {
            if self.verdicts[i] >= best_n {
                best = *v;
                best_n = self.verdicts[i];
            }
        }
        best
    }

    fn modal<K: Clone>(m: &BTreeMap<K, u64>) -> Option<K> {
        m.iter().max_by_key(|(_, n)| **n).map(|(k, _)| k.clone())
    }

    /// The reasons for the modal verdict, and where they come from: the
    /// indicators at their means when those classify as the modal verdict,
    /// else the first run that reached it (a 55/45 split can have means
    /// that pass every alliance test while most runs fail one).
    pub fn reasons(&self, t: &Thresholds) -> (String, Vec<String>) {
        let verdict = self.modal_verdict();
        let means: [Option<f64>; crate::analysis::N] = std::array::from_fn(|i| self.mean(i));
        let ob = Self::modal(&self.obligations).unwrap_or_else(|| "none".into());
        let active = Self::modal(&self.active).unwrap_or_else(|| self.members().len());
        let (at_means, _, reasons) = analysis::classify(&means, &ob, active, t);
        match self.examples.get(&verdict_index(verdict)) {
            Some((run, example)) if at_means != verdict => (
                format!(
                    "as in run {run}, the first with this verdict (the means would say {})",
                    at_means.key()
                ),
                example.clone(),
            ),
            _ => ("indicators at their means".into(), reasons),
        }
    }

    pub fn members(&self) -> Vec<String> {
        Self::modal(&self.members)
            .map(|m| m.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default()
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// The report as text: a table per group and the key decisions.
pub fn text(s: &Summary) -> String {
    text_with(s, false)
}

/// The report as text; `brief` keeps the verdicts with their reasons and,
/// per event, the outcome and each decider's most frequent choice (for a
/// class or a slide), without indicator tables, rationales or forbidden
/// options.
pub fn text_with(s: &Summary, brief: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "bloc: {} ({})", s.scenario, s.file);
    let _ = writeln!(
        out,
        "seed {}, {} runs, {} turns, temperature {}",
        s.seed, s.runs, s.turns, s.temperature
    );
    if s.null_model {
        let _ = writeln!(
            out,
            "NULL MODEL: no rules; every decider picks uniformly among the options the world allows"
        );
    } else if !s.generic_rules.is_empty() {
        let _ = writeln!(
            out,
            "decided by the decision model alone (no script of their own): {}",
            s.generic_rules.join(", ")
        );
    }
    if !s.samples.is_empty() {
        let _ = writeln!(out, "sampled once per run:");
        for t in &s.samples {
            let f = |x: Option<f64>| x.map_or("-".into(), |v| format!("{v:.3}"));
            let _ = writeln!(
                out,
                "  {} ~ {}: drawn mean {}, p5 {}, p95 {}",
                t.path,
                t.distribution,
                f(t.drawn.mean()),
                f(t.drawn.quantile(0.05)),
                f(t.drawn.quantile(0.95))
            );
        }
    }
    for g in &s.groups {
        let _ = writeln!(out);
        let _ = writeln!(out, "Group {} ({})", g.id, g.members().join(", "));
        let verdict = g.modal_verdict();
        let untested = if verdict == Verdict::Alliance && g.untested_alliances > 0 {
            format!(" (untested in {})", pct(s.share(g.untested_alliances)))
        } else {
            String::new()
        };
        let share = |k: u64| {
            let (lo, hi) = wilson(k, s.runs);
            format!("{} ({:.1}-{:.1})", pct(s.share(k)), 100.0 * lo, 100.0 * hi)
        };
        let untested_runs = if g.verdicts[Verdict::Untested.index()] > 0 {
            format!(
                ", untested {}",
                share(g.verdicts[Verdict::Untested.index()])
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  verdict: {}{untested}   [alliance {}, alignment {}, partnership {}{untested_runs}; 95% intervals]",
            verdict.key(),
            share(g.verdicts[0]),
            share(g.verdicts[1]),
            share(g.verdicts[2])
        );
        if g.verdicts[Verdict::Untested.index()] > 0 {
            let paper = g.modal_on_paper();
            let _ = writeln!(
                out,
                "  no behaviour tested it in {} of runs; on paper there: {}",
                pct(s.share(g.verdicts[Verdict::Untested.index()])),
                paper.key()
            );
        }
        if s.turns > 1 {
            let by_turn = g
                .by_turn
                .iter()
                .enumerate()
                .map(|(t, c)| {
                    format!(
                        "t{} {}",
                        t + 1,
                        pct(c[0] as f64 / c.iter().sum::<u64>().max(1) as f64)
                    )
                })
                .collect::<Vec<_>>()
                .join(" · ");
            let _ = writeln!(out, "  alliance share by turn: {by_turn}");
            let reached: u64 = g.first_alliance.values().sum();
            if reached == 0 {
                let _ = writeln!(
                    out,
                    "  alliance-like behaviour never emerges (balance of threat)"
                );
            } else {
                let firsts = g
                    .first_alliance
                    .iter()
                    .map(|(t, n)| format!("turn {t} in {}", pct(s.share(*n))))
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = writeln!(
                    out,
                    "  alliance first reached in {} of runs: {firsts}",
                    pct(s.share(reached))
                );
            }
        }
        let (source, reasons) = g.reasons(&s.thresholds);
        let _ = writeln!(out, "  decided by ({source}):");
        for r in reasons {
            let _ = writeln!(out, "    - {r}");
        }
        if let Some((ind, x, thr)) = g.nearest_threshold(&s.thresholds) {
            let _ = writeln!(
                out,
                "  nearest to flipping: {} {x:.2} against {thr:.2} ({:+.2})",
                ind.label(),
                x - thr
            );
        }
        if brief {
            continue;
        }
        let mut table = Table::new();
        table.load_preset(presets::ASCII_BORDERS_ONLY_CONDENSED);
        table.set_header(vec![
            "indicator",
            "mean",
            "sd",
            "p5",
            "p50",
            "p95",
            "tested in",
        ]);
        for (i, ind) in Indicator::ALL.iter().enumerate() {
            let st = &g.stats[i];
            let f = |x: Option<f64>| x.map_or("-".into(), |m| format!("{m:.3}"));
            table.add_row(vec![
                ind.label().to_string(),
                st.mean().map_or("not tested".into(), |m| format!("{m:.3}")),
                f(st.sd()),
                f(st.quantile(0.05)),
                f(st.quantile(0.5)),
                f(st.quantile(0.95)),
                pct(s.share(st.n)),
            ]);
        }
        for line in table.to_string().lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !s.coalitions.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Emergent coalitions (actors that backed each other; in at least {} of runs)",
            pct(COALITION_SHOWN)
        );
        let shown = coalitions_shown(s);
        if shown.is_empty() {
            let _ = writeln!(out, "  none that often");
        }
        for c in shown {
            let _ = writeln!(
                out,
                "  {:<24} in {:>6} of runs: alliance {}, alignment {}, partnership {}",
                c.id,
                pct(s.share(c.runs)),
                pct(c.verdicts[0] as f64 / c.runs as f64),
                pct(c.verdicts[1] as f64 / c.runs as f64),
                pct(c.verdicts[2] as f64 / c.runs as f64)
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Key decisions");
    for e in &s.events {
        event_text(&mut out, s, e, brief);
    }
    if !s.proposals.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Proposed by the actors (endogenous moves)");
        for e in s.proposals.values() {
            event_text(&mut out, s, e, brief);
        }
    }
    out
}

/// Coalitions seen in at least this share of runs are listed in the text report.
pub const COALITION_SHOWN: f64 = 0.1;

/// The coalitions seen in at least [`COALITION_SHOWN`] of runs, most frequent first.
pub fn coalitions_shown(s: &Summary) -> Vec<&GroupTally> {
    let mut v: Vec<&GroupTally> = s
        .coalitions
        .values()
        .filter(|c| s.share(c.runs) >= COALITION_SHOWN)
        .collect();
    v.sort_by_key(|c| std::cmp::Reverse(c.runs));
    v
}

fn event_text(out: &mut String, s: &Summary, e: &EventTally, brief: bool) {
    let n = e.happened.max(1) as f64;
    let outcomes = e
        .outcomes
        .iter()
        .map(|(o, k)| format!("{o} {}", pct(*k as f64 / n)))
        .collect::<Vec<_>>()
        .join(", ");
    if e.proposers.is_empty() {
        let _ = writeln!(out, "  turn {} {} ({}): {outcomes}", e.turn, e.id, e.kind);
    } else {
        let _ = writeln!(
            out,
            "  {} ({}), in {} of runs, from turn {}: {outcomes}",
            e.id,
            e.kind,
            pct(s.share(e.happened)),
            e.turn
        );
        for (actor, (_, _, why)) in &e.proposers {
            let _ = writeln!(
                out,
                "    proposed by {actor}: {}",
                terminal_safe(why, false)
            );
        }
    }
    if brief {
        let tops: Vec<String> = e
            .deciders
            .iter()
            .filter_map(|(actor, d)| {
                let total: u64 = d.counts.iter().sum();
                let (i, k) = d
                    .counts
                    .iter()
                    .enumerate()
                    .max_by_key(|(i, k)| (**k, std::cmp::Reverse(*i)))?;
                Some(format!(
                    "{actor} {} {:.0}%",
                    e.options[i],
                    100.0 * *k as f64 / total.max(1) as f64
                ))
            })
            .collect();
        if !tops.is_empty() {
            let _ = writeln!(out, "    {}", tops.join("; "));
        }
        return;
    }
    for (actor, d) in &e.deciders {
        let total: u64 = d.counts.iter().sum();
        let mut order: Vec<usize> = (0..d.counts.len()).filter(|i| d.counts[*i] > 0).collect();
        order.sort_by_key(|i| std::cmp::Reverse(d.counts[*i]));
        let shares = order
            .iter()
            .map(|i| {
                format!(
                    "{} {}",
                    e.options[*i],
                    pct(d.counts[*i] as f64 / total as f64)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(out, "    {actor:<4} {shares}");
        if let Some((_, r)) = order.first().and_then(|i| d.rationale.get(i)) {
            let _ = writeln!(out, "         why: {}", terminal_safe(r, false));
        }
        for (i, (_, reason)) in &d.forbidden {
            let _ = writeln!(
                out,
                "         forbidden {}: {}",
                e.options[*i],
                terminal_safe(reason, false)
            );
        }
    }
}

/// The report as one JSON document (schema in docs/output.md).
pub fn json(s: &Summary) -> Value {
    let groups: Vec<Value> = s
        .groups
        .iter()
        .map(|g| {
            let shares: serde_json::Map<String, Value> = Verdict::ALL
                .iter()
                .enumerate()
                .map(|(i, v)| (v.key().to_string(), json!(s.share(g.verdicts[i]))))
                .collect();
            let indicators: serde_json::Map<String, Value> = Indicator::ALL
                .iter()
                .enumerate()
                .map(|(i, ind)| (ind.key().to_string(), json!(g.mean(i))))
                .collect();
            let tested: serde_json::Map<String, Value> = Indicator::ALL
                .iter()
                .enumerate()
                .map(|(i, ind)| (ind.key().to_string(), json!(s.share(g.stats[i].n))))
                .collect();
            let reasons = g.reasons(&s.thresholds);
            json!({
                "id": g.id,
                "members": g.members(),
                "verdict": g.modal_verdict().key(),
                "verdict_shares": shares,
                "untested_alliance_share": s.share(g.untested_alliances),
                "on_paper_shares": Verdict::ALL.iter().map(|v| (v.key().to_string(), json!(s.share(g.on_paper[v.index()])))).collect::<serde_json::Map<_, _>>(),
                "indicators": indicators,
                "indicator_tested_share": tested,
                "verdict_intervals": Verdict::ALL.iter().enumerate().map(|(i, v)| {
                    let (lo, hi) = wilson(g.verdicts[i], s.runs);
                    (v.key().to_string(), json!([lo, hi]))
                }).collect::<serde_json::Map<_, _>>(),
                "indicator_stats": Indicator::ALL.iter().enumerate().map(|(i, ind)| {
                    let st = &g.stats[i];
                    (ind.key().to_string(), json!({
                        "mean": st.mean(), "sd": st.sd(),
                        "p5": st.quantile(0.05), "p50": st.quantile(0.5), "p95": st.quantile(0.95),
                    }))
                }).collect::<serde_json::Map<_, _>>(),
                "reasons": reasons.1,
                "nearest_threshold": g.nearest_threshold(&s.thresholds).map(|(i, x, thr)| json!({"indicator": i.key(), "mean": x, "threshold": thr, "gap": x - thr})),
                "reasons_from": reasons.0,
                "verdict_shares_by_turn": g.by_turn.iter().map(|c| {
                    let n = c.iter().sum::<u64>().max(1) as f64;
                    Verdict::ALL.iter().enumerate().map(|(i, v)| (v.key().to_string(), json!(c[i] as f64 / n))).collect::<serde_json::Map<_, _>>()
                }).collect::<Vec<_>>(),
                "alliance_first_reached": g.first_alliance.iter().map(|(t, n)| (t.to_string(), json!(s.share(*n)))).collect::<serde_json::Map<_, _>>(),
            })
        })
        .collect();
    let mut decisions = Vec::new();
    let mut outcomes = Vec::new();
    for e in &s.events {
        event_json(s, e, &mut outcomes, &mut decisions);
    }
    let mut proposals = Vec::new();
    let mut proposal_decisions = Vec::new();
    for e in s.proposals.values() {
        event_json(s, e, &mut proposals, &mut proposal_decisions);
    }
    let mut coalitions: Vec<&GroupTally> = s.coalitions.values().collect();
    coalitions.sort_by(|a, b| b.runs.cmp(&a.runs).then(a.id.cmp(&b.id)));
    let coalitions: Vec<Value> = coalitions
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "members": c.members(),
                "run_share": s.share(c.runs),
                "verdict_shares": Verdict::ALL.iter().enumerate().map(|(i, v)| (v.key().to_string(), json!(c.verdicts[i] as f64 / c.runs.max(1) as f64))).collect::<serde_json::Map<_, _>>(),
                "indicators": Indicator::ALL.iter().enumerate().map(|(i, ind)| (ind.key().to_string(), json!(c.mean(i)))).collect::<serde_json::Map<_, _>>(),
            })
        })
        .collect();
    json!({
        "scenario": s.scenario,
        "file": s.file,
        "seed": s.seed,
        "runs": s.runs,
        "turns": s.turns,
        "temperature": s.temperature,
        "groups": groups,
        "decisions": decisions,
        "outcomes": outcomes,
        "sampled": s.samples.iter().map(|t| json!({
            "path": t.path,
            "distribution": t.distribution,
            "drawn": {
                "mean": t.drawn.mean(), "sd": t.drawn.sd(),
                "p5": t.drawn.quantile(0.05), "p50": t.drawn.quantile(0.5), "p95": t.drawn.quantile(0.95),
            },
        })).collect::<Vec<_>>(),
        "generic_rules": s.generic_rules,
        "null_model": s.null_model,
        "proposals": proposals,
        "proposal_decisions": proposal_decisions,
        "coalitions": coalitions,
    })
}

/// One event's outcome shares (over the runs it happened in) and its
/// deciders' choice shares.
fn event_json(s: &Summary, e: &EventTally, outcomes: &mut Vec<Value>, decisions: &mut Vec<Value>) {
    let n = e.happened.max(1) as f64;
    let mut o = json!({
        "event": e.id,
        "turn": e.turn,
        "kind": e.kind,
        "outcome_shares": e.outcomes.iter().map(|(k, c)| (k.clone(), json!(*c as f64 / n))).collect::<serde_json::Map<_, _>>(),
    });
    if !e.proposers.is_empty() {
        o["run_share"] = json!(s.share(e.happened));
        o["proposed_by"] = e
            .proposers
            .iter()
            .map(|(a, (k, _, why))| {
                (
                    a.clone(),
                    json!({"run_share": s.share(*k), "rationale": why}),
                )
            })
            .collect::<serde_json::Map<_, _>>()
            .into();
    }
    outcomes.push(o);
    for (actor, d) in &e.deciders {
        let total: u64 = d.counts.iter().sum::<u64>().max(1);
        decisions.push(json!({
            "event": e.id,
            "turn": e.turn,
            "kind": e.kind,
            "actor": actor,
            "choice_shares": e.options.iter().zip(&d.counts).map(|(o, n)| (o.clone(), json!(*n as f64 / total as f64))).collect::<serde_json::Map<_, _>>(),
            "forbidden": d.forbidden.iter().map(|(i, (_, r))| (e.options[*i].clone(), json!(r))).collect::<serde_json::Map<_, _>>(),
            "rationale": d.rationale.iter().map(|(i, (_, r))| (e.options[*i].clone(), json!(r))).collect::<serde_json::Map<_, _>>(),
        }));
    }
}

/// The full trace of one run as JSON: every decision with its scores,
/// probabilities, forbidden options and rationale.
pub fn trace(run: &RunResult) -> Value {
    let w = &run.world;
    let events: Vec<Value> = run
        .record
        .events
        .iter()
        .map(|rec| {
            let ev = run.record.event(rec);
            json!({
                "event": ev.id,
                "turn": rec.turn,
                "kind": ev.kind_name(),
                "proposed": ev.proposal.as_ref().map(|p| json!({
                    "by": w.name(p.by),
                    "at_turn": p.at_turn,
                    "rationale": p.rationale,
                    "handler": p.handler,
                })),
                "outcome": rec.outcome,
                "decisions": rec.decisions.iter().map(|d| {
                    let mut v = json!({
                        "actor": w.name(d.actor),
                        "choice": rec.options[d.choice],
                        "rationale": &*d.rationale,
                        "handler": &*d.handler,
                        "options": rec.options.iter().enumerate().map(|(i, o)| json!({
                            "option": o,
                            "score": d.scores[i],
                            "probability": d.probabilities[i],
                            "forbidden": d.forbidden[i].as_ref().map(|f| json!({"by": f.by, "reason": f.reason})),
                        })).collect::<Vec<_>>(),
                    });
                    // What the handler printed, only where it printed.
                    if !d.log.is_empty() {
                        v["log"] = json!(&d.log[..]);
                    }
                    v
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "run": run.record.index,
        "events": events,
        "groups": run.assessments.iter().map(|a| json!({
            "id": a.group,
            "verdict": a.verdict.key(),
            "untested": a.untested,
            "indicators": Indicator::ALL.iter().zip(&a.values).map(|(i, v)| (i.key().to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "reasons": a.reasons,
        })).collect::<Vec<_>>(),
        "verdicts_by_turn": run.by_turn.iter().map(|vs| {
            run.assessments.iter().zip(vs).map(|(a, v)| (a.group.clone(), json!(v.key()))).collect::<serde_json::Map<_, _>>()
        }).collect::<Vec<_>>(),
        "coalitions": run.coalitions.iter().map(|a| json!({
            "id": a.group,
            "verdict": a.verdict.key(),
        })).collect::<Vec<_>>(),
    })
}

/// The header of `--runs-csv`: seed, run, each sampled parameter, then per
/// group its verdict and the seven indicators.
pub fn csv_header(plan: &Plan) -> String {
    let mut cols = vec!["seed".to_string(), "run".to_string()];
    cols.extend(plan.samples.iter().map(|s| csv_field(&s.path)));
    for g in &plan.groups {
        cols.push(csv_field(&format!("{}.verdict", g.id)));
        for ind in Indicator::ALL {
            cols.push(csv_field(&format!("{}.indicator.{}", g.id, ind.key())));
        }
    }
    cols.join(",") + "\n"
}

/// One run as a CSV row; an indicator not tested is an empty field.
/// The header of `--turns-csv`: one row per run and turn, each group's
/// verdict at the end of that turn (long format: one observation a row).
pub fn turns_csv_header(plan: &Plan) -> String {
    let mut cols = vec!["seed".to_string(), "run".to_string(), "turn".to_string()];
    cols.extend(
        plan.groups
            .iter()
            .map(|g| csv_field(&format!("{}.verdict", g.id))),
    );
    cols.join(",") + "\n"
}

/// The rows of one run in `--turns-csv`, turn 1 first.
pub fn turns_csv_rows(plan: &Plan, run: &RunResult) -> String {
    let mut out = String::new();
    for (t, verdicts) in run.by_turn.iter().enumerate() {
        let mut cols = vec![
            plan.seed.to_string(),
            run.record.index.to_string(),
            (t + 1).to_string(),
        ];
        cols.extend(verdicts.iter().map(|v| v.key().to_string()));
        out.push_str(&(cols.join(",") + "\n"));
    }
    out
}

pub fn csv_row(plan: &Plan, run: &RunResult) -> String {
    let mut cols = vec![plan.seed.to_string(), run.record.index.to_string()];
    cols.extend(run.samples.iter().map(|x| format!("{x}")));
    for a in &run.assessments {
        cols.push(a.verdict.key().to_string());
        cols.extend(
            a.values
                .iter()
                .map(|v| v.map_or(String::new(), |x| format!("{x}"))),
        );
    }
    cols.join(",") + "\n"
}

/// Quote a CSV field if it needs it (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One more of `key`, allocating the key only the first time.
fn count(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}
