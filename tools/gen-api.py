#!/usr/bin/env python3
"""Generate an API crate's operation table and typed shapes from its botocore model.

Usage: tools/gen-api.py SERVICE [path/to/service-2.json(.gz)]
  SERVICE is one of the keys of SERVICES below (cognito-idp, ...).
  With a path, it first refreshes the crate's vendored model (docs stripped).
  Then it regenerates src/operation.rs and src/shapes/*.rs of the crate.
Get a model with `pip download --no-deps botocore` (botocore/data/<service>/<version>/service-2.json).

Each crate keeps, beside the model, model/operations.tsv: what the model does not say (the family
of each operation, which names its handler file and its shape file, and its auth kind). Shapes
reachable from one family's operations only go to shapes/<family>.rs; shapes reachable from
several families go to shapes/common.rs. CI runs this and fails when the output differs from
what is committed.
"""
import gzip, json, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVICES = {
    "cognito-idp": {"crate": "api-idp", "model": "cognito-idp.json", "target": "AWSCognitoIdentityProviderService"},
    "cognito-identity": {"crate": "api-identity", "model": "cognito-identity.json", "target": "AWSCognitoIdentityService"},
    "sts": {"crate": "api-sts", "model": "sts.json", "target": ""},
    "cognito-sync": {"crate": "api-sync", "model": "cognito-sync.json", "target": ""},
}
RUST_KW = set("as break const continue crate else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while async await dyn abstract become box do final macro override priv typeof unsized virtual yield try".split())
AUTH = {"public": "Public", "user": "User", "admin": "Admin", "signed": "Signed"}


def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in ("documentation", "documentationUrl", "examples")}
    if isinstance(o, list):
        return [strip(x) for x in o]
    return o


def snake(name):
    for a, b in (("OAuth", "Oauth"), ("URLs", "Urls"), ("ARNs", "Arns"), ("URIs", "Uris"), ("IDs", "Ids")):
        name = name.replace(a, b)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = s.replace("-", "_").lower()
    return "r#" + s if s in RUST_KW else s


def variant(value):
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", value) if p]
    v = "".join(p[:1].upper() + p[1:].lower() if p.isupper() or p.islower() else p[:1].upper() + p[1:] for p in parts)
    if not v or v[0].isdigit():
        v = "V" + v
    return v


def module(family):
    return family.replace("-", "_")


def read_table(path):
    rows = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        name, family, auth = line.rstrip("\n").split("\t")
        if auth not in AUTH:
            raise SystemExit(f"{path}: unknown auth kind {auth!r} for {name}")
        rows[name] = (family, auth)
    return rows


def operation_rs(header, service, ops, table):
    names = sorted(ops)
    missing = [n for n in names if n not in table]
    extra = [n for n in table if n not in ops]
    if missing or extra:
        raise SystemExit(f"operations.tsv out of step with the model: missing {missing}, unknown {extra}")
    out = [header, f"//! Every operation of the {service} model, in one enum.\n\n",
           "use cognate_api::AuthKind;\n\n",
           f"/// All {len(names)} operations of `{service}`.\n",
           "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum Operation {\n"]
    out += [f"    {n},\n" for n in names]
    out.append("}\n\nimpl Operation {\n")
    out.append(f"    /// Every operation, sorted by name.\n    pub const ALL: [Operation; {len(names)}] = [\n")
    out += [f"        Operation::{n},\n" for n in names]
    out.append("    ];\n\n    /// Every operation name, in the order of [`Operation::ALL`].\n")
    out.append(f"    pub const NAMES: [&'static str; {len(names)}] = [\n")
    out += [f"        \"{n}\",\n" for n in names]
    out.append("    ];\n\n    /// The operation name as it appears in requests.\n")
    out.append("    pub fn name(self) -> &'static str {\n        Self::NAMES[self as usize]\n    }\n\n")
    out.append("    /// Looks an operation up by its exact model name.\n")
    out.append("    pub fn from_name(name: &str) -> Option<Self> {\n")
    out.append("        Self::NAMES.binary_search(&name).ok().map(|i| Self::ALL[i])\n    }\n\n")
    out.append("    /// Who may call it (model/operations.tsv).\n")
    out.append("    pub fn auth(self) -> AuthKind {\n        TABLE[self as usize].0\n    }\n\n")
    out.append("    /// The family it belongs to: its handler file and shape file.\n")
    out.append("    pub fn family(self) -> &'static str {\n        TABLE[self as usize].1\n    }\n\n")
    out.append("    /// The model's input shape name (validated before the handler runs).\n")
    out.append("    pub fn input_shape(self) -> Option<&'static str> {\n        TABLE[self as usize].2\n    }\n}\n\n")
    out.append("/// (auth kind, family, input shape), in the order of the enum.\n")
    out.append(f"const TABLE: [(AuthKind, &str, Option<&str>); {len(names)}] = [\n")
    for n in names:
        i = ops[n].get("input", {}).get("shape")
        val = 'Some("%s")' % i if i else "None"
        fam, auth = table[n]
        out.append(f"    (AuthKind::{AUTH[auth]}, \"{fam}\", {val}),\n")
    out.append("];\n")
    if all("requestUri" in ops[n].get("http", {}) and ops[n]["http"]["requestUri"] != "/" for n in names):
        # A REST protocol: each operation is a method and a path template.
        out.append("\n/// (method, path template with `{Label}`s), in the order of the enum (restJson1 routing).\n")
        out.append("#[rustfmt::skip]\n")
        out.append(f"pub const ROUTES: [(&str, &str); {len(names)}] = [\n")
        for n in names:
            h = ops[n]["http"]
            out.append(f"    (\"{h['method']}\", \"{h['requestUri']}\"),\n")
        out.append("];\n")
    return "".join(out)


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in SERVICES:
        raise SystemExit(__doc__)
    service = sys.argv[1]
    conf = SERVICES[service]
    crate = os.path.join(ROOT, "crates", conf["crate"])
    model_path = os.path.join(crate, "model", conf["model"])
    header = f"// @generated by tools/gen-api.py from the botocore {service} model. Do not edit.\n"
    if len(sys.argv) > 2:
        src = sys.argv[2]
        raw = json.load(gzip.open(src) if src.endswith(".gz") else open(src))
        with open(model_path, "w") as f:
            json.dump(strip(raw), f, separators=(",", ":"), sort_keys=True)
            f.write("\n")
    m = json.load(open(model_path))
    shapes, ops = m["shapes"], m["operations"]
    table = read_table(os.path.join(crate, "model", "operations.tsv"))
    open(os.path.join(crate, "src", "operation.rs"), "w").write(operation_rs(header, service, ops, table))

    # Which families reach each shape.
    reached_by = {}
    for name in sorted(ops):
        family = table[name][0]
        stack = [ops[name][k]["shape"] for k in ("input", "output") if k in ops[name]]
        seen = set()
        while stack:
            s = stack.pop()
            if s in seen:
                continue
            seen.add(s)
            reached_by.setdefault(s, set()).add(family)
            sh = shapes[s]
            if sh["type"] == "structure":
                stack += [mm["shape"] for mm in sh["members"].values()]
            elif sh["type"] == "list":
                stack.append(sh["member"]["shape"])
            elif sh["type"] == "map":
                stack += [sh["key"]["shape"], sh["value"]["shape"]]

    def rtype(sn):
        sh = shapes[sn]
        t = sh["type"]
        if t == "string":
            return sn if "enum" in sh else "String"
        if t in ("integer", "long"):
            return "i64"
        if t == "boolean":
            return "bool"
        if t in ("timestamp", "double", "float"):
            return "f64"
        if t == "blob":
            return "String"
        if t == "list":
            return f"Vec<{rtype(sh['member']['shape'])}>"
        if t == "map":
            return f"BTreeMap<String, {rtype(sh['value']['shape'])}>"
        if t == "structure":
            return "serde_json::Value" if sh.get("document") else sn
        raise ValueError(t)

    files, enums = {}, {}
    for sn in sorted(reached_by):
        sh = shapes[sn]
        fams = reached_by[sn]
        target = "common" if len(fams) > 1 else module(next(iter(fams)))
        if sh["type"] == "string" and "enum" in sh:
            vs = sh["enum"]
            names, seen = [], set()
            for v in vs:
                vn = variant(v)
                while vn in seen:
                    vn += "X"
                seen.add(vn)
                names.append(vn)
            lines = [f"/// Enum `{sn}` of the model.\n",
                     "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]\n",
                     f"pub enum {sn} {{\n"]
            for i, (v, vn) in enumerate(zip(vs, names)):
                lines.append(("    #[default]\n" if i == 0 else "") + f"    #[serde(rename = \"{v}\")]\n    {vn},\n")
            lines.append("}\n\n")
            lines.append(f"impl {sn} {{\n    /// The wire value.\n    pub fn as_str(self) -> &'static str {{\n        match self {{\n")
            for v, vn in zip(vs, names):
                lines.append(f"            {sn}::{vn} => \"{v}\",\n")
            lines.append("        }\n    }\n}\n\n")
            enums.setdefault(target, []).append("".join(lines))
        elif sh["type"] == "structure" and not sh.get("document") and not sh.get("exception"):
            req = set(sh.get("required", []))
            lines = [f"/// Structure `{sn}` of the model.\n",
                     "#[derive(Clone, Default, Serialize, Deserialize)]\n#[serde(default)]\n",
                     f"pub struct {sn} {{" + ("\n" if sh["members"] else "")]
            for mn, mm in sh["members"].items():
                ty = rtype(mm["shape"])
                if mn in req:
                    lines.append(f"    #[serde(rename = \"{mn}\")]\n    pub {snake(mn)}: {ty},\n")
                else:
                    lines.append(f"    #[serde(rename = \"{mn}\", skip_serializing_if = \"Option::is_none\")]\n    pub {snake(mn)}: Option<{ty}>,\n")
            lines.append("}\n\n")
            files.setdefault(target, []).append("".join(lines))

    # A family's enums join its structures unless that makes a file of more than 800 lines.
    for name, items in enums.items():
        lines = sum(x.count("\n") for x in files.get(name, []) + items)
        target = name if lines <= 800 else name + "_enums"
        files.setdefault(target, []).extend(items)

    outdir = os.path.join(crate, "src", "shapes")
    os.makedirs(outdir, exist_ok=True)
    for f in os.listdir(outdir):
        if f.endswith(".rs") and f != "mod.rs":
            os.remove(os.path.join(outdir, f))
    prelude = ("#![allow(clippy::all, non_camel_case_types)]\n#[allow(unused_imports)]\nuse super::*;\n#[allow(unused_imports)]\n"
               "use serde::{Deserialize, Serialize};\n#[allow(unused_imports)]\nuse std::collections::BTreeMap;\n\n")
    mods = sorted(files)
    for name in mods:
        family = name.removesuffix("_enums")
        doc = ("//! Shapes that operations of several families share.\n" if name == "common"
               else f"//! Shapes of the `{family.replace('_', '-')}` operations only.\n")
        with open(os.path.join(outdir, name + ".rs"), "w") as f:
            f.write(header + doc + prelude + "".join(files[name]).rstrip() + "\n")
    with open(os.path.join(outdir, "generated.rs"), "w") as f:
        f.write(header + "//! The model's structures and enums, one file per operation family.\n")
        f.write("#![allow(missing_docs)]\n")
        for n in mods:
            f.write(f"#[path = \"{n}.rs\"]\nmod {n};\n")
        for n in mods:
            f.write(f"pub use {n}::*;\n")
    print(f"{service}: {len(ops)} operations, {sum(len(v) for v in files.values())} shapes in {len(mods)} files")


if __name__ == "__main__":
    main()
