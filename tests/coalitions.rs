//! Emergent coalitions at scale: a pact every one of 22 actors signs makes
//! their partner graph complete, the worst case of the clique search.

use std::path::Path;

use bloc::ensemble::{self, Options};
use bloc::{LoadOptions, load};

/// A world of `n` actors in one organization, and a scenario in which the
/// first proposes a consultation pact to it that everyone signs; written
/// under `dir`.
fn write_pact(dir: &Path, n: usize, runs: u32) {
    let ids: Vec<String> = (0..n).map(|i| format!("A{i:02}")).collect();
    let mut world = String::from(
        "name: pact world\ndefaults: {ties: 0.2, threat: 0.05, expectation: 0.15}\n\
         dynamics: {support_gain: 0.15, refusal_loss: 0.25, abstain_loss: 0.08, \
         exercise_gain: 0.03, declaration_gain: 0.02, treaty_gain: 0.1}\nactors:\n",
    );
    for id in &ids {
        world.push_str(&format!(
            "  {id}:\n    name: Actor {id}\n    attributes: {{capability: 0.5}}\n"
        ));
    }
    world.push_str(&format!(
        "organizations:\n  PACT:\n    name: The pact\n    members: [{}]\n    obligations: [consultation]\n    decision: consensus\n",
        ids.join(", ")
    ));
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(dir.join("world.yaml"), world).unwrap();
    std::fs::write(
        dir.join("rules/default.rhai"),
        "fn on_treaty_proposal(ev) {\n    #{ scores: #{ sign: 1.0, decline: 0.0 } }\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("pact.yaml"),
        format!(
            "name: everyone signs\nworld: world.yaml\nseed: 5\nruns: {runs}\nturns: 1\ntemperature: 0\n\
             groups: [{{org: PACT}}]\ntimeline:\n  - turn: 1\n    id: pact\n    kind: treaty_proposal\n    \
             name: A pact\n    proposer: {}\n    org: PACT\n    obligation: consultation\n",
            ids[0]
        ),
    )
    .unwrap();
}

#[test]
fn a_pact_all_22_sign_is_one_coalition_of_all_in_every_run() {
    let dir = tempfile::tempdir().unwrap();
    write_pact(dir.path(), 22, 1000);
    let opts = LoadOptions {
        rules: Some(dir.path().join("rules")),
        ..LoadOptions::default()
    };
    let plan = load(&dir.path().join("pact.yaml"), &opts).unwrap();
    let summary = ensemble::run(&plan, &Options::default(), |_| None::<()>, |_| Ok(()))
        .unwrap()
        .summary;
    assert_eq!(summary.runs, 1000);
    let all = (0..22)
        .map(|i| format!("A{i:02}"))
        .collect::<Vec<_>>()
        .join("+");
    let found: Vec<(&String, u64)> = summary
        .coalitions
        .iter()
        .map(|(k, t)| (k, t.runs))
        .collect();
    assert_eq!(found, vec![(&all, 1000)]);
}
