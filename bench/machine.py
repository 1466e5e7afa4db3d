"""What the benchmark drivers record about the machine and the code they ran on.

Shared by bench/pdq, bench/index and bench/hotline driver.py, which put this folder on
sys.path.
"""

import os
import platform
import re
import subprocess


def command_output(command):
    """A command's trimmed standard output, or "unknown" if it cannot run or fails."""
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True,
                              env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"}).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_model():
    """The processor's model name."""
    try:
        with open("/proc/cpuinfo") as f:
            return re.search(r"model name\s*:\s*(.*)", f.read()).group(1)
    except (OSError, AttributeError):
        return platform.processor() or "unknown"


def memory_gib():
    """Total memory in GiB."""
    with open("/proc/meminfo") as f:
        return int(re.search(r"MemTotal:\s*(\d+)", f.read()).group(1)) / 2**20
