//! The HTML report (`bloc report`, `bloc sweep --report`): one
//! self-contained page for a class or a slide, drawn from the same
//! [`Summary`] as the text and JSON reports (nothing is recomputed): the
//! question, each group's verdict with its shares and intervals and its
//! indicators against their thresholds, a picture of the world and of who
//! backed whom in the runs, and the key decisions with their rationales.
//! Inline SVG and CSS only: no script, no font, no request to any server.
//! Every text from a scenario or a script goes through [`svg::esc`].

use std::fmt::Write as _;

use crate::analysis::{Indicator, Verdict};
use crate::experiment::Vary;
use crate::plan::Plan;
use crate::report::{EventTally, GroupTally, Summary};
use crate::stat::wilson;
use crate::svg::{self, Bar, Edge, Line, Node, Segment, Series, esc};
use crate::world::{Party, World};

/// A colour per verdict (Okabe–Ito, readable by colour-blind viewers).
fn color(v: Verdict) -> &'static str {
    match v {
        Verdict::Alliance => "#d55e00",
        Verdict::Alignment => "#e69f00",
        Verdict::Partnership => "#0072b2",
        Verdict::Untested => "#999999",
    }
}

const STYLE: &str = "body{font-family:sans-serif;font-size:18px;line-height:1.45;max-width:1100px;margin:1.5em auto;padding:0 1em;color:#111;background:#fff}
h1{font-size:2em;margin-bottom:.2em}h2{border-bottom:2px solid #333;margin-top:1.6em}
.meta{color:#444}.verdict{font-size:1.5em;font-weight:bold}
table{border-collapse:collapse;margin:.5em 0}td,th{border-bottom:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
.share{display:inline-block;height:.8em;background:#0072b2;vertical-align:middle;margin-right:.4em}
.why{color:#333;font-style:italic}td.choices{white-space:nowrap}.forbidden{color:#a00}
svg{max-width:100%;height:auto;display:block;margin:.5em 0}
figure{margin:1em 0}pre.story{white-space:pre-wrap;font-size:.85em;background:#f6f6f6;padding:.8em}figcaption{color:#444}
";

fn head(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        esc(title)
    );
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// The header: the question, where it comes from, and how it was run
/// (seed, runs, every `--set`), so a projected page says what it shows.
fn header(out: &mut String, plan: &Plan, s: &Summary, settings: &[(String, f64)]) {
    let _ = writeln!(out, "<h1>{}</h1>", esc(&plan.name));
    if !plan.description.trim().is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"question\">{}</p>",
            esc(plan.description.trim())
        );
    }
    let _ = writeln!(
        out,
        "<p class=\"meta\">Scenario <code>{}</code>: seed {}, {} runs, {} turns, temperature {}.</p>",
        esc(&s.file),
        s.seed,
        s.runs,
        s.turns,
        s.temperature
    );
    if !settings.is_empty() {
        let list = settings
            .iter()
            .map(|(p, v)| format!("<code>{}={v}</code>", esc(p)))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "<p class=\"meta\">Changed with <code>--set</code>: {list}.</p>"
        );
    }
    if s.null_model {
        let _ = writeln!(
            out,
            "<p class=\"meta\"><strong>Null model</strong>: no rules; every decider picks at random among the options the world allows.</p>"
        );
    } else if !s.generic_rules.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"meta\">On the generic rules (no script of their own): {}.</p>",
            esc(&s.generic_rules.join(", "))
        );
    }
}

/// One group: modal verdict, share bar with 95% intervals, the reasons,
/// and the indicators against their thresholds.
fn group(out: &mut String, s: &Summary, g: &GroupTally) {
    let _ = writeln!(
        out,
        "<h3>{} <span class=\"meta\">({})</span></h3>",
        esc(&g.id),
        esc(&g.members().join(", "))
    );
    let modal = g.modal_verdict();
    let _ = writeln!(
        out,
        "<p>Verdict: <span class=\"verdict\" style=\"color:{}\">{}</span></p>",
        color(modal),
        esc(modal.key())
    );
    let runs = g.runs.max(1);
    let shown: Vec<Verdict> = Verdict::ALL
        .into_iter()
        .filter(|v| *v != Verdict::Untested || g.verdicts[v.index()] > 0)
        .collect();
    let segments: Vec<Segment> = shown
        .iter()
        .map(|v| Segment {
            label: v.key(),
            share: g.verdicts[v.index()] as f64 / runs as f64,
            color: color(*v),
        })
        .collect();
    out.push_str(&svg::share_bar(
        &format!("Verdict shares of {} over {} runs", g.id, g.runs),
        &segments,
    ));
    let intervals = shown
        .iter()
        .map(|v| {
            let k = g.verdicts[v.index()];
            let (lo, hi) = wilson(k, g.runs);
            format!(
                "{} {} ({}–{})",
                v.key(),
                pct(k as f64 / runs as f64),
                pct(lo),
                pct(hi)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let _ = writeln!(
        out,
        "<p class=\"meta\">Shares with 95% intervals: {}.</p>",
        esc(&intervals)
    );
    let (source, reasons) = g.reasons(&s.thresholds);
    let _ = writeln!(out, "<p>Decided by ({}):</p>\n<ul>", esc(&source));
    for r in reasons {
        let _ = writeln!(out, "<li>{}</li>", esc(&r));
    }
    out.push_str("</ul>\n");
    let bars: Vec<Bar> = Indicator::ALL
        .iter()
        .enumerate()
        .map(|(i, ind)| Bar {
            label: ind.label(),
            value: g.mean(i),
            threshold: s.thresholds.of(*ind),
        })
        .collect();
    out.push_str("<figure>\n");
    out.push_str(&svg::threshold_bars(
        &format!("Indicators of {} against their thresholds", g.id),
        &bars,
    ));
    let _ = writeln!(
        out,
        "<figcaption>Each indicator's mean over the runs that tested it; the black tick is the threshold a verdict tests it against (dark: at or past it).</figcaption>\n</figure>"
    );
}

/// States in the order of their first organization, so members sit together.
fn actor_order(w: &World) -> Vec<usize> {
    let first_org = |a: usize| {
        w.orgs
            .iter()
            .position(|o| o.members.contains(&a))
            .unwrap_or(usize::MAX)
    };
    let mut order: Vec<usize> = (0..w.actors.len()).collect();
    order.sort_by_key(|a| (first_org(*a), w.name(*a).to_string()));
    order
}

/// Ties at least this strong are drawn in the picture of the world.
const STRONG_TIES: f64 = 0.6;

/// The world at the start: states, organizations with members (solid) and
/// observers or partners (dashed), strong ties, bases and security ties.
fn world_network(w: &World) -> String {
    let order = actor_order(w);
    let mut at = vec![0; w.actors.len()];
    let mut nodes: Vec<Node> = vec![];
    for (i, a) in order.iter().enumerate() {
        at[*a] = i;
        nodes.push(Node {
            label: w.name(*a).to_string(),
            org: false,
            color: "#fff".into(),
        });
    }
    let org0 = nodes.len();
    for o in w.orgs.iter() {
        nodes.push(Node {
            label: o.id.clone(),
            org: true,
            color: "#f0e442".into(),
        });
    }
    let mut edges = vec![];
    for (oi, o) in w.orgs.iter().enumerate() {
        for (list, line, what) in [
            (&o.members, Line::Solid, "member of"),
            (&o.observers, Line::Dashed, "observer of"),
            (&o.partners, Line::Dashed, "partner of"),
        ] {
            for a in list {
                edges.push(Edge {
                    from: at[*a],
                    to: org0 + oi,
                    width: 1.2,
                    color: "#999".into(),
                    line,
                    title: format!("{} {what} {}", w.name(*a), o.id),
                    label: None,
                });
            }
        }
    }
    let n = w.actors.len();
    for a in 0..n {
        for b in a + 1..n {
            let t = w.ties.get(a, b).max(w.ties.get(b, a));
            if t >= STRONG_TIES {
                edges.push(Edge {
                    from: at[a],
                    to: at[b],
                    width: 1.0 + 6.0 * (t - STRONG_TIES) / (1.0 - STRONG_TIES),
                    color: "#009e73".into(),
                    line: Line::Solid,
                    title: format!("ties {} – {}: {t:.2}", w.name(a), w.name(b)),
                    label: None,
                });
            }
        }
    }
    for base in &w.bases {
        edges.push(Edge {
            from: at[base.user],
            to: at[base.host],
            width: 2.5,
            color: "#8b4513".into(),
            line: if base.open { Line::Arrow } else { Line::Dashed },
            title: format!(
                "base {}: {} in {}{}",
                base.id,
                w.name(base.user),
                w.name(base.host),
                if base.open { "" } else { " (closed)" }
            ),
            label: None,
        });
    }
    for t in &w.security_ties {
        let to = match t.with {
            Party::Actor(b) => at[b],
            Party::Org(o) => org0 + o,
        };
        edges.push(Edge {
            from: at[t.actor],
            to,
            width: 1.5,
            color: "#cc79a7".into(),
            line: Line::Dashed,
            title: format!("{} security tie ({})", w.name(t.actor), t.kind),
            label: None,
        });
    }
    svg::network(
        "The world at the start",
        &nodes,
        &edges,
        &[
            (
                "#999",
                Line::Solid,
                "member of an organization (dashed: observer or partner)",
            ),
            (
                "#009e73",
                Line::Solid,
                "strong ties (0.6 or more; thicker: stronger)",
            ),
            ("#8b4513", Line::Arrow, "military base: user → host"),
            ("#cc79a7", Line::Dashed, "security tie short of membership"),
        ],
    )
}

/// Pairs backed in fewer runs than this are left out of the picture.
const BACKED_SHOWN: f64 = 0.05;

/// Who backed whom: an arrow per pair backed in at least 5% of runs, as
/// thick as the share of runs, labelled with it.
fn behaviour_network(w: &World, s: &Summary) -> Option<String> {
    let runs = s.runs.max(1) as f64;
    let pairs: Vec<(usize, usize, f64)> = s
        .backed
        .iter()
        .filter_map(|(k, n)| {
            let (a, b) = k.split_once('>')?;
            Some((w.actor_id(a)?, w.actor_id(b)?, *n as f64 / runs))
        })
        .filter(|p| p.2 >= BACKED_SHOWN)
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let order: Vec<usize> = actor_order(w)
        .into_iter()
        .filter(|a| pairs.iter().any(|p| p.0 == *a || p.1 == *a))
        .collect();
    let at = |a: usize| order.iter().position(|x| *x == a).unwrap_or(0);
    let nodes: Vec<Node> = order
        .iter()
        .map(|a| Node {
            label: w.name(*a).to_string(),
            org: false,
            color: "#fff".into(),
        })
        .collect();
    // A pair that backed each other is one line (its shares on hover), so
    // that a bloc acting together reads as a web, not a tangle of arrows.
    let share_of = |a: usize, b: usize| pairs.iter().find(|p| p.0 == a && p.1 == b).map(|p| p.2);
    let mut edges: Vec<Edge> = vec![];
    for (a, b, share) in &pairs {
        match share_of(*b, *a) {
            Some(back) if a < b => edges.push(Edge {
                from: at(*a),
                to: at(*b),
                width: 1.0 + 7.0 * (share + back) / 2.0,
                color: "#0072b2".into(),
                line: Line::Solid,
                title: format!(
                    "{} and {} backed each other: {} → {} in {}, {} → {} in {} of runs",
                    w.name(*a),
                    w.name(*b),
                    w.name(*a),
                    w.name(*b),
                    pct(*share),
                    w.name(*b),
                    w.name(*a),
                    pct(back)
                ),
                label: None,
            }),
            Some(_) => {}
            None => edges.push(Edge {
                from: at(*a),
                to: at(*b),
                width: 1.0 + 7.0 * share,
                color: "#d55e00".into(),
                line: Line::Arrow,
                title: format!(
                    "{} backed {} in {} of runs",
                    w.name(*a),
                    w.name(*b),
                    pct(*share)
                ),
                label: Some(format!("{:.0}%", 100.0 * share)),
            }),
        }
    }
    Some(svg::network(
        "Who backed whom in the runs",
        &nodes,
        &edges,
        &[
            (
                "#0072b2",
                Line::Solid,
                "backed each other (thicker: in more runs; hover for the shares)",
            ),
            (
                "#d55e00",
                Line::Arrow,
                "backed one way, with the share of runs",
            ),
        ],
    ))
}

/// One event: outcomes, then per decider its choice shares (as bars), the
/// rationale of its most frequent choice, and what the world forbade.
fn event(out: &mut String, s: &Summary, e: &EventTally) {
    let n = e.happened.max(1) as f64;
    if e.proposers.is_empty() {
        let _ = writeln!(
            out,
            "<h3>Turn {}: {} <span class=\"meta\">({})</span></h3>",
            e.turn,
            esc(&e.id),
            esc(&e.kind)
        );
    } else {
        let _ = writeln!(
            out,
            "<h3>{} <span class=\"meta\">({}, proposed, in {} of runs, from turn {})</span></h3>",
            esc(&e.id),
            esc(&e.kind),
            pct(e.happened as f64 / s.runs.max(1) as f64),
            e.turn
        );
        for (actor, (_, _, why)) in &e.proposers {
            let _ = writeln!(
                out,
                "<p>Proposed by {}: <span class=\"why\">{}</span></p>",
                esc(actor),
                esc(why)
            );
        }
    }
    let outcomes = e
        .outcomes
        .iter()
        .map(|(o, k)| format!("{} {}", esc(o), pct(*k as f64 / n)))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "<p>Outcome: {outcomes}</p>");
    if e.deciders.is_empty() {
        return;
    }
    out.push_str("<table>\n<tr><th>who</th><th>choices (share of runs)</th><th>why (most frequent choice)</th></tr>\n");
    for (actor, d) in &e.deciders {
        let total = d.counts.iter().sum::<u64>().max(1) as f64;
        let mut order: Vec<usize> = (0..d.counts.len()).filter(|i| d.counts[*i] > 0).collect();
        order.sort_by_key(|i| std::cmp::Reverse(d.counts[*i]));
        let choices = order
            .iter()
            .map(|i| {
                let share = d.counts[*i] as f64 / total;
                format!(
                    "<span class=\"share\" style=\"width:{:.1}em\"></span>{} {}",
                    8.0 * share,
                    esc(e.options.get(*i).map_or("?", String::as_str)),
                    pct(share)
                )
            })
            .collect::<Vec<_>>()
            .join("<br>");
        let mut why = order
            .first()
            .and_then(|i| d.rationale.get(i))
            .map_or(String::new(), |(_, r)| {
                format!("<span class=\"why\">{}</span>", esc(r))
            });
        for (i, (_, reason)) in &d.forbidden {
            let _ = write!(
                why,
                "<br><span class=\"forbidden\">forbidden {}: {}</span>",
                esc(e.options.get(*i).map_or("?", String::as_str)),
                esc(reason)
            );
        }
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"choices\">{choices}</td><td>{why}</td></tr>",
            esc(actor)
        );
    }
    out.push_str("</table>\n");
}

/// The report of one scenario's runs as a self-contained HTML page.
/// `story` is `bloc explain`'s story of one run, told under the decisions.
pub fn report(plan: &Plan, s: &Summary, settings: &[(String, f64)], story: Option<&str>) -> String {
    let mut out = String::new();
    head(&mut out, &format!("bloc: {}", plan.name));
    header(&mut out, plan, s, settings);
    out.push_str("<h2>Verdicts</h2>\n");
    for g in &s.groups {
        group(&mut out, s, g);
    }
    out.push_str("<h2>The world</h2>\n<figure>\n");
    out.push_str(&world_network(&plan.world));
    out.push_str("<figcaption>States (circles) and organizations (squares) as the scenario starts.</figcaption>\n</figure>\n");
    out.push_str("<h2>What the states did</h2>\n");
    match behaviour_network(&plan.world, s) {
        Some(svg) => {
            out.push_str("<figure>\n");
            out.push_str(&svg);
            let _ = writeln!(
                out,
                "<figcaption>A backed B (military or diplomatic support, an endorsement, a pact, a declaration adopted together) in that share of the {} runs: a line where both backed each other, an arrow where only one did; pairs under {:.0}% are left out.</figcaption>\n</figure>",
                s.runs,
                100.0 * BACKED_SHOWN
            );
        }
        None => out.push_str("<p>No state backed another in 5% of runs or more.</p>\n"),
    }
    let shown = crate::report::coalitions_shown(s);
    if !shown.is_empty() {
        let _ = writeln!(
            out,
            "<h2>Coalitions that emerged</h2>\n<p class=\"meta\">States that backed each other within a run (docs/analysis.md), in at least {:.0}% of runs, judged like any group.</p>\n<table>\n<tr><th>coalition</th><th>in runs</th><th>alliance</th><th>alignment</th><th>partnership</th></tr>",
            100.0 * crate::report::COALITION_SHOWN
        );
        for c in shown {
            let n = c.runs.max(1) as f64;
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&c.id),
                pct(c.runs as f64 / s.runs.max(1) as f64),
                pct(c.verdicts[0] as f64 / n),
                pct(c.verdicts[1] as f64 / n),
                pct(c.verdicts[2] as f64 / n)
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("<h2>Key decisions</h2>\n");
    for e in &s.events {
        event(&mut out, s, e);
    }
    if !s.proposals.is_empty() {
        out.push_str("<h2>Proposed by the actors</h2>\n");
        for e in s.proposals.values() {
            event(&mut out, s, e);
        }
    }
    if let Some(story) = story {
        let _ = writeln!(
            out,
            "<h2>The story of one run</h2>\n<p class=\"meta\">A run with the first group's most frequent verdict, as <code>bloc explain</code> tells it.</p>\n<pre class=\"story\">{}</pre>",
            esc(story)
        );
    }
    out.push_str("<p class=\"meta\">Made by bloc; the same numbers as <code>bloc run --format json</code>.</p>\n</body>\n</html>\n");
    out
}

/// The report of a sweep: per group, its verdict shares over the varied
/// parameter (the first one; with several, over the point number), then a
/// table of every point.
pub fn sweep_report(plan: &Plan, vary: &[Vary], points: &[(Vec<f64>, Summary)]) -> String {
    let mut out = String::new();
    head(&mut out, &format!("bloc sweep: {}", plan.name));
    let _ = writeln!(out, "<h1>{}: a sweep</h1>", esc(&plan.name));
    if !plan.description.trim().is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"question\">{}</p>",
            esc(plan.description.trim())
        );
    }
    let ranges = vary
        .iter()
        .map(|v| {
            format!(
                "<code>{}</code> from {} to {} by {}",
                esc(&v.path),
                v.lo,
                v.hi,
                v.step
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let _ = writeln!(
        out,
        "<p class=\"meta\">Scenario <code>{}</code>: {} points of {} runs each (seed {}); varied: {ranges}.</p>",
        esc(&plan.path.display().to_string()),
        points.len(),
        plan.runs,
        plan.seed
    );
    let (x_label, by_index) = match vary {
        [one] => (one.path.clone(), false),
        _ => ("point (see the table)".to_string(), true),
    };
    for (gi, g) in plan.groups.iter().enumerate() {
        let _ = writeln!(out, "<h2>{}</h2>", esc(&g.id));
        let series: Vec<Series> = [Verdict::Alliance, Verdict::Alignment, Verdict::Partnership]
            .into_iter()
            .map(|v| Series {
                name: v.key(),
                color: color(v),
                points: points
                    .iter()
                    .enumerate()
                    .filter_map(|(i, (values, s))| {
                        let t = s.groups.get(gi)?;
                        let x = if by_index { i as f64 } else { *values.first()? };
                        Some((x, t.verdicts[v.index()] as f64 / t.runs.max(1) as f64))
                    })
                    .collect(),
            })
            .collect();
        out.push_str(&svg::line_chart(
            &format!("Verdict shares of {} over {x_label}", g.id),
            &x_label,
            &series,
        ));
    }
    out.push_str("<h2>Every point</h2>\n<table>\n<tr><th>point</th>");
    for v in vary {
        let _ = write!(out, "<th>{}</th>", esc(&v.path));
    }
    for g in &plan.groups {
        let _ = write!(out, "<th>{} verdict</th>", esc(&g.id));
    }
    out.push_str("</tr>\n");
    for (i, (values, s)) in points.iter().enumerate() {
        let _ = write!(out, "<tr><td>{i}</td>");
        for x in values {
            let _ = write!(out, "<td>{x}</td>");
        }
        for t in &s.groups {
            let runs = t.runs.max(1) as f64;
            let _ = write!(
                out,
                "<td>{} (alliance {}, alignment {})</td>",
                esc(t.modal_verdict().key()),
                pct(t.verdicts[0] as f64 / runs),
                pct(t.verdicts[1] as f64 / runs)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n</body>\n</html>\n");
    out
}
