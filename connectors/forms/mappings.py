"""The mappings a forms source applies: the shipped defaults or the admin's documents.

A source's default region reaches the phone numbers through the mapping itself: every
``e164`` transform that names no region gets the source's, so "020 7946 0958" posted
to a British form becomes +442079460958 whichever mapping the source uses.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from typing import Any

from mapping import CompiledMapping, compile_mapping, default_mapping_text, parse_document

KIND = "forms"
PHONE_TRANSFORM = "e164"


def forms_mapping(
    document: dict[str, Any] | str | None, target: str, region: str | None
) -> CompiledMapping:
    """The compiled mapping for a target, with the default region applied to phones."""
    if document is None:
        document = default_mapping_text(KIND, target)
    if isinstance(document, str):
        return _compiled_text(document, region)
    return _compiled(json.dumps(document, sort_keys=True), region)


@lru_cache(maxsize=64)
def _compiled_text(document_text: str, region: str | None) -> CompiledMapping:
    """Parsing YAML costs more than applying the mapping: a text is parsed once per process."""
    return _compiled(json.dumps(parse_document(document_text), sort_keys=True), region)


@lru_cache(maxsize=64)
def _compiled(document_json: str, region: str | None) -> CompiledMapping:
    document = json.loads(document_json)
    return compile_mapping(with_region(document, region) if region else document)


def with_region(document: Any, region: str) -> Any:
    """A copy of the document whose region-less e164 transforms read national numbers in it."""
    document = copy.deepcopy(document)
    _visit(document, region)
    return document


def _visit(node: Any, region: str) -> None:
    if isinstance(node, list):
        for item in node:
            _visit(item, region)
        return
    if not isinstance(node, dict):
        return
    transforms = node.get("transforms")
    if isinstance(transforms, list):
        node["transforms"] = [_regional(entry, region) for entry in transforms]
    for key, value in node.items():
        if key != "transforms":
            _visit(value, region)


def _regional(entry: Any, region: str) -> Any:
    if entry == PHONE_TRANSFORM:
        return {PHONE_TRANSFORM: {"region": region}}
    if not isinstance(entry, dict) or PHONE_TRANSFORM not in entry or "region" in entry:
        return entry
    argument = entry[PHONE_TRANSFORM]
    if argument is None or argument == {}:
        return {**entry, PHONE_TRANSFORM: {"region": region}}
    return entry
