from django.urls import reverse


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_mash_practitioner_sees_child_page(client, world, personas):
    client.force_login(personas["mash_practitioner"])
    response = client.get(reverse("people:child", args=[world.police_child.pk]))
    assert response.status_code == 200
    assert b"Olivia" in response.content
