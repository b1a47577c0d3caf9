//! `bloc affinity`: the real binary on a hand-made data folder (values
//! computed by hand below) and on the shipped UN votes.

use std::io::Write;
use std::path::Path;
use std::process::Command;

/// Five roll calls, one a year from 1999 to 2002 and two in 2000; a quoted
/// title with a comma and doubled quotes, as in the real file.
const ROLL_CALLS: &str = "rcid,session,date,unres,importantvote,amend,para,short,descr
1,54,1999-05-01,R/54/1,0,0,0,\"ARMS, CONVENTIONAL\",\"TO ADOPT \"\"A\"\", B\"
2,55,2000-10-01,R/55/1,0,0,0,X,Y
3,55,2000-12-01,R/55/2,0,0,0,X,Y
4,56,2001-03-01,R/56/1,0,0,0,X,Y
5,57,2002-01-01,R/57/1,0,0,0,X,Y
";

/// Russia, China, the US (and Taiwan once, in 1999; a row without a code).
/// In 2000–2001 (roll calls 2, 3, 4; China absent from 4):
///   RUS yes, abstain, no;  CHN yes, yes, –;  USA no, no, yes.
const VOTES: &str = "rcid,country_code,country,vote
1,RU,Russia,yes
1,CN,China,no
1,US,United States,no
1,TW,Taiwan,yes
2,RU,Russia,yes
2,CN,China,yes
2,US,United States,no
2,,Zanzibar,no
3,RU,Russia,abstain
3,CN,China,yes
3,US,United States,no
4,RU,Russia,no
4,US,United States,yes
5,RU,Russia,yes
5,CN,China,yes
5,US,United States,yes
";

fn gzip(text: &str) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

fn data_dir(roll_calls: &str, votes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("roll_calls.csv"), roll_calls).unwrap();
    std::fs::write(dir.path().join("votes.csv.gz"), votes).unwrap();
    dir
}

/// Run `bloc affinity DIR ARGS…`; (exit code, stdout, stderr).
fn affinity(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bloc"))
        .arg("affinity")
        .arg(dir)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        err,
    )
}

fn hand_made() -> tempfile::TempDir {
    data_dir(ROLL_CALLS, &gzip(VOTES))
}

#[test]
fn s_score_over_a_window_by_hand() {
    let d = hand_made();
    let (code, out, err) = affinity(
        d.path(),
        &["--from", "2000", "--to", "2001", "--states", "RUS,CHN,USA"],
    );
    assert_eq!((code, err.as_str()), (0, ""));
    // RUS–CHN on 2, 3: |1−1|, |0.5−1| → mean 0.25, S = 1 − 2·0.25 = 0.5.
    // RUS–USA on 2, 3, 4: 1, 0.5, 1 → mean 5/6, S = 1 − 5/3 = −0.667.
    // CHN–USA on 2, 3: 1, 1 → S = −1.
    assert_eq!(
        out,
        "state,RUS,CHN,USA\n\
         RUS,1.000,0.500,-0.667\n\
         CHN,0.500,1.000,-1.000\n\
         USA,-0.667,-1.000,1.000\n"
    );
}

#[test]
fn agreement_by_hand() {
    let d = hand_made();
    let (code, out, _) = affinity(
        d.path(),
        &[
            "--from",
            "2000",
            "--to",
            "2001",
            "--states",
            "RUS,CHN,USA",
            "--metric",
            "agreement",
        ],
    );
    assert_eq!(code, 0);
    // RUS–CHN alike on 2 of 2, 3; RUS–USA and CHN–USA never alike.
    assert_eq!(
        out,
        "state,RUS,CHN,USA\nRUS,1.000,0.500,0.000\nCHN,0.500,1.000,0.000\nUSA,0.000,0.000,1.000\n"
    );
}

#[test]
fn the_window_selects_roll_calls_by_year() {
    let d = hand_made();
    // 1999–2002: RUS–CHN on 1, 2, 3, 5: 1, 0, 0.5, 0 → mean 0.375, S = 0.25.
    let (_, out, _) = affinity(
        d.path(),
        &["--from", "1999", "--to", "2002", "--states", "RUS,CHN"],
    );
    assert_eq!(out, "state,RUS,CHN\nRUS,1.000,0.250\nCHN,0.250,1.000\n");
    // 2002 alone: one roll call, all yes.
    let (_, out, _) = affinity(
        d.path(),
        &["--from", "2002", "--to", "2002", "--states", "RUS,USA"],
    );
    assert_eq!(out, "state,RUS,USA\nRUS,1.000,1.000\nUSA,1.000,1.000\n");
    // JSON carries the same numbers and the shared roll calls.
    let (_, out, _) = affinity(
        d.path(),
        &[
            "--from", "1999", "--to", "2002", "--states", "RUS,CHN", "--format", "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["matrix"][0][1], 0.25);
    assert_eq!(doc["shared_votes"][0][1], 4);
    assert_eq!(doc["metric"], "s");
}

#[test]
fn a_state_without_votes_in_the_window_is_empty_and_warned() {
    let d = hand_made();
    let (code, out, err) = affinity(
        d.path(),
        &["--from", "2000", "--to", "2001", "--states", "RUS,TWN"],
    );
    assert_eq!(code, 0);
    assert_eq!(out, "state,RUS,TWN\nRUS,1.000,\nTWN,,\n");
    assert_eq!(
        err,
        "warning: TWN has no votes in 2000–2001 (not a UN member then, or absent from every roll call): its row and column are empty\n"
    );
}

#[test]
fn min_votes_empties_thin_states_and_pairs() {
    let d = hand_made();
    let (code, out, err) = affinity(
        d.path(),
        &[
            "--from",
            "2000",
            "--to",
            "2001",
            "--states",
            "RUS,CHN,USA",
            "--min-votes",
            "3",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "state,RUS,CHN,USA\nRUS,1.000,,-0.667\nCHN,,,\nUSA,-0.667,,1.000\n"
    );
    assert!(
        err.contains("warning: CHN has 2 votes in 2000–2001, fewer than --min-votes 3"),
        "{err}"
    );
}

#[test]
fn an_unknown_state_is_an_error() {
    let d = hand_made();
    let (code, out, err) = affinity(
        d.path(),
        &["--from", "2000", "--to", "2001", "--states", "RUS,RUZ"],
    );
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.starts_with("error: unknown state `RUZ`"), "{err}");
    assert!(err.contains("did you mean `RUS`?"), "{err}");
}

#[test]
fn malformed_files_name_file_row_and_column() {
    let bad_vote = VOTES.replace("3,CN,China,yes", "3,CN,China,maybe");
    let d = data_dir(ROLL_CALLS, &gzip(&bad_vote));
    let (code, _, err) = affinity(
        d.path(),
        &["--from", "2000", "--to", "2001", "--states", "RUS"],
    );
    assert_eq!(code, 2);
    let votes = d.path().join("votes.csv.gz");
    assert_eq!(
        err,
        format!(
            "error: {}: row 11, column 4 (vote): `maybe` is not yes, no or abstain\n",
            votes.display()
        )
    );

    let short_row = ROLL_CALLS.replace("4,56,2001-03-01,R/56/1,0,0,0,X,Y", "4,56,2001-03-01");
    let d = data_dir(&short_row, &gzip(VOTES));
    let (code, _, err) = affinity(
        d.path(),
        &["--from", "2000", "--to", "2001", "--states", "RUS"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("roll_calls.csv: row 5: 3 fields, the header has 9"),
        "{err}"
    );

    let bad_date = ROLL_CALLS.replace("2001-03-01", "2001-3-1");
    let d = data_dir(&bad_date, &gzip(VOTES));
    let (_, _, err) = affinity(
        d.path(),
        &["--from", "2000", "--to", "2001", "--states", "RUS"],
    );
    assert!(
        err.contains("roll_calls.csv: row 5, column 3 (date): `2001-3-1` is not a date"),
        "{err}"
    );

    // A gzip cut short: the file and the row reached.
    let whole = gzip(&VOTES.repeat(40));
    let d = data_dir(ROLL_CALLS, &whole[..whole.len() / 2]);
    let (code, _, err) = affinity(
        d.path(),
        &["--from", "2000", "--to", "2001", "--states", "RUS"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("votes.csv.gz: row "), "{err}");
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn a_missing_file_is_an_io_error() {
    let d = tempfile::tempdir().unwrap();
    let (code, _, err) = affinity(
        d.path(),
        &["--from", "2000", "--to", "2001", "--states", "RUS"],
    );
    assert_eq!(code, 3);
    assert!(err.contains("roll_calls.csv"), "{err}");
}

#[test]
fn shipped_votes_russia_is_closer_to_belarus_than_to_the_us() {
    let (code, out, err) = affinity(
        Path::new("data/unga"),
        &["--from", "1992", "--to", "2008", "--states", "RUS,BLR,USA"],
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let row: Vec<f64> = out
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .skip(1)
        .map(|c| c.parse().unwrap())
        .collect();
    assert!(
        row[1] > row[2],
        "S(RUS, BLR) {} should exceed S(RUS, USA) {}\n{out}",
        row[1],
        row[2]
    );
    assert!(row[2] < 0.0, "Russia and the US mostly voted apart: {out}");
}
