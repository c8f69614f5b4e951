"""Typical code: JSON round trips and string processing, 40,000 times
(the json package's Python layer around its C accelerator)."""
import json


def run():
    words = []
    for i in range(40_000):
        doc = {"id": i, "name": f"item-{i}", "tags": ["a", "b", str(i % 7)], "price": i * 0.5}
        back = json.loads(json.dumps(doc))
        words.append(back["name"].upper().replace("-", "_") + ":" + ",".join(back["tags"]))
    return len(" ".join(words).split())
