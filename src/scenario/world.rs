//! Worlds: a world file (or one that extends another), and what a
//! scenario's `extend:` adds, turned into a checked `World`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Error, SourceFile};
use crate::interest::Interest;
use crate::plan::limits::MAX_ACTORS;
use crate::uncertainty::Sample;
use crate::world::{
    Actor, Base, DecisionRule, Dynamics, Obligation, Organization, Param, Relation, SecurityTie,
    Status, Structure, Treaty, World,
};

use super::check::*;
use super::raw::*;
use super::{parse, read};

pub(super) fn world_from(
    raw: RawWorld,
    file: &SourceFile,
    rules_at: &mut Vec<RulesAt>,
) -> Result<(World, Vec<Sample>), Error> {
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
    rules_at.append(&mut c.rules_at);
    Ok((world, samples))
}

/// How deep worlds may extend one another (a loop is refused at this depth).
pub(super) const MAX_WORLD_DEPTH: usize = 8;

/// What loading a world read besides the world: the texts of its files
/// (for the inputs' fingerprint) and where its actors name their rules.
#[derive(Default)]
pub(super) struct WorldFiles {
    pub(super) texts: Vec<String>,
    pub(super) rules_at: Vec<RulesAt>,
}

/// Load a world file, and the worlds it extends.
pub(super) fn load_world(
    file: &SourceFile,
    depth: usize,
    seen: &mut WorldFiles,
) -> Result<(World, Vec<Sample>), Error> {
    seen.texts.push(file.text.to_string());
    let probe: WorldProbe = parse(file)?;
    if probe.extends.is_none() {
        return world_from(parse::<RawWorld>(file)?, file, &mut seen.rules_at);
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
    let (mut world, mut samples) = load_world(&base, depth + 1, seen)?;
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
    seen.rules_at.append(&mut c.rules_at);
    Ok((world, samples))
}

impl RawExtend {
    pub(super) fn sections(&self) -> Sections<'_> {
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
pub(super) struct Sections<'r> {
    pub(super) actors: &'r Keyed<RawActor>,
    pub(super) organizations: &'r Keyed<RawOrg>,
    pub(super) memberships: &'r [RawMembership],
    pub(super) relations: &'r [RawRelation],
    pub(super) treaties: &'r [RawTreaty],
    pub(super) bases: &'r [RawBase],
    pub(super) security_ties: &'r [RawSecurityTie],
}

/// Add `s` to `world`: new actors and organizations first (their ids must
/// be new), then what refers to them. Problems go to `c`.
pub(super) fn add_sections(
    c: &mut Checker,
    world: &mut World,
    samples: &mut Vec<Sample>,
    s: &Sections,
) {
    let taken = |w: &World, id: &str| w.actor_id(id).is_some() || w.org_id(id).is_some();
    // Added at once after the loop: the relation matrices grow once.
    let mut added: Vec<Actor> = Vec::new();
    let mut pending: std::collections::BTreeSet<&str> = Default::default();
    for (k, a) in &s.actors.0 {
        c.id(k, "actor");
        for (name, _) in &a.attributes.0 {
            c.id(name, "attribute");
            if Interest::parse(&name.value).is_some() {
                c.error(
                    str_span(name),
                    format!(
                        "`{}` is an interest: give its weight under `interests:`",
                        name.value
                    ),
                    "an interest weight",
                );
            }
        }
        for (name, _) in &a.interests.0 {
            if Interest::parse(&name.value).is_none() {
                let names: Vec<&str> = Interest::ALL.iter().map(|i| i.name()).collect();
                let near = names
                    .iter()
                    .map(|n| (strsim::jaro_winkler(n, &name.value.to_lowercase()), n))
                    .filter(|(score, _)| *score > 0.8)
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                let note = match near {
                    Some((_, n)) => format!("did you mean `{n}`?"),
                    None => format!("interests: {} (docs/model.md)", names.join(", ")),
                };
                c.error_with_note(
                    str_span(name),
                    format!("`{}` is not an interest of the decision model", name.value),
                    "unknown interest",
                    note,
                );
            }
        }
        if taken(world, &k.value) || pending.contains(k.value.as_str()) {
            let what = if world.org_id(&k.value).is_some() {
                format!("actor `{}` has the id of an organization", k.value)
            } else {
                format!("actor `{}` already exists in the world", k.value)
            };
            c.error(str_span(k), what, "ids must be unique");
            continue;
        }
        if world.actors.len() + added.len() >= MAX_ACTORS {
            c.error(
                str_span(k),
                format!("more than {MAX_ACTORS} actors in the world"),
                "the first actor over the limit",
            );
            break;
        }
        let mut attributes = BTreeMap::new();
        let me = world.actors.len() + added.len();
        for (name, v) in a.attributes.0.iter().chain(&a.interests.0) {
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
        if let Some(r) = &a.rules {
            c.rules_at
                .push((k.value.clone(), c.file.clone(), str_span(r)));
        }
        pending.insert(&k.value);
        added.push(Actor {
            id: k.value.clone(),
            name: a.name.clone(),
            rules: a.rules.as_ref().map(|r| r.value.clone()),
            attributes,
        });
    }
    world.add_actors(added);
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
            limited: vec![],
        });
        new_orgs.push((id, o, k.value.clone()));
    }
    let ids = Ids::of(world);
    for (id, o, name) in new_orgs {
        let ctx = format!("in organization `{name}`");
        let sorted = |mut v: Vec<crate::world::ActorId>| {
            v.sort_unstable();
            v.dedup();
            v
        };
        let members = sorted(c.actors(&ids, &o.members, &ctx));
        let mut limited = Vec::new();
        for (who, against) in &o.limited.0 {
            let Some(a) = c.actor(&ids, who, &ctx) else {
                continue;
            };
            if !members.contains(&a) {
                c.error(
                    str_span(who),
                    format!(
                        "`{}` limits a pledge of `{name}` it is not a member of",
                        who.value
                    ),
                    "not a member",
                );
                continue;
            }
            let foes = sorted(c.actors(&ids, against, &ctx));
            if foes.contains(&a) {
                c.error(
                    str_span(who),
                    format!(
                        "`{}` lists itself as an adversary of its own pledge",
                        who.value
                    ),
                    "itself",
                );
                continue;
            }
            limited.push((a, foes));
        }
        limited.sort();
        let org = world.org_mut(id);
        org.members = members;
        org.observers = sorted(c.actors(&ids, &o.observers, &ctx));
        org.partners = sorted(c.actors(&ids, &o.dialogue_partners, &ctx));
        org.limited = limited;
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
        world.org_mut(o).admit(a, status);
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
        c.id(&t.id, "treaty");
        if world.treaties.iter().any(|x| x.id == t.id.value) {
            c.error(
                str_span(&t.id),
                format!("treaty `{}` already exists in the world", t.id.value),
                "ids must be unique",
            );
            continue;
        }
        let mut parties = c.actors(&ids, &t.parties, &format!("in treaty `{}`", t.id.value));
        parties.sort_unstable();
        world.add_treaty(Treaty {
            id: t.id.value.clone(),
            parties,
            obligation: t.obligation.into(),
        });
    }

    for b in s.bases {
        c.id(&b.id, "base");
        if world.bases.iter().any(|x| x.id == b.id.value) {
            c.error(
                str_span(&b.id),
                format!("base `{}` already exists in the world", b.id.value),
                "ids must be unique",
            );
            continue;
        }
        let ctx = format!("in base `{}`", b.id.value);
        if let (Some(host), Some(user)) =
            (c.actor(&ids, &b.host, &ctx), c.actor(&ids, &b.user, &ctx))
        {
            world.bases.push(Base {
                id: b.id.value.clone(),
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
