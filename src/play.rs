//! `bloc play`: a person decides for one or more states. At each of their
//! decisions the event, the options (with what the rules would give each,
//! and what is forbidden) and the rules' own pick are shown; the answer (a
//! number or an option's name) is read from a line of input, so it works
//! piped. The others follow their rules. At the end, the run's verdicts
//! against the distribution of the rules alone over many runs.

use std::fmt::Write as _;
use std::io::{BufRead, Write};

/// The longest answer read from the player, in bytes.
const MAX_ANSWER: u64 = 4096;

use crate::diagnostic::{Diagnostic, Error, terminal_safe};
use crate::events::Event;
use crate::plan::Plan;
use crate::report::Summary;
use crate::sim::{Decision, Player};
use crate::world::{ActorId, World};

/// One choice the person made.
pub struct Taken {
    pub turn: u32,
    pub event: String,
    pub actor: String,
    pub option: String,
    /// What the rules would have chosen in this run.
    pub rules: String,
}

/// The person at the keyboard (or a pipe): reads answers from `input`,
/// writes questions to `out`; `echo` repeats each answer (for a pipe, whose
/// answers the terminal does not show).
pub struct Seat<R, W> {
    pub actors: Vec<ActorId>,
    pub input: R,
    pub out: W,
    pub echo: bool,
    pub taken: Vec<Taken>,
}

/// Standard input or output failed: an I/O error (exit 3), named as the
/// player's terminal. Invalid UTF-8 in an answer is a bad answer instead,
/// asked again by the caller.
fn io(e: std::io::Error) -> Error {
    Error::io(std::path::Path::new("<the player's terminal>"), e)
}

impl<R: BufRead, W: Write> Seat<R, W> {
    /// Text from scenarios and scripts, made safe for a terminal.
    fn put(&mut self, s: &str) -> Result<(), Error> {
        self.out
            .write_all(terminal_safe(s, true).as_bytes())
            .map_err(io)
    }

    fn say(&mut self, s: &str) -> Result<(), Error> {
        self.put(s)?;
        self.put("\n")
    }

    fn list(&mut self, options: &[String], rules: &Decision) -> Result<(), Error> {
        for (i, o) in options.iter().enumerate() {
            let p = 100.0 * rules.probabilities.get(i).copied().unwrap_or(0.0);
            let note = match rules.forbidden.get(i).and_then(Option::as_ref) {
                Some(f) => format!("forbidden: {}", f.reason),
                None => format!("the rules: {p:.0}%"),
            };
            self.say(&format!("    {:>2}. {o:<28} {note}", i + 1))?;
        }
        Ok(())
    }

    /// The option an answer names: its number (1-based) or its name.
    fn parse(answer: &str, options: &[String]) -> Option<usize> {
        let a = answer.trim();
        if let Ok(n) = a.parse::<usize>() {
            return (1..=options.len()).contains(&n).then(|| n - 1);
        }
        options.iter().position(|o| o.eq_ignore_ascii_case(a))
    }
}

impl<R: BufRead, W: Write> Player for Seat<R, W> {
    fn plays(&self, actor: ActorId) -> bool {
        self.actors.contains(&actor)
    }

    fn choose(
        &mut self,
        ev: &Event,
        world: &World,
        options: &[String],
        rules: &Decision,
    ) -> Result<usize, Error> {
        let me = world.name(rules.actor).to_string();
        let about = if ev.description.trim().is_empty() {
            String::new()
        } else {
            format!(": {}", ev.description.trim())
        };
        self.say(&format!(
            "\nTurn {}, {} ({}){about}",
            world.turn,
            ev.id,
            ev.kind_name()
        ))?;
        self.say(&format!("  You decide for {me}. Options:"))?;
        self.list(options, rules)?;
        let pick = options.get(rules.choice).map_or("?", String::as_str);
        let why = if rules.rationale.is_empty() {
            String::new()
        } else {
            format!(" ({})", rules.rationale)
        };
        self.say(&format!("  {me}'s rules would choose {pick}{why}"))?;
        loop {
            self.put(&format!("  {me}> "))?;
            self.out.flush().map_err(io)?;
            let mut line = String::new();
            // One answer is a number or a name: a line is read up to a
            // bound, so endless input cannot exhaust memory.
            let n = match std::io::Read::take(&mut self.input, MAX_ANSWER).read_line(&mut line) {
                Ok(n) => n,
                // Bytes that are not text: a bad answer, asked again.
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    self.say("  that answer is not text: give an option's number or name")?;
                    continue;
                }
                Err(e) => return Err(io(e)),
            };
            if n as u64 == MAX_ANSWER && !line.ends_with('\n') {
                return Err(Error::one(
                    Diagnostic::new(format!(
                        "an answer longer than {MAX_ANSWER} bytes for {me}'s decision on `{}`",
                        ev.id
                    ))
                    .note("answer each decision with an option's number or name, one per line"),
                ));
            }
            if n == 0 {
                return Err(Error::one(
                    Diagnostic::new(format!(
                        "the input ended before {me}'s decision on `{}` (turn {})",
                        ev.id, world.turn
                    ))
                    .note("answer each decision with an option's number or name, one per line"),
                ));
            }
            if self.echo {
                self.say(line.trim_end())?;
            }
            match Self::parse(&line, options) {
                Some(i) => {
                    if let Some(f) = rules.forbidden.get(i).and_then(Option::as_ref) {
                        self.say(&format!(
                            "  {} is forbidden for {me}: {} [{}]. Choose another:",
                            options[i], f.reason, f.by
                        ))?;
                        continue;
                    }
                    self.taken.push(Taken {
                        turn: world.turn,
                        event: ev.id.clone(),
                        actor: me,
                        option: options[i].clone(),
                        rules: pick.to_string(),
                    });
                    return Ok(i);
                }
                None => {
                    self.say(&format!("  `{}` is not an option: answer a number from 1 to {} or an option's name:",
                        line.trim(),
                        options.len()))?;
                    self.list(options, rules)?;
                }
            }
        }
    }
}

/// The actors named in `--as`, checked against the world and against the
/// decisions of the rules-only runs (`model`): each must decide something.
pub fn seats(plan: &Plan, names: &[String], model: &Summary) -> Result<Vec<ActorId>, Error> {
    let deciders: std::collections::BTreeSet<&str> = model
        .events
        .iter()
        .chain(model.proposals.values())
        .flat_map(|e| e.deciders.keys().map(String::as_str))
        .collect();
    let listed = || deciders.iter().copied().collect::<Vec<_>>().join(", ");
    let mut out = vec![];
    for n in names {
        let id = n.trim();
        let Some(a) = plan.world.actor_id(id) else {
            return Err(Error::one(
                Diagnostic::new(format!("unknown actor `{id}` in --as"))
                    .note(format!("actors who decide in this scenario: {}", listed())),
            ));
        };
        if !deciders.contains(id) {
            return Err(Error::one(
                Diagnostic::new(format!(
                    "{id} takes no decision in this scenario (in {} runs of its rules)",
                    model.runs
                ))
                .note(format!("actors who decide: {}", listed())),
            ));
        }
        if !out.contains(&a) {
            out.push(a);
        }
    }
    Ok(out)
}

/// The end of a game: the played run's verdicts against the rules alone,
/// and each choice against how often the rules made it.
pub fn verdicts(
    plan: &Plan,
    run: &crate::sim::RunResult,
    model: &Summary,
    taken: &[Taken],
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nYour run (run {} of seed {}) against the rules alone ({} runs):",
        run.record.index, plan.seed, model.runs
    );
    for (a, g) in run.assessments.iter().zip(&model.groups) {
        let runs = g.runs.max(1) as f64;
        let shares = crate::analysis::Verdict::ALL
            .iter()
            .filter(|v| **v != crate::analysis::Verdict::Untested || g.verdicts[v.index()] > 0)
            .map(|v| {
                format!(
                    "{} {:.1}%",
                    v.key(),
                    100.0 * g.verdicts[v.index()] as f64 / runs
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "  {}: {} in your run; the rules alone: {shares}",
            a.group,
            a.verdict.key()
        );
        if let Some(r) = a.reasons.first() {
            let _ = writeln!(out, "    because {r}");
        }
    }
    if !taken.is_empty() {
        let _ = writeln!(out, "Your choices:");
    }
    for t in taken {
        let share = model
            .event(&t.event)
            .iter()
            .find_map(|e| e.choice(&t.actor, &t.option))
            .map_or("-".to_string(), |(k, n)| {
                format!("{:.1}%", 100.0 * k as f64 / n.max(1) as f64)
            });
        let _ = writeln!(
            out,
            "  turn {} {} {}: you chose {} (the rules chose it in {share} of runs; in this run they would have chosen {})",
            t.turn, t.event, t.actor, t.option, t.rules
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_numbers_or_names() {
        let o = vec![
            "neutrality".to_string(),
            "diplomatic_support:CHN".to_string(),
        ];
        type S = Seat<&'static [u8], Vec<u8>>;
        assert_eq!(S::parse("1\n", &o), Some(0));
        assert_eq!(S::parse(" 2 ", &o), Some(1));
        assert_eq!(S::parse("3", &o), None);
        assert_eq!(S::parse("0", &o), None);
        assert_eq!(S::parse("Diplomatic_Support:chn", &o), Some(1));
        assert_eq!(S::parse("fight", &o), None);
        assert_eq!(S::parse("", &o), None);
    }
}
