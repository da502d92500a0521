from django.urls import reverse

from safehub.core.models import User


def test_sign_in_and_out(client, personas):
    user = personas["mash_practitioner"]
    response = client.post(reverse("login"), {"username": user.username, "password": "correct-horse-battery"})
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_wrong_password_shows_an_error(client, personas):
    response = client.post(reverse("login"), {"username": "mash", "password": "wrong"})
    assert response.status_code == 200
    assert b"Enter a correct username and password" in response.content


def test_inactive_user_sees_nothing(client, world, personas):
    user: User = personas["mash_practitioner"]
    user.is_active = False
    user.save()
    client.force_login(user)
    assert client.get(reverse("people:child", args=[world.police_child.pk])).status_code == 302
