"""Tie a process's life to its parent's: the PDF forkserver's to the server's, a worker's to the forkserver's."""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent() -> None:
    """Have this process end when its parent ends, even by kill -9 and even while it is busy.

    On Linux the kernel sends SIGTERM (PR_SET_PDEATHSIG) when the parent's creating thread ends;
    elsewhere a thread watches the parent id.
    """
    parent = os.getppid()
    try:
        armed = ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux
        armed = False
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(0)
    if not armed:
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(0)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
