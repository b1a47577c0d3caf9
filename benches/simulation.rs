//! Criterion benches: one full run of taiwan-crisis, one rule evaluation
//! (Russia's conflict handler), and the bare Rhai call it is built on.
//! Numbers go in the issue notes and docs/performance.md, not in tests.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use bloc::rules::{CallContext, WorldView};
use bloc::{LoadOptions, load, sim};
use criterion::{Criterion, criterion_group, criterion_main};
use rhai::{Dynamic, Map};

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
    let mut m = Map::new();
    for (k, v) in [
        ("id", "taiwan-strait"),
        ("kind", "armed_conflict"),
        ("attacker", "CHN"),
        ("defender", "TWN"),
        ("actor", "RUS"),
    ] {
        m.insert(k.into(), Dynamic::from(v.to_string()));
    }
    let mut backers = Map::new();
    backers.insert("USA".into(), Dynamic::from("TWN".to_string()));
    m.insert("backers".into(), Dynamic::from_map(backers));
    m.insert(
        "options".into(),
        Dynamic::from_array(options.iter().map(|o| Dynamic::from(o.clone())).collect()),
    );
    let ctx = CallContext {
        actor: "RUS",
        event: "taiwan-strait",
        kind: "armed_conflict",
        turn: 1,
    };
    let _view = WorldView::enter(&world);
    c.bench_function("rules/russia-on_armed_conflict", |b| {
        b.iter(|| {
            black_box(
                p.rules
                    .decide(rus, m.clone(), &options, &ctx)
                    .expect("decides"),
            )
        })
    });
}

criterion_group!(benches, full_run, rule_evaluation);
criterion_main!(benches);
