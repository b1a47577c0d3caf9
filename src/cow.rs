//! The Correlates of War state-years of data/cow/ (COW National Material
//! Capabilities v5, Polity IV and a latent threat score, as joined in J.
//! Alley's replication data; data/cow/SOURCE.md): what `bloc world build`
//! reads of each state in a year.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use crate::affinity::{At, columns, field, next_record, open, reader};
use crate::diagnostic::Error;

/// One state in one year. A value the data leave empty (or `NA`) is `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct StateYear {
    /// Composite Index of National Capability: the state's share of the
    /// world's capabilities (military expenditure and personnel, iron and
    /// steel, energy, total and urban population), 0–1.
    pub cinc: Option<f64>,
    /// Polity IV combined score, −10 (autocracy) to +10 (democracy).
    pub polity2: Option<f64>,
    /// A COW major power that year.
    pub major_power: bool,
    /// The latent external threat score of the replication data, 0–1.
    pub threat: Option<f64>,
}

/// The state-years of one file: (COW code, year) → values.
#[derive(Debug, Clone, Default)]
pub struct StateYears {
    pub rows: BTreeMap<(u16, i32), StateYear>,
    /// The first and last year any row has.
    pub years: (i32, i32),
}

impl StateYears {
    /// Every state's row in `year`.
    pub fn in_year(&self, year: i32) -> impl Iterator<Item = (u16, &StateYear)> {
        self.rows
            .iter()
            .filter(move |((_, y), _)| *y == year)
            .map(|((c, _), v)| (*c, v))
    }
}

/// Read `path` (a gzip of the CSV, as shipped, or the plain CSV).
pub fn read(path: &Path) -> Result<StateYears, Error> {
    parse(path, open_data(path)?)
}

/// A data file's CSV text: gunzipped if its name ends in `.gz` (checked to
/// be gzip), else as it is.
pub(crate) fn open_data(path: &Path) -> Result<Box<dyn Read>, Error> {
    let mut file = open(path)?;
    if path.extension().is_some_and(|e| e == "gz") {
        check_gzip(path, &mut file)?;
        Ok(Box::new(flate2::read::GzDecoder::new(file)))
    } else {
        Ok(Box::new(file))
    }
}

/// Check that a `.gz` file starts as a gzip stream does, and rewind it: a
/// CSV saved under a `.gz` name would otherwise read as "truncated".
pub(crate) fn check_gzip(path: &Path, file: &mut std::fs::File) -> Result<(), Error> {
    use std::io::{Seek, SeekFrom};
    let mut magic = [0u8; 2];
    let n = file.read(&mut magic).map_err(|e| Error::io(path, e))?;
    if n < 2 || magic != [0x1f, 0x8b] {
        return Err(At { path, row: 1 }.error(
            None,
            "not a gzip file (a .gz name needs gzip data; a plain CSV needs a .csv name)",
        ));
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(path, e))?;
    Ok(())
}

/// A number, or `None` for an empty or `NA` cell.
pub(crate) fn number(
    rec: &csv::StringRecord,
    at: &At,
    width: usize,
    (i, name): (usize, &str),
) -> Result<Option<f64>, Error> {
    let s = field(rec, at, width, i)?.trim();
    if s.is_empty() || s == "NA" {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(at.error(Some((i, name)), format!("`{s}` is not a number"))),
    }
}

/// A whole number that must be there.
pub(crate) fn whole(
    rec: &csv::StringRecord,
    at: &At,
    width: usize,
    (i, name): (usize, &str),
) -> Result<i64, Error> {
    let v = number(rec, at, width, (i, name))?
        .ok_or_else(|| at.error(Some((i, name)), "empty; a whole number is needed"))?;
    if v.fract() != 0.0 || v.abs() > 1e12 {
        return Err(at.error(Some((i, name)), format!("{v} is not a whole number")));
    }
    Ok(v as i64)
}

pub(crate) fn parse<R: Read>(path: &Path, input: R) -> Result<StateYears, Error> {
    let mut r = reader(input);
    let (idx, width) = columns(
        &mut r,
        path,
        ["ccode", "year", "cinc", "polity2", "majpower", "lsthreat"],
    )?;
    let [ccode, year, cinc, polity2, majpower, lsthreat] = idx;
    let mut rec = csv::StringRecord::new();
    let mut out = StateYears {
        years: (i32::MAX, i32::MIN),
        ..Default::default()
    };
    while let Some(row) = next_record(&mut r, &mut rec, path)? {
        let at = At { path, row };
        let code = whole(&rec, &at, width, (ccode, "ccode"))?;
        let code = u16::try_from(code)
            .map_err(|_| at.error(Some((ccode, "ccode")), format!("{code} is not a COW code")))?;
        let y = whole(&rec, &at, width, (year, "year"))?;
        let y = i32::try_from(y)
            .ok()
            .filter(|y| (1800..=2100).contains(y))
            .ok_or_else(|| at.error(Some((year, "year")), format!("{y} is not a year")))?;
        let share = |v: Option<f64>, (i, name): (usize, &str)| match v {
            Some(x) if !(0.0..=1.0).contains(&x) => {
                Err(at.error(Some((i, name)), format!("{x} is outside [0, 1]")))
            }
            _ => Ok(v),
        };
        let value = StateYear {
            cinc: share(number(&rec, &at, width, (cinc, "cinc"))?, (cinc, "cinc"))?,
            polity2: match number(&rec, &at, width, (polity2, "polity2"))? {
                Some(p) if !(-10.0..=10.0).contains(&p) => {
                    return Err(at.error(
                        Some((polity2, "polity2")),
                        format!("{p} is outside [-10, 10]"),
                    ));
                }
                p => p,
            },
            major_power: number(&rec, &at, width, (majpower, "majpower"))? == Some(1.0),
            threat: share(
                number(&rec, &at, width, (lsthreat, "lsthreat"))?,
                (lsthreat, "lsthreat"),
            )?,
        };
        if out.rows.insert((code, y), value).is_some() {
            return Err(at.error(
                Some((ccode, "ccode")),
                format!("COW {code} in {y} is listed twice"),
            ));
        }
        out.years = (out.years.0.min(y), out.years.1.max(y));
    }
    if out.rows.is_empty() {
        return Err(At { path, row: 1 }.error(None, "no state-years in the file"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "stateabb,ccode,year,cinc,milex,milper,irst,pec,tpop,upop,polity2,majpower,lsthreat\n";

    #[test]
    fn reads_values_and_empty_cells() {
        let text = format!(
            "{HEAD}USA,2,1961,0.21,1,1,1,1,1,1,10.0,1,0.47\nGDR,265,1961,0.009,,,,,,,-9.0,0,\n"
        );
        let d = parse(Path::new("s.csv"), text.as_bytes()).unwrap();
        assert_eq!(d.years, (1961, 1961));
        let usa = &d.rows[&(2, 1961)];
        assert_eq!(usa.cinc, Some(0.21));
        assert!(usa.major_power);
        assert_eq!(d.rows[&(265, 1961)].threat, None);
    }

    #[test]
    fn malformed_rows_name_file_row_and_column() {
        let bad = format!("{HEAD}USA,2,1961,lots,1,1,1,1,1,1,10.0,1,0.47\n");
        let e = parse(Path::new("s.csv"), bad.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("s.csv: row 2, column 4 (cinc): `lots` is not a number"),
            "{e}"
        );
        let short = format!("{HEAD}USA,2,1961\n");
        let e = parse(Path::new("s.csv"), short.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("row 2") && e.contains("3 fields"), "{e}");
        let twice = format!("{HEAD}USA,2,1961,0.2,,,,,,,10,1,0.4\nUSA,2,1961,0.2,,,,,,,10,1,0.4\n");
        let e = parse(Path::new("s.csv"), twice.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("row 3") && e.contains("listed twice"), "{e}");
        let e = parse(Path::new("s.csv"), "a,b\n".as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("no column `ccode`"), "{e}");
    }

    #[test]
    fn rows_are_counted_alike_with_crlf_line_ends() {
        let lf = format!("{HEAD}USA,2,1961,0.2,,,,,,,10,1,0.4\nUSA,2,1962,lots,,,,,,,10,1,0.4\n");
        let crlf = lf.replace('\n', "\r\n");
        for text in [lf, crlf] {
            let e = parse(Path::new("s.csv"), text.as_bytes())
                .unwrap_err()
                .to_string();
            assert!(e.contains("row 3, column 4 (cinc)"), "{e}");
        }
    }

    #[test]
    fn a_plain_file_under_a_gz_name_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.csv.gz");
        std::fs::write(&p, HEAD).unwrap();
        let e = read(&p).unwrap_err().to_string();
        assert!(e.contains("not a gzip file"), "{e}");
    }

    #[test]
    fn a_truncated_gzip_is_an_error_not_a_panic() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(root.join("data/cow/state-years.csv.gz")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let cut = dir.path().join("cut.csv.gz");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let e = read(&cut).unwrap_err().to_string();
        assert!(e.contains("cut.csv.gz") && e.contains("row"), "{e}");
    }

    #[test]
    fn the_shipped_file_reads_whole() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let d = read(&root.join("data/cow/state-years.csv.gz")).unwrap();
        assert_eq!(d.years, (1816, 2007));
        assert!(d.rows[&(365, 1961)].major_power);
    }
}
