#!/usr/bin/env python3
"""Tile the Cα atoms of an mmCIF model into a larger Cα-only PDB, for timing at EMPIAR-10180 scale (~14,000 residues).

usage: tile_structure.py MODEL.cif OUT.pdb [RESIDUES]   (default 14000)

Copies of the centred model are placed at (-80, 0, 0), (80, 0, 0) and (0, 0, 90) Å until RESIDUES Cα are written,
with a new chain id every 900 residues. For benchmarks only: the copies may touch; the geometry is not a protein's.
bench/README.md: 3J97 (5,425 residues) → 14,000 residues, then `cryosphere simulate --npix 128 --apix 3`.
"""
import string
import sys


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    target = int(sys.argv[3]) if len(sys.argv) == 4 else 14000
    ca = []
    for line in open(src):
        if line.startswith("ATOM"):
            f = line.split()
            if f[3] == "CA":
                ca.append((f[5], float(f[10]), float(f[11]), float(f[12])))
    if not ca:
        sys.exit(f"{src}: no CA atoms in _atom_site")
    cx, cy, cz = (sum(a[i] for a in ca) / len(ca) for i in (1, 2, 3))
    ids = string.ascii_uppercase + string.ascii_lowercase + string.digits
    rows, n, chain = [], 0, 0
    for ox, oy, oz in [(-80, 0, 0), (80, 0, 0), (0, 0, 90)]:
        resno = 0
        for res, x, y, z in ca:
            if n >= target:
                break
            if resno % 900 == 0:
                chain += 1
                resno = 0
            resno += 1
            n += 1
            rows.append(f"ATOM  {n % 100000:5d}  CA  {res:>3s} {ids[chain % len(ids)]}{resno:4d}    "
                        f"{x - cx + ox:8.3f}{y - cy + oy:8.3f}{z - cz + oz:8.3f}  1.00  0.00           C")
    with open(out, "w") as fh:
        fh.write("\n".join(rows) + "\nEND\n")
    print(f"{out}: {n} residues in {chain} chains")


if __name__ == "__main__":
    main()
