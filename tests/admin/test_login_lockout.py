"""The admin login locks a username+IP out after repeated failures, with a clear message."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "admin:login"


def attempt(client: Client, password: str, username: str = "operator", ip: str = "203.0.113.9"):
    return client.post(
        reverse(LOGIN),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


@pytest.fixture
def limits(settings):
    settings.ADMIN_LOGIN_MAX_FAILURES = 3
    settings.ADMIN_LOGIN_MAX_FAILURES_PER_IP = 10
    settings.ADMIN_LOGIN_LOCKOUT_SECONDS = 600
    return settings


def test_failures_up_to_the_limit_get_the_normal_form(staff, limits):
    client = Client()
    for _ in range(3):
        assert attempt(client, "wrong").status_code == 200


def test_after_the_limit_even_the_right_password_is_refused_with_a_message(staff, limits):
    client = Client()
    for _ in range(3):
        attempt(client, "wrong")

    response = attempt(client, "a-long-operator-password")

    assert response.status_code == 429
    assert "Too many failed login attempts. Try again in 10 minutes." in response.content.decode()
    assert response["Retry-After"] == "600"
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_address(staff, limits):
    for _ in range(3):
        attempt(Client(), "wrong", ip="203.0.113.9")

    response = attempt(Client(), "a-long-operator-password", ip="198.51.100.4")

    assert response.status_code == 302


def test_a_success_before_the_limit_clears_the_count(staff, limits):
    client = Client()
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, "a-long-operator-password").status_code == 302
    client.logout()

    for _ in range(3):
        assert attempt(client, "wrong").status_code == 200


def test_spraying_many_usernames_from_one_address_is_stopped(staff, limits):
    limits.ADMIN_LOGIN_MAX_FAILURES_PER_IP = 4
    for name in ("a", "b", "c", "d"):
        attempt(Client(), "wrong", username=name)

    assert attempt(Client(), "a-long-operator-password").status_code == 429


def test_the_login_page_itself_is_never_locked(staff, limits):
    client = Client()
    for _ in range(5):
        attempt(client, "wrong")

    assert client.get(reverse(LOGIN)).status_code == 200
