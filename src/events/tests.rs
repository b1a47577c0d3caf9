//! Each kind's rules as tiny cases: who decides, the outcome of given votes,
//! the effects on the world. The world: actors A, B, C, D; ORG = {A, B, C};
//! C and D each host a base of A's (`world::tiny`).

use super::*;
use crate::world::Status;

fn world(rule: DecisionRule) -> World {
    crate::world::tiny(rule)
}

fn event(kind: EventKind) -> Event {
    Event {
        id: "e".into(),
        turn: 1,
        description: String::new(),
        kind,
        proposal: None,
    }
}

/// The outcome of `ev` when each `(actor, option)` pair decided so.
fn outcome_of(ev: &Event, w: &World, votes: &[(ActorId, Choice)]) -> String {
    let options = ev.choices(w);
    for (_, c) in votes {
        assert!(options.contains(c), "{c:?} is not an option of {ev:?}");
    }
    ev.kind.kind().outcome(w, votes)
}

#[test]
fn passes_under_consensus_and_majority() {
    use DecisionRule::*;
    assert!(passes(Consensus, 3, 0, 3));
    assert!(!passes(Consensus, 2, 1, 3), "one no vetoes");
    assert!(passes(Consensus, 0, 0, 3), "abstentions do not veto");
    assert!(passes(Majority, 2, 1, 3));
    assert!(!passes(Majority, 2, 2, 4), "half is not a majority");
    assert!(!passes(Consensus, 0, 0, 0), "nobody to decide");
    assert!(!passes(Majority, 0, 0, 0), "nobody to decide");
}

#[test]
fn membership_votes_follow_the_rule() {
    use Choice::{Approve, Oppose};
    let ev = |status| {
        event(EventKind::Membership(Membership {
            applicants: vec![3],
            org: 0,
            status,
        }))
    };
    let w = world(DecisionRule::Consensus);
    assert_eq!(ev(Status::Member).deciders(&w), vec![0, 1, 2]);
    let all = [(0, Approve), (1, Approve), (2, Approve)];
    assert_eq!(outcome_of(&ev(Status::Member), &w, &all), "admitted");
    let one_no = [(0, Approve), (1, Oppose), (2, Approve)];
    assert_eq!(outcome_of(&ev(Status::Member), &w, &one_no), "rejected");
    let w = world(DecisionRule::Majority);
    assert_eq!(outcome_of(&ev(Status::Observer), &w, &one_no), "admitted");
    // Admission changes the organization.
    let mut after = w.clone();
    ev(Status::Member)
        .kind
        .kind()
        .apply("e", &all, "admitted", &mut after);
    assert!(after.org(0).is_member(3));
}

#[test]
fn an_offer_needs_the_members_and_the_invitee() {
    use Choice::{Approve, Oppose};
    let ev = event(EventKind::Offer(Offer {
        invitee: 3,
        org: 0,
        status: Status::Member,
    }));
    let w = world(DecisionRule::Consensus);
    let with = |d: Choice| vec![(0, Approve), (1, Approve), (2, Approve), (3, d)];
    assert_eq!(outcome_of(&ev, &w, &with(Approve)), "joined");
    assert_eq!(outcome_of(&ev, &w, &with(Oppose)), "declined");
    let mut vetoed = with(Approve);
    vetoed[1] = (1, Oppose);
    assert_eq!(outcome_of(&ev, &w, &vetoed), "blocked");
    // The invitee's own vote never counts as a member's.
    let w = world(DecisionRule::Majority);
    let split = [(0, Approve), (1, Oppose), (2, Oppose), (3, Approve)];
    assert_eq!(outcome_of(&ev, &w, &split), "blocked");
}

#[test]
fn a_withdrawal_demand_closes_or_keeps_each_host_s_bases() {
    use Choice::{Deny, Grant};
    let ev = event(EventKind::WithdrawalDemand(WithdrawalDemand {
        demander: Some(1),
        org: None,
        user: 0,
        hosts: None,
    }));
    let w = world(DecisionRule::Consensus);
    assert_eq!(ev.deciders(&w), vec![2, 3], "the hosts of A's open bases");
    let both = [(2, Grant), (3, Deny)];
    assert_eq!(outcome_of(&ev, &w, &both), "closed by C; kept by D");
    assert_eq!(
        outcome_of(&ev, &w, &[(2, Grant), (3, Grant)]),
        "closed by C, D"
    );
    assert_eq!(outcome_of(&ev, &w, &[(3, Deny)]), "kept by D");
    assert_eq!(outcome_of(&ev, &w, &[]), "no bases to close");
    for o in [
        "closed by C; kept by D",
        "closed by C, D",
        "kept by D",
        "no bases to close",
    ] {
        assert!(ev.can_end_in(o, &w), "{o}");
    }
    assert!(!ev.can_end_in("closed by X", &w));
    // Effects: a granted demand closes that host's base of the user.
    let mut after = w.clone();
    ev.kind
        .kind()
        .apply("e", &both, "closed by C; kept by D", &mut after);
    let open: Vec<(&str, bool)> = after
        .bases
        .iter()
        .map(|b| (b.id.as_str(), b.open))
        .collect();
    assert_eq!(open, vec![("b1", true), ("b2", false)]);
}

#[test]
fn armed_conflict_support_is_recorded_as_acts() {
    let ev = event(EventKind::ArmedConflict(ArmedConflict {
        attacker: 3,
        defender: 0,
        backers: vec![],
        deciders: None,
    }));
    let w = world(DecisionRule::Consensus);
    assert_eq!(ev.deciders(&w), vec![1, 2]);
    let votes = [(1, Choice::Military(0)), (2, Choice::Neutrality)];
    assert_eq!(outcome_of(&ev, &w, &votes), "D isolated");
    let mut acts = Vec::new();
    ev.kind.kind().acts(&votes, "D isolated", &w, &mut acts);
    assert!(acts.contains(&Act::Side {
        by: 1,
        side: 0,
        other: 3,
        given: Support::Military,
        war: true,
    }));
    assert!(acts.contains(&Act::Side {
        by: 2,
        side: 0,
        other: 3,
        given: Support::None,
        war: true,
    }));
}
