//! Review finding 6 (issue 14): one thread pool per process, so the workers
//! that compiled their copy of the rules keep it across ensembles. Alone in
//! its test binary: it counts compiles process-wide.

use bloc::{LoadOptions, ensemble, experiment, load};

#[test]
fn ensembles_of_one_plan_compile_the_rules_once_per_worker() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let opts = LoadOptions {
        runs: Some(64),
        rules: Some(root.join("rules")),
        ..LoadOptions::default()
    };
    let mut plan = load(&root.join("scenarios/rising-threat.yaml"), &opts).unwrap();
    let eopts = ensemble::Options {
        threads: Some(2),
        ..ensemble::Options::default()
    };
    let before = bloc::rules::copies_compiled();
    for _ in 0..3 {
        ensemble::run(&plan, &eopts, |_| None::<()>, |_| Ok(())).unwrap();
    }
    // A sweep of five points on the same plan: still no new compile.
    let vary = [experiment::parse_vary("relations.RUS.USA.threat=0.4:0.8:0.1").unwrap()];
    let mut sweep = experiment::Sweep::new(&mut plan, &vary).unwrap();
    for x in [0.4, 0.5, 0.6, 0.7, 0.8] {
        sweep.run(&[Some(x)], &eopts).unwrap();
    }
    let compiled = bloc::rules::copies_compiled() - before;
    // Before the fix: a new pool per ensemble, 2 compiles per ensemble (16).
    assert!(compiled <= 2, "{compiled} copies compiled for 8 ensembles");
}
