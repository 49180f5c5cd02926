"""Run a moto server on 127.0.0.1 in a subprocess, for tests and demos that speak real HTTP.

Needs the ``moto`` extra (``pip install 'awsstate[moto]'``). Every request the server answers is
counted from its access log, so call budgets can be checked at the server, not only in-process::

    with MotoServer() as server:
        provider = AwsProvider(endpoint_url=server.url, region="us-east-1")
        ...
        print(server.requests())   # e.g. ['HEAD /my-bucket', 'GET /my-bucket?versioning', ...]
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType

__all__ = ["MotoServer"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # werkzeug colours the lines of non-2xx answers
_ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3})')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MotoServer:
    """A ``moto.server`` subprocess bound to 127.0.0.1 on a free port.

    Args:
        port: the port (a free one by default).
        env: extra environment for the server (e.g. ``MOTO_IAM_LOAD_MANAGED_POLICIES=true``).
        startup_timeout: seconds to wait for the server to answer.
    """

    def __init__(self, port: int | None = None, *, env: dict[str, str] | None = None,
                 startup_timeout: float = 30.0) -> None:
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = env or {}
        self._startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._log_dir = tempfile.TemporaryDirectory(prefix="awsstate-moto-")
        self.log_path = Path(self._log_dir.name) / "moto.log"
        self._log_offset = 0

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"MotoServer(url={self.url!r}, {state})"

    @property
    def running(self) -> bool:
        """True while the subprocess is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> MotoServer:
        """Start the server and wait until it answers."""
        if self.running:
            return self
        # Unbuffered, so each access-log line is in the file by the time its response arrives.
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self._env}
        env.pop("AWS_ENDPOINT_URL", None)
        with open(self.log_path, "wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT, env=env,
            )
        deadline = time.monotonic() + self._startup_timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"moto server exited at start-up:\n{self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/data.json", timeout=1):
                    self._log_offset = self._log_size()
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"moto server did not answer on {self.url} within {self._startup_timeout}s")

    def stop(self) -> None:
        """Stop the server."""
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None

    def reset(self) -> None:
        """Forget every resource (``POST /moto-api/reset``) and the request count."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass
        self.clear_requests()

    def _log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def clear_requests(self) -> None:
        """Start counting requests from now."""
        self._log_offset = self._log_size()

    def requests(self) -> list[str]:
        """The AWS requests answered since start/reset/clear, as ``"METHOD path"`` (moto-api calls excluded)."""
        # The access log line is written after the response; give the server a moment to flush it.
        time.sleep(0.05)
        with open(self.log_path, "rb") as log:
            log.seek(self._log_offset)
            text = _ANSI.sub("", log.read().decode("utf-8", "replace"))
        found = []
        for match in _ACCESS_LINE.finditer(text):
            if not match["path"].startswith("/moto-api"):
                found.append(f"{match['method']} {match['path']}")
        return found

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
        self._log_dir.cleanup()
