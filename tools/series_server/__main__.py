"""``python -m tools.series_server [--port 0] [--data DIR] ...``: run the reference server."""

from __future__ import annotations

import argparse
import json
import sys

from tools.series_server.server import SeriesServer


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.series_server", description=__doc__)
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    p.add_argument("--data", help="folder for the uploads (default: a temporary one)")
    p.add_argument("--token-ttl", type=float, default=3600.0, help="access token lifetime (s)")
    p.add_argument("--upload-ttl", type=float, default=None,
                   help="incomplete uploads expire after this many idle seconds")
    p.add_argument("--processing", type=float, default=0.2,
                   help="seconds an episode stays 'processing'")
    p.add_argument("--personal-token", action="store_true",
                   help="mint a personal access token and print it")
    p.add_argument("--verbose", action="store_true", help="log every request")
    args = p.parse_args(argv)
    server = SeriesServer(args.data, port=args.port, token_ttl=args.token_ttl,
                          upload_ttl=args.upload_ttl, processing_s=args.processing,
                          verbose=args.verbose)
    info = {"url": server.base_url, "port": server.server_address[1]}
    if args.personal_token:
        info["personal_token"] = server.state.mint_personal()
    print(json.dumps(info), flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
