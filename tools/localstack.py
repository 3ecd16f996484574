"""The local stack behind `make run`, `make test` and `make token`.

`run`: start Azurite, the Cosmos DB API server, the Microsoft Graph stand-in and an SMTP sink
on loopback (each only when its setting does not already name one), create the database and
containers, load the demo bank, and serve function_app.py with the local host. Ctrl-C stops
all of it.
"""

import argparse
import asyncio
import base64
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ROOT / ".local"
DEV_KEY = LOCAL / "dev-signing-key.pem"
# The Cosmos API server accepts any key; this one only has to be well-formed.
EMULATOR_COSMOS_KEY = base64.b64encode(b"bookme-local-cosmos-emulator-key").decode()
log = logging.getLogger("localstack")
LOCAL_SUBSCRIPTIONS_SCHEDULE = "*/15 * * * * *"


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(preferred: int | None = None) -> int:
    if preferred and port_is_free(preferred):
        return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with code {process.returncode}; see its log under logs/")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"{name} did not start listening on port {port} within {timeout:.0f} s")


def node_tool(name: str) -> str:
    path = ROOT / "node_modules" / ".bin" / name
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `npm ci` (make run and make test do).")
    return str(path)


def _spawn(name: str, argv: list[str], logs: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    logs.mkdir(parents=True, exist_ok=True)
    output = open(logs / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
    return subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
                            start_new_session=True)


def start_cosmos(port: int, logs: Path) -> subprocess.Popen:
    if shutil.which("node") is None:
        raise SystemExit("Node.js is required for the local Cosmos DB API server.")
    process = _spawn("cosmosdb-server", ["node", str(ROOT / "tools" / "cosmosdb-server.js"), "--port", str(port)],
                     logs)
    wait_for_port(port, process, "The Cosmos DB API server")
    return process


def start_graph(port: int, logs: Path) -> subprocess.Popen:
    """The Microsoft Graph stand-in (tools/graph_standin): the advisors' mailboxes, locally."""
    process = _spawn("graph-standin", [sys.executable, "-m", "tools.graph_standin", "--port", str(port)], logs)
    wait_for_port(port, process, "The Microsoft Graph stand-in")
    return process


def start_azurite(data_dir: Path, ports: tuple[int, int, int], account_key: str, logs: Path) -> subprocess.Popen:
    data_dir.mkdir(parents=True, exist_ok=True)
    blob, queue, table = ports
    env = {**os.environ, "AZURITE_ACCOUNTS": f"devstoreaccount1:{account_key}"}
    process = _spawn("azurite", [
        node_tool("azurite"), "--silent", "--skipApiVersionCheck", "--location", str(data_dir),
        "--blobHost", "127.0.0.1", "--blobPort", str(blob), "--queueHost", "127.0.0.1", "--queuePort", str(queue),
        "--tableHost", "127.0.0.1", "--tablePort", str(table),
    ], logs, env)
    for port in ports:
        wait_for_port(port, process, "Azurite")
    return process


def azurite_connection_string(ports: tuple[int, int, int], account_key: str) -> str:
    blob, queue, table = ports
    return (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        f"AccountKey={account_key};BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;"
        f"QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;"
        f"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;"
    )


def new_azurite_key() -> str:
    return base64.b64encode(secrets.token_bytes(64)).decode()


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=3)  # Azurite waits for idle keep-alive clients; do not wait long
        except subprocess.TimeoutExpired:
            process.kill()


def start_emulators(workdir: Path = LOCAL, usual_ports: bool = True) -> list[subprocess.Popen]:
    """Start whatever the environment does not already name, and point settings at it.
    `usual_ports`: prefer 8081 and 10000-10002 when free (a developer's tools expect them)."""

    def port(usual: int) -> int:
        return free_port(usual if usual_ports else None)

    processes: list[subprocess.Popen] = []
    try:
        if not os.environ.get("COSMOS_ENDPOINT"):
            cosmos_port = port(8081)
            processes.append(start_cosmos(cosmos_port, workdir / "logs"))
            os.environ["COSMOS_ENDPOINT"] = f"https://127.0.0.1:{cosmos_port}"
            os.environ["COSMOS_KEY"] = EMULATOR_COSMOS_KEY
            log.info("Cosmos DB API server on https://127.0.0.1:%d", cosmos_port)
        if not os.environ.get("GRAPH_BASE_URL"):
            graph_port = port(int(os.environ.get("GRAPH_PORT", "7073")))
            processes.append(start_graph(graph_port, workdir / "logs"))
            os.environ["GRAPH_BASE_URL"] = f"http://127.0.0.1:{graph_port}/v1.0"
            log.info("Microsoft Graph stand-in on http://localhost:%d/v1.0", graph_port)
        if os.environ.get("AzureWebJobsStorage", "UseDevelopmentStorage=true") == "UseDevelopmentStorage=true":
            ports = (port(10000), port(10001), port(10002))
            key = new_azurite_key()
            processes.append(start_azurite(workdir / "azurite", ports, key, workdir / "logs"))
            os.environ["AzureWebJobsStorage"] = azurite_connection_string(ports, key)
            log.info("Azurite on ports %s", ports)
    except BaseException:
        stop(processes)
        raise
    return processes


def emulator_settings() -> dict[str, str]:
    """The settings start_emulators put in the environment."""
    names = ("COSMOS_ENDPOINT", "COSMOS_KEY", "AzureWebJobsStorage", "GRAPH_BASE_URL")
    return {name: os.environ[name] for name in names if name in os.environ}


def start_emulators_for_tests(data_dir: Path) -> list[subprocess.Popen]:
    """Fresh emulators for a test session, whatever the developer's environment names, on ports
    the system picks, so test sessions side by side never race for the usual ones."""
    for name in ("COSMOS_ENDPOINT", "COSMOS_KEY", "AzureWebJobsStorage", "GRAPH_BASE_URL"):
        os.environ.pop(name, None)
    return start_emulators(data_dir, usual_ports=False)


def start_smtp_sink(mailbox: Path = LOCAL / "mail", port: int | None = None):
    """Receive the app's e-mails on loopback and keep them in a Maildir (.local/mail/new)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Mailbox

    mailbox.parent.mkdir(parents=True, exist_ok=True)
    mailbox_handler = Mailbox(str(mailbox))  # creates the Maildir and its tmp/new/cur folders
    port = port or free_port(1025)
    controller = Controller(mailbox_handler, hostname="127.0.0.1", port=port)
    controller.start()
    os.environ["SMTP_HOST"], os.environ["SMTP_PORT"] = "127.0.0.1", str(port)
    log.info("SMTP sink on 127.0.0.1:%d, mail kept in %s", port, mailbox / "new")
    return controller


def binding_defaults() -> None:
    """Trigger bindings name app settings (%NAME%); without local.settings.json the
    settings' defaults apply, as the sample settings file gives them."""
    from shared.settings import Settings

    # Locally the mailboxes are followed within seconds of start-up (in Azure the timer runs hourly).
    os.environ.setdefault("OUTLOOK_SUBSCRIPTIONS_SCHEDULE", LOCAL_SUBSCRIPTIONS_SCHEDULE)
    for name, field in Settings.model_fields.items():
        if name.endswith(("_SCHEDULE", "_QUEUE")):  # timer schedules and queue names
            os.environ.setdefault(name, str(field.default))
    # A developer's receiver runs on this machine: let webhooks reach loopback, over http.
    os.environ.setdefault("WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true")


def configure_outlook(port: int) -> None:
    """Graph notifies this host; the client state is a fresh secret per run, like the stand-in's mailboxes."""
    os.environ.setdefault("OUTLOOK_NOTIFICATION_URL", f"http://127.0.0.1:{port}/api/outlook/notifications")
    os.environ.setdefault("OUTLOOK_CLIENT_STATE", secrets.token_urlsafe(32))


def oidc_port() -> int:
    return int(os.environ.get("OIDC_PORT", "7074"))


def booking_page_defaults(port: int) -> None:
    """The booking page's address for links in e-mails, and sign-in for both portal types at the
    local OpenID Connect stand-in (tools/oidc_provider.py), unless the settings name others."""
    os.environ.setdefault("BOOKING_PAGE_URL", f"http://localhost:{port}/api/book")
    issuer = f"http://localhost:{oidc_port()}"
    for kind in ("MITID", "AZUREAD"):
        os.environ.setdefault(f"{kind}_ISSUER", issuer)
        os.environ.setdefault(f"{kind}_CLIENT_ID", f"bookme-{kind.lower()}")


def configure_auth() -> None:
    if not os.environ.get("AUTH_TENANT_ID") and not os.environ.get("AUTH_DEV_KEY_FILE"):
        from shared.auth import load_dev_key

        load_dev_key(DEV_KEY)
        os.environ["AUTH_DEV_KEY_FILE"] = str(DEV_KEY)


def demo_data_wanted() -> bool:
    """BOOKME_DEMO_DATA (default true): a local-stack setting the deployed app never reads."""
    return os.environ.get("BOOKME_DEMO_DATA", "true").strip().lower() not in ("false", "0", "no", "off")


async def provision() -> None:
    from shared.adapters.cosmos import ensure_layout
    from shared.bootstrap import get_context
    from shared.demo.loader import load_demo_bank
    from shared.settings import get_settings

    await ensure_layout(get_settings())
    if demo_data_wanted():
        await load_demo_bank(await get_context())
        log.info("Demo bank loaded")


async def run_async(port: int) -> None:
    from shared import bootstrap
    from tools import oidc_provider
    from tools.devhost.host import serve

    # The stand-in's issuer is the address the settings name for it (tests use 127.0.0.1).
    named = os.environ.get("MITID_ISSUER", "")
    issuer = named if named.rstrip("/").endswith(f":{oidc_port()}") else None
    identity = await oidc_provider.start(oidc_port(), issuer=issuer)
    log.info("OpenID Connect stand-in on %s", issuer or f"http://localhost:{oidc_port()}")
    try:
        await provision()
        await serve(ROOT, port)
    finally:
        await bootstrap.close()
        await identity.cleanup()


def _stop_on_sigterm() -> None:
    """SIGTERM (a supervisor, `timeout`) stops the stack like Ctrl-C, so no emulator is left behind."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def run() -> None:
    from tools.devhost.host import load_settings

    _stop_on_sigterm()
    load_settings(ROOT)
    binding_defaults()
    configure_auth()
    port = int(os.environ.get("PORT", "7071"))
    if not port_is_free(port):
        raise SystemExit(f"Port {port} is taken: stop what uses it, or run with PORT=<free port>.")
    if not port_is_free(oidc_port()):
        raise SystemExit(f"OIDC_PORT {oidc_port()} is taken: stop what uses it, or run with OIDC_PORT=<free port>.")
    booking_page_defaults(port)
    configure_outlook(port)
    processes = start_emulators()
    controller = start_smtp_sink() if not os.environ.get("SMTP_HOST") else None
    try:
        asyncio.run(run_async(port))
    except KeyboardInterrupt:
        log.info("Stopping")
    finally:
        if controller is not None:
            controller.stop()
        stop(processes)


def token(roles: str | None) -> None:
    """A token signed with the key the local app checks tokens with (AUTH_DEV_KEY_FILE, from the
    environment or local.settings.json, else the key `run` creates); every role unless `roles`."""
    from shared.auth import Role, issue_dev_token
    from tools.devhost.host import load_settings

    load_settings(ROOT)
    key = Path(os.environ.get("AUTH_DEV_KEY_FILE") or DEV_KEY)
    wanted = [role.value for role in Role] if roles is None else [r for r in roles.replace(",", " ").split() if r]
    print(issue_dev_token(key, wanted))


def demo_day() -> None:
    """The README's sample day: the next Thursday on which the demo bank is open, in its time zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from shared.demo.config_schedules import next_open_thursday
    from shared.models.organization import DEFAULT_ZONE

    print(next_open_thursday(datetime.now(ZoneInfo(DEFAULT_ZONE)).date()).isoformat())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the emulators and serve the API")
    token_parser = commands.add_parser("token", help="print a bearer token the local app accepts")
    token_parser.add_argument("--roles", default=None, help="roles separated by spaces or commas (default: all)")
    commands.add_parser("demo-day", help="print the README's sample day (YYYY-MM-DD)")
    args = parser.parse_args()
    from tools.devhost.host import configure_logging

    configure_logging()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    if args.command == "run":
        run()
    elif args.command == "demo-day":
        demo_day()
    else:
        token(args.roles)


if __name__ == "__main__":
    main()
