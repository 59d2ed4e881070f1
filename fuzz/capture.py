#!/usr/bin/env python3
"""Record what a debugger sends to the stub: a seed for fuzz/corpus/rsp.

    fuzz/capture.py STUB_PORT OUT_FILE

Listens on 127.0.0.1 (the port is printed), relays one connection to the
stub on STUB_PORT both ways, and writes the bytes the debugger sent, exactly
as sent (acks, packets, Ctrl-C), to OUT_FILE.  Point GDB at the printed port.
"""
import select
import socket
import sys


def main():
    stub_port, out_path = int(sys.argv[1]), sys.argv[2]
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    print(ls.getsockname()[1], flush=True)
    gdb, _ = ls.accept()
    stub = socket.create_connection(("127.0.0.1", stub_port))
    sent = bytearray()
    open_ = {gdb, stub}
    while open_ == {gdb, stub}:
        for s in select.select(list(open_), [], [])[0]:
            data = s.recv(65536)
            if not data:
                open_.discard(s)
                continue
            if s is gdb:
                sent += data
                stub.sendall(data)
            else:
                gdb.sendall(data)
    with open(out_path, "wb") as f:
        f.write(sent)


if __name__ == "__main__":
    main()
