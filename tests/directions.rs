//! Theory's directions as tests: move one interest or one fact of the world,
//! keep the seeds (common random numbers: run i of A is paired with run i of
//! B), and the behaviour must move the way the theory says. Each test names
//! the theory it pins. A model that ignored these interests would fail them.

mod common;
use common::{Fixture, repo};

use bloc::{LoadOptions, Summary, experiment, load, simulate};

/// A shipped scenario (from `dir`), with world overrides. Directions are
/// measured where choices are not saturated: at the shipped temperature a
/// clear preference is taken in every run, and no change of weight shows.
fn plan(dir: &std::path::Path, name: &str, set: &[(&str, f64)], runs: u32) -> bloc::Plan {
    let opts = LoadOptions {
        runs: Some(runs),
        rules: Some(dir.join("rules")),
        overrides: set.iter().map(|(p, v)| (p.to_string(), *v)).collect(),
        ..LoadOptions::default()
    };
    let mut p = load(&dir.join("scenarios").join(name), &opts).unwrap_or_else(|e| panic!("{e}"));
    p.temperature = TEMPERATURE;
    p
}

/// Softmax temperature of the direction tests.
const TEMPERATURE: f64 = 0.4;

fn summary(dir: &std::path::Path, name: &str, set: &[(&str, f64)]) -> Summary {
    simulate(&plan(dir, name, set, 400)).unwrap_or_else(|e| panic!("{e}"))
}

/// The share of `option` among `actor`'s choices on `event`.
fn share(s: &Summary, event: &str, actor: &str, option: &str) -> f64 {
    let (k, n) = s.event(event)[0]
        .choice(actor, option)
        .unwrap_or_else(|| panic!("{actor} never decided on {event}"));
    k as f64 / n as f64
}

/// `after - before` must be at least `margin` (or at most `-margin`).
fn moves(before: f64, after: f64, up: bool, margin: f64, what: &str) {
    let d = after - before;
    let ok = if up { d >= margin } else { d <= -margin };
    assert!(
        ok,
        "{what}: {before:.3} -> {after:.3} (expected a move {} of at least {margin})",
        if up { "up" } else { "down" }
    );
}

#[test]
fn snyder_more_fear_of_entrapment_means_less_military_support() {
    // Azerbaijan attacks Armenia; Belarus (generic rules) weighs its CSTO
    // pledge against the risk of being dragged into the war.
    let root = repo();
    let calm = summary(&root, "beyond-2008.yaml", &[("actors.BLR.entrapment", 0.2)]);
    let fearful = summary(&root, "beyond-2008.yaml", &[("actors.BLR.entrapment", 1.0)]);
    let opt = "military_support:ARM";
    moves(
        share(&calm, "armenia-attacked", "BLR", opt),
        share(&fearful, "armenia-attacked", "BLR", opt),
        false,
        0.1,
        "Belarus's military support for Armenia",
    );
}

#[test]
fn snyder_a_defence_pledge_counted_on_is_honoured_more_often() {
    // The CSTO's members expect more of Armenia, and it of them: the casus
    // foederis (military support for an attacked ally) is honoured more.
    let root = repo();
    let a = plan(&root, "beyond-2008.yaml", &[], 400);
    let mut set = Vec::new();
    for m in ["KAZ", "KGZ", "TJK", "BLR", "UZB"] {
        set.push((format!("relations.{m}.ARM.expectation"), 0.9));
    }
    let set: Vec<(&str, f64)> = set.iter().map(|(p, v)| (p.as_str(), *v)).collect();
    let b = plan(&root, "beyond-2008.yaml", &set, 400);
    let c = experiment::compare(&a, &b, None).unwrap_or_else(|e| panic!("{e}"));
    let csto = c.groups.iter().find(|g| g.id == "CSTO").expect("CSTO");
    let cf = &csto.indicators[1];
    let (lo, _) = cf.interval().expect("casus foederis tested in both");
    assert!(
        lo > 0.0,
        "casus foederis B - A = {:?}, interval {:?}",
        cf.mean(),
        cf.interval()
    );
}

#[test]
fn walt_rising_threat_raises_diplomatic_solidarity_with_a_partner() {
    // The more Russia feels threatened by the US, the more it backs China
    // in a Taiwan crisis (with words: §IV rules out more).
    let root = repo();
    let low = summary(
        &root,
        "taiwan-crisis.yaml",
        &[("relations.RUS.USA.threat", 0.1)],
    );
    let high = summary(
        &root,
        "taiwan-crisis.yaml",
        &[("relations.RUS.USA.threat", 1.0)],
    );
    let opt = "diplomatic_support:CHN";
    moves(
        share(&low, "taiwan-strait", "RUS", opt),
        share(&high, "taiwan-strait", "RUS", opt),
        true,
        0.05,
        "Russia's diplomatic support for China",
    );
}

#[test]
fn regime_security_drives_deployments_against_unrest() {
    // Kazakhstan asks the CSTO for forces; Belarus fears colour revolutions
    // more or less.
    let root = repo();
    let low = summary(&root, "beyond-2008.yaml", &[("actors.BLR.regime", 0.1)]);
    let high = summary(&root, "beyond-2008.yaml", &[("actors.BLR.regime", 1.0)]);
    moves(
        share(&low, "kazakh-unrest", "BLR", "deploy"),
        share(&high, "kazakh-unrest", "BLR", "deploy"),
        true,
        0.1,
        "Belarus's deployments to Kazakhstan",
    );
}

#[test]
fn a_member_that_values_the_organization_less_blocks_its_statements_more() {
    // Consensus gives every member a veto; blocking costs standing in an
    // organization in proportion to what the member puts on it.
    let root = repo();
    let keen = summary(
        &root,
        "beyond-2008.yaml",
        &[("actors.UZB.sco_priority", 1.0)],
    );
    let cool = summary(
        &root,
        "beyond-2008.yaml",
        &[("actors.UZB.sco_priority", 0.0)],
    );
    moves(
        share(&keen, "afghanistan-statement", "UZB", "block"),
        share(&cool, "afghanistan-statement", "UZB", "block"),
        true,
        0.03,
        "Uzbekistan's blocks",
    );
}

#[test]
fn without_an_exclusivity_clause_those_it_bound_may_sign() {
    // CSTO Art. 1 forbids its members a pact with outsiders; take the
    // clause out of the world and its members sign the SCO defence clause
    // in some runs.
    let bound = ["KAZ", "UZB", "KGZ", "TJK", "RUS"];
    let signed = |s: &Summary| -> f64 {
        bound
            .iter()
            .map(|a| share(s, "sco-defence-clause", a, "sign"))
            .sum()
    };
    let f = Fixture::new();
    let with = summary(f.dir.path(), "defence-pact.yaml", &[]);
    assert_eq!(signed(&with), 0.0);
    f.edit(
        "scenarios/worlds/sco-2008.yaml",
        "    exclusive: true             # Art. 1",
        "    exclusive: false            # Art. 1",
    );
    let without = summary(f.dir.path(), "defence-pact.yaml", &[]);
    moves(
        0.0,
        signed(&without),
        true,
        0.02,
        "the CSTO members' signatures",
    );
}

#[test]
fn snyder_a_defence_obligation_makes_a_member_fight_for_an_ally() {
    // Give the SCO a mutual-defence clause (the counterfactual) and
    // China, who has no pledge to Kyrgyzstan otherwise, comes to its defence.
    let f = Fixture::new();
    let without = summary(f.dir.path(), "csto-defends-kyrgyzstan.yaml", &[]);
    f.edit(
        "scenarios/worlds/sco-2008.yaml",
        "    obligations: [non_aggression, consultation]",
        "    obligations: [defence, consultation]",
    );
    let with = summary(f.dir.path(), "csto-defends-kyrgyzstan.yaml", &[]);
    moves(
        share(&without, "batken-incursion", "CHN", "military_support:KGZ"),
        share(&with, "batken-incursion", "CHN", "military_support:KGZ"),
        true,
        0.1,
        "China's military support for Kyrgyzstan",
    );
}
