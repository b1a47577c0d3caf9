//! `statement`: an organization's statement, issued by consensus of its
//! members, or by its chair or secretariat (which needs no consensus:
//! members may only dissociate). Under consensus any member may block it.
//! Public example: SCO and CSTO chair statements on Ukraine (2022) that
//! members did not all endorse. `declaration` is the consensus case kept
//! for older scenarios.

use super::{Act, Choice, EventKind, Input, Kind, KindSpec, Scope, Theme, count, name_or_empty};
use crate::interest::Terms;
use crate::value::{Fields, Value};
use crate::world::{ActorId, DecisionRule, OrgId, World};

pub const SPEC: KindSpec = KindSpec {
    name: "statement",
    required: &["org", "by", "text"],
    optional: &["theme", "against"],
    proposal: Some(&["org", "by", "text", "theme", "against"]),
    proposal_required: &["org", "by"],
    outcomes: &["issued", "issued with dissociation", "blocked"],
    options: &["adopt", "dissociate", "block"],
    sided: &[],
    outcome_forms: &[],
    parse,
};

/// Who issues the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementBy {
    /// All members, under the organization's rule: any may block.
    Consensus,
    /// The chair or the secretariat: members can only dissociate.
    Chair,
    Secretariat,
}

impl StatementBy {
    pub fn name(self) -> &'static str {
        match self {
            StatementBy::Consensus => "consensus",
            StatementBy::Chair => "chair",
            StatementBy::Secretariat => "secretariat",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Statement {
    pub org: OrgId,
    pub by: StatementBy,
    pub text: String,
    pub theme: Theme,
    pub against: Option<ActorId>,
}

fn parse(inp: &mut dyn Input) -> Option<EventKind> {
    let org = inp.org("org");
    if !inp.proposer_in(org) {
        return None;
    }
    let by = match inp
        .keyword("by", &["consensus", "chair", "secretariat"])?
        .as_str()
    {
        "chair" => StatementBy::Chair,
        "secretariat" => StatementBy::Secretariat,
        _ => StatementBy::Consensus,
    };
    Some(EventKind::Statement(Statement {
        text: inp.text("text").unwrap_or_default(),
        theme: Theme::parse(inp),
        against: inp.actor("against"),
        org: org?,
        by,
    }))
}

impl Kind for Statement {
    fn name(&self) -> &str {
        SPEC.name
    }

    fn deciders(&self, w: &World) -> Vec<ActorId> {
        w.org(self.org).active_members()
    }

    /// `block` only where members decide by consensus.
    fn options(&self, w: &World) -> Vec<Choice> {
        let blockable = self.by == StatementBy::Consensus
            && w.org(self.org).decision == DecisionRule::Consensus;
        if blockable {
            vec![Choice::Adopt, Choice::Dissociate, Choice::Block]
        } else {
            vec![Choice::Adopt, Choice::Dissociate]
        }
    }

    fn facts(&self, w: &World, _deciders: &[ActorId], m: &mut Fields) {
        m.insert("org".into(), Value::from(w.org(self.org).id.as_str()));
        m.insert("by".into(), Value::from(self.by.name()));
        m.insert("text".into(), Value::from(self.text.as_str()));
        m.insert("theme".into(), Value::from(self.theme.name()));
        m.insert("against".into(), name_or_empty(w, self.against));
    }

    fn terms(&self, w: &World, me: ActorId, c: Choice) -> Terms {
        super::declaration::text(w, me, self.org, self.theme, self.against, c)
    }

    fn outcome(&self, _w: &World, votes: &[(ActorId, Choice)]) -> String {
        // A consensus text needs someone to agree to it; any block stops it.
        let nobody = votes.is_empty() && self.by == StatementBy::Consensus;
        if nobody || count(votes, Choice::Block) > 0 {
            "blocked"
        } else if count(votes, Choice::Dissociate) > 0 {
            "issued with dissociation"
        } else {
            "issued"
        }
        .into()
    }

    fn outcome_forms(&self, w: &World) -> Vec<String> {
        let mut v = vec!["issued".to_string(), "issued with dissociation".into()];
        if self.options(w).contains(&Choice::Block) {
            v.push("blocked".into());
        }
        v
    }

    fn apply(&self, _id: &str, votes: &[(ActorId, Choice)], outcome: &str, w: &mut World) {
        if outcome == "blocked" {
            return;
        }
        let dy = w.dynamics.clone();
        let adopters: Vec<ActorId> = votes
            .iter()
            .filter(|(_, c)| *c == Choice::Adopt)
            .map(|(a, _)| *a)
            .collect();
        for &a in &adopters {
            for &b in &adopters {
                w.nudge_expectation(a, b, dy.declaration_gain);
            }
        }
        // Those who stood by the text learn not to count on who left it.
        for &(by, c) in votes {
            if c == Choice::Dissociate {
                for &a in &adopters {
                    w.nudge_expectation(a, by, -dy.abstain_loss);
                }
            }
        }
    }

    fn acts(&self, votes: &[(ActorId, Choice)], outcome: &str, _w: &World, out: &mut Vec<Act>) {
        out.push(Act::Collective {
            scope: Scope::Org(self.org),
            theme: self.theme,
            happened: outcome != "blocked",
            took_part: votes
                .iter()
                .map(|&(a, c)| (a, if c == Choice::Adopt { 1.0 } else { 0.0 }))
                .collect(),
            drill: false,
            against: self.against,
        });
        for &(by, ballot) in votes {
            out.push(Act::Ballot { by, ballot });
        }
    }
}
