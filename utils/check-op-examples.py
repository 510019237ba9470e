#!/usr/bin/env python3
"""Checks that every ```mlir example in ODS descriptions appears in a test.

usage: check-op-examples.py TEST.mlir FILE.td [FILE.td ...]

Examples and test are compared with comments dropped and white space folded,
so an example may be spread over lines differently in the test. Exits 1 and
names each example that is missing.
"""
import re
import sys


def normalize(text):
    lines = [re.sub(r"//.*", "", line) for line in text.splitlines()]
    return " ".join(" ".join(lines).split())


def examples(td_text):
    for match in re.finditer(r"```mlir\n(.*?)```", td_text, re.S):
        yield match.group(1)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    test = normalize(open(argv[1]).read())
    missing = 0
    for td in argv[2:]:
        for example in examples(open(td).read()):
            # Type examples list one type per line; check each on its own.
            pieces = ([l for l in example.splitlines() if l.strip()]
                      if example.lstrip().startswith("!") else [example])
            for piece in pieces:
                if normalize(piece) not in test:
                    print(f"{td}: example not in {argv[1]}:\n{example}",
                          file=sys.stderr)
                    missing += 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
