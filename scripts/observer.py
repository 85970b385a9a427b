#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The host's observer of unassigned memory: a check that does not run in
the guest kernel, so that promise 9 (nothing touches an unassigned
increment) does not rest on the code under test alone.

A guest test prints

    # ssm-observe <tag> <start>:<size>:<mark> ...

(hex start and size of every unassigned increment of the simulated
firmware, and what the simulation knows of its content) and waits for one
line on its console. This observer, started by scripts/run-guest.sh beside
QEMU, follows the console log; for each request it stops the guest
(QMP "stop"), has QEMU save those ranges of guest RAM to files
("pmemsave"), lets the guest go on ("cont") and answers on the console:

    ssm-observed <tag> ok <n> <canary> <unchanged> <first seen>
    ssm-observed <tag> bad <first bad address> <what>

<mark> 1: the simulation filled the increment with the canary byte 0x5a
while the kernel mapped it; every byte must hold it.

Otherwise <mark> names the increment's unassignment (the simulated
machine's random id and a sequence number): it was unassigned while the
kernel had it unmapped (removed first, as configure mode does), or at the
machine's start, so its content is whatever was there. The observer keeps
a digest of it; seen again under the same mark, it must be unchanged:
nobody wrote to it in between. The first sight proves nothing and is
counted apart.

On the test machine (run-guest.sh -M) a guest test also arms the
machine's own fault injection, which only QMP reaches:

    # ssm-qmp <tag> <command> [<JSON arguments>]

runs one of the commands in QMP_ALLOWED and answers

    ssm-qmp-done <tag> ok
    ssm-qmp-done <tag> error <what QMP said>

Usage: observer.py <console log> <qmp socket> <console input fifo> <dir>
"""
import hashlib
import json
import os
import socket
import sys
import time

PAGE = 4096
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


def canaried(path, size):
    """(verdict, detail): every byte of the saved increment is the canary."""
    with open(path, "rb") as f:
        off = 0
        while off < size:
            page = f.read(PAGE)
            if len(page) < PAGE:
                return False, f"short dump at +0x{off:x}"
            if page != CANARY:
                return False, f"+0x{off:x} does not hold the canary"
            off += PAGE
    return True, ""


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# What a guest may ask of QMP: the test machine's fault injection only
QMP_ALLOWED = (
    "s390x-sclp-storage-inject",
    "s390x-sclp-storage-inject-clear",
    "s390x-sclp-storage-release",
)


def guest_qmp(qmp, tag, rest):
    """Run a guest's QMP request: '<command> [<JSON arguments>]'."""
    words = rest.split(None, 1)
    if not words or words[0] not in QMP_ALLOWED:
        return f"ssm-qmp-done {tag} error not allowed: {rest}"
    args = json.loads(words[1]) if len(words) > 1 else {}
    if not isinstance(args, dict):
        return f"ssm-qmp-done {tag} error arguments are not an object"
    try:
        qmp.cmd(words[0], **args)
    except RuntimeError as e:
        return f"ssm-qmp-done {tag} error {e}"
    return f"ssm-qmp-done {tag} ok"


# (start, size, mark) -> digest of the content at its first sight
SEEN = {}


def observe(qmp, tag, ranges, workdir):
    qmp.cmd("stop")
    try:
        dumps = []
        for i, r in enumerate(ranges):
            start, size, mark = r.split(":")
            start, size = int(start, 16), int(size, 16)
            path = os.path.join(workdir, f"observe-{i}.bin")
            qmp.cmd("pmemsave", val=start, size=size, filename=path)
            dumps.append((path, start, size, mark))
    finally:
        qmp.cmd("cont")
    marked = unchanged = first = 0
    bad = None
    for path, start, size, mark in dumps:
        if mark == "1":
            good, detail = canaried(path, size)
            marked += 1
        else:
            key = (start, size, mark)
            d = digest(path)
            good, detail = True, ""
            if key not in SEEN:
                SEEN[key] = d
                first += 1
            elif SEEN[key] != d:
                good, detail = False, f"changed since it was seen unassigned under {mark}"
            else:
                unchanged += 1
        os.unlink(path)
        if not good and bad is None:
            bad = f"ssm-observed {tag} bad 0x{start:x} {detail}"
    if bad:
        return bad
    return f"ssm-observed {tag} ok {len(ranges)} {marked} {unchanged} {first}"


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
                if line.startswith("# ssm-qmp "):
                    words = line.split(None, 3) + ["-", ""]
                    tag = words[2]
                    try:
                        answer = guest_qmp(qmp, tag, words[3])
                    except (ValueError, OSError) as e:
                        answer = f"ssm-qmp-done {tag} error {e}"
                elif line.startswith("# ssm-observe "):
                    words = line.split()
                    try:
                        answer = observe(qmp, words[2], words[3:], workdir)
                    except (ValueError, RuntimeError, OSError) as e:
                        answer = f"ssm-observed {words[2]} bad request {e}"
                else:
                    continue
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
