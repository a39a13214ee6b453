"""The curators' admin: translation tabs, review queues, bulk actions and change history.

A package because one module would pass the house limit; each module registers the admins
for one part of the directory.
"""

from resources.admin import channels, countries, reports, resources, terms  # noqa: F401
