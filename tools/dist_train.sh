#!/usr/bin/env bash
# Distributed training with torchrun (DDP; NCCL on GPUs, gloo on CPU).
#   tools/dist_train.sh CONFIG NPROC_PER_NODE [train.py args...]
# Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and PORT on every node, e.g.
#   NNODES=2 NODE_RANK=0 MASTER_ADDR=10.1.1.1 tools/dist_train.sh configs/dbgan_gopro.py 8
set -euo pipefail
CONFIG=${1:?usage: tools/dist_train.sh CONFIG NPROC_PER_NODE [args...]}
NPROC=${2:?usage: tools/dist_train.sh CONFIG NPROC_PER_NODE [args...]}
shift 2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
DIR="$(cd "$(dirname "$0")" && pwd)"
PYTHONPATH="$DIR/..:${PYTHONPATH:-}" exec python -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --master_port="$PORT" --nproc_per_node="$NPROC" \
    "$DIR/train.py" "$CONFIG" --launcher pytorch "$@"
