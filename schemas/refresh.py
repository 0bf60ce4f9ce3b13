#!/usr/bin/env python3
"""Copy the KOMBIT / Digitaliseringsstyrelsen XSDs the mock validates against from
shared/contracts into this folder: only the files reached by import/include from the message
schemas, with the two fixes libxml2 needs (see PROVENANCE.md). Usage:
    python3 schemas/refresh.py ../shared/contracts
Run from the repository root; the project's own XSDs (oir/, sp/) are not touched."""
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LOCATION = re.compile(r'<(?:\w+:)?(import|include)\b[^>]*?schemaLocation="([^"]+)"', re.S)
IMPORT = re.compile(r'(<(?:\w+:)?import\s+namespace="([^"]+)"\s+schemaLocation=")[^"]*"')
TNS = re.compile(r'targetNamespace="([^"]+)"')
PNR_NS = "http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/"

ROOTS = {
    "SF1520-PersonBaseDataExtended-v4": ["PersonBaseDataExtendedServiceMsg.xsd"],
    "SF1600-Print-v2": ["PrintServiceMsg.xsd"],
    "SF2900-Fordelingskomponent-v3": ["DistributionServiceMsg.xsd"],
    # KOMBIT's .NET sample keeps the XSDs under wsdl/; copied without that folder level.
    "SF1470-SagDokumentIndeks-v6": [
        "xsd/6.0.STS-0/SagDokumentIndeksOperationer.xsd",
        "xsd/common/RequestHeader.xsd",
    ],
    "MeMo-1.1": ["MeMo_core.xsd"],
    "MeMo-1.2": ["MeMo_core.xsd"],
}
SF1600_OIO = "SF1600_EP_SP1-2/xsd/oio"
SF1600_TYPES = "xsd/PrintServiceRequestTypes.xsd"
# Packages whose XSDs sit one folder down in shared/contracts.
SOURCE_DIR = {"SF1470-SagDokumentIndeks-v6": "wsdl"}


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def add_pnr_import(text):
    """SF1520's types schema uses the PNR namespace without importing it."""
    if f'<xsd:import namespace="{PNR_NS}"' in text:
        return text
    start = text.index("<xsd:schema")
    end = text.index(">", start)
    imp = f'<xsd:import namespace="{PNR_NS}" schemaLocation="../sp/PNR_1.xsd"/>'
    return text[: end + 1] + "\n    " + imp + text[end + 1 :]


def sf1600_hubs(src):
    """One hub schema per OIO namespace including all its files; imports point at the hub
    (libxml2 reads only the first import of a namespace)."""
    oio = os.path.join(src, SF1600_OIO)
    by_ns = {}
    for name in sorted(os.listdir(oio)):
        if not name.endswith(".xsd"):
            continue
        text = read(os.path.join(oio, name))
        m = TNS.search(text)
        if not m:
            continue
        ns = m.group(1)
        own = ns.startswith("urn:oio") or ns.startswith("http://rep.oio.dk")
        if own and f'import namespace="{ns}"' not in text:
            by_ns.setdefault(ns, []).append(name)
    hubs = {}
    for ns, members in by_ns.items():
        slug = re.sub(r"[^A-Za-z0-9]+", "-", ns).strip("-")
        hubs[ns] = (f"_hub-{slug}.xsd", members)
    return hubs


def main(contracts):
    for package, roots in ROOTS.items():
        src = os.path.join(contracts, package, SOURCE_DIR.get(package, ""))
        dst = os.path.join(HERE, package)
        shutil.rmtree(dst, ignore_errors=True)
        hubs = sf1600_hubs(src) if package == "SF1600-Print-v2" else {}
        files = {}

        def load(rel):
            rel = os.path.normpath(rel)
            if rel in files:
                return
            name = os.path.basename(rel)
            hub = next((h for h in hubs.values() if h[0] == name), None)
            if hub and os.path.dirname(rel) == SF1600_OIO:
                ns = next(n for n, h in hubs.items() if h[0] == name)
                inc = "".join(f'<xsd:include schemaLocation="{m}"/>' for m in hub[1])
                text = ('<?xml version="1.0" encoding="UTF-8"?>\n<!-- sp-contract: a hub for '
                        'libxml2, see schemas/PROVENANCE.md -->\n<xsd:schema xmlns:xsd="http://'
                        f'www.w3.org/2001/XMLSchema" targetNamespace="{ns}" elementFormDefault='
                        f'"qualified">{inc}</xsd:schema>\n')
            else:
                text = read(os.path.join(src, rel))
                if package.startswith("SF1520") and rel == "xsd/PersonBaseDataExtendedServiceTypes.xsd":
                    text = add_pnr_import(text)
                if hubs and (os.path.dirname(rel) == SF1600_OIO or rel == SF1600_TYPES):
                    prefix = "" if os.path.dirname(rel) == SF1600_OIO else f"../{SF1600_OIO}/"
                    text = IMPORT.sub(
                        lambda m: f'{m.group(1)}{prefix}{hubs[m.group(2)][0]}"'
                        if m.group(2) in hubs else m.group(0), text)
            files[rel] = text
            for _, loc in LOCATION.findall(text):
                load(os.path.join(os.path.dirname(rel), loc))

        for r in roots:
            load(r)
        for rel, text in files.items():
            path = os.path.join(dst, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        print(f"{package}: {len(files)} files")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/contracts")
