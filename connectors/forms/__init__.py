"""Web forms and custom sources posting leads to a hook URL (see ``connector``)."""

from connectors.forms.connector import EVENT_TYPE, FormsConnector
from connectors.forms.sources import CreatedSource, SourceExists, create_forms_source, new_secret

__all__ = [
    "EVENT_TYPE",
    "CreatedSource",
    "FormsConnector",
    "SourceExists",
    "create_forms_source",
    "new_secret",
]
