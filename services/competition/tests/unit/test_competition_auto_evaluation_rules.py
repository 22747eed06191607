"""Unit tests of the automatic evaluation's rules and the new read helpers (no I/O)."""

import base64
import hashlib
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from uuid import uuid4

import pytest

from competition.api.request_documents import digest_headers, etag_matches
from competition.app import auto_evaluation_tasks
from competition.domain.competition import Competition, CompetitionItem, open_competition
from competition.domain.errors import ActionNotAllowed, RoleNotAllowed
from competition.settings import CompetitionSettings
from epurchasing_shared.documents import DocumentRef

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def opened() -> Competition:
    competition = Competition(
        id=uuid4(),
        purchase_request_id=uuid4(),
        work_unit="dinkes",
        kind="specification",
        category="laptop",
        items=[CompetitionItem(1, "l", 10, "unit")],
        pagu=100_000,
        delivery_deadline=date(2026, 4, 1),
    )
    open_competition(competition, NOW + timedelta(days=1), [], NOW)
    return competition


class TestSystemEvaluation:
    def test_the_system_evaluates_once_the_deadline_has_passed(self):
        competition = opened()
        assert competition.allowed_actions("system", NOW + timedelta(days=1)) == ["evaluate"]
        change = competition.move("evaluate", "system", NOW + timedelta(days=1), "evaluated:failed")
        assert (change.from_state, competition.state) == ("open", "evaluated:failed")
        assert change.sop_step == "11"

    def test_the_system_may_not_evaluate_before_the_deadline(self):
        with pytest.raises(ActionNotAllowed) as refused:
            opened().move("evaluate", "system", NOW + timedelta(hours=23))
        assert refused.value.current_state == "open"

    def test_a_second_evaluation_is_a_conflict_whoever_asks(self):
        competition, later = opened(), NOW + timedelta(days=2)
        competition.move("evaluate", "procurement_official", later, "evaluated:succeeded")
        for role in ("system", "procurement_official"):
            with pytest.raises(ActionNotAllowed):
                competition.move("evaluate", role, later)

    def test_the_system_does_nothing_else(self):
        competition = opened()
        competition.move("evaluate", "system", NOW + timedelta(days=2), "evaluated:succeeded")
        with pytest.raises(RoleNotAllowed):
            competition.move("publish", "system", NOW + timedelta(days=2))


class TestAutoEvaluationSetting:
    def runtime(self, seconds: float) -> SimpleNamespace:
        return SimpleNamespace(settings=CompetitionSettings(auto_evaluate_seconds=seconds))

    def test_zero_disables_the_task(self):
        assert auto_evaluation_tasks(self.runtime(0)) == ()  # type: ignore[arg-type]

    def test_a_positive_interval_starts_one_task(self):
        assert len(auto_evaluation_tasks(self.runtime(30))) == 1  # type: ignore[arg-type]

    def test_the_default_is_every_30_seconds_and_negative_is_refused(self):
        assert CompetitionSettings().auto_evaluate_seconds == 30
        with pytest.raises(ValueError):
            CompetitionSettings(auto_evaluate_seconds=-1)


class TestDownloadHeaders:
    content = b"%PDF-1.4 spek"
    sha = hashlib.sha256(content).hexdigest()
    document = DocumentRef(uuid4(), "specification", "s.pdf", "application/pdf", 13, sha, "p", NOW)

    def test_etag_and_digest_name_the_sha256(self):
        headers = digest_headers(self.document)
        assert headers["ETag"] == f'"{self.sha}"'
        expected = base64.b64encode(hashlib.sha256(self.content).digest()).decode()
        assert headers["Digest"] == f"sha-256={expected}"

    @pytest.mark.parametrize(
        ("header", "matches"),
        [(None, False), ('"other"', False), ("*", True), ('"a", W/"{sha}"', True)],
    )
    def test_if_none_match(self, header, matches):
        header = header.replace("{sha}", self.sha) if header else header
        assert etag_matches(header, self.document) is matches
