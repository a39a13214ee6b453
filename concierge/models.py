"""Concierge: requesters, tickets, their messages, and the raw mail they came from."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

REFERENCE_PREFIX = "BL-"


def private_storage():
    """Attachments live on a storage that is never served publicly (STORAGES["private"])."""
    return storages["private"]


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    # The original name is kept in `filename`; the stored name reveals nothing.
    return f"concierge/{instance.sha256[:2]}/{instance.sha256}"


class Requester(models.Model):
    email = models.EmailField(_("email address"), max_length=254)
    name = models.CharField(_("name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    country = CountryField(_("country"), blank=True)
    email_failing_since = models.DateTimeField(
        _("email failing since"),
        null=True,
        blank=True,
        help_text=_("Set when mail to this address bounced; cleared when they write again."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("requester")
        verbose_name_plural = _("requesters")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="concierge_requester_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"Requester #{self.pk}"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TicketQuerySet(models.QuerySet):
    def open(self):
        """Tickets someone still has to act on."""
        return self.exclude(status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])

    def by_reference(self, reference: str):
        """Match `BL-000123` (any case, with or without leading zeros)."""
        number = reference.strip().upper().removeprefix(REFERENCE_PREFIX)
        if not number.isdigit():
            return self.none()
        return self.filter(pk=int(number))


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting on requester")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Priority(models.TextChoices):
        URGENT = "urgent", _("Urgent")
        HIGH = "high", _("High")
        NORMAL = "normal", _("Normal")
        LOW = "low", _("Low")

    class Source(models.TextChoices):
        EMAIL = "email", _("Email")
        IMAP = "imap", _("IMAP mailbox")
        WEBHOOK = "webhook", _("Inbound webhook")
        FORM = "form", _("Web form")
        STAFF = "staff", _("Staff")

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    requester = models.ForeignKey(
        Requester, models.CASCADE, related_name="tickets", verbose_name=_("requester")
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="concierge_tickets",
        verbose_name=_("assignee"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets", verbose_name=_("tags"))
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    # Triage (issue 6): the first-response clock stops while we wait on the requester.
    sla_paused_at = models.DateTimeField(_("response clock paused at"), null=True, blank=True)
    sla_paused_seconds = models.PositiveIntegerField(
        _("response clock paused for (seconds)"), default=0
    )
    is_crisis = models.BooleanField(_("crisis"), default=False)
    crisis_matched_at = models.DateTimeField(_("crisis matched at"), null=True, blank=True)
    crisis_match = models.JSONField(
        _("crisis match"),
        null=True,
        blank=True,
        help_text=_("Which crisis rule matched, and on what."),
    )
    merged_into = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_tickets",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "priority", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")),
                name="concierge_ticket_not_merged_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"Ticket #{self.pk}"

    def save(self, *args, **kwargs):
        # The reference is derived from the database sequence, so two concurrent
        # inserts can never get the same number; it is filled in right after insert.
        super().save(*args, **kwargs)
        if not self.reference:
            self.reference = f"{REFERENCE_PREFIX}{self.pk:06d}"
            type(self).objects.filter(pk=self.pk).update(reference=self.reference)

    def get_absolute_url(self) -> str:
        return reverse("admin:concierge_ticket_change", args=[self.pk])

    @property
    def subject_token(self) -> str:
        return f"[{self.reference}]"


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")
        NOTE = "note", _("Internal note")

    class Kind(models.TextChoices):
        NORMAL = "normal", _("Normal")
        AUTO_REPLY = "auto_reply", _("Automatic reply")
        BOUNCE = "bounce", _("Bounce")
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")

    ticket = models.ForeignKey(
        Ticket, models.CASCADE, related_name="messages", verbose_name=_("ticket")
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NORMAL)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="concierge_messages",
        verbose_name=_("author"),
    )
    from_address = models.CharField(_("from"), max_length=320, blank=True)
    from_name = models.CharField(_("from name"), max_length=200, blank=True)
    to_addresses = models.TextField(_("to"), blank=True)
    cc_addresses = models.TextField(_("cc"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text body"), blank=True)
    body_html = models.TextField(
        _("HTML body"), blank=True, help_text=_("Sanitised with nh3 before it is stored.")
    )
    headers = models.JSONField(_("headers"), default=list, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, db_index=True)
    in_reply_to = models.TextField(_("In-Reply-To"), blank=True)
    references = models.TextField(_("References"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~models.Q(message_id=""),
                name="concierge_message_message_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Message #{self.pk} on {self.ticket_id}"

    @property
    def is_automatic(self) -> bool:
        return self.kind in {self.Kind.AUTO_REPLY, self.Kind.BOUNCE}


class Attachment(models.Model):
    message = models.ForeignKey(
        Message, models.CASCADE, related_name="attachments", verbose_name=_("message")
    )
    file = models.FileField(
        _("file"),
        storage=private_storage,
        upload_to=attachment_upload_to,
        max_length=200,
        blank=True,
    )
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(
        _("content type"), max_length=100, help_text=_("Sniffed from the bytes.")
    )
    declared_content_type = models.CharField(_("declared content type"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    is_inline = models.BooleanField(_("inline"), default=False)
    omitted_reason = models.CharField(
        _("not stored because"),
        max_length=200,
        blank=True,
        help_text=_("Set when the file was too large to keep; the raw message still has it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Attachment #{self.pk}"


class InboundMessageQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=InboundMessage.State.NEW)

    def quarantined(self):
        return self.filter(state=InboundMessage.State.QUARANTINED)


class InboundMessage(models.Model):
    """The raw bytes of every message that reached us, stored before anything else."""

    class Source(models.TextChoices):
        EMAIL = "email", _("Email (file or pipe)")
        IMAP = "imap", _("IMAP mailbox")
        WEBHOOK = "webhook", _("Inbound webhook")
        FORM = "form", _("Web form")

    class State(models.TextChoices):
        NEW = "new", _("New")
        PROCESSED = "processed", _("Processed")
        QUARANTINED = "quarantined", _("Quarantined")
        IGNORED = "ignored", _("Ignored")

    class Classification(models.TextChoices):
        NORMAL = "normal", _("Normal")
        AUTO_REPLY = "auto_reply", _("Automatic reply")
        BOUNCE = "bounce", _("Bounce")
        LIST = "list", _("Mailing list or bulk")

    raw = models.BinaryField(_("raw bytes"))
    raw_size = models.PositiveBigIntegerField(_("size in bytes"))
    is_truncated = models.BooleanField(
        _("truncated"),
        default=False,
        help_text=_("Only the header was kept because the message was over the size limit."),
    )
    sha256 = models.CharField(_("SHA-256 of the bytes"), max_length=64, db_index=True)
    header_message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, db_index=True)
    dedup_key = models.CharField(_("deduplication key"), max_length=100, unique=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.NEW, db_index=True
    )
    classification = models.CharField(
        _("classification"), max_length=12, choices=Classification.choices, blank=True
    )
    reason = models.TextField(_("reason or error"), blank=True)
    defects = models.JSONField(_("MIME defects"), default=list, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("processing attempts"), default=0)
    ticket = models.ForeignKey(
        Ticket,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("ticket"),
    )
    created_ticket = models.BooleanField(_("opened a new ticket"), default=False)
    message = models.OneToOneField(
        Message,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound",
        verbose_name=_("message"),
    )

    objects = InboundMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"Inbound #{self.pk} ({self.state})"


class TicketEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        MESSAGE_RECEIVED = "message_received", _("Message received")
        AUTOMATIC_RECEIVED = "automatic_received", _("Automatic reply or bounce received")
        ACKNOWLEDGEMENT_QUEUED = "ack_queued", _("Acknowledgement queued")
        EMAIL_SENT = "email_sent", _("Email sent")
        EMAIL_FAILED = "email_failed", _("Email failed")
        REPLY_QUEUED = "reply_queued", _("Reply queued")
        NOTE_ADDED = "note_added", _("Note added")
        STATUS_CHANGED = "status_changed", _("Status changed")
        PRIORITY_CHANGED = "priority_changed", _("Priority changed")
        ASSIGNED = "assigned", _("Assigned")
        TAGS_CHANGED = "tags_changed", _("Tags changed")
        CRISIS_FLAGGED = "crisis_flagged", _("Crisis flagged")
        MERGED = "merged", _("Merged")
        VIEWED = "viewed", _("Viewed")

    ticket = models.ForeignKey(
        Ticket, models.CASCADE, related_name="events", verbose_name=_("ticket")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="concierge_events",
        verbose_name=_("actor"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket_id}"


class OutboundEmailQuerySet(models.QuerySet):
    def due(self, now):
        """Queued mail whose next attempt time has come."""
        return self.filter(state=OutboundEmail.State.QUEUED, next_attempt_at__lte=now)


class OutboundEmail(models.Model):
    """One email to send, kept until it is sent; retried with backoff, never dropped."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
        REPLY = "reply", _("Reply")

    ticket = models.ForeignKey(
        Ticket, models.CASCADE, related_name="outbound_emails", verbose_name=_("ticket")
    )
    message = models.OneToOneField(
        Message, models.CASCADE, related_name="outbound_email", verbose_name=_("message")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_email = models.CharField(_("from"), max_length=320)
    to = models.JSONField(_("to"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    header_message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"],
                condition=models.Q(kind="acknowledgement"),
                name="concierge_one_acknowledgement_per_ticket",
            ),
        ]

    def __str__(self) -> str:
        return f"Outbound #{self.pk} ({self.state})"


# Triage workspace models (issue 6) live in their own module to keep this one short.
from concierge.triage_models import AccessLog, CrisisRule, SavedReply  # noqa: E402, F401
