"""python -m tools.devhost [--port N]: serve function_app.py against services already running."""

import argparse
import asyncio
import os
import sys
from pathlib import Path

from tools.devhost.host import configure_logging, load_settings, serve

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "7071")))
    args = parser.parse_args()
    configure_logging()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    load_settings(ROOT)
    try:
        asyncio.run(serve(ROOT, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
