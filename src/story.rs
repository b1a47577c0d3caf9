//! `bloc explain`: the story of one run in plain sentences, from its record:
//! event by event, who decided what with the rationale their rules gave and
//! the options they weighed next, what the world or the rules forbade, what
//! came of it, the verdicts at the end of each turn, and the reasons for the
//! final verdicts. The HTML report tells the same story for a run that had
//! the modal verdict.

use std::fmt::Write as _;

use crate::analysis::Indicator;
use crate::plan::Plan;
use crate::sim::RunResult;

/// Other options shown beside a choice when the rules gave them at least this.
const SHOWN: f64 = 0.01;

/// The story of `run` (a run of `plan`), as plain text (to be made safe for
/// a terminal or escaped for HTML by the caller).
pub fn story(plan: &Plan, run: &RunResult) -> String {
    let w = &run.world;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: run {} of seed {} ({} turns, temperature {})",
        plan.name, run.record.index, plan.seed, plan.turns, plan.temperature
    );
    if !run.samples.is_empty() {
        let drawn = plan
            .samples
            .iter()
            .zip(&run.samples)
            .map(|(s, x)| format!("{} = {x:.3}", s.path))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(out, "drawn for this run: {drawn}");
    }
    let mut turn = 0;
    for rec in &run.record.events {
        if rec.turn != turn {
            if turn > 0 {
                verdicts_after(&mut out, plan, run, turn);
            }
            turn = rec.turn;
            let _ = writeln!(out, "\nTurn {turn}");
        }
        let ev = run.record.event(rec);
        let about = if ev.description.trim().is_empty() {
            String::new()
        } else {
            format!(": {}", ev.description.trim())
        };
        let _ = writeln!(out, "  {} ({}){about}", ev.id, ev.kind_name());
        if let Some(p) = &ev.proposal {
            let _ = writeln!(
                out,
                "    proposed by {} at the end of turn {}: {}",
                w.name(p.by),
                p.at_turn,
                p.rationale
            );
        }
        for d in &rec.decisions {
            let label = |i: usize| rec.options.get(i).map_or("?", String::as_str);
            let why = if d.rationale.is_empty() {
                String::new()
            } else {
                format!(": {}", d.rationale)
            };
            let _ = writeln!(
                out,
                "    {} chose {} (its rules gave it {:.0}%){why}",
                w.name(d.actor),
                label(d.choice),
                100.0 * d.probabilities.get(d.choice).copied().unwrap_or(0.0)
            );
            let mut others: Vec<usize> = (0..d.probabilities.len())
                .filter(|i| *i != d.choice && d.probabilities[*i] >= SHOWN)
                .collect();
            others.sort_by(|a, b| d.probabilities[*b].total_cmp(&d.probabilities[*a]));
            if !others.is_empty() {
                let list = others
                    .iter()
                    .take(3)
                    .map(|i| format!("{} {:.0}%", label(*i), 100.0 * d.probabilities[*i]))
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = writeln!(out, "      weighed against: {list}");
            }
            // What the handler printed (`print`, `debug`): the rule lines
            // its author chose to show.
            for line in d.log.iter().take(3) {
                let _ = writeln!(out, "      its rules noted: {line}");
            }
            for (i, f) in d.forbidden.iter().enumerate() {
                if let Some(f) = f {
                    let who = if f.by.starts_with("world") {
                        "the world forbade"
                    } else {
                        "its rules forbade"
                    };
                    let _ = writeln!(out, "      {who} {}: {} [{}]", label(i), f.reason, f.by);
                }
            }
        }
        let _ = writeln!(out, "    outcome: {}", rec.outcome);
    }
    if turn > 0 && (turn as usize) < run.by_turn.len() {
        verdicts_after(&mut out, plan, run, turn);
    }
    let _ = writeln!(
        out,
        "\nHow the verdicts followed (end of turn {})",
        plan.turns
    );
    for a in &run.assessments {
        let members = a
            .members
            .iter()
            .map(|m| w.name(*m))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(out, "  {} ({members}): {}", a.group, a.verdict.key());
        for r in &a.reasons {
            let _ = writeln!(out, "    - {r}");
        }
        let measured = Indicator::ALL
            .iter()
            .zip(&a.values)
            .filter_map(|(i, v)| v.map(|x| format!("{} {x:.2}", i.label())))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(out, "    measured: {measured}");
    }
    out
}

fn verdicts_after(out: &mut String, plan: &Plan, run: &RunResult, turn: u32) {
    let Some(vs) = run.by_turn.get(turn as usize - 1) else {
        return;
    };
    let list = plan
        .groups
        .iter()
        .zip(vs)
        .map(|(g, v)| format!("{} {}", g.id, v.key()))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "  verdicts after turn {turn}: {list}");
}
