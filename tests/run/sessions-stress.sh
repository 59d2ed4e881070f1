# 1,000 debugger sessions against one stub, in quick succession: closed at
# once, after a request, mid-packet, reset, detached (the guest runs on until
# the next one connects), killed (the guest is reloaded).  The stub must
# serve every one, end with the fds and about the memory it had after the
# first 100, and still serve a real GDB.
. "$srcdir/tests/lib.sh"
command -v "${GDB:-gdb}" >/dev/null || { echo "SKIP: no gdb"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }

# Under AddressSanitizer freed memory waits in a quarantine, which would look
# like growth: turn it off for this stub (leak checking stays on).
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
export ASAN_OPTIONS
start_stub stub "$GUESTS/spin.bin"

cat > stress.py <<'EOF'
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

late = []

def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def served(request):
    """Send request; retry while a previous session still holds the stub
    (it turns the new one away with "E.").  No answer within 3 s is a
    failure: a debugger that connects must be served or turned away."""
    for _ in range(200):
        s = connect()
        try:
            s.sendall(b"+" + pkt(request))
            r = frame(s)
            if r is not None and not r.startswith(b"E."):
                return s, r
        except socket.timeout:
            late.append("session %d (%r): no answer within 3 s" % (i, request))
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
    kind = i % 10
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
    elif kind == 4 and not late:
        # detach: the guest runs on until the next debugger connects (only
        # until one is not served in time: each costs 3 s)
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
    elif kind == 9:
        s, r = served(b"vCont;s")
        s.sendall(pkt(b"vCont;c") + b"\x03")
        frame(s)
        s.close()
print("%d sessions in %.1f s" % (count, time.time() - t0))
for msg in late:
    print("FAIL: " + msg)
sys.exit(1 if late else 0)
EOF

fds() { ls "/proc/$1/fd" | wc -l; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

timeout 60 python3 stress.py "$port" "$stub" 0 100 || fail "the first 100 sessions"
fds0=$(fds $stub)
rss0=$(rss_kb $stub)
timeout 60 python3 stress.py "$port" "$stub" 100 900 || fail "900 more sessions"
kill -0 $stub 2>/dev/null || { fail "the stub died"; cat stub.err >&2; finish; }
fds1=$(fds $stub)
rss1=$(rss_kb $stub)
echo "after 100 sessions: $fds0 fds, $rss0 KiB resident; after 1000: $fds1 fds, $rss1 KiB"
[ "$fds1" -le "$fds0" ] || fail "the stub has $fds1 fds open, $fds0 after the first 100 sessions"
[ $((rss1 - rss0)) -le 4096 ] || fail "the stub grew from $rss0 to $rss1 KiB in 900 sessions"

timeout 60 "${GDB:-gdb}" -batch -nx -iex 'set confirm off' -ex "target remote :$port" \
	-ex 'info registers eip' -ex 'monitor stub-stats' -ex 'stepi' -ex 'p 1 + 1' -ex disconnect \
	> gdb.out 2>&1 < /dev/null
expect_grep '^eip ' gdb.out "GDB after 1000 sessions: registers"
expect_grep '^\$1 = 2$' gdb.out "GDB after 1000 sessions: stepi and more"
expect_grep 'debuggers turned away' gdb.out "GDB after 1000 sessions: monitor"
cat gdb.out
grep -q -e 'Sanitizer' -e 'runtime error' stub.err && { fail "sanitizer report:"; cat stub.err >&2; }
finish
