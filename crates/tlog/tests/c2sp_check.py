#!/usr/bin/env python3
"""Independent checker of a C2SP signed checkpoint (https://c2sp.org/signed-note and
https://c2sp.org/tlog-checkpoint), written from the specifications, sharing no code with
linli-tlog. Ed25519 comes from PyPI's `cryptography`.

Usage: c2sp_check.py VKEY < signed_checkpoint_note
Prints "origin size root_hex" on success; exits 1 with a reason on failure.
"""
import base64
import binascii
import hashlib
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def fail(why):
    print(why, file=sys.stderr)
    sys.exit(1)


def b64(s):
    try:
        raw = base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        fail("bad base64: %r" % s)
    if base64.b64encode(raw).decode() != s:
        fail("non-canonical base64: %r" % s)
    return raw


def main():
    vkey = sys.argv[1]
    name, key_hash, key_b64 = vkey.split("+", 2)
    key = b64(key_b64)
    if len(key) != 33 or key[0] != 1:
        fail("not an Ed25519 verifier key")
    # Key id: SHA-256(name || "\n" || 0x01 || public key)[:4].
    key_id = hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]
    if key_id.hex() != key_hash:
        fail("vkey hash mismatch")
    pub = Ed25519PublicKey.from_public_bytes(key[1:])

    note = sys.stdin.buffer.read().decode("utf-8")
    text, sep, sigs = note.rpartition("\n\n")
    if not sep:
        fail("no signature block")
    text += "\n"
    if not sigs.endswith("\n"):
        fail("signature block must end with newline")
    ok = False
    for line in sigs[:-1].split("\n"):
        if not line.startswith("\u2014 "):
            fail("bad signature line %r" % line)
        sig_name, sig_b64 = line[2:].split(" ", 1)
        raw = b64(sig_b64)
        if sig_name != name:
            continue
        if raw[:4] != key_id:
            fail("key id mismatch")
        try:
            pub.verify(raw[4:], text.encode())
        except InvalidSignature:
            fail("bad signature")
        ok = True
    if not ok:
        fail("no signature by %s" % name)

    lines = text[:-1].split("\n")
    if len(lines) < 3:
        fail("checkpoint needs origin, size, root")
    origin, size, root = lines[0], lines[1], lines[2]
    if not size.isdigit() or not size.isascii() or (len(size) > 1 and size[0] == "0"):
        fail("bad size %r" % size)
    root_raw = b64(root)
    if len(root_raw) != 32:
        fail("root is not 32 bytes")
    for ext in lines[3:]:
        if not ext:
            fail("empty extension line")
    print(origin, int(size), root_raw.hex())


if __name__ == "__main__":
    main()
