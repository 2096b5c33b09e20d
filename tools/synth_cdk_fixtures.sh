#!/usr/bin/env bash
# Regenerate the synthesized AWS CDK apps that vpclint's tests lint:
#
#     tools/synth_cdk_fixtures.sh
#
# For each project root under tests/fixtures/cdk/ (two-stacks, stage-nested, single-nat,
# env-agnostic) it synthesizes app.js into that folder's cdk.out/, the cloud assembly vpclint
# reads (manifest.json, the stack templates, stage sub-assemblies, nested stack templates).
#
# Why the output is committed: the tests must not need the network, Node.js or the CDK. Only this
# script does: Node.js 20 or newer and npm with access to the npm registry. It installs the
# aws-cdk-lib and constructs versions pinned in the fixtures' package.json into a temporary folder
# (never node_modules in the repository; set CDK_NODE_MODULES to a node_modules folder that
# already holds those versions to skip the install) and runs each app the way `cdk synth
# --no-validation` does, without the CDK CLI: CDK_OUTDIR names the output folder and
# CDK_CONTEXT_JSON carries cdk.json's context plus what the CLI adds by default (path metadata,
# asset metadata, version reporting). No lookups happen: the stacks have a concrete account and
# region, and cdk.json gives the Availability Zones that a lookup would otherwise fetch; except in
# env-agnostic, on purpose: its AgnosticStack has no account or region (zones from Fn::GetAZs),
# and its PendingLookupStack has no zones in cdk.json, so the CDK writes its placeholder zones
# (dummy1a, ...) and lists the lookup under "missing" in the manifest, as an app synthesized
# without the CLI's lookups does (the CLI would look the zones up, with credentials). (The
# stack-trace switches below are passed here, not written in cdk.json: the CLI warns about
# "aws:" keys there.) Checked with aws-cdk (the CLI) 2.1148.1 for two-stacks and stage-nested:
# `cdk synth --no-validation` in a copy of each project writes the same manifests, templates,
# tree.json and asset manifests, byte for byte; only the *.metadata.json files differ, by the
# stack traces removed here.
#
# The output is deterministic (running the script twice gives byte-identical files) and holds no
# path of the machine that made it:
# - stack traces are turned off (context aws:cdk:disable-stack-trace and
#   aws:cdk:disable-creation-stack-traces); the one trace CDK records regardless (the Vpc's
#   aws:cdk:acknowledged-rules entry) is removed from the *.metadata.json files;
# - the built-in CloudFormation validation is off (CDK_VALIDATION=false, as `--no-validation`):
#   its validation-report.json is a report about the app, not part of the cloud assembly;
# - asset staging folders (asset.*, code that Lambda functions and the like would upload) would
#   be removed; these apps have none. The *.assets.json asset manifests stay: the manifest lists
#   them as cdk:asset-manifest artifacts, they are small, and they map each nested stack template
#   file to the S3 object its parent's TemplateURL names.
# The script fails when a file it wrote still contains the temporary folder, the repository's
# path or the home folder.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIXTURES="$REPO/tests/fixtures/cdk"
APPS=(two-stacks stage-nested single-nat env-agnostic)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vpclint-cdk.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The pinned versions: every app's package.json must pin the same exact ones.
pinned() {
    node -e '
        const deps = require(process.argv[1]).dependencies;
        for (const name of ["aws-cdk-lib", "constructs"]) {
            if (!/^\d+\.\d+\.\d+$/.test(deps[name] || "")) {
                throw new Error(`${process.argv[1]}: pin an exact ${name} version`);
            }
        }
        console.log(`aws-cdk-lib@${deps["aws-cdk-lib"]} constructs@${deps.constructs}`);
    ' "$1"
}
PACKAGES=$(pinned "$FIXTURES/${APPS[0]}/package.json")
for app in "${APPS[@]}"; do
    if [ "$(pinned "$FIXTURES/$app/package.json")" != "$PACKAGES" ]; then
        echo "tests/fixtures/cdk/$app/package.json pins other versions than $PACKAGES" >&2
        exit 1
    fi
done

if [ -n "${CDK_NODE_MODULES:-}" ]; then
    MODULES=$CDK_NODE_MODULES
else
    echo "Installing $PACKAGES into a temporary folder" >&2
    echo '{"private": true}' >"$WORK/package.json"
    # shellcheck disable=SC2086 # two package specs
    npm install --prefix "$WORK" --no-audit --no-fund --ignore-scripts --loglevel=error \
        $PACKAGES >&2
    MODULES="$WORK/node_modules"
fi
for spec in $PACKAGES; do
    name=${spec%@*}
    found=$(node -p "require('$MODULES/$name/package.json').version")
    if [ "$name@$found" != "$spec" ]; then
        echo "$MODULES holds $name@$found, not $spec" >&2
        exit 1
    fi
done

# cdk.json's context, then what `cdk synth` adds by default, then no stack traces.
context_of() {
    node -e '
        const context = require(process.argv[1]).context || {};
        Object.assign(context, {
            "aws:cdk:enable-path-metadata": true,
            "aws:cdk:enable-asset-metadata": true,
            "aws:cdk:version-reporting": true,
            "aws:cdk:bundling-stacks": ["**"],
            "@aws-cdk/core:failSynthOnValidationErrors": false,
            "aws:cdk:disable-stack-trace": true,
            "aws:cdk:disable-creation-stack-traces": true,
        });
        console.log(JSON.stringify(context));
    ' "$1"
}

# Drop the "trace" of every metadata entry of the files named; other files stay as CDK wrote them.
STRIP_TRACES='
        const fs = require("fs");
        for (const file of process.argv.slice(1)) {
            const text = fs.readFileSync(file, "utf8");
            const metadata = JSON.parse(text);
            for (const entries of Object.values(metadata)) {
                for (const entry of entries) delete entry.trace;
            }
            const stripped = JSON.stringify(metadata, undefined, 2);
            if (stripped !== text) fs.writeFileSync(file, stripped);
        }
'

for app in "${APPS[@]}"; do
    root="$FIXTURES/$app"
    out="$WORK/out/$app"
    mkdir -p "$out"
    (
        cd "$root"
        env -u CDK_DEFAULT_ACCOUNT -u CDK_DEFAULT_REGION -u CDK_DEBUG \
            NODE_PATH="$MODULES" CDK_OUTDIR="$out" CDK_VALIDATION=false \
            CDK_CONTEXT_JSON="$(context_of "$root/cdk.json")" \
            node app.js
    )
    rm -f "$out/validation-report.json"
    find "$out" -depth -type d -name 'asset.*' -exec rm -rf {} +
    find "$out" -type f -name '*.metadata.json' -exec node -e "$STRIP_TRACES" {} +
    for machine_path in "$WORK" "$REPO" "${HOME:-}"; do
        if [ "${#machine_path}" -gt 1 ] && grep -rlF "$machine_path" "$out" >&2; then
            echo "$app: the files above contain $machine_path" >&2
            exit 1
        fi
    done
    rm -rf "$root/cdk.out"
    cp -R "$out" "$root/cdk.out"
done

echo "Synthesized with $PACKAGES:"
cd "$REPO"
find tests/fixtures/cdk -path '*/cdk.out/*' -type f | LC_ALL=C sort | while read -r file; do
    printf '%8d  %s\n' "$(wc -c <"$file")" "$file"
done
