"""Mapping: raw payloads from each tool to canonical customers and activities.

A mapping is a declarative document (JSON or YAML) per connector and target that an
admin can read and edit; it is checked whole before use and never crashes on a
payload. Default documents ship for every connector kind.
"""

from mapping.canonical import (
    ActivitySchema,
    AddressSchema,
    CustomerSchema,
    ParticipantSchema,
)
from mapping.defaults import available_defaults, default_mapping_text, load_default_mapping
from mapping.document import parse_document
from mapping.errors import InvalidMapping, MappingError, MappingWarning
from mapping.language import (
    CompiledMapping,
    MappingResult,
    PreviewResult,
    compile_mapping,
    preview,
    validate_mapping,
)
from mapping.targets import (
    ACTIVITY_TYPES,
    DIRECTIONS,
    LIFECYCLE_STAGES,
    PARTICIPANT_ROLES,
    TARGETS,
    field_names,
)
from mapping.transforms import TRANSFORMS

__all__ = [
    "ACTIVITY_TYPES",
    "DIRECTIONS",
    "LIFECYCLE_STAGES",
    "PARTICIPANT_ROLES",
    "TARGETS",
    "TRANSFORMS",
    "ActivitySchema",
    "AddressSchema",
    "CompiledMapping",
    "CustomerSchema",
    "InvalidMapping",
    "MappingError",
    "MappingResult",
    "MappingWarning",
    "ParticipantSchema",
    "PreviewResult",
    "available_defaults",
    "compile_mapping",
    "default_mapping_text",
    "field_names",
    "load_default_mapping",
    "parse_document",
    "preview",
    "validate_mapping",
]
