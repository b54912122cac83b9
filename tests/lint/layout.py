#!/usr/bin/env python3
"""The layout's rules, checked on every `make check` (tests/script/t_layout.sh runs this).

Each folder is one layer and may include only the layers below it (README, "Layout").
Prints one PASS:/FAIL: line per rule, the way tests/run.sh counts them, and names the
file and line of every breach.  Run from the top of the tree:

    python3 tests/lint/layout.py [BUILD_DIR]

With BUILD_DIR (where the objects are, e.g. build/asan) it also reads which module calls
which from the objects' symbols (nm), so a cycle hidden behind a shared header is found too."""
import collections, glob, os, re, subprocess, sys

# folder -> the folders its files may include (always itself too)
ALLOWED = {
    "model/base":     [],
    "model/identity": ["model/base"],
    "model/bio":      ["model/base"],
    "model/store":    ["model/base", "model/identity", "model/bio"],
    # The national tier (PostgreSQL through libpq): beside the store, never under it.
    "model/national": ["model/base", "model/identity"],
    # The check gateway over HTTPS (libcurl, issue 16): beside the store, never under it.
    "model/net":      ["model/base"],
    "workflow":       ["model/base", "model/identity", "model/bio", "model/store"],
    "print":          ["model/base", "model/identity", "model/bio", "model/store", "workflow"],
    "screens":        ["model/base", "model/identity", "model/bio", "model/store", "workflow", "print"],
    "app":            ["model/base", "model/identity", "model/bio", "model/store", "model/national", "model/net", "workflow", "print",
                       "screens"],
    "app/enrol":      ["model/base", "model/bio"],
}
# Headers private to a folder: only that folder (and tests) may include them.
PRIVATE = {"model/store/store_internal.h": "model/store",
           "model/national/national_internal.h": "model/national"}
# System headers that belong to one layer only.
SYSTEM_ONLY = {
    "sqlite3.h": ["model/store"],
    "libpq-fe.h": ["model/national"], "postgresql/libpq-fe.h": ["model/national"],
    "curses.h": ["screens"], "ncurses.h": ["screens"], "ncursesw/curses.h": ["screens"],
    "fprint.h": ["app/enrol"],
    "curl/curl.h": ["model/net"], "json-c/json.h": ["model/net"],
}
BANNED = re.compile(r"(?<![A-Za-z0-9_])(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi)\s*\(")

def folder_of(path):
    d = os.path.dirname(path)
    return d if d in ALLOWED else None

def sources():
    for top in ["model", "workflow", "print", "screens", "app"]:
        for root, _, files in os.walk(top):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.join(root, f)

def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)

failures = {"layers": [], "private": [], "system": [], "cycles": [], "banned": [], "placed": []}
deps = {}   # module (path without extension) -> set of modules it includes
for path in sources():
    folder = folder_of(path)
    if folder is None:
        failures["placed"].append(f"{path}: not in a folder of the layout")
        continue
    module = path[:-2]
    deps.setdefault(module.removesuffix("_internal"), set())
    text = open(path, encoding="utf-8").read()
    for n, line in enumerate(text.split("\n"), 1):
        m = re.match(r'\s*#\s*include\s*"([^"]+)"', line)
        if m:
            inc = m.group(1)
            target = folder_of(inc)
            if target is None:
                failures["layers"].append(f"{path}:{n}: includes \"{inc}\", which is not in the layout")
                continue
            if target != folder and target not in ALLOWED[folder]:
                failures["layers"].append(f"{path}:{n}: {folder}/ may not include {target}/ (\"{inc}\")")
            if inc in PRIVATE and folder != PRIVATE[inc]:
                failures["private"].append(f"{path}:{n}: \"{inc}\" is private to {PRIVATE[inc]}/")
            target_module = inc[:-2].removesuffix("_internal")
            if target_module != module.removesuffix("_internal"):
                deps[module.removesuffix("_internal")].add(target_module)
        m = re.match(r'\s*#\s*include\s*<([^>]+)>', line)
        if m and m.group(1) in SYSTEM_ONLY and folder not in SYSTEM_ONLY[m.group(1)]:
            failures["system"].append(f"{path}:{n}: <{m.group(1)}> belongs to {', '.join(SYSTEM_ONLY[m.group(1)])}/ only")
    if path.endswith(".c"):
        for n, line in enumerate(strip_comments(text).split("\n"), 1):
            m = BANNED.search(line)
            if m:
                failures["banned"].append(f"{path}:{n}: {m.group(1)}() (use the bounded, checked form)")

def symbol_deps(build):
    """module -> modules whose functions or data it uses, from nm on BUILD/<module>.o."""
    defined, used = {}, collections.defaultdict(set)
    for obj in glob.glob(os.path.join(build, "**", "*.o"), recursive=True):
        module = os.path.relpath(obj, build)[:-2]
        if folder_of(module + ".c") is None or not os.path.exists(module + ".c"):
            continue   # tests, tools, benchmarks, or a stale object whose source is gone
        for line in subprocess.run(["nm", obj], capture_output=True, text=True).stdout.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TDBR":
                defined[parts[2]] = module
            elif len(parts) == 2 and parts[0] == "U":
                used[module].add(parts[1])
    for module, symbols in used.items():
        for sym in symbols:
            owner = defined.get(sym)
            if owner and owner != module:
                deps.setdefault(module, set()).add(owner)

if len(sys.argv) > 1:
    symbol_deps(sys.argv[1])

# No two modules that need each other, directly or round a longer loop: every strongly
# connected group of modules (Tarjan) larger than one is a breach, named with its calls.
def strongly_connected(graph):
    index, low, stack, on_stack, groups = {}, {}, [], set(), []
    def connect(v):
        index[v] = low[v] = len(index)
        stack.append(v); on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop(); on_stack.discard(w); group.append(w)
                if w == v:
                    break
            groups.append(sorted(group))
    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            connect(v)
    return groups

for group in strongly_connected(deps):
    if len(group) > 1:
        members = set(group)
        calls = ", ".join(f"{a} -> {b}" for a in group for b in sorted(deps.get(a, ())) if b in members)
        failures["cycles"].append(f"modules that need each other: {calls}")

names = {
    "placed": "every source file sits in a folder of the layout",
    "layers": "each layer includes only the layers below it",
    "private": "model/store/store_internal.h and model/national/national_internal.h stay in their folders",
    "system": "sqlite3.h only in model/store/, libpq only in model/national/, libcurl and json-c only in model/net/, curses only in screens/, libfprint only in app/enrol/",
    "cycles": "no two modules need each other",
    "banned": "no strcpy, strcat, sprintf, vsprintf, gets, strtok, atoi",
}
bad = 0
for key, title in names.items():
    if failures[key]:
        bad += 1
        print(f"FAIL: {title}")
        for f in failures[key]:
            print(f"    {f}")
    else:
        print(f"PASS: {title}")
sys.exit(1 if bad else 0)
