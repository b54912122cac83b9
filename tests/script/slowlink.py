#!/usr/bin/env python3
"""slowlink.py PORTFILE TARGET_PORT BYTES_PER_S - a slow line between a client and a server
on loopback, for the tests: listens on a free 127.0.0.1 port (written to PORTFILE once it
listens) and relays each connection to 127.0.0.1:TARGET_PORT, the client's bytes paced to
BYTES_PER_S (the server's answers at full speed).  A real TCP path with a real rate, not a
mock: the client under test cannot tell it from a slow link.  Runs until killed."""
import socket
import sys
import threading
import time


def pump(src, dst, rate):
    # A line idle a while saves up no speed: each chunk takes its own time on the line, from
    # when the line is free again.
    free_at = time.monotonic()
    try:
        while True:
            data = src.recv(4096)
            if not data:
                break
            if rate:
                now = time.monotonic()
                free_at = max(free_at, now) + len(data) / rate
                time.sleep(free_at - now)
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(conn, target, rate):
    try:
        up = socket.create_connection(("127.0.0.1", target))
    except OSError:
        conn.close()
        return
    threading.Thread(target=pump, args=(conn, up, rate), daemon=True).start()
    threading.Thread(target=pump, args=(up, conn, 0), daemon=True).start()


def main():
    portfile, target, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", 0))
    lst.listen(8)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(lst.getsockname()[1]))
    import os
    os.rename(portfile + ".tmp", portfile)
    while True:
        conn, _ = lst.accept()
        serve(conn, target, rate)


main()
