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
    from connectors.outlook.emulator.app import OutlookEmulator

Action = Callable[["OutlookEmulator", dict[str, Any]], Any]


def handle(emulator: OutlookEmulator, request: Request) -> Response:
    name = request.path.removeprefix("/_emulator/")
    table = READS if request.method == "GET" else ACTIONS
    action = table.get(name)
    if action is None:
        return json_response({"error": f"unknown route {request.method} {name}"}, 404)
    body: dict[str, Any] = request.get_json(silent=True) or {}
    try:
        return json_response(action(emulator, body))
    except (KeyError, ValueError) as error:
        return json_response({"error": str(error)}, 400)


def _accounts(emulator: OutlookEmulator, _: dict[str, Any]) -> dict[str, Any]:
    return {
        "authority": emulator.authority(),
        "graph_url": emulator.graph_url,
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
        "certificate_path": emulator.certificate_path,
        "mailboxes": {e: m.object_id for e, m in emulator.mailboxes.items()},
    }


def _truth(emulator: OutlookEmulator, _: dict[str, Any]) -> dict[str, Any]:
    return {
        email: {
            "messages": len(truth.keys),
            "inbox": truth.inbox,
            "sentitems": truth.sent,
            "ids": sorted(emulator.message_id(key) for key in truth.keys),
        }
        for email, truth in emulator.organization.truth().items()
    }


def _settings(attribute: str) -> Action:
    def act(emulator: OutlookEmulator, body: dict[str, Any]) -> dict[str, Any]:
        target = getattr(emulator, attribute)
        apply_settings(target, body)
        return as_dict(target)

    return act


def _add(emulator: OutlookEmulator, body: dict[str, Any]) -> dict[str, Any]:
    fields = {"subject": body["subject"]} if "subject" in body else {}
    return {"id": emulator.add_message(body["account"], **fields)}


def _lifecycle(emulator: OutlookEmulator, body: dict[str, Any]) -> dict[str, Any]:
    emulator.subscriptions.lifecycle(body["subscriptionId"], body["event"])
    return {"sent": body["event"]}


READS: dict[str, Action] = {
    "stats": lambda emulator, _: emulator.stats(),
    "faults": lambda emulator, _: as_dict(emulator.faults),
    "limits": lambda emulator, _: as_dict(emulator.limits),
    "accounts": _accounts,
    "truth": _truth,
}
ACTIONS: dict[str, Action] = {
    "faults": _settings("faults"),
    "limits": _settings("limits"),
    "revoke": lambda emulator, body: emulator.revoke(body["account"]) or {"revoked": True},
    "expire-delta": lambda emulator, body: (
        emulator.expire_delta(body["account"], body.get("folder")) or {"expired": True}
    ),
    "expire-access-tokens": lambda emulator, body: (
        emulator.expire_access_tokens(body.get("account")) or {"expired": True}
    ),
    "messages": _add,
    "lifecycle": _lifecycle,
    "refresh-token": lambda emulator, body: {
        "refresh_token": emulator.user_refresh_token(body["account"])
    },
    "reset-counters": lambda emulator, _: emulator.counters.reset() or {"reset": True},
}
