import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import translation

from resources.models import ProblemReport


def report_url(slug: str = "gb-samaritans", language: str = "en") -> str:
    with translation.override(language):
        return reverse("resources:report", kwargs={"slug": slug})


def test_report_form_shows_every_problem_kind_and_the_emergency_numbers(client, directory):
    response = client.get(report_url())
    assert response.status_code == 200
    html = response.content.decode()
    for _value, label in ProblemReport.Kind.choices:
        assert str(label) in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'href="tel:999"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_valid_report_is_stored_and_thanked(client, directory):
    response = client.post(
        report_url(language="de"),
        {"kind": "wrong_hours", "message": "Closes at 22:00 now.", "contact_email": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == "/de/resources/gb-samaritans/report/thanks/"
    report = ProblemReport.objects.get()
    assert report.resource == directory["samaritans"]
    assert report.kind == "wrong_hours"
    assert report.message == "Closes at 22:00 now."
    assert report.language == "de"
    assert report.status == ProblemReport.Status.OPEN
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    with translation.override("de"):
        assert translation.gettext("Thank you — your report has reached our curators") in (
            thanks.content.decode()
        )
    assert '<a href="/de/concierge/">' in thanks.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "kind"),
        ({"kind": "not-a-kind"}, "kind"),
        ({"kind": "other", "contact_email": "not an email"}, "contact_email"),
        ({"kind": "other", "message": "x" * 5001}, "message"),
    ],
)
def test_invalid_reports_get_a_400_with_a_clear_message(client, directory, data, field):
    response = client.post(report_url(), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the errors below." in html
    assert f'id="id_{field}_error"' in html
    assert not ProblemReport.objects.exists()


def test_reports_need_the_csrf_token(directory):
    client = Client(enforce_csrf_checks=True)
    response = client.post(report_url(), {"kind": "other"})
    assert response.status_code == 403
    assert not ProblemReport.objects.exists()


def test_no_reports_for_drafts_or_unknown_entries(client, directory):
    assert client.get(report_url("gb-draft")).status_code == 404
    assert client.post(report_url("nope"), {"kind": "other"}).status_code == 404


def test_other_methods_are_refused(client, directory):
    assert client.put(report_url(), {"kind": "other"}).status_code == 405


def test_created_report_is_listed_in_the_admin(client, directory):
    client.post(report_url(), {"kind": "closed", "message": "No answer for a week."})
    admin = get_user_model().objects.create_superuser("curator", "c@example.org", "pw-123456789")
    client.force_login(admin)
    html = client.get(reverse("admin:resources_problemreport_changelist")).content.decode()
    assert "Samaritans" in html
    assert "The service has closed" in html
