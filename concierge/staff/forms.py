from django import forms
from django.utils.translation import gettext_lazy as _

from concierge.access import concierge_users
from concierge.models import SavedReply, Tag, Ticket

MAX_BODY = 50_000
# Largest primary key a 64-bit integer column holds (SQLite INTEGER, PostgreSQL bigint).
MAX_ID = 2**63 - 1


def plain_newlines(text: str) -> str:
    """Browsers post textareas with CRLF; store LF (mail transport adds CRLF itself)."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes of objects by id, where an id beyond the database's range is an invalid choice.

    Django checks each id with an exact lookup (which handles overflow) but then queries
    `pk__in`, which does not: SQLite raises OverflowError and PostgreSQL a DataError, a 500.
    """

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # Django reports it as an invalid id.
            if not -MAX_ID <= number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class ReplyForm(forms.Form):
    SEND = "send"
    INSERT_SAVED = "insert_saved"
    INSERT_RESOURCES = "insert_resources"

    body = forms.CharField(
        label=_("Reply to the requester"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        max_length=MAX_BODY,
    )
    status_after = forms.ChoiceField(
        label=_("Then set the status to"),
        choices=[
            (Ticket.Status.WAITING, Ticket.Status.WAITING.label),
            (Ticket.Status.OPEN, Ticket.Status.OPEN.label),
            (Ticket.Status.RESOLVED, Ticket.Status.RESOLVED.label),
        ],
        initial=Ticket.Status.WAITING,
        required=False,
    )
    saved_reply = forms.ModelChoiceField(
        label=_("Saved reply"),
        queryset=SavedReply.objects.none(),
        required=False,
        empty_label=_("Choose a saved reply"),
    )
    resources = IdMultipleChoiceField(
        label=_("Vetted resources"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    last_message_id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    confirm_newer = forms.BooleanField(
        label=_("I have read the newer messages; send my reply anyway"), required=False
    )
    # Set by the button pressed (never rendered as a field); sending is the default.
    action = forms.ChoiceField(
        choices=[(SEND, SEND), (INSERT_SAVED, INSERT_SAVED), (INSERT_RESOURCES, INSERT_RESOURCES)],
        required=False,
    )

    def __init__(self, *args, saved_replies, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved_reply"].queryset = saved_replies
        self.fields["saved_reply"].label_from_instance = lambda reply: (
            f"{reply.title} ({reply.get_language_display()})"
        )
        self.fields["resources"].queryset = resources
        self.fields["resources"].label_from_instance = lambda resource: (
            f"{resource.name} ({resource.get_type_display()})"
        )
        self.ask_confirmation = False

    def clean_body(self) -> str:
        return plain_newlines(self.cleaned_data["body"])

    def clean(self):
        cleaned = super().clean()
        action = cleaned["action"] = cleaned.get("action") or self.SEND
        cleaned["status_after"] = cleaned.get("status_after") or Ticket.Status.WAITING
        if action == self.SEND and not (cleaned.get("body") or "").strip():
            self.add_error("body", _("Write a reply before sending it."))
        if action == self.INSERT_SAVED and not cleaned.get("saved_reply"):
            self.add_error("saved_reply", _("Choose a saved reply to insert."))
        if action == self.INSERT_RESOURCES and not cleaned.get("resources"):
            self.add_error("resources", _("Choose at least one resource to insert."))
        return cleaned


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note (never sent to the requester)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_BODY,
    )

    def clean_body(self) -> str:
        return plain_newlines(self.cleaned_data["body"])


class TicketUpdateForm(forms.Form):
    """Fields left out of the POST stay as they are, so small forms can change one thing."""

    assignee = forms.ModelChoiceField(
        label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody")
    )
    status = forms.ChoiceField(label=_("Status"), choices=Ticket.Status.choices, required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Ticket.Priority.choices, required=False
    )
    tags = IdMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_tags = forms.CharField(
        label=_("New tags"),
        required=False,
        max_length=300,
        help_text=_("Separate tags with commas."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = concierge_users()
        self.fields["assignee"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def clean_new_tags(self) -> list[str]:
        names = [name.strip() for name in self.cleaned_data["new_tags"].split(",")]
        names = [name for name in names if name]
        if any(len(name) > 60 for name in names):
            raise forms.ValidationError(_("A tag can be at most 60 characters long."))
        return names


class MergeForm(forms.Form):
    target = forms.CharField(
        label=_("Merge this ticket into"),
        max_length=20,
        help_text=_("Reference of the ticket to keep, e.g. BL-000123."),
    )
    allow_other_requester = forms.BooleanField(
        label=_("Merge even though the requesters differ"), required=False
    )

    def __init__(self, *args, source: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    def clean_target(self) -> Ticket:
        reference = self.cleaned_data["target"]
        target = Ticket.objects.by_reference(reference).select_related("requester").first()
        if target is None:
            raise forms.ValidationError(
                _("There is no ticket %(reference)s."), params={"reference": reference}
            )
        if target.pk == self.source.pk:
            raise forms.ValidationError(_("A ticket cannot be merged into itself."))
        return target


class EraseForm(forms.Form):
    confirm_email = forms.EmailField(
        label=_("Type the requester's email address to confirm"), max_length=254
    )

    def __init__(self, *args, requester, **kwargs):
        super().__init__(*args, **kwargs)
        self.requester = requester

    def clean_confirm_email(self) -> str:
        value = self.cleaned_data["confirm_email"]
        if value.strip().lower() != self.requester.email.lower():
            raise forms.ValidationError(_("That is not this requester's email address."))
        return value
