//! The ATOP v4.01 alliances of data/atop/ (Leeds et al. 2002; cut at the
//! end of 2008, data/atop/SOURCE.md): which alliances were in force in a
//! year, with which members, what they obliged and how deep they went. Read
//! from the member-level file, one row per member and phase, so that a
//! member's entry and exit and a later phase's provisions count.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use crate::affinity::{At, columns, next_record, reader};
use crate::cow::{number, whole};
use crate::diagnostic::Error;

/// One member in one phase of an alliance. Years are calendar years; an
/// exit of 0 means still a member at the end of 2008.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberPhase {
    pub member: u16,
    pub entry: i32,
    pub exit: i32,
    pub bilateral: bool,
    pub defense: bool,
    pub offense: bool,
    pub neutral: bool,
    pub nonagg: bool,
    pub consul: bool,
    /// Depth provisions, as the ATOP codebook codes them (0 = none or not
    /// coded).
    pub intcom: i64,
    pub organ1: i64,
    pub milcon: i64,
    pub base: i64,
    pub milaid: i64,
    /// Members promise not to join other alliances.
    pub noothall: bool,
    /// This member's defence pledge holds only against a specific
    /// adversary (`defcoadv`).
    pub defcoadv: bool,
}

impl MemberPhase {
    /// A member at the end of `year`: it entered by then and had not left.
    pub fn in_force(&self, year: i32) -> bool {
        self.entry <= year && (self.exit == 0 || self.exit > year)
    }
}

/// Every alliance of the file: ATOP id → its member-phases, in file order.
#[derive(Debug, Clone, Default)]
pub struct Alliances {
    pub rows: BTreeMap<u32, Vec<MemberPhase>>,
}

/// What an alliance was at the end of a year: its members then, and the
/// strongest of each provision over their phases then in force.
#[derive(Debug, Clone, PartialEq)]
pub struct InForce {
    pub id: u32,
    pub members: Vec<u16>,
    /// The first entry and the last exit over every row (0 = in force at
    /// the end of 2008).
    pub span: (i32, i32),
    pub terms: MemberPhase,
    /// Each member's own obligations then (ATOP codes them per member:
    /// in an asymmetric pact only some members pledge force).
    pub by_member: BTreeMap<u16, MemberPhase>,
}

impl InForce {
    /// Whether `member` itself pledges force (defence or offence) without
    /// limiting it to a named adversary.
    pub fn pledges_force(&self, member: u16) -> bool {
        self.by_member
            .get(&member)
            .is_some_and(|t| (t.defense || t.offense) && !t.defcoadv)
    }
}

/// The union of two sets of provisions: the strongest of each.
fn merge(t: &mut MemberPhase, r: &MemberPhase) {
    t.bilateral |= r.bilateral;
    t.defense |= r.defense;
    t.offense |= r.offense;
    t.neutral |= r.neutral;
    t.nonagg |= r.nonagg;
    t.consul |= r.consul;
    t.intcom = t.intcom.max(r.intcom);
    t.organ1 = t.organ1.max(r.organ1);
    t.milcon = t.milcon.max(r.milcon);
    t.base = t.base.max(r.base);
    t.milaid = t.milaid.max(r.milaid);
    t.noothall |= r.noothall;
    t.defcoadv |= r.defcoadv;
}

impl Alliances {
    /// The alliance `id` at the end of `year`, if it had a member then.
    pub fn at(&self, id: u32, year: i32) -> Option<InForce> {
        let rows = self.rows.get(&id)?;
        let now: Vec<&MemberPhase> = rows.iter().filter(|r| r.in_force(year)).collect();
        let first = *now.first()?;
        let mut members: Vec<u16> = now.iter().map(|r| r.member).collect();
        members.sort_unstable();
        members.dedup();
        let mut t = first.clone();
        let mut by_member: BTreeMap<u16, MemberPhase> = BTreeMap::new();
        for r in &now {
            merge(&mut t, r);
            by_member
                .entry(r.member)
                .and_modify(|m| merge(m, r))
                .or_insert_with(|| (*r).clone());
        }
        Some(InForce {
            id,
            members,
            span: self.span(id).unwrap_or((year, year)),
            terms: t,
            by_member,
        })
    }

    /// The first entry and the last exit (0 = still in force) of `id`.
    pub fn span(&self, id: u32) -> Option<(i32, i32)> {
        let rows = self.rows.get(&id)?;
        let from = rows.iter().map(|r| r.entry).min()?;
        let to = if rows.iter().any(|r| r.exit == 0) {
            0
        } else {
            rows.iter().map(|r| r.exit).max()?
        };
        Some((from, to))
    }

    /// Every alliance in force at the end of `year`, by id.
    pub fn in_force(&self, year: i32) -> Vec<InForce> {
        self.rows
            .keys()
            .filter_map(|id| self.at(*id, year))
            .collect()
    }

    /// The first and last year the file covers.
    pub fn years(&self) -> (i32, i32) {
        let first = self
            .rows
            .values()
            .flatten()
            .map(|r| r.entry)
            .min()
            .unwrap_or(0);
        (first, 2008)
    }
}

/// Read `path` (a gzip of the CSV, as shipped, or the plain CSV).
pub fn read(path: &Path) -> Result<Alliances, Error> {
    parse(path, crate::cow::open_data(path)?)
}

const COLUMNS: [&str; 17] = [
    "atopid", "member", "yrent", "yrexit", "bilat", "defense", "offense", "neutral", "nonagg",
    "consul", "intcom", "organ1", "milcon", "base", "milaid", "noothall", "defcoadv",
];

pub(crate) fn parse<R: Read>(path: &Path, input: R) -> Result<Alliances, Error> {
    let mut r = reader(input);
    let (idx, width) = columns(&mut r, path, COLUMNS)?;
    let mut rec = csv::StringRecord::new();
    let mut out = Alliances::default();
    while let Some(row) = next_record(&mut r, &mut rec, path)? {
        let at = At { path, row };
        // Depth provisions (columns 10 on) are left empty where ATOP did
        // not code them: read as 0, "no such provision".
        let v = |k: usize| -> Result<i64, Error> {
            let col = (idx[k], COLUMNS[k]);
            if k >= 10 && number(&rec, &at, width, col)?.is_none() {
                return Ok(0);
            }
            let n = whole(&rec, &at, width, col)?;
            if n < 0 {
                return Err(at.error(Some((idx[k], COLUMNS[k])), format!("{n} is negative")));
            }
            Ok(n)
        };
        let year = |k: usize| -> Result<i32, Error> {
            let y = v(k)?;
            if y != 0 && !(1800..=2100).contains(&y) {
                return Err(at.error(Some((idx[k], COLUMNS[k])), format!("{y} is not a year")));
            }
            Ok(y as i32)
        };
        let id = u32::try_from(v(0)?)
            .map_err(|_| at.error(Some((idx[0], "atopid")), "not an alliance id"))?;
        let member = u16::try_from(v(1)?)
            .map_err(|_| at.error(Some((idx[1], "member")), "not a COW code"))?;
        let entry = year(2)?;
        if entry == 0 {
            return Err(at.error(Some((idx[2], "yrent")), "no year of entry"));
        }
        let exit = year(3)?;
        if exit != 0 && exit < entry {
            return Err(at.error(
                Some((idx[3], "yrexit")),
                format!("exit {exit} before entry {entry}"),
            ));
        }
        let flag = |k: usize| v(k).map(|n| n > 0);
        let phase = MemberPhase {
            member,
            entry,
            exit,
            bilateral: flag(4)?,
            defense: flag(5)?,
            offense: flag(6)?,
            neutral: flag(7)?,
            nonagg: flag(8)?,
            consul: flag(9)?,
            intcom: v(10)?,
            organ1: v(11)?,
            milcon: v(12)?,
            base: v(13)?,
            milaid: v(14)?,
            noothall: flag(15)?,
            defcoadv: flag(16)?,
        };
        out.rows.entry(id).or_default().push(phase);
    }
    if out.rows.is_empty() {
        return Err(At { path, row: 1 }.error(None, "no alliances in the file"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head() -> String {
        COLUMNS.join(",") + "\n"
    }

    #[test]
    fn members_and_provisions_at_the_end_of_a_year() {
        // Member 2 enters in phase 1 (1949-1951), phase 2 adds bases.
        let text = format!(
            "{}1,2,1949,1951,0,1,0,0,0,1,0,2,0,0,0,1,0\n1,2,1951,0,0,1,0,0,0,1,0,3,0,3,0,1,1\n1,20,1949,1955,0,1,0,0,0,1,0,2,0,0,0,1,0\n",
            head()
        );
        let a = parse(Path::new("m.csv"), text.as_bytes()).unwrap();
        let y1950 = a.at(1, 1950).unwrap();
        assert_eq!(y1950.members, vec![2, 20]);
        assert_eq!((y1950.terms.organ1, y1950.terms.base), (2, 0));
        let y1955 = a.at(1, 1955).unwrap();
        assert_eq!(y1955.members, vec![2], "20 left in 1955");
        assert_eq!(y1955.terms.base, 3, "phase 2's bases");
        assert!(
            y1955.by_member[&2].defcoadv,
            "phase 2 limits member 2's pledge"
        );
        assert!(!y1950.by_member[&2].defcoadv);
        assert_eq!(a.span(1), Some((1949, 0)));
        assert!(a.at(1, 1948).is_none());
        assert!(a.at(9, 1950).is_none());
    }

    #[test]
    fn malformed_rows_name_file_row_and_column() {
        let bad = format!("{}1,2,1949,1940,0,1,0,0,0,1,0,2,0,0,0,1,0\n", head());
        let e = parse(Path::new("m.csv"), bad.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("m.csv: row 2, column 4 (yrexit): exit 1940 before entry 1949"),
            "{e}"
        );
        let bad = format!("{}1,2,1949,0,0,yes,0,0,0,1,0,2,0,0,0,1,0\n", head());
        let e = parse(Path::new("m.csv"), bad.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(e.contains("column 6 (defense)"), "{e}");
    }

    #[test]
    fn the_shipped_file_knows_nato_and_the_warsaw_pact() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let a = read(&root.join("data/atop/atop-member-level.csv.gz")).unwrap();
        let nato = a.at(3180, 1961).unwrap();
        assert!(nato.members.contains(&2) && nato.members.contains(&260));
        assert!(nato.terms.defense);
        let wp = a.at(3285, 1961).unwrap();
        assert_eq!(wp.members.len(), 8);
        assert_eq!(wp.terms.intcom, 1);
        assert_eq!(a.span(3285), Some((1955, 1991)));
        // The United States' SEATO pledge: against communist aggression only.
        let seato = a.at(3260, 1960).unwrap();
        assert!(seato.by_member[&2].defcoadv);
        assert!(!seato.pledges_force(2) && seato.pledges_force(770));
        // The 1959 agreement: the United States pledges defence, Pakistan not.
        let us_pak = a.at(3355, 1960).unwrap();
        assert!(us_pak.pledges_force(2) && !us_pak.pledges_force(770));
    }
}
