#!/usr/bin/env python3
"""An independent reader of a Linli log served as C2SP tlog-tiles, written from the specs alone
(RFC 6962 hashing, c2sp.org/tlog-tiles, c2sp.org/tlog-checkpoint) and sharing no code with the hub.

    check_tiles.py BASE_URL [LOG_KEY]   (e.g. http://127.0.0.1:8787/log/<community id>)

Reads <base>/checkpoint, every level-0 tile and entry bundle the checkpoint covers and every higher
tile above them; checks that each entry hashes to its level-0 tile hash, that each higher tile hash
is the hash of the 256 below it, and that the tree built from the leaves has the checkpoint's root.
With LOG_KEY (the hub's C2SP verifier key) the checkpoint's Ed25519 signature is checked too.
Prints "ok <origin> <size> <root>" and exits 0, or says what does not hold and exits 1.
"""
import base64
import hashlib
import sys
import urllib.request

WIDTH = 256


def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read(), r.headers.get("Cache-Control", "")


def n_path(n):
    s = "%03d" % (n % 1000)
    while n >= 1000:
        n //= 1000
        s = "x%03d/%s" % (n % 1000, s)
    return s


def tile_url(base, level, n, width):
    partial = "" if width == WIDTH else ".p/%d" % width
    return "%s/tile/%s/%s%s" % (base, level, n_path(n), partial)


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(hashes):
    """RFC 6962 Merkle tree hash over leaf hashes (the largest power of two below n splits)."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node_hash(mth(hashes[:k]), mth(hashes[k:]))


def fail(msg):
    print("FAIL " + msg)
    sys.exit(1)


def check_signature(note, vkey):
    """The note carries a valid signature by the key (c2sp.org/signed-note, Ed25519)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    name, key_id_hex, key_b64 = vkey.split("+", 2)
    key = base64.b64decode(key_b64)
    key_id = hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]
    if key[0] != 1 or key_id.hex() != key_id_hex:
        fail("not the Ed25519 verifier key it claims to be")
    text, _, sigs = note.rpartition("\n\n")
    for line in sigs.strip("\n").split("\n"):
        sig_name, sig_b64 = line[2:].split(" ", 1)
        raw = base64.b64decode(sig_b64)
        if sig_name == name and raw[:4] == key_id:
            Ed25519PublicKey.from_public_bytes(key[1:]).verify(raw[4:], (text + "\n").encode())
            return
    fail("the checkpoint carries no signature by the log key")


def main():
    base = sys.argv[1].rstrip("/")
    note, _ = get(base + "/checkpoint")
    if len(sys.argv) > 2:
        check_signature(note.decode("utf-8"), sys.argv[2])
    lines = note.decode("utf-8").split("\n")
    origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2])
    if size == 0:
        print("ok %s 0 %s" % (origin, lines[2]))
        return
    leaves = []
    level0 = []
    for n in range((size + WIDTH - 1) // WIDTH):
        width = min(WIDTH, size - n * WIDTH)
        bundle, cache = get(tile_url(base, "entries", n, width))
        if "immutable" not in cache:
            fail("entry bundle %d is not served as immutable" % n)
        at, count = 0, 0
        while at < len(bundle):
            length = int.from_bytes(bundle[at:at + 2], "big")
            leaves.append(bundle[at + 2:at + 2 + length])
            at += 2 + length
            count += 1
        if count != width:
            fail("entry bundle %d holds %d entries, expected %d" % (n, count, width))
        tile, _ = get(tile_url(base, 0, n, width))
        if len(tile) != 32 * width:
            fail("tile 0/%d is %d bytes" % (n, len(tile)))
        level0.extend(tile[i * 32:(i + 1) * 32] for i in range(width))
    for i, leaf in enumerate(leaves):
        if leaf_hash(leaf) != level0[i]:
            fail("entry %d does not hash to its tile hash" % i)
    # Higher tiles: each hash is the root of the 256 complete subtrees below it.
    below, level = level0, 1
    while size >> (8 * level):
        count = size >> (8 * level)
        hashes = []
        for n in range((count + WIDTH - 1) // WIDTH):
            width = min(WIDTH, count - n * WIDTH)
            tile, _ = get(tile_url(base, level, n, width))
            hashes.extend(tile[i * 32:(i + 1) * 32] for i in range(width))
        for i, h in enumerate(hashes):
            if mth(below[i * WIDTH:(i + 1) * WIDTH]) != h:
                fail("tile hash %d at level %d is not the hash of the tiles below" % (i, level))
        below, level = hashes, level + 1
    if mth(level0) != root:
        fail("the leaves do not make the checkpoint's root")
    print("ok %s %d %s" % (origin, size, lines[2]))


if __name__ == "__main__":
    main()
