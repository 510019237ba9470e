#!/usr/bin/env python3
"""Checks that kilnc rejects malformed programs cleanly.

usage: check-rejects.py KILNC [--truncations N] FILE...

Each FILE is split at `// -----` lines, as `-split-input-file` does, and every
piece is compiled by KILNC on its own. Every piece must be rejected: exit
status 1, an `error:` that names the piece's file, line and column, and no
crash (no signal, no stack dump) or hang. With --truncations N, N prefixes of
each whole FILE, cut at evenly spaced points, are compiled too: they may be
accepted or rejected, but must never crash or hang.

Prints one line per failure and a summary; exits 1 if anything failed.
"""
import os
import re
import subprocess
import sys
import tempfile

CRASH_MARKS = ("Stack dump", "PLEASE submit a bug report", "Assertion",
               "Segmentation fault", "terminate called")


def run(kilnc, path):
    """Runs kilnc on path; returns (status, stderr) or (None, why)."""
    try:
        proc = subprocess.run([kilnc, path, "--emit=ptx", "-o", os.devnull],
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "timed out (hang?)"
    return proc.returncode, proc.stderr


def crashed(status, stderr):
    return status is None or status < 0 or status > 1 or any(
        mark in stderr for mark in CRASH_MARKS)


def main(argv):
    args = argv[1:]
    if not args:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    kilnc = args.pop(0)
    truncations = 0
    if args and args[0] == "--truncations":
        truncations = int(args[1])
        args = args[2:]
    failures = 0
    rejected = 0
    survived = 0
    with tempfile.TemporaryDirectory() as tmp:
        for source in args:
            text = open(source).read()
            pieces = re.split(r"^// -----\s*$", text, flags=re.M)
            for i, piece in enumerate(pieces):
                path = os.path.join(tmp, f"piece{i}.mlir")
                with open(path, "w") as f:
                    f.write(piece)
                status, stderr = run(kilnc, path)
                located = re.search(re.escape(path) + r":\d+:\d+: error:",
                                    stderr or "")
                if crashed(status, stderr) or status != 1 or not located:
                    failures += 1
                    first = piece.strip().splitlines()[-3:] if piece.strip() else []
                    print(f"FAIL {source} piece {i}: status {status}\n"
                          f"  input ends: {first}\n  stderr: {stderr[:400]}")
                else:
                    rejected += 1
            for t in range(1, truncations + 1):
                cut = len(text) * t // (truncations + 1)
                path = os.path.join(tmp, f"cut{t}.mlir")
                with open(path, "w") as f:
                    f.write(text[:cut])
                status, stderr = run(kilnc, path)
                if crashed(status, stderr):
                    failures += 1
                    print(f"CRASH {source} cut at {cut}: status {status}\n"
                          f"  stderr: {stderr[:400]}")
                else:
                    survived += 1
    print(f"rejected {rejected} malformed inputs with a located error; "
          f"{survived} truncated inputs without a crash; {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
