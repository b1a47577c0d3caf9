//! Rule scripts: one hardened Rhai engine per rules folder, each actor's
//! script compiled once, and the world queries scripts call. A script scores
//! the options of an event for its actor, may forbid some (hard
//! constraints), and says why. The contract is in docs/rules.md.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rhai::{
    AST, Array, CallFnOptions, Dynamic, Engine, EvalAltResult, ImmutableString, Map, Module,
    ModuleResolver, Position, Scope, Shared,
};

use crate::diagnostic::{Diagnostic, Error, SourceFile, Span};
use crate::events::Event;
use crate::interest::{Interest, Weights};
use crate::value::{Fields, Value};
use crate::world::{ActorId, Obligation, Party, World};

mod memo;
use memo::{Memo, Q};

/// Limits of the hardened engine. A decision is a few hundred operations;
/// these stop a runaway script within milliseconds.
pub const MAX_OPERATIONS: u64 = 200_000;
pub const MAX_CALL_LEVELS: usize = 48;
pub const MAX_EXPR_DEPTH: usize = 64;
pub const MAX_FN_EXPR_DEPTH: usize = 48;
pub const MAX_STRING: usize = 16 * 1024;
pub const MAX_ARRAY: usize = 10_000;
pub const MAX_MAP: usize = 10_000;

thread_local! {
    /// The world as it stands while an event is being decided. Set by
    /// [`WorldView::enter`]; the query functions read it.
    static VIEW: RefCell<Option<Arc<World>>> = const { RefCell::new(None) };
    /// The event being decided, for the decision model's functions
    /// (`utilities`, `terms`); set by [`WorldView::deciding`].
    static EVENT: RefCell<Option<Event>> = const { RefCell::new(None) };
    static MODEL_HANDLER: Arc<str> = Arc::from("decision model (docs/model.md)");
    static GENERIC_MOVE: Arc<str> = Arc::from("generic move: Snyder's abandonment (docs/model.md)");
}

/// Makes a world visible to the query functions for as long as it lives.
pub struct WorldView(());

impl WorldView {
    pub fn enter(world: &Arc<World>) -> WorldView {
        VIEW.with(|v| *v.borrow_mut() = Some(Arc::clone(world)));
        WorldView(())
    }

    /// The world and the event its actors are deciding on.
    pub fn deciding(world: &Arc<World>, ev: &Event) -> WorldView {
        EVENT.with(|e| *e.borrow_mut() = Some(ev.clone()));
        WorldView::enter(world)
    }
}

impl Drop for WorldView {
    fn drop(&mut self) {
        VIEW.with(|v| *v.borrow_mut() = None);
        EVENT.with(|e| *e.borrow_mut() = None);
    }
}

/// The event being decided and the deciding actor named in `ev.actor`.
fn in_event(
    ev: &Map,
    f: impl FnOnce(&World, &Event, ActorId) -> Result<Dynamic, String>,
) -> Answer {
    in_world(|w| {
        EVENT.with(|e| {
            let e = e.borrow();
            let Some(event) = e.as_ref() else {
                return Err(
                    "the decision model's functions work only inside an event handler".into(),
                );
            };
            let actor = ev
                .get("actor")
                .and_then(|a| a.clone().into_immutable_string().ok())
                .ok_or("the event map has no `actor`: pass the handler's `ev`")?;
            f(w, event, actor_of(w, &actor)?)
        })
    })
}

/// Weights from a script's map `#{security: 0.9}` over `base`.
fn weights_from(base: Weights, over: &Map) -> Result<Weights, String> {
    let mut w = base;
    for (k, v) in over {
        let i = Interest::parse(k).ok_or_else(|| {
            let names: Vec<&str> = Interest::ALL.iter().map(|i| i.name()).collect();
            format!("`{k}` is not an interest; interests: {}", names.join(", "))
        })?;
        let x = v
            .as_float()
            .or_else(|_| v.as_int().map(|n| n as f64))
            .map_err(|_| format!("the weight of `{k}` is not a number"))?;
        if !(0.0..=1.0).contains(&x) {
            return Err(format!("the weight of `{k}` is {x}: weights are in [0, 1]"));
        }
        w.set(i, x);
    }
    Ok(w)
}

/// An option's utility per option label, for `utilities` and `model`.
fn utilities(w: &World, ev: &Event, me: ActorId, weights: Weights) -> Map {
    let a = crate::interest::assess(w, ev, me, &weights);
    a.labels
        .into_iter()
        .zip(a.utilities)
        .map(|(l, u)| (l.into(), Dynamic::from(u)))
        .collect()
}

/// The decision model's functions (docs/model.md). Like every function
/// registered for scripts, each goes through [`ask`]: see [`memo`].
fn register_model(engine: &mut Engine) {
    use memo::Args::{Ev, EvOver, One, Two};
    engine.register_fn("utilities", |ev: Map| ask(Q::Utilities, Ev(ev)));
    engine.register_fn("utilities", |ev: Map, over: Map| {
        ask(Q::UtilitiesOver, EvOver(ev, over))
    });
    engine.register_fn("terms", |ev: Map| ask(Q::Terms, Ev(ev)));
    // The model's whole decision, to adjust: #{scores, forbid, why}.
    engine.register_fn("model", |ev: Map| ask(Q::Model, Ev(ev)));
    // The generic endogenous move (Snyder's abandonment), for a script's
    // `propose` to fall back on: a proposal map, or ().
    engine.register_fn("reconsider", |a: ImmutableString| {
        ask(Q::Reconsider, One(a))
    });
    engine.register_fn("interest", |a: ImmutableString, name: ImmutableString| {
        ask(Q::Interest, Two(a, name))
    });
}

type Rr<T> = Result<T, Box<EvalAltResult>>;

/// What a function registered for scripts answered: a value, or the message
/// of its error (a script may catch an error, so it is an answer too).
type Answer = Result<Dynamic, String>;

/// Every call a script makes into bloc: answered by [`answer`] and, while
/// a handler's call is being recorded for the memo, recorded with its
/// arguments and answer.
fn ask(q: Q, args: memo::Args) -> Rr<Dynamic> {
    let a = answer(q, &args);
    memo::record(q, args, &a);
    a.map_err(|m| m.into())
}

fn with_world<T>(f: impl FnOnce(&World) -> Result<T, String>) -> Rr<T> {
    VIEW.with(|v| match v.borrow().as_deref() {
        Some(w) => f(w).map_err(|m| m.into()),
        None => Err("world queries work only inside an event handler".into()),
    })
}

fn in_world(f: impl FnOnce(&World) -> Result<Dynamic, String>) -> Answer {
    VIEW.with(|v| match v.borrow().as_deref() {
        Some(w) => f(w),
        None => Err("world queries work only inside an event handler".into()),
    })
}

fn actor_of(w: &World, id: &str) -> Result<ActorId, String> {
    w.actor_id(id)
        .ok_or_else(|| format!("unknown actor `{id}`"))
}

fn org_of(w: &World, id: &str) -> Result<usize, String> {
    w.org_id(id)
        .ok_or_else(|| format!("unknown organization `{id}`"))
}

fn ids(xs: impl Iterator<Item = String>) -> Dynamic {
    Dynamic::from_array(xs.map(Dynamic::from).collect())
}

fn text(s: &str) -> Dynamic {
    Dynamic::from(ImmutableString::from(s))
}

/// The answer of host function `q` to `args`, from the world (and event)
/// in view: the one place these functions are computed, for a script's
/// call and for the memo's check of a recorded call alike.
fn answer(q: Q, args: &memo::Args) -> Answer {
    use memo::Args::{Ev, EvOver, One, Two, Zero};
    fn d<T: rhai::Variant + Clone>(x: T) -> Dynamic {
        Dynamic::from(x)
    }
    match (q, args) {
        (Q::Attr, Two(a, name)) => in_world(|w| {
            let i = actor_of(w, a)?;
            // Every actor has every interest weight (neutral if unlisted).
            if let Some(k) = Interest::parse(name) {
                return Ok(d(Weights::of(w, i).get(k)));
            }
            w.actor(i)
                .attributes
                .get(name.as_str())
                .map(|x| d(*x))
                .ok_or_else(|| {
                    format!("actor `{a}` has no attribute `{name}` (see the world file)")
                })
        }),
        (Q::HasAttr, Two(a, name)) => in_world(|w| {
            Ok(d(w
                .actor(actor_of(w, a)?)
                .attributes
                .contains_key(name.as_str())))
        }),
        (Q::Ties, Two(a, b)) => in_world(|w| Ok(d(w.ties.get(actor_of(w, a)?, actor_of(w, b)?)))),
        (Q::Threat, Two(a, b)) => {
            in_world(|w| Ok(d(w.threat.get(actor_of(w, a)?, actor_of(w, b)?))))
        }
        (Q::Expectation, Two(a, b)) => {
            in_world(|w| Ok(d(w.expectation.get(actor_of(w, a)?, actor_of(w, b)?))))
        }
        (Q::IsMember, Two(a, org)) => {
            in_world(|w| Ok(d(w.org(org_of(w, org)?).is_member(actor_of(w, a)?))))
        }
        (Q::IsObserver, Two(a, org)) => in_world(|w| {
            Ok(d(w
                .org(org_of(w, org)?)
                .observers
                .contains(&actor_of(w, a)?)))
        }),
        (Q::IsPartner, Two(a, org)) => in_world(|w| {
            Ok(d(w
                .org(org_of(w, org)?)
                .partners
                .contains(&actor_of(w, a)?)))
        }),
        (Q::Members, One(org)) => in_world(|w| {
            let o = w.org(org_of(w, org)?);
            Ok(ids(o.members.iter().map(|m| w.name(*m).to_string())))
        }),
        (Q::OrgsOf, One(a)) => in_world(|w| {
            let a = actor_of(w, a)?;
            Ok(ids(w.memberships(a).map(|o| o.id.clone())))
        }),
        (Q::Obligation, One(org)) => in_world(|w| {
            let o = w.org(org_of(w, org)?);
            Ok(text(o.strongest_obligation().map_or("none", |x| x.name())))
        }),
        (Q::HasObligation, Two(org, kind)) => in_world(|w| {
            let k = Obligation::parse(kind).ok_or_else(|| {
                format!("unknown obligation `{kind}`: defence, offence, neutrality, non_aggression or consultation")
            })?;
            Ok(d(w.org(org_of(w, org)?).obligations.contains(&k)))
        }),
        (Q::BoundByExclusivity, One(a)) => in_world(|w| {
            let a = actor_of(w, a)?;
            Ok(d(w.memberships(a).any(|o| o.exclusive)))
        }),
        (Q::HostsBase, Two(host, user)) => in_world(|w| {
            let (h, u) = (actor_of(w, host)?, actor_of(w, user)?);
            Ok(d(w.open_bases_in(h).any(|b| b.user == u)))
        }),
        (Q::BasesIn, One(host)) => in_world(|w| {
            let h = actor_of(w, host)?;
            Ok(ids(w.open_bases_in(h).map(|b| b.id.clone())))
        }),
        (Q::SecurityTie, Two(a, with)) => in_world(|w| {
            let a = actor_of(w, a)?;
            let target = match (w.actor_id(with), w.org_id(with)) {
                (Some(x), _) => Party::Actor(x),
                (None, Some(o)) => Party::Org(o),
                _ => return Err(format!("unknown actor or organization `{with}`")),
            };
            Ok(d(w
                .security_ties
                .iter()
                .any(|t| t.actor == a && t.with == target)))
        }),
        (Q::Turn, Zero) => in_world(|w| Ok(d(w.turn as i64))),
        // What happened so far in this run: "" if the event has not happened
        // (yet), "pending" for a proposal due next turn, else its outcome.
        (Q::OutcomeOf, One(id)) => {
            in_world(|w| Ok(text(w.history.get(id.as_str()).map_or("", String::as_str))))
        }
        (Q::IsSuspended, Two(a, org)) => in_world(|w| {
            Ok(d(w
                .org(org_of(w, org)?)
                .suspended
                .contains(&actor_of(w, a)?)))
        }),
        (Q::Organizations, Zero) => in_world(|w| Ok(ids(w.orgs.iter().map(|o| o.id.clone())))),
        // The state `a` fears most (Walt's most threatening power), "" if none.
        (Q::MainThreat, One(a)) => in_world(|w| {
            let me = actor_of(w, a)?;
            Ok(text(
                crate::interest::feud(w, me, |_| false).map_or("", |(x, _)| w.name(x)),
            ))
        }),
        (Q::Actors, Zero) => in_world(|w| Ok(ids(w.actors.iter().map(|a| a.id.clone())))),
        (Q::Utilities, Ev(ev)) => in_event(ev, |w, e, me| {
            Ok(d(utilities(w, e, me, Weights::of(w, me))))
        }),
        (Q::UtilitiesOver, EvOver(ev, over)) => in_event(ev, |w, e, me| {
            let weights = weights_from(Weights::of(w, me), over)?;
            Ok(d(utilities(w, e, me, weights)))
        }),
        (Q::Terms, Ev(ev)) => in_event(ev, |w, e, me| {
            let a = crate::interest::assess(w, e, me, &Weights::of(w, me));
            let m: Map = a
                .labels
                .into_iter()
                .zip(a.terms)
                .map(|(l, t)| {
                    let m: Map = Interest::ALL
                        .iter()
                        .map(|i| (i.name().into(), Dynamic::from(t.get(*i))))
                        .collect();
                    (l.into(), Dynamic::from(m))
                })
                .collect();
            Ok(d(m))
        }),
        (Q::Model, Ev(ev)) => in_event(ev, |w, e, me| {
            let weights = Weights::of(w, me);
            let why = crate::interest::assess(w, e, me, &weights).rationale(&weights);
            let mut m = Map::new();
            m.insert("scores".into(), Dynamic::from(utilities(w, e, me, weights)));
            m.insert("forbid".into(), Dynamic::from(Map::new()));
            m.insert("why".into(), Dynamic::from(why));
            Ok(d(m))
        }),
        (Q::Reconsider, One(a)) => in_world(|w| {
            Ok(crate::proposal::reconsider(w, actor_of(w, a)?)
                .map_or(Dynamic::UNIT, |m| Dynamic::from(to_map(&m))))
        }),
        (Q::Interest, Two(a, name)) => in_world(|w| {
            let i = Interest::parse(name).ok_or_else(|| format!("`{name}` is not an interest"))?;
            Ok(d(Weights::of(w, actor_of(w, a)?).get(i)))
        }),
        (q, _) => Err(format!("bloc bug: `{q:?}` called with the wrong arguments")),
    }
}

/// The query functions scripts call; documented in docs/rules.md. Each goes
/// through [`ask`]: see [`memo`].
fn register_queries(engine: &mut Engine) {
    use memo::Args::{One, Two, Zero};
    type S = ImmutableString;
    engine.register_fn("attr", |a: S, name: S| ask(Q::Attr, Two(a, name)));
    engine.register_fn("has_attr", |a: S, name: S| ask(Q::HasAttr, Two(a, name)));
    engine.register_fn("ties", |a: S, b: S| ask(Q::Ties, Two(a, b)));
    engine.register_fn("threat", |a: S, b: S| ask(Q::Threat, Two(a, b)));
    engine.register_fn("expectation", |a: S, b: S| ask(Q::Expectation, Two(a, b)));
    engine.register_fn("is_member", |a: S, org: S| ask(Q::IsMember, Two(a, org)));
    engine.register_fn("is_observer", |a: S, org: S| {
        ask(Q::IsObserver, Two(a, org))
    });
    engine.register_fn("is_partner", |a: S, org: S| ask(Q::IsPartner, Two(a, org)));
    engine.register_fn("members", |org: S| ask(Q::Members, One(org)));
    engine.register_fn("orgs_of", |a: S| ask(Q::OrgsOf, One(a)));
    engine.register_fn("obligation", |org: S| ask(Q::Obligation, One(org)));
    engine.register_fn("has_obligation", |org: S, kind: S| {
        ask(Q::HasObligation, Two(org, kind))
    });
    engine.register_fn("bound_by_exclusivity", |a: S| {
        ask(Q::BoundByExclusivity, One(a))
    });
    engine.register_fn("hosts_base", |host: S, user: S| {
        ask(Q::HostsBase, Two(host, user))
    });
    engine.register_fn("bases_in", |host: S| ask(Q::BasesIn, One(host)));
    engine.register_fn("security_tie", |a: S, with: S| {
        ask(Q::SecurityTie, Two(a, with))
    });
    engine.register_fn("turn", || ask(Q::Turn, Zero));
    engine.register_fn("outcome_of", |id: S| ask(Q::OutcomeOf, One(id)));
    engine.register_fn("is_suspended", |a: S, org: S| {
        ask(Q::IsSuspended, Two(a, org))
    });
    engine.register_fn("organizations", || ask(Q::Organizations, Zero));
    engine.register_fn("main_threat", |a: S| ask(Q::MainThreat, One(a)));
    engine.register_fn("actors", || ask(Q::Actors, Zero));
}

/// Module path (`lib/common`) → its text, read once from the rules folder.
type Texts = Arc<Mutex<BTreeMap<String, SourceFile>>>;

/// Resolves `import "lib/x"` to `<rules>/lib/x.rhai`, refuses any path that
/// leaves the rules folder, and keeps each module's text: a per-thread copy
/// of the rule book compiles the very same text, never a file changed since.
struct RulesResolver {
    root: PathBuf,
    /// The rules folder as the user named it, for the module's source file.
    dir: PathBuf,
    texts: Texts,
    /// Whether a module not yet read may be read from disk (only at load).
    from_disk: bool,
}

impl RulesResolver {
    /// Decided before any file is opened, whether the target exists or not:
    /// the path must be relative and made of plain names only (no `..`, no
    /// root or drive); a target that exists must also resolve inside the
    /// folder (a symbolic link may point out of it).
    fn check(&self, path: &str, pos: Position) -> Rr<()> {
        use std::path::Component;
        let lexical = !path.is_empty()
            && Path::new(path)
                .components()
                .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        let file = self.root.join(format!("{path}.rhai"));
        let inside = lexical
            && match file.canonicalize() {
                Ok(f) => f.starts_with(&self.root),
                // Missing: reported when it is read, which stays inside.
                Err(_) => true,
            };
        if inside {
            Ok(())
        } else {
            Err(EvalAltResult::ErrorInModule(
                path.into(),
                format!("import `{path}` leaves the rules folder; imports are relative to it")
                    .into(),
                pos,
            )
            .into())
        }
    }

    fn text(&self, path: &str, pos: Position) -> Rr<SourceFile> {
        let mut texts = self.texts.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = texts.get(path) {
            return Ok(f.clone());
        }
        if !self.from_disk {
            return Err(EvalAltResult::ErrorModuleNotFound(path.into(), pos).into());
        }
        let file = self.root.join(format!("{path}.rhai"));
        let text = match SourceFile::read_script(&file) {
            Ok(f) => f.text,
            Err(Error::Io { .. }) => {
                return Err(EvalAltResult::ErrorModuleNotFound(path.into(), pos).into());
            }
            // Too large, or not UTF-8: said as such, at the import.
            Err(e) => {
                let msg = e
                    .diagnostics()
                    .first()
                    .map_or_else(|| e.to_string(), |d| d.message.clone());
                return Err(EvalAltResult::ErrorInModule(
                    path.into(),
                    EvalAltResult::ErrorRuntime(msg.into(), Position::NONE).into(),
                    pos,
                )
                .into());
            }
        };
        let f = SourceFile::new(self.dir.join(format!("{path}.rhai")), text);
        texts.insert(path.to_string(), f.clone());
        Ok(f)
    }
}

thread_local! {
    /// The modules being resolved on this thread, outermost first.
    static RESOLVING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Pops the module being resolved when its resolution ends, however it ends.
struct Resolved;

impl Drop for Resolved {
    fn drop(&mut self) {
        RESOLVING.with(|r| {
            r.borrow_mut().pop();
        });
    }
}

impl ModuleResolver for RulesResolver {
    fn resolve(
        &self,
        engine: &Engine,
        _source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Rr<Shared<Module>> {
        self.check(path, pos)?;
        // A module that imports itself, directly or through others, would
        // recurse until the stack overflows: refuse the cycle by name.
        let cycle = RESOLVING.with(|r| {
            let r = r.borrow();
            r.iter().position(|p| p == path).map(|i| {
                let mut chain: Vec<&str> = r[i..].iter().map(String::as_str).collect();
                chain.push(path);
                chain.join(" -> ")
            })
        });
        if let Some(chain) = cycle {
            return Err(EvalAltResult::ErrorInModule(
                path.into(),
                format!("circular import: {chain}").into(),
                pos,
            )
            .into());
        }
        RESOLVING.with(|r| r.borrow_mut().push(path.to_string()));
        let _done = Resolved;
        let file = self.text(path, pos)?;
        let in_module = |e: Box<EvalAltResult>| -> Box<EvalAltResult> {
            EvalAltResult::ErrorInModule(path.into(), e, pos).into()
        };
        let mut ast = engine
            .compile(&*file.text)
            .map_err(|e| in_module(e.into()))?;
        // Errors inside the module's functions name it by its import path.
        ast.set_source(path);
        let mut module = Module::eval_ast_as_new(Scope::new(), &ast, engine).map_err(in_module)?;
        // A rule is a function of its event and of the world's answers
        // (ARCHITECTURE.md): a module may export values, not state. A
        // closure's captured variable is shared and outlives the call that
        // changes it, so the same run would decide differently alone, in an
        // ensemble (reuse) or on another thread.
        if let Some(name) = stateful_export(&module) {
            return Err(in_module(
                EvalAltResult::ErrorRuntime(
                    format!(
                        "exported variable `{name}` holds state (a closure's captured variable, shared between calls): rule modules may export constants and functions only"
                    )
                    .into(),
                    pos,
                )
                .into(),
            ));
        }
        module.set_id(path);
        module.build_index();
        Ok(Shared::new(module))
    }
}

/// The first exported variable of `module` (or of its sub-modules) that
/// holds a shared value: a closure's capture, reachable through arrays,
/// maps and function pointers' curried arguments.
fn stateful_export(module: &Module) -> Option<String> {
    fn holds_state(v: &Dynamic, depth: usize) -> bool {
        if v.is_shared() {
            return true;
        }
        if depth > 32 {
            return false;
        }
        if let Some(a) = v.read_lock::<Array>() {
            return a.iter().any(|x| holds_state(x, depth + 1));
        }
        if let Some(m) = v.read_lock::<Map>() {
            return m.values().any(|x| holds_state(x, depth + 1));
        }
        if let Some(f) = v.read_lock::<rhai::FnPtr>() {
            return f.curry().iter().any(|x| holds_state(x, depth + 1));
        }
        false
    }
    module
        .iter_var()
        .find(|(_, v)| holds_state(v, 0))
        .map(|(name, _)| name.to_string())
        .or_else(|| {
            module
                .iter_sub_modules()
                .find_map(|(sub, m)| stateful_export(m).map(|v| format!("{sub}::{v}")))
        })
}

/// Where the last step of the forensic engine was: finds the position of a
/// runaway loop, which Rhai reports without one.
/// Per thread, so parallel runs that fail at once cannot mix their positions.
type Step = Option<(Option<String>, Position)>;
thread_local! {
    static LAST_STEP: RefCell<Step> = const { RefCell::new(None) };
}

/// At most this many lines of `print`/`debug` are kept per call, each cut
/// to [`MAX_LOG_CHARS`] characters; the rest are counted.
pub const MAX_LOG_LINES: usize = 20;
pub const MAX_LOG_CHARS: usize = 200;

thread_local! {
    /// The lines the current call printed, and how many more were dropped.
    static LOG: RefCell<(Vec<String>, usize)> = const { RefCell::new((Vec::new(), 0)) };
}

fn log_line(mut line: String) {
    LOG.with(|l| {
        let mut l = l.borrow_mut();
        if l.0.len() < MAX_LOG_LINES {
            if let Some((i, _)) = line.char_indices().nth(MAX_LOG_CHARS) {
                line.truncate(i);
                line.push('…');
            }
            l.0.push(line);
        } else {
            l.1 += 1;
        }
    });
}

/// Take what the current call printed (and reset for the next call).
fn take_log() -> Vec<String> {
    LOG.with(|l| {
        let (mut lines, dropped) = std::mem::take(&mut *l.borrow_mut());
        if dropped > 0 {
            lines.push(format!("({dropped} more lines dropped)"));
        }
        lines
    })
}

fn build_engine(resolver: RulesResolver, forensic: bool) -> Engine {
    let mut engine = Engine::new();
    engine
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(MAX_CALL_LEVELS)
        .set_max_expr_depths(MAX_EXPR_DEPTH, MAX_FN_EXPR_DEPTH)
        .set_max_string_size(MAX_STRING)
        .set_max_array_size(MAX_ARRAY)
        .set_max_map_size(MAX_MAP)
        .set_max_functions(crate::plan::limits::MAX_SCRIPT_FUNCTIONS)
        .set_max_modules(64)
        .set_strict_variables(true);
    engine.disable_symbol("eval");
    engine.set_module_resolver(resolver);
    // Scripts' print and debug never reach the terminal: they are kept,
    // bounded, in the trace of the decision that printed them. The forensic
    // replay of a failed call drops them (they were kept the first time).
    if forensic {
        engine.on_print(|_| {});
        engine.on_debug(|_, _, _| {});
    } else {
        engine.on_print(|s| log_line(s.to_string()));
        engine.on_debug(|s, src, pos| {
            log_line(match src {
                Some(src) => format!("debug {src}:{pos}: {s}"),
                None => format!("debug {pos}: {s}"),
            })
        });
    }
    register_queries(&mut engine);
    register_model(&mut engine);
    if forensic {
        #[allow(deprecated)] // volatile, not deprecated: used only to locate a runaway script
        engine.register_debugger(
            |_, d| d,
            |_, event, _, src, pos| {
                if !pos.is_none() && matches!(event, rhai::debugger::DebuggerEvent::Step) {
                    LAST_STEP.with(|l| *l.borrow_mut() = Some((src.map(str::to_string), pos)));
                }
                Ok(rhai::debugger::DebuggerCommand::StepInto)
            },
        );
    }
    engine
}

struct Script {
    file: SourceFile,
    ast: AST,
    /// One-parameter functions (possible handlers), by name, with the label
    /// decisions record (`rules/russia.rhai: on_armed_conflict`), built once.
    handlers: BTreeMap<String, Arc<str>>,
    /// `on_<kind>` handlers by kind, so a decision looks its handler up
    /// without formatting a name.
    by_kind: BTreeMap<String, String>,
}

impl Script {
    fn new(file: SourceFile, ast: AST) -> Script {
        let mut handlers = BTreeMap::new();
        let mut by_kind = BTreeMap::new();
        for f in ast.iter_functions().filter(|f| f.params.len() == 1) {
            let name = f.name.to_string();
            let label: Arc<str> = format!("{}: {name}", file.path.display()).into();
            if let Some(kind) = name.strip_prefix("on_") {
                by_kind.insert(kind.to_string(), name.clone());
            }
            handlers.insert(name, label);
        }
        Script {
            file,
            ast,
            handlers,
            by_kind,
        }
    }
}

/// An event's facts converted for scripts once, then copied for each
/// decider (the conversion happens inside `rules`: no other module sees
/// Rhai's types); and encoded once as the memo's key.
pub struct Prepared(Map, Vec<u8>);

/// A handler's answer as the memo keeps it (the handler's label aside).
#[derive(Clone)]
struct Kept {
    scores: Vec<f64>,
    forbidden: Vec<Option<String>>,
    rationale: String,
    log: Vec<String>,
}

/// The results of this book's handlers, for reuse (see [`memo`]).
struct Memos {
    ballots: Memo<Kept>,
    proposals: Memo<Vec<Fields>>,
}

impl Memos {
    fn new() -> Mutex<Memos> {
        Mutex::new(Memos {
            ballots: Memo::new(),
            proposals: Memo::new(),
        })
    }
}

/// What an actor's script said about one event.
#[derive(Debug, Clone)]
pub struct Ballot {
    /// One score per option, in the event's option order (0 where unscored).
    pub scores: Vec<f64>,
    /// Why an option is forbidden, per option.
    pub forbidden: Vec<Option<String>>,
    pub rationale: String,
    /// Which handler answered, e.g. `rules/russia.rhai: on_armed_conflict`.
    pub handler: Arc<str>,
    /// What the handler printed (`print`, `debug`), bounded.
    pub log: Vec<String>,
}

/// The proposal maps a `propose` returned, and the handler's label.
pub type Proposals = (Vec<Fields>, Arc<str>);

/// Who was deciding what, for error messages.
pub struct CallContext<'a> {
    pub actor: &'a str,
    pub event: &'a str,
    pub kind: &'a str,
    pub turn: u32,
}

/// All compiled rule scripts of a rules folder, and the engine that runs them.
pub struct RuleBook {
    engine: Engine,
    /// The rules folder as the user named it (for messages) and canonical.
    dir: PathBuf,
    root: PathBuf,
    scripts: Vec<Script>,
    /// Import alias -> module path, shared by all scripts of the folder.
    aliases: BTreeMap<String, String>,
    /// The imported modules under their aliases, for the forensic engine.
    modules: Vec<(String, Shared<Module>)>,
    by_actor: Vec<Option<usize>>,
    default: Option<usize>,
    /// The imported modules' texts, read once.
    texts: Texts,
    /// Identifies this book for the per-thread copies; a copy has `None`.
    id: Option<u64>,
    /// Handlers' results, reused while their host calls answer the same.
    /// Only a thread's own copy calls handlers, so the lock is never
    /// contended.
    memo: Mutex<Memos>,
}

/// Rule books are numbered so that each thread keeps its own copy of each.
static NEXT_BOOK: AtomicU64 = AtomicU64::new(0);
/// How many per-thread copies have been compiled in this process.
static FORKS: AtomicU64 = AtomicU64::new(0);

/// How many per-thread copies of rule books this process has compiled (each
/// is a full compile of every script): for tests and benches.
pub fn copies_compiled() -> u64 {
    FORKS.load(Ordering::Relaxed)
}

thread_local! {
    /// This thread's copies of the rule books it has used (the last few).
    /// Rhai shares compiled functions and strings through reference counts;
    /// two threads calling into one book bounce those counts between cores
    /// and run slower together than one alone. A copy per thread shares
    /// nothing.
    static COPIES: RefCell<Vec<(u64, std::rc::Rc<RuleBook>)>> = const { RefCell::new(Vec::new()) };
}

impl std::fmt::Debug for RuleBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleBook")
            .field("root", &self.root)
            .field(
                "scripts",
                &self
                    .scripts
                    .iter()
                    .map(|s| s.file.path.clone())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl RuleBook {
    /// Compile the scripts of every actor of `world` found in `dir`.
    pub fn load(dir: &Path, world: &World, world_file: &SourceFile) -> Result<RuleBook, Error> {
        let root = dir.canonicalize().map_err(|e| {
            Error::one(
                Diagnostic::new(format!("cannot open rules folder `{}`: {e}", dir.display()))
                    .note("set it with `rules:` in the scenario or `--rules DIR`"),
            )
        })?;
        let texts: Texts = Arc::default();
        let engine = build_engine(
            RulesResolver {
                root: root.clone(),
                dir: dir.to_path_buf(),
                texts: texts.clone(),
                from_disk: true,
            },
            false,
        );
        let mut book = RuleBook {
            engine,
            dir: dir.to_path_buf(),
            root,
            scripts: Vec::new(),
            aliases: BTreeMap::new(),
            modules: Vec::new(),
            by_actor: Vec::new(),
            default: None,
            texts,
            id: Some(NEXT_BOOK.fetch_add(1, Ordering::Relaxed)),
            memo: Memos::new(),
        };
        let mut by_stem: BTreeMap<String, usize> = BTreeMap::new();
        let mut errors = Vec::new();
        let mut compile = |book: &mut RuleBook, stem: &str| -> Result<usize, Box<Diagnostic>> {
            if let Some(i) = by_stem.get(stem) {
                return Ok(*i);
            }
            // A script is named by its stem inside the rules folder: no
            // `..`, no absolute path, nothing that leaves the folder.
            let leaves = Path::new(stem).is_absolute()
                || Path::new(stem)
                    .components()
                    .any(|c| !matches!(c, std::path::Component::Normal(_)));
            if stem.is_empty() || leaves {
                return Err(Box::new(Diagnostic::new(format!(
                    "rules `{stem}` leave the rules folder: name a script by its stem (`russia` for rules/russia.rhai)"
                ))));
            }
            let path = dir.join(format!("{stem}.rhai"));
            let file = SourceFile::read_script(&path).map_err(|e| match e {
                Error::Io { source, .. } => Box::new(Diagnostic::new(format!(
                    "cannot read rule script `{}`: {source}",
                    path.display()
                ))),
                e => Box::new(e.diagnostics()[0].clone()),
            })?;
            let mut ast = book.engine.compile(&*file.text).map_err(|e| {
                let e: Box<EvalAltResult> = e.into();
                Box::new(book.diagnose(&e, &file, None))
            })?;
            ast.set_source(path.display().to_string());
            // Bind each imported module under its alias as a static module of
            // the engine, so handlers run with eval_ast(false): executing the
            // `import` before every call costs more than the call itself.
            for (module_path, alias, pos) in imports_of(&ast) {
                let span = Span::new(pos.line().unwrap_or(1), pos.position().unwrap_or(1), 6);
                match book.aliases.get(&alias) {
                    Some(known) if *known != module_path => {
                        return Err(Box::new(
                            Diagnostic::new(format!(
                                "alias `{alias}` is used for `{known}` elsewhere and for `{module_path}` here"
                            ))
                            .at(&file, span)
                            .note("one alias names one module in every rule script"),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        let module = book
                            .engine
                            .module_resolver()
                            .resolve(&book.engine, None, &module_path, pos)
                            .map_err(|e| Box::new(book.diagnose(&e, &file, None)))?;
                        book.engine
                            .register_static_module(alias.as_str(), module.clone());
                        book.modules.push((alias.clone(), module));
                        book.aliases.insert(alias, module_path);
                    }
                }
            }
            book.scripts.push(Script::new(file, ast));
            let i = book.scripts.len() - 1;
            by_stem.insert(stem.to_string(), i);
            Ok(i)
        };
        if dir.join("default.rhai").exists() {
            match compile(&mut book, "default") {
                Ok(i) => book.default = Some(i),
                Err(d) => errors.push(*d),
            }
        }
        for a in world.actors.iter() {
            let slot = match &a.rules {
                Some(stem) => match compile(&mut book, stem) {
                    Ok(i) => Some(i),
                    Err(d) => {
                        let d = if d.file.is_none() {
                            d.in_file(world_file)
                        } else {
                            *d
                        };
                        errors.push(d.note(format!(
                            "actor `{}` names rules `{stem}` (in its world file or a scenario's `extend:`)",
                            a.id
                        )));
                        None
                    }
                },
                None if book.default.is_some() => book.default,
                None => {
                    errors.push(Diagnostic::new(format!(
                        "actor `{}` has no `rules:` and the rules folder `{}` has no default.rhai",
                        a.id,
                        dir.display()
                    )));
                    None
                }
            };
            book.by_actor.push(slot);
        }
        if errors.is_empty() {
            Ok(book)
        } else {
            Err(Error::Invalid(errors))
        }
    }

    fn resolver(&self) -> RulesResolver {
        let texts = self.texts.lock().unwrap_or_else(|p| p.into_inner()).clone();
        RulesResolver {
            root: self.root.clone(),
            dir: self.dir.clone(),
            texts: Arc::new(Mutex::new(texts)),
            from_disk: false,
        }
    }

    /// A copy sharing nothing with this book: the same texts compiled again
    /// by an engine of its own.
    fn fork(&self) -> Result<RuleBook, Box<EvalAltResult>> {
        let mut engine = build_engine(self.resolver(), false);
        let mut modules = Vec::new();
        for (alias, path) in &self.aliases {
            let m = engine
                .module_resolver()
                .resolve(&engine, None, path, Position::NONE)?;
            engine.register_static_module(alias.as_str(), m.clone());
            modules.push((alias.clone(), m));
        }
        let mut scripts = Vec::new();
        for s in &self.scripts {
            let mut ast = engine.compile(&*s.file.text)?;
            ast.set_source(s.file.path.display().to_string());
            scripts.push(Script {
                file: s.file.clone(),
                ast,
                handlers: s.handlers.clone(),
                by_kind: s.by_kind.clone(),
            });
        }
        Ok(RuleBook {
            engine,
            dir: self.dir.clone(),
            root: self.root.clone(),
            scripts,
            aliases: self.aliases.clone(),
            modules,
            by_actor: self.by_actor.clone(),
            default: self.default,
            texts: self.texts.clone(),
            id: None,
            memo: Memos::new(),
        })
    }

    /// Run `f` on this thread's copy of the book (made on first use, kept
    /// for as long as the thread lives: the process's worker threads are
    /// reused across ensembles, so a sweep compiles once per thread).
    fn local<T>(&self, f: impl FnOnce(&RuleBook) -> T) -> Result<T, Box<Diagnostic>> {
        let Some(id) = self.id else {
            return Ok(f(self));
        };
        let copy = COPIES.with(|c| {
            let mut c = c.borrow_mut();
            if let Some((_, b)) = c.iter().find(|(i, _)| *i == id) {
                return Ok(b.clone());
            }
            // The texts compiled once already; a failure here is a bug, and
            // is reported rather than retried on every decision.
            let b = std::rc::Rc::new(self.fork().map_err(|e| {
                Box::new(
                    self.diagnose(&e, &self.scripts[0].file, None)
                        .note("while compiling this thread's copy of the rules"),
                )
            })?);
            FORKS.fetch_add(1, Ordering::Relaxed);
            c.push((id, b.clone()));
            if c.len() > 4 {
                c.remove(0);
            }
            Ok(b)
        });
        copy.map(|b| f(&b))
    }

    /// The script and handler that decide `kind` for `actor`: its own
    /// `on_<kind>`, else its `decide`, else the default script's.
    fn handler(&self, actor: ActorId, kind: &str) -> Option<(usize, &str)> {
        let candidates = self.by_actor[actor].into_iter().chain(self.default);
        for s in candidates {
            let script = &self.scripts[s];
            if let Some(name) = script.by_kind.get(kind) {
                return Some((s, name));
            }
            if script.handlers.contains_key("decide") {
                return Some((s, "decide"));
            }
        }
        None
    }

    /// The actors without a script of their own: they run the generic
    /// rules (`default.rhai`).
    pub fn generic_actors(&self) -> Vec<ActorId> {
        (0..self.by_actor.len())
            .filter(|a| self.by_actor[*a].is_none() || self.by_actor[*a] == self.default)
            .collect()
    }

    /// Convert an event's facts for scripts, once per event.
    pub fn prepare(&self, facts: &Fields) -> Prepared {
        let mut key = Vec::with_capacity(512);
        memo::put_fields(&mut key, facts);
        Prepared(to_map(facts), key)
    }

    fn memos(&self) -> std::sync::MutexGuard<'_, Memos> {
        self.memo.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Ask `actor`'s rules to score `options` of the event described by `ev`.
    /// The caller has entered a [`WorldView`].
    pub fn decide(
        &self,
        actor: ActorId,
        ev: &Prepared,
        options: &[String],
        ctx: &CallContext,
    ) -> Result<Ballot, Box<Diagnostic>> {
        self.local(|b| b.decide_here(actor, ev, options, ctx))?
    }

    fn decide_here(
        &self,
        actor: ActorId,
        ev: &Prepared,
        options: &[String],
        ctx: &CallContext,
    ) -> Result<Ballot, Box<Diagnostic>> {
        let Some((s, name)) = self.handler(actor, ctx.kind) else {
            // No script handles it: the decision model answers natively.
            let native = VIEW.with(|v| {
                EVENT.with(|e| {
                    let (v, e) = (v.borrow(), e.borrow());
                    let (w, ev) = (v.as_deref()?, e.as_ref()?);
                    let weights = Weights::of(w, actor);
                    let a = crate::interest::assess(w, ev, actor, &weights);
                    Some((a.utilities.clone(), a.rationale(&weights)))
                })
            });
            let (scores, rationale) = native.unwrap_or_else(|| {
                let why = format!("no rule handles `{}`: all options equal", ctx.kind);
                (vec![0.0; options.len()], why)
            });
            return Ok(Ballot {
                scores,
                forbidden: vec![None; options.len()],
                rationale,
                handler: MODEL_HANDLER.with(Arc::clone),
                log: Vec::new(),
            });
        };
        let script = &self.scripts[s];
        let handler = script
            .handlers
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.into());
        // What the handler is called with, all of it: the script, the
        // handler, the actor, the event's facts and its options.
        let mut key = Vec::with_capacity(ev.1.len() + 64);
        key.push(b'd');
        key.extend((s as u64).to_le_bytes());
        memo::put_str(&mut key, name);
        memo::put_str(&mut key, ctx.actor);
        key.extend(&ev.1);
        memo::put_value(
            &mut key,
            &Value::List(options.iter().map(|o| Value::from(o.as_str())).collect()),
        );
        if let Some(k) = self.memos().ballots.get(&key, answer) {
            return Ok(Ballot {
                scores: k.scores,
                forbidden: k.forbidden,
                rationale: k.rationale,
                handler,
                log: k.log,
            });
        }
        // Error context is built only on error: it costs more than a call.
        let doing = || {
            format!(
                "while actor `{}` decided on event `{}` ({}, turn {}) in {name}",
                ctx.actor, ctx.event, ctx.kind, ctx.turn
            )
        };
        let arg = || {
            let mut m = ev.0.clone();
            m.insert("actor".into(), Dynamic::from(ctx.actor.to_string()));
            m
        };
        take_log();
        let (out, steps) = memo::recording(|| self.invoke(s, name, arg, doing));
        let log = take_log();
        let out = out?;
        let parsed = parse_ballot(out, options);
        if let (Ok((scores, forbidden, rationale)), Some(steps)) = (&parsed, steps) {
            let kept = Kept {
                scores: scores.clone(),
                forbidden: forbidden.clone(),
                rationale: rationale.clone(),
                log: log.clone(),
            };
            self.memos().ballots.insert(key, steps, kept);
        }
        parsed.map_err(|(msg, option)| {
            let d = Diagnostic::new(format!("rule script returned an invalid decision: {msg}"));
            let d = match locate_return(&script.ast, name, option.as_deref()) {
                Some((line, col, len)) => d.at(&script.file, Span::new(line, col, len)),
                None => d.in_file(&script.file),
            };
            Box::new(d
                .note(doing())
                .note("a handler returns #{ scores: #{option: number}, forbid: #{option: reason}, why: text } (docs/rules.md)"))
        })
        .map(|(scores, forbidden, rationale)| Ballot {
            scores,
            forbidden,
            rationale,
            handler,
            log,
        })
    }

    /// Turn a Rhai error into a diagnostic at the innermost position known.
    /// Call `name(arg)` in script `s`. Errors name the file, line and
    /// column, plus `doing` (who was deciding what).
    /// `arg` builds the argument (again, for the replay of a failed call).
    fn invoke(
        &self,
        s: usize,
        name: &str,
        arg: impl Fn() -> Map,
        doing: impl FnOnce() -> String,
    ) -> Result<Dynamic, Box<Diagnostic>> {
        let script = &self.scripts[s];
        let call = |engine: &Engine| -> Rr<Dynamic> {
            let opts = CallFnOptions::new().eval_ast(false);
            engine.call_fn_with_options(opts, &mut Scope::new(), &script.ast, name, (arg(),))
        };
        call(&self.engine).map_err(|e| {
            // Rhai reports limit errors without a position: replay the
            // call, which is deterministic, on an engine that tracks steps.
            let mut located = None;
            if e.position().is_none() {
                let mut forensic = build_engine(self.resolver(), true);
                for (alias, module) in &self.modules {
                    forensic.register_static_module(alias.as_str(), module.clone());
                }
                LAST_STEP.with(|l| *l.borrow_mut() = None);
                let _ = call(&forensic);
                located = LAST_STEP.with(|l| l.borrow_mut().take());
            }
            Box::new(self.diagnose(&e, &script.file, located).note(doing()))
        })
    }

    /// For benches: run `f` with a bare call of `actor`'s handler for `kind`
    /// on `ev` (this thread's copy of the book, `call_fn` with no ballot
    /// parsing or diagnostics; it says whether the call succeeded), the
    /// baseline the engine's overhead is measured against. The caller has
    /// entered a [`WorldView`].
    pub fn with_bare_handler<T>(
        &self,
        actor: ActorId,
        kind: &str,
        ev: &Prepared,
        f: impl FnOnce(&dyn Fn() -> bool) -> T,
    ) -> Option<T> {
        self.local(|b| {
            let (s, name) = b.handler(actor, kind)?;
            let ast = &b.scripts[s].ast;
            let actor = VIEW.with(|v| {
                Dynamic::from(
                    v.borrow()
                        .as_ref()
                        .map_or(String::new(), |w| w.name(actor).to_string()),
                )
            });
            let call = || {
                let mut m = ev.0.clone();
                m.insert("actor".into(), actor.clone());
                let opts = CallFnOptions::new().eval_ast(false);
                b.engine
                    .call_fn_with_options::<Dynamic>(opts, &mut Scope::new(), ast, name, (m,))
                    .is_ok()
            };
            Some(f(&call))
        })
        .ok()
        .flatten()
    }

    /// Endogenous moves: call `propose(me)` in `actor`'s script (or the
    /// default script's) at the end of a turn. `None` if no script defines
    /// it; else the proposal maps it returned (a map, an array of maps, or
    /// `()` for none) and the handler's name. The caller has entered a
    /// [`WorldView`].
    pub fn propose(
        &self,
        actor: ActorId,
        ctx: &CallContext,
    ) -> Result<Option<Proposals>, Box<Diagnostic>> {
        self.local(|b| b.propose_here(actor, ctx))?
    }

    fn propose_here(
        &self,
        actor: ActorId,
        ctx: &CallContext,
    ) -> Result<Option<Proposals>, Box<Diagnostic>> {
        let found = self.by_actor[actor]
            .into_iter()
            .chain(self.default)
            .find(|s| self.scripts[*s].handlers.contains_key("propose"));
        let Some(s) = found else {
            // No script proposes for it: the generic move, natively.
            let native = with_world(|w| Ok(crate::proposal::reconsider(w, actor)))
                .ok()
                .flatten();
            return Ok(Some((
                native.into_iter().collect(),
                GENERIC_MOVE.with(Arc::clone),
            )));
        };
        let handler = self.scripts[s]
            .handlers
            .get("propose")
            .cloned()
            .unwrap_or_else(|| "propose".into());
        // What `propose` is called with, all of it.
        let mut key = vec![b'p'];
        key.extend((s as u64).to_le_bytes());
        memo::put_str(&mut key, ctx.actor);
        key.extend(ctx.turn.to_le_bytes());
        if let Some(maps) = self.memos().proposals.get(&key, answer) {
            return Ok(Some((maps, handler)));
        }
        let me = || {
            let mut me = Map::new();
            me.insert("actor".into(), Dynamic::from(ctx.actor.to_string()));
            me.insert("turn".into(), Dynamic::from(i64::from(ctx.turn)));
            me
        };
        let doing = || {
            format!(
                "while actor `{}` proposed events at the end of turn {} in propose",
                ctx.actor, ctx.turn
            )
        };
        // What `propose` prints is dropped: no decision's trace holds it.
        take_log();
        let (out, steps) = memo::recording(|| self.invoke(s, "propose", me, doing));
        take_log();
        let out = out?;
        let invalid = |what: String| {
            Box::new(
                Diagnostic::new(format!("rule script returned an invalid proposal: {what}"))
                    .in_file(&self.scripts[s].file)
                    .note(doing())
                    .note("`propose` returns (), a map #{ kind: ..., why: ..., ... } or an array of them (docs/rules.md)"),
            )
        };
        let maps = if out.is_unit() {
            vec![]
        } else if out.is_map() {
            vec![to_fields(out.cast::<Map>())]
        } else if out.is_array() {
            let mut v = Vec::new();
            for x in out.cast::<Array>() {
                match to_value(x) {
                    Value::Map(m) => v.push(m),
                    other => {
                        return Err(invalid(format!(
                            "an element is a {}, not a map",
                            other.type_name()
                        )));
                    }
                }
            }
            v
        } else {
            return Err(invalid(format!(
                "it returned a {}",
                to_value(out).type_name()
            )));
        };
        if let Some(steps) = steps {
            self.memos().proposals.insert(key, steps, maps.clone());
        }
        Ok(Some((maps, handler)))
    }

    fn diagnose(
        &self,
        err: &EvalAltResult,
        file: &SourceFile,
        located: Option<(Option<String>, Position)>,
    ) -> Diagnostic {
        let mut e = err;
        let mut source: Option<String> = None;
        let mut pos = err.position();
        loop {
            match e {
                EvalAltResult::ErrorInFunctionCall(_, src, inner, p) => {
                    if !src.is_empty() {
                        source = Some(src.to_string());
                    }
                    if !p.is_none() {
                        pos = *p;
                    }
                    e = inner;
                }
                EvalAltResult::ErrorInModule(path, inner, p) => {
                    if !path.is_empty() && inner.position().line().is_some() {
                        source = Some(path.to_string());
                    } else if !p.is_none() {
                        pos = *p;
                    }
                    e = inner;
                }
                _ => break,
            }
        }
        if !e.position().is_none() {
            pos = e.position();
        }
        if let Some((src, p)) = located {
            source = src.or(source);
            pos = p;
        }
        let message = match e {
            EvalAltResult::ErrorTooManyOperations(_) => format!(
                "rule script stopped: more than {MAX_OPERATIONS} operations in one decision (an endless loop?)"
            ),
            EvalAltResult::ErrorStackOverflow(_) => format!(
                "rule script stopped: calls nested more than {MAX_CALL_LEVELS} deep (recursion without end?)"
            ),
            EvalAltResult::ErrorDataTooLarge(what, _) => {
                format!(
                    "rule script stopped: {what} is over the limit ({MAX_STRING} characters, {MAX_ARRAY} array items, {MAX_MAP} map entries)"
                )
            }
            EvalAltResult::ErrorParsing(rhai::ParseErrorType::TooManyFunctions, _) => format!(
                "rule script defines more than {} functions, the limit of one script or module",
                crate::plan::limits::MAX_SCRIPT_FUNCTIONS
            ),
            EvalAltResult::ErrorParsing(p, _) => format!("rule script does not parse: {p}"),
            other => {
                let mut m = other.to_string();
                if let Some(i) = m.rfind(" (line ") {
                    m.truncate(i);
                }
                format!("rule script error: {m}")
            }
        };
        // A source is a script's path, or an imported module's import path
        // (`lib/common`), which lives in the rules folder.
        // The text shown is the one that was compiled, never the file as it
        // is on disk now (it may have been edited since loading).
        let file = match source {
            Some(s) if Path::new(&s) != file.path => {
                self.compiled_text(&s).unwrap_or_else(|| file.clone())
            }
            _ => file.clone(),
        };
        let d = Diagnostic::new(message);
        match (pos.line(), pos.position()) {
            (Some(line), col) => d.at(&file, Span::new(line, col.unwrap_or(1), 1)),
            _ => d.in_file(&file),
        }
    }
}

impl RuleBook {
    /// The compiled text of a source Rhai names: a script by its path, or an
    /// imported module by its import path (`lib/common`).
    fn compiled_text(&self, source: &str) -> Option<SourceFile> {
        if let Some(s) = self
            .scripts
            .iter()
            .find(|s| s.file.path.display().to_string() == source)
        {
            return Some(s.file.clone());
        }
        let texts = self.texts.lock().unwrap_or_else(|p| p.into_inner());
        texts.get(source).cloned()
    }
}

/// Plain values to Rhai's, for scripts to read.
fn to_dynamic(v: &Value) -> Dynamic {
    match v {
        Value::Unit | Value::Other(_) => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from(*b),
        Value::Int(x) => Dynamic::from(*x),
        Value::Float(x) => Dynamic::from(*x),
        Value::Str(s) => Dynamic::from(s.clone()),
        Value::List(xs) => Dynamic::from_array(xs.iter().map(to_dynamic).collect()),
        Value::Map(m) => Dynamic::from_map(to_map(m)),
    }
}

fn to_map(m: &Fields) -> Map {
    m.iter()
        .map(|(k, v)| (k.as_str().into(), to_dynamic(v)))
        .collect()
}

/// What a script returned, as plain values.
fn to_value(d: Dynamic) -> Value {
    if d.is_unit() {
        Value::Unit
    } else if d.is_string() || d.is_char() {
        Value::Str(d.to_string())
    } else if d.is_int() {
        Value::Int(d.as_int().unwrap_or(0))
    } else if d.is_float() {
        Value::Float(d.as_float().unwrap_or(0.0))
    } else if d.is_bool() {
        Value::Bool(d.as_bool().unwrap_or(false))
    } else if d.is_array() {
        Value::List(d.cast::<Array>().into_iter().map(to_value).collect())
    } else if d.is_map() {
        Value::Map(to_fields(d.cast::<Map>()))
    } else {
        Value::Other(d.type_name())
    }
}

fn to_fields(m: Map) -> Fields {
    m.into_iter()
        .map(|(k, v)| (k.to_string(), to_value(v)))
        .collect()
}

/// The `import "path" as alias;` statements at a script's top level.
fn imports_of(ast: &AST) -> Vec<(String, String, Position)> {
    let mut out = Vec::new();
    ast.walk(&mut |path: &[rhai::ASTNode]| {
        if let Some(rhai::ASTNode::Stmt(rhai::Stmt::Import(x, pos))) = path.last()
            && let (rhai::Expr::StringConstant(p, _), alias) = (&x.0, &x.1)
            && !alias.name.is_empty()
        {
            out.push((p.to_string(), alias.name.to_string(), *pos));
        }
        true
    });
    out
}

type Parsed = (Vec<f64>, Vec<Option<String>>, String);

/// What is wrong with a handler's answer, and the option it concerns (if
/// one), so the error can point at that option in the returned map.
type BallotError = (String, Option<String>);

/// A value that is not a usable score, described for the error.
fn score_problem(v: &Dynamic) -> Option<String> {
    if v.is_int() {
        return None;
    }
    if v.is_float() {
        let x = v.as_float().unwrap_or(0.0);
        return if x.is_nan() {
            Some("NaN, not a number".into())
        } else if x.is_infinite() {
            Some(format!("{}infinite", if x < 0.0 { "minus " } else { "" }))
        } else {
            None
        };
    }
    let what = if v.is_unit() {
        "() (nothing)".to_string()
    } else {
        format!("a {}", to_value(v.clone()).type_name())
    };
    Some(format!("{what}, not a number"))
}

fn parse_ballot(out: Dynamic, options: &[String]) -> Result<Parsed, BallotError> {
    let returned = if out.is_unit() {
        "() (nothing)".to_string()
    } else {
        format!("a {}", to_value(out.clone()).type_name())
    };
    let map = out
        .try_cast::<Map>()
        .ok_or_else(|| (format!("the handler returned {returned}, not a map"), None))?;
    let index = |k: &str| {
        options.iter().position(|o| o == k).ok_or_else(|| {
            (
                format!(
                    "`{k}` is not an option of this event (options: {})",
                    options.join(", ")
                ),
                Some(k.to_string()),
            )
        })
    };
    let mut scores = vec![0.0; options.len()];
    let mut forbidden = vec![None; options.len()];
    let mut rationale = String::new();
    for (key, value) in map {
        match key.as_str() {
            "scores" => {
                let m = value
                    .try_cast::<Map>()
                    .ok_or_else(|| ("`scores` must be a map".to_string(), None))?;
                for (k, v) in m {
                    let i = index(&k)?;
                    if let Some(problem) = score_problem(&v) {
                        return Err((
                            format!("the score of option `{k}` is {problem}"),
                            Some(k.to_string()),
                        ));
                    }
                    scores[i] = v
                        .as_float()
                        .unwrap_or_else(|_| v.as_int().unwrap_or(0) as f64);
                }
            }
            "forbid" => {
                let m = value
                    .try_cast::<Map>()
                    .ok_or_else(|| ("`forbid` must be a map".to_string(), None))?;
                for (k, v) in m {
                    let i = index(&k)?;
                    forbidden[i] = Some(v.to_string());
                }
            }
            "why" => rationale = value.to_string(),
            other => {
                return Err((
                    format!("unknown key `{other}`: expected scores, forbid or why"),
                    None,
                ));
            }
        }
    }
    Ok((scores, forbidden, rationale))
}

/// Where in handler `name` the answer being complained about is written, as
/// (line, column, length): the key of `option` in a map literal, else a map
/// literal with `scores`, else the handler's body. Rhai keeps no position
/// with a returned value, so this reads the handler's syntax tree; a map
/// that the optimiser folded into a constant is pointed at as a whole.
fn locate_return(ast: &AST, name: &str, option: Option<&str>) -> Option<(usize, usize, usize)> {
    use rhai::{ASTNode, Expr};
    let def = ast
        .iter_fn_def()
        .find(|f| f.name == name && f.params.len() == 1)?;
    let (start, end) = (def.body.start_position(), def.body.end_position());
    let key = |p: Position| (p.line().unwrap_or(0), p.position().unwrap_or(0));
    let inside = |p: Position| !p.is_none() && key(start) <= key(p) && key(p) <= key(end);
    let at = |p: Position| Some((p.line()?, p.position().unwrap_or(1)));
    let has = |m: &Map, key: &str| m.contains_key(key);
    let const_map = |d: &Dynamic| d.read_lock::<Map>().map(|m| m.clone());
    // Best match first: 0 the option's key, 1 a constant map holding it,
    // 2 a map with `scores`.
    let mut best: Option<(u8, (usize, usize), usize)> = None;
    let mut consider = |rank: u8, p: Position, len: usize| {
        if inside(p)
            && let Some(lc) = at(p)
            && best.is_none_or(|(r, _, _)| rank < r)
        {
            best = Some((rank, lc, len));
        }
    };
    let mut visit = |path: &[ASTNode]| {
        match path.last() {
            Some(ASTNode::Expr(Expr::Map(x, _))) => {
                for (ident, value) in x.0.iter() {
                    if Some(ident.name.as_str()) == option {
                        consider(0, ident.pos, ident.name.chars().count());
                    }
                    if ident.name == "scores" {
                        consider(2, ident.pos, 6);
                        if let (Some(o), Expr::DynamicConstant(d, p)) = (option, value)
                            && const_map(d).is_some_and(|m| has(&m, o))
                        {
                            consider(1, *p, 1);
                        }
                    }
                }
            }
            Some(ASTNode::Expr(Expr::DynamicConstant(d, pos))) => {
                if let Some(m) = const_map(d) {
                    let inner = m.get("scores").and_then(const_map);
                    if let (Some(o), Some(s)) = (option, &inner)
                        && (has(s, o) || has(&m, o))
                    {
                        consider(1, *pos, 1);
                    } else if option.is_some_and(|o| has(&m, o)) {
                        consider(1, *pos, 1);
                    } else if inner.is_some() {
                        consider(2, *pos, 1);
                    }
                }
            }
            _ => {}
        }
        true
    };
    ast.walk(&mut visit);
    match best {
        Some((_, (line, col), len)) => Some((line, col, len)),
        None => at(start).map(|(l, c)| (l, c, 1)),
    }
}
