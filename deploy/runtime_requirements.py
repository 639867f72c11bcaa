"""Print the part of requirements.lock that the app needs at run time (F17: no test tools in
the image). The lock (uv pip compile ... --extra dev) names, for each package, what pulled it in
("# via ..."); the runtime set is the project's own dependencies in pyproject.toml and what
they pull in, transitively. Versions and hashes are copied as locked.

    python deploy/runtime_requirements.py requirements.lock pyproject.toml > runtime.lock

Standard library only: it runs in the image's build stage before anything is installed."""

import re
import sys
import tomllib
from pathlib import Path

# "    # via fastapi" or, under "    # via", "    #   fastapi".
VIA = re.compile(r"^    #\s+(?:via\s+)?([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> dict[str, tuple[str, set[str]]]:
    """name -> (the entry's requirement lines, the names it is 'via')."""
    entries: dict[str, tuple[str, set[str]]] = {}
    name = ""
    for line in text.splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==", line):
            name = normalise(match.group(1))
            entries[name] = (line + "\n", set())
        elif name and line.startswith("    --hash"):
            lines, via = entries[name]
            entries[name] = (lines + line + "\n", via)
        elif name and (match := VIA.match(line)) and match.group(1) != "via":
            entries[name][1].add(normalise(match.group(1)))
    return entries


def runtime(lock: str, pyproject: str) -> str:
    entries = parse_lock(lock)
    direct = {
        normalise(re.split(r"[\[<>=!~; ]", dep, maxsplit=1)[0])
        for dep in tomllib.loads(pyproject)["project"]["dependencies"]
    }
    wanted = set(direct)
    changed = True
    while changed:
        changed = False
        for name, (_, via) in entries.items():
            if name not in wanted and via & wanted:
                wanted.add(name)
                changed = True
    missing = direct - entries.keys()
    if missing:
        raise SystemExit(f"not in the lock file: {', '.join(sorted(missing))}")
    header = "# Generated from requirements.lock by deploy/runtime_requirements.py\n"
    return header + "".join(entries[n][0] for n in sorted(wanted))


if __name__ == "__main__":
    lock_path, pyproject_path = (Path(p) for p in sys.argv[1:3])
    sys.stdout.write(runtime(lock_path.read_text(), pyproject_path.read_text()))
