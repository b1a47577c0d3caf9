//! Alliance theory as measurement: the seven indicators of DOMAIN.md §1 for
//! each group after a run, and the verdict (military alliance, alignment,
//! partnership) with the indicators that decided it.

use crate::events::{Act, Scope, Support, Theme};
use crate::record::RunRecord;
use crate::world::{ActorId, Obligation, OrgId, Party, World};

/// A group of states to assess: an organization, or a list of actors.
#[derive(Debug, Clone)]
pub struct GroupSpec {
    pub id: String,
    pub org: Option<OrgId>,
    pub actors: Vec<ActorId>,
    /// Whose security ties count against exclusivity; empty means any
    /// outsider's.
    pub rivals: Vec<Party>,
}

impl GroupSpec {
    /// Members at the end of the run (admissions change an organization).
    pub fn members(&self, w: &World) -> Vec<ActorId> {
        match self.org {
            Some(o) => w.org(o).members.clone(),
            None => self.actors.clone(),
        }
    }
}

/// Verdict thresholds; defaults documented in docs/analysis.md.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Thresholds {
    /// Strength of the strongest obligation needed for an alliance (1.0 = defence).
    pub formal_commitment: f64,
    pub casus_foederis: f64,
    pub external_orientation: f64,
    pub exclusivity: f64,
    pub diplomatic_solidarity: f64,
    pub alignment: f64,
    /// Co-behaviour (the S score rescaled to [0, 1]) an alignment needs.
    #[serde(default = "default_co_behaviour")]
    pub co_behaviour: f64,
}

/// S = 0.5, halfway between chance (S about 0: each member picks at random)
/// and acting as one (S = 1): (0.5 + 1) / 2 on the indicator's scale.
fn default_co_behaviour() -> f64 {
    0.75
}

impl Thresholds {
    /// The threshold an indicator is tested against, if any (military
    /// integration is measured but tests no verdict).
    pub fn of(&self, i: Indicator) -> Option<f64> {
        match i {
            Indicator::FormalCommitment => Some(self.formal_commitment),
            Indicator::CasusFoederis => Some(self.casus_foederis),
            Indicator::ExternalOrientation => Some(self.external_orientation),
            Indicator::Exclusivity => Some(self.exclusivity),
            Indicator::DiplomaticSolidarity => Some(self.diplomatic_solidarity),
            Indicator::MilitaryIntegration => None,
            Indicator::Alignment => Some(self.alignment),
            Indicator::CoBehaviour => Some(self.co_behaviour),
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            formal_commitment: 0.9,
            casus_foederis: 0.5,
            external_orientation: 0.5,
            exclusivity: 0.5,
            diplomatic_solidarity: 0.5,
            alignment: 0.45,
            co_behaviour: default_co_behaviour(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Indicator {
    FormalCommitment,
    CasusFoederis,
    ExternalOrientation,
    Exclusivity,
    DiplomaticSolidarity,
    MilitaryIntegration,
    Alignment,
    /// How alike the members' choices were over the decisions they both
    /// took (Signorino & Ritter's S score, rescaled to [0, 1]).
    CoBehaviour,
}

/// How many indicators there are.
pub const N: usize = 8;

impl Indicator {
    pub const ALL: [Indicator; N] = [
        Indicator::FormalCommitment,
        Indicator::CasusFoederis,
        Indicator::ExternalOrientation,
        Indicator::Exclusivity,
        Indicator::DiplomaticSolidarity,
        Indicator::MilitaryIntegration,
        Indicator::Alignment,
        Indicator::CoBehaviour,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Indicator::FormalCommitment => "formal_commitment",
            Indicator::CasusFoederis => "casus_foederis",
            Indicator::ExternalOrientation => "external_orientation",
            Indicator::Exclusivity => "exclusivity",
            Indicator::DiplomaticSolidarity => "diplomatic_solidarity",
            Indicator::MilitaryIntegration => "military_integration",
            Indicator::Alignment => "alignment",
            Indicator::CoBehaviour => "co_behaviour",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Indicator::FormalCommitment => "formal commitment",
            Indicator::CasusFoederis => "casus foederis honoured",
            Indicator::ExternalOrientation => "external orientation",
            Indicator::Exclusivity => "exclusivity",
            Indicator::DiplomaticSolidarity => "diplomatic solidarity",
            Indicator::MilitaryIntegration => "military integration",
            Indicator::Alignment => "alignment",
            Indicator::CoBehaviour => "co-behaviour",
        }
    }
}

/// Strongest to weakest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Alliance,
    Alignment,
    Partnership,
    /// No behaviour of the group was tested in the run (no fight, no
    /// request, no collective act, no decision two members shared): a
    /// treaty fact alone cannot carry a verdict. The on-paper reading is
    /// kept beside it ([`Assessment::on_paper`]).
    Untested,
}

/// How many verdicts there are.
pub const VERDICTS: usize = 4;

impl Verdict {
    pub const ALL: [Verdict; VERDICTS] = [
        Verdict::Alliance,
        Verdict::Alignment,
        Verdict::Partnership,
        Verdict::Untested,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Verdict::Alliance => "alliance",
            Verdict::Alignment => "alignment",
            Verdict::Partnership => "partnership",
            Verdict::Untested => "untested",
        }
    }

    /// Index in [`Verdict::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One group's assessment after one run.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub group: String,
    /// Name of the strongest obligation binding the group, or `none`.
    pub obligation: &'static str,
    pub members: Vec<ActorId>,
    /// Members that take part (not frozen): fewer than two make no group.
    pub active: usize,
    /// Per indicator, in [`Indicator::ALL`] order; `None` = not tested in this run.
    pub values: [Option<f64>; N],
    pub verdict: Verdict,
    /// What the verdict would be read from the group's treaties and
    /// structure alone, when no behaviour tested it (else the verdict).
    pub on_paper: Verdict,
    /// An alliance verdict whose casus foederis no conflict tried.
    pub untested: bool,
    /// The indicators that decided the verdict, as sentences.
    pub reasons: Vec<String>,
}

fn share(hits: usize, total: usize) -> Option<f64> {
    (total > 0).then(|| hits as f64 / total as f64)
}

/// What a run measured for one group, before any verdict.
pub struct Measures {
    pub members: Vec<ActorId>,
    /// Members that take part (not frozen).
    pub active: usize,
    /// Name of the strongest obligation binding the group, or `none`.
    pub obligation: &'static str,
    pub values: [Option<f64>; N],
}

/// Measure every indicator for `g` over a finished run, with the verdict and
/// the sentences that justify it.
pub fn assess(g: &GroupSpec, run: &RunRecord, world: &World, t: &Thresholds) -> Assessment {
    let m = measure(g, run, world);
    let (on_paper, untested, mut reasons) = classify(&m.values, m.obligation, m.active, t);
    let verdict = if behaviour_tested(&m.values)
        || on_paper == Verdict::Partnership && m.active < MIN_MEMBERS
    {
        on_paper
    } else {
        reasons.insert(
            0,
            format!(
                "untested: no behaviour of the group in this run (no fight, request, collective act or shared decision); on paper: {}",
                on_paper.key()
            ),
        );
        Verdict::Untested
    };
    Assessment {
        group: g.id.clone(),
        obligation: m.obligation,
        members: m.members,
        active: m.active,
        values: m.values,
        verdict,
        on_paper,
        untested,
        reasons,
    }
}

/// The verdict alone (no sentences): for the per-turn assessments, of which
/// only the verdict is kept.
pub fn verdict_now(g: &GroupSpec, run: &RunRecord, world: &World, t: &Thresholds) -> Verdict {
    let m = measure(g, run, world);
    if !behaviour_tested(&m.values) && m.active >= MIN_MEMBERS {
        return Verdict::Untested;
    }
    verdict(&m.values, m.active, t).0
}

/// Whether a run tested any behaviour of the group: casus foederis,
/// external orientation, diplomatic solidarity or co-behaviour.
pub fn behaviour_tested(v: &[Option<f64>; N]) -> bool {
    [
        Indicator::CasusFoederis,
        Indicator::ExternalOrientation,
        Indicator::DiplomaticSolidarity,
        Indicator::CoBehaviour,
    ]
    .iter()
    .any(|i| get(v, *i).is_some())
}

/// Measure every indicator for `g` over a run so far.
pub fn measure(g: &GroupSpec, run: &RunRecord, world: &World) -> Measures {
    let members = g.members(world);
    let is_member = |a: ActorId| members.contains(&a);
    let mut values = [None; N];

    // Formal commitment: the strongest obligation binding all members
    // (Dingman, Snyder; ATOP's obligation types).
    let mut strongest = None;
    // Whether a pledge binds the members to fight beside each other
    // whoever starts it (ATOP's offence obligation).
    let mut offence_bound = false;
    for o in world.orgs.iter() {
        let binds = match g.org {
            Some(id) => world.org(id).id == o.id,
            None => members.iter().all(|m| o.is_member(*m)),
        };
        if binds {
            strongest = strongest.max(o.strongest_obligation());
            offence_bound |= o.obligations.contains(&Obligation::Offence);
        }
    }
    for tr in world.treaties.iter() {
        if !members.is_empty() && members.iter().all(|m| tr.parties.contains(m)) {
            strongest = strongest.max(Some(tr.obligation));
            offence_bound |= tr.obligation == Obligation::Offence;
        }
    }
    values[0] = Some(strongest.map_or(0.0, commitment_strength));

    // Casus foederis, diplomatic solidarity, orientation, exercises: from
    // what the members did (the acts each event's kind records).
    let (mut cf_hit, mut cf_all) = (0, 0);
    let (mut ds_hit, mut ds_all) = (0, 0);
    let (mut ext, mut acts) = (0, 0);
    let (mut ex_part, mut ex_all) = (0.0, 0);
    for act in &run.all_acts(world) {
        match act {
            Act::Side {
                by,
                side,
                other,
                given,
                war,
                covered,
            } if is_member(*by) && is_member(*side) && !is_member(*other) => {
                // A defence pledge is called upon when a member is attacked;
                // an offence pledge whenever a member fights. A war a member
                // starts obliges its allies to nothing (ATOP; UN Charter
                // Art. 2(4)): declining it tests neither the casus foederis
                // nor solidarity (Suez 1956). Crises and clashes short of
                // war test solidarity with either side.
                if *war && !(*covered || offence_bound) {
                    continue;
                }
                // A member whose pledge of force holds only against named
                // adversaries owes no force against another (`limited:`).
                let bound = g
                    .org
                    .is_none_or(|o| world.org(o).pledge_binds(*by, Some(*other)));
                if *war && bound {
                    cf_all += 1;
                    cf_hit += usize::from(*given == Support::Military);
                }
                ds_all += 1;
                ds_hit += usize::from(*given >= Support::Diplomatic);
            }
            Act::Backing {
                by, to, endorsed, ..
            } if is_member(*to) && is_member(*by) => {
                ds_all += 1;
                ds_hit += usize::from(*endorsed);
            }
            Act::Collective {
                scope,
                theme,
                happened,
                took_part,
                drill,
                ..
            } => {
                let ours = match (*scope, g.org) {
                    (Scope::Org(o), Some(a)) => a == o,
                    (Scope::Org(o), None) => members.iter().all(|m| world.org(o).is_member(*m)),
                    (Scope::Participants(Some(o)), Some(a)) => a == o,
                    (Scope::Participants(_), _) => {
                        took_part
                            .iter()
                            .filter(|(a, x)| is_member(*a) && *x >= 1.0)
                            .count()
                            >= 2
                    }
                };
                if !ours {
                    continue;
                }
                if *drill {
                    for (_, x) in took_part.iter().filter(|(a, _)| is_member(*a)) {
                        ex_all += 1;
                        ex_part += x;
                    }
                }
                if *happened {
                    acts += 1;
                    ext += usize::from(*theme == Theme::External);
                }
            }
            _ => {}
        }
    }
    values[1] = share(cf_hit, cf_all);
    values[2] = share(ext, acts);

    // Exclusivity: members with no security tie to a rival (Evans & Newnham;
    // CSTO Art. 1): no rival's base, partnership or military pact.
    let rival = |p: Party| -> bool {
        if g.rivals.is_empty() {
            return match p {
                Party::Actor(a) => !is_member(a),
                Party::Org(o) => !members.iter().all(|m| world.org(o).is_member(*m)),
            };
        }
        g.rivals.iter().any(|r| match (*r, p) {
            (Party::Actor(x), Party::Actor(y)) => x == y,
            (Party::Org(x), Party::Org(y)) => x == y,
            (Party::Org(o), Party::Actor(a)) => world.org(o).is_member(a),
            (Party::Actor(_), Party::Org(_)) => false,
        })
    };
    let tied = |m: ActorId| -> bool {
        world.open_bases_in(m).any(|b| rival(Party::Actor(b.user)))
            || world
                .security_ties
                .iter()
                .any(|t| t.actor == m && rival(t.with))
            || world.orgs.iter().enumerate().any(|(i, o)| {
                o.is_member(m)
                    && o.strongest_obligation().is_some_and(|x| x.is_military())
                    && rival(Party::Org(i))
                    && (g.org != Some(i))
            })
    };
    values[3] = share(members.iter().filter(|m| !tied(**m)).count(), members.len());
    values[4] = share(ds_hit, ds_all);

    // Military integration: structure (NATO Handbook via §IV) and joint exercises.
    let structure = match g.org {
        Some(o) => world.org(o).structure.share(),
        None => world
            .orgs
            .iter()
            .filter(|o| members.iter().all(|m| o.is_member(*m)))
            .map(|o| o.structure.share())
            .fold(0.0, f64::max),
    };
    let exercises = if ex_all > 0 {
        ex_part / ex_all as f64
    } else {
        0.0
    };
    values[5] = Some((5.0 * structure + exercises) / 6.0);

    // Alignment: mean expectation of support among members (Snyder).
    let mut sum = 0.0;
    let mut n = 0;
    for &a in &members {
        for &b in &members {
            if a != b {
                sum += world.expectation.get(a, b);
                n += 1;
            }
        }
    }
    values[6] = (n > 0).then(|| sum / n as f64);

    values[7] = co_behaviour(&members, run);

    let active = match g.org {
        Some(o) => world.org(o).active_members().len(),
        None => members.len(),
    };
    Measures {
        members,
        active,
        obligation: strongest.map_or("none", |o| o.name()),
        values,
    }
}

/// How binding an obligation is, for the formal-commitment indicator.
pub fn commitment_strength(o: crate::world::Obligation) -> f64 {
    o.strength()
}

fn cmp_text(label: &str, v: f64, t: f64) -> String {
    let op = if v >= t { "≥" } else { "<" };
    format!("{label} {v:.2} {op} {t:.2}")
}

/// Signorino & Ritter's S score (1999) of the members' choices, rescaled
/// to [0, 1]: for each pair of members, over every decision both took (an
/// absence excepted), the mean distance between their choices on the
/// event's own scale (`Kind::position`: 1 for the subject, 0 against; a
/// choice off any scale is 0 apart from the same choice, 1 from another);
/// S = 1 − 2·d, and the indicator (S + 1) / 2 = 1 − d, averaged over the
/// pairs that shared a decision. `None` if no pair did. Chance (each picks
/// uniformly) gives about 0.5 on two-option decisions, 0.56 on three.
fn co_behaviour(members: &[ActorId], run: &RunRecord) -> Option<f64> {
    let n = members.len();
    let mut dist = vec![0.0; n * n];
    let mut shared = vec![0u32; n * n];
    for rec in &run.events {
        let ev = run.event(rec);
        let at: Vec<Option<(crate::events::Choice, Option<f64>)>> = members
            .iter()
            .map(|m| {
                rec.decisions.iter().find(|d| d.actor == *m).and_then(|d| {
                    let c = rec.choices[d.choice];
                    (c != crate::events::Choice::Absent).then(|| (c, ev.kind.kind().position(c)))
                })
            })
            .collect();
        for i in 0..n {
            for j in i + 1..n {
                if let (Some((ci, pi)), Some((cj, pj))) = (at[i], at[j]) {
                    let d = match (pi, pj) {
                        (Some(x), Some(y)) => (x - y).abs(),
                        _ => f64::from(u8::from(ci != cj)),
                    };
                    dist[i * n + j] += d;
                    shared[i * n + j] += 1;
                }
            }
        }
    }
    let pairs: Vec<f64> = (0..n * n)
        .filter(|k| shared[*k] > 0)
        .map(|k| 1.0 - dist[k] / f64::from(shared[k]))
        .collect();
    (!pairs.is_empty()).then(|| pairs.iter().sum::<f64>() / pairs.len() as f64)
}

/// Of the verdict's tests, the one whose indicator (at `v`) lies nearest
/// its threshold: (indicator, value, threshold). The gap says how far that
/// indicator is from flipping a test, and so perhaps the verdict.
pub fn nearest_threshold(v: &[Option<f64>; N], t: &Thresholds) -> Option<(Indicator, f64, f64)> {
    let mut tests = vec![(Indicator::FormalCommitment, t.formal_commitment)];
    tests.extend(alliance_tests(t));
    tests.push((Indicator::CoBehaviour, t.co_behaviour));
    tests.push((Indicator::DiplomaticSolidarity, t.diplomatic_solidarity));
    tests
        .into_iter()
        .filter_map(|(i, thr)| get(v, i).map(|x| (i, x, thr)))
        .min_by(|a, b| (a.1 - a.2).abs().total_cmp(&(b.1 - b.2).abs()))
}

/// Fewer members than this make no group: nobody to ally with.
pub const MIN_MEMBERS: usize = 2;

fn get(v: &[Option<f64>; N], i: Indicator) -> Option<f64> {
    v[Indicator::ALL.iter().position(|x| *x == i).unwrap_or(0)]
}

/// The alliance tests after formal commitment, with their thresholds.
/// Diplomatic solidarity is among them: allies "support each other
/// diplomatically" (Evans & Newnham), and an alliance is a formalised
/// alignment (Snyder 1997), so members that leave each other alone when
/// one asks for backing do not behave as allies, whatever they signed.
fn alliance_tests(t: &Thresholds) -> [(Indicator, f64); 4] {
    [
        (Indicator::CasusFoederis, t.casus_foederis),
        (Indicator::ExternalOrientation, t.external_orientation),
        (Indicator::Exclusivity, t.exclusivity),
        (Indicator::DiplomaticSolidarity, t.diplomatic_solidarity),
    ]
}

/// The verdict, and whether it is an alliance whose casus foederis no war
/// tried. A group of fewer than [`MIN_MEMBERS`] members (an organization
/// emptied by departures) is a partnership at most: its treaty binds nobody
/// to anybody.
pub fn verdict(v: &[Option<f64>; N], members: usize, t: &Thresholds) -> (Verdict, bool) {
    if members < MIN_MEMBERS {
        return (Verdict::Partnership, false);
    }
    let formal = get(v, Indicator::FormalCommitment).unwrap_or(0.0) >= t.formal_commitment;
    let tests_pass = alliance_tests(t)
        .iter()
        .all(|(ind, thr)| get(v, *ind).is_none_or(|x| x >= *thr));
    if formal && tests_pass {
        return (
            Verdict::Alliance,
            get(v, Indicator::CasusFoederis).is_none(),
        );
    }
    // Alignment is read from what the members did together (co-behaviour),
    // not from the expectations the world file starts them with.
    // When no two members shared a decision, the expectations stand in:
    // the reading on paper.
    let al_ok = match get(v, Indicator::CoBehaviour) {
        Some(x) => x >= t.co_behaviour,
        None => get(v, Indicator::Alignment).unwrap_or(0.0) >= t.alignment,
    };
    let ds_ok =
        get(v, Indicator::DiplomaticSolidarity).is_none_or(|x| x >= t.diplomatic_solidarity);
    if al_ok && ds_ok {
        (Verdict::Alignment, false)
    } else {
        (Verdict::Partnership, false)
    }
}

/// The verdict and the sentences that justify it.
pub fn classify(
    v: &[Option<f64>; N],
    obligation: &str,
    members: usize,
    t: &Thresholds,
) -> (Verdict, bool, Vec<String>) {
    let (verdict, untested) = verdict(v, members, t);
    if members < MIN_MEMBERS {
        return (
            verdict,
            untested,
            vec![format!(
                "{members} active member(s): a group needs at least {MIN_MEMBERS} states to ally or align"
            )],
        );
    }
    let formal = get(v, Indicator::FormalCommitment).unwrap_or(0.0);
    let mut failed = Vec::new();
    let mut passed = Vec::new();
    let ftext = format!(
        "{} (strongest obligation: {obligation})",
        cmp_text("formal commitment", formal, t.formal_commitment)
    );
    if formal >= t.formal_commitment {
        passed.push(ftext)
    } else {
        failed.push(ftext)
    }
    for (ind, thr) in alliance_tests(t) {
        match get(v, ind) {
            Some(x) if x >= thr => passed.push(cmp_text(ind.label(), x, thr)),
            Some(x) => failed.push(cmp_text(ind.label(), x, thr)),
            None => passed.push(format!("{} not tested", ind.label())),
        }
    }
    if verdict == Verdict::Alliance {
        if untested {
            passed
                .push("a defence commitment no war has tried (Snyder): alliance, untested".into());
        }
        return (verdict, untested, passed);
    }
    let mut reasons: Vec<String> = failed
        .into_iter()
        .map(|f| format!("not an alliance: {f}"))
        .collect();
    let al = get(v, Indicator::Alignment).unwrap_or(0.0);
    let co = get(v, Indicator::CoBehaviour);
    reasons.push(match co {
        Some(x) => cmp_text("co-behaviour", x, t.co_behaviour),
        None => format!(
            "co-behaviour not tested; expectations instead: {}",
            cmp_text("alignment", al, t.alignment)
        ),
    });
    reasons.push(match get(v, Indicator::DiplomaticSolidarity) {
        Some(x) => cmp_text("diplomatic solidarity", x, t.diplomatic_solidarity),
        None => "diplomatic solidarity not tested".into(),
    });
    (verdict, false, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Indicators in [`Indicator::ALL`] order.
    fn v(x: [Option<f64>; N]) -> [Option<f64>; N] {
        x
    }

    const ALLIANCE: [Option<f64>; N] = [
        Some(1.0),
        Some(0.5),
        Some(0.5),
        Some(0.5),
        Some(0.5),
        Some(0.5),
        Some(0.45),
        Some(0.75),
    ];

    #[test]
    fn classify_at_its_thresholds() {
        let t = Thresholds::default();
        // Every test met exactly at its threshold: an alliance.
        assert_eq!(verdict(&ALLIANCE, 3, &t), (Verdict::Alliance, false));
        // Each alliance test just below its threshold breaks the alliance;
        // alignment and solidarity at their thresholds keep an alignment.
        for i in 0..4 {
            let mut x = ALLIANCE;
            x[i] = Some(if i == 0 { 0.89 } else { 0.49 });
            let (verdict, untested, reasons) = classify(&x, "defence", 3, &t);
            assert_eq!((verdict, untested), (Verdict::Alignment, false), "{i}");
            assert!(reasons[0].starts_with("not an alliance"), "{reasons:?}");
        }
        // Co-behaviour below its threshold, or solidarity below its own:
        // partnership. Expectations (`alignment`) no longer decide.
        let mut x = ALLIANCE;
        x[0] = Some(0.4);
        x[7] = Some(0.74);
        x[6] = Some(1.0);
        assert_eq!(verdict(&x, 3, &t).0, Verdict::Partnership);
        x[7] = Some(0.75);
        x[6] = Some(0.0);
        assert_eq!(verdict(&x, 3, &t).0, Verdict::Alignment);
        x[4] = Some(0.49);
        assert_eq!(verdict(&x, 3, &t).0, Verdict::Partnership);
        // Untested solidarity does not hold an alignment back.
        x[4] = None;
        assert_eq!(verdict(&x, 3, &t).0, Verdict::Alignment);
    }

    #[test]
    fn untested_casus_foederis_is_an_untested_alliance() {
        let t = Thresholds::default();
        let x = v([
            Some(1.0),
            None,
            None,
            None,
            None,
            Some(0.5),
            Some(0.5),
            None,
        ]);
        let (verdict, untested, reasons) = classify(&x, "defence", 2, &t);
        assert_eq!((verdict, untested), (Verdict::Alliance, true));
        assert!(reasons.iter().any(|r| r.contains("no war has tried")));
    }

    #[test]
    fn empty_or_one_member_group_is_no_alliance() {
        let t = Thresholds::default();
        let x = v([Some(1.0), None, None, None, None, Some(1.0), None, None]);
        for n in [0, 1] {
            let (verdict, untested, reasons) = classify(&x, "defence", n, &t);
            assert_eq!((verdict, untested), (Verdict::Partnership, false));
            assert!(reasons[0].contains("at least 2 states"), "{reasons:?}");
        }
        assert_eq!(classify(&x, "defence", 2, &t).0, Verdict::Alliance);
    }
}
