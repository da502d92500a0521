from __future__ import annotations

import datetime as dt

from tests.factories import AgencyFactory, ChildFactory, SourceRecordFactory, link

from safehub.network import selectors
from safehub.network.demo import load_demo
from safehub.network.models import Link

from .fixtures import NOW, TODAY


def test_demo_cohort_is_made_once(agencies, personas):
    AgencyFactory(code="education", name="Education")
    children = []
    for n in range(7):
        child = ChildFactory(given_name=f"Demo{n}", date_of_birth=dt.date(2012, 1, 1 + n))
        link(SourceRecordFactory(agency=agencies["police"]), child)
        children.append(child)
    summary = load_demo(NOW)
    assert summary.startswith("Network: an exploitation cohort of 6 children")
    assert load_demo(NOW) == ""
    (cohort,) = selectors.cohorts(personas["mash_practitioner"], today=TODAY)
    assert [v.record_id for v in cohort.children] == [c.pk for c in children[:6]]
    assert len(cohort.people) == 2 and len(cohort.places) == 3 and len(cohort.groups) == 1
    assert Link.objects.filter(origin="demo").count() == 21
    assert selectors.hotspots(personas["mash_practitioner"], TODAY - dt.timedelta(days=90), 3, today=TODAY)[0].place.label \
        == "Flat 3, 27 Wexford Road"
