"""Storing a service's channels: service_at_locations, their phones, contacts, locations,
languages and weekly schedules become the Hub's channels and opening periods."""

import datetime
from collections import Counter

from resources.hsds import vocabulary as v
from resources.hsds.dataset import HsdsError
from resources.models import Channel, OpeningPeriod, Resource
from resources.services import assign

CHANGE_REASON = "HSDS import"


def _time(value: str, where: str, name: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat(value)
    except ValueError as exc:
        raise HsdsError(f"{where}: “{name}” {value!r} is not a time (HH:MM:SS).") from exc


class ChannelImport:
    """Part of the importer (resources.hsds.importer._Import), which provides `data`,
    `report`, `where` and the attribute, text and saving helpers used here."""

    def channels(self, resource: Resource, row: dict) -> bool:
        existing, seen = {}, Counter()
        for channel in resource.channels.all() if resource.pk else []:
            key = (channel.kind, channel.value)
            channel_id = v.channel_id(resource.slug, *key, seen[key])
            existing[v.hsds_id(channel_id, "service_at_location")] = channel
            seen[key] += 1
        changed, last = False, -1
        for sal in self.data.children("service_at_location", "service_id", row["id"]):
            channel = existing.pop(sal["id"], None)
            # Keep curators' order numbers while they still give the file's order.
            last = channel.order if channel and channel.order > last else last + 1
            changed |= self.channel(resource, sal, channel, last)
        for channel in existing.values():
            channel._change_reason = CHANGE_REASON
            channel.delete()
            self.report.removed["channels"] += 1
            changed = True
        return changed

    def channel(self, resource: Resource, sal: dict, channel: Channel | None, order: int) -> bool:
        where = self.where
        self.where = f"{where}, service_at_location {sal['id']}"
        attributes = self.attributes("service_at_location", sal["id"])
        kind = self.one(attributes, "contact_method", Channel.Kind.values)
        location = self.data.get("location", sal.get("location_id")) or {}
        phones = self.data.children("phone", "service_at_location_id", sal["id"])
        phone = phones[0] if phones else {}
        phone_fields = self.attributes("phone", phone["id"]) if phone else {}
        if kind in Channel.DIALLED:
            value = phone.get("number", "")
        elif kind == Channel.Kind.EMAIL:
            contacts = self.data.children("contact", "service_at_location_id", sal["id"])
            value = contacts[0].get("email", "") if contacts else ""
        else:
            value = location.get("url") or location.get("description", "")
        if not value:
            raise HsdsError(f"{self.where}: no number or address for this {kind} channel.")
        languages = self.data.children("language", "location_id", location.get("id", ""))
        if phone:
            languages = languages + self.data.children("language", "phone_id", phone["id"])
        is_24_7, periods, hours_text, timezone = self.hours(sal["id"])
        cost_note = self.values(attributes, "cost_note")
        sources = self.values(attributes, "source")
        values = {
            "kind": kind,
            "value": value,
            "e164": (self.values(phone_fields, "e164") or [""])[0],
            "is_short_code": self.values(phone_fields, "short_code") == ["true"],
            "is_24_7": is_24_7,
            "hours_text": hours_text,
            "timezone": "" if timezone == resource.timezone else timezone,
            "source_url": sources[0] if sources else "",
            "order": order,
        }
        texts = {"notes": sal.get("description"), "cost_note": cost_note[0] if cost_note else ""}
        created = channel is None
        channel = channel or Channel(resource=resource)
        changed = assign(channel, values)
        changed |= self.set_texts(channel, texts)
        if created or changed:
            self.save(channel, "the channel", created=created)
        wanted = {self.language_object(language).pk: None for language in languages}
        if set(wanted) != {language.pk for language in channel.languages.all()}:
            channel.languages.set(list(wanted))
            changed = True
        changed |= self.sync_periods(channel, periods)
        self.report.count("channels", created=created, changed=changed)
        self.where = where
        return changed or created

    def hours(self, sal_id: str) -> tuple[bool, set, str, str]:
        is_24_7, periods, hours_text, timezones = False, set(), "", set()
        for schedule in self.data.children("schedule", "service_at_location_id", sal_id):
            where = f"{self.where}, schedule {schedule['id']}"
            hours_text = hours_text or schedule.get("description", "")
            if "opens_at" not in schedule and "closes_at" not in schedule:
                continue
            unsupported = [
                name
                for name in ("valid_from", "valid_to", "dtstart", "until", "count", "byweekno",
                             "bymonthday", "byyearday")
                if name in schedule
            ]  # fmt: skip
            if schedule.get("freq", "WEEKLY") != "WEEKLY" or schedule.get("interval", 1) != 1:
                unsupported.append("a frequency other than every week")
            if unsupported:
                raise HsdsError(
                    f"{where}: the Hub stores weekly hours only; cannot store "
                    f"{', '.join(unsupported)}."
                )
            if "opens_at" not in schedule or "closes_at" not in schedule or "byday" not in schedule:
                raise HsdsError(f"{where}: weekly hours need byday, opens_at and closes_at.")
            days = [day.strip() for day in schedule["byday"].split(",")]
            if not set(days) <= set(v.BYDAY):
                raise HsdsError(f"{where}: byday {schedule['byday']!r} is not a list of MO…SU.")
            opens = _time(schedule["opens_at"], where, "opens_at")
            closes = _time(schedule["closes_at"], where, "closes_at")
            timezones.update(self.values(self.attributes("schedule", schedule["id"]), "timezone"))
            if len(set(days)) == 7 and (schedule["opens_at"], schedule["closes_at"]) == v.ALL_DAY:
                is_24_7 = True
                continue
            if opens == closes:
                raise HsdsError(f"{where}: opens and closes at the same time.")
            for day in days:
                periods.add((v.BYDAY.index(day), opens, closes))
        if len(timezones) > 1:
            raise HsdsError(f"{self.where}: hours in several time zones {sorted(timezones)}.")
        starts = Counter((day, opens) for day, opens, _closes in periods)
        if any(count > 1 for count in starts.values()):
            raise HsdsError(f"{self.where}: two periods start on the same day at the same time.")
        return is_24_7, periods, hours_text, timezones.pop() if timezones else ""

    def sync_periods(self, channel: Channel, wanted: set) -> bool:
        current = {(p.weekday, p.opens, p.closes): p for p in channel.opening_periods.all()}
        if set(current) == wanted:
            return False
        for key, period in current.items():
            if key not in wanted:
                period._change_reason = CHANGE_REASON
                period.delete()
        for weekday, opens, closes in sorted(wanted - set(current)):
            period = OpeningPeriod(channel=channel, weekday=weekday, opens=opens, closes=closes)
            period._change_reason = CHANGE_REASON
            period.save()
        return True
