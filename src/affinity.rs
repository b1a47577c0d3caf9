//! Affinity of states from their UN General Assembly votes: for each pair,
//! how alike they voted over the roll calls of a window of years on which
//! both voted. Signorino & Ritter's S score (1999) with yes / abstain / no
//! coded 1 / 0.5 / 0, or the share of identical votes. Reads a folder laid
//! out as data/unga/ (`roll_calls.csv`, `votes.csv.gz`); see docs/data.md.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use crate::codes;
use crate::diagnostic::{Diagnostic, Error};

/// How a pair's votes are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// S = 1 − 2·mean|a − b| with yes = 1, abstain = 0.5, no = 0: from −1
    /// (always opposite) to 1 (always alike).
    S,
    /// The share of shared roll calls on which both cast the same vote.
    Agreement,
    /// The S score double-centred over every state that voted in the
    /// window: S(a, b) − mean S(a, ·) − mean S(b, ·) + the mean of all, how
    /// much more alike two states vote than their habits predict. Raw S
    /// scores rank the isolated (the United States, whose votes on the
    /// Middle East and Cuba set it against most members) far from
    /// everyone, its allies included; centring compares each pair with
    /// what each state does with the world at large, as the first step of
    /// classical scaling (Torgerson 1952) does.
    Relative,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::S => "s",
            Metric::Agreement => "agreement",
            Metric::Relative => "relative",
        }
    }
}

impl FromStr for Metric {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "s" => Ok(Metric::S),
            "agreement" => Ok(Metric::Agreement),
            "relative" => Ok(Metric::Relative),
            _ => Err(format!(
                "`{s}` is not a metric: use s, agreement or relative"
            )),
        }
    }
}

/// What to compute.
#[derive(Debug, Clone)]
pub struct Options {
    /// First and last year (by the roll call's date), both included.
    pub from: i32,
    pub to: i32,
    /// Actor ids (three-letter ISO codes), in the order of the matrix.
    pub states: Vec<String>,
    pub metric: Metric,
    /// A pair with fewer shared roll calls (or a state with fewer votes)
    /// gets an empty cell and a warning.
    pub min_votes: u32,
}

/// The result: one cell per ordered pair (symmetric), `None` where the data
/// cannot say, and the number of roll calls each pair shared.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub states: Vec<String>,
    pub metric: Metric,
    pub from: i32,
    pub to: i32,
    pub cells: Vec<Vec<Option<f64>>>,
    pub shared: Vec<Vec<u32>>,
    /// One sentence per state or pair left empty, for stderr.
    pub warnings: Vec<String>,
}

/// A vote coded in halves: no = 0, abstain = 1, yes = 2 (so sums are exact).
type Vote = u8;

fn parse_vote(s: &str) -> Option<Vote> {
    match s {
        "no" => Some(0),
        "abstain" => Some(1),
        "yes" => Some(2),
        _ => None,
    }
}

/// The affinity of two vote profiles, each sorted by roll call; `None` if
/// they share no roll call. Returns the value and the number shared.
pub fn score(a: &[(u32, Vote)], b: &[(u32, Vote)], metric: Metric) -> (Option<f64>, u32) {
    let (mut i, mut j) = (0, 0);
    let (mut n, mut halves, mut same) = (0u32, 0u64, 0u32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                let d = a[i].1.abs_diff(b[j].1);
                halves += u64::from(d);
                same += u32::from(d == 0);
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    if n == 0 {
        return (None, 0);
    }
    let value = match metric {
        // mean|a − b| = halves / (2n); S = 1 − 2 · that.
        Metric::S | Metric::Relative => 1.0 - halves as f64 / f64::from(n),
        Metric::Agreement => f64::from(same) / f64::from(n),
    };
    (Some(value), n)
}

/// Read `dir/roll_calls.csv` and `dir/votes.csv.gz` and compute the matrix.
pub fn compute(dir: &Path, opts: &Options) -> Result<Matrix, Error> {
    let codes = check_options(opts)?;
    let rc_path = dir.join("roll_calls.csv");
    let years = read_roll_calls(&rc_path, open(&rc_path)?)?;
    let votes_path = dir.join("votes.csv.gz");
    let gz = flate2::read::GzDecoder::new(open(&votes_path)?);
    let all = read_votes(&votes_path, gz, &years, opts)?;
    let profiles: Vec<Vec<(u32, Vote)>> = codes
        .iter()
        .map(|c| all.get(*c).cloned().unwrap_or_default())
        .collect();
    let mut m = matrix(opts, &profiles);
    if opts.metric == Metric::Relative {
        centre(&mut m, &codes, &all)?;
    }
    Ok(m)
}

/// States with fewer votes in the window do not count in the means.
const CENTRING_MIN_VOTES: usize = 100;

/// Double-centre the S scores of `m` over every state with at least
/// [`CENTRING_MIN_VOTES`] votes in the window (docs/data.md). `codes` are
/// the listed states' two-letter codes, in `m`'s order.
fn centre(
    m: &mut Matrix,
    codes: &[&str],
    all: &HashMap<String, Vec<(u32, Vote)>>,
) -> Result<(), Error> {
    let mut everyone: Vec<(&str, &Vec<(u32, Vote)>)> = all
        .iter()
        .filter(|(_, p)| p.len() >= CENTRING_MIN_VOTES)
        .map(|(c, p)| (c.as_str(), p))
        .collect();
    // HashMap order is arbitrary: sort for a deterministic sum.
    everyone.sort_by_key(|(c, _)| *c);
    // The mean S of `code`'s votes with every other voter's.
    let mean_with = |code: &str| -> Option<f64> {
        let p = all.get(code)?;
        let v: Vec<f64> = everyone
            .iter()
            .filter(|(c, _)| *c != code)
            .filter_map(|(_, q)| score(p, q, Metric::S).0)
            .collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let known: Vec<f64> = everyone.iter().filter_map(|(c, _)| mean_with(c)).collect();
    if known.len() < 2 {
        return Err(Error::one(
            Diagnostic::new(format!(
                "relative S needs the votes of the whole Assembly: fewer than two states cast {CENTRING_MIN_VOTES} votes in {}–{}",
                m.from, m.to
            ))
            .note(
                "widen the window of years (bloc affinity: --from, --to; bloc world build: \
                 --votes-from, --year), or in bloc affinity use --metric s",
            ),
        ));
    }
    let grand = known.iter().sum::<f64>() / known.len() as f64;
    let row: Vec<Option<f64>> = codes.iter().map(|c| mean_with(c)).collect();
    let n = m.states.len();
    for i in 0..n {
        for j in 0..n {
            // A state's affinity with itself is not a relation: left empty.
            m.cells[i][j] = match (m.cells[i][j], row[i], row[j]) {
                (Some(s), Some(a), Some(b)) if i != j => Some(s - a - b + grand),
                _ => None,
            };
        }
    }
    Ok(())
}

pub(crate) fn open(path: &Path) -> Result<std::fs::File, Error> {
    std::fs::File::open(path).map_err(|e| Error::io(path, e))
}

/// The states' two-letter codes, or every problem with the options at once.
fn check_options(opts: &Options) -> Result<Vec<&'static str>, Error> {
    let mut problems = Vec::new();
    if opts.from > opts.to {
        problems.push(Diagnostic::new(format!(
            "the window is empty: --from {} is after --to {}",
            opts.from, opts.to
        )));
    }
    if opts.states.is_empty() {
        problems.push(Diagnostic::new("no states given: use --states RUS,CHN,…"));
    }
    problems.extend(codes::check_states(&opts.states));
    let out: Vec<&'static str> = opts
        .states
        .iter()
        .filter_map(|s| codes::alpha2(s))
        .collect();
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Invalid(problems))
    }
}

/// Where a malformed row is, as the error names it.
pub(crate) struct At<'a> {
    pub(crate) path: &'a Path,
    pub(crate) row: u64,
}

impl At<'_> {
    pub(crate) fn error(&self, column: Option<(usize, &str)>, problem: impl fmt::Display) -> Error {
        let place = match column {
            Some((i, name)) => format!("row {}, column {} ({name})", self.row, i + 1),
            None => format!("row {}", self.row),
        };
        Error::one(Diagnostic::new(format!(
            "{}: {place}: {problem}",
            self.path.display()
        )))
    }
}

/// A reader that drops carriage returns, so that a file with CRLF line
/// ends counts its rows as one with LF does (the csv crate ends a record at
/// the `\r` and counts lines at the `\n`, one short). The data hold no
/// carriage return inside a field.
pub(crate) struct NoCr<R>(R);

impl<R: Read> Read for NoCr<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.0.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            let mut kept = 0;
            for i in 0..n {
                if buf[i] != b'\r' {
                    buf[kept] = buf[i];
                    kept += 1;
                }
            }
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

pub(crate) fn reader<R: Read>(input: R) -> csv::Reader<NoCr<R>> {
    let input = NoCr(input);
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(input)
}

/// Read one record; a read failure (a truncated or corrupt gzip stream, bad
/// UTF-8) is an invalid file, named with the row it reached.
pub(crate) fn next_record<R: Read>(
    r: &mut csv::Reader<R>,
    rec: &mut csv::StringRecord,
    path: &Path,
) -> Result<Option<u64>, Error> {
    let row = r.position().line();
    match r.read_record(rec) {
        Ok(true) => Ok(Some(rec.position().map_or(row, |p| p.line()))),
        Ok(false) => Ok(None),
        Err(e) => {
            let row = e.position().map_or(row, |p| p.line());
            let at = At { path, row };
            Err(match e.into_kind() {
                csv::ErrorKind::Io(io) => match io.kind() {
                    std::io::ErrorKind::UnexpectedEof => {
                        at.error(None, "the file ends early (truncated?)")
                    }
                    std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput => {
                        at.error(None, format!("unreadable ({io}); is it a gzip of the CSV?"))
                    }
                    _ => Error::io(path, io),
                },
                csv::ErrorKind::Utf8 { err, .. } => Error::one(Diagnostic::new(format!(
                    "{}: row {row}, column {}: not valid UTF-8",
                    path.display(),
                    err.field() + 1
                ))),
                other => at.error(None, format!("{other:?}")),
            })
        }
    }
}

/// The header's index of each column named in `want`.
pub(crate) fn columns<R: Read, const N: usize>(
    r: &mut csv::Reader<R>,
    path: &Path,
    want: [&str; N],
) -> Result<([usize; N], usize), Error> {
    let mut header = csv::StringRecord::new();
    let at = At { path, row: 1 };
    if next_record(r, &mut header, path)?.is_none() {
        return Err(at.error(
            None,
            format!(
                "the file is empty; expected a header with {}",
                want.join(", ")
            ),
        ));
    }
    let mut idx = [0; N];
    for (k, name) in want.iter().enumerate() {
        idx[k] = header
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == *name)
            .ok_or_else(|| at.error(None, format!("no column `{name}` in the header")))?;
    }
    Ok((idx, header.len()))
}

pub(crate) fn field<'r>(
    rec: &'r csv::StringRecord,
    at: &At,
    width: usize,
    i: usize,
) -> Result<&'r str, Error> {
    if rec.len() != width {
        return Err(at.error(
            None,
            format!(
                "{} fields, the header has {width} (truncated or unquoted comma?)",
                rec.len()
            ),
        ));
    }
    Ok(rec.get(i).unwrap_or_default())
}

/// Roll call id → year of its date.
fn read_roll_calls<R: Read>(path: &Path, input: R) -> Result<HashMap<u32, i32>, Error> {
    let mut r = reader(input);
    let ([rcid, date], width) = columns(&mut r, path, ["rcid", "date"])?;
    let mut rec = csv::StringRecord::new();
    let mut years = HashMap::new();
    while let Some(row) = next_record(&mut r, &mut rec, path)? {
        let at = At { path, row };
        let id = field(&rec, &at, width, rcid)?;
        let id: u32 = id.parse().map_err(|_| {
            at.error(
                Some((rcid, "rcid")),
                format!("`{id}` is not a roll-call id"),
            )
        })?;
        let d = field(&rec, &at, width, date)?;
        let year = parse_date(d).ok_or_else(|| {
            at.error(
                Some((date, "date")),
                format!("`{d}` is not a date YYYY-MM-DD"),
            )
        })?;
        if years.insert(id, year).is_some() {
            return Err(at.error(
                Some((rcid, "rcid")),
                format!("roll call {id} is listed twice"),
            ));
        }
    }
    Ok(years)
}

fn parse_date(d: &str) -> Option<i32> {
    let b = d.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(0..4)
        && digits(5..7)
        && digits(8..10);
    if !ok {
        return None;
    }
    let month: u32 = d[5..7].parse().ok()?;
    let day: u32 = d[8..10].parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    d[..4].parse().ok()
}

/// Every state's votes in the window by its two-letter code, sorted by
/// roll call.
fn read_votes<R: Read>(
    path: &Path,
    input: R,
    years: &HashMap<u32, i32>,
    opts: &Options,
) -> Result<HashMap<String, Vec<(u32, Vote)>>, Error> {
    let mut r = reader(input);
    let ([rcid, code, country, vote], width) =
        columns(&mut r, path, ["rcid", "country_code", "country", "vote"])?;
    let mut rec = csv::StringRecord::new();
    let mut profiles: HashMap<String, Vec<(u32, Vote)>> = HashMap::new();
    while let Some(row) = next_record(&mut r, &mut rec, path)? {
        let at = At { path, row };
        let id = field(&rec, &at, width, rcid)?;
        let id: u32 = id.parse().map_err(|_| {
            at.error(
                Some((rcid, "rcid")),
                format!("`{id}` is not a roll-call id"),
            )
        })?;
        let v = field(&rec, &at, width, vote)?;
        let v = parse_vote(v).ok_or_else(|| {
            at.error(
                Some((vote, "vote")),
                format!("`{v}` is not yes, no or abstain"),
            )
        })?;
        let year = *years.get(&id).ok_or_else(|| {
            at.error(
                Some((rcid, "rcid")),
                format!("roll call {id} is not in roll_calls.csv"),
            )
        })?;
        if year < opts.from || year > opts.to {
            continue;
        }
        // The Federal Republic of Germany's rows (1973–1990) have no code:
        // they are Germany's ("DE" begins in 1991, when its seat passed to
        // united Germany). Other states without a code (the Yemen Arab
        // Republic, Zanzibar) cannot be asked for: skip them.
        let mut c = field(&rec, &at, width, code)?;
        if c.is_empty() && field(&rec, &at, width, country)? == "Federal Republic of Germany" {
            c = "DE";
        }
        if !c.is_empty() {
            profiles.entry(c.to_string()).or_default().push((id, v));
        }
    }
    for (c, p) in profiles.iter_mut() {
        p.sort_unstable();
        if let Some(w) = p.windows(2).find(|w| w[0].0 == w[1].0) {
            let name = codes::alpha3(c).map_or(String::new(), |s| format!("{s} "));
            return Err(Error::one(Diagnostic::new(format!(
                "{}: {name}({c}) has two votes on roll call {}",
                path.display(),
                w[0].0
            ))));
        }
    }
    Ok(profiles)
}

fn matrix(opts: &Options, profiles: &[Vec<(u32, Vote)>]) -> Matrix {
    let n = opts.states.len();
    let mut cells = vec![vec![None; n]; n];
    let mut shared = vec![vec![0; n]; n];
    let mut warnings = Vec::new();
    let window = if opts.from == opts.to {
        opts.from.to_string()
    } else {
        format!("{}–{}", opts.from, opts.to)
    };
    let usable: Vec<bool> = profiles
        .iter()
        .map(|p| !p.is_empty() && p.len() >= opts.min_votes as usize)
        .collect();
    for (k, p) in profiles.iter().enumerate() {
        let s = &opts.states[k];
        if p.is_empty() {
            warnings.push(format!(
                "{s} has no votes in {window} (not a UN member then, or absent from every roll call): its row and column are empty"
            ));
        } else if !usable[k] {
            warnings.push(format!(
                "{s} has {} votes in {window}, fewer than --min-votes {}: its row and column are empty",
                p.len(),
                opts.min_votes
            ));
        }
    }
    for i in 0..n {
        shared[i][i] = profiles[i].len() as u32;
        if usable[i] {
            cells[i][i] = Some(1.0);
        }
        for j in i + 1..n {
            let (value, count) = score(&profiles[i], &profiles[j], opts.metric);
            shared[i][j] = count;
            shared[j][i] = count;
            if !(usable[i] && usable[j]) {
                continue;
            }
            if count == 0 || count < opts.min_votes {
                warnings.push(format!(
                    "{} and {} share {count} roll calls in {window}, fewer than {}: their cell is empty",
                    opts.states[i],
                    opts.states[j],
                    opts.min_votes.max(1)
                ));
                continue;
            }
            cells[i][j] = value;
            cells[j][i] = value;
        }
    }
    Matrix {
        states: opts.states.clone(),
        metric: opts.metric,
        from: opts.from,
        to: opts.to,
        cells,
        shared,
        warnings,
    }
}

/// Rounded to 3 decimals, never `-0.000`.
fn round3(x: f64) -> f64 {
    let r = (x * 1000.0).round() / 1000.0;
    if r == 0.0 { 0.0 } else { r }
}

impl Matrix {
    /// `state,A,B,…` then one row per state; empty cells where the data
    /// cannot say.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("state");
        for s in &self.states {
            out.push(',');
            out.push_str(s);
        }
        out.push('\n');
        for (s, row) in self.states.iter().zip(&self.cells) {
            out.push_str(s);
            for c in row {
                out.push(',');
                if let Some(v) = c {
                    out.push_str(&format!("{:.3}", round3(*v)));
                }
            }
            out.push('\n');
        }
        out
    }

    /// World-file relations (`ties:` of each pair with data), each with its
    /// provenance: ties are the metric rescaled to [0, 1] (`(S + 1) / 2`
    /// for the S score, the share itself for agreement), so 0.5 is
    /// indifference. `command` is the command line that regenerates them.
    pub fn to_relations(&self, command: &str) -> String {
        let how = match self.metric {
            Metric::S => "Signorino & Ritter's S score, rescaled as ties = (S + 1) / 2.",
            Metric::Agreement => "the share of identical votes.",
            Metric::Relative => {
                "Signorino & Ritter's S score double-centred over every UN member\n  \
                 # with 100 votes in the window (docs/data.md), ties = 0.5 + relative S, in [0, 1]."
            }
        };
        let mut out = format!(
            "  # Ties from UN General Assembly roll calls {}–{} (Voeten, Strezhnev &\n  \
             # Bailey; data/unga/SOURCE.md): {how}\n  # Regenerate with\n  #   {command}\n",
            self.from, self.to,
        );
        let n = self.states.len();
        for i in 0..n {
            for j in i + 1..n {
                let Some(v) = self.cells[i][j] else {
                    continue;
                };
                let ties = match self.metric {
                    Metric::S => (v + 1.0) / 2.0,
                    Metric::Agreement => v,
                    Metric::Relative => (0.5 + v).clamp(0.0, 1.0),
                };
                let clamped = self.metric == Metric::Relative && !(-0.5..=0.5).contains(&v);
                out.push_str(&format!(
                    "  - {{from: {}, to: {}, ties: {:.3}, mutual: true}}   # {} {:.3} over {} roll calls{}\n",
                    self.states[i],
                    self.states[j],
                    round3(ties),
                    self.metric.name(),
                    round3(v),
                    self.shared[i][j],
                    if clamped { " (clamped to [0, 1])" } else { "" }
                ));
            }
        }
        for w in &self.warnings {
            out.push_str(&format!("  # not from the data: {w}\n"));
        }
        out
    }

    /// One JSON document: the window, metric, states, the matrix (null where
    /// empty) and the shared roll calls of each pair (a state's own votes on
    /// the diagonal).
    pub fn to_json(&self) -> String {
        let cells: Vec<Vec<Option<f64>>> = self
            .cells
            .iter()
            .map(|row| row.iter().map(|c| c.map(round3)).collect())
            .collect();
        let doc = serde_json::json!({
            "source": "UN General Assembly roll calls (Voeten, Strezhnev & Bailey)",
            "metric": self.metric.name(),
            "from": self.from,
            "to": self.to,
            "states": self.states,
            "matrix": cells,
            "shared_votes": self.shared,
        });
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(states: &[&str], metric: Metric) -> Options {
        Options {
            from: 2000,
            to: 2001,
            states: states.iter().map(|s| s.to_string()).collect(),
            metric,
            min_votes: 1,
        }
    }

    #[test]
    fn s_score_by_hand() {
        // yes/yes (0), yes/abstain (0.5), yes/no (1), no/no (0):
        // mean |a − b| = 1.5 / 4 = 0.375; S = 1 − 2 · 0.375 = 0.25.
        let a = [(1, 2), (2, 2), (3, 2), (4, 0)];
        let b = [(1, 2), (2, 1), (3, 0), (4, 0), (5, 2)];
        assert_eq!(score(&a, &b, Metric::S), (Some(0.25), 4));
        // Identical votes on 2 of 4.
        assert_eq!(score(&a, &b, Metric::Agreement), (Some(0.5), 4));
        // Always opposite: −1.
        assert_eq!(score(&[(1, 2)], &[(1, 0)], Metric::S), (Some(-1.0), 1));
        assert_eq!(score(&a, &[(9, 2)], Metric::S), (None, 0));
    }

    #[test]
    fn relative_s_is_double_centred_over_every_voter() {
        // Three voters on 100+ roll calls: X and Y always agree, Z always
        // votes the opposite way. Raw S: X-Y 1, X-Z -1, Y-Z -1.
        let n = CENTRING_MIN_VOTES as u32;
        let yes: Vec<(u32, Vote)> = (0..n).map(|i| (i, 2)).collect();
        let no: Vec<(u32, Vote)> = (0..n).map(|i| (i, 0)).collect();
        let all: HashMap<String, Vec<(u32, Vote)>> = [
            ("RU".to_string(), yes.clone()),
            ("US".to_string(), yes.clone()),
            ("CN".to_string(), no.clone()),
        ]
        .into();
        let o = opts(&["RUS", "USA", "CHN"], Metric::Relative);
        let profiles = vec![yes.clone(), yes, no];
        let mut m = matrix(&o, &profiles);
        centre(&mut m, &["RU", "US", "CN"], &all).unwrap();
        // Row means: X (1 - 1) / 2 = 0, Y 0, Z -1; grand mean -1/3.
        // X-Y: 1 - 0 - 0 - 1/3 = 2/3; X-Z: -1 - 0 + 1 - 1/3 = -1/3.
        let at = |i: usize, j: usize| m.cells[i][j].unwrap();
        assert!((at(0, 1) - 2.0 / 3.0).abs() < 1e-12, "{:?}", m.cells);
        assert!((at(0, 2) + 1.0 / 3.0).abs() < 1e-12, "{:?}", m.cells);
        assert_eq!(m.cells[0][0], None, "no affinity with oneself");
        assert_eq!(m.cells[1][2], m.cells[2][1]);
    }

    #[test]
    fn reads_quoted_commas_and_skips_codeless_rows() {
        let rc = "rcid,session,date,short\n1,55,2000-10-01,\"A, B\"\n2,56,2001-11-02,\"say \"\"no\"\"\"\n3,57,2002-01-01,x\n";
        let years = read_roll_calls(Path::new("roll_calls.csv"), rc.as_bytes()).unwrap();
        assert_eq!(years.len(), 3);
        assert_eq!(years[&2], 2001);
        let votes = "rcid,country_code,country,vote\n1,RU,Russia,yes\n1,,Zanzibar,no\n1,US,United States,no\n2,RU,Russia,abstain\n2,US,United States,no\n3,RU,Russia,no\n3,US,United States,no\n1,,Federal Republic of Germany,yes\n";
        let o = opts(&["RUS", "USA"], Metric::S);
        let all = read_votes(Path::new("v"), votes.as_bytes(), &years, &o).unwrap();
        // Roll call 3 (2002) is outside 2000–2001; Zanzibar has no code;
        // the Federal Republic's rows are Germany's.
        assert_eq!(all.len(), 3);
        assert_eq!(all["DE"], vec![(1, 2)]);
        let p = vec![all["RU"].clone(), all["US"].clone()];
        assert_eq!(p, vec![vec![(1, 2), (2, 1)], vec![(1, 0), (2, 0)]]);
        let m = matrix(&o, &p);
        // |1 − 0| and |0.5 − 0|: mean 0.75, S = −0.5.
        assert_eq!(
            m.to_csv(),
            "state,RUS,USA\nRUS,1.000,-0.500\nUSA,-0.500,1.000\n"
        );
    }

    #[test]
    fn a_state_without_votes_is_empty_and_warned() {
        let o = opts(&["RUS", "TWN"], Metric::S);
        let m = matrix(&o, &[vec![(1, 2)], vec![]]);
        assert_eq!(m.to_csv(), "state,RUS,TWN\nRUS,1.000,\nTWN,,\n");
        assert_eq!(m.warnings.len(), 1);
        assert!(
            m.warnings[0].starts_with("TWN has no votes in 2000–2001"),
            "{:?}",
            m.warnings
        );
    }

    #[test]
    fn min_votes_empties_thin_pairs() {
        let mut o = opts(&["RUS", "CHN", "USA"], Metric::Agreement);
        o.min_votes = 2;
        let m = matrix(
            &o,
            &[
                vec![(1, 2), (2, 2)],
                vec![(1, 2), (2, 0)],
                vec![(2, 2), (3, 2)],
            ],
        );
        assert_eq!(m.cells[0][1], Some(0.5));
        assert_eq!(m.cells[0][2], None);
        assert_eq!(m.shared[0][2], 1);
        assert!(
            m.warnings[0].contains("RUS and USA share 1 roll calls"),
            "{:?}",
            m.warnings
        );
    }

    #[test]
    fn malformed_rows_name_file_row_and_column() {
        let rc = "rcid,date\n1,2000-01-01\n2,2000-13-01\n";
        let e = read_roll_calls(Path::new("rc.csv"), rc.as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .contains("rc.csv: row 3, column 2 (date): `2000-13-01` is not a date"),
            "{e}"
        );
        let rc = "rcid,date\n1,2000-01-01\n2\n";
        let e = read_roll_calls(Path::new("rc.csv"), rc.as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .contains("rc.csv: row 3: 1 fields, the header has 2"),
            "{e}"
        );
        let e = read_roll_calls(Path::new("rc.csv"), "id,date\n".as_bytes()).unwrap_err();
        assert!(
            e.to_string().contains("rc.csv: row 1: no column `rcid`"),
            "{e}"
        );
    }

    #[test]
    fn unknown_and_repeated_states_are_errors() {
        let mut o = opts(&["RUS", "RUZ", "RUS"], Metric::S);
        o.from = 2009;
        let e = check_options(&o).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("--from 2009 is after --to 2001"), "{text}");
        assert!(text.contains("unknown state `RUZ`"), "{text}");
        assert!(text.contains("did you mean `RUS`?"), "{text}");
        assert!(text.contains("state `RUS` is given twice"), "{text}");
    }

    #[test]
    fn parses_dates() {
        assert_eq!(parse_date("1992-03-05"), Some(1992));
        assert_eq!(parse_date("1992-3-05"), None);
        assert_eq!(parse_date("19x2-03-05"), None);
        assert_eq!(parse_date("1992-00-05"), None);
    }
}
