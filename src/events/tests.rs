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
        claim: None,
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
        covered: true,
    }));
    assert!(acts.contains(&Act::Side {
        by: 2,
        side: 0,
        other: 3,
        given: Support::None,
        war: true,
        covered: true,
    }));
    // The attacker's side is covered by no defence pledge.
    assert!(acts.contains(&Act::Side {
        by: 2,
        side: 3,
        other: 0,
        given: Support::None,
        war: true,
        covered: false,
    }));
}

#[test]
fn a_vote_is_adopted_by_more_yes_than_no_and_the_un_is_everyone() {
    use Choice::{Absent, Abstain, No, Yes};
    let ev = |forum| {
        event(EventKind::Vote(Vote {
            forum,
            resolution: "r".into(),
            against: Some(3),
            sponsor: Some(0),
            theme: Theme::External,
            integrity: None,
            deciders: None,
        }))
    };
    let w = world(DecisionRule::Consensus);
    assert_eq!(ev(Forum::Un).deciders(&w), vec![0, 1, 2, 3]);
    assert_eq!(ev(Forum::Org(0)).deciders(&w), vec![0, 1, 2]);
    let un = ev(Forum::Un);
    assert_eq!(un.options(&w), vec!["yes", "no", "abstain", "absent"]);
    assert_eq!(
        outcome_of(&un, &w, &[(0, Yes), (1, Abstain), (3, No)]),
        "rejected"
    );
    assert_eq!(
        outcome_of(&un, &w, &[(0, Yes), (1, Yes), (3, No), (2, Absent)]),
        "adopted"
    );
    // The censured state expects less of those who voted against it.
    let mut after = w.clone();
    un.kind
        .kind()
        .apply("e", &[(1, Yes), (2, No)], "adopted", &mut after);
    assert!(after.expectation.get(3, 1) < w.expectation.get(3, 1));
    assert!(after.expectation.get(3, 2) > w.expectation.get(3, 2));
    assert!(
        after.expectation.get(0, 1) > w.expectation.get(0, 1),
        "the sponsor's"
    );
}

#[test]
fn unrest_with_a_request_is_decided_by_the_other_members() {
    use Choice::{Decline, Deploy, Monitors};
    let ev = event(EventKind::Unrest(Unrest {
        state: 0,
        request: Some(0),
        deciders: None,
    }));
    let w = world(DecisionRule::Consensus);
    assert_eq!(ev.deciders(&w), vec![1, 2]);
    assert_eq!(
        outcome_of(&ev, &w, &[(1, Deploy), (2, Decline)]),
        "intervention"
    );
    assert_eq!(
        outcome_of(&ev, &w, &[(1, Monitors), (2, Decline)]),
        "monitoring"
    );
    assert_eq!(outcome_of(&ev, &w, &[(1, Decline), (2, Decline)]), "none");
    let mut after = w.clone();
    ev.kind.kind().apply(
        "e",
        &[(1, Deploy), (2, Decline)],
        "intervention",
        &mut after,
    );
    assert!(after.expectation.get(0, 1) > w.expectation.get(0, 1));
    assert!(after.expectation.get(0, 2) < w.expectation.get(0, 2));
}

#[test]
fn a_clash_names_no_aggressor_and_tests_no_casus_foederis() {
    let ev = event(EventKind::Clash(Clash {
        sides: [1, 2],
        deciders: None,
    }));
    let w = world(DecisionRule::Consensus);
    assert_eq!(ev.deciders(&w), vec![0, 3]);
    assert_eq!(
        ev.options(&w),
        vec![
            "mediate",
            "diplomatic_support:B",
            "diplomatic_support:C",
            "neutrality"
        ]
    );
    let (b, c) = (Choice::Diplomatic(1), Choice::Diplomatic(2));
    assert_eq!(outcome_of(&ev, &w, &[(0, b), (3, b)]), "B backed");
    assert_eq!(outcome_of(&ev, &w, &[(0, b), (3, c)]), "mediated");
    assert_eq!(
        outcome_of(&ev, &w, &[(0, Choice::Mediate), (3, c)]),
        "mediated"
    );
    assert_eq!(
        outcome_of(&ev, &w, &[(0, Choice::Neutrality), (3, Choice::Neutrality)]),
        "isolated"
    );
    let mut acts = Vec::new();
    ev.kind.kind().acts(&[(0, b)], "B backed", &w, &mut acts);
    assert!(
        acts.iter()
            .all(|a| matches!(a, Act::Side { war: false, .. }))
    );
}

#[test]
fn a_crisis_counts_a_show_of_force_double() {
    let ev = event(EventKind::Crisis(Crisis {
        state: 3,
        target: 0,
        deciders: None,
    }));
    let w = world(DecisionRule::Consensus);
    assert_eq!(ev.deciders(&w), vec![1, 2]);
    let force = Choice::ShowOfForce(0);
    let words = Choice::Diplomatic(3);
    assert_eq!(outcome_of(&ev, &w, &[(1, force), (2, words)]), "A backed");
    assert_eq!(
        outcome_of(&ev, &w, &[(1, Choice::Diplomatic(0)), (2, words)]),
        "balanced"
    );
    assert_eq!(
        outcome_of(&ev, &w, &[(1, Choice::StayOut), (2, Choice::StayOut)]),
        "nobody takes sides"
    );
}

#[test]
fn a_chair_statement_cannot_be_blocked() {
    use Choice::{Adopt, Block, Dissociate};
    let ev = |by| {
        event(EventKind::Statement(Statement {
            org: 0,
            by,
            text: "t".into(),
            theme: Theme::External,
            against: None,
        }))
    };
    let w = world(DecisionRule::Consensus);
    let chair = ev(StatementBy::Chair);
    assert_eq!(chair.options(&w), vec!["adopt", "dissociate"]);
    assert!(!chair.can_end_in("blocked", &w));
    assert_eq!(
        outcome_of(&chair, &w, &[(0, Adopt), (1, Dissociate)]),
        "issued with dissociation"
    );
    let consensus = ev(StatementBy::Consensus);
    assert_eq!(consensus.options(&w), vec!["adopt", "dissociate", "block"]);
    assert_eq!(
        outcome_of(&consensus, &w, &[(0, Adopt), (1, Block)]),
        "blocked"
    );
    assert_eq!(
        outcome_of(&consensus, &w, &[(0, Adopt), (1, Adopt)]),
        "issued"
    );
    // Under majority rule even a consensus statement has no veto.
    let w = world(DecisionRule::Majority);
    assert_eq!(consensus.options(&w), vec!["adopt", "dissociate"]);
}

#[test]
fn a_package_of_applicants_is_admitted_together_and_no_applicant_votes() {
    let ev = event(EventKind::Membership(Membership {
        applicants: vec![2, 3],
        org: 0,
        status: Status::Member,
    }));
    let w = world(DecisionRule::Consensus);
    assert_eq!(ev.deciders(&w), vec![0, 1], "C applies: it does not vote");
    let yes = [(0, Choice::Approve), (1, Choice::Approve)];
    let mut after = w.clone();
    after.org_mut(0).members.retain(|m| *m != 2);
    ev.kind.kind().apply("e", &yes, "admitted", &mut after);
    assert!(after.org(0).is_member(2) && after.org(0).is_member(3));
}

#[test]
fn dialogue_partners_are_neither_members_nor_observers() {
    let mut w = world(DecisionRule::Consensus);
    w.org_mut(0).admit(3, Status::DialoguePartner);
    assert_eq!(w.org(0).partners, vec![3]);
    assert!(!w.org(0).is_member(3));
    w.org_mut(0).admit(3, Status::Member);
    assert!(w.org(0).partners.is_empty() && w.org(0).is_member(3));
}

#[test]
fn graded_support_arms_count_for_solidarity_but_not_casus_foederis() {
    let ev = event(EventKind::ArmedConflict(ArmedConflict {
        attacker: 3,
        defender: 0,
        backers: vec![],
        claim: None,
        deciders: None,
    }));
    let w = world(DecisionRule::Consensus);
    assert_eq!(
        ev.options(&w),
        vec![
            "military_support:D",
            "military_support:A",
            "arms:D",
            "arms:A",
            "diplomatic_support:D",
            "diplomatic_support:A",
            "monitors",
            "neutrality",
            "condemnation"
        ]
    );
    assert_eq!(outcome_of(&ev, &w, &[(1, Choice::Arms(3))]), "D armed");
    let mut acts = Vec::new();
    ev.kind
        .kind()
        .acts(&[(1, Choice::Arms(0))], "D isolated", &w, &mut acts);
    assert!(acts.contains(&Act::Side {
        by: 1,
        side: 0,
        other: 3,
        given: Support::Arms,
        war: true,
        covered: true,
    }));
    let mut after = w.clone();
    ev.kind
        .kind()
        .apply("e", &[(1, Choice::Arms(0))], "D isolated", &mut after);
    let gain = after.expectation.get(0, 1) - w.expectation.get(0, 1);
    let mut mil = w.clone();
    ev.kind
        .kind()
        .apply("e", &[(1, Choice::Military(0))], "D isolated", &mut mil);
    assert!(gain > 0.0 && gain < mil.expectation.get(0, 1) - w.expectation.get(0, 1));
}

#[test]
fn clash_crisis_and_statement_move_expectations() {
    let w = world(DecisionRule::Consensus);
    // A clash: backing B costs C's expectation of the backer.
    let clash = event(EventKind::Clash(Clash {
        sides: [1, 2],
        deciders: None,
    }));
    let mut after = w.clone();
    clash
        .kind
        .kind()
        .apply("e", &[(0, Choice::Diplomatic(1))], "B backed", &mut after);
    assert!(after.expectation.get(1, 0) > w.expectation.get(1, 0));
    assert!(after.expectation.get(2, 0) < w.expectation.get(2, 0));
    // A crisis: a show of force moves more than words.
    let crisis = event(EventKind::Crisis(Crisis {
        state: 3,
        target: 0,
        deciders: None,
    }));
    let gain = |c: Choice| {
        let mut a = w.clone();
        crisis.kind.kind().apply("e", &[(1, c)], "A backed", &mut a);
        a.expectation.get(0, 1) - w.expectation.get(0, 1)
    };
    assert!(gain(Choice::ShowOfForce(0)) > gain(Choice::Diplomatic(0)));
    assert!(gain(Choice::Diplomatic(0)) > 0.0);
    assert_eq!(gain(Choice::StayOut), 0.0);
    // A statement: adopters draw together; who dissociates is counted on less.
    let st = event(EventKind::Statement(Statement {
        org: 0,
        by: StatementBy::Chair,
        text: "t".into(),
        theme: Theme::External,
        against: None,
    }));
    let votes = [
        (0, Choice::Adopt),
        (1, Choice::Adopt),
        (2, Choice::Dissociate),
    ];
    let mut after = w.clone();
    st.kind
        .kind()
        .apply("e", &votes, "issued with dissociation", &mut after);
    assert!(after.expectation.get(0, 1) > w.expectation.get(0, 1));
    assert!(after.expectation.get(0, 2) < w.expectation.get(0, 2));
    // A blocked statement changes nothing.
    let mut blocked = w.clone();
    st.kind.kind().apply("e", &votes, "blocked", &mut blocked);
    assert_eq!(blocked.expectation.get(0, 1), w.expectation.get(0, 1));
}
