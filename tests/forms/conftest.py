from __future__ import annotations

import pytest

from shop.korus.models import Form
from tests.forms.definitions import all_types_form


@pytest.fixture
def definition() -> Form:
    """The fixture form with one field of each of the nine types."""
    return all_types_form()
