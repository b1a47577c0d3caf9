//! Shared test helpers: a scratch copy of the shipped rules and scenarios,
//! and running the real binary in it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary folder holding copies of `rules/` and `scenarios/`.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("rules"), &dir.path().join("rules"));
        copy_dir(&repo().join("scenarios"), &dir.path().join("scenarios"));
        Fixture { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Copy the fixture's folder `from` to `to` (both relative).
    pub fn copy_dir(&self, from: &str, to: &str) {
        copy_dir(&self.path(from), &self.path(to));
    }

    pub fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).unwrap();
    }

    /// Add `text` at the end of a fixture file (a handler to a script).
    pub fn append(&self, rel: &str, text: &str) {
        let old = std::fs::read_to_string(self.path(rel)).unwrap();
        self.write(rel, &format!("{old}\n{text}\n"));
    }

    /// Replace `from` with `to` in a fixture file; panics if `from` is not
    /// there, so a test never runs on an edit that silently did nothing.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.path(rel)).unwrap();
        assert!(
            text.contains(from),
            "`{from}` not found in {rel}: update this test"
        );
        self.write(rel, &text.replace(from, to));
    }

    /// Run `bloc` with `args` inside the fixture; (exit code, stdout, stderr).
    pub fn bloc(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_bloc"))
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }
}
