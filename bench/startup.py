"""Start-up: from launching ``ecoute chat`` to the first question on screen.

    python -m bench.startup            # 15 runs of each case
    python -m bench.startup --runs 30

Two cases, alternated run by run (the machine is noisy): a fresh SQLite file (the schema is
created by the migrations) and an existing, current one (the usual start). Each run launches
the real console script in a new process, with piped input, and stops the clock when the
first question's title has been printed. Then it lists the heavy libraries that path imported
(none of slack_bolt, slack_sdk, discord may be among them) and the slowest imports.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.5
TIMEOUT = 30.0
PLATFORM_LIBRARIES = ("slack_bolt", "slack_sdk", "discord")
HEAVY = (*PLATFORM_LIBRARIES, "aiohttp", "sqlalchemy", "alembic", "aiosqlite", "asyncpg", "jinja2")
_DUMP = """
import atexit, sys
atexit.register(lambda: print("MODULES", *sorted(sys.modules), file=sys.stderr))
from adapters.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def chat_command() -> list[str]:
    """The installed ``ecoute`` script next to this Python, else ``python -m adapters.cli.main``."""
    script = Path(sys.executable).with_name("ecoute")
    return [str(script)] if script.exists() else [sys.executable, "-m", "adapters.cli.main"]


def chat_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'ecoute.db'}",
        LANG="en_US.UTF-8",
        LC_ALL="",
        PYTHONPATH=str(ROOT),
    )
    return env


def first_question(command: list[str], folder: Path) -> tuple[float, float]:
    """Seconds from launch to the first question's title on stdout, and the CPU seconds the
    whole process used (start, first question, quit: less sensitive to a busy machine)."""
    title = load_catalog().text("en", "interview.question.business_model.title")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*command, "chat", "--user", "bench"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=folder,
        env=chat_env(folder),
    )
    assert proc.stdout is not None
    assert proc.stdin is not None
    seen = b""
    try:
        while title.encode() not in seen:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk or time.perf_counter() - start > TIMEOUT:
                raise RuntimeError(f"no first question from the chat:\n{seen.decode()[-2000:]}")
            seen += chunk
        elapsed = time.perf_counter() - start
        proc.stdin.write(b"quit\n")
        proc.stdin.close()
        cpu = _cpu_of(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(TIMEOUT)
        proc.stdout.close()
    return elapsed, cpu


def _cpu_of(proc: subprocess.Popen[bytes]) -> float:
    """Wait for ``proc`` (bounded) and return its user + system CPU seconds."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        time.sleep(0.005)
    raise RuntimeError("the chat did not quit")


def imported_modules(folder: Path) -> list[str]:
    """Every module loaded by a whole ``ecoute chat`` session (start, first question, quit)."""
    done = subprocess.run(
        [sys.executable, "-c", _DUMP, "chat", "--user", "bench"],
        input="quit\n",
        capture_output=True,
        text=True,
        cwd=folder,
        env=chat_env(folder),
        timeout=TIMEOUT,
        check=True,
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return line.split()[1:]


def slowest_imports(folder: Path, count: int = 12) -> list[tuple[int, str]]:
    """The top-level imports that cost most (cumulative µs) on the chat path."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _DUMP, "chat", "--user", "bench"],
        input="quit\n",
        capture_output=True,
        text=True,
        cwd=folder,
        env=chat_env(folder),
        timeout=TIMEOUT,
        check=True,
    )
    rows: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = (part.strip() for part in line[12:].split("|"))
        if cumulative.isdigit() and not name.startswith(" "):
            rows.append((int(cumulative), name.strip()))
    top = [r for r in rows if "." not in r[1] or r[1].startswith(("bot.", "adapters."))]
    return sorted(top, reverse=True)[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    command = chat_command()
    cases = ("fresh SQLite file", "existing SQLite file")
    times: dict[str, list[float]] = {case: [] for case in cases}
    cpu: dict[str, list[float]] = {case: [] for case in cases}
    with tempfile.TemporaryDirectory(prefix="ecoute-startup-") as tmp:
        existing = Path(tmp) / "existing"
        existing.mkdir()
        first_question(command, existing)  # creates and migrates the file once
        for n in range(args.runs):
            fresh = Path(tmp) / f"fresh{n}"
            fresh.mkdir()
            for case, folder in zip(cases, (fresh, existing), strict=True):
                wall, used = first_question(command, folder)
                times[case].append(wall)
                cpu[case].append(used)
        modules = imported_modules(existing)
        slowest = slowest_imports(existing)
    print(f"`{' '.join(Path(c).name for c in command)} chat` to the first question, "
          f"{args.runs} runs each (target ≤ {TARGET} s)\n")  # fmt: skip
    print("| case | median | min | max | CPU (median) | target |")
    print("|---|---|---|---|---|---|")
    for case, values in times.items():
        ok = "met" if statistics.median(values) <= TARGET else "MISSED"
        print(
            f"| {case} | {statistics.median(values):.3f} s | {min(values):.3f} s "
            f"| {max(values):.3f} s | {statistics.median(cpu[case]):.3f} s | ≤ {TARGET} s: {ok} |"
        )
    tops = {m.split(".")[0] for m in modules}
    print(f"\nmodules loaded on the chat path: {len(modules)}")
    print("heavy libraries loaded:", ", ".join(h for h in HEAVY if h in tops) or "none")
    print("heavy libraries not loaded:", ", ".join(h for h in HEAVY if h not in tops))
    print("\nslowest imports (cumulative, existing file):")
    for micros, name in slowest:
        print(f"  {micros / 1000:7.1f} ms  {name}")
    leaked = [lib for lib in PLATFORM_LIBRARIES if lib in tops]
    if leaked:
        print(f"\nFAIL: the chat path imported {', '.join(leaked)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
