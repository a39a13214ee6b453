"""Checks that help curators: hard errors block a save, doubts become stored warnings.

`phonenumbers` does not know every real national short code (ES 061, CO 125…), so a dial
string it rejects is a warning, never a block; only things that would make a link or the
data plainly wrong (a malformed E.164 form, a missing source, a bad URL) block.
"""

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _
from phonenumbers import shortnumberinfo

url_validator = URLValidator(schemes=["http", "https"])
email_validator = EmailValidator()


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(value: str) -> None:
    if not value:
        return
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone such as Europe/Berlin."),
            code="invalid_timezone",
            params={"value": value},
        ) from exc
    if value not in _zones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone such as Europe/Berlin."),
            code="invalid_timezone",
            params={"value": value},
        )


def validate_source_list(urls, field: str) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}
    if not isinstance(urls, list):
        return {field: [ValidationError(_("Enter a list of URLs."), code="invalid")]}
    for url in urls:
        try:
            url_validator(url)
        except ValidationError:
            errors.setdefault(field, []).append(
                ValidationError(_("“%(url)s” is not a valid web address."), params={"url": url})
            )
    return errors


def dial_string_warnings(
    value: str, region: str | None, *, is_short_code: bool, e164: str = ""
) -> list[str]:
    """What phonenumbers doubts about a dial string (never a reason to refuse it)."""
    warnings: list[str] = []
    if not region:
        return [_("No country to check this number against.")]
    digits = "".join(ch for ch in value if ch.isdigit())
    if is_short_code:
        if not shortnumberinfo.is_valid_short_number_for_region(
            phonenumbers.parse(digits or "0", region), region
        ):
            warnings.append(
                _("phonenumbers does not know the short code %(value)s in %(region)s.")
                % {"value": value, "region": region}
            )
        return warnings
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return [_("phonenumbers cannot read “%(value)s”.") % {"value": value}]
    if not phonenumbers.is_valid_number(parsed):
        warnings.append(
            _("phonenumbers does not consider %(value)s a valid number in %(region)s.")
            % {"value": value, "region": region}
        )
    elif e164 and phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) != e164:
        warnings.append(
            _("The E.164 form %(e164)s does not match the published number %(value)s.")
            % {"e164": e164, "value": value}
        )
    if e164:
        e164_region = phonenumbers.region_code_for_number(phonenumbers.parse(e164))
        if e164_region and e164_region != region:
            warnings.append(
                _("The E.164 number belongs to %(other)s, not %(region)s.")
                % {"other": e164_region, "region": region}
            )
    return warnings


def validate_channel(channel) -> list[str]:
    """Raise ValidationError for what must not be saved; return warnings for the rest."""
    errors: dict[str, list[ValidationError]] = {}
    value = (channel.value or "").strip()
    resource = channel.resource if channel.resource_id else None
    if channel.is_dialled:
        if channel.e164:
            try:
                parsed = phonenumbers.parse(channel.e164)
                if not channel.e164.startswith("+") or " " in channel.e164:
                    raise phonenumbers.NumberParseException(0, "not E.164")
            except phonenumbers.NumberParseException:
                errors["e164"] = [
                    ValidationError(_("Enter the number as +, country code and digits only."))
                ]
            else:
                if not phonenumbers.is_possible_number(parsed):
                    errors["e164"] = [ValidationError(_("This is not a possible phone number."))]
        if channel.is_short_code and channel.e164:
            errors.setdefault("e164", []).append(
                ValidationError(_("A short code has no international form; leave E.164 empty."))
            )
        if not channel.source_url and not (resource and resource.source_url):
            errors["source_url"] = [
                ValidationError(_("Every number needs a source: give one here or on the resource."))
            ]
    elif channel.kind in ("web", "chat"):
        try:
            url_validator(value)
        except ValidationError:
            if channel.kind == "web":
                errors["value"] = [
                    ValidationError(_("Enter a web address starting with https://."))
                ]
    elif channel.kind == "email":
        try:
            email_validator(value)
        except ValidationError:
            errors["value"] = [ValidationError(_("Enter a valid email address."))]
    if errors:
        raise ValidationError(errors)
    if not channel.is_dialled:
        return []
    region = resource.country_id if resource else None
    return dial_string_warnings(
        value,
        str(region) if region else None,
        is_short_code=channel.is_short_code,
        e164=channel.e164,
    )


def validate_resource(resource) -> None:
    errors = validate_source_list(resource.additional_sources, "additional_sources")
    if not resource.country_id and not resource.is_international:
        errors["country"] = [
            ValidationError(_("Choose a country, or mark the resource as international."))
        ]
    if resource.publication == resource.Publication.PUBLISHED and not resource.source_url:
        errors["source_url"] = [ValidationError(_("A published resource needs a source."))]
    if resource.verification == resource.Verification.STAFF_VERIFIED and not resource.verified_at:
        errors["verified_at"] = [ValidationError(_("Give the date it was verified."))]
    if errors:
        raise ValidationError(errors)


def validate_emergency_number(number) -> None:
    errors = validate_source_list(number.additional_sources, "additional_sources")
    if not any(ch.isdigit() for ch in number.number):
        errors["number"] = [ValidationError(_("An emergency number needs digits."))]
    if errors:
        raise ValidationError(errors)


def is_emergency_number(number: str, region: str) -> bool:
    return shortnumberinfo.is_emergency_number(number, region)
