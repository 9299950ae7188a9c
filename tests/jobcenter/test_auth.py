import pytest
from django.urls import reverse

from tests.conftest import client_for


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/admin/"])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_login_with_right_password_lands_on_start_page(client, alice):
    response = client.post("/login/", {"username": "alice", "password": "pw-alice"}, follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.user == alice.user
    assert "Goddag" in response.content.decode()


def test_wrong_password_gets_danish_error_that_does_not_say_which_part(client, alice):
    wrong_password = client.post("/login/", {"username": "alice", "password": "nope"})
    unknown_user = client.post("/login/", {"username": "nobody", "password": "nope"})
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert "Brugernavn eller adgangskode er forkert" in response.content.decode()
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors


def test_repeated_failed_logins_lock_the_account(client, alice, settings):
    for _ in range(settings.AXES_USERNAME_FAILURE_LIMIT):
        client.post("/login/", {"username": "alice", "password": "wrong"})
    locked = client.post("/login/", {"username": "alice", "password": "pw-alice"})
    assert locked.status_code == 429
    assert "midlertidigt spærret" in locked.content.decode()
    assert not locked.wsgi_request.user.is_authenticated


def nav_labels(response) -> list[str]:
    return [str(item["label"]) for item in response.context["nav_items"]]


def test_each_role_sees_its_own_navigation(client, alice, lea, ada):
    caseworker = nav_labels(client_for(client, alice).get(reverse("home")))
    leader = nav_labels(client_for(client, lea).get(reverse("home")))
    admin = nav_labels(client_for(client, ada).get(reverse("home")))
    assert "Administration" not in caseworker and "Administration" not in leader
    assert "Administration" in admin
    assert set(caseworker) < set(leader) <= set(admin)


def test_logout_needs_post_and_ends_the_session(client, alice):
    client_for(client, alice)
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_pages_are_danish_even_for_an_english_browser_until_english_is_chosen(client, alice):
    client_for(client, alice)
    danish = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Arbejdsliste" in danish
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("home")).content.decode()
    assert "Worklist" in english and "Arbejdsliste" not in english


def test_the_current_section_is_marked_in_the_menu(client, lea):
    client_for(client, lea)
    items = client.get(reverse("citizens:create")).context["nav_items"]
    assert [str(i["label"]) for i in items if i["active"]] == ["Opret borger"]
    items = client.get(reverse("reports:risk")).context["nav_items"]
    assert [str(i["label"]) for i in items if i["active"]] == ["Rapporter"]
