//! The YAML edge: world and scenario files are parsed here, checked (every
//! problem at once, each with file:line:column) and turned into a [`Plan`].
//! No other module knows YAML exists. By section: `raw` (serde types),
//! `check` (positioned problems), `world`, `timeline`, `claims`, `amend`;
//! here, `load` puts them together.

mod amend;
mod check;
mod claims;
mod raw;
mod timeline;
mod world;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::analysis::{GroupSpec, Thresholds};
use crate::diagnostic::{Diagnostic, Error, SourceFile, Span};
use crate::events::{self, Event};
use crate::plan::limits::{MAX_EVENTS, MAX_RUNS, MAX_STEPS_PER_RUN, MAX_TURNS};
use crate::plan::{CustomKind, Plan};
use crate::rules::RuleBook;
use crate::uncertainty::{self, Sample};
use crate::world::Party;
use amend::amend;
use check::*;
use claims::claim;
use raw::*;
use timeline::event_kind;
use world::{WorldFiles, add_sections, load_world};

/// What the command line may override in a scenario.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub seed: Option<u64>,
    pub runs: Option<u32>,
    pub rules: Option<PathBuf>,
    /// Extra `path=value` world overrides, applied after the scenario's own.
    pub overrides: Vec<(String, f64)>,
}

pub(super) fn read(path: &Path) -> Result<SourceFile, Error> {
    SourceFile::read(path)
}

/// Parse YAML into `T`, turning the parser's error into a positioned diagnostic.
pub(super) fn parse<T: for<'de> Deserialize<'de>>(file: &SourceFile) -> Result<T, Error> {
    serde_saphyr::from_str::<T>(&file.text).map_err(|e| {
        let inner = e.without_snippet();
        let message = yaml_message(inner);
        let mut d = Diagnostic::new(message).in_file(file);
        if let Some(l) = inner.location().filter(|l| l.line() > 0) {
            d = d.at(file, span_at(l, 1));
        }
        Error::one(d)
    })
}

/// The parser's message without its own position suffix (we print ours).
pub(super) fn yaml_message(e: &serde_saphyr::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    let text = text.trim();
    // The parser's advice to its caller, not to a user.
    let text = text
        .strip_suffix(", set DuplicateKeyPolicy in Options if acceptable")
        .map_or_else(|| text.to_string(), |t| format!("{t} (each key once)"));
    let text = text.replace(
        "rejected by the configured policy",
        "(numbers must be finite)",
    );
    // Rust's type names, said as what the field takes.
    let text = match text.as_str() {
        "invalid u8" | "invalid u16" | "invalid u32" => {
            "expected a whole number from 0 to 4294967295".to_string()
        }
        "invalid u64" | "invalid usize" => {
            "expected a whole number from 0 to 18446744073709551615".to_string()
        }
        "data did not match any variant of untagged enum RawNumber" => {
            "expected a number, or a distribution (uniform, normal, beta, triangular or choice)"
                .to_string()
        }
        _ => text,
    };
    match text.strip_prefix("budget breached: ") {
        Some(breach) => budget_message(breach),
        None => format!("invalid YAML: {text}"),
    }
}

/// A refusal of the YAML parser's budget (its defaults: 250,000 nodes, 64
/// levels, 1,000,000 events, 50,000 aliases and anchors, 1,024 documents) as
/// a sentence; the parser says only `budget breached: Nodes { nodes: … }`.
fn budget_message(breach: &str) -> String {
    let name = breach
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or(breach);
    let what = match name {
        "Nodes" => "it has more than 250,000 values, lists and maps",
        "Depth" => "it nests lists and maps more than 64 levels deep",
        "Events" => "it is longer than the parser reads (1,000,000 parser events)",
        "Aliases"
        | "Anchors"
        | "AliasAnchorRatio"
        | "RecordedAnchorEvents"
        | "RecordedAnchorBytes" => {
            "it repeats anchors (`&a`) through aliases (`*a`) far more than a scenario needs (an alias bomb?)"
        }
        "Documents" => "it holds more than 1,024 YAML documents (`---`)",
        "ScalarBytes" => "its texts add up to more than 64 MiB",
        "MergeKeys" => "it has more than 10,000 merge keys (`<<`)",
        _ => "it exceeds one of the parser's limits",
    };
    format!("this YAML is too large to read: {what}; a scenario or world is far smaller")
}

/// An actor whose `rules: NAME` has no `NAME.rhai` in the rules folder, as
/// an error at that `rules:`, in whichever file wrote it (the world file, a
/// world it extends, or the scenario's `extend:`).
fn missing_scripts(
    world: &crate::world::World,
    rules_dir: &Path,
    rules_at: &[RulesAt],
) -> Result<(), Error> {
    if !rules_dir.is_dir() {
        return Ok(()); // the rule book says the folder is missing
    }
    let mut errors = Vec::new();
    for a in world.actors.iter() {
        let Some(stem) = &a.rules else { continue };
        let Some((_, file, span)) = rules_at.iter().find(|(id, _, _)| *id == a.id) else {
            continue;
        };
        // Nothing outside the rules folder is looked at, not even whether
        // it exists.
        let leaves = Path::new(stem)
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)));
        if stem.is_empty() || leaves {
            errors.push(
                Diagnostic::new(format!(
                    "rules `{stem}` of actor `{}` leave the rules folder",
                    a.id
                ))
                .at(file, *span)
                .label("not a script's name")
                .note("name a script by its stem (`russia` for rules/russia.rhai)"),
            );
            continue;
        }
        let script = rules_dir.join(format!("{stem}.rhai"));
        if script.exists() {
            continue;
        }
        errors.push(
            Diagnostic::new(format!(
                "no rule script `{}` for actor `{}`",
                script.display(),
                a.id
            ))
            .at(file, *span)
            .label("named here")
            .note(format!(
                "the rules folder is `{}` (`rules:` in the scenario or `--rules DIR`)",
                rules_dir.display()
            )),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Load a scenario file and everything it names, check it all, and compile
/// the rule scripts: the validated plan that runs.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Plan, Error> {
    let file = read(path)?;
    let raw: RawScenario = parse(&file)?;
    let base_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();

    let world_path = base_dir.join(&raw.world.value);
    let world_file = match read(&world_path) {
        Ok(f) => f,
        Err(Error::Io { source, .. }) => {
            return Err(Error::one(
                Diagnostic::new(format!(
                    "cannot read world file `{}`: {source}",
                    world_path.display()
                ))
                .at(&file, str_span(&raw.world))
                .label("named here (relative to the scenario file)"),
            ));
        }
        Err(e) => return Err(e),
    };
    let mut world_files = WorldFiles::default();
    let (mut world, mut samples) = load_world(&world_file, 0, &mut world_files)?;

    let mut c = Checker::new(&file);
    if let Some(ext) = &raw.extend {
        add_sections(&mut c, &mut world, &mut samples, &ext.sections());
        if !c.errors.is_empty() {
            return Err(Error::Invalid(c.errors));
        }
    }
    let mut rules_at = std::mem::take(&mut c.rules_at);
    rules_at.append(&mut world_files.rules_at);
    let ids = Ids::of(&world);

    for o in &raw.overrides {
        match world.param(&o.path.value) {
            Ok(p) => {
                // A setting in the scenario replaces the world's, drawn or not.
                uncertainty::forget(&mut samples, &p);
                let (x, dist) = c.number(&o.value, &format!("override of `{}`", o.path.value));
                world.set(&p, x);
                if let Some(dist) = dist {
                    samples.push(Sample {
                        path: o.path.value.clone(),
                        params: vec![p],
                        dist,
                    });
                }
            }
            Err(msg) => c.error(str_span(&o.path), msg, "no such parameter"),
        }
    }
    for (p, v) in &opts.overrides {
        match world.param(p) {
            Ok(param) => match check::unit_value(*v, &format!("--set {p}={v}: the value")) {
                Ok(v) => {
                    uncertainty::forget(&mut samples, &param);
                    world.set(&param, v)
                }
                Err(msg) => c.errors.push(Diagnostic::new(msg)),
            },
            Err(msg) => c
                .errors
                .push(Diagnostic::new(format!("in --set {p}={v}: {msg}"))),
        }
    }

    amend(&mut c, &ids, &mut world, &raw.amend);

    let temperature = raw.temperature.value;
    if !(temperature >= 0.0 && temperature.is_finite()) {
        c.error(
            span_at(raw.temperature.referenced, 1),
            format!("temperature must be 0 or more, found {temperature}"),
            "0 picks the best option; higher values spread choices",
        );
    }
    if raw.turns.value == 0 || raw.turns.value > MAX_TURNS {
        c.error(
            span_at(raw.turns.referenced, raw.turns.value.to_string().len()),
            format!(
                "turns must be between 1 and {MAX_TURNS}, found {}",
                raw.turns.value
            ),
            "here",
        );
    }
    let runs = opts.runs.unwrap_or(raw.runs.value);
    if runs == 0 || runs > MAX_RUNS {
        let msg = if runs == 0 {
            "at least one run is needed: a verdict from no runs means nothing".to_string()
        } else {
            format!("at most {MAX_RUNS} runs in one ensemble, found {runs}")
        };
        match opts.runs {
            Some(0) => c.errors.push(Diagnostic::new(format!("--runs 0: {msg}"))),
            Some(n) => c.errors.push(
                Diagnostic::new(format!("--runs {n}: {msg}"))
                    .note("use --shard K/N and `bloc merge` for more runs"),
            ),
            None => c.error(
                span_at(raw.runs.referenced, runs.to_string().len()),
                format!("runs: {msg}"),
                "here",
            ),
        }
    }
    if raw.timeline.len() > MAX_EVENTS {
        let ev = &raw.timeline[MAX_EVENTS];
        c.error(
            str_span(&ev.id),
            format!(
                "the timeline has {} events, more than the limit of {MAX_EVENTS}",
                raw.timeline.len()
            ),
            "the first event over the limit",
        );
        return Err(Error::Invalid(c.errors));
    }

    let mut groups: Vec<GroupSpec> = Vec::new();
    for sg in &raw.groups {
        let g = &sg.value;
        if let Some(id) = &g.id {
            c.id(id, "group");
        }
        let rivals: Vec<Party> = g
            .rivals
            .iter()
            .filter_map(|r| c.party(&ids, r, "in the rivals of a group"))
            .collect();
        match (&g.org, &g.actors) {
            (Some(o), None) => {
                if let Some(org) = c.org(&ids, o, "in groups") {
                    groups.push(GroupSpec {
                        id: g
                            .id
                            .as_ref()
                            .map_or_else(|| o.value.clone(), |i| i.value.clone()),
                        org: Some(org),
                        actors: vec![],
                        rivals,
                    });
                }
            }
            (None, Some(list)) => {
                let Some(id) = g.id.as_ref().map(|i| i.value.clone()) else {
                    c.errors.push(
                        Diagnostic::new("a group of listed actors needs an `id`".to_string()).at(
                            &file,
                            list.first().map(str_span).unwrap_or(Span::new(1, 1, 1)),
                        ),
                    );
                    continue;
                };
                let mut actors = c.actors(&ids, list, &format!("in group `{id}`"));
                actors.sort_unstable();
                actors.dedup();
                groups.push(GroupSpec {
                    id,
                    org: None,
                    actors,
                    rivals,
                });
            }
            (org, _) => c.error(
                match org {
                    Some(o) => str_span(o),
                    None => span_at(sg.referenced, 1),
                },
                format!(
                    "a group needs exactly one of `org` or `actors`, {}",
                    if org.is_some() {
                        "not both"
                    } else {
                        "and has neither"
                    }
                ),
                "this group",
            ),
        }
    }

    // Group ids key the tallies, claims and comparisons: one group per id.
    let mut seen = BTreeMap::new();
    for g in raw.groups.iter().map(|g| &g.value) {
        let Some(k) = g.id.as_ref().or(g.org.as_ref()) else {
            continue;
        };
        if let Some(line) = seen.insert(k.value.clone(), k.referenced.line()) {
            c.error(
                str_span(k),
                format!("duplicate group id `{}` (first at line {line})", k.value),
                "give each group its own `id`",
            );
        }
    }

    let mut thresholds = Thresholds::default();
    {
        let t = &raw.thresholds;
        for (slot, v, name) in [
            (
                &mut thresholds.formal_commitment,
                &t.formal_commitment,
                "thresholds.formal_commitment",
            ),
            (
                &mut thresholds.casus_foederis,
                &t.casus_foederis,
                "thresholds.casus_foederis",
            ),
            (
                &mut thresholds.external_orientation,
                &t.external_orientation,
                "thresholds.external_orientation",
            ),
            (
                &mut thresholds.exclusivity,
                &t.exclusivity,
                "thresholds.exclusivity",
            ),
            (
                &mut thresholds.diplomatic_solidarity,
                &t.diplomatic_solidarity,
                "thresholds.diplomatic_solidarity",
            ),
            (
                &mut thresholds.alignment,
                &t.alignment,
                "thresholds.alignment",
            ),
            (
                &mut thresholds.co_behaviour,
                &t.co_behaviour,
                "thresholds.co_behaviour",
            ),
        ] {
            if let Some(v) = v {
                *slot = c.unit(v, name);
            }
        }
    }

    let mut custom = Vec::new();
    for (k, ck) in &raw.custom_kinds.0 {
        // A kind's name is also its handler's (`on_<kind>`): a Rhai identifier.
        if let Some(bad) = k
            .value
            .chars()
            .find(|x| !(x.is_ascii_alphanumeric() || *x == '_'))
        {
            c.error_with_note(
                str_span(k),
                format!(
                    "custom kind `{}` contains `{}`",
                    k.value,
                    bad.escape_debug()
                ),
                "not a valid kind name",
                "kind names are letters, digits and `_` (the handler is `on_<kind>`)".into(),
            );
        }
        if events::spec(&k.value).is_some() {
            c.error(
                str_span(k),
                format!("custom kind `{}` has the name of a built-in kind", k.value),
                "choose another name",
            );
        } else if ck.options.is_empty() {
            c.error(
                str_span(k),
                format!("custom kind `{}` declares no options", k.value),
                "needs at least one option",
            );
        }
        custom.push(CustomKind {
            name: k.value.clone(),
            options: ck.options.clone(),
        });
    }

    let mut timeline = Vec::new();
    let mut seen_ids: BTreeMap<String, Span> = BTreeMap::new();
    // Steps of a run: each group assessed at the end of each turn, then
    // each decider of each event (as the world stands at the start).
    let mut steps = u64::from(raw.turns.value) * groups.len().max(1) as u64;
    if steps > MAX_STEPS_PER_RUN {
        c.error(
            span_at(raw.turns.referenced, raw.turns.value.to_string().len()),
            format!(
                "{} turns of {} groups are {steps} assessments in each run, more than the limit of {MAX_STEPS_PER_RUN} steps per run",
                raw.turns.value,
                groups.len()
            ),
            "too many turns for this many groups",
        );
    }
    for ev in &raw.timeline {
        c.id(&ev.id, "event");
        if seen_ids
            .insert(ev.id.value.clone(), str_span(&ev.id))
            .is_some()
        {
            c.error(
                str_span(&ev.id),
                format!("duplicate event id `{}`", ev.id.value),
                "already used by an earlier event",
            );
        }
        if ev.turn.value == 0 || ev.turn.value > raw.turns.value {
            c.error(
                span_at(ev.turn.referenced, ev.turn.value.to_string().len()),
                format!(
                    "event `{}` is at turn {}, outside 1..={}",
                    ev.id.value, ev.turn.value, raw.turns.value
                ),
                "turns are counted from 1",
            );
        }
        if let Some(kind) = event_kind(&mut c, &ids, &world, &custom, ev) {
            let event = Event {
                id: ev.id.value.clone(),
                turn: ev.turn.value,
                description: ev.description.clone().unwrap_or_default(),
                kind,
                proposal: None,
            };
            let before = steps;
            steps += event.deciders(&world).len() as u64;
            if before <= MAX_STEPS_PER_RUN && steps > MAX_STEPS_PER_RUN {
                c.error_with_note(
                    str_span(&ev.id),
                    format!(
                        "the timeline asks for more than {MAX_STEPS_PER_RUN} steps in each run (decisions of each decider of each event, and group assessments at each turn)"
                    ),
                    "the first event over the limit",
                    "a run this long takes minutes; split the scenario or name fewer `deciders`".into(),
                );
            }
            timeline.push(event);
        }
    }
    // Stable: events of one turn keep their order in the file.
    timeline.sort_by_key(|e| e.turn);

    let claims = raw
        .expect
        .iter()
        .filter_map(|rc| {
            claim(
                &mut c,
                &ids,
                &world,
                &groups,
                &timeline,
                raw.turns.value,
                rc,
            )
        })
        .collect();

    if !c.errors.is_empty() {
        return Err(Error::Invalid(c.errors));
    }

    let rules_dir = rules_dir_of(&opts.rules, raw.rules.as_ref().map(|d| &d.value), &base_dir);
    // A missing folder named in the scenario is an error at its `rules:`.
    if let (None, Some(dir)) = (&opts.rules, &raw.rules)
        && !rules_dir.is_dir()
    {
        return Err(Error::one(
            Diagnostic::new(format!(
                "cannot open rules folder `{}`: no such folder",
                rules_dir.display()
            ))
            .at(&file, str_span(dir))
            .label("named here (relative to the scenario file)"),
        ));
    }
    missing_scripts(&world, &rules_dir, &rules_at)?;
    let rules = RuleBook::load(&rules_dir, &world, &world_file)?;

    let seed = opts.seed.unwrap_or(raw.seed);
    let mut fp = Fingerprint::default();
    fp.add(file.text.as_bytes());
    for text in &world_files.texts {
        fp.add(text.as_bytes());
    }
    fp.add_dir(&rules_dir, &rules_dir);
    for (p, v) in &opts.overrides {
        fp.add(format!("{p}={v}").as_bytes());
    }
    fp.add(&seed.to_le_bytes());
    fp.add(&runs.to_le_bytes());

    Ok(Plan {
        name: raw.name,
        description: raw.description,
        path: path.to_path_buf(),
        world,
        timeline,
        turns: raw.turns.value,
        groups,
        thresholds,
        seed,
        runs,
        fingerprint: fp.hex(),
        samples,
        temperature,
        custom_kinds: custom,
        rules,
        max_proposals: raw.max_proposals as usize,
        null_model: false,
        coalition_min_acts: raw.coalition_min_acts.max(1),
        claims,
    })
}

/// The rules folder a scenario runs with: `--rules DIR`, else its
/// `rules:` (relative to the scenario file), else [`default_rules`].
fn rules_dir_of(option: &Option<PathBuf>, named: Option<&String>, base_dir: &Path) -> PathBuf {
    match (option, named) {
        (Some(dir), _) => dir.clone(),
        (None, Some(dir)) => base_dir.join(dir),
        (None, None) => default_rules(base_dir),
    }
}

/// A world file on its own, checked as a scenario would read it (for
/// `bloc check` and the scaffolds of `bloc new`).
pub fn load_world_file(path: &Path) -> Result<crate::world::World, Error> {
    let file = read(path)?;
    load_world(&file, 0, &mut WorldFiles::default()).map(|(w, _)| w)
}

/// Whether the YAML file at `path` is a world (it has `actors:` and no
/// `world:` at the top level) rather than a scenario.
pub fn is_world_file(path: &Path) -> bool {
    // Read within the input size limit: an endless or huge file is left to
    // the loader, which refuses it with a message.
    let Ok(file) = read(path) else {
        return false;
    };
    let text = &file.text;
    let top = |key: &str| text.lines().any(|l| l.starts_with(key));
    (top("actors:") || top("extends:")) && !top("world:")
}

/// The rules folder the scenario at `path` runs with (for `bloc check`).
pub fn rules_dir(path: &Path, rules: &Option<PathBuf>) -> Result<PathBuf, Error> {
    let file = read(path)?;
    let raw: RawScenario = parse(&file)?;
    let base_dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    Ok(rules_dir_of(
        rules,
        raw.rules.as_ref().map(|d| &d.value),
        &base_dir,
    ))
}

/// The rules folder of a scenario that names none: `rules/` beside the
/// scenario file, else beside the folder holding it (a repository's
/// `scenarios/x.yaml` finds the repository's `rules/`), else `rules/` in the
/// current folder. So a shipped scenario runs from any directory.
fn default_rules(base_dir: &Path) -> PathBuf {
    // `scenarios/x.yaml` looks in `rules/`, not `scenarios/../rules/`:
    // error messages name the files as a person would.
    let up = match base_dir.components().next_back() {
        Some(std::path::Component::Normal(_)) => base_dir.parent().map(Path::to_path_buf),
        _ => None,
    }
    .unwrap_or_else(|| base_dir.join(".."));
    [base_dir.join("rules"), up.join("rules")]
        .into_iter()
        .find(|d| d.is_dir())
        .unwrap_or_else(|| PathBuf::from("rules"))
}

/// FNV-1a over the inputs of a plan: not cryptographic, only to catch
/// aggregates of different scenarios, rules or seeds being merged.
struct Fingerprint(u64);

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint(0xcbf2_9ce4_8422_2325)
    }
}

impl Fingerprint {
    fn add(&mut self, bytes: &[u8]) {
        for b in bytes.iter().chain(&[0xff]) {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Every `.rhai` file under `dir`, in sorted order, with its path.
    fn add_dir(&mut self, root: &Path, dir: &Path) {
        self.add_dir_at(root, dir, 0);
    }

    /// Folders at most 16 deep (a symbolic link may loop), files read up
    /// to the input size limit.
    fn add_dir_at(&mut self, root: &Path, dir: &Path, depth: usize) {
        use std::io::Read;
        if depth > 16 {
            return;
        }
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                self.add_dir_at(root, &p, depth + 1);
            } else if p.extension().is_some_and(|x| x == "rhai") {
                let rel = p.strip_prefix(root).unwrap_or(&p);
                self.add(rel.to_string_lossy().as_bytes());
                let mut bytes = Vec::new();
                if let Ok(f) = std::fs::File::open(&p) {
                    let limit = crate::plan::limits::MAX_INPUT_BYTES;
                    let _ = f.take(limit).read_to_end(&mut bytes);
                }
                self.add(&bytes);
            }
        }
    }

    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}
