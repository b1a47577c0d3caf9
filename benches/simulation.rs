//! Criterion benches: one full run of taiwan-crisis, one rule evaluation
//! (Russia's conflict handler, on the event's facts as a run builds them).
//! Numbers go in the issue notes and docs/performance.md, not in tests.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use bloc::rules::{CallContext, WorldView};
use bloc::{LoadOptions, load, sim};
use criterion::{Criterion, criterion_group, criterion_main};

fn plan(name: &str) -> bloc::Plan {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
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
    let facts = p.rules.prepare(&sim::event_facts(ev, &world, &options));
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

criterion_group!(benches, full_run, rule_evaluation);
criterion_main!(benches);
