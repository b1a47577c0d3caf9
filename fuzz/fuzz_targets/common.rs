//! Shared by the fuzz targets: a scratch folder holding a copy of the
//! shipped world, the input written in as a file, and what must hold for
//! any input: bloc loads and runs it, or refuses it with diagnostics that
//! name their file and, for input errors, the line and column. A panic, an
//! abort, a hang or a missing position is a finding.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The repository (this crate's parent folder).
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A scratch folder with `scenarios/worlds/sco-2008.yaml` and
/// `scenarios/taiwan-crisis.yaml` copied in, made once per process.
fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("bloc-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("scenarios/worlds")).unwrap();
        for f in [
            "scenarios/worlds/sco-2008.yaml",
            "scenarios/taiwan-crisis.yaml",
        ] {
            std::fs::copy(repo().join(f), dir.join(f)).unwrap();
        }
        dir
    })
}

/// Write `data` over `file` (relative to the scratch folder), restoring the
/// shipped copy of `restore` first, and check `scenario`.
pub fn check(file: &str, restore: &str, scenario: &str, data: &[u8]) {
    let dir = scratch();
    std::fs::copy(repo().join(restore), dir.join(restore)).unwrap();
    std::fs::write(dir.join(file), data).unwrap();
    let opts = bloc::LoadOptions {
        runs: Some(2),
        rules: Some(repo().join("rules")),
        ..Default::default()
    };
    let result = bloc::load(&dir.join(scenario), &opts).and_then(|plan| {
        let eopts = bloc::ensemble::Options {
            threads: Some(1),
            ..Default::default()
        };
        bloc::ensemble::run(&plan, &eopts, |_| None::<()>, |_| Ok(())).map(|_| ())
    });
    if let Err(e) = result {
        if let bloc::Error::Io { .. } = e {
            panic!("an I/O error from a file's content: {e}");
        }
        for d in e.diagnostics() {
            let text = d.render();
            assert!(text.starts_with("error: "), "{text}");
            assert!(d.file.is_some(), "a diagnostic without its file: {text}");
            if matches!(e, bloc::Error::Invalid(_)) {
                assert!(
                    d.span.is_some(),
                    "an input error without a position: {text}"
                );
            }
        }
    }
}
