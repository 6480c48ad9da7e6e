"""Hypothesis drives the workflow service with random people, targets, versions and comments.

Over 1,000 action sequences a request never reaches a status or makes a move outside the table,
every accepted move is exactly what the hand-written truth table allows, and the version and the
history count exactly the accepted moves.
"""

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from deftweb.errors import Refusal
from deftweb.models import HistoryKind, RequestHistory, RequestStatus, RequestType, db
from deftweb.models.transitions import HOLDABLE, find_transition, transitions_from
from deftweb.requests import workflow
from tests.auth.test_review_policy import PEOPLE, expected, reviewers

S = RequestStatus
SEQUENCES = 1000


def allowed_by_truth_table(kind, source, target, person, held_from) -> bool:
    if source == S.HOLD and target in HOLDABLE:
        return target == held_from and person in reviewers(kind)
    return person in expected(kind).get((source, target), set())


def make_machine(people: dict, make, sequences: list, reached: set):
    higg, project = make.group("HIGG"), make.project()

    class ReviewMachine(RuleBasedStateMachine):
        @initialize(kind=st.sampled_from([RequestType.MC, RequestType.GROUP]))
        def file_request(self, kind):
            sequences.append(kind)
            self.kind = kind
            self.request = make.request(
                requester=people["requester"],
                slices=0,
                request_type=kind,
                working_group=higg,
                project=project,
            )
            self.accepted: list[tuple[str, str]] = []
            self.held_from = None

        @rule(
            person=st.sampled_from(sorted(people)),
            to=st.sampled_from(list(S)),
            stale=st.sampled_from([False, False, False, True]),  # a quarter stale clicks
            comment=st.sampled_from(["", "  ", "because"]),
        )
        def attempt(self, person, to, stale, comment):
            self.try_move(person, to, stale, comment)

        @rule(
            data=st.data(),
            person=st.sampled_from(sorted(people)),
            comment=st.sampled_from(["", "because"]),
        )
        def attempt_a_move_of_the_table(self, data, person, comment):
            """Half the steps try a move that exists from here, so sequences get deep."""
            targets = [t.target for t in transitions_from(self.request.status)]
            if targets:
                self.try_move(person, data.draw(st.sampled_from(targets)), False, comment)

        def try_move(self, person, target, stale, comment):
            source, version = self.request.status, self.request.version
            move = find_transition(source, target)
            expect_ok = (
                not stale
                and allowed_by_truth_table(self.kind, source, target, person, self.held_from)
                and (comment.strip() or not move.comment_required)
            )
            try:
                workflow.transition(self.request, target, people[person], version - stale, comment)
            except Refusal:
                assert not expect_ok, f"{person} refused {source}->{target}"
                assert (self.request.status, self.request.version) == (source, version)
                return
            assert expect_ok, f"{person} allowed {source}->{target}"
            self.accepted.append((source, target))
            reached.add(target)
            if target == S.HOLD:
                self.held_from = source

        @invariant()
        def only_moves_of_the_table(self):
            assert self.request.status in set(S)
            assert all(find_transition(a, b) for a, b in self.accepted)
            assert self.request.version == 1 + len(self.accepted)

        def teardown(self):
            """Once per sequence: the audit rows are exactly the accepted moves, in order."""
            if not hasattr(self, "request"):
                return
            rows = db.session.execute(
                sa.select(RequestHistory.from_status, RequestHistory.to_status)
                .where(
                    RequestHistory.request_id == self.request.id,
                    RequestHistory.kind == HistoryKind.TRANSITION,
                )
                .order_by(RequestHistory.id)
            ).all()
            assert [tuple(r) for r in rows] == self.accepted

    return ReviewMachine


def test_random_action_sequences_never_leave_the_table(make):
    people = {name: make.user(**spec) for name, spec in PEOPLE.items()}
    sequences, reached = [], set()
    machine = make_machine(people, make, sequences, reached)
    machine.TestCase.settings = settings(
        max_examples=SEQUENCES,
        stateful_step_count=8,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine.TestCase("runTest").runTest()
    assert len(sequences) >= SEQUENCES
    assert reached == set(S), "the sequences reach every status"


@pytest.mark.parametrize("source", list(S))
def test_every_status_has_a_way_on_or_is_final(source):
    from deftweb.models.transitions import transitions_from

    final = {S.DONE, S.CANCELLED}
    assert bool(transitions_from(source)) == (source not in final)
