"""The suite's own checks catch what they are meant to: a journey passing means something only if
an axe violation, a CSP refusal, an unreachable control or an invisible focus would fail it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journey import DESKTOP
from tests.browser.keyboard import assert_every_control_reachable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session_page(shop, journey):
    trip = journey("guards", DESKTOP, record=False)
    trip.page.goto(shop.session_url(shop.demo.museum))
    expect(trip.page.get_by_role("heading", name="Tickets", level=2)).to_be_visible()
    return trip


def test_the_axe_audit_fails_a_step_on_a_critical_violation(session_page):
    session_page.page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/static/none.png';"
        " img.width = 20; img.height = 20; document.querySelector('main').append(img); }"
    )
    session_page.allow_console(r"status of 404")
    with pytest.raises(AssertionError, match="image-alt"):
        session_page.step("image without alt")


def test_a_csp_refusal_fails_the_journey(session_page):
    session_page.page.evaluate(
        "() => document.querySelector('h1').setAttribute('style', 'color: red')"
    )
    # Chromium's own console line and the securitypolicyviolation event: either one suffices.
    with pytest.raises(AssertionError, match=r"Security Policy directive 'style-src|CSP violation"):
        session_page.assert_quiet_console()
    session_page.problems.clear()


def test_a_control_left_out_of_the_tab_order_is_reported(session_page):
    page = session_page.page
    page.evaluate("() => document.querySelector('.brand').setAttribute('tabindex', '-1')")
    with pytest.raises(AssertionError, match=r"not reachable with Tab: .*brand"):
        assert_every_control_reachable(page)


def test_a_control_without_a_visible_focus_is_reported(session_page):
    page = session_page.page
    # Through the CSSOM, which the CSP allows (unlike a style attribute).
    page.evaluate("() => { document.querySelector('input[type=number]').style.outline = 'none'; }")
    with pytest.raises(AssertionError, match="no visible focus on <input"):
        assert_every_control_reachable(page)
