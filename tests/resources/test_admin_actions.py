"""Bulk actions of the curators' admin and what they leave in the history."""

import datetime

import pytest
from django.contrib.admin import helpers
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from resources.models import ProblemReport, Resource, TranslationReview
from tests.factories import ProblemReportFactory, ResourceFactory, TranslationReviewFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:resources_resource_changelist")
TODAY = timezone.localdate()


def run_action(client, action: str, objects, url=CHANGELIST, **extra):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra}
    return client.post(url, data, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def latest_change(resource: Resource):
    return resource.history.order_by("-history_date", "-history_id").first()


@override_settings(RESOURCE_REVIEW_INTERVAL_DAYS=90)
def test_mark_verified_today_by_me(curator_client, curator):
    first, second = ResourceFactory(), ResourceFactory()
    untouched = ResourceFactory()
    response = run_action(curator_client, "mark_verified", [first, second])
    assert response.status_code == 200
    assert "2 entries marked verified by you; next review in 90 days." in messages_of(response)
    for resource in (first, second):
        resource.refresh_from_db()
        assert resource.verification == Resource.Verification.STAFF_VERIFIED
        assert resource.verified_by == curator
        assert timezone.localdate(resource.verified_at) == TODAY
        assert resource.next_review_due == TODAY + datetime.timedelta(days=90)
        change = latest_change(resource)
        assert change.history_user == curator
        assert change.history_change_reason == "Verified by staff"
    untouched.refresh_from_db()
    assert untouched.verified_by is None


def test_mark_verified_reports_entries_it_cannot_verify(curator_client):
    broken = ResourceFactory(name_en="Broken sources", additional_sources=["not a web address"])
    fine = ResourceFactory()
    response = run_action(curator_client, "mark_verified", [broken, fine])
    texts = messages_of(response)
    assert any(t.startswith("Broken sources was not changed:") for t in texts)
    assert "1 entry marked verified by you; next review in 180 days." in texts
    broken.refresh_from_db()
    assert broken.verified_at is None


@pytest.mark.parametrize("status", list(Resource.Status))
def test_set_status_keeps_the_entry(curator_client, curator, status):
    resource = ResourceFactory(status=Resource.Status.ACTIVE if status != "active" else "defunct")
    response = run_action(curator_client, f"set_status_{status.value}", [resource])
    assert f"Status of 1 entry set to “{status.label}”." in messages_of(response)
    resource.refresh_from_db()
    assert resource.status == status
    change = latest_change(resource)
    assert change.history_user == curator
    assert change.status == status
    assert change.prev_record.status != status


def test_schedule_review_asks_for_the_number_of_days(curator_client, curator):
    resource = ResourceFactory(next_review_due=None)
    form = run_action(curator_client, "schedule_review", [resource])
    assert form.templates[0].name == "admin/resources/action_form.html"
    assert 'name="days"' in form.content.decode()
    resource.refresh_from_db()
    assert resource.next_review_due is None

    invalid = run_action(curator_client, "schedule_review", [resource], apply="1", days="0")
    assert invalid.templates[0].name == "admin/resources/action_form.html"
    assert "greater than or equal to 1" in invalid.content.decode()

    done = run_action(curator_client, "schedule_review", [resource], apply="1", days="14")
    due = TODAY + datetime.timedelta(days=14)
    assert f"Review of 1 entry scheduled for {due.isoformat()}." in messages_of(done)
    resource.refresh_from_db()
    assert resource.next_review_due == due
    assert latest_change(resource).history_user == curator


def test_publish_needs_a_source_and_unpublish_returns_to_draft(curator_client, curator):
    sourced = ResourceFactory(publication=Resource.Publication.DRAFT)
    unsourced = ResourceFactory(
        name_en="No source yet", publication=Resource.Publication.DRAFT, source_url=""
    )
    response = run_action(curator_client, "publish", [sourced, unsourced])
    texts = messages_of(response)
    assert "1 entry set to “Published”." in texts
    assert any(t.startswith("No source yet was not changed:") for t in texts)
    sourced.refresh_from_db()
    unsourced.refresh_from_db()
    assert sourced.publication == Resource.Publication.PUBLISHED
    assert unsourced.publication == Resource.Publication.DRAFT

    run_action(curator_client, "unpublish", [sourced])
    sourced.refresh_from_db()
    assert sourced.publication == Resource.Publication.DRAFT
    assert latest_change(sourced).history_user == curator


def test_approve_translations(curator_client, curator):
    review = TranslationReviewFactory(language="de")
    resource = review.resource
    form = run_action(curator_client, "approve_translations", [resource])
    assert 'name="languages"' in form.content.decode()
    response = run_action(
        curator_client, "approve_translations", [resource], apply="1", languages=["de", "ja"]
    )
    assert "Translations (de, ja) of 1 entry approved." in messages_of(response)
    states = {r.language: r for r in TranslationReview.objects.filter(resource=resource)}
    assert set(states) == {"de", "ja"}
    assert all(r.state == TranslationReview.State.REVIEWED for r in states.values())
    assert all(r.reviewed_by == curator and r.reviewed_at for r in states.values())


def test_problem_reports_list_shows_open_ones_and_resolves_them(curator_client, curator):
    open_report = ProblemReportFactory(resource__name_en="Line with a wrong number")
    done = ProblemReportFactory(
        status=ProblemReport.Status.RESOLVED, resolved_at=timezone.now(), message="old report"
    )
    url = reverse("admin:resources_problemreport_changelist")
    listing = curator_client.get(url)
    assert list(listing.context["cl"].result_list) == [open_report]
    resource_url = reverse("admin:resources_resource_change", args=[open_report.resource_id])
    assert f'<a href="{resource_url}">Line with a wrong number</a>' in listing.content.decode()
    assert list(curator_client.get(url, {"status": "resolved"}).context["cl"].result_list) == [done]

    response = run_action(curator_client, "mark_resolved", [open_report], url=url)
    assert "1 report marked resolved." in messages_of(response)
    open_report.refresh_from_db()
    assert open_report.status == ProblemReport.Status.RESOLVED
    assert open_report.resolved_by == curator
    assert open_report.resolved_at is not None
    assert list(curator_client.get(url).context["cl"].result_list) == []


def test_resource_page_links_to_its_open_reports(curator_client):
    report = ProblemReportFactory()
    ProblemReportFactory(resource=report.resource, status="resolved", resolved_at=timezone.now())
    ProblemReportFactory()
    page = curator_client.get(
        reverse("admin:resources_resource_change", args=[report.resource_id])
    ).content.decode()
    link = f"{reverse('admin:resources_problemreport_changelist')}?resource__id__exact="
    assert f'<a href="{link}{report.resource_id}">1</a>' in page
    listing = curator_client.get(f"{link}{report.resource_id}")
    assert list(listing.context["cl"].result_list) == [report]


def test_curator_cannot_add_problem_reports(curator_client):
    assert curator_client.get(reverse("admin:resources_problemreport_add")).status_code == 403
