"""Timer singletons and schedule status in AzureWebJobsStorage, as the Functions host keeps
them: a blob lease lets one instance run an occurrence, and a status blob records it."""

import json
import logging
from datetime import datetime

from azure.core.exceptions import HttpResponseError, ResourceExistsError
from azure.storage.blob.aio import BlobServiceClient

log = logging.getLogger("devhost")
CONTAINER = "azure-webjobs-hosts"
LEASE_SECONDS = 60


class TimerLocks:
    def __init__(self, connection_string: str, host_id: str):
        self._connection_string = connection_string
        self._host_id = host_id

    async def run_once(self, function_name: str, run, last: datetime, next_due: datetime) -> bool:
        """Run `run()` unless another instance holds this timer's lease; True when it ran."""
        async with BlobServiceClient.from_connection_string(self._connection_string) as service:
            container = service.get_container_client(CONTAINER)
            try:
                await container.create_container()
            except ResourceExistsError:
                pass
            lock = container.get_blob_client(f"locks/{self._host_id}/Host.Functions.{function_name}.Listener")
            try:
                await lock.upload_blob(b"", overwrite=False)
            except ResourceExistsError:
                pass
            try:
                lease = await lock.acquire_lease(lease_duration=LEASE_SECONDS)
            except HttpResponseError as error:
                if error.status_code == 409:
                    log.info("Timer %s is running on another instance; skipped", function_name)
                    return False
                raise
            try:
                await run()
            finally:
                status = {"Last": last.isoformat(), "Next": next_due.isoformat(), "LastUpdated": last.isoformat()}
                await container.get_blob_client(f"timers/{self._host_id}/{function_name}/status").upload_blob(
                    json.dumps(status).encode(), overwrite=True)
                await lease.release()
            return True
