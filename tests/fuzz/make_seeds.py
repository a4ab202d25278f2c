#!/usr/bin/env python3
# Writes the seed corpora of the fuzz harnesses (tests/fuzz/corpus/<name>/).
# Seeds are small valid-looking inputs that reach deep paths quickly; the
# fuzzers mutate from there. Run from the repository root.
import os, struct

OUT = 'tests/fuzz/corpus'

def put(name, fname, data):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, fname), 'wb') as f:
        f.write(data)

# --- accel_config: byte 0 = enable, then the profile -----------------------
profile = b'''[{"dev":"dsa0","groups":[{"dev":"group0.0",
 "grouped_workqueues":[{"dev":"wq0.0","mode":"dedicated","size":8,"group_id":0,
  "priority":5,"type":"user","driver_name":"user","name":"seed","threshold":0}],
 "grouped_engines":[{"dev":"engine0.0","group_id":0}]},
 {"dev":"group0.1","grouped_workqueues":[{"dev":"wq0.1","mode":"shared","size":16,
  "group_id":1,"priority":10,"type":"mdev","name":"m","threshold":12,
  "max_batch_size":32,"max_transfer_size":65536}],
 "grouped_engines":[{"dev":"engine0.1","group_id":1}]}],
 "ungrouped_workqueues":[{"dev":"wq0.3","size":0}]}]'''
put('accel_config', 'enable', b'\x01' + profile)
put('accel_config', 'no-enable', b'\x00' + profile)
put('accel_config', 'trailing-comma', b'\x01[{"dev":"dsa0","read_buffer_limit":0,}]')

# --- sysfs: [idx:2][op|len:1][value] -----------------------------------------
rec = b''
for idx, val in [(3, b'1'), (40, b'wq0.0'), (77, b'dedicated'), (120, b'16'),
                 (200, b'5e1f0c2a-9b8d-4e7f-a6c5-d4b3a2918071'), (9, b'')]:
    rec += struct.pack('<HB', idx, len(val)) + val
put('sysfs', 'writes', rec)
put('sysfs', 'reads', b''.join(struct.pack('<HB', i, 0x80) for i in range(0, 400, 7)))

# --- vfio_user: [len:2][flags:1][message] --------------------------------------
def hdr(cmd, payload, msg_id=1):
    return struct.pack('<HHIII', msg_id, cmd, 16 + len(payload), 0, 0) + payload

def record(msg, flags=0):
    return struct.pack('<HB', len(msg), flags) + msg

caps = b'{"capabilities":{"max_msg_fds":8,"max_data_xfer_size":1048576}}\0'
version = hdr(1, struct.pack('<HH', 0, 1) + caps)
info = hdr(4, struct.pack('<IIII', 16, 0, 0, 0))
reg_info = hdr(5, struct.pack('<IIIIQQ', 32, 0, 2, 0, 0, 0))
irq_info = hdr(7, struct.pack('<IIII', 16, 0, 2, 0))
dma_map = hdr(2, struct.pack('<IIQQQ', 32, 3, 0, 0x100000, 1 << 20))
cfg_wr = hdr(10, struct.pack('<QII', 4, 7, 2) + struct.pack('<H', 6))
cmd_en = hdr(10, struct.pack('<QII', 0xa0, 0, 4) + struct.pack('<I', 1 << 20))
wq_en = hdr(10, struct.pack('<QII', 0xa0, 0, 4) + struct.pack('<I', 6 << 20))
desc = bytearray(64)
struct.pack_into('<I', desc, 4, (3 << 24) | 0x0c)   # MEMMOVE, CRAV|RCR
struct.pack_into('<QQQI', desc, 8, 0x100000, 0x101000, 0x102000, 256)
portal = hdr(10, struct.pack('<QII', 0, 2, 64) + bytes(desc))
unmap = hdr(3, struct.pack('<IIQQ', 32, 0, 0x100000, 1 << 20))
reset = hdr(13, b'')
session = (record(version) + record(info) + record(reg_info) + record(irq_info) +
           record(dma_map, 1) + record(cfg_wr) + record(cmd_en) + record(wq_en) +
           record(portal) + record(unmap) + record(reset))
put('vfio_user', 'session', session)
put('vfio_user', 'no-version', record(info, 2) + record(version))
put('vfio_user', 'short', record(b'\x01\x00\x04\x00\x08\x00\x00\x00', 4))

# --- vdcm_regs: [region:1][size:1][offset:4][value:8] ----------------------------
def acc(region, size_sel, off, val):
    return struct.pack('<BBIQ', region, size_sel, off, val)

put('vdcm_regs', 'enable', acc(0, 1, 4, 6) + acc(1, 2, 0xa0, 1 << 20) +
    acc(1, 2, 0xa0, 6 << 20) + acc(1, 2, 0xa0, (13 << 20) | 1) + acc(0x81, 2, 0xa8, 0) +
    acc(2, 4, 0, 0x0c00000300000000) + acc(0xff, 0, 0, 0))
put('vdcm_regs', 'reads', b''.join(acc(0x80 | (i % 3), i % 5, i * 4, 0) for i in range(64)))
# enable, a descriptor, then the client leaves and the next one reads the registers
put('vdcm_regs', 'close', acc(0, 1, 4, 6) + acc(1, 2, 0xa0, 1 << 20) +
    acc(1, 2, 0xa0, (13 << 20) | 1) + acc(2, 4, 0, 0x0c00000300000000) + acc(0xfe, 0, 0, 0) +
    acc(0x81, 2, 0x90, 0) + acc(0x81, 3, 0xc0, 0) + acc(0x80, 1, 4, 0))

# --- dsa_desc: [flags:1][descriptor:64] -----------------------------------------------
def dsa_desc(op, flags, comp, src, dst, size, extra=b''):
    d = bytearray(64)
    struct.pack_into('<I', d, 4, (op << 24) | flags)
    struct.pack_into('<QQQI', d, 8, comp, src, dst, size)
    d[40:40 + len(extra)] = extra
    return bytes(d)

seeds = [(1, dsa_desc(3, 0x0c, 0x100, 0x1000, 0x2000, 4096)),
         (1, dsa_desc(4, 0x0c, 0x120, 0, 0x3000, 512, struct.pack('<Q', 0x5a5a5a5a5a5a5a5a))),
         (1, dsa_desc(5, 0x0c, 0x140, 0x1000, 0x2000, 4096)),
         (1, dsa_desc(0x10, 0x0c, 0x160, 0x1000, 0, 4096)),
         (3, dsa_desc(0, 0x0c, 0x180, 0, 0, 0)),
         (0, dsa_desc(3, 0x0c, 0xdead0000, 0x1000, 0x2000, 4096))]
put('dsa_desc', 'ops', b''.join(bytes([f]) + d for f, d in seeds))
