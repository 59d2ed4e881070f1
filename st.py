import socket, struct, sys, time

port, pid, first, count = (int(a) for a in sys.argv[1:5])

def pkt(p):
    return b"$" + p + b"#%02x" % (sum(p) & 0xff)

def frame(s, buf=b""):
    """The first frame's payload, or None at EOF."""
    while True:
        i = buf.find(b"$")
        j = buf.find(b"#", i)
        if i >= 0 and j >= 0 and len(buf) >= j + 3:
            return buf[i + 1:j]
        d = s.recv(65536)
        if not d:
            return None
        buf += d

def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def served(request):
    """Send request; retry while a previous session still holds the stub."""
    for _ in range(200):
        s = connect()
        try:
            s.sendall(b"+" + pkt(request))
            r = frame(s)
            if r is not None and not r.startswith(b"E."):
                return s, r
        except OSError:
            pass
        s.close()
        time.sleep(0.01)
    raise RuntimeError("the stub did not serve %r" % request)

def rst(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()

t0 = time.time()
for i in range(first, first + count):
    kind = i % 10; print(i, kind, flush=True)
    if kind in (0, 5):
        connect().close()
    elif kind == 1:
        s, r = served(b"qSupported:multiprocess+")
        if b"PacketSize" not in r:
            raise RuntimeError("qSupported -> %r" % r)
        s.close()
    elif kind == 2:
        s = connect()
        s.sendall(b"+$m0,4")
        rst(s)
    elif kind == 3:
        s, r = served(b"?")
        s.sendall(pkt(b"c"))
        time.sleep(0.001)
        s.close()
    elif kind == 4:
        s, r = served(b"g")
        s.sendall(b"+" + pkt(b"D"))
        frame(s)
        s.close()
    elif kind == 6:
        s, r = served(b"m0,100")
        s.sendall(b"+" + pkt(b"k"))
        s.close()
    elif kind == 7:
        s = connect()
        s.sendall(b"+" + pkt(b"s") * 20)
        rst(s)
    elif kind == 8:
        # two at once: the second is turned away
        s, r = served(b"qC")
        d = connect()
        d.sendall(b"+" + pkt(b"?"))
        r2 = frame(d)
        if r2 is not None and not r2.startswith(b"E."):
            raise RuntimeError("a second debugger was served: %r" % r2)
        d.close()
        s.close()
    else:
        s, r = served(b"vCont;s")
        s.sendall(pkt(b"vCont;c") + b"\x03")
        frame(s)
        s.close()
print("%d sessions in %.1f s" % (count, time.time() - t0))
