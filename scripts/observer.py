#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The host's observer of unassigned memory: a check that does not run in
the guest kernel, so that promise 9 (nothing touches an unassigned
increment) does not rest on the code under test alone.

A guest test prints

    # ssm-observe <tag> <start>:<size>:<canary> ...

(hex start and size of every unassigned increment of the simulated
firmware; canary 1 when the simulation marked it) and waits for one line
on its console. This observer, started by scripts/run-guest.sh beside
QEMU, follows the console log; for each request it stops the guest
(QMP "stop"), has QEMU save those ranges of guest RAM to files
("pmemsave"), lets the guest go on ("cont") and answers on the console:

    ssm-observed <tag> ok <n> <canaried> <untouched>
    ssm-observed <tag> bad <first bad address> <what>

An increment the simulation marked must hold the canary byte 0x5a in
every byte; one it never marked (never mapped while unassigned) must be
either all canary or all as QEMU gave it (zero), page by page.

Usage: observer.py <console log> <qmp socket> <console input fifo> <dir>
"""
import json
import os
import socket
import sys
import time

PAGE = 4096
ZERO = bytes(PAGE)
CANARY = b"\x5a" * PAGE


class Qmp:
    def __init__(self, path):
        for _ in range(100):
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise OSError("no QMP socket at " + path)
        self.file = self.sock.makefile("rw")
        self.file.readline()  # greeting
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.file.write(json.dumps(msg) + "\n")
        self.file.flush()
        while True:
            reply = json.loads(self.file.readline())
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError(f"{name}: {reply['error']}")
            # asynchronous events (STOP, RESUME) are skipped


def check(path, size, canaried):
    """(verdict, detail) for one saved increment."""
    with open(path, "rb") as f:
        off = 0
        while off < size:
            page = f.read(PAGE)
            if len(page) < PAGE:
                return False, f"short dump at +0x{off:x}"
            if page != CANARY and (canaried or page != ZERO):
                return False, f"+0x{off:x} holds neither the canary" + \
                    ("" if canaried else " nor zero")
            off += PAGE
    return True, ""


def observe(qmp, tag, ranges, workdir):
    qmp.cmd("stop")
    try:
        dumps = []
        for i, r in enumerate(ranges):
            start, size, canary = r.split(":")
            start, size = int(start, 16), int(size, 16)
            path = os.path.join(workdir, f"observe-{i}.bin")
            qmp.cmd("pmemsave", val=start, size=size, filename=path)
            dumps.append((path, start, size, canary == "1"))
    finally:
        qmp.cmd("cont")
    marked = untouched = 0
    for path, start, size, canaried in dumps:
        good, detail = check(path, size, canaried)
        os.unlink(path)
        if not good:
            return f"ssm-observed {tag} bad 0x{start:x} {detail}"
        marked += canaried
        untouched += not canaried
    return f"ssm-observed {tag} ok {len(ranges)} {marked} {untouched}"


def main():
    log, sock, fifo, workdir = sys.argv[1:5]
    qmp = Qmp(sock)
    with open(log, "rb") as f:
        buf = b""
        while True:
            chunk = f.read()
            if not chunk:
                if qemu_gone(qmp):
                    return
                time.sleep(0.2)
                continue
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for raw in lines:
                line = raw.decode(errors="replace").strip("\r")
                if not line.startswith("# ssm-observe "):
                    continue
                words = line.split()
                try:
                    answer = observe(qmp, words[2], words[3:], workdir)
                except (ValueError, RuntimeError, OSError) as e:
                    answer = f"ssm-observed {words[2]} bad request {e}"
                with open(fifo, "w") as out:
                    out.write(answer + "\n")


def qemu_gone(qmp):
    try:
        qmp.cmd("query-status")
        return False
    except (OSError, RuntimeError, ValueError):
        return True


if __name__ == "__main__":
    try:
        main()
    except (OSError, RuntimeError) as e:
        print(f"observer: {e}", file=sys.stderr)
