"""The emulator's own routes under ``/_emulator/``: switches, counters, test actions.

They let another process (a worker under test, a benchmark, ``crmhub demo``) drive the
emulator the way a test does from Python.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from connectors.mailboxes.emulation.faults import apply_settings, as_dict
from connectors.mailboxes.emulation.wsgi import json_response

if TYPE_CHECKING:
    from connectors.gmail.emulator.app import GmailEmulator

Action = Callable[["GmailEmulator", dict[str, Any]], Any]


def handle(emulator: GmailEmulator, request: Request) -> Response:
    name = request.path.removeprefix("/_emulator/")
    table = READS if request.method == "GET" else ACTIONS
    action = table.get(name)
    if action is None:
        return json_response({"error": f"unknown route {request.method} {name}"}, 404)
    body: dict[str, Any] = request.get_json(silent=True) or {}
    if request.method == "GET":
        body = dict(request.args)
    try:
        return json_response(action(emulator, body))
    except (KeyError, ValueError) as error:
        return json_response({"error": str(error)}, 400)


def _truth(emulator: GmailEmulator, args: dict[str, Any]) -> dict[str, Any]:
    with_ids = args.get("ids") == "1"
    return {
        email: {
            "messages": len(truth.keys),
            "automated": len(truth.automated),
            "internal_only": len(truth.internal_only),
            **({"ids": sorted(truth.keys)} if with_ids else {}),
        }
        for email, truth in emulator.organization.truth().items()
    }


def _settings(attribute: str) -> Action:
    def act(emulator: GmailEmulator, body: dict[str, Any]) -> dict[str, Any]:
        target = getattr(emulator, attribute)
        apply_settings(target, body)
        return as_dict(target)

    return act


def _add(emulator: GmailEmulator, body: dict[str, Any]) -> dict[str, Any]:
    fields = {"subject": body["subject"]} if "subject" in body else {}
    return {"id": emulator.add_message(body["account"], **fields)}


def _push(emulator: GmailEmulator, body: dict[str, Any]) -> dict[str, Any]:
    emulator.pusher.endpoint = body.get("endpoint")
    emulator.pusher.audience = body.get("audience", emulator.pusher.audience)
    return {"endpoint": emulator.pusher.endpoint, "audience": emulator.pusher.audience}


READS: dict[str, Action] = {
    "stats": lambda emulator, _: emulator.stats(),
    "faults": lambda emulator, _: as_dict(emulator.faults),
    "limits": lambda emulator, _: as_dict(emulator.limits),
    "accounts": lambda emulator, _: {e: emulator.credentials(e) for e in emulator.mailboxes},
    "truth": _truth,
}
ACTIONS: dict[str, Action] = {
    "faults": _settings("faults"),
    "limits": _settings("limits"),
    "revoke": lambda emulator, body: emulator.revoke(body["account"]) or {"revoked": True},
    "expire-history": lambda emulator, body: {
        "floor": str(emulator.expire_history(body["account"]))
    },
    "expire-access-tokens": lambda emulator, body: (
        emulator.expire_access_tokens(body.get("account")) or {"expired": True}
    ),
    "messages": _add,
    "push": _push,
    "reset-counters": lambda emulator, _: emulator.counters.reset() or {"reset": True},
}
