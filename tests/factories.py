"""factory_boy factories for the partnership's people and records (synthetic values only)."""

from __future__ import annotations

import datetime as dt

import factory

from safehub.core.models import Agency, AgencyType, RoleAssignment, User
from safehub.people.models import Child, RecordLink, SourceRecord


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"agency{n}")
    name = factory.LazyAttribute(lambda o: f"{o.code.replace('_', ' ').title()} agency")
    type = AgencyType.OTHER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Persona{n}")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            RoleAssignment.objects.get_or_create(user=self, role=role)
        self.__dict__.pop("role_codes", None)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    given_name = factory.Sequence(lambda n: f"Child{n}")
    family_name = "Testfamily"
    date_of_birth = dt.date(2014, 3, 27)
    sex = "F"


class SourceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceRecord

    agency = factory.SubFactory(AgencyFactory)
    system = "TestSystem"
    local_id = factory.Sequence(lambda n: f"R{n:06d}")
    given_name = "Child"
    family_name = "Testfamily"
    date_of_birth = dt.date(2014, 3, 27)
    received = factory.LazyAttribute(lambda o: {"Forename": o.given_name, "Surname": o.family_name})


def link(record: SourceRecord, child: Child, decision: str = RecordLink.Decision.CONFIRMED) -> RecordLink:
    return RecordLink.objects.create(source_record=record, child=child, decision=decision)
