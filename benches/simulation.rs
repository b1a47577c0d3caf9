//! Criterion benches: one full run of taiwan-crisis, one rule evaluation
//! (Russia's conflict handler, on the event's facts as a run builds them),
//! and coalition detection at its worst case (a pact 22 actors all signed).
//! Numbers go in the issue notes and docs/performance.md, not in tests.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use bloc::rules::{CallContext, WorldView};
use bloc::{LoadOptions, coalition, load, sim};
use criterion::{Criterion, criterion_group, criterion_main};

fn plan(name: &str) -> bloc::Plan {
    // The repository root (this package is its `benches/` folder).
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ has a parent")
        .to_path_buf();
    let opts = LoadOptions {
        rules: Some(root.join("rules")),
        ..LoadOptions::default()
    };
    load(&root.join("scenarios").join(name), &opts).expect("shipped scenario loads")
}

fn full_run(c: &mut Criterion) {
    let taiwan = plan("taiwan-crisis.yaml");
    c.bench_function("run/taiwan-crisis", |b| {
        let mut i = 0;
        b.iter(|| {
            i += 1;
            black_box(sim::run_once(&taiwan, i).expect("runs"))
        })
    });
    let baseline = plan("baseline-2008.yaml");
    c.bench_function("run/baseline-2008", |b| {
        let mut i = 0;
        b.iter(|| {
            i += 1;
            black_box(sim::run_once(&baseline, i).expect("runs"))
        })
    });
}

fn rule_evaluation(c: &mut Criterion) {
    let p = plan("taiwan-crisis.yaml");
    let world = Arc::new(p.world.clone());
    let ev = &p.timeline[0];
    let options = ev.options(&world);
    let rus = world.actor_id("RUS").expect("RUS");
    // The event's facts exactly as a run passes them to the scripts.
    let facts = p.rules.prepare(&ev.facts(&world, &options));
    let ctx = CallContext {
        actor: "RUS",
        event: &ev.id,
        kind: ev.kind_name(),
        turn: ev.turn,
    };
    let _view = WorldView::enter(&world);
    c.bench_function("rules/russia-on_armed_conflict", |b| {
        b.iter(|| {
            black_box(
                p.rules
                    .decide(rus, &facts, &options, &ctx)
                    .expect("decides"),
            )
        })
    });
}

/// A world of 22 actors in one organization and a scenario in which all
/// sign a pact, so every pair of actors are partners: the clique search's
/// worst case (one maximal clique of 22).
fn pact_plan(dir: &std::path::Path) -> bloc::Plan {
    let ids: Vec<String> = (0..22).map(|i| format!("A{i:02}")).collect();
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
    let write = |rel: &str, text: &str| std::fs::write(dir.join(rel), text).expect("writes");
    std::fs::create_dir_all(dir.join("rules")).expect("creates rules/");
    write("world.yaml", &world);
    write(
        "rules/default.rhai",
        "fn on_treaty_proposal(ev) {\n    #{ scores: #{ sign: 1.0, decline: 0.0 } }\n}\n",
    );
    write(
        "pact.yaml",
        "name: everyone signs\nworld: world.yaml\nseed: 5\nturns: 1\ntemperature: 0\n\
         groups: [{org: PACT}]\ntimeline:\n  - turn: 1\n    id: pact\n    kind: treaty_proposal\n    \
         name: A pact\n    proposer: A00\n    org: PACT\n    obligation: consultation\n",
    );
    let opts = LoadOptions {
        rules: Some(dir.join("rules")),
        ..LoadOptions::default()
    };
    load(&dir.join("pact.yaml"), &opts).expect("pact scenario loads")
}

fn coalition_detection(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let plan = pact_plan(dir.path());
    let run = sim::run_once(&plan, 0).expect("runs");
    assert_eq!(run.coalitions.len(), 1, "one coalition of all 22");
    c.bench_function("coalition/22_actors_complete", |b| {
        b.iter(|| {
            black_box(coalition::detect(
                &run.record,
                &run.world,
                plan.coalition_min_acts,
            ))
        })
    });
}

criterion_group!(benches, full_run, rule_evaluation, coalition_detection);
criterion_main!(benches);
