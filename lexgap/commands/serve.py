"""`lexgap serve`: the questionnaire in a browser on the user's own machine.

Only click and the standard library are imported at module level; Flask and the engine are imported when
the command runs, so that `lexgap --help` stays fast.
"""
from __future__ import annotations

import ipaddress
import signal
import threading
from pathlib import Path

import click

from ..errors import LexgapError, MissingFileError, Problem
from .options import PACK

DEFAULT_PORT = 8174
DEFAULT_DATA = "lexgap-data"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_for_host(host: str, port: int) -> str:
    shown = host if host not in ("0.0.0.0", "::") else "127.0.0.1"
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


@click.command("serve")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA,
              show_default=True, help="Folder of answers files (one per State and assessment); created if missing.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep 127.0.0.1: any other address lets other computers read and "
                   "change the assessments, with no login.")
@click.option("--open", "open_browser", is_flag=True, help="Open the app in the default web browser.")
@PACK
def serve(data_dir: Path, port: int, host: str, open_browser: bool, pack: str | None) -> None:
    """Run the self-assessment in a web browser on this computer.

    \b
    Answer the questionnaire, watch each paragraph's status change as you
    answer, and download the PDF report. Answers are saved as you give them,
    in the --data folder. Stop with Ctrl+C.
    """
    from werkzeug.serving import make_server

    from ..web import security
    from ..web.app import create_app, session_cookie_name

    loopback = is_loopback(host)
    if not loopback:
        click.secho(
            f"WARNING: lexgap serve is listening on {host}, not on 127.0.0.1.\n"
            "  Anyone who can reach this computer on the network can open, change and download the\n"
            "  assessments: there is no login and the connection is not encrypted. Use this only on a\n"
            "  network you trust, and stop the server (Ctrl+C) when you are done.", fg="yellow", err=True)
    try:
        app = create_app(data_dir, pack, allowed_hosts=security.LOOPBACK_HOSTS if loopback else None)
    except OSError as exc:
        raise MissingFileError(Problem(str(data_dir), f"cannot use the data folder ({exc.strerror or exc})",
                                       "check that it can be created and written to, or give another --data "
                                       "folder")) from exc
    try:
        server = make_server(host, port, app, threaded=True)
    except (OSError, SystemExit) as exc:  # werkzeug explains a busy port itself, then exits
        reason = f" ({exc.strerror or exc})" if isinstance(exc, OSError) else ""
        raise LexgapError(Problem(f"{host}:{port}", f"cannot listen on this address{reason}",
                                  "try another --port, or --port 0 for any free port")) from None
    app.config["SESSION_COOKIE_NAME"] = session_cookie_name(server.server_port)  # --port 0: known only now
    url = url_for_host(host, server.server_port)
    click.echo(f"lexgap is running at {url}  (data folder: {Path(data_dir).resolve()})")
    click.echo("Open that address in your web browser. Press Ctrl+C to stop; answers are already saved.")
    if open_browser:
        import webbrowser

        threading.Timer(0.5, webbrowser.open, (url,)).start()

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()  # werkzeug's server returns on Ctrl+C (KeyboardInterrupt)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
        worker = app.extensions.get("lexgap_pdf")
        if worker is not None:
            worker.close()
    click.echo("\nStopped. Your answers are saved in the data folder.")
