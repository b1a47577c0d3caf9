//! For people who write rules and scenarios: `bloc kinds` (the event kinds
//! from the registry in `events`), `bloc check` (scenarios, worlds and rule
//! folders validated without running, and handlers no kind calls found),
//! and `bloc new` (scaffolds of an actor's script or a scenario that pass
//! `bloc check`).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Error, SourceFile, Span};
use crate::events;
use crate::rules::RuleBook;
use crate::scenario::{self, LoadOptions};
use crate::world::{Actor, Dynamics, Matrix, World};

/// `bloc kinds`: every built-in kind with its handler, fields, options and
/// outcomes, as the registry declares them.
pub fn kinds_text() -> String {
    let mut out = String::new();
    let list = |xs: &[&str]| {
        if xs.is_empty() {
            "-".to_string()
        } else {
            xs.join(", ")
        }
    };
    for k in events::builtin() {
        let decided = !(k.options.is_empty() && k.sided.is_empty());
        if decided {
            let _ = writeln!(out, "{}  (handler `on_{}`)", k.name, k.name);
        } else {
            let _ = writeln!(out, "{}  (no handler: no one decides)", k.name);
        }
        let _ = writeln!(out, "  fields:    {}", list(k.required));
        let _ = writeln!(out, "  optional:  {}", list(k.optional));
        let mut options: Vec<String> = k.sided.iter().map(|f| format!("{f}:<side>")).collect();
        options.extend(k.options.iter().map(|o| o.to_string()));
        let options = if options.is_empty() {
            "none (no one decides)".to_string()
        } else {
            options.join(", ")
        };
        let _ = writeln!(out, "  options:   {options}");
        let mut outcomes: Vec<&str> = k.outcome_forms.to_vec();
        outcomes.extend(k.outcomes.iter().copied());
        let _ = writeln!(out, "  outcomes:  {}", list(&outcomes));
        match k.proposal {
            Some(fields) => {
                let _ = writeln!(
                    out,
                    "  proposed:  yes, with {} (required: {})",
                    list(fields),
                    list(k.proposal_required)
                );
            }
            None => {
                let _ = writeln!(out, "  proposed:  no (timeline only)");
            }
        }
        let _ = writeln!(out);
    }
    let c = events::custom_spec();
    let _ = writeln!(
        out,
        "custom kinds (declared under `custom_kinds:` in a scenario; handler `on_<name>`)\n  fields:    {}\n  optional:  {}",
        list(c.required),
        list(c.optional)
    );
    out
}

/// What `bloc check` found: the text to print and whether any error was found.
pub struct Checked {
    pub text: String,
    pub errors: usize,
    pub warnings: usize,
}

/// A diagnostic rendered as a warning (the same form as errors).
fn warning(d: &Diagnostic) -> String {
    d.render().replacen("error", "warning", 1)
}

/// The `fn on_…(one parameter)` definitions of a script: (name, line, column).
/// A name in a script with its line and column.
type Named = (String, usize, usize);

/// The `on_…` functions of a script with their positions: those with one
/// parameter (handlers), and those with another number of
/// parameters (which bloc never calls).
fn handlers_and_misfits(text: &str) -> (Vec<Named>, Vec<Named>) {
    let mut out = vec![];
    let mut arity = vec![];
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let t = t.strip_prefix("private ").unwrap_or(t).trim_start();
        let Some(rest) = t.strip_prefix("fn ") else {
            continue;
        };
        let rest = rest.trim_start();
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.starts_with("on_") {
            continue;
        }
        let params = rest[name.len()..].trim_start();
        let Some(inside) = params
            .strip_prefix('(')
            .and_then(|p| p.split_once(')'))
            .map(|p| p.0)
        else {
            continue;
        };
        if inside.split(',').filter(|p| !p.trim().is_empty()).count() != 1 {
            // bloc calls handlers with one argument: another arity never runs.
            let column = line.len() - rest.len() + 1;
            arity.push((name, i + 1, line[..column - 1].chars().count() + 1));
            continue;
        }
        let column = line.len() - rest.len() + 1;
        out.push((name, i + 1, line[..column - 1].chars().count() + 1));
    }
    (out, arity)
}

/// The known handler names closest to `name`, if one is close.
fn suggest<'a>(name: &str, known: &'a BTreeSet<String>) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), k))
        .filter(|(d, k)| *d <= 3.max(k.len() / 4))
        .min()
        .map(|(_, k)| k.as_str())
}

/// Warnings for the handlers in `file` that bloc never calls: no kind of
/// that name, a kind no one decides on, or another number of parameters.
fn lint_script(file: &SourceFile, known: &BTreeSet<String>) -> Vec<String> {
    let (handlers, misfits) = handlers_and_misfits(&file.text);
    let mut out: Vec<String> = misfits
        .into_iter()
        .map(|(name, line, column)| {
            let d = Diagnostic::new(format!(
                "handler `{name}` does not take one parameter: bloc calls handlers with the event (`ev`), so it never runs this one"
            ))
            .at(file, Span::new(line, column, name.len()))
            .label("not one parameter")
            .note(format!("write `fn {name}(ev)`"));
            warning(&d)
        })
        .collect();
    for (name, line, column) in &handlers {
        let undecided = ["on_shock", "on_departure"];
        if undecided.contains(&name.as_str()) {
            let d = Diagnostic::new(format!(
                "handler `{name}` is never called: no one decides on this kind of event"
            ))
            .at(file, Span::new(*line, *column, name.len()))
            .label("no decision to take");
            out.push(warning(&d));
        }
    }
    out.extend(lint_unknown(file, handlers, known));
    out
}

fn lint_unknown(file: &SourceFile, handlers: Vec<Named>, known: &BTreeSet<String>) -> Vec<String> {
    handlers
        .into_iter()
        .filter(|(name, _, _)| !known.contains(name))
        .map(|(name, line, column)| {
            let mut d = Diagnostic::new(format!(
                "handler `{name}` is called by no event kind: bloc never runs it"
            ))
            .at(file, Span::new(line, column, name.len()))
            .label("no kind of this name");
            d = match suggest(&name, known) {
                Some(s) => d.note(format!("did you mean `{s}`?")),
                None => d.note("the kinds: `bloc kinds`; a custom kind is declared under `custom_kinds:` in its scenario"),
            };
            warning(&d)
        })
        .collect()
}

/// The attribute names a script reads with `attr(…, "name")` (a literal
/// name only): (name, line, column of the name).
fn attributes_read(text: &str) -> Vec<(String, usize, usize)> {
    let mut out = vec![];
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut from = 0;
        while let Some(at) = code[from..].find("attr(") {
            let start = from + at;
            from = start + 5;
            // `has_attr(` and `my_attr(` are other functions.
            let before = code[..start].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let Some(close) = code[from..].find(')') else {
                continue;
            };
            let args = &code[from..from + close];
            let Some((_, name)) = args.rsplit_once(',') else {
                continue;
            };
            let name = name.trim();
            if let Some(n) = name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
                let offset = from + args.rfind(name).unwrap_or(0) + 1;
                out.push((n.to_string(), i + 1, code[..offset].chars().count() + 1));
            }
        }
    }
    out
}

/// Errors for the attributes `file` reads that no world checked defines.
fn unknown_attributes(file: &SourceFile, known: &BTreeSet<String>) -> Vec<Diagnostic> {
    attributes_read(&file.text)
        .into_iter()
        .filter(|(name, _, _)| !known.contains(name))
        .map(|(name, line, column)| {
            let d = Diagnostic::new(format!(
                "attribute `{name}` is defined by no actor of the worlds checked"
            ))
            .at(file, Span::new(line, column, name.len()))
            .label("no world defines it");
            let near = known
                .iter()
                .map(|k| (strsim::damerau_levenshtein(&name, k), k))
                .filter(|(d, _)| *d <= 2)
                .min();
            match near {
                Some((_, k)) => d.note(format!("did you mean `{k}`?")),
                None => {
                    d.note("attributes are set under `attributes:` of an actor in a world file")
                }
            }
        })
        .collect()
}

/// Compile every script of a rules folder, as actors of an otherwise empty
/// world, so syntax errors and bad imports show without a scenario.
fn compile_folder(dir: &Path, stems: &[String]) -> Result<(), Error> {
    let actors = stems
        .iter()
        .filter(|s| s.as_str() != "default")
        .map(|s| Actor {
            id: s.to_uppercase(),
            name: s.clone(),
            rules: Some(s.clone()),
            attributes: Default::default(),
        })
        .collect::<Vec<_>>();
    let n = actors.len();
    let m = || Matrix::filled(n, 0.0);
    let dynamics = Dynamics {
        support_gain: 0.0,
        refusal_loss: 0.0,
        abstain_loss: 0.0,
        exercise_gain: 0.0,
        declaration_gain: 0.0,
        treaty_gain: 0.0,
    };
    let world = World::new(
        actors,
        vec![],
        m(),
        m(),
        m(),
        vec![],
        vec![],
        vec![],
        dynamics,
    );
    let none = SourceFile::new(dir.join("(the rules folder)"), "");
    RuleBook::load(dir, &world, &none)
        .map(|_| ())
        .map_err(|e| match e {
            // The stand-in actors are not the user's: drop the notes naming them.
            Error::Invalid(ds) => Error::Invalid(
                ds.into_iter()
                    .map(|mut d| {
                        d.notes.retain(|n| !n.starts_with("actor `"));
                        d
                    })
                    .collect(),
            ),
            e => e,
        })
}

/// The `.rhai` files directly in `dir` (not `lib/`), sorted.
fn scripts_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "rhai"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn yaml_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// `bloc check [PATHS] [--rules DIR]`: scenario and world files, folders of
/// them, rules folders and scripts, each loaded as a run would load it
/// (every error, positioned) but not run; then every handler of the rules
/// folders involved that no event kind calls is a warning. With no paths:
/// `scenarios/` and `rules/` of the current folder.
pub fn check(paths: &[PathBuf], rules: &Option<PathBuf>) -> Result<Checked, Error> {
    let mut paths = paths.to_vec();
    if paths.is_empty() {
        paths = ["scenarios", "rules"]
            .iter()
            .map(PathBuf::from)
            .filter(|p| p.is_dir())
            .collect();
        if let Some(r) = rules {
            paths.push(r.clone());
        }
        if paths.is_empty() {
            return Err(Error::one(
                Diagnostic::new("nothing to check: no `scenarios/` or `rules/` here")
                    .note("name files or folders: `bloc check my-scenario.yaml my-rules/`"),
            ));
        }
    }
    let (mut scenarios, mut worlds, mut folders) = (vec![], vec![], vec![]);
    let mut scripts: Vec<PathBuf> = vec![];
    for p in &paths {
        if p.is_dir() {
            if !scripts_in(p).is_empty() {
                folders.push(p.clone());
            }
            for f in yaml_in(p) {
                if scenario::is_world_file(&f) {
                    worlds.push(f);
                } else {
                    scenarios.push(f);
                }
            }
            if scripts_in(p).is_empty() && yaml_in(p).is_empty() {
                return Err(Error::one(Diagnostic::new(format!(
                    "`{}` holds no scenario (.yaml) and no rule script (.rhai)",
                    p.display()
                ))));
            }
        } else if p.extension().is_some_and(|x| x == "rhai") {
            scripts.push(p.clone());
        } else if !p.exists() {
            return Err(Error::io(
                p,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        } else if scenario::is_world_file(p) {
            worlds.push(p.clone());
        } else {
            scenarios.push(p.clone());
        }
    }
    if let Some(r) = rules {
        folders.push(r.clone());
    }
    let mut out = Checked {
        text: String::new(),
        errors: 0,
        warnings: 0,
    };
    let mut known: BTreeSet<String> = events::builtin()
        .map(|k| format!("on_{}", k.name))
        .collect();
    // The attributes of the worlds checked (none checked: not tested).
    let mut attributes: Option<BTreeSet<String>> = None;
    let mut add_attributes = |w: &World| {
        let set = attributes.get_or_insert_with(BTreeSet::new);
        // Interest weights exist for every actor (neutral when unlisted).
        set.extend(
            crate::interest::Interest::ALL
                .iter()
                .map(|i| i.name().to_string()),
        );
        for a in w.actors.iter() {
            set.extend(a.attributes.keys().cloned());
        }
    };
    let fail = |out: &mut Checked, what: &Path, e: Error| {
        out.errors += e.diagnostics().len().max(1);
        let _ = writeln!(out.text, "FAIL  {}", what.display());
        let text = match &e {
            Error::Io { .. } => Diagnostic::new(e.to_string()).render(),
            _ => e.to_string(),
        };
        let _ = writeln!(out.text, "{text}");
    };
    for w in &worlds {
        match scenario::load_world_file(w) {
            Ok(world) => {
                add_attributes(&world);
                let _ = writeln!(
                    out.text,
                    "ok    {} (world: {} actors, {} organizations)",
                    w.display(),
                    world.actors.len(),
                    world.orgs.len()
                );
            }
            Err(e) => fail(&mut out, w, e),
        }
    }
    for s in &scenarios {
        let opts = LoadOptions {
            seed: None,
            runs: None,
            rules: rules.clone(),
            overrides: vec![],
        };
        match scenario::load(s, &opts) {
            Ok(plan) => {
                add_attributes(&plan.world);
                known.extend(plan.custom_kinds.iter().map(|k| format!("on_{}", k.name)));
                if let Ok(dir) = scenario::rules_dir(s, rules) {
                    folders.push(dir);
                }
                let _ = writeln!(
                    out.text,
                    "ok    {} ({} events, {} claims)",
                    s.display(),
                    plan.timeline.len(),
                    plan.claims.len()
                );
            }
            Err(e) => fail(&mut out, s, e),
        }
    }
    // Each folder once, however it was named.
    let mut seen = BTreeSet::new();
    folders.retain(|f| seen.insert(f.canonicalize().unwrap_or_else(|_| f.clone())));
    // A folder's or a script's line says "ok" only once its scripts are
    // also linted: its warnings and errors follow the line.
    let mut linted = BTreeSet::new();
    let mut lint = |out: &mut Checked, files: &[PathBuf]| -> (String, usize) {
        let (mut text, mut errors) = (String::new(), 0);
        for f in files {
            if !linted.insert(f.canonicalize().unwrap_or_else(|_| f.clone())) {
                continue;
            }
            // A file that cannot be read: compiling it read it first and
            // said why.
            let Ok(file) = SourceFile::read(f) else {
                continue;
            };
            for w in lint_script(&file, &known) {
                out.warnings += 1;
                text.push_str(&w);
                text.push('\n');
            }
            if let Some(attrs) = &attributes {
                for d in unknown_attributes(&file, attrs) {
                    errors += 1;
                    text.push_str(&d.render());
                    text.push('\n');
                }
            }
        }
        out.errors += errors;
        (text, errors)
    };
    for dir in &folders {
        let files = scripts_in(dir);
        let stems: Vec<String> = files
            .iter()
            .filter_map(|f| f.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect();
        let compiled = compile_folder(dir, &stems);
        let (linted, errors) = lint(&mut out, &files);
        match compiled {
            Ok(()) if errors == 0 => {
                let _ = writeln!(
                    out.text,
                    "ok    {} ({} scripts)",
                    dir.display(),
                    files.len()
                );
            }
            Ok(()) => {
                let _ = writeln!(out.text, "FAIL  {}", dir.display());
            }
            Err(e) => fail(&mut out, dir, e),
        }
        out.text.push_str(&linted);
        scripts.extend(files);
    }
    // A script named on its own is compiled too, in its own folder (its
    // imports resolve there).
    let mut named = BTreeSet::new();
    let lone: Vec<PathBuf> = scripts
        .iter()
        .filter(|f| {
            let dir = f.parent().unwrap_or(Path::new("."));
            let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
            // Each script once, however it was named.
            !seen.contains(&dir)
                && named.insert(f.canonicalize().unwrap_or_else(|_| f.to_path_buf()))
        })
        .cloned()
        .collect();
    for f in &lone {
        let dir = match f.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let compiled = compile_folder(&dir, &[stem]);
        let (linted, errors) = lint(&mut out, std::slice::from_ref(f));
        match compiled {
            Ok(()) if errors == 0 => {
                let _ = writeln!(out.text, "ok    {}", f.display());
            }
            Ok(()) => {
                let _ = writeln!(out.text, "FAIL  {}", f.display());
            }
            Err(e) => fail(&mut out, f, e),
        }
        out.text.push_str(&linted);
    }
    let _ = writeln!(
        out.text,
        "checked {} scenario(s), {} world(s), {} rules folder(s): {} error(s), {} warning(s)",
        scenarios.len(),
        worlds.len(),
        folders.len(),
        out.errors,
        out.warnings
    );
    Ok(out)
}

/// Whether `s` can name a file: letters, digits, `-` and `_`, 1 to 40 of them.
fn plain_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Write `text` to `path`, which must not exist yet.
fn create(path: &Path, text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::one(Diagnostic::new(format!(
                    "`{}` already exists: bloc new never replaces a file",
                    path.display()
                )))
            } else {
                Error::io(path, e)
            }
        })?;
    f.write_all(text.as_bytes()).map_err(|e| Error::io(path, e))
}

/// `bloc new actor ID`: a commented script `<dir>/<id in lower case>.rhai`
/// with a handler for a conflict and one for a vote, and what to add to the
/// world. Refuses to replace a file.
pub fn new_actor(id: &str, dir: &Path) -> Result<String, Error> {
    if !plain_name(id) {
        return Err(Error::one(Diagnostic::new(format!(
            "`{id}` is not an actor id: letters, digits, `-` and `_` only (e.g. `TKM`)"
        ))));
    }
    let id = id.to_uppercase();
    let stem = id.to_lowercase();
    let path = dir.join(format!("{stem}.rhai"));
    let text = format!(
        r#"// {id}: what the sources say of this state beyond its interests.
//
// Most of {id}'s behaviour needs no script: the decision model
// (docs/model.md) scores every option of every kind from {id}'s interest
// weights, set in the world file under the actor:
//   {id}:
//     name: ...
//     rules: {stem}
//     interests:
//       security: 0.7      # source of this weight
//       entrapment: 0.8    # source
// (security, abandonment, entrapment, autonomy, regime, territory,
// affinity, image, duty; 0.5 when not given).
//
// A handler `on_<kind>(ev)` here answers instead of the model for that kind
// (the kinds, their fields and options: `bloc kinds`). Start from the
// model's answer and adjust it with what a source says, citing it; name no
// state: read the event and the world (`ev.attacker`, `threat(...)`,
// `main_threat(ev.actor)`, ...: docs/rules.md). A handler returns
//   #{{ scores: option -> number, forbid: option -> reason, why: text }}
// Then `bloc check` and `bloc run`.

// Example: in a war, {id} leans further toward the side it fears less
// (replace with what your source says, and cite it).
fn on_armed_conflict(ev) {{
    let d = model(ev);
    let a = ev.attacker;
    let b = ev.defender;
    let closer = if threat(ev.actor, a) < threat(ev.actor, b) {{ a }} else {{ b }};
    d.scores["diplomatic_support:" + closer] += 0.1;
    d.why = "source: ...; the model alone: " + d.why;
    d
}}
"#
    );
    create(&path, &text)?;
    Ok(format!(
        "wrote {}\nnext: add `rules: {stem}` to actor {id} in the world file, then `bloc check`\n",
        path.display()
    ))
}

/// `bloc new scenario NAME`: a commented scenario `<dir>/NAME.yaml` on a
/// world in `<dir>/worlds/` (sco-2008.yaml if there), with one group and one
/// event taken from that world, checked by loading it. Refuses to replace a file.
pub fn new_scenario(name: &str, dir: &Path) -> Result<String, Error> {
    if !plain_name(name) {
        return Err(Error::one(Diagnostic::new(format!(
            "`{name}` is not a plain file name: letters, digits, `-` and `_` only"
        ))));
    }
    let worlds = dir.join("worlds");
    let world = [worlds.join("sco-2008.yaml")]
        .into_iter()
        .find(|p| p.is_file())
        .or_else(|| yaml_in(&worlds).into_iter().next())
        .ok_or_else(|| {
            Error::one(
                Diagnostic::new(format!("no world file in `{}`", worlds.display())).note(
                    "a scenario needs a world: copy one (e.g. the repository's scenarios/worlds/sco-2008.yaml) there, or give --dir the folder holding worlds/",
                ),
            )
        })?;
    let w = scenario::load_world_file(&world)?;
    let org = w
        .orgs
        .iter()
        .find(|o| o.members.len() >= 2)
        .ok_or_else(|| {
            Error::one(Diagnostic::new(format!(
                "`{}` has no organization of two members or more to assess",
                world.display()
            )))
        })?;
    let (a, b) = (org.members[0], org.members[1]);
    let other = (0..w.actors.len()).find(|x| !org.members.contains(x));
    let (attacker, defender) = match other {
        Some(o) => (a, o),
        None => (a, b),
    };
    let rel = format!(
        "worlds/{}",
        world
            .file_name()
            .map_or(String::new(), |f| f.to_string_lossy().into_owned())
    );
    let text = format!(
        r#"# {name}: the question this scenario asks, and the source it follows.
# Run it: bloc run {dir}/{name}.yaml   Check it: bloc check {dir}/{name}.yaml
# Every section: docs/scenarios.md; event kinds and their fields: `bloc kinds`.
name: {name}
description: >
  The question, in a sentence or two: it heads every report.
world: {rel}
seed: 1
runs: 200
turns: 1
temperature: 0.25

# The groups whose verdict (alliance, alignment, partnership) is measured.
groups:
  - org: {org}
  # - id: a-pair
  #   actors: [{a}, {b}]

# What happens, turn by turn.
timeline:
  - turn: 1
    id: first-event
    kind: armed_conflict
    description: Say what happens.
    attacker: {attacker}
    defender: {defender}

# What the source says should happen, checked by `bloc test` (docs/scenarios.md).
# expect:
#   - claim: {b} does not fight for {attacker}
#     event: first-event
#     actor: {b}
#     choice: military_support:{attacker}
#     at_most: 0.05
#     why: "source: ..."
"#,
        dir = dir.display(),
        org = org.id,
        a = w.name(a),
        b = w.name(b),
        attacker = w.name(attacker),
        defender = w.name(defender),
    );
    let path = dir.join(format!("{name}.yaml"));
    create(&path, &text)?;
    if let Err(e) = scenario::load(
        &path,
        &LoadOptions {
            seed: None,
            runs: None,
            rules: None,
            overrides: vec![],
        },
    ) {
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    Ok(format!(
        "wrote {}\nnext: edit it, then `bloc check {}` and `bloc run {}`\n",
        path.display(),
        path.display(),
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handlers_are_found_with_their_positions() {
        let text = "fn on_vote(ev) { 1 }\n  private fn on_armed_conflit(ev) {}\nfn helper(ev) {}\nfn on_two(a, b) {}\n";
        assert_eq!(
            handlers_and_misfits(text).0,
            vec![
                ("on_vote".to_string(), 1, 4),
                ("on_armed_conflit".to_string(), 2, 14)
            ]
        );
    }

    #[test]
    fn attributes_read_are_found_with_their_positions() {
        let text = "let x = attr(ev.actor, \"risk_aversion\") + has_attr(a, \"nope\");\n  attr(me, \"west_image\") // attr(a, \"comment\")\nattr(a, name)\n";
        assert_eq!(
            attributes_read(text),
            vec![
                ("risk_aversion".to_string(), 1, 25),
                ("west_image".to_string(), 2, 13)
            ]
        );
    }

    #[test]
    fn a_misspelt_handler_gets_the_nearest_kind() {
        let known: BTreeSet<String> = events::builtin()
            .map(|k| format!("on_{}", k.name))
            .collect();
        assert_eq!(
            suggest("on_armed_conflit", &known),
            Some("on_armed_conflict")
        );
        assert_eq!(suggest("on_votes", &known), Some("on_vote"));
        assert_eq!(suggest("on_something_else_entirely", &known), None);
    }

    #[test]
    fn every_kind_is_listed() {
        let text = kinds_text();
        for k in events::builtin() {
            let decided = format!("{}  (handler `on_{}`)", k.name, k.name);
            let undecided = format!("{}  (no handler: no one decides)", k.name);
            assert!(
                text.contains(&decided) || text.contains(&undecided),
                "{}",
                k.name
            );
        }
    }
}
