#!/usr/bin/env python3
"""Writes a dzvin config with N users u00000.. (passwords pw00000x..) in domain perf.test, for
register_load and the bench-peers SIPp scripts.
usage: make_bench_config.py OUT.toml DATA_DIR LISTEN [N]"""
import sys

out, data, listen = sys.argv[1:4]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
with open(out, "w") as f:
    f.write(f'[server]\ndata_dir = "{data}"\nlog_level = "warn"\n\n[sip]\nlisten = ["{listen}"]\n\n')
    f.write('[company]\nname = "Bench"\nsip_domain = "perf.test"\n')
    for i in range(n):
        f.write(f'\n[[company.users]]\nusername = "u{i:05d}"\npassword = "pw{i:05d}x"\n')
