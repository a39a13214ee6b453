"""Crisis rules: multilingual matching, escalation on intake, and the crisis panel."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError

from concierge.crisis import active_rules, match_text, normalise
from concierge.models import AccessLog, CrisisRule, InboundMessage, Message, Ticket
from tests.concierge.conftest import make_email
from tests.concierge.staff_factories import (
    concierge_user,
    load_country,
    login,
    shared_emergency_numbers,
    shared_resources,
    staff_url,
)

pytestmark = pytest.mark.django_db

# One sentence per shipped language, written the way people write, not the way rules are.
CRISIS_SENTENCES = {
    "en": "Honestly I keep thinking I want to KILL MYSELF after the tour.",
    "es": "Desde hace semanas pienso en suicidarme.",
    "pt-br": "Eu NÃO QUERO MAIS VIVER, não aguento mais.",
    "fr": "Je pense à mettre fin à mes jours.",
    "de": "Ich will mich umbringen, ich kann nicht mehr.",
    "it": "Ogni notte penso di togliermi la vita.",
    "nl": "Ik wil niet meer leven na deze tour.",
    "sv": "Jag orkar inte leva längre.",
    "pl": "Myślę o tym, żeby odebrać sobie życie.",
    "tr": "Artık yaşamak istemiyorum.",
    "ar": "أُرِيدُ أَنْ أَمُوتَ ولا أعرف لمن أتحدث",
    "hi": "मैं अब और नहीं जी सकता, मैं मरना चाहता हूँ।",
    "id": "Saya sudah berpikir untuk bunuh diri.",
    "ja": "最近ずっと死にたいと思っています。",
    "ko": "요즘 너무 힘들어서 죽고싶어요.",
    "zh-hans": "我真的不想活了。",
}

HARMLESS = [
    "The crowd was killing it tonight and the band killed the encore.",
    "I want to end my contract with the label early.",
    "Can you recommend a therapist for performance anxiety in Berlin?",
    "ツアーの後でとても疲れています。",
    "أحتاج إلى طبيب نفسي في دبي",
    "저는 공연 불안 때문에 상담을 받고 싶어요.",
    "我需要找一位心理咨询师。",
    "मुझे चिंता के लिए किसी से बात करनी है।",
]


def test_every_shipped_language_has_rules():
    languages = set(CrisisRule.objects.active().values_list("language", flat=True))
    assert languages == set(settings.LANGUAGE_CODES)


def test_shipped_rules_contain_no_phone_numbers():
    for phrase in CrisisRule.objects.values_list("phrase", flat=True):
        assert not any(ch.isdigit() for ch in phrase), phrase


@pytest.mark.parametrize(("language", "sentence"), sorted(CRISIS_SENTENCES.items()))
def test_crisis_sentences_match_in_every_language(language, sentence):
    match = match_text(sentence, active_rules(), prefer_language=language)
    assert match is not None, sentence
    assert CrisisRule.objects.get(pk=match.rule_id).language == language


@pytest.mark.parametrize("sentence", HARMLESS)
def test_ordinary_requests_do_not_match(sentence):
    assert match_text(sentence, active_rules()) is None


def test_normalisation_folds_case_accents_widths_and_arabic_marks():
    assert normalise("SUICÍDIO") == normalise("suicidio")
    assert normalise("ｓｕｉｃｉｄｅ") == "suicide"
    assert normalise("أَمُوتُ") == normalise("اموت")
    assert normalise("ख़ुदकुशी") == normalise("खुदकुशी")
    assert normalise("KENDİMİ") == "kendimi"
    assert normalise("don’t  want") == "don't want"


def test_word_boundaries_apply_to_spaced_scripts_only():
    CrisisRule.objects.all().delete()
    CrisisRule.objects.create(language="en", phrase="overdose")
    CrisisRule.objects.create(language="ar", phrase="انتحار")
    CrisisRule.objects.create(language="ja", phrase="死にたい")
    rules = active_rules()
    assert match_text("I took an overdose", rules)
    assert match_text("overdosed", rules) is None  # no trailing * on the rule
    assert match_text("الانتحار", rules)  # the article is attached to the word
    assert match_text("もう死にたいです", rules)


def test_rules_edited_in_the_admin_apply_at_once():
    assert match_text("I feel hopeless and alone", active_rules()) is None
    rule = CrisisRule.objects.create(language="en", phrase="hopeless*")
    assert match_text("I feel hopeless and alone", active_rules()).rule_id == rule.pk
    rule.is_active = False
    rule.save()
    assert match_text("I feel hopeless and alone", active_rules()) is None


def test_rule_validation():
    with pytest.raises(ValidationError):
        CrisisRule(language="en", phrase="  * ").full_clean()
    with pytest.raises(ValidationError):
        CrisisRule(language="en", phrase="kill*self").full_clean()
    CrisisRule(language="en", phrase="kill my*").full_clean()


# -- on intake -------------------------------------------------------------------------------


def test_crisis_email_becomes_urgent_with_the_rule_recorded_and_staff_alerted_by_link(ingest):
    member = concierge_user(email="oncall@staff.example")
    mail.outbox.clear()
    inbound = ingest(
        make_email(
            sender="Kenji <kenji@example.jp>",
            subject="助けてください",
            body="最近ずっと死にたいと思っています。",
        )
    )
    ticket = inbound.ticket
    assert ticket.priority == Ticket.Priority.URGENT
    assert ticket.is_crisis and ticket.crisis_matched_at
    rule = CrisisRule.objects.get(pk=ticket.crisis_match["rule_id"])
    assert rule.language == "ja" and ticket.crisis_match["phrase"] == rule.phrase
    assert ticket.crisis_match["message_id"] == inbound.message.pk
    hours = settings.CONCIERGE_FIRST_RESPONSE_HOURS["urgent"]
    assert (ticket.first_response_due - ticket.created_at).total_seconds() == pytest.approx(
        hours * 3600, abs=5
    )
    assert ticket.events.filter(kind="crisis_flagged", data__to="urgent").exists()
    assert AccessLog.objects.filter(action="crisis_flagged", ticket_id=ticket.pk).exists()
    # Only the acknowledgement goes to the requester; staff get a link, never the words.
    to_requester = [m for m in mail.outbox if "kenji@example.jp" in m.to]
    assert len(to_requester) == 1
    assert to_requester[0].extra_headers.get("Auto-Submitted") == "auto-replied"
    alerts = [m for m in mail.outbox if member.email in m.to]
    assert len(alerts) == 1
    alert = alerts[0]
    assert ticket.reference in alert.subject
    assert staff_url("ticket", ticket.reference) in alert.body
    for private in ("死にたい", "助けてください", "kenji@example.jp", "Kenji"):
        assert private not in alert.subject and private not in alert.body


def test_the_web_form_in_korean_escalates_too(client, django_capture_on_commit_callbacks):
    from django.urls import reverse
    from django.utils import translation

    with translation.override("ko"):
        url = reverse("concierge:inquiry")
    data = {
        "name": "민준",
        "email": "minjun@example.kr",
        "country": "KR",
        "preferred_language": "ko",
        "message": "투어 중인데 요즘 너무 힘들어서 죽고 싶어요.",
        "consent": "on",
        "website": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    ticket = Ticket.objects.get(requester__email="minjun@example.kr")
    assert ticket.source == Ticket.Source.FORM
    assert ticket.priority == Ticket.Priority.URGENT and ticket.is_crisis
    assert ticket.crisis_match["language"] == "ko"


def test_a_later_message_on_the_ticket_can_escalate_it(ingest):
    inbound = ingest(
        make_email(body="Hi, I'm looking for a therapist.", message_id="<a.1@example.org>")
    )
    ticket = inbound.ticket
    assert ticket.priority == Ticket.Priority.NORMAL and not ticket.is_crisis
    ingest(
        make_email(
            subject="Re: I need someone to talk to",
            body="Actually things got worse. Ik wil dood.",
            headers={"In-Reply-To": "<a.1@example.org>"},
        )
    )
    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.URGENT and ticket.is_crisis
    assert ticket.crisis_match["language"] == "nl"


def test_quoted_text_and_automatic_replies_do_not_trigger(ingest):
    inbound = ingest(make_email(body="Do you know a counsellor in Madrid?"))
    ticket = inbound.ticket
    ack = ticket.messages.get(kind=Message.Kind.ACKNOWLEDGEMENT)
    quoting = make_email(
        subject="Re: We received your message",
        body=(
            "Thanks, that helps.\n\nOn Tue, 1 Dec 2026 at 10:00, Backline wrote:\n"
            "> If you are thinking about suicide, call a crisis line now.\n"
        ),
        headers={"In-Reply-To": f"<{ack.message_id}>"},
    )
    ingest(quoting)
    out_of_office = make_email(
        subject="Automatic reply",
        body="I am away. If you are thinking about suicide call your local line.",
        headers={"Auto-Submitted": "auto-replied", "In-Reply-To": f"<{ack.message_id}>"},
    )
    ingest(out_of_office)
    ticket.refresh_from_db()
    assert ticket.messages.filter(direction="inbound").count() == 3
    assert not ticket.is_crisis and ticket.priority == Ticket.Priority.NORMAL


def test_a_failing_crisis_check_never_loses_the_message(ingest, monkeypatch):
    import concierge.services

    def broken(**kwargs):
        raise RuntimeError("rule engine down")

    monkeypatch.setattr(concierge.services, "ticket_check_crisis", broken)
    inbound = ingest(make_email(body="I want to kill myself"))
    assert inbound.state == InboundMessage.State.PROCESSED
    assert inbound.ticket.messages.filter(direction="inbound").count() == 1


# -- crisis panel ----------------------------------------------------------------------------


def test_crisis_panel_shows_the_countrys_emergency_numbers_and_24_7_lines(client, ingest):
    load_country("GB")
    inbound = ingest(make_email(body="I want to end my life."))
    ticket = inbound.ticket
    ticket.requester.country = "GB"
    ticket.requester.save()
    login(client, concierge_user())
    html = client.get(staff_url("ticket", ticket.reference)).content.decode()
    panel = html.split('class="crisis-panel"')[1].split("</section>")[0]
    for number in shared_emergency_numbers()["GB"]["general"]:
        assert f'<bdi dir="ltr" class="number">{number}</bdi>' in panel
    always_open = [
        (row["name"], channel["value"])
        for row in shared_resources()
        if row["country"] == "GB" and row["type"] == "crisis_line"
        for channel in row["channels"]
        if channel["hours"] == "24/7"
    ]
    assert always_open
    for name, value in always_open:
        assert name in panel and value in panel
    assert "Nothing has been sent to the requester except the acknowledgement." in panel


def test_no_crisis_panel_without_a_match_and_a_clear_note_without_data(client, ingest):
    login(client, concierge_user())
    calm = ingest(make_email(body="Looking for a support group.")).ticket
    assert (
        'class="crisis-panel"'
        not in client.get(staff_url("ticket", calm.reference)).content.decode()
    )
    urgent = ingest(make_email(sender="x@example.org", body="I want to die")).ticket
    urgent.requester.country = "FJ"
    urgent.requester.save()
    html = client.get(staff_url("ticket", urgent.reference)).content.decode()
    assert "The directory has no emergency number for this country yet." in html
