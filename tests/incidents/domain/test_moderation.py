"""The state machine: every allowed and forbidden move, its history row, and no write on refusal."""

import pytest
from django.core.exceptions import ValidationError

from incidents.choices import Action, Status
from incidents.domain import moderation, redaction, translations
from incidents.models import Incident, IncidentVersion, ModerationEvent, Translation
from tests.factories import UserFactory, publish_new, submit

pytestmark = pytest.mark.django_db


def bring_to(status, moderator):
    """Return an incident in ``status``, reached through the service."""
    incident, submission, _ = submit()
    if status == Status.SUBMITTED:
        return incident
    moderation.claim(incident, moderator)
    if status == Status.IN_REVIEW:
        return incident
    if status == Status.CHANGES_REQUESTED:
        return moderation.request_changes(incident, moderator, "Please add the court record.")
    if status == Status.REJECTED:
        return moderation.reject(incident, moderator, "Out of scope.")
    incident = moderation.publish(incident, moderator)
    if status == Status.WITHDRAWN:
        return moderation.withdraw(incident, moderator, "The sources were retracted.")
    if status == Status.MERGED:
        other = publish_new(moderator)
        return moderation.merge(incident, moderator, into=other)
    return incident


def perform(action, incident, moderator, target=None):
    return {
        Action.CLAIM: lambda: moderation.claim(incident, moderator),
        Action.RELEASE: lambda: moderation.release(incident, moderator),
        Action.REQUEST_CHANGES: lambda: moderation.request_changes(incident, moderator, "Which court?"),
        Action.ANSWER: lambda: moderation.answer(incident, "Added the docket number."),
        Action.PUBLISH: lambda: moderation.publish(incident, moderator),
        Action.REJECT: lambda: moderation.reject(incident, moderator, "Not a wrongful identification."),
        Action.WITHDRAW: lambda: moderation.withdraw(incident, moderator, "Sources retracted."),
        Action.MERGE: lambda: moderation.merge(incident, moderator, into=target),
        Action.CORRECT: lambda: moderation.correct(incident, moderator, {"city": "Dearborn"}, "City was wrong."),
        Action.REDACT: lambda: redaction.redact(incident, moderator, "Name removed on request.", changes={"narrative": "A man was wrongly arrested."}),
        Action.EDIT: lambda: moderation.edit_draft(incident, moderator, {"city": "Dearborn"}),
        Action.TRANSLATE: lambda: translations.save(incident, moderator, {"language": "es", "title": "Título", "narrative": "Relato.",
                                                                          "method": "human", "translator": "Voluntaria"}),
        Action.REMOVE_TRANSLATION: lambda: (Translation.objects.create(incident=incident, language="pt-BR", title="T", narrative="N",
                                                                       method="human", translator="V"),
                                            translations.remove(incident, moderator, "pt-br"))[1],
    }[action]()


ALL_STATES = [s for s in Status]
CASES = [(action, state, state in move.sources) for action, move in moderation.TRANSITIONS.items() for state in ALL_STATES]


@pytest.mark.parametrize("action,state,allowed", CASES, ids=[f"{a}-from-{s}-{'ok' if ok else 'refused'}" for a, s, ok in CASES])
def test_every_transition_is_allowed_or_refused_by_the_table(action, state, allowed, moderator):
    incident = bring_to(state, moderator)
    target = publish_new(moderator) if action == Action.MERGE else None
    events_before = ModerationEvent.objects.filter(incident=incident).count()
    snapshot = Incident.objects.values().get(pk=incident.pk)
    if allowed:
        perform(action, incident, moderator, target)
        incident.refresh_from_db()
        assert incident.status == (moderation.TRANSITIONS[action].target or state)
        events = list(ModerationEvent.objects.filter(incident=incident).order_by("id"))
        new = events[events_before:]
        assert len(new) == 1
        assert new[0].action == action
        assert new[0].from_status == state
        assert new[0].to_status == incident.status
    else:
        with pytest.raises(moderation.InvalidTransition):
            perform(action, incident, moderator, target)
        assert Incident.objects.values().get(pk=incident.pk) == snapshot
        assert ModerationEvent.objects.filter(incident=incident).count() == events_before


def test_only_moderators_move_states(moderator):
    incident, _, _ = submit()
    stranger = UserFactory()
    with pytest.raises(moderation.NotAModerator):
        moderation.claim(incident, stranger)
    with pytest.raises(moderation.NotAModerator):
        moderation.claim(incident, None)
    incident.refresh_from_db()
    assert incident.status == Status.SUBMITTED


def test_reject_requires_a_reason(moderator):
    incident, _, _ = submit()
    with pytest.raises(ValidationError) as exc:
        moderation.reject(incident, moderator, "  ")
    assert "reason" in exc.value.message_dict
    incident.refresh_from_db()
    assert incident.status == Status.SUBMITTED


def test_withdraw_requires_a_public_reason_and_keeps_it(moderator):
    incident = publish_new(moderator)
    with pytest.raises(ValidationError):
        moderation.withdraw(incident, moderator, "")
    moderation.withdraw(incident, moderator, "The only source was retracted by its publisher.")
    incident.refresh_from_db()
    assert incident.status == Status.WITHDRAWN
    assert incident.withdrawn_reason == "The only source was retracted by its publisher."


def test_a_record_in_review_belongs_to_its_claimer(moderator, other_moderator):
    incident, _, _ = submit()
    moderation.claim(incident, moderator)
    with pytest.raises(moderation.Conflict):
        moderation.publish(incident, other_moderator)
    incident.refresh_from_db()
    assert incident.status == Status.IN_REVIEW


def test_a_stale_view_gets_a_conflict(moderator):
    incident, _, _ = submit()
    moderation.claim(incident, moderator)
    with pytest.raises(moderation.Conflict, match="acted first"):
        moderation.claim(incident, moderator, expected_status=Status.SUBMITTED)


def test_publish_gives_a_public_id_version_and_snapshot(moderator):
    incident = publish_new(moderator)
    assert incident.public_id.startswith("WIR-")
    assert incident.version == 1
    assert incident.published_at is not None
    version = IncidentVersion.objects.get(incident=incident)
    assert version.snapshot["public_id"] == incident.public_id
    assert "contact_email" not in str(version.snapshot)


def test_publish_refuses_an_incident_without_sources(moderator):
    incident, _, _ = submit()
    incident.source_links.all().delete()
    incident.outcomes.all().delete()
    moderation.claim(incident, moderator)
    with pytest.raises(ValidationError) as exc:
        moderation.publish(incident, moderator)
    assert "sources" in exc.value.message_dict
    incident.refresh_from_db()
    assert incident.status == Status.IN_REVIEW and incident.public_id is None


def test_publish_needs_a_decision_on_each_proposed_name(moderator):
    incident, _, _ = submit(systems=["Totally New FaceFinder"], operators=["Springfield Sheriff"])
    moderation.claim(incident, moderator)
    with pytest.raises(ValidationError) as exc:
        moderation.publish(incident, moderator)
    assert "Totally New FaceFinder" in str(exc.value) and "Springfield Sheriff" in str(exc.value)
    published = moderation.publish(incident, moderator, proposed={"Totally New FaceFinder": "create", "Springfield Sheriff": "reject"})
    assert [s.name for s in published.systems.all()] == ["Totally New FaceFinder"]
    assert published.operators.count() == 0


def test_publish_maps_a_proposed_name_to_an_existing_system(moderator):
    from tests.factories import SystemFactory

    system = SystemFactory(name="CBP One")
    incident, _, _ = submit(systems=["The CBP app"])
    moderation.claim(incident, moderator)
    with pytest.raises(ValidationError):
        moderation.publish(incident, moderator, proposed={"The CBP app": "no-such-slug"})
    published = moderation.publish(incident, moderator, proposed={"The CBP app": system.slug})
    assert list(published.systems.all()) == [system]


def test_answer_returns_the_record_to_the_queue_with_changes(moderator):
    incident, _, _ = submit()
    moderation.claim(incident, moderator)
    moderation.request_changes(incident, moderator, "What city?")
    moderation.answer(incident, "It was Dearborn.", {"city": "Dearborn"})
    incident.refresh_from_db()
    assert incident.status == Status.SUBMITTED
    assert incident.city == "Dearborn"
    answer = incident.events.get(action=Action.ANSWER)
    assert answer.actor is None and answer.changes == {"city": ["Detroit", "Dearborn"]}


def test_correction_creates_a_new_version_and_keeps_the_old_one(moderator):
    incident = publish_new(moderator)
    moderation.correct(incident, moderator, {"city": "Dearborn"}, "The arrest was in Dearborn, per the complaint.")
    incident.refresh_from_db()
    assert incident.version == 2 and incident.city == "Dearborn"
    v1, v2 = IncidentVersion.objects.filter(incident=incident).order_by("number")
    assert v1.snapshot["city"] == "Detroit" and v2.snapshot["city"] == "Dearborn"
    assert v2.changes == {"city": ["Detroit", "Dearborn"]}
    assert v2.note.startswith("The arrest was in Dearborn")


def test_correction_requires_a_note(moderator):
    incident = publish_new(moderator)
    with pytest.raises(ValidationError):
        moderation.correct(incident, moderator, {"city": "Dearborn"}, "")
    incident.refresh_from_db()
    assert incident.version == 1 and incident.city == "Detroit"


def test_merge_moves_every_source_and_outcome(moderator):
    duplicate = publish_new(moderator)
    canonical = publish_new(moderator)
    dup_urls = {s.url for s in duplicate.sources.all()}
    dup_outcomes = duplicate.outcomes.count()
    can_outcomes = canonical.outcomes.count()
    moderation.merge(duplicate, moderator, into=canonical, reason="Same arrest.")
    duplicate.refresh_from_db()
    canonical.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == canonical
    assert dup_urls <= {s.url for s in canonical.sources.all()}
    assert canonical.outcomes.count() == dup_outcomes + can_outcomes
    assert canonical.version == 2
    assert duplicate.events.filter(action=Action.MERGE).exists()
    assert canonical.events.filter(action=Action.CORRECT, changes__absorbed=duplicate.public_id).exists()


def test_merge_refuses_itself_and_unpublished_targets(moderator):
    incident = publish_new(moderator)
    draft, _, _ = submit()
    with pytest.raises(ValidationError):
        moderation.merge(incident, moderator, into=incident)
    with pytest.raises(ValidationError):
        moderation.merge(incident, moderator, into=draft)
    incident.refresh_from_db()
    assert incident.status == Status.PUBLISHED
