//! Country codes: bloc's actor ids (ISO 3166-1 alpha-3, or ISO 3166-3 for
//! states that are gone: CSK, DDR), the two-letter codes (alpha-2) of the
//! UN General Assembly votes in data/unga/, and the Correlates of War
//! numeric codes of data/cow/ and data/atop/. The one table of the pairing:
//! add a state here, once, before reading its data. Its tests check that it
//! is a bijection, that it covers every actor of the shipped scenarios, and
//! that every code in it occurs in the shipped data.

/// (actor id, two-letter code, COW code, name), sorted by actor id. The COW code
/// is the one the state bears in most years; [`COW_PERIODS`] lists the
/// years in which it bore another.
pub const TABLE: &[(&str, &str, u16, &str)] = &[
    ("AFG", "AF", 700, "Afghanistan"),
    ("ALB", "AL", 339, "Albania"),
    ("ARM", "AM", 371, "Armenia"),
    ("AUS", "AU", 900, "Australia"),
    ("AZE", "AZ", 373, "Azerbaijan"),
    ("BEL", "BE", 211, "Belgium"),
    ("BGD", "BD", 771, "Bangladesh"),
    ("BGR", "BG", 355, "Bulgaria"),
    ("BLR", "BY", 370, "Belarus"),
    ("CAN", "CA", 20, "Canada"),
    ("CHN", "CN", 710, "China"), // China (the People's Republic from 1971)
    ("CSK", "CS", 315, "Czechoslovakia"), // Czechoslovakia (to 1992)
    ("CYP", "CY", 352, "Cyprus"),
    ("DDR", "DD", 265, "German Democratic Republic"), // German Democratic Republic (1954-1990)
    ("DEU", "DE", 255, "Germany"), // Germany (the Federal Republic's UN rows, 1973-1990, have no code: read as DE)
    ("DNK", "DK", 390, "Denmark"),
    ("EGY", "EG", 651, "Egypt"),
    ("ESP", "ES", 230, "Spain"),
    ("EST", "EE", 366, "Estonia"),
    ("FRA", "FR", 220, "France"),
    ("GBR", "GB", 200, "United Kingdom"),
    ("GEO", "GE", 372, "Georgia"),
    ("GRC", "GR", 350, "Greece"),
    ("HUN", "HU", 310, "Hungary"),
    ("IND", "IN", 750, "India"),
    ("IRN", "IR", 630, "Iran"),
    ("IRQ", "IQ", 645, "Iraq"),
    ("ISL", "IS", 395, "Iceland"),
    ("ISR", "IL", 666, "Israel"),
    ("ITA", "IT", 325, "Italy"),
    ("JOR", "JO", 663, "Jordan"),
    ("JPN", "JP", 740, "Japan"),
    ("KAZ", "KZ", 705, "Kazakhstan"),
    ("KGZ", "KG", 703, "Kyrgyzstan"),
    ("KOR", "KR", 732, "South Korea"),
    ("LKA", "LK", 780, "Sri Lanka"),
    ("LTU", "LT", 368, "Lithuania"),
    ("LUX", "LU", 212, "Luxembourg"),
    ("LVA", "LV", 367, "Latvia"),
    ("MDA", "MD", 359, "Moldova"),
    ("MNG", "MN", 712, "Mongolia"),
    ("NLD", "NL", 210, "Netherlands"),
    ("NOR", "NO", 385, "Norway"),
    ("NPL", "NP", 790, "Nepal"),
    ("NZL", "NZ", 920, "New Zealand"),
    ("PAK", "PK", 770, "Pakistan"),
    ("PHL", "PH", 840, "Philippines"),
    ("POL", "PL", 290, "Poland"),
    ("PRK", "KP", 731, "North Korea"),
    ("PRT", "PT", 235, "Portugal"),
    ("ROU", "RO", 360, "Romania"),
    ("RUS", "RU", 365, "Russia"), // Russia (the Soviet Union's votes before 1992 too)
    ("SAU", "SA", 670, "Saudi Arabia"),
    ("SYR", "SY", 652, "Syria"),
    ("THA", "TH", 800, "Thailand"),
    ("TJK", "TJ", 702, "Tajikistan"),
    ("TKM", "TM", 701, "Turkmenistan"),
    ("TUR", "TR", 640, "Turkey"),
    ("TWN", "TW", 713, "Taiwan"), // Taiwan (the Republic of China's seat until 1971)
    ("UKR", "UA", 369, "Ukraine"),
    ("USA", "US", 2, "United States"),
    ("UZB", "UZ", 704, "Uzbekistan"),
    ("VNM", "VN", 816, "Vietnam"),
    ("YUG", "YU", 345, "Yugoslavia"), // Yugoslavia (COW counts Serbia on from 2006)
];

/// (actor id, COW code, first year, last year, name then): a state that
/// bore another COW code for a while. COW counts the Federal Republic (GFR,
/// 260) apart from Germany before 1945 and after 1990 (GMY, 255).
/// The Federal Republic's period starts in 1949, its founding: ATOP counts
/// it in NATO from 1954, COW as a state from 1955.
pub const COW_PERIODS: &[(&str, u16, i32, i32, &str)] =
    &[("DEU", 260, 1949, 1989, "Federal Republic of Germany")];

/// (actor id, first year, last year, name then): a state known by another
/// name for a while, under the same codes (names at the end of the year).
pub const NAMES_THEN: &[(&str, i32, i32, &str)] = &[
    ("RUS", 1922, 1990, "Soviet Union"),
    ("YUG", 1992, 2002, "Federal Republic of Yugoslavia"),
    ("YUG", 2003, 2005, "Serbia and Montenegro"),
    ("YUG", 2006, 2008, "Serbia"),
];

/// The two-letter code of an actor id, if the table has it.
pub fn alpha2(actor: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|(a, ..)| *a == actor)
        .map(|(_, c, ..)| *c)
}

/// The actor id of a two-letter code, if the table has it.
pub fn alpha3(code: &str) -> Option<&'static str> {
    TABLE.iter().find(|(_, c, ..)| *c == code).map(|(a, ..)| *a)
}

/// The COW code an actor bore in `year`, if the table has the actor.
pub fn cow(actor: &str, year: i32) -> Option<u16> {
    COW_PERIODS
        .iter()
        .find(|(a, _, from, to, _)| *a == actor && (*from..=*to).contains(&year))
        .map(|(_, c, ..)| *c)
        .or_else(|| {
            TABLE
                .iter()
                .find(|(a, ..)| *a == actor)
                .map(|(_, _, c, _)| *c)
        })
}

/// The state's name in `year` (in English, as bloc's worlds write it).
pub fn name(actor: &str, year: i32) -> Option<&'static str> {
    COW_PERIODS
        .iter()
        .find(|(a, _, from, to, _)| *a == actor && (*from..=*to).contains(&year))
        .map(|(.., n)| *n)
        .or_else(|| {
            NAMES_THEN
                .iter()
                .find(|(a, from, to, _)| *a == actor && (*from..=*to).contains(&year))
                .map(|(.., n)| *n)
        })
        .or_else(|| TABLE.iter().find(|(a, ..)| *a == actor).map(|(.., n)| *n))
}

/// The actor id that bore COW code `code` in `year`, if the table has it.
pub fn from_cow(code: u16, year: i32) -> Option<&'static str> {
    TABLE
        .iter()
        .map(|(a, ..)| *a)
        .find(|a| cow(a, year) == Some(code))
}

/// A problem with each state of a command line's `--states`: given twice,
/// or not in the table (with the closest id and the list of known ones).
pub fn check_states(states: &[String]) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::diagnostic::Diagnostic;
    let mut problems = Vec::new();
    if states.iter().any(|s| s.trim().is_empty()) {
        problems.push(
            Diagnostic::new("an empty state in the list (two commas in a row, or one at an end?)")
                .note("e.g. --states USA,GBR,FRA"),
        );
    }
    for (i, s) in states.iter().enumerate() {
        if s.trim().is_empty() {
            continue;
        }
        if states[..i].contains(s) {
            problems.push(Diagnostic::new(format!("state `{s}` is given twice")));
        } else if alpha2(s).is_none() {
            let known: Vec<&str> = TABLE.iter().map(|(a, ..)| *a).collect();
            let mut d = Diagnostic::new(format!("unknown state `{s}`")).note(format!(
                "states are bloc's actor ids (src/codes.rs): {}",
                known.join(", ")
            ));
            if let Some(c) = closest(s) {
                d = d.note(format!("did you mean `{c}`?"));
            }
            problems.push(d);
        }
    }
    problems
}

/// The table's actor id closest to `actor` (for "did you mean").
pub fn closest(actor: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .map(|(a, ..)| (strsim::levenshtein(a, &actor.to_ascii_uppercase()), *a))
        .filter(|(d, _)| *d <= 1)
        .min()
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn an_empty_state_is_one_clear_problem() {
        let states: Vec<String> = ["USA", "", "GBR", ""].map(String::from).to_vec();
        let problems = check_states(&states);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].to_string().contains("an empty state"),
            "{problems:?}"
        );
    }

    #[test]
    fn table_is_a_sorted_bijection_of_well_formed_codes() {
        let threes: BTreeSet<_> = TABLE.iter().map(|(a, ..)| *a).collect();
        let twos: BTreeSet<_> = TABLE.iter().map(|(_, c, ..)| *c).collect();
        let cows: BTreeSet<_> = TABLE.iter().map(|(_, _, n, _)| *n).collect();
        assert_eq!(threes.len(), TABLE.len(), "an actor id appears twice");
        assert_eq!(twos.len(), TABLE.len(), "a two-letter code appears twice");
        assert_eq!(cows.len(), TABLE.len(), "a COW code appears twice");
        for (a, c, ..) in TABLE {
            assert!(
                a.len() == 3 && a.bytes().all(|b| b.is_ascii_uppercase()),
                "{a}"
            );
            assert!(
                c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()),
                "{c}"
            );
            assert_eq!(alpha3(alpha2(a).unwrap()), Some(*a));
        }
        let sorted: Vec<_> = threes.into_iter().collect();
        let listed: Vec<_> = TABLE.iter().map(|(a, ..)| *a).collect();
        assert_eq!(listed, sorted, "keep the table sorted by actor id");
    }

    #[test]
    fn covers_every_actor_of_the_shipped_worlds_and_scenarios() {
        // Loading every shipped scenario covers scenarios/worlds/*.yaml and
        // the actors that `extend:` adds (AZE, TUR, UKR in beyond-2008).
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut worlds = 0;
        for entry in std::fs::read_dir(root.join("scenarios")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let opts = crate::LoadOptions {
                    rules: Some(root.join("rules")),
                    ..Default::default()
                };
                let plan = crate::load(&path, &opts).unwrap_or_else(|e| panic!("{e}"));
                for actor in plan.world.actors.iter() {
                    assert!(
                        alpha2(&actor.id).is_some(),
                        "{} (in {}) has no two-letter code in src/codes.rs",
                        actor.id,
                        path.display()
                    );
                }
                worlds += 1;
            }
        }
        assert!(worlds > 5, "found only {worlds} scenarios");
    }

    #[test]
    fn every_code_occurs_in_the_shipped_votes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let file = std::fs::File::open(root.join("data/unga/votes.csv.gz")).unwrap();
        let mut reader = csv::Reader::from_reader(flate2::read::GzDecoder::new(file));
        let mut seen = BTreeSet::new();
        for record in reader.byte_records() {
            seen.insert(record.unwrap()[1].to_vec());
        }
        for (a, c, ..) in TABLE {
            assert!(seen.contains(c.as_bytes()), "{a} → {c}: no votes under {c}");
        }
    }

    #[test]
    fn cow_codes_are_one_to_one_in_every_year_and_occur_in_the_data() {
        for year in 1816..=2008 {
            let mut seen = BTreeSet::new();
            for (a, ..) in TABLE {
                let c = cow(a, year).unwrap();
                assert!(seen.insert(c), "COW {c} has two actors in {year}");
                assert_eq!(from_cow(c, year), Some(*a));
            }
        }
        assert_eq!(cow("DEU", 1961), Some(260));
        assert_eq!(cow("DEU", 1995), Some(255));
        assert_eq!(from_cow(260, 1961), Some("DEU"));
        assert_eq!(from_cow(260, 1995), None);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let file = std::fs::File::open(root.join("data/cow/state-years.csv.gz")).unwrap();
        let mut reader = csv::Reader::from_reader(flate2::read::GzDecoder::new(file));
        let mut years: std::collections::BTreeMap<u16, BTreeSet<i32>> = Default::default();
        for record in reader.records() {
            let r = record.unwrap();
            years
                .entry(r[1].parse().unwrap())
                .or_default()
                .insert(r[2].parse().unwrap());
        }
        for (a, _, c, _) in TABLE {
            assert!(years.contains_key(c), "{a} → COW {c}: not in the data");
        }
        for (a, c, from, to, _) in COW_PERIODS {
            let ys = &years[c];
            assert!(
                (*from..=*to).any(|y| ys.contains(&y)),
                "{a} → COW {c} {from}-{to}: no year in the data"
            );
        }
    }

    #[test]
    fn suggests_the_closest_id() {
        assert_eq!(closest("RUZ"), Some("RUS"));
        assert_eq!(closest("rus"), Some("RUS"));
        assert_eq!(closest("XXXX"), None);
    }
}
