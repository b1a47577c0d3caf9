//! Mergeable statistics of a quantity in [0, 1] (an indicator, a sampled
//! parameter): count, exact fixed-point sums for the mean and standard
//! deviation, and a histogram at 0.001 resolution for p5 / p50 / p95.
//! Everything is an integer, so adding runs in any order, on any number of
//! threads or machines, gives the same bits; the memory is fixed (at most
//! 1,001 bins) whatever the number of runs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Fixed-point unit of the sums: values are kept to 1e-12.
const UNIT: f64 = 1e12;
/// Histogram bins per unit: quantiles are exact to 0.001.
const BINS: f64 = 1000.0;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stat {
    pub n: u64,
    /// Sum of values in units of 1e-12.
    pub sum: u128,
    /// Sum of squared values in units of 1e-24.
    pub squares: u128,
    /// Bin (value × 1000, rounded) → count.
    pub bins: BTreeMap<u16, u64>,
}

impl Stat {
    /// Add one observation; values outside [0, 1] are clamped into it.
    pub fn add(&mut self, x: f64) {
        let x = if x.is_finite() {
            x.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let q = (x * UNIT).round() as u128;
        self.n += 1;
        self.sum += q;
        self.squares += q * q;
        *self.bins.entry((x * BINS).round() as u16).or_default() += 1;
    }

    pub fn merge(&mut self, o: &Stat) {
        self.n += o.n;
        self.sum += o.sum;
        self.squares += o.squares;
        for (b, c) in &o.bins {
            *self.bins.entry(*b).or_default() += c;
        }
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / UNIT / self.n as f64)
    }

    /// Population standard deviation.
    pub fn sd(&self) -> Option<f64> {
        let m = self.mean()?;
        let ms = self.squares as f64 / (UNIT * UNIT) / self.n as f64;
        Some((ms - m * m).max(0.0).sqrt())
    }

    /// The `p` quantile (0..=1), to the histogram's resolution of 0.001.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let target = ((p * self.n as f64).ceil() as u64).max(1);
        let mut acc = 0;
        for (b, c) in &self.bins {
            acc += c;
            if acc >= target {
                return Some(f64::from(*b) / BINS);
            }
        }
        self.bins.keys().last().map(|b| f64::from(*b) / BINS)
    }

    /// Why this cannot be the statistic of at most `runs` values in [0, 1]
    /// (a count over the runs, sums over the count's maximum, a bin outside
    /// [0, 1] or bins that do not add up to the count), if it cannot.
    pub fn problem(&self, runs: u64) -> Option<String> {
        let max = u128::from(self.n) * UNIT as u128;
        let bins: u128 = self.bins.values().map(|c| u128::from(*c)).sum();
        if self.n > runs {
            Some(format!("{} values in {runs} runs", self.n))
        } else if self.sum > max || self.squares > max.saturating_mul(UNIT as u128) {
            Some(format!("sums beyond {} values in [0, 1]", self.n))
        } else if self.bins.keys().any(|b| f64::from(*b) > BINS) {
            Some("a histogram bin outside [0, 1]".to_string())
        } else if bins != u128::from(self.n) {
            Some(format!(
                "{bins} values in its histogram, {} counted",
                self.n
            ))
        } else {
            None
        }
    }

    /// 95% interval of the mean (normal approximation).
    pub fn mean_interval(&self) -> Option<(f64, f64)> {
        let (m, sd) = (self.mean()?, self.sd()?);
        let half = 1.96 * sd / (self.n as f64).sqrt();
        Some((m - half, m + half))
    }
}

/// Mergeable statistics of paired differences in [-1, 1] (B − A on the same
/// run), kept as exact fixed-point integers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Paired {
    pub n: u64,
    pub sum: i128,
    pub squares: u128,
}

impl Paired {
    pub fn add(&mut self, d: f64) {
        let q = (d.clamp(-1.0, 1.0) * UNIT).round() as i128;
        self.n += 1;
        self.sum += q;
        self.squares += q.unsigned_abs() * q.unsigned_abs();
    }

    pub fn merge(&mut self, o: &Paired) {
        self.n += o.n;
        self.sum += o.sum;
        self.squares += o.squares;
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / UNIT / self.n as f64)
    }

    /// 95% interval of the mean difference (normal approximation, sample sd).
    pub fn interval(&self) -> Option<(f64, f64)> {
        let m = self.mean()?;
        if self.n < 2 {
            return Some((m, m));
        }
        let n = self.n as f64;
        let ms = self.squares as f64 / (UNIT * UNIT) / n;
        let var = ((ms - m * m) * n / (n - 1.0)).max(0.0);
        let half = 1.96 * (var / n).sqrt();
        Some((m - half, m + half))
    }
}

/// Wilson score interval at 95% for `k` successes in `n` trials: unlike the
/// normal interval it stays inside [0, 1] and is honest at 0% and 100%.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_known_values() {
        // 0 of 200: upper bound about 1.88%.
        let (lo, hi) = wilson(0, 200);
        assert!(lo.abs() < 1e-12, "{lo}");
        assert!((hi - 0.018_84).abs() < 1e-4, "{hi}");
        // 50 of 100: about [40.4%, 59.6%].
        let (lo, hi) = wilson(50, 100);
        assert!((lo - 0.4038).abs() < 1e-3 && (hi - 0.5962).abs() < 1e-3);
    }

    #[test]
    fn moments_and_quantiles() {
        let mut s = Stat::default();
        for i in 0..=100 {
            s.add(f64::from(i) / 100.0);
        }
        assert!((s.mean().unwrap() - 0.5).abs() < 1e-12);
        assert!((s.sd().unwrap() - 0.2915).abs() < 1e-3);
        assert_eq!(s.quantile(0.5), Some(0.5));
        assert_eq!(s.quantile(0.05), Some(0.05));
        assert_eq!(s.quantile(0.95), Some(0.95));
    }

    #[test]
    fn merging_in_any_order_gives_the_same_bits() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 / 997.0)
            .collect();
        let mut whole = Stat::default();
        xs.iter().for_each(|x| whole.add(*x));
        let mut parts: Vec<Stat> = xs
            .chunks(77)
            .map(|c| {
                let mut s = Stat::default();
                c.iter().for_each(|x| s.add(*x));
                s
            })
            .collect();
        parts.reverse();
        let mut merged = Stat::default();
        parts.iter().for_each(|p| merged.merge(p));
        assert_eq!(merged, whole);
        assert_eq!(
            merged.mean().unwrap().to_bits(),
            whole.mean().unwrap().to_bits()
        );
    }
}
