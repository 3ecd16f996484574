import argparse
import asyncio
import logging

from tools.graph_standin.server import serve


def main() -> None:
    parser = argparse.ArgumentParser(description="A local stand-in of Microsoft Graph v1.0 (Outlook calendars)")
    parser.add_argument("--port", type=int, default=7073)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(args.port, args.host))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
