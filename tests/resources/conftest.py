import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from resources.services import CURATORS, curators_group_setup
from tests.factories import UserFactory
from tests.resources.directory_data import build_directory


@pytest.fixture
def curator(db):
    """A staff user whose only permissions come from the `curators` group."""
    curators_group_setup()
    user = UserFactory(username="curator", is_staff=True)
    user.groups.add(Group.objects.get(name=CURATORS))
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


class _FormFields(HTMLParser):
    """The values a browser would submit for the admin's change form, as rendered."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None

    def _add(self, name, value):
        if name and "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._add(attrs.get("name"), attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._text = ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that follows <textarea>.
            self._add(self._textarea, re.sub(r"^\r?\n", "", self._text))
            self._textarea = None


def form_data(response, form_id: str) -> dict:
    """Parse a rendered admin form into POST data (lists for repeated names)."""
    parser = _FormFields(form_id)
    parser.feed(response.content.decode())
    return {name: values if len(values) > 1 else values[0] for name, values in parser.data.items()}


@pytest.fixture
def directory(db) -> dict:
    """A small directory built with factories (see directory_data.build_directory)."""
    cache.clear()
    return build_directory()
