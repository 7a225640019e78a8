"""Starts localstripe for bench.sh: bound to 127.0.0.1 only, with its disk dump turned off.

localstripe's own entry point listens on all interfaces and pickles its whole store to
/tmp/localstripe.pickle after every write (which would also make it slower with every
request). Usage: python localstripe_serve.py PORT
Prints "listening on http://127.0.0.1:PORT" once the socket is bound.
"""

import sys

import aiohttp.web
import localstripe.resources
import localstripe.server


def _no_op(self):
    pass


def main() -> None:
    port = int(sys.argv[1])
    localstripe.resources.Store.dump_to_disk = _no_op
    localstripe.resources.Store.try_load_from_disk = _no_op

    async def ready(_app):
        print(f"listening on http://127.0.0.1:{port}", flush=True)

    localstripe.server.app.on_startup.append(ready)
    # No access log: the simulator does not log requests either.
    aiohttp.web.run_app(localstripe.server.app, host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main()
