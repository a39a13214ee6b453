from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from django_countries import countries


def _language_choices() -> list[tuple[str, str]]:
    # Each language in its own name: people look for the language they can read.
    return [(code, get_language_info(code)["name_local"]) for code in settings.LANGUAGE_CODES]


def _one_line(value: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


class InquiryForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        help_text=_("Optional. What should we call you?"),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We answer by email; we never share your address."),
    )
    country = forms.ChoiceField(
        label=_("Country you are in now"),
        help_text=_("So we can send you the right emergency numbers and crisis lines."),
    )
    preferred_language = forms.ChoiceField(label=_("Language for our reply"))
    message = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        min_length=2,
    )
    consent = forms.BooleanField(
        label=_("The concierge team may contact me by email about this message."),
        error_messages={"required": _("We can only answer if you agree to be contacted.")},
    )
    # Honeypot: hidden from people (CSS and aria-hidden); bots that fill every field are
    # thanked and dropped.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country")), *countries]
        self.fields["preferred_language"].choices = _language_choices()
        self.fields["preferred_language"].initial = get_language()
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data["name"])[:200]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        try:
            Address(addr_spec=email)
        except (ValueError, IndexError) as exc:
            raise forms.ValidationError(_("Enter a valid email address.")) from exc
        return email

    def to_rfc822(self) -> bytes:
        """The inquiry as an RFC 822 message, so the form takes the same raw-first path as mail."""
        data = self.cleaned_data
        message = EmailMessage()
        message["From"] = Address(display_name=data["name"], addr_spec=data["email"])
        message["To"] = settings.CONCIERGE_ADDRESS
        first_line = _one_line(data["message"].strip().splitlines()[0]) if data["message"] else ""
        message["Subject"] = first_line[:80] or str(_("Web form inquiry"))
        message["Date"] = format_datetime(timezone.now())
        message["Message-ID"] = make_msgid("form", domain=settings.CONCIERGE_MESSAGE_ID_DOMAIN)
        message["X-Hub-Source"] = "form"
        message["X-Hub-Country"] = data["country"]
        message["X-Hub-Language"] = data["preferred_language"]
        message["X-Hub-Consent"] = "yes"
        message.set_content(data["message"])
        message["Content-Language"] = data["preferred_language"]
        return message.as_bytes()
