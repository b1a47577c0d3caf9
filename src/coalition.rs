//! Emergent coalitions: beyond the groups a scenario names, the sets of
//! actors that repeatedly backed each other during a run. Support is read
//! from the record: military or diplomatic support in a conflict (and a
//! backer's commitment to its side), an endorsed request, an approved
//! application, a granted withdrawal demand, a treaty brought into force,
//! an outward declaration adopted together. Two actors are partners when
//! each backed the other at least once and their acts add up to
//! `min_acts`; a coalition is a maximal set of mutual partners (a clique),
//! assessed with the same indicators as any group.

use crate::analysis::GroupSpec;
use crate::event::{EventKind, Theme};
use crate::sim::RunRecord;
use crate::world::{ActorId, Party, World};

/// Acts of support (`support[a][b]`: a backed b) and opposition in one run.
struct Acts {
    n: usize,
    support: Vec<u32>,
    against: Vec<bool>,
}

impl Acts {
    fn back(&mut self, a: ActorId, b: ActorId) {
        if a != b {
            self.support[a * self.n + b] += 1;
        }
    }
    fn oppose(&mut self, a: ActorId, b: ActorId) {
        if a != b {
            self.against[a * self.n + b] = true;
        }
    }
    fn mutual(&mut self, xs: &[ActorId]) {
        for &a in xs {
            for &b in xs {
                self.back(a, b);
            }
        }
    }
}

/// The coalitions of one run, as groups of listed actors whose rivals are
/// the actors their members acted against.
pub fn detect(run: &RunRecord, world: &World, min_acts: u32) -> Vec<GroupSpec> {
    let n = world.actors.len();
    let mut acts = Acts {
        n,
        support: vec![0; n * n],
        against: vec![false; n * n],
    };
    for rec in &run.events {
        let chose = |d: &crate::sim::Decision| rec.options[d.choice].as_str();
        match &run.event(rec).kind {
            EventKind::ArmedConflict {
                attacker,
                defender,
                backers,
                ..
            } => {
                for &(b, side) in backers {
                    let other = if side == *attacker {
                        *defender
                    } else {
                        *attacker
                    };
                    acts.back(b, side);
                    acts.oppose(b, other);
                }
                for d in &rec.decisions {
                    for (side, other) in [(*attacker, *defender), (*defender, *attacker)] {
                        let s = world.name(side);
                        let c = chose(d);
                        if c == format!("military_support:{s}")
                            || c == format!("diplomatic_support:{s}")
                        {
                            acts.back(d.actor, side);
                            acts.oppose(d.actor, other);
                        }
                    }
                }
            }
            EventKind::Backing { requester, .. } => {
                for d in &rec.decisions {
                    match chose(d) {
                        "endorse" => acts.back(d.actor, *requester),
                        "reject" => acts.oppose(d.actor, *requester),
                        _ => {}
                    }
                }
            }
            EventKind::Membership { applicant, .. } => {
                for d in &rec.decisions {
                    match chose(d) {
                        "approve" => acts.back(d.actor, *applicant),
                        _ => acts.oppose(d.actor, *applicant),
                    }
                }
            }
            EventKind::WithdrawalDemand { demander, user, .. } => {
                for d in rec.decisions.iter().filter(|d| chose(d) == "grant") {
                    if let Some(x) = demander {
                        acts.back(d.actor, *x);
                    }
                    acts.oppose(d.actor, *user);
                }
            }
            EventKind::TreatyProposal { .. } if rec.outcome == "in force" => {
                let parties: Vec<ActorId> = rec.decisions.iter().map(|d| d.actor).collect();
                acts.mutual(&parties);
            }
            EventKind::Declaration {
                theme: Theme::External,
                against,
                ..
            } if rec.outcome == "adopted" => {
                let adopters: Vec<ActorId> = rec
                    .decisions
                    .iter()
                    .filter(|d| chose(d) == "adopt")
                    .map(|d| d.actor)
                    .collect();
                acts.mutual(&adopters);
                if let Some(x) = against {
                    for &a in &adopters {
                        acts.oppose(a, *x);
                    }
                }
            }
            _ => {}
        }
    }
    let s = |a: usize, b: usize| acts.support[a * n + b];
    let partners: Vec<Vec<bool>> = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| a != b && s(a, b) > 0 && s(b, a) > 0 && s(a, b) + s(b, a) >= min_acts)
                .collect()
        })
        .collect();
    let mut cliques = Vec::new();
    bron_kerbosch(&partners, vec![], (0..n).collect(), vec![], &mut cliques);
    cliques.sort();
    cliques
        .into_iter()
        .filter(|c| c.len() >= 2)
        .map(|members| {
            let mut rivals: Vec<ActorId> = (0..n)
                .filter(|r| !members.contains(r) && members.iter().any(|m| acts.against[m * n + r]))
                .collect();
            rivals.sort_unstable();
            GroupSpec {
                id: members
                    .iter()
                    .map(|m| world.name(*m))
                    .collect::<Vec<_>>()
                    .join("+"),
                org: None,
                actors: members,
                rivals: rivals.into_iter().map(Party::Actor).collect(),
            }
        })
        .collect()
}

/// Maximal cliques, in a deterministic order (vertices ascending).
fn bron_kerbosch(
    adj: &[Vec<bool>],
    r: Vec<usize>,
    mut p: Vec<usize>,
    mut x: Vec<usize>,
    out: &mut Vec<Vec<usize>>,
) {
    if p.is_empty() && x.is_empty() {
        out.push(r);
        return;
    }
    while let Some(&v) = p.first() {
        let mut r2 = r.clone();
        r2.push(v);
        r2.sort_unstable();
        let p2 = p.iter().copied().filter(|u| adj[v][*u]).collect();
        let x2 = x.iter().copied().filter(|u| adj[v][*u]).collect();
        bron_kerbosch(adj, r2, p2, x2, out);
        p.remove(0);
        x.push(v);
    }
}

#[cfg(test)]
mod tests {
    use super::bron_kerbosch;

    #[test]
    fn finds_maximal_cliques_only() {
        // 0-1-2 a triangle, 2-3 an edge, 4 alone.
        let mut adj = vec![vec![false; 5]; 5];
        for (a, b) in [(0, 1), (1, 2), (0, 2), (2, 3)] {
            adj[a][b] = true;
            adj[b][a] = true;
        }
        let mut out = Vec::new();
        bron_kerbosch(&adj, vec![], (0..5).collect(), vec![], &mut out);
        out.sort();
        assert_eq!(out, vec![vec![0, 1, 2], vec![2, 3], vec![4]]);
    }
}
