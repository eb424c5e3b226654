#!/usr/bin/env python3
"""Selective build: a registration source with only the ops given models use.

  scripts/selective_build.py generate MODEL.tflite... -o ops_selected.cc
  cmake -S . -B build-min -DEDGEML_SELECTED_OPS=$PWD/ops_selected.cc
  scripts/selective_build.py size build-min     # stripped libedgeml.so size

`generate` reads each model's operator codes (a minimal FlatBuffers reader,
no packages needed) and writes a C++ file defining BuiltinOpResolver's
constructor that calls only the registration functions providing those ops.
With EDGEML_SELECTED_OPS set, the library compiles that file instead of the
full constructor in src/ops/registry.cc, so a program (or shared library)
linked against the static libedgeml.a pulls in only the op files the model
needs: everything else is never referenced.

Which registration function provides which op is read from the sources:
the functions `void RegisterX(OpResolver* r)` declared in src/ops/*.h, and
in their bodies the `BuiltinOperator::NAME` / `Op::NAME` codes, the
`AddCustom("name"` custom ops and the registration functions they call. An
op whose registration comes from its own function declared in a header
(`OpRegistration MeanRegistration();` in spatial_family.h) is added alone;
any other op is taken from the registration function with the fewest ops
that provides it (e.g. SOFTMAX from RegisterSoftmaxOps, not from the whole
elementwise family). The selective build compiles with -ffunction-sections
so that the linker drops the unused parts of a family's file.

`size BUILD_DIR` links libedgeml.so from BUILD_DIR/libedgeml.a exposing the
C API (every edgeml_* function of include/edgeml/c_api.h) with unused
sections dropped, strips it and prints its size; it uses the compiler and
strip recorded in BUILD_DIR/CMakeCache.txt, so it works for cross builds.
"""

import argparse
import datetime
import os
import re
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------------------
# Reading operator codes from a .tflite file.

class FlatBufferError(Exception):
    pass


def _u32(buf, pos):
    if pos < 0 or pos + 4 > len(buf):
        raise FlatBufferError("offset %d out of range" % pos)
    return struct.unpack_from("<I", buf, pos)[0]


def _table_field(buf, table, field):
    """Absolute position of scalar/offset field `field` of the table at
    `table`, or None if absent."""
    vtable = table - struct.unpack_from("<i", buf, table)[0]
    vsize = struct.unpack_from("<H", buf, vtable)[0]
    entry = 4 + 2 * field
    if entry + 2 > vsize:
        return None
    off = struct.unpack_from("<H", buf, vtable + entry)[0]
    return table + off if off else None


def _deref(buf, pos):
    return pos + _u32(buf, pos)


def builtin_names(schema_path):
    """BuiltinOperator value -> name, from our schema."""
    text = open(schema_path).read()
    m = re.search(r"enum BuiltinOperator\s*:\s*\w+\s*\{(.*?)\}", text, re.S)
    if not m:
        raise SystemExit("BuiltinOperator enum not found in %s" % schema_path)
    body = re.sub(r"//[^\n]*", "", m.group(1))
    names = {}
    for name, value in re.findall(r"([A-Z0-9_]+)\s*=\s*(-?\d+)", body):
        names[int(value)] = name
    return names


def model_ops(path, names):
    """(builtin names, custom names) of a model's operator codes."""
    buf = open(path, "rb").read()
    if len(buf) < 8 or buf[4:8] != b"TFL3":
        raise SystemExit("%s: not a .tflite model (no TFL3 identifier)" % path)
    try:
        root = _deref(buf, 0)
        codes_field = _table_field(buf, root, 1)  # Model.operator_codes
        builtins, customs = set(), set()
        if codes_field is None:
            return builtins, customs
        vec = _deref(buf, codes_field)
        for i in range(_u32(buf, vec)):
            code = _deref(buf, vec + 4 + 4 * i)
            dep = _table_field(buf, code, 0)
            deprecated = struct.unpack_from("<b", buf, dep)[0] if dep else 0
            cur = _table_field(buf, code, 3)
            builtin = struct.unpack_from("<i", buf, cur)[0] if cur else 0
            effective = max(deprecated, builtin)
            name = names.get(effective, "BUILTIN_%d" % effective)
            if name == "CUSTOM":
                custom = _table_field(buf, code, 1)
                if custom is None:
                    raise SystemExit("%s: CUSTOM operator code without a name" % path)
                s = _deref(buf, custom)
                customs.add(buf[s + 4:s + 4 + _u32(buf, s)].decode("utf-8", "replace"))
            else:
                builtins.add(name)
        return builtins, customs
    except (FlatBufferError, struct.error) as e:
        raise SystemExit("%s: malformed model (%s)" % (path, e))


# ---------------------------------------------------------------------------
# Which registration function provides which op.

def _body(text, start):
    """Text of the brace block opening at or after `start`."""
    i = text.index("{", start)
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i:j + 1]
    raise SystemExit("unbalanced braces")


def registrants(src_dir):
    """name -> {ops, customs, calls, ns, header} for every registration
    function; ns/header only for those declared in a header."""
    regs = {}
    for sub in ("ops", os.path.join("ops", "custom")):
        d = os.path.join(src_dir, sub)
        for f in sorted(os.listdir(d)):
            if not f.endswith(".cc"):
                continue
            text = open(os.path.join(d, f)).read()
            for m in re.finditer(r"\bvoid\s+(Register\w+)\s*\(\s*OpResolver\s*\*\s*\w+\s*\)\s*\{",
                                 text):
                body = _body(text, m.start())
                body = re.sub(r"//[^\n]*", "", body)
                regs[m.group(1)] = {
                    "ops": set(re.findall(r"(?:BuiltinOperator|\bOp)::([A-Z0-9_]+)", body)),
                    "customs": set(re.findall(r"AddCustom\(\s*\"([^\"]+)\"", body)),
                    "calls": set(re.findall(r"(Register\w+)\s*\(\s*\w+\s*\)", body)),
                    # op -> its own registration function, e.g.
                    # add(tfl::BuiltinOperator::MEAN, MeanRegistration());
                    "per_op": dict(re.findall(
                        r"(?:BuiltinOperator|\bOp)::([A-Z0-9_]+)\s*\)?\s*,\s*"
                        r"(?:\w+::)*(\w+Registration)\s*\(\s*\)", body)),
                    "file": os.path.join(sub, f),
                }
    per_op = {}  # registration function returning one op's OpRegistration -> (ns, header)
    for sub in ("ops", os.path.join("ops", "custom")):
        d = os.path.join(src_dir, sub)
        for f in sorted(os.listdir(d)):
            if not f.endswith(".h"):
                continue
            ns = None
            for line in open(os.path.join(d, f)):
                m = re.match(r"\s*namespace\s+([\w:]+)\s*\{", line)
                if m:
                    ns = m.group(1)
                m = re.match(r"\s*OpRegistration\s+(\w+Registration)\s*\(\s*\)\s*;", line)
                if m and ns:
                    per_op[m.group(1)] = (ns, os.path.join(sub, f))
                m = re.match(r"\s*void\s+(Register\w+)\s*\(\s*OpResolver\s*\*\s*\w*\s*\)\s*;", line)
                if m and m.group(1) in regs and ns:
                    regs[m.group(1)]["ns"] = ns
                    regs[m.group(1)]["header"] = os.path.join(sub, f)
    # Transitive op sets.
    def closure(name, seen):
        r = regs[name]
        ops, customs = set(r["ops"]), set(r["customs"])
        for c in r["calls"]:
            if c in regs and c not in seen:
                o, cu = closure(c, seen | {c})
                ops |= o
                customs |= cu
        return ops, customs
    for name in regs:
        regs[name]["all_ops"], regs[name]["all_customs"] = closure(name, {name})
        regs[name]["per_op"] = {op: (fn,) + per_op[fn]
                                for op, fn in regs[name]["per_op"].items() if fn in per_op}
    return regs


def choose(regs, builtins, customs):
    """Registration functions (callable from a header) covering the ops,
    the smallest provider for each; exits naming any op nobody provides."""
    callable_regs = {n: r for n, r in regs.items() if "ns" in r}
    chosen, single, missing = {}, {}, []
    for op in sorted(builtins):
        for r in regs.values():
            if op in r["per_op"]:
                single[op] = r["per_op"][op]  # (function, namespace, header)
    for kind, wanted in (("all_ops", sorted(set(builtins) - set(single))),
                         ("all_customs", sorted(customs))):
        for op in wanted:
            providers = [n for n, r in callable_regs.items() if op in r[kind]]
            if not providers:
                missing.append(op)
                continue
            best = min(providers, key=lambda n: (len(callable_regs[n]["all_ops"]) +
                                                 len(callable_regs[n]["all_customs"]), n))
            chosen.setdefault(best, []).append(op)
    if missing:
        raise SystemExit("no registration in src/ops provides: %s (edgeml does not implement them)"
                         % ", ".join(missing))
    return chosen, single


def generate(args):
    names = builtin_names(os.path.join(ROOT, "src", "format", "tflite.fbs"))
    builtins, customs = set(), set()
    for path in args.models:
        b, c = model_ops(path, names)
        builtins |= b
        customs |= c
    regs = registrants(os.path.join(ROOT, "src"))
    chosen, single = choose(regs, builtins, customs)
    codes = {name: value for value, name in names.items()}
    headers = sorted({regs[n]["header"] for n in chosen} | {h for _, _, h in single.values()})
    lines = [
        "// Generated by scripts/selective_build.py; do not edit.",
        "// Models: " + ", ".join(os.path.basename(p) for p in args.models),
        "// Ops: " + ", ".join(sorted(builtins) + sorted(customs)),
        "//",
        "// BuiltinOpResolver with only the registration functions these ops need",
        "// (built with -DEDGEML_SELECTED_OPS=<this file>).",
        '#include "edgeml/op_resolver.h"',
    ]
    lines += ['#include "%s"' % h for h in headers]
    lines += ["", "namespace edgeml {", "", "BuiltinOpResolver::BuiltinOpResolver() {"]
    for op in sorted(single):
        fn, ns, _ = single[op]
        lines.append("  AddBuiltin(%d, %s::%s());  // %s" % (codes[op], ns, fn, op))
    for n in sorted(chosen):
        lines.append("  %s::%s(this);  // %s" % (regs[n]["ns"], n, ", ".join(chosen[n])))
    lines += ["}", "", "}  // namespace edgeml", ""]
    out = "\n".join(lines)
    if args.output == "-":
        sys.stdout.write(out)
    else:
        with open(args.output, "w") as f:
            f.write(out)
        sys.stderr.write("%s: %d ops from %d registration functions\n"
                         % (args.output, len(builtins) + len(customs),
                            len(chosen) + len(single)))
    return 0


# ---------------------------------------------------------------------------
# Size of a stripped shared library exposing the C API.

def cache_value(build, key):
    for line in open(os.path.join(build, "CMakeCache.txt")):
        m = re.match(r"%s:[A-Z]+=(.*)" % re.escape(key), line.strip())
        if m:
            return m.group(1)
    return ""


def c_api_symbols():
    text = open(os.path.join(ROOT, "include", "edgeml", "c_api.h")).read()
    return sorted(set(re.findall(r"\b(edgeml_\w+)\s*\(", text)))


def size(args):
    build = os.path.abspath(args.build_dir)
    lib = os.path.join(build, "libedgeml.a")
    if not os.path.exists(lib):
        raise SystemExit("%s not found: build the edgeml target first" % lib)
    cxx = cache_value(build, "CMAKE_CXX_COMPILER")
    strip = cache_value(build, "CMAKE_STRIP") or "strip"
    stb = cache_value(build, "pkgcfg_lib_STB_stb")
    out = os.path.abspath(args.output or os.path.join(build, "libedgeml.so"))
    cmd = [cxx, "-shared", "-o", out, "-Wl,--gc-sections", "-Wl,--as-needed"]
    cmd += ["-Wl,--undefined=%s" % s for s in c_api_symbols()]
    cmd += [lib, stb or "-lstb", "-pthread"]
    subprocess.run(cmd, check=True)
    subprocess.run([strip, "--strip-all", out], check=True)
    n = os.path.getsize(out)
    print("%s: %d bytes (%.2f MiB) stripped" % (out, n, n / 1048576.0))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="write the registration source for MODEL...")
    g.add_argument("models", nargs="+")
    g.add_argument("-o", "--output", default="-")
    g.set_defaults(fn=generate)
    s = sub.add_parser("size", help="link, strip and measure libedgeml.so from a build")
    s.add_argument("build_dir")
    s.add_argument("-o", "--output")
    s.set_defaults(fn=size)
    args = p.parse_args()
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
