#!/usr/bin/env bash
# The nightly contract run against a real target, shared by the example pipelines in ci/.
#
# Writes the function certificate from the CI secret store to the file sp-contract.toml
# names, runs the suite with retries for network blips, writes the reports, tells a broken
# contract (exit 1) from an unreachable target (exit 3) in the CI system's own words, and
# exits with sp-contract's exit code. The certificate file is removed again on exit.
#
# Environment (secrets come from the CI system's secret store, never from the repository):
#   SP_CERT_P12_BASE64  the PKCS#12 function certificate, base64-encoded (a secret), or
#   SP_CERT_P12_PATH    a path the CI system already wrote it to (e.g. Azure secure files)
#   SP_CERT_PASSWORD    its password: the variable that password_env names in the config
#   SP_CERT_FILE        where the config's certificate.pkcs12 points (default secrets/foces.p12)
#   SP_TARGET           target name (default exttest)
#   SP_CONFIG           config file (default sp-contract.toml)
#   SP_SHARD            optional I/N, for a CI matrix
#   SP_SERVICE          optional SF1520,SF2900 ... (or SP_AGREEMENT=file)
#   SP_RETRIES          retries for transient network failures (default 2)
#   SP_REPORTS          report folder (default reports)
#   SP_CONTRACT         the sp-contract binary (default target/release/sp-contract)
set -uo pipefail

target=${SP_TARGET:-exttest}
config=${SP_CONFIG:-sp-contract.toml}
cert=${SP_CERT_FILE:-secrets/foces.p12}
reports=${SP_REPORTS:-reports}
bin=${SP_CONTRACT:-target/release/sp-contract}

# One line the CI system shows as an annotation: level (error|warning), title, text.
say() {
  if [ -n "${GITHUB_ACTIONS:-}" ]; then
    echo "::$1 title=$2::$3"
  elif [ -n "${TF_BUILD:-}" ]; then
    echo "##vso[task.logissue type=$1]$2: $3"
  else
    echo "$2: $3"
  fi
}

mkdir -p "$reports" "$(dirname "$cert")"
if [ -n "${SP_CERT_P12_BASE64:-}" ]; then
  (umask 077 && printf '%s' "$SP_CERT_P12_BASE64" | base64 -d > "$cert") || {
    say error "Certificate" "SP_CERT_P12_BASE64 is not valid base64"; exit 2; }
  trap 'rm -f "$cert"' EXIT
elif [ -n "${SP_CERT_P12_PATH:-}" ]; then
  (umask 077 && cp "$SP_CERT_P12_PATH" "$cert") || exit 2
  trap 'rm -f "$cert"' EXIT
fi

args=(run --target "$target" --config "$config" --retries "${SP_RETRIES:-2}"
      --junit "$reports/junit.xml" --report-html "$reports/evidence.html"
      --report-md "$reports/summary.md")
[ -n "${SP_SHARD:-}" ] && args+=(--shard "$SP_SHARD")
[ -n "${SP_SERVICE:-}" ] && args+=(--service "$SP_SERVICE")
[ -n "${SP_AGREEMENT:-}" ] && args+=(--agreement "$SP_AGREEMENT")

"$bin" "${args[@]}"
code=$?
echo "$code" > "$reports/exit-code"
case $code in
  0) echo "sp-contract: every scenario kept the contract against $target" ;;
  1) say error "Contract broken" "$target answered, and an answer broke the contract: see the evidence report" ;;
  2) say error "Suite or configuration error" "fix the suite or sp-contract.toml (or the certificate) first: see the log" ;;
  3) say warning "Target unreachable" "$target could not be reached or refused the connection; the contract was not judged (run sp-contract doctor --target $target)" ;;
  *) say error "sp-contract" "ended with exit code $code" ;;
esac
exit "$code"
