"""The HSDS 3.0 tables: their fields, keys and how the JSON form nests them.

This is the column list the exporter writes and the importer accepts, transcribed from Open
Referral's tabular data package and JSON schemas for HSDS 3.0 ("Human Services Data
Specification: an Open Referral resource", https://openreferral.org/, CC BY-SA 4.0). The
schema files themselves are not part of the project: the tests read them from
`../shared/specs/hsds-3.0/` and check that this module still matches them field for field.
"""

from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "string"
    format: str = ""
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] = ()

    def descriptor(self) -> dict:
        """This field as a Frictionless Table Schema field."""
        descriptor: dict = {"name": self.name, "type": self.type}
        if self.format:
            descriptor["format"] = self.format
        constraints: dict = {"required": self.required, "unique": self.unique}
        if self.enum:
            constraints["enum"] = list(self.enum)
        descriptor["constraints"] = constraints
        return descriptor


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    fields: tuple[Field, ...]
    primary_key: str | None = None
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (field, table): always to that table's id
    nested: tuple[tuple[str, str, bool], ...] = ()  # JSON only: (key, table, is_array)

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {field.name: field for field in self.fields}

    @cached_property
    def nested_keys(self) -> dict[str, tuple[str, bool]]:
        return {key: (table, many) for key, table, many in self.nested}

    def descriptor(self) -> dict:
        """This table as a Frictionless tabular data resource."""
        schema: dict = {"fields": [field.descriptor() for field in self.fields]}
        if self.primary_key:
            schema["primaryKey"] = self.primary_key
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": name, "reference": {"resource": table, "fields": "id"}}
                for name, table in self.foreign_keys
            ]
        return {
            "name": self.name,
            "path": self.path,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": schema,
        }


def link_field(parent: str, key: str, child: str, many: bool) -> tuple[str, str]:
    """How a nested JSON object is tied to its parent in the tables.

    Returns (where, field): `("child", "service_id")` when the child row points at the parent,
    `("parent", "organization_id")` when the parent row points at the child.
    """
    if many:
        if child == "attribute":
            return "child", "link_id"
        if child == "metadata":
            return "child", "resource_id"
        return "child", f"{parent}_id"
    if key == "taxonomy_detail":
        return "parent", "taxonomy_id"
    return "parent", f"{key}_id"


TABLES = (
    Table(
        "organization",
        "organizations.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("name", required=True),
            Field("alternate_name"),
            Field("description", required=True),
            Field("email", format="email"),
            Field("website", format="uri"),
            Field("tax_status"),
            Field("tax_id"),
            Field("year_incorporated", type="number"),
            Field("legal_status"),
            Field("logo"),
            Field("uri", format="uri"),
            Field("parent_organization_id", format="uuid"),
        ),
        primary_key="id",
        foreign_keys=(),
        nested=(
            ("funding", "funding", True),
            ("contacts", "contact", True),
            ("phones", "phone", True),
            ("locations", "location", True),
            ("programs", "program", True),
            ("organization_identifiers", "organization_identifier", True),
            ("attributes", "attribute", True),
            ("metadata", "metadata", True),
        ),
    ),
    Table(
        "program",
        "programs.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("organization_id", format="uuid", required=True, unique=True),
            Field("name", required=True),
            Field("alternate_name"),
            Field("description", required=True),
        ),
        primary_key="id",
        foreign_keys=(("organization_id", "organization"),),
        nested=(("attributes", "attribute", True), ("metadata", "metadata", True)),
    ),
    Table(
        "service",
        "services.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("organization_id", format="uuid", required=True),
            Field("program_id", format="uuid"),
            Field("name", required=True),
            Field("alternate_name"),
            Field("description"),
            Field("url", format="uri"),
            Field("email", format="email"),
            Field(
                "status",
                required=True,
                enum=("active", "inactive", "defunct", "temporarily closed"),
            ),
            Field("interpretation_services"),
            Field("application_process"),
            Field("fees_description"),
            Field("wait_time"),
            Field("fees"),
            Field("accreditations"),
            Field("eligibility_description"),
            Field("minimum_age", type="number"),
            Field("maximum_age", type="number"),
            Field("assured_date", type="date"),
            Field("assurer_email", format="email"),
            Field("licenses"),
            Field("alert"),
            Field("last_modified", type="datetime"),
        ),
        primary_key="id",
        foreign_keys=(("organization_id", "organization"), ("program_id", "program")),
        nested=(
            ("phones", "phone", True),
            ("schedules", "schedule", True),
            ("service_areas", "service_area", True),
            ("service_at_locations", "service_at_location", True),
            ("languages", "language", True),
            ("organization", "organization", False),
            ("funding", "funding", True),
            ("cost_options", "cost_option", True),
            ("program", "program", False),
            ("required_documents", "required_document", True),
            ("contacts", "contact", True),
            ("attributes", "attribute", True),
            ("metadata", "metadata", True),
        ),
    ),
    Table(
        "attribute",
        "attributes.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("link_id", format="uuid", required=True),
            Field("taxonomy_term_id", format="uuid", required=True),
            Field("link_type"),
            Field("link_entity", required=True),
            Field("value"),
        ),
        primary_key="id",
        foreign_keys=(("taxonomy_term_id", "taxonomy_term"),),
        nested=(("taxonomy_term", "taxonomy_term", False), ("metadata", "metadata", True)),
    ),
    Table(
        "service_at_location",
        "service_at_location.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("service_id", format="uuid", required=True),
            Field("location_id", format="uuid", required=True),
            Field("description"),
        ),
        primary_key="id",
        foreign_keys=(("service_id", "service"), ("location_id", "location")),
        nested=(
            ("contacts", "contact", True),
            ("phones", "phone", True),
            ("schedules", "schedule", True),
            ("location", "location", False),
            ("attributes", "attribute", True),
            ("metadata", "metadata", True),
        ),
    ),
    Table(
        "location",
        "locations.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("location_type", required=True, enum=("physical", "postal", "virtual")),
            Field("url", format="uri"),
            Field("organization_id", format="uuid"),
            Field("name"),
            Field("alternate_name"),
            Field("description"),
            Field("transportation"),
            Field("latitude", type="number"),
            Field("longitude", type="number"),
            Field("external_identifier"),
            Field("external_identifier_type"),
        ),
        primary_key="id",
        foreign_keys=(("organization_id", "organization"),),
        nested=(
            ("languages", "language", True),
            ("addresses", "address", True),
            ("contacts", "contact", True),
            ("accessibility", "accessibility", True),
            ("phones", "phone", True),
            ("schedules", "schedule", True),
            ("attributes", "attribute", True),
            ("metadata", "metadata", True),
        ),
    ),
    Table(
        "phone",
        "phones.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("location_id", format="uuid"),
            Field("service_id", format="uuid"),
            Field("organization_id", format="uuid"),
            Field("contact_id", format="uuid"),
            Field("service_at_location_id", format="uuid"),
            Field("number", required=True),
            Field("extension", type="number"),
            Field("type"),
            Field("description"),
        ),
        primary_key="id",
        foreign_keys=(
            ("contact_id", "contact"),
            ("location_id", "location"),
            ("organization_id", "organization"),
            ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
        ),
        nested=(
            ("languages", "language", True),
            ("attributes", "attribute", True),
            ("metadata", "metadata", True),
        ),
    ),
    Table(
        "contact",
        "contacts.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("organization_id", format="uuid"),
            Field("service_id", format="uuid"),
            Field("service_at_location_id", format="uuid"),
            Field("location_id", format="uuid"),
            Field("name"),
            Field("title"),
            Field("department"),
            Field("email", format="email"),
        ),
        primary_key="id",
        foreign_keys=(
            ("location_id", "location"),
            ("organization_id", "organization"),
            ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
        ),
        nested=(
            ("phones", "phone", True),
            ("attributes", "attribute", True),
            ("metadata", "metadata", True),
        ),
    ),
    Table(
        "address",
        "addresses.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("location_id", format="uuid"),
            Field("attention"),
            Field("address_1", required=True),
            Field("address_2"),
            Field("city", required=True),
            Field("region"),
            Field("state_province", required=True),
            Field("postal_code", required=True),
            Field("country", required=True),
            Field("address_type", required=True, enum=("physical", "postal", "virtual")),
        ),
        primary_key="id",
        foreign_keys=(("location_id", "location"),),
        nested=(("attributes", "attribute", True), ("metadata", "metadata", True)),
    ),
    Table(
        "schedule",
        "schedules.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("service_id", format="uuid"),
            Field("location_id", format="uuid"),
            Field("service_at_location_id", format="uuid"),
            Field("valid_from", type="date"),
            Field("valid_to", type="date"),
            Field("dtstart", type="date"),
            Field("timezone", type="number"),
            Field("until", type="date"),
            Field("count", type="number"),
            Field("wkst", enum=("MO", "TU", "WE", "TH", "FR", "SA", "SU")),
            Field("freq", enum=("WEEKLY", "MONTHLY")),
            Field("interval", type="number"),
            Field("byday"),
            Field("byweekno"),
            Field("bymonthday"),
            Field("byyearday"),
            Field("description"),
            Field("opens_at", type="time"),
            Field("closes_at", type="time"),
            Field("schedule_link", format="uri"),
            Field("attending_type"),
            Field("notes"),
        ),
        primary_key="id",
        foreign_keys=(
            ("location_id", "location"),
            ("service_id", "service"),
            ("service_at_location_id", "service_at_location"),
        ),
        nested=(("attributes", "attribute", True), ("metadata", "metadata", True)),
    ),
    Table(
        "funding",
        "funding.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("organization_id", format="uuid"),
            Field("service_id", format="uuid"),
            Field("source"),
        ),
        primary_key="id",
        foreign_keys=(("organization_id", "organization"), ("service_id", "service")),
        nested=(("attributes", "attribute", True), ("metadata", "metadata", True)),
    ),
    Table(
        "service_area",
        "service_areas.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("service_id", format="uuid"),
            Field("name"),
            Field("description"),
            Field("extent"),
            Field("extent_type"),
            Field("uri"),
        ),
        primary_key="id",
        foreign_keys=(("service_id", "service"),),
        nested=(("attributes", "attribute", True), ("metadata", "metadata", True)),
    ),
    Table(
        "required_document",
        "required_documents.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("service_id", format="uuid"),
            Field("document"),
            Field("uri", format="uri"),
        ),
        primary_key="id",
        foreign_keys=(("service_id", "service"),),
        nested=(("attributes", "attribute", True), ("metadata", "metadata", True)),
    ),
    Table(
        "language",
        "languages.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("service_id", format="uuid"),
            Field("location_id", format="uuid"),
            Field("phone_id", format="uuid"),
            Field("name"),
            Field("code"),
            Field("note"),
        ),
        primary_key="id",
        foreign_keys=(
            ("location_id", "location"),
            ("phone_id", "phone"),
            ("service_id", "service"),
        ),
        nested=(("attributes", "attribute", True), ("metadata", "metadata", True)),
    ),
    Table(
        "accessibility",
        "accessibility.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("location_id", format="uuid"),
            Field("description"),
            Field("details"),
            Field("url", format="uri"),
        ),
        primary_key="id",
        foreign_keys=(("location_id", "location"),),
        nested=(("attributes", "attribute", True), ("metadata", "metadata", True)),
    ),
    Table(
        "taxonomy_term",
        "taxonomy_terms.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("code", unique=True),
            Field("name", required=True),
            Field("description", required=True),
            Field("parent_id", format="uuid"),
            Field("taxonomy"),
            Field("language"),
            Field("taxonomy_id", format="uuid"),
            Field("term_uri", format="uri"),
        ),
        primary_key="id",
        foreign_keys=(("taxonomy_id", "taxonomy"),),
        nested=(("taxonomy_detail", "taxonomy", False), ("metadata", "metadata", True)),
    ),
    Table(
        "metadata",
        "metadata.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("resource_id", format="uuid", required=True),
            Field("resource_type", required=True),
            Field("last_action_date", type="date", required=True),
            Field("last_action_type", required=True),
            Field("field_name", required=True),
            Field("previous_value", required=True),
            Field("replacement_value", required=True),
            Field("updated_by", required=True),
        ),
        primary_key="id",
        foreign_keys=(),
        nested=(),
    ),
    Table(
        "meta_table_description",
        "meta_table_descriptions.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("name"),
            Field("language"),
            Field("character_set"),
        ),
        primary_key="id",
        foreign_keys=(),
        nested=(("attributes", "attribute", True), ("metadata", "metadata", True)),
    ),
    Table(
        "cost_option",
        "cost_options.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("service_id", format="uuid", required=True),
            Field("valid_from", type="date"),
            Field("valid_to", type="date"),
            Field("option"),
            Field("currency"),
            Field("amount", type="number"),
            Field("amount_description"),
        ),
        primary_key="id",
        foreign_keys=(("service_id", "service"),),
        nested=(("attributes", "attribute", True), ("metadata", "metadata", True)),
    ),
    Table(
        "organization_identifier",
        "organization_identifiers.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("organization_id", format="uuid", required=True),
            Field("identifier_scheme"),
            Field("identifier_type", required=True),
            Field("identifier", required=True),
        ),
        primary_key="id",
        foreign_keys=(("organization_id", "organization"),),
        nested=(("attributes", "attribute", True), ("metadata", "metadata", True)),
    ),
    Table(
        "taxonomy",
        "taxonomies.csv",
        (
            Field("id", format="uuid", required=True, unique=True),
            Field("name", required=True),
            Field("description", required=True),
            Field("uri", format="uri"),
            Field("version"),
        ),
        primary_key="id",
        foreign_keys=(),
        nested=(("metadata", "metadata", True),),
    ),
)

BY_NAME = {table.name: table for table in TABLES}
