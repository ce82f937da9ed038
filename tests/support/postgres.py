"""A throwaway PostgreSQL server for tests: Debian's `postgresql` binaries, a cluster in a temporary folder,
listening on 127.0.0.1 on a free port, trust authentication, stopped and removed at the end. PostgreSQL
refuses to run as root: as root, the server runs as the `postgres` user the package creates."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

USER = "akhbar"


def bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: Debian keeps them out of PATH, in /usr/lib/postgresql/<major>/bin."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).resolve().parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, bindir: Path, folder: Path, port: int, run_as: pwd.struct_passwd | None):
        self.bindir, self.folder, self.port, self.run_as = bindir, folder, port, run_as

    def run(self, tool: str, *args: str) -> None:
        def drop_root():
            if self.run_as is not None:
                os.setgid(self.run_as.pw_gid)
                os.setuid(self.run_as.pw_uid)

        subprocess.run([str(self.bindir / tool), *args], check=True, capture_output=True, preexec_fn=drop_root,
                       cwd=self.folder, env={**os.environ, "LC_ALL": "C.UTF-8"})

    def create_database(self, name: str) -> str:
        """A new database; returns the libpq connection string to it."""
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name)
        return f"host=127.0.0.1 port={self.port} dbname={name} user={USER}"


@contextmanager
def postgres_server(bindir: Path) -> Iterator[Server]:
    run_as = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="akhbar-pg-"))
    if run_as is not None:
        os.chown(folder, run_as.pw_uid, run_as.pw_gid)
    server = Server(bindir, folder, _free_port(), run_as)
    data = str(folder / "data")
    try:
        server.run("initdb", "-D", data, "-U", USER, "--auth=trust", "-E", "UTF8")
        server.run("pg_ctl", "-D", data, "-l", str(folder / "log"), "-w", "-t", "60", "start", "-o",
                   f"-c listen_addresses=127.0.0.1 -p {server.port} -k {folder}")
        try:
            yield server
        finally:
            server.run("pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
