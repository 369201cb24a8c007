"""The ``participants`` entry of an activity mapping: who took part, and in which role.

It is a list; each item makes one participant, or one per item of a list when it
has ``each`` (then the item's rules read paths inside that item, ``@`` being the item
itself). Example, for a Graph message::

    participants:
      - {role: from, email: from.emailAddress.address, name: from.emailAddress.name}
      - {role: to, each: "toRecipients[*].emailAddress", email: address, name: name}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mapping.errors import MappingError
from mapping.rules import ParticipantRule, Rule
from mapping.steps import suggest
from mapping.targets import PARTICIPANT_FIELDS, PARTICIPANT_ROLES, Target

KEYS = ("role", "each", "email", "phone", "name", "optional", "note")
PARTS = ("email", "phone", "name")
_EACH = Target("each", "items")
_SHAPE = "a participant is an object with a role and an email or phone rule"

RuleCompiler = Callable[[Any, str, tuple[Target, ...], str], tuple[Rule | None, list]]


def compile_participants(
    raw: Any, where: str, compile_rule: RuleCompiler
) -> tuple[list[ParticipantRule], list[MappingError]]:
    """One rule per entry of the list, or the problems with every entry."""
    if not isinstance(raw, list) or not raw:
        return [], [MappingError(where, "participants is a list of participant entries")]
    rules: list[ParticipantRule] = []
    errors: list[MappingError] = []
    for index, entry in enumerate(raw):
        rule, problems = _entry(entry, f"{where}[{index}]", f"participants[{index}]", compile_rule)
        errors += problems
        if rule:
            rules.append(rule)
    return rules, errors


def _entry(
    entry: Any, where: str, key: str, compile_rule: RuleCompiler
) -> tuple[ParticipantRule | None, list[MappingError]]:
    if not isinstance(entry, dict):
        return None, [MappingError(where, _SHAPE)]
    errors = [MappingError(where, f"unknown key {name!r}{suggest(str(name), KEYS)}")
              for name in entry if name not in KEYS]  # fmt: skip
    role, problems = _role(entry.get("role"), where, key, compile_rule)
    errors += problems
    each = None
    if "each" in entry:
        each, problems = compile_rule(entry["each"], f"{where}.each", (_EACH,), f"{key}.each")
        errors += problems
    parts: list[tuple[str, Rule]] = []
    for name in PARTS:
        if name in entry:
            target = (PARTICIPANT_FIELDS[name],)
            rule, problems = compile_rule(entry[name], f"{where}.{name}", target, f"{key}.{name}")
            errors += problems
            parts += [(name, rule)] if rule else []
    if "email" not in entry and "phone" not in entry:
        errors.append(MappingError(where, "a participant needs an email or a phone rule"))
    if not isinstance(entry.get("optional", False), bool):
        errors.append(MappingError(f"{where}.optional", "optional must be true or false"))
    if errors or role is None:
        return None, errors
    return ParticipantRule(key, role, tuple(parts), each, entry.get("optional", False)), []


def _role(
    raw: Any, where: str, key: str, compile_rule: RuleCompiler
) -> tuple[str | Rule | None, list[MappingError]]:
    """A role is one of the role words, or a rule that yields one (e.g. from a direction)."""
    roles = ", ".join(PARTICIPANT_ROLES)
    if raw is None:
        return None, [MappingError(where, f"a participant needs a role (one of {roles})")]
    if isinstance(raw, str):
        if raw in PARTICIPANT_ROLES:
            return raw, []
        return None, [MappingError(f"{where}.role", f"unknown role {raw!r} (use one of {roles})")]
    target = (PARTICIPANT_FIELDS["role"],)
    return compile_rule(raw, f"{where}.role", target, f"{key}.role")
