#!/usr/bin/env bash
# Installs, once, into ${WEBLOG_CACHE_DIR:-~/.cache/weblog}:
#  - iceberg-rest/{lib,classes}: the local Iceberg REST catalog (infra/local/iceberg/pom.xml, from Maven Central)
#    and its launcher (Launcher.java, compiled here); redone when the pom or the launcher change (a stamp of both);
#  - pyiceberg-<version>/: a venv with PyIceberg (PyPI), the independent reader the tests check our tables with.
# Idempotent and silent when both are current. Needs a JDK (javac), mvn and python3 with venv.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${WEBLOG_CACHE_DIR:-$HOME/.cache/weblog}

install_catalog() {
  local dest="$cache/iceberg-rest" stamp
  stamp=$(cat "$here/pom.xml" "$here/Launcher.java" | sha256sum | cut -c1-16)
  if [ -f "$dest/.complete" ] && [ "$(cat "$dest/.complete")" = "$stamp" ]; then return 0; fi
  command -v mvn >/dev/null || { echo "infra/local/iceberg/fetch.sh: mvn not found: apt-get install maven" >&2; exit 2; }
  command -v javac >/dev/null || { echo "infra/local/iceberg/fetch.sh: javac not found: apt-get install openjdk-17-jdk-headless" >&2; exit 2; }
  echo "installing the Iceberg REST catalog into $dest (once)" >&2
  rm -rf "$dest.tmp"
  mkdir -p "$dest.tmp/classes"
  if ! mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$dest.tmp/lib" >"$dest.tmp/mvn.log" 2>&1; then
    tail -20 "$dest.tmp/mvn.log" >&2
    echo "infra/local/iceberg/fetch.sh: mvn could not fetch the Iceberg REST catalog's jars (log above)" >&2
    exit 1
  fi
  javac -nowarn -d "$dest.tmp/classes" -cp "$dest.tmp/lib/*" "$here/Launcher.java"
  echo "$stamp" >"$dest.tmp/.complete"
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
}

install_pyiceberg() {
  local version=0.12.0 venv
  venv="$cache/pyiceberg-$version"
  if [ -f "$venv/.complete" ]; then return 0; fi
  python3 -m venv --help >/dev/null 2>&1 || { echo "infra/local/iceberg/fetch.sh: python3 with venv not found: apt-get install python3-venv" >&2; exit 2; }
  echo "installing PyIceberg $version into $venv (once)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  if ! "$venv/bin/pip" install -q --disable-pip-version-check "pyiceberg[pyarrow]==$version" >"$venv/pip.log" 2>&1; then
    tail -20 "$venv/pip.log" >&2
    echo "infra/local/iceberg/fetch.sh: pip could not install pyiceberg $version (log above)" >&2
    exit 1
  fi
  touch "$venv/.complete"
}

install_catalog
install_pyiceberg
