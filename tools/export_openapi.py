"""Write the OpenAPI 3.0.3 documents that API Management imports (infra/openapi/v2.json, v3.json),
generated from the route groups of function_app.py by the generator that also serves
`{base}/openapi.json`. `make openapi` runs it; a test fails when the committed documents drift
from the code."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "infra" / "openapi"


def render(version: str) -> str:
    sys.path.insert(0, str(ROOT))
    import function_app  # noqa: F401 - importing registers every route group
    from functions.openapi_document import build_document

    return json.dumps(build_document(version), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for version in ("v2", "v3"):
        (OUTPUT / f"{version}.json").write_text(render(version), encoding="utf-8")
        print(f"wrote {OUTPUT / f'{version}.json'}")


if __name__ == "__main__":
    main()
