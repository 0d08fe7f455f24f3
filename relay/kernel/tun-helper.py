#!/usr/bin/env python3
# The kernel peer's TUN attachment: Node has no API for the TUNSETIFF ioctl, Python's fcntl has.
# Opens a TUN device (IPv4 packets, no packet-information header) and moves packets between it
# and standard input/output, each one prefixed by its length as 2 bytes, big-endian:
#   standard output: packets the kernel sent into the device
#   standard input:  packets to hand to the kernel
# One line "ready DEVICE" on standard error once the device exists. The device is not persistent:
# it disappears when this process exits, which it does when standard input ends (the bridge is
# gone, however it went), so a crashed bridge never leaves a device behind.
# usage: tun-helper.py DEVICE
import errno
import fcntl
import os
import select
import struct
import sys

TUNSETIFF = 0x400454CA  # _IOW('T', 202, int), linux/if_tun.h
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
MAX_PACKET = 65535


def main() -> int:
    if len(sys.argv) != 2 or not (1 <= len(sys.argv[1]) <= 15):
        sys.stderr.write("usage: tun-helper.py DEVICE (1-15 characters)\n")
        return 2
    name = sys.argv[1]
    try:
        tun = os.open("/dev/net/tun", os.O_RDWR)
        got = fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    except OSError as e:
        sys.stderr.write(f"cannot create TUN device {name}: {e.strerror} (needs root or CAP_NET_ADMIN and /dev/net/tun)\n")
        return 1
    device = got[:16].rstrip(b"\0").decode()
    # The room speaks IPv4 only: no IPv6 autoconfiguration chatter into the room.
    try:
        with open(f"/proc/sys/net/ipv6/conf/{device}/disable_ipv6", "w") as f:
            f.write("1")
    except OSError:
        pass  # no IPv6 in this kernel: nothing to silence
    sys.stderr.write(f"ready {device}\n")
    sys.stderr.flush()

    stdin = sys.stdin.fileno()
    stdout = sys.stdout.fileno()
    pending = b""
    while True:
        readable, _, _ = select.select([tun, stdin], [], [])
        if tun in readable:
            try:
                packet = os.read(tun, MAX_PACKET)
            except OSError as e:
                if e.errno in (errno.EAGAIN, errno.EINTR):
                    continue
                raise
            out = struct.pack(">H", len(packet)) + packet
            while out:
                out = out[os.write(stdout, out):]
        if stdin in readable:
            chunk = os.read(stdin, 1 << 16)
            if not chunk:
                return 0
            pending += chunk
            while len(pending) >= 2:
                (length,) = struct.unpack(">H", pending[:2])
                if len(pending) < 2 + length:
                    break
                packet = pending[2 : 2 + length]
                pending = pending[2 + length :]
                try:
                    os.write(tun, packet)
                except OSError as e:
                    # A packet the kernel refuses (malformed) is dropped, like on a wire.
                    sys.stderr.write(f"kernel refused a packet: {e.strerror}\n")
                    sys.stderr.flush()


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(0)
