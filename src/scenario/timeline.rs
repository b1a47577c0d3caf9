//! The timeline: each event read by its kind's module through `events::Input`,
//! with positioned errors.

use crate::diagnostic::Span;
use crate::events::{self, Change, ChangeOp, EventKind, Input};
use crate::plan::CustomKind;
use crate::world::{ActorId, OrgId, World};

use super::check::*;
use super::raw::*;

/// An event of a scenario file, read by its kind's module: errors carry the
/// field's position and name the event.
pub(super) struct EventInput<'a, 'f> {
    pub(super) c: &'a mut Checker<'f>,
    pub(super) ids: &'a Ids,
    pub(super) world: &'a World,
    pub(super) ev: &'a RawEvent,
    pub(super) ctx: String,
}

impl EventInput<'_, '_> {
    pub(super) fn span(&self, field: Option<&str>) -> Span {
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
            let op = match (&ch.set, &ch.add) {
                // The same checks as the world loader's: a parameter's value
                // is in [0, 1], so a change is in [-1, 1]; NaN is neither.
                (Some(v), None) => {
                    let what = format!("`set:` of `{}` {}", ch.path.value, self.ctx);
                    ChangeOp::Set(self.c.unit(v, &what))
                }
                (None, Some(v)) => {
                    if !(-1.0..=1.0).contains(&v.value) {
                        self.c.error(
                            span_at(v.referenced, v.value.to_string().len()),
                            format!(
                                "`add:` of `{}` {} must be between -1 and 1, found {}",
                                ch.path.value, self.ctx, v.value
                            ),
                            "out of range",
                        );
                    }
                    ChangeOp::Add(v.value)
                }
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
    fn error_at_item(&mut self, field: &str, item: &str, nth: usize, message: String, label: &str) {
        let items: Vec<&serde_saphyr::Spanned<String>> = match field {
            "backers" => self
                .ev
                .backers
                .iter()
                .flat_map(|b| b.value.iter().map(|b| &b.side))
                .collect(),
            _ => self
                .ev
                .list(field)
                .map(|l| l.value.iter().collect())
                .unwrap_or_default(),
        };
        let span = match items.into_iter().filter(|s| s.value == item).nth(nth) {
            Some(s) => str_span(s),
            None => self.span(Some(field)),
        };
        self.c.error(span, format!("{message} {}", self.ctx), label);
    }
    fn event_id(&self) -> &str {
        &self.ev.id.value
    }
}

pub(super) fn event_kind(
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
