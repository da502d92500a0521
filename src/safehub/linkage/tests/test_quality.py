from safehub.linkage.quality import NhsStatus, identifier_conflicts, nhs_match_rate, nhs_status_of
from safehub.people.models import Identifier


def test_nhs_status():
    assert nhs_status_of(["9434765919", "9434765919"]) == NhsStatus.VERIFIED
    assert nhs_status_of(["9434765919", "9434765870"]) == NhsStatus.CONFLICTING
    assert nhs_status_of(["1234567890"]) == NhsStatus.UNVERIFIED
    assert nhs_status_of([]) == NhsStatus.NONE


def test_conflicts_and_match_rate(world, personas):
    Identifier.objects.create(child=world.police_child, scheme="nhs", value="9434765919")
    Identifier.objects.create(child=world.police_child, scheme="nhs", value="9434765870")
    Identifier.objects.create(child=world.restricted_child, scheme="upn", value="A123")
    Identifier.objects.create(child=world.restricted_child, scheme="upn", value="B456")
    conflicts = identifier_conflicts(personas["mash_practitioner"])
    assert [(c.child, c.scheme) for c in conflicts] == [(world.police_child, "NHS number"),
                                                        (world.restricted_child, "Unique pupil number")]
    assert [c.child for c in identifier_conflicts(personas["panel_chair"])] == [world.police_child]
    rate = nhs_match_rate()
    assert rate["children"] == 3 and rate["verified"] == 0 and rate["by_status"]["Conflicting"] == 1


def test_data_quality_page(client, world, personas):
    client.force_login(personas["mash_practitioner"])
    assert b"NHS number match rate" in client.get("/linkage/data-quality/").content
