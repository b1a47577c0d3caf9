//! Many runs of one plan: in parallel (rayon), in fixed chunks of run
//! indices, folded into one [`Summary`]. Because every run's randomness
//! derives from (seed, index) alone and the summary is integer tallies that
//! merge exactly, the result is the same bits for any number of threads, any
//! chunking, and any split into shards. Workers take chunks as they free
//! up; per-run outputs (trace, CSV rows) reach their writer in index order,
//! with at most [`AHEAD`] chunks held; `--until-ci` runs in batches so that
//! it checks the summary at fixed run counts.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Error};
use crate::plan::Plan;
use crate::report::Summary;
use crate::sim::{self, RunResult};
use crate::stat::wilson;

/// Runs per chunk: the unit of work a thread takes.
const CHUNK: u32 = 16;
/// Runs between two checks of `--until-ci` (fixed, so the stopping point
/// does not depend on the thread count).
const CI_BATCH: u32 = 250;

/// A chunk's per-run outputs, or its first failing run.
type ChunkResult<T> = Result<Vec<T>, (u32, Error)>;

/// A worker thread's own, for one ensemble: what its runs computed before
/// their draws (`sim::Reuse`) and the summary of its runs. Summaries merge
/// exactly, so one per thread, merged at the end, is the summary of all
/// runs; a summary per chunk, made and merged on the calling thread while
/// the workers waited, kept two threads from scaling once runs were fast.
struct Worker {
    reuse: sim::Reuse,
    summary: Summary,
}

/// The summary of every worker's runs.
fn total(plan: &Plan, workers: &[Mutex<Worker>]) -> Summary {
    let mut s = Summary::new(plan);
    for w in workers {
        s.merge(&w.lock().unwrap_or_else(|p| p.into_inner()).summary);
    }
    s
}

/// How to run the ensemble.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Worker threads; `None` = all cores.
    pub threads: Option<usize>,
    /// Run only slice K of N (1-based) of the run indices.
    pub shard: Option<(u32, u32)>,
    /// Stop once every verdict share's 95% half-width is below this.
    pub until_ci: Option<f64>,
    /// Show a progress bar on stderr (if it is a terminal).
    pub progress: bool,
}

/// The indices `[start, end)` of shard `k` of `n` out of `count` runs (or
/// sweep points). More shards than runs is refused: a shard would have none,
/// and a report (or a verdict) from no runs means nothing. With `n <=
/// count` every shard has at least one.
pub fn shard_range(count: u32, k: u32, n: u32, what: &str) -> Result<(u32, u32), Error> {
    if n > count {
        return Err(Error::one(
            Diagnostic::new(format!(
                "--shard {k}/{n}: {n} shards of {count} {what} would leave shards with none"
            ))
            .note(format!("use at most {count} shards, or more {what}")),
        ));
    }
    let at = |i: u32| (u64::from(count) * u64::from(i) / u64::from(n)) as u32;
    Ok((at(k - 1), at(k)))
}

/// What an ensemble produced (`summary.runs` says how many runs it took).
pub struct Ensemble {
    pub summary: Summary,
    /// Whether `--until-ci` was met (always true without it).
    pub converged: bool,
}

/// Run the plan's runs. `each(run)` turns a finished run into a per-run
/// output (a trace document, a CSV row) on the worker thread; `emit` gets
/// those outputs in run-index order, one call at a time, on whichever
/// worker thread finished the oldest chunk still to emit (or, under
/// `--until-ci`, on the calling thread after each batch).
pub fn run<T: Send>(
    plan: &Plan,
    opts: &Options,
    each: impl Fn(&RunResult) -> Option<T> + Sync,
    mut emit: impl FnMut(T) -> Result<(), Error> + Send,
) -> Result<Ensemble, Error> {
    let (start, end) = match opts.shard {
        Some((k, n)) => shard_range(plan.runs, k, n, "runs")?,
        None => (0, plan.runs),
    };
    plan.check_work(end - start)?;
    let (pool, threads) = thread_pool(opts.threads)?;
    let bar = progress_bar(opts.progress, u64::from(end - start));
    let workers: Vec<Mutex<Worker>> = (0..threads)
        .map(|_| {
            Mutex::new(Worker {
                reuse: sim::Reuse::new(),
                summary: Summary::new(plan),
            })
        })
        .collect();
    let converged = match opts.until_ci {
        Some(w) => batched(
            plan,
            w,
            (start, end),
            &pool,
            &workers,
            &bar,
            &each,
            &mut emit,
        )?,
        None => {
            streamed(plan, (start, end), &pool, &workers, &bar, &each, emit)?;
            true
        }
    };
    bar.finish_and_clear();
    let summary = total(plan, &workers);
    Ok(Ensemble { summary, converged })
}

/// Chunks a worker may run ahead of the oldest chunk whose outputs are not
/// yet emitted: it bounds the per-run outputs (traces, CSV rows) held to
/// 1,024 runs', as the batches before it did.
const AHEAD: u32 = 64;

/// Chunks finished out of order, waiting for their turn to be emitted.
struct Commit<T, E> {
    /// The next chunk to emit.
    want: u32,
    pending: BTreeMap<u32, ChunkResult<T>>,
    emit: E,
    /// The first failure, in run order: a run's error or the emitter's.
    failure: Option<Error>,
}

/// Stops the other workers when a worker unwinds.
struct Release<'a, T, E> {
    stop: &'a AtomicBool,
    commit: &'a Mutex<Commit<T, E>>,
    moved: &'a Condvar,
}

impl<T, E> Drop for Release<'_, T, E> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Under the lock, so that no worker checks `stop` between the
            // store and the notification and then waits for good.
            let _k = self.commit.lock().unwrap_or_else(|p| p.into_inner());
            self.stop.store(true, Ordering::Relaxed);
            self.moved.notify_all();
        }
    }
}

/// Runs `[start, end)` with no barrier: each worker takes the next chunk as
/// soon as it is free, and whichever worker finishes the oldest chunk not
/// yet emitted emits it and the finished chunks after it, in index order.
/// (Batches with a barrier, as `--until-ci` needs, left each of two cores
/// idle about 5% of the time on the cheapest scenarios: every batch,
/// waking and waiting for the other.)
#[allow(clippy::too_many_arguments)]
fn streamed<T: Send>(
    plan: &Plan,
    (start, end): (u32, u32),
    pool: &rayon::ThreadPool,
    workers: &[Mutex<Worker>],
    bar: &ProgressBar,
    each: &(impl Fn(&RunResult) -> Option<T> + Sync),
    emit: impl FnMut(T) -> Result<(), Error> + Send,
) -> Result<(), Error> {
    let chunks = (end - start).div_ceil(CHUNK);
    let next = AtomicU32::new(0);
    let failed_at = AtomicU32::new(u32::MAX);
    let stop = AtomicBool::new(false);
    let commit = Mutex::new(Commit {
        want: 0,
        pending: BTreeMap::new(),
        emit,
        failure: None,
    });
    let moved = Condvar::new();
    pool.in_place_scope(|scope| {
        for worker in workers {
            let (next, failed_at, stop, commit, moved) =
                (&next, &failed_at, &stop, &commit, &moved);
            scope.spawn(move |_| {
                // If this worker panics (a bug: bad input is an error, not a
                // panic), the others must not wait for its chunk forever:
                // they stop, and the scope passes the panic on.
                let _release = Release {
                    stop,
                    commit,
                    moved,
                };
                // This task's own: never contended.
                let mut worker = worker.lock().unwrap_or_else(|p| p.into_inner());
                let Worker { reuse, summary } = &mut *worker;
                loop {
                    let c = next.fetch_add(1, Ordering::Relaxed);
                    if c >= chunks {
                        break;
                    }
                    let a = start + c * CHUNK;
                    let b = end.min(a + CHUNK);
                    if c >= AHEAD {
                        let mut k = commit.lock().unwrap_or_else(|p| p.into_inner());
                        while c >= k.want + AHEAD && !stop.load(Ordering::Relaxed) {
                            k = moved.wait(k).unwrap_or_else(|p| p.into_inner());
                        }
                    }
                    // A lower-numbered run failed (its error is the one
                    // reported), or the outputs cannot be written.
                    if stop.load(Ordering::Relaxed) || failed_at.load(Ordering::Relaxed) < a {
                        break;
                    }
                    let result = run_chunk(plan, (a, b), reuse, summary, each, failed_at);
                    bar.inc(u64::from(b - a));
                    let mut guard = commit.lock().unwrap_or_else(|p| p.into_inner());
                    let k = &mut *guard;
                    k.pending.insert(c, result);
                    let before = k.want;
                    while let Some(r) = k.pending.remove(&k.want) {
                        k.want += 1;
                        if k.failure.is_some() {
                            continue;
                        }
                        let emitted = r
                            .map_err(|(index, e)| name_run(e, plan, index))
                            .and_then(|outs| outs.into_iter().try_for_each(&mut k.emit));
                        if let Err(e) = emitted {
                            k.failure = Some(e);
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                    if k.want != before {
                        moved.notify_all();
                    }
                }
            });
        }
    });
    let k = commit.into_inner().unwrap_or_else(|p| p.into_inner());
    k.failure.map_or(Ok(()), Err)
}

/// Runs `[a, b)` into a worker's summary, with their per-run outputs; stops
/// at its first failing run, or before any run past a lower-numbered
/// failure elsewhere (whose error is the one reported).
fn run_chunk<T>(
    plan: &Plan,
    (a, b): (u32, u32),
    reuse: &mut sim::Reuse,
    summary: &mut Summary,
    each: &impl Fn(&RunResult) -> Option<T>,
    failed_at: &AtomicU32,
) -> ChunkResult<T> {
    let mut outs = Vec::new();
    for index in a..b {
        if failed_at.load(Ordering::Relaxed) < index {
            break;
        }
        match sim::run_reusing(plan, index, reuse) {
            Ok(run) => {
                summary.add(&run);
                if let Some(x) = each(&run) {
                    outs.push(x);
                }
            }
            Err(e) => {
                failed_at.fetch_min(index, Ordering::Relaxed);
                return Err((index, e));
            }
        }
    }
    Ok(outs)
}

/// Runs `[start, end)` in batches of [`CI_BATCH`] runs until every verdict
/// share's half-width is below `until_ci`: all of a batch's runs are done
/// before its outputs are emitted and the summary checked (at fixed run
/// counts, so where it stops does not depend on the thread count).
/// Whether the target was met.
#[allow(clippy::too_many_arguments)]
fn batched<T: Send>(
    plan: &Plan,
    until_ci: f64,
    (start, end): (u32, u32),
    pool: &rayon::ThreadPool,
    workers: &[Mutex<Worker>],
    bar: &ProgressBar,
    each: &(impl Fn(&RunResult) -> Option<T> + Sync),
    emit: &mut impl FnMut(T) -> Result<(), Error>,
) -> Result<bool, Error> {
    let threads = workers.len();
    let failed_at = AtomicU32::new(u32::MAX);
    let mut next = start;
    let mut converged = false;
    while next < end {
        let stop = end.min(next.saturating_add(CI_BATCH));
        let chunks: Vec<(u32, u32)> = (next..stop)
            .step_by(CHUNK as usize)
            .map(|a| (a, stop.min(a + CHUNK)))
            .collect();
        let results: Vec<ChunkResult<T>> = pool.install(|| {
            chunks
                .par_iter()
                .map(|&(a, b)| {
                    // This thread's own: never contended.
                    let slot = rayon::current_thread_index().unwrap_or(0) % threads;
                    let mut worker = workers[slot].lock().unwrap_or_else(|p| p.into_inner());
                    let Worker { reuse, summary } = &mut *worker;
                    let result = run_chunk(plan, (a, b), reuse, summary, each, &failed_at);
                    bar.inc(u64::from(b - a));
                    result
                })
                .collect()
        });
        // Chunks are in index order, and each stops at its first failure,
        // so the first error here is the lowest-numbered failing run.
        for r in results {
            let outs = r.map_err(|(index, e)| name_run(e, plan, index))?;
            for x in outs {
                emit(x)?;
            }
        }
        next = stop;
        if half_widths_below(&total(plan, workers), until_ci) {
            converged = true;
            break;
        }
    }
    Ok(converged)
}

/// Whether every verdict share of every group has a 95% Wilson interval
/// narrower than `w` on each side of its estimate.
pub fn half_widths_below(s: &Summary, w: f64) -> bool {
    s.runs > 0
        && s.groups.iter().all(|g| {
            g.verdicts.iter().all(|k| {
                let (lo, hi) = wilson(*k, s.runs);
                (hi - lo) / 2.0 < w
            })
        })
}

/// The process's pool of `threads` workers (default: one per core), and its
/// size. Pools are made once per size and reused by every ensemble: each
/// worker keeps its compiled copy of the rules (`RuleBook::local`) for as
/// long as it lives, so the points of a sweep do not recompile them.
fn thread_pool(threads: Option<usize>) -> Result<(Arc<rayon::ThreadPool>, usize), Error> {
    static POOLS: Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>> = Mutex::new(Vec::new());
    let n = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let mut pools = POOLS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, p)) = pools.iter().find(|(k, _)| *k == n) {
        return Ok((p.clone(), n));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| {
            Error::one(crate::Diagnostic::new(format!(
                "cannot start {n} threads: {e}"
            )))
        })?;
    let pool = Arc::new(pool);
    pools.push((n, pool.clone()));
    Ok((pool, n))
}

fn name_run(e: Error, plan: &Plan, index: u32) -> Error {
    match e {
        Error::Script(d) => Error::Script(Box::new(d.note(format!(
            "in run {index} of seed {} (reproduce with --seed {} --runs {})",
            plan.seed,
            plan.seed,
            index + 1
        )))),
        other => other,
    }
}

fn progress_bar(show: bool, len: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    // Drawn only when stderr is a terminal; a pipe or CI log gets nothing.
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Fold runs `[0, runs)` in parallel into an accumulator, chunk by chunk,
/// for experiments whose tally is not a [`Summary`] (paired comparisons).
/// `merge` must be exact (integer tallies) for the result not to depend on
/// the thread count. A failure reports the lowest failing run; `step` says
/// in its error which run of which scenario failed (it alone knows).
pub fn fold<A: Send>(
    runs: u32,
    threads: Option<usize>,
    init: impl Fn() -> A + Sync,
    step: impl Fn(&mut A, u32) -> Result<(), Error> + Sync,
    merge: impl Fn(&mut A, A),
) -> Result<A, Error> {
    let (pool, _) = thread_pool(threads)?;
    let chunks: Vec<(u32, u32)> = (0..runs)
        .step_by(CHUNK as usize)
        .map(|a| (a, runs.min(a + CHUNK)))
        .collect();
    let parts: Vec<Result<A, Error>> = pool.install(|| {
        chunks
            .par_iter()
            .map(|&(a, b)| {
                let mut acc = init();
                for index in a..b {
                    step(&mut acc, index)?;
                }
                Ok(acc)
            })
            .collect()
    });
    let mut total = init();
    for p in parts {
        merge(&mut total, p?);
    }
    Ok(total)
}
