#!/usr/bin/env bash
# The feature-selection table (docs/feature-selection.md): every dataset × method × K ∈ {50, 100} × seeds, appended to
# one tab-separated file, then summarised (mean ± sd over the seeds, beside the published SET-QS figures).
# Resumable: a (dataset, method, seed) already in the file is skipped, so a stopped run continues where it stopped.
#
#   samples/select-table.sh [OUT.tsv] [SEEDS] [EPOCHS] [DATASETS...]
# EPOCHS is QuickSelection's and attribution's; WAST trains its own 10 (SETGPU_WAST_EPOCHS) on the CPU engine.
#   samples/select-table.sh bench-results/select.tsv 5 100                    # the whole table (hours on 2 cores)
#   samples/select-table.sh bench-results/select.tsv 1 100 yale orl coil20    # a part of it
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench-results/select.tsv}
seeds=${2:-5}
epochs=${3:-100}
shift $(( $# < 3 ? $# : 3 ))
datasets=("$@")
[ ${#datasets[@]} -gt 0 ] || datasets=(yale orl coil20 isolet madelon pcmac relathe basehock arcene mnist)
methods=(${SETGPU_METHODS:-quickselection wast mlp-strength attribution})
wast_epochs=${SETGPU_WAST_EPOCHS:-10}
data_dir=${SETGPU_DATA:-../shared/data}
mkdir -p "$(dirname "$out")"
dotnet build samples/SetGpu.Cli -c Release -v q -nologo >/dev/null
dotnet build samples/SetGpu.Bench -c Release -v q -nologo >/dev/null
cli=samples/SetGpu.Cli/bin/Release/net10.0/SetGpu.Cli.dll
for dataset in "${datasets[@]}"; do
  for method in "${methods[@]}"; do
    e=$epochs engine=${SETGPU_ENGINE:-auto}
    if [ "$method" = wast ]; then e=$wast_epochs engine=cpu; fi
    for seed in $(seq 1 "$seeds"); do
      if [ -f "$out" ] && awk -F'\t' -v d="$dataset" -v m="$method" -v s="$seed" -v e="$e" \
           '$1==d && $2==m && $3==s && $4==e {found=1} END {exit !found}' "$out"; then
        continue
      fi
      echo "== $dataset $method seed $seed ($e epochs)"
      dotnet "$cli" select --dataset "$dataset" --data-dir "$data_dir" --method "$method" --k-list 50,100 \
        --epochs "$e" --seed "$seed" --features "/tmp/select-$dataset-$method-$seed.csv" --table "$out" --engine "$engine"
    done
  done
done
dotnet samples/SetGpu.Bench/bin/Release/net10.0/SetGpu.Bench.dll select-table "$out"
