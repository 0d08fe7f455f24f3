#!/usr/bin/env python3
# The Linux side of the interop suite: plain kernel sockets, run inside the bridge's namespace.
# Each command prints one JSON line on standard output: what it sent and received (SHA-256, bytes)
# so the test compares them with the other end's. Data sent is random (os.urandom).
#   client-echo HOST PORT N     send N bytes while reading N back
#   send HOST PORT N            send N bytes, half-close, read until EOF
#   recv HOST PORT N            read N bytes (0: until EOF), then close
#   http HOST PATH              one HTTP/1.0 GET
#   serve ADDR PORT N FIRST     accept one connection; send N bytes while reading until EOF;
#                               FIRST=linux: close as soon as sending is done (Linux closes first),
#                               FIRST=peer: close only after the peer's FIN (the peer closes first)
#   simopen LADDR LPORT RADDR RPORT N   bind and connect (simultaneous open), then send N bytes
#                               while reading until EOF
# "listening" / "connecting" go to standard error when the socket is ready.
import hashlib
import json
import os
import socket
import sys
import threading

CHUNK = 64 * 1024


def sender(s, n, out, shut):
    h = hashlib.sha256()
    left = n
    while left > 0:
        block = os.urandom(min(CHUNK, left))
        s.sendall(block)
        h.update(block)
        left -= len(block)
    if shut:
        s.shutdown(socket.SHUT_WR)
    out["sent"] = n
    out["sentSha"] = h.hexdigest()


def reader(s, n, out):
    h = hashlib.sha256()
    got = 0
    while n == 0 or got < n:
        block = s.recv(min(CHUNK, n - got) if n else CHUNK)
        if not block:
            out["eof"] = True
            break
        h.update(block)
        got += len(block)
    out["received"] = got
    out["receivedSha"] = h.hexdigest()


def both(s, n_send, n_recv, shut):
    out = {}
    t = threading.Thread(target=sender, args=(s, n_send, out, shut))
    t.start()
    reader(s, n_recv, out)
    t.join()
    return out


def connect(host, port):
    return socket.create_connection((host, int(port)), timeout=60)


def main(argv):
    cmd = argv[0]
    if cmd == "client-echo":
        s = connect(argv[1], argv[2])
        n = int(argv[3])
        out = both(s, n, n, False)
        s.close()
    elif cmd == "send":
        s = connect(argv[1], argv[2])
        out = both(s, int(argv[3]), 0, True)
        s.close()
    elif cmd == "recv":
        s = connect(argv[1], argv[2])
        out = {}
        reader(s, int(argv[3]), out)
        s.close()
    elif cmd == "http":
        s = connect(argv[1], 80)
        s.sendall(f"GET {argv[2]} HTTP/1.0\r\nHost: {argv[1]}\r\n\r\n".encode())
        data = b""
        while True:
            block = s.recv(CHUNK)
            if not block:
                break
            data += block
        s.close()
        head, _, body = data.partition(b"\r\n\r\n")
        out = {"status": head.split(b"\r\n")[0].decode(errors="replace"), "body": body.decode(errors="replace")}
    elif cmd == "serve":
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((argv[1], int(argv[2])))
        ls.listen(1)
        ls.settimeout(60)
        sys.stderr.write("listening\n")
        sys.stderr.flush()
        s, peer = ls.accept()
        s.settimeout(60)
        ls.close()
        linux_first = argv[4] == "linux"
        out = both(s, int(argv[3]), 0, linux_first)
        out["peer"] = f"{peer[0]}:{peer[1]}"
        s.close()
    elif cmd == "simopen":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((argv[1], int(argv[2])))
        s.settimeout(30)
        sys.stderr.write("connecting\n")
        sys.stderr.flush()
        s.connect((argv[3], int(argv[4])))
        out = both(s, int(argv[5]), 0, True)
        s.close()
    else:
        sys.stderr.write(f"unknown command {cmd}\n")
        return 2
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
