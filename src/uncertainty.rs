//! Parameters known only as distributions. A world or scenario may give any
//! numeric attribute, relation or override as a distribution; each run draws
//! it once, from a random stream of its own keyed by (seed, run index), so
//! a sampled parameter never shifts the decisions' random numbers (and two
//! scenarios compared on common random numbers stay paired).

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_distr::{Beta, Distribution, Normal, Triangular};

use crate::world::{Param, World};

/// A distribution of a parameter in [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Uniform {
        lo: f64,
        hi: f64,
    },
    /// Normal, truncated to [min, max] by rejection.
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    Beta {
        alpha: f64,
        beta: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// One of `values`, with `weights` (equal if none were given).
    Choice {
        values: Vec<f64>,
        weights: Vec<f64>,
    },
}

impl Dist {
    /// Check the parameters; the message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        let unit = |x: f64, what: &str| {
            if (0.0..=1.0).contains(&x) {
                Ok(())
            } else {
                Err(format!("{what} must be between 0 and 1, found {x}"))
            }
        };
        match self {
            Dist::Uniform { lo, hi } => {
                unit(*lo, "the lower bound")?;
                unit(*hi, "the upper bound")?;
                if lo > hi {
                    return Err(format!(
                        "uniform [{lo}, {hi}]: the lower bound is above the upper"
                    ));
                }
            }
            Dist::Normal { mean, sd, min, max } => {
                unit(*min, "min")?;
                unit(*max, "max")?;
                if !(sd.is_finite() && *sd > 0.0) {
                    return Err(format!("normal: sd must be above 0, found {sd}"));
                }
                if min >= max || mean < min || mean > max {
                    return Err(format!(
                        "normal: need min < max and the mean inside, found mean {mean} in [{min}, {max}]"
                    ));
                }
            }
            Dist::Beta { alpha, beta } => {
                if !(*alpha > 0.0 && *beta > 0.0 && alpha.is_finite() && beta.is_finite()) {
                    return Err(format!(
                        "beta: both shapes must be above 0, found [{alpha}, {beta}]"
                    ));
                }
            }
            Dist::Triangular { min, mode, max } => {
                unit(*min, "min")?;
                unit(*max, "max")?;
                if !(min <= mode && mode <= max && min < max) {
                    return Err(format!(
                        "triangular: need min <= mode <= max, found [{min}, {mode}, {max}]"
                    ));
                }
            }
            Dist::Choice { values, weights } => {
                if values.is_empty() {
                    return Err("choice: no values".into());
                }
                for v in values {
                    unit(*v, "a value")?;
                }
                if weights.len() != values.len() {
                    return Err(format!(
                        "choice: {} weights for {} values",
                        weights.len(),
                        values.len()
                    ));
                }
                if weights.iter().any(|w| !(*w >= 0.0 && w.is_finite()))
                    || weights.iter().sum::<f64>() <= 0.0
                {
                    return Err("choice: weights must be 0 or more, and not all 0".into());
                }
            }
        }
        Ok(())
    }

    /// The mean: the value the world holds before any run draws.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Uniform { lo, hi } => (lo + hi) / 2.0,
            Dist::Normal { mean, .. } => *mean,
            Dist::Beta { alpha, beta } => alpha / (alpha + beta),
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Choice { values, weights } => {
                let total: f64 = weights.iter().sum();
                values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total
            }
        }
    }

    /// Draw one value in [0, 1].
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        let x = match self {
            Dist::Uniform { lo, hi } => lo + (hi - lo) * unit(rng),
            Dist::Normal { mean, sd, min, max } => match Normal::new(*mean, *sd) {
                Ok(n) => {
                    // Rejection keeps the shape inside the range; the cap
                    // only matters for absurdly narrow ranges.
                    let mut x = n.sample(rng);
                    for _ in 0..1000 {
                        if (*min..=*max).contains(&x) {
                            break;
                        }
                        x = n.sample(rng);
                    }
                    x.clamp(*min, *max)
                }
                Err(_) => *mean,
            },
            Dist::Beta { alpha, beta } => Beta::new(*alpha, *beta).map_or(0.5, |b| b.sample(rng)),
            Dist::Triangular { min, mode, max } => {
                Triangular::new(*min, *max, *mode).map_or(*mode, |t| t.sample(rng))
            }
            Dist::Choice { values, weights } => {
                let total: f64 = weights.iter().sum();
                let target = unit(rng) * total;
                let mut acc = 0.0;
                let mut pick = values[values.len() - 1];
                for (v, w) in values.iter().zip(weights) {
                    acc += w;
                    if target < acc {
                        pick = *v;
                        break;
                    }
                }
                pick
            }
        };
        x.clamp(0.0, 1.0)
    }

    /// For reports: `uniform(0.4, 0.8)`.
    pub fn describe(&self) -> String {
        match self {
            Dist::Uniform { lo, hi } => format!("uniform({lo}, {hi})"),
            Dist::Normal { mean, sd, min, max } => {
                format!("normal(mean {mean}, sd {sd}) in [{min}, {max}]")
            }
            Dist::Beta { alpha, beta } => format!("beta({alpha}, {beta})"),
            Dist::Triangular { min, mode, max } => format!("triangular({min}, {mode}, {max})"),
            Dist::Choice { values, weights } => {
                let v: Vec<String> = values
                    .iter()
                    .zip(weights)
                    .map(|(v, w)| format!("{v} (weight {w})"))
                    .collect();
                format!("choice of {}", v.join(", "))
            }
        }
    }
}

/// A parameter (or the two directions of a mutual relation) drawn per run.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The path as written, for reports (`actors.RUS.risk_aversion`).
    pub path: String,
    pub params: Vec<Param>,
    pub dist: Dist,
}

fn unit(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The sampling stream of run `index`: distinct from its decision stream.
pub fn stream(seed: u64, index: u32) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::from(index) | (1 << 63));
    rng
}

/// Draw every sample for run `index` and set it in `world`; the values
/// drawn, in `samples` order.
pub fn draw(samples: &[Sample], seed: u64, index: u32, world: &mut World) -> Vec<f64> {
    let mut rng = stream(seed, index);
    samples
        .iter()
        .map(|s| {
            let x = s.dist.sample(&mut rng);
            for p in &s.params {
                world.set(p, x);
            }
            x
        })
        .collect()
}

/// Replace every sample of `param` (a later, more specific setting wins).
pub fn forget(samples: &mut Vec<Sample>, param: &Param) {
    for s in samples.iter_mut() {
        s.params.retain(|p| p != param);
    }
    samples.retain(|s| !s.params.is_empty());
}
