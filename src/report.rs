//! Many runs folded into one summary, and its text and JSON forms. The
//! summary is a fixed-size tally per group, event and decider: it grows with
//! the scenario, not with the number of runs, and tallies add up in run order.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use comfy_table::{Table, presets};
use serde_json::{Value, json};

use crate::analysis::{self, Indicator, Thresholds, Verdict};
use crate::plan::Plan;
use crate::sim::RunResult;

#[derive(Debug, Clone)]
pub struct GroupTally {
    pub id: String,
    pub verdicts: [u64; 3],
    pub untested_alliances: u64,
    pub sums: [f64; 7],
    pub tested: [u64; 7],
    /// Final member lists and how many runs ended with each.
    pub members: BTreeMap<Vec<String>, u64>,
    pub obligations: BTreeMap<&'static str, u64>,
}

#[derive(Debug, Clone)]
pub struct DeciderTally {
    pub counts: Vec<u64>,
    /// Per option: the first reason it was forbidden for, in run order.
    pub forbidden: BTreeMap<usize, String>,
    /// Per chosen option: the first rationale given, in run order.
    pub rationale: BTreeMap<usize, String>,
}

#[derive(Debug, Clone)]
pub struct EventTally {
    pub id: String,
    pub turn: u32,
    pub kind: String,
    pub options: Vec<String>,
    pub outcomes: BTreeMap<String, u64>,
    pub deciders: BTreeMap<String, DeciderTally>,
}

/// The aggregate of any number of runs of one plan.
#[derive(Debug, Clone)]
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
                .map(|g| GroupTally {
                    id: g.id.clone(),
                    verdicts: [0; 3],
                    untested_alliances: 0,
                    sums: [0.0; 7],
                    tested: [0; 7],
                    members: BTreeMap::new(),
                    obligations: BTreeMap::new(),
                })
                .collect(),
            events: plan
                .timeline
                .iter()
                .map(|e| EventTally {
                    id: e.id.clone(),
                    turn: e.turn,
                    kind: e.kind_name().to_string(),
                    options: vec![],
                    outcomes: BTreeMap::new(),
                    deciders: BTreeMap::new(),
                })
                .collect(),
        }
    }

    /// Fold one run in. Runs must be added in index order for the
    /// "first rationale" fields to be deterministic.
    pub fn add(&mut self, run: &RunResult) {
        self.runs += 1;
        for (tally, a) in self.groups.iter_mut().zip(&run.assessments) {
            let v = Verdict::ALL
                .iter()
                .position(|x| *x == a.verdict)
                .unwrap_or(2);
            tally.verdicts[v] += 1;
            tally.untested_alliances += u64::from(a.untested);
            for (i, x) in a.values.iter().enumerate() {
                if let Some(x) = x {
                    tally.sums[i] += x;
                    tally.tested[i] += 1;
                }
            }
            let names = a
                .members
                .iter()
                .map(|m| run.world.name(*m).to_string())
                .collect();
            *tally.members.entry(names).or_default() += 1;
            *tally.obligations.entry(a.obligation).or_default() += 1;
        }
        for rec in &run.record.events {
            let t = &mut self.events[rec.event];
            if t.options.is_empty() {
                t.options = rec.options.clone();
            }
            *t.outcomes.entry(rec.outcome.clone()).or_default() += 1;
            for d in &rec.decisions {
                let e = t
                    .deciders
                    .entry(run.world.name(d.actor).to_string())
                    .or_insert_with(|| DeciderTally {
                        counts: vec![0; rec.options.len()],
                        forbidden: BTreeMap::new(),
                        rationale: BTreeMap::new(),
                    });
                e.counts[d.choice] += 1;
                for (i, f) in d.forbidden.iter().enumerate() {
                    if let Some(f) = f {
                        e.forbidden
                            .entry(i)
                            .or_insert_with(|| format!("{} [{}]", f.reason, f.by));
                    }
                }
                if !d.rationale.is_empty() {
                    e.rationale
                        .entry(d.choice)
                        .or_insert_with(|| d.rationale.clone());
                }
            }
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

impl GroupTally {
    pub fn mean(&self, i: usize) -> Option<f64> {
        (self.tested[i] > 0).then(|| self.sums[i] / self.tested[i] as f64)
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

    /// The reasons the verdict rules give for the mean indicators.
    pub fn reasons(&self, t: &Thresholds) -> Vec<String> {
        let means: [Option<f64>; 7] = std::array::from_fn(|i| self.mean(i));
        let ob = Self::modal(&self.obligations).unwrap_or("none");
        analysis::classify(&means, ob, t).2
    }

    pub fn members(&self) -> Vec<String> {
        Self::modal(&self.members).unwrap_or_default()
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// The report as text: a table per group and the key decisions.
pub fn text(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "bloc: {} ({})", s.scenario, s.file);
    let _ = writeln!(
        out,
        "seed {}, {} runs, {} turns, temperature {}",
        s.seed, s.runs, s.turns, s.temperature
    );
    for g in &s.groups {
        let _ = writeln!(out);
        let _ = writeln!(out, "Group {} ({})", g.id, g.members().join(", "));
        let verdict = g.modal_verdict();
        let untested = if verdict == Verdict::Alliance && g.untested_alliances > 0 {
            format!(" (untested in {})", pct(s.share(g.untested_alliances)))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  verdict: {}{untested}   [alliance {}, alignment {}, partnership {}]",
            verdict.key(),
            pct(s.share(g.verdicts[0])),
            pct(s.share(g.verdicts[1])),
            pct(s.share(g.verdicts[2]))
        );
        let _ = writeln!(out, "  decided by (indicators at their means):");
        for r in g.reasons(&s.thresholds) {
            let _ = writeln!(out, "    - {r}");
        }
        let mut table = Table::new();
        table.load_preset(presets::ASCII_BORDERS_ONLY_CONDENSED);
        table.set_header(vec!["indicator", "mean", "tested in"]);
        for (i, ind) in Indicator::ALL.iter().enumerate() {
            table.add_row(vec![
                ind.label().to_string(),
                g.mean(i).map_or("not tested".into(), |m| format!("{m:.3}")),
                pct(s.share(g.tested[i])),
            ]);
        }
        for line in table.to_string().lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Key decisions");
    for e in &s.events {
        let outcomes = e
            .outcomes
            .iter()
            .map(|(o, n)| format!("{o} {}", pct(s.share(*n))))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(out, "  turn {} {} ({}): {outcomes}", e.turn, e.id, e.kind);
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
            if let Some(r) = order.first().and_then(|i| d.rationale.get(i)) {
                let _ = writeln!(out, "         why: {r}");
            }
            for (i, reason) in &d.forbidden {
                let _ = writeln!(out, "         forbidden {}: {reason}", e.options[*i]);
            }
        }
    }
    out
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
                .map(|(i, ind)| (ind.key().to_string(), json!(s.share(g.tested[i]))))
                .collect();
            json!({
                "id": g.id,
                "members": g.members(),
                "verdict": g.modal_verdict().key(),
                "verdict_shares": shares,
                "untested_alliance_share": s.share(g.untested_alliances),
                "indicators": indicators,
                "indicator_tested_share": tested,
                "reasons": g.reasons(&s.thresholds),
            })
        })
        .collect();
    let mut decisions = Vec::new();
    let mut outcomes = Vec::new();
    for e in &s.events {
        outcomes.push(json!({
            "event": e.id,
            "turn": e.turn,
            "kind": e.kind,
            "outcome_shares": e.outcomes.iter().map(|(k, n)| (k.clone(), json!(s.share(*n)))).collect::<serde_json::Map<_, _>>(),
        }));
        for (actor, d) in &e.deciders {
            let total: u64 = d.counts.iter().sum::<u64>().max(1);
            decisions.push(json!({
                "event": e.id,
                "turn": e.turn,
                "kind": e.kind,
                "actor": actor,
                "choice_shares": e.options.iter().zip(&d.counts).map(|(o, n)| (o.clone(), json!(*n as f64 / total as f64))).collect::<serde_json::Map<_, _>>(),
                "forbidden": d.forbidden.iter().map(|(i, r)| (e.options[*i].clone(), json!(r))).collect::<serde_json::Map<_, _>>(),
                "rationale": d.rationale.iter().map(|(i, r)| (e.options[*i].clone(), json!(r))).collect::<serde_json::Map<_, _>>(),
            }));
        }
    }
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
    })
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
            let ev = &run.record.plan_events[rec.event];
            json!({
                "event": ev.id,
                "turn": rec.turn,
                "kind": ev.kind_name(),
                "outcome": rec.outcome,
                "decisions": rec.decisions.iter().map(|d| json!({
                    "actor": w.name(d.actor),
                    "choice": rec.options[d.choice],
                    "rationale": d.rationale,
                    "handler": d.handler,
                    "options": rec.options.iter().enumerate().map(|(i, o)| json!({
                        "option": o,
                        "score": d.scores[i],
                        "probability": d.probabilities[i],
                        "forbidden": d.forbidden[i].as_ref().map(|f| json!({"by": f.by, "reason": f.reason})),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
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
    })
}
