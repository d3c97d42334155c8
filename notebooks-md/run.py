#!/usr/bin/env python3
"""Re-executes the notebooks in notebooks-md/ and checks their outputs.

usage: python3 notebooks-md/run.py [--quick] [--update] [NOTEBOOK.md ...]

A notebook is Markdown. Each fenced block opened with ```console is a session: lines
that start with "$ " are commands (run with bash from the package root, `forecast` being
.build/release/forecast), the lines after a command up to the next "$ " line or the end
of the block are its expected output. A command fails the check when it exits non-zero
or its output differs from the expected text beyond the tolerance: the outputs are
compared token by token (tokens split at white space and at the separators of CSV and
JSON: , : [ ] { } and quotes), numbers within a relative 1e-3 (or 1e-9 absolute), the
times a run was recorded (ISO-8601 with microseconds) and run UUIDs not at all, everything else exactly
(trailing spaces ignored). The tolerance is there because the kernels chosen at run time
(FORECAST_KERNELS, OpenBLAS's core) sum in different orders on different CPUs. Lines of the form "[... N more lines]" in the
expected output stand for N lines that are not shown (they must exist).

--update rewrites the notebooks with the outputs of this run (used to make them).
--quick runs every command with FORECAST_QUICK=1 (the tool caps training at a few
steps), writes figures under .build/notebooks-quick, and checks only that each command
succeeds: `make test` uses it.
"""
import os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?%?$")
# Run times (`created_at`, with microseconds) differ on every run; data times never carry them.
RUN_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$")
# A run's UUID is random unless the run is sharded (`forecast runs` prints it).
RUN_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# A line's tokens: ISO-8601 times whole, else runs of characters between the separators of
# tables, CSV and JSON (white space , : [ ] { } "), and the separators themselves but white
# space (so that they must match too).
TOKEN = re.compile(r'\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?|[^\s,:\[\]{}"]+|[,:\[\]{}"]')
ELIDED = re.compile(r"^\[\.\.\. (\d+) more lines?\]$")


def blocks(text):
    """Yields (start, end) line indices of console blocks' contents."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```console":
            j = i + 1
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            yield i + 1, j
            i = j
        i += 1


def swift_files(text):
    """Yields (path, shown code) for ```swift blocks whose first line is `// file: PATH`."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip() == "```swift" and i + 1 < len(lines) and lines[i + 1].startswith("// file: "):
            j = i + 2
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            yield i + 2, j, lines[i + 1][len("// file: "):].strip()


def sessions(lines):
    """Splits a block's lines into (command, expected output lines)."""
    out = []
    for line in lines:
        if line.startswith("$ "):
            out.append([line[2:], []])
        elif out:
            if out[-1][1] == [] and out[-1][0].endswith("\\"):
                out[-1][0] = out[-1][0][:-1] + line.lstrip("> ")
            else:
                out[-1][1].append(line)
    return out


def same_token(a, b):
    if a == b or (RUN_TIME.match(a) and RUN_TIME.match(b)) or (RUN_UUID.match(a) and RUN_UUID.match(b)):
        return True
    if NUMBER.match(a) and NUMBER.match(b):
        x, y = float(a.rstrip("%")), float(b.rstrip("%"))
        return abs(x - y) <= max(1e-9, 1e-3 * max(abs(x), abs(y)))
    return False


def tokens(line):
    """A line's tokens: its words, numbers and separators, white space dropped."""
    return TOKEN.findall(line)


def matches(expected, actual):
    exp = [l.rstrip() for l in expected]
    act = [l.rstrip() for l in actual]
    i = j = 0
    while i < len(exp):
        m = ELIDED.match(exp[i].strip())
        if m:
            j += int(m.group(1))
            i += 1
            continue
        if j >= len(act):
            return False, f"missing line: {exp[i]!r}"
        a, b = tokens(exp[i]), tokens(act[j])
        if len(a) != len(b) or not all(same_token(x, y) for x, y in zip(a, b)):
            return False, f"expected {exp[i]!r}\n     got {act[j]!r}"
        i += 1
        j += 1
    if j != len(act):
        return False, f"unexpected output: {act[j]!r}"
    return True, ""


def shown(output, limit=40):
    """The output as a notebook shows it: long outputs are cut with an elision line."""
    lines = output.rstrip("\n").split("\n") if output.strip() else []
    if len(lines) > limit:
        lines = lines[:limit - 6] + [f"[... {len(lines) - limit + 6 - 5} more lines]"] + lines[-5:]
    return lines


def run(command, quick):
    if quick:  # figures of a quick run go elsewhere: the notebooks keep the real ones
        quick_figures = os.path.join(ROOT, ".build", "notebooks-quick")
        os.makedirs(quick_figures, exist_ok=True)
        command = command.replace("notebooks-md/figures/", quick_figures + "/")
    binaries = os.environ.get("FORECAST_BIN_DIR", os.path.join(ROOT, ".build", "release"))
    env = dict(os.environ, PATH=binaries + ":" + os.environ["PATH"],
               OPENBLAS_NUM_THREADS="1", COLUMNS="200")
    if quick:
        env["FORECAST_QUICK"] = "1"
    p = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def main():
    args = sys.argv[1:]
    quick, update = "--quick" in args, "--update" in args
    files = [a for a in args if not a.startswith("--")] or sorted(
        os.path.join(ROOT, "notebooks-md", f) for f in os.listdir(os.path.join(ROOT, "notebooks-md")) if f.endswith(".md")
        and f[0].isdigit())
    failures = 0
    for path in files:
        text = open(path).read()
        lines = text.split("\n")
        replaced = []
        for start, end, source in swift_files(text):
            code = open(os.path.join(ROOT, source)).read().rstrip("\n").split("\n")
            if update:
                replaced.append((start, end, code))
            elif lines[start:end] != code:
                failures += 1
                print(f"FAIL {os.path.basename(path)}: the code shown differs from {source}")
        for start, end in blocks(text):
            new_block = []
            for command, expected in sessions(lines[start:end]):
                code, output = run(command, quick)
                label = f"{os.path.basename(path)}: $ {command[:90]}"
                if code != 0:
                    failures += 1
                    print(f"FAIL {label}\n  exit {code}: {output.strip()[-400:]}")
                elif not quick and not update:
                    ok, why = matches(expected, output.rstrip("\n").split("\n") if output.strip() else [])
                    if not ok:
                        failures += 1
                        print(f"FAIL {label}\n  {why}")
                    else:
                        print(f"ok   {label}")
                else:
                    print(f"ok   {label}")
                new_block += ["$ " + command] + shown(output)
            replaced.append((start, end, new_block))
        if update:
            for start, end, new_block in sorted(replaced, reverse=True):
                lines[start:end] = new_block
            open(path, "w").write("\n".join(lines))
    print(f"{'FAILED' if failures else 'passed'}: {failures} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
