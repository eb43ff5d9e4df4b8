#!/usr/bin/env bash
# Installs the Debian 12 packages meta needs to build, test and run, when any
# is missing. As root it runs apt-get; otherwise it prints the exact
# apt-get line to run and exits 1.
# usage: tests/setup.sh [--bench]   (--bench adds the benchmark peers: R with
#                                    metafor, python3-statsmodels, hyperfine)
set -euo pipefail

packages=(
    build-essential cmake pkg-config git    # the build
    libgsl-dev                              # lib/stats
    libpq-dev libssl-dev libcsv-dev         # lib/registry (libpq, SHA-256, CSV)
    libjson-c-dev libinih-dev               # cmd (JSON output, analysis files), lib/import
    libzip-dev libxml2-dev                  # lib/import (Cochrane packages, RevMan 5, XML records); SVG checks
    libcunit1-dev clang-format              # tests and the format check
    postgresql                              # the private registry cluster
    gnuplot-nox fonts-liberation            # plots (Liberation Sans)
    python3                                 # the cli test harness
    clang libclang-rt-14-dev llvm-14        # tests/fuzz: libFuzzer, sanitizers, symbolizer
)
if [[ ${1:-} == --bench ]]; then
    packages+=(r-cran-metafor python3-statsmodels hyperfine time)
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
((${#missing[@]} == 0)) && exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "meta needs these Debian packages; as root, run:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "installing: ${missing[*]}"
# Debian's postgresql package would create and start a default cluster
# listening on TCP; meta runs its own private one, so ask it not to.
if [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
    mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
fi
export DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1
apt-get update -qq
# confold keeps the createcluster.conf written above (dpkg would otherwise ask).
apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"
