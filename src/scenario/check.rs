//! The checker: collects problems with their positions and resolves ids
//! against the world.

use std::collections::BTreeMap;

use serde_saphyr::{Location, Spanned};

use crate::diagnostic::{Diagnostic, SourceFile, Span};
use crate::uncertainty::Dist;
use crate::world::{ActorId, OrgId, Party, World};

use super::raw::*;

pub(super) fn span_at(l: Location, len: usize) -> Span {
    Span::new(l.line() as usize, l.column() as usize, len)
}

pub(super) fn str_span(s: &Spanned<String>) -> Span {
    span_at(s.referenced, s.value.chars().count())
}

/// The one check of a world parameter's value, however it enters (world,
/// scenario, shock, `--set`): a finite number in [0, 1].
pub(super) fn unit_value(x: f64, what: &str) -> Result<f64, String> {
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(format!("{what} must be between 0 and 1, found {x}"))
    }
}

/// Collects problems with positions; resolves ids against the world.
pub(super) struct Checker<'a> {
    pub(super) file: &'a SourceFile,
    pub(super) errors: Vec<Diagnostic>,
    /// Where each actor this file defines names its `rules:`, so a missing
    /// script is pointed at in whichever file (a world, one it extends, a
    /// scenario's `extend:`) wrote it.
    pub(super) rules_at: Vec<RulesAt>,
}

/// An actor's `rules:` as written: (actor id, its file, the name's span).
pub(super) type RulesAt = (String, SourceFile, Span);

impl<'a> Checker<'a> {
    pub(super) fn new(file: &'a SourceFile) -> Self {
        Checker {
            file,
            errors: Vec::new(),
            rules_at: Vec::new(),
        }
    }

    pub(super) fn error(&mut self, span: Span, message: String, label: &str) {
        self.errors.push(
            Diagnostic::new(message)
                .at(self.file, span)
                .label(label.to_string()),
        );
    }

    /// Ids go into parameter paths (`actors.RUS.x`), options
    /// (`military_support:RUS`), coalition ids (`CHN+RUS`) and member lists:
    /// letters, digits, `_` and `-` only.
    pub(super) fn id(&mut self, k: &Spanned<String>, what: &str) {
        if let Some(bad) = crate::world::id_problem(&k.value) {
            self.error_with_note(
                str_span(k),
                format!("{what} id `{}` {bad}", k.value),
                "not a valid id",
                "ids are letters, digits, `_` and `-` (they go into paths such as actors.ID.attribute and options such as military_support:ID)".into(),
            );
        }
    }

    pub(super) fn error_with_note(
        &mut self,
        span: Span,
        message: String,
        label: &str,
        note: String,
    ) {
        self.errors.push(
            Diagnostic::new(message)
                .at(self.file, span)
                .label(label.to_string())
                .note(note),
        );
    }

    /// A fixed number in [0, 1], or a distribution (its mean stands in the
    /// world until a run draws it).
    pub(super) fn number(&mut self, v: &Spanned<RawNumber>, what: &str) -> (f64, Option<Dist>) {
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

    pub(super) fn unit(&mut self, v: &Spanned<f64>, what: &str) -> f64 {
        if let Err(msg) = unit_value(v.value, what) {
            self.error(
                span_at(v.referenced, v.value.to_string().len()),
                msg,
                "out of range",
            );
        }
        v.value
    }

    pub(super) fn lookup(
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

pub(super) struct Ids {
    pub(super) actors: BTreeMap<String, usize>,
    pub(super) orgs: BTreeMap<String, usize>,
}

impl Ids {
    pub(super) fn of(w: &World) -> Ids {
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
    pub(super) fn actor(&mut self, ids: &Ids, s: &Spanned<String>, ctx: &str) -> Option<ActorId> {
        self.lookup(s, &ids.actors, "actor", ctx)
    }
    pub(super) fn org(&mut self, ids: &Ids, s: &Spanned<String>, ctx: &str) -> Option<OrgId> {
        self.lookup(s, &ids.orgs, "organization", ctx)
    }
    pub(super) fn actors(&mut self, ids: &Ids, xs: &[Spanned<String>], ctx: &str) -> Vec<ActorId> {
        xs.iter().filter_map(|s| self.actor(ids, s, ctx)).collect()
    }
    /// An actor or an organization id (security ties, rivals).
    pub(super) fn party(&mut self, ids: &Ids, s: &Spanned<String>, ctx: &str) -> Option<Party> {
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
