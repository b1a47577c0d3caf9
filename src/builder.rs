//! `bloc world build`: a world file written from data alone — states from
//! the Correlates of War (data/cow/), alliances from ATOP (data/atop/), ties
//! from UN General Assembly votes (data/unga/) — each number with its
//! provenance in a comment. The formulas are in docs/data.md; every number
//! they give is a parameter the user may change in the written file.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::affinity::{self, Metric};
use crate::atop::{Alliances, InForce};
use crate::codes;
use crate::cow::{StateYear, StateYears};
use crate::diagnostic::{Diagnostic, Error};
use crate::interest::{TREATY_CREDIBILITY, org_credibility};

/// Which ATOP alliances become organizations and treaties.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// Every alliance in force at the end of the year with two or more
    /// members among the states.
    Auto,
    /// These ATOP ids; each must be in force with two members among the states.
    Ids(Vec<u32>),
}

/// What to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// The world's year: alliances in force at its end, capabilities of it.
    pub year: i32,
    /// Actor ids (ISO alpha-3, src/codes.rs), in the order they are written.
    pub states: Vec<String>,
    pub alliances: Selection,
    /// First year of the UN votes that give ties (default: `year - 5`).
    pub votes_from: Option<i32>,
    /// The COW year to read (default: `year`; COW ends in 2007).
    pub cow_year: Option<i32>,
    /// The folder holding `unga/`, `cow/` and `atop/` (as data/).
    pub data: PathBuf,
    /// The world's `name:` (default: "World of YEAR, from data").
    pub name: Option<String>,
}

/// The written world and what the data could not say.
#[derive(Debug, Clone)]
pub struct Built {
    pub text: String,
    pub warnings: Vec<String>,
}

/// Known ATOP alliances: (ATOP id, organization id, name). Others are
/// written as `ATOP<id>` with their id for a name.
pub const NAMES: &[(u32, &str, &str)] = &[
    (
        3015,
        "ARAB_LEAGUE",
        "Pact of the League of Arab States (1945)",
    ),
    (
        3075,
        "RIO",
        "Inter-American Treaty of Reciprocal Assistance (Rio, 1947)",
    ),
    (3130, "BRUSSELS", "Brussels Treaty (Western Union, 1948)"),
    (
        3150,
        "OAS",
        "Charter of the Organization of American States (1948)",
    ),
    (3180, "NATO", "North Atlantic Treaty Organization (1949)"),
    (
        3205,
        "ARAB_DEFENCE",
        "Arab Joint Defence and Economic Cooperation Treaty (1950)",
    ),
    (3215, "ANZUS", "ANZUS Treaty (1951)"),
    (
        3260,
        "SEATO",
        "Southeast Asia Collective Defence Treaty (Manila, 1954): SEATO",
    ),
    (
        3275,
        "CENTO",
        "Baghdad Pact (1955), the Central Treaty Organization from 1959",
    ),
    (3285, "WARSAW", "Warsaw Treaty Organization (1955)"),
    (3740, "HELSINKI", "Helsinki Final Act (CSCE, 1975)"),
    (
        3755,
        "TAC",
        "Treaty of Amity and Cooperation in Southeast Asia (1976)",
    ),
    (
        4220,
        "CSTO",
        "Collective Security Treaty (Tashkent, 1992), the CSTO from 2002",
    ),
    (
        4400,
        "CIS",
        "Charter of the Commonwealth of Independent States (Minsk, 1993)",
    ),
    (
        4810,
        "SHANGHAI5",
        "Shanghai agreement on confidence building in the military field (1996)",
    ),
    (
        6020,
        "SCO",
        "SCO Treaty on Long-Term Good-Neighbourliness (Bishkek, 2007)",
    ),
];

/// The parameters of the formulas (docs/data.md), written into the world's
/// header so that a reader sees them beside the numbers.
pub mod param {
    /// Orders of magnitude of CINC that span capability 0..1: a state with
    /// a thousandth of the strongest state's CINC has capability 0.
    pub const CAPABILITY_DECADES: f64 = 3.0;
    /// The smallest capability written (a state is never nothing).
    pub const CAPABILITY_FLOOR: f64 = 0.02;
    /// Expectation of support with no pledge (the world's default).
    pub const EXPECTATION_DEFAULT: f64 = 0.15;
    /// How far a believed defence pledge raises expectation above it.
    pub const EXPECTATION_PER_PLEDGE: f64 = 0.6;
    /// Threats below this are left to the default (0.05) and not written.
    pub const THREAT_WRITTEN: f64 = 0.1;
    /// The share of its power a state that is not a COW major power brings
    /// to bear outside its own region (Walt: power projection declines with
    /// distance).
    pub const REACH_AFAR: f64 = 0.3;
    /// The first year of UN votes: `year - VOTES_YEARS`.
    pub const VOTES_YEARS: i32 = 5;
    /// A pair sharing fewer roll calls gets no ties (nor threat from votes)
    /// and a warning: one or two votes are no evidence of alignment.
    pub const MIN_SHARED_VOTES: u32 = 20;
}

/// The region of a COW code: COW numbers states by region (2-199 the
/// Americas, 200-399 Europe, 400-599 Africa, 600-699 the Middle East,
/// 700-999 Asia and Oceania).
pub fn region(code: u16) -> u8 {
    match code {
        0..=199 => 0,
        200..=399 => 1,
        400..=599 => 2,
        600..=699 => 3,
        _ => 4,
    }
}

/// The UN votes' years (data/unga/SOURCE.md).
const UNGA_YEARS: (i32, i32) = (1946, 2008);

/// The first year whose votes since 1946 let relative S be centred (two
/// states with 100 votes): 1946 and 1947 alone hold too few roll calls.
const FIRST_WORLD_YEAR: i32 = 1948;

fn invalid(msg: impl Into<String>) -> Diagnostic {
    Diagnostic::new(msg.into())
}

fn round2(x: f64) -> f64 {
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 { 0.0 } else { r }
}

/// An alliance as the world writes it.
struct Pact {
    id: String,
    name: String,
    atop: InForce,
    /// Members among the states (actor ids, in --states order).
    members: Vec<String>,
    /// Members outside the world (COW codes), for the comment.
    outside: Vec<String>,
    obligations: Vec<&'static str>,
    structure: [bool; 5],
    treaty: bool,
    /// Members in the world whose own pledge of force does not bind them
    /// against just anyone, with the reason (written under `limited:`).
    limited: Vec<(String, &'static str)>,
}

impl Pact {
    /// What `member` itself pledges, times the pact's credibility: the
    /// strength of its strongest own obligation, a pledge of force counting
    /// only if it is not limited to a named adversary.
    fn pledge_of(&self, member: u16) -> f64 {
        let Some(t) = self.atop.by_member.get(&member) else {
            return 0.0;
        };
        let strength = if self.atop.pledges_force(member) {
            1.0
        } else if t.neutral {
            0.6
        } else if t.nonagg {
            0.4
        } else if t.consul {
            0.2
        } else {
            0.0
        };
        strength * self.credibility()
    }

    fn credibility(&self) -> f64 {
        if self.treaty {
            TREATY_CREDIBILITY
        } else {
            let share = self.structure.iter().filter(|b| **b).count() as f64 / 5.0;
            org_credibility(share)
        }
    }
}

/// Check the options against the data's ranges and the code table.
fn check(opts: &Options, cow: &StateYears, atop: &Alliances) -> Result<(i32, i32), Error> {
    let mut problems = Vec::new();
    let y = opts.year;
    let (a0, a1) = atop.years();
    if !(a0..=a1).contains(&y) {
        problems.push(invalid(format!(
            "--year {y} is outside the alliance data's range {a0}–{a1} (data/atop/SOURCE.md)"
        )));
    }
    let cow_year = opts.cow_year.unwrap_or(y);
    if cow_year > y {
        problems.push(invalid(format!(
            "--cow-year {cow_year} is after --year {y}: a world cannot know later capabilities"
        )));
    }
    if !(cow.years.0..=cow.years.1).contains(&cow_year) {
        let mut d = invalid(format!(
            "the COW state-years cover {}–{}; {cow_year} is outside",
            cow.years.0, cow.years.1
        ));
        if opts.cow_year.is_none() && cow_year > cow.years.1 {
            d = d.note(format!(
                "take capabilities, regimes and threat from an earlier year with --cow-year {}",
                cow.years.1
            ));
        }
        problems.push(d);
    }
    let from = opts.votes_from.unwrap_or(y - param::VOTES_YEARS);
    if opts.votes_from.is_some_and(|v| v < UNGA_YEARS.0) {
        problems.push(invalid(format!(
            "--votes-from {from} is before the UN votes begin ({})",
            UNGA_YEARS.0
        )));
    }
    if from > y {
        problems.push(invalid(format!("--votes-from {from} is after --year {y}")));
    }
    if y < UNGA_YEARS.0 || y > UNGA_YEARS.1 {
        problems.push(invalid(format!(
            "the UN votes cover {}–{}; --year {y} is outside",
            UNGA_YEARS.0, UNGA_YEARS.1
        )));
    } else if y < FIRST_WORLD_YEAR {
        problems.push(invalid(format!(
            "--year {y}: the UN voted too little before {FIRST_WORLD_YEAR} to centre the S score (fewer than two states cast 100 votes); the first world year is {FIRST_WORLD_YEAR}"
        )));
    }
    if opts.states.len() < 2 {
        problems.push(invalid(
            "a world needs two states or more: --states USA,RUS,…",
        ));
    }
    problems.extend(codes::check_states(&opts.states));
    if let Selection::Ids(ids) = &opts.alliances {
        for id in ids {
            match atop.span(*id) {
                None => problems.push(invalid(format!(
                    "ATOP alliance {id} does not exist in {}",
                    opts.data.join("atop").display()
                ))),
                Some((from, to)) if atop.at(*id, y).is_none() => {
                    let to = if to == 0 {
                        "still in force in 2008".to_string()
                    } else {
                        format!("left by its last member in {to}")
                    };
                    problems.push(invalid(format!(
                        "ATOP alliance {id} is not in force at the end of {y} (from {from}, {to})"
                    )));
                }
                Some(_) => {}
            }
        }
    }
    if problems.is_empty() {
        Ok((cow_year, from.max(UNGA_YEARS.0)))
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Build the world's text. `command` is the command line that regenerates
/// it, written into its header.
pub fn build(opts: &Options, command: &str) -> Result<Built, Error> {
    let cow = crate::cow::read(&opts.data.join("cow/state-years.csv.gz"))?;
    let atop = crate::atop::read(&opts.data.join("atop/atop-member-level.csv.gz"))?;
    let (cow_year, votes_from) = check(opts, &cow, &atop)?;
    let y = opts.year;
    let mut warnings = Vec::new();

    if cow_year != y {
        warnings.push(format!(
            "capabilities, regimes and threat scores are COW's of {cow_year}, not of {y}"
        ));
    }
    // States in COW that year.
    let all: Vec<(u16, &StateYear)> = cow.in_year(cow_year).collect();
    let max_cinc = all
        .iter()
        .filter_map(|(_, s)| s.cinc)
        .fold(0.0_f64, f64::max);
    let threats: Vec<f64> = all.iter().filter_map(|(_, s)| s.threat).collect();
    let code_of = |a: &str| codes::cow(a, y).unwrap_or(0);
    let row = |a: &str| {
        cow.rows
            .get(&(codes::cow(a, cow_year).unwrap_or(0), cow_year))
    };
    for s in &opts.states {
        match row(s) {
            None => warnings.push(format!(
                "{s} (COW {}) has no row in the COW state-years for {cow_year}: capability, regime and security are left unset",
                code_of(s)
            )),
            Some(r) => {
                // A state whose last year the world's year is ended during
                // it (the GDR in 1990): the alliances written are those of
                // the year's end. (Whatever year `--cow-year` reads.)
                let key = |year: i32| (codes::cow(s, year).unwrap_or(0), year);
                if y < cow.years.1
                    && cow.rows.contains_key(&key(y))
                    && !cow.rows.contains_key(&key(y + 1))
                {
                    warnings.push(format!(
                        "{s}: {y} is its last year in the COW state-years: it ceased to exist during the year, and the world's alliances are those in force at the end of {y}"
                    ));
                }
                for (what, v) in [("cinc", r.cinc), ("polity2", r.polity2), ("lsthreat", r.threat)] {
                    if v.is_none() {
                        warnings.push(format!(
                            "{s}: COW {cow_year} has no `{what}`: the number it gives is left unset"
                        ));
                    }
                }
            }
        }
    }
    let capability = |a: &str| -> Option<f64> {
        let c = row(a)?.cinc?;
        if max_cinc <= 0.0 || c <= 0.0 {
            return Some(param::CAPABILITY_FLOOR);
        }
        Some(round2(
            (1.0 + (c / max_cinc).log10() / param::CAPABILITY_DECADES)
                .clamp(param::CAPABILITY_FLOOR, 1.0),
        ))
    };

    // Alliances.
    let chosen: Vec<InForce> = match &opts.alliances {
        Selection::Auto => atop.in_force(y),
        Selection::Ids(ids) => ids.iter().filter_map(|id| atop.at(*id, y)).collect(),
    };
    let mut pacts: Vec<Pact> = Vec::new();
    for a in chosen {
        let members: Vec<String> = opts
            .states
            .iter()
            .filter(|s| a.members.contains(&code_of(s)))
            .cloned()
            .collect();
        if members.len() < 2 {
            if let Selection::Ids(_) = opts.alliances {
                let named: Vec<String> = a
                    .members
                    .iter()
                    .map(|c| codes::from_cow(*c, y).map_or(format!("COW {c}"), str::to_string))
                    .collect();
                return Err(Error::one(invalid(format!(
                    "ATOP alliance {} has {} among --states at the end of {y} (its members: {}); an alliance needs two",
                    a.id,
                    if members.is_empty() {
                        "no member".to_string()
                    } else {
                        format!("only {}", members[0])
                    },
                    named.join(", ")
                ))));
            }
            continue;
        }
        let outside: Vec<String> = a
            .members
            .iter()
            .filter(|c| !opts.states.iter().any(|s| code_of(s) == **c))
            .map(|c| codes::from_cow(*c, y).map_or(format!("COW {c}"), str::to_string))
            .collect();
        let t = &a.terms;
        let mut obligations = Vec::new();
        for (on, name) in [
            (t.defense, "defence"),
            (t.offense, "offence"),
            (t.neutral, "neutrality"),
            (t.nonagg, "non_aggression"),
            (t.consul, "consultation"),
        ] {
            if on {
                obligations.push(name);
            }
        }
        if obligations.is_empty() {
            continue;
        }
        let (id, name) = NAMES.iter().find(|(n, ..)| *n == a.id).map_or(
            (format!("ATOP{}", a.id), format!("ATOP alliance {}", a.id)),
            |(_, i, n)| (i.to_string(), n.to_string()),
        );
        let force = t.defense || t.offense;
        let limited: Vec<(String, &'static str)> = members
            .iter()
            .filter_map(|m| {
                let own = a.by_member.get(&code_of(m))?;
                if !force {
                    None
                } else if own.defcoadv {
                    Some((m.clone(), "defcoadv: its pledge of force holds only against a named adversary, which ATOP does not name here"))
                } else if !(own.defense || own.offense) {
                    Some((m.clone(), "it pledges no force itself: ATOP codes the pact as asymmetric"))
                } else {
                    None
                }
            })
            .collect();
        // A treaty binds its parties alike: an asymmetric or limited pact
        // is written as an organization, which can say who is limited.
        let treaty =
            t.bilateral && members.len() == 2 && a.members.len() == 2 && limited.is_empty();
        pacts.push(Pact {
            id: if treaty { format!("atop-{}", a.id) } else { id },
            name,
            structure: [
                t.intcom >= 1,
                t.organ1 >= 2,
                t.base >= 1,
                t.milcon >= 2,
                t.milaid >= 1,
            ],
            atop: a,
            members,
            outside,
            obligations,
            treaty,
            limited,
        });
    }

    // Ties from the UN votes.
    let m = affinity::compute(
        &opts.data.join("unga"),
        &affinity::Options {
            from: votes_from,
            to: y,
            states: opts.states.clone(),
            metric: Metric::Relative,
            min_votes: param::MIN_SHARED_VOTES,
        },
    )?;
    warnings.extend(m.warnings.iter().cloned());
    let idx: BTreeMap<&str, usize> = opts
        .states
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let rel = |a: &str, b: &str| m.cells[idx[a]][idx[b]];

    // Allies by a pledge of force: the members of every ATOP alliance in
    // force that year (in the world or not, selected or not) that pledge
    // force themselves, unlimited: what a state's dependence is measured on.
    let in_force = atop.in_force(y);
    let cinc_of = |c: u16| cow.rows.get(&(c, cow_year)).and_then(|r| r.cinc);
    let dependence = |a: &str| -> Option<(f64, f64)> {
        let me = code_of(a);
        let own = row(a)?.cinc?;
        let mut allies: Vec<u16> = in_force
            .iter()
            .filter(|p| p.members.contains(&me))
            .flat_map(|p| {
                p.members
                    .iter()
                    .copied()
                    .filter(|c| *c != me && p.pledges_force(*c))
            })
            .collect();
        allies.sort_unstable();
        allies.dedup();
        if allies.is_empty() {
            return None;
        }
        let theirs: f64 = allies.iter().filter_map(|c| cinc_of(*c)).sum();
        Some((
            1.0 - own / (own + theirs).max(f64::MIN_POSITIVE),
            own + theirs,
        ))
    };

    // ---------------------------------------------------------- writing
    let mut out = String::new();
    let name = opts
        .name
        .clone()
        .unwrap_or_else(|| format!("World of {y}, from data"));
    // Comments are one line each: a name or path with a line break cannot
    // end the comment and start YAML of its own.
    let (title, command) = (
        crate::diagnostic::one_line(&name),
        crate::diagnostic::one_line(command),
    );
    let _ = writeln!(
        out,
        "# {title}: a world built from data by `bloc world build` (docs/data.md).\n\
         # Regenerate it with\n#   {command}\n#\n\
         # Sources (each folder's SOURCE.md says how to cite them):\n\
         #   states      COW National Material Capabilities v5 (cinc), Polity IV (polity2) and\n\
         #               the latent threat score (lsthreat) of data/cow/, year {cow_year}\n\
         #   alliances   ATOP v4.01 members, obligations and depth provisions in force at the\n\
         #               end of {y} (data/atop/, Leeds et al. 2002)\n\
         #   ties        UN General Assembly votes {votes_from}–{y} (data/unga/, Voeten et al.)\n#\n\
         # Formulas (every number below is a parameter you may change):\n\
         #   capability   1 + log10(cinc / the largest cinc of {cow_year}) / {decades}, floored at {floor}\n\
         #   security     share of the year's states with a lower lsthreat (Walt: the threatened balance)\n\
         #   regime       (10 - polity2) / 20: autocracies fear for their regime\n\
         #   abandonment  dependence: 1 - own cinc / (own + the allies'), the allies being the members\n\
         #                of every ATOP alliance of the year that pledge it force themselves\n\
         #   other interests (entrapment, autonomy, territory, affinity, image, duty): no variable\n\
         #                fits; the neutral 0.5 (not written). Not entrapment = 1 - abandonment:\n\
         #                a small ally's dependence does not make it eager to fight; the stakes\n\
         #                of a war already grow with the enemy's capability (docs/model.md).\n\
         #                A state with no ally by a pledge of force gets the neutral 0.5 for\n\
         #                abandonment too.\n\
         #   structure    integrated_command: intcom = 1; operational_hq: organ1 >= 2 (a standing\n\
         #                organization); rapid_reaction_force: base >= 1 (forces based on allies'\n\
         #                soil); staff_training: milcon >= 2; arms_procurement: milaid >= 1\n\
         #   exclusive    noothall = 1 (members may join no other alliance)\n\
         #   ties         0.5 + relative S (Signorino & Ritter's S, double-centred; docs/data.md),\n\
         #                for pairs sharing {min_votes} roll calls or more\n\
         #   threat       capability(to) x hostility x exposure x reach, hostility = clamp(-2 x\n\
         #                relative S, 0, 1), exposure = 0.5 + lsthreat(from), reach = 1 within the\n\
         #                COW region of `from` or for a COW major power, else {reach}; written at\n\
         #                {threat_min} and above\n\
         #   expectation  from A to B: {e0} + {e1} x the strength of what B itself pledges (ATOP codes\n\
         #                obligations per member) x the pact's credibility (docs/model.md: 0.5 +\n\
         #                0.5 x structure share; a treaty {tc}); one line per direction when they differ\n\
         #   limited      members that pledge no force themselves (asymmetric pacts) or only against a\n\
         #                named adversary (defcoadv)\n\
         # A bilateral alliance whose parties pledge alike is a treaty; any other an organization\n\
         # (decision by consensus).",
        decades = param::CAPABILITY_DECADES,
        floor = param::CAPABILITY_FLOOR,
        threat_min = param::THREAT_WRITTEN,
        reach = param::REACH_AFAR,
        min_votes = param::MIN_SHARED_VOTES,
        e0 = param::EXPECTATION_DEFAULT,
        e1 = param::EXPECTATION_PER_PLEDGE,
        tc = TREATY_CREDIBILITY,
    );
    let _ = writeln!(out, "name: {}", yaml_str(&name));
    let _ = writeln!(
        out,
        "description: {}\n",
        yaml_str(&format!(
            "{} states at the end of {y}, with the ATOP alliances then in force among them; built from data.",
            opts.states.len()
        ))
    );
    let _ = writeln!(
        out,
        "defaults:\n  ties: 0.5          # a pair without UN votes in common: indifference (S = 0)\n  \
         threat: 0.05       # threat not written below\n  \
         expectation: {}  # expectation of support with no pledge\n",
        param::EXPECTATION_DEFAULT
    );
    out.push_str(
        "# How expectations of support move: the values of scenarios/worlds/sco-2008.yaml.\n\
         dynamics:\n  support_gain: 0.15\n  refusal_loss: 0.25\n  abstain_loss: 0.08\n  \
         exercise_gain: 0.03\n  declaration_gain: 0.02\n  treaty_gain: 0.10\n\nactors:\n",
    );
    for s in &opts.states {
        let _ = writeln!(out, "  {s}:");
        let _ = writeln!(
            out,
            "    name: {}",
            yaml_str(codes::name(s, y).unwrap_or(s))
        );
        match capability(s) {
            Some(c) => {
                let _ = writeln!(
                    out,
                    "    attributes: {{capability: {c}}}   # COW {cow_year} cinc {:.4} of the largest {max_cinc:.4}{}",
                    row(s).and_then(|r| r.cinc).unwrap_or(0.0),
                    if row(s).is_some_and(|r| r.major_power) {
                        "; a COW major power"
                    } else {
                        ""
                    }
                );
            }
            None => {
                let _ = writeln!(out, "    # capability not set: no cinc in COW {cow_year}");
            }
        }
        let mut lines = Vec::new();
        if let Some(t) = row(s).and_then(|r| r.threat) {
            let below = threats.iter().filter(|x| **x < t).count() as f64;
            let share = round2(below / threats.len().max(1) as f64);
            lines.push(format!(
                "security: {share}   # COW {cow_year} lsthreat {t:.3}: above {:.0}% of {} states",
                share * 100.0,
                threats.len()
            ));
        }
        if let Some((dep, total)) = dependence(s) {
            let own = row(s).and_then(|r| r.cinc).unwrap_or(0.0);
            lines.push(format!(
                "abandonment: {}   # COW {cow_year} cinc: own {own:.4} of {total:.4} with its allies by a pledge of force (ATOP {y})",
                round2(dep)
            ));
        }
        if let Some(p) = row(s).and_then(|r| r.polity2) {
            lines.push(format!(
                "regime: {}   # Polity IV {cow_year} polity2 {p}",
                round2((10.0 - p) / 20.0)
            ));
        }
        if lines.is_empty() {
            let _ = writeln!(out, "    # no interest from data: all neutral (0.5)");
        } else {
            let _ = writeln!(out, "    interests:");
            for l in lines {
                let _ = writeln!(out, "      {l}");
            }
        }
    }

    out.push_str("\norganizations:");
    let orgs: Vec<&Pact> = pacts.iter().filter(|p| !p.treaty).collect();
    if orgs.is_empty() {
        out.push_str(" {}\n");
    } else {
        out.push('\n');
    }
    for p in &orgs {
        let (from, to) = p.atop.span;
        let t = &p.atop.terms;
        let _ = writeln!(out, "  {}:", p.id);
        let _ = writeln!(out, "    name: {}", yaml_str(&p.name));
        let _ = writeln!(
            out,
            "    # ATOP {} ({from}–{}); members at the end of {y}{}",
            p.atop.id,
            if to == 0 {
                "in force 2008".to_string()
            } else {
                to.to_string()
            },
            if p.outside.is_empty() {
                String::new()
            } else {
                format!("; not in this world: {}", p.outside.join(", "))
            }
        );
        let _ = writeln!(out, "    members: [{}]", p.members.join(", "));
        let _ = writeln!(
            out,
            "    obligations: [{}]   # defense {}, offense {}, neutral {}, nonagg {}, consul {}",
            p.obligations.join(", "),
            u8::from(t.defense),
            u8::from(t.offense),
            u8::from(t.neutral),
            u8::from(t.nonagg),
            u8::from(t.consul)
        );
        if !p.limited.is_empty() {
            let _ = writeln!(
                out,
                "    # Pledges of force that bind these members against no one (list adversaries to\n    \
                 # restore them against those):"
            );
            for (m, why) in &p.limited {
                let _ = writeln!(out, "    #   {m}: {why}");
            }
            let _ = writeln!(
                out,
                "    limited: {{{}}}",
                p.limited
                    .iter()
                    .map(|(a, _)| format!("{a}: []"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let _ = writeln!(out, "    decision: consensus");
        let _ = writeln!(
            out,
            "    exclusive: {}   # noothall {}",
            t.noothall,
            u8::from(t.noothall)
        );
        let [ic, hq, rrf, st, ap] = p.structure;
        let _ = writeln!(
            out,
            "    # intcom {}, organ1 {}, base {}, milcon {}, milaid {}: credibility {:.2}",
            t.intcom,
            t.organ1,
            t.base,
            t.milcon,
            t.milaid,
            p.credibility()
        );
        let _ = writeln!(
            out,
            "    structure: {{integrated_command: {ic}, operational_hq: {hq}, rapid_reaction_force: {rrf}, staff_training: {st}, arms_procurement: {ap}}}"
        );
    }

    // Relations: ties, then threats, then expectations.
    let relations_at = out.len();
    out.push_str("\nrelations:\n");
    let ties_block = m.to_relations(&command);
    // `to_relations` says how to regenerate the ties alone; this world's
    // header already says how to regenerate all of it.
    for line in ties_block.lines() {
        if line.contains("# Regenerate with") || line.trim_start().starts_with("#   bloc ") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    let mut threat_lines = Vec::new();
    for a in &opts.states {
        let Some(exposure) = row(a).and_then(|r| r.threat).map(|t| 0.5 + t) else {
            continue;
        };
        for b in &opts.states {
            if a == b {
                continue;
            }
            let (Some(r), Some(cap)) = (rel(a, b), capability(b)) else {
                continue;
            };
            let hostility = (-2.0 * r).clamp(0.0, 1.0);
            let near = region(code_of(a)) == region(code_of(b));
            let major = row(b).is_some_and(|r| r.major_power);
            let reach = if near || major {
                1.0
            } else {
                param::REACH_AFAR
            };
            let threat = round2((cap * hostility * exposure * reach).clamp(0.0, 1.0));
            if threat >= param::THREAT_WRITTEN {
                threat_lines.push(format!(
                    "  - {{from: {a}, to: {b}, threat: {threat}}}   # capability {cap} x hostility {:.2} (relative S {:.3}) x exposure {exposure:.2}{}",
                    hostility,
                    r,
                    if reach < 1.0 { format!(" x reach {reach} (another region)") } else { String::new() }
                ));
            }
        }
    }
    if !threat_lines.is_empty() {
        out.push_str("  # Threat: Walt's power and intentions (capability, UN votes), times exposure (lsthreat).\n");
        for l in threat_lines {
            out.push_str(&l);
            out.push('\n');
        }
    }
    let mut exp_lines = Vec::new();
    // How far `a` expects `b` to support it: what `b` itself pledged, in
    // the pact where that is most.
    let expect = |a: &str, b: &str| -> Option<(f64, &Pact)> {
        pacts
            .iter()
            .filter(|p| p.members.iter().any(|m| m == a) && p.members.iter().any(|m| m == b))
            .map(|p| (p.pledge_of(code_of(b)), p))
            .max_by(|x, y| x.0.total_cmp(&y.0))
            .map(|(v, p)| {
                (
                    round2(param::EXPECTATION_DEFAULT + param::EXPECTATION_PER_PLEDGE * v),
                    p,
                )
            })
    };
    for (i, a) in opts.states.iter().enumerate() {
        for b in &opts.states[i + 1..] {
            let (Some((ab, pab)), Some((ba, pba))) = (expect(a, b), expect(b, a)) else {
                continue;
            };
            let why = |p: &Pact, who: &str| {
                format!(
                    "{} {} x credibility {:.2}",
                    p.id,
                    if p.atop.pledges_force(code_of(who)) {
                        "pledge of force"
                    } else {
                        "pledge short of force"
                    },
                    p.credibility()
                )
            };
            if (ab - ba).abs() < 0.005 {
                if ab > param::EXPECTATION_DEFAULT {
                    exp_lines.push(format!(
                        "  - {{from: {a}, to: {b}, expectation: {ab}, mutual: true}}   # {}",
                        why(pab, b)
                    ));
                }
                continue;
            }
            for (x, yy, e, p) in [(a, b, ab, pab), (b, a, ba, pba)] {
                if e > param::EXPECTATION_DEFAULT {
                    exp_lines.push(format!(
                        "  - {{from: {x}, to: {yy}, expectation: {e}}}   # {}'s own: {}",
                        yy,
                        why(p, yy)
                    ));
                }
            }
        }
    }
    if !exp_lines.is_empty() {
        out.push_str("  # Expectations of support from the pledges members share (Snyder).\n");
        for l in exp_lines {
            out.push_str(&l);
            out.push('\n');
        }
    }

    if !out[relations_at..].contains("\n  - {") {
        // No pair has data: an empty list, not a null.
        out.insert_str(relations_at + "\nrelations:".len(), " []");
    }
    let treaties: Vec<&Pact> = pacts.iter().filter(|p| p.treaty).collect();
    if !treaties.is_empty() {
        out.push_str("\ntreaties:\n");
        for p in treaties {
            let (from, to) = p.atop.span;
            let _ = writeln!(
                out,
                "  - {{id: {}, parties: [{}], obligation: {}}}   # ATOP {} ({from}–{}){}",
                p.id,
                p.members.join(", "),
                p.obligations[0],
                p.atop.id,
                if to == 0 {
                    "in force 2008".to_string()
                } else {
                    to.to_string()
                },
                if p.obligations.len() > 1 {
                    format!("; also {}", p.obligations[1..].join(", "))
                } else {
                    String::new()
                }
            );
        }
    }
    if !warnings.is_empty() {
        out.push_str("\n# What the data could not say:\n");
        for w in &warnings {
            let _ = writeln!(out, "#   {w}");
        }
    }
    Ok(Built {
        text: out,
        warnings,
    })
}

/// A YAML double-quoted string.
fn yaml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The data folder: `data/` here if it holds the datasets, else the one
/// this binary was built from.
pub fn default_data_dir() -> PathBuf {
    let here = Path::new("data");
    if here.join("atop").is_dir() && here.join("cow").is_dir() {
        here.to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
    }
}

/// A world file compared with another, parameter by parameter, as Markdown
/// tables: each actor's capability and interest weights, each organization
/// both have, and how far their relations differ. `a` is read as the
/// reference ("hand-made"), `b` as the other ("from data").
pub fn compare(a: &crate::world::World, b: &crate::world::World, names: [&str; 2]) -> String {
    use crate::interest::Interest;
    use crate::world::World;
    let mut out = String::new();
    let weight = |w: &World, id: usize, key: &str, default: Option<f64>| -> Option<f64> {
        w.actors[id].attributes.get(key).copied().or(default)
    };
    let cell = |x: Option<f64>, y: Option<f64>| -> String {
        let f = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.2}"));
        match (x, y) {
            (Some(p), Some(q)) if (p - q).abs() < 0.005 => f(x),
            _ => format!("{} → {}", f(x), f(y)),
        }
    };
    let _ = writeln!(
        out,
        "Each cell: {} → {} (one number where they agree; – where a file gives none; an interest not given is 0.5).\n",
        names[0], names[1]
    );
    let mut head = String::from("| actor | capability |");
    let mut rule = String::from("|---|---|");
    for i in Interest::ALL {
        head.push_str(&format!(" {} |", i.name()));
        rule.push_str("---|");
    }
    let _ = writeln!(out, "{head}\n{rule}");
    let mut only = [Vec::new(), Vec::new()];
    for (ia, actor) in a.actors.iter().enumerate() {
        let Some(ib) = b.actor_id(&actor.id) else {
            only[0].push(actor.id.clone());
            continue;
        };
        let mut row = format!(
            "| {} | {} |",
            actor.id,
            cell(
                weight(a, ia, "capability", None),
                weight(b, ib, "capability", None)
            )
        );
        for i in Interest::ALL {
            let n = Some(Interest::NEUTRAL);
            row.push_str(&format!(
                " {} |",
                cell(weight(a, ia, i.name(), n), weight(b, ib, i.name(), n))
            ));
        }
        let _ = writeln!(out, "{row}");
    }
    for actor in b.actors.iter() {
        if a.actor_id(&actor.id).is_none() {
            only[1].push(actor.id.clone());
        }
    }
    for (k, ids) in only.iter().enumerate() {
        if !ids.is_empty() {
            let _ = writeln!(out, "\nActors only in {}: {}.", names[k], ids.join(", "));
        }
    }

    let _ = writeln!(
        out,
        "\n| organization | members | obligations | credibility | exclusive |\n|---|---|---|---|---|"
    );
    let ids = |w: &World, xs: &[usize]| -> Vec<String> {
        let mut v: Vec<String> = xs.iter().map(|x| w.actors[*x].id.clone()).collect();
        v.sort();
        v
    };
    let mut orgs_only = [Vec::new(), Vec::new()];
    for oa in a.orgs.iter() {
        let Some(ob) = b.orgs.iter().find(|o| o.id == oa.id) else {
            orgs_only[0].push(oa.id.clone());
            continue;
        };
        let (ma, mb) = (ids(a, &oa.members), ids(b, &ob.members));
        let members = if ma == mb {
            ma.join(", ")
        } else {
            let plus: Vec<&String> = mb.iter().filter(|m| !ma.contains(m)).collect();
            let minus: Vec<&String> = ma.iter().filter(|m| !mb.contains(m)).collect();
            let mut s = format!("{} in both", ma.iter().filter(|m| mb.contains(m)).count());
            if !plus.is_empty() {
                s.push_str(&format!(
                    "; + {}",
                    plus.iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !minus.is_empty() {
                s.push_str(&format!(
                    "; − {}",
                    minus
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            s
        };
        let obl = |o: &crate::world::Organization| -> String {
            o.obligations
                .iter()
                .map(|x| x.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (pa, pb) = (obl(oa), obl(ob));
        let obligations = if pa == pb {
            pa
        } else {
            format!("{pa} → {pb}")
        };
        let cred = |o: &crate::world::Organization| Some(org_credibility(o.structure.share()));
        let exclusive = if oa.exclusive == ob.exclusive {
            oa.exclusive.to_string()
        } else {
            format!("{} → {}", oa.exclusive, ob.exclusive)
        };
        let _ = writeln!(
            out,
            "| {} | {members} | {obligations} | {} | {exclusive} |",
            oa.id,
            cell(cred(oa), cred(ob))
        );
    }
    for ob in b.orgs.iter() {
        if !a.orgs.iter().any(|o| o.id == ob.id) {
            orgs_only[1].push(ob.id.clone());
        }
    }
    for (k, ids) in orgs_only.iter().enumerate() {
        if !ids.is_empty() {
            let _ = writeln!(
                out,
                "\nOrganizations only in {}: {}.",
                names[k],
                ids.join(", ")
            );
        }
    }

    // Relations over the actors both worlds have.
    let common: Vec<(usize, usize)> = a
        .actors
        .iter()
        .enumerate()
        .filter_map(|(ia, x)| b.actor_id(&x.id).map(|ib| (ia, ib)))
        .collect();
    let _ = writeln!(
        out,
        "\n| relation | pairs | mean absolute difference | largest differences |\n|---|---|---|---|"
    );
    let matrices: [(&str, &crate::world::Matrix, &crate::world::Matrix); 3] = [
        ("ties", &a.ties, &b.ties),
        ("threat", &a.threat, &b.threat),
        ("expectation", &a.expectation, &b.expectation),
    ];
    for (name, ma, mb) in matrices {
        let mut diffs = Vec::new();
        for &(ia, ib) in &common {
            for &(ja, jb) in &common {
                if ia == ja {
                    continue;
                }
                let (x, y) = (ma.get(ia, ja), mb.get(ib, jb));
                diffs.push(((x - y).abs(), &a.actors[ia].id, &a.actors[ja].id, x, y));
            }
        }
        let n = diffs.len();
        let mean = diffs.iter().map(|d| d.0).sum::<f64>() / n.max(1) as f64;
        diffs.sort_by(|p, q| {
            q.0.total_cmp(&p.0)
                .then_with(|| (p.1, p.2).cmp(&(q.1, q.2)))
        });
        let top: Vec<String> = diffs
            .iter()
            .take(4)
            .map(|(_, f, t, x, y)| format!("{f}→{t} {x:.2} → {y:.2}"))
            .collect();
        let _ = writeln!(out, "| {name} | {n} | {mean:.3} | {} |", top.join("; "));
    }
    let count = |w: &World| (w.treaties.len(), w.bases.len(), w.security_ties.len());
    let (ca, cb) = (count(a), count(b));
    let _ = writeln!(
        out,
        "\nTreaties {} → {}; bases {} → {}; security ties {} → {}.",
        ca.0, cb.0, ca.1, cb.1, ca.2, cb.2
    );
    out
}
