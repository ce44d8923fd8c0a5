"""The cost that denoising score matching removes: one training step of ISM against DSM, by dimension.

    python benchmarks/ism_vs_dsm.py                      # d = 2 ... 256, 20 timed steps each
    python benchmarks/ism_vs_dsm.py --dims 2 32 512 --repeats 10 --json results/ism_vs_dsm.json

Both objectives train the same score network (an MLP d → 128 → 128 → d with tanh units, Adam) on
the same batch of 128 Gaussian inputs. Implicit score matching needs the trace of the network's
d × d Jacobian for every example (computed exactly with torch.func ``jacrev``, and with d autograd
passes); denoising score matching needs one forward and one backward pass. The table gives the
median wall-clock time of one step over ``--repeats`` steps after ``--warmup`` untimed ones, and the
ratio of the faster ISM variant to DSM, measured in this process on this machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from aebook.devices import hardware
from aebook.experiments.score_matching import cost_table_markdown, training_step_costs
from aebook.results.records import provenance, write_json


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[2, 8, 32, 128, 256])
    parser.add_argument("--hidden", type=int, nargs="+", default=[128, 128])
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--traces", nargs="+", default=["jacrev", "autograd"])
    parser.add_argument(
        "--threads", type=int, default=None, help="torch threads (default: torch's)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)

    print(f"machine: {hardware()}, torch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    print(
        f"score network {args.hidden}, batch {args.batch_size}, median of {args.repeats} steps "
        f"after {args.warmup} warm-up steps, CPU"
    )
    rows = training_step_costs(
        args.dims,
        hidden=args.hidden,
        batch_size=args.batch_size,
        repeats=args.repeats,
        warmup=args.warmup,
        traces=args.traces,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(cost_table_markdown(rows))
    if args.json is not None:
        payload = {
            "benchmark": "ism_vs_dsm",
            "args": vars(args) | {"json": str(args.json)},
            "threads": torch.get_num_threads(),
            "rows": rows,
            "provenance": provenance(),
        }
        print(f"written to {write_json(args.json, payload)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
