//! A scenario's `amend:`: memberships and bases changed before the first turn.

use serde_saphyr::Spanned;

use crate::world::{Status, World};

use super::check::*;
use super::raw::*;

/// Apply `amend:` to the world: counterfactual memberships and bases.
pub(super) fn amend(c: &mut Checker, ids: &Ids, world: &mut World, list: &[Spanned<RawAmend>]) {
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
                    world.org_mut(org).admit(actor, status);
                } else {
                    world.org_mut(org).expel(actor);
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
