"""French pages (issue 5): chosen from the browser, switchable, and a complete, compiled catalog.

The page tests run against the sandbox's demo catalog; the phrases they look for come from
locale/fr/LC_MESSAGES/django.po, and each also checks that the English source is gone.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.services.booking_support import CUSTOMER, fresh_client_and_cache  # noqa: F401
from tests.views.test_checkout import hold, purchase, start

pytestmark = pytest.mark.django_db(databases=["default", "sandbox"])

CATALOG_DIR = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
PO_FILE = CATALOG_DIR / "django.po"
MO_FILE = CATALOG_DIR / "django.mo"


@pytest.fixture
def fr_client() -> Client:
    """A browser that prefers French and has never chosen a language on the site."""
    return Client(headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})


def _text(response: Any) -> str:
    """The page's visible text, with every run of white space (no-break spaces too) as one space."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- pages chosen from Accept-Language ---------------------------------------------------------
def test_home_page_is_in_french_for_a_french_browser(fr_client: Client, sandbox_demo: Any) -> None:
    response = fr_client.get(reverse("shop:home"))

    text = _text(response)
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()
    for phrase in ("À l\u2019affiche", "Rechercher", "À partir de", "Retrouver ma commande"):
        assert phrase in text
    assert "What's on" not in text
    assert "Find my order" not in text


def test_home_page_stays_english_for_an_english_browser(client: Client, sandbox_demo: Any) -> None:
    text = _text(client.get(reverse("shop:home"), headers={"accept-language": "en-GB,en"}))

    assert "What's on" in text
    assert "À l\u2019affiche" not in text


def test_event_page_calendar_and_dates_are_in_french(fr_client: Client, sandbox_demo: Any) -> None:
    case = sandbox_demo.concert
    response = fr_client.get(reverse("shop:event", args=[case.event_id]))

    text = _text(response)
    for phrase in (
        "Les horaires sont indiqués dans le fuseau horaire",
        "Dates avec des séances en",
        "1 séance",
        "Disponible",
        "Dernières places",
        "Complet",
        "Plus que 3 places",
    ):
        assert phrase in text
    assert 'aria-label="Légende"' in response.content.decode()
    assert "Times are shown in the" not in text
    assert "Few left" not in text


def test_session_page_offers_are_in_french(fr_client: Client, sandbox_demo: Any) -> None:
    case = sandbox_demo.three_left
    text = _text(fr_client.get(reverse("shop:session", args=[case.event_id, case.session_id])))

    offers = ("Billets", "Quantité", "TTC", "Plus que 3 places", "Actualiser les disponibilités")
    for phrase in offers:
        assert phrase in text
    assert "Only 3 left" not in text
    assert "Refresh availability" not in text


def test_sold_out_session_says_complet(fr_client: Client, sandbox_demo: Any) -> None:
    case = sandbox_demo.sold_out
    text = _text(fr_client.get(reverse("shop:session", args=[case.event_id, case.session_id])))

    assert "Complet" in text
    assert "Sold out" not in text


def test_checkout_ticket_forms_are_in_french(fr_client: Client, sandbox_demo: Any) -> None:
    start(fr_client, sandbox_demo.tour, 1)
    text = _text(fr_client.get(reverse("shop:checkout_answers")))

    assert "Vos billets" in text
    assert "Bloquer ces billets" in text
    assert "Hold these tickets" not in text


def test_checkout_details_form_and_countdown_are_in_french(
    fr_client: Client, sandbox_demo: Any
) -> None:
    start(fr_client, sandbox_demo.concert, 1)
    hold(fr_client)
    html = fr_client.get(reverse("shop:checkout_details")).content.decode()

    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    for phrase in ("Vos coordonnées", "Prénom", "Civilité", "environ 15 minutes", "Continuer"):
        assert phrase in text
    assert "First name" not in text
    assert "about 15 minutes" not in text


def test_countdown_announcements_reach_the_script_in_french(
    fr_client: Client, sandbox_demo: Any
) -> None:
    # countdown.js has no strings of its own: it reads them from these data attributes.
    start(fr_client, sandbox_demo.concert, 1)
    hold(fr_client)
    html = fr_client.get(reverse("shop:checkout_details")).content.decode()

    assert 'data-announce5="Plus que cinq minutes pour terminer votre réservation."' in html
    assert 'data-announce1="Plus qu\u2019une minute pour terminer votre réservation."' in html


def test_checkout_review_is_in_french(fr_client: Client, sandbox_demo: Any) -> None:
    start(fr_client, sandbox_demo.concert, 1)
    hold(fr_client)
    fr_client.post(reverse("shop:checkout_details"), CUSTOMER)
    text = _text(fr_client.get(reverse("shop:checkout_review")))

    assert "Confirmez votre commande" in text
    assert "Confirmer ma commande" in text
    assert "Confirm my order" not in text


def test_a_buyer_error_message_is_in_french(fr_client: Client, sandbox_demo: Any) -> None:
    # Asking for no ticket at all is a domain error whose message the buyer reads.
    case = sandbox_demo.concert
    response = fr_client.post(
        reverse("shop:checkout_start"),
        {"event": str(case.event_id), "session": str(case.session_id)},
        follow=True,
    )

    assert "Veuillez choisir au moins un billet." in _text(response)


def test_order_page_is_in_french(fr_client: Client, sandbox_demo: Any) -> None:
    confirmed = purchase(fr_client, sandbox_demo.concert, 1)
    text = _text(fr_client.get(confirmed["Location"]))

    assert "Votre commande est confirmée." in text
    assert "Vos billets" in text
    assert "Your order is confirmed." not in text


def test_order_find_page_is_in_french(fr_client: Client, sandbox_demo: Any) -> None:
    text = _text(fr_client.get(reverse("shop:order_find")))

    assert "Retrouver ma commande" in text
    assert "M\u2019envoyer les liens" in text
    assert "Send me the links" not in text


def test_order_find_confirmation_is_in_french(fr_client: Client, sandbox_demo: Any) -> None:
    response = fr_client.post(reverse("shop:order_find"), {"email": "ada@example.com"}, follow=True)

    assert "nous y avons envoyé leurs liens" in _text(response)


def test_order_links_email_is_in_the_buyers_language(
    fr_client: Client, sandbox_demo: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    purchase(fr_client, sandbox_demo.concert, 1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fr_client.post(reverse("shop:order_find"), {"email": CUSTOMER["email"]})

    assert [m.subject for m in mail.outbox] == [f"Vos commandes chez {settings.SHOP_NAME}"]
    assert "Bonjour," in mail.outbox[0].body


# --- the language switch ------------------------------------------------------------------------
def test_language_switch_turns_the_site_french_then_english(
    client: Client, sandbox_demo: Any
) -> None:
    home = reverse("shop:home")
    assert "What's on" in _text(client.get(home))

    to_french = client.post("/i18n/setlang/", {"language": "fr", "next": home}, follow=True)
    assert "À l\u2019affiche" in _text(to_french)
    assert "À l\u2019affiche" in _text(client.get(home))  # the choice is remembered

    to_english = client.post("/i18n/setlang/", {"language": "en", "next": home}, follow=True)
    assert "What's on" in _text(to_english)
    assert "À l\u2019affiche" not in _text(client.get(home))


def test_chosen_language_wins_over_the_browsers(fr_client: Client, sandbox_demo: Any) -> None:
    fr_client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert "What's on" in _text(fr_client.get(reverse("shop:home")))


# --- the catalog --------------------------------------------------------------------------------
def _msgfmt(*args: str) -> subprocess.CompletedProcess[str]:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("GNU gettext's msgfmt is not installed (make test installs it)")
    return subprocess.run(
        [msgfmt, *args], capture_output=True, text=True, check=False, env={"LC_ALL": "C"}
    )


def test_french_catalog_is_fully_translated_with_valid_placeholders(tmp_path: Path) -> None:
    # --check also fails on a translation whose %(name)s placeholders differ from the source's.
    result = _msgfmt("--check", "--statistics", "-o", str(tmp_path / "fr.mo"), str(PO_FILE))

    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), statistics


def test_french_catalog_has_no_fuzzy_entry() -> None:
    # msgfmt leaves fuzzy entries out of the .mo; so would a buyer's page.
    flags = [line for line in PO_FILE.read_text(encoding="utf-8").splitlines() if line[:2] == "#,"]

    assert not [line for line in flags if "fuzzy" in line]


def test_committed_mo_holds_exactly_the_po_messages(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.mo"
    result = _msgfmt("-o", str(fresh), str(PO_FILE))
    assert result.returncode == 0, result.stderr

    with fresh.open("rb") as new, MO_FILE.open("rb") as committed:
        expected = gettext.GNUTranslations(new)._catalog  # type: ignore[attr-defined]
        actual = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
    assert actual == expected, "run `make messages` and commit locale/fr/LC_MESSAGES/django.mo"


def test_translations_keep_the_html_of_their_source() -> None:
    # Links in blocktranslate (terms, privacy, mailto) must keep their tags and attributes.
    tag = re.compile(r"<[^>]+>")
    with MO_FILE.open("rb") as committed:
        catalog = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]

    changed = {
        key: text
        for key, text in catalog.items()
        if sorted(tag.findall(key if isinstance(key, str) else key[0])) != sorted(tag.findall(text))
    }
    assert not changed
