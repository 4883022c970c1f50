"""A throwaway PostgreSQL cluster that the fault tests may stop, restart and kill.

The suite's own database (DATABASE_URL) may be a server others use, so the tests that stop PostgreSQL
never touch it: they initialise their own cluster from the server binaries of the machine
(/usr/lib/postgresql/*/bin, Debian's `postgresql` package, which `.ci/run` installs) in a temp dir
under /tmp, on a free loopback port, as the `postgres` OS user when running as root (initdb and
postgres refuse root). Every command is bounded in time; `destroy()` stops it and removes the dir.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.live import free_port

COMMAND_TIMEOUT_S = 60


def server_bin() -> Path | None:
    found = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p, "pg_ctl").is_file()]
    if not found:
        return None
    return max(found, key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()] or [0])


class Cluster:
    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin = bin_dir
        self.root = root
        self.data = root / "data"
        self.log = root / "postgres.log"
        self.port = 0

    @classmethod
    def create(cls) -> Cluster:
        bin_dir = server_bin()
        if bin_dir is None:
            raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin "
                               "(apt-get install postgresql): the fault tests need a cluster they can stop")
        # /tmp, not $TMPDIR: the postgres user must reach it and the socket path must stay short.
        root = Path(tempfile.mkdtemp(prefix="tracker-faults-pg-", dir="/tmp"))
        cluster = cls(bin_dir, root)
        try:
            if os.geteuid() == 0:
                shutil.chown(root, "postgres", "postgres")
            root.chmod(0o700)
            cluster._run("initdb", "-D", str(cluster.data), "-U", "postgres", "-A", "trust",
                         "--encoding=UTF8", "--locale=C.UTF-8")
            cluster.start()
        except BaseException:
            cluster.destroy()
            raise
        return cluster

    def _run(self, tool: str, *args: str, timeout: float = COMMAND_TIMEOUT_S) -> str:
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, cwd=self.root, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=timeout)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{tool} {' '.join(args)} failed ({done.returncode}): {done.stderr}{done.stdout}\n{log}")
        return done.stdout

    def start(self) -> None:
        """Start the server (on the same port as before once it has one), waiting until it accepts."""
        for _ in range(3):
            port = self.port or free_port()
            try:
                # A throwaway cluster: durability off, it is not what these tests are about.
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o",
                          f"-h 127.0.0.1 -p {port} -k {self.root} -c fsync=off -c full_page_writes=off "
                          "-c max_connections=100", "start")
            except RuntimeError:
                if self.port:  # the port was taken meanwhile: nothing else to try
                    raise
                continue
            self.port = port
            return
        raise RuntimeError("could not start the fault tests' PostgreSQL")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, database: str, sql: str) -> str:
        return self._run("psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                         "-U", "postgres", "-d", database, "-c", sql).strip()

    def createdb(self, database: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", database)
        return self.url(database)

    def destroy(self) -> None:
        try:
            if self.running():
                try:
                    self.stop("immediate")
                except (RuntimeError, subprocess.TimeoutExpired):
                    pid = (self.data / "postmaster.pid").read_text().split("\n", 1)[0]
                    if pid.strip().isdigit():
                        os.kill(int(pid), 9)
                    time.sleep(0.5)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
