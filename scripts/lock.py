"""`make lock`: the lock files, every package with its hashes, from pyproject.toml's pins.

- requirements-dev.lock: what `make test`, `make lint` and CI install — the runtime
  dependencies, the dev ones, everything they bring, and the build backend.
- requirements.lock: what `make run` installs — the runtime dependencies, what they bring
  and the build backend, at the same versions as in requirements-dev.lock.

Both are written by uv (a pinned dev dependency) for Python 3.11 on every platform
(`--universal`: a package only Windows needs carries its marker). A package already in a
lock keeps its version unless pyproject.toml asks for another, so `make lock` after adding
a dependency changes only what that dependency brings; `make lock UPGRADE=1` moves
everything to its newest release. Installing is `pip install --require-hashes -r <lock>`,
then the project itself with `--no-deps --no-build-isolation` (its build backend comes from
the lock too), so nothing unhashed is downloaded.

`--check` (run by `make lint`, offline): fails, naming each package, when pyproject.toml's
pins and the locks disagree — a pin that is not `==`, a pin missing from a lock or locked at
another version, a dependency removed from pyproject.toml but still locked, a package
without hashes, or the two locks at different versions of one package.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = "requirements.lock"
DEV_LOCK = "requirements-dev.lock"
PYTHON_VERSION = "3.11"
COMPILE_COMMAND = "make lock"
TOP_LEVEL = "rehabdesk (pyproject.toml)"

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(?P<version>[^\s;,]+)$")
ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")


def normalized(name: str) -> str:
    """PEP 503's form of a package's name: `Django` and `django` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pins:
    """pyproject.toml's exact pins, by normalized name, and what is not pinned exactly."""

    runtime: dict[str, str]
    dev: dict[str, str]
    build: dict[str, str]
    loose: list[str]


def pins_of(pyproject: dict[str, object]) -> Pins:
    project = pyproject.get("project", {})
    build_system = pyproject.get("build-system", {})
    assert isinstance(project, dict)
    assert isinstance(build_system, dict)
    loose: list[str] = []

    def exact(requirements: list[str]) -> dict[str, str]:
        found = {}
        for requirement in requirements:
            match = PIN.match(requirement.replace(" ", ""))
            if match is None:
                loose.append(requirement)
            else:
                found[normalized(match["name"])] = match["version"]
        return found

    return Pins(
        runtime=exact(project.get("dependencies", [])),
        dev=exact(project.get("optional-dependencies", {}).get("dev", [])),
        build=exact(build_system.get("requires", [])),
        loose=loose,
    )


@dataclass
class Entry:
    version: str
    hashes: int = 0
    via: list[str] = field(default_factory=list)


def entries_of(lock: str) -> dict[str, Entry]:
    """A lock's packages by normalized name: version, number of hashes, what wants it."""
    entries: dict[str, Entry] = {}
    current: Entry | None = None
    for line in lock.splitlines():
        match = ENTRY.match(line)
        if match:
            current = entries[normalized(match["name"])] = Entry(match["version"])
        elif current is not None:
            text = line.strip()
            if text.startswith("--hash="):
                current.hashes += 1
            elif text.startswith("# via"):
                current.via.extend(part for part in [text.removeprefix("# via").strip()] if part)
            elif text.startswith("#   "):
                current.via.append(text.removeprefix("#").strip())
    return entries


def disagreements(pyproject: dict[str, object], runtime_lock: str, dev_lock: str) -> list[str]:
    """What is wrong between pyproject.toml and the two locks, one line each."""
    pins = pins_of(pyproject)
    problems = [f"pyproject.toml: {loose!r} is not pinned with ==" for loose in pins.loose]
    locks = {
        RUNTIME_LOCK: (entries_of(runtime_lock), pins.runtime | pins.build, pins.runtime),
        DEV_LOCK: (
            entries_of(dev_lock),
            pins.runtime | pins.dev | pins.build,
            {
                **pins.runtime,
                **pins.dev,
            },
        ),
    }
    for lock_name, (entries, wanted, top_level) in locks.items():
        if not entries:
            problems.append(f"{lock_name}: no package in it")
        for name, version in sorted(wanted.items()):
            entry = entries.get(name)
            if entry is None:
                problems.append(f"{lock_name}: {name} is pinned in pyproject.toml but not locked")
            elif entry.version != version:
                problems.append(
                    f"{lock_name}: {name} is locked at {entry.version}, "
                    f"pyproject.toml pins {version}"
                )
        for name, entry in sorted(entries.items()):
            if entry.hashes == 0:
                problems.append(f"{lock_name}: {name} has no hash")
            if TOP_LEVEL in entry.via and name not in top_level:
                problems.append(
                    f"{lock_name}: {name} is locked for pyproject.toml, which no longer asks for it"
                )
    runtime, dev = locks[RUNTIME_LOCK][0], locks[DEV_LOCK][0]
    for name, entry in sorted(runtime.items()):
        if name in dev and dev[name].version != entry.version:
            problems.append(
                f"{RUNTIME_LOCK}: {name} is locked at {entry.version}, "
                f"{DEV_LOCK} at {dev[name].version}"
            )
        elif name not in dev:
            problems.append(f"{RUNTIME_LOCK}: {name} is not in {DEV_LOCK}")
    return problems


def check(root: Path = ROOT) -> list[str]:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    texts = []
    for lock_name in (RUNTIME_LOCK, DEV_LOCK):
        path = root / lock_name
        texts.append(path.read_text() if path.exists() else "")
    return disagreements(pyproject, texts[0], texts[1])


def uv() -> str:
    """The uv installed beside this interpreter (the pinned one in .venv), else on PATH."""
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    if found is None:
        sys.exit("uv is not installed: run `make lock` (it installs the dev dependencies)")
    return found


def compile_commands(root: Path, upgrade: bool) -> list[tuple[list[str], str]]:
    """uv's two runs, each with the build backend's pins on its standard input: the dev
    lock first, then the runtime lock constrained to the dev lock's versions."""
    common = [
        "pip",
        "compile",
        "pyproject.toml",
        "-",
        "--universal",
        "--python-version",
        PYTHON_VERSION,
        "--generate-hashes",
        "--custom-compile-command",
        COMPILE_COMMAND,
        "--quiet",
        *(["--upgrade"] if upgrade else []),
    ]
    build = "\n".join(
        f"{name}=={version}"
        for name, version in sorted(
            pins_of(tomllib.loads((root / "pyproject.toml").read_text())).build.items()
        )
    )
    return [
        ([*common, "--extra", "dev", "-o", DEV_LOCK], build),
        ([*common, "-c", DEV_LOCK, "-o", RUNTIME_LOCK], build),
    ]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        problems = check()
        for problem in problems:
            print(problem)
        if problems:
            print("pyproject.toml and the locks disagree: run `make lock`")
            return 1
        return 0
    uv_path = uv()
    for arguments, stdin in compile_commands(ROOT, upgrade="--upgrade" in argv):
        subprocess.run([uv_path, *arguments], input=stdin, text=True, cwd=ROOT, check=True)  # noqa: S603 - our own arguments
    problems = check()
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
