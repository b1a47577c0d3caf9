//! Parameters known only as distributions. A world or scenario may give any
//! numeric attribute, relation or override as a distribution; each run draws
//! it once, from a random stream of its own keyed by (seed, run index, the
//! parameter's path). So a sampled parameter never shifts the decisions'
//! random numbers, and adding, removing or changing one distribution never
//! shifts another's draws (a draw may take several numbers: the truncated
//! normal and Beta sample by rejection); two scenarios compared on common
//! random numbers, or the points of a sweep, stay paired parameter by
//! parameter.

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
                let total: f64 = weights.iter().sum();
                if weights.iter().any(|w| !(*w >= 0.0 && w.is_finite()))
                    || !(total > 0.0 && total.is_finite())
                {
                    return Err(
                        "choice: weights must be 0 or more, not all 0, and add up to a finite number"
                            .into(),
                    );
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

/// FNV-1a, 64 bits: a hash of a parameter's path that never changes
/// between versions, platforms or runs (unlike `std`'s hasher).
fn path_hash(path: &str) -> u64 {
    path.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The sampling stream of the parameter at `path` in run `index`. The key
/// holds the seed and the path's hash side by side (no two pairs share a
/// key), and the stream number has its top bit set, which a decision
/// stream (`sim::stream`, numbered by the run index alone) never has.
pub fn stream(seed: u64, index: u32, path: &str) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&path_hash(path).to_le_bytes());
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(u64::from(index) | (1 << 63));
    rng
}

/// The values of every sample in run `index`, in `samples` order; each from
/// its own stream, so it depends on (seed, index, its path and
/// distribution) alone.
pub fn values(samples: &[Sample], seed: u64, index: u32) -> Vec<f64> {
    samples
        .iter()
        .map(|s| s.dist.sample(&mut stream(seed, index, &s.path)))
        .collect()
}

/// Draw every sample for run `index` and set it in `world`; the values
/// drawn, in `samples` order.
pub fn draw(samples: &[Sample], seed: u64, index: u32, world: &mut World) -> Vec<f64> {
    let xs = values(samples, seed, index);
    for (s, x) in samples.iter().zip(&xs) {
        for p in &s.params {
            world.set(p, *x);
        }
    }
    xs
}

/// Replace every sample of `param` (a later, more specific setting wins).
pub fn forget(samples: &mut Vec<Sample>, param: &Param) {
    for s in samples.iter_mut() {
        s.params.retain(|p| p != param);
    }
    samples.retain(|s| !s.params.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::Param;

    fn sample(path: &str, dist: Dist) -> Sample {
        Sample {
            path: path.into(),
            params: vec![Param::Dynamics(path.into())],
            dist,
        }
    }

    fn risk() -> Sample {
        sample(
            "actors.RUS.risk_aversion",
            Dist::Uniform { lo: 0.2, hi: 0.9 },
        )
    }

    fn threat(sd: f64, min: f64, max: f64) -> Sample {
        sample(
            "relations.RUS.USA.threat",
            Dist::Normal {
                mean: 0.6,
                sd,
                min,
                max,
            },
        )
    }

    /// The draws of the sample at `at` in runs 0..200.
    fn column(samples: &[Sample], at: usize, seed: u64) -> Vec<f64> {
        (0..200).map(|i| values(samples, seed, i)[at]).collect()
    }

    #[test]
    fn adding_a_distribution_leaves_other_draws_unchanged() {
        let alone = column(&[risk()], 0, 7);
        // A truncated normal and a Beta take a varying count of numbers.
        let extra = [
            threat(0.3, 0.5, 0.7),
            sample(
                "dynamics.refusal_loss",
                Dist::Beta {
                    alpha: 0.5,
                    beta: 3.0,
                },
            ),
        ];
        for e in &extra {
            assert_eq!(
                column(&[e.clone(), risk()], 1, 7),
                alone,
                "{} before",
                e.path
            );
            assert_eq!(
                column(&[risk(), e.clone()], 0, 7),
                alone,
                "{} after",
                e.path
            );
        }
    }

    #[test]
    fn narrowing_a_distribution_leaves_other_draws_unchanged() {
        let wide = column(&[threat(0.3, 0.0, 1.0), risk()], 1, 7);
        let narrow = column(&[threat(0.3, 0.55, 0.65), risk()], 1, 7);
        assert_eq!(narrow, wide);
        // The narrowed one itself does change.
        assert_ne!(
            column(&[threat(0.3, 0.55, 0.65), risk()], 0, 7),
            column(&[threat(0.3, 0.0, 1.0), risk()], 0, 7)
        );
    }

    #[test]
    fn draws_depend_on_seed_index_and_path() {
        let a = column(&[risk()], 0, 7);
        assert_ne!(a, column(&[risk()], 0, 8), "seed");
        assert!(a.windows(2).any(|w| w[0] != w[1]), "index");
        // Two parameters with the same distribution draw independently.
        let two = [risk(), sample("actors.CHN.risk_aversion", risk().dist)];
        assert_ne!(column(&two, 0, 7), column(&two, 1, 7), "path");
        // Reproducible.
        assert_eq!(a, column(&[risk()], 0, 7));
    }

    #[test]
    fn sampling_streams_are_not_decision_streams() {
        for index in [0, 1, 5] {
            let mut d = crate::sim::stream(7, index);
            let mut s = stream(7, index, "actors.RUS.risk_aversion");
            assert_ne!(d.next_u64(), s.next_u64());
        }
    }
}
