"""Who sees which contact, check request, answer, event and task."""

from __future__ import annotations

import pytest

from safehub.intake import services
from safehub.intake.models import (
    AgencyCheckRequest,
    AgencyCheckResponse,
    Contact,
    Plan,
    PlanItem,
    StrategyDiscussion,
    Task,
)
from safehub.people.models import Event


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


def answer_both(intake_world, personas, police_caveat="agency_only"):
    police = services.respond_to_check(
        intake_world.police_check, actor=personas["police_contributor"], known=True, text="Police intelligence",
        caveat=police_caveat,
    )
    health = services.respond_to_check(
        intake_world.health_check, actor=personas["health_contributor"], known=True, text="Health visiting",
    )
    return police, health


def test_police_see_only_checks_sent_to_the_police(intake_world, personas):
    assert pks(AgencyCheckRequest.objects.visible_to(personas["police_contributor"])) == {intake_world.police_check.pk}
    assert pks(AgencyCheckRequest.objects.visible_to(personas["health_contributor"])) == {intake_world.health_check.pk}
    assert pks(AgencyCheckRequest.objects.visible_to(personas["mash_practitioner"])) == {
        intake_world.police_check.pk,
        intake_world.health_check.pk,
    }


def test_a_check_to_an_agency_that_does_not_know_the_child_is_still_theirs_to_answer(intake_world, personas, world):
    # health_only_child is unknown to the police: the police can answer a check about them, but not open the child
    from safehub.people.models import Child

    from .fixtures import make_contact

    contact = make_contact(personas["mash_practitioner"], world.health_only_child)
    [check] = services.send_agency_checks(
        contact, agencies=[personas["police_contributor"].agency], question="Known?", actor=personas["mash_practitioner"]
    )
    police = personas["police_contributor"]
    assert check.pk in pks(AgencyCheckRequest.objects.visible_to(police))
    assert check.subject_name == "Jacob Whitfield"
    assert world.health_only_child.pk not in pks(Child.objects.visible_to(police))


def test_health_cannot_read_the_polices_agency_only_answer_and_nor_can_the_mash(intake_world, personas):
    police_answer, health_answer = answer_both(intake_world, personas)
    assert pks(AgencyCheckResponse.objects.visible_to(personas["police_contributor"])) == {police_answer.pk}
    assert pks(AgencyCheckResponse.objects.visible_to(personas["health_contributor"])) == {health_answer.pk}
    assert pks(AgencyCheckResponse.objects.visible_to(personas["mash_practitioner"])) == {health_answer.pk}
    # and the chronology honours the same caveat
    events = Event.objects.filter(type="agency_check_response")
    assert pks(events.visible_to(personas["health_contributor"])) == {
        events.get(agency=health_answer.agency).pk
    }
    assert events.get(agency=police_answer.agency).pk not in pks(events.visible_to(personas["mash_practitioner"]))
    assert events.get(agency=police_answer.agency).pk in pks(events.visible_to(personas["police_contributor"]))


def test_a_partnership_answer_is_read_by_the_mash_and_panel_chair_chronology(intake_world, personas):
    police_answer, _ = answer_both(intake_world, personas, police_caveat="partnership")
    assert police_answer.pk in pks(AgencyCheckResponse.objects.visible_to(personas["mash_practitioner"]))
    event = Event.objects.get(type="agency_check_response", agency=police_answer.agency)
    assert event.pk in pks(Event.objects.visible_to(personas["panel_chair"]))
    # other agencies still see only their own agency's items
    assert event.pk not in pks(Event.objects.visible_to(personas["health_contributor"]))


@pytest.mark.parametrize("persona", ["board_member", "analyst", "admin"])
def test_aggregate_and_admin_roles_see_nothing(intake_world, personas, persona):
    answer_both(intake_world, personas)
    user = personas[persona]
    for model in (Contact, AgencyCheckRequest, AgencyCheckResponse, StrategyDiscussion, Plan, PlanItem, Task):
        assert not model.objects.visible_to(user).exists(), model


def test_contacts_are_for_partnership_case_roles_on_children_they_see(intake_world, personas):
    assert pks(Contact.objects.visible_to(personas["mash_practitioner"])) == {intake_world.contact.pk}
    assert pks(Contact.objects.visible_to(personas["panel_chair"])) == {intake_world.contact.pk}
    assert not Contact.objects.visible_to(personas["police_contributor"]).exists()
    # a "MASH only" contact recorded by another agency's MASH is not for a panel chair
    Contact.objects.filter(pk=intake_world.contact.pk).update(
        caveat="mash_only", recording_agency=personas["police_contributor"].agency
    )
    assert intake_world.contact.pk in pks(Contact.objects.visible_to(personas["mash_practitioner"]))
    assert intake_world.contact.pk not in pks(Contact.objects.visible_to(personas["panel_chair"]))


def test_contacts_without_a_child_are_mash_only(personas):
    from .fixtures import make_contact

    contact = make_contact(personas["mash_practitioner"], None, subject_description="Sibling group at 4 Elm Road")
    assert contact.pk in pks(Contact.objects.visible_to(personas["mash_practitioner"]))
    assert contact.pk not in pks(Contact.objects.visible_to(personas["panel_chair"]))


def test_tasks_are_the_users_their_teams_or_their_agencys(intake_world, personas):
    police = personas["police_contributor"]
    visible = Task.objects.visible_to(police)
    assert set(visible.values_list("detail_id", flat=True)) == {str(intake_world.police_check.pk)}
    assert intake_world.task.pk in pks(Task.objects.visible_to(personas["mash_practitioner"]))
    # the panel chair shares the MASH's agency, and sees its tasks about children they may see
    assert intake_world.task.pk in pks(Task.objects.visible_to(personas["panel_chair"]))
