//! A scenario's claims (`expect:`), resolved against its groups and events.

use serde_saphyr::Spanned;

use crate::analysis::{GroupSpec, Indicator, Verdict};
use crate::claim::{Claim, Subject};
use crate::diagnostic::{Diagnostic, Span};
use crate::events::Event;
use crate::world::World;

use super::check::*;
use super::raw::*;

/// Resolve one claim of `expect:` against the scenario's groups and events.
pub(super) fn claim(
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
                "expected alliance, alignment, partnership or untested",
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
    if r.known.as_ref().is_some_and(|k| k.trim().is_empty()) {
        c.error(
            here,
            "`known:` needs the reason the model does not reproduce the claim".into(),
            "no reason",
        );
    }
    if c.errors.len() > before {
        return None;
    }
    let text = r.claim.clone().unwrap_or_else(|| describe(&subject));
    Some(Claim {
        text,
        why: r.why.clone().unwrap_or_default(),
        known: r.known.clone(),
        subject,
        at_least,
        at_most,
        line,
    })
}

/// A claim in words, when the scenario gives none.
pub(super) fn describe(s: &Subject) -> String {
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
