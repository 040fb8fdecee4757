#!/usr/bin/env python3
"""make_wfw.py — write a small Windows registry hive ("regf", the binary form of a .wfw
Windows Firewall policy export) from a text description shaped like a .reg file.

Usage:
    make_wfw.py DESCRIPTION.txt OUTPUT.wfw [--corrupt-cell N=SIZE]

The description (UTF-8):

    ; comment            (also '#'; blank lines are ignored)
    Windows Registry Editor Version 5.00      (optional, ignored)
    [Policy]                       the hive's root key is the first component of every path
    "PolicyVersion"=dword:0000021f
    [Policy\\FirewallRules]         a key (parents are created as needed)
    "{GUID}"="v2.30|Action=Allow|..."          REG_SZ (stored UTF-16LE, NUL-terminated)
    "Name"=dword:00000001                       REG_DWORD (hex, as in .reg)
    "Name"=qword:0000000000000001               REG_QWORD (hex)
    "Name"=hex:01,02,ff                         REG_BINARY
    "Name"=hex(7):41,00,00,00                   any other type, raw bytes
    @="default value"                           the key's unnamed value

Strings and names use .reg escapes: \\\\ for a backslash and \\" for a quote. Every key path must
start with the same root name. Output is deterministic (fixed timestamps, no random GUIDs), so a
description always gives the same bytes.

The layout follows the public regf documentation (format version 1.5): a 4096-byte base block
with its XOR checksum, then hive bins ("hbin", multiples of 4096 bytes) holding cells whose
4-byte size is negative when allocated: key nodes ("nk"), a hash leaf ("lh") per key with
subkeys, a value list per key with values, key values ("vk"; data of 4 bytes or less is kept in
the vk itself) and one security cell ("sk") shared by every key. Cells never cross a bin; the
space left at the end of a bin is one free cell.

--corrupt-cell N=SIZE overwrites the size field of the N-th allocated cell (0 = the root key,
in layout order, see --list-cells) with SIZE (a signed decimal or 0x hex number): for hostile
test inputs. The base-block checksum stays valid, so only the cell is wrong.
"""
import re
import struct
import sys

BIN_ALIGN = 4096
BIN_HEADER = 32
# 2024-01-01T00:00:00Z as a FILETIME (100 ns ticks since 1601-01-01): fixed, so output is stable.
FIXED_FILETIME = 133485408000000000
NONE = 0xFFFFFFFF
MAX_INLINE_DATA = 16344   # larger values need "db" big-data cells, which this tool does not write

REG_SZ, REG_BINARY, REG_DWORD, REG_QWORD = 1, 3, 4, 11

KEY_HIVE_ENTRY, KEY_NO_DELETE, KEY_COMP_NAME = 0x0004, 0x0008, 0x0020
VALUE_COMP_NAME = 0x0001


class DescriptionError(Exception):
    pass


class Key:
    def __init__(self, name, parent):
        self.name = name
        self.parent = parent
        self.children = {}          # upper-case name -> Key, in creation order
        self.values = []            # (name, type, bytes), in description order
        self.cell = None            # index of the nk cell


def unescape(text, where):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == '\\':
            if i + 1 >= len(text) or text[i + 1] not in '\\"':
                raise DescriptionError(f"{where}: bad escape in {text!r}")
            out.append(text[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


QUOTED = r'"((?:[^"\\]|\\.)*)"'
VALUE_LINE = re.compile(r'^(?:' + QUOTED + r'|(@))\s*=\s*(.*)$')


def parse_data(data, where):
    """Returns (type, bytes) for the right-hand side of a value line."""
    m = re.fullmatch(QUOTED, data)
    if m:
        return REG_SZ, (unescape(m.group(1), where) + '\0').encode('utf-16-le')
    m = re.fullmatch(r'dword:([0-9a-fA-F]{1,8})', data)
    if m:
        return REG_DWORD, struct.pack('<I', int(m.group(1), 16))
    m = re.fullmatch(r'qword:([0-9a-fA-F]{1,16})', data)
    if m:
        return REG_QWORD, struct.pack('<Q', int(m.group(1), 16))
    m = re.fullmatch(r'hex(?:\(([0-9a-fA-F]{1,8})\))?:\s*((?:[0-9a-fA-F]{2}\s*(?:,\s*)?)*)', data)
    if m:
        vtype = int(m.group(1), 16) if m.group(1) else REG_BINARY
        raw = bytes(int(b, 16) for b in re.findall(r'[0-9a-fA-F]{2}', m.group(2)))
        return vtype, raw
    raise DescriptionError(f"{where}: cannot read value data {data!r}")


def parse_description(text, source):
    root = None
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{source}:{number}"
        line = line.strip()
        if not line or line[0] in ';#' or line.startswith('Windows Registry Editor') or line == 'REGEDIT4':
            continue
        if line.startswith('['):
            if not line.endswith(']'):
                raise DescriptionError(f"{where}: key line without ']'")
            parts = line[1:-1].split('\\')
            if any(not p for p in parts):
                raise DescriptionError(f"{where}: empty key name in {line}")
            if root is None:
                root = Key(parts[0], None)
            elif parts[0] != root.name:
                raise DescriptionError(f"{where}: every key must be under the root '{root.name}'")
            current = root
            for part in parts[1:]:
                child = current.children.get(part.upper())
                if child is None:
                    child = Key(part, current)
                    current.children[part.upper()] = child
                current = child
            continue
        m = VALUE_LINE.match(line)
        if not m:
            raise DescriptionError(f"{where}: neither a [key] nor a \"name\"=data line")
        if current is None:
            raise DescriptionError(f"{where}: value before the first [key]")
        name = '' if m.group(2) else unescape(m.group(1), where)
        vtype, raw = parse_data(m.group(3).strip(), where)
        if len(raw) > MAX_INLINE_DATA:
            raise DescriptionError(f"{where}: value data over {MAX_INLINE_DATA} bytes (big data not supported)")
        if any(n.upper() == name.upper() for n, _, _ in current.values):
            raise DescriptionError(f"{where}: value {name!r} given twice in one key")
        current.values.append((name, vtype, raw))
    if root is None:
        raise DescriptionError(f"{source}: no [key] line")
    return root


def encode_name(name):
    """(bytes, compressed): ASCII names are stored one byte a character, others UTF-16LE."""
    if all(ord(c) < 0x80 for c in name):
        return name.encode('ascii'), True
    return name.encode('utf-16-le'), False


def name_hash(name):
    h = 0
    for c in name:
        u = c.upper()
        code = ord(u) if len(u) == 1 else ord(c)
        h = (h * 37 + code) & 0xFFFFFFFF
    return h


def sid(authority, *subs):
    return struct.pack('<BB', 1, len(subs)) + authority.to_bytes(6, 'big') + b''.join(struct.pack('<I', s) for s in subs)


def security_descriptor():
    """A self-relative descriptor: owner Administrators, group SYSTEM, a DACL giving SYSTEM and
    Administrators full control and Everyone read access."""
    system, admins, everyone = sid(5, 18), sid(5, 32, 544), sid(1, 0)
    aces = b''
    for mask, who in ((0xF003F, system), (0xF003F, admins), (0x20019, everyone)):
        aces += struct.pack('<BBHI', 0, 0, 8 + len(who), mask) + who   # ACCESS_ALLOWED_ACE
    acl = struct.pack('<BBHHH', 2, 0, 8 + len(aces), 3, 0) + aces
    dacl_at = 20
    owner_at = dacl_at + len(acl)
    group_at = owner_at + len(admins)
    header = struct.pack('<BBHIIII', 1, 0, 0x8004, owner_at, group_at, 0, dacl_at)  # SELF_RELATIVE|DACL_PRESENT
    return header + acl + admins + system


class Cell:
    def __init__(self, size, render):
        self.size = (4 + size + 7) & ~7      # with the size field, rounded up to 8
        self.render = render                 # offsets -> cell data (without the size field)
        self.offset = None


def build(root):
    cells = []

    def add(size, render):
        cells.append(Cell(size, render))
        return len(cells) - 1

    def off(i):
        return cells[i].offset

    keys = []

    def visit(key):
        keys.append(key)
        for child in key.children.values():
            visit(child)

    visit(root)
    # Layout order: every key node first (root first, depth first), the security cell, then per
    # key its value list, values and data, then its subkey list.
    for key in keys:
        name, _ = encode_name(key.name)
        key.cell = add(76 + len(name), None)
    sk_data = security_descriptor()
    sk = add(20 + len(sk_data), lambda: b'sk' + struct.pack('<HIII', 0, off(sk), off(sk), len(keys)) +
             struct.pack('<I', len(sk_data)) + sk_data)
    for key in keys:
        key.vk_cells = []
        if key.values:
            key.list_cell = add(4 * len(key.values), lambda key=key: b''.join(struct.pack('<I', off(v)) for v in key.vk_cells))
        else:
            key.list_cell = None
        for vname, vtype, raw in key.values:
            nbytes, compressed = encode_name(vname)
            data_cell = None
            if len(raw) > 4:
                data_cell = add(len(raw), lambda raw=raw: raw)

            def render_vk(nbytes=nbytes, compressed=compressed, vtype=vtype, raw=raw, data_cell=data_cell):
                if data_cell is None:
                    size, data = 0x80000000 | len(raw), int.from_bytes(raw.ljust(4, b'\0'), 'little')
                else:
                    size, data = len(raw), off(data_cell)
                return (b'vk' + struct.pack('<HIIIHH', len(nbytes), size, data, vtype,
                                            VALUE_COMP_NAME if compressed else 0, 0) + nbytes)

            key.vk_cells.append(add(20 + len(nbytes), render_vk))
        children = sorted(key.children.values(), key=lambda k: k.name.upper())
        key.sorted_children = children
        if children:
            key.lh_cell = add(4 + 8 * len(children), lambda children=children: b'lh' + struct.pack('<H', len(children)) +
                              b''.join(struct.pack('<II', off(c.cell), name_hash(c.name)) for c in children))
        else:
            key.lh_cell = None

    for key in keys:
        def render_nk(key=key):
            name, compressed = encode_name(key.name)
            flags = (KEY_COMP_NAME if compressed else 0)
            if key.parent is None:
                flags |= KEY_HIVE_ENTRY | KEY_NO_DELETE
            max_subkey_name = max((2 * len(c.name) for c in key.sorted_children), default=0)
            max_value_name = max((2 * len(n) for n, _, _ in key.values), default=0)
            max_value_data = max((len(r) for _, _, r in key.values), default=0)
            return (b'nk' + struct.pack('<HQI', flags, FIXED_FILETIME, 0) +
                    struct.pack('<IIIIIIIIIIIIIIHH',
                                NONE if key.parent is None else off(key.parent.cell),
                                len(key.sorted_children), 0,
                                NONE if key.lh_cell is None else off(key.lh_cell), NONE,
                                len(key.values), NONE if key.list_cell is None else off(key.list_cell),
                                off(sk), NONE,
                                max_subkey_name, 0, max_value_name, max_value_data, 0,
                                len(name), 0) + name)
        cells[key.cell].render = render_nk
    return cells


def layout(cells):
    """Assigns offsets (relative to the first bin); returns the bins as (start, size)."""
    bins = []
    pos = end = 0
    for cell in cells:
        if pos + cell.size > end:
            start = end
            size = -(-(BIN_HEADER + cell.size) // BIN_ALIGN) * BIN_ALIGN
            bins.append((start, size))
            pos, end = start + BIN_HEADER, start + size
        cell.offset = pos
        pos += cell.size
    return bins


def serialize(cells, bins, root_cell, corrupt=None):
    data_size = sum(size for _, size in bins)
    hive = bytearray(data_size)
    for start, size in bins:
        struct.pack_into('<4sII', hive, start, b'hbin', start, size)
        if start == 0:
            struct.pack_into('<Q', hive, 20, FIXED_FILETIME)
    used = set()
    for index, cell in enumerate(cells):
        body = cell.render()
        assert len(body) + 4 <= cell.size, (index, len(body), cell.size)
        struct.pack_into('<i', hive, cell.offset, -cell.size)
        hive[cell.offset + 4:cell.offset + 4 + len(body)] = body
        used.add(cell.offset)
    # The rest of every bin: one free cell (positive size).
    for start, size in bins:
        pos = start + BIN_HEADER
        while pos < start + size:
            here = struct.unpack_from('<i', hive, pos)[0]
            if pos in used:
                pos += -here
                continue
            struct.pack_into('<i', hive, pos, start + size - pos)
            break
    if corrupt is not None:
        index, size = corrupt
        if not 0 <= index < len(cells):
            raise DescriptionError(f"--corrupt-cell: no cell {index} (there are {len(cells)})")
        struct.pack_into('<i', hive, cells[index].offset, size)
    base = bytearray(BIN_ALIGN)
    struct.pack_into('<4sIIQIIIIIII', base, 0, b'regf', 1, 1, FIXED_FILETIME, 1, 5, 0, 1,
                     cells[root_cell].offset, data_size, 1)
    checksum = 0
    for (word,) in struct.iter_unpack('<I', bytes(base[:508])):
        checksum ^= word
    if checksum == 0xFFFFFFFF:
        checksum = 0xFFFFFFFE
    elif checksum == 0:
        checksum = 1
    struct.pack_into('<I', base, 508, checksum)
    return bytes(base) + bytes(hive)


CELL_KIND = {b'nk': 'key', b'vk': 'value', b'lh': 'subkey list', b'sk': 'security'}


def main(argv):
    args = list(argv[1:])
    corrupt = None
    list_cells = False
    if '--list-cells' in args:
        args.remove('--list-cells')
        list_cells = True
    if '--corrupt-cell' in args:
        i = args.index('--corrupt-cell')
        if i + 1 >= len(args) or not re.fullmatch(r'\d+=-?(0x[0-9a-fA-F]+|\d+)', args[i + 1]):
            print("make_wfw.py: --corrupt-cell wants N=SIZE", file=sys.stderr)
            return 2
        n, size = args[i + 1].split('=')
        corrupt = (int(n), int(size, 0))
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    source, output = args
    try:
        with open(source, encoding='utf-8') as f:
            root = parse_description(f.read(), source)
        cells = build(root)
        bins = layout(cells)
        hive = serialize(cells, bins, root.cell, corrupt)
    except (DescriptionError, OSError, UnicodeError) as e:
        print(f"make_wfw.py: {e}", file=sys.stderr)
        return 1
    if list_cells:
        for index, cell in enumerate(cells):
            tag = bytes(cell.render()[:2])
            print(f"{index}\t0x{cell.offset:x}\t{cell.size}\t{CELL_KIND.get(tag, 'list/data')}")
    with open(output, 'wb') as f:
        f.write(hive)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
