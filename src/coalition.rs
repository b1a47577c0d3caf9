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
use crate::events::{Act, Support, Theme};
use crate::record::RunRecord;
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

/// Who backed whom: `(a, b, acts)` for every pair where `a` backed `b` at
/// least once, in id order. The HTML report draws these as the behaviour
/// that emerged.
fn backing(acts: &Acts) -> Vec<(ActorId, ActorId, u32)> {
    let n = acts.n;
    (0..n * n)
        .filter(|i| acts.support[*i] > 0)
        .map(|i| (i / n, i % n, acts.support[i]))
        .collect()
}

/// The coalitions of one run and who backed whom in it, from one reading
/// of its record.
pub fn detect_with_backing(
    run: &RunRecord,
    world: &World,
    min_acts: u32,
) -> (Vec<GroupSpec>, Vec<(ActorId, ActorId, u32)>) {
    let acts = read(run, world);
    (cliques_of(&acts, world, min_acts), backing(&acts))
}

/// The acts of support and opposition of one run.
fn read(run: &RunRecord, world: &World) -> Acts {
    let n = world.actors.len();
    let mut acts = Acts {
        n,
        support: vec![0; n * n],
        against: vec![false; n * n],
    };
    for act in &run.all_acts(world) {
        match act {
            Act::Side {
                by,
                side,
                other,
                given,
                ..
            } if *given >= Support::Diplomatic => {
                acts.back(*by, *side);
                acts.oppose(*by, *other);
            }
            Act::Backing {
                by,
                to,
                endorsed,
                rejected,
            } => {
                if *endorsed {
                    acts.back(*by, *to);
                } else if *rejected {
                    acts.oppose(*by, *to);
                }
            }
            Act::Stance { by, to, backs } => {
                if *backs {
                    acts.back(*by, *to);
                } else {
                    acts.oppose(*by, *to);
                }
            }
            Act::Pact { parties } => acts.mutual(parties),
            // An outward declaration adopted together (an exercise is
            // no act of support between its participants).
            Act::Collective {
                theme: Theme::External,
                happened: true,
                drill: false,
                took_part,
                against,
                ..
            } => {
                let adopters: Vec<ActorId> = took_part
                    .iter()
                    .filter(|(_, x)| *x >= 1.0)
                    .map(|(a, _)| *a)
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
    acts
}

/// The coalitions of one run, as groups of listed actors whose rivals are
/// the actors their members acted against.
pub fn detect(run: &RunRecord, world: &World, min_acts: u32) -> Vec<GroupSpec> {
    cliques_of(&read(run, world), world, min_acts)
}

/// The coalitions the acts of a run make.
fn cliques_of(acts: &Acts, world: &World, min_acts: u32) -> Vec<GroupSpec> {
    let n = acts.n;
    let s = |a: usize, b: usize| acts.support[a * n + b];
    let partners: Vec<Bits> = (0..n)
        .map(|a| {
            Bits::from_fn(n, |b| {
                a != b && s(a, b) > 0 && s(b, a) > 0 && s(a, b) + s(b, a) >= min_acts
            })
        })
        .collect();
    let cliques = maximal_cliques(&partners);
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

/// A set of actors, one bit each: any number of actors.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn from_fn(n: usize, f: impl Fn(usize) -> bool) -> Bits {
        let mut b = Bits::empty(n);
        for i in (0..n).filter(|&i| f(i)) {
            b.insert(i);
        }
        b
    }
    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn remove(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
    fn and(&self, o: &Bits) -> Bits {
        Bits(self.0.iter().zip(&o.0).map(|(a, b)| a & b).collect())
    }
    fn and_not(&self, o: &Bits) -> Bits {
        Bits(self.0.iter().zip(&o.0).map(|(a, b)| a & !b).collect())
    }
    fn or(&self, o: &Bits) -> Bits {
        Bits(self.0.iter().zip(&o.0).map(|(a, b)| a | b).collect())
    }
    fn and_count(&self, o: &Bits) -> u32 {
        self.0
            .iter()
            .zip(&o.0)
            .map(|(a, b)| (a & b).count_ones())
            .sum()
    }
    /// The members, ascending.
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(k, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let i = w.trailing_zeros() as usize;
                    w &= w - 1;
                    k * 64 + i
                })
            })
        })
    }
}

/// The maximal cliques of the graph `adj` (`adj[v]`: v's neighbours, v not
/// among them), each with its vertices ascending, sorted. Isolated vertices
/// are cliques of one.
fn maximal_cliques(adj: &[Bits]) -> Vec<Vec<usize>> {
    let n = adj.len();
    let mut out = Vec::new();
    bron_kerbosch(
        adj,
        &mut Vec::new(),
        Bits::from_fn(n, |_| true),
        Bits::empty(n),
        &mut out,
    );
    out.sort();
    out
}

/// Bron–Kerbosch with Tomita's pivot (the vertex of P ∪ X with the most
/// neighbours in P): branches only on P minus the pivot's neighbours, so a
/// complete graph is one branch per level instead of 2^n calls.
fn bron_kerbosch(
    adj: &[Bits],
    r: &mut Vec<usize>,
    mut p: Bits,
    mut x: Bits,
    out: &mut Vec<Vec<usize>>,
) {
    if p.is_empty() {
        if x.is_empty() {
            let mut c = r.clone();
            c.sort_unstable();
            out.push(c);
        }
        return;
    }
    let mut pivot = None;
    let mut best = 0;
    for u in p.or(&x).iter() {
        let k = p.and_count(&adj[u]);
        if pivot.is_none() || k > best {
            (pivot, best) = (Some(u), k);
        }
    }
    let candidates = match pivot {
        Some(u) => p.and_not(&adj[u]),
        None => p.clone(),
    };
    for v in candidates.iter() {
        r.push(v);
        bron_kerbosch(adj, r, p.and(&adj[v]), x.and(&adj[v]), out);
        r.pop();
        p.remove(v);
        x.insert(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Backing, Choice, Event, EventKind, TreatyProposal};
    use crate::record::{Decision, Deliberation, EventRecord};
    use crate::world::Obligation;
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::{RngCore, SeedableRng};
    use std::sync::Arc;

    /// The former search (no pivot, exponential on dense graphs), kept as
    /// the reference the pivoted one must match exactly.
    fn reference(adj: &[Vec<bool>]) -> Vec<Vec<usize>> {
        fn go(
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
                go(adj, r2, p2, x2, out);
                p.remove(0);
                x.push(v);
            }
        }
        let mut out = Vec::new();
        go(adj, vec![], (0..adj.len()).collect(), vec![], &mut out);
        out.sort();
        out
    }

    fn bits(adj: &[Vec<bool>]) -> Vec<Bits> {
        let n = adj.len();
        adj.iter().map(|row| Bits::from_fn(n, |b| row[b])).collect()
    }

    fn graph(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<bool>> {
        let mut adj = vec![vec![false; n]; n];
        for &(a, b) in edges {
            adj[a][b] = true;
            adj[b][a] = true;
        }
        adj
    }

    #[test]
    fn finds_maximal_cliques_only() {
        // 0-1-2 a triangle, 2-3 an edge, 4 alone.
        let adj = graph(5, &[(0, 1), (1, 2), (0, 2), (2, 3)]);
        let want = vec![vec![0, 1, 2], vec![2, 3], vec![4]];
        assert_eq!(reference(&adj), want);
        assert_eq!(maximal_cliques(&bits(&adj)), want);
        assert_eq!(maximal_cliques(&[]), reference(&[]));
    }

    #[test]
    fn pivoted_search_matches_the_reference_on_random_graphs() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        // Sizes across word boundaries (63, 64, 65, 130) and densities from
        // sparse to nearly complete.
        for (n, per_mille) in [
            (1, 500),
            (2, 500),
            (7, 300),
            (12, 500),
            (16, 800),
            (18, 950),
            (20, 600),
            (63, 100),
            (64, 150),
            (65, 120),
            (130, 40),
        ] {
            for _ in 0..5 {
                let mut edges = Vec::new();
                for a in 0..n {
                    for b in a + 1..n {
                        if rng.next_u32() % 1000 < per_mille {
                            edges.push((a, b));
                        }
                    }
                }
                let adj = graph(n, &edges);
                assert_eq!(maximal_cliques(&bits(&adj)), reference(&adj), "n = {n}");
            }
        }
    }

    #[test]
    fn a_complete_graph_is_one_clique_found_at_once() {
        for n in [22, 40, 130] {
            let adj: Vec<Vec<bool>> = (0..n).map(|a| (0..n).map(|b| a != b).collect()).collect();
            assert_eq!(
                maximal_cliques(&bits(&adj)),
                vec![(0..n).collect::<Vec<_>>()]
            );
        }
    }

    // `detect` on a hand-made record: four actors A, B, C, D.

    fn world() -> World {
        crate::world::tiny(crate::world::DecisionRule::Consensus)
    }

    fn event(kind: EventKind) -> Event {
        Event {
            id: "e".into(),
            turn: 1,
            description: String::new(),
            kind,
            proposal: None,
        }
    }

    /// A backing request by `requester`, on which each `(actor, choice)` decided.
    fn backing(requester: ActorId) -> Event {
        event(EventKind::Backing(Backing {
            requester,
            issue: "issue".into(),
            recognition: None,
            integrity: None,
            against: None,
            org: None,
            deciders: None,
        }))
    }

    fn record(
        event: usize,
        options: &[Choice],
        choices: &[(ActorId, usize)],
        outcome: &str,
    ) -> EventRecord {
        EventRecord {
            event,
            turn: 1,
            options: options.iter().map(|o| format!("{o:?}")).collect(),
            choices: options.into(),
            decisions: choices
                .iter()
                .map(|&(actor, choice)| Decision {
                    actor,
                    choice,
                    deliberation: Arc::new(Deliberation {
                        scores: vec![0.0; options.len()].into(),
                        forbidden: vec![None; options.len()].into(),
                        probabilities: vec![1.0 / options.len() as f64; options.len()].into(),
                        rationale: "".into(),
                        handler: "".into(),
                        log: Box::new([]),
                    }),
                })
                .collect(),
            outcome: outcome.into(),
        }
    }

    const ENDORSE: usize = 0;
    const REJECT: usize = 1;
    const OPTIONS: [Choice; 3] = [Choice::Endorse, Choice::Reject, Choice::Abstain];

    /// Timeline: 0 A asks, 1 B asks, 2 D asks; the decisions as given.
    fn detect_with(decisions: [&[(ActorId, usize)]; 3], min_acts: u32) -> Vec<GroupSpec> {
        let (a, b, d) = (0, 1, 3);
        let timeline = [backing(a), backing(b), backing(d)];
        let run = RunRecord {
            index: 0,
            plan_events: &timeline,
            proposed: vec![],
            events: (0..3)
                .map(|i| record(i, &OPTIONS, decisions[i], "decided"))
                .collect(),
        };
        detect(&run, &world(), min_acts)
    }

    #[test]
    fn mutual_support_reaching_min_acts_makes_a_coalition() {
        // B endorses A, A endorses B: two acts, one each way.
        let found = detect_with([&[(1, ENDORSE)], &[(0, ENDORSE)], &[]], 2);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "A+B");
        assert_eq!(found[0].actors, vec![0, 1]);
        assert!(found[0].org.is_none());
        // Fewer acts than min_acts: no coalition.
        assert!(detect_with([&[(1, ENDORSE)], &[(0, ENDORSE)], &[]], 3).is_empty());
    }

    #[test]
    fn one_way_support_makes_no_coalition() {
        // B and C back A, A backs no one: however many acts.
        let found = detect_with([&[(1, ENDORSE), (2, ENDORSE)], &[], &[]], 1);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn rivals_are_the_actors_members_acted_against() {
        // A and B back each other; A rejects D's request; C rejects A's but
        // is acted against by no one.
        let found = detect_with(
            [
                &[(1, ENDORSE), (2, REJECT)],
                &[(0, ENDORSE)],
                &[(0, REJECT)],
            ],
            2,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].actors, vec![0, 1]);
        assert_eq!(found[0].rivals, vec![Party::Actor(3)]);
    }

    #[test]
    fn a_treaty_all_sign_makes_one_coalition_of_all() {
        let timeline = [event(EventKind::TreatyProposal(TreatyProposal {
            name: "pact".into(),
            proposer: 0,
            org: None,
            parties: Some(vec![0, 1, 2, 3]),
            obligation: Obligation::Defence,
        }))];
        let sign: Vec<(ActorId, usize)> = (0..4).map(|a| (a, 0)).collect();
        let run = RunRecord {
            index: 0,
            plan_events: &timeline,
            proposed: vec![],
            events: vec![record(
                0,
                &[Choice::Sign, Choice::Decline],
                &sign,
                "in force",
            )],
        };
        let found = detect(&run, &world(), 2);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "A+B+C+D");
        assert!(found[0].rivals.is_empty());
        // Not in force: nothing.
        let mut run = run;
        run.events[0].outcome = "rejected".into();
        assert!(detect(&run, &world(), 2).is_empty());
    }
}
