# A hostile debugger over real sockets: bad framing, bad arguments to every
# command, floods, oversized and endless packets, clients that vanish
# mid-packet, mid-run and mid-step, or never read, and SIGPIPE.  Each gets
# '-', an E reply or the empty reply (GDB manual, "Standard Replies" and
# "Packet Acknowledgment"), the stub stays up, its fds and memory do not
# grow, and a real GDB session works afterwards.
. "$srcdir/tests/lib.sh"
command -v "${GDB:-gdb}" >/dev/null || { echo "SKIP: no gdb"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 77; }

gdb_batch() { # OUT ARGS...
	out=$1
	shift
	timeout 60 "${GDB:-gdb}" -batch -nx -iex 'set confirm off' -iex 'set pagination off' \
		"$@" > "$out" 2>&1 < /dev/null
}

fds() { ls "/proc/$1/fd" | wc -l; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

alive() { # PID WHAT
	kill -0 "$1" 2>/dev/null || fail "$2: the stub died"
}

# The client, driven by python3 over TCP.  Prints "FAIL: ..." lines and
# exits with the number of failures.
cat > client.py <<'EOF'
import re, socket, struct, sys, threading, time

port, pid = int(sys.argv[1]), int(sys.argv[2])
failures = 0

def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg, flush=True)

def csum(b):
    return b"%02x" % (sum(b) & 0xff)

def pkt(p):
    if isinstance(p, str):
        p = p.encode("latin-1")
    return b"$" + p + b"#" + csum(p)

def rss_kb():
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

class Conn:
    def __init__(self, timeout=10):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.ack = True

    def send(self, b):
        self.s.sendall(b)

    def token(self):
        """'+', '-', or a frame's payload (bytes); acks frames in ack mode."""
        while True:
            if self.buf:
                c = self.buf[:1]
                if c in (b"+", b"-"):
                    self.buf = self.buf[1:]
                    return c.decode()
                if c != b"$":
                    raise ValueError("stray bytes from the stub: %r" % self.buf[:40])
                h = self.buf.find(b"#")
                if h >= 0 and len(self.buf) >= h + 3:
                    payload, cs = self.buf[1:h], self.buf[h + 1:h + 3]
                    self.buf = self.buf[h + 3:]
                    if csum(payload) != cs:
                        raise ValueError("bad checksum from the stub: %r" % payload[:40])
                    if self.ack:
                        self.s.sendall(b"+")
                    return payload
            d = self.s.recv(1 << 20)
            if not d:
                raise EOFError("the stub closed the connection")
            self.buf += d

    def reply(self):
        """The next frame, skipping acks and O packets."""
        while True:
            t = self.token()
            if isinstance(t, bytes) and not (t.startswith(b"O") and t != b"OK"):
                return t.decode("latin-1")

    def cmd(self, p):
        self.send(pkt(p))
        if self.ack:
            t = self.token()
            if t != "+":
                raise ValueError("no ack for %r: %r" % (p[:40], t))
        return self.reply()

    def close_rst(self):
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.s.close()

    def close(self):
        self.s.close()

def fresh():
    """A connection the stub serves: while it is still ending the last one,
    a new debugger is turned away ("E.") and has to try again."""
    for _ in range(100):
        c = Conn()
        try:
            c.send(b"+" + pkt("qC"))
            t = c.token()
            if t == "+":
                t = c.token()
            if isinstance(t, bytes) and t.startswith(b"QC"):
                return c
        except (OSError, EOFError):
            pass
        c.close()
        time.sleep(0.05)
    raise RuntimeError("the stub does not take a new debugger")

KINDS = {
    "E": r"E[0-9a-fA-F]{2}",  # an error
    "": r"",                  # not supported
    "OK": r"OK",
    "l": r"l",
}

def check(c, what, p, want):
    try:
        got = c.cmd(p)
    except Exception as e:
        fail("%s: %r: %s" % (what, p[:60], e))
        return None
    pattern = KINDS.get(want, want)
    if not re.fullmatch(pattern, got, re.S):
        fail("%s: %r -> %r, want %s" % (what, p[:60], got[:80], want or "the empty reply"))
    return got

def expect_token(c, want, what):
    try:
        t = c.token()
    except Exception as e:
        fail("%s: %s" % (what, e))
        return
    if isinstance(t, bytes):
        t = t.decode("latin-1")
    if not re.fullmatch(want, t):
        fail("%s: got %r, want %r" % (what, t[:80], want))

# Every command with missing, malformed, huge and negative arguments.
BAD = [
    ("m", "E"), ("m0", "E"), ("m0,", "E"), ("m,4", "E"), ("mffffffff,ffffffff", "E"),
    ("m-1,4", "E"), ("mfffffffffffffffffff,1", "E"), ("m0,20001", "E"), ("m0,4:", "E"),
    ("m0,0", "E"), ("M", "E"), ("M0,10:zz", "E"), ("M400,2:123", "E"), ("M400,1:", "E"),
    ("Mffffffff,2:0000", "E"), ("M400,-1:00", "E"), ("X", "E"), ("X400,4:ab", "E"),
    ("X400,1:", "E"), ("Xffffffff,2:ab", "E"), ("X400,-1:", "E"), ("g0", "E"),
    ("G", "E"), ("G00", "E"), ("Gzz", "E"), ("p", "E"), ("pzz", "E"), ("p-1", "E"),
    ("p1000", "E"), ("pffffffffffffffffff", "E"), ("P", "E"), ("P0", "E"), ("P0=", "E"),
    ("P0=zz", "E"), ("P1000=00000000", "E"), ("P-1=00000000", "E"), ("P0=0000000000", "E"),
    ("Z", "E"), ("Z0", "E"), ("Z0,400", "E"), ("Z0,400,", "E"), ("Z0,400,2", "E"),
    ("Z1,400,0", "E"), ("Z2,400,0", "E"), ("Z0,zz,1", "E"), ("Z0,100000000,1", "E"),
    ("Z9,400,1", ""), ("Zf,400,1", ""), ("z", "E"), ("z0,400", "E"), ("H", "E"),
    ("Hgzz", "E"), ("Hg-2", "E"), ("T", "E"), ("T2", "E"), ("Tzz", "E"),
    ("vCont", "E"), ("vCont;", "E"), ("vCont;x", "E"), ("vCont;C", "E"), ("vCont;Czz", "E"),
    ("vCont;C100", "E"), ("vCont;r1", "E"), ("vCont;r1,", "E"), ("vCont;r1,fffffffff", "E"),
    ("vCont;s:zz", "E"), ("vCont;c;x", "E"),
    ("qXfer:features:read:target.xml:ffffffff,ffffffff", "l"),
    ("qXfer:features:read:target.xml:0", "E"), ("qXfer:features:read:target.xml:zz,1", "E"),
    ("qXfer:features:read:target.xml:-1,10", "E"), ("qXfer:features:read:nosuch.xml:0,10", "E"),
    ("qXfer:memory-map:read::0,10", ""), ("vRun;zz", "E"), ("vRun", "E"),
    ("qRcmd", "E"), ("qRcmd,", r"E[0-9a-fA-F]{2}|OK"), ("qRcmd,zz", "E"), ("qRcmd,6", "E"), ("qRcmd,00", "E"),
    ("qRcmd,6865006c70", "E"), ("qRcmd," + "41" * 5000, "E"), ("C", "E"), ("Czz", "E"),
    ("C100", "E"), ("C05;", "E"), ("C05;zz", "E"), ("czz", "E"), ("cfffffffff", "E"),
    ("S", "E"), ("Szz", "E"), ("szz", "E"), ("sfffffffff", "E"), ("D;", "E"), ("D;zz", "E"),
    ("Dx", "E"), ("jfoo", ""), ("qTStatus", ""), ("vMustReplyEmpty", ""), ("\x01", ""),
    ("\xff", ""), ("", ""), ("q", ""), ("v", ""), ("Q", ""), ("qFoo:bar", ""),
    ("qSupported:" + "x" * 5000, r"PacketSize=.*"), ("R00", ""),
]

def session_protocol():
    c = fresh()
    check(c, "qSupported", "qSupported:multiprocess+;swbreak+", r"PacketSize=[0-9a-f]+;.*")
    check(c, "stop reason", "?", r"T.*")
    # Warm up the big buffers (64 KiB reads, the target description) so
    # that what follows measures growth, not first use.
    check(c, "64 KiB read", "m0,10000", r"[0-9a-f]{%d}" % (2 * 0x10000))
    check(c, "target.xml", "qXfer:features:read:target.xml:0,ffff", r"l.*")
    rss0 = rss_kb()

    # Framing.
    c.send(b"$g#00")
    expect_token(c, r"-", "bad checksum gets a NAK")
    c.send(b"$g#zz")
    expect_token(c, r"-", "a non-hex checksum gets a NAK")
    c.send(b"$m0,4" + pkt("qC"))
    expect_token(c, r"\+", "a packet cut short by the next '$'")
    expect_token(c, r"QC.*", "the next packet after a truncated one")
    c.send(b"$g67" + pkt("qC"))
    expect_token(c, r"\+", "a packet without '#'")
    expect_token(c, r"QC.*", "the packet after one without '#'")
    c.send(b"garbage\r\n\x00\xff\x7f" + pkt("qC") + b"more garbage")
    expect_token(c, r"\+", "stray bytes between packets")
    expect_token(c, r"QC.*", "a packet between stray bytes")
    check(c, "'}' at the end of a packet", "m400,1}", "E")
    check(c, "'}' at the end of an X packet", "X400,1:}", "E")
    check(c, "client run-length encoding", 'M400,4:1*"11', "OK")
    check(c, "memory written with run-length encoding", "m400,4", "11111111")
    check(c, "run-length count out of range", "M400,1:1*\x10", "E")
    check(c, "run-length marker first", "*!", "E")
    check(c, "run-length marker at the end", "m400,1*", "E")
    check(c, "escaped binary write", "X400,4:}]}\x03}\x04}\x0a", "OK")
    check(c, "escaped binary read back", "m400,4", "7d23242a")
    big = "X400,1:" + "a" * 0x20000
    check(c, "a packet larger than PacketSize", big, "E")
    c.send(b"$" + big.encode() + b"#" + b"%02x" % ((sum(big.encode()) + 1) & 0xff))
    expect_token(c, r"-", "a packet larger than PacketSize with a bad checksum")
    # 8 MiB without a '#': the stub keeps at most PacketSize of it.
    c.send(b"$" + b"a" * (8 << 20) + b"#01")  # the sum is 00
    expect_token(c, r"-", "an 8 MiB packet")
    check(c, "run-length past PacketSize", "X400,1:a" + "a*~" * 1400, "E")
    c.send(b"\x03")  # Ctrl-C while stopped: nothing to stop, no reply
    c.send(b"-")     # NAK: the last reply again
    expect_token(c, r"E[0-9a-f]{2}", "NAK resends the last reply")

    for p, want in BAD:
        check(c, "bad arguments", p, want)
    check(c, "registers after all that", "g", r"[0-9a-fx]+")

    # A flood: several thousand packets, good and bad, pipelined.
    n = 3000
    stream = b"".join(pkt("m800,10") + pkt("qC") + b"$g#00" + pkt("Z9,0,1") for _ in range(n))
    want = n * 7  # 3 acks, 3 replies and a NAK each
    t0 = time.time()
    c.ack = False  # the sender thread owns the socket's write side
    sender = threading.Thread(target=c.send, args=(stream,))
    sender.start()
    got = bad = 0
    try:
        for i in range(n):
            for w in ("+", b"00" * 16, "+", b"QC1", "-", "+", b""):
                t = c.token()
                got += 1
                if t != w and not (w == b"QC1" and isinstance(t, bytes) and t.startswith(b"QC")):
                    bad += 1
    except Exception as e:
        fail("flood: %s after %d replies" % (e, got))
    sender.join()
    c.ack = True
    dt = time.time() - t0
    print("flood: %d packets in %.2f s: %.0f packets/s" % (4 * n, dt, 4 * n / dt), flush=True)
    if got != want or bad:
        fail("flood: %d replies of %d, %d wrong" % (got, want, bad))
    if 4 * n / dt < 1000:
        fail("flood: only %.0f packets/s" % (4 * n / dt))

    # No-ack mode: a bad checksum gets an error reply instead of a NAK.
    check(c, "no-ack mode", "QStartNoAckMode", "OK")
    c.ack = False
    c.send(b"$g#00")
    expect_token(c, r"E[0-9a-f]{2}", "bad checksum in no-ack mode")
    check(c, "no-ack mode still answers", "qC", r"QC.*")
    grew = rss_kb() - rss0
    if grew > 8192:
        fail("the stub grew by %d KiB during the hostile session" % grew)
    c.close()

def session_mid_packet():
    for tail in (b"$m0,4", b"$m0,4#", b"$m0,4#9", b"$X400,4:ab}", b"$" + b"a" * 100000):
        c = fresh()
        c.send(tail)
        c.close()
    c = fresh()
    c.send(pkt("qC") + b"$m0,4")
    c.close_rst()

def new_session_works():
    c = fresh()
    check(c, "a new session after hostile ones", "?", r"T.*")
    check(c, "a new session reads memory", "m0,4", r"[0-9a-f]{8}")
    c.close()

def session_running():
    # continue, then close while the guest runs (and prints)
    c = fresh()
    c.send(pkt("c"))
    time.sleep(0.3)
    c.close()
    # continue and read a little, then reset the connection (SIGPIPE for a
    # stub that would write without MSG_NOSIGNAL)
    c = fresh()
    c.send(pkt("c"))
    c.s.recv(100)
    time.sleep(0.2)
    c.close_rst()
    # Ctrl-C, never read the stop reply, go away
    c = fresh()
    c.send(pkt("c"))
    time.sleep(0.2)
    c.send(b"\x03")
    time.sleep(0.3)
    c.close_rst()

def session_stepping():
    # 500 steps pipelined, gone before the replies
    c = fresh()
    c.send(pkt("QStartNoAckMode") + pkt("s") * 500)
    c.close_rst()
    # a range step that never leaves the range, then gone
    c = fresh()
    c.send(pkt("vCont;r0,ffff") )
    time.sleep(0.3)
    c.close()
    # big replies requested, never read, then reset: EPIPE on the stub side
    c = fresh()
    c.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c.send(pkt("QStartNoAckMode") + pkt("m0,10000") * 64)
    time.sleep(0.3)
    c.close_rst()

def session_never_reads():
    """continue to a guest printing without end, never read: the stub must
    go on running the guest and drop output, not block or grow."""
    c = fresh()
    c.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c.send(pkt("c"))
    time.sleep(0.5)
    rss0 = rss_kb()
    time.sleep(2)
    grew = rss_kb() - rss0
    if grew > 4096:
        fail("a client that never reads: the stub grew by %d KiB in 2 s" % grew)
    # Still served: a second debugger is turned away at once.
    try:
        d = Conn(timeout=5)
        msg = d.s.recv(200)
        if b"another debugger" not in msg:
            fail("a second debugger while the first never reads: got %r" % msg)
        d.close()
    except Exception as e:
        fail("a second debugger while the first never reads: %s" % e)
    c.close()

for name in sys.argv[3:]:
    try:
        globals()["session_" + name]() if name != "new" else new_session_works()
    except Exception as e:
        fail("%s: %s" % (name, e))
sys.exit(min(failures, 100))
EOF

client() { # NAME SESSION...: run the python client against $port/$stub
	what=$1
	shift
	timeout 120 python3 client.py "$port" "$stub" "$@" > "client-$what.out" 2>&1
	rc=$?
	cat "client-$what.out"
	[ "$rc" -eq 0 ] || fail "$what: the client reported $rc failure(s) (status $rc)"
}

# ---- the protocol, on a guest that halts --------------------------------
start_stub hello "$GUESTS/hello.bin"
hello=$stub
gdb_batch warm -ex "target remote :$port" -ex 'info registers' -ex 'x/16xb 0' -ex disconnect
fds0=$(fds $stub)
client protocol protocol
alive $stub "after the protocol checks"
client mid-packet mid_packet new
alive $stub "after clients that left mid-packet"
grep -q -e 'Sanitizer' -e 'runtime error' hello.err && fail "sanitizer report:" && cat hello.err >&2
fds1=$(fds $stub)
[ "$fds1" -le "$fds0" ] || fail "the stub has $fds1 fds open, $fds0 before"

gdb_batch s1 -ex "target remote :$port" -ex 'info registers eip' -ex 'stepi' -ex 'p/x $pc' \
	-ex continue
expect_grep '^eip  *0x0' s1 "a normal session after the hostile ones: registers"
expect_grep '^\$1 = 0x2$' s1 "a normal session after the hostile ones: stepi"
expect_grep 'Hello, KVM!' s1 "a normal session after the hostile ones: console"
expect_grep 'exited normally' s1 "a normal session after the hostile ones: the end"
alive $stub "after the final session"

# ---- disconnects while running and stepping, a reader that never reads ---
# mov al,'A'; mov dx,0x3f8; l: out dx,al; jmp l
raw_guest loud.bin '\260\101\272\370\003\356\353\375'
start_stub loud loud.bin
gdb_batch warm2 -ex "target remote :$port" -ex 'info registers' -ex 'stepi' -ex disconnect
fds0=$(fds $stub)
rss0=$(rss_kb $stub)
for round in 1 2 3; do
	client "running-$round" running new
	client "stepping-$round" stepping new
done
client never-reads never_reads new
alive $stub "after disconnects while running and stepping"
fds1=$(fds $stub)
rss1=$(rss_kb $stub)
echo "loud guest stub: $fds0 -> $fds1 fds, $rss0 -> $rss1 KiB resident"
[ "$fds1" -le "$fds0" ] || fail "the stub has $fds1 fds open, $fds0 before"
[ $((rss1 - rss0)) -le 8192 ] || fail "the stub grew from $rss0 to $rss1 KiB"
gdb_batch s2 -ex "target remote :$port" -ex 'info registers eip' -ex 'stepi' -ex 'stepi' \
	-ex 'p/x $al' -ex disconnect
expect_grep '^eip ' s2 "a normal session after disconnects: registers"
expect_grep '^\$1 = 0x41$' s2 "a normal session after disconnects: the guest state"
grep -q -e 'Sanitizer' -e 'runtime error' loud.err && fail "sanitizer report:" && cat loud.err >&2
alive $stub "at the end"
finish
