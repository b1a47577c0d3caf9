//! Events of a timeline and the options each offers to the actors that decide
//! on it. Which actors decide is computed from the world at the time of the
//! event (an admitted member votes on the next application).

use crate::world::{ActorId, Obligation, OrgId, Status, World};

/// What a collective act is aimed at (de Haas: NATO outward, the SCO inward).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Terrorism, separatism, extremism: the "three evils" (§II).
    Internal,
    /// States outside the membership.
    External,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Internal => "internal",
            Theme::External => "external",
        }
    }
}

/// A change a shock makes to a world parameter.
#[derive(Debug, Clone)]
pub struct Change {
    pub param: crate::world::Param,
    pub path: String,
    pub op: ChangeOp,
}

#[derive(Debug, Clone, Copy)]
pub enum ChangeOp {
    Set(f64),
    Add(f64),
}

#[derive(Debug, Clone)]
pub enum EventKind {
    /// Two sides fight; third parties choose whom to support.
    ArmedConflict {
        attacker: ActorId,
        defender: ActorId,
        /// Actors committed to a side in advance (the US behind Taiwan): (actor, side).
        backers: Vec<(ActorId, ActorId)>,
        deciders: Option<Vec<ActorId>>,
    },
    /// Application for member or observer status, decided by the organization's rule.
    Membership {
        applicant: ActorId,
        org: OrgId,
        status: Status,
    },
    /// A request for diplomatic backing, possibly of a break-away territory's recognition.
    Backing {
        requester: ActorId,
        issue: String,
        recognition: Option<String>,
        /// The state the backing is sought against (Uzbekistan against
        /// Tajikistan's dam), if any.
        against: Option<ActorId>,
        org: Option<OrgId>,
        deciders: Option<Vec<ActorId>>,
    },
    JointExercise {
        name: String,
        org: Option<OrgId>,
        participants: Option<Vec<ActorId>>,
        theme: Theme,
    },
    TreatyProposal {
        name: String,
        proposer: ActorId,
        org: Option<OrgId>,
        parties: Option<Vec<ActorId>>,
        obligation: Obligation,
    },
    BasingRequest {
        base: String,
        user: ActorId,
        host: ActorId,
    },
    WithdrawalDemand {
        demander: Option<ActorId>,
        org: Option<OrgId>,
        user: ActorId,
        hosts: Option<Vec<ActorId>>,
    },
    Declaration {
        org: OrgId,
        text: String,
        theme: Theme,
        against: Option<ActorId>,
    },
    Shock {
        changes: Vec<Change>,
    },
    /// An offer of membership: the members vote and the invitee accepts or
    /// declines (Mongolia, §3.4). Everyone's options are approve / oppose.
    Offer {
        invitee: ActorId,
        org: OrgId,
        status: Status,
    },
    /// A unilateral step back: freeze participation or leave. No one decides.
    Departure {
        actor: ActorId,
        org: OrgId,
        mode: DepartureMode,
    },
    Custom {
        kind: String,
        options: Vec<String>,
        deciders: Vec<ActorId>,
        requester: Option<ActorId>,
        params: Vec<(String, String)>,
    },
}

/// Freeze (stay a member without taking part) or leave altogether.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepartureMode {
    Freeze,
    Leave,
}

impl DepartureMode {
    pub fn name(self) -> &'static str {
        match self {
            DepartureMode::Freeze => "freeze",
            DepartureMode::Leave => "leave",
        }
    }
}

/// Who put an endogenous event on the timeline, and why.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub by: ActorId,
    pub rationale: String,
    /// `rules/russia.rhai: propose`.
    pub handler: String,
    /// The turn at whose end it was proposed.
    pub at_turn: u32,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub turn: u32,
    pub description: String,
    pub kind: EventKind,
    /// Set for events an actor's rules proposed during the run.
    pub proposal: Option<Proposal>,
}

impl Event {
    /// The name of the kind, as in scenario files and handler names (`on_<kind>`).
    pub fn kind_name(&self) -> &str {
        match &self.kind {
            EventKind::ArmedConflict { .. } => "armed_conflict",
            EventKind::Membership { .. } => "membership_application",
            EventKind::Backing { .. } => "backing_request",
            EventKind::JointExercise { .. } => "joint_exercise",
            EventKind::TreatyProposal { .. } => "treaty_proposal",
            EventKind::BasingRequest { .. } => "basing_request",
            EventKind::WithdrawalDemand { .. } => "withdrawal_demand",
            EventKind::Declaration { .. } => "declaration",
            EventKind::Shock { .. } => "shock",
            EventKind::Offer { .. } => "membership_offer",
            EventKind::Departure { .. } => "departure",
            EventKind::Custom { kind, .. } => kind,
        }
    }

    /// The actors that decide on this event, in id order, given the world now.
    pub fn deciders(&self, w: &World) -> Vec<ActorId> {
        let all_but = |excluded: &[ActorId]| -> Vec<ActorId> {
            (0..w.actors.len())
                .filter(|a| !excluded.contains(a))
                .collect()
        };
        let mut out = match &self.kind {
            EventKind::ArmedConflict {
                attacker,
                defender,
                backers,
                deciders,
            } => {
                let mut parties = vec![*attacker, *defender];
                parties.extend(backers.iter().map(|(a, _)| *a));
                match deciders {
                    Some(d) => d.iter().copied().filter(|a| !parties.contains(a)).collect(),
                    None => all_but(&parties),
                }
            }
            EventKind::Membership { applicant, org, .. } => w
                .org(*org)
                .active_members()
                .into_iter()
                .filter(|a| a != applicant)
                .collect(),
            EventKind::Offer { invitee, org, .. } => {
                let mut d = w.org(*org).active_members();
                d.push(*invitee);
                d
            }
            EventKind::Departure { .. } => vec![],
            EventKind::Backing {
                requester,
                org,
                deciders,
                ..
            } => match (deciders, org) {
                (Some(d), _) => d.clone(),
                (None, Some(o)) => w.org(*o).active_members(),
                (None, None) => all_but(&[]),
            }
            .into_iter()
            .filter(|a| a != requester)
            .collect(),
            EventKind::JointExercise {
                org, participants, ..
            } => match (participants, org) {
                (Some(p), _) => p.clone(),
                (None, Some(o)) => w.org(*o).active_members(),
                (None, None) => vec![],
            },
            EventKind::TreatyProposal { .. } => self.treaty_parties(w),
            EventKind::BasingRequest { host, .. } => vec![*host],
            EventKind::WithdrawalDemand { user, hosts, .. } => match hosts {
                Some(h) => h.clone(),
                None => w
                    .bases
                    .iter()
                    .filter(|b| b.open && b.user == *user)
                    .map(|b| b.host)
                    .collect(),
            },
            EventKind::Declaration { org, .. } => w.org(*org).active_members(),
            EventKind::Shock { .. } => vec![],
            EventKind::Custom { deciders, .. } => deciders.clone(),
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Parties of a proposed treaty: listed ones, else the organization's members,
    /// and always the proposer.
    pub fn treaty_parties(&self, w: &World) -> Vec<ActorId> {
        let EventKind::TreatyProposal {
            proposer,
            org,
            parties,
            ..
        } = &self.kind
        else {
            return vec![];
        };
        let mut p = match (parties, org) {
            (Some(p), _) => p.clone(),
            (None, Some(o)) => w.org(*o).active_members(),
            (None, None) => vec![],
        };
        p.push(*proposer);
        p.sort_unstable();
        p.dedup();
        p
    }

    /// The outcomes this event can end in, as reports and claims name them
    /// (a withdrawal demand's `closed by …` / `kept by …` name hosts, and
    /// are checked by [`Event::can_end_in`]).
    pub fn outcome_forms(&self, w: &World) -> Vec<String> {
        let s = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect();
        match &self.kind {
            EventKind::ArmedConflict { attacker, .. } => {
                let a = w.name(*attacker);
                vec![
                    format!("{a} backed militarily"),
                    format!("{a} backed diplomatically only"),
                    format!("{a} isolated"),
                ]
            }
            EventKind::Custom { options, .. } => {
                let mut v: Vec<String> = options.iter().map(|o| format!("mostly {o}")).collect();
                v.push("no decision".into());
                v
            }
            EventKind::Departure { mode, .. } => s(&[match mode {
                DepartureMode::Freeze => "frozen",
                DepartureMode::Leave => "left",
            }]),
            _ => s(fixed_outcomes(self.kind_name())),
        }
    }

    /// Whether this event can end in `outcome` in some run.
    pub fn can_end_in(&self, outcome: &str, w: &World) -> bool {
        match &self.kind {
            EventKind::WithdrawalDemand { .. } => withdrawal_outcome(outcome, w),
            _ => self.outcome_forms(w).iter().any(|o| o == outcome),
        }
    }
}

/// Outcomes that do not depend on the event's actors or options, by kind name
/// (`closed by …`/`kept by …` of a withdrawal demand are checked apart).
fn fixed_outcomes(kind: &str) -> &'static [&'static str] {
    match kind {
        "membership_application" => &["admitted", "rejected"],
        "backing_request" => &["backed", "not backed"],
        "joint_exercise" => &["held", "not held"],
        "treaty_proposal" => &["in force", "failed"],
        "basing_request" => &["granted", "denied"],
        "withdrawal_demand" => &["no bases to close"],
        "declaration" => &["adopted", "blocked"],
        "shock" => &["applied"],
        "membership_offer" => &["joined", "declined", "blocked"],
        "departure" => &["frozen", "left"],
        _ => &[],
    }
}

/// `no bases to close`, `closed by A, B`, `kept by C` or `closed by A; kept by C`,
/// naming actors of the world.
fn withdrawal_outcome(o: &str, w: &World) -> bool {
    let hosts = |list: &str| list.split(", ").all(|id| w.actor_id(id).is_some());
    if o == "no bases to close" {
        return true;
    }
    let (closed, kept) = match o.split_once("; ") {
        Some((c, k)) => (Some(c), Some(k)),
        None if o.starts_with("closed by ") => (Some(o), None),
        None => (None, Some(o)),
    };
    closed.is_none_or(|c| c.strip_prefix("closed by ").is_some_and(hosts))
        && kept.is_none_or(|k| k.strip_prefix("kept by ").is_some_and(hosts))
}

/// Whether an event an actor proposes (of any kind a script may propose) can
/// end in `outcome`: a claim about a proposal cannot know its kind.
pub fn proposal_can_end_in(outcome: &str, w: &World) -> bool {
    withdrawal_outcome(outcome, w)
        || crate::proposal::KINDS
            .iter()
            .any(|(k, _)| fixed_outcomes(k).contains(&outcome))
}

/// Every outcome a proposed event can end in, for error notes.
pub fn proposal_outcomes() -> Vec<&'static str> {
    let mut v: Vec<&str> = crate::proposal::KINDS
        .iter()
        .flat_map(|(k, _)| fixed_outcomes(k).iter().copied())
        .collect();
    v.extend(["closed by HOSTS", "kept by HOSTS"]);
    v
}

impl Event {
    /// The options offered to every decider, in a fixed order.
    pub fn options(&self, w: &World) -> Vec<String> {
        let s = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect();
        match &self.kind {
            EventKind::ArmedConflict {
                attacker, defender, ..
            } => {
                let (a, d) = (w.name(*attacker), w.name(*defender));
                vec![
                    format!("military_support:{a}"),
                    format!("military_support:{d}"),
                    format!("diplomatic_support:{a}"),
                    format!("diplomatic_support:{d}"),
                    "neutrality".into(),
                    "condemnation".into(),
                ]
            }
            EventKind::Membership { .. } | EventKind::Offer { .. } => s(&["approve", "oppose"]),
            EventKind::Backing { .. } => s(&["endorse", "abstain", "reject"]),
            EventKind::JointExercise { .. } => s(&["participate", "observe", "decline"]),
            EventKind::TreatyProposal { .. } => s(&["sign", "decline"]),
            EventKind::BasingRequest { .. } | EventKind::WithdrawalDemand { .. } => {
                s(&["grant", "deny"])
            }
            EventKind::Declaration { .. } => s(&["adopt", "block"]),
            EventKind::Shock { .. } | EventKind::Departure { .. } => vec![],
            EventKind::Custom { options, .. } => options.clone(),
        }
    }
}
