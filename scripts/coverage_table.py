#!/usr/bin/env python3
"""Writes docs/coverage.md: which builtin ops edgeml runs, for which data
types, and how every converter-made model in testdata/zoo, testdata/quant
and testdata/networks fares.

Reads only files in the repository (no TensorFlow, no edgeml build):
  docs/ops.md                              ops and versions edgeml registers
  testdata/zoo/manifest.json               op under test, ops in each model
  testdata/zoo/expected_status.txt         outcome of each zoo model
  testdata/quant/{manifest.json,expected_status.txt}
  testdata/networks/{manifest.json,expected_status.txt}
The expectation files are what the model tests check, so the table says what
`ctest` verified. Refresh after recording new expectations:
  python3 scripts/coverage_table.py            # rewrites docs/coverage.md
  python3 scripts/coverage_table.py --check    # exit 1 if the doc is stale
"""

import argparse
import collections
import json
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(REPO, "docs", "coverage.md")

# testdata/quant modes -> the data type column they prove.
QUANT_MODE_DTYPE = {"int8": "int8", "u8io": "int8", "fio": "int8", "u8": "uint8", "16x8": "int16",
                    "dyn": "hybrid", "f16": "float16 weights"}
DTYPES = ["float32", "int8", "uint8", "int16", "hybrid", "float16 weights"]
# testdata/zoo variants (scripts/make_zoo.py) -> the data type column they prove.
ZOO_VARIANT_DTYPE = {None: "float32", "int8": "int8", "dyn": "hybrid", "f16": "float16 weights"}
VARIANT_LABEL = {"int8": "int8", "dyn": "dynamic range", "f16": "float16 weights"}


def read_expectations(path):
    out = {}
    with open(path) as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line or line.startswith("#") or " " not in line:
                continue
            name, status = line.split(" ", 1)
            out[name] = status
    return out


def read_manifest(path):
    with open(path) as fh:
        return json.load(fh)


def supported_ops():
    """{op: versions} from the "## Ops" table of docs/ops.md."""
    ops = {}
    with open(os.path.join(REPO, "docs", "ops.md")) as fh:
        text = fh.read()
    section = text.split("## Ops", 1)[1]
    for m in re.finditer(r"^\| (\S+) \| ([0-9-]+) \| builtin \|$", section, re.M):
        ops[m.group(1)] = m.group(2)
    return ops


def implemented_types():
    """{op: "float32, int8, ..."} from the "## Data types" table of docs/ops.md."""
    with open(os.path.join(REPO, "docs", "ops.md")) as fh:
        section = fh.read().split("## Data types", 1)[1].split("\n## ", 1)[0]
    rows = [r.strip().strip("|").split("|") for r in section.splitlines() if r.startswith("| ")]
    header = [c.strip() for c in rows[0]][1:]
    out = {}
    for row in rows[1:]:
        cells = [c.strip() for c in row]
        if set("".join(cells)) <= set("-"):
            continue
        ops = re.sub(r"^[a-z ]+:\s*", "", cells[0])
        rest = cells[1:]
        if all(not c for c in rest[1:]):
            desc = rest[0]  # one free-text cell (QUANTIZE, CAST, data movement)
        else:
            desc = ", ".join(h.split(" (")[0] for h, c in zip(header, rest) if c and c != "-")
        for op in ops.split(","):
            out[op.strip()] = desc
    return out


def missing_ops(status):
    """Ops named by an 'unsupported ops: X (node 0), Y (node 2)' message."""
    m = re.search(r"unsupported ops: (.*)", status)
    if not m:
        return []
    return sorted(set(re.findall(r"([A-Z0-9_]+) \(node \d+\)", m.group(1))))


def outcome_cell(status):
    if status == "pass" or status == "exact":
        return "pass"
    if status.startswith("mismatch"):
        return "**MISMATCH**" + status[len("mismatch"):]
    miss = missing_ops(status)
    if miss:
        return "unsupported: " + ", ".join(miss)
    return status.replace("|", "\\|")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="fail if docs/coverage.md is not up to date")
    args = ap.parse_args()

    supported = supported_ops()
    implemented = implemented_types()
    zoo = read_manifest(os.path.join(REPO, "testdata", "zoo", "manifest.json"))
    zoo_status = read_expectations(os.path.join(REPO, "testdata", "zoo", "expected_status.txt"))
    quant = read_manifest(os.path.join(REPO, "testdata", "quant", "manifest.json"))
    quant_status = read_expectations(os.path.join(REPO, "testdata", "quant", "expected_status.txt"))
    nets = read_manifest(os.path.join(REPO, "testdata", "networks", "manifest.json"))
    net_status = read_expectations(os.path.join(REPO, "testdata", "networks", "expected_status.txt"))

    # Data types proven per op: a model passing whose graph contains the op.
    proven = collections.defaultdict(set)
    for e in zoo["models"]:
        if zoo_status.get(e["name"]) == "pass":
            for op in e["ops"]:
                proven[op].add(ZOO_VARIANT_DTYPE[e.get("variant")])
            if any(i["dtype"] == "int32" for i in e["inputs"]) and e["kind"] == "op" and not e.get("variant"):
                proven[e["op"]].add("int32")
    for e in quant["models"]:
        if quant_status.get(e["name"]) == "exact":
            for op in e["ops"]:
                proven[op].add(QUANT_MODE_DTYPE[e["mode"]])
    for e in nets["models"]:
        if net_status.get(e["name"]) == "exact":
            for op in e["ops"]:
                proven[op].add(QUANT_MODE_DTYPE.get(e["mode"], "float32"))

    ops_models = [e for e in zoo["models"] if e["kind"] == "op" and not e.get("variant")]
    variant_models = [e for e in zoo["models"] if e["kind"] == "op" and e.get("variant")]
    net_models = [e for e in zoo["models"] if e["kind"] == "network"]
    by_op = collections.defaultdict(list)
    for e in ops_models:
        by_op[e["op"]].append(e)
    variants_by_op = collections.defaultdict(list)
    for e in variant_models:
        variants_by_op[e["op"]].append(e)
    all_ops = sorted(set(by_op) | set(supported))

    blocked = collections.Counter()
    for e in zoo["models"]:
        for op in missing_ops(zoo_status.get(e["name"], "")):
            blocked[op] += 1
    counts = collections.Counter()
    for e in zoo["models"]:
        st = zoo_status.get(e["name"], "no expectation")
        counts["pass" if st == "pass" else st.split(":", 1)[0]] += 1

    out = []
    w = out.append
    w("# Op and model coverage")
    w("")
    w("Which TensorFlow Lite builtin ops edgeml runs, for which data types, and the outcome of every")
    w("converter-made model in the repository's suites: what a model you bring from the TensorFlow")
    w("converter can expect. **Generated** by `scripts/coverage_table.py` from the manifests and the")
    w("expectation files that the model tests check (`testdata/zoo`, `testdata/quant`,")
    w("`testdata/networks`); do not edit by hand. To refresh after an op lands:")
    w("")
    w("```")
    w("cmake --build build --target zoo_test && (cd build/tests && EDGEML_RECORD_ZOO_EXPECTATIONS=1 ./zoo_test)")
    w("python3 scripts/coverage_table.py")
    w("```")
    w("")
    w("The zoo (`scripts/make_zoo.py`, `tests/model/zoo_test.cc`) holds float32 models as TensorFlow")
    w("2.21's converter emits them: every op in several variants (strides, dilation, padding modes,")
    w("fused activations, broadcasting, axes, keep_dims, resize modes, ...) and small whole networks,")
    w("with goldens from LiteRT 2.3.0's reference kernels (`BUILTIN_REF`; its optimized kernels for")
    w("ELU, CEIL and ROUND, which have no reference kernel). A float output passes when")
    w("max_abs_err <= 1e-4 x max(1, max|ref|); integer and bool outputs must be identical. Every op")
    w("model also comes, where the converter and LiteRT support it, as the same graph converted to")
    w("full-integer int8 (representative dataset, int8 I/O: outputs must be identical to LiteRT's),")
    w("dynamic range (int8 weights, float activations; only weights of >= 1024 elements are quantized,")
    w("so only the `*_wide` models have one) and float16 weights. More quantized outcomes come from")
    w("`testdata/quant` (single-op models in int8, uint8, 16x8, hybrid and float16) and `testdata/networks`.")
    w("")
    w("Outcomes: **pass**; **unsupported: OPS** (edgeml does not implement the named ops yet and says")
    w("so at `Interpreter::Create`); **MISMATCH** (edgeml runs it but differs from LiteRT: a bug).")
    w("")
    w("What the converter makes of some TF calls (visible as \"converter emits\" below): Keras 3")
    w("LSTM/GRU layers become a WHILE loop (not UNIDIRECTIONAL_SEQUENCE_LSTM), or with `unroll=True`")
    w("plain FULLY_CONNECTED/SPLIT/LOGISTIC/TANH; `tf.nn.embedding_lookup` and Keras Embedding become")
    w("GATHER (not EMBEDDING_LOOKUP), with LESS/ADD/SELECT for negative ids; `tf.squeeze` and")
    w("`tf.expand_dims` on static shapes become RESHAPE; PReLU fuses to PRELU only with a full-shape")
    w("alpha; `tf.ones_like` on a dynamic shape becomes SHAPE + BROADCAST_TO.")
    w("")
    w("## Summary")
    w("")
    w("| suite | models | pass | unsupported | mismatch | other |")
    w("|---|---|---|---|---|---|")
    zoo_rows = [("zoo: single ops, float32", ops_models)]
    for v in ("int8", "dyn", "f16"):
        zoo_rows.append(("zoo: single ops, %s" % VARIANT_LABEL[v], [e for e in variant_models if e["variant"] == v]))
    zoo_rows.append(("zoo: networks", net_models))
    for label, models in zoo_rows:
        c = collections.Counter()
        for e in models:
            st = zoo_status.get(e["name"], "none")
            c["pass" if st == "pass" else st.split(":", 1)[0]] += 1
        w("| %s | %d | %d | %d | %d | %d |" % (label, len(models), c["pass"], c["unsupported"], c["mismatch"],
                                          len(models) - c["pass"] - c["unsupported"] - c["mismatch"]))
    for label, st_map in [("quant (testdata/quant)", quant_status), ("networks (testdata/networks)", net_status)]:
        c = collections.Counter("pass" if s == "exact" else s.split(":", 1)[0] for s in st_map.values())
        w("| %s | %d | %d | %d | %d | %d |" % (label, len(st_map), c["pass"], c["unsupported"], c["mismatch"],
                                          len(st_map) - c["pass"] - c["unsupported"] - c["mismatch"]))
    w("")
    w("## Missing ops, by zoo models they block")
    w("")
    w("| op | zoo models blocked |")
    w("|---|---|")
    for op, n in sorted(blocked.items(), key=lambda kv: (-kv[1], kv[0])):
        w("| %s | %d |" % (op, n))
    w("")
    w("## Per op")
    w("")
    w("*Versions*: the op versions edgeml registers. *Data types*: what edgeml implements (docs/ops.md).")
    w("*Proven*: types for which a model containing the op passes in one of the suites (zoo: float32,")
    w("int32; quant and networks: int8, uint8, int16 (16x8), hybrid, float16 weights).")
    w("*Zoo variants*: outcome of each float32 model whose op under test this is. *Quantized")
    w("variants*: how many of that op's int8, dynamic-range and float16-weight zoo models pass, with")
    w("the outcome of any that does not.")
    w("")
    w("| op | edgeml | versions | data types | proven | zoo variants | quantized variants |")
    w("|---|---|---|---|---|---|---|")
    for op in all_ops:
        types = [t for t in DTYPES + ["int32"] if t in proven.get(op, set())]
        variants = []
        for e in by_op.get(op, []):
            cell = outcome_cell(zoo_status.get(e["name"], "no expectation"))
            note = ""
            if op not in e["ops"]:
                note = " (converter emits %s)" % " ".join(sorted(set(e["ops"])))
            variants.append("`%s`%s: %s" % (e["name"], note, cell))
        quantized = []
        for v in ("int8", "dyn", "f16"):
            vs = [e for e in variants_by_op.get(op, []) if e["variant"] == v]
            if not vs:
                continue
            bad = [e for e in vs if zoo_status.get(e["name"]) != "pass"]
            quantized.append("%s %d/%d" % (VARIANT_LABEL[v], len(vs) - len(bad), len(vs)))
            quantized += ["`%s`: %s" % (e["name"], outcome_cell(zoo_status.get(e["name"], "no expectation")))
                          for e in bad]
        w("| %s | %s | %s | %s | %s | %s | %s |" % (op, "yes" if op in supported else "**no**", supported.get(op, "-"),
                                                    implemented.get(op, "-") if op in supported else "-",
                                                    ", ".join(types) or "-", "<br>".join(variants) or "-",
                                                    "<br>".join(quantized) or "-"))
    w("")
    w("## Whole networks")
    w("")
    w("| network | suite | ops in the graph | outcome |")
    w("|---|---|---|---|")
    for e in net_models:
        ops = " ".join(sorted(set(e["ops"])))
        shapes = "; ".join("%s %s" % (i["dtype"], i["shape"]) for i in e["inputs"])
        w("| `%s` (input %s) | zoo, %s | %s | %s |" % (e["name"], shapes, VARIANT_LABEL.get(e.get("variant"), "float32"),
                                                      ops, outcome_cell(zoo_status.get(e["name"], "none"))))
    for e in nets["models"]:
        w("| `%s` | networks, %s | %s | %s |" % (e["name"], e["mode"], " ".join(sorted(set(e["ops"]))),
                                                outcome_cell(net_status.get(e["name"], "none"))))
    w("")
    text = "\n".join(out)

    if args.check:
        with open(DOC) as fh:
            if fh.read() != text:
                print("docs/coverage.md is stale: run python3 scripts/coverage_table.py", file=sys.stderr)
                return 1
        return 0
    with open(DOC, "w") as fh:
        fh.write(text)
    print("wrote %s: %d zoo models (%s)" % (DOC, len(zoo["models"]), dict(counts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
