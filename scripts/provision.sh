#!/usr/bin/env bash
# Provisions the external programs the tests run into .cache/bin, built from pinned Go
# modules (no Docker, no prebuilt downloads: only Go and the Go module proxy are needed).
# Idempotent: a program already in .cache/bin at its pinned version is kept.
#
#   helm       helm.sh/helm/v3/cmd/helm                     (renders Helm charts)
#   kustomize  sigs.k8s.io/kustomize/kustomize/v5           (renders Kustomize directories)
#   cosign     github.com/sigstore/cosign/v3/cmd/cosign     (signs images for the signature tests)
#   docker-registry, zstd  Debian packages (apt-get, only when missing) for the image tests
#   buildah, pre-commit    Debian packages for the CI integration tests (test/ci.test.ts)
#
# With empty Go caches helm took 4-8.5 minutes and kustomize 0.5 on 2 cores (measured);
# later runs take well under a second.
set -euo pipefail
cd "$(dirname "$0")/.."

HELM_VERSION=v3.16.4
KUSTOMIZE_VERSION=v5.5.0
# cosign v3.1.3 needs Go >= 1.26.0 (its go.mod); measured cold (empty module and build caches)
# on 2 busy cores: 13 minutes (793 s), about 250 modules downloaded from the Go module proxy.
COSIGN_VERSION=v3.1.3
BIN="$PWD/.cache/bin"

# The version a program in $BIN reports, or nothing when it is absent or broken.
installed_version() {
  case "$1" in
    helm) "$BIN/helm" version --short 2>/dev/null || true ;;
    kustomize) "$BIN/kustomize" version 2>/dev/null || true ;;
    cosign) "$BIN/cosign" version --json 2>/dev/null | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p' || true ;;
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
  (trap 'exit 0' TERM; while sleep 30; do echo "provision: still building $name ($((SECONDS - started))s)"; done) &
  local ticker=$!
  local status=0
  GOTOOLCHAIN=local GOFLAGS=-mod=mod GOBIN="$BIN" CGO_ENABLED=0 go install -trimpath "$@" "$package@$version" >"$log" 2>&1 || status=$?
  stop_ticker "$ticker"
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

# Stops a progress ticker and its sleep (which would otherwise hold stdout open).
stop_ticker() {
  pkill -P "$1" 2>/dev/null || true
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

mkdir -p "$BIN"
# Debian packages the tests run (we run as root in CI and here): installed only when missing.
#   docker-registry  the CNCF Distribution registry, for the image pull tests and bench/image.ts
#   zstd             compresses the zstd layers the image tests build
#   rpm              builds a real SQLite rpmdb for the rpm analyzer test (rpmbuild, rpm --justdb)
#   db5.3-util       db5.3_load writes a real Berkeley DB hash file for the legacy rpmdb test
#   buildah          builds Palisade's container image in test/ci.test.ts (chroot isolation, vfs
#                    storage: no daemon, no overlay or fuse)
#   pre-commit       runs Palisade's pre-commit hooks in a git repository in test/ci.test.ts
ensure_deb() { # package binary
  if [ -x "$2" ]; then echo "provision: $1 (installed)"; return; fi
  echo "provision: installing Debian package $1"
  # A machine whose package lists were never fetched needs `apt-get update` first.
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$1" >/dev/null ||
    { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$1" >/dev/null; }
  [ -x "$2" ] || { echo "provision: installed $1 but $2 is missing" >&2; exit 1; }
}
ensure_deb docker-registry /usr/bin/docker-registry
ensure_deb zstd /usr/bin/zstd
ensure_deb rpm /usr/bin/rpmbuild
ensure_deb db5.3-util /usr/bin/db5.3_load
#   prometheus-alertmanager  the alerts tests route two teams to two receivers through a real Alertmanager
#   python3-aiosmtpd         the SMTP server the e-mail alert test delivers to (an implementation
#                            independent of the nodemailer client under test)
ensure_deb prometheus-alertmanager /usr/bin/prometheus-alertmanager
ensure_deb python3-aiosmtpd /usr/bin/aiosmtpd
ensure_deb buildah /usr/bin/buildah
ensure_deb pre-commit /usr/bin/pre-commit
#   postgresql  the PostgreSQL store tests start a real server (initdb, postgres as the package's
#               postgres user) in a temporary directory on loopback (test/support/postgres.ts)
postgres_bin() { ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -1; }
if [ -n "$(postgres_bin)" ]; then
  echo "provision: postgresql (installed)"
else
  echo "provision: installing Debian package postgresql"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >/dev/null ||
    { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >/dev/null; }
  [ -n "$(postgres_bin)" ] || { echo "provision: installed postgresql but /usr/lib/postgresql/*/bin/postgres is missing" >&2; exit 1; }
fi

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

# cosign's version is a link-time variable of sigs.k8s.io/release-utils (its release build sets it so).
ensure cosign "$COSIGN_VERSION" github.com/sigstore/cosign/v3/cmd/cosign \
  -ldflags "-s -w -X sigs.k8s.io/release-utils/version.gitVersion=$COSIGN_VERSION"

# The test control plane: etcd, kube-apiserver and kube-controller-manager from the Kubernetes
# release's Go modules (test/cluster: go.mod generated by its gen-go-mod.sh, go.sum committed).
# Measured cold on 2 cores: 8.7 minutes for etcd and kube-apiserver, plus about 2-3 for
# kube-controller-manager; the binaries are kept until test/cluster/go.sum or cmd/ changes.
KUBERNETES_VERSION=v1.32.4
ETCD_VERSION=3.5.16
cluster_stamp="$BIN/.control-plane-$(sha256sum test/cluster/go.sum test/cluster/cmd/*/main.go | sha256sum | cut -c1-16)"
if [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kube-controller-manager" ] && [ -x "$BIN/etcd" ] && [ -f "$cluster_stamp" ]; then
  echo "provision: kube-apiserver and kube-controller-manager $KUBERNETES_VERSION, etcd $ETCD_VERSION (cached)"
else
  if ! command -v go >/dev/null 2>&1; then
    echo "provision: the test control plane needs Go (>= 1.23) and the Go module proxy" >&2
    exit 1
  fi
  started=$SECONDS
  echo "provision: building etcd $ETCD_VERSION, kube-apiserver and kube-controller-manager $KUBERNETES_VERSION from Go modules (a cold build takes about 11 minutes)"
  (trap 'exit 0' TERM; while sleep 60; do echo "provision: still building the control plane ($((SECONDS - started))s)"; done) &
  ticker=$!
  version_x() { for variable in "$@"; do printf -- '-X k8s.io/component-base/version.%s -X k8s.io/client-go/pkg/version.%s ' "$variable" "$variable"; done; }
  status=0
  (
    cd test/cluster
    export GOTOOLCHAIN=local GOFLAGS=-mod=readonly GOSUMDB=off CGO_ENABLED=0
    go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" ./cmd/etcd
    for component in kube-apiserver kube-controller-manager; do
      go build -trimpath -ldflags "-s -w $(version_x "gitVersion=$KUBERNETES_VERSION" gitMajor=1 gitMinor=32 gitTreeState=clean)" -o "$BIN/$component" "./cmd/$component"
    done
  ) || status=$?
  stop_ticker "$ticker"
  [ "$status" -eq 0 ] || { echo "provision: building the control plane failed" >&2; exit "$status"; }
  rm -f "$BIN"/.control-plane-*
  touch "$cluster_stamp"
  echo "provision: built the control plane in $((SECONDS - started))s ($("$BIN/kube-apiserver" --version))"
fi

# Version-ordering oracles for the generated-pair tests in test/versions-oracle.test.ts:
# dpkg (always present on Debian), librpm's Python binding (rpm.labelCompare) and
# packaging.version (PEP 440, the reference pip uses), both for Debian's own /usr/bin/python3.
missing_debs=()
command -v dpkg >/dev/null 2>&1 || missing_debs+=(dpkg)
/usr/bin/python3 -c 'import rpm' >/dev/null 2>&1 || missing_debs+=(python3-rpm)
/usr/bin/python3 -c 'import packaging.version' >/dev/null 2>&1 || missing_debs+=(python3-packaging)
# The shells `palisade completion` writes scripts for, to load and run them in test/completion.test.ts.
command -v zsh >/dev/null 2>&1 || missing_debs+=(zsh)
command -v fish >/dev/null 2>&1 || missing_debs+=(fish)
if [ "${#missing_debs[@]}" -gt 0 ]; then
  echo "provision: installing ${missing_debs[*]} (Debian)"
  apt-get install -y --no-install-recommends "${missing_debs[@]}" >/dev/null || {
    apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing_debs[@]}" >/dev/null
  }
else
  echo "provision: dpkg, python3-rpm, python3-packaging, zsh and fish (installed)"
fi
