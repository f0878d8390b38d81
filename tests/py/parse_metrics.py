"""Parses a Prometheus text page (stdin) with prometheus_client's parser, the one Prometheus's
Python tooling uses; prints one JSON line: each family's type and samples (name{labels} → value).
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

out = {"ok": True, "families": {}}
try:
    for fam in text_string_to_metric_families(sys.stdin.read()):
        samples = {}
        for s in fam.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
            samples[f"{s.name}{{{labels}}}"] = s.value
        out["families"][fam.name] = {"type": fam.type, "samples": samples}
except Exception as e:  # noqa: BLE001 - the test reads the message
    out = {"ok": False, "error": f"{type(e).__name__}: {e}"}
print(json.dumps(out))
