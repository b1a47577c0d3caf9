//! Experiments over a scenario: parameter sweeps (a grid or a Latin
//! hypercube, with a one-at-a-time sensitivity summary) and paired
//! comparisons of two scenarios on common random numbers. Every point and
//! both sides of a comparison use the same seeds, so differences come from
//! the parameters, not from the dice.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use serde_json::{Value, json};

use crate::analysis::{Indicator, VERDICTS, Verdict};
use crate::diagnostic::{Diagnostic, Error};
use crate::ensemble::{self, Options};
use crate::plan::Plan;
use crate::report::{Summary, csv_field};
use crate::sim;
use crate::stat::{Paired, Stat};
use crate::uncertainty;
use crate::world::{Param, World};

/// `--vary PATH=LO:HI:STEP`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub path: String,
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
}

pub fn parse_vary(s: &str) -> Result<Vary, String> {
    let (path, range) = s
        .split_once('=')
        .ok_or_else(|| format!("expected PATH=LO:HI:STEP, found `{s}`"))?;
    let nums: Vec<&str> = range.split(':').collect();
    let [lo, hi, step] = nums.as_slice() else {
        return Err(format!("expected LO:HI:STEP after `=`, found `{range}`"));
    };
    let num = |x: &str| {
        x.trim()
            .parse::<f64>()
            .map_err(|_| format!("`{x}` is not a number"))
    };
    let (lo, hi, step) = (num(lo)?, num(hi)?, num(step)?);
    if !(0.0..=1.0).contains(&lo) || !(0.0..=1.0).contains(&hi) || lo > hi {
        return Err(format!(
            "need 0 <= LO <= HI <= 1 (world parameters are in [0, 1]), found {lo}:{hi}"
        ));
    }
    if step.is_nan() || step <= 0.0 {
        return Err(format!("STEP must be above 0, found {step}"));
    }
    let v = Vary {
        path: path.trim().to_string(),
        lo,
        hi,
        step,
    };
    // The same limit as the sweep's points: one range alone may not pass it.
    if v.count() > MAX_POINTS {
        return Err(format!(
            "{lo}:{hi}:{step} gives over {MAX_POINTS} values; use a larger STEP or --sample lhs:N"
        ));
    }
    Ok(v)
}

/// The most points a sweep may have (a grid's product of value counts, or
/// the N of `lhs:N`): each point is a full ensemble, and the points are
/// built before the first runs.
pub const MAX_POINTS: usize = 10_000;

impl Vary {
    /// How many values [`Vary::values`] gives, without building them;
    /// `usize::MAX` for a range no cap would allow (a STEP of 1e-300).
    pub fn count(&self) -> usize {
        let n = ((self.hi - self.lo) / self.step + 1e-9).floor();
        if n.is_finite() && n >= 0.0 && n < MAX_POINTS as f64 {
            n as usize + 1
        } else {
            usize::MAX
        }
    }

    /// LO, LO + STEP, … up to HI (inclusive, up to rounding).
    pub fn values(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step + 1e-9).floor() as usize;
        (0..=n)
            .map(|i| round(self.lo + i as f64 * self.step))
            .collect()
    }
}

/// Round away binary noise: 0.1 + 2 × 0.1 prints as 0.3.
fn round(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// How points are chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sampling {
    /// Every combination of every parameter's values.
    Grid,
    /// N points of a Latin hypercube over the ranges (seeded).
    Lhs(u32),
}

pub fn parse_sampling(s: &str) -> Result<Sampling, String> {
    match s {
        "grid" => Ok(Sampling::Grid),
        _ => match s.strip_prefix("lhs:").map(str::parse::<u32>) {
            Some(Ok(n)) if n > 0 => Ok(Sampling::Lhs(n)),
            _ => Err(format!("expected `grid` or `lhs:N` (N > 0), found `{s}`")),
        },
    }
}

/// How many points a sweep has, checked against [`MAX_POINTS`] before
/// anything is built; the error names the cap and what to do instead.
pub fn point_count(vary: &[Vary], sampling: Sampling) -> Result<usize, String> {
    let cap = "the cap is 10,000 points";
    match sampling {
        Sampling::Grid => {
            let counts: Vec<usize> = vary.iter().map(Vary::count).collect();
            let total = counts.iter().fold(1usize, |t, c| t.saturating_mul(*c));
            if total <= MAX_POINTS {
                return Ok(total);
            }
            let product = counts
                .iter()
                .map(|c| match c {
                    &usize::MAX => "over 10,000".to_string(),
                    c => c.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" x ");
            let size = if total == usize::MAX {
                "more than 10,000".to_string()
            } else {
                total.to_string()
            };
            Err(format!(
                "the grid has {size} points ({product} values); {cap}: use --sample lhs:N (N up to 10,000) or a larger STEP"
            ))
        }
        Sampling::Lhs(n) => match usize::try_from(n) {
            Ok(n) if n <= MAX_POINTS => Ok(n),
            _ => Err(format!(
                "--sample lhs:{n} asks for {n} points; {cap}: use a smaller N"
            )),
        },
    }
}

/// The sweep's points, each a value per varied parameter; refused, before
/// anything is allocated, if there would be more than [`MAX_POINTS`].
pub fn points(vary: &[Vary], sampling: Sampling, seed: u64) -> Result<Vec<Vec<f64>>, String> {
    point_count(vary, sampling)?;
    Ok(match sampling {
        Sampling::Grid => {
            let mut out = vec![vec![]];
            for v in vary {
                out = out
                    .into_iter()
                    .flat_map(|p| {
                        v.values().into_iter().map(move |x| {
                            let mut q = p.clone();
                            q.push(x);
                            q
                        })
                    })
                    .collect();
            }
            out
        }
        Sampling::Lhs(n) => {
            // One stratum per point and parameter, shuffled per parameter:
            // every parameter's range is covered evenly.
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(u64::MAX);
            let mut unit = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let mut cols: Vec<Vec<f64>> = Vec::new();
            for v in vary {
                let mut strata: Vec<u32> = (0..n).collect();
                for i in (1..strata.len()).rev() {
                    let j = (unit() * (i + 1) as f64) as usize;
                    strata.swap(i, j.min(i));
                }
                cols.push(
                    strata
                        .iter()
                        .map(|s| {
                            round(v.lo + (f64::from(*s) + unit()) / f64::from(n) * (v.hi - v.lo))
                        })
                        .collect(),
                );
            }
            (0..n as usize)
                .map(|i| cols.iter().map(|c| c[i]).collect())
                .collect()
        }
    })
}

/// A plan whose world can be set to a point and back.
pub struct Sweep<'p> {
    pub plan: &'p mut Plan,
    base_world: World,
    base_samples: Vec<uncertainty::Sample>,
    params: Vec<Param>,
}

impl<'p> Sweep<'p> {
    pub fn new(plan: &'p mut Plan, vary: &[Vary]) -> Result<Sweep<'p>, Error> {
        let mut params = Vec::new();
        let mut errors = Vec::new();
        for v in vary {
            match plan.world.param(&v.path) {
                Ok(p) => params.push(p),
                Err(msg) => errors.push(Diagnostic::new(format!("in --vary {}: {msg}", v.path))),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        Ok(Sweep {
            base_world: plan.world.clone(),
            base_samples: plan.samples.clone(),
            plan,
            params,
        })
    }

    /// Run the plan with the varied parameters at `values` (`None` = the
    /// world's own value).
    pub fn run(&mut self, values: &[Option<f64>], opts: &Options) -> Result<Summary, Error> {
        self.plan.world = self.base_world.clone();
        self.plan.samples = self.base_samples.clone();
        for (p, v) in self.params.iter().zip(values) {
            if let Some(v) = v {
                uncertainty::forget(&mut self.plan.samples, p);
                self.plan.world.set(p, *v);
            }
        }
        ensemble::run(self.plan, opts, |_| None::<()>, |_| Ok(())).map(|e| e.summary)
    }
}

/// The CSV header of a sweep: point, the parameters, then per group its
/// verdict shares and indicator means.
pub fn sweep_header(plan: &Plan, vary: &[Vary]) -> String {
    let mut cols = vec!["point".to_string()];
    cols.extend(vary.iter().map(|v| csv_field(&v.path)));
    for g in &plan.groups {
        for v in Verdict::ALL {
            cols.push(csv_field(&format!("{}.verdict.{}", g.id, v.key())));
        }
        for ind in Indicator::ALL {
            cols.push(csv_field(&format!("{}.indicator.{}", g.id, ind.key())));
        }
    }
    cols.join(",") + "\n"
}

pub fn sweep_row(point: usize, values: &[f64], s: &Summary) -> String {
    let mut cols = vec![point.to_string()];
    cols.extend(values.iter().map(|v| v.to_string()));
    for g in &s.groups {
        for k in g.verdicts {
            cols.push(format!("{:.6}", k as f64 / s.runs.max(1) as f64));
        }
        for st in &g.stats {
            cols.push(st.mean().map_or(String::new(), |m| format!("{m:.6}")));
        }
    }
    cols.join(",") + "\n"
}

/// One-at-a-time sensitivity: the change of each group's verdict shares when
/// one parameter goes from LO to HI, the others at the world's values.
#[derive(Debug, Clone)]
pub struct Sensitivity {
    pub path: String,
    pub group: String,
    /// HI minus LO, per verdict (alliance, alignment, partnership).
    pub delta: [f64; VERDICTS],
}

impl Sensitivity {
    /// The largest absolute change of a verdict share.
    pub fn size(&self) -> f64 {
        self.delta.iter().fold(0.0, |m, d| m.max(d.abs()))
    }
}

pub fn sensitivity(
    sweep: &mut Sweep,
    vary: &[Vary],
    opts: &Options,
) -> Result<Vec<Sensitivity>, Error> {
    let mut out = Vec::new();
    for (i, v) in vary.iter().enumerate() {
        let mut at = |x: f64| {
            let mut values = vec![None; vary.len()];
            values[i] = Some(x);
            sweep.run(&values, opts)
        };
        let (lo, hi) = (at(v.lo)?, at(v.hi)?);
        for (a, b) in lo.groups.iter().zip(&hi.groups) {
            let share = |s: &Summary, k: u64| k as f64 / s.runs.max(1) as f64;
            out.push(Sensitivity {
                path: v.path.clone(),
                group: a.id.clone(),
                delta: std::array::from_fn(|j| {
                    share(&hi, b.verdicts[j]) - share(&lo, a.verdicts[j])
                }),
            });
        }
    }
    // Largest effect first; ties keep the order of the command line.
    out.sort_by(|a, b| a.group.cmp(&b.group).then(b.size().total_cmp(&a.size())));
    Ok(out)
}

pub fn sensitivity_text(rows: &[Sensitivity]) -> String {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::ASCII_BORDERS_ONLY_CONDENSED);
    table.set_header(vec![
        "group",
        "parameter (LO -> HI)",
        "d alliance",
        "d alignment",
        "d partnership",
    ]);
    for r in rows {
        let f = |d: f64| format!("{:+.1} pts", 100.0 * d);
        table.add_row(vec![
            r.group.clone(),
            r.path.clone(),
            f(r.delta[0]),
            f(r.delta[1]),
            f(r.delta[2]),
        ]);
    }
    format!(
        "One-at-a-time sensitivity (each parameter from LO to HI, the others at the world's values):\n{table}\n"
    )
}

/// Paired differences of one group between two scenarios.
#[derive(Debug, Clone, Default)]
pub struct PairedGroup {
    pub id: String,
    pub a: [u64; VERDICTS],
    pub b: [u64; VERDICTS],
    pub verdicts: [Paired; VERDICTS],
    pub a_ind: Vec<Stat>,
    pub b_ind: Vec<Stat>,
    /// B − A on the runs where both tested the indicator.
    pub indicators: Vec<Paired>,
}

#[derive(Debug, Clone)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub seed: u64,
    pub runs: u32,
    pub groups: Vec<PairedGroup>,
}

/// Run A and B on the same seeds, run by run, and tally B − A for every group
/// the two scenarios share (matched by id).
pub fn compare(a: &Plan, b: &Plan, threads: Option<usize>) -> Result<Comparison, Error> {
    let shared: Vec<(usize, usize)> = a
        .groups
        .iter()
        .enumerate()
        .filter_map(|(i, g)| b.groups.iter().position(|h| h.id == g.id).map(|j| (i, j)))
        .collect();
    if shared.is_empty() {
        return Err(Error::one(Diagnostic::new(
            "the two scenarios have no group in common (groups are matched by id)".to_string(),
        )));
    }
    let init = || -> Vec<PairedGroup> {
        shared
            .iter()
            .map(|(i, _)| PairedGroup {
                id: a.groups[*i].id.clone(),
                a_ind: vec![Stat::default(); crate::analysis::N],
                b_ind: vec![Stat::default(); crate::analysis::N],
                indicators: vec![Paired::default(); crate::analysis::N],
                ..PairedGroup::default()
            })
            .collect()
    };
    let runs = a.runs;
    // Both scenarios run every run: the work of each is limited.
    a.check_work(runs)?;
    b.check_work(runs)?;
    let groups = ensemble::fold(
        runs,
        threads,
        init,
        |acc, index| {
            let ra = sim::run_once(a, index).map_err(|e| name_run(e, "A", a, index))?;
            let rb = sim::run_once(b, index).map_err(|e| name_run(e, "B", b, index))?;
            for (g, (i, j)) in acc.iter_mut().zip(&shared) {
                let (x, y) = (&ra.assessments[*i], &rb.assessments[*j]);
                for (k, v) in Verdict::ALL.iter().enumerate() {
                    let (hx, hy) = (x.verdict == *v, y.verdict == *v);
                    g.a[k] += u64::from(hx);
                    g.b[k] += u64::from(hy);
                    g.verdicts[k].add(f64::from(u8::from(hy)) - f64::from(u8::from(hx)));
                }
                for k in 0..crate::analysis::N {
                    if let Some(vx) = x.values[k] {
                        g.a_ind[k].add(vx);
                    }
                    if let Some(vy) = y.values[k] {
                        g.b_ind[k].add(vy);
                    }
                    if let (Some(vx), Some(vy)) = (x.values[k], y.values[k]) {
                        g.indicators[k].add(vy - vx);
                    }
                }
            }
            Ok(())
        },
        |total, part| {
            for (t, p) in total.iter_mut().zip(part) {
                for k in 0..VERDICTS {
                    t.a[k] += p.a[k];
                    t.b[k] += p.b[k];
                    t.verdicts[k].merge(&p.verdicts[k]);
                }
                for k in 0..crate::analysis::N {
                    t.a_ind[k].merge(&p.a_ind[k]);
                    t.b_ind[k].merge(&p.b_ind[k]);
                    t.indicators[k].merge(&p.indicators[k]);
                }
            }
        },
    )?;
    Ok(Comparison {
        a: a.path.display().to_string(),
        b: b.path.display().to_string(),
        seed: a.seed,
        runs,
        groups,
    })
}

/// Say which scenario of a comparison a script failed in, and how to
/// reproduce that run on its own.
fn name_run(e: Error, side: &str, plan: &Plan, index: u32) -> Error {
    match e {
        Error::Script(d) => {
            let path = plan.path.display();
            Error::Script(Box::new(d.note(format!(
                "in run {index} of scenario {side} ({path}) with seed {} (reproduce with bloc run {path} --seed {} --runs {})",
                plan.seed,
                plan.seed,
                index + 1
            ))))
        }
        other => other,
    }
}

fn interval(p: &Paired) -> Value {
    match (p.mean(), p.interval()) {
        (Some(m), Some((lo, hi))) => {
            json!({"difference": m, "interval": [lo, hi], "paired_runs": p.n})
        }
        _ => json!({"difference": null, "interval": null, "paired_runs": 0}),
    }
}

pub fn compare_json(c: &Comparison) -> Value {
    let share = |k: u64| k as f64 / f64::from(c.runs.max(1));
    json!({
        "a": c.a, "b": c.b, "seed": c.seed, "runs": c.runs,
        "groups": c.groups.iter().map(|g| json!({
            "id": g.id,
            "verdicts": Verdict::ALL.iter().enumerate().map(|(k, v)| {
                let mut x = interval(&g.verdicts[k]);
                x["a"] = json!(share(g.a[k]));
                x["b"] = json!(share(g.b[k]));
                (v.key().to_string(), x)
            }).collect::<serde_json::Map<_, _>>(),
            "indicators": Indicator::ALL.iter().enumerate().map(|(k, ind)| {
                let mut x = interval(&g.indicators[k]);
                x["a"] = json!(g.a_ind[k].mean());
                x["b"] = json!(g.b_ind[k].mean());
                (ind.key().to_string(), x)
            }).collect::<serde_json::Map<_, _>>(),
        })).collect::<Vec<_>>(),
    })
}

pub fn compare_text(c: &Comparison) -> String {
    let mut out = format!(
        "bloc compare: B = {} minus A = {}\nseed {}, {} runs each, paired run by run (common random numbers)\n",
        c.b, c.a, c.seed, c.runs
    );
    let share = |k: u64| format!("{:.1}%", 100.0 * k as f64 / f64::from(c.runs.max(1)));
    let diff = |p: &Paired, pct: bool| match (p.mean(), p.interval()) {
        (Some(m), Some((lo, hi))) if pct => format!(
            "{:+.1} pts [{:+.1}, {:+.1}]",
            100.0 * m,
            100.0 * lo,
            100.0 * hi
        ),
        (Some(m), Some((lo, hi))) => format!("{m:+.3} [{lo:+.3}, {hi:+.3}]"),
        _ => "not tested in both".into(),
    };
    for g in &c.groups {
        let mut table = comfy_table::Table::new();
        table.load_preset(comfy_table::presets::ASCII_BORDERS_ONLY_CONDENSED);
        table.set_header(vec!["", "A", "B", "B - A (95% interval)"]);
        for (k, v) in Verdict::ALL.iter().enumerate() {
            table.add_row(vec![
                format!("verdict {}", v.key()),
                share(g.a[k]),
                share(g.b[k]),
                diff(&g.verdicts[k], true),
            ]);
        }
        for (k, ind) in Indicator::ALL.iter().enumerate() {
            let f = |s: &Stat| s.mean().map_or("not tested".into(), |m| format!("{m:.3}"));
            table.add_row(vec![
                ind.label().to_string(),
                f(&g.a_ind[k]),
                f(&g.b_ind[k]),
                diff(&g.indicators[k], false),
            ]);
        }
        out.push_str(&format!("\nGroup {}\n", g.id));
        for line in table.to_string().lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary(range: &str) -> Vary {
        parse_vary(&format!("actors.RUS.risk_aversion={range}")).unwrap()
    }

    #[test]
    fn a_grid_over_the_point_cap_is_refused_before_it_is_built() {
        // Each range alone is allowed (10,001 values is refused by parse_vary,
        // 5,001 is not); their product is 25 million points.
        let fine = vary("0:1:0.0002");
        assert_eq!(fine.count(), 5001);
        let err = points(&[fine.clone(), fine.clone()], Sampling::Grid, 1).unwrap_err();
        assert_eq!(
            err,
            "the grid has 25010001 points (5001 x 5001 values); the cap is 10,000 points: use --sample lhs:N (N up to 10,000) or a larger STEP"
        );
        // Enough parameters to overflow a usize product.
        let many = vec![fine.clone(); 8];
        let err = points(&many, Sampling::Grid, 1).unwrap_err();
        assert!(
            err.starts_with("the grid has more than 10,000 points"),
            "{err}"
        );
        // A range built by hand with a vanishing step.
        let tiny = Vary {
            step: 1e-300,
            ..fine.clone()
        };
        assert_eq!(tiny.count(), usize::MAX);
        assert!(points(&[tiny], Sampling::Grid, 1).is_err());
        // Right at the cap: 100 x 100.
        let hundred = vary("0.01:1:0.01");
        assert_eq!(hundred.count(), 100);
        let grid = points(&[hundred.clone(), hundred], Sampling::Grid, 1).unwrap();
        assert_eq!(grid.len(), MAX_POINTS);
    }

    #[test]
    fn latin_hypercube_over_the_point_cap_is_refused() {
        let v = [vary("0:1:0.1")];
        let err = points(&v, Sampling::Lhs(4_000_000_000), 1).unwrap_err();
        assert_eq!(
            err,
            "--sample lhs:4000000000 asks for 4000000000 points; the cap is 10,000 points: use a smaller N"
        );
        assert!(points(&v, Sampling::Lhs(10_001), 1).is_err());
        assert_eq!(points(&v, Sampling::Lhs(10_000), 1).unwrap().len(), 10_000);
    }
}
