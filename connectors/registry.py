"""Every connector kind crmhub knows, by the ``kind`` stored on each Connector row."""

from __future__ import annotations

from connectors.base import Connector
from connectors.csvimport.connector import CsvImportConnector
from connectors.forms.connector import FormsConnector
from connectors.outlook.connector import OutlookConnector

CONNECTORS: dict[str, type[Connector]] = {
    cls.kind: cls
    for cls in (
        CsvImportConnector,
        FormsConnector,
        OutlookConnector,
    )
}


def connector_class(kind: str) -> type[Connector]:
    """The class for a kind; LookupError naming the known kinds otherwise."""
    try:
        return CONNECTORS[kind]
    except KeyError:
        known = ", ".join(sorted(CONNECTORS))
        raise LookupError(f"unknown connector kind {kind!r}; known: {known}") from None


def kinds() -> list[str]:
    return sorted(CONNECTORS)
