"""Default mappings shipped for each connector kind, as YAML data files in this folder.

Files are named ``<kind>.<target>.yaml`` (``mailchimp.customer.yaml``); a connector
whose tool yields both people and events has one of each. Each file starts with a
comment giving the payload shape its connector hands to the mapping. An admin edits a
copy of one of these; the shipped text, comments included, is what the UI shows first.

A CSV file whose headers are the canonical names (given_name, family_name, email,
phone, company, street, city, postal_code, region, country, birth_date, external_id
...) needs no custom mapping: ``csvimport.customer.yaml`` reads such rows as they are.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from mapping.language import CompiledMapping, compile_mapping

_SUFFIX = ".yaml"


def available_defaults() -> list[tuple[str, str]]:
    """Every shipped (kind, target) pair, sorted, e.g. ("gmail", "activity")."""
    names = [entry.name for entry in resources.files(__name__).iterdir()]
    pairs = [name.removesuffix(_SUFFIX).split(".") for name in names if name.endswith(_SUFFIX)]
    return sorted((pair[0], pair[1]) for pair in pairs if len(pair) == 2)


@cache
def default_mapping_text(kind: str, target: str) -> str:
    """The shipped document as text, comments included, for the admin's text area."""
    if (kind, target) not in available_defaults():
        raise LookupError(f"no default {target} mapping for connector kind {kind!r}")
    return resources.files(__name__).joinpath(f"{kind}.{target}{_SUFFIX}").read_text("utf-8")


@cache
def load_default_mapping(kind: str, target: str) -> CompiledMapping:
    """The shipped mapping for a connector kind and target, compiled (and cached)."""
    return compile_mapping(default_mapping_text(kind, target))
