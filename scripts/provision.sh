#!/usr/bin/env bash
# Provisions the external programs the tests run into .cache/bin, built from pinned Go
# modules (no Docker, no prebuilt downloads: only Go and the Go module proxy are needed).
# Idempotent: a program already in .cache/bin at its pinned version is kept.
#
#   helm       helm.sh/helm/v3/cmd/helm                     (renders Helm charts)
#   kustomize  sigs.k8s.io/kustomize/kustomize/v5           (renders Kustomize directories)
#
# With empty Go caches the first run takes about 9 minutes on 2 cores (helm is most of it);
# later runs take well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

HELM_VERSION=v3.16.4
KUSTOMIZE_VERSION=v5.5.0
BIN="$PWD/.cache/bin"

# The version a program in $BIN reports, or nothing when it is absent or broken.
installed_version() {
  case "$1" in
    helm) "$BIN/helm" version --short 2>/dev/null || true ;;
    kustomize) "$BIN/kustomize" version 2>/dev/null || true ;;
  esac
}

build() { # name version module-package [go install flags...]
  local name=$1 version=$2 package=$3
  shift 3
  if ! command -v go >/dev/null 2>&1; then
    echo "provision: $name $version is needed and Go is not installed (install Go >= 1.22, or put $name $version in .cache/bin)" >&2
    exit 1
  fi
  echo "provision: building $name $version from $package@$version with $(go env GOVERSION) (a cold build takes minutes)"
  local started=$SECONDS log
  log=$(mktemp)
  # `go install` is silent until it ends; say that it is alive every 30 seconds.
  (while sleep 30; do echo "provision: still building $name ($((SECONDS - started))s)"; done) &
  local ticker=$!
  local status=0
  GOTOOLCHAIN=local GOFLAGS=-mod=mod GOBIN="$BIN" CGO_ENABLED=0 go install -trimpath "$@" "$package@$version" >"$log" 2>&1 || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    echo "provision: building $name failed:" >&2
    cat "$log" >&2
    rm -f "$log"
    exit "$status"
  fi
  rm -f "$log"
  echo "provision: built $name $version in $((SECONDS - started))s"
}

ensure() { # name version module-package [go install flags...]
  local name=$1 version=$2 found
  found=$(installed_version "$name")
  # `helm version --short` prints v3.16.4 (or v3.16.4+g<commit>); `kustomize version` prints v5.5.0.
  case "$found" in
    "$version" | "$version+"*) echo "provision: $name $version (cached)"; return ;;
    "") ;;
    *) echo "provision: .cache/bin/$name is $found, want $version" ;;
  esac
  build "$@"
  found=$(installed_version "$name")
  case "$found" in
    "$version" | "$version+"*) ;;
    *) echo "provision: built $name but it reports version '$found', not $version" >&2; exit 1 ;;
  esac
}

mkdir -p "$BIN"
# Helm's version and the Kubernetes version it templates against (.Capabilities.KubeVersion,
# from its client-go v0.31) are link-time variables; its Makefile sets them the same way.
helm_x() { printf -- '-X helm.sh/helm/v3/%s ' "$@"; }
ensure helm "$HELM_VERSION" helm.sh/helm/v3/cmd/helm -ldflags "-s -w $(helm_x \
  "internal/version.version=$HELM_VERSION" internal/version.gitTreeState=clean \
  pkg/chartutil.k8sVersionMajor=1 pkg/chartutil.k8sVersionMinor=31 \
  pkg/lint/rules.k8sVersionMajor=1 pkg/lint/rules.k8sVersionMinor=31)"
# Kustomize's version is a link-time variable too (its release build sets it so).
ensure kustomize "$KUSTOMIZE_VERSION" sigs.k8s.io/kustomize/kustomize/v5 \
  -ldflags "-s -w -X sigs.k8s.io/kustomize/api/provenance.version=$KUSTOMIZE_VERSION"
