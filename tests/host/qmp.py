#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one QMP command to a running QEMU and print its answer as JSON.

Usage: qmp.py <socket> <command> [<arguments as JSON object>]

The exit status is 0 for a "return", 1 for an "error" (printed to stderr)
and 2 when QEMU cannot be reached. Events that arrive first are skipped.
"""
import json
import socket
import sys
import time


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path, command = sys.argv[1], sys.argv[2]
    args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    for _ in range(50):
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
            break
        except OSError:
            time.sleep(0.2)
    else:
        print("qmp: no QEMU at " + path, file=sys.stderr)
        return 2
    f = sock.makefile("rw")

    def ask(name, arguments=None):
        req = {"execute": name}
        if arguments:
            req["arguments"] = arguments
        f.write(json.dumps(req) + "\n")
        f.flush()
        while True:
            line = f.readline()
            if not line:
                raise OSError("QEMU closed the QMP connection")
            msg = json.loads(line)
            if "return" in msg or "error" in msg:
                return msg

    f.readline()  # greeting
    ask("qmp_capabilities")
    msg = ask(command, args)
    if "error" in msg:
        print("qmp: %s: %s" % (command, msg["error"].get("desc")),
              file=sys.stderr)
        return 1
    print(json.dumps(msg["return"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
