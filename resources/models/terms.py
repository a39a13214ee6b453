import hashlib
import unicodedata

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


def slug_for(name: str, *, prefix: str) -> str:
    """A non-empty ASCII slug: slugify, then an accent-stripped form, then a stable hash.

    Names in non-Latin scripts (撒瑪利亞會, কান পেতে রই) slugify to nothing; a hash of the
    name keeps the slug stable across imports, where a database id would not be known yet.
    """
    slug = slugify(name)
    if not slug:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        slug = slugify(ascii_name)
    if not slug:
        slug = f"{prefix}-{hashlib.sha256(name.encode()).hexdigest()[:10]}"
    return slug[:80].strip("-")


class Term(models.Model):
    """A lookup value with a stable slug and a translated label."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.label or self.slug


class Topic(Term):
    class Meta(Term.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Audience(Term):
    class Meta(Term.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")


class Language(models.Model):
    """A language a service works in, as a BCP 47 tag (`en`, `pt-BR`, `yue`)."""

    code = models.CharField(_("BCP 47 code"), max_length=20, unique=True)
    label = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.label or self.code

    @property
    def primary_subtag(self) -> str:
        return self.code.split("-")[0].lower()


class Organization(models.Model):
    """The operator of one or more resources, as named by the sources."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(slug=""), name="organization_slug_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slug_for(self.name, prefix="org")
        super().save(*args, **kwargs)
