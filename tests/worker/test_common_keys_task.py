"""Beat's hourly count of common keys runs in a real worker and fills the table resolves
read."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.identity.common_counts import COMMON_COUNT
from core.models import CommonKey, Connector, IdentityKey, SourceRecord
from core.settings import load_settings
from tests.waiting import wait_until
from tests.worker.conftest import WorkerHarness
from worker.config import beat_schedule

pytestmark = pytest.mark.e2e
TASK = "worker.tasks.maintenance.count_common_keys"


def _common(harness: WorkerHarness) -> dict[str, int]:
    with harness.database.session() as session:
        rows = session.execute(select(CommonKey.kind, CommonKey.value, CommonKey.holders))
        return {f"{kind}:{value}": holders for kind, value, holders in rows}


@pytest.mark.parametrize("broker_url", ["sql-broker"], indirect=True)
def test_the_scheduled_count_finds_a_city_every_record_holds(harness: WorkerHarness) -> None:
    assert beat_schedule(load_settings(harness.env))["count-common-keys"]["task"] == TASK
    with harness.database.session() as session:
        connector = Connector(kind="csvimport", name="people")
        session.add(connector)
        session.flush()
        records = [
            SourceRecord(connector_id=connector.id, external_id=str(n), content_hash=str(n))
            for n in range(COMMON_COUNT)
        ]
        session.add_all(records)
        session.flush()
        session.add_all(
            [
                IdentityKey(kind="f_city", value="springfield", source_record_id=r.id)
                for r in records
            ]
            + [IdentityKey(kind="f_city", value="shelbyville", source_record_id=records[0].id)]
        )

    harness.start_worker(queues="default")
    harness.app.send_task(TASK)

    wait_until(lambda: _common(harness) != {}, timeout=60, message="common keys never counted")
    assert _common(harness) == {"f_city:springfield": COMMON_COUNT}
