"""Start the workbench: check the target, warn when it listens beyond this machine, run uvicorn."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

from detente.errors import DetenteError

LOCAL = ("127.0.0.1", "localhost", "::1")


def is_local(host: str) -> bool:
    if host in LOCAL:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_target(target: str | None) -> None:
    """A bundled case name, a scenario file or a folder; anything else is one clear error."""
    if target is None:
        return
    from detente.cases import case_names

    if target in case_names() or Path(target).is_dir() or Path(target).is_file():
        return
    raise DetenteError.one("no such case, file or folder", path="CASE|FILE|DIR", value=target,
                           allowed=f"a bundled case ({', '.join(case_names())}), a scenario "
                           "YAML file or a folder of them")


def check_listen(host: str, port: int) -> None:
    """Refuse, before printing the address, a host that does not resolve or an address and
    port that cannot be bound (in use, not this machine's, privileged): uvicorn would log the
    error and exit 1 or 3 after the address was printed as if the server ran."""
    import socket

    if not host.strip():  # "" is every interface to the socket layer, with no warning shown
        raise DetenteError.one("--host is empty", path="--host", value=host,
                               allowed="an address or name of this machine, e.g. 127.0.0.1 "
                                       "(0.0.0.0 for every interface)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DetenteError.one(f"cannot listen on this host: {getattr(exc, 'strerror', exc)}",
                               path="--host", value=host,
                               allowed="an address or name of this machine, e.g. 127.0.0.1"
                               ) from None
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(addr)
        except OSError as exc:
            raise DetenteError.one(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                                   path="--port", value=port,
                                   allowed="a free port of this machine, e.g. --port 8766"
                                   ) from None


def serve(target: str | None, host: str = "127.0.0.1", port: int = 8765,
          output: Path = Path("detente-workbench")) -> None:
    """Run the workbench until interrupted."""
    try:
        import uvicorn

        from detente.web.app import create_app
    except ImportError as exc:
        raise DetenteError.one(f"`detente serve` needs the web extra ({exc.name} is missing)",
                               allowed="pip install 'detente[web]'") from None
    check_target(target)
    if not 0 < port < 65536:
        raise DetenteError.one("not a port number", path="--port", value=port,
                               allowed="1 to 65535")
    check_listen(host, port)
    if not is_local(host):
        print(f"warning: listening on {host}: anyone who can reach this machine on port {port} "
              "can read the cases and run analyses (no login); use the default 127.0.0.1 "
              "unless you mean it", file=sys.stderr)
    hosts = ["127.0.0.1", "localhost", "[::1]", "::1"] if is_local(host) else None
    app = create_app(target, output, hosts=hosts)
    shown = f"[{host}]" if ":" in host else host
    print(f"detente workbench: http://{shown}:{port}/ (output folder "
          f"{app.state.detente.ws.output}; Ctrl-C stops it)", flush=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        app.state.detente.jobs.shutdown()
