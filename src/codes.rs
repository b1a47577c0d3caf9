//! Country codes: bloc's actor ids (ISO 3166-1 alpha-3) and the two-letter
//! codes (alpha-2) that outside data sets use, such as the UN General
//! Assembly votes in data/unga/. The one table of the pairing: add a state
//! here, once, before reading its data. Its tests check that it is a
//! bijection, that it covers every actor of the shipped scenarios, and that
//! every two-letter code in it occurs in the shipped votes.

/// (actor id, two-letter code), sorted by actor id.
pub const TABLE: &[(&str, &str)] = &[
    ("AFG", "AF"), // Afghanistan
    ("ARM", "AM"), // Armenia
    ("AZE", "AZ"), // Azerbaijan
    ("BGD", "BD"), // Bangladesh
    ("BLR", "BY"), // Belarus
    ("CAN", "CA"), // Canada
    ("CHN", "CN"), // China (the People's Republic from 1971)
    ("DEU", "DE"), // Germany (the Federal Republic's own rows have no code)
    ("EGY", "EG"), // Egypt
    ("ESP", "ES"), // Spain
    ("EST", "EE"), // Estonia
    ("FRA", "FR"), // France
    ("GBR", "GB"), // United Kingdom
    ("GEO", "GE"), // Georgia
    ("IND", "IN"), // India
    ("IRN", "IR"), // Iran
    ("IRQ", "IQ"), // Iraq
    ("ISR", "IL"), // Israel
    ("ITA", "IT"), // Italy
    ("JPN", "JP"), // Japan
    ("KAZ", "KZ"), // Kazakhstan
    ("KGZ", "KG"), // Kyrgyzstan
    ("KOR", "KR"), // South Korea
    ("LKA", "LK"), // Sri Lanka
    ("LTU", "LT"), // Lithuania
    ("LVA", "LV"), // Latvia
    ("MDA", "MD"), // Moldova
    ("MNG", "MN"), // Mongolia
    ("NPL", "NP"), // Nepal
    ("PAK", "PK"), // Pakistan
    ("POL", "PL"), // Poland
    ("PRK", "KP"), // North Korea
    ("RUS", "RU"), // Russia (the Soviet Union's votes before 1992 too)
    ("SAU", "SA"), // Saudi Arabia
    ("SYR", "SY"), // Syria
    ("TJK", "TJ"), // Tajikistan
    ("TKM", "TM"), // Turkmenistan
    ("TUR", "TR"), // Turkey
    ("TWN", "TW"), // Taiwan (the Republic of China's seat until 1971)
    ("UKR", "UA"), // Ukraine
    ("USA", "US"), // United States
    ("UZB", "UZ"), // Uzbekistan
    ("VNM", "VN"), // Vietnam
];

/// The two-letter code of an actor id, if the table has it.
pub fn alpha2(actor: &str) -> Option<&'static str> {
    TABLE.iter().find(|(a, _)| *a == actor).map(|(_, c)| *c)
}

/// The actor id of a two-letter code, if the table has it.
pub fn alpha3(code: &str) -> Option<&'static str> {
    TABLE.iter().find(|(_, c)| *c == code).map(|(a, _)| *a)
}

/// The table's actor id closest to `actor` (for "did you mean").
pub fn closest(actor: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .map(|(a, _)| (strsim::levenshtein(a, &actor.to_ascii_uppercase()), *a))
        .filter(|(d, _)| *d <= 1)
        .min()
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn table_is_a_sorted_bijection_of_well_formed_codes() {
        let threes: BTreeSet<_> = TABLE.iter().map(|(a, _)| *a).collect();
        let twos: BTreeSet<_> = TABLE.iter().map(|(_, c)| *c).collect();
        assert_eq!(threes.len(), TABLE.len(), "an actor id appears twice");
        assert_eq!(twos.len(), TABLE.len(), "a two-letter code appears twice");
        for (a, c) in TABLE {
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
        let listed: Vec<_> = TABLE.iter().map(|(a, _)| *a).collect();
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
        for (a, c) in TABLE {
            assert!(seen.contains(c.as_bytes()), "{a} → {c}: no votes under {c}");
        }
    }

    #[test]
    fn suggests_the_closest_id() {
        assert_eq!(closest("RUZ"), Some("RUS"));
        assert_eq!(closest("rus"), Some("RUS"));
        assert_eq!(closest("XXXX"), None);
    }
}
