//! Reusing what a handler answered (issue 12).
//!
//! A rule script is a deterministic function of its argument and of the
//! answers of the functions bloc registers for it (world queries, the
//! decision model's functions): scripts have no clock (`no_time`), no
//! random numbers, no state that outlives a call (handlers run with
//! `eval_ast(false)` and a fresh scope; imported modules' variables are
//! values: a module exporting shared state, a closure's captured variable,
//! is refused when imported, `rules::stateful_export`), and Rhai's own
//! functions are pure. Every registered function
//! goes through `rules::ask`, which, while a handler's call is recorded,
//! notes the call and its answer (a value, or an error's message, which a
//! script could catch).
//!
//! So a handler's call is a path in a tree: from its argument (the key), the
//! first host call it makes is fixed; given that call's answer, the next is
//! fixed; and so on to its result. [`Memo`] keeps, per key, the tree of the
//! paths recorded so far. To reuse a result, it asks each call on the tree
//! of the world now in view (natively, as the script would have), and follows
//! the branch of that answer: if every answer has a branch, the script would
//! take the very same path and return the very same result (and print the
//! same lines), so that result is returned without calling Rhai. Any answer
//! not seen before is a miss: the script is called (and recorded). Answers are
//! compared exactly (floats by their bits), keys byte for byte, so a reused
//! result is the result the script gives, never an approximation.
//!
//! Errors are never kept: a failing call is made again and fails as it did.
//! The tree is bounded (paths of at most [`MAX_STEPS`] host calls, at most
//! [`MAX_NODES`] calls kept per rule book and thread); past the bound
//! handlers are simply called.

use std::cell::RefCell;
use std::collections::HashMap;

use rhai::{Dynamic, ImmutableString, Map};

use crate::value::{Fields, Value};

/// A function bloc registers for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Q {
    Attr,
    HasAttr,
    Ties,
    Threat,
    Expectation,
    IsMember,
    IsObserver,
    IsPartner,
    Members,
    OrgsOf,
    Obligation,
    HasObligation,
    BoundByExclusivity,
    HostsBase,
    BasesIn,
    SecurityTie,
    Turn,
    OutcomeOf,
    IsSuspended,
    Organizations,
    MainThreat,
    Actors,
    Utilities,
    UtilitiesOver,
    Terms,
    Model,
    Reconsider,
    Interest,
}

/// A registered function's arguments.
#[derive(Debug, Clone)]
pub(super) enum Args {
    Zero,
    One(ImmutableString),
    Two(ImmutableString, ImmutableString),
    /// An event map (the decision model reads only its `actor`).
    Ev(Map),
    /// An event map and interest weights.
    EvOver(Map, Map),
}

impl Args {
    /// As kept in a recording: of an event map, only what the decision
    /// model's functions read of it (`rules::in_event`: its `actor`).
    fn kept(self) -> Args {
        let actor = |ev: Map| -> Map {
            ev.get("actor")
                .map(|a| ("actor".into(), a.clone()))
                .into_iter()
                .collect()
        };
        match self {
            Args::Ev(ev) => Args::Ev(actor(ev)),
            Args::EvOver(ev, over) => Args::EvOver(actor(ev), over),
            other => other,
        }
    }

    fn same(&self, other: &Args) -> bool {
        match (self, other) {
            (Args::Zero, Args::Zero) => true,
            (Args::One(a), Args::One(x)) => a == x,
            (Args::Two(a, b), Args::Two(x, y)) => a == x && b == y,
            (Args::Ev(a), Args::Ev(x)) => same_map(a, x),
            (Args::EvOver(a, b), Args::EvOver(x, y)) => same_map(a, x) && same_map(b, y),
            _ => false,
        }
    }
}

/// One host call of a recorded handler call.
pub(super) struct Step {
    q: Q,
    args: Args,
    answer: super::Answer,
}

/// At most this many host calls in one recorded call (deeper paths are not
/// kept: a handler looping over many queries is simply called).
pub const MAX_STEPS: usize = 512;
/// At most this many host calls kept per rule book and thread.
pub const MAX_NODES: usize = 20_000;

thread_local! {
    /// The host calls of the handler call being recorded, if one is.
    static RECORDING: RefCell<Option<Vec<Step>>> = const { RefCell::new(None) };
}

/// Note a host call, if a handler's call is being recorded.
pub(super) fn record(q: Q, args: Args, answer: &super::Answer) {
    RECORDING.with(|r| {
        if let Some(steps) = r.borrow_mut().as_mut()
            && steps.len() <= MAX_STEPS
        {
            steps.push(Step {
                q,
                args: args.kept(),
                answer: answer.clone(),
            });
        }
    });
}

/// Ends the recording however the call ends.
struct Recording;

impl Drop for Recording {
    fn drop(&mut self) {
        RECORDING.with(|r| r.borrow_mut().take());
    }
}

/// Run `f` (a handler's call) recording its host calls: its result and the
/// calls, or `None` if there were too many to keep.
pub(super) fn recording<T>(f: impl FnOnce() -> T) -> (T, Option<Vec<Step>>) {
    RECORDING.with(|r| *r.borrow_mut() = Some(Vec::new()));
    let guard = Recording;
    let out = f();
    let steps = RECORDING.with(|r| r.borrow_mut().take());
    drop(guard);
    (out, steps.filter(|s| s.len() <= MAX_STEPS))
}

enum Node<R> {
    Leaf(R),
    Ask {
        q: Q,
        args: Args,
        next: Vec<(super::Answer, Node<R>)>,
    },
}

/// Handler results by key (what the handler was called with), each with
/// the tree of host calls that led to it.
pub(super) struct Memo<R> {
    roots: HashMap<Vec<u8>, Node<R>>,
    nodes: usize,
}

impl<R: Clone> Memo<R> {
    pub fn new() -> Memo<R> {
        Memo {
            roots: HashMap::new(),
            nodes: 0,
        }
    }

    /// The result a call with `key` gives in the world now in view, if a
    /// recorded path matches it: `ask` answers each host call on the way.
    pub fn get(&self, key: &[u8], ask: impl Fn(Q, &Args) -> super::Answer) -> Option<R> {
        let mut node = self.roots.get(key)?;
        loop {
            match node {
                Node::Leaf(r) => return Some(r.clone()),
                Node::Ask { q, args, next } => {
                    let a = ask(*q, args);
                    node = &next.iter().find(|(x, _)| same_answer(x, &a))?.1;
                }
            }
        }
    }

    /// Keep `result`, reached from `key` through `steps`.
    pub fn insert(&mut self, key: Vec<u8>, steps: Vec<Step>, result: R) {
        if self.nodes + steps.len() > MAX_NODES {
            return;
        }
        let added = steps.len();
        match self.roots.get_mut(&key) {
            Some(root) => {
                if add(root, steps.into_iter(), result) {
                    self.nodes += added;
                }
            }
            None => {
                self.roots.insert(key, chain(steps, result));
                self.nodes += added;
            }
        }
    }
}

/// A path as a chain of nodes.
fn chain<R>(steps: Vec<Step>, result: R) -> Node<R> {
    steps
        .into_iter()
        .rev()
        .fold(Node::Leaf(result), |node, s| Node::Ask {
            q: s.q,
            args: s.args,
            next: vec![(s.answer, node)],
        })
}

/// Add a path to a tree; false if it was there already (or, which a
/// deterministic script cannot do, left the tree's calls).
fn add<R>(node: &mut Node<R>, mut steps: std::vec::IntoIter<Step>, result: R) -> bool {
    match node {
        Node::Leaf(_) => false,
        Node::Ask { q, args, next } => {
            let Some(step) = steps.next() else {
                return false;
            };
            if step.q != *q || !step.args.same(args) {
                return false;
            }
            match next.iter_mut().find(|(a, _)| same_answer(a, &step.answer)) {
                Some((_, child)) => add(child, steps, result),
                None => {
                    next.push((step.answer, chain(steps.collect(), result)));
                    true
                }
            }
        }
    }
}

fn same_answer(a: &super::Answer, b: &super::Answer) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => same(x, y),
        (Err(x), Err(y)) => x == y,
        _ => false,
    }
}

/// Exact equality of two values a host function returned (floats by their
/// bits); a type bloc never returns is never equal (a miss, never a wrong
/// reuse).
fn same(a: &Dynamic, b: &Dynamic) -> bool {
    if a.is_shared() || b.is_shared() {
        false
    } else if a.is_unit() {
        b.is_unit()
    } else if a.is_bool() {
        b.is_bool() && a.as_bool() == b.as_bool()
    } else if a.is_int() {
        b.is_int() && a.as_int() == b.as_int()
    } else if a.is_float() {
        b.is_float() && a.as_float().map(f64::to_bits) == b.as_float().map(f64::to_bits)
    } else if a.is_string() {
        b.is_string()
            && match (a.as_immutable_string_ref(), b.as_immutable_string_ref()) {
                (Ok(x), Ok(y)) => *x == *y,
                _ => false,
            }
    } else if a.is_array() {
        b.is_array()
            && match (a.as_array_ref(), b.as_array_ref()) {
                (Ok(x), Ok(y)) => {
                    x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q))
                }
                _ => false,
            }
    } else if a.is_map() {
        b.is_map()
            && match (a.as_map_ref(), b.as_map_ref()) {
                (Ok(x), Ok(y)) => same_map(&x, &y),
                _ => false,
            }
    } else {
        false
    }
}

fn same_map(a: &Map, b: &Map) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b.iter())
            .all(|((k, x), (l, y))| k == l && same(x, y))
}

/// Appends an unambiguous encoding of `v` (floats by their bits) to a key.
pub(super) fn put_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Unit => out.push(0),
        Value::Bool(b) => out.extend([1, u8::from(*b)]),
        Value::Int(x) => {
            out.push(2);
            out.extend(x.to_le_bytes());
        }
        Value::Float(x) => {
            out.push(3);
            out.extend(x.to_bits().to_le_bytes());
        }
        Value::Str(s) => {
            out.push(4);
            put_str(out, s);
        }
        Value::List(xs) => {
            out.push(5);
            out.extend((xs.len() as u64).to_le_bytes());
            for x in xs {
                put_value(out, x);
            }
        }
        Value::Map(m) => {
            out.push(6);
            put_fields(out, m);
        }
        Value::Other(t) => {
            out.push(7);
            put_str(out, t);
        }
    }
}

pub(super) fn put_fields(out: &mut Vec<u8>, m: &Fields) {
    out.extend((m.len() as u64).to_le_bytes());
    for (k, v) in m {
        put_str(out, k);
        put_value(out, v);
    }
}

pub(super) fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend((s.len() as u64).to_le_bytes());
    out.extend(s.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_compared_by_their_bits() {
        assert!(same(&Dynamic::from(0.5), &Dynamic::from(0.5)));
        assert!(!same(&Dynamic::from(0.0), &Dynamic::from(-0.0)));
        assert!(!same(&Dynamic::from(1.0), &Dynamic::from(1_i64)));
        let nan = Dynamic::from(f64::NAN);
        assert!(same(&nan, &nan.clone()));
    }

    #[test]
    fn keys_tell_apart_what_a_concatenation_would_not() {
        let key = |a: &str, b: &str| {
            let mut out = Vec::new();
            put_value(&mut out, &Value::List(vec![a.into(), b.into()]));
            out
        };
        assert_ne!(key("ab", "c"), key("a", "bc"));
    }

    #[test]
    fn a_path_is_reused_only_when_every_answer_matches() {
        let step = |q, a: i64| Step {
            q,
            args: Args::Zero,
            answer: Ok(Dynamic::from(a)),
        };
        let mut m: Memo<&str> = Memo::new();
        m.insert(
            b"k".to_vec(),
            vec![step(Q::Turn, 1), step(Q::Actors, 2)],
            "one-two",
        );
        m.insert(b"k".to_vec(), vec![step(Q::Turn, 3)], "three");
        let world = |turn: i64, actors: i64| {
            move |q: Q, _: &Args| Ok(Dynamic::from(if q == Q::Turn { turn } else { actors }))
        };
        assert_eq!(m.get(b"k", world(1, 2)), Some("one-two"));
        assert_eq!(m.get(b"k", world(3, 9)), Some("three"));
        assert_eq!(m.get(b"k", world(1, 9)), None);
        assert_eq!(m.get(b"other", world(1, 2)), None);
        assert_eq!(m.nodes, 3);
    }
}

#[cfg(test)]
mod registered {
    /// Every function registered for scripts goes through `ask`: one that
    /// did not would be invisible to the memo's recordings.
    #[test]
    fn every_function_registered_for_scripts_goes_through_ask() {
        let src = include_str!("../rules.rs");
        let mut n = 0;
        for (i, _) in src.match_indices(".register_fn(") {
            let call = &src[i..src[i..].find(';').map_or(src.len(), |j| i + j)];
            assert!(call.contains("ask(Q::"), "not through ask: {call}");
            n += 1;
        }
        assert!(n >= 25, "{n} registrations found");
    }
}
