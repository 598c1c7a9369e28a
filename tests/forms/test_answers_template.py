from __future__ import annotations

import re

from shop.forms.answers import build_answers_form
from tests.forms.definitions import VALID_ANSWERS, field_payload, form_with, name_of, posted


def rendered_invalid(definition) -> str:
    answers = {**VALID_ANSWERS, "children_count": "three", "menu": ""}
    form = build_answers_form(definition, prefix="t0", data=posted(answers), legend="Ticket 1")
    form.is_valid()
    return str(form)


def test_the_form_is_a_fieldset_with_the_ticket_as_legend(definition):
    html = str(build_answers_form(definition, prefix="t0", legend="Ticket 2 of 3: Adult"))

    assert re.search(
        r'<fieldset class="answers"[^>]*>\s*<legend>Ticket 2 of 3: Adult</legend>', html
    )


def test_an_unbound_form_shows_no_error_summary(definition):
    assert "error-summary" not in str(build_answers_form(definition, prefix="t0"))


def test_the_error_summary_links_to_each_invalid_field(definition):
    html = rendered_invalid(definition)

    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert len(targets) == 2
    for target in targets:
        assert f'id="{target}"' in html


def test_each_error_is_described_by_the_input_it_belongs_to(definition):
    html = rendered_invalid(definition)

    field_id = f"id_t0-{name_of('children_count')}"
    assert f'<ul class="errorlist" id="{field_id}_error">' in html
    input_tag = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', html).group(0)
    assert f'aria-describedby="{field_id}_error"' in input_tag


def test_a_choice_group_is_a_fieldset_described_by_its_error(definition):
    html = rendered_invalid(definition)

    field_id = f"id_t0-{name_of('menu')}"
    assert f'<fieldset aria-describedby="{field_id}_error">' in html


def test_help_text_is_escaped_and_referenced():
    payload = field_payload("last_name")
    payload["helpText"] = "<b>As on your ID</b>"
    html = str(build_answers_form(form_with(payload), prefix="t0"))

    field_id = f"id_t0-{name_of('last_name')}"
    assert (
        f'<p class="answer__help" id="{field_id}_helptext">&lt;b&gt;As on your ID&lt;/b&gt;</p>'
        in html
    )
    assert f'aria-describedby="{field_id}_helptext"' in html


def test_optional_fields_say_so(definition):
    html = str(build_answers_form(definition, prefix="t0"))

    assert re.search(r"<legend>Allergies <span[^>]*>\(optional\)</span></legend>", html)


def test_the_rendering_has_no_inline_styles_or_scripts(definition):
    html = rendered_invalid(definition)

    assert "style=" not in html
    assert "<script" not in html
    assert not re.search(r"\son[a-z]+=", html)
