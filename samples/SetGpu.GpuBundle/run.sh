#!/usr/bin/env bash
# The GPU bundle's entry point (.ci/gpu-bundle copies this file into the bundle as `run`):
#
#   run [--quick] [--engine-fallback ilgpu-cpu] --out REPORT_DIR
#
# Needs no .NET: unpacks the self-contained program beside it (with xz, or Python's lzma where xz is missing) into
# $SETGPU_BUNDLE_TMP (default /tmp), lets the loader find the driver's libcuda.so, and starts the run, which writes
# REPORT_DIR/report.json and REPORT_DIR/report.md; REPORT_DIR/run.log gets everything printed. Every section is in
# the report even when a part failed; if the program cannot start at all, this script writes a report that says so.
# Exit code: 0 every section passed or was skipped, 3 one ran out of its budget, 1 one failed, 2 bad arguments.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: $0 [--quick] [--engine-fallback ilgpu-cpu] --out REPORT_DIR" >&2; exit 2; }
out="" args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    --quick) args+=(--quick); shift ;;
    --engine-fallback) [ $# -ge 2 ] || usage; args+=(--engine-fallback "$2"); shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$out" ] || usage
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 2
manifest=$(head -n 1 "$here/MANIFEST" 2>/dev/null || echo "no MANIFEST")

# Unpacks the program once per archive (a second run on the same machine starts at once).
unpack() {
  local archive="$here/setgpu-bundle.tar.xz" sum dest tmp
  sum=$(sha256sum "$archive" | cut -c1-16) || return 1
  dest="${SETGPU_BUNDLE_TMP:-/tmp}/setgpu-bundle-$sum"
  if [ ! -x "$dest/SetGpu.GpuBundle" ]; then
    tmp=$(mktemp -d "${dest}.XXXX") || return 1
    if command -v xz >/dev/null; then xz -dc "$archive" | tar -xf - -C "$tmp" || { rm -rf "$tmp"; return 1; }
    else python3 -c 'import sys, tarfile
tarfile.open(sys.argv[1]).extractall(sys.argv[2], **({"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}))' \
           "$archive" "$tmp" || { rm -rf "$tmp"; return 1; }
    fi
    rm -rf "$dest" && mv "$tmp" "$dest" || return 1
  fi
  echo "$dest"
}

# ILGPU opens the CUDA driver as libcuda.so; a machine with only the driver may have libcuda.so.1 alone. Then a
# folder of our own gets the link (never CUDA's stub library, which has no driver behind it).
find_driver() {
  local dir=$1 lib
  if ldconfig -p 2>/dev/null | grep -q 'libcuda\.so '; then echo "CUDA driver: libcuda.so, as the loader finds it"; return 0; fi
  lib=$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 /{print $NF; exit}')
  for candidate in /usr/local/nvidia/lib64/libcuda.so.1 /usr/lib/x86_64-linux-gnu/libcuda.so.1 /usr/lib64/libcuda.so.1; do
    [ -n "$lib" ] || { [ -e "$candidate" ] && lib=$candidate; }
  done
  if [ -z "$lib" ]; then echo "CUDA driver: no libcuda.so.1 found (ldconfig, /usr/local/nvidia/lib64, /usr/lib*)"; return 0; fi
  mkdir -p "$dir/cuda-driver" && ln -sf "$lib" "$dir/cuda-driver/libcuda.so"
  export LD_LIBRARY_PATH="$dir/cuda-driver:$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "CUDA driver: $lib, linked as $dir/cuda-driver/libcuda.so"
}

# A report written here when the program itself did not run: every section, none reached.
fallback_report() {
  local why=$1 sections="$here/sections.tsv"
  python3 - "$out" "$why" "$sections" "$manifest" <<'EOF' || printf '# SetGpu GPU bundle report\n\n**The bundle did not run: %s. Not a GPU result.**\n' "$why" > "$out/report.md"
import json, sys
out, why, sections, manifest = sys.argv[1:5]
rows = [line.rstrip("\n").split("\t") for line in open(sections)] if sections else []
result = {"headline": f"The bundle's program did not run: {why}. Not a GPU result.", "gpuResult": False, "bundle": manifest,
          "passed": False, "sections": [{"id": i, "title": t, "status": "Failed", "summary": f"not run: {why}"} for i, t in rows]}
json.dump(result, open(f"{out}/report.json", "w"), indent=2)
with open(f"{out}/report.md", "w") as md:
    md.write(f"# SetGpu GPU bundle report\n\n**{result['headline']}**\n\nBundle: {manifest}. The end of run.log says more.\n\n")
    md.write("| section | status | result |\n|---|---|---|\n")
    md.writelines(f"| {t} | FAILED | not run: {why} |\n" for i, t in rows)
EOF
}

main() {
  echo "SetGpu GPU bundle: $manifest"
  echo "machine: $(uname -srm); $(nproc) cores; $(command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -n 1 || echo 'no nvidia-smi')"
  rm -f "$out/report.json" "$out/report.md"
  local started=$SECONDS program rc
  program=$(unpack) || { fallback_report "the program could not be unpacked"; return 1; }
  echo "program: $program (ready in $((SECONDS - started)) s)"
  find_driver "$program"
  "$program/SetGpu.GpuBundle" report "${args[@]}" --out "$out" --data "$here/data" --bundle "$manifest"
  rc=$?
  if [ ! -s "$out/report.json" ]; then fallback_report "the program ended with exit code $rc before writing its report"; rc=1; fi
  echo "run: exit code $rc after $((SECONDS - started)) s; report: $out/report.md"
  return $rc
}

main 2>&1 | tee "$out/run.log"
exit "${PIPESTATUS[0]}"
